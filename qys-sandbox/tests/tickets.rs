//! The mini-program ticket endpoints over real HTTP: successes built with qys-proto's endpoint
//! types, and the field checks and business errors with hand-made bodies.

mod support;

use qys_proto::ErrorCode;
use qys_proto::api::contract::ContractView;
use qys_proto::api::miniapp::*;
use qys_proto::api::saas::PrivilegeGrant;
use qys_proto::multipart::UploadFile;
use qys_proto::types::{Company, ContactType, ContractRef, User};
use qys_sandbox::{PluginPage, Sandbox};
use serde_json::json;
use support::*;

#[track_caller]
fn assert_ticket(
    sandbox: &Sandbox,
    ticket: &Ticket,
    page: PluginPage,
) -> qys_sandbox::MintedTicket {
    let value = ticket.value();
    assert_eq!(value.len(), 32, "{value}");
    assert!(value.bytes().all(|b| b.is_ascii_hexdigit()), "{value}");
    assert_eq!(ticket.page(), page);
    let minted = sandbox
        .ticket(value)
        .expect("the sandbox remembers its tickets");
    assert_eq!(minted.page, page);
    minted
}

#[test]
fn contract_sign_ticket_by_id_and_by_biz_id() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let t = call(
        &sandbox,
        &ContractSignTicketRequest::new(f.contract_id.clone(), f.signer.clone())
            .hide_password_settings(true)
            .allow_password_sign(false),
    )
    .unwrap();
    let minted = assert_ticket(&sandbox, &t, PluginPage::ContractSign);
    assert_eq!(minted.subject, f.contract_id.as_str());
    assert_eq!(minted.user.unwrap().contact, f.signer.contact);
    let by_biz = call(
        &sandbox,
        &ContractSignTicketRequest::new(ContractRef::biz_id(&f.contract_biz_id), f.signer),
    )
    .unwrap();
    assert_ticket(&sandbox, &by_biz, PluginPage::ContractSign);
    assert_ne!(t.value(), by_biz.value(), "tickets are unique per call");
}

#[test]
fn contract_sign_ticket_errors() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let e = api_error(call(
        &sandbox,
        &ContractSignTicketRequest::new(
            qys_proto::ContractId::new("1234567890123456789"),
            f.signer.clone(),
        ),
    ));
    assert_eq!(e.kind(), ErrorCode::ContractNotFound);
    assert_eq!(e.code(), Some(3004));
    assert_eq!(e.response_code(), Some("11101003"));
    let e = api_error(call(
        &sandbox,
        &ContractSignTicketRequest::new(ContractRef::biz_id("no-such-biz-id"), f.signer.clone()),
    ));
    assert_eq!(e.kind(), ErrorCode::ContractNotFound);
    let e = api_error(call(
        &sandbox,
        &ContractSignTicketRequest::new(f.contract_id.clone(), User::mobile("13999999999")),
    ));
    assert_eq!(e.kind(), ErrorCode::NoViewPermission);
    assert_eq!(e.message(), "NO VIEW PERMISSION");
    // The signer's mobile under another contact type is someone else.
    let e = api_error(call(
        &sandbox,
        &ContractSignTicketRequest::new(
            f.contract_id.clone(),
            User::new(f.signer.contact, ContactType::EmployeeId),
        ),
    ));
    assert_eq!(e.kind(), ErrorCode::NoViewPermission);
}

#[test]
fn contract_view_ticket() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let t = call(
        &sandbox,
        &ContractViewTicketRequest::from(
            ContractView::new(f.contract_id.clone())
                .document_id(f.document_id.clone())
                .lang(qys_proto::types::Language::English)
                .theme_color("#1F7FFF"),
        ),
    )
    .unwrap();
    assert_ticket(&sandbox, &t, PluginPage::ContractView);
    assert!(
        t.plugin_url()
            .to_string()
            .starts_with("plugin://qyssdk-plugin/doc?ticket=")
    );
    let e = api_error(call(
        &sandbox,
        &ContractViewTicketRequest::from(ContractView::new(f.contract_id).document_id("42")),
    ));
    assert_eq!(e.kind(), ErrorCode::InvalidParam);
    assert!(e.message().contains("documentId"), "{e:?}");
}

