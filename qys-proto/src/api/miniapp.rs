//! 小程序插件: tickets that open the 契约锁 WeChat mini-program plugin.
//!
//! The integrator's server mints a one-time ticket with one of these endpoints and hands the
//! plugin URL to its mini-program, which opens it with `wx.navigateTo`. Every ticket knows the
//! plugin page it was minted for and the environment it came from, so
//! [`Ticket::plugin_url`] cannot send it to the wrong page or platform:
//!
//! | endpoint | plugin page |
//! | --- | --- |
//! | [`ContractSignTicketRequest`], [`ContractViewTicketRequest`] | `doc` |
//! | [`PersonalAuthTicketRequest`], [`SaasPersonalAuthTicketRequest`] | `personal-auth` |
//! | [`CompanyAuthTicketRequest`], [`CompanyAuthLicenseTicketRequest`], [`SaasCompanyAuthTicketRequest`] | `enterprise-auth` |
//! | [`PersonalSignAuthTicketRequest`] | `signature`, `type=personalSignatureOpen` |
//! | [`SaasPersonalSignAuthTicketRequest`] | `signature`, `type=personalSignature` |
//! | [`SaasSealSignAuthTicketRequest`] | `signature`, `type=sealSignature` |
//! | [`SaasPrivilegeTicketRequest`] | `authority` |
//!
//! The SaaS enterprise authorization page is listed by the vendor both as a page and as a
//! `type` value; qys opens it as the page `authority` without a `type`, the form the plugin's
//! page list gives.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::answer::{self, Carrier};
use crate::api::contract::ContractView;
use crate::api::org_types::{
    require_company, require_contact_type_mobile_or_email, require_non_empty,
};
use crate::api::saas::{PrivilegeGrant, SaasPersonalSignAuthUrlRequest};
use crate::core::Context;
use crate::endpoint::{Check, endpoint, list_setters, setters, upload};
use crate::environment::PluginEnv;
use crate::error::BuildError;
use crate::id::CompanyId;
use crate::multipart::UploadFile;
use crate::types::{
    Company, ContractRef, PageStyle, PaperType, PersonalAuthMode, PersonalField, User,
    comma_joined, string_enum,
};

/// The plugin page a ticket opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PluginPage {
    /// Sign a contract (`doc`).
    ContractSign,
    /// View a contract (`doc`).
    ContractView,
    /// Personal authentication (`personal-auth`).
    PersonalAuth,
    /// Company authentication (`enterprise-auth`).
    CompanyAuth,
    /// Personal silent-sign authorization on the open platform (`signature`,
    /// `type=personalSignatureOpen`).
    PersonalSignAuth,
    /// Personal silent-sign authorization on SaaS (`signature`, `type=personalSignature`).
    SaasPersonalSignAuth,
    /// Seal auto-sign authorization on SaaS (`signature`, `type=sealSignature`).
    SaasSealSignAuth,
    /// SaaS enterprise authorization (`authority`).
    SaasPrivilege,
}

impl PluginPage {
    /// The page segment of the plugin URL.
    pub fn page(self) -> &'static str {
        match self {
            Self::ContractSign | Self::ContractView => "doc",
            Self::PersonalAuth => "personal-auth",
            Self::CompanyAuth => "enterprise-auth",
            Self::PersonalSignAuth | Self::SaasPersonalSignAuth | Self::SaasSealSignAuth => {
                "signature"
            }
            Self::SaasPrivilege => "authority",
        }
    }

    /// The `type` parameter the page needs, if any.
    pub fn type_param(self) -> Option<&'static str> {
        match self {
            Self::PersonalSignAuth => Some("personalSignatureOpen"),
            Self::SaasPersonalSignAuth => Some("personalSignature"),
            Self::SaasSealSignAuth => Some("sealSignature"),
            _ => None,
        }
    }
}

/// A one-time plugin ticket, bound to the page it was minted for and its environment.
///
/// `Debug` abbreviates the ticket value: it opens a signing or authentication page.
#[derive(Clone, PartialEq, Eq)]
pub struct Ticket {
    value: String,
    page: PluginPage,
    env: PluginEnv,
}

impl Ticket {
    fn new(result: TicketResult, page: PluginPage, context: &Context) -> Self {
        Self {
            value: result.ticket,
            page,
            env: context.plugin_env(),
        }
    }

