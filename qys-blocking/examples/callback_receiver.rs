//! A callback (webhook) receiver on plain blocking sockets: it verifies every `POST` with
//! qys's [`CallbackVerifier`] (signature, freshness, AES decryption, typed event), prints the
//! event, and answers what the platform expects for its kind ([`Callback::reply`]); anything
//! that does not verify is answered `400` with the typed error.
//!
//! ```text
//! cargo run -p qys-blocking --example callback_receiver
//! ```
//!
//! **Without `QYS_CALLBACK_SECRET_KEY`** (a demo, then exit): it starts an embedded
//! `qys-sandbox`, reads the app's `callbackSecretKey` with `GET /company/token/get`, starts the
//! receiver, points the app's callback URL at it with encryption on
//! (`POST /company/token/update/callback`), signs the sandbox's fixture contract as its last
//! signer (`POST /v2/contract/personalsign`), prints the verified callbacks until the contract's
//! `COMPLETE` arrives, and exits (non-zero if it did not arrive within 10 seconds).
//!
//! **With `QYS_CALLBACK_SECRET_KEY`** (a standalone receiver; stop it with Ctrl-C): listens on
//! `127.0.0.1:QYS_CALLBACK_PORT` (default: a free port, printed) and verifies with:
//! - `QYS_CALLBACK_SECRET_KEY`: the app's `callbackSecretKey` (16 characters; never printed);
//! - `QYS_CALLBACK_ENCRYPT_TYPE`: `AES_ECB` (default), `AES_CBC` (with `QYS_CALLBACK_IV`, 16
//!   characters: the vendor does not document the IV, use what your app settings say) or
//!   `PLAIN` (signed callbacks whose content is in the clear: personal-signature
//!   authorization, §14.5);
//! - `QYS_CALLBACK_ALLOW_UNSIGNED=1`: also accept unsigned plain forms, which the platform
//!   sends when the app's callback encryption is off. They are not authenticated: anyone who
//!   knows the URL can forge one, so treat them as hints and re-read the state through the API.
//!
//! # The HTTP side
//!
//! A deliberately small HTTP/1.1 server on `std::net`, one request per connection
//! (`Connection: close`), one thread per connection with at most 16 at a time (more are
//! answered 503). It is bounded everywhere: the request head is at most 16 KiB (431), the body
//! needs a `Content-Length` (411; chunked bodies are refused with 501) of at most 64 KiB (413),
//! and the whole request must arrive within 10 s (socket read and write timeouts of 10 s, and a
//! deadline checked between reads). The `tiny_http` crate was the first choice, but 0.12 sets
//! no socket timeouts and does not bound the length of a header line. Behind a real reverse
//! proxy (TLS, HTTP/2) you would use your web framework instead; the verification is the same
//! one call.

#[path = "support/receiver_env.rs"]
mod receiver_env;

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderName, HeaderValue};
use qys_blocking::api::app::{AppCallbackUpdateRequest, AppInfoRequest, EncryptType};
use qys_blocking::api::signing::PersonalSignRequest;
use qys_blocking::proto::callback::{
    Callback, CallbackRequest, CallbackType, CallbackVerifier, Cipher, ContractStatus,
};
use qys_blocking::{Client, Clock, Secret, SystemClock};
use qys_sandbox::Sandbox;
use receiver_env::{BoxError, listen_addr, var, verifier_from_env};

/// The largest request head (request line and headers).
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// The largest callback body.
pub(crate) const MAX_BODY: usize = 64 * 1024;
/// How long a whole request may take to arrive (and each write of the answer).
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections are served at once.
pub(crate) const MAX_CONNECTIONS: usize = 16;

