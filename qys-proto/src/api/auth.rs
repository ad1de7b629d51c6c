//! 个人认证 and 企业认证: authentication pages for people and companies, with or without the
//! business licence uploaded up front, and their results.
//!
//! The page links can be opened once; a link not opened expires after 5 minutes and the page
//! session after 15. Do not send test links through chat apps whose link scanners open them.
//!
//! ⚠ Only 获取企业认证链接PC was retrieved (Apifox copy); the others follow the vendor Go SDK
//! 3.1.1 and the documentation digest.

use serde::{Deserialize, Serialize};

use crate::answer;
use crate::api::miniapp::{CompanyField, PersonalAuthOptions};
use crate::api::org_types::{
    invalid, is_set, non_blank_if_set, require_mobile_or_email, require_non_empty,
};
use crate::endpoint::{Check, endpoint, setters, upload};
use crate::error::BuildError;
use crate::multipart::UploadFile;
use crate::types::{ContactType, Language, PageStyle, User, comma_joined};

/// The `result` of [`PersonalAuthPageRequest`]: the one-time link and the ID to query the
/// result with.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonalAuthLink {
    /// The page link.
    pub auth_url: Option<String>,
    /// The ID of this authentication (for [`PersonalAuthResultRequest::by_auth_id`]).
    #[serde(deserialize_with = "answer::opt_text")]
    pub auth_id: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 个人认证-获取个人认证链接 — `POST /v2/personalauth`: a one-time link to the personal
/// (real-name) authentication page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalAuthPageRequest {
    user: User,
    #[serde(flatten)]
    options: PersonalAuthOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
}

impl PersonalAuthPageRequest {
    /// A link for `user` (contact type `MOBILE` or `EMAIL`).
    pub fn new(user: User) -> Self {
        Self {
            user,
            options: PersonalAuthOptions::default(),
            callback_page: None,
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
        /// The page language.
        lang: Language;
        /// Page styling.
        page_style: PageStyle;
    }
}

/// `user` with a mobile or e-mail contact: 契约锁 doc page 获取个人认证链接 (auth links take
/// only `MOBILE`/`EMAIL`, as summarised in the vendor's skill notes).
impl Check for PersonalAuthPageRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_mobile_or_email(&self.user, "user")
    }
}
endpoint!(PersonalAuthPageRequest: POST "/v2/personalauth", json, idempotent = false => PersonalAuthLink);

/// The `result` of [`PersonalAuthResultRequest`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonalAuthResult {
    /// Whether the person is authenticated.
    #[serde(deserialize_with = "answer::opt_bool")]
    pub real_name: Option<bool>,
    /// How (only when queried by `authId`: `IVS`, `FACEID`, `BANK`, `MANUAL`; kept as sent).
    pub mode: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 个人认证-查询个人认证状态 — `GET /v2/personalauth/result`: whether a person is
/// authenticated, by authentication ID or by contact (1604 `INVALID_AUTHID`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalAuthResultRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_type: Option<ContactType>,
}

impl PersonalAuthResultRequest {
    /// The result of the authentication `auth_id` (answers `mode` too).
    pub fn by_auth_id(auth_id: impl Into<String>) -> Self {
        Self {
            auth_id: Some(auth_id.into()),
            contact: None,
            contact_type: None,
        }
    }

    /// Whether `user` (contact type `MOBILE` or `EMAIL`) is authenticated.
    pub fn by_user(user: &User) -> Self {
        Self {
            auth_id: None,
            contact: Some(user.contact.clone()),
            contact_type: Some(user.contact_type.clone()),
        }
    }
}

impl Check for PersonalAuthResultRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_auth_query(
            self.auth_id.as_deref(),
            self.contact.as_deref(),
            self.contact_type.as_ref(),
        )
    }
}
endpoint!(PersonalAuthResultRequest: GET "/v2/personalauth/result", query, idempotent = true => PersonalAuthResult);

/// `authId`, or a contact by mobile or e-mail.
///
/// 契约锁 doc page 查询个人认证状态: `authId`, or `contact` + `contactType` (`MOBILE`/`EMAIL`),
/// not both empty (as summarised in the vendor's skill notes).
fn check_auth_query(
    auth_id: Option<&str>,
    contact: Option<&str>,
    contact_type: Option<&ContactType>,
) -> Result<(), BuildError> {
    if is_set(auth_id) {
        return Ok(());
    }
    if !is_set(contact) {
        return Err(invalid("authId or contact is required"));
    }
    match contact_type {
        Some(ContactType::Mobile | ContactType::Email) => Ok(()),
        _ => Err(invalid("contactType must be MOBILE or EMAIL")),
    }
}

/// The optional fields of the company authentication pages.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAuthOptions {
    /// The unified social credit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_no: Option<String>,
    /// The legal representative's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_person: Option<String>,
    /// The legal representative's contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_contact: Option<String>,
    /// Where the platform posts the authentication result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Whether the page shows a close button (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_button: Option<bool>,
    /// The prefilled fields the applicant may edit (sent comma-joined; without it prefilled
    /// values are locked). `legalContact` is accepted as [`CompanyField::Other`].
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    pub modify_fields: Vec<CompanyField>,
    /// The page language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<Language>,
}

