//! A tiny HTTP/1.1 client over `std::net::TcpStream` for the sandbox tests: it writes requests
//! by hand (one per connection, `Connection: close`) and reads the answer to EOF, so that
//! truncated bodies and resets are visible as they are on the wire.
#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::Request;
use qys_proto::{Core, Nonce, NonceSource, RandomNonce, SigningParams};
use qys_sandbox::Sandbox;
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

pub fn core(sandbox: &Sandbox) -> Core {
    Core::builder(sandbox.environment(), sandbox.signer())
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
