//! The request side of the contract model: what a caller sends to create a draft
//! (`/v2/contract/draft`), resend a contract (`/v2/contract/resend`) or add a signatory
//! (`/v2/signatory/add`).
//!
//! Naming rule: a request type is the result model's name with `Draft` appended
//! ([`ContractDraft`] → [`super::Contract`], [`SignatoryDraft`] → [`super::Signatory`], ...).
//! A request type carries only fields a caller sets: the platform's returned-only fields
//! (`status`, `documents`, `publishTime`, signatory and action IDs, ...) exist on the result
//! models alone. Each keeps an `extra` map, sent as given, for fields qys does not know yet.

use serde::Serialize;

use super::{
    ActionType, Category, CopySendTime, CustomField, SignFlowStrategy, SignValidateWay,
    StamperRule, Tags, TemplateParam, TenantType, User, UserAuthInfo,
};
use crate::api::org_types::invalid;
use crate::id::{ContractId, SealId};

/// A signing action (签署动作/节点) of a company signatory, as a request sends it (the result
/// model is [`super::Action`]).
///
/// Fields follow the vendor Go SDK 3.1.1 `model.Action` without its returned-only `id` and
/// `status`. Like [`SignatoryDraft`], it has no `stampers`: positions go with
/// `/v2/contract/send` or the signing calls, by the action ID the draft returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionDraft {
    /// What the action does.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub action_type: Option<ActionType>,
    /// The display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The order inside the signatory, from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<i64>,
    /// The seals the operators may use (at most 9; sponsor and internal receivers only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corp_seal_ids: Vec<SealId>,
    /// The operators (mandatory for `AUDIT`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corp_operators: Vec<User>,
    /// The seal every signing of the action uses (older name, vendor Go SDK `model.Action`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seal_id: Option<SealId>,
    /// The seals to choose from (older name, vendor Go SDK `model.Action`; at most 9).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seal_ids: Vec<SealId>,
    /// The operators (older name, vendor Go SDK `model.Action`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operators: Vec<User>,
    /// Sign automatically (sponsor `COMPANY` actions; default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_sign: Option<bool>,
    /// The integrator's unique number for the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_no: Option<String>,
    /// Fields qys does not know, sent as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ActionDraft {
    /// An action of `action_type`.
    pub fn new(action_type: ActionType) -> Self {
        Self {
            action_type: Some(action_type),
            ..Self::default()
        }
    }

    /// Sets the operators.
    #[must_use]
    pub fn with_operators(mut self, operators: impl IntoIterator<Item = User>) -> Self {
        self.corp_operators = operators.into_iter().collect();
        self
    }

    /// Sets the seals the operators may use.
    #[must_use]
    pub fn with_seals(mut self, seal_ids: impl IntoIterator<Item = impl Into<SealId>>) -> Self {
        self.corp_seal_ids = seal_ids.into_iter().map(Into::into).collect();
        self
    }

    crate::endpoint::setters! {
        /// Sets the display name.
        fn with_name(name: String);
        /// Sets the order inside the signatory (from 0).
        fn with_serial_no(serial_no: i64);
        /// Signs automatically (a sponsor `COMPANY` action of a draft sent later).
        fn with_auto_sign(auto_sign: bool);
        /// Sets the integrator's unique number for the action.
        fn with_action_no(action_no: String);
    }

    /// Checks the documented rules; `field` names the action in messages.
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::InvalidArgument`] when a rule is broken.
    pub fn validate(&self, field: &str) -> Result<(), crate::BuildError> {
        // "不可超过9个": vendor Go SDK 3.1.1 `model.Action` (sealIds); 契约锁 doc page 创建合同草稿
        // (corpSealIds).
        for (name, seals) in [
            ("corpSealIds", &self.corp_seal_ids),
            ("sealIds", &self.seal_ids),
        ] {
            if seals.len() > 9 {
                return Err(invalid(format!("{field}.{name} holds at most 9 seals")));
            }
        }
        // 契约锁 doc page 创建合同草稿 (Action table): corpOperators is required for AUDIT.
        if self.action_type == Some(ActionType::Audit)
            && self.corp_operators.is_empty()
            && self.operators.is_empty()
        {
            return Err(invalid(format!(
                "{field}.corpOperators is required for AUDIT"
            )));
        }
        Ok(())
    }
}

/// An attachment a signer must upload while signing, as a request asks for it (the result
/// model, with the platform's `id`, is [`super::Attachment`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentDraft {
    /// The attachment's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether it must be uploaded (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Whether it must be signed too (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need_sign: Option<bool>,
    /// Fields qys does not know, sent as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl AttachmentDraft {
    /// An attachment titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(title.into()),
            ..Self::default()
        }
    }

    crate::endpoint::setters! {
        /// Whether it must be uploaded.
        fn with_required(required: bool);
        /// Whether it must be signed too.
        fn with_need_sign(need_sign: bool);
    }
}

/// A signatory (签署方) as a draft or `/v2/signatory/add` sends it (the result model is
/// [`super::Signatory`]).
///
/// Fields follow the vendor Go SDK 3.1.1 `model.Signatory` without its returned-only `id` and
/// `status` (nor the answers' `sponsor`). Positions are not part of a signatory here: no vendor
/// SDK sends them in a draft; set them when sending or signing (`stampers` of
/// `/v2/contract/send`, with the signatory and action IDs the draft returns).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatoryDraft {
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<i64>,
    /// The actions of a company signatory.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionDraft>,
    /// Attachments the signer must upload.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentDraft>,
    /// Real-name data of a personal signer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_auth_info: Option<UserAuthInfo>,
    /// The category of an internal company receiver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Whether the signatory is named later through a join URL (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_set: Option<bool>,
    /// Use the actions exactly as given, ignoring the category's presets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_flow: Option<bool>,
    /// The integrator's unique number for the signatory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatory_no: Option<String>,
    /// How the signer confirms signing (SaaS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_validate_way: Option<SignValidateWay>,
    /// Fields qys does not know, sent as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SignatoryDraft {
    /// A company signatory `name` with `actions`.
    pub fn company(
        name: impl Into<String>,
        actions: impl IntoIterator<Item = ActionDraft>,
    ) -> Self {
        Self {
            tenant_type: Some(TenantType::Company),
            tenant_name: Some(name.into()),
            actions: actions.into_iter().collect(),
            ..Self::default()
        }
    }

    /// A personal signatory `name` reached at `receiver`.
    pub fn personal(name: impl Into<String>, receiver: User) -> Self {
        Self {
            tenant_type: Some(TenantType::Personal),
            tenant_name: Some(name.into()),
            receiver: Some(receiver),
            ..Self::default()
        }
    }

    /// Sets the attachments the signer must upload.
    #[must_use]
    pub fn with_attachments(
        mut self,
        attachments: impl IntoIterator<Item = AttachmentDraft>,
    ) -> Self {
        self.attachments = attachments.into_iter().collect();
        self
    }

    crate::endpoint::setters! {
        /// Sets the receiver.
        fn with_receiver(receiver: User);
        /// Sets the signing order.
        fn with_serial_no(serial_no: i64);
        /// Sets the real-name data a personal signer is checked against.
        fn with_user_auth_info(user_auth_info: UserAuthInfo);
        /// Sets the category of an internal company receiver.
        fn with_category(category: Category);
        /// Names the signatory later, through a join URL.
        fn with_delay_set(delay_set: bool);
        /// Uses the actions exactly as given, ignoring the category's presets.
        fn with_fixed_flow(fixed_flow: bool);
        /// Sets the integrator's unique number for the signatory.
        fn with_signatory_no(signatory_no: String);
        /// Sets how the signer confirms signing (SaaS).
        fn with_sign_validate_way(sign_validate_way: SignValidateWay);
    }

    /// Checks the documented rules; `field` names the signatory in messages.
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::InvalidArgument`] when a rule is broken.
    pub fn validate(&self, field: &str) -> Result<(), crate::BuildError> {
        let bad = |what: &str| Err(invalid(format!("{field}.{what}")));
        // 契约锁 doc page 创建合同草稿 (Signatory table): tenantType is required (Y).
        if self.tenant_type.is_none() {
            return bad("tenantType is required");
        }
        // "delaySet为false时必填": vendor Go SDK 3.1.1 `model.Signatory`.
        if self.delay_set != Some(true)
            && self
                .tenant_name
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            return bad("tenantName is required unless delaySet is true");
        }
        // 契约锁 doc page 创建合同草稿 (Signatory table): receiver is required for a person.
        if self.tenant_type == Some(TenantType::Personal)
            && self.delay_set != Some(true)
            && self.receiver.is_none()
        {
            return bad("receiver is required for a PERSONAL signatory");
        }
        for (i, a) in self.actions.iter().enumerate() {
            a.validate(&format!("{field}.actions[{i}]"))?;
        }
        Ok(())
    }
}

