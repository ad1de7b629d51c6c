//! 组织架构 (company part): sub-companies, the integrating company's own details, company
//! details by name, the company-information change page and the fee balance.
//!
//! ⚠ None of these doc pages was retrieved; fields follow the vendor Go SDK 3.1.1 and the
//! documentation digest, and answers are read permissively ([`CompanyInfo`] keeps unknown
//! fields in `extra`).

use serde::{Deserialize, Serialize};

use crate::answer;
use crate::api::org_types::{
    CompanyStatus, Link, Page, invalid, is_set, non_blank_if_set, require_mobile_or_email,
    require_non_empty,
};
use crate::endpoint::{Check, endpoint, setters};
use crate::error::BuildError;
use crate::id::CompanyId;
use crate::types::{Ack, User};

/// A company as the organization calls describe it (`{id, name, registerNo, status, ...}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CompanyInfo {
    /// The company ID.
    pub id: Option<CompanyId>,
    /// The full name.
    pub name: Option<String>,
    /// The unified social credit code.
    pub register_no: Option<String>,
    /// Registration state.
    pub status: Option<CompanyStatus>,
    /// The legal representative (company detail).
    pub legal_person: Option<String>,
    /// Until when the authentication holds (company detail).
    pub auth_end_time: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 组织架构-子公司列表 — `GET /v2/company/list`: the sub-companies of the integrating company.
///
/// ⚠ The answer's shape is not documented: a bare list and `{totalCount, list}` are both read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SubCompanyListRequest {}

impl SubCompanyListRequest {
    /// The request.
    pub fn new() -> Self {
        Self {}
    }
}

impl Check for SubCompanyListRequest {}
endpoint!(SubCompanyListRequest: GET "/v2/company/list", empty, idempotent = true => Page<CompanyInfo>);

/// 组织架构-发送子公司邀请 — `POST /v2/subcompany/invite`: invites an authenticated company to
/// become a sub-company.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubCompanyInviteRequest {
    company_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    biz_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
}

impl SubCompanyInviteRequest {
    /// Invites `company_name` (a company already authenticated on 契约锁).
    pub fn new(company_name: impl Into<String>) -> Self {
        Self {
            company_name: company_name.into(),
            register_no: None,
            biz_id: None,
            callback_url: None,
        }
    }

    setters! {
        /// The unified social credit code.
        register_no: String;
        /// The integrator's ID of the invitation.
        biz_id: String;
        /// Where the platform posts the answer to the invitation.
        callback_url: String;
    }
}

/// 契约锁 doc page 发送子公司邀请: the invited `companyName` (an authenticated company).
impl Check for SubCompanyInviteRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")
    }
}
endpoint!(SubCompanyInviteRequest: POST "/v2/subcompany/invite", json, idempotent = false => Ack);

/// 组织架构-移除子公司 — `GET /v2/subcompany/remove`: removes a sub-company.
///
/// A GET that changes state: qys marks it not idempotent so it is never retried blindly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubCompanyRemoveRequest {
    company_name: String,
}

impl SubCompanyRemoveRequest {
    /// Removes the sub-company `company_name`.
    pub fn new(company_name: impl Into<String>) -> Self {
        Self {
            company_name: company_name.into(),
        }
    }
}

/// 移除子公司: the sub-company to remove, by `companyName` (the call's one parameter in the vendor
/// Go SDK and the skill notes).
impl Check for SubCompanyRemoveRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")
    }
}
endpoint!(SubCompanyRemoveRequest: GET "/v2/subcompany/remove", query, idempotent = false => Ack);

/// 组织架构-对接方信息 — `GET /company/platforminfo`: the integrating company itself
/// (`id`, `name`, `registerNo`, `status`); a good first call to check the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PlatformInfoRequest {}

impl PlatformInfoRequest {
    /// The request.
    pub fn new() -> Self {
        Self {}
    }
}

impl Check for PlatformInfoRequest {}
endpoint!(PlatformInfoRequest: GET "/company/platforminfo", empty, idempotent = true => CompanyInfo);

