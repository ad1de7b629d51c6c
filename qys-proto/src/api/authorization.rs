//! 授权管理: the SSO module authorization page, and the personal silent-signing authorization
//! (page, withdrawal, records).
//!
//! ⚠ The doc pages were not retrieved; fields follow the vendor Go SDK 3.1.1. The page calls
//! answer a link whose field name is undocumented ([`Link`] reads `pageUrl`, `url` and the
//! like); the authorization callback is described in the callbacks module.

use serde::Serialize;

use crate::api::miniapp::PersonalSignAuth;
use crate::api::org_types::{Link, Page, non_blank_if_set, require_company, require_user};
use crate::endpoint::{Check, endpoint, setters};
use crate::error::BuildError;
use crate::types::{Ack, Company, PageStyle, User};

/// 授权管理-单点登录模块授权页面 — `POST /v2/ssoprivilege/url`: a page where a company's
/// administrator grants the integrator's single sign-on module its privileges.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoPrivilegeUrlRequest {
    company: Company,
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
}

impl SsoPrivilegeUrlRequest {
    /// A page for `user` of `company`.
    pub fn new(company: Company, user: User) -> Self {
        Self {
            company,
            user,
            success_url: None,
            callback_url: None,
            page_style: None,
        }
    }

    setters! {
        /// Where the page goes on success.
        success_url: String;
        /// Where the platform posts the result.
        callback_url: String;
        /// Page styling.
        page_style: PageStyle;
    }
}

/// `company` by id or name (契约锁 doc page 创建合同草稿, 公司: id or name) and the user's
/// contact (用户: `contact` 必填).
impl Check for SsoPrivilegeUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_company(&self.company, "company")?;
        require_user(&self.user, "user")
    }
}
endpoint!(SsoPrivilegeUrlRequest: POST "/v2/ssoprivilege/url", json, idempotent = false => Link);

/// 授权管理-个人签名授权页面 — `POST /v2/personalsign/authurl`: a page where a person authorizes
/// the company to sign silently with their personal signature.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignAuthUrlRequest {
    #[serde(flatten)]
    auth: PersonalSignAuth,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_page: Option<String>,
}

impl PersonalSignAuthUrlRequest {
    /// A page for `user`.
    pub fn new(user: User) -> Self {
        Self::from(PersonalSignAuth::new(user))
    }

    setters! {
        /// Where the page goes when the user is done.
        callback_page: String;
    }
}

impl From<PersonalSignAuth> for PersonalSignAuthUrlRequest {
    /// A page for the authorization, with its options.
    fn from(auth: PersonalSignAuth) -> Self {
        Self {
            auth,
            callback_page: None,
        }
    }
}

impl Check for PersonalSignAuthUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.auth.check()?;
        non_blank_if_set(self.auth.tenant_name.as_deref(), "tenantName")
    }
}
endpoint!(PersonalSignAuthUrlRequest: POST "/v2/personalsign/authurl", json, idempotent = false => Link);

/// 授权管理-取消个人签名授权 — `POST /v2/personalsign/deauthorize`: withdraws a person's
/// silent-signing authorization.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignDeauthorizeRequest {
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
}

impl PersonalSignDeauthorizeRequest {
    /// Withdraws the authorization of `user`.
    pub fn new(user: User) -> Self {
        Self {
            user,
            tenant_name: None,
        }
    }

    setters! {
        /// The sub-company the authorization was for.
        tenant_name: String;
    }
}

/// The user's contact (契约锁 doc pages, 用户: `contact` 必填).
impl Check for PersonalSignDeauthorizeRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")?;
        non_blank_if_set(self.tenant_name.as_deref(), "tenantName")
    }
}
endpoint!(PersonalSignDeauthorizeRequest: POST "/v2/personalsign/deauthorize", json, idempotent = false => Ack);

/// 授权管理-查询个人静默签授权记录 — `POST /v2/personalsign/query` (a POST that only reads): a
/// person's silent-signing authorizations with this integrator.
///
/// ⚠ Neither the `authStatus` values nor the records' fields are documented: the filter is
/// passed through and each record is kept as sent (a bare list or `{totalCount, list}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignQueryRequest {
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_status: Option<String>,
}

impl PersonalSignQueryRequest {
    /// The authorizations of `user`.
    pub fn new(user: User) -> Self {
        Self {
            user,
            auth_status: None,
        }
    }

    setters! {
        /// Only records in this state (in effect, expired, withdrawn; ⚠ values undocumented).
        auth_status: String;
    }
}

/// The user's contact (契约锁 doc pages, 用户: `contact` 必填).
impl Check for PersonalSignQueryRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")
    }
}
endpoint!(PersonalSignQueryRequest: POST "/v2/personalsign/query", json, idempotent = true => Page<serde_json::Value>);
