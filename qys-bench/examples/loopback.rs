//! Loopback throughput of one client against the minimal server (`server` example).
//!
//! `loopback --url http://127.0.0.1:PORT --client qys-blocking|ureq|ureq-timeout|qys-async|hyper
//!           [--conc 1|64] [--n 20000] [--warmup 500]`
//!
//! A client name ending in `+info` (`qys-blocking+info`, `qys-async+info`) first installs a
//! `tracing` subscriber at level `info` (the `fmt` one, writing to a sink): what the spans cost
//! when someone listens. Without it no subscriber is installed, which is the cost of the
//! `tracing` feature compiled in and nobody listening.
//!
//! Every client sends the same request bytes: a signing-ticket POST with a JSON body and the
//! four `x-qys-open-*` headers, signed with a fresh timestamp and random nonce per request;
//! each reads the whole answer and deserializes the ticket. The bare clients (`ureq`,
//! `hyper`) build the headers by hand with `qys_proto::signature` and parse with one plain
//! `serde_json::from_slice`; the qys clients call `execute`.
//!
//! Prints one line: `client conc n secs req_per_s cpu_us_per_req` where CPU is the user+system
//! time of this process's threads during the measured requests (warm-up excluded).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Request};
use http_body_util::{BodyExt, Full};
use qys_bench::{Direct, TicketBody, arg, bare_auth_headers, cpu_time, num_arg, ticket_request};
use qys_proto::{Environment, JSON_CONTENT_TYPE};

type HyperClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
>;

fn main() {
    let url = arg("url", "http://127.0.0.1:8080");
    let client = arg("client", "qys-blocking");
    let conc = num_arg("conc", 1).max(1);
    let n = num_arg("n", 20_000);
    let warmup = num_arg("warmup", 500);
    let listened = client.strip_suffix("+info");
    if listened.is_some() {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::sink)
            .init();
    }
    let (secs, cpu) = match listened.unwrap_or(&client) {
        "qys-blocking" => run_qys_blocking(&url, warmup, n),
        "ureq" => run_ureq(&url, warmup, n, None),
        // A bare agent with a whole-call timeout, as qys-blocking sets one: ureq's own resolver
        // then runs on a new thread for every request (what qys-blocking did before it got
        // its own resolver).
        "ureq-timeout" => run_ureq(&url, warmup, n, Some(Duration::from_secs(30))),
        "qys-async" => runtime().block_on(run_qys_async(&url, conc, warmup, n)),
        "hyper" => runtime().block_on(run_hyper(&url, conc, warmup, n)),
        other => panic!("unknown --client {other}"),
    };
    let secs = secs.as_secs_f64();
    println!(
        "client={client} conc={conc} n={n} secs={secs:.3} req_per_s={:.0} cpu_us_per_req={:.2}",
        n as f64 / secs,
        cpu.as_secs_f64() * 1e6 / n as f64
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `warmup` then `n` calls of `one`, returning wall time and CPU time of the `n`.
fn measure(warmup: u64, n: u64, mut one: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..warmup {
        one();
    }
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    for _ in 0..n {
        one();
    }
    (t0.elapsed(), cpu_time().saturating_sub(cpu0))
}

fn run_qys_blocking(url: &str, warmup: u64, n: u64) -> (Duration, Duration) {
    let client = qys_blocking::Client::builder(
        Environment::custom(url).expect("url"),
        qys_bench::credentials(),
    )
    .allow_http(true)
    .build()
    .expect("client");
    let request = ticket_request();
    measure(warmup, n, || {
        let ticket = client.execute(&request).expect("call");
        assert_eq!(ticket.value().len(), 32);
    })
}

fn bare_request<B>(url: &str, body: B) -> Request<B> {
    let mut builder = Request::post(format!("{url}/v2/contract/miniappexchange"))
        .header(USER_AGENT, HeaderValue::from_static(qys_proto::USER_AGENT))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    for (name, value) in bare_auth_headers() {
        builder = builder.header(name, value);
    }
    builder.body(body).expect("request")
}

fn run_ureq(url: &str, warmup: u64, n: u64, timeout: Option<Duration>) -> (Duration, Duration) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(timeout)
        .build()
        .into();
    let request = ticket_request();
    measure(warmup, n, || {
        let body = serde_json::to_vec(&request).expect("json");
        let response = agent.run(bare_request(url, body)).expect("call");
        let bytes = response.into_body().read_to_vec().expect("body");
        let parsed: Direct<TicketBody> = serde_json::from_slice(&bytes).expect("envelope");
        assert_eq!(parsed.result.ticket.len(), 32);
    })
}

/// Runs `warmup` then `n` calls split over `conc` tasks on this current-thread runtime.
async fn measure_async<F, Fut>(conc: u64, warmup: u64, n: u64, one: F) -> (Duration, Duration)
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    async fn wave<F, Fut>(conc: u64, total: u64, one: F)
    where
        F: Fn() -> Fut + Clone + 'static,
        Fut: std::future::Future<Output = ()> + 'static,
    {
        let local = tokio::task::LocalSet::new();
        for task in 0..conc {
            let share = total / conc + u64::from(task < total % conc);
            let one = one.clone();
            local.spawn_local(async move {
                for _ in 0..share {
                    one().await;
                }
            });
        }
        local.await;
    }
    wave(conc, warmup, one.clone()).await;
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    wave(conc, n, one).await;
    (t0.elapsed(), cpu_time().saturating_sub(cpu0))
}

async fn run_qys_async(url: &str, conc: u64, warmup: u64, n: u64) -> (Duration, Duration) {
    let client = qys_async::Client::builder(
        Environment::custom(url).expect("url"),
        qys_bench::credentials(),
    )
    .allow_http(true)
    .build()
    .expect("client");
    let request = Arc::new(ticket_request());
    measure_async(conc, warmup, n, move || {
        let client = client.clone();
        let request = Arc::clone(&request);
        async move {
            let ticket = client.execute(&*request).await.expect("call");
            assert_eq!(ticket.value().len(), 32);
        }
    })
    .await
}

async fn run_hyper(url: &str, conc: u64, warmup: u64, n: u64) -> (Duration, Duration) {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(Arc::new(rustls::crypto::ring::default_provider()))
        .expect("tls")
        .https_or_http()
        .enable_http1()
        .build();
    let client: HyperClient =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    let request = Arc::new(ticket_request());
    let url: Arc<str> = Arc::from(url);
    measure_async(conc, warmup, n, move || {
        let client = client.clone();
        let request = Arc::clone(&request);
        let url = Arc::clone(&url);
        async move {
            let body = Bytes::from(serde_json::to_vec(&*request).expect("json"));
            let response = client
                .request(bare_request(&url, Full::new(body)))
                .await
                .expect("call");
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            let parsed: Direct<TicketBody> = serde_json::from_slice(&bytes).expect("envelope");
            assert_eq!(parsed.result.ticket.len(), 32);
        }
    })
    .await
}
