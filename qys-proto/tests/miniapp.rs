//! The mini-program ticket endpoints: the exact request each builds, and the plugin URL of the
//! ticket each answers.

use http::{HeaderMap, StatusCode};
use qys_proto::api::contract::ContractView;
use qys_proto::api::miniapp::*;
use qys_proto::api::saas::PrivilegeGrant;
use qys_proto::endpoint::{Call, Endpoint, Upload};
use qys_proto::multipart::{Segment, UploadFile};
use qys_proto::types::{Company, ContractRef, Language, PersonalAuthMode, PersonalField, User};
use qys_proto::{
    BuildErrorKind, ContractId, Core, Credentials, Environment, Error, Nonce, PluginEnv, Signer,
    SigningParams,
};
use serde_json::{Value, json};

const TS: u64 = 1565753984643;

fn core(env: Environment) -> Core {
    Core::new(
        env,
        Signer::new(Credentials::new("AppToken123", "AppSecret456"))
            .with_agent(Credentials::new("AgentTok", "AgentSec")),
    )
    .unwrap()
}

fn params() -> SigningParams {
    SigningParams::new(
        TS,
        Nonce::new("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0").unwrap(),
    )
}

/// Builds `ep`, checks method, URL, JSON headers and body, then parses a ticket answer.
fn check_json<E: Endpoint<Response = Ticket>>(ep: &E, path: &str, body: Value) -> Ticket {
    let core = core(Environment::test());
    let req = core.prepare(ep, &params()).unwrap();
    assert_eq!(req.method(), "POST");
    assert_eq!(
        req.uri().to_string(),
        format!("https://openapi.qiyuesuo.cn{path}")
    );
    assert_eq!(
        req.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    assert_eq!(req.headers()["x-qys-open-timestamp"], "1565753984643");
    assert_eq!(
        req.headers()["x-qys-open-nonce"],
        "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0"
    );
    if path.starts_with("/saas/") {
        assert_eq!(req.headers()["x-qys-open-agentaccesstoken"], "AgentTok");
        assert!(req.headers().contains_key("x-qys-open-agentsignature"));
    } else {
        assert!(!req.headers().contains_key("x-qys-open-agentaccesstoken"));
    }
    assert_eq!(req.headers()["x-qys-open-accesstoken"], "AppToken123");
    let sent: Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(sent, body, "{path}");
    answer::<E>(&core)
}

fn answer<E: Call<Response = Ticket>>(core: &Core) -> Ticket {
    let body = br#"{"code":0,"message":"SUCCESS","responseCode":"00000000","result":{"ticket":"T+k/=&1"}}"#;
    core.parse_parts::<E>(StatusCode::OK, &HeaderMap::new(), body)
        .unwrap()
}

fn url(t: &Ticket) -> String {
    t.plugin_url().to_string()
}

#[test]
fn contract_sign_ticket() {
    let ep = ContractSignTicketRequest::new(
        ContractId::new("2591540368898105360"),
        User::mobile("13800000000").with_name("张三"),
    )
    .allow_password_sign(true);
    let t = check_json(
        &ep,
        "/v2/contract/miniappexchange",
        json!({"contractId":"2591540368898105360","user":{"contact":"13800000000","contactType":"MOBILE","name":"张三"},"allowPasswordSign":true}),
    );
    assert_eq!(t.page(), PluginPage::ContractSign);
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/doc?ticket=T%2Bk%2F%3D%261&env=cn"
    );
    assert_eq!(
        t.plugin_url().with_callbacks(true).to_string(),
        "plugin://qyssdk-plugin/doc?ticket=T%2Bk%2F%3D%261&env=cn&hasCb=true"
    );
}

#[test]
fn contract_sign_ticket_by_biz_id_never_sends_a_contract_id() {
    let ep = ContractSignTicketRequest::new(
        ContractRef::biz_id_of("biz-1", "子公司"),
        User::email("a@b.cn"),
    );
    check_json(
        &ep,
        "/v2/contract/miniappexchange",
        json!({"bizId":"biz-1","tenantName":"子公司","user":{"contact":"a@b.cn","contactType":"EMAIL"}}),
    );
}

