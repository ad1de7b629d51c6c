//! The contract model (合同管理 / 签署服务): contracts, signatories, actions, signing
//! positions, documents, watermarks, and the states and kinds they carry.

use serde::{Deserialize, Serialize};

use super::serde_helpers::lenient;
use super::{Category, ContractRef, PersonalField, User, string_enum};
use crate::api::org_types::invalid;

string_enum! {
    /// The state of a contract (`status`).
    pub enum ContractStatus {
        /// 草稿: created, not sent.
        Draft = "DRAFT",
        /// 拟定中: signatories are filling parameters.
        Filling = "FILLING",
        /// 签署中: being signed.
        Signing = "SIGNING",
        /// 已完成: every party signed.
        Complete = "COMPLETE",
        /// 已退回: a party rejected it.
        Rejected = "REJECTED",
        /// 已撤回: the sponsor recalled it.
        Recalled = "RECALLED",
        /// 已过期: the signing deadline passed.
        Expired = "EXPIRED",
        /// 作废中: being invalidated.
        Invaliding = "INVALIDING",
        /// 已作废: invalidated.
        Invalided = "INVALIDED",
        /// 强制结束: force-ended.
        ForceEnd = "FORCE_END",
    }
}

string_enum! {
    /// The state of a signatory (`status`).
    pub enum SignatoryStatus {
        /// 草稿.
        Draft = "DRAFT",
        /// 拟定中.
        Filling = "FILLING",
        /// 待签署: not its turn yet.
        Waiting = "WAITING",
        /// 签署中.
        Signing = "SIGNING",
        /// 已签署.
        Signed = "SIGNED",
        /// 已撤回.
        Recalled = "RECALLED",
        /// 已退回.
        Rejected = "REJECTED",
        /// 已过期.
        Expired = "EXPIRED",
        /// 强制结束.
        ForceEnd = "FORCE_END",
        /// 作废中.
        Invaliding = "INVALIDING",
        /// 已作废.
        Invalided = "INVALIDED",
        /// 已关闭.
        Closed = "CLOSED",
    }
}

string_enum! {
    /// The state of a signing action (`status`).
    pub enum ActionStatus {
        /// Not started.
        Init = "INIT",
        /// Due.
        Start = "START",
        /// Done.
        Finish = "FINISH",
        /// Stopped (audit rejected, invalidation, ...).
        Stop = "STOP",
        /// Ended (force end).
        End = "END",
    }
}

string_enum! {
    /// What a signing action of a company signatory does (`type`).
    pub enum ActionType {
        /// 企业签章: the company seal.
        Company = "COMPANY",
        /// 经办人签字: the operator's signature.
        Operator = "OPERATOR",
        /// 法定代表人签字: the legal representative.
        Lp = "LP",
        /// 审批: an approval.
        Audit = "AUDIT",
        /// 审批并签字: approval with a personal signature.
        Personal = "PERSONAL",
        /// 个人执业章: a practising seal (sponsor internal only).
        Practice = "PRACTICE",
    }
}

string_enum! {
    /// What a signing position carries (`Stamper.type`).
    pub enum StamperType {
        /// 公章: the company seal.
        Company = "COMPANY",
        /// 个人签名: a personal signature.
        Personal = "PERSONAL",
        /// 法人章: the legal representative's seal.
        Lp = "LP",
        /// 经办人签字: the operator's signature.
        Operator = "OPERATOR",
        /// 时间戳: the signing date.
        Timestamp = "TIMESTAMP",
        /// 骑缝章: across every page.
        AcrossPage = "ACROSS_PAGE",
        /// 骑缝章 on odd pages.
        AcrossPageOdd = "ACROSS_PAGE_ODD",
        /// 骑缝章 on even pages.
        AcrossPageEven = "ACROSS_PAGE_EVEN",
        /// 骑缝章 over the pages of `sealPageConfig`.
        AcrossPageScope = "ACROSS_PAGE_SCOPE",
    }
}

string_enum! {
    /// How far an across-page seal reaches (`acrossType`).
    pub enum AcrossType {
        /// One seal per document (default).
        SingleDocument = "SINGLE_DOCUMENT",
        /// One seal over all documents.
        AllDocument = "ALL_DOCUMENT",
    }
}

string_enum! {
    /// Whether a signatory is a company or a person (`tenantType`).
    pub enum TenantType {
        /// A company.
        Company = "COMPANY",
        /// A person.
        Personal = "PERSONAL",
        /// A company without a receiver yet (returned by detail).
        CompanyNoReceiver = "C_NO_RECEIVER",
        /// A person without a receiver yet (returned by detail).
        PersonalNoReceiver = "P_NO_RECEIVER",
    }
}

