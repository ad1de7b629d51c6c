//! Callback delivery over real HTTP to a loopback receiver: plain and encrypted forms, retries,
//! give-ups, app-level versus per-event URLs, the `/company/token/*` endpoints, shutdown.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use qys_proto::Secret;
use qys_proto::api::app::{AppCallbackUpdateRequest, AppInfoRequest, EncryptType};
use qys_proto::callback::{
    Callback, CallbackRequest, CallbackVerifier, Cipher, CompanyAuthStatus, ContractStatus,
    SignAuthItem,
};
use qys_proto::endpoint::Endpoint;
use qys_proto::{CallbackErrorKind, Error as QysError};
use qys_sandbox::{
    CallbackKind, CallbackSchedule, DEFAULT_CALLBACK_SECRET_KEY, DeliveryOutcome, Sandbox,
};
use serde_json::{Map, Value, json};
use support::*;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    target: String,
    content_type: String,
    body: Vec<u8>,
}

impl Received {
    fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    fn form(&self) -> Vec<(String, String)> {
        qys_proto::query::parse_query_string(std::str::from_utf8(&self.body).unwrap())
    }

    fn field(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn verify(&self, verifier: &CallbackVerifier) -> Result<Callback, QysError> {
        verifier.verify(&CallbackRequest::new(self.query(), &self.body), now_ms())
    }
}

/// A loopback HTTP receiver on its own thread: answers each request with the next status of
/// `script` (the last one repeats; 0 = close the connection without answering) and reports
/// what it got.
struct Receiver {
    addr: SocketAddr,
    got: mpsc::Receiver<Received>,
}

impl Receiver {
    fn start(script: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, got) = mpsc::channel();
        let script: Arc<Mutex<Vec<u16>>> =
            Arc::new(Mutex::new(script.iter().rev().copied().collect()));
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.is_empty() {
                    continue;
                }
                let target = line.split(' ').nth(1).unwrap_or("").to_owned();
                let mut length = 0usize;
                let mut content_type = String::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                        break;
                    }
                    if let Some((n, v)) = h.split_once(':') {
                        if n.eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        if n.eq_ignore_ascii_case("content-type") {
                            content_type = v.trim().to_owned();
                        }
                    }
                }
                let mut body = vec![0; length.min(1 << 20)];
                if reader.read_exact(&mut body).is_err() {
                    continue;
                }
                let status = {
                    let mut s = script.lock().unwrap();
                    if s.len() > 1 {
                        s.pop().unwrap()
                    } else {
                        s.last().copied().unwrap_or(200)
                    }
                };
                let _ = tx.send(Received {
                    target,
                    content_type,
                    body,
                });
                if status == 0 {
                    continue; // dropped: the connection closes unanswered
                }
                let reply = if status == 200 { "success" } else { "nope" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            }
        });
        Self { addr, got }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn next(&self) -> Received {
        self.got
            .recv_timeout(Duration::from_secs(10))
            .expect("a callback arrived")
    }

    fn nothing_more(&self, wait: Duration) -> bool {
        self.got.recv_timeout(wait).is_err()
    }
}

fn call<E: Endpoint>(sandbox: &Sandbox, endpoint: &E) -> Result<E::Response, QysError> {
    let core = core(sandbox);
    let request = core.prepare(endpoint, &fresh_params()).unwrap();
    let answer = send(sandbox, &request);
    core.parse::<E>(answer.http_response())
}

fn callback_kind(err: &QysError) -> CallbackErrorKind {
    match err {
        QysError::Callback(e) => e.kind(),
        other => panic!("not a callback error: {other:?}"),
    }
}

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn contract_event(id: &str, status: &str) -> Map<String, Value> {
    map(json!({
        "contractId": id,
        "contractStatus": status,
        "callbackType": status,
        "tenantType": "COMPANY",
        "tenantName": "契约锁沙箱科技有限公司",
        "bizId": "biz-1",
    }))
}

