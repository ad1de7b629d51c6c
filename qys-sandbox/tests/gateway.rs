//! The gateway's authentication and routing over real HTTP.

mod support;

use std::io::{Read, Write};
use std::time::Duration;

use qys_proto::api::miniapp::{ContractViewTicketRequest, SaasPrivilegeTicketRequest};
use qys_proto::headers::*;
use qys_proto::{Credentials, Environment, ErrorCode, Signer};
use qys_sandbox::Sandbox;
use support::*;

const VIEW: &str = "/v2/contract/miniappexchange/view";

/// The view-ticket request for the fixture contract, signed as the sandbox's app.
fn view_request(
    sandbox: &Sandbox,
    params: &qys_proto::SigningParams,
) -> http::Request<bytes::Bytes> {
    view_request_as(sandbox, sandbox.signer(), params)
}

/// The view-ticket request for the fixture contract, signed with `signer`.
fn view_request_as(
    sandbox: &Sandbox,
    signer: impl Into<Signer>,
    params: &qys_proto::SigningParams,
) -> http::Request<bytes::Bytes> {
    core_as(sandbox, signer)
        .prepare(
            &ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone()),
            params,
        )
        .unwrap()
}

fn saas_request(sandbox: &Sandbox, signer: Signer) -> http::Request<bytes::Bytes> {
    let f = sandbox.fixtures();
    core_as(sandbox, signer)
        .prepare(
            &SaasPrivilegeTicketRequest::new(
                f.saas_app_id.clone(),
                f.saas_company_id.clone(),
                qys_proto::types::User::mobile("13800000000"),
            ),
            &fresh_params(),
        )
        .unwrap()
}

/// Asserts a 441 answer naming the missing header `name`.
#[track_caller]
fn assert_header_required(answer: &Answer, name: &str) {
    assert_eq!(
        assert_error(answer, 441, 441, "11990441"),
        format!("HEADER REQUIRED,{name}")
    );
}