#[test]
fn contract_view_ticket() {
    let ep = ContractViewTicketRequest::from(
        ContractView::new(ContractRef::biz_id("B1"))
            .document_id("2591540368898105361")
            .lang(Language::English)
            .theme_color("#1F7FFF"),
    );
    let t = check_json(
        &ep,
        "/v2/contract/miniappexchange/view",
        json!({"bizId":"B1","documentId":"2591540368898105361","lang":"en","themeColor":"#1F7FFF"}),
    );
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/doc?ticket=T%2Bk%2F%3D%261&env=cn"
    );
}

#[test]
fn personal_auth_tickets() {
    let options = PersonalAuthOptions {
        mode: Some(PersonalAuthMode::Face),
        username: Some("李四".into()),
        callback_url: Some("https://partner.example/cb?company=A".into()),
        other_modes: vec![PersonalAuthMode::Ivs, PersonalAuthMode::Manual],
        modify_fields: vec![PersonalField::Username],
        ..PersonalAuthOptions::default()
    };
    let expected = json!({
        "user":{"contact":"13800000000","contactType":"MOBILE"},
        "mode":"FACE","username":"李四","callbackUrl":"https://partner.example/cb?company=A",
        "otherModes":["IVS","MANUAL"],"modifyFields":["USERNAME"]
    });
    let open =
        PersonalAuthTicketRequest::new(User::mobile("13800000000")).with_options(options.clone());
    let t = check_json(&open, "/v2/personalauth/miniappexchange", expected.clone());
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/personal-auth?ticket=T%2Bk%2F%3D%261&env=cn"
    );

    let saas = SaasPersonalAuthTicketRequest::new(User::mobile("13800000000"))
        .with_options(options)
        .manual_switch(false);
    let mut saas_expected = expected;
    saas_expected["manualSwitch"] = json!(false);
    let t = check_json(
        &saas,
        "/saas/v2/personalauth/miniappexchange",
        saas_expected,
    );
    assert_eq!(t.page(), PluginPage::PersonalAuth);
}

#[test]
fn company_auth_ticket() {
    let ep = CompanyAuthTicketRequest::new(
        "契约锁测试有限公司",
        User::mobile("13800000000").with_name("王五"),
    )
    .with_options(CompanyTicketOptions::new().register_no("91110000000000000X"))
    .close_button(false)
    .modify_fields([CompanyField::CorpName, CompanyField::LegalPerson]);
    let t = check_json(
        &ep,
        "/companyauth/miniappexchange",
        json!({"companyName":"契约锁测试有限公司","applicant":{"contact":"13800000000","contactType":"MOBILE","name":"王五"},
               "registerNo":"91110000000000000X","closeButton":false,"modifyFields":"corpName,legalPerson"}),
    );
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/enterprise-auth?ticket=T%2Bk%2F%3D%261&env=cn"
    );
}

#[test]
fn silent_sign_tickets_open_the_signature_page_with_their_type() {
    let options = SignAuthOptions {
        auth_deadline: Some("2027-12-31".into()),
        allow_personal_auto: Some(true),
        ..SignAuthOptions::default()
    };
    let open = PersonalSignAuthTicketRequest::from(
        PersonalSignAuth::new(User::mobile("1"))
            .with_options(options.clone())
            .tenant_name("子公司"),
    );
    let t = check_json(
        &open,
        "/v2/personalsign/authurl/miniappexchange",
        json!({"user":{"contact":"1","contactType":"MOBILE"},"authDeadline":"2027-12-31","allowPersonalAuto":true,"tenantName":"子公司"}),
    );
    assert_eq!(
        t.plugin_url().with_callbacks(true).to_string(),
        "plugin://qyssdk-plugin/signature?ticket=T%2Bk%2F%3D%261&env=cn&hasCb=true&type=personalSignatureOpen"
    );

    let saas = SaasPersonalSignAuthTicketRequest::new(
        User::mobile("1"),
        Company::by_id("2591540368898105999"),
    )
    .with_options(options)
    .app_id("app-1");
    let t = check_json(
        &saas,
        "/saas/v2/personalsign/authurl/miniappexchange",
        json!({"user":{"contact":"1","contactType":"MOBILE"},"company":{"id":"2591540368898105999"},"authDeadline":"2027-12-31","allowPersonalAuto":true,"appId":"app-1"}),
    );
    assert!(url(&t).ends_with("&type=personalSignature"));

    let seal = SaasSealSignAuthTicketRequest::new(User::mobile("1"), Company::by_name("租户公司"))
        .auth_deadline("2027-01-01");
    let t = check_json(
        &seal,
        "/saas/v2/sealsign/authurl/miniappexchange",
        json!({"sealAdmin":{"contact":"1","contactType":"MOBILE"},"company":{"name":"租户公司"},"authDeadline":"2027-01-01"}),
    );
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/signature?ticket=T%2Bk%2F%3D%261&env=cn&type=sealSignature"
    );
}