string_enum! {
    /// The date format of a `TIMESTAMP` position (`datePattern`).
    pub enum DatePattern {
        /// `yyyy-mm-dd` (default).
        Hyphen = "HYPHEN",
        /// `yyyy年mm月dd日` with Arabic digits.
        Chinese = "Chinese",
        /// `yyyy年mm月dd日` with Chinese numerals.
        AllChinese = "ALL_Chinese",
        /// An English date.
        English = "ENGLISH",
    }
}

string_enum! {
    /// When a contract counts as complete (`signFlowStrategy`).
    pub enum SignFlowStrategy {
        /// When every signatory has signed.
        AllSignFinish = "ALL_SIGN_FINISH",
        /// When any signatory has signed.
        AnySignFinish = "ANY_SIGN_FINISH",
    }
}

string_enum! {
    /// Whether signers may add positions themselves (`stamperRule`).
    pub enum StamperRule {
        /// They may not.
        MustForbid = "MUST_FORBID",
        /// They must.
        MustAllow = "MUST_ALLOW",
        /// They may.
        Optional = "OPTIONAL",
    }
}

string_enum! {
    /// When copy receivers are notified (`copySendTime`).
    pub enum CopySendTime {
        /// When the contract is sent.
        Send = "SEND",
        /// When it is complete.
        Finish = "FINISH",
    }
}

string_enum! {
    /// Why an invalidation failed (`invalidFailType`).
    pub enum InvalidFailType {
        /// A party rejected the invalidation.
        InvalidRejected = "INVALID_REJECTED",
        /// The invalidation was cancelled.
        InvalidCancel = "INVALID_CANCEL",
    }
}

string_enum! {
    /// How a signer confirms signing (`signValidateWay`, SaaS only).
    pub enum SignValidateWay {
        /// As the SaaS configuration says (default).
        SaasConfig = "SAAS_CONFIG",
        /// The platform default.
        Default = "DEFAULT",
        /// A signing password.
        SignPwd = "SIGNPWD",
        /// A PIN.
        Pin = "PIN",
        /// Face recognition.
        Face = "FACE",
        /// Face recognition or the default.
        FaceDefault = "FACE_DEFAULT",
    }
}

