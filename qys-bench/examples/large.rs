//! One large download or upload through one client against the minimal server, in its own
//! process so that its peak RSS is the client's.
//!
//! `large --url http://127.0.0.1:PORT --client qys-blocking|ureq|qys-async|hyper
//!        --dir down|up --bytes 1073741824`
//!
//! Downloads ask `GET /v2/contract/download?contractId=<bytes>` (the server generates that
//! many bytes) and write them to a sink that discards them. Uploads send `POST /uniformapi`,
//! multipart with a `requestData` text part and a `file` part of `<bytes>` zero bytes read
//! from a reader (never in memory); the server counts and discards them and answers how many
//! it received, which is checked. The bare clients send the same framing (qys-proto's
//! `multipart::frame`) around the same reader.
//!
//! Prints `client dir bytes secs mib_per_s cpu_ms_per_gib rss_idle_kib hwm_kib above_idle_kib`
//! (CPU: user + system time of this process during the transfer, per GiB); the RSS
//! before the transfer (client built, one small call made), the high-water mark after it, and
//! their difference.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Request};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use qys_bench::{Direct, arg, bare_auth_headers, cpu_time, num_arg, status_kib};
use qys_proto::api::contract::ContractDownloadRequest;
use qys_proto::api::uniform::UniformApiRequest;
use qys_proto::multipart::{self, UploadFile};
use qys_proto::{ContractId, Environment};
use serde::Deserialize;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type HyperClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    UnsyncBoxBody<Bytes, BoxError>,
>;

const REQUEST_DATA: &str = r#"{"op":"bench"}"#;
const FILE_NAME: &str = "bench.bin";

#[derive(Debug, Deserialize)]
struct Received {
    received: u64,
}

fn main() {
    let url = arg("url", "http://127.0.0.1:8080");
    let client = arg("client", "qys-blocking");
    let dir = arg("dir", "down");
    let bytes = num_arg("bytes", 100 * 1024 * 1024);
    let run: Box<dyn FnOnce() -> Duration> = match (client.as_str(), dir.as_str()) {
        ("qys-blocking", d) => qys_blocking(&url, d, bytes),
        ("ureq", d) => ureq_client(&url, d, bytes),
        ("qys-async", d) => qys_async(&url, d, bytes),
        ("hyper", d) => hyper_client(&url, d, bytes),
        (c, d) => panic!("unknown --client {c} / --dir {d}"),
    };
    let idle = status_kib("VmRSS");
    let cpu0 = cpu_time();
    let secs = run().as_secs_f64();
    let cpu = cpu_time().saturating_sub(cpu0).as_secs_f64();
    let hwm = status_kib("VmHWM");
    let mib = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "client={client} dir={dir} bytes={bytes} secs={secs:.3} mib_per_s={:.0} cpu_ms_per_gib={:.0} rss_idle_kib={idle} hwm_kib={hwm} above_idle_kib={}",
        mib / secs,
        cpu * 1000.0 * 1024.0 / mib,
        hwm.saturating_sub(idle)
    );
}

fn upload_file<S>(bytes: u64, source: S) -> UploadFile<S> {
    UploadFile::new(FILE_NAME, bytes, source)
}

fn qys_blocking(url: &str, dir: &str, bytes: u64) -> Box<dyn FnOnce() -> Duration> {
    let client = qys_blocking::Client::builder(
        Environment::custom(url).expect("url"),
        qys_bench::credentials(),
    )
    .allow_http(true)
    .build()
    .expect("client");
    // One small call first: the connection and buffers exist before the idle RSS is read.
    client
        .execute(&qys_bench::ticket_request())
        .expect("warm-up");
    let dir = dir.to_owned();
    Box::new(move || {
        let t0 = Instant::now();
        if dir == "down" {
            let request = ContractDownloadRequest::new(ContractId::new(bytes.to_string()));
            let meta = client
                .download_to(&request, &mut io::sink())
                .expect("download");
            assert_eq!(meta.content_length(), Some(bytes));
        } else {
            let source = qys_blocking::OneShot(io::repeat(0).take(bytes));
            let mut request = UniformApiRequest::new(REQUEST_DATA).file(upload_file(bytes, source));
            let answer = client.upload(&mut request).expect("upload");
            let framing = answer["received"].as_u64().expect("received");
            assert!(framing > bytes, "the server got {framing} bytes");
        }
        t0.elapsed()
    })
}

