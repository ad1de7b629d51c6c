//! 外部客户: add an external customer (a company or a person the company deals with).
//!
//! ⚠ The doc page was not retrieved; fields follow the vendor Go SDK 3.1.1
//! (`CustomerAddRequest`). The answer is undocumented and kept as sent.

use serde::Serialize;

use crate::api::org_types::{invalid, is_set, require_user};
use crate::endpoint::{Check, endpoint, setters};
use crate::error::BuildError;
use crate::types::{Ack, TenantType, User};

/// 外部客户-新增外部客户 — `POST /v2/customer/add`: adds a company or personal customer with
/// its contact person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAddRequest {
    tenant_type: TenantType,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alternate_contact: Option<String>,
}

impl CustomerAddRequest {
    /// A company customer called `company_name`, reached through `contact`.
    pub fn company(company_name: impl Into<String>, contact: User) -> Self {
        Self {
            tenant_type: TenantType::Company,
            company_name: Some(company_name.into()),
            user: Some(contact),
            alternate_contact: None,
        }
    }

    /// A personal customer.
    pub fn personal(user: User) -> Self {
        Self {
            tenant_type: TenantType::Personal,
            company_name: None,
            user: Some(user),
            alternate_contact: None,
        }
    }

    setters! {
        /// Another way to reach the customer.
        alternate_contact: String;
    }
}

/// 契约锁 doc page 新增外部客户: `companyName` required for a `COMPANY` customer (as summarised
/// in the vendor's skill notes); the contact person's `contact` (用户: `contact` 必填). Both
/// constructors set `user`.
impl Check for CustomerAddRequest {
    fn check(&self) -> Result<(), BuildError> {
        if self.tenant_type == TenantType::Company && !is_set(self.company_name.as_deref()) {
            return Err(invalid("companyName is required for a COMPANY customer"));
        }
        match &self.user {
            Some(u) => require_user(u, "user"),
            None => Err(invalid("user is required")),
        }
    }
}
endpoint!(CustomerAddRequest: POST "/v2/customer/add", json, idempotent = false => Ack);