    /// The ticket value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The page it opens.
    pub fn page(&self) -> PluginPage {
        self.page
    }

    /// The platform it came from.
    pub fn env(&self) -> PluginEnv {
        self.env
    }

    /// The URL the mini-program opens:
    /// `plugin://qyssdk-plugin/{page}?ticket=…&env=com|cn[&hasCb=true][&type=…]`.
    pub fn plugin_url(&self) -> PluginUrl<'_> {
        PluginUrl {
            ticket: self,
            has_callbacks: false,
        }
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("value", &crate::credentials::Abbreviated(&self.value))
            .field("page", &self.page)
            .field("env", &self.env)
            .finish()
    }
}

/// A plugin URL; `Display` renders it with every value percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginUrl<'a> {
    ticket: &'a Ticket,
    has_callbacks: bool,
}

impl PluginUrl<'_> {
    /// Adds `hasCb=true`: the mini-program registers the plugin's event callbacks
    /// (`signSuccessCb`, `authSuccessCb`, `authFailCb`) and answers them with `jumpTo`.
    #[must_use]
    pub fn with_callbacks(mut self, has_callbacks: bool) -> Self {
        self.has_callbacks = has_callbacks;
        self
    }
}

impl fmt::Display for PluginUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.ticket;
        write!(
            f,
            "plugin://qyssdk-plugin/{}?ticket={}&env={}",
            t.page.page(),
            crate::query::encode(&t.value),
            t.env.as_str()
        )?;
        if self.has_callbacks {
            f.write_str("&hasCb=true")?;
        }
        if let Some(ty) = t.page.type_param() {
            write!(f, "&type={ty}")?;
        }
        Ok(())
    }
}

/// The `result` of every ticket endpoint: `{"ticket": "…"}` (a bare string is accepted too);
/// the object's other fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketResult {
    /// The ticket value.
    pub ticket: String,
    /// Fields qys does not know, kept as sent.
    pub extra: serde_json::Map<String, serde_json::Value>,
    carrier: Carrier,
}

impl<'de> Deserialize<'de> for TicketResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (ticket, carrier, extra) = answer::read_one(d, &["ticket"], "ticket")?;
        Ok(Self {
            ticket,
            extra,
            carrier,
        })
    }
}

impl Serialize for TicketResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        answer::write_one(s, &self.ticket, &self.carrier, &self.extra, "ticket")
    }
}

// ---------------------------------------------------------------------------------------------

/// 生成合同签署令牌 — `POST /v2/contract/miniappexchange`: a ticket that opens the signing page
/// of a contract for one signer.
///
/// Errors the platform documents: 1110 `NO VIEW PERMISSION` when the user is not a current
/// signer of the contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractSignTicketRequest {
    #[serde(flatten)]
    contract: ContractRef,
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    hide_password_settings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_password_sign: Option<bool>,
}

impl ContractSignTicketRequest {
    /// A signing ticket of `contract` for `user` (contact type `MOBILE`, `EMAIL`, `EMPLOYEEID`
    /// or `NUMBER`).
    pub fn new(contract: impl Into<ContractRef>, user: User) -> Self {
        Self {
            contract: contract.into(),
            user,
            hide_password_settings: None,
            allow_password_sign: None,
        }
    }

    setters! {
        /// Hides the "set a signing password" prompt after SMS signing (sponsor nodes). Default false.
        hide_password_settings: bool;
        /// Lets the signer sign by password for 30 minutes after a first SMS signing. Default false.
        allow_password_sign: bool;
    }
}

/// The signer's contact (契约锁 doc page 签署页面: `user` 必填; 用户: `contact` 必填).
impl Check for ContractSignTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.user.contact, "user.contact")
    }
}
endpoint!(ContractSignTicketRequest: POST "/v2/contract/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::ContractSign));

/// 生成合同预览令牌 — `POST /v2/contract/miniappexchange/view`: a ticket that opens a contract
/// for viewing.
///
/// ⚠ The doc page was not retrieved; fields follow the vendor Go SDK 3.1.1
/// (`ContractMiniappViewTicketRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractViewTicketRequest {
    #[serde(flatten)]
    view: ContractView,
}

impl ContractViewTicketRequest {
    /// A viewing ticket of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self::from(ContractView::new(contract))
    }

    /// A viewing ticket of the contract with this ID.
    pub fn by_id(id: crate::id::ContractId) -> Self {
        Self::new(id)
    }
}

