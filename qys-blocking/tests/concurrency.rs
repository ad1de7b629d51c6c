//! The blocking client shared by 32 threads: every call answered, no nonce ever re-used (the
//! sandbox answers a replay with 446), and the connections bounded by the pool and by
//! `max_connections`.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use qys_blocking::api::miniapp::ContractViewTicketRequest;
use qys_blocking::generic::{GenericCall, Method};
use qys_blocking::{BuildErrorKind, Client, Error, ErrorCode, RetryPolicy};
use qys_sandbox::{Fault, Sandbox};

const THREADS: usize = 32;
const CALLS_PER_THREAD: usize = 16;
const VIEW: &str = "/v2/contract/miniappexchange/view";

#[test]
fn thirty_two_threads_share_one_client_without_replays() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()
        .expect("the client builds");
    let view = Arc::new(ContractViewTicketRequest::by_id(
        sandbox.fixtures().contract_id.clone(),
    ));
    let results: Vec<Result<String, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let client = client.clone();
                let view = Arc::clone(&view);
                s.spawn(move || {
                    (0..CALLS_PER_THREAD)
                        .map(|_| client.execute(&*view).map(|t| t.value().to_owned()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a thread panicked"))
            .collect()
    });
    let total = THREADS * CALLS_PER_THREAD;
    assert_eq!(results.len(), total);
    let replays = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code() == Some(ErrorCode::NonceReplayed)))
        .count();
    assert_eq!(replays, 0, "446 NONCE REPLAYED answers");
    let tickets: HashSet<String> = results
        .into_iter()
        .map(|r| r.expect("every call is answered with a ticket"))
        .collect();
    assert_eq!(tickets.len(), total, "every ticket is distinct");
    assert_eq!(sandbox.requests_seen(VIEW), total, "no call was retried");
    let nonces: HashSet<String> = sandbox.nonces_seen(VIEW).into_iter().collect();
    assert_eq!(nonces.len(), total, "every request had its own nonce");
    let connections = sandbox.connections_accepted();
    eprintln!("{total} calls from {THREADS} threads used {connections} connections");
    // At most one connection per thread at a time, kept in the pool between calls.
    assert!(
        connections <= THREADS,
        "{connections} connections for {THREADS} threads: the pool does not keep them"
    );
}

#[test]
fn the_pool_setting_bounds_connection_reuse() {
    let run = |max_idle: usize| {
        let sandbox = Sandbox::start().expect("the sandbox starts");
        let client = Client::builder(sandbox.environment(), sandbox.signer())
            .allow_http(true)
            .pool_max_idle_per_host(max_idle)
            .build()
            .expect("the client builds");
        let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());
        std::thread::scope(|s| {
            for _ in 0..4 {
                let client = client.clone();
                let view = &view;
                s.spawn(move || {
                    for _ in 0..8 {
                        client.execute(view).expect("answered");
                    }
                });
            }
        });
        sandbox.connections_accepted()
    };
    // Pooling off: one connection per call.
    assert_eq!(run(0), 32);
    // The default pool: at most one connection per thread.
    assert!(run(qys_blocking::DEFAULT_POOL_MAX_IDLE_PER_HOST) <= 4);
}

fn view(sandbox: &Sandbox) -> ContractViewTicketRequest {
    ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone())
}

#[test]
fn max_connections_caps_the_connections_of_concurrent_threads() {
    const CALLS: usize = 20;
    const CAP: usize = 4;
    let sandbox = Sandbox::start().expect("the sandbox starts");
    // Every call is slow, so that without a cap all 20 threads would be in flight at once.
    sandbox.inject(VIEW, Fault::Delay(Duration::from_millis(100)), CALLS);
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .max_connections(CAP)
        .build()
        .expect("the client builds");
    let view = view(&sandbox);
    let started = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..CALLS)
            .map(|_| {
                let client = client.clone();
                let view = &view;
                s.spawn(move || client.execute(view))
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .expect("no thread panicked")
                .expect("every call is answered");
        }
    });
    let elapsed = started.elapsed();
    let connections = sandbox.connections_accepted();
    eprintln!("{CALLS} concurrent calls, cap {CAP}: {connections} connections in {elapsed:?}");
    assert!(
        connections <= CAP,
        "{connections} connections with a cap of {CAP}"
    );
    // 20 calls of 100 ms, 4 at a time, take 5 rounds.
    assert!(
        elapsed >= Duration::from_millis(450),
        "the calls did not wait for each other: {elapsed:?}"
    );
    assert_eq!(sandbox.requests_seen(VIEW), CALLS, "no call was retried");
}

#[test]
fn the_default_cap_bounds_the_connections_of_many_threads() {
    const THREADS: usize = 96;
    let sandbox = Sandbox::start().expect("the sandbox starts");
    sandbox.inject(VIEW, Fault::Delay(Duration::from_millis(100)), THREADS);
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()
        .expect("the client builds");
    let view = view(&sandbox);
    let results: Vec<Result<_, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let client = client.clone();
                let view = &view;
                s.spawn(move || client.execute(view))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no thread panicked"))
            .collect()
    });
    assert!(results.iter().all(Result::is_ok), "every call is answered");
    let connections = sandbox.connections_accepted();
    eprintln!("{THREADS} threads: {connections} connections");
    assert!(
        connections <= qys_blocking::DEFAULT_MAX_CONNECTIONS,
        "{connections} connections, more than the default cap"
    );
}

/// The contract download route (the sandbox answers it with an injected file).
const PDF: &str = "/v2/contract/download";

/// A contract download as a generic call.
fn pdf() -> GenericCall {
    GenericCall::new(Method::GET, PDF).query("contractId", "1")
}

fn is_timeout(err: &Error) -> bool {
    matches!(err, Error::Transport(t) if t.is_timeout())
}

#[test]
fn a_call_without_a_free_slot_times_out_instead_of_hanging() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    sandbox.inject(
        PDF,
        Fault::file("a.pdf", "application/pdf", vec![7u8; 4096]),
        2,
    );
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .max_connections(1)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("the client builds");
    let view = view(&sandbox);

    // An open download holds the only slot: the next call waits its timeout, then fails.
    let mut download = client.download(&pdf()).expect("the download starts");
    let started = Instant::now();
    let err = client.execute(&view).expect_err("no slot is free");
    assert!(is_timeout(&err), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.requests_seen(VIEW), 0, "nothing was sent");

    // Read to its end, the download gives its slot back.
    let mut bytes = Vec::new();
    download.read_to_end(&mut bytes).expect("the file arrives");
    assert_eq!(bytes.len(), 4096);
    client.execute(&view).expect("a slot is free again");

    // Dropped unread, too.
    let download = client.download(&pdf()).expect("the download starts");
    let err = client.execute(&view).expect_err("no slot is free");
    assert!(is_timeout(&err), "{err:?}");
    drop(download);
    client.execute(&view).expect("a slot is free again");
    assert_eq!(sandbox.requests_seen(VIEW), 2);
}

#[test]
fn a_cap_of_zero_is_refused_at_build() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    let err = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .max_connections(0)
        .build()
        .expect_err("0 is refused");
    assert!(
        matches!(&err, Error::Build(b) if b.kind() == BuildErrorKind::InvalidArgument),
        "{err:?}"
    );
}
