//! SaaS (代理商/ISV) calls: an agent manages its tenant companies (apps, authentication,
//! privileges, silent-signing authorizations, access control, fees).
//!
//! Every path starts with `/saas/`, so the core signs these requests with the agent scheme
//! (`x-qys-open-agentaccesstoken` / `-agentsignature`) automatically; build the core with
//! [`crate::Signer::with_agent`] or [`crate::Signer::agent`]. The mini-program ticket calls
//! of SaaS are in [`crate::api::miniapp`].
//!
//! ⚠ None of these is in the doc menu: fields follow the vendor Go SDK 3.1.1 (§17 of the
//! spec) and most answers are undocumented (kept as `serde_json::Value`, or read permissively).

use serde::Serialize;

use crate::api::auth::{
    CompanyAuthLink, CompanyAuthResult, CompanyAuthResultRequest, PersonalAuthLink,
    PersonalAuthResult, PersonalAuthResultRequest,
};
use crate::api::company::{CompanyDetailRequest, CompanyInfo};
use crate::api::miniapp::{PersonalAuthOptions, SignAuthOptions};
use crate::api::org_types::{
    Link, non_blank_if_set, require_company, require_mobile_or_email, require_non_empty,
    require_user,
};
use crate::endpoint::{Check, endpoint, setters, upload};
use crate::error::BuildError;
use crate::id::CompanyId;
use crate::multipart::UploadFile;
use crate::types::{Ack, Company, Language, PageStyle, User};

fn require_id(id: &CompanyId, field: &str) -> Result<(), BuildError> {
    require_non_empty(id.as_str(), field)
}

/// Serializes a value as JSON text inside a JSON string (fields the Go SDK types as strings
/// holding JSON, such as `pageStyleInfo`).
fn json_text<S: serde::Serializer, T: Serialize>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => {
            let text = serde_json::to_string(v).map_err(serde::ser::Error::custom)?;
            s.serialize_str(&text)
        }
        None => s.serialize_none(),
    }
}

/// SaaS-申请应用 — `POST /saas/v2/company/applyapp`: creates an app for a tenant company.
///
/// ⚠ The answer is undocumented and kept as sent; it may carry the tenant's app secret, so do
/// not log it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasApplyAppRequest {
    company_id: CompanyId,
    app_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    login_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cas_verify_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contract_callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_strategy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contract_message_callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contract_by_page: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_for_page: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seal_auth_callback_url: Option<String>,
}

impl SaasApplyAppRequest {
    /// An app called `app_name` for tenant `company_id`.
    pub fn new(company_id: impl Into<CompanyId>, app_name: impl Into<String>) -> Self {
        Self {
            company_id: company_id.into(),
            app_name: app_name.into(),
            domain: None,
            login_url: None,
            cas_verify_url: None,
            callback_url: None,
            contract_callback_url: None,
            message_strategy: None,
            contract_message_callback_url: None,
            contract_by_page: None,
            callback_for_page: None,
            seal_auth_callback_url: None,
        }
    }

    setters! {
        /// The app's domain.
        domain: String;
        /// The single sign-on login URL.
        login_url: String;
        /// The CAS ticket verification URL.
        cas_verify_url: String;
        /// Where app callbacks go.
        callback_url: String;
        /// Where contract callbacks go.
        contract_callback_url: String;
        /// How messages are sent (⚠ values undocumented; passed through).
        message_strategy: String;
        /// Where contract message callbacks go.
        contract_message_callback_url: String;
        /// Whether contracts are handled on the platform's pages.
        contract_by_page: bool;
        /// Whether page operations are called back.
        callback_for_page: bool;
        /// Where seal authorization callbacks go.
        seal_auth_callback_url: String;
    }
}

impl Check for SaasApplyAppRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_id(&self.company_id, "companyId")?;
        require_non_empty(&self.app_name, "appName")
    }
}
endpoint!(SaasApplyAppRequest: POST "/saas/v2/company/applyapp", json, idempotent = false => serde_json::Value);

/// SaaS-重置应用令牌 — `POST /saas/v2/company/resettoken`: resets a tenant app's secret.
///
/// ⚠ The answer is undocumented and kept as sent; it may carry the new secret, so do not log it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasResetTokenRequest {
    company_id: CompanyId,
    // Optional: no doc page marks `accessToken` required and the vendor Go SDK 3.1.1
    // (`SaaSResetTokenRequest`) omits it when empty (`omitempty`), as qys does.
    #[serde(skip_serializing_if = "String::is_empty")]
    access_token: String,
}

