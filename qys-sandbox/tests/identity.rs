//! The identity routes over real HTTP: authentication links and results, customers,
//! authorizations, tools, SaaS and the JS SDK forwarding endpoint. Successes are built with
//! qys-proto's endpoint types against a strict sandbox (so a field the SDK misspells fails),
//! rejections with hand-made bodies.

mod support;

use qys_proto::api::auth::*;
use qys_proto::api::authorization::*;
use qys_proto::api::customer::*;
use qys_proto::api::miniapp::{
    CompanyAuthTicketRequest, PersonalAuthOptions, PersonalSignAuth, SignAuthOptions,
};
use qys_proto::api::saas::*;
use qys_proto::api::tools::*;
use qys_proto::api::uniform::*;
use qys_proto::multipart::UploadFile;
use qys_proto::types::{Company, PersonalAuthMode, User};
use qys_proto::{CompanyId, DocumentId, Error as QysError};
use qys_sandbox::{
    CallbackKind, CallbackSchedule, Delivery, KNOWN_COMPANIES, KNOWN_PEOPLE, Sandbox,
};
use serde_json::{Value, json};
use support::*;

/// A strict sandbox whose callbacks are tried once.
fn strict() -> Sandbox {
    strict_builder()
        .callback_retry_schedule(CallbackSchedule::none())
        .start()
        .unwrap()
}

#[track_caller]
fn api_code<T: std::fmt::Debug>(result: Result<T, QysError>) -> (i64, String) {
    let api = api_error(result);
    (api.code().unwrap(), api.message().to_owned())
}

fn deliveries_of(sandbox: &Sandbox, kind: CallbackKind) -> Vec<Delivery> {
    sandbox
        .deliveries()
        .into_iter()
        .filter(|d| d.kind == kind)
        .collect()
}

#[test]
fn company_auth_link_result_completion_then_1605() {
    let sandbox = strict();
    let applicant = User::mobile("13500000000").with_name("钱七");
    let options = CompanyAuthOptions {
        register_no: Some("91330100MA2AAAAAAA".into()),
        legal_person: Some("钱七".into()),
        callback_url: Some("https://example.invalid/company-auth".into()),
        close_button: Some(false),
        ..CompanyAuthOptions::default()
    };
    let link = call(
        &sandbox,
        &CompanyAuthPcPageRequest::from(
            CompanyAuthPage::new("新认证科技有限公司", applicant.clone()).with_options(options),
        ),
    )
    .unwrap();
    let request_id = link.request_id.clone().expect("a requestId");
    assert!(link.auth_url.unwrap().contains(&request_id));

    // Pending: not submitted, by ID and by name.
    let result = call(
        &sandbox,
        &CompanyAuthResultRequest::by_request_id(&request_id),
    )
    .unwrap();
    assert_eq!(result.status, Some(1));
    assert_eq!(result.applicant_name.as_deref(), Some("钱七"));
    let by_name = call(
        &sandbox,
        &CompanyAuthResultRequest::by_company_name("新认证科技有限公司"),
    )
    .unwrap();
    assert_eq!(by_name.status, Some(1));
    // Before completion a mini-program ticket is still possible.
    call(
        &sandbox,
        &CompanyAuthTicketRequest::new("新认证科技有限公司", applicant.clone()),
    )
    .unwrap();

    assert!(!sandbox.complete_company_auth("0", true), "unknown request");
    assert!(sandbox.complete_company_auth(&request_id, true));
    assert!(
        !sandbox.complete_company_auth(&request_id, false),
        "a request ends once"
    );
    assert!(sandbox.company_authenticated("新认证科技有限公司"));

    let result = call(
        &sandbox,
        &CompanyAuthResultRequest::by_request_id(&request_id),
    )
    .unwrap();
    assert_eq!(result.status, Some(2));
    assert_eq!(result.basic_status, Some(3));
    assert!(result.auth_end_time.is_some());

    // Now every company-auth ticket and link answers 1605.
    let (code, message) = api_code(call(
        &sandbox,
        &CompanyAuthTicketRequest::new("新认证科技有限公司", applicant.clone()),
    ));
    assert_eq!((code, message.as_str()), (1605, "COMPANY ALREADY AUTHED"));
    let (code, _) = api_code(call(
        &sandbox,
        &CompanyAuthH5PageRequest::new("新认证科技有限公司", applicant),
    ));
    assert_eq!(code, 1605);

    // The §14.2 callback was owed to the request's URL.
    let owed = deliveries_of(&sandbox, CallbackKind::CompanyAuth);
    assert_eq!(owed.len(), 1, "{owed:?}");
    let cb = &owed[0];
    assert_eq!(
        cb.url.as_deref(),
        Some("https://example.invalid/company-auth")
    );
    assert_eq!(cb.fields["status"], json!(1));
    assert_eq!(cb.fields["actionEvent"], json!(7));
    assert_eq!(cb.fields["requestId"], json!(request_id));
    let info: Value = serde_json::from_str(cb.fields["authInfo"].as_str().unwrap()).unwrap();
    assert_eq!(info["name"], "新认证科技有限公司");
    assert_eq!(info["registerNo"], "91330100MA2AAAAAAA");
    assert_eq!(info["applicantPhone"], "13500000000");
}

