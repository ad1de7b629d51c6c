//! 签署服务: signing by API (company seal, legal representative, approval, personal
//! signature), signing pages, reminders, and recall/invalidation.
//!
//! Only the platform company and its sub-companies can be signed for by API; an action can be
//! completed only when it is due (else `1107 NOT SIGN STEP`). Operators' signatures and every
//! external receiver sign in a page ([`ContractPageUrlRequest`]).

use serde::Serialize;

use crate::api::contract::{
    UrlResult, check_receivers, check_ref, check_stampers, check_suffix, suffix_of,
};
use crate::api::org_types::{invalid, require_non_empty};
use crate::endpoint::{Check, endpoint, list_setters, setters, upload};
use crate::error::BuildError;
use crate::id::{SealId, SignatoryId, TemplateId};
use crate::multipart::UploadFile;
use crate::types::{
    Ack, Company, ContractRef, CopySendReceiverDraft, InvalidInfo, Language, PageStyle, Stamper,
    StamperType, TemplateParam, User, string_enum,
};

fn check_stamper_types(
    stampers: &[Stamper],
    allowed: &[StamperType],
    what: &str,
) -> Result<(), BuildError> {
    for (i, s) in stampers.iter().enumerate() {
        if let Some(t) = &s.stamper_type {
            let known_elsewhere = !matches!(t, StamperType::Other(_));
            if known_elsewhere && !allowed.contains(t) {
                return Err(invalid(format!(
                    "stampers[{i}].type {t} is not allowed here: {what} takes {}",
                    allowed
                        .iter()
                        .map(StamperType::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    check_stampers(stampers, "stampers")
}

/// The body of [`CompanySignRequest`], [`LegalPersonSignRequest`] and
/// [`ContractInvalidSignRequest`], and the signing part of [`PersonalSignRequest`]: which
/// contract, with which seal, at which positions (vendor Go SDK 3.1.1 `SignParam`).
///
/// ```
/// # use qys_proto::{ContractId, SealId};
/// # use qys_proto::api::signing::{CompanySignRequest, SignParam};
/// let request = CompanySignRequest::from(SignParam::new(ContractId::new("1")).seal_id(SealId::new("2")));
/// assert_eq!(
///     serde_json::to_value(&request)?,
///     serde_json::json!({"contractId": "1", "sealId": "2"}),
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignParam {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    seal_id: Option<SealId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stampers: Vec<Stamper>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locate_all_stamper_keywords: Option<bool>,
}

impl SignParam {
    /// Signs `contract` with the action's default seal and positions.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            seal_id: None,
            stampers: Vec::new(),
            locate_all_stamper_keywords: None,
        }
    }

    setters! {
        /// The seal (for [`PersonalSignRequest`]: the signature) of every position without its
        /// own `sealId`.
        seal_id: SealId;
        /// true (default): every keyword must be found; false: any one suffices.
        locate_all_stamper_keywords: bool;
    }

    list_setters! {
        /// The positions (omit when the category or the send call set them).
        stampers: Stamper;
    }

    /// The contract's reference and the positions, against the stamper types `allowed` here.
    fn check(&self, allowed: &[StamperType], what: &str) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_stamper_types(&self.stampers, allowed, what)
    }
}

/// 签署服务-公章签署 — `POST /v2/contract/companysign`: seals the due `COMPANY` action of the
/// platform company (or the sub-company named by `tenantName`).
///
/// Positions may be `COMPANY`, `TIMESTAMP` or across-page seals (documented error 1106
/// otherwise, refused here before sending).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CompanySignRequest(SignParam);

impl CompanySignRequest {
    /// Seals `contract` (for a sub-company, name it with [`ContractRef::biz_id_of`] or the
    /// positions' seals).
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self(SignParam::new(contract))
    }
}

impl From<SignParam> for CompanySignRequest {
    fn from(param: SignParam) -> Self {
        Self(param)
    }
}

/// 契约锁 doc page 公章签署: stampers of type `COMPANY`, `TIMESTAMP` or `ACROSS_PAGE` (and its
/// odd/even/scope forms) only (code 1106 INVALID_STAMPER_TYPE otherwise).
impl Check for CompanySignRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check(
            &[
                StamperType::Company,
                StamperType::Timestamp,
                StamperType::AcrossPage,
                StamperType::AcrossPageOdd,
                StamperType::AcrossPageEven,
                StamperType::AcrossPageScope,
            ],
            "company signing",
        )
    }
}
endpoint!(CompanySignRequest: POST "/v2/contract/companysign", json, idempotent = false => Ack);

/// 签署服务-签署法人章 — `POST /v2/contract/legalpersonsign`: applies the legal
/// representative's seal to the due `LP` action (the company's earliest LP seal by default).
///
/// ⚠ Doc page not retrieved; body as the vendor Go SDK 3.1.1 (`SignParam`). Positions may be
/// `LP` or `TIMESTAMP`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct LegalPersonSignRequest(SignParam);

impl LegalPersonSignRequest {
    /// Applies the LP seal on `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self(SignParam::new(contract))
    }
}

