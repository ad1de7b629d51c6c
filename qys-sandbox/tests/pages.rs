//! The pages every link of the sandbox opens, over real HTTP as a browser without JavaScript
//! would use them (GET the page, POST its form, follow the 303): sign and reject, view,
//! pre-signing, short, join and download links, authentication and authorization pages, the
//! plugin pages of minted tickets, and the dashboard. Everything shown is escaped.

mod support;
mod web;

use qys_proto::api::miniapp::PluginPage;
use qys_sandbox::{Sandbox, plugin_page_url};
use serde_json::{Value, json};
use web::{OPERATOR, SECOND, api, api_get, contract, get, ok, post_form, text, two_party_contract};

/// A signing page link for `contact` of contract `id`, going to `callback_page` afterwards.
fn sign_link(sandbox: &Sandbox, id: &str, contact: &str, callback_page: Option<&str>) -> String {
    let mut body = json!({
        "contractId": id,
        "user": {"contact": contact, "contactType": "MOBILE"},
    });
    if let Some(page) = callback_page {
        body["callbackPage"] = json!(page);
    }
    api(sandbox, "/v2/contract/pageurl", &body)["pageUrl"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The `href` of the first element with `class="document"` in `html`.
fn document_href(html: &str) -> String {
    let at = html.find("class=\"document\"").expect("a document link");
    let start = html[..at].rfind("href=\"").unwrap() + 6;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

#[test]
fn a_sign_page_shows_the_contract_signs_and_goes_to_the_callback_page() {
    let sandbox = Sandbox::start().unwrap();
    let id = two_party_contract(&sandbox, "页面签署合同", None);
    let url = sign_link(
        &sandbox,
        &id,
        OPERATOR,
        Some("https://example.com/done?order=42"),
    );
    assert!(
        url.starts_with(&format!("{}/sandbox/sign/{id}?token=", sandbox.base_url())),
        "{url}"
    );
    // No gateway headers needed: the page opens.
    let page = get(&sandbox, &url);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = text(&page);
    assert!(html.contains("页面签署合同"));
    assert!(html.contains("id=\"sign\""), "{html}");
    assert!(html.contains("id=\"reject\""));
    assert!(!html.contains("<script"), "no JavaScript");
    // The document opens.
    let doc = get(&sandbox, &document_href(&html));
    assert_eq!(doc.status, 200);
    assert!(doc.body.starts_with(b"%PDF"));
    // Sign: 303 to the callback page; the contract moved.
    let signed = post_form(&sandbox, &url, &[("action", "sign")]);
    assert_eq!(signed.status, 303, "{}", text(&signed));
    assert_eq!(
        signed.header("location"),
        Some("https://example.com/done?order=42")
    );
    let c = contract(&sandbox, &id);
    assert_eq!(c["signatories"][0]["status"], json!("SIGNED"));
    assert_eq!(c["signatories"][1]["status"], json!("SIGNING"));
    let types: Vec<String> = sandbox
        .deliveries()
        .iter()
        .map(|d| d.fields["callbackType"].as_str().unwrap().to_owned())
        .collect();
    assert!(types.ends_with(&["SEAL".to_owned()]), "{types:?}");
    // Again: nothing due any more, the page says why and offers no button.
    let again = post_form(&sandbox, &url, &[("action", "sign")]);
    assert_eq!(again.status, 409);
    assert!(text(&again).contains("1107"));
    assert!(!text(&get(&sandbox, &url)).contains("id=\"sign\""));
}

#[test]
fn a_page_out_of_turn_offers_nothing_and_a_reject_ends_the_contract() {
    let sandbox = Sandbox::start().unwrap();
    let id = two_party_contract(&sandbox, "退回合同", None);
    let url = sign_link(&sandbox, &id, SECOND, None);
    let html = text(&get(&sandbox, &url));
    assert!(!html.contains("id=\"sign\""));
    assert!(html.contains("not 13700000002&#39;s turn"), "{html}");
    let refused = post_form(&sandbox, &url, &[("action", "sign")]);
    assert_eq!(refused.status, 409);
    assert!(text(&refused).contains("1107"));
    sandbox.sign_as(&id, OPERATOR).unwrap();
    // Without a callbackPage the page comes back with the outcome.
    let rejected = post_form(
        &sandbox,
        &url,
        &[("action", "reject"), ("reason", "<b>不同意</b>")],
    );
    assert_eq!(rejected.status, 303);
    let back = rejected.header("location").unwrap().to_owned();
    assert!(back.contains("done=rejected"), "{back}");
    let html = text(&get(&sandbox, &back));
    assert!(html.contains("REJECTED"));
    let c = contract(&sandbox, &id);
    assert_eq!(c["status"], json!("REJECTED"));
    assert_eq!(c["comments"], json!("<b>不同意</b>"));
}

#[test]
fn everything_shown_is_escaped() {
    let sandbox = Sandbox::start().unwrap();
    let evil = "<script>alert('x')</script>\"&";
    let id = two_party_contract(&sandbox, evil, None);
    let url = sign_link(&sandbox, &id, OPERATOR, None);
    let html = text(&get(&sandbox, &url));
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"));
    let dashboard = text(&get(&sandbox, "/__sandbox/"));
    assert!(!dashboard.contains("<script>"));
    assert!(dashboard.contains("&lt;script&gt;"));
}

#[test]
fn view_short_download_appoint_and_join_links_open() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let fixture = f.contract_id.as_str();
    let view = api_get(
        &sandbox,
        "/v2/contract/viewurl",
        &format!("contractId={fixture}"),
    )["viewUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let html = text(&get(&sandbox, &view));
    assert!(html.contains("沙箱采购合同") && html.contains("id=\"no-action\""));
    assert!(!html.contains("id=\"sign\""));
    // A short link signs as its contact.
    let short = api_get(
        &sandbox,
        "/v2/contract/shorturl",
        &format!("contractId={fixture}&contact={}", f.signer.contact),
    )["shortUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(short.contains("/sandbox/s/"));
    assert!(text(&get(&sandbox, &short)).contains("id=\"sign\""));
    assert_eq!(
        post_form(&sandbox, &short, &[("action", "sign")]).status,
        303
    );
    assert_eq!(contract(&sandbox, fixture)["status"], json!("COMPLETE"));
    // Downloads answer the file.
    let urls = api_get(
        &sandbox,
        "/v2/contract/downloadurl",
        &format!("contractId={fixture}"),
    );
    let download = urls["downloadUrls"][0]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = get(&sandbox, &download);
    assert_eq!(file.status, 200);
    assert!(file.body.starts_with(b"%PDF"));
    // A draft's pre-signing page sends it.
    let draft = api(
        &sandbox,
        "/v2/contract/draft",
        &json!({
            "subject": "预签署",
            "send": false,
            "signatories": [{
                "tenantType": "PERSONAL",
                "tenantName": "李四",
                "receiver": {"contact": SECOND, "contactType": "MOBILE"},
            }],
        }),
    );
    let draft_id = draft["id"].as_str().unwrap().to_owned();
    let appoint = api(
        &sandbox,
        "/v2/contract/appointurl",
        &json!({"contractId": draft_id, "callbackPage": "http://127.0.0.1:1/after"}),
    )["pageUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text(&get(&sandbox, &appoint)).contains("id=\"send\""));
    // No document yet: the platform's 1401 on the page.
    let refused = post_form(&sandbox, &appoint, &[("action", "send")]);
    assert_eq!(refused.status, 409);
    assert!(text(&refused).contains("1401"));
    // Unknown tokens and steps.
    let forged = appoint.replace("token=", "token=0");
    assert_eq!(get(&sandbox, &forged).status, 404);
    assert_eq!(get(&sandbox, "/sandbox/sign/1?token=nope").status, 404);
    assert_eq!(
        post_form(&sandbox, &view, &[("action", "sign")]).status,
        400
    );
}

#[test]
fn a_join_link_makes_the_person_a_signatory_with_their_own_sign_page() {
    let sandbox = Sandbox::start().unwrap();
    let draft = api(
        &sandbox,
        "/v2/contract/draft",
        &json!({
            "subject": "待加入",
            "send": false,
            "signatories": [{"tenantType": "PERSONAL", "delaySet": true}],
        }),
    );
    let id = draft["id"].as_str().unwrap().to_owned();
    let joins = api_get(
        &sandbox,
        "/v2/contract/joinurl",
        &format!("contractId={id}&type=PERSONAL"),
    );
    let url = joins["joinUrls"][0]["url"].as_str().unwrap().to_owned();
    assert!(text(&get(&sandbox, &url)).contains("id=\"join\""));
    let missing = post_form(&sandbox, &url, &[("action", "join"), ("name", "赵七")]);
    assert_eq!(missing.status, 409);
    let joined = post_form(
        &sandbox,
        &url,
        &[
            ("action", "join"),
            ("name", "赵七"),
            ("contact", "13700000077"),
        ],
    );
    assert_eq!(joined.status, 303);
    let sign_page = joined.header("location").unwrap().to_owned();
    assert!(sign_page.contains("/sandbox/sign/"), "{sign_page}");
    let c = contract(&sandbox, &id);
    assert_eq!(
        c["signatories"][0]["receiver"]["contact"],
        json!("13700000077")
    );
    assert!(text(&get(&sandbox, &sign_page)).contains("13700000077"));
}

#[test]
fn authentication_pages_pass_or_fail_and_go_where_asked() {
    let sandbox = Sandbox::start().unwrap();
    let auth = api(
        &sandbox,
        "/v2/personalauth",
        &json!({
            "user": {"contact": "13700000021", "contactType": "MOBILE", "name": "页面认证"},
            "callbackPage": "https://example.com/auth-done",
        }),
    );
    let url = auth["authUrl"].as_str().unwrap().to_owned();
    assert!(url.starts_with(sandbox.base_url()), "{url}");
    let html = text(&get(&sandbox, &url));
    assert!(
        html.contains("页面认证") && html.contains("id=\"pass\"") && html.contains("id=\"fail\"")
    );
    let passed = post_form(&sandbox, &url, &[("action", "pass")]);
    assert_eq!(passed.status, 303);
    assert_eq!(
        passed.header("location"),
        Some("https://example.com/auth-done")
    );
    let auth_id = auth["authId"].as_str().unwrap();
    let result = api_get(
        &sandbox,
        "/v2/personalauth/result",
        &format!("authId={auth_id}"),
    );
    assert_eq!(result["realName"], json!(true));
    // Done: the page says so and offers nothing; a second step is refused.
    let html = text(&get(&sandbox, &url));
    assert!(html.contains("PASSED") && !html.contains("id=\"pass\""));
    assert_eq!(post_form(&sandbox, &url, &[("action", "fail")]).status, 409);

    let company = api(
        &sandbox,
        "/companyauth/h5page",
        &json!({
            "companyName": "页面公司",
            "applicant": {"contact": "13700000022", "contactType": "MOBILE"},
            "callbackPage": "javascript:alert(1)",
        }),
    );
    let url = company["authUrl"].as_str().unwrap().to_owned();
    let failed = post_form(&sandbox, &url, &[("action", "fail")]);
    assert_eq!(failed.status, 303);
    // Never a `javascript:` redirect: back to the page instead.
    assert!(
        failed
            .header("location")
            .unwrap()
            .starts_with("/sandbox/companyauth/")
    );
    assert!(!sandbox.company_authenticated("页面公司"));
    let kinds: Vec<Value> = sandbox
        .deliveries()
        .iter()
        .map(|d| d.fields.get("status").cloned().unwrap_or(Value::Null))
        .collect();
    assert_eq!(kinds, [json!("1"), json!(2)]);
}

#[test]
fn authorization_privilege_company_and_template_pages() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let user = json!({"contact": "13700000031", "contactType": "MOBILE"});
    let sign_auth = api(
        &sandbox,
        "/v2/personalsign/authurl",
        &json!({"user": user, "callbackPage": "https://example.com/authorized"}),
    );
    let url = sign_auth["pageUrl"].as_str().unwrap().to_owned();
    let done = post_form(&sandbox, &url, &[("action", "authorize")]);
    assert_eq!(
        done.header("location"),
        Some("https://example.com/authorized")
    );
    let query = api(&sandbox, "/v2/personalsign/query", &json!({"user": user}));
    assert_eq!(query["list"][0]["authStatus"], json!("VALID"));

    let sso = api(
        &sandbox,
        "/v2/ssoprivilege/url",
        &json!({"company": {"name": f.authenticated_company}, "user": user, "successUrl": "https://example.com/sso"}),
    );
    let url = sso["pageUrl"].as_str().unwrap().to_owned();
    assert!(text(&get(&sandbox, &url)).contains(&f.authenticated_company));
    let done = post_form(&sandbox, &url, &[("action", "authorize")]);
    assert_eq!(done.header("location"), Some("https://example.com/sso"));

    let change = api(
        &sandbox,
        "/v2/company/changeinfo",
        &json!({"companyName": f.authenticated_company, "applicant": {"contact": "13900000000", "contactType": "MOBILE"}}),
    );
    let url = change["pageUrl"].as_str().unwrap().to_owned();
    assert_eq!(get(&sandbox, &url).status, 200);
    assert_eq!(
        post_form(&sandbox, &url, &[("action", "confirm")]).status,
        303
    );

    let preview = api_get(
        &sandbox,
        "/v2/template/pageurl",
        &format!("templateId={}", f.template_id),
    );
    let url = preview["pageUrl"].as_str().unwrap().to_owned();
    let html = text(&get(&sandbox, &url));
    assert!(html.contains("甲方") && html.contains("金额"), "{html}");
    let file = get(&sandbox, &document_href(&html));
    assert_eq!(file.status, 200);
    assert!(!file.body.is_empty());
}

#[test]
fn plugin_pages_of_minted_tickets_finish_the_step_and_report_the_plugins_event() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let ticket = web::fixture_sign_ticket(&sandbox);
    let plugin = format!("plugin://qyssdk-plugin/doc?ticket={ticket}&env=cn&hasCb=true");
    let url = plugin_page_url(sandbox.base_url(), &plugin).unwrap();
    assert_eq!(url, sandbox.plugin_page_url(&plugin).unwrap());
    let html = text(&get(&sandbox, &url));
    assert!(
        html.contains("沙箱采购合同") && html.contains("id=\"sign\""),
        "{html}"
    );
    let doc = get(&sandbox, &document_href(&html));
    assert!(doc.body.starts_with(b"%PDF"));
    let signed = post_form(
        &sandbox,
        "/sandbox/plugin/doc",
        &[("ticket", &ticket), ("action", "sign")],
    );
    assert_eq!(signed.status, 200);
    let html = text(&signed);
    assert!(
        html.contains("<b id=\"outcome\">signSuccessCb</b>"),
        "{html}"
    );
    assert_eq!(
        contract(&sandbox, f.contract_id.as_str())["status"],
        json!("COMPLETE")
    );
    // A ticket opens its own page only.
    let wrong = get(
        &sandbox,
        &format!("/sandbox/plugin/personal-auth?ticket={ticket}"),
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(get(&sandbox, "/sandbox/plugin/doc?ticket=nope").status, 404);
    assert_eq!(get(&sandbox, "/sandbox/plugin/doc").status, 400);

    let person = |page: &str, body: Value| {
        api(&sandbox, page, &body)["ticket"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let auth = person(
        "/v2/personalauth/miniappexchange",
        json!({"user": {"contact": "13700000041", "contactType": "MOBILE"}}),
    );
    let page = format!("/sandbox/plugin/personal-auth?ticket={auth}&env=cn");
    assert!(text(&get(&sandbox, &page)).contains("id=\"pass\""));
    let outcome = text(&post_form(
        &sandbox,
        "/sandbox/plugin/personal-auth",
        &[("ticket", &auth), ("action", "pass")],
    ));
    assert!(outcome.contains(">authSuccessCb<"), "{outcome}");
    let real = api_get(
        &sandbox,
        "/v2/personalauth/result",
        "contact=13700000041&contactType=MOBILE",
    );
    assert_eq!(real["realName"], json!(true));

    let company = person(
        "/companyauth/miniappexchange",
        json!({"companyName": "插件公司", "applicant": {"contact": "13700000042", "contactType": "MOBILE"}}),
    );
    let outcome = text(&post_form(
        &sandbox,
        "/sandbox/plugin/enterprise-auth",
        &[("ticket", &company), ("action", "fail")],
    ));
    assert!(outcome.contains(">authFailCb<"), "{outcome}");
    assert!(!sandbox.company_authenticated("插件公司"));

    let signature = person(
        "/v2/personalsign/authurl/miniappexchange",
        json!({"user": {"contact": "13700000043", "contactType": "MOBILE"}}),
    );
    let t = sandbox.ticket(&signature).unwrap();
    assert_eq!(t.page, PluginPage::PersonalSignAuth);
    let page =
        format!("/sandbox/plugin/signature?ticket={signature}&env=cn&type=personalSignatureOpen");
    assert!(text(&get(&sandbox, &page)).contains("id=\"authorize\""));
    let wrong_type = format!("/sandbox/plugin/signature?ticket={signature}&type=sealSignature");
    assert_eq!(get(&sandbox, &wrong_type).status, 400);
    let outcome = text(&post_form(
        &sandbox,
        "/sandbox/plugin/signature",
        &[("ticket", &signature), ("action", "authorize")],
    ));
    assert!(outcome.contains(">authSuccessCb<"));
    let query = api(
        &sandbox,
        "/v2/personalsign/query",
        &json!({"user": {"contact": "13700000043", "contactType": "MOBILE"}}),
    );
    assert_eq!(query["list"][0]["authStatus"], json!("VALID"));
    // Each step owed its callback, as the API's would.
    let kinds: Vec<String> = ok(&get(&sandbox, "/__sandbox/api/deliveries"))
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "CONTRACT_STATUS",
            "CONTRACT_STATUS",
            "PERSONAL_AUTH",
            "COMPANY_AUTH",
            "PERSONAL_SIGN_AUTH"
        ]
    );
}

#[test]
fn the_dashboard_lists_contracts_callbacks_and_requests_with_verdicts() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    sandbox
        .sign_as(f.contract_id.as_str(), &f.signer.contact)
        .unwrap();
    assert_eq!(get(&sandbox, "/v2/contract/detail").status, 441);
    api_get(&sandbox, "/v2/checkhealth", "");
    let page = get(&sandbox, "/__sandbox/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("refresh"), Some("5"));
    let html = text(&page);
    assert!(html.contains(f.contract_id.as_str()) && html.contains("COMPLETE"));
    assert!(html.contains("id=\"deliveries\"") && html.contains("UNDELIVERABLE"));
    assert!(html.contains("/v2/contract/detail") && html.contains("441 HEADER REQUIRED"));
    assert!(html.contains("/v2/checkhealth"));
    assert_eq!(get(&sandbox, "/__sandbox").status, 200);
}
