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
//! [`catalogue`] lists every endpoint type with its method and path, read from the trait
//! constants; `ENDPOINTS.md` at the repository root is checked against it.

use http::Method;

pub mod app;
pub mod attachment;
pub mod auth;
pub mod authorization;
pub mod catalogue;
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

/// How an endpoint travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON body.
    Json,
    /// A query string (or nothing).
    Query,
    /// A `multipart/form-data` body with files.
    Multipart,
    /// A download.
    Download,
}

/// One endpoint as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The Rust type (without module path or generics).
    pub type_name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path.
    pub path: &'static str,
    /// How it travels.
    pub shape: Shape,
}

fn short_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let no_generics = full.split('<').next().unwrap_or(full);
    no_generics.rsplit("::").next().unwrap_or(no_generics)
}

fn call<E: crate::endpoint::Endpoint>(shape: Shape) -> EndpointInfo {
    EndpointInfo {
        type_name: short_name::<E>(),
        method: E::METHOD,
        path: E::PATH,
        shape,
    }
}

fn download<E: crate::endpoint::Download>() -> EndpointInfo {
    EndpointInfo {
        type_name: short_name::<E>(),
        method: E::METHOD,
        path: E::PATH,
        shape: Shape::Download,
    }
}

/// Every endpoint type of qys.
pub fn catalogue() -> Vec<EndpointInfo> {
    use miniapp::*;
    vec![
        call::<ContractSignTicketRequest>(Shape::Json),
        call::<ContractViewTicketRequest>(Shape::Json),
        call::<PersonalAuthTicketRequest>(Shape::Json),
        call::<CompanyAuthTicketRequest>(Shape::Json),
        call::<CompanyAuthLicenseTicketRequest<()>>(Shape::Multipart),
        call::<PersonalSignAuthTicketRequest>(Shape::Json),
        call::<SaasPersonalSignAuthTicketRequest>(Shape::Json),
        call::<SaasSealSignAuthTicketRequest>(Shape::Json),
        call::<SaasCompanyAuthTicketRequest<()>>(Shape::Multipart),
        call::<SaasPersonalAuthTicketRequest>(Shape::Json),
        call::<SaasPrivilegeTicketRequest>(Shape::Json),
        // 组织架构 (company)
        call::<company::SubCompanyListRequest>(Shape::Query),
        call::<company::SubCompanyInviteRequest>(Shape::Json),
        call::<company::SubCompanyRemoveRequest>(Shape::Query),
        call::<company::PlatformInfoRequest>(Shape::Query),
        call::<company::CompanyDetailRequest>(Shape::Query),
        call::<company::CompanyChangeInfoRequest>(Shape::Json),
        call::<company::CompanyFeeInfoRequest>(Shape::Query),
        // 组织架构 (employees)
        call::<employee::EmployeeListRequest>(Shape::Query),
        call::<employee::EmployeeCreateRequest>(Shape::Json),
        call::<employee::EmployeeUpdateRequest>(Shape::Json),
        call::<employee::EmployeeDetailRequest>(Shape::Json),
        call::<employee::RoleManageRequest>(Shape::Json),
        call::<employee::EmployeeRemoveRequest>(Shape::Json),
        // 印章管理
        call::<seal::SealListRequest>(Shape::Query),
        download::<seal::SealImageRequest>(),
        call::<seal::SealAutoCreateRequest>(Shape::Json),
        call::<seal::SealDetailRequest>(Shape::Query),
        call::<seal::SealEditRequest>(Shape::Json),
        call::<seal::SealCreateByImageRequest>(Shape::Json),
        call::<seal::SealStatusRequest>(Shape::Json),
        call::<seal::SealRemoveRequest>(Shape::Query),
        // 模板管理
        call::<template::TemplateListRequest>(Shape::Query),
        call::<template::TemplateDetailRequest>(Shape::Query),
        call::<template::TemplatePageUrlRequest>(Shape::Query),
        call::<template::TemplateCreateByWordRequest<()>>(Shape::Multipart),
        call::<template::TemplateEditRequest>(Shape::Json),
        call::<template::TemplateStatusRequest>(Shape::Json),
        download::<template::TemplateDownloadRequest>(),
        call::<template::TemplateRemoveRequest>(Shape::Query),
        // 业务分类
        call::<category::CategoryListRequest>(Shape::Query),
        call::<category::CategoryDetailRequest>(Shape::Query),
        // 个人认证 / 企业认证
        call::<auth::PersonalAuthPageRequest>(Shape::Json),
        call::<auth::PersonalAuthResultRequest>(Shape::Query),
        call::<auth::CompanyAuthPcPageRequest>(Shape::Json),
        call::<auth::CompanyAuthH5PageRequest>(Shape::Json),
        call::<auth::CompanyAuthLicensePcPageRequest<()>>(Shape::Multipart),
        call::<auth::CompanyAuthLicenseH5PageRequest<()>>(Shape::Multipart),
        call::<auth::CompanyAuthResultRequest>(Shape::Query),
        // 外部客户
        call::<customer::CustomerAddRequest>(Shape::Json),
        // 授权管理
        call::<authorization::SsoPrivilegeUrlRequest>(Shape::Json),
        call::<authorization::PersonalSignAuthUrlRequest>(Shape::Json),
        call::<authorization::PersonalSignDeauthorizeRequest>(Shape::Json),
        call::<authorization::PersonalSignQueryRequest>(Shape::Json),
        // 辅助工具 / 信息校验 / 区块链存证
        call::<tools::FileVerifyRequest<()>>(Shape::Multipart),
        call::<tools::IdentityVerifyRequest>(Shape::Json),
        call::<tools::CompanyInfoVerifyRequest>(Shape::Json),
        call::<tools::IdCardOcrRequest<()>>(Shape::Multipart),
        call::<tools::BankCardOcrRequest<()>>(Shape::Multipart),
        call::<tools::ElectronicProveApplyRequest>(Shape::Multipart),
        call::<tools::CompleteReportApplyRequest<()>>(Shape::Multipart),
        call::<tools::CompleteReportStatusRequest>(Shape::Query),
        download::<tools::CompleteReportDownloadRequest>(),
        call::<tools::ChainNotaryRequest<()>>(Shape::Multipart),
        // 应用设置
        call::<app::AppInfoRequest>(Shape::Query),
        call::<app::AppCallbackUpdateRequest>(Shape::Json),
        // SaaS
        call::<saas::SaasApplyAppRequest>(Shape::Json),
        call::<saas::SaasResetTokenRequest>(Shape::Json),
        call::<saas::SaasCompanyDetailRequest>(Shape::Query),
        call::<saas::SaasCompanyAuthUrlRequest>(Shape::Json),
        call::<saas::SaasCompanyAuthPageUrlRequest<()>>(Shape::Multipart),
        call::<saas::SaasCompanyAuthResultRequest>(Shape::Query),
        call::<saas::SaasPersonalAuthPageRequest>(Shape::Json),
        call::<saas::SaasPersonalAuthResultRequest>(Shape::Query),
        call::<saas::SaasPersonalSignAuthUrlRequest>(Shape::Json),
        call::<saas::SaasPersonalSignDeauthorizeRequest>(Shape::Json),
        call::<saas::SaasSealSignAuthUrlRequest>(Shape::Json),
        call::<saas::SaasPrivilegeUrlRequest>(Shape::Json),
        call::<saas::SaasPrivilegeQueryRequest>(Shape::Query),
        call::<saas::SaasAppAccessControlRequest>(Shape::Json),
        call::<saas::SaasCompanyAccessControlRequest>(Shape::Json),
        call::<saas::SaasPersonalAccessControlRequest>(Shape::Json),
        call::<saas::SaasBindingRequest>(Shape::Query),
        call::<saas::SaasCheckHealthRequest>(Shape::Query),
        call::<saas::SaasPlatformFeeRequest>(Shape::Query),
        call::<saas::SaasFeeInfoRequest>(Shape::Query),
        call::<saas::SaasFeeInitRequest>(Shape::Json),
        call::<saas::SaasFeeUpdateRequest>(Shape::Json),
        // JS SDK
        call::<uniform::UniformApiRequest<()>>(Shape::Multipart),
        download::<uniform::UniformApiDownloadRequest>(),
        // 合同管理
        call::<contract::ContractDraftRequest>(Shape::Json),
        call::<document::DocumentAddByFileRequest<()>>(Shape::Multipart),
        call::<document::DocumentAddByFilesRequest<()>>(Shape::Multipart),
        call::<document::DocumentAddByTemplateRequest>(Shape::Json),
        call::<contract::ContractSendRequest>(Shape::Json),
        call::<contract::ContractCopySendRequest>(Shape::Json),
        call::<signatory::SignatoryEditRequest>(Shape::Json),
        call::<signatory::SignatoryEditV2Request>(Shape::Json),
        call::<signatory::SignatoryOperatorsEditRequest>(Shape::Json),
        call::<signatory::SignatoryAddRequest>(Shape::Json),
        call::<signatory::SignatoryIdentityRequest>(Shape::Query),
        call::<contract::ContractViewUrlRequest>(Shape::Query),
        call::<contract::ContractDetailRequest>(Shape::Query),
        call::<contract::ContractListRequest>(Shape::Query),
        download::<contract::ContractDownloadRequest>(),
        download::<document::DocumentDownloadRequest>(),
        download::<attachment::AttachmentDownloadRequest>(),
        call::<contract::ContractForceEndRequest>(Shape::Json),
        call::<contract::ContractForceEndAttachmentRequest<()>>(Shape::Multipart),
        call::<contract::ContractWatermarkRequest>(Shape::Json),
        call::<contract::ContractDelayRequest>(Shape::Json),
        call::<contract::ContractStreamRequest>(Shape::Query),
        call::<contract::ContractDownloadUrlRequest>(Shape::Query),
        call::<contract::ContractResendRequest>(Shape::Json),
        call::<contract::ContractModifyRequest>(Shape::Json),
        call::<contract::ContractRequiredDetailRequest>(Shape::Json),
        call::<contract::ContractJoinUrlRequest>(Shape::Query),
        call::<contract::ContractPersonalJoinUrlRequest>(Shape::Query),
        call::<contract::CheckHealthRequest>(Shape::Query),
        // 签署服务
        call::<signing::CompanySignRequest>(Shape::Json),
        call::<signing::LegalPersonSignRequest>(Shape::Json),
        call::<signing::ContractAuditRequest>(Shape::Json),
        call::<signing::ContractNoticeRequest>(Shape::Json),
        call::<signing::ContractPageUrlRequest>(Shape::Json),
        call::<signing::ContractAppointUrlRequest>(Shape::Json),
        call::<contract::ContractShortUrlRequest>(Shape::Query),
        call::<signing::ContractInvalidRequest>(Shape::Json),
        call::<signing::ContractInvalidByFileRequest<()>>(Shape::Multipart),
        call::<signing::ContractInvalidByTemplateRequest>(Shape::Json),
        call::<signing::ContractInvalidSignRequest>(Shape::Json),
        call::<signing::PersonalSignRequest>(Shape::Json),
    ]
}