#[test]
fn personal_auth_tickets_open_and_saas() {
    let sandbox = strict();
    let options = PersonalAuthOptions {
        mode: Some(qys_proto::types::PersonalAuthMode::Face),
        paper_type: Some(qys_proto::types::PaperType::Passport),
        username: Some("李四".into()),
        other_modes: vec![qys_proto::types::PersonalAuthMode::Manual],
        modify_fields: vec![qys_proto::types::PersonalField::Username],
        callback_url: Some("https://example.invalid/cb".into()),
        id_card_no: Some("110101199003070000".into()),
        bank_no: Some("6222020000000000000".into()),
        bank_mobile: Some("13800000010".into()),
    };
    let t = call(
        &sandbox,
        &PersonalAuthTicketRequest::new(User::email("li@example.com"))
            .with_options(options.clone()),
    )
    .unwrap();
    let minted = assert_ticket(&sandbox, &t, PluginPage::PersonalAuth);
    assert_eq!(minted.subject, "li@example.com");
    let t = call(
        &sandbox,
        &SaasPersonalAuthTicketRequest::new(User::mobile("13800000009"))
            .with_options(options)
            .manual_switch(true),
    )
    .unwrap();
    assert_ticket(&sandbox, &t, PluginPage::PersonalAuth);
}

#[test]
fn company_auth_tickets_and_1605() {
    let sandbox = strict();
    let applicant = User::mobile("13700000000").with_name("王五");
    let t = call(
        &sandbox,
        &CompanyAuthTicketRequest::new("新公司有限公司", applicant.clone())
            .with_options(
                CompanyTicketOptions::new()
                    .register_no("91330100MA2XXXXXXX")
                    .legal_person("王五")
                    .callback_url("https://example.invalid/company"),
            )
            .close_button(false)
            .modify_fields([CompanyField::CorpName, CompanyField::LegalPerson]),
    )
    .unwrap();
    let minted = assert_ticket(&sandbox, &t, PluginPage::CompanyAuth);
    assert_eq!(minted.subject, "新公司有限公司");
    let authed = sandbox.fixtures().authenticated_company.clone();
    let e = api_error(call(
        &sandbox,
        &CompanyAuthTicketRequest::new(authed.clone(), applicant.clone()),
    ));
    assert_eq!(e.kind(), ErrorCode::CompanyAlreadyAuthed);
    assert_eq!(e.code(), Some(1605));
    assert_eq!(e.response_code(), Some("11011605"));
    let licence: &[u8] = b"\x89PNG\r\n\x1a\nfake licence";
    let e = api_error(upload(
        &sandbox,
        &CompanyAuthLicenseTicketRequest::new(
            authed.clone(),
            applicant.clone(),
            UploadFile::new("licence.png", licence.len() as u64, ()),
        ),
        &[licence],
    ));
    assert_eq!(e.kind(), ErrorCode::CompanyAlreadyAuthed);
    let e = api_error(upload(
        &sandbox,
        &SaasCompanyAuthTicketRequest::<()>::new(authed, applicant),
        &[],
    ));
    assert_eq!(e.kind(), ErrorCode::CompanyAlreadyAuthed);
}

