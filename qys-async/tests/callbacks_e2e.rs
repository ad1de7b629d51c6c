//! End to end: the sandbox's signed, encrypted callbacks, delivered over loopback to the
//! receiver of `examples/callback_receiver.rs` (the example's own code), verified and typed by
//! qys.

#[path = "../examples/callback_receiver.rs"]
#[allow(dead_code)]
mod callback_receiver;
#[path = "../../qys-blocking/tests/support/callbacks.rs"]
mod callbacks;
mod common;

use std::net::SocketAddr;
use std::time::Duration;

use callback_receiver::Receiver;
use callbacks::loopback;
use qys_async::Secret;
use qys_async::proto::callback::CallbackVerifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_receives_the_completed_contract() {
    let events = callback_receiver::demo(loopback()).await.unwrap();
    callbacks::check_demo_events(&events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_cbc_callbacks_of_a_completed_contract_are_verified_and_typed() {
    let sandbox = callbacks::cbc_sandbox();
    let mut receiver = Receiver::start(loopback(), callbacks::cbc_verifier())
        .await
        .unwrap();
    let client = common::client(&sandbox);
    let info = client
        .execute(&callbacks::encrypted_to(receiver.url("/cb")))
        .await
        .unwrap();
    callbacks::check_cbc_settings(&info);
    client
        .execute(&callbacks::sign_fixture_contract(&sandbox))
        .await
        .unwrap();
    let mut seen = Vec::new();
    while !callbacks::completed(&seen, &sandbox) {
        let event = receiver
            .next_event(Duration::from_secs(10))
            .await
            .unwrap_or_else(|| panic!("no COMPLETE callback; got {seen:?}"));
        seen.push(event);
    }
    // The sandbox waits on its own thread, not the runtime's.
    let (sandbox, deliveries) = tokio::task::spawn_blocking(move || {
        assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(5)));
        let deliveries = sandbox.deliveries();
        (sandbox, deliveries)
    })
    .await
    .unwrap();
    callbacks::check_cbc_completion(&seen, &sandbox, &deliveries);
    receiver.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_under_another_key_are_answered_400_with_the_typed_error() {
    let mut receiver = Receiver::start(loopback(), callbacks::other_key_verifier())
        .await
        .unwrap();
    let sandbox = callbacks::other_key_sandbox();
    let client = common::client(&sandbox);
    client
        .execute(
            &qys_async::api::app::AppCallbackUpdateRequest::new().callback_url(receiver.url("/cb")),
        )
        .await
        .unwrap();
    client
        .execute(&callbacks::sign_fixture_contract(&sandbox))
        .await
        .unwrap();
    let deliveries = tokio::task::spawn_blocking(move || {
        assert!(sandbox.wait_for_settled_deliveries(Duration::from_secs(10)));
        sandbox.deliveries()
    })
    .await
    .unwrap();
    callbacks::check_refused(deliveries);
    assert!(
        receiver
            .next_event(Duration::from_millis(200))
            .await
            .is_none()
    );
    receiver.stop().await;
}

/// Sends raw bytes to the receiver and reads the answer's status line.
async fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_receiver_refuses_other_methods_and_oversized_bodies() {
    let receiver = Receiver::start(
        loopback(),
        CallbackVerifier::new(Secret::new("0123456789abcdef")),
    )
    .await
    .unwrap();
    let addr = receiver.local_addr();
    let get = raw(
        addr,
        b"GET /cb HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(get.contains(" 405 "), "{get}");
    let huge = format!(
        "POST /cb HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        callback_receiver::MAX_BODY + 1
    );
    let mut bytes = huge.into_bytes();
    bytes.extend(std::iter::repeat_n(b'a', callback_receiver::MAX_BODY + 1));
    let big = raw(addr, &bytes).await;
    assert!(big.contains(" 413 "), "{big}");
    let forged = b"POST /cb HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 41\r\nconnection: close\r\n\r\ncontractId=1&contractStatus=COMPLETE&x=yy";
    let unsigned = raw(addr, forged).await;
    assert!(unsigned.contains(" 400 "), "{unsigned}");
    receiver.stop().await;
}
