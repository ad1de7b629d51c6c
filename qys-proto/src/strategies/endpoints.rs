//! A valid request of every endpoint type, built with the public constructors and setters:
//! required fields always filled, optional ones sometimes.
//!
//! One function per endpoint (named after its type, without `Request`, in snake case) gives a
//! strategy of that type; upload endpoints read their files from a [`FileSource`], which
//! implements `std::io::Read` and tokio's `AsyncRead`, so either frontend can send them.
//! [`endpoint_request`] gives any of them as the [`UnsignedRequest`] a middleware sees,
//! tagged with the endpoint's name, and [`endpoint_request_for`] those of one realm.
//!
//! Texts mix ASCII and Chinese; contracts are named by ID, by `bizId` or by `bizId` and tenant.

use std::fmt;
use std::io::Cursor;

use proptest::prelude::*;
use proptest::strategy::Union;

use crate::api::{
    app, attachment, auth, authorization, category, company, contract, customer, document,
    employee, miniapp, saas, seal, signatory, signing, template, tools, uniform,
};
use crate::endpoint::{Download, Endpoint, Upload};
use crate::id::{ActionId, CategoryId, CompanyId, ContractId, DocumentId, SealId, SignatoryId};
use crate::multipart::UploadFile;
use crate::types::{
    ActionDraft, ActionType, Company, ContractDraft, ContractRef, CopySendReceiverDraft,
    InvalidInfo, SignatoryDraft, TenantType, User, Watermark,
};

use super::UnsignedRequest;

/// Where the bytes of a generated upload come from.
pub type FileSource = Cursor<Vec<u8>>;

/// A short name: ASCII letters and digits or Chinese characters, never blank.
pub fn name() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z][A-Za-z0-9]{0,11}", "[\u{4e00}-\u{9fa5}]{2,8}"]
}

/// A platform ID: a decimal 64-bit number, as text.
pub fn id() -> impl Strategy<Value = String> {
    (1u64..=u64::MAX).prop_map(|n| n.to_string())
}

/// A contract, by ID, by `bizId`, or by `bizId` within a tenant.
pub fn contract_ref() -> impl Strategy<Value = ContractRef> {
    prop_oneof![
        id().prop_map(|i| ContractRef::from(ContractId::new(i))),
        "[A-Za-z0-9-]{1,24}".prop_map(ContractRef::biz_id),
        ("[A-Za-z0-9-]{1,24}", name()).prop_map(|(b, t)| ContractRef::biz_id_of(b, t)),
    ]
}

/// A person by mobile or e-mail, named sometimes.
pub fn user() -> impl Strategy<Value = User> {
    let contact = prop_oneof![
        "1[3-9][0-9]{9}".prop_map(User::mobile),
        "[a-z]{1,8}@[a-z]{1,8}\\.(com|cn)".prop_map(User::email),
    ];
    (contact, prop::option::of(name())).prop_map(|(u, n)| match n {
        Some(n) => u.with_name(n),
        None => u,
    })
}

/// A company by ID or by name.
pub fn company_by() -> impl Strategy<Value = Company> {
    prop_oneof![
        id().prop_map(|i| Company::by_id(CompanyId::new(i))),
        name().prop_map(Company::by_name),
    ]
}

/// A file of up to 256 bytes with a name (ASCII or Chinese) and the matching length.
pub fn upload_file() -> impl Strategy<Value = UploadFile<FileSource>> {
    upload_file_named("([a-z]{1,8}|[\u{4e00}-\u{9fa5}]{1,6})\\.(pdf|docx|png|jpg)")
}

/// A file of up to 256 bytes whose name matches the regular expression `file_name`.
pub fn upload_file_named(file_name: &str) -> impl Strategy<Value = UploadFile<FileSource>> {
    let file_name = proptest::string::string_regex(file_name).expect("a valid regular expression");
    (file_name, prop::collection::vec(any::<u8>(), 0..256)).prop_map(|(file_name, bytes)| {
        UploadFile::new(file_name, bytes.len() as u64, Cursor::new(bytes))
    })
}

/// A signatory: a person reached by a contact, or a company that seals.
pub fn signatory_of() -> impl Strategy<Value = SignatoryDraft> {
    prop_oneof![
        (name(), user()).prop_map(|(n, u)| SignatoryDraft::personal(n, u)),
        name().prop_map(|n| SignatoryDraft::company(n, [ActionDraft::new(ActionType::Company)])),
    ]
}

/// A contract to draft: a subject and one to three signatories.
pub fn contract_body() -> impl Strategy<Value = ContractDraft> {
    (name(), prop::collection::vec(signatory_of(), 1..4))
        .prop_map(|(subject, signatories)| ContractDraft::new(subject, signatories))
}

