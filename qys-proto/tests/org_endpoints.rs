//! The organization, seal, template, category, identity, authorization, tool, app, SaaS and
//! JS SDK endpoints: the exact request each builds, and a response fixture each parses.

use http::{HeaderMap, StatusCode};
use qys_proto::api::app::*;
use qys_proto::api::auth::*;
use qys_proto::api::authorization::*;
use qys_proto::api::category::*;
use qys_proto::api::company::*;
use qys_proto::api::customer::*;
use qys_proto::api::employee::*;
use qys_proto::api::miniapp::{
    CompanyField, PersonalAuthOptions, PersonalSignAuth, SignAuthOptions,
};
use qys_proto::api::org_types::{MemberOperate, Page, Role, Toggle};
use qys_proto::api::saas::*;
use qys_proto::api::seal::*;
use qys_proto::api::template::*;
use qys_proto::api::tools::*;
use qys_proto::api::uniform::*;
use qys_proto::endpoint::{Call, Download, Endpoint, Paged, Route, Upload};
use qys_proto::multipart::UploadFile;
use qys_proto::query::parse_query_string;
use qys_proto::types::{Company, Language, PageStyle, PersonalAuthMode, TemplateParam, User};
use qys_proto::{
    BuildErrorKind, Core, Credentials, Environment, Error, Nonce, Signer, SigningParams,
};
use serde_json::{Value, json};

const ID: &str = "2589012016299597907";

fn core() -> Core {
    Core::new(
        Environment::test(),
        Signer::new(Credentials::new("t", "s")).with_agent(Credentials::new("a", "b")),
    )
    .unwrap()
}

fn params() -> SigningParams {
    SigningParams::new(1565753984643, Nonce::new("n-1").unwrap())
}

/// Checks the signing headers: SaaS paths carry the agent pair, others never.
fn check_signed(headers: &http::HeaderMap, path: &str) {
    assert_eq!(headers["x-qys-open-timestamp"], "1565753984643");
    assert_eq!(headers["x-qys-open-nonce"], "n-1");
    if path.starts_with("/saas/") {
        assert_eq!(headers["x-qys-open-agentaccesstoken"], "a", "{path}");
        assert!(headers.contains_key("x-qys-open-agentsignature"), "{path}");
    } else {
        assert!(!headers.contains_key("x-qys-open-agentsignature"), "{path}");
        assert_eq!(headers["x-qys-open-accesstoken"], "t", "{path}");
    }
}

fn sorted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    v.sort();
    v
}

/// A GET with a query string (or none): method, path, decoded pairs, empty body.
fn get<E: Endpoint + Route>(ep: &E, path: &str, query: &[(&str, &str)]) {
    let req = core().prepare(ep, &params()).unwrap();
    assert_eq!(req.method(), "GET", "{path}");
    assert_eq!(req.uri().host(), Some("openapi.qiyuesuo.cn"));
    assert_eq!(req.uri().path(), path);
    let mut got = parse_query_string(req.uri().query().unwrap_or(""));
    got.sort();
    assert_eq!(got, sorted(query), "{path}");
    assert!(req.body().is_empty());
    assert!(!req.headers().contains_key("content-type"));
    check_signed(req.headers(), path);
}

/// A POST with a JSON body: method, path, content type, body as a JSON value.
fn post_json<E: Endpoint + Route>(ep: &E, path: &str, body: Value) {
    let req = core().prepare(ep, &params()).unwrap();
    assert_eq!(req.method(), "POST", "{path}");
    assert_eq!(req.uri().path(), path);
    assert_eq!(req.uri().query(), None);
    assert_eq!(
        req.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    check_signed(req.headers(), path);
    let sent: Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(sent, body, "{path}");
}

/// The two-item page fixtures: 2 in all, the first item is `ID`, the second `…908`.
macro_rules! assert_two_ids {
    ($page:expr) => {{
        let page = &$page;
        assert_eq!(page.total_count, Some(2));
        assert_eq!(page.list[0].id.as_ref().unwrap().as_str(), ID);
        assert_eq!(
            page.list[1].id.as_ref().unwrap().as_str(),
            "2589012016299597908"
        );
    }};
}

/// The same GET endpoint with several requests: each request and its query, as [`get`] checks.
fn gets<E: Endpoint + Route>(path: &str, cases: &[(E, &[(&str, &str)])]) {
    for (ep, query) in cases {
        get(ep, path, query);
    }
}

/// A POST with a JSON body whose answer is an [`Ack`](qys_proto::types::Ack) (read from
/// `ack_null`).
fn post_ack<E: Endpoint + Route>(ep: &E, path: &str, body: Value) {
    post_json(ep, path, body);
    parse::<E>("ack_null");
}

/// A GET that changes state: marked not idempotent (never retried blindly), answering an ack.
fn mutating_get<E: Endpoint + Route>(ep: &E, path: &str, query: &[(&str, &str)]) {
    get(ep, path, query);
    assert!(!E::IDEMPOTENT, "{path} must not be idempotent");
    parse::<E>("ack_null");
}

/// A download: method, path, decoded query pairs.
fn download<E: Download + Route>(ep: &E, path: &str, query: &[(&str, &str)]) {
    let req = core().prepare_download(ep, &params()).unwrap();
    assert_eq!(req.method(), "GET", "{path}");
    assert_eq!(req.uri().path(), path);
    let mut got = parse_query_string(req.uri().query().unwrap_or(""));
    got.sort();
    assert_eq!(got, sorted(query), "{path}");
    assert_eq!(req.headers()["accept"], "*/*");
    check_signed(req.headers(), path);
}

/// One multipart part: name, file name, bytes as text.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    value: String,
}

/// A multipart POST: method, path, exact length, and the parts in order. `files` are the bytes
/// of the file parts, in order.
fn upload<E: Upload>(ep: &E, path: &str, files: &[&[u8]]) -> Vec<Part> {
    let req = core().prepare_upload(ep, &params()).unwrap();
    assert_eq!(req.method(), "POST", "{path}");
    assert_eq!(req.uri().path(), path);
    check_signed(req.headers(), path);
    let m = req.body();
    let bytes = m.to_bytes(files);
    assert_eq!(m.content_length(), bytes.len() as u64, "{path}");
    assert_eq!(
        req.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    assert_eq!(
        req.headers()["content-type"].to_str().unwrap(),
        m.content_type()
    );
    split_parts(&String::from_utf8(bytes).unwrap(), m.boundary())
}

/// A text-only multipart POST (an [`Endpoint`] with a form payload): its parts in order.
fn form<E: Endpoint>(ep: &E, path: &str) -> Vec<Part> {
    let req = core().prepare(ep, &params()).unwrap();
    assert_eq!(req.method(), "POST", "{path}");
    assert_eq!(req.uri().path(), path);
    check_signed(req.headers(), path);
    let content_type = req.headers()["content-type"].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("{content_type}"));
    split_parts(std::str::from_utf8(req.body()).unwrap(), boundary)
}

fn split_parts(text: &str, boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in text.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n").unwrap();
        let chunk = chunk.strip_suffix("\r\n").unwrap();
        let (head, value) = chunk.split_once("\r\n\r\n").unwrap();
        let attr = |key: &str| {
            head.split(&format!(" {key}=\""))
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_owned())
        };
        parts.push(Part {
            name: attr("name").unwrap(),
            file_name: attr("filename"),
            value: value.to_owned(),
        });
    }
    parts
}