/// The `result` of the company authentication pages: the link and the ID to query the result
/// with.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CompanyAuthLink {
    /// The page link.
    pub auth_url: Option<String>,
    /// The ID of this authentication (for [`CompanyAuthResultRequest::by_request_id`]).
    #[serde(deserialize_with = "answer::opt_text")]
    pub request_id: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The body of the company authentication page requests ([`CompanyAuthPcPageRequest`],
/// [`CompanyAuthH5PageRequest`]; each is `From` it): who applies for which company, and the
/// page's options.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAuthPage {
    company_name: String,
    applicant: User,
    #[serde(flatten)]
    options: CompanyAuthOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
}

impl CompanyAuthPage {
    /// `applicant` (contact type `MOBILE` or `EMAIL`) applies to authenticate `company_name`
    /// and becomes its system administrator.
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self {
            company_name: company_name.into(),
            applicant,
            options: CompanyAuthOptions::default(),
            page_style: None,
        }
    }

    /// Sets the prefill, callback and page options.
    #[must_use]
    pub fn with_options(mut self, options: CompanyAuthOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// Page styling.
        page_style: PageStyle;
    }
}

/// `companyName` and an applicant by mobile or e-mail: 契约锁 doc pages 获取企业认证链接PC/H5
/// (as summarised in the vendor's skill notes).
impl Check for CompanyAuthPage {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        require_mobile_or_email(&self.applicant, "applicant")
    }
}

/// 企业认证-获取企业认证链接PC — `POST /companyauth/pcpage`: a link to the PC company
/// authentication page (1605 `COMPANY ALREADY AUTHED`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CompanyAuthPcPageRequest(CompanyAuthPage);

impl CompanyAuthPcPageRequest {
    /// A link to authenticate `company_name`, applied for by `applicant` (contact type
    /// `MOBILE` or `EMAIL`), who becomes its system administrator.
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self(CompanyAuthPage::new(company_name, applicant))
    }
}

impl From<CompanyAuthPage> for CompanyAuthPcPageRequest {
    fn from(page: CompanyAuthPage) -> Self {
        Self(page)
    }
}

impl Check for CompanyAuthPcPageRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(CompanyAuthPcPageRequest: POST "/companyauth/pcpage", json, idempotent = false => CompanyAuthLink);

/// 企业认证-获取企业认证链接H5 — `POST /companyauth/h5page`: a link to the mobile company
/// authentication page.
///
/// The applicant goes as `applicant` (the vendor Go SDK's key has a stray tab).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CompanyAuthH5PageRequest(CompanyAuthPage);

impl CompanyAuthH5PageRequest {
    /// A link to authenticate `company_name`, applied for by `applicant` (contact type
    /// `MOBILE` or `EMAIL`), who becomes its system administrator.
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self(CompanyAuthPage::new(company_name, applicant))
    }
}

impl From<CompanyAuthPage> for CompanyAuthH5PageRequest {
    fn from(page: CompanyAuthPage) -> Self {
        Self(page)
    }
}

impl Check for CompanyAuthH5PageRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(CompanyAuthH5PageRequest: POST "/companyauth/h5page", json, idempotent = false => CompanyAuthLink);

/// The text parts of the company authentication pages with the licence uploaded up front
/// ([`CompanyAuthLicensePcPageRequest`], [`CompanyAuthLicenseH5PageRequest`]): those of
/// [`CompanyAuthPage`], with the applicant as `applicantInfo` and the styling as
/// `pageStyleInfo` (JSON text parts).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAuthLicensePage {
    company_name: String,
    applicant_info: User,
    #[serde(flatten)]
    options: CompanyAuthOptions,
    #[serde(rename = "pageStyleInfo", skip_serializing_if = "Option::is_none")]
    page_style: Option<PageStyle>,
}

impl CompanyAuthLicensePage {
    /// `applicant` (contact type `MOBILE` or `EMAIL`) applies to authenticate `company_name`.
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self {
            company_name: company_name.into(),
            applicant_info: applicant,
            options: CompanyAuthOptions::default(),
            page_style: None,
        }
    }

    /// Sets the prefill, callback and page options (`modifyFields` may include
    /// [`CompanyField::License`]).
    #[must_use]
    pub fn with_options(mut self, options: CompanyAuthOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// Page styling (sent as the JSON text part `pageStyleInfo`).
        page_style: PageStyle;
    }
}

/// As [`CompanyAuthPage`]: `companyName` and an applicant by mobile or e-mail (契约锁 doc pages
/// 获取企业认证链接PC/H5, 带营业执照).
impl Check for CompanyAuthLicensePage {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        require_mobile_or_email(&self.applicant_info, "applicantInfo")
    }
}