#[test]
fn multipart_licence_upload_reaches_the_state() {
    let sandbox = strict();
    let licence: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let t = upload(
        &sandbox,
        &CompanyAuthLicenseTicketRequest::new(
            "上传执照有限公司",
            User::email("boss@example.com").with_name("赵六"),
            UploadFile::new("营业执照.png", licence.len() as u64, ()),
        )
        .with_options(
            CompanyTicketOptions::new()
                .legal_person("赵六")
                .register_no("91330100MA2YYYYYYY")
                .callback_url("https://example.invalid/licence"),
        )
        .close_button(true)
        .modify_fields([CompanyField::License, CompanyField::RegisterNo]),
        &[&licence],
    )
    .unwrap();
    let minted = assert_ticket(&sandbox, &t, PluginPage::CompanyAuth);
    assert_eq!(minted.subject, "上传执照有限公司");
    let file = minted.license.expect("the licence is kept");
    assert_eq!(file.file_name, "营业执照.png");
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.bytes, licence);
    assert_eq!(minted.user.unwrap().contact_type, ContactType::Email);

    // The SaaS variant: the licence is optional.
    let t = upload(
        &sandbox,
        &SaasCompanyAuthTicketRequest::<()>::new("SaaS新租户有限公司", User::mobile("13600000000")),
        &[],
    )
    .unwrap();
    assert!(
        assert_ticket(&sandbox, &t, PluginPage::CompanyAuth)
            .license
            .is_none()
    );
    let t = upload(
        &sandbox,
        &SaasCompanyAuthTicketRequest::new("SaaS新租户二有限公司", User::mobile("13600000000"))
            .license(UploadFile::new("l.jpg", 3, ()))
            .with_options(
                CompanyTicketOptions::new()
                    .register_no("91330100MA2ZZZZZZZ")
                    .legal_person("孙八")
                    .callback_url("https://example.invalid/cb"),
            ),
        &[b"JPG"],
    )
    .unwrap();
    let minted = assert_ticket(&sandbox, &t, PluginPage::CompanyAuth);
    assert_eq!(minted.license.unwrap().bytes, b"JPG");
}

#[test]
fn multipart_field_checks() {
    let sandbox = Sandbox::start().unwrap();
    let path = "/companyauth/miniappexchangewithlicense";
    let form = |parts: &[(&str, Option<&str>, &str)]| {
        let parts: Vec<Part<'_>> = parts
            .iter()
            .map(|&(name, file, value)| (name, file, value.as_bytes()))
            .collect();
        post_form(&sandbox, path, &parts)
    };
    let applicant = r#"{"contact":"13500000000","contactType":"MOBILE"}"#;
    // No licence file.
    let a = form(&[
        ("companyName", None, "某公司"),
        ("applicantInfo", None, applicant),
    ]);
    assert_1005(&a, "license is required");
    // The licence as a text part.
    let a = form(&[
        ("companyName", None, "某公司"),
        ("applicantInfo", None, applicant),
        ("license", None, "not a file"),
    ]);
    assert_1005(&a, "license must be a file part");
    // applicantInfo not JSON, or with a contact type auth tickets do not take.
    let a = form(&[
        ("companyName", None, "某公司"),
        ("applicantInfo", None, "张三 13500000000"),
        ("license", Some("l.png"), "PNG"),
    ]);
    assert_1005(&a, "applicantInfo must be JSON text");
    let a = form(&[
        ("companyName", None, "某公司"),
        ("applicantInfo", None, "13500000000"),
        ("license", Some("l.png"), "PNG"),
    ]);
    assert_1005(&a, "applicantInfo must be an object");
    let a = form(&[
        ("companyName", None, "某公司"),
        (
            "applicantInfo",
            None,
            r#"{"contact":"1","contactType":"EMPLOYEEID"}"#,
        ),
        ("license", Some("l.png"), "PNG"),
    ]);
    assert_1005(&a, "applicantInfo.contactType must be one of MOBILE, EMAIL");
    let a = form(&[
        ("companyName", None, "某公司"),
        ("applicantInfo", None, applicant),
        ("closeButton", None, "yes"),
        ("license", Some("l.png"), "PNG"),
    ]);
    assert_1005(&a, "closeButton must be true or false");
    // Missing companyName.
    let a = form(&[
        ("applicantInfo", None, applicant),
        ("license", Some("l.png"), "PNG"),
    ]);
    assert_1005(&a, "companyName is required");
    // Everything right, plus an unknown part (ignored).
    let a = form(&[
        ("companyName", None, "某公司"),
        ("applicantInfo", None, applicant),
        ("somethingNew", None, "x"),
        ("license", Some("l.png"), "PNG"),
    ]);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["code"], 0, "{}", a.json());
    // A JSON body is refused on a multipart endpoint.
    let a = post_json(&sandbox, path, &json!({"companyName": "x"}));
    assert_error(&a, 415, 415, "11990415");
}

