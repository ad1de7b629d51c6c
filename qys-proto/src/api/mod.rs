//! Every endpoint of the Open Platform, one file per menu group of the vendor's documentation.
//!
//! | module | menu |
//! | --- | --- |
//! | [`contract`] | 合同管理 (drafts, sending, detail, list, downloads, life cycle) |
//! | [`document`] | 合同管理 (adding documents from files or templates, document download) |
//! | [`signatory`] | 合同管理 (adding and changing signatories and operators) |
//! | [`attachment`] | 合同管理 (attachment download) |
//! | [`signing`] | 签署服务 (signing, signing pages, reminders, recall and invalidation) |
//! | [`miniapp`] | 小程序插件 (WeChat mini-program plugin tickets) |
//! | [`company`] | 组织架构 (sub-companies, company details, change page, fees) |
//! | [`employee`] | 组织架构 (employees and their roles) |
//! | [`seal`] | 印章管理 (seals and seal images) |
//! | [`template`] | 模板管理 (templates, Word templates, template download) |
//! | [`category`] | 业务分类 (business categories) |
//! | [`auth`] | 个人认证 / 企业认证 (authentication pages and results) |
//! | [`customer`] | 外部客户 (external customers) |
//! | [`authorization`] | 授权管理 (SSO privileges, personal silent-signing authorization) |
//! | [`tools`] | 辅助工具 / 信息校验 (verification, identity checks, OCR, chain evidence) |
//! | [`app`] | 应用设置 (app callback settings) |
//! | [`saas`] | SaaS agent calls (`/saas/v2/...`) |
//! | [`uniform`] | JS SDK forwarding (`/uniformapi`) |
//! | [`org_types`] | types shared by the groups above (pages, links, roles) |
//!
//! [`catalogue`] lists every endpoint type with its method and path, read from the
//! [`Route`] constants; `ENDPOINTS.md` at the repository root is checked against it.

use http::Method;

use crate::endpoint::Route;

pub mod app;
pub mod attachment;
pub mod catalogue;
pub mod auth;
pub mod authorization;
pub mod category;
pub mod company;
pub mod contract;
pub mod customer;
pub mod document;
pub mod employee;
pub mod miniapp;
pub mod org_types;
pub mod saas;
pub mod seal;
pub mod signatory;
pub mod signing;
pub mod template;
pub mod tools;
pub mod uniform;

pub use crate::endpoint::Shape;

/// One endpoint as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The Rust type (without module path or generics).
    pub type_name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path.
    pub path: &'static str,
    /// How it travels, read from the type ([`Route::SHAPE`]).
    pub shape: Shape,
}

fn short_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let no_generics = full.split('<').next().unwrap_or(full);
    no_generics.rsplit("::").next().unwrap_or(no_generics)
}

fn entry<E: Route>() -> EndpointInfo {
    EndpointInfo {
        type_name: short_name::<E>(),
        method: E::METHOD,
        path: E::PATH,
        shape: E::SHAPE,
    }
}