/// 企业认证-获取企业认证链接-带营业执照PC — `POST /companyauth/pcpagewithlicense`
/// (multipart: text parts, `applicantInfo` and `pageStyleInfo` as JSON text, file part
/// `license`): the PC page with the licence uploaded up front.
///
/// ⚠ The doc page was not retrieved; parts follow the vendor Go SDK 3.1.1
/// (`CompanyAuthLicensePCPageRequest`).
#[derive(Debug, Serialize)]
#[serde(bound = "")]
pub struct CompanyAuthLicensePcPageRequest<S> {
    #[serde(flatten)]
    page: CompanyAuthLicensePage,
    #[serde(skip)]
    license: UploadFile<S>,
}

impl<S> CompanyAuthLicensePcPageRequest<S> {
    /// A link to authenticate `company_name`, applied for by `applicant` (contact type
    /// `MOBILE` or `EMAIL`), with the business licence image `license`.
    pub fn new(company_name: impl Into<String>, applicant: User, license: UploadFile<S>) -> Self {
        Self::from_page(
            CompanyAuthLicensePage::new(company_name, applicant),
            license,
        )
    }

    /// The page `page` says, with the business licence image `license`.
    pub fn from_page(page: CompanyAuthLicensePage, license: UploadFile<S>) -> Self {
        Self { page, license }
    }
}

impl<S> Check for CompanyAuthLicensePcPageRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        self.page.check()
    }
}
upload!(CompanyAuthLicensePcPageRequest: POST "/companyauth/pcpagewithlicense", license: "license", idempotent = false => CompanyAuthLink);

/// 企业认证-获取企业认证链接-带营业执照H5 — `POST /companyauth/h5pagewithlicense`
/// (multipart, as the PC variant): the mobile page with the licence uploaded up front.
///
/// ⚠ The doc page was not retrieved; parts follow the vendor Go SDK 3.1.1
/// (`CompanyAuthLicenseH5PageRequest`).
#[derive(Debug, Serialize)]
#[serde(bound = "")]
pub struct CompanyAuthLicenseH5PageRequest<S> {
    #[serde(flatten)]
    page: CompanyAuthLicensePage,
    #[serde(skip)]
    license: UploadFile<S>,
}

impl<S> CompanyAuthLicenseH5PageRequest<S> {
    /// A link to authenticate `company_name`, applied for by `applicant` (contact type
    /// `MOBILE` or `EMAIL`), with the business licence image `license`.
    pub fn new(company_name: impl Into<String>, applicant: User, license: UploadFile<S>) -> Self {
        Self::from_page(
            CompanyAuthLicensePage::new(company_name, applicant),
            license,
        )
    }

    /// The page `page` says, with the business licence image `license`.
    pub fn from_page(page: CompanyAuthLicensePage, license: UploadFile<S>) -> Self {
        Self { page, license }
    }
}

impl<S> Check for CompanyAuthLicenseH5PageRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        self.page.check()
    }
}
upload!(CompanyAuthLicenseH5PageRequest: POST "/companyauth/h5pagewithlicense", license: "license", idempotent = false => CompanyAuthLink);

/// The `result` of [`CompanyAuthResultRequest`].
///
/// `status`: -1 no record, 1 not submitted, 2 passed, 3 failed, 4 in progress, 6 expired.
/// `basicStatus`: 1 reviewing, 2 failed, 3 passed. (The callback uses another scale.)
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CompanyAuthResult {
    /// The overall state.
    #[serde(deserialize_with = "answer::opt_i64")]
    pub status: Option<i64>,
    /// The state of the basic-information review.
    #[serde(deserialize_with = "answer::opt_i64")]
    pub basic_status: Option<i64>,
    /// Why the basic-information review failed.
    pub basic_reason: Option<String>,
    /// Why the operator authorization failed.
    pub oper_authorization_reason: Option<String>,
    /// Until when the authentication holds.
    pub auth_end_time: Option<String>,
    /// The applicant's name, when the answer names it `applicantName`.
    pub applicant_name: Option<String>,
    /// The applicant's name, when the answer names it `applicant`.
    pub applicant: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 企业认证-查询认证结果 — `GET /companyauth/result`: the state of a company authentication, by
/// its `requestId` or the company's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAuthResultRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
}

impl CompanyAuthResultRequest {
    /// The authentication `request_id` (from [`CompanyAuthLink`]).
    pub fn by_request_id(request_id: impl Into<String>) -> Self {
        Self {
            request_id: Some(request_id.into()),
            company_name: None,
        }
    }

    /// The latest authentication of `company_name`.
    pub fn by_company_name(company_name: impl Into<String>) -> Self {
        Self {
            request_id: None,
            company_name: Some(company_name.into()),
        }
    }
}

/// 契约锁 doc page 查询企业认证状态: `requestId` or `companyName` (as summarised in the vendor's
/// skill notes).
impl Check for CompanyAuthResultRequest {
    fn check(&self) -> Result<(), BuildError> {
        if !is_set(self.request_id.as_deref()) && !is_set(self.company_name.as_deref()) {
            return Err(invalid("requestId or companyName is required"));
        }
        non_blank_if_set(self.company_name.as_deref(), "companyName")
    }
}
endpoint!(CompanyAuthResultRequest: GET "/companyauth/result", query, idempotent = true => CompanyAuthResult);