#[test]
fn personal_sign_auth_tickets() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let options = SignAuthOptions {
        auth_deadline: Some("2027-12-31".into()),
        remark: Some("静默签授权".into()),
        page_style: Some(qys_proto::types::PageStyle {
            theme_color: "#FF0000".into(),
        }),
        allow_personal_auto: Some(true),
        auth_time_modifiable: Some(false),
        callback_url: Some("https://example.invalid/sign-auth".into()),
    };
    let t = call(
        &sandbox,
        &PersonalSignAuthTicketRequest::from(
            PersonalSignAuth::new(User::mobile("13400000000"))
                .with_options(options.clone())
                .tenant_name("子公司")
                .auth_method("SMS")
                .auth_info(PersonalSignAuthInfo {
                    mode: Some(qys_proto::types::PersonalAuthMode::Bank),
                    paper_type: Some(qys_proto::types::PaperType::IdCard),
                    username: Some("钱七".into()),
                    id_card_no: Some("110101199003070011".into()),
                    bank_no: Some("6222020000000000011".into()),
                    bank_mobile: Some("13800000011".into()),
                    other_modes: vec![qys_proto::types::PersonalAuthMode::Face],
                    modify_fields: vec![qys_proto::types::PersonalField::BankNo],
                }),
        ),
    )
    .unwrap();
    assert_ticket(&sandbox, &t, PluginPage::PersonalSignAuth);
    assert!(
        t.plugin_url()
            .to_string()
            .ends_with("&type=personalSignatureOpen")
    );

    let t = call(
        &sandbox,
        &SaasPersonalSignAuthTicketRequest::new(
            User::mobile("13400000000"),
            Company::by_id(f.saas_company_id.clone()),
        )
        .with_options(options)
        .app_id(f.saas_app_id.clone()),
    )
    .unwrap();
    assert_ticket(&sandbox, &t, PluginPage::SaasPersonalSignAuth);
    let t = call(
        &sandbox,
        &SaasPersonalSignAuthTicketRequest::new(
            User::mobile("13400000000"),
            Company::by_name(f.saas_company_name),
        ),
    )
    .unwrap();
    assert_ticket(&sandbox, &t, PluginPage::SaasPersonalSignAuth);
    let e = api_error(call(
        &sandbox,
        &SaasPersonalSignAuthTicketRequest::new(User::mobile("1"), Company::by_id("999")),
    ));
    assert_eq!(e.kind(), ErrorCode::CompanyNotFound);
    assert_eq!(e.response_code(), Some("11041801"));
}

#[test]
fn saas_seal_sign_and_privilege_tickets() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let t = call(
        &sandbox,
        &SaasSealSignAuthTicketRequest::new(
            User::mobile("13300000000"),
            Company::by_id(f.saas_company_id.clone()),
        )
        .auth_deadline("2027-01-01")
        .remark("印章授权")
        .callback_url("https://example.invalid/seal")
        .app_id(f.saas_app_id.clone()),
    )
    .unwrap();
    assert_ticket(&sandbox, &t, PluginPage::SaasSealSignAuth);
    let t = call(
        &sandbox,
        &SaasPrivilegeTicketRequest::from(
            PrivilegeGrant::new(
                f.saas_app_id.clone(),
                f.saas_company_id.clone(),
                User::mobile("13300000000"),
            )
            .create_token(true)
            .success_url("https://example.invalid/ok")
            .callback_url("https://example.invalid/privilege")
            .privilege_modules(["CONTRACT", "SEAL"]),
        ),
    )
    .unwrap();
    let minted = assert_ticket(&sandbox, &t, PluginPage::SaasPrivilege);
    assert_eq!(minted.subject, f.saas_company_id.as_str());
    let e = api_error(call(
        &sandbox,
        &SaasPrivilegeTicketRequest::new("other-app", f.saas_company_id.clone(), User::mobile("1")),
    ));
    assert_eq!(e.kind(), ErrorCode::InvalidParam);
    assert!(e.message().contains("appId"));
    let e = api_error(call(
        &sandbox,
        &SaasPrivilegeTicketRequest::new(f.saas_app_id, "123", User::mobile("1")),
    ));
    assert_eq!(e.kind(), ErrorCode::CompanyNotFound);
}

