//! The typed callback events, and how a payload (a map of fields) becomes one.

use serde_json::{Map, Value};

use super::error::CallbackError;
use crate::id::{CompanyId, ContractId, SealId};
use crate::types::{ContractStatus, PersonalAuthMode, TenantType, string_enum};

string_enum! {
    /// What happened to a contract (`callbackType`). ⚠ The platform references this list but
    /// does not publish it; the values are those of the vendor's PHP SDK constants.
    pub enum CallbackType {
        /// The contract was sent for signing.
        SendSigning = "SEND_SIGNING",
        /// The contract was sent for filling in.
        SendFilling = "SEND_FILLING",
        /// The contract was filled in.
        Filled = "FILLED",
        /// The signing flow was configured.
        ConfigFlow = "CONFIG_FLOW",
        /// A person signed.
        Personal = "PERSONAL",
        /// A company's operator signed.
        Operator = "OPERATOR",
        /// A legal-person seal was applied.
        LegalPerson = "LEGAL_PERSON",
        /// A company seal was applied.
        Seal = "SEAL",
        /// An approval with signature.
        AuditSign = "AUDIT_SIGN",
        /// An approval.
        Audit = "AUDIT",
        /// The contract was recalled.
        Recalled = "RECALLED",
        /// The contract was rejected.
        Rejected = "REJECTED",
        /// The contract expired.
        Expired = "EXPIRED",
        /// The contract is complete.
        Complete = "COMPLETE",
        /// An invalidation was sent.
        SendInvalid = "SEND_INVALID",
        /// The contract is being invalidated.
        Invaliding = "INVALIDING",
        /// The contract was invalidated.
        Invalided = "INVALIDED",
        /// An invalidation was rejected.
        InvalidRejected = "INVALID_REJECTED",
        /// Something failed.
        Failed = "FAILED",
        /// The platform's own "unknown" type (`UNKNOWN`), not a value qys does not know (those
        /// are [`CallbackType::Other`]).
        Unknown = "UNKNOWN",
    }
}

string_enum! {
    /// The result of a personal identity verification (`status` of the personal-auth
    /// callback).
    pub enum PersonalAuthStatus {
        /// `1`: verified.
        Passed = "1",
        /// `2`: failed.
        Failed = "2",
        /// `3`: waiting for manual review.
        ManualReview = "3",
    }
}

string_enum! {
    /// What a personal-signature authorization callback reports (`item`).
    pub enum SignAuthItem {
        /// The user authorized the company to apply their signature.
        Authorize = "AUTHORIZE",
        /// The user withdrew the authorization.
        Deauthorize = "DEAUTHORIZE",
    }
}

/// How the user of a personal-signature authorization is identified (`userType`).
///
/// The platform spells the mobile value `MOBLIE`; both that and `MOBILE` read as
/// [`SignAuthUserType::Mobile`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SignAuthUserType {
    /// A mobile number (`MOBLIE` (sic) or `MOBILE`).
    Mobile,
    /// An e-mail address (`EMAIL`).
    Email,
    /// A value qys does not know yet, kept as sent.
    Other(String),
}