impl SaasResetTokenRequest {
    /// Resets the app `access_token` of tenant `company_id` (empty: not sent, the platform
    /// picks the tenant's app).
    pub fn new(company_id: impl Into<CompanyId>, access_token: impl Into<String>) -> Self {
        Self {
            company_id: company_id.into(),
            access_token: access_token.into(),
        }
    }
}

impl Check for SaasResetTokenRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_id(&self.company_id, "companyId")
    }
}
endpoint!(SaasResetTokenRequest: POST "/saas/v2/company/resettoken", json, idempotent = false => serde_json::Value);

/// SaaS-公司详情 — `GET /saas/v2/company/detail`: a tenant company by name or credit code.
///
/// The query is that of [`CompanyDetailRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SaasCompanyDetailRequest(CompanyDetailRequest);

impl SaasCompanyDetailRequest {
    /// The company called `company_name`.
    pub fn by_name(company_name: impl Into<String>) -> Self {
        Self(CompanyDetailRequest::by_name(company_name))
    }

    /// The company with this unified social credit code.
    pub fn by_register_no(register_no: impl Into<String>) -> Self {
        Self(CompanyDetailRequest::by_register_no(register_no))
    }
}

impl Check for SaasCompanyDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(SaasCompanyDetailRequest: GET "/saas/v2/company/detail", query, idempotent = true => CompanyInfo);

/// SaaS-企业认证链接 — `POST /saas/v2/companyauth/url`: the authentication link of a tenant
/// company already registered by ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasCompanyAuthUrlRequest {
    company_id: CompanyId,
}

impl SaasCompanyAuthUrlRequest {
    /// The link for tenant `company_id`.
    pub fn new(company_id: impl Into<CompanyId>) -> Self {
        Self {
            company_id: company_id.into(),
        }
    }
}

impl Check for SaasCompanyAuthUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_id(&self.company_id, "companyId")
    }
}
endpoint!(SaasCompanyAuthUrlRequest: POST "/saas/v2/companyauth/url", json, idempotent = false => Link);

/// SaaS-企业认证页面 — `POST /saas/v2/companyauth/pageurl` (multipart: text parts,
/// `applicantInfo` and `pageStyleInfo` as JSON text, optional file part `license`): a company
/// authentication page for a new tenant.
///
/// ⚠ `modifyFields` is a boolean here (whether the prefilled values may be edited), as the Go
/// SDK 3.1.1 sends it, unlike the comma list of the open-platform pages.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasCompanyAuthPageUrlRequest<S> {
    company_name: String,
    applicant_info: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(rename = "pageStyleInfo", skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_auth: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modify_fields: Option<bool>,
    #[serde(skip)]
    license: Option<UploadFile<S>>,
}

impl<S> SaasCompanyAuthPageUrlRequest<S> {
    /// A page to authenticate `company_name`, applied for by `applicant` (contact type
    /// `MOBILE` or `EMAIL`).
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self {
            company_name: company_name.into(),
            applicant_info: applicant,
            register_no: None,
            legal_person: None,
            callback_url: None,
            lang: None,
            page_style: None,
            repeat_auth: None,
            modify_fields: None,
            license: None,
        }
    }

    setters! {
        /// The unified social credit code.
        register_no: String;
        /// The legal representative's name.
        legal_person: String;
        /// Where the platform posts the authentication result.
        callback_url: String;
        /// The page language.
        lang: Language;
        /// Page styling (sent as the JSON text part `pageStyleInfo`).
        page_style: PageStyle;
        /// Whether an authenticated company may authenticate again.
        repeat_auth: bool;
        /// Whether the prefilled values may be edited.
        modify_fields: bool;
    }

    /// Uploads the business licence with the request.
    #[must_use]
    pub fn license(mut self, license: UploadFile<S>) -> Self {
        self.license = Some(license);
        self
    }
}