#[test]
fn json_field_checks_name_the_field() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let sign = "/v2/contract/miniappexchange";
    let cases = [
        (
            sign,
            json!({"contractId": f.contract_id}),
            "user is required",
        ),
        (
            sign,
            json!({"contractId": f.contract_id, "user": {"contactType": "MOBILE"}}),
            "user.contact is required",
        ),
        (
            sign,
            json!({"contractId": f.contract_id, "user": {"contact": "1", "contactType": "FAX"}}),
            "user.contactType must be one of",
        ),
        (
            sign,
            json!({"user": {"contact": "1", "contactType": "MOBILE"}}),
            "one of contractId or bizId is required",
        ),
        (
            sign,
            json!({"contractId": f.contract_id, "bizId": f.contract_biz_id, "user": {"contact": "1", "contactType": "MOBILE"}}),
            "only one of contractId and bizId",
        ),
        (
            sign,
            json!({"contractId": f.contract_id, "user": {"contact": "1", "contactType": "MOBILE"}, "allowPasswordSign": "yes"}),
            "allowPasswordSign must be a boolean",
        ),
        (
            "/v2/contract/miniappexchange/view",
            json!({"contractId": "12ab"}),
            "contractId must be an ID",
        ),
        (
            "/v2/contract/miniappexchange/view",
            json!({"contractId": f.contract_id, "lang": "fr"}),
            "lang must be one of cn, en",
        ),
        (
            "/v2/personalauth/miniappexchange",
            json!({"user": {"contact": "1", "contactType": "EMPLOYEEID"}}),
            "user.contactType must be one of MOBILE, EMAIL",
        ),
        (
            "/v2/personalauth/miniappexchange",
            json!({"user": {"contact": "1", "contactType": "MOBILE"}, "mode": "MANUAL"}),
            "mode must be one of",
        ),
        (
            "/companyauth/miniappexchange",
            json!({"companyName": "x", "applicant": {"contact": "1", "contactType": "NUMBER"}}),
            "applicant.contactType must be one of MOBILE, EMAIL",
        ),
        (
            "/companyauth/miniappexchange",
            json!({"companyName": "  ", "applicant": {"contact": "1", "contactType": "MOBILE"}}),
            "companyName is required",
        ),
        (
            "/companyauth/miniappexchange",
            json!({"companyName": "x", "applicant": {"contact": "1", "contactType": "MOBILE"}, "modifyFields": "corpName,license"}),
            "modifyFields must be a comma-separated list",
        ),
        (
            "/v2/personalsign/authurl/miniappexchange",
            json!({"user": {"contact": "1", "contactType": "MOBILE"}, "pageStyle": "red"}),
            "pageStyle must be an object",
        ),
        (
            "/saas/v2/sealsign/authurl/miniappexchange",
            json!({"sealAdmin": {"contact": "1", "contactType": "MOBILE"}, "company": {}}),
            "one of company.id or company.name is required",
        ),
        (
            "/saas/v2/privilege/miniappexchange",
            json!({"appId": "a", "user": {"contact": "1", "contactType": "MOBILE"}}),
            "companyId is required",
        ),
        (
            "/saas/v2/personalauth/miniappexchange",
            json!({"user": {"contact": "1", "contactType": "MOBILE"}, "otherModes": "FACE"}),
            "otherModes must be a list",
        ),
    ];
    for (path, body, expected) in cases {
        let a = post_json(&sandbox, path, &body);
        let m = assert_error(&a, 200, 1005, "11990005");
        assert!(m.starts_with("INVALID PARAM: "), "{m}");
        assert!(
            m.contains(expected),
            "{path} {body}: {m:?} should contain {expected:?}"
        );
    }
    // Not JSON, not an object, wrong content type.
    let bad = |body: &[u8], ct: Option<&str>| {
        send(
            &sandbox,
            &signed_raw(&sandbox, "POST", sign, ct, body, &fresh_params()),
        )
    };
    assert!(
        assert_error(&bad(b"{", Some("application/json")), 200, 1005, "11990005")
            .contains("not valid JSON")
    );
    assert!(
        assert_error(
            &bad(b"[1]", Some("application/json")),
            200,
            1005,
            "11990005"
        )
        .contains("JSON object")
    );
    assert_error(&bad(b"{}", Some("text/plain")), 415, 415, "11990415");
    assert_error(&bad(b"{}", None), 415, 415, "11990415");
    // Unknown fields are ignored; integer IDs are fine.
    let ok = post_json(
        &sandbox,
        sign,
        &json!({"contractId": f.contract_id.as_str().parse::<u64>().unwrap(), "user": f.signer, "someFutureField": [1, 2]}),
    );
    assert_eq!(ok.json()["code"], 0, "{}", ok.json());
    assert_eq!(ok.json()["responseCode"], "00000000");
    assert_eq!(ok.json()["message"], "SUCCESS");
}