fn set_callback(sandbox: &Sandbox, url: &str, encrypt: bool) {
    let info = call(
        sandbox,
        &AppCallbackUpdateRequest::new()
            .callback_url(url.to_owned())
            .encrypt(encrypt),
    )
    .unwrap();
    assert_eq!(info.callback_url.as_deref(), Some(url));
    assert_eq!(info.encrypt, Some(encrypt));
}

#[test]
fn app_info_reports_the_settings_and_update_changes_them() {
    let sandbox = Sandbox::start().unwrap();
    let info = call(&sandbox, &AppInfoRequest::new()).unwrap();
    assert_eq!(
        info.app_name.as_deref(),
        Some(qys_sandbox::SANDBOX_APP_NAME)
    );
    assert_eq!(
        info.access_token.as_deref(),
        Some(qys_sandbox::DEFAULT_APP_TOKEN)
    );
    assert_eq!(info.callback_url, None);
    assert_eq!(info.encrypt, Some(true), "signed and encrypted by default");
    assert_eq!(
        info.callback_secret_key.as_deref(),
        Some(DEFAULT_CALLBACK_SECRET_KEY)
    );
    assert_eq!(info.encrypt_type, Some(EncryptType::AesEcb));

    let info = call(
        &sandbox,
        &AppCallbackUpdateRequest::new()
            .callback_url("http://127.0.0.1:9/cb?company=A".to_owned())
            .encrypt(true)
            .encrypt_type(EncryptType::AesCbc),
    )
    .unwrap();
    assert_eq!(
        info.callback_url.as_deref(),
        Some("http://127.0.0.1:9/cb?company=A")
    );
    assert_eq!(info.encrypt, Some(true));
    assert_eq!(info.encrypt_type, Some(EncryptType::AesCbc));
    // The settings stick, and the CBC IV defaults to the key's bytes.
    let again = call(&sandbox, &AppInfoRequest::new()).unwrap();
    assert_eq!(again, info);
    assert!(sandbox.callback_encrypt());
    assert_eq!(
        sandbox.callback_cipher(),
        Cipher::cbc(DEFAULT_CALLBACK_SECRET_KEY.as_bytes()).unwrap()
    );
    // Only encrypt changes; the URL stays.
    let info = call(&sandbox, &AppCallbackUpdateRequest::new().encrypt(false)).unwrap();
    assert_eq!(info.encrypt, Some(false));
    assert_eq!(
        info.callback_url.as_deref(),
        Some("http://127.0.0.1:9/cb?company=A")
    );
}

#[test]
fn update_callback_checks_its_fields() {
    let sandbox = Sandbox::start().unwrap();
    let path = "/company/token/update/callback";
    for (body, needle) in [
        (json!({}), "callbackUrl"),
        (json!({"callbackUrl": ""}), "callbackUrl"),
        (json!({"encrypt": "yes"}), "encrypt"),
        (json!({"encryptType": "AES_GCM"}), "encryptType"),
        (json!({"callbackUrl": "ftp://example.com/x"}), "callbackUrl"),
        (json!({"callbackUrl": "/relative"}), "callbackUrl"),
    ] {
        let answer = post_json(&sandbox, path, &body);
        let message = assert_error(&answer, 200, 1005, "11990005");
        assert!(message.contains(needle), "{body}: {message}");
    }
    // Nothing changed.
    assert_eq!(sandbox.callback_url(), None);
    assert!(sandbox.callback_encrypt());
}

#[test]
fn builder_checks_the_callback_settings() {
    for builder in [
        Sandbox::builder().callback_secret_key("short"),
        Sandbox::builder().callback_cipher(Cipher::Plain),
        Sandbox::builder().callback_url("not a url"),
    ] {
        let err = builder.start().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
    }
}