#[test]
fn failed_company_auth_and_unknown_requests() {
    let sandbox = strict();
    let link = call(
        &sandbox,
        &CompanyAuthH5PageRequest::new("被拒科技有限公司", User::email("a@example.com")),
    )
    .unwrap();
    let id = link.request_id.unwrap();
    assert!(sandbox.complete_company_auth(&id, false));
    let result = call(&sandbox, &CompanyAuthResultRequest::by_request_id(&id)).unwrap();
    assert_eq!(result.status, Some(3));
    assert_eq!(result.basic_status, Some(2));
    assert!(result.basic_reason.is_some());
    assert!(!sandbox.company_authenticated("被拒科技有限公司"));
    // Another try is allowed after a failure.
    call(
        &sandbox,
        &CompanyAuthPcPageRequest::new("被拒科技有限公司", User::email("a@example.com")),
    )
    .unwrap();

    let none = call(&sandbox, &CompanyAuthResultRequest::by_request_id("123")).unwrap();
    assert_eq!(none.status, Some(-1));
    let fixture = sandbox.fixtures().authenticated_company.clone();
    let known = call(
        &sandbox,
        &CompanyAuthResultRequest::by_company_name(&fixture),
    )
    .unwrap();
    assert_eq!(known.status, Some(2));
    let (code, _) = api_code(call(
        &sandbox,
        &CompanyAuthPcPageRequest::new(&fixture, User::mobile("13500000000")),
    ));
    assert_eq!(code, 1605);

    // Field rejections.
    let a = post_json(
        &sandbox,
        "/companyauth/pcpage",
        &json!({"applicant": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "companyName is required");
    let a = post_json(
        &sandbox,
        "/companyauth/h5page",
        &json!({"companyName": "c", "applicant": {"contact": "1", "contactType": "EMPLOYEEID"}}),
    );
    assert_1005(&a, "applicant.contactType");
    let a = post_json(
        &sandbox,
        "/companyauth/pcpage",
        &json!({"companyName": "c", "applicant": {"contact": "1", "contactType": "MOBILE"}, "modifyFields": "corpName,license"}),
    );
    assert_1005(&a, "modifyFields");
    let a = get(&sandbox, "/companyauth/result", "");
    assert_1005(&a, "requestId or companyName");
}

#[test]
fn company_auth_licence_pages() {
    let sandbox = strict();
    let licence: Vec<u8> = (0..5000u32).map(|i| (i % 253) as u8).collect();
    for h5 in [false, true] {
        let name = if h5 {
            "执照H5有限公司"
        } else {
            "执照PC有限公司"
        };
        let file = UploadFile::new("营业执照.jpg", licence.len() as u64, ());
        let options = CompanyAuthOptions {
            modify_fields: vec![qys_proto::api::miniapp::CompanyField::License],
            ..CompanyAuthOptions::default()
        };
        let user = User::mobile("13400000000").with_name("孙八");
        let link = if h5 {
            upload(
                &sandbox,
                &CompanyAuthLicenseH5PageRequest::from_page(
                    CompanyAuthLicensePage::new(name, user).with_options(options),
                    file,
                ),
                &[&licence],
            )
        } else {
            upload(
                &sandbox,
                &CompanyAuthLicensePcPageRequest::from_page(
                    CompanyAuthLicensePage::new(name, user).with_options(options),
                    file,
                ),
                &[&licence],
            )
        }
        .unwrap();
        let id = link.request_id.unwrap();
        assert!(sandbox.complete_company_auth(&id, true));
        assert!(sandbox.company_authenticated(name));
    }
    // Without the licence part: 1005 naming it.
    let a = post_form(
        &sandbox,
        "/companyauth/pcpagewithlicense",
        &[
            ("companyName", None, "无执照有限公司".as_bytes()),
            (
                "applicantInfo",
                None,
                br#"{"contact":"13400000000","contactType":"MOBILE"}"#,
            ),
        ],
    );
    assert_1005(&a, "license is required");
    let a = post_form(
        &sandbox,
        "/companyauth/h5pagewithlicense",
        &[
            ("companyName", None, "坏JSON有限公司".as_bytes()),
            ("applicantInfo", None, b"{"),
            ("license", Some("l.png"), b"PNG"),
        ],
    );
    assert_1005(&a, "applicantInfo");
}

#[test]
fn personal_auth_link_result_and_completion() {
    let sandbox = strict();
    let user = User::mobile("13300000000").with_name("周九");
    let options = PersonalAuthOptions {
        mode: Some(PersonalAuthMode::Bank),
        callback_url: Some("https://example.invalid/personal".into()),
        ..PersonalAuthOptions::default()
    };
    let link = call(
        &sandbox,
        &PersonalAuthPageRequest::new(user.clone())
            .with_options(options)
            .callback_page("https://example.invalid/done"),
    )
    .unwrap();
    let auth_id = link.auth_id.unwrap();
    assert!(link.auth_url.unwrap().contains(&auth_id));

    let pending = call(&sandbox, &PersonalAuthResultRequest::by_auth_id(&auth_id)).unwrap();
    assert_eq!(pending.real_name, Some(false));
    assert_eq!(pending.mode, None);
    let by_user = call(&sandbox, &PersonalAuthResultRequest::by_user(&user)).unwrap();
    assert_eq!(by_user.real_name, Some(false));

    assert!(sandbox.complete_personal_auth(&auth_id, true));
    assert!(!sandbox.complete_personal_auth(&auth_id, true));
    let done = call(&sandbox, &PersonalAuthResultRequest::by_auth_id(&auth_id)).unwrap();
    assert_eq!(done.real_name, Some(true));
    assert_eq!(done.mode.as_deref(), Some("BANK"));
    let by_user = call(&sandbox, &PersonalAuthResultRequest::by_user(&user)).unwrap();
    assert_eq!(by_user.real_name, Some(true));

    // Face recognition is answered as FACEID by the result (the default mode).
    let link = call(
        &sandbox,
        &PersonalAuthPageRequest::new(User::email("x@example.com")),
    )
    .unwrap();
    let face = link.auth_id.unwrap();
    assert!(sandbox.complete_personal_auth(&face, false));
    let failed = call(&sandbox, &PersonalAuthResultRequest::by_auth_id(&face)).unwrap();
    assert_eq!(failed.real_name, Some(false));
    assert_eq!(failed.mode.as_deref(), Some("FACEID"));

    // The fixture signer is authenticated; unknown IDs answer 1604.
    let signer = sandbox.fixtures().signer.clone();
    let r = call(&sandbox, &PersonalAuthResultRequest::by_user(&signer)).unwrap();
    assert_eq!(r.real_name, Some(true));
    let (code, message) = api_code(call(&sandbox, &PersonalAuthResultRequest::by_auth_id("42")));
    assert_eq!((code, message.as_str()), (1604, "INVALID_AUTHID"));

    let owed = deliveries_of(&sandbox, CallbackKind::PersonalAuth);
    assert_eq!(owed.len(), 2, "{owed:?}");
    assert_eq!(
        owed[0].url.as_deref(),
        Some("https://example.invalid/personal")
    );
    assert_eq!(owed[0].fields["status"], json!("1"));
    assert_eq!(owed[0].fields["mode"], json!("BANK"));
    assert_eq!(owed[0].fields["authId"], json!(auth_id));
    assert_eq!(owed[1].fields["status"], json!("2"));

    // Field rejections.
    let a = post_json(&sandbox, "/v2/personalauth", &json!({"mode": "FACE"}));
    assert_1005(&a, "user is required");
    let a = post_json(
        &sandbox,
        "/v2/personalauth",
        &json!({"user": {"contact": "1", "contactType": "MOBILE"}, "mode": "VIDEO"}),
    );
    assert_1005(&a, "mode");
    let a = get(&sandbox, "/v2/personalauth/result", "contact=13300000000");
    assert_1005(&a, "contactType");
    let a = get(&sandbox, "/v2/personalauth/result", "");
    assert_1005(&a, "authId or contact");
}

#[test]
fn personal_sign_authorization_flow() {
    let sandbox = strict();
    let user = User::mobile("13200000000").with_name("吴十");
    let options = SignAuthOptions {
        auth_deadline: Some("2030-12-31".into()),
        remark: Some("静默签".into()),
        callback_url: Some("https://example.invalid/sign-auth".into()),
        ..SignAuthOptions::default()
    };
    let link = call(
        &sandbox,
        &PersonalSignAuthUrlRequest::from(
            PersonalSignAuth::new(user.clone()).with_options(options),
        )
        .callback_page("https://example.invalid/done"),
    )
    .unwrap();
    assert!(link.url.starts_with(&format!(
        "{}/sandbox/personalsign-auth/",
        sandbox.base_url()
    )));

    let records = call(&sandbox, &PersonalSignQueryRequest::new(user.clone())).unwrap();
    assert_eq!(records.list.len(), 1);
    assert_eq!(records.list[0]["authStatus"], "PENDING");

    // Nothing in effect yet: withdrawing is refused.
    let (code, message) = api_code(call(
        &sandbox,
        &PersonalSignDeauthorizeRequest::new(user.clone()),
    ));
    assert_eq!(code, 1005, "{message}");

    assert!(!sandbox.complete_personal_sign_auth("13200000009"));
    assert!(sandbox.complete_personal_sign_auth("13200000000"));
    let valid = call(
        &sandbox,
        &PersonalSignQueryRequest::new(user.clone()).auth_status("VALID"),
    )
    .unwrap();
    assert_eq!(valid.list.len(), 1);
    assert_eq!(valid.total_count, Some(1));
    assert_eq!(valid.list[0]["authDeadline"], "2030-12-31");
    assert_eq!(valid.list[0]["companyName"], KNOWN_COMPANIES[0].name);

    call(&sandbox, &PersonalSignDeauthorizeRequest::new(user.clone())).unwrap();
    let cancelled = call(
        &sandbox,
        &PersonalSignQueryRequest::new(user.clone()).auth_status("CANCELLED"),
    )
    .unwrap();
    assert_eq!(cancelled.list.len(), 1);
    let valid = call(
        &sandbox,
        &PersonalSignQueryRequest::new(user).auth_status("VALID"),
    )
    .unwrap();
    assert!(valid.list.is_empty());

    let owed = deliveries_of(&sandbox, CallbackKind::PersonalSignAuth);
    assert_eq!(owed.len(), 2, "{owed:?}");
    assert_eq!(owed[0].fields["item"], "AUTHORIZE");
    assert_eq!(owed[0].fields["user"], "13200000000");
    assert_eq!(owed[0].fields["userType"], "MOBLIE");
    assert_eq!(owed[0].fields["remark"], "静默签");
    assert_eq!(owed[1].fields["item"], "DEAUTHORIZE");
    assert!(owed[1].fields["deauthorizeDate"].as_str().unwrap().len() == 10);
    assert!(owed.iter().all(|d| d.signed), "§14.5 callbacks are signed");

    // Field rejections.
    let a = post_json(
        &sandbox,
        "/v2/personalsign/authurl",
        &json!({"remark": "x"}),
    );
    assert_1005(&a, "user is required");
    let a = post_json(
        &sandbox,
        "/v2/personalsign/authurl",
        &json!({"user": {"contact": "1", "contactType": "MOBILE"}, "allowPersonalAuto": "yes"}),
    );
    assert_1005(&a, "allowPersonalAuto");
    let a = post_json(&sandbox, "/v2/personalsign/query", &json!({}));
    assert_1005(&a, "user is required");
    let a = post_json(
        &sandbox,
        "/v2/personalsign/deauthorize",
        &json!({"user": {"contact": "1"}}),
    );
    assert_1005(&a, "user.contactType is required");
}

#[test]
fn customers_and_sso_privilege() {
    let sandbox = strict();
    let ack = call(
        &sandbox,
        &CustomerAddRequest::company("外部客户有限公司", User::mobile("13100000000"))
            .alternate_contact("0571-00000000"),
    )
    .unwrap();
    assert!(ack.0["customerId"].as_str().is_some());
    call(
        &sandbox,
        &CustomerAddRequest::personal(User::email("c@example.com")),
    )
    .unwrap();
    let a = post_json(
        &sandbox,
        "/v2/customer/add",
        &json!({"tenantType": "COMPANY", "user": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "companyName is required");
    let a = post_json(
        &sandbox,
        "/v2/customer/add",
        &json!({"tenantType": "GROUP"}),
    );
    assert_1005(&a, "tenantType");
    let a = post_json(&sandbox, "/v2/customer/add", &json!({}));
    assert_1005(&a, "tenantType is required");

    let link = call(
        &sandbox,
        &SsoPrivilegeUrlRequest::new(
            Company::by_name(KNOWN_COMPANIES[0].name),
            User::mobile("13100000000"),
        )
        .success_url("https://example.invalid/ok"),
    )
    .unwrap();
    assert!(link.url.contains("ssoprivilege"));
    let a = post_json(
        &sandbox,
        "/v2/ssoprivilege/url",
        &json!({"user": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "company is required");
    let a = post_json(
        &sandbox,
        "/v2/ssoprivilege/url",
        &json!({"company": {}, "user": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "company.id or company.name");
}

/// A PDF with `n` signature dictionaries.
fn pdf(n: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    for _ in 0..n {
        b.extend_from_slice(b"<< /Type /Sig /ByteRange [0 1 2 3] >>\n");
    }
    b.extend_from_slice(b"%%EOF\n");
    b
}

#[test]
fn file_verification_and_information_checks() {
    let sandbox = strict();
    let signed = pdf(2);
    let result = upload(
        &sandbox,
        &FileVerifyRequest::new(UploadFile::new("合同.pdf", signed.len() as u64, ()))
            .show_img(true),
        &[&signed],
    )
    .unwrap();
    assert_eq!(result["pass"], true);
    assert_eq!(result["signatureCount"], 2);
    assert!(result["signatures"][0]["image"].as_str().is_some());
    let unsigned = pdf(0);
    let result = upload(
        &sandbox,
        &FileVerifyRequest::new(UploadFile::new("a.pdf", unsigned.len() as u64, ())),
        &[&unsigned],
    )
    .unwrap();
    assert_eq!(result["pass"], false);
    assert!(result["signatures"][0].get("image").is_none());
    let (code, message) = api_code(upload(
        &sandbox,
        &FileVerifyRequest::new(UploadFile::new("fake.pdf", 3, ())),
        &[b"GIF"],
    ));
    assert_eq!(code, 1005);
    assert!(message.contains("not a PDF"), "{message}");
    let a = post_form(&sandbox, "/v2/verify", &[("showImg", None, b"true")]);
    assert_1005(&a, "file is required");

    let p = &KNOWN_PEOPLE[0];
    let ok = call(
        &sandbox,
        &IdentityVerifyRequest::new(p.name, p.id_card_no)
            .mobile(p.mobile)
            .bankcard_no(p.bank_card_no),
    )
    .unwrap();
    assert_eq!(ok["result"], true);
    let wrong_mobile = call(
        &sandbox,
        &IdentityVerifyRequest::new(p.name, p.id_card_no).mobile("13999999999"),
    )
    .unwrap();
    assert_eq!(wrong_mobile["result"], false);
    let stranger = call(
        &sandbox,
        &IdentityVerifyRequest::new("陌生人", "110101199001010000"),
    )
    .unwrap();
    assert_eq!(stranger["result"], false);
    let a = post_json(&sandbox, "/v2/identity/verify", &json!({"name": "张三"}));
    assert_1005(&a, "cardNo is required");

    let c = &KNOWN_COMPANIES[1];
    let ok = call(
        &sandbox,
        &CompanyInfoVerifyRequest::new(c.name)
            .register_no(c.register_no)
            .legal_person(c.legal_person),
    )
    .unwrap();
    assert_eq!(ok["result"], true);
    let wrong = call(
        &sandbox,
        &CompanyInfoVerifyRequest::new(c.name)
            .register_no(c.register_no)
            .legal_person("别人"),
    )
    .unwrap();
    assert_eq!(wrong["result"], false);
    let a = post_json(
        &sandbox,
        "/v2/companyinfo/verify",
        &json!({"companyName": "x", "registerNo": 12}),
    );
    assert_1005(&a, "registerNo");

    let card = upload(
        &sandbox,
        &IdCardOcrRequest::from_image(UploadFile::new("id.jpg", 4, ())),
        &[b"JPEG"],
    )
    .unwrap();
    assert_eq!(card["idCardNo"], p.id_card_no);
    let bank = upload(
        &sandbox,
        &BankCardOcrRequest::<()>::from_url("https://example.invalid/card.jpg"),
        &[],
    )
    .unwrap();
    assert_eq!(bank["bankCardNo"], p.bank_card_no);
    let a = post_form(&sandbox, "/v2/ocr/idcard", &[]);
    assert_1005(&a, "image or imageUrl");
    let a = post_form(
        &sandbox,
        "/v2/ocr/bankcard",
        &[
            ("imageUrl", None, b"https://example.invalid/x.jpg"),
            ("image", Some("x.jpg"), b"JPG"),
        ],
    );
    assert_1005(&a, "only one of image and imageUrl");
}

#[test]
fn blockchain_evidence() {
    let sandbox = strict();
    let applied = call(
        &sandbox,
        &ElectronicProveApplyRequest::new("chain-1")
            .prove_data_id("data-1")
            .operator_info(User::mobile("13800000001")),
    )
    .unwrap();
    let first = applied["proveId"].as_str().unwrap().to_owned();

    let report = upload(
        &sandbox,
        &CompleteReportApplyRequest::new("chain-2")
            .prove_source(1)
            .document_ids([DocumentId::new("1"), DocumentId::new("2")])
            .prove_material(UploadFile::new("材料一.pdf", 3, ()))
            .prove_material(UploadFile::new("材料二.pdf", 3, ())),
        &[b"one", b"two"],
    )
    .unwrap();
    let prove_id = report["proveId"].as_str().unwrap().to_owned();
    assert_ne!(first, prove_id);
    let status = call(&sandbox, &CompleteReportStatusRequest::new(&prove_id)).unwrap();
    assert_eq!(status["status"], "COMPLETE");
    assert_eq!(
        status["proveMaterials"],
        json!(["材料一.pdf", "材料二.pdf"])
    );
    let file = download(&sandbox, &CompleteReportDownloadRequest::new(&prove_id));
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert!(file.body.starts_with(b"%PDF-"));
    assert!(file.header("content-disposition").unwrap().contains(".pdf"));
    let (code, _) = api_code(call(&sandbox, &CompleteReportStatusRequest::new("404")));
    assert_eq!(code, 1005);
    let missing = download(&sandbox, &CompleteReportDownloadRequest::new("404"));
    assert_1005(&missing, "proveId 404");
    let a = post_form(
        &sandbox,
        "/chain/evidence/complete/report/apply",
        &[("proveSource", None, b"one")],
    );
    assert_1005(&a, "proveSource");

    let notary = upload(
        &sandbox,
        &ChainNotaryRequest::new("存证一").notary_file(UploadFile::new("f.txt", 3, ())),
        &[b"abc"],
    )
    .unwrap();
    assert_eq!(notary["notaryDataHash"], "900150983cd24fb0d6963f7d28e17f72");
    let by_hash = upload(
        &sandbox,
        &ChainNotaryRequest::<()>::new("存证二").notary_data_hash("ffff"),
        &[],
    )
    .unwrap();
    assert_eq!(by_hash["notaryDataHash"], "ffff");
    let a = post_form(&sandbox, "/v2/chain/notary", &[("notaryName", None, b"x")]);
    assert_1005(&a, "notaryFile or notaryDataHash");
    let a = post_form(&sandbox, "/v2/chain/notary", &[("notaryType", None, b"x")]);
    assert_1005(&a, "notaryName is required");
}

#[test]
fn saas_tenants_apps_and_fees() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let tenant = f.saas_company_id.clone();

    let app = call(
        &sandbox,
        &SaasApplyAppRequest::new(tenant.clone(), "新应用"),
    )
    .unwrap();
    let token = app["accessToken"].as_str().unwrap().to_owned();
    let secret = app["accessSecret"].as_str().unwrap().to_owned();
    let reset = call(
        &sandbox,
        &SaasResetTokenRequest::new(tenant.clone(), &token),
    )
    .unwrap();
    assert_eq!(reset["accessToken"], token.as_str());
    assert_ne!(reset["accessSecret"], secret.as_str());
    let (code, _) = api_code(call(
        &sandbox,
        &SaasResetTokenRequest::new(tenant.clone(), "nope"),
    ));
    assert_eq!(code, 1005);
    let (code, _) = api_code(call(
        &sandbox,
        &SaasApplyAppRequest::new(CompanyId::new("1"), "x"),
    ));
    assert_eq!(code, 1801);
    let a = post_json(
        &sandbox,
        "/saas/v2/company/applyapp",
        &json!({"companyId": tenant.as_str()}),
    );
    assert_1005(&a, "appName is required");

    let detail = call(
        &sandbox,
        &SaasCompanyDetailRequest::by_name(&f.saas_company_name),
    )
    .unwrap();
    assert_eq!(detail.id.as_ref(), Some(&tenant));
    assert_eq!(
        detail.register_no.as_deref(),
        Some(KNOWN_COMPANIES[1].register_no)
    );
    let by_no = call(
        &sandbox,
        &SaasCompanyDetailRequest::by_register_no(KNOWN_COMPANIES[1].register_no),
    )
    .unwrap();
    assert_eq!(by_no.name.as_deref(), Some(f.saas_company_name.as_str()));
    let (code, _) = api_code(call(
        &sandbox,
        &SaasCompanyDetailRequest::by_name("无此公司"),
    ));
    assert_eq!(code, 1801);

    // Access control, binding, health, fees.
    call(
        &sandbox,
        &SaasAppAccessControlRequest::new(Company::by_id(tenant.clone()), "ENABLE"),
    )
    .unwrap();
    call(
        &sandbox,
        &SaasCompanyAccessControlRequest::new(Company::by_name(&f.saas_company_name), "DISABLE"),
    )
    .unwrap();
    call(
        &sandbox,
        &SaasPersonalAccessControlRequest::new(User::mobile("13000000000"), "ENABLE"),
    )
    .unwrap();
    let (code, _) = api_code(call(
        &sandbox,
        &SaasCompanyAccessControlRequest::new(Company::by_name("无此公司"), "DISABLE"),
    ));
    assert_eq!(code, 1801);
    let a = post_json(
        &sandbox,
        "/saas/v2/personal/accesscontrol",
        &json!({"user": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "operate is required");
    let binding = call(&sandbox, &SaasBindingRequest::new()).unwrap();
    assert_eq!(binding["companies"][0]["id"], tenant.as_str());
    let health = call(&sandbox, &SaasCheckHealthRequest::new()).unwrap();
    assert_eq!(health["status"], "UP");
    call(&sandbox, &SaasPlatformFeeRequest::new()).unwrap();

    let (code, _) = api_code(call(
        &sandbox,
        &SaasFeeUpdateRequest::from(TenantFees::new(&f.saas_company_name).initial_price("1.00")),
    ));
    assert_eq!(code, 1005, "update before init");
    let before = call(&sandbox, &SaasFeeInfoRequest::new(&f.saas_company_name)).unwrap();
    assert_eq!(before["initialized"], false);
    call(
        &sandbox,
        &SaasFeeInitRequest::from(
            TenantFees::new(&f.saas_company_name)
                .initial_balance("100.00")
                .initial_price("2.50")
                .pay_mode("PREPAID"),
        ),
    )
    .unwrap();
    call(
        &sandbox,
        &SaasFeeUpdateRequest::from(TenantFees::new(&f.saas_company_name).initial_price("3.00")),
    )
    .unwrap();
    let fee = call(&sandbox, &SaasFeeInfoRequest::new(&f.saas_company_name)).unwrap();
    assert_eq!(fee["balance"], "100.00");
    assert_eq!(fee["price"], "3.00");
    let a = get(&sandbox, "/saas/v2/fee/info", "");
    assert_1005(&a, "companyName is required");
}

#[test]
fn saas_authentication_authorization_and_privileges() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let tenant = f.saas_company_id.clone();

    // The tenant's own authentication link, then a new company's page.
    let link = call(&sandbox, &SaasCompanyAuthUrlRequest::new(tenant.clone())).unwrap();
    assert!(link.url.contains("/sandbox/companyauth/"));
    let page = upload(
        &sandbox,
        &SaasCompanyAuthPageUrlRequest::new("SaaS认证新公司", User::mobile("12900000000"))
            .license(UploadFile::new("执照.png", 3, ()))
            .repeat_auth(false)
            .modify_fields(true),
        &[b"PNG"],
    )
    .unwrap();
    let id = page.request_id.unwrap();
    let pending = call(&sandbox, &SaasCompanyAuthResultRequest::by_request_id(&id)).unwrap();
    assert_eq!(pending.status, Some(1));
    assert!(sandbox.complete_company_auth(&id, true));
    let done = call(
        &sandbox,
        &SaasCompanyAuthResultRequest::by_company_name("SaaS认证新公司"),
    )
    .unwrap();
    assert_eq!(done.status, Some(2));
    // The new company is a tenant now, and authenticated.
    let detail = call(
        &sandbox,
        &SaasCompanyDetailRequest::by_name("SaaS认证新公司"),
    )
    .unwrap();
    assert_eq!(detail.extra.get("status"), None);
    assert_eq!(
        detail.status.map(|s| s.as_str().to_owned()).as_deref(),
        Some("AUTH_SUCCESS")
    );
    let (code, _) = api_code(upload(
        &sandbox,
        &SaasCompanyAuthPageUrlRequest::<()>::new("SaaS认证新公司", User::mobile("12900000000")),
        &[],
    ));
    assert_eq!(code, 1605);
    upload(
        &sandbox,
        &SaasCompanyAuthPageUrlRequest::<()>::new("SaaS认证新公司", User::mobile("12900000000"))
            .repeat_auth(true),
        &[],
    )
    .unwrap();

    // Personal authentication through the agent.
    let user = User::mobile("12800000000");
    let link = call(
        &sandbox,
        &SaasPersonalAuthPageRequest::new(user.clone()).manual_switch(true),
    )
    .unwrap();
    let auth_id = link.auth_id.unwrap();
    assert!(sandbox.complete_personal_auth(&auth_id, true));
    let r = call(&sandbox, &SaasPersonalAuthResultRequest::by_user(&user)).unwrap();
    assert_eq!(r.real_name, Some(true));

    // Silent-signing authorization of a tenant.
    let company = Company::by_id(tenant.clone());
    call(
        &sandbox,
        &SaasPersonalSignAuthUrlRequest::new(user.clone(), company.clone()).app_id(&f.saas_app_id),
    )
    .unwrap();
    let (code, _) = api_code(call(
        &sandbox,
        &SaasPersonalSignAuthUrlRequest::new(user.clone(), company.clone()).app_id("other-app"),
    ));
    assert_eq!(code, 1005);
    assert!(sandbox.complete_personal_sign_auth("12800000000"));
    call(
        &sandbox,
        &SaasPersonalSignDeauthorizeRequest::new(user, company.clone()),
    )
    .unwrap();
    let owed = deliveries_of(&sandbox, CallbackKind::PersonalSignAuth);
    assert_eq!(owed.len(), 2);
    assert_eq!(owed[0].fields["companyId"], tenant.as_str());
    assert_eq!(owed[1].fields["item"], "DEAUTHORIZE");

    let seal = call(
        &sandbox,
        &SaasSealSignAuthUrlRequest::new(User::mobile("12700000000"), company)
            .auth_deadline("2030-01-01")
            .return_url("https://example.invalid/back"),
    )
    .unwrap();
    assert!(seal.url.contains("sealsign"));
    let (code, _) = api_code(call(
        &sandbox,
        &SaasSealSignAuthUrlRequest::new(User::mobile("12700000000"), Company::by_name("无")),
    ));
    assert_eq!(code, 1801);

    // Privileges.
    let none = call(
        &sandbox,
        &SaasPrivilegeQueryRequest::new(&f.saas_app_id, tenant.clone()),
    )
    .unwrap();
    assert_eq!(none["granted"], false);
    let page = call(
        &sandbox,
        &SaasPrivilegeUrlRequest::from(
            PrivilegeGrant::new(&f.saas_app_id, tenant.clone(), User::mobile("12700000000"))
                .privilege_modules(["CONTRACT", "SEAL"]),
        )
        .page_style(qys_proto::types::PageStyle {
            theme_color: "#FF0000".into(),
        })
        .can_show_secret(false),
    )
    .unwrap();
    assert!(page.url.contains("privilege"));
    let granted = call(
        &sandbox,
        &SaasPrivilegeQueryRequest::new(&f.saas_app_id, tenant),
    )
    .unwrap();
    assert_eq!(granted["granted"], true);
    assert_eq!(granted["privilegeModules"], json!(["CONTRACT", "SEAL"]));
    let a = post_json(
        &sandbox,
        "/saas/v2/privilege/url",
        &json!({"appId": f.saas_app_id, "user": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "companyId is required");
    let a = post_json(
        &sandbox,
        "/saas/v2/personalsign/authurl",
        &json!({"user": {"contact": "1", "contactType": "MOBILE"}}),
    );
    assert_1005(&a, "company is required");
}

/// The vendor SDK's usage sends no `appId` to the privilege calls and no `accessToken` to
/// `resettoken`, and no document marks them required: the tenant's own app is meant.
#[test]
fn saas_calls_without_app_id_or_access_token_use_the_tenants_own_app() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let tenant = f.saas_company_id.as_str();
    let user = json!({"contact": "12700000001", "contactType": "MOBILE"});
    let a = post_json(
        &sandbox,
        "/saas/v2/privilege/url",
        &json!({"companyId": tenant, "user": user, "privilegeModules": ["CONTRACT"]}),
    );
    assert_eq!(a.json()["code"], 0, "{}", a.json());
    let a = get(
        &sandbox,
        "/saas/v2/privilege/query",
        &format!("companyId={tenant}"),
    );
    let result = &a.json()["result"];
    assert_eq!(result["appId"], f.saas_app_id.as_str(), "{result}");
    assert_eq!(result["granted"], true, "{result}");
    let a = post_json(
        &sandbox,
        "/saas/v2/privilege/miniappexchange",
        &json!({"companyId": tenant, "user": user}),
    );
    assert_eq!(a.json()["result"]["ticket"].as_str().unwrap().len(), 32);
    let a = post_json(
        &sandbox,
        "/saas/v2/company/resettoken",
        &json!({"companyId": tenant}),
    );
    let result = &a.json()["result"];
    assert_eq!(
        result["accessToken"], "qys-sandbox-tenant-token",
        "{result}"
    );
    assert_ne!(
        result["accessSecret"], "qys-sandbox-tenant-secret",
        "a new secret"
    );
    // A token that is not the tenant's is still refused.
    let a = post_json(
        &sandbox,
        "/saas/v2/company/resettoken",
        &json!({"companyId": tenant, "accessToken": "someone-else"}),
    );
    assert_1005(&a, "accessToken");
}

#[test]
fn uniform_api_post_and_get() {
    let sandbox = strict();
    let data = "opaque-request-data-from-the-js-sdk==";
    let file: Vec<u8> = (0..3000u32).map(|i| (i % 7) as u8).collect();
    let answer = upload(
        &sandbox,
        &UniformApiRequest::new(data).file(UploadFile::new("附件.docx", file.len() as u64, ())),
        &[&file],
    )
    .unwrap();
    let md5 = |b: &[u8]| {
        use md5::Digest;
        hex::encode(md5::Md5::digest(b))
    };
    assert_eq!(answer["requestDataMd5"], md5(data.as_bytes()));
    assert_eq!(answer["requestDataLength"], data.len());
    assert_eq!(answer["file"]["fileName"], "附件.docx");
    assert_eq!(answer["file"]["size"], file.len());
    assert_eq!(answer["file"]["md5"], md5(&file));
    let bare = upload(&sandbox, &UniformApiRequest::<()>::new("x"), &[]).unwrap();
    assert_eq!(bare["file"], Value::Null);

    let got = download(&sandbox, &UniformApiDownloadRequest::new(data));
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), Some("application/octet-stream"));
    assert_eq!(&got.body[..256], &(0..=255u8).collect::<Vec<_>>()[..]);
    assert_eq!(&got.body[256..], data.as_bytes());
    let disposition = got.header("content-disposition").unwrap();
    let name = qys_proto::download::content_disposition_file_name(disposition.as_bytes()).unwrap();
    assert_eq!(name, format!("沙箱下载-{}.bin", &md5(data.as_bytes())[..8]));

    let a = post_form(&sandbox, "/uniformapi", &[("file", Some("a.txt"), b"a")]);
    assert_1005(&a, "requestData is required");
    let a = get(&sandbox, "/uniformapi", "requestData=");
    assert_1005(&a, "requestData is required");
}

#[test]
fn every_identity_endpoint_of_the_sdk_is_served() {
    let served = qys_sandbox::supported_endpoints();
    let paths = [
        "/v2/personalauth",
        "/v2/personalauth/result",
        "/companyauth/pcpage",
        "/companyauth/h5page",
        "/companyauth/pcpagewithlicense",
        "/companyauth/h5pagewithlicense",
        "/companyauth/result",
        "/v2/customer/add",
        "/v2/ssoprivilege/url",
        "/v2/personalsign/authurl",
        "/v2/personalsign/deauthorize",
        "/v2/personalsign/query",
        "/v2/verify",
        "/v2/identity/verify",
        "/v2/companyinfo/verify",
        "/v2/ocr/idcard",
        "/v2/ocr/bankcard",
        "/chain/evidence/electronic/prove/apply",
        "/chain/evidence/complete/report/apply",
        "/chain/evidence/complete/report/status",
        "/chain/evidence/complete/report/download",
        "/v2/chain/notary",
        "/uniformapi",
    ];
    for p in paths {
        assert!(served.iter().any(|(_, s)| *s == p), "{p} is not served");
    }
    let saas = served
        .iter()
        .filter(|(_, p)| p.starts_with("/saas/v2/"))
        .count();
    // 22 SaaS calls of saas.rs and 5 SaaS ticket calls.
    assert!(saas >= 27, "{saas}");
}

/// A loopback receiver that answers `{"code":0}` to each request and hands over its bytes.
fn receiver() -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/callback", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then the Content-Length body.
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10\r\nconnection: close\r\n\r\n{\"code\":0}",
            );
            if tx.send(got).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

#[test]
fn a_sandbox_control_delivers_its_callback_without_another_request() {
    let sandbox = strict();
    let (url, received) = receiver();
    let options = PersonalAuthOptions {
        callback_url: Some(url.clone()),
        ..PersonalAuthOptions::default()
    };
    let link = call(
        &sandbox,
        &PersonalAuthPageRequest::new(User::mobile("12600000000")).with_options(options),
    )
    .unwrap();
    let auth_id = link.auth_id.unwrap();
    assert!(sandbox.complete_personal_auth(&auth_id, true));
    // No further request: the control itself hands the callback to the delivery.
    assert!(sandbox.wait_for_deliveries(1, std::time::Duration::from_secs(10)));
    let body = received
        .recv_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    let text = String::from_utf8(body).unwrap();
    assert!(text.starts_with("POST /callback "), "{text}");
    // Signed and encrypted (the default): it verifies and decrypts with the sandbox's key.
    let form = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let event = sandbox
        .callback_verifier()
        .verify(
            &qys_proto::callback::CallbackRequest::new(None, form.as_bytes()),
            sandbox.clock().unix_ms(),
        )
        .unwrap();
    let shown = format!("{event:?}");
    assert!(
        shown.contains("PersonalAuth") && shown.contains(&auth_id),
        "{shown}"
    );
    let delivered = deliveries_of(&sandbox, CallbackKind::PersonalAuth);
    assert_eq!(delivered[0].url.as_deref(), Some(url.as_str()));
    assert!(delivered[0].delivered());
}