impl From<SignParam> for LegalPersonSignRequest {
    fn from(param: SignParam) -> Self {
        Self(param)
    }
}

/// 契约锁 doc page 签署法人章: stampers of type `LP` or `TIMESTAMP` only (as summarised in the
/// vendor's skill notes).
impl Check for LegalPersonSignRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check(
            &[StamperType::Lp, StamperType::Timestamp],
            "legal-person signing",
        )
    }
}
endpoint!(LegalPersonSignRequest: POST "/v2/contract/legalpersonsign", json, idempotent = false => Ack);

/// 签署服务-审批 — `POST /v2/contract/employeeaudit`: approves or rejects the due `AUDIT`
/// action.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractAuditRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractAuditRequest {
    #[serde(flatten)]
    contract: ContractRef,
    pass: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

impl ContractAuditRequest {
    /// Approves (`pass`) or rejects the audit of `contract`.
    pub fn new(contract: impl Into<ContractRef>, pass: bool) -> Self {
        Self {
            contract: contract.into(),
            pass,
            comment: None,
        }
    }

    setters! {
        /// The approver's comment.
        comment: String;
    }
}

impl Check for ContractAuditRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractAuditRequest: POST "/v2/contract/employeeaudit", json, idempotent = false => Ack);

/// 签署服务-合同催签 — `POST /v2/contract/notice`: reminds signers of a contract.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractNoticeRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractNoticeRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    signatory_id: Option<SignatoryId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    only_signing: Option<bool>,
}

impl ContractNoticeRequest {
    /// Reminds the signers of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            signatory_id: None,
            only_signing: None,
        }
    }

    setters! {
        /// Only this signatory (⚠ who is reminded without it is undocumented).
        signatory_id: SignatoryId;
        /// true (default): only `SIGNING` contracts; false: also filling or invalidating ones.
        only_signing: bool;
    }
}

impl Check for ContractNoticeRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractNoticeRequest: POST "/v2/contract/notice", json, idempotent = false => Ack);

string_enum! {
    /// The page [`ContractPageUrlRequest`] opens (`pageType`).
    pub enum SignPageType {
        /// The signing page (default).
        Sign = "SIGN",
        /// The print page (PC only).
        Print = "PRINT",
        /// The H5 direct-signing page.
        DirectSign = "DIRECT_SIGN",
    }
}

string_enum! {
    /// The page [`ContractAppointUrlRequest`] opens (`pageType`).
    pub enum AppointPageType {
        /// Set positions (default).
        Appoint = "APPOINT",
        /// Fill parameters.
        FillParameters = "FILL_PARAMETERS",
        /// Edit the draft's basic information.
        Draft = "DRAFT",
    }
}

string_enum! {
    /// The unit of a link lifetime (`expireTimeUnit`).
    pub enum ExpireTimeUnit {
        /// Minutes (default).
        Minutes = "MINUTES",
        /// Days.
        Days = "DAYS",
    }
}

/// Link lifetimes: 5 minutes to 90 days.
///
/// 契约锁 doc page 签署页面: a link lives 5 minutes to 90 days (as summarised in the vendor's
/// skill notes).
fn check_lifetime(amount: Option<u32>, unit: Option<&ExpireTimeUnit>) -> Result<(), BuildError> {
    let Some(amount) = amount else {
        return Ok(());
    };
    let minutes = match unit {
        None | Some(ExpireTimeUnit::Minutes) => u64::from(amount),
        Some(ExpireTimeUnit::Days) => u64::from(amount) * 24 * 60,
        Some(ExpireTimeUnit::Other(_)) => return Ok(()),
    };
    if !(5..=90 * 24 * 60).contains(&minutes) {
        return Err(invalid(format!(
            "expireTime must be between 5 minutes and 90 days, got {amount} {}",
            unit.map_or("MINUTES", ExpireTimeUnit::as_str)
        )));
    }
    Ok(())
}