#[test]
fn saas_privilege_ticket_opens_the_authority_page() {
    let ep = SaasPrivilegeTicketRequest::from(
        PrivilegeGrant::new("app-1", "2591540368898105999", User::mobile("1"))
            .create_token(true)
            .privilege_modules(["CONTRACT", "SEAL"]),
    );
    let t = check_json(
        &ep,
        "/saas/v2/privilege/miniappexchange",
        json!({"appId":"app-1","companyId":"2591540368898105999","user":{"contact":"1","contactType":"MOBILE"},"createToken":true,"privilegeModules":["CONTRACT","SEAL"]}),
    );
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/authority?ticket=T%2Bk%2F%3D%261&env=cn"
    );
}

fn multipart_parts(body: &[u8], boundary: &str) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split(&format!("--{boundary}"))
        .filter(|p| p.starts_with("\r\n"))
        .map(|p| {
            let (head, value) = p[2..].split_once("\r\n\r\n").unwrap();
            let name = head
                .split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned();
            (name, value.trim_end_matches("\r\n").to_owned())
        })
        .collect()
}

#[test]
fn company_auth_license_ticket_is_multipart_with_a_streamed_file_slot() {
    let mut ep = CompanyAuthLicenseTicketRequest::new(
        "契约锁测试有限公司",
        User::mobile("13800000000").with_name("王五"),
        UploadFile::new("营业执照.png", 4, "PNG!"),
    )
    .with_options(
        CompanyTicketOptions::new()
            .register_no("91110000000000000X")
            .legal_person("王五")
            .callback_url("https://example.com/cb"),
    )
    .modify_fields([CompanyField::License, CompanyField::RegisterNo])
    .close_button(true);
    let core = core(Environment::production());
    let req = core.prepare_upload(&ep, &params()).unwrap();
    assert_eq!(req.uri().path(), "/companyauth/miniappexchangewithlicense");
    let framing = req.body();
    let boundary = framing.boundary().to_owned();
    assert_eq!(boundary, "----qys-254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0");
    assert_eq!(
        req.headers()["content-type"],
        framing.content_type().as_str()
    );
    assert_eq!(
        req.headers()["content-length"],
        framing.content_length().to_string().as_str()
    );
    assert!(matches!(
        framing.segments(),
        [Segment::Bytes(_), Segment::File(0), Segment::Bytes(_)]
    ));
    let bytes = framing.to_bytes(&[b"PNG!"]);
    assert_eq!(bytes.len() as u64, framing.content_length());
    let parts = multipart_parts(&bytes, &boundary);
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "applicantInfo",
            "callbackUrl",
            "closeButton",
            "companyName",
            "legalPerson",
            "modifyFields",
            "registerNo",
            "license"
        ]
    );
    let applicant: Value = serde_json::from_str(&parts[0].1).unwrap();
    assert_eq!(
        applicant,
        json!({"contact":"13800000000","contactType":"MOBILE","name":"王五"})
    );
    let values: Vec<&str> = parts[1..].iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(
        values,
        [
            "https://example.com/cb",
            "true",
            "契约锁测试有限公司",
            "王五",
            "license,registerNo",
            "91110000000000000X",
            "PNG!"
        ]
    );
    assert!(String::from_utf8_lossy(&bytes).contains(
        "filename=\"营业执照.png\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png\r\nContent-Type: image/png"
    ));
    assert_eq!(ep.sources_mut().len(), 1);
    let t = answer::<CompanyAuthLicenseTicketRequest<&str>>(&core);
    assert_eq!(t.env(), PluginEnv::Production);
    assert_eq!(
        url(&t),
        "plugin://qyssdk-plugin/enterprise-auth?ticket=T%2Bk%2F%3D%261&env=com"
    );
}