impl<S> Check for SaasCompanyAuthPageUrlRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        require_mobile_or_email(&self.applicant_info, "applicantInfo")
    }
}
upload!(SaasCompanyAuthPageUrlRequest: POST "/saas/v2/companyauth/pageurl", #[each] license: "license", idempotent = false => CompanyAuthLink);

/// SaaS-企业认证结果 — `GET /saas/v2/companyauth/result`: the state of a tenant's company
/// authentication, by `requestId` or company name.
///
/// The query is that of [`CompanyAuthResultRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SaasCompanyAuthResultRequest(CompanyAuthResultRequest);

impl SaasCompanyAuthResultRequest {
    /// The authentication `request_id`.
    pub fn by_request_id(request_id: impl Into<String>) -> Self {
        Self(CompanyAuthResultRequest::by_request_id(request_id))
    }

    /// The latest authentication of `company_name`.
    pub fn by_company_name(company_name: impl Into<String>) -> Self {
        Self(CompanyAuthResultRequest::by_company_name(company_name))
    }
}

impl Check for SaasCompanyAuthResultRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(SaasCompanyAuthResultRequest: GET "/saas/v2/companyauth/result", query, idempotent = true => CompanyAuthResult);

/// SaaS-个人认证链接 — `POST /saas/v2/personalauth`: a one-time personal authentication link.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPersonalAuthPageRequest {
    user: User,
    #[serde(flatten)]
    options: PersonalAuthOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manual_switch: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
}

impl SaasPersonalAuthPageRequest {
    /// A link for `user` (contact type `MOBILE` or `EMAIL`).
    pub fn new(user: User) -> Self {
        Self {
            user,
            options: PersonalAuthOptions::default(),
            callback_page: None,
            manual_switch: None,
            lang: None,
            page_style: None,
        }
    }

    /// Sets the mode, prefill and callback options.
    #[must_use]
    pub fn with_options(mut self, options: PersonalAuthOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// Where the page goes when the user is done.
        callback_page: String;
        /// Whether manual review is offered.
        manual_switch: bool;
        /// The page language.
        lang: Language;
        /// Page styling.
        page_style: PageStyle;
    }
}

impl Check for SaasPersonalAuthPageRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_mobile_or_email(&self.user, "user")
    }
}
endpoint!(SaasPersonalAuthPageRequest: POST "/saas/v2/personalauth", json, idempotent = false => PersonalAuthLink);

/// SaaS-个人认证结果 — `GET /saas/v2/personalauth/result`: whether a person is authenticated,
/// by authentication ID or contact.
///
/// The query is that of [`PersonalAuthResultRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SaasPersonalAuthResultRequest(PersonalAuthResultRequest);

impl SaasPersonalAuthResultRequest {
    /// The result of the authentication `auth_id`.
    pub fn by_auth_id(auth_id: impl Into<String>) -> Self {
        Self(PersonalAuthResultRequest::by_auth_id(auth_id))
    }

    /// Whether `user` (contact type `MOBILE` or `EMAIL`) is authenticated.
    pub fn by_user(user: &User) -> Self {
        Self(PersonalAuthResultRequest::by_user(user))
    }
}

impl Check for SaasPersonalAuthResultRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(SaasPersonalAuthResultRequest: GET "/saas/v2/personalauth/result", query, idempotent = true => PersonalAuthResult);

/// SaaS-个人签名授权页面 — `POST /saas/v2/personalsign/authurl`: a page where a person
/// authorizes a tenant company to sign silently for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPersonalSignAuthUrlRequest {
    user: User,
    company: Company,
    #[serde(flatten)]
    options: SignAuthOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<String>,
}

impl SaasPersonalSignAuthUrlRequest {
    /// A page for `user` to authorize `company`.
    pub fn new(user: User, company: Company) -> Self {
        Self {
            user,
            company,
            options: SignAuthOptions::default(),
            app_id: None,
        }
    }

    /// Sets the deadline, remark, callback and page options.
    #[must_use]
    pub fn with_options(mut self, options: SignAuthOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// The tenant's app ID.
        app_id: String;
    }
}

impl Check for SaasPersonalSignAuthUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")?;
        require_company(&self.company, "company")
    }
}
endpoint!(SaasPersonalSignAuthUrlRequest: POST "/saas/v2/personalsign/authurl", json, idempotent = false => Link);

/// SaaS-取消个人签名授权 — `POST /saas/v2/personalsign/deauthorize`: withdraws a person's
/// silent-signing authorization of a tenant company.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPersonalSignDeauthorizeRequest {
    user: User,
    company: Company,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<String>,
}

