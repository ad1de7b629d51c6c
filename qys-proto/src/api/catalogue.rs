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
use crate::endpoint::{Call, Download, Route};
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

fn call<E: Route + Call>() -> RouteInfo
where
    E::Result: Serialize,
{
    RouteInfo {
        method: E::METHOD,
        path: E::PATH,
        shape: E::SHAPE,
        idempotent: E::IDEMPOTENT,
        type_name: request_name::<E>(),
        result_type: Some(short_type_name::<E::Result>()),
        reencode: Some(reencode::<E::Result>),
    }
}

fn download<E: Route + Download>() -> RouteInfo {
    RouteInfo {
        method: E::METHOD,
        path: E::PATH,
        shape: E::SHAPE,
        idempotent: E::IDEMPOTENT,
        type_name: request_name::<E>(),
        result_type: None,
        reencode: None,
    }
}

fn build() -> Vec<RouteInfo> {
    use miniapp::*;
    vec![
        call::<ContractSignTicketRequest>(),
        call::<ContractViewTicketRequest>(),
        call::<PersonalAuthTicketRequest>(),
        call::<CompanyAuthTicketRequest>(),
        call::<CompanyAuthLicenseTicketRequest<()>>(),
        call::<PersonalSignAuthTicketRequest>(),
        call::<SaasPersonalSignAuthTicketRequest>(),
        call::<SaasSealSignAuthTicketRequest>(),
        call::<SaasCompanyAuthTicketRequest<()>>(),
        call::<SaasPersonalAuthTicketRequest>(),
        call::<SaasPrivilegeTicketRequest>(),
        // 组织架构 (company)
        call::<company::SubCompanyListRequest>(),
        call::<company::SubCompanyInviteRequest>(),
        call::<company::SubCompanyRemoveRequest>(),
        call::<company::PlatformInfoRequest>(),
        call::<company::CompanyDetailRequest>(),
        call::<company::CompanyChangeInfoRequest>(),
        call::<company::CompanyFeeInfoRequest>(),
        // 组织架构 (employees)
        call::<employee::EmployeeListRequest>(),
        call::<employee::EmployeeCreateRequest>(),
        call::<employee::EmployeeUpdateRequest>(),
        call::<employee::EmployeeDetailRequest>(),
        call::<employee::RoleManageRequest>(),
        call::<employee::EmployeeRemoveRequest>(),
        // 印章管理
        call::<seal::SealListRequest>(),
        download::<seal::SealImageRequest>(),
        call::<seal::SealAutoCreateRequest>(),
        call::<seal::SealDetailRequest>(),
        call::<seal::SealEditRequest>(),
        call::<seal::SealCreateByImageRequest>(),
        call::<seal::SealStatusRequest>(),
        call::<seal::SealRemoveRequest>(),
        // 模板管理
        call::<template::TemplateListRequest>(),
        call::<template::TemplateDetailRequest>(),
        call::<template::TemplatePageUrlRequest>(),
        call::<template::TemplateCreateByWordRequest<()>>(),
        call::<template::TemplateEditRequest>(),
        call::<template::TemplateStatusRequest>(),
        download::<template::TemplateDownloadRequest>(),
        call::<template::TemplateRemoveRequest>(),
        // 业务分类
        call::<category::CategoryListRequest>(),
        call::<category::CategoryDetailRequest>(),
        // 个人认证 / 企业认证
        call::<auth::PersonalAuthPageRequest>(),
        call::<auth::PersonalAuthResultRequest>(),
        call::<auth::CompanyAuthPcPageRequest>(),
        call::<auth::CompanyAuthH5PageRequest>(),
        call::<auth::CompanyAuthLicensePcPageRequest<()>>(),
        call::<auth::CompanyAuthLicenseH5PageRequest<()>>(),
        call::<auth::CompanyAuthResultRequest>(),
        // 外部客户
        call::<customer::CustomerAddRequest>(),
        // 授权管理
        call::<authorization::SsoPrivilegeUrlRequest>(),
        call::<authorization::PersonalSignAuthUrlRequest>(),
        call::<authorization::PersonalSignDeauthorizeRequest>(),
        call::<authorization::PersonalSignQueryRequest>(),
        // 辅助工具 / 信息校验 / 区块链存证
        call::<tools::FileVerifyRequest<()>>(),
        call::<tools::IdentityVerifyRequest>(),
        call::<tools::CompanyInfoVerifyRequest>(),
        call::<tools::IdCardOcrRequest<()>>(),
        call::<tools::BankCardOcrRequest<()>>(),
        call::<tools::ElectronicProveApplyRequest>(),
        call::<tools::CompleteReportApplyRequest<()>>(),
        call::<tools::CompleteReportStatusRequest>(),
        download::<tools::CompleteReportDownloadRequest>(),
        call::<tools::ChainNotaryRequest<()>>(),
        // 应用设置
        call::<app::AppInfoRequest>(),
        call::<app::AppCallbackUpdateRequest>(),
        // SaaS
        call::<saas::SaasApplyAppRequest>(),
        call::<saas::SaasResetTokenRequest>(),
        call::<saas::SaasCompanyDetailRequest>(),
        call::<saas::SaasCompanyAuthUrlRequest>(),
        call::<saas::SaasCompanyAuthPageUrlRequest<()>>(),
        call::<saas::SaasCompanyAuthResultRequest>(),
        call::<saas::SaasPersonalAuthPageRequest>(),
        call::<saas::SaasPersonalAuthResultRequest>(),
        call::<saas::SaasPersonalSignAuthUrlRequest>(),
        call::<saas::SaasPersonalSignDeauthorizeRequest>(),
        call::<saas::SaasSealSignAuthUrlRequest>(),
        call::<saas::SaasPrivilegeUrlRequest>(),
        call::<saas::SaasPrivilegeQueryRequest>(),
        call::<saas::SaasAppAccessControlRequest>(),
        call::<saas::SaasCompanyAccessControlRequest>(),
        call::<saas::SaasPersonalAccessControlRequest>(),
        call::<saas::SaasBindingRequest>(),
        call::<saas::SaasCheckHealthRequest>(),
        call::<saas::SaasPlatformFeeRequest>(),
        call::<saas::SaasFeeInfoRequest>(),
        call::<saas::SaasFeeInitRequest>(),
        call::<saas::SaasFeeUpdateRequest>(),
        // JS SDK
        call::<uniform::UniformApiRequest<()>>(),
        download::<uniform::UniformApiDownloadRequest>(),
        // 合同管理
        call::<contract::ContractDraftRequest>(),
        call::<document::DocumentAddByFileRequest<()>>(),
        call::<document::DocumentAddByFilesRequest<()>>(),
        call::<document::DocumentAddByTemplateRequest>(),
        call::<contract::ContractSendRequest>(),
        call::<contract::ContractCopySendRequest>(),
        call::<signatory::SignatoryEditRequest>(),
        call::<signatory::SignatoryEditV2Request>(),
        call::<signatory::SignatoryOperatorsEditRequest>(),
        call::<signatory::SignatoryAddRequest>(),
        call::<signatory::SignatoryIdentityRequest>(),
        call::<contract::ContractViewUrlRequest>(),
        call::<contract::ContractDetailRequest>(),
        call::<contract::ContractListRequest>(),
        download::<contract::ContractDownloadRequest>(),
        download::<document::DocumentDownloadRequest>(),
        download::<attachment::AttachmentDownloadRequest>(),
        call::<contract::ContractForceEndRequest>(),
        call::<contract::ContractForceEndAttachmentRequest<()>>(),
        call::<contract::ContractWatermarkRequest>(),
        call::<contract::ContractDelayRequest>(),
        call::<contract::ContractStreamRequest>(),
        call::<contract::ContractDownloadUrlRequest>(),
        call::<contract::ContractResendRequest>(),
        call::<contract::ContractModifyRequest>(),
        call::<contract::ContractRequiredDetailRequest>(),
        call::<contract::ContractJoinUrlRequest>(),
        call::<contract::ContractPersonalJoinUrlRequest>(),
        call::<contract::CheckHealthRequest>(),
        // 签署服务
        call::<signing::CompanySignRequest>(),
        call::<signing::LegalPersonSignRequest>(),
        call::<signing::ContractAuditRequest>(),
        call::<signing::ContractNoticeRequest>(),
        call::<signing::ContractPageUrlRequest>(),
        call::<signing::ContractAppointUrlRequest>(),
        call::<contract::ContractShortUrlRequest>(),
        call::<signing::ContractInvalidRequest>(),
        call::<signing::ContractInvalidByFileRequest<()>>(),
        call::<signing::ContractInvalidByTemplateRequest>(),
        call::<signing::ContractInvalidSignRequest>(),
        call::<signing::PersonalSignRequest>(),
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
