//! Fault injection, request counting and the sandbox's lifecycle, observed on the wire.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use qys_proto::api::miniapp::ContractViewTicketRequest;
use qys_sandbox::{Fault, Sandbox};
use support::*;

const VIEW: &str = "/v2/contract/miniappexchange/view";

fn view_wire(sandbox: &Sandbox) -> Vec<u8> {
    let request = core(sandbox)
        .prepare(
            &ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone()),
            &fresh_params(),
        )
        .unwrap();
    to_wire(&request)
}

fn view(sandbox: &Sandbox) -> Wire {
    exchange(sandbox.local_addr(), &view_wire(sandbox))
}

#[test]
fn delay_waits_then_answers_normally() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(VIEW, Fault::Delay(Duration::from_millis(300)), 1);
    let started = Instant::now();
    let a = view(&sandbox).answer().unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["code"], 0);
    // Only once.
    let started = Instant::now();
    assert_eq!(view(&sandbox).answer().unwrap().status, 200);
    assert!(started.elapsed() < Duration::from_millis(1000));
}

#[test]
fn html_pages_replace_the_answer() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(VIEW, Fault::Html(502), 2);
    for _ in 0..2 {
        let a = view(&sandbox).answer().unwrap();
        assert_eq!(a.status, 502);
        assert_eq!(a.header("content-type"), Some("text/html"));
        let body = String::from_utf8(a.body.clone()).unwrap();
        assert!(body.contains("<title>502 Bad Gateway</title>"), "{body}");
        let e = core(&sandbox)
            .parse::<ContractViewTicketRequest>(a.http_response())
            .unwrap_err();
        assert!(matches!(e, qys_proto::Error::Status(_)), "{e:?}");
    }
    assert_eq!(
        view(&sandbox).answer().unwrap().status,
        200,
        "the fault is used up"
    );
    sandbox.inject(VIEW, Fault::Html(504), 1);
    let a = view(&sandbox).answer().unwrap();
    assert_eq!(a.status, 504);
    assert!(String::from_utf8_lossy(&a.body).contains("504 Gateway Timeout"));
}

#[test]
fn truncated_bodies_announce_more_than_they_send() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(VIEW, Fault::TruncatedBody, 1);
    let wire = view(&sandbox);
    let a = wire.answer().expect("a head arrives");
    assert_eq!(a.status, 200);
    let announced: usize = a.header("content-length").unwrap().parse().unwrap();
    assert!(!a.body.is_empty(), "half a body arrives");
    assert!(a.body.len() < announced, "{} of {announced}", a.body.len());
    assert!(serde_json::from_slice::<serde_json::Value>(&a.body).is_err());
}

#[test]
fn reset_closes_without_an_answer() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(VIEW, Fault::Reset, 1);
    let wire = view(&sandbox);
    assert!(
        wire.bytes.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&wire.bytes)
    );
    assert!(wire.answer().is_none());
    assert_eq!(view(&sandbox).answer().unwrap().status, 200);
}

#[test]
fn oversized_answers_are_valid_json_of_at_least_the_size() {
    let sandbox = Sandbox::start().unwrap();
    let size = 3 * 1024 * 1024 + 17;
    sandbox.inject(VIEW, Fault::Oversized(size), 1);
    let wire = view(&sandbox);
    let a = wire.answer().unwrap();
    assert_eq!(a.status, 200);
    assert!(a.body.len() >= size, "{}", a.body.len());
    assert_eq!(
        a.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        a.body.len()
    );
    let v = a.json();
    assert_eq!(v["code"], 0);
    assert_eq!(v["result"]["ticket"].as_str().unwrap().len(), 32);
    // Small sizes still give a whole envelope.
    sandbox.inject(VIEW, Fault::Oversized(1), 1);
    assert_eq!(view(&sandbox).answer().unwrap().json()["code"], 0);
}