#[test]
fn plain_form_goes_to_the_app_level_url() {
    let receiver = Receiver::start(&[200]);
    let sandbox = Sandbox::start().unwrap();
    set_callback(&sandbox, &receiver.url("/qys/callback?company=A"), false);
    sandbox.send_callback(
        CallbackKind::ContractStatus,
        None,
        contract_event("3076583214958469120", "COMPLETE"),
    );
    let got = receiver.next();
    assert_eq!(got.target, "/qys/callback?company=A");
    assert!(
        got.content_type
            .starts_with("application/x-www-form-urlencoded"),
        "{}",
        got.content_type
    );
    assert_eq!(
        got.field("contractId").as_deref(),
        Some("3076583214958469120")
    );
    assert_eq!(got.field("contractStatus").as_deref(), Some("COMPLETE"));
    assert_eq!(
        got.field("tenantName").as_deref(),
        Some("契约锁沙箱科技有限公司")
    );
    assert_eq!(got.field("signature"), None);
    // Unsigned: refused by default, accepted when allowed.
    let verifier = CallbackVerifier::new(DEFAULT_CALLBACK_SECRET_KEY);
    let err = got.verify(&verifier).unwrap_err();
    assert_eq!(callback_kind(&err), CallbackErrorKind::Unsigned);
    match got.verify(&sandbox.callback_verifier()).unwrap() {
        Callback::ContractStatus(e) => assert_eq!(e.status, ContractStatus::Complete),
        other => panic!("{other:?}"),
    }
    assert!(sandbox.wait_for_deliveries(1, Duration::from_secs(5)));
    let deliveries = sandbox.deliveries();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert_eq!(d.kind, CallbackKind::ContractStatus);
    assert_eq!(
        d.url.as_deref(),
        Some(receiver.url("/qys/callback?company=A").as_str())
    );
    assert_eq!((d.attempts, d.last_status), (1, Some(200)));
    assert_eq!(d.last_reply.as_deref(), Some("success"));
    assert!(d.delivered() && !d.signed && !d.encrypted);
}