/// The head of a bare request: the same headers as the SDK's, signed by hand.
fn bare_builder(method: http::Method, url: String, accept: &'static str) -> http::request::Builder {
    let mut builder = Request::builder()
        .method(method)
        .uri(url)
        .header(USER_AGENT, HeaderValue::from_static(qys_proto::USER_AGENT))
        .header(ACCEPT, HeaderValue::from_static(accept));
    for (name, value) in bare_auth_headers() {
        builder = builder.header(name, value);
    }
    builder
}

/// The framing the bare clients send around the file: qys-proto's, so the bytes match.
fn bare_framing(bytes: u64) -> (String, Bytes, Bytes, u64) {
    let nonce =
        qys_proto::Nonce::new(uuid::Uuid::new_v4().hyphenated().to_string()).expect("nonce");
    let boundary = multipart::boundary_for(&nonce);
    let file = upload_file(bytes, ());
    let framing = multipart::frame(
        &boundary,
        &[("requestData".to_owned(), REQUEST_DATA.to_owned())],
        &[file.part("file")],
    )
    .expect("framing");
    let segments: Vec<Bytes> = framing
        .segments()
        .iter()
        .filter_map(|s| match s {
            multipart::Segment::Bytes(b) => Some(b.clone()),
            multipart::Segment::File(_) => None,
        })
        .collect();
    (
        framing.content_type(),
        segments[0].clone(),
        segments[1].clone(),
        framing.content_length(),
    )
}