impl From<&str> for SignAuthUserType {
    fn from(s: &str) -> Self {
        match s {
            "MOBLIE" | "MOBILE" => Self::Mobile,
            "EMAIL" => Self::Email,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// The state of a company verification (`status` of the company-auth callback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompanyAuthStatus {
    /// `0`: in progress.
    InProgress,
    /// `1`: verified.
    Success,
    /// `2`: failed.
    Failed,
    /// A code qys does not know yet, kept as sent.
    Other(i64),
}

impl CompanyAuthStatus {
    /// The wire code.
    pub fn code(self) -> i64 {
        match self {
            Self::InProgress => 0,
            Self::Success => 1,
            Self::Failed => 2,
            Self::Other(c) => c,
        }
    }
}

impl From<i64> for CompanyAuthStatus {
    fn from(code: i64) -> Self {
        match code {
            0 => Self::InProgress,
            1 => Self::Success,
            2 => Self::Failed,
            other => Self::Other(other),
        }
    }
}

/// The step of a company verification that triggered the callback (`actionEvent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompanyAuthAction {
    /// `0`: the basic information was submitted.
    BasicInfoSubmitted,
    /// `1`: the basic information was approved.
    BasicInfoApproved,
    /// `2`: the basic information was rejected.
    BasicInfoRejected,
    /// `4`: the authorization letter was rejected.
    LetterRejected,
    /// `7`: the company is verified.
    Certified,
    /// A code qys does not know yet, kept as sent.
    Other(i64),
}

impl CompanyAuthAction {
    /// The wire code.
    pub fn code(self) -> i64 {
        match self {
            Self::BasicInfoSubmitted => 0,
            Self::BasicInfoApproved => 1,
            Self::BasicInfoRejected => 2,
            Self::LetterRejected => 4,
            Self::Certified => 7,
            Self::Other(c) => c,
        }
    }
}

impl From<i64> for CompanyAuthAction {
    fn from(code: i64) -> Self {
        match code {
            0 => Self::BasicInfoSubmitted,
            1 => Self::BasicInfoApproved,
            2 => Self::BasicInfoRejected,
            4 => Self::LetterRejected,
            7 => Self::Certified,
            other => Self::Other(other),
        }
    }
}

/// A contract changed state (合同状态回调).
///
/// ⚠ Unsigned contract callbacks are hints anyone who knows the URL can forge: re-read the
/// contract (`GET /v2/contract/detail`) before acting on them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContractStatusEvent {
    /// `contractId`.
    pub contract_id: ContractId,
    /// `contractStatus`: the contract's status after the change.
    pub status: ContractStatus,
    /// `callbackType`: what happened.
    pub callback_type: Option<CallbackType>,
    /// `tenantType`: whether the acting signatory is a company or a person.
    pub tenant_type: Option<TenantType>,
    /// `tenantName`: the acting signatory's name.
    pub tenant_name: Option<String>,
    /// `contact`: the acting signatory's contact.
    pub contact: Option<String>,
    /// `tenantId`: the acting signatory's ID (a company ID or a user ID).
    pub tenant_id: Option<String>,
    /// `businessData`: the text given when the contract was created or resent.
    pub business_data: Option<String>,
    /// `bizId`: the integrator's business ID of the contract.
    pub biz_id: Option<String>,
    /// Every other field, as sent.
    pub extra: Map<String, Value>,
}

/// The company details of a company-auth callback (`authInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CompanyAuthInfo {
    /// `name`: the company name.
    pub name: Option<String>,
    /// `registerNo`: the unified social credit code.
    pub register_no: Option<String>,
    /// `legalPerson`: the legal representative.
    pub legal_person: Option<String>,
    /// `applicantName`: who applied.
    pub applicant_name: Option<String>,
    /// `applicantPhone`: the applicant's phone.
    pub applicant_phone: Option<String>,
    /// Every other field, as sent.
    pub extra: Map<String, Value>,
}

/// A company verification progressed or ended (企业认证结果回调).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompanyAuthEvent {
    /// `status`.
    pub status: CompanyAuthStatus,
    /// `actionEvent`: which step (absent on the summary page's variant).
    pub action_event: Option<CompanyAuthAction>,
    /// `requestId`: the ID returned when the verification link was made.
    pub request_id: Option<String>,
    /// `authInfo`: the company details. When the text is not a JSON object it stays in
    /// [`extra`](Self::extra) under `authInfo`.
    pub auth_info: Option<CompanyAuthInfo>,
    /// Every other field, as sent.
    pub extra: Map<String, Value>,
}

/// A personal identity verification ended or awaits review (个人认证结果回调).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PersonalAuthEvent {
    /// `mode`: how the person was verified.
    pub mode: Option<PersonalAuthMode>,
    /// `status`.
    pub status: PersonalAuthStatus,
    /// `authId`: the verification's ID.
    pub auth_id: Option<String>,
    /// Every other field, as sent.
    pub extra: Map<String, Value>,
}

/// The verdict on an image seal (`result`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SealReviewResult {
    /// `PASS`: the seal was approved and created.
    Pass,
    /// `REJECT`, with the `rejectReason` of `detail`.
    Reject {
        /// Why.
        reason: Option<String>,
    },
    /// A value qys does not know yet, kept as sent.
    Other(String),
}