/// 签署服务-签署页面 — `POST /v2/contract/pageurl`: a link that opens the signing page of a
/// contract for `user` (default lifetime 30 minutes).
///
/// Errors the platform documents: 1110 `NO VIEW PERMISSION`. ⚠ `showResendButton`,
/// `expireTime` and `expireTimeUnit` come from the vendor's skill notes only.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractPageUrlRequest {
    #[serde(flatten)]
    contract: ContractRef,
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_type: Option<SignPageType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_return_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_recall_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_reject_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_end_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_state_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    show_resend_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_password_sign: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_password_settings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time_unit: Option<ExpireTimeUnit>,
}

impl ContractPageUrlRequest {
    /// The signing page of `contract` for `user`.
    pub fn new(contract: impl Into<ContractRef>, user: User) -> Self {
        Self {
            contract: contract.into(),
            user,
            page_type: None,
            callback_page: None,
            hide_return_button: None,
            hide_recall_button: None,
            hide_reject_button: None,
            hide_end_button: None,
            hide_state_button: None,
            show_resend_button: None,
            allow_password_sign: None,
            hide_password_settings: None,
            lang: None,
            page_style: None,
            expire_time: None,
            expire_time_unit: None,
        }
    }

    setters! {
        /// Which page (default `SIGN`).
        page_type: SignPageType;
        /// Where the page goes after signing.
        callback_page: String;
        /// Hide the return button (default false).
        hide_return_button: bool;
        /// Hide the recall button (default false).
        hide_recall_button: bool;
        /// Hide the reject button (default **true**).
        hide_reject_button: bool;
        /// Hide the end button (default false).
        hide_end_button: bool;
        /// Hide the state button (default false).
        hide_state_button: bool;
        /// Show the resend button (契约锁 doc page 签署页面, as summarised in the vendor's skill
        /// notes; no vendor SDK sends it).
        show_resend_button: bool;
        /// Allow password signing for 30 minutes after a first SMS signing (default false).
        allow_password_sign: bool;
        /// Hide the "set a signing password" prompt.
        hide_password_settings: bool;
        /// The page language.
        lang: Language;
        /// Page styling.
        page_style: PageStyle;
        /// The link's lifetime, in `expire_time_unit` (5 minutes to 90 days; 契约锁 doc page
        /// 签署页面, as summarised in the vendor's skill notes; no vendor SDK sends it).
        expire_time: u32;
        /// The unit of `expire_time` (default minutes; same source).
        expire_time_unit: ExpireTimeUnit;
    }
}

/// 契约锁 doc page 签署页面: `user` 必填 (用户: `contact` 必填); the link's lifetime range.
impl Check for ContractPageUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        require_non_empty(&self.user.contact, "user.contact")?;
        check_lifetime(self.expire_time, self.expire_time_unit.as_ref())
    }
}
// Minting a link changes nothing: retried like a read.
endpoint!(ContractPageUrlRequest: POST "/v2/contract/pageurl", json, idempotent = true => UrlResult);

/// 签署服务-预签署页面 — `POST /v2/contract/appointurl`: a link to a draft's page where a user
/// sets positions, fills parameters or edits it, and may send it.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1
/// (`ContractAppointPageRequest`); the link is presumed in `pageUrl` (see [`UrlResult`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractAppointUrlRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_type: Option<AppointPageType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_send: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_return_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    can_save_or_close: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    specify_location_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fill_param_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time_unit: Option<ExpireTimeUnit>,
}

impl ContractAppointUrlRequest {
    /// The pre-signing page of the draft `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            page_type: None,
            callback_page: None,
            allowed_send: None,
            hide_return_button: None,
            lang: None,
            page_style: None,
            can_save_or_close: None,
            specify_location_button: None,
            fill_param_button: None,
            expire_time: None,
            expire_time_unit: None,
        }
    }

    setters! {
        /// Which page (default `APPOINT`).
        page_type: AppointPageType;
        /// Where the page goes when done.
        callback_page: String;
        /// Whether the page may send the contract (default true).
        allowed_send: bool;
        /// Hide the return button (default false).
        hide_return_button: bool;
        /// The page language.
        lang: Language;
        /// Page styling.
        page_style: PageStyle;
        /// Whether the page may save or close (default true).
        can_save_or_close: bool;
        /// Show the "specify location" button.
        specify_location_button: bool;
        /// Show the "fill parameters" button.
        fill_param_button: bool;
        /// The link's lifetime, in `expire_time_unit` (契约锁 doc page 预签署页面, as summarised
        /// in the vendor's skill notes; no vendor SDK sends it).
        expire_time: u32;
        /// The unit of `expire_time`.
        expire_time_unit: ExpireTimeUnit;
    }
}

