//! Faults injected by the sandbox: gateway pages, resets, delays, oversized and truncated
//! bodies; retries; concurrency on one pooled client.

mod common;

use std::collections::HashSet;
use std::io::Cursor;
use std::time::{Duration, Instant};

use qys_async::api::miniapp::{
    CompanyAuthLicenseTicketRequest, ContractSignTicketRequest, ContractViewTicketRequest,
};
use qys_async::endpoint::Route;
use qys_async::{Error, ErrorCode, Limits, OneShot, TransportErrorKind, UploadFile};
use qys_sandbox::Fault;

const TOO_FREQUENT: &str =
    r#"{"code":1006,"responseCode":"11990006","message":"TOO FREQUENT","result":null}"#;

fn view(sb: &qys_sandbox::Sandbox) -> ContractViewTicketRequest {
    ContractViewTicketRequest::by_id(sb.fixtures().contract_id.clone())
}

#[tokio::test]
async fn a_gateway_html_502_is_a_status_error_and_is_not_retried() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    sb.inject(ContractViewTicketRequest::PATH, Fault::Html(502), 5);
    let err = common::within(20, client.execute(&view(&sb)))
        .await
        .unwrap_err();
    let Error::Status(status) = &err else {
        panic!("expected a status error, got {err:?}")
    };
    assert_eq!(status.status().as_u16(), 502);
    assert!(status.body_excerpt().contains("502"), "{status:?}");
    assert!(err.is_retryable());
    // A ticket request is not idempotent and a 502 may come after the platform acted.
    assert_eq!(sb.requests_seen(ContractViewTicketRequest::PATH), 1);
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    sb.inject(ContractViewTicketRequest::PATH, Fault::Reset, 1);
    let err = common::within(20, client.execute(&view(&sb)))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Io, "{t:?}");
    assert_eq!(sb.requests_seen(ContractViewTicketRequest::PATH), 1);
    // The pool recovers: the next call gets a working connection.
    client
        .execute(&view(&sb))
        .await
        .expect("the call after the reset");
}

#[tokio::test]
async fn a_delay_beyond_the_timeout_is_a_timeout() {
    let sb = common::sandbox();
    let client = common::builder(&sb)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sb.inject(
        ContractViewTicketRequest::PATH,
        Fault::Delay(Duration::from_secs(5)),
        1,
    );
    let started = Instant::now();
    let err = common::within(20, client.execute(&view(&sb)))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(t.is_timeout(), "{t:?}");
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // Not idempotent: a timed-out ticket call is not retried.
    assert_eq!(sb.requests_seen(ContractViewTicketRequest::PATH), 1);
    // The next call (no delay left) succeeds on the same client.
    client.execute(&view(&sb)).await.expect("after the delay");
}

#[tokio::test]
async fn an_oversized_answer_is_response_too_large() {
    let sb = common::sandbox();
    let client = common::builder(&sb)
        .limits(Limits {
            max_json_body: 16 * 1024,
        })
        .build()
        .unwrap();
    sb.inject(
        ContractViewTicketRequest::PATH,
        Fault::Oversized(4 * 1024 * 1024),
        1,
    );
    let err = common::within(20, client.execute(&view(&sb)))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::ResponseTooLarge);
    assert!(!err.is_retryable());
    // Within the default limit the same answer is fine.
    sb.inject(
        ContractViewTicketRequest::PATH,
        Fault::Oversized(64 * 1024),
        1,
    );
    common::client(&sb)
        .execute(&view(&sb))
        .await
        .expect("a 64 KiB answer is under the default limit");
}

#[tokio::test]
async fn a_truncated_body_is_a_typed_error() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    sb.inject(ContractViewTicketRequest::PATH, Fault::TruncatedBody, 1);
    let err = common::within(20, client.execute(&view(&sb)))
        .await
        .unwrap_err();
    // The head promised more bytes than came: hyper reports the early end.
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Io),
        "expected a transport error, got {err:?}"
    );
    client
        .execute(&view(&sb))
        .await
        .expect("the next call works");
}

#[tokio::test]
async fn throttled_calls_are_retried_with_a_fresh_signature() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    sb.inject(
        ContractViewTicketRequest::PATH,
        Fault::Status(200, TOO_FREQUENT.to_owned()),
        1,
    );
    let ticket = common::within(20, client.execute(&view(&sb)))
        .await
        .expect("the second attempt succeeds");
    assert!(!ticket.value().is_empty());
    assert_eq!(sb.requests_seen(ContractViewTicketRequest::PATH), 2);

    // With retries off, the throttling error comes back as it is.
    let no_retry = common::builder(&sb)
        .retry_policy(qys_async::RetryPolicy::none())
        .build()
        .unwrap();
    sb.inject(
        ContractViewTicketRequest::PATH,
        Fault::Status(200, TOO_FREQUENT.to_owned()),
        1,
    );
    let err = no_retry.execute(&view(&sb)).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooFrequent));
    assert_eq!(sb.requests_seen(ContractViewTicketRequest::PATH), 3);
}

#[tokio::test]
async fn throttled_uploads_are_retried_only_when_the_source_rewinds() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();
    let path = CompanyAuthLicenseTicketRequest::<()>::PATH;
    let bytes = vec![7u8; 100_000];

    // A cursor rewinds: the second attempt sends the whole file again and succeeds.
    sb.inject(path, Fault::Status(200, TOO_FREQUENT.to_owned()), 1);
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州重试科技有限公司",
        f.signer.clone(),
        UploadFile::new(
            "营业执照.png",
            bytes.len() as u64,
            Cursor::new(bytes.clone()),
        ),
    );
    common::within(20, client.upload(&mut request))
        .await
        .expect("retried after rewinding");
    assert_eq!(sb.requests_seen(path), 2);

    // A one-shot reader cannot: the throttling error is returned after one attempt.
    sb.inject(path, Fault::Status(200, TOO_FREQUENT.to_owned()), 1);
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州重试科技有限公司",
        f.signer.clone(),
        UploadFile::new(
            "营业执照.png",
            bytes.len() as u64,
            OneShot(Cursor::new(bytes)),
        ),
    );
    let err = common::within(20, client.upload(&mut request))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooFrequent));
    assert_eq!(sb.requests_seen(path), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_calls_on_one_cloned_client_all_succeed() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let client = client.clone();
        let contract = f.contract_id.clone();
        let signer = f.signer.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                client
                    .execute(&ContractViewTicketRequest::by_id(contract))
                    .await
            } else {
                client
                    .execute(&ContractSignTicketRequest::new(contract, signer))
                    .await
            }
        }));
    }
    let mut values = HashSet::new();
    for task in tasks {
        let ticket = common::within(30, task)
            .await
            .expect("the task did not panic")
            .expect("every call succeeds (so every nonce was fresh)");
        values.insert(ticket.value().to_owned());
    }
    assert_eq!(values.len(), 64, "every ticket is distinct");
    assert_eq!(
        sb.requests_seen(ContractViewTicketRequest::PATH)
            + sb.requests_seen(ContractSignTicketRequest::PATH),
        64
    );
}