/// A strategy of one endpoint type.
macro_rules! strategies {
    ($( $(#[$doc:meta])* $fn:ident -> $ty:ty = $body:expr; )*) => {$(
        $(#[$doc])*
        pub fn $fn() -> impl Strategy<Value = $ty> {
            $body
        }
    )*};
}

strategies! {
    /// `GET /company/token/get`.
    app_info -> app::AppInfoRequest = Just(app::AppInfoRequest::new());
    /// `POST /company/token/update/callback`.
    app_callback_update -> app::AppCallbackUpdateRequest =
        (prop::option::of("https://[a-z]{1,12}\\.example/[a-z]{0,8}"), any::<bool>()).prop_map(|(url, encrypt)| {
            let r = app::AppCallbackUpdateRequest::new();
            match url { Some(url) => r.callback_url(url), None => r.encrypt(encrypt) }
        });
    /// `GET /v2/attachment/download`.
    attachment_download -> attachment::AttachmentDownloadRequest =
        (contract_ref(), any::<Option<bool>>()).prop_map(|(c, o)| {
            let r = attachment::AttachmentDownloadRequest::new(c);
            match o { Some(o) => r.origin(o), None => r }
        });
    /// `POST /v2/personalauth`.
    personal_auth_page -> auth::PersonalAuthPageRequest = user().prop_map(auth::PersonalAuthPageRequest::new);
    /// `GET /v2/personalauth/result`.
    personal_auth_result -> auth::PersonalAuthResultRequest = prop_oneof![
        id().prop_map(auth::PersonalAuthResultRequest::by_auth_id),
        user().prop_map(|u| auth::PersonalAuthResultRequest::by_user(&u)),
    ];
    /// `POST /companyauth/h5page`.
    company_auth_h5_page -> auth::CompanyAuthH5PageRequest =
        (name(), user()).prop_map(|(n, u)| auth::CompanyAuthH5PageRequest::new(n, u));
    /// `POST /companyauth/pcpage`.
    company_auth_pc_page -> auth::CompanyAuthPcPageRequest =
        (name(), user()).prop_map(|(n, u)| auth::CompanyAuthPcPageRequest::new(n, u));
    /// The H5 company authentication page with a licence upload.
    company_auth_license_h5_page -> auth::CompanyAuthLicenseH5PageRequest<FileSource> =
        (name(), user(), upload_file()).prop_map(|(n, u, f)| auth::CompanyAuthLicenseH5PageRequest::new(n, u, f));
    /// The PC company authentication page with a licence upload.
    company_auth_license_pc_page -> auth::CompanyAuthLicensePcPageRequest<FileSource> =
        (name(), user(), upload_file()).prop_map(|(n, u, f)| auth::CompanyAuthLicensePcPageRequest::new(n, u, f));
    /// `GET /companyauth/result`.
    company_auth_result -> auth::CompanyAuthResultRequest = prop_oneof![
        id().prop_map(auth::CompanyAuthResultRequest::by_request_id),
        name().prop_map(auth::CompanyAuthResultRequest::by_company_name),
    ];
    /// `POST /v2/ssoprivilege/url`.
    sso_privilege_url -> authorization::SsoPrivilegeUrlRequest =
        (company_by(), user()).prop_map(|(c, u)| authorization::SsoPrivilegeUrlRequest::new(c, u));
    /// `POST /v2/personalsign/authurl`.
    personal_sign_auth_url -> authorization::PersonalSignAuthUrlRequest = user().prop_map(authorization::PersonalSignAuthUrlRequest::new);
    /// `POST /v2/personalsign/deauthorize`.
    personal_sign_deauthorize -> authorization::PersonalSignDeauthorizeRequest = user().prop_map(authorization::PersonalSignDeauthorizeRequest::new);
    /// `POST /v2/personalsign/query`.
    personal_sign_query -> authorization::PersonalSignQueryRequest = user().prop_map(authorization::PersonalSignQueryRequest::new);
    /// `GET /v2/category/list`.
    category_list -> category::CategoryListRequest =
        (0u64..1000, 1u64..=100).prop_map(|(o, l)| category::CategoryListRequest::new().select_offset(o).select_limit(l));
    /// `GET /v2/category/detail`.
    category_detail -> category::CategoryDetailRequest = prop_oneof![
        id().prop_map(|i| category::CategoryDetailRequest::by_id(CategoryId::new(i))),
        name().prop_map(category::CategoryDetailRequest::by_name),
    ];
    /// `GET /v2/company/list`.
    sub_company_list -> company::SubCompanyListRequest = Just(company::SubCompanyListRequest::new());
    /// `POST /v2/subcompany/invite`.
    sub_company_invite -> company::SubCompanyInviteRequest = name().prop_map(company::SubCompanyInviteRequest::new);
    /// `GET /v2/subcompany/remove`.
    sub_company_remove -> company::SubCompanyRemoveRequest = name().prop_map(company::SubCompanyRemoveRequest::new);
    /// `GET /company/platforminfo`.
    platform_info -> company::PlatformInfoRequest = Just(company::PlatformInfoRequest::new());
    /// `GET /v2/company/detail`.
    company_detail -> company::CompanyDetailRequest = prop_oneof![
        name().prop_map(company::CompanyDetailRequest::by_name),
        "[0-9A-Z]{18}".prop_map(company::CompanyDetailRequest::by_register_no),
    ];
    /// `POST /v2/company/changeinfo`.
    company_change_info -> company::CompanyChangeInfoRequest = (user(), prop_oneof![
        name().prop_map(|n| (Some(n), None, None)),
        id().prop_map(|i| (None, Some(CompanyId::new(i)), None)),
        "[0-9A-Z]{18}".prop_map(|r| (None, None, Some(r))),
    ], prop::option::of(any::<bool>())).prop_map(|(u, (name, id, register_no), h5)| {
        let mut r = company::CompanyChangeInfoRequest::new(u);
        if let Some(n) = name { r = r.company_name(n); }
        if let Some(i) = id { r = r.company_id(i); }
        if let Some(n) = register_no { r = r.register_no(n); }
        match h5 { Some(h5) => r.h5(h5), None => r }
    });
    /// `GET /v2/company/fee/info`.
    company_fee_info -> company::CompanyFeeInfoRequest = Just(company::CompanyFeeInfoRequest::new());
    /// `POST /v2/contract/draft`.
    contract_draft -> contract::ContractDraftRequest = contract_body().prop_map(contract::ContractDraftRequest::new);
    /// `POST /v2/contract/send`.
    contract_send -> contract::ContractSendRequest = contract_ref().prop_map(contract::ContractSendRequest::new);
    /// `POST /v2/contract/copysend`.
    contract_copy_send -> contract::ContractCopySendRequest =
        (contract_ref(), prop::collection::vec((name(), user()), 1..3)).prop_map(|(c, rs)| {
            contract::ContractCopySendRequest::new(c, rs.into_iter().map(|(n, u)| CopySendReceiverDraft::new(n, u)))
        });
    /// `GET /v2/contract/viewurl`.
    contract_view_url -> contract::ContractViewUrlRequest = contract_ref().prop_map(contract::ContractViewUrlRequest::new);
    /// `GET /v2/contract/detail`.
    contract_detail -> contract::ContractDetailRequest = contract_ref().prop_map(contract::ContractDetailRequest::new);
    /// `GET /v2/contract/list`.
    contract_list -> contract::ContractListRequest =
        (0u64..1000, 1u64..=100).prop_map(|(o, l)| contract::ContractListRequest::new().select_offset(o).select_limit(l));
    /// `POST /v2/contract/forceend`.
    contract_force_end -> contract::ContractForceEndRequest =
        (contract_ref(), name()).prop_map(|(c, r)| contract::ContractForceEndRequest::new(c).reason(r));
    /// `POST /v2/contract/forceend/addattachment`.
    contract_force_end_attachment -> contract::ContractForceEndAttachmentRequest<FileSource> =
        (contract_ref(), name(), upload_file()).prop_map(|(c, t, f)| contract::ContractForceEndAttachmentRequest::new(c, t, f));
    /// `POST /v2/contract/addwartermark`.
    contract_watermark -> contract::ContractWatermarkRequest =
        (contract_ref(), prop::collection::vec(name(), 1..3)).prop_map(|(c, ws)| {
            contract::ContractWatermarkRequest::new(c, ws.into_iter().map(Watermark::text))
        });
    /// `POST /v2/contract/delay`.
    contract_delay -> contract::ContractDelayRequest = prop_oneof![
        (contract_ref(), 1u32..365).prop_map(|(c, d)| contract::ContractDelayRequest::by_days(c, d)),
        (contract_ref(), (2020u32..2100, 1u32..=12, 1u32..=28)).prop_map(|(c, (y, m, d))| {
            contract::ContractDelayRequest::until(c, format!("{y}-{m:02}-{d:02}"))
        }),
    ];
    /// `GET /v2/contract/stream`.
    contract_stream -> contract::ContractStreamRequest = contract_ref().prop_map(contract::ContractStreamRequest::new);
    /// `GET /v2/contract/downloadurl`.
    contract_download_url -> contract::ContractDownloadUrlRequest = contract_ref().prop_map(contract::ContractDownloadUrlRequest::new);
    /// `GET /v2/contract/shorturl`.
    contract_short_url -> contract::ContractShortUrlRequest =
        (contract_ref(), "1[3-9][0-9]{9}").prop_map(|(c, m)| contract::ContractShortUrlRequest::new(c, m));
    /// `POST /v2/contract/resend`.
    contract_resend -> contract::ContractResendRequest =
        (contract_ref(), contract_body()).prop_map(|(c, b)| {
            let r = contract::ContractResendRequest::new(c).signatories(b.signatories);
            match b.subject { Some(s) => r.subject(s), None => r }
        });
    /// `POST /v2/contract/contractModify`.
    contract_modify -> contract::ContractModifyRequest = contract_ref().prop_map(contract::ContractModifyRequest::new);
    /// `POST /v2/contract/required/detail`.
    contract_required_detail -> contract::ContractRequiredDetailRequest = contract_ref().prop_map(contract::ContractRequiredDetailRequest::new);
    /// `GET /v2/contract/joinurl`.
    contract_join_url -> contract::ContractJoinUrlRequest =
        (contract_ref(), prop::sample::select(vec!["COMPANY", "PERSONAL"])).prop_map(|(c, t)| {
            contract::ContractJoinUrlRequest::new(c).tenant_type(TenantType::from(t))
        });
    /// `GET /v2/contract/personal/joinurl`.
    contract_personal_join_url -> contract::ContractPersonalJoinUrlRequest = contract_ref().prop_map(contract::ContractPersonalJoinUrlRequest::new);
    /// `GET /v2/checkhealth`.
    check_health -> contract::CheckHealthRequest = Just(contract::CheckHealthRequest::new());
    /// `GET /v2/contract/download`.
    contract_download -> contract::ContractDownloadRequest = contract_ref().prop_map(contract::ContractDownloadRequest::new);
    /// `POST /v2/customer/add`.
    customer_add -> customer::CustomerAddRequest = prop_oneof![
        (name(), user()).prop_map(|(n, u)| customer::CustomerAddRequest::company(n, u)),
        user().prop_map(customer::CustomerAddRequest::personal),
    ];
    /// `POST /v2/document/addbyfile`.
    document_add_by_file -> document::DocumentAddByFileRequest<FileSource> =
        (contract_ref(), name(), upload_file()).prop_map(|(c, t, f)| document::DocumentAddByFileRequest::new(c, t, f));
    /// `POST /v2/document/addbyfiles`.
    document_add_by_files -> document::DocumentAddByFilesRequest<FileSource> =
        (contract_ref(), name(), prop::collection::vec(upload_file(), 1..3)).prop_map(|(c, t, fs)| document::DocumentAddByFilesRequest::new(c, t, fs));
    /// `POST /v2/document/addbytemplate`.
    document_add_by_template -> document::DocumentAddByTemplateRequest =
        (contract_ref(), name(), id()).prop_map(|(c, t, i)| document::DocumentAddByTemplateRequest::new(c, t, crate::id::TemplateId::new(i)));
    /// `GET /v2/document/download`.
    document_download -> document::DocumentDownloadRequest = id().prop_map(|i| document::DocumentDownloadRequest::new(DocumentId::new(i)));
    /// `GET /v2/employee/list`.
    employee_list -> employee::EmployeeListRequest =
        (0u64..1000, 1u64..=100).prop_map(|(o, l)| employee::EmployeeListRequest::new().select_offset(o).select_limit(l));
    /// `POST /v2/employee/create`.
    employee_create -> employee::EmployeeCreateRequest =
        (user(), name()).prop_map(|(u, n)| employee::EmployeeCreateRequest::new(u.with_name(n)));
    /// `POST /v2/employee/update`.
    employee_update -> employee::EmployeeUpdateRequest = user().prop_map(employee::EmployeeUpdateRequest::new);
    /// `POST /v2/employee/detail`.
    employee_detail -> employee::EmployeeDetailRequest = user().prop_map(employee::EmployeeDetailRequest::new);
    /// `POST /v2/employee/remove`.
    employee_remove -> employee::EmployeeRemoveRequest = user().prop_map(employee::EmployeeRemoveRequest::new);
    /// `POST /v2/role/manage`.
    role_manage -> employee::RoleManageRequest =
        (prop::sample::select(vec!["SEAL_ADMIN", "TEMPLATE_ADMIN"]), prop::collection::vec(user(), 1..3))
            .prop_map(|(r, us)| employee::RoleManageRequest::new(r.into(), us));
    /// `POST /v2/contract/miniappexchange`.
    contract_sign_ticket -> miniapp::ContractSignTicketRequest =
        (contract_ref(), user()).prop_map(|(c, u)| miniapp::ContractSignTicketRequest::new(c, u));
    /// `POST /v2/contract/miniappexchange/view`.
    contract_view_ticket -> miniapp::ContractViewTicketRequest = contract_ref().prop_map(miniapp::ContractViewTicketRequest::new);
    /// `POST /v2/personalauth/miniappexchange`.
    personal_auth_ticket -> miniapp::PersonalAuthTicketRequest = user().prop_map(miniapp::PersonalAuthTicketRequest::new);
    /// `POST /companyauth/miniappexchange`.
    company_auth_ticket -> miniapp::CompanyAuthTicketRequest =
        (name(), user()).prop_map(|(n, u)| miniapp::CompanyAuthTicketRequest::new(n, u));
    /// `POST /companyauth/miniappexchangewithlicense`.
    company_auth_license_ticket -> miniapp::CompanyAuthLicenseTicketRequest<FileSource> =
        (name(), user(), upload_file()).prop_map(|(n, u, f)| miniapp::CompanyAuthLicenseTicketRequest::new(n, u, f));
    /// `POST /v2/personalsign/authurl/miniappexchange`.
    personal_sign_auth_ticket -> miniapp::PersonalSignAuthTicketRequest = user().prop_map(miniapp::PersonalSignAuthTicketRequest::new);
    /// `POST /saas/v2/personalsign/authurl/miniappexchange`.
    saas_personal_sign_auth_ticket -> miniapp::SaasPersonalSignAuthTicketRequest =
        (user(), company_by()).prop_map(|(u, c)| miniapp::SaasPersonalSignAuthTicketRequest::new(u, c));
    /// `POST /saas/v2/sealsign/authurl/miniappexchange`.
    saas_seal_sign_auth_ticket -> miniapp::SaasSealSignAuthTicketRequest =
        (user(), company_by()).prop_map(|(u, c)| miniapp::SaasSealSignAuthTicketRequest::new(u, c));
    /// `POST /saas/v2/companyauth/miniappexchange`.
    saas_company_auth_ticket -> miniapp::SaasCompanyAuthTicketRequest<FileSource> =
        (name(), user(), prop::option::of(upload_file())).prop_map(|(n, u, f)| {
            let r = miniapp::SaasCompanyAuthTicketRequest::new(n, u);
            match f { Some(f) => r.license(f), None => r }
        });
    /// `POST /saas/v2/personalauth/miniappexchange`.
    saas_personal_auth_ticket -> miniapp::SaasPersonalAuthTicketRequest = user().prop_map(miniapp::SaasPersonalAuthTicketRequest::new);
    /// `POST /saas/v2/privilege/miniappexchange`.
    saas_privilege_ticket -> miniapp::SaasPrivilegeTicketRequest =
        (id(), id(), user()).prop_map(|(a, c, u)| miniapp::SaasPrivilegeTicketRequest::new(a, CompanyId::new(c), u));
    /// `POST /saas/v2/company/applyapp`.
    saas_apply_app -> saas::SaasApplyAppRequest =
        (id(), name()).prop_map(|(c, n)| saas::SaasApplyAppRequest::new(CompanyId::new(c), n));
    /// `POST /saas/v2/company/resettoken`.
    saas_reset_token -> saas::SaasResetTokenRequest =
        (id(), "[A-Za-z0-9]{8,32}").prop_map(|(c, t)| saas::SaasResetTokenRequest::new(CompanyId::new(c), t));
    /// `GET /saas/v2/company/detail`.
    saas_company_detail -> saas::SaasCompanyDetailRequest = name().prop_map(saas::SaasCompanyDetailRequest::by_name);
    /// `POST /saas/v2/companyauth/url`.
    saas_company_auth_url -> saas::SaasCompanyAuthUrlRequest = id().prop_map(|c| saas::SaasCompanyAuthUrlRequest::new(CompanyId::new(c)));
    /// `POST /saas/v2/companyauth/pageurl`.
    saas_company_auth_page_url -> saas::SaasCompanyAuthPageUrlRequest<FileSource> =
        (name(), user(), prop::option::of(upload_file())).prop_map(|(n, u, f)| {
            let r = saas::SaasCompanyAuthPageUrlRequest::new(n, u);
            match f { Some(f) => r.license(f), None => r }
        });
    /// `GET /saas/v2/companyauth/result`.
    saas_company_auth_result -> saas::SaasCompanyAuthResultRequest = id().prop_map(saas::SaasCompanyAuthResultRequest::by_request_id);
    /// `POST /saas/v2/personalauth`.
    saas_personal_auth_page -> saas::SaasPersonalAuthPageRequest = user().prop_map(saas::SaasPersonalAuthPageRequest::new);
    /// `GET /saas/v2/personalauth/result`.
    saas_personal_auth_result -> saas::SaasPersonalAuthResultRequest = id().prop_map(saas::SaasPersonalAuthResultRequest::by_auth_id);
    /// `POST /saas/v2/personalsign/authurl`.
    saas_personal_sign_auth_url -> saas::SaasPersonalSignAuthUrlRequest =
        (user(), company_by()).prop_map(|(u, c)| saas::SaasPersonalSignAuthUrlRequest::new(u, c));
    /// `POST /saas/v2/personalsign/deauthorize`.
    saas_personal_sign_deauthorize -> saas::SaasPersonalSignDeauthorizeRequest =
        (user(), company_by()).prop_map(|(u, c)| saas::SaasPersonalSignDeauthorizeRequest::new(u, c));
    /// `POST /saas/v2/sealsign/authurl`.
    saas_seal_sign_auth_url -> saas::SaasSealSignAuthUrlRequest =
        (user(), company_by()).prop_map(|(u, c)| saas::SaasSealSignAuthUrlRequest::new(u, c));
    /// `POST /saas/v2/privilege/url`.
    saas_privilege_url -> saas::SaasPrivilegeUrlRequest =
        (id(), id(), user()).prop_map(|(a, c, u)| saas::SaasPrivilegeUrlRequest::new(a, CompanyId::new(c), u));
    /// `GET /saas/v2/privilege/query`.
    saas_privilege_query -> saas::SaasPrivilegeQueryRequest =
        (id(), id()).prop_map(|(a, c)| saas::SaasPrivilegeQueryRequest::new(a, CompanyId::new(c)));
    /// `POST /saas/v2/app/accesscontrol`.
    saas_app_access_control -> saas::SaasAppAccessControlRequest =
        (company_by(), prop::sample::select(vec!["ENABLE", "DISABLE"])).prop_map(|(c, o)| saas::SaasAppAccessControlRequest::new(c, o));
    /// `POST /saas/v2/company/accesscontrol`.
    saas_company_access_control -> saas::SaasCompanyAccessControlRequest =
        (company_by(), prop::sample::select(vec!["ENABLE", "DISABLE"])).prop_map(|(c, o)| saas::SaasCompanyAccessControlRequest::new(c, o));
    /// `POST /saas/v2/personal/accesscontrol`.
    saas_personal_access_control -> saas::SaasPersonalAccessControlRequest =
        (user(), prop::sample::select(vec!["ENABLE", "DISABLE"])).prop_map(|(u, o)| saas::SaasPersonalAccessControlRequest::new(u, o));
    /// `GET /saas/v2/binding`.
    saas_binding -> saas::SaasBindingRequest = Just(saas::SaasBindingRequest::new());
    /// `GET /saas/v2/checkhealth`.
    saas_check_health -> saas::SaasCheckHealthRequest = Just(saas::SaasCheckHealthRequest::new());
    /// `GET /saas/v2/fee/platform/info`.
    saas_platform_fee -> saas::SaasPlatformFeeRequest = Just(saas::SaasPlatformFeeRequest::new());
    /// `GET /saas/v2/fee/info`.
    saas_fee_info -> saas::SaasFeeInfoRequest = name().prop_map(saas::SaasFeeInfoRequest::new);
    /// `POST /saas/v2/fee/init`.
    saas_fee_init -> saas::SaasFeeInitRequest =
        (name(), prop::option::of("[1-9][0-9]{0,5}")).prop_map(|(n, b)| {
            let fees = saas::TenantFees::new(n);
            saas::SaasFeeInitRequest::from(match b { Some(b) => fees.initial_balance(b), None => fees })
        });
    /// `POST /saas/v2/fee/update`.
    saas_fee_update -> saas::SaasFeeUpdateRequest = name().prop_map(saas::SaasFeeUpdateRequest::new);
    /// `GET /v2/seal/list`.
    seal_list -> seal::SealListRequest =
        (0u64..1000, 1u64..=100).prop_map(|(o, l)| seal::SealListRequest::new().select_offset(o).select_limit(l));
    /// `GET /v2/seal/image`.
    seal_image -> seal::SealImageRequest = id().prop_map(|i| seal::SealImageRequest::new(SealId::new(i)));
    /// `POST /v2/seal/autocreate`.
    seal_auto_create -> seal::SealAutoCreateRequest =
        name().prop_map(|n| seal::SealAutoCreateRequest::new(n, seal::SealImageInfo::new(seal::SealStyle::UniversalSeal)));
    /// `GET /v2/seal/sealdetail`.
    seal_detail -> seal::SealDetailRequest = id().prop_map(|i| seal::SealDetailRequest::new(SealId::new(i)));
    /// `POST /v2/seal/edit`.
    seal_edit -> seal::SealEditRequest = id().prop_map(|i| seal::SealEditRequest::new(SealId::new(i)));
    /// `POST /v2/seal/createbyimage`.
    seal_create_by_image -> seal::SealCreateByImageRequest =
        (name(), prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(n, png)| {
            use base64::Engine as _;
            seal::SealCreateByImageRequest::new(n, base64::engine::general_purpose::STANDARD.encode(png))
        });
    /// `POST /v2/seal/status`.
    seal_status -> seal::SealStatusRequest =
        (id(), prop::sample::select(vec!["ENABLE", "DISABLE"])).prop_map(|(i, o)| seal::SealStatusRequest::new(SealId::new(i), o.into()));
    /// `GET /v2/seal/remove`.
    seal_remove -> seal::SealRemoveRequest = id().prop_map(|i| seal::SealRemoveRequest::new(SealId::new(i)));
    /// `POST /v2/signatory/add`.
    signatory_add -> signatory::SignatoryAddRequest =
        (contract_ref(), signatory_of()).prop_map(|(c, s)| signatory::SignatoryAddRequest::new(c, s));
    /// `POST /v3/signatory/edit`.
    signatory_edit -> signatory::SignatoryEditRequest =
        (id(), name(), prop::option::of(user())).prop_map(|(i, t, u)| {
            let r = signatory::SignatoryEditRequest::new(SignatoryId::new(i)).tenant_name(t);
            match u { Some(u) => r.receiver(u), None => r }
        });
    /// `POST /v2/signatory/edit`.
    signatory_edit_v2 -> signatory::SignatoryEditV2Request =
        (id(), prop_oneof![name().prop_map(Ok), user().prop_map(Err)]).prop_map(|(i, to)| {
            let r = signatory::SignatoryEditV2Request::new(SignatoryId::new(i));
            match to { Ok(tenant) => r.tenant_name(tenant), Err(receiver) => r.receiver(receiver) }
        });
    /// `POST /v2/signatory/operators/edit`.
    signatory_operators_edit -> signatory::SignatoryOperatorsEditRequest =
        (contract_ref(), id(), prop::collection::vec(user(), 1..3)).prop_map(|(c, a, us)| {
            signatory::SignatoryOperatorsEditRequest::new(c, ActionId::new(a), us)
        });
    /// `GET /v2/signatory/identity`.
    signatory_identity -> signatory::SignatoryIdentityRequest =
        (contract_ref(), user()).prop_map(|(c, u)| signatory::SignatoryIdentityRequest::new(c, &u));
    /// `POST /v2/contract/companysign`.
    company_sign -> signing::CompanySignRequest = contract_ref().prop_map(signing::CompanySignRequest::new);
    /// `POST /v2/contract/legalpersonsign`.
    legal_person_sign -> signing::LegalPersonSignRequest = contract_ref().prop_map(signing::LegalPersonSignRequest::new);
    /// `POST /v2/contract/employeeaudit`.
    contract_audit -> signing::ContractAuditRequest =
        (contract_ref(), any::<bool>()).prop_map(|(c, p)| signing::ContractAuditRequest::new(c, p));
    /// `POST /v2/contract/notice`.
    contract_notice -> signing::ContractNoticeRequest = contract_ref().prop_map(signing::ContractNoticeRequest::new);
    /// `POST /v2/contract/pageurl`.
    contract_page_url -> signing::ContractPageUrlRequest =
        (contract_ref(), user()).prop_map(|(c, u)| signing::ContractPageUrlRequest::new(c, u));
    /// `POST /v2/contract/appointurl`.
    contract_appoint_url -> signing::ContractAppointUrlRequest = contract_ref().prop_map(signing::ContractAppointUrlRequest::new);
    /// `POST /v2/contract/invalid`.
    contract_invalid -> signing::ContractInvalidRequest = contract_ref().prop_map(signing::ContractInvalidRequest::new);
    /// `POST /v2/contract/invalidbyfile`.
    contract_invalid_by_file -> signing::ContractInvalidByFileRequest<FileSource> =
        (contract_ref(), upload_file()).prop_map(|(c, f)| signing::ContractInvalidByFileRequest::new(InvalidInfo::new(c), f));
    /// `POST /v2/contract/invalidbytemplate`.
    contract_invalid_by_template -> signing::ContractInvalidByTemplateRequest =
        (contract_ref(), id()).prop_map(|(c, t)| signing::ContractInvalidByTemplateRequest::new(c, crate::id::TemplateId::new(t)));
    /// `POST /v2/contract/invalidsign`.
    contract_invalid_sign -> signing::ContractInvalidSignRequest = contract_ref().prop_map(signing::ContractInvalidSignRequest::new);
    /// `POST /v2/contract/personalsign`.
    personal_sign -> signing::PersonalSignRequest =
        (contract_ref(), user()).prop_map(|(c, u)| signing::PersonalSignRequest::new(c, u));
    /// `GET /v2/template/list`.
    template_list -> template::TemplateListRequest =
        (0u64..1000, 1u64..=100).prop_map(|(o, l)| template::TemplateListRequest::new().select_offset(o).select_limit(l));
    /// `GET /v2/template/detail`.
    template_detail -> template::TemplateDetailRequest = id().prop_map(|i| template::TemplateDetailRequest::new(crate::id::TemplateId::new(i)));
    /// `GET /v2/template/pageurl`.
    template_page_url -> template::TemplatePageUrlRequest = id().prop_map(|i| template::TemplatePageUrlRequest::new(crate::id::TemplateId::new(i)));
    /// `GET /v2/template/download`.
    template_download -> template::TemplateDownloadRequest = id().prop_map(|i| template::TemplateDownloadRequest::new(crate::id::TemplateId::new(i)));
    /// `GET /v2/template/remove`.
    template_remove -> template::TemplateRemoveRequest = id().prop_map(|i| template::TemplateRemoveRequest::new(crate::id::TemplateId::new(i)));
    /// `POST /v2/template/edit`.
    template_edit -> template::TemplateEditRequest = id().prop_map(|i| template::TemplateEditRequest::new(crate::id::TemplateId::new(i)));
    /// `POST /v2/template/status`.
    template_status -> template::TemplateStatusRequest =
        (id(), prop::sample::select(vec!["ENABLE", "DISABLE"])).prop_map(|(i, o)| template::TemplateStatusRequest::new(crate::id::TemplateId::new(i), o.into()));
    /// `POST /v3/template/createbyword`.
    template_create_by_word -> template::TemplateCreateByWordRequest<FileSource> =
        (name(), upload_file_named("[a-z]{1,8}\\.docx")).prop_map(|(t, f)| template::TemplateCreateByWordRequest::new(t, f));
    /// `POST /v2/verify`.
    file_verify -> tools::FileVerifyRequest<FileSource> = upload_file_named("[a-z]{1,8}\\.pdf").prop_map(tools::FileVerifyRequest::new);
    /// `POST /v2/identity/verify`.
    identity_verify -> tools::IdentityVerifyRequest =
        (name(), "[1-9][0-9]{16}[0-9X]").prop_map(|(n, c)| tools::IdentityVerifyRequest::new(n, c));
    /// `POST /v2/companyinfo/verify`.
    company_info_verify -> tools::CompanyInfoVerifyRequest =
        (name(), "[0-9A-Z]{18}").prop_map(|(n, r)| tools::CompanyInfoVerifyRequest::new(n).register_no(r));
    /// The bank card OCR.
    bank_card_ocr -> tools::BankCardOcrRequest<FileSource> = upload_file().prop_map(tools::BankCardOcrRequest::from_image);
    /// The ID card OCR.
    id_card_ocr -> tools::IdCardOcrRequest<FileSource> = upload_file().prop_map(tools::IdCardOcrRequest::from_image);
    /// `POST /chain/evidence/electronic/prove/apply`.
    electronic_prove_apply -> tools::ElectronicProveApplyRequest = id().prop_map(tools::ElectronicProveApplyRequest::new);
    /// `POST /chain/evidence/complete/report/apply`.
    complete_report_apply -> tools::CompleteReportApplyRequest<FileSource> =
        (id(), prop::option::of(upload_file())).prop_map(|(c, f)| {
            let r = tools::CompleteReportApplyRequest::new(c);
            match f { Some(f) => r.prove_material(f), None => r }
        });
    /// `GET /chain/evidence/complete/report/status`.
    complete_report_status -> tools::CompleteReportStatusRequest = id().prop_map(tools::CompleteReportStatusRequest::new);
    /// `GET /chain/evidence/complete/report/download`.
    complete_report_download -> tools::CompleteReportDownloadRequest = id().prop_map(tools::CompleteReportDownloadRequest::new);
    /// `POST /v2/chain/notary`.
    chain_notary -> tools::ChainNotaryRequest<FileSource> =
        (name(), upload_file()).prop_map(|(n, f)| tools::ChainNotaryRequest::new(n).notary_file(f));
    /// `POST /uniformapi`.
    uniform_api -> uniform::UniformApiRequest<FileSource> =
        ("[a-zA-Z0-9=&]{1,40}", prop::option::of(upload_file())).prop_map(|(d, f)| {
            let r = uniform::UniformApiRequest::new(d);
            match f { Some(f) => r.file(f), None => r }
        });
    /// `GET /uniformapi` (a download).
    uniform_api_download -> uniform::UniformApiDownloadRequest = "[a-zA-Z0-9=&]{1,40}".prop_map(uniform::UniformApiDownloadRequest::new);
}

/// A generated request of some endpoint: its type's name and the unsigned request qys sends.
#[derive(Debug, Clone)]
pub struct EndpointRequest {
    /// The endpoint type's name, e.g. `ContractDetailRequest`.
    pub endpoint: &'static str,
    /// The request, without signing headers.
    pub request: UnsignedRequest,
}

/// Builds requests the way qys sends them, then takes the signing headers off again.
struct Builder(crate::core::Core);

impl Builder {
    fn new() -> Self {
        let placeholder = crate::Credentials::new("placeholder-token", "placeholder-secret");
        let signer = crate::Signer::new(placeholder.clone()).with_agent(placeholder);
        Self(
            crate::core::Core::new(crate::Environment::test(), signer)
                .expect("the test environment and placeholder credentials are valid"),
        )
    }

    fn params() -> crate::SigningParams {
        crate::SigningParams::new(0, crate::Nonce::new("placeholder").expect("a valid nonce"))
    }

    fn unsigned(request: http::Request<Vec<u8>>) -> UnsignedRequest {
        let (head, body) = request.into_parts();
        let mut headers = head.headers;
        for name in crate::verify::HeaderSet::AgentForTenant.headers() {
            headers.remove(*name);
        }
        UnsignedRequest::new(head.method, head.uri, headers, body)
    }

    fn call<E: Endpoint>(&self, endpoint: &E) -> UnsignedRequest {
        let request = self
            .0
            .prepare(endpoint, &Self::params())
            .expect("generated endpoints are valid");
        Self::unsigned(request.map(|b| b.to_vec()))
    }

    fn upload<E: Upload<Source = FileSource>>(&self, mut endpoint: E) -> UnsignedRequest {
        let request = self
            .0
            .prepare_upload(&endpoint, &Self::params())
            .expect("generated uploads are valid");
        let files: Vec<Vec<u8>> = endpoint
            .sources_mut()
            .into_iter()
            .map(|s| s.get_ref().clone())
            .collect();
        let slices: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        Self::unsigned(request.map(|framing| framing.to_bytes(&slices)))
    }

    fn download<E: Download>(&self, endpoint: &E) -> UnsignedRequest {
        let request = self
            .0
            .prepare_download(endpoint, &Self::params())
            .expect("generated downloads are valid");
        Self::unsigned(request.map(|b| b.to_vec()))
    }
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let plain = full.split('<').next().unwrap_or(full);
    plain.rsplit("::").next().unwrap_or(plain)
}

/// The requests of `strategy`, built by `build` and tagged with the endpoint's name.
fn tagged<E, S>(
    strategy: S,
    build: fn(&Builder, E) -> UnsignedRequest,
) -> BoxedStrategy<EndpointRequest>
where
    E: fmt::Debug + 'static,
    S: Strategy<Value = E> + 'static,
{
    strategy
        .prop_map(move |e| EndpointRequest {
            endpoint: short_name::<E>(),
            request: build(&Builder::new(), e),
        })
        .boxed()
}

fn call<E: Endpoint + fmt::Debug + 'static>(
    strategy: impl Strategy<Value = E> + 'static,
) -> BoxedStrategy<EndpointRequest> {
    tagged(strategy, |b, e| b.call(&e))
}

fn upload<E: Upload<Source = FileSource> + fmt::Debug + 'static>(
    strategy: impl Strategy<Value = E> + 'static,
) -> BoxedStrategy<EndpointRequest> {
    tagged(strategy, Builder::upload)
}