/// A signing position (签署位置): where a seal, signature or date goes, in requests and answers
/// alike (it has no field only the platform fills). Fields are those of the vendor Go SDK
/// 3.1.1 `model.Stamper`; anything else an answer carries stays in `extra`.
///
/// Coordinates are relative to the page (width and height are 1), from its bottom-left corner
/// to the bottom-left corner of the image: in `[0, 1)` for a page position, in `(-1, 1)` as
/// an offset from a keyword.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Stamper {
    /// The action the position belongs to (company positions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<crate::id::ActionId>,
    /// The signatory the position belongs to (personal positions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatory_id: Option<crate::id::SignatoryId>,
    /// What goes there.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub stamper_type: Option<StamperType>,
    /// How far an across-page seal reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub across_type: Option<AcrossType>,
    /// The pages of an `ACROSS_PAGE_SCOPE` seal, e.g. `2,4~7`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seal_page_config: Option<String>,
    /// The document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_id: Option<crate::id::DocumentId>,
    /// Several documents, comma-separated (vendor Go model; one ID may come as a number).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_text"
    )]
    pub document_ids: Option<String>,
    /// The seal to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seal_id: Option<crate::id::SealId>,
    /// A keyword to position by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// Which occurrence of the keyword: 1 the first (default), 0 all, -1 the last, n the n-th.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub keyword_index: Option<i64>,
    /// The page (1-based; 0 all pages, -1 the last).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub page: Option<i64>,
    /// The horizontal position or offset.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_f64"
    )]
    pub offset_x: Option<f64>,
    /// The vertical position or offset.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_f64"
    )]
    pub offset_y: Option<f64>,
    /// The date format of a `TIMESTAMP` position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_pattern: Option<DatePattern>,
    /// The width of a personal signature or date, 10–120.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub width: Option<i64>,
    /// The height of a personal signature or date, 4–48.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub height: Option<i64>,
    /// Clockwise rotation in degrees, 0–360.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_f64"
    )]
    pub rotation_degrees: Option<f64>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Stamper {
    /// A position of `stamper_type` on `page` of `document_id` at (`offset_x`, `offset_y`).
    pub fn at(
        stamper_type: StamperType,
        document_id: impl Into<crate::id::DocumentId>,
        page: i64,
        offset_x: f64,
        offset_y: f64,
    ) -> Self {
        Self {
            stamper_type: Some(stamper_type),
            document_id: Some(document_id.into()),
            page: Some(page),
            offset_x: Some(offset_x),
            offset_y: Some(offset_y),
            ..Self::default()
        }
    }

    /// A position of `stamper_type` at the first occurrence of `keyword` in `document_id`.
    pub fn at_keyword(
        stamper_type: StamperType,
        document_id: impl Into<crate::id::DocumentId>,
        keyword: impl Into<String>,
    ) -> Self {
        Self {
            stamper_type: Some(stamper_type),
            document_id: Some(document_id.into()),
            keyword: Some(keyword.into()),
            ..Self::default()
        }
    }

    /// Assigns the position to a company action.
    #[must_use]
    pub fn for_action(mut self, action_id: impl Into<crate::id::ActionId>) -> Self {
        self.action_id = Some(action_id.into());
        self
    }

    /// Assigns the position to a (personal) signatory.
    #[must_use]
    pub fn for_signatory(mut self, signatory_id: impl Into<crate::id::SignatoryId>) -> Self {
        self.signatory_id = Some(signatory_id.into());
        self
    }

    /// Uses this seal.
    #[must_use]
    pub fn with_seal(mut self, seal_id: impl Into<crate::id::SealId>) -> Self {
        self.seal_id = Some(seal_id.into());
        self
    }

    /// Checks the documented ranges; `field` names the stamper in the message.
    ///
    /// The ranges are those of the Stamper table of the 契约锁 doc pages 发起合同 and
    /// 用模板添加合同文档 (the vendor Go SDK checks none of them).
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::InvalidArgument`] for a value out of its range.
    pub fn validate(&self, field: &str) -> Result<(), crate::BuildError> {
        let bad = |what: String| Err(invalid(format!("{field}.{what}")));
        // Coordinates in [0, 1) of the page, or offsets in (-1, 1) from a keyword.
        let by_keyword = self.keyword.as_deref().is_some_and(|k| !k.is_empty());
        for (name, v) in [("offsetX", self.offset_x), ("offsetY", self.offset_y)] {
            if let Some(v) = v {
                let ok = if by_keyword {
                    v > -1.0 && v < 1.0
                } else {
                    (0.0..1.0).contains(&v)
                };
                if !ok {
                    let range = if by_keyword { "(-1, 1)" } else { "[0, 1)" };
                    return bad(format!("{name} must be in {range}, got {v}"));
                }
            }
        }
        // Width 10–120 and height 4–48 (personal signatures and dates).
        if let Some(w) = self.width.filter(|w| !(10..=120).contains(w)) {
            return bad(format!("width must be in 10..=120, got {w}"));
        }
        if let Some(h) = self.height.filter(|h| !(4..=48).contains(h)) {
            return bad(format!("height must be in 4..=48, got {h}"));
        }
        // keywordIndex: 1 the first (default), 0 all, -1 the last; page: 0 all, -1 the last.
        if let Some(i) = self.keyword_index.filter(|i| *i < -1) {
            return bad(format!(
                "keywordIndex must be -1 (last), 0 (all) or a position from 1, got {i}"
            ));
        }
        if let Some(p) = self.page.filter(|p| *p < -1) {
            return bad(format!(
                "page must be -1 (last), 0 (all) or a page from 1, got {p}"
            ));
        }
        // Clockwise rotation, 0–360 degrees.
        if let Some(r) = self.rotation_degrees.filter(|r| !(0.0..=360.0).contains(r)) {
            return bad(format!("rotationDegrees must be in 0..=360, got {r}"));
        }
        Ok(())
    }
}

/// A signing action (签署动作/节点) of a company signatory, as answers describe it (the
/// request type is [`ActionDraft`](super::ActionDraft)).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Action {
    /// The action ID (returned; `actionId` of company positions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::id::ActionId>,
    /// What the action does.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub action_type: Option<ActionType>,
    /// The display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The order inside the signatory, from 0.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub serial_no: Option<i64>,
    /// The seals the operators may use (at most 9; sponsor and internal receivers only).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub corp_seal_ids: Vec<crate::id::SealId>,
    /// The operators (mandatory for `AUDIT`).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub corp_operators: Vec<User>,
    /// The seal (older name, returned by detail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seal_id: Option<crate::id::SealId>,
    /// The seals (older name).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub seal_ids: Vec<crate::id::SealId>,
    /// The operators (older name, returned by detail with `queryActionOperator`).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub operators: Vec<User>,
    /// Sign automatically (sponsor `COMPANY` actions; default false).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub auto_sign: Option<bool>,
    /// Positions for this action, when an answer lists them.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub stampers: Vec<Stamper>,
    /// The integrator's unique number for the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_no: Option<String>,
    /// The state (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ActionStatus>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An attachment a signer must upload while signing (`{id, title, required, needSign}`), as
/// answers describe it (the request type is [`AttachmentDraft`](super::AttachmentDraft)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Attachment {
    /// The ID (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::id::AttachmentId>,
    /// The attachment's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether it must be uploaded (default false).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub required: Option<bool>,
    /// Whether it must be signed too (default false).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub need_sign: Option<bool>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Real-name data a personal signer is checked against (`userAuthInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserAuthInfo {
    /// The ID number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_card_no: Option<String>,
    /// The bank card number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_no: Option<String>,
    /// The bank-reserved mobile number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_mobile: Option<String>,
    /// The prefilled fields the signer may edit.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub modify_fields: Vec<PersonalField>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A signatory (签署方) of a contract, as answers describe it (draft, detail, category
/// detail, `/v2/signatory/add`); the request type is [`SignatoryDraft`](super::SignatoryDraft).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Signatory {
    /// The signatory ID (returned; `signatoryId` of personal positions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::id::SignatoryId>,
    /// Company or person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_type: Option<TenantType>,
    /// The company's full name or the person's name (required unless `delaySet`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// The receiver (经办人/接收人): required for persons and external companies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<User>,
    /// The signing order among signatories.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub serial_no: Option<i64>,
    /// The actions of a company signatory.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub actions: Vec<Action>,
    /// Positions of a personal signatory, when an answer lists them.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub stampers: Vec<Stamper>,
    /// Attachments the signer must upload.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub attachments: Vec<Attachment>,
    /// Real-name data of a personal signer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_auth_info: Option<UserAuthInfo>,
    /// The category of an internal company receiver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Whether the signatory is named later through a join URL (default false).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub delay_set: Option<bool>,
    /// Use the actions exactly as given, ignoring the category's presets.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub fixed_flow: Option<bool>,
    /// The integrator's unique number for the signatory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatory_no: Option<String>,
    /// How the signer confirms signing (SaaS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_validate_way: Option<SignValidateWay>,
    /// The state (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<SignatoryStatus>,
    /// Whether this is the sponsor (returned).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub sponsor: Option<bool>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A template parameter value (`{name, value, ...}`): the fields of the vendor Go SDK 3.1.1
/// `TemplateParam` (name, value, readOnly, required, defaultValue, description). Sent by
/// requests and read from answers alike; anything else an answer carries stays in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TemplateParam {
    /// The parameter name.
    pub name: String,
    /// The value: text (≤ 1000 chars), `yyyy-MM-dd`, an option, options comma-joined,
    /// `data:image/png;base64,...`, or a table as JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Whether it is read-only on the page; sent as the text `"true"` or `"false"`, as the
    /// vendor Go SDK's `TemplateParam.ReadOnly` (a string) sends it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "lenient::opt_bool_as_text",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub read_only: Option<bool>,
    /// Whether it is required (template edit).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub required: Option<bool>,
    /// The default value (template edit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_value: Option<String>,
    /// A description (template edit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl TemplateParam {
    /// The parameter `name` set to `value`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
            ..Self::default()
        }
    }
}