impl SaasPersonalSignDeauthorizeRequest {
    /// Withdraws the authorization `user` gave `company`.
    pub fn new(user: User, company: Company) -> Self {
        Self {
            user,
            company,
            app_id: None,
        }
    }

    setters! {
        /// The tenant's app ID.
        app_id: String;
    }
}

impl Check for SaasPersonalSignDeauthorizeRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")?;
        require_company(&self.company, "company")
    }
}
endpoint!(SaasPersonalSignDeauthorizeRequest: POST "/saas/v2/personalsign/deauthorize", json, idempotent = false => Ack);

/// SaaS-印章自动签授权页面 — `POST /saas/v2/sealsign/authurl`: a page where a seal
/// administrator authorizes automatic sealing for a tenant company.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasSealSignAuthUrlRequest {
    seal_admin: User,
    company: Company,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_deadline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remark: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<String>,
}

impl SaasSealSignAuthUrlRequest {
    /// A page for `seal_admin` to authorize automatic sealing for `company`.
    pub fn new(seal_admin: User, company: Company) -> Self {
        Self {
            seal_admin,
            company,
            auth_deadline: None,
            remark: None,
            callback_url: None,
            return_url: None,
            app_id: None,
        }
    }

    setters! {
        /// Until when the authorization holds (`yyyy-MM-dd`).
        auth_deadline: String;
        /// A remark shown to the administrator.
        remark: String;
        /// Where the platform posts the authorization result.
        callback_url: String;
        /// Where the page goes when done.
        return_url: String;
        /// The tenant's app ID.
        app_id: String;
    }
}

impl Check for SaasSealSignAuthUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.seal_admin, "sealAdmin")?;
        require_company(&self.company, "company")
    }
}
endpoint!(SaasSealSignAuthUrlRequest: POST "/saas/v2/sealsign/authurl", json, idempotent = false => Link);

/// Who grants which app its privileges, and what happens after: the body of
/// [`SaasPrivilegeTicketRequest`](crate::api::miniapp::SaasPrivilegeTicketRequest) and the
/// grant part of [`SaasPrivilegeUrlRequest`] (each is `From` it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivilegeGrant {
    // Optional: no doc page marks `appId` required and the vendor Go SDK 3.1.1
    // (`SaasPrivilegeUrlRequest`, `SaaSPrivilegeMiniappTicketRequest`) omits it when empty
    // (`omitempty`), as qys does.
    #[serde(skip_serializing_if = "String::is_empty")]
    app_id: String,
    company_id: CompanyId,
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_token: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    privilege_modules: Vec<String>,
}

impl PrivilegeGrant {
    /// `user` of tenant `company_id` grants app `app_id` its privileges.
    pub fn new(app_id: impl Into<String>, company_id: impl Into<CompanyId>, user: User) -> Self {
        Self {
            app_id: app_id.into(),
            company_id: company_id.into(),
            user,
            create_token: None,
            success_url: None,
            callback_url: None,
            privilege_modules: Vec::new(),
        }
    }

    setters! {
        /// Whether an app token is created for the tenant on success.
        create_token: bool;
        /// Where the page goes on success.
        success_url: String;
        /// Where the platform posts the result.
        callback_url: String;
    }

    /// The privilege modules asked for (⚠ values undocumented; passed through).
    #[must_use]
    pub fn privilege_modules(
        mut self,
        modules: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.privilege_modules = modules.into_iter().map(Into::into).collect();
        self
    }

    /// `companyId` and the user's contact; an empty `appId` is left out (see the field).
    pub(crate) fn check(&self) -> Result<(), BuildError> {
        require_id(&self.company_id, "companyId")?;
        require_user(&self.user, "user")
    }
}

/// SaaS-企业授权页面 — `POST /saas/v2/privilege/url`: a page where a tenant's administrator
/// grants the agent's app its privileges.
///
/// `pageStyleInfo` is a string holding JSON text inside the JSON body, as the Go SDK 3.1.1
/// types it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPrivilegeUrlRequest {
    #[serde(flatten)]
    grant: PrivilegeGrant,
    #[serde(skip_serializing_if = "Option::is_none")]
    can_show_secret: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(
        rename = "pageStyleInfo",
        skip_serializing_if = "Option::is_none",
        serialize_with = "json_text"
    )]
    page_style: Option<PageStyle>,
}