/// A copy receiver (抄送人) as a request names it (the result model, with the platform's
/// `createTime`, is [`super::CopySendReceiver`]).
///
/// Fields follow the vendor Go SDK 3.1.1 `CopySendReceiver` without the returned-only
/// `createTime`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CopySendReceiverDraft {
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
    /// ⚠ Undocumented (vendor Go model); passed through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    /// Fields qys does not know, sent as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl CopySendReceiverDraft {
    /// `name` reached at `receiver`.
    pub fn new(name: impl Into<String>, receiver: User) -> Self {
        Self {
            name: name.into(),
            receiver: Some(receiver),
            ..Self::default()
        }
    }
}

/// A contract (合同) as `/v2/contract/draft` sends it (the result model, with what the
/// platform fills in, is [`super::Contract`]).
///
/// Fields follow the vendor Go SDK 3.1.1 `model.Contract` without its returned-only `status`,
/// `documents`, `invalidExpireTime` and `invalidFailType`, plus `stamperRule` (契约锁 doc page
/// 创建合同草稿, Contract table).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDraft {
    /// The draft to overwrite (a contract ID the platform returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<ContractId>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<bool>,
    /// Send at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<bool>,
    /// The business category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The creator (an employee of the platform company).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<User>,
    /// The signatories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatories: Vec<SignatoryDraft>,
    /// When the contract counts as complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_flow_strategy: Option<SignFlowStrategy>,
    /// Whether signers may add positions (契约锁 doc page 创建合同草稿, Contract table:
    /// `MUST_FORBID`, `MUST_ALLOW`, `OPTIONAL`; not in the vendor Go SDK's `model.Contract`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamper_rule: Option<StamperRule>,
    /// Values of the category templates' parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub template_params: Vec<TemplateParam>,
    /// When copy receivers are notified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_send_time: Option<CopySendTime>,
    /// The copy receivers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copy_send_receivers: Vec<CopySendReceiverDraft>,
    /// Labels (sent comma-joined, as the vendor Go SDK sends them).
    #[serde(skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// Related contracts (≤ 50).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_contract_ids: Vec<ContractId>,
    /// Custom form fields of the category.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomField>,
    /// Echoed in contract callbacks (≤ 100 chars).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_data: Option<String>,
    /// This contract's callback URL (≤ 300 chars; a string: the vendor Go model's bool is a
    /// bug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Notify the sponsor's operator on sending (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_sponsor: Option<bool>,
    /// Fields qys does not know, sent as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ContractDraft {
    /// A contract titled `subject` between `signatories`.
    pub fn new(
        subject: impl Into<String>,
        signatories: impl IntoIterator<Item = SignatoryDraft>,
    ) -> Self {
        Self {
            subject: Some(subject.into()),
            signatories: signatories.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Sets the values of the category templates' parameters.
    #[must_use]
    pub fn with_template_params(mut self, params: impl IntoIterator<Item = TemplateParam>) -> Self {
        self.template_params = params.into_iter().collect();
        self
    }

    /// Sets the copy receivers.
    #[must_use]
    pub fn with_copy_send_receivers(
        mut self,
        receivers: impl IntoIterator<Item = CopySendReceiverDraft>,
    ) -> Self {
        self.copy_send_receivers = receivers.into_iter().collect();
        self
    }

    /// Sets the labels.
    #[must_use]
    pub fn with_tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = Tags::from(tags.into_iter().map(Into::into).collect::<Vec<_>>());
        self
    }

    /// Sets the related contracts.
    #[must_use]
    pub fn with_related_contract_ids(
        mut self,
        ids: impl IntoIterator<Item = impl Into<ContractId>>,
    ) -> Self {
        self.related_contract_ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the custom form fields of the category.
    #[must_use]
    pub fn with_custom_fields(mut self, fields: impl IntoIterator<Item = CustomField>) -> Self {
        self.custom_fields = fields.into_iter().collect();
        self
    }

    crate::endpoint::setters! {
        /// Overwrites the draft `id` instead of creating one.
        fn with_id(id: ContractId);
        /// Sets the integrator's unique key.
        fn with_biz_id(biz_id: String);
        /// Creates the contract as the sub-company `tenant_name` (its full name).
        fn with_tenant_name(tenant_name: String);
        /// Sets the description.
        fn with_description(description: String);
        /// Sets the contract number.
        fn with_sn(sn: String);
        /// Sets the signing deadline (`yyyy-MM-dd HH:mm:ss`).
        fn with_expire_time(expire_time: String);
        /// Sets the end of the contract's term.
        fn with_end_time(end_time: String);
        /// Sequential (true) or free (false) signing order.
        fn with_ordinal(ordinal: bool);
        /// Sends the contract at once (true) or keeps it a draft (false).
        fn with_send(send: bool);
        /// Sets the business category.
        fn with_category(category: Category);
        /// Sets the creator (an employee of the platform company).
        fn with_creator(creator: User);
        /// Sets when the contract counts as complete.
        fn with_sign_flow_strategy(sign_flow_strategy: SignFlowStrategy);
        /// Sets whether signers may add positions.
        fn with_stamper_rule(stamper_rule: StamperRule);
        /// Sets when copy receivers are notified.
        fn with_copy_send_time(copy_send_time: CopySendTime);
        /// Sets the text echoed in this contract's callbacks.
        fn with_business_data(business_data: String);
        /// Sets this contract's callback URL.
        fn with_callback_url(callback_url: String);
        /// Notifies the sponsor's operator on sending.
        fn with_notify_sponsor(notify_sponsor: bool);
    }

    /// Checks the documented rules of a draft.
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::InvalidArgument`] when a rule is broken.
    pub fn validate(&self) -> Result<(), crate::BuildError> {
        // 契约锁 doc page 创建合同草稿 (Contract table): signatories is required (Y).
        if self.signatories.is_empty() {
            return Err(invalid("signatories must not be empty"));
        }
        // The 长度 column of 契约锁 doc page 创建合同草稿 (Contract table).
        for (name, value, max) in [
            ("bizId", &self.biz_id, 50),
            ("tenantName", &self.tenant_name, 100),
            ("subject", &self.subject, 100),
            ("description", &self.description, 300),
            ("sn", &self.sn, 50),
            ("businessData", &self.business_data, 100),
            ("callbackUrl", &self.callback_url, 300),
        ] {
            if let Some(n) = value
                .as_deref()
                .map(|v| v.chars().count())
                .filter(|n| *n > max)
            {
                return Err(invalid(format!(
                    "{name} holds at most {max} characters, got {n}"
                )));
            }
        }
        // 契约锁 doc page 创建合同草稿 (Contract table): at most 50 related contracts.
        if self.related_contract_ids.len() > 50 {
            return Err(invalid("relatedContractIds holds at most 50 contracts"));
        }
        // 契约锁 doc page 创建合同草稿 (CopySendReceiver): the name is required.
        for (i, r) in self.copy_send_receivers.iter().enumerate() {
            if r.name.trim().is_empty() {
                return Err(invalid(format!("copySendReceivers[{i}].name is required")));
            }
        }
        for (i, s) in self.signatories.iter().enumerate() {
            s.validate(&format!("signatories[{i}]"))?;
        }
        Ok(())
    }
}