/// Every endpoint type of qys.
pub fn catalogue() -> Vec<EndpointInfo> {
    use miniapp::*;
    vec![
        entry::<ContractSignTicketRequest>(),
        entry::<ContractViewTicketRequest>(),
        entry::<PersonalAuthTicketRequest>(),
        entry::<CompanyAuthTicketRequest>(),
        entry::<CompanyAuthLicenseTicketRequest<()>>(),
        entry::<PersonalSignAuthTicketRequest>(),
        entry::<SaasPersonalSignAuthTicketRequest>(),
        entry::<SaasSealSignAuthTicketRequest>(),
        entry::<SaasCompanyAuthTicketRequest<()>>(),
        entry::<SaasPersonalAuthTicketRequest>(),
        entry::<SaasPrivilegeTicketRequest>(),
        // 组织架构 (company)
        entry::<company::SubCompanyListRequest>(),
        entry::<company::SubCompanyInviteRequest>(),
        entry::<company::SubCompanyRemoveRequest>(),
        entry::<company::PlatformInfoRequest>(),
        entry::<company::CompanyDetailRequest>(),
        entry::<company::CompanyChangeInfoRequest>(),
        entry::<company::CompanyFeeInfoRequest>(),
        // 组织架构 (employees)
        entry::<employee::EmployeeListRequest>(),
        entry::<employee::EmployeeCreateRequest>(),
        entry::<employee::EmployeeUpdateRequest>(),
        entry::<employee::EmployeeDetailRequest>(),
        entry::<employee::RoleManageRequest>(),
        entry::<employee::EmployeeRemoveRequest>(),
        // 印章管理
        entry::<seal::SealListRequest>(),
        entry::<seal::SealImageRequest>(),
        entry::<seal::SealAutoCreateRequest>(),
        entry::<seal::SealDetailRequest>(),
        entry::<seal::SealEditRequest>(),
        entry::<seal::SealCreateByImageRequest>(),
        entry::<seal::SealStatusRequest>(),
        entry::<seal::SealRemoveRequest>(),
        // 模板管理
        entry::<template::TemplateListRequest>(),
        entry::<template::TemplateDetailRequest>(),
        entry::<template::TemplatePageUrlRequest>(),
        entry::<template::TemplateCreateByWordRequest<()>>(),
        entry::<template::TemplateEditRequest>(),
        entry::<template::TemplateStatusRequest>(),
        entry::<template::TemplateDownloadRequest>(),
        entry::<template::TemplateRemoveRequest>(),
        // 业务分类
        entry::<category::CategoryListRequest>(),
        entry::<category::CategoryDetailRequest>(),
        // 个人认证 / 企业认证
        entry::<auth::PersonalAuthPageRequest>(),
        entry::<auth::PersonalAuthResultRequest>(),
        entry::<auth::CompanyAuthPcPageRequest>(),
        entry::<auth::CompanyAuthH5PageRequest>(),
        entry::<auth::CompanyAuthLicensePcPageRequest<()>>(),
        entry::<auth::CompanyAuthLicenseH5PageRequest<()>>(),
        entry::<auth::CompanyAuthResultRequest>(),
        // 外部客户
        entry::<customer::CustomerAddRequest>(),
        // 授权管理
        entry::<authorization::SsoPrivilegeUrlRequest>(),
        entry::<authorization::PersonalSignAuthUrlRequest>(),
        entry::<authorization::PersonalSignDeauthorizeRequest>(),
        entry::<authorization::PersonalSignQueryRequest>(),
        // 辅助工具 / 信息校验 / 区块链存证
        entry::<tools::FileVerifyRequest<()>>(),
        entry::<tools::IdentityVerifyRequest>(),
        entry::<tools::CompanyInfoVerifyRequest>(),
        entry::<tools::IdCardOcrRequest<()>>(),
        entry::<tools::BankCardOcrRequest<()>>(),
        entry::<tools::ElectronicProveApplyRequest>(),
        entry::<tools::CompleteReportApplyRequest<()>>(),
        entry::<tools::CompleteReportStatusRequest>(),
        entry::<tools::CompleteReportDownloadRequest>(),
        entry::<tools::ChainNotaryRequest<()>>(),
        // 应用设置
        entry::<app::AppInfoRequest>(),
        entry::<app::AppCallbackUpdateRequest>(),
        // SaaS
        entry::<saas::SaasApplyAppRequest>(),
        entry::<saas::SaasResetTokenRequest>(),
        entry::<saas::SaasCompanyDetailRequest>(),
        entry::<saas::SaasCompanyAuthUrlRequest>(),
        entry::<saas::SaasCompanyAuthPageUrlRequest<()>>(),
        entry::<saas::SaasCompanyAuthResultRequest>(),
        entry::<saas::SaasPersonalAuthPageRequest>(),
        entry::<saas::SaasPersonalAuthResultRequest>(),
        entry::<saas::SaasPersonalSignAuthUrlRequest>(),
        entry::<saas::SaasPersonalSignDeauthorizeRequest>(),
        entry::<saas::SaasSealSignAuthUrlRequest>(),
        entry::<saas::SaasPrivilegeUrlRequest>(),
        entry::<saas::SaasPrivilegeQueryRequest>(),
        entry::<saas::SaasAppAccessControlRequest>(),
        entry::<saas::SaasCompanyAccessControlRequest>(),
        entry::<saas::SaasPersonalAccessControlRequest>(),
        entry::<saas::SaasBindingRequest>(),
        entry::<saas::SaasCheckHealthRequest>(),
        entry::<saas::SaasPlatformFeeRequest>(),
        entry::<saas::SaasFeeInfoRequest>(),
        entry::<saas::SaasFeeInitRequest>(),
        entry::<saas::SaasFeeUpdateRequest>(),
        // JS SDK
        entry::<uniform::UniformApiRequest<()>>(),
        entry::<uniform::UniformApiDownloadRequest>(),
        // 合同管理
        entry::<contract::ContractDraftRequest>(),
        entry::<document::DocumentAddByFileRequest<()>>(),
        entry::<document::DocumentAddByFilesRequest<()>>(),
        entry::<document::DocumentAddByTemplateRequest>(),
        entry::<contract::ContractSendRequest>(),
        entry::<contract::ContractCopySendRequest>(),
        entry::<signatory::SignatoryEditRequest>(),
        entry::<signatory::SignatoryEditV2Request>(),
        entry::<signatory::SignatoryOperatorsEditRequest>(),
        entry::<signatory::SignatoryAddRequest>(),
        entry::<signatory::SignatoryIdentityRequest>(),
        entry::<contract::ContractViewUrlRequest>(),
        entry::<contract::ContractDetailRequest>(),
        entry::<contract::ContractListRequest>(),
        entry::<contract::ContractDownloadRequest>(),
        entry::<document::DocumentDownloadRequest>(),
        entry::<attachment::AttachmentDownloadRequest>(),
        entry::<contract::ContractForceEndRequest>(),
        entry::<contract::ContractForceEndAttachmentRequest<()>>(),
        entry::<contract::ContractWatermarkRequest>(),
        entry::<contract::ContractDelayRequest>(),
        entry::<contract::ContractStreamRequest>(),
        entry::<contract::ContractDownloadUrlRequest>(),
        entry::<contract::ContractResendRequest>(),
        entry::<contract::ContractModifyRequest>(),
        entry::<contract::ContractRequiredDetailRequest>(),
        entry::<contract::ContractJoinUrlRequest>(),
        entry::<contract::ContractPersonalJoinUrlRequest>(),
        entry::<contract::CheckHealthRequest>(),
        // 签署服务
        entry::<signing::CompanySignRequest>(),
        entry::<signing::LegalPersonSignRequest>(),
        entry::<signing::ContractAuditRequest>(),
        entry::<signing::ContractNoticeRequest>(),
        entry::<signing::ContractPageUrlRequest>(),
        entry::<signing::ContractAppointUrlRequest>(),
        entry::<contract::ContractShortUrlRequest>(),
        entry::<signing::ContractInvalidRequest>(),
        entry::<signing::ContractInvalidByFileRequest<()>>(),
        entry::<signing::ContractInvalidByTemplateRequest>(),
        entry::<signing::ContractInvalidSignRequest>(),
        entry::<signing::PersonalSignRequest>(),
    ]
}