/// A running receiver: its address, the verified callbacks, and a way to stop it.
#[derive(Debug)]
pub(crate) struct Receiver {
    addr: SocketAddr,
    events: mpsc::Receiver<Callback>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Listens on `addr` (port 0: a free one) and verifies every callback with `verifier`.
    ///
    /// # Errors
    /// The bind error, or a failure to start the thread.
    pub(crate) fn start(addr: SocketAddr, verifier: CallbackVerifier) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let (tx, events) = mpsc::channel();
        let stopping = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stopping);
        let verifier = Arc::new(verifier);
        let thread = std::thread::Builder::new()
            .name("callback-receiver".to_owned())
            .spawn(move || accept_loop(&listener, &verifier, &tx, &flag))?;
        Ok(Self {
            addr,
            events,
            stopping,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR{path}`: the callback URL to give the platform.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next verified callback, or `None` when none arrives within `timeout`.
    pub(crate) fn next_event(&self, timeout: Duration) -> Option<Callback> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Stops accepting connections (those being served finish on their own threads).
    pub(crate) fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accept call up.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = thread.join();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn accept_loop(
    listener: &TcpListener,
    verifier: &Arc<CallbackVerifier>,
    events: &mpsc::Sender<Callback>,
    stopping: &AtomicBool,
) {
    let busy = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut stream) = stream else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        if busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            busy.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
            let _ = respond(&mut stream, 503, "text/plain", "busy, try again\n");
            continue;
        }
        let (verifier, events, slot) = (Arc::clone(verifier), events.clone(), Arc::clone(&busy));
        let spawned = std::thread::Builder::new().spawn(move || {
            serve_one(stream, &verifier, &events);
            slot.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            // The thread did not start: the connection was dropped with the closure.
            busy.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A request as read off the wire.
struct Incoming {
    method: String,
    target: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// Why a request could not be read: the status and message to answer (if the peer is still
/// there).
struct Refusal(u16, &'static str);

fn serve_one(mut stream: TcpStream, verifier: &CallbackVerifier, events: &mpsc::Sender<Callback>) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    match read_request(&mut stream) {
        Ok(request) => {
            let (status, content_type, body) = answer(&request, verifier, events);
            let _ = respond(&mut stream, status, &content_type, &body);
        }
        Err(Refusal(status, message)) if status != 0 => {
            let _ = respond(&mut stream, status, "text/plain;charset=UTF-8", message);
        }
        Err(_) => {}
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Verifies a request: the status, content type and body to answer.
fn answer(
    request: &Incoming,
    verifier: &CallbackVerifier,
    events: &mpsc::Sender<Callback>,
) -> (u16, String, String) {
    if request.method != "POST" {
        return (
            405,
            "text/plain;charset=UTF-8".to_owned(),
            "callbacks are POSTed\n".to_owned(),
        );
    }
    let query = request.target.split_once('?').map(|(_, q)| q);
    let callback_request =
        CallbackRequest::new(query, &request.body).with_headers(&request.headers);
    let (outcome, response) = verifier.respond(&callback_request, SystemClock.now_millis());
    match outcome {
        Ok(callback) => {
            println!("verified callback: {callback:?}");
            let _ = events.send(callback);
        }
        Err(error) => eprintln!("rejected callback: {error}"),
    }
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/plain;charset=UTF-8")
        .to_owned();
    (
        response.status().as_u16(),
        content_type,
        response.into_body(),
    )
}

/// Reads one request: head (bounded), then a `Content-Length` body (bounded), all before a
/// deadline.
fn read_request(stream: &mut TcpStream) -> Result<Incoming, Refusal> {
    let deadline = Instant::now() + READ_TIMEOUT;
    let gone = Refusal(0, "");
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > MAX_HEAD {
            return Err(Refusal(431, "the request head is too large\n"));
        }
        if Instant::now() > deadline {
            return Err(Refusal(408, "the request took too long\n"));
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(gone),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    if head_end > MAX_HEAD {
        return Err(Refusal(431, "the request head is too large\n"));
    }
    let head = std::str::from_utf8(&buffer[..head_end])
        .map_err(|_| Refusal(400, "the request head is not UTF-8\n"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal(400, "malformed request line\n"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(Refusal(400, "malformed request line\n"));
    }
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(Refusal(400, "malformed header line\n"));
        };
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Refusal(400, "malformed header name\n"))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| Refusal(400, "malformed header value\n"))?;
        headers.append(name, value);
    }
    if headers.contains_key(http::header::TRANSFER_ENCODING) {
        return Err(Refusal(
            501,
            "chunked bodies are not supported; send Content-Length\n",
        ));
    }
    let lengths: Vec<&HeaderValue> = headers
        .get_all(http::header::CONTENT_LENGTH)
        .iter()
        .collect();
    let length = match lengths.as_slice() {
        [] if method == "POST" => return Err(Refusal(411, "a Content-Length is required\n")),
        [] => 0,
        [one] => one
            .to_str()
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .ok_or(Refusal(400, "the Content-Length is not a number\n"))?,
        _ => return Err(Refusal(400, "more than one Content-Length\n")),
    };
    if length > MAX_BODY {
        return Err(Refusal(413, "the body is too large (at most 64 KiB)\n"));
    }
    let mut body = buffer[head_end + 4..].to_vec();
    if body.len() > length {
        return Err(Refusal(400, "more bytes than the Content-Length\n"));
    }
    while body.len() < length {
        if Instant::now() > deadline {
            return Err(Refusal(408, "the request took too long\n"));
        }
        let want = (length - body.len()).min(chunk.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) | Err(_) => return Err(Refusal(0, "")),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(Incoming {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    })
}

fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &str) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    };
    let allow = if status == 405 { "allow: POST\r\n" } else { "" };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{allow}connection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// Whether `callback` says the contract `id` completed (`contractStatus` and `callbackType`
/// `COMPLETE`).
pub(crate) fn is_completion(callback: &Callback, id: &str) -> bool {
    matches!(callback, Callback::ContractStatus(e)
        if e.contract_id.as_str() == id
            && e.status == ContractStatus::Complete
            && e.callback_type == Some(CallbackType::Complete))
}

/// The demo: an embedded sandbox delivers the callbacks of a contract signed to completion to
/// a receiver on `addr`. Answers the verified callbacks, in the order they arrived, up to and
/// including the contract's completion.
///
/// # Errors
/// A sandbox that does not start, a failed API call, or no completion callback within 10 s.
pub(crate) fn demo(addr: SocketAddr) -> Result<Vec<Callback>, BoxError> {
    let sandbox = Sandbox::start()?;
    println!("sandbox: {}", sandbox.base_url());
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()?;

    // The key comes from the app settings, as it would from the platform.
    let info = client.execute(&AppInfoRequest::new())?;
    let key = info
        .callback_secret_key
        .ok_or("the app settings carry no callbackSecretKey")?;
    let verifier = CallbackVerifier::new(Secret::new(key)).with_cipher(Cipher::AesEcb);
    let receiver = Receiver::start(addr, verifier)?;
    let url = receiver.url("/qys/callback?company=demo");
    println!("receiver: {url}");

    let info = client.execute(
        &AppCallbackUpdateRequest::new()
            .callback_url(url)
            .encrypt(true)
            .encrypt_type(EncryptType::AesEcb),
    )?;
    println!(
        "app callback settings: url={:?} encrypt={:?} encryptType={:?}",
        info.callback_url, info.encrypt, info.encrypt_type
    );

    // The fixture contract waits for its last signer; signing completes it.
    let fixtures = sandbox.fixtures().clone();
    client.execute(&PersonalSignRequest::new(
        fixtures.contract_id.clone(),
        fixtures.signer.clone(),
    ))?;
    println!(
        "signed contract {} as its last signer",
        fixtures.contract_id
    );

    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(event) = receiver.next_event(left) else {
            return Err("the contract's COMPLETE callback did not arrive within 10 s".into());
        };
        let complete = is_completion(&event, fixtures.contract_id.as_str());
        events.push(event);
        if complete {
            receiver.stop();
            return Ok(events);
        }
    }
}

fn run() -> Result<(), BoxError> {
    let addr = listen_addr()?;
    match var("QYS_CALLBACK_SECRET_KEY") {
        Some(key) => {
            let receiver = Receiver::start(addr, verifier_from_env(key)?)?;
            println!(
                "listening on {} (POST callbacks to {}; Ctrl-C to stop)",
                receiver.local_addr(),
                receiver.url("/")
            );
            loop {
                std::thread::park();
            }
        }
        None => {
            let events = demo(addr)?;
            println!("{} verified callbacks, the last one COMPLETE", events.len());
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