fn names(parts: &[Part]) -> Vec<&str> {
    parts.iter().map(|p| p.name.as_str()).collect()
}

fn part<'a>(parts: &'a [Part], name: &str) -> &'a str {
    &parts
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no part {name}"))
        .value
}

fn json_part(parts: &[Part], name: &str) -> Value {
    serde_json::from_str(part(parts, name)).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/testdata/responses/org/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Parses the fixture as the answer to `E`.
fn parse<E: Call>(name: &str) -> E::Response {
    core()
        .parse_parts::<E>(StatusCode::OK, &HeaderMap::new(), &fixture(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn invalid<E: Endpoint>(ep: &E) {
    match core().prepare(ep, &params()) {
        Err(Error::Build(b)) => assert_eq!(b.kind(), BuildErrorKind::InvalidArgument),
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

fn invalid_upload<E: Upload>(ep: &E) {
    match core().prepare_upload(ep, &params()) {
        Err(Error::Build(b)) => assert_eq!(b.kind(), BuildErrorKind::InvalidArgument),
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

fn zhang() -> User {
    User::mobile("13800000000").with_name("张三")
}

fn zhang_json() -> Value {
    json!({"contact": "13800000000", "contactType": "MOBILE", "name": "张三"})
}

fn file(name: &str, bytes: &'static [u8]) -> UploadFile<&'static [u8]> {
    UploadFile::new(name, bytes.len() as u64, bytes)
}

// --- 组织架构: company ---------------------------------------------------------------------------

#[test]
fn sub_company_list() {
    get(&SubCompanyListRequest::new(), "/v2/company/list", &[]);
    let page = parse::<SubCompanyListRequest>("sub_company_list");
    assert_eq!(page.total_count, None);
    assert_eq!(page.list.len(), 2);
    assert_eq!(page.list[0].id.as_ref().unwrap().as_str(), ID);
    assert_eq!(
        page.list[1].id.as_ref().unwrap().as_str(),
        "2589012016299597908"
    );
    assert_eq!(
        page.list[1].status,
        Some(qys_proto::api::org_types::CompanyStatus::Unregistered)
    );
}

#[test]
fn sub_company_invite() {
    let ep = SubCompanyInviteRequest::new("子公司甲")
        .register_no("91330100MA2AYQ4X1L")
        .callback_url("https://example.com/cb");
    post_ack(
        &ep,
        "/v2/subcompany/invite",
        json!({"companyName": "子公司甲", "registerNo": "91330100MA2AYQ4X1L", "callbackUrl": "https://example.com/cb"}),
    );
    invalid(&SubCompanyInviteRequest::new(" "));
}

#[test]
fn sub_company_remove_is_a_mutating_get() {
    let ep = SubCompanyRemoveRequest::new("子公司 甲&乙");
    get(
        &ep,
        "/v2/subcompany/remove",
        &[("companyName", "子公司 甲&乙")],
    );
    const { assert!(!SubCompanyRemoveRequest::IDEMPOTENT) };
    parse::<SubCompanyRemoveRequest>("ticketless_ok");
}

#[test]
fn platform_info() {
    get(&PlatformInfoRequest::new(), "/company/platforminfo", &[]);
    let info = parse::<PlatformInfoRequest>("company_info");
    assert_eq!(info.id.unwrap().as_str(), ID);
    assert_eq!(
        info.status,
        Some(qys_proto::api::org_types::CompanyStatus::AuthSuccess)
    );
    assert_eq!(info.extra["certified"], json!(true));
}

#[test]
fn company_detail() {
    gets(
        "/v2/company/detail",
        &[
            (
                CompanyDetailRequest::by_name("杭州契约锁科技有限公司"),
                &[("companyName", "杭州契约锁科技有限公司")],
            ),
            (
                CompanyDetailRequest::by_register_no("91330100MA2AYQ4X1L"),
                &[("registerNo", "91330100MA2AYQ4X1L")],
            ),
        ],
    );
    invalid(&CompanyDetailRequest::by_name(""));
    let info = parse::<CompanyDetailRequest>("company_info");
    assert_eq!(info.legal_person.as_deref(), Some("张三"));
    assert_eq!(info.auth_end_time.as_deref(), Some("2027-01-01 00:00:00"));
}

#[test]
fn company_change_info() {
    let ep = CompanyChangeInfoRequest::new(zhang())
        .company_id(qys_proto::CompanyId::new(ID))
        .h5(true);
    post_json(
        &ep,
        "/v2/company/changeinfo",
        json!({"applicant": zhang_json(), "companyId": ID, "h5": true}),
    );
    invalid(&CompanyChangeInfoRequest::new(zhang()));
    invalid(
        &CompanyChangeInfoRequest::new(User::new("E1", qys_proto::types::ContactType::EmployeeId))
            .company_name("甲"),
    );
    let link = parse::<CompanyChangeInfoRequest>("link_page_url");
    assert_eq!(link.url, "https://cloud.qiyuesuo.cn/page?t=1");
    assert_eq!(link.extra["expireTime"], json!("2024-01-01 10:05:00"));
}

#[test]
fn company_fee_info() {
    gets(
        "/v2/company/fee/info",
        &[
            (CompanyFeeInfoRequest::new(), &[]),
            (
                CompanyFeeInfoRequest::new().company_name("子公司甲"),
                &[("companyName", "子公司甲")],
            ),
        ],
    );
    let fee = parse::<CompanyFeeInfoRequest>("fee_info");
    assert_eq!(fee.balance, Some(100.5));
    assert_eq!(fee.extra["payMode"], json!("PREPAID"));
}

// --- 组织架构: employees -------------------------------------------------------------------------

#[test]
fn employee_list_and_paging() {
    let ep = EmployeeListRequest::new()
        .role(Role::SealAdmin)
        .tenant_name("子公司甲")
        .select_limit(2);
    get(
        &ep,
        "/v2/employee/list",
        &[
            ("role", "SEAL_ADMIN"),
            ("tenantName", "子公司甲"),
            ("selectOffset", "0"),
            ("selectLimit", "2"),
        ],
    );
    let page = parse::<EmployeeListRequest>("employee_page");
    assert_two_ids!(page);
    assert!(page.list[1].roles.is_empty());
    let (items, total) = EmployeeListRequest::items(page);
    assert_eq!(ep.next_offset(items.len(), total), None);
    assert_eq!(ep.next_offset(2, Some(5)), Some(2));
    assert_eq!(ep.with_offset(2).offset(), 2);
    // 员工列表 gives `selectLimit` a default (1000) but no range: any limit is sent.
    get(
        &EmployeeListRequest::new().select_limit(1001),
        "/v2/employee/list",
        &[("selectOffset", "0"), ("selectLimit", "1001")],
    );
    get(
        &EmployeeListRequest::new().select_limit(0),
        "/v2/employee/list",
        &[("selectOffset", "0"), ("selectLimit", "0")],
    );
}

#[test]
fn employee_create() {
    let ep = EmployeeCreateRequest::new(zhang())
        .number("E001")
        .tenant_name("子公司甲");
    post_json(
        &ep,
        "/v2/employee/create",
        json!({"user": zhang_json(), "number": "E001", "tenantName": "子公司甲"}),
    );
    invalid(&EmployeeCreateRequest::new(User::mobile("13800000000")));
    let e = parse::<EmployeeCreateRequest>("employee").unwrap();
    assert_eq!(e.extra["department"], json!("法务部"));
    assert!(parse::<EmployeeCreateRequest>("ack_null").is_none());
}

#[test]
fn employee_detail_reads_only() {
    post_json(
        &EmployeeDetailRequest::new(zhang()),
        "/v2/employee/detail",
        json!({"user": zhang_json()}),
    );
    const { assert!(EmployeeDetailRequest::IDEMPOTENT) };
    let e = parse::<EmployeeDetailRequest>("employee").unwrap();
    assert_eq!(e.id.unwrap().as_str(), ID);
    assert_eq!(e.name.as_deref(), Some("张三"));
}

#[test]
fn employee_remove_has_a_flat_body() {
    let ep = EmployeeRemoveRequest::new(zhang()).transfer_employee("13900000000");
    post_json(
        &ep,
        "/v2/employee/remove",
        json!({"contact": "13800000000", "contactType": "MOBILE", "transferEmployee": "13900000000"}),
    );
    invalid(&EmployeeRemoveRequest::new(User::new(
        "7",
        qys_proto::types::ContactType::Number,
    )));
    parse::<EmployeeRemoveRequest>("ack_null");
}

#[test]
fn role_manage() {
    let ep = RoleManageRequest::new(Role::TemplateAdmin, [zhang()]).operate(MemberOperate::Remove);
    post_json(
        &ep,
        "/v2/role/manage",
        json!({"role": "TEMPLATE_ADMIN", "users": [zhang_json()], "operate": "REMOVE"}),
    );
    invalid(&RoleManageRequest::new(Role::SystemAdmin, [zhang()]));
    // No doc marks `users` required: an empty list is left out and the call is sent.
    post_json(
        &RoleManageRequest::new(Role::SealAdmin, []),
        "/v2/role/manage",
        json!({"role": "SEAL_ADMIN"}),
    );
    parse::<RoleManageRequest>("ack_null");
}

// --- 印章管理 -------------------------------------------------------------------------------------

#[test]
fn seal_list() {
    let ep = SealListRequest::new()
        .tenant_name("子公司甲")
        .status(SealStatus::All)
        .modify_time_start("2024-01-01 00:00:00");
    get(
        &ep,
        "/v2/seal/list",
        &[
            ("selectOffset", "0"),
            ("selectLimit", "1000"),
            ("tenantName", "子公司甲"),
            ("status", "ALL"),
            ("modifyTimeStart", "2024-01-01 00:00:00"),
        ],
    );
    invalid(&SealListRequest::new().modify_time_end("2024-01-01"));
    let page = parse::<SealListRequest>("seal_page");
    assert_two_ids!(page);
    assert_eq!(page.list[1].seal_type, Some(SealType::Lp));
    assert_eq!(page.list[1].spec, Some(SealSpec::Square20));
    assert_eq!(page.list[1].status, Some(SealStatus::Freeze));
}

#[test]
fn seal_image_download() {
    download(
        &SealImageRequest::new(qys_proto::SealId::new(ID)),
        "/v2/seal/image",
        &[("sealId", ID)],
    );
    assert!(
        core()
            .prepare_download(&SealImageRequest::new(""), &params())
            .is_err()
    );
}

#[test]
fn seal_auto_create() {
    let mut image = SealImageInfo::new(SealStyle::SpecialSeal);
    image.foot = Some("合同专用章".into());
    image.spec = Some(SealSpec::Circular40);
    let ep = SealAutoCreateRequest::new("合同专用章", image).users([zhang()]);
    post_json(
        &ep,
        "/v2/seal/autocreate",
        json!({"name": "合同专用章", "sealImageInfo": {"style": "SPECIAL_SEAL", "spec": "CIRCULAR_40", "foot": "合同专用章"}, "users": [zhang_json()]}),
    );
    invalid(&SealAutoCreateRequest::new(
        "x",
        SealImageInfo::new(SealStyle::SpecialSeal),
    ));
    invalid(&SealAutoCreateRequest::new(
        "x",
        SealImageInfo::new(SealStyle::ForeignMixSeal),
    ));
    let mut bad_code = SealImageInfo::new(SealStyle::UniversalSeal);
    bad_code.enterprise_code = Some("12ab".into());
    invalid(&SealAutoCreateRequest::new("x", bad_code));
    invalid(&SealAutoCreateRequest::new(
        "印".repeat(101),
        SealImageInfo::new(SealStyle::UniversalSeal),
    ));
    assert_eq!(
        parse::<SealAutoCreateRequest>("seal_created")
            .id
            .unwrap()
            .as_str(),
        ID
    );
}

#[test]
fn seal_detail() {
    get(
        &SealDetailRequest::new(qys_proto::SealId::new(ID)),
        "/v2/seal/sealdetail",
        &[("sealId", ID)],
    );
    let seal = parse::<SealDetailRequest>("seal_detail");
    assert_eq!(seal.users.len(), 2);
    // A user named by `mobile` only: kept as sent.
    assert_eq!(seal.users[1].mobile.as_deref(), Some("13900000000"));
    assert_eq!(seal.users[1].contact, "");
    assert_eq!(seal.extra["category"], json!("CONTRACT"));
}

#[test]
fn seal_edit() {
    let ep = SealEditRequest::new(qys_proto::SealId::new(ID))
        .seal_name("新名字")
        .seal_users([zhang()])
        .operate(MemberOperate::Add);
    post_ack(
        &ep,
        "/v2/seal/edit",
        json!({"sealId": ID, "sealName": "新名字", "sealUsers": [zhang_json()], "operate": "ADD"}),
    );
}

#[test]
fn seal_create_by_image() {
    let ep = SealCreateByImageRequest::new("法人章", "iVBORw0KGgo=")
        .seal_type(SealType::Lp)
        .lp_letter("JVBERi0=")
        .seal_spec(SealSpec::DiySpec)
        .width(30u32)
        .height(30u32)
        .callback_url("https://example.com/seal");
    post_json(
        &ep,
        "/v2/seal/createbyimage",
        json!({"sealName": "法人章", "sealImage": "iVBORw0KGgo=", "sealType": "LP", "lpLetter": "JVBERi0=", "sealSpec": "DIY_SPEC", "width": 30, "height": 30, "callbackUrl": "https://example.com/seal"}),
    );
    invalid(&SealCreateByImageRequest::new(
        "x",
        "data:image/png;base64,iVBO",
    ));
    invalid(&SealCreateByImageRequest::new("x", "iVBO").seal_type(SealType::Lp));
    invalid(&SealCreateByImageRequest::new("x", "iVBO").width(10u32));
    assert_eq!(
        parse::<SealCreateByImageRequest>("seal_apply")
            .apply_id
            .as_deref(),
        Some("2589012016299597909")
    );
}

// --- 模板管理 -------------------------------------------------------------------------------------

#[test]
fn template_list() {
    get(
        &TemplateListRequest::new()
            .select_offset(10)
            .select_limit(10)
            .tenant_name("子公司甲"),
        "/v2/template/list",
        &[
            ("selectOffset", "10"),
            ("selectLimit", "10"),
            ("tenantName", "子公司甲"),
        ],
    );
    let page = parse::<TemplateListRequest>("template_page");
    let t = &page.list[0];
    assert_eq!(t.id.as_ref().unwrap().as_str(), ID);
    assert_eq!(t.parameters[0].required, Some(true));
    assert_eq!(t.parameters[1].param_type.as_deref(), Some("DATE"));
}

#[test]
fn template_detail() {
    get(
        &TemplateDetailRequest::new(qys_proto::TemplateId::new(ID)),
        "/v2/template/detail",
        &[("templateId", ID)],
    );
    let t = parse::<TemplateDetailRequest>("template_detail");
    // The answer names them `title` and `state`: kept under those names.
    assert_eq!(t.title.as_deref(), Some("劳动合同"));
    assert_eq!(t.state.as_deref(), Some("DISABLE"));
    assert_eq!(t.parameters[0].options.len(), 2);
    assert_eq!(t.parameters[0].default_value.as_deref(), Some("研发"));
}

#[test]
fn template_page_url() {
    get(
        &TemplatePageUrlRequest::new(qys_proto::TemplateId::new(ID)),
        "/v2/template/pageurl",
        &[("templateId", ID)],
    );
    assert_eq!(
        parse::<TemplatePageUrlRequest>("link_bare").url,
        "https://cloud.qiyuesuo.cn/page?t=2"
    );
    assert!(
        core()
            .parse_parts::<TemplatePageUrlRequest>(
                StatusCode::OK,
                &HeaderMap::new(),
                &fixture("ack_null")
            )
            .is_err()
    );
}

#[test]
fn template_create_by_word() {
    let ep = TemplateCreateByWordRequest::new("劳动合同", file("劳动合同.docx", b"DOCX"))
        .rename_repeat_param(true)
        .managers([zhang()])
        .status(TemplateState::Disable);
    let parts = upload(&ep, "/v3/template/createbyword", &[b"DOCX"]);
    assert_eq!(
        names(&parts),
        [
            "managersInfo",
            "renameRepeatParam",
            "status",
            "title",
            "file"
        ]
    );
    assert_eq!(part(&parts, "title"), "劳动合同");
    assert_eq!(part(&parts, "renameRepeatParam"), "true");
    assert_eq!(json_part(&parts, "managersInfo"), json!([zhang_json()]));
    assert_eq!(parts[4].file_name.as_deref(), Some("劳动合同.docx"));
    assert_eq!(parts[4].value, "DOCX");
    invalid_upload(&TemplateCreateByWordRequest::new(
        "x",
        file("a.pdf", b"PDF"),
    ));
    invalid_upload(&TemplateCreateByWordRequest::new(
        "x",
        UploadFile::new("a.docx", 10 * 1024 * 1024, &b""[..]),
    ));
    assert_eq!(
        parse::<TemplateCreateByWordRequest<&[u8]>>("template_created")
            .template_id
            .as_str(),
        ID
    );
}

#[test]
fn template_edit() {
    let mut p = TemplateParam::new("乙方", "");
    p.value = None;
    p.required = Some(true);
    let ep = TemplateEditRequest::new(qys_proto::TemplateId::new(ID))
        .title("新模板")
        .template_params([p])
        .range([zhang()]);
    post_ack(
        &ep,
        "/v2/template/edit",
        json!({"templateId": ID, "title": "新模板", "templateParams": [{"name": "乙方", "required": true}], "range": [zhang_json()]}),
    );
}

// --- 业务分类 -------------------------------------------------------------------------------------

#[test]
fn category_list() {
    get(
        &CategoryListRequest::new().modify_time_end("2024-12-31 23:59:59"),
        "/v2/category/list",
        &[
            ("selectOffset", "0"),
            ("selectLimit", "1000"),
            ("modifyTimeEnd", "2024-12-31 23:59:59"),
        ],
    );
    let page = parse::<CategoryListRequest>("category_page");
    assert_two_ids!(page);
}

#[test]
fn category_detail() {
    gets(
        "/v2/category/detail",
        &[
            (
                CategoryDetailRequest::by_name("采购 合同").tenant_name("子公司甲"),
                &[("categoryName", "采购 合同"), ("tenantName", "子公司甲")],
            ),
            (
                CategoryDetailRequest::by_id(qys_proto::CategoryId::new(ID)),
                &[("categoryId", ID)],
            ),
        ],
    );
    invalid(&CategoryDetailRequest::by_name(""));
    let d = parse::<CategoryDetailRequest>("category_detail");
    assert_eq!(d.define_signatories, Some(true));
    assert_eq!(d.define_sponsor, Some(false));
    assert_eq!(
        d.templates[0].id.as_ref().unwrap().as_str(),
        "2589012016299597910"
    );
    assert_eq!(d.signatories[0].actions.len(), 1);
}

// --- 个人认证 / 企业认证 ---------------------------------------------------------------------------

#[test]
fn personal_auth_page() {
    let options = PersonalAuthOptions {
        mode: Some(PersonalAuthMode::Ivs),
        other_modes: vec![PersonalAuthMode::Face],
        ..PersonalAuthOptions::default()
    };
    let ep = PersonalAuthPageRequest::new(zhang())
        .with_options(options)
        .callback_page("https://example.com/done")
        .lang(Language::English)
        .page_style(PageStyle {
            theme_color: "#1F7FFF".into(),
        });
    post_json(
        &ep,
        "/v2/personalauth",
        json!({"user": zhang_json(), "mode": "IVS", "otherModes": ["FACE"], "callbackPage": "https://example.com/done", "lang": "en", "pageStyle": {"themeColor": "#1F7FFF"}}),
    );
    invalid(&PersonalAuthPageRequest::new(User::new(
        "E1",
        qys_proto::types::ContactType::EmployeeId,
    )));
    let link = parse::<PersonalAuthPageRequest>("personal_auth_link");
    assert_eq!(link.auth_id.as_deref(), Some(ID));
    assert!(link.auth_url.unwrap().starts_with("https://"));
}

#[test]
fn personal_auth_result() {
    gets(
        "/v2/personalauth/result",
        &[
            (PersonalAuthResultRequest::by_auth_id(ID), &[("authId", ID)]),
            (
                PersonalAuthResultRequest::by_user(&User::email("a+b@example.com")),
                &[("contact", "a+b@example.com"), ("contactType", "EMAIL")],
            ),
        ],
    );
    invalid(&PersonalAuthResultRequest::by_auth_id(""));
    let r = parse::<PersonalAuthResultRequest>("personal_auth_result");
    assert_eq!(r.real_name, Some(true));
    assert_eq!(r.mode.as_deref(), Some("FACEID"));
}

fn company_auth_options() -> CompanyAuthOptions {
    CompanyAuthOptions {
        register_no: Some("91330100MA2AYQ4X1L".into()),
        close_button: Some(false),
        modify_fields: vec![CompanyField::CorpName, CompanyField::License],
        lang: Some(Language::Chinese),
        ..CompanyAuthOptions::default()
    }
}

#[test]
fn company_auth_pc_and_h5_pages() {
    let body = json!({"companyName": "杭州契约锁科技有限公司", "applicant": zhang_json(), "registerNo": "91330100MA2AYQ4X1L", "closeButton": false, "modifyFields": "corpName,license", "lang": "cn", "pageStyle": {"themeColor": "#000000"}});
    let page = CompanyAuthPage::new("杭州契约锁科技有限公司", zhang())
        .with_options(company_auth_options())
        .page_style(PageStyle {
            theme_color: "#000000".into(),
        });
    post_json(
        &CompanyAuthPcPageRequest::from(page.clone()),
        "/companyauth/pcpage",
        body.clone(),
    );
    post_json(
        &CompanyAuthH5PageRequest::from(page),
        "/companyauth/h5page",
        body,
    );
    post_json(
        &CompanyAuthPcPageRequest::new("杭州契约锁科技有限公司", zhang()),
        "/companyauth/pcpage",
        json!({"companyName": "杭州契约锁科技有限公司", "applicant": zhang_json()}),
    );
    invalid(&CompanyAuthPcPageRequest::new("", zhang()));
    let link = parse::<CompanyAuthH5PageRequest>("company_auth_link");
    assert_eq!(link.request_id.as_deref(), Some(ID));
    parse::<CompanyAuthPcPageRequest>("company_auth_link");
}

#[test]
fn company_auth_license_pages_are_multipart() {
    for (parts, path) in [
        (
            upload(
                &CompanyAuthLicensePcPageRequest::from_page(
                    CompanyAuthLicensePage::new("杭州契约锁科技有限公司", zhang())
                        .with_options(company_auth_options())
                        .page_style(PageStyle {
                            theme_color: "#000000".into(),
                        }),
                    file("营业执照.png", b"PNG"),
                ),
                "/companyauth/pcpagewithlicense",
                &[b"PNG"],
            ),
            "pc",
        ),
        (
            upload(
                &CompanyAuthLicenseH5PageRequest::from_page(
                    CompanyAuthLicensePage::new("杭州契约锁科技有限公司", zhang())
                        .with_options(company_auth_options())
                        .page_style(PageStyle {
                            theme_color: "#000000".into(),
                        }),
                    file("营业执照.png", b"PNG"),
                ),
                "/companyauth/h5pagewithlicense",
                &[b"PNG"],
            ),
            "h5",
        ),
    ] {
        let mut got = names(&parts);
        assert_eq!(got.pop(), Some("license"), "{path}");
        got.sort_unstable();
        assert_eq!(
            got,
            [
                "applicantInfo",
                "closeButton",
                "companyName",
                "lang",
                "modifyFields",
                "pageStyleInfo",
                "registerNo"
            ]
        );
        assert_eq!(json_part(&parts, "applicantInfo"), zhang_json());
        assert_eq!(
            json_part(&parts, "pageStyleInfo"),
            json!({"themeColor": "#000000"})
        );
        assert_eq!(part(&parts, "companyName"), "杭州契约锁科技有限公司");
        assert_eq!(part(&parts, "registerNo"), "91330100MA2AYQ4X1L");
        assert_eq!(part(&parts, "lang"), "cn");
        assert_eq!(part(&parts, "modifyFields"), "corpName,license");
        assert_eq!(part(&parts, "closeButton"), "false");
        assert_eq!(part(&parts, "license"), "PNG");
    }
    invalid_upload(&CompanyAuthLicensePcPageRequest::new(
        "甲",
        User::new("1", qys_proto::types::ContactType::BizId),
        file("a.png", b"PNG"),
    ));
    parse::<CompanyAuthLicensePcPageRequest<&[u8]>>("company_auth_link");
    parse::<CompanyAuthLicenseH5PageRequest<&[u8]>>("company_auth_link");
}

#[test]
fn company_auth_result() {
    gets(
        "/companyauth/result",
        &[
            (
                CompanyAuthResultRequest::by_company_name("杭州契约锁科技有限公司"),
                &[("companyName", "杭州契约锁科技有限公司")],
            ),
            (
                CompanyAuthResultRequest::by_request_id(ID),
                &[("requestId", ID)],
            ),
        ],
    );
    invalid(&CompanyAuthResultRequest::by_request_id(" "));
    let r = parse::<CompanyAuthResultRequest>("company_auth_result");
    assert_eq!(r.status, Some(2));
    assert_eq!(r.basic_status, Some(3));
    assert_eq!(r.applicant.as_deref(), Some("张三"));
}

// --- 外部客户 / 授权管理 ---------------------------------------------------------------------------

#[test]
fn customer_add() {
    post_json(
        &CustomerAddRequest::company("客户公司", zhang()).alternate_contact("0571-1234"),
        "/v2/customer/add",
        json!({"tenantType": "COMPANY", "companyName": "客户公司", "user": zhang_json(), "alternateContact": "0571-1234"}),
    );
    post_json(
        &CustomerAddRequest::personal(zhang()),
        "/v2/customer/add",
        json!({"tenantType": "PERSONAL", "user": zhang_json()}),
    );
    invalid(&CustomerAddRequest::company("", zhang()));
    parse::<CustomerAddRequest>("ack_null");
}

#[test]
fn sso_privilege_url() {
    post_json(
        &SsoPrivilegeUrlRequest::new(Company::by_name("杭州契约锁科技有限公司"), zhang())
            .success_url("https://example.com/ok"),
        "/v2/ssoprivilege/url",
        json!({"company": {"name": "杭州契约锁科技有限公司"}, "user": zhang_json(), "successUrl": "https://example.com/ok"}),
    );
    invalid(&SsoPrivilegeUrlRequest::new(Company::by_name(""), zhang()));
    assert_eq!(
        parse::<SsoPrivilegeUrlRequest>("link_page_url").url,
        "https://cloud.qiyuesuo.cn/page?t=1"
    );
}

#[test]
fn personal_sign_auth_url() {
    let options = SignAuthOptions {
        auth_deadline: Some("2025-12-31".into()),
        allow_personal_auto: Some(true),
        ..SignAuthOptions::default()
    };
    post_json(
        &PersonalSignAuthUrlRequest::from(
            PersonalSignAuth::new(zhang())
                .with_options(options)
                .tenant_name("子公司甲"),
        )
        .callback_page("https://example.com/back"),
        "/v2/personalsign/authurl",
        json!({"user": zhang_json(), "authDeadline": "2025-12-31", "allowPersonalAuto": true, "tenantName": "子公司甲", "callbackPage": "https://example.com/back"}),
    );
    parse::<PersonalSignAuthUrlRequest>("link_bare");
}

#[test]
fn personal_sign_query_reads_only() {
    post_json(
        &PersonalSignQueryRequest::new(zhang()).auth_status("EFFECTIVE"),
        "/v2/personalsign/query",
        json!({"user": zhang_json(), "authStatus": "EFFECTIVE"}),
    );
    const { assert!(PersonalSignQueryRequest::IDEMPOTENT) };
    let page: Page<Value> = parse::<PersonalSignQueryRequest>("personalsign_records");
    assert_eq!(page.list[0]["authDeadline"], json!("2025-01-01"));
}

// --- 辅助工具 / 信息校验 / 区块链存证 -----------------------------------------------------------------

#[test]
fn file_verify() {
    let parts = upload(
        &FileVerifyRequest::new(file("合同.pdf", b"%PDF")).show_img(true),
        "/v2/verify",
        &[b"%PDF"],
    );
    assert_eq!(names(&parts), ["showImg", "file"]);
    assert_eq!(part(&parts, "showImg"), "true");
    assert_eq!(parts[1].file_name.as_deref(), Some("合同.pdf"));
    invalid_upload(&FileVerifyRequest::new(file("a.docx", b"x")));
    let v = parse::<FileVerifyRequest<&[u8]>>("opaque");
    assert_eq!(v["id"], json!(2589012016299597907u64));
}

#[test]
fn identity_verify() {
    post_json(
        &IdentityVerifyRequest::new("张三", "330100199001011234").mobile("13800000000"),
        "/v2/identity/verify",
        json!({"name": "张三", "cardNo": "330100199001011234", "mobile": "13800000000"}),
    );
    invalid(&IdentityVerifyRequest::new("张三", ""));
    const { assert!(!IdentityVerifyRequest::IDEMPOTENT) };
    parse::<IdentityVerifyRequest>("opaque");
}

#[test]
fn company_info_verify() {
    post_json(
        &CompanyInfoVerifyRequest::new("杭州契约锁科技有限公司")
            .register_no("91330100MA2AYQ4X1L")
            .legal_person("张三"),
        "/v2/companyinfo/verify",
        json!({"companyName": "杭州契约锁科技有限公司", "registerNo": "91330100MA2AYQ4X1L", "legalPerson": "张三"}),
    );
    parse::<CompanyInfoVerifyRequest>("opaque");
}

#[test]
fn ocr_by_image_or_url() {
    let parts = upload(
        &IdCardOcrRequest::from_image(file("身份证.jpg", b"JPG")),
        "/v2/ocr/idcard",
        &[b"JPG"],
    );
    assert_eq!(names(&parts), ["image"]);
    assert_eq!(part(&parts, "image"), "JPG");
    let parts = upload(
        &IdCardOcrRequest::<&[u8]>::from_url("https://example.com/id.jpg"),
        "/v2/ocr/idcard",
        &[],
    );
    assert_eq!(names(&parts), ["imageUrl"]);
    assert_eq!(part(&parts, "imageUrl"), "https://example.com/id.jpg");
    let parts = upload(
        &BankCardOcrRequest::<&[u8]>::from_url("https://example.com/card.jpg"),
        "/v2/ocr/bankcard",
        &[],
    );
    assert_eq!(names(&parts), ["imageUrl"]);
    assert_eq!(part(&parts, "imageUrl"), "https://example.com/card.jpg");
    let parts = upload(
        &BankCardOcrRequest::from_image(file("卡.png", b"PNG")),
        "/v2/ocr/bankcard",
        &[b"PNG"],
    );
    assert_eq!(names(&parts), ["image"]);
    assert_eq!(part(&parts, "image"), "PNG");
    invalid_upload(&IdCardOcrRequest::<&[u8]>::from_url(""));
    invalid_upload(&BankCardOcrRequest::<&[u8]>::from_url(" "));
    parse::<IdCardOcrRequest<&[u8]>>("opaque");
    parse::<BankCardOcrRequest<&[u8]>>("opaque");
}

#[test]
fn electronic_prove_apply_is_multipart_without_files() {
    let parts = form(
        &ElectronicProveApplyRequest::new("chain-1")
            .prove_data_id("d-1")
            .operator_info(zhang()),
        "/chain/evidence/electronic/prove/apply",
    );
    assert_eq!(names(&parts), ["chainId", "operatorInfo", "proveDataId"]);
    assert_eq!(json_part(&parts, "operatorInfo"), zhang_json());
    invalid(&ElectronicProveApplyRequest::new(""));
    parse::<ElectronicProveApplyRequest>("opaque");
}

#[test]
fn complete_report_apply_repeats_prove_material() {
    let ep = CompleteReportApplyRequest::new("chain-1")
        .prove_source(1)
        .document_ids([
            qys_proto::DocumentId::new(ID),
            qys_proto::DocumentId::new("2"),
        ])
        .prove_material(file("a.pdf", b"A"))
        .prove_material(file("b.pdf", b"BB"));
    let parts = upload(&ep, "/chain/evidence/complete/report/apply", &[b"A", b"BB"]);
    assert_eq!(
        names(&parts),
        [
            "chainId",
            "documentIds",
            "proveSource",
            "proveMaterial",
            "proveMaterial"
        ]
    );
    assert_eq!(part(&parts, "documentIds"), format!("{ID},2"));
    assert_eq!(part(&parts, "proveSource"), "1");
    assert_eq!(parts[4].value, "BB");
    parse::<CompleteReportApplyRequest<&[u8]>>("opaque");
}

#[test]
fn complete_report_status_and_download() {
    get(
        &CompleteReportStatusRequest::new("p-1"),
        "/chain/evidence/complete/report/status",
        &[("proveId", "p-1")],
    );
    parse::<CompleteReportStatusRequest>("opaque");
    download(
        &CompleteReportDownloadRequest::new("p-1"),
        "/chain/evidence/complete/report/download",
        &[("proveId", "p-1")],
    );
}

#[test]
fn chain_notary() {
    let ep = ChainNotaryRequest::new("合同存证")
        .notary_data_id("biz-1")
        .notary_file(file("合同.pdf", b"%PDF"));
    let parts = upload(&ep, "/v2/chain/notary", &[b"%PDF"]);
    assert_eq!(names(&parts), ["notaryDataID", "notaryName", "notaryFile"]);
    assert_eq!(part(&parts, "notaryName"), "合同存证");
    let by_hash = ChainNotaryRequest::<&[u8]>::new("x")
        .notary_data_hash("abc")
        .hash_algorithm("SHA256");
    let parts = upload(&by_hash, "/v2/chain/notary", &[]);
    assert_eq!(
        names(&parts),
        ["hashAlgorithm", "notaryDataHash", "notaryName"]
    );
    invalid_upload(&ChainNotaryRequest::<&[u8]>::new("x"));
    parse::<ChainNotaryRequest<&[u8]>>("opaque");
}

// --- 应用设置 -------------------------------------------------------------------------------------

#[test]
fn app_info_hides_the_secret_in_debug() {
    get(&AppInfoRequest::new(), "/company/token/get", &[]);
    let info = parse::<AppInfoRequest>("app_info");
    assert_eq!(info.encrypt, Some(true));
    assert_eq!(info.encrypt_type, Some(EncryptType::AesCbc));
    assert_eq!(info.callback_secret_key.as_deref(), Some("s3cr3tkey"));
    assert!(!format!("{info:?}").contains("s3cr3tkey"));
}

#[test]
fn app_callback_update() {
    post_json(
        &AppCallbackUpdateRequest::new()
            .callback_url("https://example.com/cb")
            .encrypt(true)
            .encrypt_type(EncryptType::AesEcb),
        "/company/token/update/callback",
        json!({"callbackUrl": "https://example.com/cb", "encrypt": true, "encryptType": "AES_ECB"}),
    );
    invalid(&AppCallbackUpdateRequest::new());
    parse::<AppCallbackUpdateRequest>("app_info");
}

// --- SaaS ---------------------------------------------------------------------------------------

#[test]
fn saas_apply_app_and_reset_token() {
    post_json(
        &SaasApplyAppRequest::new(qys_proto::CompanyId::new(ID), "租户应用")
            .contract_by_page(true)
            .callback_url("https://example.com/cb"),
        "/saas/v2/company/applyapp",
        json!({"companyId": ID, "appName": "租户应用", "contractByPage": true, "callbackUrl": "https://example.com/cb"}),
    );
    invalid(&SaasApplyAppRequest::new("", "x"));
    parse::<SaasApplyAppRequest>("opaque");
    post_json(
        &SaasResetTokenRequest::new(qys_proto::CompanyId::new(ID), "tok"),
        "/saas/v2/company/resettoken",
        json!({"companyId": ID, "accessToken": "tok"}),
    );
    // No doc marks `accessToken` required; the vendor SDK leaves an empty one out.
    post_json(
        &SaasResetTokenRequest::new(qys_proto::CompanyId::new(ID), ""),
        "/saas/v2/company/resettoken",
        json!({"companyId": ID}),
    );
    parse::<SaasResetTokenRequest>("opaque");
}

#[test]
fn saas_company_detail() {
    gets(
        "/saas/v2/company/detail",
        &[
            (
                SaasCompanyDetailRequest::by_name("租户公司"),
                &[("companyName", "租户公司")],
            ),
            (
                SaasCompanyDetailRequest::by_register_no("9133"),
                &[("registerNo", "9133")],
            ),
        ],
    );
    assert_eq!(
        parse::<SaasCompanyDetailRequest>("company_info")
            .id
            .unwrap()
            .as_str(),
        ID
    );
}

#[test]
fn saas_company_auth() {
    post_json(
        &SaasCompanyAuthUrlRequest::new(qys_proto::CompanyId::new(ID)),
        "/saas/v2/companyauth/url",
        json!({"companyId": ID}),
    );
    parse::<SaasCompanyAuthUrlRequest>("link_page_url");
    let ep = SaasCompanyAuthPageUrlRequest::new("租户公司", zhang())
        .repeat_auth(true)
        .modify_fields(false)
        .license(file("执照.jpg", b"JPG"));
    let parts = upload(&ep, "/saas/v2/companyauth/pageurl", &[b"JPG"]);
    assert_eq!(
        names(&parts),
        [
            "applicantInfo",
            "companyName",
            "modifyFields",
            "repeatAuth",
            "license"
        ]
    );
    assert_eq!(part(&parts, "modifyFields"), "false");
    let no_license = SaasCompanyAuthPageUrlRequest::<&[u8]>::new("租户公司", zhang());
    assert_eq!(
        names(&upload(&no_license, "/saas/v2/companyauth/pageurl", &[])),
        ["applicantInfo", "companyName"]
    );
    parse::<SaasCompanyAuthPageUrlRequest<&[u8]>>("company_auth_link");
    gets(
        "/saas/v2/companyauth/result",
        &[
            (
                SaasCompanyAuthResultRequest::by_request_id(ID),
                &[("requestId", ID)],
            ),
            (
                SaasCompanyAuthResultRequest::by_company_name("租户公司"),
                &[("companyName", "租户公司")],
            ),
        ],
    );
    parse::<SaasCompanyAuthResultRequest>("company_auth_result");
}

#[test]
fn saas_personal_auth() {
    post_json(
        &SaasPersonalAuthPageRequest::new(zhang()).manual_switch(true),
        "/saas/v2/personalauth",
        json!({"user": zhang_json(), "manualSwitch": true}),
    );
    parse::<SaasPersonalAuthPageRequest>("personal_auth_link");
    gets(
        "/saas/v2/personalauth/result",
        &[
            (
                SaasPersonalAuthResultRequest::by_user(&zhang()),
                &[("contact", "13800000000"), ("contactType", "MOBILE")],
            ),
            (
                SaasPersonalAuthResultRequest::by_auth_id(ID),
                &[("authId", ID)],
            ),
        ],
    );
    parse::<SaasPersonalAuthResultRequest>("personal_auth_result");
}

#[test]
fn saas_personal_sign() {
    post_json(
        &SaasPersonalSignAuthUrlRequest::new(
            zhang(),
            Company::by_id(qys_proto::CompanyId::new(ID)),
        )
        .app_id("app-1"),
        "/saas/v2/personalsign/authurl",
        json!({"user": zhang_json(), "company": {"id": ID}, "appId": "app-1"}),
    );
    parse::<SaasPersonalSignAuthUrlRequest>("link_page_url");
    post_json(
        &SaasPersonalSignDeauthorizeRequest::new(zhang(), Company::by_name("租户公司")),
        "/saas/v2/personalsign/deauthorize",
        json!({"user": zhang_json(), "company": {"name": "租户公司"}}),
    );
    invalid(&SaasPersonalSignDeauthorizeRequest::new(
        zhang(),
        Company::by_name(" "),
    ));
    parse::<SaasPersonalSignDeauthorizeRequest>("ack_null");
}

#[test]
fn saas_seal_sign_auth_url() {
    post_json(
        &SaasSealSignAuthUrlRequest::new(zhang(), Company::by_name("租户公司"))
            .return_url("https://example.com/back"),
        "/saas/v2/sealsign/authurl",
        json!({"sealAdmin": zhang_json(), "company": {"name": "租户公司"}, "returnUrl": "https://example.com/back"}),
    );
    parse::<SaasSealSignAuthUrlRequest>("link_page_url");
}

#[test]
fn saas_privilege() {
    post_json(
        &SaasPrivilegeUrlRequest::from(
            PrivilegeGrant::new("app-1", qys_proto::CompanyId::new(ID), zhang())
                .privilege_modules(["CONTRACT", "SEAL"]),
        )
        .page_style(PageStyle {
            theme_color: "#1F7FFF".into(),
        }),
        "/saas/v2/privilege/url",
        json!({"appId": "app-1", "companyId": ID, "user": zhang_json(), "privilegeModules": ["CONTRACT", "SEAL"], "pageStyleInfo": "{\"themeColor\":\"#1F7FFF\"}"}),
    );
    // No doc marks `appId` required; the vendor SDK leaves an empty one out.
    post_json(
        &SaasPrivilegeUrlRequest::new("", qys_proto::CompanyId::new(ID), zhang()),
        "/saas/v2/privilege/url",
        json!({"companyId": ID, "user": zhang_json()}),
    );
    get(
        &SaasPrivilegeQueryRequest::new("", qys_proto::CompanyId::new(ID)),
        "/saas/v2/privilege/query",
        &[("companyId", ID)],
    );
    parse::<SaasPrivilegeUrlRequest>("link_page_url");
    get(
        &SaasPrivilegeQueryRequest::new("app-1", qys_proto::CompanyId::new(ID)),
        "/saas/v2/privilege/query",
        &[("appId", "app-1"), ("companyId", ID)],
    );
    parse::<SaasPrivilegeQueryRequest>("opaque");
}

#[test]
fn saas_access_control() {
    post_json(
        &SaasAppAccessControlRequest::new(Company::by_name("租户公司"), "DISABLE"),
        "/saas/v2/app/accesscontrol",
        json!({"company": {"name": "租户公司"}, "operate": "DISABLE"}),
    );
    post_json(
        &SaasCompanyAccessControlRequest::new(Company::by_name("租户公司"), "ENABLE"),
        "/saas/v2/company/accesscontrol",
        json!({"company": {"name": "租户公司"}, "operate": "ENABLE"}),
    );
    post_json(
        &SaasPersonalAccessControlRequest::new(zhang(), "ENABLE"),
        "/saas/v2/personal/accesscontrol",
        json!({"user": zhang_json(), "operate": "ENABLE"}),
    );
    invalid(&SaasAppAccessControlRequest::new(Company::by_name("x"), ""));
    parse::<SaasAppAccessControlRequest>("ack_null");
    parse::<SaasCompanyAccessControlRequest>("ack_null");
    parse::<SaasPersonalAccessControlRequest>("ack_null");
}

#[test]
fn saas_queries_without_fields() {
    get(&SaasBindingRequest::new(), "/saas/v2/binding", &[]);
    get(&SaasCheckHealthRequest::new(), "/saas/v2/checkhealth", &[]);
    get(
        &SaasPlatformFeeRequest::new(),
        "/saas/v2/fee/platform/info",
        &[],
    );
    parse::<SaasBindingRequest>("opaque");
    parse::<SaasCheckHealthRequest>("ticketless_ok");
    parse::<SaasPlatformFeeRequest>("fee_info");
}

#[test]
fn saas_fees() {
    get(
        &SaasFeeInfoRequest::new("租户公司"),
        "/saas/v2/fee/info",
        &[("companyName", "租户公司")],
    );
    parse::<SaasFeeInfoRequest>("fee_info");
    post_json(
        &SaasFeeInitRequest::from(
            TenantFees::new("租户公司")
                .initial_balance("100.00")
                .pay_mode("PREPAID"),
        ),
        "/saas/v2/fee/init",
        json!({"companyName": "租户公司", "initialBalance": "100.00", "payMode": "PREPAID"}),
    );
    post_json(
        &SaasFeeUpdateRequest::from(TenantFees::new("租户公司").initial_price("1.5")),
        "/saas/v2/fee/update",
        json!({"companyName": "租户公司", "initialPrice": "1.5"}),
    );
    invalid(&SaasFeeInitRequest::new(""));
    parse::<SaasFeeInitRequest>("ack_null");
    parse::<SaasFeeUpdateRequest>("ack_null");
}

#[test]
fn saas_without_agent_credentials_is_refused() {
    let core = Core::new(Environment::test(), Credentials::new("t", "s")).unwrap();
    assert!(matches!(
        core.prepare(&SaasBindingRequest::new(), &params()),
        Err(Error::Build(_))
    ));
}

// --- JS SDK forwarding ----------------------------------------------------------------------------

#[test]
fn uniform_api_post_forwards_request_data_and_file() {
    let request_data = "eyJhIjoiYiJ9+/= 契约&x=1";
    let parts = upload(
        &UniformApiRequest::new(request_data).file(file("附件.pdf", b"%PDF")),
        "/uniformapi",
        &[b"%PDF"],
    );
    assert_eq!(names(&parts), ["requestData", "file"]);
    assert_eq!(part(&parts, "requestData"), request_data);
    assert_eq!(parts[1].file_name.as_deref(), Some("附件.pdf"));
    let parts = upload(&UniformApiRequest::<&[u8]>::new("abc"), "/uniformapi", &[]);
    assert_eq!(names(&parts), ["requestData"]);
    invalid_upload(&UniformApiRequest::<&[u8]>::new(""));
    const { assert!(!UniformApiRequest::<&'static [u8]>::IDEMPOTENT) };
    parse::<UniformApiRequest<&[u8]>>("opaque");
}

#[test]
fn browser_reply_passes_the_answer_through() {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/pdf".parse().unwrap());
    headers.insert(
        "content-disposition",
        "attachment; filename=\"a.pdf\"".parse().unwrap(),
    );
    headers.insert("set-cookie", "x=1".parse().unwrap());
    headers.insert("content-length", "4".parse().unwrap());
    let reply = browser_reply(StatusCode::OK, &headers, &b"%PDF"[..]);
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.headers()["content-type"], "application/pdf");
    assert_eq!(
        reply.headers()["content-disposition"],
        "attachment; filename=\"a.pdf\""
    );
    assert!(!reply.headers().contains_key("set-cookie"));
    assert!(!reply.headers().contains_key("content-length"));
    assert_eq!(*reply.body(), b"%PDF");

    let error = br#"{"code":1001,"message":"INVALID PARAM"}"#.to_vec();
    let mut json_headers = HeaderMap::new();
    json_headers.insert(
        "content-type",
        "application/json;charset=UTF-8".parse().unwrap(),
    );
    let reply = browser_reply(StatusCode::BAD_REQUEST, &json_headers, error.clone());
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(reply.body(), &error);
    assert_eq!(
        reply.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
}

// --- the catalogue --------------------------------------------------------------------------------

#[test]
fn every_group_is_in_the_catalogue() {
    use qys_proto::api::{Shape, catalogue};
    let c = catalogue();
    let find = |path: &str, method: &str| {
        c.iter()
            .find(|e| e.path == path && e.method.as_str() == method)
            .unwrap_or_else(|| panic!("{method} {path} missing"))
            .shape
    };
    assert_eq!(find("/v2/seal/image", "GET"), Shape::Download);
    assert_eq!(find("/v2/template/download", "GET"), Shape::Download);
    assert_eq!(find("/v3/template/createbyword", "POST"), Shape::Upload);
    assert_eq!(find("/uniformapi", "POST"), Shape::Upload);
    assert_eq!(find("/uniformapi", "GET"), Shape::Download);
    assert_eq!(find("/saas/v2/fee/update", "POST"), Shape::Json);
    assert_eq!(find("/v2/employee/list", "GET"), Shape::Query);
    let saas = c.iter().filter(|e| e.path.starts_with("/saas/v2/")).count();
    assert_eq!(
        saas,
        22 + 5,
        "22 SaaS calls here plus 5 SaaS tickets in miniapp"
    );
}

/// POSTs whose answer is an ack: the exact body of each.
#[test]
fn acked_posts() {
    post_ack(
        &EmployeeUpdateRequest::new(zhang()).number("E002"),
        "/v2/employee/update",
        json!({"user": zhang_json(), "number": "E002"}),
    );
    post_ack(
        &SealStatusRequest::new(qys_proto::SealId::new(ID), Toggle::Disable),
        "/v2/seal/status",
        json!({"sealId": ID, "operate": "DISABLE"}),
    );
    post_ack(
        &TemplateStatusRequest::new(qys_proto::TemplateId::new(ID), Toggle::Enable),
        "/v2/template/status",
        json!({"templateId": ID, "operate": "ENABLE"}),
    );
    post_ack(
        &PersonalSignDeauthorizeRequest::new(zhang()),
        "/v2/personalsign/deauthorize",
        json!({"user": zhang_json()}),
    );
}

/// GETs that change state: never idempotent, answering an ack.
#[test]
fn mutating_gets() {
    mutating_get(
        &SealRemoveRequest::new(qys_proto::SealId::new(ID)),
        "/v2/seal/remove",
        &[("sealId", ID)],
    );
    mutating_get(
        &TemplateRemoveRequest::new(qys_proto::TemplateId::new(ID)),
        "/v2/template/remove",
        &[("templateId", ID)],
    );
}

/// Downloads: method, path and query of each.
#[test]
fn downloads() {
    download(
        &TemplateDownloadRequest::new(qys_proto::TemplateId::new(ID)),
        "/v2/template/download",
        &[("templateId", ID)],
    );
    download(
        &UniformApiDownloadRequest::new("a+b/c=契约"),
        "/uniformapi",
        &[("requestData", "a+b/c=契约")],
    );
}
