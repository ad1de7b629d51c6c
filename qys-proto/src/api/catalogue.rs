//! The endpoint catalogue: every typed endpoint with its method, path, shape, type, and a way
//! to pass a `result` through its typed answer ([`RouteInfo::reencode`]).
//!
//! It is built from the endpoint types themselves (their trait constants and result types),
//! so a table printed from it cannot drift from the code. `qys api --typed` uses it to decode
//! any known path through its type; the property tests use it to check that every result type
//! gives back every field it read.

use std::sync::LazyLock;

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::endpoint::{Download, Endpoint};
use crate::error::{DecodeError, Error};

/// One typed endpoint.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// The HTTP method.
    pub method: Method,
    /// The path.
    pub path: &'static str,
    /// How it travels.
    pub shape: Shape,
    /// Whether sending it twice has the effect of sending it once.
    pub idempotent: bool,
    /// The request type, without module path or generics (`ContractDraftRequest`).
    pub type_name: &'static str,
    /// The type its `result` decodes into, without module paths (`Page<Employee>`); `None`
    /// for downloads.
    pub result_type: Option<&'static str>,
    /// Decodes a `result` through the endpoint's result type and encodes it back: what qys
    /// understood of it, with every field it did not know kept. `None` for downloads.
    pub reencode: Option<Reencode>,
}

/// See [`RouteInfo::reencode`].
///
/// # Errors
/// [`Error::Decode`] when the value does not fit the result type (its path says where).
pub type Reencode = fn(serde_json::Value) -> Result<serde_json::Value, Error>;

/// Every typed endpoint of qys, in the order of the vendor's documentation menu.
pub fn catalogue() -> &'static [RouteInfo] {
    static CATALOGUE: LazyLock<Vec<RouteInfo>> = LazyLock::new(build);
    &CATALOGUE
}

/// The entry of the endpoint at `method` and `path`, if qys has a type for it.
pub fn find(method: &Method, path: &str) -> Option<&'static RouteInfo> {
    catalogue()
        .iter()
        .find(|r| r.method == *method && r.path == path)
}

/// `T`'s name with every module path removed (`Page<Employee>`).
fn short_type_name<T: ?Sized>() -> &'static str {
    static NAMES: LazyLock<std::sync::Mutex<Vec<(&'static str, &'static str)>>> =
        LazyLock::new(Default::default);
    let full = std::any::type_name::<T>();
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, short)) = names.iter().find(|(f, _)| *f == full) {
        return short;
    }
    let mut short = String::new();
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            short.push_str(segment.rsplit("::").next().unwrap_or(&segment));
            segment.clear();
            short.push(c);
        }
    }
    short.push_str(segment.rsplit("::").next().unwrap_or(&segment));
    let short: &'static str = Box::leak(short.into_boxed_str());
    names.push((full, short));
    short
}

/// The request type's name without generics.
fn request_name<T>() -> &'static str {
    let name = short_type_name::<T>();
    name.split('<').next().unwrap_or(name)
}

/// Decodes `value` as `T` (tracking the JSON path) and encodes it back.
fn reencode<T: DeserializeOwned + Serialize>(
    value: serde_json::Value,
) -> Result<serde_json::Value, Error> {
    let decoded: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = match e.path().to_string().as_str() {
            "." | "" => "result".to_owned(),
            p => format!("result.{p}"),
        };
        let detail = e.inner().to_string();
        DecodeError::new(path, detail, b"", Some(e.into_inner()))
    })?;
    serde_json::to_value(&decoded)
        .map_err(|e| DecodeError::new("result", e.to_string(), b"", Some(e)).into())
}

fn call<E: Endpoint>(shape: Shape) -> RouteInfo
where
    E::Result: Serialize,
{
    RouteInfo {
        method: E::METHOD,
        path: E::PATH,
        shape,
        idempotent: E::IDEMPOTENT,
        type_name: request_name::<E>(),
        result_type: Some(short_type_name::<E::Result>()),
        reencode: Some(reencode::<E::Result>),
    }
}

fn download<E: Download>() -> RouteInfo {
    RouteInfo {
        method: E::METHOD,
        path: E::PATH,
        shape: Shape::Download,
        idempotent: true,
        type_name: request_name::<E>(),
        result_type: None,
        reencode: None,
    }
}

fn build() -> Vec<RouteInfo> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_module_paths_in_every_segment() {
        assert_eq!(
            short_type_name::<org_types::Page<employee::Employee>>(),
            "Page<Employee>"
        );
        assert_eq!(
            short_type_name::<Option<employee::Employee>>(),
            "Option<Employee>"
        );
        assert_eq!(
            request_name::<tools::FileVerifyRequest<()>>(),
            "FileVerifyRequest"
        );
    }

    #[test]
    fn every_entry_is_unique_and_reencodes_unless_a_download() {
        let all = catalogue();
        assert!(all.len() > 100);
        for (i, r) in all.iter().enumerate() {
            assert!(r.path.starts_with('/'), "{r:?}");
            assert_eq!(r.shape == Shape::Download, r.reencode.is_none(), "{r:?}");
            assert!(
                all[..i].iter().all(|o| o.type_name != r.type_name),
                "{} twice",
                r.type_name
            );
            assert_eq!(find(&r.method, r.path).map(|f| f.path), Some(r.path));
        }
    }

    #[test]
    fn reencode_keeps_unknown_fields_and_names_the_path_of_a_misfit() {
        let seal = find(&Method::GET, "/v2/seal/sealdetail").unwrap();
        assert_eq!(seal.result_type, Some("Seal"));
        let reencode = seal.reencode.unwrap();
        let back =
            reencode(serde_json::json!({"id": 1, "name": "s", "novel": {"a": [1]}})).unwrap();
        assert_eq!(back["novel"], serde_json::json!({"a": [1]}));
        assert_eq!(back["id"], "1");
        let e = reencode(serde_json::json!({"users": 5})).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.path() == "result.users"),
            "{e}"
        );
    }
}