fn download<E: Download + fmt::Debug + 'static>(
    strategy: impl Strategy<Value = E> + 'static,
) -> BoxedStrategy<EndpointRequest> {
    tagged(strategy, |b, e| b.download(&e))
}

/// One strategy per endpoint type, each giving its requests as qys sends them (unsigned).
pub fn every_endpoint() -> Vec<BoxedStrategy<EndpointRequest>> {
    vec![
        call(app_info()),
        call(app_callback_update()),
        download(attachment_download()),
        call(personal_auth_page()),
        call(personal_auth_result()),
        call(company_auth_h5_page()),
        call(company_auth_pc_page()),
        upload(company_auth_license_h5_page()),
        upload(company_auth_license_pc_page()),
        call(company_auth_result()),
        call(sso_privilege_url()),
        call(personal_sign_auth_url()),
        call(personal_sign_deauthorize()),
        call(personal_sign_query()),
        call(category_list()),
        call(category_detail()),
        call(sub_company_list()),
        call(sub_company_invite()),
        call(sub_company_remove()),
        call(platform_info()),
        call(company_detail()),
        call(company_change_info()),
        call(company_fee_info()),
        call(contract_draft()),
        call(contract_send()),
        call(contract_copy_send()),
        call(contract_view_url()),
        call(contract_detail()),
        call(contract_list()),
        call(contract_force_end()),
        upload(contract_force_end_attachment()),
        call(contract_watermark()),
        call(contract_delay()),
        call(contract_stream()),
        call(contract_download_url()),
        call(contract_short_url()),
        call(contract_resend()),
        call(contract_modify()),
        call(contract_required_detail()),
        call(contract_join_url()),
        call(contract_personal_join_url()),
        call(check_health()),
        download(contract_download()),
        call(customer_add()),
        upload(document_add_by_file()),
        upload(document_add_by_files()),
        call(document_add_by_template()),
        download(document_download()),
        call(employee_list()),
        call(employee_create()),
        call(employee_update()),
        call(employee_detail()),
        call(employee_remove()),
        call(role_manage()),
        call(contract_sign_ticket()),
        call(contract_view_ticket()),
        call(personal_auth_ticket()),
        call(company_auth_ticket()),
        upload(company_auth_license_ticket()),
        call(personal_sign_auth_ticket()),
        call(saas_personal_sign_auth_ticket()),
        call(saas_seal_sign_auth_ticket()),
        upload(saas_company_auth_ticket()),
        call(saas_personal_auth_ticket()),
        call(saas_privilege_ticket()),
        call(saas_apply_app()),
        call(saas_reset_token()),
        call(saas_company_detail()),
        call(saas_company_auth_url()),
        upload(saas_company_auth_page_url()),
        call(saas_company_auth_result()),
        call(saas_personal_auth_page()),
        call(saas_personal_auth_result()),
        call(saas_personal_sign_auth_url()),
        call(saas_personal_sign_deauthorize()),
        call(saas_seal_sign_auth_url()),
        call(saas_privilege_url()),
        call(saas_privilege_query()),
        call(saas_app_access_control()),
        call(saas_company_access_control()),
        call(saas_personal_access_control()),
        call(saas_binding()),
        call(saas_check_health()),
        call(saas_platform_fee()),
        call(saas_fee_info()),
        call(saas_fee_init()),
        call(saas_fee_update()),
        call(seal_list()),
        download(seal_image()),
        call(seal_auto_create()),
        call(seal_detail()),
        call(seal_edit()),
        call(seal_create_by_image()),
        call(seal_status()),
        call(seal_remove()),
        call(signatory_add()),
        call(signatory_edit()),
        call(signatory_edit_v2()),
        call(signatory_operators_edit()),
        call(signatory_identity()),
        call(company_sign()),
        call(legal_person_sign()),
        call(contract_audit()),
        call(contract_notice()),
        call(contract_page_url()),
        call(contract_appoint_url()),
        call(contract_invalid()),
        upload(contract_invalid_by_file()),
        call(contract_invalid_by_template()),
        call(contract_invalid_sign()),
        call(personal_sign()),
        call(template_list()),
        call(template_detail()),
        call(template_page_url()),
        download(template_download()),
        call(template_remove()),
        call(template_edit()),
        call(template_status()),
        upload(template_create_by_word()),
        upload(file_verify()),
        call(identity_verify()),
        call(company_info_verify()),
        upload(bank_card_ocr()),
        upload(id_card_ocr()),
        call(electronic_prove_apply()),
        upload(complete_report_apply()),
        call(complete_report_status()),
        download(complete_report_download()),
        upload(chain_notary()),
        upload(uniform_api()),
        download(uniform_api_download()),
    ]
}

/// A request of any endpoint type, each type equally likely.
pub fn endpoint_request() -> impl Strategy<Value = EndpointRequest> {
    Union::new(every_endpoint())
}

/// A request of any endpoint of the realm `header_set` signs: `/saas/...` endpoints for the
/// agent sets, the others for the app sets.
pub fn endpoint_request_for(
    header_set: crate::verify::HeaderSet,
) -> impl Strategy<Value = EndpointRequest> {
    let agent = header_set.is_agent();
    // Filtering the union would waste most draws; pick the realm's endpoints up front.
    let realm: Vec<_> = every_endpoint()
        .into_iter()
        .zip(realm_of_every_endpoint())
        .filter(|(_, saas)| *saas == agent)
        .map(|(s, _)| s)
        .collect();
    Union::new(realm)
}

/// Whether each endpoint of [`every_endpoint`] is a `/saas/...` one, in the same order.
fn realm_of_every_endpoint() -> Vec<bool> {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    every_endpoint()
        .iter()
        .map(|s| {
            let sample = s
                .new_tree(&mut runner)
                .expect("every endpoint strategy generates")
                .current();
            sample.request.path().starts_with("/saas/")
        })
        .collect()
}