impl SaasPrivilegeUrlRequest {
    /// A page for `user` of tenant `company_id` to grant app `app_id` its privileges.
    pub fn new(app_id: impl Into<String>, company_id: impl Into<CompanyId>, user: User) -> Self {
        Self::from(PrivilegeGrant::new(app_id, company_id, user))
    }

    setters! {
        /// Whether the page may show the app secret.
        can_show_secret: bool;
        /// The page language.
        lang: Language;
        /// Page styling.
        page_style: PageStyle;
    }
}

impl From<PrivilegeGrant> for SaasPrivilegeUrlRequest {
    /// A page for the grant, with its options.
    fn from(grant: PrivilegeGrant) -> Self {
        Self {
            grant,
            can_show_secret: None,
            lang: None,
            page_style: None,
        }
    }
}

impl Check for SaasPrivilegeUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.grant.check()
    }
}
endpoint!(SaasPrivilegeUrlRequest: POST "/saas/v2/privilege/url", json, idempotent = false => Link);

/// SaaS-企业授权查询 — `GET /saas/v2/privilege/query`: the privileges a tenant granted an app.
///
/// ⚠ The answer is undocumented and kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPrivilegeQueryRequest {
    // Optional, as in the grant: an empty `appId` is not sent (vendor Go SDK 3.1.1
    // `SaasPrivilegeDetailRequest` skips empty parameters; no doc page marks it required).
    #[serde(skip_serializing_if = "String::is_empty")]
    app_id: String,
    company_id: CompanyId,
}

impl SaasPrivilegeQueryRequest {
    /// The privileges tenant `company_id` granted app `app_id` (empty: not sent).
    pub fn new(app_id: impl Into<String>, company_id: impl Into<CompanyId>) -> Self {
        Self {
            app_id: app_id.into(),
            company_id: company_id.into(),
        }
    }
}

impl Check for SaasPrivilegeQueryRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_id(&self.company_id, "companyId")
    }
}
endpoint!(SaasPrivilegeQueryRequest: GET "/saas/v2/privilege/query", query, idempotent = true => serde_json::Value);

/// SaaS-应用访问控制 — `POST /saas/v2/app/accesscontrol`: enables or disables a tenant's app.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SaasAppAccessControlRequest {
    company: Company,
    operate: String,
}

impl SaasAppAccessControlRequest {
    /// Applies `operate` (⚠ values undocumented; passed through) to `company`.
    pub fn new(company: Company, operate: impl Into<String>) -> Self {
        Self {
            company,
            operate: operate.into(),
        }
    }
}

impl Check for SaasAppAccessControlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_company(&self.company, "company")?;
        require_non_empty(&self.operate, "operate")
    }
}
endpoint!(SaasAppAccessControlRequest: POST "/saas/v2/app/accesscontrol", json, idempotent = false => Ack);

/// SaaS-企业访问控制 — `POST /saas/v2/company/accesscontrol`: enables or disables a tenant
/// company.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SaasCompanyAccessControlRequest {
    company: Company,
    operate: String,
}

impl SaasCompanyAccessControlRequest {
    /// Applies `operate` (⚠ values undocumented; passed through) to `company`.
    pub fn new(company: Company, operate: impl Into<String>) -> Self {
        Self {
            company,
            operate: operate.into(),
        }
    }
}

impl Check for SaasCompanyAccessControlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_company(&self.company, "company")?;
        require_non_empty(&self.operate, "operate")
    }
}
endpoint!(SaasCompanyAccessControlRequest: POST "/saas/v2/company/accesscontrol", json, idempotent = false => Ack);

/// SaaS-个人访问控制 — `POST /saas/v2/personal/accesscontrol`: enables or disables a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPersonalAccessControlRequest {
    user: User,
    operate: String,
}

impl SaasPersonalAccessControlRequest {
    /// Applies `operate` (⚠ values undocumented; passed through) to `user`.
    pub fn new(user: User, operate: impl Into<String>) -> Self {
        Self {
            user,
            operate: operate.into(),
        }
    }
}

impl Check for SaasPersonalAccessControlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")?;
        require_non_empty(&self.operate, "operate")
    }
}
endpoint!(SaasPersonalAccessControlRequest: POST "/saas/v2/personal/accesscontrol", json, idempotent = false => Ack);

/// SaaS-绑定关系 — `GET /saas/v2/binding`: the agent's bindings (⚠ answer kept as sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SaasBindingRequest {}