impl Check for ContractAppointUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_lifetime(self.expire_time, self.expire_time_unit.as_ref())
    }
}
endpoint!(ContractAppointUrlRequest: POST "/v2/contract/appointurl", json, idempotent = true => UrlResult);

/// 签署服务-撤回/作废合同 — `POST /v2/contract/invalid`: deletes a draft, recalls a contract
/// being filled or signed, or starts invalidating a complete one.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractInvalidRequest`);
/// `expireTime` comes from the vendor's skill notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractInvalidRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    seal_id: Option<SealId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_doc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auto_sign: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    receivers: Vec<CopySendReceiverDraft>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<String>,
}

impl ContractInvalidRequest {
    /// Recalls or invalidates `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            seal_id: None,
            reason: None,
            delete_doc: None,
            auto_sign: None,
            receivers: Vec::new(),
            expire_time: None,
        }
    }

    setters! {
        /// The sponsor's seal on the invalidation document (required if it never signed).
        seal_id: SealId;
        /// The reason.
        reason: String;
        /// Delete the files afterwards (default false).
        delete_doc: bool;
        /// Seal the invalidation document automatically (default true).
        auto_sign: bool;
        /// The invalidation deadline (`yyyy-MM-dd`, at most three years; 契约锁 doc page
        /// 撤回/作废合同, as summarised in the vendor's skill notes; no vendor SDK sends it).
        expire_time: String;
    }

    list_setters! {
        /// Who is notified (single-party invalidation only).
        receivers: CopySendReceiverDraft;
    }
}

/// Copy receivers as in 抄送合同; `expireTime` is `yyyy-MM-dd` (契约锁 doc page 撤回/作废合同,
/// as summarised in the vendor's skill notes).
impl Check for ContractInvalidRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_receivers(&self.receivers, "receivers")?;
        if let Some(d) = &self.expire_time {
            crate::api::contract::check_date(d, "expireTime")?;
        }
        Ok(())
    }
}
endpoint!(ContractInvalidRequest: POST "/v2/contract/invalid", json, idempotent = false => Ack);

/// 签署服务-自定义文件作废合同 — `POST /v2/contract/invalidbyfile` (multipart: `invalidInfo`
/// and `receivers` as JSON text parts, file part `file`): invalidates a contract with your
/// own invalidation document.
///
/// ⚠ Doc page not retrieved; parts follow the vendor Go SDK 3.1.1
/// (`ContractInvalidByFileRequest`), which writes `receivers` twice: qys writes it once.
/// `invalidInfo.fileSuffix` defaults to the file name's extension.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractInvalidByFileRequest<S> {
    invalid_info: InvalidInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    receivers: Vec<CopySendReceiverDraft>,
    #[serde(skip)]
    file: UploadFile<S>,
}

impl<S> ContractInvalidByFileRequest<S> {
    /// Invalidates as `invalid_info` says, with `file` as the invalidation document.
    pub fn new(mut invalid_info: InvalidInfo, file: UploadFile<S>) -> Self {
        if invalid_info.file_suffix.is_none() {
            invalid_info.file_suffix = Some(suffix_of(file.file_name()));
        }
        Self {
            invalid_info,
            receivers: Vec::new(),
            file,
        }
    }

    list_setters! {
        /// Who is notified (single-party invalidation only).
        receivers: CopySendReceiverDraft;
    }
}

/// `fileSuffix` from the list of 用文件添加合同文档; copy receivers as in 抄送合同.
impl<S> Check for ContractInvalidByFileRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.invalid_info.contract)?;
        check_suffix(self.invalid_info.file_suffix.as_deref().unwrap_or(""))?;
        check_stampers(&self.invalid_info.stampers, "invalidInfo.stampers")?;
        check_receivers(&self.receivers, "receivers")
    }
}
upload!(ContractInvalidByFileRequest: POST "/v2/contract/invalidbyfile", file: "file", idempotent = false => Ack);

