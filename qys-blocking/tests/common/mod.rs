//! Shared set-up of the integration tests: clients of a loopback sandbox, and a tiny raw
//! HTTP/1.1 server for answers the sandbox does not give (files, redirects).
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use qys_blocking::{Client, ClientBuilder, Environment};
use qys_sandbox::Sandbox;

/// A started sandbox (each test its own: tests run in parallel).
pub fn sandbox() -> Sandbox {
    Sandbox::start().expect("the sandbox starts on loopback")
}

/// A builder for a client of the sandbox with app and agent credentials.
pub fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder(sandbox.environment(), sandbox.signer()).allow_http(true)
}

/// A client of the sandbox with the defaults.
pub fn client(sandbox: &Sandbox) -> Client {
    builder(sandbox).build().expect("client builds")
}

/// A one-connection-per-answer HTTP server on loopback: each connection gets the next
/// canned answer (raw bytes), after the request head and any Content-Length body were read.
pub struct RawServer {
    pub base_url: String,
    pub hits: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
    handle: Option<JoinHandle<()>>,
}

/// A request as the raw server read it: the head's lines (request line first, without CRLF)
/// and the body announced by Content-Length.
#[derive(Debug, Clone)]
pub struct Received {
    pub head: Vec<String>,
    pub body: Vec<u8>,
}

impl RawServer {
    /// Serves `answers` in order, one per connection, then stops accepting.
    pub fn start(answers: Vec<Vec<u8>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let handle = thread::spawn(move || {
            for answer in answers {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                if let Some(request) = serve_one(stream, &answer) {
                    log.lock().expect("log").push(request);
                }
            }
        });
        Self {
            base_url,
            hits,
            received,
            handle: Some(handle),
        }
    }

    /// The requests read so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }

    pub fn environment(&self) -> Environment {
        Environment::custom(&self.base_url).expect("loopback base URL")
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        // Unblock a pending accept by connecting once, then join.
        if let Some(h) = self.handle.take() {
            if !h.is_finished() {
                let addr = self.base_url.trim_start_matches("http://").to_owned();
                let _ = TcpStream::connect(addr);
            }
            let _ = h.join();
        }
    }
}

fn serve_one(stream: TcpStream, answer: &[u8]) -> Option<Received> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream);
    let mut content_length = 0usize;
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            content_length = v.trim().parse().unwrap_or(0);
        }
        head.push(line.trim_end().to_owned());
    }
    let mut body = vec![0u8; content_length];
    let _ = reader.read_exact(&mut body);
    let mut stream = reader.into_inner();
    let _ = stream.write_all(answer);
    let _ = stream.flush();
    // Dropping the stream closes the connection: a short body is then truncated.
    Some(Received { head, body })
}

/// A complete HTTP/1.1 answer.
pub fn http_answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(body);
    out
}