/// 组织架构-公司详情 — `GET /v2/company/detail`: a company's registration state by name or
/// credit code (`status`, `id`, `name`, `registerNo`, `legalPerson`, `authEndTime`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyDetailRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_no: Option<String>,
}

impl CompanyDetailRequest {
    /// The company called `company_name`.
    pub fn by_name(company_name: impl Into<String>) -> Self {
        Self {
            company_name: Some(company_name.into()),
            register_no: None,
        }
    }

    /// The company with this unified social credit code.
    pub fn by_register_no(register_no: impl Into<String>) -> Self {
        Self {
            company_name: None,
            register_no: Some(register_no.into()),
        }
    }

    setters! {
        /// Adds the credit code to a lookup by name.
        register_no: String;
    }
}

/// 契约锁 doc page 公司详情: `companyName` required without `registerNo`, and the reverse.
impl Check for CompanyDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        if !is_set(self.company_name.as_deref()) && !is_set(self.register_no.as_deref()) {
            return Err(invalid("companyName or registerNo is required"));
        }
        Ok(())
    }
}
endpoint!(CompanyDetailRequest: GET "/v2/company/detail", query, idempotent = true => CompanyInfo);

/// 组织架构-获取企业信息变更链接 — `POST /v2/company/changeinfo`: a page where an applicant
/// changes the company's registered information.
///
/// ⚠ The answer's field is not documented; [`Link`] reads `pageUrl`, `url` and the like.
/// `companyId` is sent as a string (the Go SDK types it as a float, which loses digits).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyChangeInfoRequest {
    applicant: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<CompanyId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h5: Option<bool>,
}

impl CompanyChangeInfoRequest {
    /// A change page for `applicant` (contact type `MOBILE` or `EMAIL`); name the company with
    /// [`company_name`](Self::company_name), [`company_id`](Self::company_id) or
    /// [`register_no`](Self::register_no).
    pub fn new(applicant: User) -> Self {
        Self {
            applicant,
            company_name: None,
            company_id: None,
            register_no: None,
            h5: None,
        }
    }

    setters! {
        /// The company's full name.
        company_name: String;
        /// The company ID.
        company_id: CompanyId;
        /// The unified social credit code.
        register_no: String;
        /// The mobile (H5) page instead of the PC page (default false).
        h5: bool;
    }
}

/// 契约锁 doc page 获取企业信息变更链接: at least one of `companyName`, `companyId`,
/// `registerNo`; the applicant by mobile or e-mail (auth links take only those).
impl Check for CompanyChangeInfoRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_mobile_or_email(&self.applicant, "applicant")?;
        let has_id = self
            .company_id
            .as_ref()
            .is_some_and(|id| !id.as_str().trim().is_empty());
        if !has_id && !is_set(self.company_name.as_deref()) && !is_set(self.register_no.as_deref())
        {
            return Err(invalid(
                "one of companyName, companyId or registerNo is required",
            ));
        }
        Ok(())
    }
}
endpoint!(CompanyChangeInfoRequest: POST "/v2/company/changeinfo", json, idempotent = false => Link);

/// The `result` of [`CompanyFeeInfoRequest`] (⚠ undocumented: every field is kept).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FeeInfo {
    /// The balance, when the answer names it `balance` (a string or a number on the wire).
    #[serde(deserialize_with = "answer::opt_f64")]
    pub balance: Option<f64>,
    /// Every other field, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 组织架构-计费信息 (not in the doc menu) — `GET /v2/company/fee/info`: a company's fee
/// balance.
///
/// ⚠ Only in the Go SDK 3.1.1 (`CompanyFeeQueryRequest`); the answer is undocumented.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyFeeInfoRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
}

impl CompanyFeeInfoRequest {
    /// The integrating company's balance.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// A sub-company's balance instead.
        company_name: String;
    }
}

impl Check for CompanyFeeInfoRequest {
    fn check(&self) -> Result<(), BuildError> {
        non_blank_if_set(self.company_name.as_deref(), "companyName")
    }
}
endpoint!(CompanyFeeInfoRequest: GET "/v2/company/fee/info", query, idempotent = true => FeeInfo);