impl From<ContractView> for ContractViewTicketRequest {
    /// A viewing ticket of the view's contract, with its options.
    fn from(view: ContractView) -> Self {
        Self { view }
    }
}

impl Check for ContractViewTicketRequest {}
endpoint!(ContractViewTicketRequest: POST "/v2/contract/miniappexchange/view", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::ContractView));

/// The prefill and mode options shared by the personal authentication tickets.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalAuthOptions {
    /// The authentication mode (default `DEFAULT`: all available).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<PersonalAuthMode>,
    /// The identity document type (default `IDCARD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paper_type: Option<PaperType>,
    /// Prefilled name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Prefilled ID number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_card_no: Option<String>,
    /// Prefilled bank card number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_no: Option<String>,
    /// Prefilled bank-reserved mobile number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_mobile: Option<String>,
    /// Where the platform posts the authentication result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Fallback modes (`IVS`, `FACE`, `ALIPAY`, `BANK`, `MANUAL`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_modes: Vec<PersonalAuthMode>,
    /// Prefilled fields the user may still edit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modify_fields: Vec<PersonalField>,
}

/// 生成个人认证令牌 — `POST /v2/personalauth/miniappexchange`: a ticket that opens personal
/// (real-name) authentication.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalAuthTicketRequest {
    user: User,
    #[serde(flatten)]
    options: PersonalAuthOptions,
}

impl PersonalAuthTicketRequest {
    /// An authentication ticket for `user` (contact type `MOBILE` or `EMAIL`).
    pub fn new(user: User) -> Self {
        Self {
            user,
            options: PersonalAuthOptions::default(),
        }
    }

    /// Sets the mode, prefill and callback options.
    #[must_use]
    pub fn with_options(mut self, options: PersonalAuthOptions) -> Self {
        self.options = options;
        self
    }
}

/// Auth pages take a `MOBILE` or `EMAIL` contact (契约锁 doc page 获取个人认证链接).
impl Check for PersonalAuthTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_contact_type_mobile_or_email(&self.user, "user")
    }
}
endpoint!(PersonalAuthTicketRequest: POST "/v2/personalauth/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::PersonalAuth));

string_enum! {
    /// A company field the applicant may edit on the authentication page (`modifyFields`).
    pub enum CompanyField {
        /// The company name.
        CorpName = "corpName",
        /// The registration number.
        RegisterNo = "registerNo",
        /// The legal representative.
        LegalPerson = "legalPerson",
        /// The business licence (licence variants only).
        License = "license",
    }
}

/// The company details and callback of the company authentication tickets
/// ([`CompanyAuthTicketRequest`], [`CompanyAuthLicenseTicketRequest`],
/// [`SaasCompanyAuthTicketRequest`]), set with their `with_options`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyTicketOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    register_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
}

impl CompanyTicketOptions {
    /// No details, no callback.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The unified social credit code.
        register_no: String;
        /// The legal representative's name.
        legal_person: String;
        /// Where the platform posts the authentication result.
        callback_url: String;
    }
}

/// 生成企业认证令牌 — `POST /companyauth/miniappexchange`: a ticket that opens company
/// authentication; the applicant becomes the company's system administrator on success.
///
/// Errors the platform documents: 1605 `COMPANY ALREADY AUTHED`.
///
/// Fields: 契约锁 doc page 生成企业认证令牌, which lists `registerNo`, `legalPerson`,
/// `closeButton` and `modifyFields` besides the vendor Go SDK's `companyName`, `applicant`
/// and `callbackUrl` (`CompanyAuthMiniappTicketRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAuthTicketRequest {
    company_name: String,
    applicant: User,
    #[serde(flatten)]
    options: CompanyTicketOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    close_button: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    modify_fields: Vec<CompanyField>,
}

impl CompanyAuthTicketRequest {
    /// A ticket to authenticate `company_name`, submitted by `applicant` (with name; contact
    /// type `MOBILE` or `EMAIL`).
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self {
            company_name: company_name.into(),
            applicant,
            options: CompanyTicketOptions::default(),
            close_button: None,
            modify_fields: Vec::new(),
        }
    }

    /// Sets the company details and the callback.
    #[must_use]
    pub fn with_options(mut self, options: CompanyTicketOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// Whether the page shows a close button (default true).
        close_button: bool;
    }

    list_setters! {
        /// The prefilled fields the applicant may edit.
        modify_fields: CompanyField;
    }
}

