//! Gateway faults: HTML error pages, resets, delays, oversized and truncated answers,
//! redirects. Each ends in a typed error, in bounded time, never a hang or a panic.

mod common;
#[path = "support/reliability_table.rs"]
mod table;

use std::time::{Duration, Instant};

use qys_blocking::api::miniapp::ContractViewTicketRequest;
use qys_blocking::{Error, Limits, RetryPolicy, TransportErrorKind, proto};
use qys_sandbox::Fault;
use table::IdempotentView;

const VIEW: &str = "/v2/contract/miniappexchange/view";

fn view(sandbox: &qys_sandbox::Sandbox) -> ContractViewTicketRequest {
    ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone())
}

#[test]
fn an_html_502_is_a_status_error_and_a_ticket_call_is_not_retried() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(VIEW, Fault::Html(502), 1);
    let err = client.execute(&view(&sandbox)).expect_err("502");
    match &err {
        Error::Status(s) => {
            assert_eq!(s.status().as_u16(), 502);
            assert!(s.body_excerpt().contains("502"), "{s:?}");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(sandbox.requests_seen(VIEW), 1);
}

#[test]
fn an_idempotent_call_is_retried_through_502s_with_fresh_signatures() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    sandbox.inject(VIEW, Fault::Html(502), 2);
    // Were a nonce reused, the third attempt would be refused as a replay.
    let ticket = client
        .execute(&IdempotentView(view(&sandbox)))
        .expect("third attempt succeeds");
    assert!(!ticket.value().is_empty());
    assert_eq!(sandbox.requests_seen(VIEW), 3);
}

#[test]
fn retries_stop_at_the_policy_limit() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    sandbox.inject(VIEW, Fault::Html(503), 5);
    let err = client
        .execute(&IdempotentView(view(&sandbox)))
        .expect_err("503s");
    assert!(
        matches!(&err, Error::Status(s) if s.status().as_u16() == 503),
        "{err:?}"
    );
    assert_eq!(sandbox.requests_seen(VIEW), 2);
}

#[test]
fn a_reset_is_a_transport_error() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(VIEW, Fault::Reset, 1);
    let err = client.execute(&view(&sandbox)).expect_err("reset");
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Io, "{err:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    // Not idempotent and maybe processed: sent once.
    assert_eq!(sandbox.requests_seen(VIEW), 1);
    // The client recovers on the next call.
    client.execute(&view(&sandbox)).expect("next call");
}

#[test]
fn a_delay_beyond_the_timeout_is_a_timeout_in_bounded_time() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sandbox.inject(VIEW, Fault::Delay(Duration::from_secs(5)), 1);
    let start = Instant::now();
    let err = client.execute(&view(&sandbox)).expect_err("timeout");
    let elapsed = start.elapsed();
    match &err {
        Error::Transport(t) => assert!(t.is_timeout(), "{err:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(sandbox.requests_seen(VIEW), 1);
}

#[test]
fn an_idempotent_call_retries_after_a_timeout() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    sandbox.inject(VIEW, Fault::Delay(Duration::from_secs(2)), 1);
    client
        .execute(&IdempotentView(view(&sandbox)))
        .expect("second attempt");
    assert_eq!(sandbox.requests_seen(VIEW), 2);
}

#[test]
fn an_answer_beyond_the_limit_is_response_too_large() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .limits(Limits {
            max_json_body: 4 * 1024,
        })
        .build()
        .unwrap();
    sandbox.inject(VIEW, Fault::Oversized(64 * 1024), 1);
    let err = client.execute(&view(&sandbox)).expect_err("too large");
    match &err {
        Error::Transport(t) => {
            assert_eq!(t.kind(), TransportErrorKind::ResponseTooLarge, "{err:?}")
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!err.is_retryable());

    // Within the limit, the same padded answer parses.
    let roomy = common::builder(&sandbox)
        .limits(Limits {
            max_json_body: 1024 * 1024,
        })
        .build()
        .unwrap();
    sandbox.inject(VIEW, Fault::Oversized(64 * 1024), 1);
    roomy.execute(&view(&sandbox)).expect("padded answer");
}

#[test]
fn a_truncated_answer_is_a_typed_error() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(VIEW, Fault::TruncatedBody, 1);
    let start = Instant::now();
    let err = client.execute(&view(&sandbox)).expect_err("truncated");
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Io)
            || matches!(&err, Error::Decode(_)),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_json_error_with_a_gateway_status_is_an_api_error() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(
        VIEW,
        Fault::Status(
            500,
            r#"{"code":1001,"message":"ERROR","responseCode":"21990001"}"#.to_owned(),
        ),
        1,
    );
    let err = client.execute(&view(&sandbox)).expect_err("1001");
    let api = err.as_api().expect("api error");
    assert_eq!(api.kind(), qys_blocking::ErrorCode::InternalError);
    assert_eq!(api.http_status().as_u16(), 500);
    // Retryable in general, but a ticket call is not idempotent: sent once.
    assert_eq!(sandbox.requests_seen(VIEW), 1);
}

#[test]
fn a_success_envelope_of_another_shape_is_a_decode_error() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(
        VIEW,
        Fault::Status(
            200,
            r#"{"code":0,"message":"SUCCESS","result":{"nope":1}}"#.to_owned(),
        ),
        1,
    );
    let err = client.execute(&view(&sandbox)).expect_err("decode");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[test]
fn redirects_are_not_followed() {
    let sandbox = common::sandbox();
    let target = format!("{}{VIEW}", sandbox.base_url());
    let server = common::RawServer::start(vec![common::http_answer(
        "302 Found",
        &[("location", &target), ("content-length", "0")],
        b"",
    )]);
    let client = qys_blocking::Client::builder(server.environment(), sandbox.signer())
        .allow_http(true)
        .build()
        .unwrap();
    let err = client.execute(&view(&sandbox)).expect_err("302");
    assert!(
        matches!(&err, Error::Status(s) if s.status().as_u16() == 302),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
    assert_eq!(
        sandbox.requests_seen(VIEW),
        0,
        "the signed request went to the redirect"
    );
}

#[test]
fn the_user_agent_and_headers_are_the_cores() {
    // A raw server that records what it saw: check the head ureq sends.
    let server = common::RawServer::start(vec![common::http_answer(
        "200 OK",
        &[("content-type", "application/json")],
        br#"{"code":0,"message":"SUCCESS","result":{"ticket":"tk"}}"#,
    )]);
    let base = server.base_url.clone();
    let env = qys_blocking::Environment::custom(&base).unwrap();
    let client = qys_blocking::Client::builder(env, qys_blocking::Credentials::new("tok", "sec"))
        .allow_http(true)
        .user_agent("qys-test/1")
        .build()
        .unwrap();
    client
        .execute(&ContractViewTicketRequest::by_id("1".into()))
        .expect("ticket");
    let head: Vec<String> = server.received()[0]
        .head
        .iter()
        .map(|l| l.to_ascii_lowercase())
        .collect();
    let has = |prefix: &str| head.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(has("user-agent: qys-test/1"), 1, "{head:?}");
    assert_eq!(has("user-agent:"), 1, "{head:?}");
    assert_eq!(has("accept-encoding:"), 0, "{head:?}");
    assert_eq!(has("transfer-encoding:"), 0, "{head:?}");
    assert_eq!(has("content-length:"), 1, "{head:?}");
    assert_eq!(has("x-qys-open-signature:"), 1, "{head:?}");
    assert_eq!(has("x-qys-open-nonce:"), 1, "{head:?}");
}
