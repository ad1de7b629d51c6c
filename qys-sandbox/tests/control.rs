//! The HTTP control API under `/__sandbox/api/` over real HTTP: state, signing and rejecting as
//! a signatory (with the platform's errors), authentications, authorizations, callbacks owed
//! and their deliveries, faults, requests seen, tickets, reset, the control token, and the
//! Rust API's controls giving the same answers.

mod support;
mod web;

use std::time::Duration;

use qys_sandbox::{CallbackKind, Sandbox};
use serde_json::{Value, json};
use web::{
    OPERATOR, Receiver, SECOND, api, contract, control, get, ok, plain, state, text,
    two_party_contract,
};

#[track_caller]
fn refused(answer: &support::Answer, status: u16, code: i64) -> String {
    assert_eq!(answer.status, status, "{}", text(answer));
    let v = answer.json();
    assert_eq!(v["code"], json!(code), "{v}");
    v["message"].as_str().unwrap_or("").to_owned()
}

fn signatory_status(c: &Value, contact: &str) -> String {
    c["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["receiver"]["contact"] == json!(contact)
                || s["actions"].as_array().is_some_and(|a| {
                    a.iter().any(|a| {
                        a["operators"]
                            .as_array()
                            .is_some_and(|o| o.iter().any(|o| o["contact"] == json!(contact)))
                    })
                })
        })
        .map(|s| s["status"].as_str().unwrap().to_owned())
        .unwrap()
}

#[test]
fn state_shows_contracts_and_signing_as_a_contact_moves_one() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let id = f.contract_id.as_str();
    let before = contract(&sandbox, id);
    assert_eq!(before["status"], json!("SIGNING"));
    assert_eq!(signatory_status(&before, &f.signer.contact), "SIGNING");
    assert!(state(&sandbox)["deliveries"].as_array().unwrap().is_empty());

    let step = ok(&control(
        &sandbox,
        &format!("contracts/{id}/sign"),
        &json!({"contact": f.signer.contact}),
    ));
    assert_eq!(step["action"], json!("PERSONAL"));
    assert_eq!(step["contractStatus"], json!("COMPLETE"));
    let after = contract(&sandbox, id);
    assert_eq!(after["status"], json!("COMPLETE"));
    assert_eq!(signatory_status(&after, &f.signer.contact), "SIGNED");
    // The same callbacks as the API: the signature, then the completion; no URL anywhere, so
    // both are undeliverable.
    let deliveries = state(&sandbox)["deliveries"].clone();
    let types: Vec<&str> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["callbackType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["PERSONAL", "COMPLETE"]);
    assert!(
        deliveries
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == json!("UNDELIVERABLE") && d["kind"] == json!("CONTRACT_STATUS"))
    );
    // Signing a complete contract: the platform's 1101.
    let message = refused(
        &control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": f.signer.contact}),
        ),
        200,
        1101,
    );
    assert!(message.contains("COMPLETE"), "{message}");
}

#[test]
fn signing_out_of_turn_or_as_a_stranger_answers_the_platforms_error() {
    let sandbox = Sandbox::start().unwrap();
    let id = two_party_contract(&sandbox, "顺序合同", None);
    // 李四 signs second: 1107 NOT SIGN STEP while the company's seal is due.
    let message = refused(
        &control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": SECOND}),
        ),
        200,
        1107,
    );
    assert!(message.contains("turn"), "{message}");
    refused(
        &control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": "13111111111"}),
        ),
        200,
        1110,
    );
    refused(
        &control(
            &sandbox,
            "contracts/3076583299999999999/sign",
            &json!({"contact": SECOND}),
        ),
        200,
        3004,
    );
    // The seal's operator seals (the company's COMPANY action, with the company's seal), then
    // 李四 signs and the contract completes.
    let step = ok(&control(
        &sandbox,
        &format!("contracts/{id}/sign"),
        &json!({"contact": OPERATOR}),
    ));
    assert_eq!(step["action"], json!("COMPANY"));
    let c = contract(&sandbox, &id);
    let seal = &c["signatories"][0]["actions"][0];
    assert_eq!(seal["status"], json!("FINISH"));
    assert_eq!(
        seal["sealId"],
        json!(sandbox.fixtures().company_seal_id.as_str())
    );
    assert_eq!(c["signatories"][1]["status"], json!("SIGNING"));
    refused(
        &control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": OPERATOR}),
        ),
        200,
        1107,
    );
    ok(&control(
        &sandbox,
        &format!("contracts/{id}/sign"),
        &json!({"contact": SECOND}),
    ));
    assert_eq!(contract(&sandbox, &id)["status"], json!("COMPLETE"));
    // The platform's detail agrees.
    let detail = web::api_get(&sandbox, "/v2/contract/detail", &format!("contractId={id}"));
    assert_eq!(detail["status"], json!("COMPLETE"));
    // Malformed control requests: 400 with 1005.
    refused(
        &control(&sandbox, &format!("contracts/{id}/sign"), &json!({})),
        400,
        1005,
    );
    refused(
        &plain(
            &sandbox,
            "POST",
            &format!("/__sandbox/api/contracts/{id}/sign"),
            &[],
            None,
            b"[1]",
        ),
        400,
        1005,
    );
    refused(
        &get(&sandbox, &format!("/__sandbox/api/contracts/{id}/sign")),
        405,
        405,
    );
    refused(&get(&sandbox, "/__sandbox/api/nothing"), 404, 404);
}

