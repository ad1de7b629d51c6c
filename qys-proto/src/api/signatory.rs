//! 合同管理 (signatories): adding a signatory to a sent contract and changing signatories or
//! their operators.

use serde::Serialize;

use crate::api::contract::check_ref;
use crate::api::org_types::require_non_empty;
use crate::endpoint::{Check, endpoint, list_setters, setters};
use crate::error::BuildError;
use crate::id::{ActionId, SignatoryId};
use crate::types::{
    Ack, ContactType, ContractRef, SignValidateWay, Signatory, SignatoryDraft, User,
};

/// 合同管理-添加签署方 — `POST /v2/signatory/add`: adds a signatory to a `SIGNING` or
/// `COMPLETE` contract (when its category allows it); the `result` is the new signatory.
///
/// ⚠ The doc's HTTP example says `/v2/signatory/modify`; qys follows its 请求地址 and the SDKs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatoryAddRequest {
    #[serde(flatten)]
    contract: ContractRef,
    signatory: SignatoryDraft,
    #[serde(skip_serializing_if = "Option::is_none")]
    locate_all_stamper_keywords: Option<bool>,
}

impl SignatoryAddRequest {
    /// Adds `signatory` to `contract`; the answer is the stored [`Signatory`].
    pub fn new(contract: impl Into<ContractRef>, signatory: SignatoryDraft) -> Self {
        Self {
            contract: contract.into(),
            signatory,
            locate_all_stamper_keywords: None,
        }
    }

    setters! {
        /// true (default): every keyword must be found.
        locate_all_stamper_keywords: bool;
    }
}

impl Check for SignatoryAddRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        self.signatory.validate("signatory")
    }
}
endpoint!(SignatoryAddRequest: POST "/v2/signatory/add", json, idempotent = false => Signatory);

/// 合同管理-修改签署方 — `POST /v3/signatory/edit`: names or changes a signatory (its name,
/// receiver or signing validation); a company that already accepted cannot be changed.
///
/// ⚠ Doc page not retrieved (its HTTP example says `/v3/signatory/modify`); fields follow the
/// vendor Go SDK 3.1.1 (`SignatoryEditV3Request`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatoryEditRequest {
    signatory_id: SignatoryId,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sign_validate_way: Option<SignValidateWay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operator: Option<User>,
}

impl SignatoryEditRequest {
    /// Changes `signatory_id` (set what changes: the name, validation way, receiver or
    /// operator; the vendor Go SDK requires none of them).
    pub fn new(signatory_id: impl Into<SignatoryId>) -> Self {
        Self {
            signatory_id: signatory_id.into(),
            tenant_name: None,
            sign_validate_way: None,
            receiver: None,
            operator: None,
        }
    }

    setters! {
        /// The signatory's new name.
        tenant_name: String;
        /// How the signer confirms signing (SaaS).
        sign_validate_way: SignValidateWay;
        /// The new receiver.
        receiver: User;
        /// Who makes the change.
        operator: User;
    }
}

impl Check for SignatoryEditRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.signatory_id.as_str(), "signatoryId")
    }
}
endpoint!(SignatoryEditRequest: POST "/v3/signatory/edit", json, idempotent = false => Ack);

/// 修改签署方 (v2) — `POST /v2/signatory/edit`: the older form of [`SignatoryEditRequest`]
/// (name and receiver only).
///
/// ⚠ Superseded by `/v3/signatory/edit` in the menu; fields from the vendor Go SDK 3.1.1
/// (`SignatoryEditRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatoryEditV2Request {
    signatory_id: SignatoryId,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<User>,
}

impl SignatoryEditV2Request {
    /// Changes `signatory_id`.
    pub fn new(signatory_id: impl Into<SignatoryId>) -> Self {
        Self {
            signatory_id: signatory_id.into(),
            tenant_name: None,
            receiver: None,
        }
    }

    setters! {
        /// The signatory's new name.
        tenant_name: String;
        /// The new receiver.
        receiver: User;
    }
}

/// Only `signatoryId` is required (契约锁 doc page 修改签署方: `signatoryId` 必填); the vendor Go
/// SDK's `SignatoryEditRequest` checks nothing, so a call with neither `tenantName` nor
/// `receiver` is the platform's to judge.
impl Check for SignatoryEditV2Request {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.signatory_id.as_str(), "signatoryId")
    }
}
endpoint!(SignatoryEditV2Request: POST "/v2/signatory/edit", json, idempotent = false => Ack);

/// 修改节点操作人 — `POST /v2/signatory/operators/edit`: changes the operators of an action.
///
/// ⚠ Not in the doc menu; fields follow the vendor Go SDK 3.1.1
/// (`SignatoryOperatorsEditRequest`); `editType` values are undocumented and passed through.
/// That class has no `tenantName`; qys still sends the reference's acting tenant when one is
/// set, since a `bizId` of a sub-company's contract needs it to name the contract (契约锁 doc
/// page 合同详情: "若使用业务ID…且合同是以子公司身份创建的，则需要传递该值").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatoryOperatorsEditRequest {
    #[serde(flatten)]
    contract: ContractRef,
    action_id: ActionId,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    action_operators: Vec<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edit_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operator: Option<User>,
}

impl SignatoryOperatorsEditRequest {
    /// Sets the operators of `action_id` of `contract`.
    pub fn new(
        contract: impl Into<ContractRef>,
        action_id: impl Into<ActionId>,
        operators: impl IntoIterator<Item = User>,
    ) -> Self {
        Self {
            contract: contract.into(),
            action_id: action_id.into(),
            action_operators: operators.into_iter().collect(),
            edit_type: None,
            operator: None,
        }
    }

    setters! {
        /// How the list applies (⚠ values undocumented).
        edit_type: String;
        /// Who makes the change.
        operator: User;
    }

    list_setters! {
        /// The operators.
        action_operators: User;
    }
}

/// Only the contract reference is checked: no doc page covers this call and the vendor Go
/// SDK's `SignatoryOperatorsEditRequest` omits an empty `actionId` or `actionOperators`
/// (`omitempty`) without refusing them.
impl Check for SignatoryOperatorsEditRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(SignatoryOperatorsEditRequest: POST "/v2/signatory/operators/edit", json, idempotent = false => Ack);

/// 签署方身份 — `GET /v2/signatory/identity`: the identity of a contract's signer.
///
/// ⚠ Only in the official C# SDK 3.0.2 (`SignatoryIdentityRequest`); the `result` is
/// undocumented and returned as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatoryIdentityRequest {
    #[serde(flatten)]
    contract: ContractRef,
    contact: String,
    contact_type: ContactType,
}

impl SignatoryIdentityRequest {
    /// The identity of `user` among the signers of `contract`.
    pub fn new(contract: impl Into<ContractRef>, user: &User) -> Self {
        Self {
            contract: contract.into(),
            contact: user.contact.clone(),
            contact_type: user.contact_type.clone(),
        }
    }
}

impl Check for SignatoryIdentityRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        require_non_empty(&self.contact, "contact")
    }
}
endpoint!(SignatoryIdentityRequest: GET "/v2/signatory/identity", query, idempotent = true => serde_json::Value);