/// The platform reviewed an image seal (图片印章审核回调).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SealReviewEvent {
    /// `applyId`: the ID returned by `/v2/seal/createbyimage`.
    pub apply_id: String,
    /// `result`.
    pub result: SealReviewResult,
    /// `detail.sealType` (`ENTERPRISE`, `LP`, `PRACTICING_SEAL`, ...).
    pub seal_type: Option<String>,
    /// `detail.sealName`.
    pub seal_name: Option<String>,
    /// `detail.sealId` (approved seals only).
    pub seal_id: Option<SealId>,
    /// Every other field, as sent; unknown fields of `detail` are under `detail`.
    pub extra: Map<String, Value>,
}

/// A user authorized a company to apply their personal signature, or withdrew it
/// (个人签名授权回调).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PersonalSignAuthEvent {
    /// `companyId`.
    pub company_id: Option<CompanyId>,
    /// `companyName`.
    pub company_name: Option<String>,
    /// `assignee`: the authorized company.
    pub assignee: Option<String>,
    /// `user`: the user's contact.
    pub user: Option<String>,
    /// `userType`: what `user` is.
    pub user_type: Option<SignAuthUserType>,
    /// `authDeadline`: when the authorization ends, as sent.
    pub auth_deadline: Option<String>,
    /// `remark`.
    pub remark: Option<String>,
    /// `item`: authorized or withdrawn.
    pub item: SignAuthItem,
    /// `deauthorizeDate`: when it was withdrawn, as sent.
    pub deauthorize_date: Option<String>,
    /// Every other field, as sent.
    pub extra: Map<String, Value>,
}

/// The longest field name an error message repeats.
const NAME_LIMIT: usize = 40;

/// A field name fit for an error message: known-looking names as they are, anything else
/// anonymous (field names of a decrypted payload are content).
pub(crate) fn printable_name(name: &str) -> &str {
    if !name.is_empty()
        && name.len() <= NAME_LIMIT
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        name
    } else {
        "(unprintable name)"
    }
}

/// The fields of a payload, consumed as they are read; what is left is `extra`.
pub(crate) struct Payload(Map<String, Value>);

impl Payload {
    pub(crate) fn new(map: Map<String, Value>) -> Self {
        Self(map)
    }

    /// Whether the field is there and not empty.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            _ => true,
        })
    }

    /// The field as text, if there and not empty; removes it either way.
    pub(crate) fn text(&mut self, name: &str) -> Option<String> {
        self.0.remove(name).and_then(value_text)
    }

    fn required(&mut self, name: &'static str) -> Result<String, CallbackError> {
        self.text(name).ok_or_else(|| CallbackError::missing(name))
    }

    fn int(&mut self, name: &'static str) -> Result<Option<i64>, CallbackError> {
        let Some(value) = self.0.remove(name) else {
            return Ok(None);
        };
        let parsed = match &value {
            Value::Null => return Ok(None),
            Value::Number(n) => n.as_i64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| {
            CallbackError::malformed(format!("the field `{name}` is not an integer"))
        })
    }

    /// The field as a JSON object (an object, or a text holding one). Anything else stays.
    fn object(&mut self, name: &str) -> Option<Map<String, Value>> {
        let object = match self.0.get(name)? {
            Value::Object(m) => Some(m.clone()),
            Value::String(s) => match serde_json::from_str(s) {
                Ok(Value::Object(m)) => Some(m),
                _ => None,
            },
            _ => None,
        };
        if object.is_some() {
            self.0.remove(name);
        }
        object
    }

    pub(crate) fn rest(self) -> Map<String, Value> {
        self.0
    }
}