#[test]
fn encrypted_callbacks_verify_with_the_key_ecb_and_cbc() {
    let key = "0123456789abcdef";
    for cipher in [Cipher::AesEcb, Cipher::cbc(b"fedcba9876543210").unwrap()] {
        let receiver = Receiver::start(&[200]);
        let sandbox = Sandbox::builder()
            .callback_secret_key(key)
            .callback_cipher(cipher.clone())
            .callback_encrypt(true)
            .callback_url(receiver.url("/cb"))
            .start()
            .unwrap();
        sandbox.send_callback(
            CallbackKind::ContractStatus,
            None,
            contract_event("42", "COMPLETE"),
        );
        let got = receiver.next();
        let names: Vec<String> = got.form().into_iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["content", "signature", "timestamp"]);
        assert!(!String::from_utf8_lossy(&got.body).contains("COMPLETE"));
        let verifier = CallbackVerifier::new(key).with_cipher(cipher.clone());
        match got.verify(&verifier).unwrap() {
            Callback::ContractStatus(e) => {
                assert_eq!(e.contract_id.as_str(), "42");
                assert_eq!(e.status, ContractStatus::Complete);
                assert_eq!(e.biz_id.as_deref(), Some("biz-1"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(sandbox.callback_verifier().cipher(), &cipher);
        // A receiver with another key refuses it.
        let wrong = CallbackVerifier::new("fedcba9876543210").with_cipher(cipher.clone());
        let err = got.verify(&wrong).unwrap_err();
        assert_eq!(callback_kind(&err), CallbackErrorKind::BadSignature);
        assert!(sandbox.wait_for_deliveries(1, Duration::from_secs(5)));
        let d = &sandbox.deliveries()[0];
        assert!(d.signed && d.encrypted && d.delivered());
    }
}

#[test]
fn personal_sign_auth_is_signed_with_plain_content() {
    let receiver = Receiver::start(&[302]);
    let sandbox = Sandbox::builder().callback_encrypt(false).start().unwrap();
    sandbox.send_callback(
        CallbackKind::PersonalSignAuth,
        Some(&receiver.url("/auth")),
        map(json!({"user": "13800000001", "userType": "MOBLIE", "item": "AUTHORIZE", "companyName": "甲"})),
    );
    let got = receiver.next();
    let content = got.field("content").unwrap();
    assert!(content.contains("\"AUTHORIZE\""), "{content}");
    let verifier = CallbackVerifier::new(DEFAULT_CALLBACK_SECRET_KEY).with_cipher(Cipher::Plain);
    match got.verify(&verifier).unwrap() {
        Callback::PersonalSignAuth(e) => assert_eq!(e.item, SignAuthItem::Authorize),
        other => panic!("{other:?}"),
    }
    // §14.5: any status below 400 is success, so the 302 counts.
    assert!(sandbox.wait_for_deliveries(1, Duration::from_secs(5)));
    assert_eq!(sandbox.deliveries()[0].last_status, Some(302));
}

#[test]
fn a_failed_first_answer_is_retried() {
    let receiver = Receiver::start(&[500, 0, 200]);
    let sandbox = Sandbox::builder().callback_encrypt(true).start().unwrap();
    let fields = map(json!({"status": 1, "actionEvent": 7, "requestId": "req-1",
        "authInfo": {"name": "契约锁沙箱科技有限公司"}}));
    sandbox.send_callback(
        CallbackKind::CompanyAuth,
        Some(&receiver.url("/company")),
        fields,
    );
    let first = receiver.next();
    let second = receiver.next();
    let third = receiver.next();
    assert!(sandbox.wait_for_deliveries(1, Duration::from_secs(5)));
    // Each attempt is signed afresh.
    let verifier = sandbox.callback_verifier();
    for got in [&first, &second, &third] {
        match got.verify(&verifier).unwrap() {
            Callback::CompanyAuth(e) => assert_eq!(e.status, CompanyAuthStatus::Success),
            other => panic!("{other:?}"),
        }
    }
    let d = &sandbox.deliveries()[0];
    assert_eq!(d.attempts, 3);
    assert_eq!(d.last_status, Some(200));
    assert_eq!(d.outcome, DeliveryOutcome::Delivered);
    assert!(receiver.nothing_more(Duration::from_millis(800)));
}

#[test]
fn delivery_gives_up_after_the_schedule() {
    let receiver = Receiver::start(&[503]);
    let sandbox = Sandbox::builder()
        .callback_encrypt(false)
        .callback_retry_schedule(vec![Duration::from_millis(50), Duration::from_millis(50)])
        .start()
        .unwrap();
    sandbox.send_callback(
        CallbackKind::SealReview,
        Some(&receiver.url("/seal")),
        map(json!({"applyId": "1", "result": "PASS", "detail": {"sealName": "公章"}})),
    );
    for _ in 0..3 {
        let got = receiver.next();
        assert_eq!(
            got.field("detail").as_deref(),
            Some(r#"{"sealName":"公章"}"#)
        );
    }
    assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(5)));
    let d = &sandbox.deliveries()[0];
    assert_eq!((d.attempts, d.last_status), (3, Some(503)));
    assert_eq!(d.outcome, DeliveryOutcome::GaveUp);
    assert!(!sandbox.wait_for_deliveries(1, Duration::from_millis(10)));
    assert!(receiver.nothing_more(Duration::from_millis(300)));
}

#[test]
fn refused_connections_are_retried_then_given_up() {
    // A port nobody listens on.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let sandbox = Sandbox::builder()
        .callback_retry_schedule(
            CallbackSchedule::none()
                .with(CallbackKind::PersonalAuth, vec![Duration::from_millis(10)]),
        )
        .start()
        .unwrap();
    sandbox.send_callback(
        CallbackKind::PersonalAuth,
        Some(&format!("http://{addr}/p")),
        map(json!({"authId": "a1", "mode": "FACE", "status": "1"})),
    );
    sandbox.send_callback(
        CallbackKind::ContractStatus,
        Some(&format!("http://{addr}/c")),
        contract_event("1", "SIGNING"),
    );
    assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(10)));
    let d = sandbox.deliveries();
    assert_eq!((d[0].attempts, d[1].attempts), (2, 1));
    for d in &d {
        assert_eq!(d.outcome, DeliveryOutcome::GaveUp);
        assert!(d.last_error.is_some() && d.last_status.is_none(), "{d:?}");
    }
}

