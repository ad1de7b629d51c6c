//! What one request may cost: the typed answers of the sandbox's limits (head size, body size
//! per route kind, the duplicate-signatory check), and bodies that arrive in tiny pieces. How
//! the limits hold under attack is measured by `qys-bench`'s `sandbox_attacks` example, not
//! here.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use qys_sandbox::Sandbox;
use serde_json::json;
use support::*;

const VIEW: &str = "/v2/contract/miniappexchange/view";

/// Writes `bytes` (a write error is fine: the sandbox may answer and close early) and reads the
/// answer until EOF.
fn exchange_early(sandbox: &Sandbox, bytes: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(sandbox.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    Wire {
        bytes: out,
        error: None,
    }
    .answer()
    .expect("an HTTP answer")
}

#[test]
fn a_head_over_16_kib_is_431_before_authentication() {
    let sandbox = Sandbox::start().unwrap();
    let long_path = format!("/{}", "a".repeat(60 * 1024));
    let request = format!("GET {long_path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert_eq!(exchange_early(&sandbox, request.as_bytes()).status, 431);
    let request = format!(
        "GET {VIEW} HTTP/1.1\r\nhost: x\r\nx-qys-open-nonce: {}\r\nconnection: close\r\n\r\n",
        "n".repeat(100 * 1024)
    );
    assert_eq!(exchange_early(&sandbox, request.as_bytes()).status, 431);
    // Neither was remembered.
    assert_eq!(sandbox.requests_seen(&long_path), 0);
    assert!(sandbox.nonces_seen(VIEW).is_empty());
    // A head just under the limit is served (here: refused by the gateway, 441).
    let request = format!(
        "GET {VIEW} HTTP/1.1\r\nhost: x\r\nx-padding: {}\r\nconnection: close\r\n\r\n",
        "p".repeat(12 * 1024)
    );
    assert_eq!(exchange_early(&sandbox, request.as_bytes()).status, 441);
}

#[test]
fn long_nonces_and_paths_are_answered_but_not_remembered() {
    let sandbox = Sandbox::start().unwrap();
    let nonce = "n".repeat(2000);
    let request = format!(
        "GET {VIEW} HTTP/1.1\r\nhost: x\r\nx-qys-open-nonce: {nonce}\r\nconnection: close\r\n\r\n"
    );
    assert_eq!(exchange_early(&sandbox, request.as_bytes()).status, 441);
    assert_eq!(sandbox.requests_seen(VIEW), 1);
    assert!(sandbox.nonces_seen(VIEW).is_empty());
    let path = format!("/{}", "b".repeat(2000));
    let request = format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert_eq!(exchange_early(&sandbox, request.as_bytes()).status, 441);
    assert_eq!(sandbox.requests_seen(&path), 0);
}

#[test]
fn json_bodies_are_limited_to_1_mib_and_image_json_to_32_mib() {
    let sandbox = Sandbox::start().unwrap();
    let big = vec![b' '; 1024 * 1024 + 1];
    let request = signed_raw(
        &sandbox,
        "POST",
        "/v2/contract/draft",
        Some("application/json"),
        &big,
        &fresh_params(),
    );
    let a = exchange_early(&sandbox, &to_wire(&request));
    let m = assert_error(&a, 413, 413, "11990413");
    assert!(m.contains("1048576 bytes"), "{m}");
    // The same size is fine where the JSON carries Base64 images: the fields are checked.
    let mut body = json!({"sealName": "大图章"}).to_string().into_bytes();
    body.pop();
    body.extend_from_slice(br#", "pad": ""#);
    body.extend(std::iter::repeat_n(b'A', 3 * 1024 * 1024));
    body.extend_from_slice(br#""}"#);
    let request = signed_raw(
        &sandbox,
        "POST",
        "/v2/seal/createbyimage",
        Some("application/json"),
        &body,
        &fresh_params(),
    );
    assert_1005(&send(&sandbox, &request), "sealImage");
}

#[test]
fn a_body_sent_a_few_bytes_at_a_time_is_read_whole() {
    let sandbox = Sandbox::start().unwrap();
    let body = json!({"contractId": sandbox.fixtures().contract_id.as_str(), "user": {"contact": "13800000001", "contactType": "MOBILE"}}).to_string();
    let request = signed_raw(
        &sandbox,
        "POST",
        VIEW,
        Some("application/json"),
        body.as_bytes(),
        &fresh_params(),
    );
    let wire = to_wire(&request);
    let mut stream = TcpStream::connect(sandbox.local_addr()).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head_end = wire.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    stream.write_all(&wire[..head_end]).unwrap();
    for piece in wire[head_end..].chunks(3) {
        stream.write_all(piece).unwrap();
        stream.flush().unwrap();
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    let a = Wire {
        bytes: out,
        error: None,
    }
    .answer()
    .unwrap();
    assert_eq!(a.json()["code"], 0, "{}", a.json());
}

#[test]
fn the_same_party_twice_is_1102_and_a_contract_has_at_most_1000_signatories() {
    let sandbox = Sandbox::start().unwrap();
    let company = sandbox.fixtures().authenticated_company.clone();
    let person = |name: &str, contact: &str| {
        json!({"tenantType": "PERSONAL", "tenantName": name,
               "receiver": {"contact": contact, "contactType": "MOBILE"}})
    };
    let twice = json!({"subject": "重复", "signatories": [
        {"tenantType": "COMPANY", "tenantName": company},
        {"tenantType": "COMPANY", "tenantName": company},
    ]});
    let a = post_json(&sandbox, "/v2/contract/draft", &twice);
    assert_error(&a, 200, 1102, "11011102");
    let same_person = json!({"subject": "重复", "signatories": [
        person("李四", "13700000001"), person("李四", "13700000001"),
    ]});
    let a = post_json(&sandbox, "/v2/contract/draft", &same_person);
    assert_error(&a, 200, 1102, "11011102");
    // A thousand distinct people, the last one repeating the first: found.
    let mut many: Vec<_> = (0..999)
        .map(|i| person("王五", &format!("1360000{i:04}")))
        .collect();
    many.push(person("王五", "13600000000"));
    let a = post_json(
        &sandbox,
        "/v2/contract/draft",
        &json!({"subject": "很多人", "signatories": many}),
    );
    assert_error(&a, 200, 1102, "11011102");
    many.pop();
    many.push(person("王五", "13500000000"));
    let a = post_json(
        &sandbox,
        "/v2/contract/draft",
        &json!({"subject": "很多人", "signatories": many}),
    );
    assert_eq!(a.json()["code"], 0, "{}", a.json());
    // One more is beyond the sandbox's bound.
    many.push(person("王五", "13500000001"));
    let a = post_json(
        &sandbox,
        "/v2/contract/draft",
        &json!({"subject": "很多人", "signatories": many}),
    );
    assert!(assert_1005(&a, "signatories").contains("at most 1000"));
}