fn ureq_client(url: &str, dir: &str, bytes: u64) -> Box<dyn FnOnce() -> Duration> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    // Warm-up: one small call.
    let body = serde_json::to_vec(&qys_bench::ticket_request()).expect("json");
    let warm = bare_builder(
        http::Method::POST,
        format!("{url}/v2/contract/miniappexchange"),
        "application/json",
    )
    .header(CONTENT_TYPE, qys_proto::JSON_CONTENT_TYPE)
    .body(body)
    .expect("request");
    agent
        .run(warm)
        .expect("warm-up")
        .into_body()
        .read_to_vec()
        .expect("warm-up body");
    let url = url.to_owned();
    let dir = dir.to_owned();
    Box::new(move || {
        let t0 = Instant::now();
        if dir == "down" {
            let request = bare_builder(
                http::Method::GET,
                format!("{url}/v2/contract/download?contractId={bytes}"),
                "*/*",
            )
            .body(())
            .expect("request");
            let response = agent.run(request).expect("download");
            let mut reader = response.into_body().into_reader();
            let n = io::copy(&mut reader, &mut io::sink()).expect("body");
            assert_eq!(n, bytes);
        } else {
            let (content_type, head, tail, length) = bare_framing(bytes);
            let mut reader = io::Cursor::new(head)
                .chain(io::repeat(0).take(bytes))
                .chain(io::Cursor::new(tail));
            let request = bare_builder(
                http::Method::POST,
                format!("{url}/uniformapi"),
                "application/json",
            )
            .header(CONTENT_TYPE, content_type)
            .header(CONTENT_LENGTH, length)
            .body(ureq::SendBody::from_reader(&mut reader))
            .expect("request");
            let response = agent.run(request).expect("upload");
            let answer = response.into_body().read_to_vec().expect("answer");
            let parsed: Direct<Received> = serde_json::from_slice(&answer).expect("envelope");
            assert_eq!(parsed.result.received, length);
        }
        t0.elapsed()
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn qys_async(url: &str, dir: &str, bytes: u64) -> Box<dyn FnOnce() -> Duration> {
    let rt = runtime();
    let client = qys_async::Client::builder(
        Environment::custom(url).expect("url"),
        qys_bench::credentials(),
    )
    .allow_http(true)
    .build()
    .expect("client");
    rt.block_on(client.execute(&qys_bench::ticket_request()))
        .expect("warm-up");
    let dir = dir.to_owned();
    Box::new(move || {
        rt.block_on(async move {
            let t0 = Instant::now();
            if dir == "down" {
                let request = ContractDownloadRequest::new(ContractId::new(bytes.to_string()));
                let meta = client
                    .download_to(&request, &mut tokio::io::sink())
                    .await
                    .expect("download");
                assert_eq!(meta.content_length(), Some(bytes));
            } else {
                use tokio::io::AsyncReadExt;
                let source = qys_async::OneShot(tokio::io::repeat(0).take(bytes));
                let mut request =
                    UniformApiRequest::new(REQUEST_DATA).file(upload_file(bytes, source));
                let answer = client.upload(&mut request).await.expect("upload");
                let framing = answer["received"].as_u64().expect("received");
                assert!(framing > bytes, "the server got {framing} bytes");
            }
            t0.elapsed()
        })
    })
}

fn hyper_client(url: &str, dir: &str, bytes: u64) -> Box<dyn FnOnce() -> Duration> {
    let rt = runtime();
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(Arc::new(rustls::crypto::ring::default_provider()))
        .expect("tls")
        .https_or_http()
        .enable_http1()
        .build();
    let client: HyperClient =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(connector);
    let full = |b: Vec<u8>| {
        http_body_util::Full::new(Bytes::from(b))
            .map_err(|never| match never {})
            .boxed_unsync()
    };
    let warm = bare_builder(
        http::Method::POST,
        format!("{url}/v2/contract/miniappexchange"),
        "application/json",
    )
    .header(CONTENT_TYPE, qys_proto::JSON_CONTENT_TYPE)
    .body(full(
        serde_json::to_vec(&qys_bench::ticket_request()).expect("json"),
    ))
    .expect("request");
    rt.block_on(async {
        let response = client.request(warm).await.expect("warm-up");
        response.into_body().collect().await.expect("warm-up body");
    });
    let url = url.to_owned();
    let dir = dir.to_owned();
    Box::new(move || {
        rt.block_on(async move {
            let t0 = Instant::now();
            if dir == "down" {
                let request = bare_builder(
                    http::Method::GET,
                    format!("{url}/v2/contract/download?contractId={bytes}"),
                    "*/*",
                )
                .body(full(Vec::new()))
                .expect("request");
                let mut body = client.request(request).await.expect("download").into_body();
                let mut n = 0u64;
                while let Some(frame) = body.frame().await {
                    if let Ok(data) = frame.expect("frame").into_data() {
                        n += data.len() as u64;
                    }
                }
                assert_eq!(n, bytes);
            } else {
                use futures_util::StreamExt;
                use tokio::io::AsyncReadExt;
                let (content_type, head, tail, length) = bare_framing(bytes);
                let reader = AsyncReadExt::chain(
                    AsyncReadExt::chain(io::Cursor::new(head), tokio::io::repeat(0).take(bytes)),
                    io::Cursor::new(tail),
                );
                let stream = tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024)
                    .map(|r| r.map(http_body::Frame::data).map_err(BoxError::from));
                let body = http_body_util::StreamBody::new(stream).boxed_unsync();
                let request = bare_builder(
                    http::Method::POST,
                    format!("{url}/uniformapi"),
                    "application/json",
                )
                .header(CONTENT_TYPE, content_type)
                .header(CONTENT_LENGTH, length)
                .body(body)
                .expect("request");
                let response = client.request(request).await.expect("upload");
                let answer = response
                    .into_body()
                    .collect()
                    .await
                    .expect("answer")
                    .to_bytes();
                let parsed: Direct<Received> = serde_json::from_slice(&answer).expect("envelope");
                assert_eq!(parsed.result.received, length);
            }
            t0.elapsed()
        })
    })
}