#[test]
fn rejecting_as_a_signatory_ends_the_contract_with_a_callback() {
    let receiver = Receiver::start();
    // Plain forms, so the receiver's body can be read as it is.
    let sandbox = Sandbox::builder()
        .callback_url(receiver.url.clone())
        .callback_encrypt(false)
        .start()
        .unwrap();
    let f = sandbox.fixtures().clone();
    let id = f.contract_id.as_str();
    let step = ok(&control(
        &sandbox,
        &format!("contracts/{id}/reject"),
        &json!({"contact": f.signer.contact, "reason": "金额不对"}),
    ));
    assert_eq!(step["contractStatus"], json!("REJECTED"));
    let c = contract(&sandbox, id);
    assert_eq!(c["status"], json!("REJECTED"));
    assert_eq!(c["comments"], json!("金额不对"));
    assert!(sandbox.wait_for_deliveries(1, Duration::from_secs(5)));
    let deliveries = ok(&get(&sandbox, "/__sandbox/api/deliveries"));
    assert_eq!(deliveries[0]["callbackType"], json!("REJECTED"));
    assert_eq!(deliveries[0]["status"], json!("DELIVERED"));
    assert_eq!(deliveries[0]["attempts"], json!(1));
    assert_eq!(deliveries[0]["url"], json!(receiver.url));
    assert!(receiver.bodies.lock().unwrap()[0].contains("REJECTED"));
}