/// A field value as text: strings as they are, numbers and booleans in decimal, objects and
/// arrays as JSON; `null` and the empty string are absent.
fn value_text(value: Value) -> Option<String> {
    let text = match value {
        Value::Null => return None,
        Value::String(s) => s,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

fn is_item(value: Option<&Value>) -> bool {
    matches!(value, Some(Value::String(s)) if s == "AUTHORIZE" || s == "DEAUTHORIZE")
}

/// Which event a payload is, from its fields; see [`super::Callback`].
pub(crate) fn classify(map: Map<String, Value>) -> Result<super::Callback, CallbackError> {
    use super::Callback;
    let p = Payload::new(map);
    if p.has("contractId") && p.has("contractStatus") {
        contract_status(p).map(Callback::ContractStatus)
    } else if p.has("applyId") && p.has("result") {
        seal_review(p).map(Callback::SealReview)
    } else if p.has("item") && (is_item(p.0.get("item")) || p.has("user") || p.has("assignee")) {
        Ok(Callback::PersonalSignAuth(personal_sign_auth(p)))
    } else if p.has("requestId") || p.has("actionEvent") || p.has("authInfo") {
        company_auth(p).map(Callback::CompanyAuth)
    } else if p.has("authId") || (p.has("mode") && p.has("status")) {
        personal_auth(p).map(Callback::PersonalAuth)
    } else {
        Ok(Callback::Unknown(p.rest()))
    }
}

fn contract_status(mut p: Payload) -> Result<ContractStatusEvent, CallbackError> {
    Ok(ContractStatusEvent {
        contract_id: ContractId::new(p.required("contractId")?),
        status: ContractStatus::from(p.required("contractStatus")?.as_str()),
        callback_type: p
            .text("callbackType")
            .map(|s| CallbackType::from(s.as_str())),
        tenant_type: p.text("tenantType").map(|s| TenantType::from(s.as_str())),
        tenant_name: p.text("tenantName"),
        contact: p.text("contact"),
        tenant_id: p.text("tenantId"),
        business_data: p.text("businessData"),
        biz_id: p.text("bizId"),
        extra: p.rest(),
    })
}

fn company_auth(mut p: Payload) -> Result<CompanyAuthEvent, CallbackError> {
    let status = p
        .int("status")?
        .ok_or_else(|| CallbackError::missing("status"))?;
    let action_event = p.int("actionEvent")?.map(CompanyAuthAction::from);
    let auth_info = p.object("authInfo").map(|m| {
        let mut info = Payload::new(m);
        CompanyAuthInfo {
            name: info.text("name"),
            register_no: info.text("registerNo"),
            legal_person: info.text("legalPerson"),
            applicant_name: info.text("applicantName"),
            applicant_phone: info.text("applicantPhone"),
            extra: info.rest(),
        }
    });
    Ok(CompanyAuthEvent {
        status: CompanyAuthStatus::from(status),
        action_event,
        request_id: p.text("requestId"),
        auth_info,
        extra: p.rest(),
    })
}

fn personal_auth(mut p: Payload) -> Result<PersonalAuthEvent, CallbackError> {
    Ok(PersonalAuthEvent {
        status: PersonalAuthStatus::from(p.required("status")?.as_str()),
        mode: p.text("mode").map(|s| PersonalAuthMode::from(s.as_str())),
        auth_id: p.text("authId"),
        extra: p.rest(),
    })
}

fn seal_review(mut p: Payload) -> Result<SealReviewEvent, CallbackError> {
    let apply_id = p.required("applyId")?;
    let result = p.required("result")?;
    // The details come as a JSON text in `detail`; fields at the top level are read too.
    let mut detail = Payload::new(p.object("detail").unwrap_or_default());
    let mut field = |name: &str| detail.text(name).or_else(|| p.text(name));
    let seal_type = field("sealType");
    let seal_name = field("sealName");
    let seal_id = field("sealId").map(SealId::new);
    let reason = field("rejectReason");
    let result = match result.as_str() {
        "PASS" => SealReviewResult::Pass,
        "REJECT" => SealReviewResult::Reject { reason },
        _ => {
            if let Some(reason) = reason {
                p.0.insert("rejectReason".to_owned(), Value::String(reason));
            }
            SealReviewResult::Other(result)
        }
    };
    let mut extra = p.rest();
    let detail_rest = detail.rest();
    if !detail_rest.is_empty() {
        extra.insert("detail".to_owned(), Value::Object(detail_rest));
    }
    Ok(SealReviewEvent {
        apply_id,
        result,
        seal_type,
        seal_name,
        seal_id,
        extra,
    })
}

fn personal_sign_auth(mut p: Payload) -> PersonalSignAuthEvent {
    PersonalSignAuthEvent {
        item: SignAuthItem::from(p.text("item").unwrap_or_default().as_str()),
        company_id: p.text("companyId").map(CompanyId::new),
        company_name: p.text("companyName"),
        assignee: p.text("assignee"),
        user: p.text("user"),
        user_type: p
            .text("userType")
            .map(|s| SignAuthUserType::from(s.as_str())),
        auth_deadline: p.text("authDeadline"),
        remark: p.text("remark"),
        deauthorize_date: p.text("deauthorizeDate"),
        extra: p.rest(),
    }
}

// --- encoding: an event back into the payload it came from ------------------------------------

/// Writes a payload: the known fields under the platform's names (absent ones left out), then
/// every other field as sent. What went in comes out, though a value may change form (a
/// number the platform sent as text).
fn payload<S: serde::Serializer>(
    serializer: S,
    known: &[(&str, Value)],
    extra: &Map<String, Value>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(None)?;
    for (name, value) in known.iter().filter(|(_, v)| !v.is_null()) {
        map.serialize_entry(name, value)?;
    }
    for (name, value) in extra {
        if !known.iter().any(|(n, v)| n == name && !v.is_null()) {
            map.serialize_entry(name, value)?;
        }
    }
    map.end()
}

/// A typed value as JSON (`null` for `None`).
fn json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl serde::Serialize for ContractStatusEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let known = [
            ("contractId", json(&self.contract_id)),
            ("contractStatus", json(&self.status)),
            ("callbackType", json(&self.callback_type)),
            ("tenantType", json(&self.tenant_type)),
            ("tenantName", json(&self.tenant_name)),
            ("contact", json(&self.contact)),
            ("tenantId", json(&self.tenant_id)),
            ("businessData", json(&self.business_data)),
            ("bizId", json(&self.biz_id)),
        ];
        payload(serializer, &known, &self.extra)
    }
}

