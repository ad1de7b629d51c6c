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
//! Required fields go in a request's `new`, optional ones in chained setters. Where several
//! endpoints send the same body, or the same part of one, that part is a struct of its own
//! carrying the setters, and each request is built `From` it (`new` stays the shortcut for the
//! defaults): [`signing::SignParam`], [`contract::ContractView`], [`miniapp::PersonalSignAuth`],
//! [`saas::PrivilegeGrant`], [`saas::TenantFees`], [`auth::CompanyAuthPage`] (and
//! [`auth::CompanyAuthLicensePage`] with `from_page`). Optional parts shared by requests whose
//! required fields differ are set with `with_options` ([`miniapp::CompanyTicketOptions`]).
//!
//! [`catalogue()`] lists every endpoint type with its method, path and shape, read from the
//! [`Route`](crate::endpoint::Route) constants (see [`catalogue::RouteInfo`]); `ENDPOINTS.md` at the repository root is checked against it.

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

pub use crate::endpoint::Shape;

pub use self::catalogue::catalogue;