/// 契约锁 doc page 生成企业认证令牌: `companyName` and `applicant` 必填, the applicant's
/// `contactType` `MOBILE` or `EMAIL`.
impl Check for CompanyAuthTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        require_contact_type_mobile_or_email(&self.applicant, "applicant")
    }
}
endpoint!(CompanyAuthTicketRequest: POST "/companyauth/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::CompanyAuth));

/// 生成企业认证令牌(带营业执照) — `POST /companyauth/miniappexchangewithlicense` (multipart):
/// a company authentication ticket with the business licence image uploaded up front.
///
/// ⚠ The doc page was not retrieved; parts follow the vendor Go SDK 3.1.1
/// (`CompanyAuthLicenseMiniappTicketRequest`): text parts, `applicantInfo` as JSON text, and
/// the file part `license`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAuthLicenseTicketRequest<S> {
    company_name: String,
    applicant_info: User,
    #[serde(flatten)]
    options: CompanyTicketOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    close_button: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    modify_fields: Vec<CompanyField>,
    #[serde(skip)]
    license: UploadFile<S>,
}

impl<S> CompanyAuthLicenseTicketRequest<S> {
    /// A ticket to authenticate `company_name`, submitted by `applicant`, with its licence.
    pub fn new(company_name: impl Into<String>, applicant: User, license: UploadFile<S>) -> Self {
        Self {
            company_name: company_name.into(),
            applicant_info: applicant,
            options: CompanyTicketOptions::default(),
            close_button: None,
            modify_fields: Vec::new(),
            license,
        }
    }

    /// Sets the company details and the callback.
    #[must_use]
    pub fn with_options(mut self, options: CompanyTicketOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// Whether the page shows a close button (default true).
        close_button: bool;
    }

    list_setters! {
        /// The prefilled fields the applicant may edit (may include [`CompanyField::License`]).
        modify_fields: CompanyField;
    }
}

/// `companyName` and an applicant by mobile or e-mail (契约锁 doc pages 获取企业认证链接PC/H5).
impl<S> Check for CompanyAuthLicenseTicketRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        require_contact_type_mobile_or_email(&self.applicant_info, "applicantInfo")
    }
}
upload!(CompanyAuthLicenseTicketRequest: POST "/companyauth/miniappexchangewithlicense", license: "license", idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::CompanyAuth));

/// How the signer of a personal silent-sign authorization is authenticated
/// (`PersonalSignUserAuthInfo`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignAuthInfo {
    /// Authentication mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<PersonalAuthMode>,
    /// Identity document type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paper_type: Option<PaperType>,
    /// Prefilled name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Prefilled ID number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_card_no: Option<String>,
    /// Prefilled bank card number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_no: Option<String>,
    /// Prefilled bank-reserved mobile number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_mobile: Option<String>,
    /// Fallback modes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_modes: Vec<PersonalAuthMode>,
    /// Prefilled fields the user may edit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modify_fields: Vec<PersonalField>,
}

/// The authorization options shared by the silent-sign tickets.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignAuthOptions {
    /// Until when the authorization holds (`yyyy-MM-dd`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_deadline: Option<String>,
    /// A remark shown to the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Where the platform posts the authorization result (signed; see the callbacks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Page styling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_style: Option<PageStyle>,
    /// Whether the user may also allow automatic personal signing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_personal_auto: Option<bool>,
    /// Whether the user may change the authorization period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_time_modifiable: Option<bool>,
}

/// Who authorizes silent signing with a personal signature, and how: the body of
/// [`PersonalSignAuthTicketRequest`] and of
/// [`PersonalSignAuthUrlRequest`](crate::api::authorization::PersonalSignAuthUrlRequest)
/// (each is `From` it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignAuth {
    user: User,
    #[serde(flatten)]
    options: SignAuthOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_info: Option<PersonalSignAuthInfo>,
}

impl PersonalSignAuth {
    /// `user` authorizes silent signing for the integrating company.
    pub fn new(user: User) -> Self {
        Self {
            user,
            options: SignAuthOptions::default(),
            tenant_name: None,
            auth_method: None,
            auth_info: None,
        }
    }

