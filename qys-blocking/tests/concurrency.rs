//! The blocking client shared by 32 threads: every call answered, no nonce ever re-used (the
//! sandbox answers a replay with 446), and the connections bounded by the pool.

use std::collections::HashSet;
use std::sync::Arc;

use qys_blocking::api::miniapp::ContractViewTicketRequest;
use qys_blocking::{Client, Error, ErrorCode};
use qys_sandbox::Sandbox;

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
