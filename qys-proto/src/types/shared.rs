//! Values shared by several endpoint groups: people, companies, categories, page styles, the
//! contract reference, and the open string enums they use.

use serde::{Deserialize, Serialize};

use super::string_enum;
use crate::id::CompanyId;

string_enum! {
    /// How a [`User`]'s `contact` identifies them (`contactType`).
    pub enum ContactType {
        /// A mobile number.
        Mobile = "MOBILE",
        /// An e-mail address.
        Email = "EMAIL",
        /// An employee ID (员工ID).
        EmployeeId = "EMPLOYEEID",
        /// An employee number (员工编号).
        Number = "NUMBER",
        /// The user's ID in the integrator's own system.
        BizId = "BIZID",
    }
}

/// A person addressed by a contact (用户/联系人): signer, operator, applicant, receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Mobile, e-mail, employee ID or number, or business ID, as `contact_type` says. Empty
    /// when an answer names the person without a contact (then not sent back).
    #[serde(
        default,
        deserialize_with = "contact_or_empty",
        skip_serializing_if = "String::is_empty"
    )]
    pub contact: String,
    /// What `contact` is; [`ContactType::Other`] with an empty text when an answer does not say
    /// (then not sent back).
    #[serde(
        default = "no_contact_type",
        deserialize_with = "contact_type_or_empty",
        skip_serializing_if = "is_no_contact_type"
    )]
    pub contact_type: ContactType,
    /// The person's name (checked against real-name data where the platform has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The mobile number, when an answer names the person by `mobile` rather than by
    /// `contact` (creators, operators, seal users); requests use `contact`.
    #[serde(
        default,
        deserialize_with = "crate::answer::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub mobile: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A contact as answers carry it: text or a number; missing or `null` is empty.
fn contact_or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(crate::answer::opt_text(d)?.unwrap_or_default())
}

/// The contact type of an answer that does not say.
fn no_contact_type() -> ContactType {
    ContactType::Other(String::new())
}

fn is_no_contact_type(t: &ContactType) -> bool {
    t.as_str().is_empty()
}

fn contact_type_or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ContactType, D::Error> {
    Ok(Option::<ContactType>::deserialize(d)?.unwrap_or_else(no_contact_type))
}

impl User {
    /// A user identified by a mobile number.
    pub fn mobile(mobile: impl Into<String>) -> Self {
        Self {
            contact: mobile.into(),
            contact_type: ContactType::Mobile,
            name: None,
            mobile: None,
            extra: serde_json::Map::new(),
        }
    }

    /// A user identified by an e-mail address.
    pub fn email(email: impl Into<String>) -> Self {
        Self {
            contact: email.into(),
            contact_type: ContactType::Email,
            name: None,
            mobile: None,
            extra: serde_json::Map::new(),
        }
    }

    /// A user identified by `contact` of kind `contact_type`.
    pub fn new(contact: impl Into<String>, contact_type: ContactType) -> Self {
        Self {
            contact: contact.into(),
            contact_type,
            name: None,
            mobile: None,
            extra: serde_json::Map::new(),
        }
    }

    /// Adds the person's name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A company reference (`{id, name, registerNo}`): by ID or by full name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    /// The company's ID on the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CompanyId>,
    /// The company's full registered name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The unified social credit code (统一社会信用代码).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_no: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Company {
    /// A company by ID.
    pub fn by_id(id: impl Into<CompanyId>) -> Self {
        Self {
            id: Some(id.into()),
            ..Self::default()
        }
    }