/// A copy receiver (抄送人), as answers describe it (the request type is
/// [`CopySendReceiverDraft`](super::CopySendReceiverDraft)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CopySendReceiver {
    /// The receiver's name (required).
    pub name: String,
    /// How to reach them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<User>,
    /// ⚠ Undocumented values (vendor Go model); passed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prohibit_type: Option<String>,
    /// ⚠ Undocumented values (vendor Go model); passed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_send_person_type: Option<String>,
    /// When it was created (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// ⚠ Undocumented (vendor Go model); passed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A contract document (合同文档) as responses describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Document {
    /// The document ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::id::DocumentId>,
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The number of pages.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_i64"
    )]
    pub page_count: Option<i64>,
    /// When it was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// `CONTRACT` or an attachment kind (⚠ values not retrieved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

string_enum! {
    /// The kind of a watermark (`type`).
    pub enum WatermarkType {
        /// The contract number.
        No = "NO",
        /// Text (`content` ≤ 20 chars).
        Text = "TEXT",
        /// The contract's QR code.
        QrCode = "QRCODE",
        /// An image (`content` Base64, ≤ 200 KB).
        Pic = "PIC",
        /// A grating (`content` one digit or letter).
        Grating = "GRATING",
        /// The evidence QR code.
        Notary = "NOTARY",
    }
}