impl SaasBindingRequest {
    /// The request (it has no fields).
    pub fn new() -> Self {
        Self {}
    }
}

impl Check for SaasBindingRequest {}
endpoint!(SaasBindingRequest: GET "/saas/v2/binding", empty, idempotent = true => serde_json::Value);

/// SaaS-健康检查 — `GET /saas/v2/checkhealth`: checks the agent credentials and the
/// platform (⚠ answer kept as sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SaasCheckHealthRequest {}

impl SaasCheckHealthRequest {
    /// The request (it has no fields).
    pub fn new() -> Self {
        Self {}
    }
}

impl Check for SaasCheckHealthRequest {}
endpoint!(SaasCheckHealthRequest: GET "/saas/v2/checkhealth", empty, idempotent = true => serde_json::Value);

/// SaaS-平台计费信息 — `GET /saas/v2/fee/platform/info`: the agent's own fee balance (⚠
/// answer kept as sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SaasPlatformFeeRequest {}

impl SaasPlatformFeeRequest {
    /// The request (it has no fields).
    pub fn new() -> Self {
        Self {}
    }
}

impl Check for SaasPlatformFeeRequest {}
endpoint!(SaasPlatformFeeRequest: GET "/saas/v2/fee/platform/info", empty, idempotent = true => serde_json::Value);

/// SaaS-企业计费信息 — `GET /saas/v2/fee/info`: a tenant company's fee balance (⚠ answer kept
/// as sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasFeeInfoRequest {
    company_name: String,
}

impl SaasFeeInfoRequest {
    /// The balance of tenant `company_name`.
    pub fn new(company_name: impl Into<String>) -> Self {
        Self {
            company_name: company_name.into(),
        }
    }
}

impl Check for SaasFeeInfoRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")
    }
}
endpoint!(SaasFeeInfoRequest: GET "/saas/v2/fee/info", query, idempotent = true => serde_json::Value);

/// A tenant's fees: the body of [`SaasFeeInitRequest`] and [`SaasFeeUpdateRequest`] (each is
/// `From` it). Amounts are decimal text, as the vendor Go SDK 3.1.1 sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantFees {
    company_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_balance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_mode: Option<String>,
}

impl TenantFees {
    /// The fees of tenant `company_name`.
    pub fn new(company_name: impl Into<String>) -> Self {
        Self {
            company_name: company_name.into(),
            initial_balance: None,
            initial_price: None,
            pay_mode: None,
        }
    }

    setters! {
        /// The balance, as decimal text.
        initial_balance: String;
        /// The unit price, as decimal text.
        initial_price: String;
        /// How the tenant pays (⚠ values undocumented; passed through).
        pay_mode: String;
    }
}

impl Check for TenantFees {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        non_blank_if_set(self.initial_balance.as_deref(), "initialBalance")?;
        non_blank_if_set(self.initial_price.as_deref(), "initialPrice")
    }
}

/// SaaS-计费初始化 — `POST /saas/v2/fee/init`: sets up a tenant's fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SaasFeeInitRequest(TenantFees);

impl SaasFeeInitRequest {
    /// Sets up the fees of tenant `company_name` (set amounts with [`TenantFees`]).
    pub fn new(company_name: impl Into<String>) -> Self {
        Self(TenantFees::new(company_name))
    }
}

impl From<TenantFees> for SaasFeeInitRequest {
    fn from(fees: TenantFees) -> Self {
        Self(fees)
    }
}

impl Check for SaasFeeInitRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(SaasFeeInitRequest: POST "/saas/v2/fee/init", json, idempotent = false => Ack);

/// SaaS-计费更新 — `POST /saas/v2/fee/update`: changes a tenant's fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SaasFeeUpdateRequest(TenantFees);

impl SaasFeeUpdateRequest {
    /// Changes the fees of tenant `company_name` (set amounts with [`TenantFees`]).
    pub fn new(company_name: impl Into<String>) -> Self {
        Self(TenantFees::new(company_name))
    }
}

impl From<TenantFees> for SaasFeeUpdateRequest {
    fn from(fees: TenantFees) -> Self {
        Self(fees)
    }
}

impl Check for SaasFeeUpdateRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(SaasFeeUpdateRequest: POST "/saas/v2/fee/update", json, idempotent = false => Ack);