#[test]
fn authentications_end_over_http_with_their_callbacks() {
    let sandbox = Sandbox::start().unwrap();
    let auth = api(
        &sandbox,
        "/v2/personalauth",
        &json!({"user": {"contact": "13700000009", "contactType": "MOBILE", "name": "王九"}}),
    );
    let auth_id = auth["authId"].as_str().unwrap();
    let route = format!("personal-auths/{auth_id}/complete");
    ok(&control(&sandbox, &route, &json!({"success": true})));
    // Only once.
    refused(
        &control(&sandbox, &route, &json!({"success": true})),
        200,
        1005,
    );
    refused(
        &control(&sandbox, &route, &json!({"success": "yes"})),
        400,
        1005,
    );
    let result = support::get(
        &sandbox,
        "/v2/personalauth/result",
        &format!("authId={auth_id}"),
    );
    assert_eq!(result.json()["result"]["realName"], json!(true));

    let company = api(
        &sandbox,
        "/companyauth/pcpage",
        &json!({
            "companyName": "新沙箱公司",
            "applicant": {"contact": "13700000010", "contactType": "MOBILE", "name": "申请人"},
        }),
    );
    let request_id = company["requestId"].as_str().unwrap();
    ok(&control(
        &sandbox,
        &format!("company-auths/{request_id}/complete"),
        &json!({"success": false}),
    ));
    assert!(!sandbox.company_authenticated("新沙箱公司"));
    let s = state(&sandbox);
    assert_eq!(s["personalAuths"][0]["status"], json!("PASSED"));
    assert_eq!(s["companyAuths"][0]["status"], json!("FAILED"));
    let kinds: Vec<&str> = s["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["PERSONAL_AUTH", "COMPANY_AUTH"]);
}

#[test]
fn signature_authorizations_are_granted_and_revoked() {
    let sandbox = Sandbox::start().unwrap();
    let user = json!({"contact": "13700000011", "contactType": "MOBILE"});
    api(&sandbox, "/v2/personalsign/authurl", &json!({"user": user}));
    refused(
        &control(
            &sandbox,
            "sign-auths/revoke",
            &json!({"contact": "13700000011"}),
        ),
        200,
        1005,
    );
    ok(&control(
        &sandbox,
        "sign-auths/grant",
        &json!({"contact": "13700000011"}),
    ));
    let query = api(&sandbox, "/v2/personalsign/query", &json!({"user": user}));
    assert_eq!(query["list"][0]["authStatus"], json!("VALID"));
    ok(&control(
        &sandbox,
        "sign-auths/revoke",
        &json!({"contact": "13700000011"}),
    ));
    let query = api(&sandbox, "/v2/personalsign/query", &json!({"user": user}));
    assert_eq!(query["list"][0]["authStatus"], json!("CANCELLED"));
    let items: Vec<String> = sandbox
        .deliveries()
        .iter()
        .map(|d| d.fields["item"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(items, ["AUTHORIZE", "DEAUTHORIZE"]);
    refused(
        &control(
            &sandbox,
            "sign-auths/grant",
            &json!({"contact": "13700000011"}),
        ),
        200,
        1005,
    );
}

#[test]
fn callbacks_owed_on_demand_are_delivered_and_listed() {
    let receiver = Receiver::start();
    let sandbox = Sandbox::builder().callback_encrypt(false).start().unwrap();
    ok(&control(
        &sandbox,
        "callbacks",
        &json!({
            "kind": "CONTRACT_STATUS",
            "url": receiver.url,
            "fields": {"contractId": "1", "contractStatus": "COMPLETE", "callbackType": "COMPLETE"},
        }),
    ));
    assert!(sandbox.wait_for_deliveries(1, Duration::from_secs(5)));
    let d = &ok(&get(&sandbox, "/__sandbox/api/deliveries"))[0];
    assert_eq!(d["callbackType"], json!("COMPLETE"));
    assert_eq!(d["status"], json!("DELIVERED"));
    assert_eq!(d["lastStatus"], json!(200));
    assert!(receiver.bodies.lock().unwrap()[0].contains("contractStatus=COMPLETE"));
    refused(
        &control(&sandbox, "callbacks", &json!({"kind": "NOPE"})),
        400,
        1005,
    );
    refused(
        &control(
            &sandbox,
            "callbacks",
            &json!({"kind": "SEAL_REVIEW", "fields": [1]}),
        ),
        400,
        1005,
    );
}

#[test]
fn faults_requests_and_verdicts() {
    let sandbox = Sandbox::start().unwrap();
    ok(&control(
        &sandbox,
        "faults",
        &json!({"path": "/v2/checkhealth", "times": 1, "fault": {"type": "html", "status": 502}}),
    ));
    let faulted = support::get(&sandbox, "/v2/checkhealth", "");
    assert_eq!(faulted.status, 502);
    assert_eq!(support::get(&sandbox, "/v2/checkhealth", "").status, 200);
    // Unsigned: the gateway's 441.
    assert_eq!(get(&sandbox, "/v2/checkhealth").status, 441);
    let seen = ok(&get(
        &sandbox,
        "/__sandbox/api/requests?path=/v2/checkhealth",
    ));
    assert_eq!(seen["count"], json!(3));
    assert!(seen["connectionsAccepted"].as_u64().unwrap() >= 3);
    assert_eq!(seen["nonces"].as_array().unwrap().len(), 2);
    let verdicts: Vec<&str> = seen["recent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts[0], "fault: html 502");
    assert_eq!(verdicts[1], "ok");
    assert!(
        verdicts[2].starts_with("441 HEADER REQUIRED"),
        "{verdicts:?}"
    );
    // A wrapped fault, then bad ones.
    ok(&control(
        &sandbox,
        "faults",
        &json!({"path": "/v2/checkhealth", "fault": {"type": "contentType", "contentType": "text/plain"}}),
    ));
    let answer = support::get(&sandbox, "/v2/checkhealth", "");
    assert_eq!(answer.header("content-type"), Some("text/plain"));
    for bad in [
        json!({"path": "/x", "fault": {"type": "meteor"}}),
        json!({"path": "x", "fault": {"type": "reset"}}),
        json!({"path": "/x", "fault": {"type": "html"}}),
        json!({"path": "/x", "times": 0, "fault": {"type": "reset"}}),
        json!({"path": "/x"}),
    ] {
        refused(&control(&sandbox, "faults", &bad), 400, 1005);
    }
}

#[test]
fn tickets_are_listed_with_their_plugin_pages() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let ticket = web::fixture_sign_ticket(&sandbox);
    let t = ok(&get(&sandbox, &format!("/__sandbox/api/tickets/{ticket}")));
    assert_eq!(t["page"], json!("doc"));
    assert_eq!(t["subject"], json!(f.contract_id.as_str()));
    assert_eq!(
        t["pluginUrl"],
        json!(format!("plugin://qyssdk-plugin/doc?ticket={ticket}&env=cn"))
    );
    assert_eq!(
        t["pageUrl"],
        json!(format!(
            "{}/sandbox/plugin/doc?ticket={ticket}&env=cn",
            sandbox.base_url()
        ))
    );
    assert_eq!(
        ok(&get(&sandbox, "/__sandbox/api/tickets"))[0]["ticket"],
        json!(ticket)
    );
    refused(&get(&sandbox, "/__sandbox/api/tickets/nope"), 404, 404);
}

#[test]
fn reset_puts_the_fixtures_back() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let id = two_party_contract(&sandbox, "临时合同", None);
    ok(&control(
        &sandbox,
        &format!("contracts/{}/sign", f.contract_id),
        &json!({"contact": f.signer.contact}),
    ));
    ok(&control(
        &sandbox,
        "faults",
        &json!({"path": "/v2/checkhealth", "fault": {"type": "reset"}}),
    ));
    ok(&control(&sandbox, "reset", &json!({})));
    let s = state(&sandbox);
    let ids: Vec<&str> = s["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [f.contract_id.as_str()]);
    assert!(!ids.contains(&id.as_str()));
    assert_eq!(s["contracts"][0]["status"], json!("SIGNING"));
    // The fault went with it.
    assert_eq!(support::get(&sandbox, "/v2/checkhealth", "").status, 200);
}

#[test]
fn a_control_token_guards_the_controls_but_not_the_pages() {
    let sandbox = Sandbox::builder()
        .control_token("control-s3cret")
        .start()
        .unwrap();
    assert_eq!(
        sandbox.control_token().map(|t| t.expose().to_owned()),
        Some("control-s3cret".to_owned())
    );
    refused(&get(&sandbox, "/__sandbox/api/state"), 401, 401);
    refused(&get(&sandbox, "/__sandbox/"), 401, 401);
    refused(
        &plain(
            &sandbox,
            "GET",
            "/__sandbox/api/state",
            &[("x-qys-sandbox-token", "wrong")],
            None,
            b"",
        ),
        401,
        401,
    );
    ok(&plain(
        &sandbox,
        "GET",
        "/__sandbox/api/state",
        &[("x-qys-sandbox-token", "control-s3cret")],
        None,
        b"",
    ));
    ok(&plain(
        &sandbox,
        "GET",
        "/__sandbox/api/state",
        &[("authorization", "Bearer control-s3cret")],
        None,
        b"",
    ));
    assert_eq!(
        get(&sandbox, "/__sandbox/?token=control-s3cret").status,
        200
    );
    // A page a link opens needs no token.
    let f = sandbox.fixtures().clone();
    let url = web::api_get(
        &sandbox,
        "/v2/contract/viewurl",
        &format!("contractId={}", f.contract_id),
    )["viewUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(get(&sandbox, &url).status, 200);
    // Loopback without a token: open.
    assert!(Sandbox::start().unwrap().control_token().is_none());
}

#[test]
fn the_rust_controls_answer_as_the_http_ones() {
    let sandbox = Sandbox::start().unwrap();
    let id = two_party_contract(&sandbox, "同一实现", None);
    let err = sandbox.sign_as(&id, SECOND).unwrap_err();
    assert_eq!(err.code, 1107);
    assert_eq!(err.response_code, "11011107");
    let http = control(
        &sandbox,
        &format!("contracts/{id}/sign"),
        &json!({"contact": SECOND}),
    )
    .json();
    assert_eq!(http["code"], json!(err.code));
    assert_eq!(http["message"], json!(err.message));
    sandbox.sign_as(&id, OPERATOR).unwrap();
    sandbox.reject_as(&id, SECOND, "不签").unwrap();
    assert_eq!(
        sandbox.state_json()["contracts"].as_array().unwrap().len(),
        2
    );
    assert_eq!(contract(&sandbox, &id)["status"], json!("REJECTED"));
    let kinds: Vec<CallbackKind> = sandbox.deliveries().iter().map(|d| d.kind).collect();
    assert!(kinds.iter().all(|k| *k == CallbackKind::ContractStatus));
    sandbox.reset();
    assert_eq!(
        sandbox.state_json()["contracts"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn moving_the_clock_expires_a_contract_past_its_deadline() {
    let sandbox = Sandbox::start().unwrap();
    let id = two_party_contract(&sandbox, "到期合同", None);
    // Sent without a deadline: 30 days from now.
    let before = sandbox.clock().unix_ms();
    let moved = ok(&control(
        &sandbox,
        "clock/advance",
        &json!({"seconds": 31 * 86_400}),
    ));
    let now = moved["nowMs"].as_u64().unwrap();
    assert!(now >= before + 31 * 86_400_000, "{now} vs {before}");
    assert!(sandbox.clock().unix_ms() >= now);
    // The next look at the contract finds it expired: signing answers the platform's 1101.
    let message = refused(
        &control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": OPERATOR}),
        ),
        200,
        1101,
    );
    assert!(message.contains("EXPIRED"), "{message}");
    assert_eq!(contract(&sandbox, &id)["status"], json!("EXPIRED"));
    let types: Vec<String> = sandbox
        .deliveries()
        .iter()
        .map(|d| d.fields["callbackType"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types.last().map(String::as_str), Some("EXPIRED"));
    // Requests signed by the wall clock are now outside the sandbox's window (444).
    assert_eq!(support::get(&sandbox, "/v2/checkhealth", "").status, 444);
    for bad in [json!({}), json!({"seconds": -1}), json!({"seconds": "1"})] {
        refused(&control(&sandbox, "clock/advance", &bad), 400, 1005);
    }
}

#[test]
fn a_companys_approver_seal_and_legal_person_sign_in_their_order() {
    let sandbox = Sandbox::start().unwrap();
    let company = sandbox.fixtures().authenticated_company.clone();
    let approver = "13700000051";
    let receiver = "13700000052";
    let id = api(
        &sandbox,
        "/v2/contract/draft",
        &json!({
            "subject": "企业三步",
            "send": false,
            "signatories": [{
                "tenantType": "COMPANY",
                "tenantName": company,
                "receiver": {"contact": receiver, "contactType": "MOBILE"},
                "actions": [
                    {"type": "AUDIT", "serialNo": 1,
                     "operators": [{"contact": approver, "contactType": "MOBILE"}]},
                    {"type": "COMPANY", "serialNo": 2},
                    {"type": "LP", "serialNo": 3},
                ],
            }],
        }),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A draft is not signable (1101).
    refused(
        &control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": receiver}),
        ),
        200,
        1101,
    );
    let pdf_added = support::post_json(
        &sandbox,
        "/v2/document/addbytemplate",
        &json!({"contractId": id, "title": "模板文档", "templateId": sandbox.fixtures().template_id.as_str()}),
    );
    ok(&pdf_added);
    api(&sandbox, "/v2/contract/send", &json!({"contractId": id}));
    let sign = |contact: &str| {
        control(
            &sandbox,
            &format!("contracts/{id}/sign"),
            &json!({"contact": contact}),
        )
    };
    // The approval is due, and only its operator may give it.
    assert!(refused(&sign(receiver), 200, 1107).contains("no action due"));
    assert_eq!(ok(&sign(approver))["action"], json!("AUDIT"));
    // Then the receiver acts for the actions without operators: the seal, then the legal person.
    assert_eq!(ok(&sign(receiver))["action"], json!("COMPANY"));
    let last = ok(&sign(receiver));
    assert_eq!(last["action"], json!("LP"));
    assert_eq!(last["contractStatus"], json!("COMPLETE"));
    let types: Vec<String> = sandbox
        .deliveries()
        .iter()
        .filter(|d| d.fields["contractId"] == json!(id))
        .map(|d| d.fields["callbackType"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        ["SEND_SIGNING", "AUDIT", "SEAL", "LEGAL_PERSON", "COMPLETE"]
    );
}

#[test]
fn off_loopback_the_controls_need_the_token_the_sandbox_made() {
    let sandbox = Sandbox::builder()
        .host("0.0.0.0".parse().unwrap())
        .start()
        .unwrap();
    let token = sandbox.control_token().expect("a token off loopback");
    let token = token.expose().to_owned();
    assert_eq!(token.len(), 32);
    refused(&get(&sandbox, "/__sandbox/api/state"), 401, 401);
    ok(&plain(
        &sandbox,
        "GET",
        "/__sandbox/api/state",
        &[("x-qys-sandbox-token", &token)],
        None,
        b"",
    ));
}