#[test]
fn the_events_own_url_wins_and_no_url_is_undeliverable() {
    let app = Receiver::start(&[200]);
    let own = Receiver::start(&[200]);
    let sandbox = Sandbox::start().unwrap();
    // No URL at all yet.
    sandbox.send_callback(
        CallbackKind::ContractStatus,
        None,
        contract_event("1", "SIGNING"),
    );
    // An https URL the sandbox cannot call.
    sandbox.send_callback(
        CallbackKind::ContractStatus,
        Some("https://127.0.0.1:9/cb"),
        contract_event("1", "SIGNING"),
    );
    set_callback(&sandbox, &app.url("/app"), false);
    sandbox.send_callback(
        CallbackKind::ContractStatus,
        Some(&own.url("/own")),
        contract_event("2", "SIGNING"),
    );
    sandbox.send_callback(
        CallbackKind::ContractStatus,
        None,
        contract_event("3", "COMPLETE"),
    );
    assert_eq!(own.next().field("contractId").as_deref(), Some("2"));
    assert_eq!(app.next().field("contractId").as_deref(), Some("3"));
    assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(5)));
    let d = sandbox.deliveries();
    assert_eq!(d.len(), 4);
    assert!(
        matches!(&d[0].outcome, DeliveryOutcome::Undeliverable(r) if r.contains("no callback URL"))
    );
    assert!(matches!(&d[1].outcome, DeliveryOutcome::Undeliverable(r) if r.contains("https")));
    assert_eq!((d[0].attempts, d[1].attempts), (0, 0));
    assert!(d[2].delivered() && d[3].delivered());
    assert_eq!(d.iter().map(|d| d.id).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert!(own.nothing_more(Duration::from_millis(200)) && app.nothing_more(Duration::ZERO));
}

#[test]
fn callbacks_arrive_in_order_for_a_healthy_receiver() {
    let receiver = Receiver::start(&[200]);
    let sandbox = Sandbox::builder()
        .callback_encrypt(false)
        .callback_url(receiver.url("/cb"))
        .start()
        .unwrap();
    for i in 0..20 {
        sandbox.send_callback(
            CallbackKind::ContractStatus,
            None,
            contract_event(&i.to_string(), "SIGNING"),
        );
    }
    for i in 0..20 {
        assert_eq!(receiver.next().field("contractId"), Some(i.to_string()));
    }
    assert!(sandbox.wait_for_deliveries(20, Duration::from_secs(5)));
}

#[test]
fn shutdown_with_pending_deliveries_does_not_hang() {
    // A receiver that accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel::<()>();
    thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
            let _ = tx.send(());
        }
    });
    let sandbox = Sandbox::builder()
        .callback_retry_schedule(CallbackSchedule::platform_like())
        .start()
        .unwrap();
    for i in 0..5 {
        sandbox.send_callback(
            CallbackKind::ContractStatus,
            Some(&format!("http://{addr}/hang")),
            contract_event(&i.to_string(), "SIGNING"),
        );
    }
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the first attempt connected");
    assert!(!sandbox.wait_for_settled_deliveries(Duration::from_millis(100)));
    let started = Instant::now();
    sandbox.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn delivery_does_not_block_the_api() {
    // The receiver never answers; API calls must still be answered at once.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let sandbox = Sandbox::builder()
        .callback_url(format!("http://{addr}/hang"))
        .start()
        .unwrap();
    for i in 0..50 {
        sandbox.send_callback(
            CallbackKind::ContractStatus,
            None,
            contract_event(&i.to_string(), "SIGNING"),
        );
    }
    let started = Instant::now();
    let info = call(&sandbox, &AppInfoRequest::new()).unwrap();
    assert!(info.callback_url.is_some());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn secrets_are_not_in_debug_output() {
    let sandbox = Sandbox::builder()
        .callback_secret_key(Secret::new("0123456789abcdef"))
        .callback_cipher(Cipher::cbc(b"IVIVIVIVIVIVIVIV").unwrap());
    let shown = format!("{sandbox:?}");
    assert!(
        !shown.contains("0123456789abcdef") && !shown.contains("IVIV"),
        "{shown}"
    );
}
