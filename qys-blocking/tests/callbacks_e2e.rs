//! End to end: the sandbox's signed, encrypted callbacks, delivered over loopback to the
//! receiver of `examples/callback_receiver.rs` (the example's own code), verified and typed by
//! qys.

#[path = "../examples/callback_receiver.rs"]
#[allow(dead_code)]
mod callback_receiver;
#[path = "support/callbacks.rs"]
mod callbacks;
mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use callback_receiver::{MAX_BODY, MAX_HEAD, Receiver};
use callbacks::loopback;
use qys_blocking::Secret;
use qys_blocking::proto::callback::CallbackVerifier;

#[test]
fn the_demo_receives_the_completed_contract() {
    let events = callback_receiver::demo(loopback()).unwrap();
    callbacks::check_demo_events(&events);
}

#[test]
fn encrypted_cbc_callbacks_of_a_completed_contract_are_verified_and_typed() {
    let sandbox = callbacks::cbc_sandbox();
    let receiver = Receiver::start(loopback(), callbacks::cbc_verifier()).unwrap();
    let client = common::client(&sandbox);
    let info = client
        .execute(&callbacks::encrypted_to(receiver.url("/cb?tenant=a")))
        .unwrap();
    callbacks::check_cbc_settings(&info);
    client
        .execute(&callbacks::sign_fixture_contract(&sandbox))
        .unwrap();
    let mut seen = Vec::new();
    while !callbacks::completed(&seen, &sandbox) {
        let event = receiver
            .next_event(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("no COMPLETE callback; got {seen:?}"));
        seen.push(event);
    }
    assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(5)));
    callbacks::check_cbc_completion(&seen, &sandbox, &sandbox.deliveries());
    receiver.stop();
}

#[test]
fn callbacks_under_another_key_are_answered_400_with_the_typed_error() {
    let receiver = Receiver::start(loopback(), callbacks::other_key_verifier()).unwrap();
    let sandbox = callbacks::other_key_sandbox();
    let client = common::client(&sandbox);
    client
        .execute(
            &qys_blocking::api::app::AppCallbackUpdateRequest::new()
                .callback_url(receiver.url("/cb")),
        )
        .unwrap();
    client
        .execute(&callbacks::sign_fixture_contract(&sandbox))
        .unwrap();
    assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(10)));
    callbacks::check_refused(sandbox.deliveries());
    assert!(receiver.next_event(Duration::from_millis(200)).is_none());
}

/// Sends raw bytes to the receiver and reads the answer's status line.
fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_receiver_is_bounded_and_refuses_what_it_cannot_verify() {
    let receiver = Receiver::start(
        loopback(),
        CallbackVerifier::new(Secret::new("0123456789abcdef")),
    )
    .unwrap();
    let addr = receiver.local_addr();
    let status = |bytes: &[u8]| raw(addr, bytes);
    assert!(status(b"GET /cb HTTP/1.1\r\nhost: x\r\n\r\n").contains(" 405 "));
    let too_long = format!(
        "POST /cb HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n",
        MAX_BODY + 1
    );
    assert!(status(too_long.as_bytes()).contains(" 413 "));
    assert!(status(b"POST /cb HTTP/1.1\r\nhost: x\r\n\r\n").contains(" 411 "));
    assert!(
        status(b"POST /cb HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n")
            .contains(" 501 ")
    );
    let mut huge_head = b"POST /cb HTTP/1.1\r\nx-filler: ".to_vec();
    huge_head.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
    assert!(status(&huge_head).contains(" 431 "));
    assert!(status(b"NONSENSE\r\n\r\n").contains(" 400 "));
    let forged = b"POST /cb HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 36\r\n\r\ncontractId=1&contractStatus=COMPLETE";
    let unsigned = status(forged);
    assert!(unsigned.contains(" 400 "), "{unsigned}");
    // A client that sends half a request and stalls is cut off, not waited for forever; the
    // receiver keeps serving others meanwhile.
    let mut stalled = TcpStream::connect(addr).unwrap();
    stalled.write_all(b"POST /cb HTTP/1.1\r\n").unwrap();
    assert!(status(b"GET / HTTP/1.1\r\n\r\n").contains(" 405 "));
    stalled
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut rest = Vec::new();
    let started = std::time::Instant::now();
    let _ = stalled.read_to_end(&mut rest);
    assert!(started.elapsed() < Duration::from_secs(14));
    assert!(receiver.next_event(Duration::ZERO).is_none());
}
