//! What the sandbox tests share: a tiny HTTP/1.1 client over `std::net::TcpStream` (it writes
//! requests by hand, one per connection with `Connection: close`, and reads the answer to EOF,
//! so that truncated bodies and resets are visible as they are on the wire), the strict
//! sandbox, calls through qys-proto's `Core` (`call`, `upload`, `download`), hand-made signed
//! requests (`get`, `post_json`, `post_form`) and the checks of refusals (`api_error`,
//! `assert_error`, `assert_1005`).
#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Request;
use qys_proto::endpoint::{Download, Endpoint, Upload};
use qys_proto::{ApiError, Core, Error, Nonce, NonceSource, RandomNonce, Signer, SigningParams};
use qys_sandbox::{Sandbox, SandboxBuilder};
use serde_json::Value;

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    pub fn http_response(&self) -> http::Response<Vec<u8>> {
        let mut b = http::Response::builder().status(self.status);
        for (n, v) in &self.headers {
            b = b.header(n, v);
        }
        b.body(self.body.clone()).unwrap()
    }
}

/// What the socket gave: the bytes until EOF, or the error that ended the read.
#[derive(Debug)]
pub struct Wire {
    pub bytes: Vec<u8>,
    pub error: Option<std::io::ErrorKind>,
}

impl Wire {
    /// Parses the head and takes everything after it as the body.
    pub fn answer(&self) -> Option<Answer> {
        let end = self.bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&self.bytes[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next()?;
        let status = status_line.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        Some(Answer {
            status,
            headers,
            body: self.bytes[end + 4..].to_vec(),
        })
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

pub fn fresh_params() -> SigningParams {
    SigningParams::new(now_ms(), RandomNonce.nonce())
}

pub fn params_with(timestamp_ms: u64, nonce: &str) -> SigningParams {
    SigningParams::new(timestamp_ms, Nonce::new(nonce).unwrap())
}

/// A sandbox builder that refuses undocumented fields, so that a field the SDK misspells fails
/// here.
pub fn strict_builder() -> SandboxBuilder {
    Sandbox::builder().strict(true)
}

/// A started [`strict_builder`] sandbox.
pub fn strict() -> Sandbox {
    strict_builder().start().unwrap()
}

/// A `Core` for the sandbox (plain HTTP allowed) signing as the sandbox's app.
pub fn core(sandbox: &Sandbox) -> Core {
    core_as(sandbox, sandbox.signer())
}

/// A `Core` for the sandbox signing with `signer` (another app, the agent, wrong secrets…).
pub fn core_as(sandbox: &Sandbox, signer: impl Into<Signer>) -> Core {
    Core::builder(sandbox.environment(), signer)
        .allow_http(true)
        .build()
        .unwrap()
}

/// Serializes a request as HTTP/1.1 with `Connection: close`.
pub fn to_wire<B: AsRef<[u8]>>(request: &Request<B>) -> Vec<u8> {
    let uri = request.uri();
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut out = format!("{} {} HTTP/1.1\r\n", request.method(), target).into_bytes();
    if let Some(a) = uri.authority() {
        out.extend_from_slice(format!("host: {a}\r\n").as_bytes());
    }
    for (name, value) in request.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !request.headers().contains_key(http::header::CONTENT_LENGTH) {
        out.extend_from_slice(
            format!("content-length: {}\r\n", request.body().as_ref().len()).as_bytes(),
        );
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(request.body().as_ref());
    out
}

/// Writes `bytes` and reads until EOF (or an error), with a 10 s read timeout.
pub fn exchange(addr: SocketAddr, bytes: &[u8]) -> Wire {
    let mut stream = TcpStream::connect(addr).expect("connect to the sandbox");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).expect("write the request");
    let mut out = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => {
                return Wire {
                    bytes: out,
                    error: None,
                };
            }
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => {
                return Wire {
                    bytes: out,
                    error: Some(e.kind()),
                };
            }
        }
    }
}

/// Sends a request and parses the complete answer.
pub fn send<B: AsRef<[u8]>>(sandbox: &Sandbox, request: &Request<B>) -> Answer {
    let wire = exchange(sandbox.local_addr(), &to_wire(request));
    assert!(wire.error.is_none(), "read failed: {:?}", wire.error);
    let answer = wire.answer().expect("an HTTP answer");
    if let Some(len) = answer.header("content-length") {
        assert_eq!(
            len.parse::<usize>().unwrap(),
            answer.body.len(),
            "complete body"
        );
    }
    answer
}

/// A request to `path` with this body and content type, signed by the sandbox's signer.
pub fn signed_raw(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
    params: &SigningParams,
) -> Request<Vec<u8>> {
    let mut b = Request::builder()
        .method(method)
        .uri(format!("{}{}", sandbox.base_url(), path));
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    let (mut parts, body) = b.body(body.to_vec()).unwrap().into_parts();
    sandbox.signer().sign(&mut parts, path, params).unwrap();
    Request::from_parts(parts, body)
}

/// A signed JSON POST of `body` to `path`.
pub fn post_json(sandbox: &Sandbox, path: &str, body: &Value) -> Answer {
    let request = signed_raw(
        sandbox,
        "POST",
        path,
        Some("application/json;charset=UTF-8"),
        body.to_string().as_bytes(),
        &fresh_params(),
    );
    send(sandbox, &request)
}

/// Asserts the envelope's code, responseCode and HTTP status; returns the message.
#[track_caller]
pub fn assert_error(answer: &Answer, status: u16, code: i64, response_code: &str) -> String {
    let v = answer.json();
    assert_eq!(answer.status, status, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["responseCode"], response_code, "{v}");
    assert_eq!(
        answer.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    v["message"].as_str().unwrap().to_owned()
}

/// Calls `endpoint` through qys-proto's `Core`, signed by the sandbox's signer.
pub fn call<E: Endpoint>(sandbox: &Sandbox, endpoint: &E) -> Result<E::Response, Error> {
    let core = core(sandbox);
    let request = core.prepare(endpoint, &fresh_params()).unwrap();
    let answer = send(sandbox, &request);
    core.parse::<E>(answer.http_response())
}

/// Uploads `files` with `endpoint` (the framing's announced length checked against the body).
pub fn upload<E: Upload>(
    sandbox: &Sandbox,
    endpoint: &E,
    files: &[&[u8]],
) -> Result<E::Response, Error> {
    let core = core(sandbox);
    let request = core.prepare_upload(endpoint, &fresh_params()).unwrap();
    let (parts, framing) = request.into_parts();
    let body = framing.to_bytes(files);
    assert_eq!(body.len() as u64, framing.content_length());
    let answer = send(sandbox, &Request::from_parts(parts, body));
    core.parse::<E>(answer.http_response())
}

/// The raw answer of a download endpoint.
pub fn download<E: Download>(sandbox: &Sandbox, endpoint: &E) -> Answer {
    let core = core(sandbox);
    let request = core.prepare_download(endpoint, &fresh_params()).unwrap();
    send(sandbox, &request)
}

/// A signed GET of `path` with `query` (as given, already encoded; none when empty).
pub fn get(sandbox: &Sandbox, path: &str, query: &str) -> Answer {
    let mut request = signed_raw(sandbox, "GET", path, None, b"", &fresh_params());
    if !query.is_empty() {
        *request.uri_mut() = format!("{}{path}?{query}", sandbox.base_url())
            .parse()
            .unwrap();
    }
    send(sandbox, &request)
}

/// A part of a hand-made multipart body: `(name, file name, value)`; a file part (with a
/// file name) is sent as `application/octet-stream`.
pub type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// A hand-made multipart body with boundary `XyZ`.
pub fn form(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, value) in parts {
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"\"");
        if let Some(file) = file {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(file.as_bytes());
            body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

/// A signed multipart POST of these parts.
pub fn post_form(sandbox: &Sandbox, path: &str, parts: &[Part<'_>]) -> Answer {
    let request = signed_raw(
        sandbox,
        "POST",
        path,
        Some("multipart/form-data; boundary=XyZ"),
        &form(parts),
        &fresh_params(),
    );
    send(sandbox, &request)
}

/// The API error of a call that must be refused (panics on success or another error).
#[track_caller]
pub fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Asserts a 1005 answer whose message names `field`; returns the message.
#[track_caller]
pub fn assert_1005(answer: &Answer, field: &str) -> String {
    let message = assert_error(answer, 200, 1005, "11990005");
    assert!(message.contains(field), "{message:?} should name {field}");
    message
}

/// Asserts that each signed JSON POST `(path, body, field)` is refused with 1005 naming `field`.
#[track_caller]
pub fn refuse_json(sandbox: &Sandbox, cases: &[(&str, Value, &str)]) {
    for (path, body, field) in cases {
        assert_1005(&post_json(sandbox, path, body), field);
    }
}

/// Asserts that each signed GET `(path, query, field)` is refused with 1005 naming `field`.
#[track_caller]
pub fn refuse_get(sandbox: &Sandbox, cases: &[(&str, &str, &str)]) {
    for (path, query, field) in cases {
        assert_1005(&get(sandbox, path, query), field);
    }
}