#[test]
fn a_signed_request_succeeds_and_the_core_parses_it() {
    let sandbox = Sandbox::start().unwrap();
    let a = send(&sandbox, &view_request(&sandbox, &fresh_params()));
    assert_eq!(a.status, 200);
    assert_eq!(
        a.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    let v = a.json();
    assert_eq!(v["code"], 0);
    assert_eq!(v["responseCode"], "00000000");
    assert_eq!(v["message"], "SUCCESS");
    assert_eq!(v["result"]["ticket"].as_str().unwrap().len(), 32);
}

#[test]
fn each_missing_app_header_is_441_naming_it() {
    let sandbox = Sandbox::start().unwrap();
    for name in [ACCESS_TOKEN, TIMESTAMP, NONCE, SIGNATURE] {
        let mut request = view_request(&sandbox, &fresh_params());
        request.headers_mut().remove(name);
        let a = send(&sandbox, &request);
        let m = assert_error(&a, 441, 441, "11990441");
        assert_eq!(m, format!("HEADER REQUIRED,{name}"));
        let e = core(&sandbox)
            .parse::<ContractViewTicketRequest>(a.http_response())
            .unwrap_err();
        assert_eq!(e.code().unwrap(), ErrorCode::HeaderRequired);
    }
    // An empty value counts as missing.
    let mut request = view_request(&sandbox, &fresh_params());
    request
        .headers_mut()
        .insert(NONCE, http::HeaderValue::from_static(""));
    let a = send(&sandbox, &request);
    assert_header_required(&a, NONCE);
    // The legacy three-header scheme carries no nonce.
    let legacy = view_request_as(
        &sandbox,
        Signer::new(sandbox.credentials()).with_scheme(qys_proto::Scheme::Legacy),
        &fresh_params(),
    );
    let a = send(&sandbox, &legacy);
    assert_header_required(&a, NONCE);
}

#[test]
fn saas_paths_need_the_agent_headers() {
    let sandbox = Sandbox::start().unwrap();
    // Agent alone, and agent acting for the tenant app: both fine.
    let a = send(
        &sandbox,
        &saas_request(&sandbox, Signer::agent(sandbox.agent_credentials())),
    );
    assert_eq!(a.json()["code"], 0, "{}", a.json());
    let a = send(&sandbox, &saas_request(&sandbox, sandbox.signer()));
    assert_eq!(a.json()["code"], 0, "{}", a.json());

    // App headers only, on a /saas/ path.
    let path = "/saas/v2/privilege/miniappexchange";
    let mut request = view_request(&sandbox, &fresh_params());
    *request.uri_mut() = format!("{}{path}", sandbox.base_url()).parse().unwrap();
    let a = send(&sandbox, &request);
    assert_header_required(&a, AGENT_ACCESS_TOKEN);
    for name in [AGENT_SIGNATURE, TIMESTAMP, NONCE] {
        let mut request = saas_request(&sandbox, sandbox.signer());
        request.headers_mut().remove(name);
        let a = send(&sandbox, &request);
        assert_header_required(&a, name);
    }
    // The tenant's token without its signature.
    let mut request = saas_request(&sandbox, sandbox.signer());
    request.headers_mut().remove(SIGNATURE);
    let a = send(&sandbox, &request);
    assert_header_required(&a, SIGNATURE);
}

#[test]
fn unknown_tokens_are_442() {
    let sandbox = Sandbox::start().unwrap();
    let stranger = Credentials::new("someone-elses-token", "whatever");
    let request = view_request_as(&sandbox, stranger.clone(), &fresh_params());
    let a = send(&sandbox, &request);
    assert_eq!(assert_error(&a, 442, 442, "11990442"), "INVALID TOKEN");
    // The agent token is not an app token, and vice versa.
    let request = view_request_as(&sandbox, sandbox.agent_credentials(), &fresh_params());
    assert_error(&send(&sandbox, &request), 442, 442, "11990442");
    // On SaaS paths: the app token as the agent's, and a wrong tenant token beside a right
    // agent.
    for signer in [
        Signer::agent(sandbox.credentials()),
        Signer::new(stranger).with_agent(sandbox.agent_credentials()),
    ] {
        let a = send(&sandbox, &saas_request(&sandbox, signer));
        assert_error(&a, 442, 442, "11990442");
    }
}

#[test]
fn wrong_signatures_are_443() {
    let sandbox = Sandbox::start().unwrap();
    let wrong_secret = Credentials::new(sandbox.credentials().token(), "not-the-secret");
    let request = view_request_as(&sandbox, wrong_secret.clone(), &fresh_params());
    let a = send(&sandbox, &request);
    assert_eq!(assert_error(&a, 443, 443, "11990443"), "INVALID SIGNATURE");
    let e = core(&sandbox)
        .parse::<ContractViewTicketRequest>(a.http_response())
        .unwrap_err();
    assert_eq!(e.code().unwrap(), ErrorCode::InvalidSignature);
    // The right signature in upper case is not the documented lowercase hex.
    let mut request = view_request(&sandbox, &fresh_params());
    let upper = request.headers()[SIGNATURE]
        .to_str()
        .unwrap()
        .to_uppercase();
    request
        .headers_mut()
        .insert(SIGNATURE, upper.parse().unwrap());
    assert_error(&send(&sandbox, &request), 443, 443, "11990443");
    // A signature over another nonce.
    let mut request = view_request(&sandbox, &fresh_params());
    request
        .headers_mut()
        .insert(NONCE, "a-different-nonce".parse().unwrap());
    assert_error(&send(&sandbox, &request), 443, 443, "11990443");
    // SaaS: a wrong agent secret, and a wrong tenant secret.
    let wrong_agent = Credentials::new(sandbox.agent_credentials().token(), "nope");
    for signer in [
        Signer::agent(wrong_agent),
        Signer::new(wrong_secret).with_agent(sandbox.agent_credentials()),
    ] {
        let a = send(&sandbox, &saas_request(&sandbox, signer));
        assert_error(&a, 443, 443, "11990443");
    }
}

#[test]
fn stale_future_or_garbled_timestamps_are_444() {
    let sandbox = Sandbox::start().unwrap();
    let twenty_minutes = 20 * 60 * 1000;
    for ts in [now_ms() - twenty_minutes, now_ms() + twenty_minutes] {
        let a = send(
            &sandbox,
            &view_request(&sandbox, &params_with(ts, &format!("n-{ts}"))),
        );
        let m = assert_error(&a, 444, 444, "11990444");
        assert!(m.starts_with("TIMESTAMP EXPIRED"), "{m}");
        let e = core(&sandbox)
            .parse::<ContractViewTicketRequest>(a.http_response())
            .unwrap_err();
        assert_eq!(e.code().unwrap(), ErrorCode::TimestampExpired);
    }
    // Ten minutes is inside the default window of 15.
    let ts = now_ms() - 10 * 60 * 1000;
    let a = send(
        &sandbox,
        &view_request(&sandbox, &params_with(ts, "n-ten-minutes")),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    // Not a number, but correctly signed over the text.
    let creds = sandbox.credentials();
    let ts_text = "yesterday";
    let nonce = "n-garbled";
    let sig = md5_hex(&format!(
        "{}{}{ts_text}{nonce}",
        creds.token(),
        creds.secret().expose()
    ));
    let mut request = view_request(&sandbox, &fresh_params());
    let h = request.headers_mut();
    h.insert(TIMESTAMP, ts_text.parse().unwrap());
    h.insert(NONCE, nonce.parse().unwrap());
    h.insert(SIGNATURE, sig.parse().unwrap());
    let m = assert_error(&send(&sandbox, &request), 444, 444, "11990444");
    assert!(m.contains("not a number"), "{m}");
}

/// The signature of a non-numeric timestamp, which the core's `signature` (numeric timestamps
/// only) cannot express.
fn md5_hex(s: &str) -> String {
    use md5::{Digest, Md5};
    hex::encode(Md5::digest(s.as_bytes()))
}

#[test]
fn the_timestamp_window_is_configurable() {
    let sandbox = Sandbox::builder()
        .timestamp_window(Duration::from_secs(5))
        .start()
        .unwrap();
    let a = send(
        &sandbox,
        &view_request(&sandbox, &params_with(now_ms() - 60_000, "n-1")),
    );
    assert_error(&a, 444, 444, "11990444");
    let a = send(
        &sandbox,
        &view_request(&sandbox, &params_with(now_ms() - 1_000, "n-2")),
    );
    assert_eq!(a.status, 200);
}

#[test]
fn the_window_follows_the_sandbox_clock() {
    let clock = qys_sandbox::SandboxClock::fixed(1_767_225_600_000);
    let sandbox = Sandbox::builder().clock(clock.clone()).start().unwrap();
    let at =
        |ms: u64, nonce: &str| send(&sandbox, &view_request(&sandbox, &params_with(ms, nonce)));
    assert_eq!(at(1_767_225_600_000 - 15 * 60_000, "w-1").status, 200);
    assert_error(
        &at(1_767_225_600_000 - 15 * 60_000 - 1, "w-2"),
        444,
        444,
        "11990444",
    );
    clock.advance(Duration::from_secs(16 * 60));
    // What was on time is now stale; what is on time by the moved clock passes.
    assert_error(&at(1_767_225_600_000, "w-3"), 444, 444, "11990444");
    assert_eq!(at(clock.unix_ms(), "w-4").status, 200);
}

#[test]
fn a_nonce_is_free_again_ten_minutes_later_by_the_sandbox_clock() {
    let clock = qys_sandbox::SandboxClock::fixed(1_767_225_600_000);
    let sandbox = Sandbox::builder().clock(clock.clone()).start().unwrap();
    let at = |ms: u64| {
        send(
            &sandbox,
            &view_request(&sandbox, &params_with(ms, "same-nonce")),
        )
    };
    assert_eq!(at(clock.unix_ms()).status, 200);
    clock.advance(Duration::from_secs(9 * 60));
    assert_error(&at(clock.unix_ms()), 446, 446, "11990446");
    clock.advance(Duration::from_secs(60));
    assert_eq!(at(clock.unix_ms()).status, 200);
}

#[test]
fn the_public_check_gives_the_servers_verdicts() {
    use qys_sandbox::gateway::{GatewayKeys, Rejection, check};
    let sandbox = Sandbox::start().unwrap();
    let keys = GatewayKeys::new(sandbox.credentials(), sandbox.agent_credentials());
    let now = now_ms();
    let request = view_request(&sandbox, &params_with(now, "public-check"));
    let (parts, _) = request.into_parts();
    assert_eq!(check(&parts.headers, VIEW, &keys, now, false), Ok(()));
    assert_eq!(
        check(&parts.headers, VIEW, &keys, now, true),
        Err(Rejection::ReplayedNonce)
    );
    let stale = check(&parts.headers, VIEW, &keys, now + 16 * 60_000, false).unwrap_err();
    assert_eq!((stale.status(), stale.response_code()), (444, "11990444"));
    assert!(
        stale.to_string().starts_with("TIMESTAMP EXPIRED"),
        "{stale}"
    );
    let mut headers = parts.headers.clone();
    headers.insert(SIGNATURE, "0".repeat(32).parse().unwrap());
    assert_eq!(
        check(&headers, VIEW, &keys, now, false),
        Err(Rejection::BadSignature)
    );
    headers.insert(ACCESS_TOKEN, "someone-else".parse().unwrap());
    assert_eq!(
        check(&headers, VIEW, &keys, now, false),
        Err(Rejection::UnknownToken)
    );
    headers.remove(NONCE);
    let missing = check(&headers, VIEW, &keys, now, false).unwrap_err();
    assert_eq!(missing, Rejection::MissingHeader(NONCE));
    assert_eq!(missing.to_string(), "HEADER REQUIRED,x-qys-open-nonce");
    // /saas/ paths need the agent pair.
    let saas = check(
        &parts.headers,
        "/saas/v2/privilege/query",
        &keys,
        now,
        false,
    )
    .unwrap_err();
    assert_eq!(saas, Rejection::MissingHeader(AGENT_ACCESS_TOKEN));
    // The same headers, sent: the server agrees.
    let request = view_request(&sandbox, &params_with(now, "public-check"));
    assert_eq!(send(&sandbox, &request).status, 200);
    assert_error(&send(&sandbox, &request), 446, 446, "11990446");
}

#[test]
fn a_replayed_nonce_is_446() {
    let sandbox = Sandbox::start().unwrap();
    let request = view_request(&sandbox, &fresh_params());
    assert_eq!(send(&sandbox, &request).status, 200);
    let a = send(&sandbox, &request);
    let m = assert_error(&a, 446, 446, "11990446");
    assert!(m.starts_with("NONCE REPLAYED"), "{m}");
    let e = core(&sandbox)
        .parse::<ContractViewTicketRequest>(a.http_response())
        .unwrap_err();
    assert_eq!(e.code().unwrap(), ErrorCode::NonceReplayed);
    // Same nonce, new timestamp: still a replay.
    let nonce = request.headers()[NONCE].to_str().unwrap().to_owned();
    let a = send(
        &sandbox,
        &view_request(&sandbox, &params_with(now_ms() + 5, &nonce)),
    );
    assert_error(&a, 446, 446, "11990446");
    // A request refused before the nonce check does not burn its nonce.
    let params = fresh_params();
    let mut bad = view_request(&sandbox, &params);
    bad.headers_mut()
        .insert(SIGNATURE, "0".repeat(32).parse().unwrap());
    assert_error(&send(&sandbox, &bad), 443, 443, "11990443");
    assert_eq!(send(&sandbox, &view_request(&sandbox, &params)).status, 200);
}

#[test]
fn another_sandbox_with_other_credentials() {
    let sandbox = Sandbox::builder()
        .credentials(Credentials::new("my-app", "my-secret"))
        .agent_credentials(Credentials::new("my-agent", "my-agent-secret"))
        .start()
        .unwrap();
    assert_eq!(sandbox.credentials().token(), "my-app");
    assert_eq!(
        sandbox.signer().agent_credentials().unwrap().token(),
        "my-agent"
    );
    assert_eq!(
        send(&sandbox, &view_request(&sandbox, &fresh_params())).status,
        200
    );
    assert_eq!(
        send(&sandbox, &saas_request(&sandbox, sandbox.signer())).json()["code"],
        0
    );
    let e = Sandbox::builder()
        .credentials(Credentials::new("", "s"))
        .start()
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn unknown_paths_are_404_and_wrong_methods_405_after_auth() {
    let sandbox = Sandbox::start().unwrap();
    let a = send(
        &sandbox,
        &signed_raw(
            &sandbox,
            "POST",
            "/v2/no/such/thing",
            Some("application/json"),
            b"{}",
            &fresh_params(),
        ),
    );
    assert_eq!(
        assert_error(&a, 404, 404, "11990404"),
        "NOT FOUND /v2/no/such/thing"
    );
    let a = send(
        &sandbox,
        &signed_raw(&sandbox, "GET", VIEW, None, b"", &fresh_params()),
    );
    let m = assert_error(&a, 405, 405, "11990405");
    assert!(m.contains("GET") && m.contains(VIEW), "{m}");
    // Without credentials, the gateway answers 441 first.
    let a = send(
        &sandbox,
        &http::Request::post(format!("{}/v2/no/such/thing", sandbox.base_url()))
            .body(Vec::new())
            .unwrap(),
    );
    assert_error(&a, 441, 441, "11990441");
}

#[test]
fn environment_and_debug() {
    let sandbox = Sandbox::start().unwrap();
    let url = sandbox.base_url().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with('/'));
    assert_eq!(sandbox.environment(), Environment::custom(&url).unwrap());
    assert_eq!(
        sandbox.environment().plugin_env(),
        qys_proto::PluginEnv::Test
    );
    assert_eq!(
        sandbox.credentials().token(),
        qys_sandbox::DEFAULT_APP_TOKEN
    );
    assert_eq!(
        sandbox.agent_credentials().token(),
        qys_sandbox::DEFAULT_AGENT_TOKEN
    );
    let shown = format!("{sandbox:?}");
    assert!(shown.contains(&url), "{shown}");
    assert!(!shown.contains(qys_sandbox::DEFAULT_APP_SECRET), "{shown}");
    assert!(
        !shown.contains(qys_sandbox::DEFAULT_AGENT_SECRET),
        "{shown}"
    );
}

#[test]
fn bodies_over_the_limit_are_413() {
    let sandbox = Sandbox::start().unwrap();
    let mut request = signed_raw(
        &sandbox,
        "POST",
        VIEW,
        Some("application/json"),
        b"",
        &fresh_params(),
    );
    request.headers_mut().insert(
        http::header::CONTENT_LENGTH,
        (257u64 * 1024 * 1024).to_string().parse().unwrap(),
    );
    // The head announces 257 MiB; the answer comes before any of it is sent.
    let wire = exchange(sandbox.local_addr(), &to_wire(&request));
    let a = wire.answer().expect("an answer");
    let m = assert_error(&a, 413, 413, "11990413");
    assert!(m.starts_with("REQUEST BODY TOO LARGE"), "{m}");
}

#[test]
fn multipart_without_a_boundary_is_415() {
    let sandbox = Sandbox::start().unwrap();
    let a = send(
        &sandbox,
        &signed_raw(
            &sandbox,
            "POST",
            "/companyauth/miniappexchangewithlicense",
            Some("multipart/form-data"),
            b"--x--\r\n",
            &fresh_params(),
        ),
    );
    assert!(assert_error(&a, 415, 415, "11990415").contains("boundary"));
}

#[test]
fn early_answers_reach_a_client_that_sends_a_body() {
    let sandbox = Sandbox::start().unwrap();
    let body = vec![b'x'; 512 * 1024];
    let stranger = Credentials::new("someone-elses-token", "whatever");
    let mut request = signed_raw(
        &sandbox,
        "POST",
        "/companyauth/miniappexchangewithlicense",
        Some("multipart/form-data; boundary=b"),
        &body,
        &fresh_params(),
    );
    request
        .headers_mut()
        .insert(ACCESS_TOKEN, stranger.token().parse().unwrap());
    for _ in 0..3 {
        let wire = exchange(sandbox.local_addr(), &to_wire(&request));
        assert!(wire.error.is_none(), "{:?}", wire.error);
        assert_error(&wire.answer().unwrap(), 442, 442, "11990442");
    }
    sandbox.inject(VIEW, qys_sandbox::Fault::Html(502), 1);
    let request = signed_raw(
        &sandbox,
        "POST",
        VIEW,
        Some("application/json"),
        &body,
        &fresh_params(),
    );
    let wire = exchange(sandbox.local_addr(), &to_wire(&request));
    assert!(wire.error.is_none(), "{:?}", wire.error);
    assert_eq!(wire.answer().unwrap().status, 502);
}

#[test]
fn early_answers_reach_a_client_that_sends_its_body_late() {
    let sandbox = Sandbox::start().unwrap();
    let body = vec![b'x'; 256 * 1024];
    let mut request = signed_raw(
        &sandbox,
        "POST",
        VIEW,
        Some("application/json"),
        &body,
        &fresh_params(),
    );
    request
        .headers_mut()
        .insert(ACCESS_TOKEN, "someone-elses-token".parse().unwrap());
    let wire = to_wire(&request);
    let head_len = wire.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut stream = std::net::TcpStream::connect(sandbox.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The head first; the body a moment later, in pieces.
    stream.write_all(&wire[..head_len]).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    for piece in wire[head_len..].chunks(16 * 1024) {
        if stream.write_all(piece).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut got = Vec::new();
    let result = stream.read_to_end(&mut got);
    assert!(result.is_ok(), "{result:?}");
    let answer = Wire {
        bytes: got,
        error: None,
    }
    .answer()
    .expect("the 442 answer");
    assert_error(&answer, 442, 442, "11990442");
}