/// 签署服务-自定义模板文件作废合同 — `POST /v2/contract/invalidbytemplate`: invalidates a
/// contract with an invalidation document made from a template.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`InvalidByTemplateRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractInvalidByTemplateRequest {
    #[serde(flatten)]
    contract: ContractRef,
    template_id: TemplateId,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_params: Vec<TemplateParam>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_doc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invalid_reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stampers: Vec<Stamper>,
}

impl ContractInvalidByTemplateRequest {
    /// Invalidates `contract` with a document from `template_id`.
    pub fn new(contract: impl Into<ContractRef>, template_id: impl Into<TemplateId>) -> Self {
        Self {
            contract: contract.into(),
            template_id: template_id.into(),
            template_params: Vec::new(),
            title: None,
            delete_doc: None,
            invalid_reason: None,
            stampers: Vec::new(),
        }
    }

    setters! {
        /// The invalidation document's title.
        title: String;
        /// Delete the files afterwards (default false).
        delete_doc: bool;
        /// The reason.
        invalid_reason: String;
    }

    list_setters! {
        /// The template's parameter values (required for parameter templates).
        template_params: TemplateParam;
        /// The sponsor's positions.
        stampers: Stamper;
    }
}

/// `templateId` names the template (契约锁 doc page 自定义模板文件作废合同, as summarised in the
/// vendor's skill notes).
impl Check for ContractInvalidByTemplateRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        require_non_empty(self.template_id.as_str(), "templateId")?;
        check_stampers(&self.stampers, "stampers")
    }
}
endpoint!(ContractInvalidByTemplateRequest: POST "/v2/contract/invalidbytemplate", json, idempotent = false => Ack);

/// 签署服务-签署作废合同 — `POST /v2/contract/invalidsign`: the sponsor seals the invalidation
/// document (after `autoSign: false` or a custom invalidation file).
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractSignInvalidRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ContractInvalidSignRequest(SignParam);

impl ContractInvalidSignRequest {
    /// Seals the invalidation document of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self(SignParam::new(contract))
    }
}

impl From<SignParam> for ContractInvalidSignRequest {
    fn from(param: SignParam) -> Self {
        Self(param)
    }
}

impl Check for ContractInvalidSignRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.0.contract)?;
        check_stampers(&self.0.stampers, "stampers")
    }
}
endpoint!(ContractInvalidSignRequest: POST "/v2/contract/invalidsign", json, idempotent = false => Ack);

/// 签署服务-签署个人签名 — `POST /v2/contract/personalsign`: applies a person's signature
/// silently (needs their 个人签名授权 first).
///
/// ⚠ Doc page not retrieved; body as the vendor Go SDK 3.1.1 (`UserSignParam`). Positions may
/// be `PERSONAL` or `TIMESTAMP`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignRequest {
    #[serde(flatten)]
    param: SignParam,
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_signatory: Option<Company>,
}

impl PersonalSignRequest {
    /// Signs `contract` as `user`.
    pub fn new(contract: impl Into<ContractRef>, user: User) -> Self {
        Self::from_param(SignParam::new(contract), user)
    }

    /// Signs as `user` where `param` says, with its signature and positions.
    pub fn from_param(param: SignParam, user: User) -> Self {
        Self {
            param,
            user,
            company_signatory: None,
        }
    }

    /// Signs a personal-signature action inside this company signatory (platform company or
    /// sub-company only).
    #[must_use]
    pub fn company_signatory(mut self, company: Company) -> Self {
        self.company_signatory = Some(company);
        self
    }
}

/// 契约锁 doc page 签署个人签名: `user` 必填; `companySignatory` by id or name; stampers of type
/// `PERSONAL` or `TIMESTAMP` only (as summarised in the vendor's skill notes).
impl Check for PersonalSignRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.user.contact, "user.contact")?;
        let nameless =
            |c: &Company| c.id.is_none() && c.name.as_deref().is_none_or(|n| n.trim().is_empty());
        if self.company_signatory.as_ref().is_some_and(nameless) {
            return Err(invalid("companySignatory needs an id or a name"));
        }
        self.param.check(
            &[StamperType::Personal, StamperType::Timestamp],
            "personal signing",
        )
    }
}
endpoint!(PersonalSignRequest: POST "/v2/contract/personalsign", json, idempotent = false => Ack);
