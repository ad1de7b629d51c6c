//! The async client under 512 concurrent calls: every call answered, no nonce ever re-used
//! (the sandbox answers a replay with 446), and the connections bounded by the pool and by
//! `max_connections`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use qys_async::api::miniapp::ContractViewTicketRequest;
use qys_async::generic::{GenericCall, Method};
use qys_async::{BuildErrorKind, Client, Error, ErrorCode, RetryPolicy};
use qys_sandbox::{Fault, Sandbox};

const CONCURRENT: usize = 512;
const VIEW: &str = "/v2/contract/miniappexchange/view";

fn replays(results: &[Result<String, Error>]) -> usize {
    results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.code() == Some(ErrorCode::NonceReplayed)))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_twelve_concurrent_calls_without_replays() {
    let sandbox = Sandbox::start().expect("the sandbox starts");
    // Room in the pool for every connection: the sandbox counts connections accepted, not
    // open at once, and with fewer idle places a connection the pool closes as surplus may
    // be replaced while a request holds a slot (never more than the cap open at once).
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .pool_max_idle_per_host(qys_async::DEFAULT_MAX_CONNECTIONS)
        .build()
        .expect("the client builds");
    let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());

    // Wave 1: all at once. At most `DEFAULT_MAX_CONNECTIONS` are in flight at once.
    let calls = (0..CONCURRENT).map(|_| {
        let client = client.clone();
        let view = view.clone();
        tokio::spawn(async move { client.execute(&view).await.map(|t| t.value().to_owned()) })
    });
    let results: Vec<Result<String, Error>> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.expect("no task panicked"))
        .collect();
    assert_eq!(replays(&results), 0, "446 NONCE REPLAYED answers");
    let tickets: HashSet<String> = results
        .into_iter()
        .map(|r| r.expect("every call is answered with a ticket"))
        .collect();
    assert_eq!(tickets.len(), CONCURRENT, "every ticket is distinct");
    let first_wave = sandbox.connections_accepted();
    eprintln!("{CONCURRENT} concurrent calls used {first_wave} connections");
    assert!(
        first_wave <= qys_async::DEFAULT_MAX_CONNECTIONS,
        "{first_wave} connections for {CONCURRENT} calls, more than the default cap of {}",
        qys_async::DEFAULT_MAX_CONNECTIONS
    );

    // Wave 2: 512 more calls, 32 at a time: the pool serves them from the connections kept
    // after wave 1.
    let results: Vec<Result<String, Error>> = futures_util::stream::iter(0..CONCURRENT)
        .map(|_| {
            let client = client.clone();
            let view = view.clone();
            async move { client.execute(&view).await.map(|t| t.value().to_owned()) }
        })
        .buffer_unordered(qys_async::DEFAULT_POOL_MAX_IDLE_PER_HOST)
        .collect()
        .await;
    assert_eq!(replays(&results), 0, "446 NONCE REPLAYED answers");
    assert!(results.iter().all(Result::is_ok), "every call is answered");
    let second_wave = sandbox.connections_accepted() - first_wave;
    eprintln!("512 more calls, 32 at a time, opened {second_wave} new connections");
    assert!(
        second_wave <= qys_async::DEFAULT_POOL_MAX_IDLE_PER_HOST,
        "{second_wave} new connections for 32 concurrent calls with 32 idle kept"
    );

    assert_eq!(
        sandbox.requests_seen(VIEW),
        2 * CONCURRENT,
        "no call was retried"
    );
    let nonces: HashSet<String> = sandbox.nonces_seen(VIEW).into_iter().collect();
    assert_eq!(
        nonces.len(),
        2 * CONCURRENT,
        "every request had its own nonce"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_setting_bounds_connection_reuse() {
    async fn run(max_idle: usize) -> usize {
        let sandbox = Sandbox::start().expect("the sandbox starts");
        let client = Client::builder(sandbox.environment(), sandbox.signer())
            .allow_http(true)
            .pool_max_idle_per_host(max_idle)
            .build()
            .expect("the client builds");
        let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());
        for _ in 0..16 {
            client.execute(&view).await.expect("answered");
        }
        sandbox.connections_accepted()
    }
    // Pooling off: one connection per call.
    assert_eq!(run(0).await, 16);
    // Sequential calls with a pool: the connection is reused (hyper returns it to the pool
    // in the background, so a call may occasionally open a second one).
    let pooled = run(qys_async::DEFAULT_POOL_MAX_IDLE_PER_HOST).await;
    assert!(pooled <= 4, "{pooled} connections for 16 sequential calls");
}

fn view(sandbox: &Sandbox) -> ContractViewTicketRequest {
    ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_connections_caps_the_connections_of_concurrent_calls() {
    const CALLS: usize = 20;
    const CAP: usize = 4;
    let sandbox = Sandbox::start().expect("the sandbox starts");
    // Every call is slow, so that without a cap all 20 would be in flight at once.
    sandbox.inject(VIEW, Fault::Delay(Duration::from_millis(100)), CALLS);
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .max_connections(CAP)
        .build()
        .expect("the client builds");
    let view = view(&sandbox);
    let started = Instant::now();
    let calls = (0..CALLS).map(|_| {
        let client = client.clone();
        let view = view.clone();
        tokio::spawn(async move { client.execute(&view).await })
    });
    for result in futures_util::future::join_all(calls).await {
        result
            .expect("no task panicked")
            .expect("every call is answered");
    }
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

/// The contract download route (the sandbox answers it with an injected file).
const PDF: &str = "/v2/contract/download";

/// A contract download as a generic call.
fn pdf() -> GenericCall {
    GenericCall::new(Method::GET, PDF).query("contractId", "1")
}

fn is_timeout(err: &Error) -> bool {
    matches!(err, Error::Transport(t) if t.is_timeout())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_without_a_free_slot_times_out_instead_of_hanging() {
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
    let mut download = client.download(&pdf()).await.expect("the download starts");
    let started = Instant::now();
    let err = tokio::time::timeout(Duration::from_secs(10), client.execute(&view))
        .await
        .expect("the call does not hang")
        .expect_err("no slot is free");
    assert!(is_timeout(&err), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.requests_seen(VIEW), 0, "nothing was sent");

    // Read to its end, the download gives its slot back.
    let mut read = 0;
    while let Some(chunk) = download.chunk().await.expect("the file arrives") {
        read += chunk.len();
    }
    assert_eq!(read, 4096);
    client.execute(&view).await.expect("a slot is free again");

    // Dropped unread, too.
    let download = client.download(&pdf()).await.expect("the download starts");
    let err = client.execute(&view).await.expect_err("no slot is free");
    assert!(is_timeout(&err), "{err:?}");
    drop(download);
    client.execute(&view).await.expect("a slot is free again");
    assert_eq!(sandbox.requests_seen(VIEW), 2);
}

#[tokio::test]
async fn a_cap_of_zero_is_refused_at_build() {
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