impl serde::Serialize for CompanyAuthInfo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let known = [
            ("name", json(&self.name)),
            ("registerNo", json(&self.register_no)),
            ("legalPerson", json(&self.legal_person)),
            ("applicantName", json(&self.applicant_name)),
            ("applicantPhone", json(&self.applicant_phone)),
        ];
        payload(serializer, &known, &self.extra)
    }
}

impl serde::Serialize for CompanyAuthEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let known = [
            ("status", json(self.status.code())),
            ("actionEvent", json(self.action_event.map(|a| a.code()))),
            ("requestId", json(&self.request_id)),
            ("authInfo", json(&self.auth_info)),
        ];
        payload(serializer, &known, &self.extra)
    }
}

impl serde::Serialize for PersonalAuthEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let known = [
            ("mode", json(&self.mode)),
            ("status", json(&self.status)),
            ("authId", json(&self.auth_id)),
        ];
        payload(serializer, &known, &self.extra)
    }
}

impl serde::Serialize for SealReviewEvent {
    /// `sealType`, `sealName`, `sealId` and a rejection's `rejectReason` are written under
    /// `detail`, where the platform documents them (they are read from the top level too).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (result, reason) = match &self.result {
            SealReviewResult::Pass => ("PASS", None),
            SealReviewResult::Reject { reason } => ("REJECT", reason.as_ref()),
            SealReviewResult::Other(result) => (result.as_str(), None),
        };
        let mut detail = match self.extra.get("detail") {
            Some(Value::Object(rest)) => rest.clone(),
            _ => Map::new(),
        };
        for (name, value) in [
            ("sealType", json(&self.seal_type)),
            ("sealName", json(&self.seal_name)),
            ("sealId", json(&self.seal_id)),
            ("rejectReason", json(reason)),
        ] {
            if !value.is_null() {
                detail.insert(name.to_owned(), value);
            }
        }
        let detail = if detail.is_empty() {
            Value::Null
        } else {
            Value::Object(detail)
        };
        let known = [
            ("applyId", json(&self.apply_id)),
            ("result", json(result)),
            ("detail", detail),
        ];
        payload(serializer, &known, &self.extra)
    }
}

impl serde::Serialize for SignAuthUserType {
    /// Mobile as the platform spells it, `MOBLIE`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Self::Mobile => "MOBLIE",
            Self::Email => "EMAIL",
            Self::Other(other) => other,
        })
    }
}

impl serde::Serialize for PersonalSignAuthEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let known = [
            ("companyId", json(&self.company_id)),
            ("companyName", json(&self.company_name)),
            ("assignee", json(&self.assignee)),
            ("user", json(&self.user)),
            ("userType", json(&self.user_type)),
            ("authDeadline", json(&self.auth_deadline)),
            ("remark", json(&self.remark)),
            ("item", json(&self.item)),
            ("deauthorizeDate", json(&self.deauthorize_date)),
        ];
        payload(serializer, &known, &self.extra)
    }
}