#[test]
fn strict_mode_refuses_undocumented_fields_and_parts() {
    let sandbox = strict();
    let f = sandbox.fixtures().clone();
    let a = post_json(
        &sandbox,
        "/v2/contract/miniappexchange",
        &json!({"contractId": f.contract_id, "user": {"contact": "1", "contactType": "MOBILE", "mobile": "1"}}),
    );
    let m = assert_error(&a, 200, 1005, "11990005");
    assert!(m.contains("user.mobile is not a documented field"), "{m}");
    // An undocumented multipart part, text or file.
    for extra in [
        "Content-Disposition: form-data; name=\"note\"\r\n\r\nx",
        "Content-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\n\r\nPNG",
    ] {
        let body = format!(
            "--b\r\nContent-Disposition: form-data; name=\"companyName\"\r\n\r\n某公司\r\n\
             --b\r\nContent-Disposition: form-data; name=\"applicantInfo\"\r\n\r\n{{\"contact\":\"1\",\"contactType\":\"MOBILE\"}}\r\n\
             --b\r\n{extra}\r\n--b--\r\n"
        );
        let request = signed_raw(
            &sandbox,
            "POST",
            "/saas/v2/companyauth/miniappexchange",
            Some("multipart/form-data; boundary=b"),
            body.as_bytes(),
            &fresh_params(),
        );
        let m = assert_error(&send(&sandbox, &request), 200, 1005, "11990005");
        assert!(m.contains("is not a documented"), "{m}");
    }
    // The default sandbox ignores them.
    let lenient = Sandbox::start().unwrap();
    let a = post_json(
        &lenient,
        "/v2/contract/miniappexchange",
        &json!({"contractId": f.contract_id, "user": f.signer, "hidePassword": true}),
    );
    assert_eq!(a.json()["code"], 0, "{}", a.json());
}

#[test]
fn every_ticket_endpoint_of_the_sdk_is_served_with_the_same_method() {
    let served = qys_sandbox::supported_endpoints();
    let mut tickets = 0;
    for info in qys_proto::api::catalogue() {
        if !info.path.contains("miniappexchange") {
            continue;
        }
        tickets += 1;
        assert!(
            served.contains(&(info.method.clone(), info.path)),
            "{} {} ({}) is not served",
            info.method,
            info.path,
            info.type_name
        );
    }
    assert_eq!(tickets, 11);
}
