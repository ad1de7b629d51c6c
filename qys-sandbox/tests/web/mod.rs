//! What the control, page and browser tests share: plain (unsigned) HTTP requests to the
//! sandbox's own routes (`/__sandbox/…`, `/sandbox/…`), the control API's envelope, a drafted
//! two-party contract, and a callback receiver that records what it gets.
#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Request;
use qys_sandbox::Sandbox;
use serde_json::{Value, json};

use crate::support::{Answer, post_json, send};

/// The path and query of `url` (an absolute URL of the sandbox, or already a path).
pub fn path_of(url: &str) -> &str {
    match url.find("://") {
        Some(at) => {
            let rest = &url[at + 3..];
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        None => url,
    }
}

/// An unsigned request to `target` (a URL or a path of the sandbox).
pub fn plain(
    sandbox: &Sandbox,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    content_type: Option<&str>,
    body: &[u8],
) -> Answer {
    let mut b =
        Request::builder()
            .method(method)
            .uri(format!("{}{}", sandbox.base_url(), path_of(target)));
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    send(sandbox, &b.body(body.to_vec()).unwrap())
}

/// `GET target`, unsigned.
pub fn get(sandbox: &Sandbox, target: &str) -> Answer {
    plain(sandbox, "GET", target, &[], None, b"")
}

/// A form `POST` to `target`, as a browser submits one.
pub fn post_form(sandbox: &Sandbox, target: &str, fields: &[(&str, &str)]) -> Answer {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                qys_proto::query::encode(k),
                qys_proto::query::encode(v)
            )
        })
        .collect();
    plain(
        sandbox,
        "POST",
        target,
        &[],
        Some("application/x-www-form-urlencoded"),
        body.join("&").as_bytes(),
    )
}

/// The body as text.
pub fn text(answer: &Answer) -> String {
    String::from_utf8_lossy(&answer.body).into_owned()
}

/// `POST /__sandbox/api/{route}` with `body`; the answer.
pub fn control(sandbox: &Sandbox, route: &str, body: &Value) -> Answer {
    plain(
        sandbox,
        "POST",
        &format!("/__sandbox/api/{route}"),
        &[],
        Some("application/json"),
        body.to_string().as_bytes(),
    )
}

/// The `result` of a successful control call (HTTP 200, `code` 0).
#[track_caller]
pub fn ok(answer: &Answer) -> Value {
    assert_eq!(answer.status, 200, "{}", text(answer));
    let v = answer.json();
    assert_eq!(v["code"], json!(0), "{v}");
    v["result"].clone()
}

/// `GET /__sandbox/api/state`'s result.
pub fn state(sandbox: &Sandbox) -> Value {
    ok(&get(sandbox, "/__sandbox/api/state"))
}

/// The contract `id` in the state.
#[track_caller]
pub fn contract(sandbox: &Sandbox, id: &str) -> Value {
    state(sandbox)["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == json!(id))
        .cloned()
        .unwrap_or_else(|| panic!("no contract {id} in the state"))
}

/// The result of a signed JSON call to the gateway (asserting success).
#[track_caller]
pub fn api(sandbox: &Sandbox, path: &str, body: &Value) -> Value {
    let answer = post_json(sandbox, path, body);
    ok(&answer)
}

/// A contract-sign ticket for the fixture contract's signer.
pub fn fixture_sign_ticket(sandbox: &Sandbox) -> String {
    let f = sandbox.fixtures();
    api(
        sandbox,
        "/v2/contract/miniappexchange",
        &json!({
            "contractId": f.contract_id.as_str(),
            "user": {"contact": f.signer.contact, "contactType": "MOBILE"},
        }),
    )["ticket"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The party that signs second in [`two_party_contract`].
pub const SECOND: &str = "13700000002";
/// The operator of the company's seal in [`two_party_contract`].
pub const OPERATOR: &str = "13900000000";

/// Drafts and sends a contract with `subject`: the platform company first (a `COMPANY` action
/// whose operator is [`OPERATOR`]), then 李四 ([`SECOND`]), with one PDF and `callbackUrl`;
/// answers its ID.
pub fn two_party_contract(sandbox: &Sandbox, subject: &str, callback_url: Option<&str>) -> String {
    let f = sandbox.fixtures();
    let mut draft = json!({
        "subject": subject,
        "send": false,
        "signatories": [
            {
                "tenantType": "COMPANY",
                "tenantName": f.authenticated_company,
                "serialNo": 1,
                "actions": [{
                    "type": "COMPANY",
                    "serialNo": 1,
                    "operators": [{"contact": OPERATOR, "contactType": "MOBILE"}],
                }],
            },
            {
                "tenantType": "PERSONAL",
                "tenantName": "李四",
                "serialNo": 2,
                "receiver": {"contact": SECOND, "contactType": "MOBILE", "name": "李四"},
            },
        ],
    });
    if let Some(url) = callback_url {
        draft["callbackUrl"] = json!(url);
    }
    let id = api(sandbox, "/v2/contract/draft", &draft)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n";
    let boundary = "qysSandboxTestBoundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("contractId", id.as_str()),
        ("title", "正文"),
        ("fileSuffix", "pdf"),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\ncontent-type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = crate::support::signed_raw(
        sandbox,
        "POST",
        "/v2/document/addbyfile",
        Some(&format!("multipart/form-data; boundary={boundary}")),
        &body,
        &crate::support::fresh_params(),
    );
    ok(&send(sandbox, &request));
    api(sandbox, "/v2/contract/send", &json!({"contractId": id}));
    id
}

/// The result of a signed GET to the gateway (asserting success).
#[track_caller]
pub fn api_get(sandbox: &Sandbox, path: &str, query: &str) -> Value {
    ok(&crate::support::get(sandbox, path, query))
}

/// A callback receiver on loopback: answers every request `200 success` and keeps the bodies.
pub struct Receiver {
    pub url: String,
    pub bodies: Arc<Mutex<Vec<String>>>,
}

impl Receiver {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/callback", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&bodies);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut data = Vec::new();
                let mut buf = [0u8; 8192];
                // Read the head, then the body by Content-Length.
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => data.extend_from_slice(&buf[..n]),
                    }
                    if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if data.len() >= end + 4 + len {
                            kept.lock()
                                .unwrap()
                                .push(String::from_utf8_lossy(&data[end + 4..]).into_owned());
                            break;
                        }
                    }
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\nsuccess",
                );
            }
        });
        Self { url, bodies }
    }
}
