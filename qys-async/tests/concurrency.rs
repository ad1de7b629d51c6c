//! The async client under 512 concurrent calls: every call answered, no nonce ever re-used
//! (the sandbox answers a replay with 446), and the connections bounded by the pool.

use std::collections::HashSet;

use futures_util::StreamExt;
use qys_async::api::miniapp::ContractViewTicketRequest;
use qys_async::{Client, Error, ErrorCode};
use qys_sandbox::Sandbox;

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
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()
        .expect("the client builds");
    let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());

    // Wave 1: all at once. Each call needs its own connection at worst.
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
    assert!(first_wave <= CONCURRENT, "{first_wave} connections");

    // Wave 2: 512 more calls, 32 at a time: the pool (32 idle per host) serves them from the
    // connections kept after wave 1.
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