#[test]
fn saas_company_auth_ticket_may_go_without_a_license() {
    let ep: SaasCompanyAuthTicketRequest<()> =
        SaasCompanyAuthTicketRequest::new("租户公司", User::email("a@b.cn").with_name("赵六"));
    let req = core(Environment::test())
        .prepare_upload(&ep, &params())
        .unwrap();
    assert!(req.headers().contains_key("x-qys-open-agentsignature"));
    assert!(matches!(req.body().segments(), [Segment::Bytes(_)]));
    let bytes = req.body().to_bytes(&[]);
    let parts = multipart_parts(&bytes, req.body().boundary());
    assert_eq!(
        parts,
        [
            (
                "applicantInfo".to_owned(),
                r#"{"contact":"a@b.cn","contactType":"EMAIL","name":"赵六"}"#.to_owned()
            ),
            ("companyName".to_owned(), "租户公司".to_owned()),
        ]
    );
    let ep = SaasCompanyAuthTicketRequest::new("租户公司", User::email("a@b.cn"))
        .with_options(
            CompanyTicketOptions::new()
                .register_no("91110000000000000X")
                .legal_person("赵六")
                .callback_url("https://example.com/cb"),
        )
        .license(UploadFile::new("l.jpg", 3, "JPG"));
    let req = core(Environment::test())
        .prepare_upload(&ep, &params())
        .unwrap();
    let bytes = req.body().to_bytes(&[b"JPG"]);
    let parts = multipart_parts(&bytes, req.body().boundary());
    let parts: Vec<(&str, &str)> = parts
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            (
                "applicantInfo",
                r#"{"contact":"a@b.cn","contactType":"EMAIL"}"#
            ),
            ("callbackUrl", "https://example.com/cb"),
            ("companyName", "租户公司"),
            ("legalPerson", "赵六"),
            ("registerNo", "91110000000000000X"),
            ("license", "JPG"),
        ]
    );
}

#[test]
fn invalid_arguments_are_refused_before_sending() {
    let core = core(Environment::test());
    let kind = |e: Error| match e {
        Error::Build(b) => b.kind(),
        other => panic!("{other}"),
    };
    let wechat = User::new("wx", qys_proto::types::ContactType::EmployeeId);
    assert_eq!(
        kind(
            core.prepare(&PersonalAuthTicketRequest::new(wechat), &params())
                .unwrap_err()
        ),
        BuildErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(
            core.prepare(
                &CompanyAuthTicketRequest::new(" ", User::mobile("1")),
                &params()
            )
            .unwrap_err()
        ),
        BuildErrorKind::InvalidArgument
    );
    assert_eq!(
        kind(
            core.prepare(
                &SaasSealSignAuthTicketRequest::new(User::mobile("1"), Company::default()),
                &params()
            )
            .unwrap_err()
        ),
        BuildErrorKind::InvalidArgument
    );
    let app_only = Core::new(Environment::test(), Credentials::new("t", "s")).unwrap();
    let saas = SaasPrivilegeTicketRequest::new("a", "1", User::mobile("1"));
    assert_eq!(
        kind(app_only.prepare(&saas, &params()).unwrap_err()),
        BuildErrorKind::MissingCredentials
    );
    let http = Environment::custom("http://127.0.0.1:9").unwrap();
    assert_eq!(
        Core::new(http, Credentials::new("t", "s"))
            .unwrap_err()
            .kind(),
        BuildErrorKind::InsecureUrl
    );
}

#[test]
fn an_empty_or_odd_ticket_answer_is_a_decode_error() {
    let core = core(Environment::test());
    for body in [
        &br#"{"code":0,"result":{"ticket":""}}"#[..],
        br#"{"code":0,"result":{}}"#,
        br#"{"code":0,"result":null}"#,
    ] {
        let e = core
            .parse_parts::<ContractSignTicketRequest>(StatusCode::OK, &HeaderMap::new(), body)
            .unwrap_err();
        assert!(matches!(e, Error::Decode(_)), "{e}");
    }
    let bare = core
        .parse_parts::<ContractSignTicketRequest>(
            StatusCode::OK,
            &HeaderMap::new(),
            br#"{"code":0,"result":"tk"}"#,
        )
        .unwrap();
    assert_eq!(bare.value(), "tk");
    assert!(!format!("{bare:?}").contains("T+k"));
}
