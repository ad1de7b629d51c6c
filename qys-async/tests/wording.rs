//! Both frontends word the same failure identically, and name the call it comes from: the same
//! faults from the sandbox, the same call, once through `qys-blocking` and once through
//! `qys-async`, compared by their `Display` (the elapsed milliseconds aside).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use qys_async::generic::{GenericCall, Method};
use qys_async::proto::api::miniapp::ContractViewTicketRequest;
use qys_async::proto::retry::RetryPolicy;
use qys_async::{AttemptEnd, Error, Limits};
use qys_sandbox::{Fault, Sandbox};

const TICKET: &str = "/v2/contract/miniappexchange/view";

/// What an observer saw of each attempt: path, attempt, whether it had a nonce, whether it
/// had a status or an error.
type Seen = Arc<Mutex<Vec<(String, u32, bool, bool)>>>;

/// The text of an error with the call's elapsed time blanked out.
fn wording(e: &Error) -> String {
    let text = e.to_string();
    match (text.rfind(" attempt in "), text.rfind(" ms)")) {
        (Some(i), Some(j)) if i < j => {
            format!("{} attempt in _ ms){}", &text[..i], &text[j + 4..])
        }
        _ => text,
    }
}

fn faults() -> Vec<(&'static str, Fault)> {
    vec![
        ("HTML 502", Fault::Html(502)),
        (
            "API error with control and bidi characters",
            Fault::Status(
                200,
                r#"{"code":1005,"message":"bad\u0007 \u202eparam","responseCode":"11990005"}"#
                    .into(),
            ),
        ),
        (
            "gateway 441",
            Fault::Status(441, r#"{"code":441,"message":"HEADER REQUIRED"}"#.into()),
        ),
        (
            "HTML 446",
            Fault::Status(
                446,
                "<html>x-qys-open-signature: 0123456789abcdef</html>".into(),
            )
            .with_content_type("text/html"),
        ),
        ("throttled", Fault::TooManyRequests(None)),
        ("oversized", Fault::Oversized(256 * 1024)),
        ("invalid UTF-8", Fault::InvalidUtf8),
        (
            "delay beyond the timeout",
            Fault::Delay(Duration::from_secs(3)),
        ),
        ("reset", Fault::Reset),
        ("truncated", Fault::TruncatedBody),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_frontends_word_each_failure_the_same_and_name_the_call() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());
    let limits = Limits {
        max_json_body: 64 * 1024,
    };
    let timeout = Duration::from_millis(800);
    // Both clients report each attempt: (path, attempt, nonce seen, status or error).
    let seen: Seen = Arc::default();
    let record = |seen: Seen| {
        move |a: &AttemptEnd<'_>| {
            let answered = a.status().is_some() || a.error().is_some();
            let entry = (
                a.path().to_owned(),
                a.attempt(),
                a.nonce().is_some(),
                answered,
            );
            seen.lock().expect("not poisoned").push(entry);
        }
    };
    let blocking = qys_blocking::Client::builder(sandbox.environment(), sandbox.signer())
        .observer(record(Arc::clone(&seen)))
        .header("x-request-id", "wording-test")
        .allow_http(true)
        .timeout(timeout)
        .limits(limits)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let asynchronous = qys_async::Client::builder(sandbox.environment(), sandbox.signer())
        .observer(record(Arc::clone(&seen)))
        .header("x-request-id", "wording-test")
        .allow_http(true)
        .timeout(timeout)
        .limits(limits)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let mut differences = Vec::new();
    for (name, fault) in faults() {
        sandbox.inject(TICKET, fault.clone(), 1);
        let (b, v) = (blocking.clone(), view.clone());
        let from_blocking = tokio::task::spawn_blocking(move || b.execute(&v))
            .await
            .expect("the blocking call ran")
            .expect_err(name);
        sandbox.inject(TICKET, fault, 1);
        let from_async = asynchronous.execute(&view).await.expect_err(name);
        for e in [&from_blocking, &from_async] {
            let context = e.context().expect("the error names its call");
            assert_eq!(context.path(), TICKET, "{name}");
            assert_eq!(context.method(), http::Method::POST, "{name}");
            assert_eq!(context.attempts(), 1, "{name}");
            let text = e.to_string();
            assert!(
                text.contains(&format!("(POST {TICKET} on 127.0.0.1:")),
                "{name}: {text}"
            );
            assert!(!text.contains("unknown status code"), "{name}: {text}");
            assert!(!text.contains("0123456789abcdef"), "{name}: {text}");
            assert!(
                !text.contains('\u{202e}') && !text.contains('\u{7}'),
                "{name}: {text}"
            );
        }
        if wording(&from_blocking) != wording(&from_async) {
            differences.push(format!(
                "{name}:\n  blocking: {from_blocking}\n  async:    {from_async}"
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // One attempt per call (no retries), each with its nonce and its status or error.
    let seen = seen.lock().expect("not poisoned").clone();
    assert_eq!(seen.len(), 2 * faults().len(), "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s == &(TICKET.to_owned(), 1, true, true)),
        "{seen:?}"
    );
}

/// A call that finds no free slot within its timeout (each client's only slot held by an open
/// download): the same words from both frontends, for a JSON call and for a download.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_frontends_word_a_slot_timeout_the_same() {
    const PDF: &str = "/v2/contract/download";
    let sandbox = Sandbox::start().expect("the sandbox starts");
    sandbox.inject(
        PDF,
        Fault::file("a.pdf", "application/pdf", vec![7u8; 4096]),
        2,
    );
    let pdf = GenericCall::new(Method::GET, PDF).query("contractId", "1");
    let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());
    let timeout = Duration::from_millis(300);
    let blocking = qys_blocking::Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .max_connections(1)
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let asynchronous = qys_async::Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .max_connections(1)
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let (b, p) = (blocking.clone(), pdf.clone());
    let held_by_blocking = tokio::task::spawn_blocking(move || b.download(&p))
        .await
        .expect("ran")
        .expect("the first download starts");
    let held_by_async = asynchronous.download(&pdf).await.expect("starts");

    let (b, v) = (blocking.clone(), view.clone());
    let json_blocking = tokio::task::spawn_blocking(move || b.execute(&v))
        .await
        .expect("ran")
        .expect_err("no slot is free");
    let json_async = asynchronous.execute(&view).await.expect_err("no slot");
    let (b, p) = (blocking.clone(), pdf.clone());
    let file_blocking = tokio::task::spawn_blocking(move || b.download(&p).map(drop))
        .await
        .expect("ran")
        .expect_err("no slot is free");
    let file_async = asynchronous
        .download(&pdf)
        .await
        .map(drop)
        .expect_err("no slot");
    for (from_blocking, from_async) in [(json_blocking, json_async), (file_blocking, file_async)] {
        assert_eq!(wording(&from_blocking), wording(&from_async));
        let text = wording(&from_async);
        assert!(
            text.contains("waiting for a free connection slot")
                && text.contains("took longer than 300ms"),
            "{text}"
        );
    }
    assert_eq!(sandbox.requests_seen(TICKET), 0, "nothing was sent");
    drop((held_by_blocking, held_by_async));
}