string_enum! {
    /// Where a watermark goes (`position`).
    pub enum WatermarkPosition {
        /// Top left (default).
        TopLeft = "TOP_LEFT",
        /// Top right.
        TopRight = "TOP_RIGHT",
        /// Bottom left.
        BottomLeft = "BOTTOM_LEFT",
        /// Bottom right.
        BottomRight = "BOTTOM_RIGHT",
        /// Centre.
        MiddleCenter = "MIDDLE_CENTER",
        /// Tiled.
        Tile = "TILE",
        /// Filling the page.
        Fill = "FILL",
    }
}

string_enum! {
    /// How dense a tiled watermark is (`tileDensity`).
    pub enum TileDensity {
        /// Sparse.
        Sparse = "SPARSE",
        /// Moderate (default).
        Moderate = "MODERATE",
        /// Dense.
        Dense = "DENSE",
    }
}

/// A watermark (水印) added to a contract's documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Watermark {
    /// The kind.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub watermark_type: Option<WatermarkType>,
    /// Text, Base64 image, or grating character, as the kind needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Font size, 6–72 (default 16); fractions allowed (a number, as in the vendor Go SDK's
    /// `Watermark.FontSize`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "lenient::opt_number"
    )]
    pub font_size: Option<f64>,
    /// Angle, 0–180 (default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub angle: Option<i64>,
    /// Font colour (default `#000000`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_color: Option<String>,
    /// Where it goes (grating and QR codes: the four corners only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<WatermarkPosition>,
    /// Transparency, 0–100 (default 30); fractions allowed (a number, as in the vendor Go
    /// SDK's `Watermark.Diaphaneity`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "lenient::opt_number"
    )]
    pub diaphaneity: Option<f64>,
    /// Image scale, 0.1–4 (default 0.5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub img_scale: Option<f64>,
    /// Density of a tiled watermark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tile_density: Option<TileDensity>,
    /// Grating size (default `SQUARE_10`; ⚠ other values not retrieved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grating_size: Option<String>,
    /// Who may open a QR code: `PRIVATE` (default) or `PUBLIC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view_permission: Option<String>,
}

impl Watermark {
    /// A text watermark.
    pub fn text(content: impl Into<String>) -> Self {
        Self {
            watermark_type: Some(WatermarkType::Text),
            content: Some(content.into()),
            ..Self::default()
        }
    }

    /// A watermark of `watermark_type` without content (contract number, QR codes).
    pub fn new(watermark_type: WatermarkType) -> Self {
        Self {
            watermark_type: Some(watermark_type),
            ..Self::default()
        }
    }