    /// Sets the deadline, remark, callback and page options.
    #[must_use]
    pub fn with_options(mut self, options: SignAuthOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// The sub-company the authorization is for (default: the integrating company).
        tenant_name: String;
        /// How the user confirms the authorization (⚠ values undocumented; passed through).
        auth_method: String;
        /// How the user is authenticated first.
        auth_info: PersonalSignAuthInfo;
    }
}

/// The user's contact (用户: `contact` 必填).
impl Check for PersonalSignAuth {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.user.contact, "user.contact")
    }
}

/// 个人静默签授权令牌 — `POST /v2/personalsign/authurl/miniappexchange`: a ticket that opens
/// the page where a person authorizes the platform company to sign silently for them.
///
/// ⚠ The doc page was not retrieved; fields follow the vendor Go SDK 3.1.1
/// (`PersonalSignAuthTicketRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalSignAuthTicketRequest {
    #[serde(flatten)]
    auth: PersonalSignAuth,
}

impl PersonalSignAuthTicketRequest {
    /// An authorization ticket for `user`.
    pub fn new(user: User) -> Self {
        Self::from(PersonalSignAuth::new(user))
    }
}

impl From<PersonalSignAuth> for PersonalSignAuthTicketRequest {
    /// A ticket for the authorization, with its options.
    fn from(auth: PersonalSignAuth) -> Self {
        Self { auth }
    }
}

impl Check for PersonalSignAuthTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.auth.check()
    }
}
endpoint!(PersonalSignAuthTicketRequest: POST "/v2/personalsign/authurl/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::PersonalSignAuth));

/// 个人静默签授权令牌(saas) — `POST /saas/v2/personalsign/authurl/miniappexchange` (SaaS agent
/// signing): a ticket for a person to authorize a SaaS tenant company to sign silently.
///
/// ⚠ The doc page was not retrieved; fields follow the vendor Go SDK 3.1.1
/// (`SaaSPersonalSignAuthTicketRequest`).
///
/// The body is that of [`SaasPersonalSignAuthUrlRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct SaasPersonalSignAuthTicketRequest(SaasPersonalSignAuthUrlRequest);

impl SaasPersonalSignAuthTicketRequest {
    /// A ticket for `user` to authorize `company`.
    pub fn new(user: User, company: Company) -> Self {
        Self(SaasPersonalSignAuthUrlRequest::new(user, company))
    }

    /// Sets the deadline, remark, callback and page options.
    #[must_use]
    pub fn with_options(self, options: SignAuthOptions) -> Self {
        Self(self.0.with_options(options))
    }

    /// The tenant's app ID.
    #[must_use]
    pub fn app_id(self, value: impl Into<String>) -> Self {
        Self(self.0.app_id(value))
    }
}

impl Check for SaasPersonalSignAuthTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}
endpoint!(SaasPersonalSignAuthTicketRequest: POST "/saas/v2/personalsign/authurl/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::SaasPersonalSignAuth));

/// 印章自动签授权令牌(saas) — `POST /saas/v2/sealsign/authurl/miniappexchange` (SaaS agent
/// signing): a ticket for a seal administrator to authorize automatic sealing.
///
/// ⚠ MISSING upstream: neither a doc page nor an SDK class exists for this path (it is named on
/// the plugin integration page). The body is that of `/saas/v2/sealsign/authurl` from the Go
/// SDK without `returnUrl`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasSealSignAuthTicketRequest {
    seal_admin: User,
    company: Company,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_deadline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remark: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<String>,
}

impl SaasSealSignAuthTicketRequest {
    /// A ticket for `seal_admin` to authorize automatic sealing for `company`.
    pub fn new(seal_admin: User, company: Company) -> Self {
        Self {
            seal_admin,
            company,
            auth_deadline: None,
            remark: None,
            callback_url: None,
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
        /// The tenant's app ID.
        app_id: String;
    }
}

/// The seal administrator's contact (用户: `contact` 必填) and `company` by id or name (公司).
impl Check for SaasSealSignAuthTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.seal_admin.contact, "sealAdmin.contact")?;
        require_company(&self.company, "company")
    }
}
endpoint!(SaasSealSignAuthTicketRequest: POST "/saas/v2/sealsign/authurl/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::SaasSealSignAuth));

/// 企业认证令牌(saas) — `POST /saas/v2/companyauth/miniappexchange` (multipart, SaaS agent
/// signing): a company authentication ticket for a SaaS tenant, optionally with its licence.
///
/// ⚠ Not in the doc menu; parts follow the vendor Go SDK 3.1.1
/// (`SaaSCompanyAuthMiniappTicketRequest`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasCompanyAuthTicketRequest<S> {
    company_name: String,
    applicant_info: User,
    #[serde(flatten)]
    options: CompanyTicketOptions,
    #[serde(skip)]
    license: Option<UploadFile<S>>,
}