#[test]
fn status_answers_are_verbatim() {
    let sandbox = Sandbox::start().unwrap();
    let body = r#"{"code":1001,"message":"ERROR","responseCode":"21990001"}"#;
    sandbox.inject(VIEW, Fault::Status(503, body.to_owned()), 1);
    let a = view(&sandbox).answer().unwrap();
    assert_eq!(a.status, 503);
    assert_eq!(
        a.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(a.body, body.as_bytes());
    let e = core(&sandbox)
        .parse::<ContractViewTicketRequest>(a.http_response())
        .unwrap_err();
    assert_eq!(e.code(), Some(qys_proto::ErrorCode::InternalError));
    assert!(e.is_retryable());
}

#[test]
fn faults_queue_per_path_and_come_before_auth() {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(VIEW, Fault::Html(502), 1);
    sandbox.inject(VIEW, Fault::Status(500, "{}".into()), 1);
    sandbox.inject("/other", Fault::Reset, 5);
    sandbox.inject(VIEW, Fault::Reset, 0);
    // Unsigned requests still get the fault.
    let unsigned = to_wire(
        &http::Request::post(format!("{}{VIEW}", sandbox.base_url()))
            .body(Vec::new())
            .unwrap(),
    );
    let first = exchange(sandbox.local_addr(), &unsigned).answer().unwrap();
    assert_eq!(first.status, 502);
    let second = exchange(sandbox.local_addr(), &unsigned).answer().unwrap();
    assert_eq!(second.status, 500);
    let third = exchange(sandbox.local_addr(), &unsigned).answer().unwrap();
    assert_eq!(third.status, 441);
}

#[test]
fn requests_seen_counts_everything_per_path() {
    let sandbox = Sandbox::start().unwrap();
    assert_eq!(sandbox.requests_seen(VIEW), 0);
    view(&sandbox);
    let unsigned = to_wire(
        &http::Request::post(format!("{}{VIEW}?x=1", sandbox.base_url()))
            .body(Vec::new())
            .unwrap(),
    );
    exchange(sandbox.local_addr(), &unsigned);
    sandbox.inject(VIEW, Fault::Reset, 1);
    view(&sandbox);
    assert_eq!(sandbox.requests_seen(VIEW), 3);
    let missing = signed_raw(&sandbox, "POST", "/v2/nothing", None, b"", &fresh_params());
    send(&sandbox, &missing);
    assert_eq!(sandbox.requests_seen("/v2/nothing"), 1);
    assert_eq!(sandbox.requests_seen("/v2/contract/miniappexchange"), 0);
}

#[test]
fn keep_alive_connections_serve_several_requests() {
    let sandbox = Sandbox::start().unwrap();
    let mut stream = TcpStream::connect(sandbox.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    for _ in 0..3 {
        // The same request without `connection: close`.
        let wire = view_wire(&sandbox);
        let text = String::from_utf8(wire)
            .unwrap()
            .replace("connection: close\r\n", "");
        stream.write_all(text.as_bytes()).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "the connection stays open");
            got.extend_from_slice(&buf[..n]);
            let w = Wire {
                bytes: got.clone(),
                error: None,
            };
            if let Some(a) = w.answer() {
                let len: usize = a.header("content-length").unwrap().parse().unwrap();
                if a.body.len() >= len {
                    assert_eq!(a.status, 200);
                    break;
                }
            }
        }
    }
    assert_eq!(sandbox.requests_seen(VIEW), 3);
}

#[test]
fn start_and_shutdown_twice_without_hanging() {
    let started = Instant::now();
    for _ in 0..2 {
        let sandbox = Sandbox::start().unwrap();
        let addr = sandbox.local_addr();
        assert_eq!(view(&sandbox).answer().unwrap().status, 200);
        // An idle keep-alive connection and a request stuck in a long delay must not hold the
        // shutdown.
        let _idle = TcpStream::connect(addr).unwrap();
        sandbox.inject(VIEW, Fault::Delay(Duration::from_secs(60)), 1);
        let mut stuck = TcpStream::connect(addr).unwrap();
        stuck.write_all(&view_wire(&sandbox)).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        sandbox.shutdown();
        // The listener is gone.
        assert!(
            TcpStream::connect(addr).is_err(),
            "still accepting after shutdown"
        );
        // The stuck request's connection was dropped.
        stuck
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 16];
        assert!(matches!(stuck.read(&mut buf), Ok(0) | Err(_)));
    }
    // Drop stops it too.
    {
        let _sandbox = Sandbox::start().unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_chosen_port_and_a_busy_port() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let sandbox = Sandbox::builder().port(port).start().unwrap();
    assert_eq!(sandbox.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(view(&sandbox).answer().unwrap().status, 200);
    let busy = Sandbox::builder().port(port).start().unwrap_err();
    assert_eq!(busy.kind(), std::io::ErrorKind::AddrInUse);
}

#[test]
fn async_callers_can_use_it_from_inside_a_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = Sandbox::start().unwrap();
        let addr = sandbox.local_addr();
        let wire = view_wire(&sandbox);
        let got = tokio::task::spawn_blocking(move || exchange(addr, &wire))
            .await
            .unwrap();
        assert_eq!(got.answer().unwrap().status, 200);
        sandbox.shutdown();
    });
}

#[test]
fn the_sandbox_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Sandbox>();
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(VIEW, Fault::Delay(Duration::from_millis(600)), 4);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert_eq!(view(&sandbox).answer().unwrap().status, 200));
        }
    });
    // Four delayed requests are served concurrently, not one after another.
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.requests_seen(VIEW), 4);
}