    /// Checks the documented ranges; `field` names it in messages.
    ///
    /// The rules are those of the 契约锁 doc page 合同文档添加水印 (Watermark table: `type`
    /// required; `content` required for TEXT, PIC and GRATING, ≤ 20 characters for TEXT, one
    /// digit or letter for GRATING; fontSize 6–72, angle 0–180, diaphaneity 0–100, imgScale
    /// 0.1–4), known through the vendor's doc digest: the vendor Go SDK checks none of them.
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::InvalidArgument`] for a value out of its range.
    pub fn validate(&self, field: &str) -> Result<(), crate::BuildError> {
        let bad = |what: String| Err(invalid(format!("{field}.{what}")));
        let Some(t) = &self.watermark_type else {
            return bad("type is required".into());
        };
        let content = self.content.as_deref().unwrap_or("");
        match t {
            WatermarkType::Text | WatermarkType::Pic | WatermarkType::Grating
                if content.is_empty() =>
            {
                return bad(format!("content is required for {t}"));
            }
            WatermarkType::Text if content.chars().count() > 20 => {
                return bad("content of a TEXT watermark holds at most 20 characters".into());
            }
            WatermarkType::Grating if content.chars().count() != 1 => {
                return bad("content of a GRATING watermark is one digit or letter".into());
            }
            _ => {}
        }
        if let Some(v) = self.font_size.filter(|v| !(6.0..=72.0).contains(v)) {
            return bad(format!("fontSize must be in 6..=72, got {v}"));
        }
        if let Some(v) = self.angle.filter(|v| !(0..=180).contains(v)) {
            return bad(format!("angle must be in 0..=180, got {v}"));
        }
        if let Some(v) = self.diaphaneity.filter(|v| !(0.0..=100.0).contains(v)) {
            return bad(format!("diaphaneity must be in 0..=100, got {v}"));
        }
        if let Some(v) = self.img_scale.filter(|v| !(0.1..=4.0).contains(v)) {
            return bad(format!("imgScale must be in 0.1..=4, got {v}"));
        }
        Ok(())
    }
}

/// A custom form field of a contract (`{key, name, value}`; key or name).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomField {
    /// The field key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The field name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Contract labels: sent as one comma-joined text (as the vendor Go SDK sends them), read
/// from a text or a list (detail returns a list), and written back in the form they came in.
pub type Tags = crate::api::org_types::TextList;

/// A contract (合同) as the platform describes it: the `result` of draft, detail and list.
///
/// This is the result model only: a draft is sent as [`ContractDraft`](super::ContractDraft) (with
/// [`SignatoryDraft`](super::SignatoryDraft), [`ActionDraft`](super::ActionDraft), ...), which has no field the platform fills
/// (`status`, `documents`, `publishTime`, ...).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contract {
    /// The contract ID (in a draft request: overwrite this draft).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::id::ContractId>,
    /// The integrator's unique key (≤ 50 chars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biz_id: Option<String>,
    /// The sponsor: a sub-company's full name (default: the platform company).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_name: Option<String>,
    /// The title (≤ 100 chars; required unless the category generates it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A description (≤ 300 chars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The contract number (≤ 50 chars; generated if absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sn: Option<String>,
    /// The signing deadline, `yyyy-MM-dd HH:mm:ss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// The end of the contract's term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Sequential signing (default true).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub ordinal: Option<bool>,
    /// Send at once (draft).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub send: Option<bool>,
    /// The business category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The creator (an employee of the platform company).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<User>,
    /// The state (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ContractStatus>,
    /// The signatories.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub signatories: Vec<Signatory>,
    /// When the contract counts as complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_flow_strategy: Option<SignFlowStrategy>,
    /// Whether signers may add positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamper_rule: Option<StamperRule>,
    /// Values of the category templates' parameters.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub template_params: Vec<TemplateParam>,
    /// The documents (returned).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub documents: Vec<Document>,
    /// When copy receivers are notified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_send_time: Option<CopySendTime>,
    /// The copy receivers.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub copy_send_receivers: Vec<CopySendReceiver>,
    /// Labels.
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// Related contracts (≤ 50).
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub related_contract_ids: Vec<crate::id::ContractId>,
    /// Custom form fields of the category.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::answer::vec"
    )]
    pub custom_fields: Vec<CustomField>,
    /// Echoed in contract callbacks (≤ 100 chars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_data: Option<String>,
    /// This contract's callback URL (a string; the vendor Go model's bool is a bug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Notify the sponsor's operator on sending (default false).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::answer::opt_bool"
    )]
    pub notify_sponsor: Option<bool>,
    /// Why it was recalled or rejected (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Why it was invalidated (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_reason: Option<String>,
    /// When it was sent (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<String>,
    /// When it was created (returned; ⚠ not in every table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// The invalidation deadline (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_expire_time: Option<String>,
    /// Why an invalidation failed (returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_fail_type: Option<InvalidFailType>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What a custom-file invalidation says (`invalidInfo`, one JSON text part of
/// `/v2/contract/invalidbyfile`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvalidInfo {
    /// The contract invalidated.
    #[serde(flatten)]
    pub contract: ContractRef,
    /// The invalidation document's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The invalidation document's file type (`pdf`, `docx`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_suffix: Option<String>,
    /// Delete the contract's files afterwards (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_doc: Option<bool>,
    /// The reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_reason: Option<String>,
    /// The sponsor's positions on the invalidation document.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stampers: Vec<Stamper>,
    /// true (default): every keyword must be found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locate_all_stamper_keywords: Option<bool>,
}

impl InvalidInfo {
    /// An invalidation of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            title: None,
            file_suffix: None,
            delete_doc: None,
            invalid_reason: None,
            stampers: Vec::new(),
            locate_all_stamper_keywords: None,
        }
    }
}