impl<S> SaasCompanyAuthTicketRequest<S> {
    /// A ticket to authenticate `company_name`, submitted by `applicant`.
    pub fn new(company_name: impl Into<String>, applicant: User) -> Self {
        Self {
            company_name: company_name.into(),
            applicant_info: applicant,
            options: CompanyTicketOptions::default(),
            license: None,
        }
    }

    /// Sets the company details and the callback.
    #[must_use]
    pub fn with_options(mut self, options: CompanyTicketOptions) -> Self {
        self.options = options;
        self
    }

    /// Uploads the business licence with the request.
    #[must_use]
    pub fn license(mut self, license: UploadFile<S>) -> Self {
        self.license = Some(license);
        self
    }
}

/// `companyName` and an applicant by mobile or e-mail (契约锁 doc pages 获取企业认证链接PC/H5).
impl<S> Check for SaasCompanyAuthTicketRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        require_contact_type_mobile_or_email(&self.applicant_info, "applicantInfo")
    }
}
upload!(SaasCompanyAuthTicketRequest: POST "/saas/v2/companyauth/miniappexchange", #[each] license: "license", idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::CompanyAuth));

/// 个人认证令牌(saas) — `POST /saas/v2/personalauth/miniappexchange` (SaaS agent signing).
///
/// ⚠ Not in the doc menu; fields follow the vendor Go SDK 3.1.1
/// (`SaaSUserAuthMiniappTicketRequest`): those of [`PersonalAuthTicketRequest`] plus
/// `manualSwitch`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPersonalAuthTicketRequest {
    user: User,
    #[serde(flatten)]
    options: PersonalAuthOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    manual_switch: Option<bool>,
}

impl SaasPersonalAuthTicketRequest {
    /// An authentication ticket for `user` (contact type `MOBILE` or `EMAIL`).
    pub fn new(user: User) -> Self {
        Self {
            user,
            options: PersonalAuthOptions::default(),
            manual_switch: None,
        }
    }

    /// Sets the mode, prefill and callback options.
    #[must_use]
    pub fn with_options(mut self, options: PersonalAuthOptions) -> Self {
        self.options = options;
        self
    }

    setters! {
        /// Whether manual review is offered.
        manual_switch: bool;
    }
}

/// Auth pages take a `MOBILE` or `EMAIL` contact (契约锁 doc page 获取个人认证链接).
impl Check for SaasPersonalAuthTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_contact_type_mobile_or_email(&self.user, "user")
    }
}
endpoint!(SaasPersonalAuthTicketRequest: POST "/saas/v2/personalauth/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::PersonalAuth));

/// 企业授权令牌(saas) — `POST /saas/v2/privilege/miniappexchange` (SaaS agent signing): a ticket
/// for a tenant's administrator to grant the agent's app privileges.
///
/// ⚠ Not in the doc menu; fields follow the vendor Go SDK 3.1.1
/// (`SaaSPrivilegeMiniappTicketRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaasPrivilegeTicketRequest {
    #[serde(flatten)]
    grant: PrivilegeGrant,
}

impl SaasPrivilegeTicketRequest {
    /// A ticket for `user` of tenant `company_id` to grant app `app_id` its privileges.
    pub fn new(app_id: impl Into<String>, company_id: impl Into<CompanyId>, user: User) -> Self {
        Self::from(PrivilegeGrant::new(app_id, company_id, user))
    }
}

impl From<PrivilegeGrant> for SaasPrivilegeTicketRequest {
    /// A ticket for the grant, with its options.
    fn from(grant: PrivilegeGrant) -> Self {
        Self { grant }
    }
}

impl Check for SaasPrivilegeTicketRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.grant.check()
    }
}
endpoint!(SaasPrivilegeTicketRequest: POST "/saas/v2/privilege/miniappexchange", json, idempotent = false => TicketResult as Ticket = Ticket::new(PluginPage::SaasPrivilege));