    /// A company by full name.
    pub fn by_name(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// Page styling (`{themeColor}`), a hex RGB colour such as `#1F7FFF`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageStyle {
    /// The theme colour, hex RGB.
    pub theme_color: String,
}

string_enum! {
    /// Page language (`lang`).
    pub enum Language {
        /// Chinese.
        Chinese = "cn",
        /// English.
        English = "en",
    }
}

string_enum! {
    /// Identity document type (`paperType`).
    pub enum PaperType {
        /// Mainland ID card (default).
        IdCard = "IDCARD",
        /// Passport.
        Passport = "PASSPORT",
        /// Mainland travel permit for Hong Kong and Macao residents.
        Hkmp = "HKMP",
        /// Mainland travel permit for Taiwan residents.
        Mtps = "MTPS",
    }
}

string_enum! {
    /// Personal authentication mode (`mode`, `otherModes`).
    pub enum PersonalAuthMode {
        /// Every mode the platform offers.
        Default = "DEFAULT",
        /// Three-factor check (name, ID number, mobile).
        Ivs = "IVS",
        /// Face recognition.
        Face = "FACE",
        /// Alipay.
        Alipay = "ALIPAY",
        /// Bank card four-factor check.
        Bank = "BANK",
        /// Manual review (fallback only).
        Manual = "MANUAL",
    }
}

string_enum! {
    /// A prefilled personal field the user may still edit (`modifyFields`).
    pub enum PersonalField {
        /// The name.
        Username = "USERNAME",
        /// The ID number.
        IdCardNo = "IDCARDNO",
        /// The bank card number.
        BankNo = "BANKNO",
        /// The bank-reserved mobile number.
        BankMobile = "BANKMOBILE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        let t: ContactType = serde_json::from_str("\"WECHAT\"").unwrap();
        assert_eq!(t, ContactType::Other("WECHAT".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"WECHAT\"");
        let u: User =
            serde_json::from_str(r#"{"contact":"1","contactType":"MOBILE","extra":1}"#).unwrap();
        assert_eq!(u.contact_type, ContactType::Mobile);
    }
}

/// Which contract a request names — by its ID or by the integrator's `bizId`, exactly one of
/// them sent as `contractId` or `bizId` — and, independently, the sub-company that acts
/// (`tenantName`: "若以子公司身份签署，需要传递子公司全名", the vendor Go SDK's
/// `ContractMiniappTicketRequest`), with either identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRef {
    key: ContractKey,
    tenant_name: Option<String>,
}

/// The identifier of a contract in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractKey {
    /// By contract ID (`contractId`).
    Id(crate::id::ContractId),
    /// By the integrator's unique business ID (`bizId`).
    BizId(String),
}

impl ContractRef {
    /// By contract ID.
    pub fn id(id: impl Into<crate::id::ContractId>) -> Self {
        Self {
            key: ContractKey::Id(id.into()),
            tenant_name: None,
        }
    }

    /// By business ID.
    pub fn biz_id(biz_id: impl Into<String>) -> Self {
        Self {
            key: ContractKey::BizId(biz_id.into()),
            tenant_name: None,
        }
    }

    /// By business ID, acting as the sub-company `tenant_name` (the same as
    /// `ContractRef::biz_id(biz_id).acting_as(tenant_name)`).
    pub fn biz_id_of(biz_id: impl Into<String>, tenant_name: impl Into<String>) -> Self {
        Self::biz_id(biz_id).acting_as(tenant_name)
    }

    /// Acts as the sub-company `tenant_name` (its full name), whichever identifier names the
    /// contract.
    #[must_use]
    pub fn acting_as(mut self, tenant_name: impl Into<String>) -> Self {
        self.tenant_name = Some(tenant_name.into());
        self
    }

    /// The contract's identifier.
    pub fn key(&self) -> &ContractKey {
        &self.key
    }

    /// The sub-company acting, if any.
    pub fn tenant_name(&self) -> Option<&str> {
        self.tenant_name.as_deref()
    }
}

impl From<crate::id::ContractId> for ContractRef {
    fn from(id: crate::id::ContractId) -> Self {
        Self::id(id)
    }
}

impl Serialize for ContractRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1 + usize::from(self.tenant_name.is_some())))?;
        match &self.key {
            ContractKey::Id(id) => m.serialize_entry("contractId", id)?,
            ContractKey::BizId(biz_id) => m.serialize_entry("bizId", biz_id)?,
        }
        if let Some(t) = &self.tenant_name {
            m.serialize_entry("tenantName", t)?;
        }
        m.end()
    }
}

/// A business category reference (`{id, name}`): by ID, or by its unique name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Category {
    /// The category ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<crate::id::CategoryId>,
    /// The category name (must be unique when used without `id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fields qys does not know, kept as sent (and sent back as they are).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Category {
    /// A category by ID.
    pub fn by_id(id: impl Into<crate::id::CategoryId>) -> Self {
        Self {
            id: Some(id.into()),
            name: None,
            extra: serde_json::Map::new(),
        }
    }

    /// A category by name.
    pub fn by_name(name: impl Into<String>) -> Self {
        Self {
            id: None,
            name: Some(name.into()),
            extra: serde_json::Map::new(),
        }
    }
}

/// The `result` of calls that answer nothing useful: whatever came (usually `null`) is kept
/// as sent, so an unexpected `result` never fails a call that succeeded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ack(pub serde_json::Value);
