//! How many requests per second the sandbox serves: the qys-async client at `--conc`
//! concurrent signing-ticket calls (`POST /v2/contract/miniappexchange` for the fixture
//! contract and signer) against an in-process `Sandbox` (its own thread and runtime), so every
//! call passes the sandbox's gateway checks (signature, timestamp, nonce replay), field checks
//! and state update.
//!
//! `sandbox_load [--conc 64] [--n 20000] [--warmup 1000]`; pin the process with `taskset` to
//! put server and client on one core (`taskset -c 0`) or let them use two (`taskset -c 0,1`).
//!
//! Prints `conc n secs req_per_s cpu_us_per_req` (CPU of the whole process: client + sandbox).

use std::sync::Arc;
use std::time::Instant;

use qys_bench::{cpu_time, num_arg};
use qys_proto::api::miniapp::ContractSignTicketRequest;

fn main() {
    let conc = num_arg("conc", 64).max(1);
    let n = num_arg("n", 20_000);
    let warmup = num_arg("warmup", 1_000);
    let sandbox = qys_sandbox::Sandbox::start().expect("sandbox");
    let client = qys_async::Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()
        .expect("client");
    let fixtures = sandbox.fixtures();
    let request = Arc::new(ContractSignTicketRequest::new(
        fixtures.contract_id.clone(),
        fixtures.signer.clone(),
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let wave = |total: u64| {
        let client = client.clone();
        let request = Arc::clone(&request);
        async move {
            let mut tasks = tokio::task::JoinSet::new();
            for task in 0..conc {
                let share = total / conc + u64::from(task < total % conc);
                let client = client.clone();
                let request = Arc::clone(&request);
                tasks.spawn(async move {
                    for _ in 0..share {
                        client.execute(&*request).await.expect("call");
                    }
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.expect("task");
            }
        }
    };
    runtime.block_on(wave(warmup));
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    runtime.block_on(wave(n));
    let secs = t0.elapsed().as_secs_f64();
    let cpu = cpu_time().saturating_sub(cpu0);
    println!(
        "sandbox conc={conc} n={n} secs={secs:.3} req_per_s={:.0} cpu_us_per_req={:.2}",
        n as f64 / secs,
        cpu.as_secs_f64() * 1e6 / n as f64
    );
    sandbox.shutdown();
}
