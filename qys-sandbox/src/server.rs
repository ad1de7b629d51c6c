//! The HTTP side: the accept loop, one hyper HTTP/1 connection per socket, and the pipeline
//! every request goes through: count → injected fault → gateway auth → route → body → handler.
//!
//! # What one client may cost
//!
//! The rules are stated for users in the crate docs ("What one client may cost"); here is
//! where each is enforced:
//!
//! - **Connections**: at most [`MAX_CONNECTIONS`] at once; one more is answered `503` with
//!   `Retry-After: 1` and closed.
//! - **Head**: the request line and headers together at most [`MAX_HEAD`] bytes (else hyper
//!   answers `431 Request Header Fields Too Large`), received within [`HEAD_TIMEOUT`] (else
//!   the connection is closed).
//! - **Body**: per route kind ([`MAX_JSON_BODY`], [`MAX_IMAGE_JSON_BODY`],
//!   [`MAX_UPLOAD_BODY`]; else 413), every part arriving within [`BODY_IDLE_TIMEOUT`] of the
//!   last and the whole within [`BODY_IDLE_TIMEOUT`] plus its length at [`MIN_BODY_RATE`]
//!   (at most [`BODY_TIMEOUT`]; else 408). The body is copied into one buffer
//!   as it arrives, so a body sent a byte at a time costs its size, not a buffer per byte;
//!   all bodies being read share [`MAX_BODIES_IN_FLIGHT`] bytes (else 503).
//! - **Work**: parsing a JSON body, checking its fields and running the handler happen on
//!   the blocking pool, at most [`WORKERS`] at once, never on the thread that accepts and
//!   reads connections; handlers do linear work in what they were sent.
//! - **Bookkeeping**: what the sandbox remembers of requests before authenticating them
//!   (paths counted, nonces seen) is bounded in count and in length.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use tokio::task::JoinSet;

use crate::Fault;
use crate::api::{self, Answer, BodyKind, Input};
use crate::fields;
use crate::gateway::{self, GatewayKeys, NonceStore};
use crate::reply::{self, Body, Failure, JSON_CONTENT_TYPE};
use crate::state::{State, UploadedFile};

/// The largest multipart (upload) body (256 MiB): the platform takes documents of up to
/// 30 MB, and the frontends' streaming tests send 100 MiB (the sandbox keeps uploads in memory).
pub(crate) const MAX_UPLOAD_BODY: usize = 256 * 1024 * 1024;
/// The largest JSON body (1 MiB): far above any documented request (a draft with a thousand
/// signatories is about 100 KB); parsing JSON into values costs tens of times the body's size
/// in memory, so JSON is kept small.
pub(crate) const MAX_JSON_BODY: usize = 1024 * 1024;
/// The largest JSON body of a route that carries Base64 images (32 MiB: two 10 MB images).
pub(crate) const MAX_IMAGE_JSON_BODY: usize = 32 * 1024 * 1024;
/// The most body bytes being read at once, all connections together.
pub(crate) const MAX_BODIES_IN_FLIGHT: usize = 512 * 1024 * 1024;
/// The largest request head (request line and headers) hyper buffers.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// The most connections open at once.
pub(crate) const MAX_CONNECTIONS: usize = 1024;
/// How long a client may take to send a request's head (idle keep-alive connections included).
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a body may pause between two parts.
pub(crate) const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole body may take: [`BODY_IDLE_TIMEOUT`] plus its announced length at
/// [`MIN_BODY_RATE`], and never more than this (also the bound of a body of unknown length).
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(120);
/// The slowest a body of announced length may arrive, in bytes per second, on average.
pub(crate) const MIN_BODY_RATE: u64 = 1024 * 1024;
/// How many requests may parse, check and run their handler at once (on the blocking pool):
/// handlers take turns on the state's lock anyway, and each slot may hold a parsed body.
pub(crate) const WORKERS: usize = 2;
/// The longest path [`Gateway`] counts, and the longest nonce it keeps: requests with longer
/// ones are answered all the same, just not remembered. (qys's nonces are at most 128 bytes.)
pub(crate) const MAX_REMEMBERED_LEN: usize = 1024;

/// The most distinct paths [`Gateway`] counts (a client probing random paths cannot grow it
/// without bound); requests to further new paths are not counted.
pub(crate) const MAX_COUNTED_PATHS: usize = 10_000;

/// Locks a mutex, recovering the data if a holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The per-path bookkeeping of the gateway: injected faults and request counts.
#[derive(Debug, Default)]
pub(crate) struct Gateway {
    faults: HashMap<String, VecDeque<(Fault, usize)>>,
    seen: HashMap<String, usize>,
    /// The `x-qys-open-nonce` of each request, by path, in order of arrival.
    nonces: HashMap<String, Vec<String>>,
    nonces_kept: usize,
}

/// The most nonces [`Gateway`] keeps in all (the first ones are kept).
pub(crate) const MAX_KEPT_NONCES: usize = 100_000;

impl Gateway {
    /// Queues `fault` for the next `times` requests to `path`.
    pub(crate) fn inject(&mut self, path: &str, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        self.faults
            .entry(path.to_owned())
            .or_default()
            .push_back((fault, times));
    }

    /// Counts a request to `path` and takes the fault queued for it, if any.
    fn arrive(&mut self, path: &str) -> Option<Fault> {
        if let Some(n) = self.seen.get_mut(path) {
            *n += 1;
        } else if self.seen.len() < MAX_COUNTED_PATHS && path.len() <= MAX_REMEMBERED_LEN {
            self.seen.insert(path.to_owned(), 1);
        }
        let queue = self.faults.get_mut(path)?;
        let (fault, left) = queue.front_mut()?;
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            queue.pop_front();
        }
        if queue.is_empty() {
            self.faults.remove(path);
        }
        Some(fault)
    }

    /// Drops every fault still queued.
    pub(crate) fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Remembers the nonce of a request to `path` (bounded by [`MAX_KEPT_NONCES`]).
    fn remember_nonce(&mut self, path: &str, nonce: Option<&str>) {
        if let Some(nonce) = nonce
            && nonce.len() <= MAX_REMEMBERED_LEN
            && path.len() <= MAX_REMEMBERED_LEN
            && self.nonces_kept < MAX_KEPT_NONCES
            && (self.nonces.contains_key(path) || self.nonces.len() < MAX_COUNTED_PATHS)
        {
            self.nonces_kept += 1;
            self.nonces
                .entry(path.to_owned())
                .or_default()
                .push(nonce.to_owned());
        }
    }

    /// The nonces of the requests to `path`, in order.
    pub(crate) fn nonces(&self, path: &str) -> Vec<String> {
        self.nonces.get(path).cloned().unwrap_or_default()
    }

    /// How many requests reached `path`.
    pub(crate) fn seen(&self, path: &str) -> usize {
        self.seen.get(path).copied().unwrap_or(0)
    }
}

/// Everything the connections share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) keys: GatewayKeys,
    pub(crate) state: Mutex<State>,
    pub(crate) nonces: Mutex<NonceStore>,
    pub(crate) gateway: Mutex<Gateway>,
    /// TCP connections accepted.
    pub(crate) accepted: std::sync::atomic::AtomicUsize,
    /// Refuse undocumented fields.
    pub(crate) strict: bool,
    /// Where the callbacks the handlers emit go (`callbacks` module).
    pub(crate) callbacks: crate::callbacks::Outbox,
    /// The control token and the recent-request log (`control` module).
    pub(crate) console: crate::control::Console,
    /// The sandbox's clock (the state holds a handle on the same one).
    pub(crate) clock: crate::SandboxClock,
    /// What requests hold now, against the limits.
    pub(crate) limits: Limits,
}

/// The counters of the limits every connection shares.
#[derive(Debug)]
pub(crate) struct Limits {
    /// Connection slots ([`MAX_CONNECTIONS`]).
    connections: Arc<Semaphore>,
    /// Body bytes being read now, all connections together ([`MAX_BODIES_IN_FLIGHT`]).
    bodies_in_flight: Arc<AtomicUsize>,
    /// Slots for the blocking work of requests ([`WORKERS`]).
    workers: Arc<Semaphore>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connections: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
            bodies_in_flight: Arc::new(AtomicUsize::new(0)),
            workers: Arc::new(Semaphore::new(WORKERS)),
        }
    }
}

/// Bytes of [`MAX_BODIES_IN_FLIGHT`] a body being read holds; given back when dropped.
struct BodyBudget {
    pool: Arc<AtomicUsize>,
    held: usize,
}

impl BodyBudget {
    /// Holds `more` bytes more, if the pool has them.
    fn grow(&mut self, more: usize) -> bool {
        let took = self
            .pool
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                used.checked_add(more)
                    .filter(|total| *total <= MAX_BODIES_IN_FLIGHT)
            })
            .is_ok();
        if took {
            self.held += more;
        }
        took
    }
}

impl Drop for BodyBudget {
    fn drop(&mut self) {
        self.pool.fetch_sub(self.held, Ordering::SeqCst);
    }
}

/// The service error that makes hyper drop the connection without answering.
#[derive(Debug)]
struct Reset;

impl fmt::Display for Reset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset by the sandbox on purpose")
    }
}

impl std::error::Error for Reset {}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Body>, Reset> {
    let (head, body) = request.into_parts();
    let mut body = Some(body);
    // Pages, the dashboard and the control API are the sandbox's own, not the gateway's.
    if let Some(response) = crate::pages::serve(&shared, &head, &mut body).await {
        return Ok(response);
    }
    let path = head.uri.path().to_owned();
    let nonce = head
        .headers
        .get("x-qys-open-nonce")
        .and_then(|v| v.to_str().ok());
    let mut fault = {
        let mut gateway = lock(&shared.gateway);
        gateway.remember_nonce(&path, nonce);
        gateway.arrive(&path)
    };
    // Faults that change how an answer is sent wrap the answer they apply to.
    let mut wrappers = Vec::new();
    loop {
        match fault {
            Some(Fault::Trickle {
                chunk,
                interval,
                answer,
            }) => {
                wrappers.push(Wrap::Trickle(chunk, interval));
                fault = answer.map(|b| *b);
            }
            Some(Fault::CutBody { keep, answer }) => {
                wrappers.push(Wrap::Cut(keep));
                fault = answer.map(|b| *b);
            }
            Some(Fault::ContentType {
                content_type,
                answer,
            }) => {
                wrappers.push(Wrap::ContentType(content_type));
                fault = answer.map(|b| *b);
            }
            other => {
                fault = other;
                break;
            }
        }
    }
    let applied = fault.clone();
    let mut response = match fault {
        Some(Fault::Reset) => {
            shared
                .console
                .record(&head.method, &path, None, Some(&Fault::Reset));
            return Err(Reset);
        }
        Some(Fault::Html(status)) => reply::html_page(status),
        Some(Fault::TooManyRequests(retry_after)) => {
            reply::too_many_requests(retry_after.as_deref())
        }
        Some(Fault::InvalidUtf8) => reply::invalid_utf8(),
        Some(Fault::File {
            file_name,
            content_type,
            bytes,
        }) => reply::file(&file_name, &content_type, bytes),
        Some(Fault::Redirect(location)) => reply::redirect(&location),
        Some(Fault::TruncatedBody) => reply::truncated(),
        Some(Fault::Oversized(n)) => {
            reply::oversized(n, &uuid::Uuid::new_v4().simple().to_string())
        }
        Some(Fault::Status(status, text)) => {
            reply::raw(status, JSON_CONTENT_TYPE, Body::full(text))
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            answer(&shared, &head, &mut body, &path)
                .await
                .unwrap_or_else(Failure::into_response)
        }
        // Wrappers were unwrapped above; anything else answers normally.
        Some(Fault::Trickle { .. } | Fault::CutBody { .. } | Fault::ContentType { .. }) | None => {
            answer(&shared, &head, &mut body, &path)
                .await
                .unwrap_or_else(Failure::into_response)
        }
    };
    for wrap in wrappers.into_iter().rev() {
        response = match wrap {
            Wrap::Trickle(chunk, interval) => reply::trickle(response, chunk, interval),
            Wrap::Cut(keep) => reply::cut(response, keep),
            Wrap::ContentType(content_type) => reply::with_content_type(response, &content_type),
        };
    }
    shared
        .console
        .record(&head.method, &path, Some(&response), applied.as_ref());
    // A client still sending the body of a refused request must read the refusal, not a
    // reset: closing a socket with unread data makes the kernel answer with RST, which a
    // client sees as a broken pipe before it reads the answer. So a refused body that was
    // announced small enough is read and thrown away first (no memory kept, bounded in time);
    // a larger or unannounced one is left to hyper, which closes the connection.
    if let Some(unread) = body.take()
        && content_length(&head.headers).is_some_and(|n| n <= MAX_DRAIN)
    {
        drain(unread).await;
    }
    Ok(response)
}

/// A fault that changes how an answer is sent.
enum Wrap {
    Trickle(usize, std::time::Duration),
    Cut(usize),
    ContentType(String),
}

/// The TLS acceptor of a sandbox serving HTTPS (ring provider, TLS 1.2 and 1.3).
pub(crate) fn tls_acceptor(pem: &crate::TlsPem) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
    let chain = CertificateDer::pem_slice_iter(&pem.chain)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| invalid("the TLS certificate chain is not valid PEM"))?;
    if chain.is_empty() {
        return Err(invalid("the TLS certificate chain holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_slice(&pem.key)
        .map_err(|_| invalid("the TLS private key is not a PEM private key"))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|_| invalid("the TLS protocol versions are not supported"))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| invalid(&format!("the TLS certificate and key do not fit: {e}")))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

async fn answer(
    shared: &Arc<Shared>,
    request: &http::request::Parts,
    body: &mut Option<Incoming>,
    path: &str,
) -> Result<Response<Body>, Failure> {
    gateway::authenticate(
        &request.headers,
        path,
        &shared.keys,
        shared.clock.unix_ms(),
        &shared.nonces,
    )?;
    let route = api::lookup(&request.method, path).map_err(|path_known| {
        if path_known {
            Failure::gateway(
                405,
                "11990405",
                format!("METHOD NOT ALLOWED {} {path}", request.method),
            )
        } else {
            Failure::gateway(404, "11990404", format!("NOT FOUND {path}"))
        }
    })?;
    let content_type = request
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let strict = shared.strict;
    let schema = route.schema;
    let answer = match route.body {
        BodyKind::Json | BodyKind::ImageJson => {
            if !media_type_is(&content_type, "application/json") {
                return Err(unsupported(&content_type, "application/json"));
            }
            let (bytes, budget) =
                read_body(shared, &request.headers, body.take(), route.body.limit()).await?;
            // Parsing JSON costs many times its size: it happens with the handler, in a
            // worker slot, and the body's budget is held until then.
            run(shared, route, move || {
                let input = json_input(schema, &bytes, strict);
                drop((bytes, budget));
                input
            })
            .await?
        }
        BodyKind::Multipart(files) => {
            if !media_type_is(&content_type, "multipart/form-data") {
                return Err(unsupported(&content_type, "multipart/form-data"));
            }
            let boundary = multer::parse_boundary(&content_type).map_err(|_| {
                Failure::gateway(
                    415,
                    "11990415",
                    "UNSUPPORTED MEDIA TYPE: multipart/form-data without a boundary",
                )
            })?;
            let (bytes, budget) =
                read_body(shared, &request.headers, body.take(), route.body.limit()).await?;
            let input = multipart_input(schema, files, boundary, bytes, strict).await;
            drop(budget);
            run(shared, route, move || input).await?
        }
        BodyKind::Query => {
            let query = request.uri.query().unwrap_or("").to_owned();
            run(shared, route, move || query_input(schema, &query, strict)).await?
        }
    };
    Ok(match answer {
        Answer::Result(result) => reply::success(result),
        Answer::File {
            file_name,
            content_type,
            bytes,
        } => reply::file(&file_name, content_type, bytes),
    })
}

/// Makes the route's input (`input`: parsing and checking the fields) and runs its handler
/// against the state, in a worker slot on the blocking pool, so that neither stalls the
/// thread that serves the connections; then hands the callbacks the handler owes to the
/// delivery task (never waits).
async fn run(
    shared: &Arc<Shared>,
    route: &'static api::Route,
    input: impl FnOnce() -> Result<Input, Failure> + Send + 'static,
) -> Result<Answer, Failure> {
    let slot = Arc::clone(&shared.limits.workers)
        .acquire_owned()
        .await
        .map_err(|_| stopping())?;
    let shared = Arc::clone(shared);
    let work = tokio::task::spawn_blocking(move || {
        let _slot: OwnedSemaphorePermit = slot;
        let input = input()?;
        let mut state = lock(&shared.state);
        let answer = (route.handler)(&mut state, input);
        let owed = std::mem::take(&mut state.outbox);
        if !owed.is_empty() {
            shared
                .callbacks
                .submit(owed, &state.app.delivery_settings());
        }
        answer
    });
    work.await.unwrap_or_else(|_| {
        Err(Failure::gateway(
            500,
            "11990500",
            "INTERNAL ERROR: the sandbox failed while handling this request",
        ))
    })
}

fn stopping() -> Failure {
    Failure::gateway(
        503,
        "11990503",
        "SERVICE UNAVAILABLE: the sandbox is stopping",
    )
}

fn media_type_is(content_type: &str, expected: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(expected))
}

fn unsupported(got: &str, expected: &str) -> Failure {
    let got = if got.is_empty() { "none" } else { got };
    Failure::gateway(
        415,
        "11990415",
        format!("UNSUPPORTED MEDIA TYPE: this endpoint takes {expected}, not {got}"),
    )
}

fn too_large(limit: usize) -> Failure {
    Failure::gateway(
        413,
        "11990413",
        format!("REQUEST BODY TOO LARGE: the limit of this endpoint is {limit} bytes"),
    )
}

fn too_slow(what: &str) -> Failure {
    Failure::gateway(408, "11990408", format!("REQUEST TIMEOUT: {what}"))
}

/// Reads the body into one buffer, refusing one that announces or turns out to exceed `limit`
/// (413), that stalls or takes too long (408), or that does not fit in what all bodies being
/// read may hold (503). Answers the bytes and the share of [`MAX_BODIES_IN_FLIGHT`] they hold.
/// The largest unread body [`drain`] reads and discards after a refusal.
const MAX_DRAIN: u64 = 32 * 1024 * 1024;

/// Reads and discards `body` until it ends, [`BODY_IDLE_TIMEOUT`] passes without a frame, or
/// [`MAX_DRAIN`] bytes at 1 MiB/s plus the idle timeout have elapsed.
async fn drain(mut body: Incoming) {
    let deadline = tokio::time::Instant::now()
        + BODY_IDLE_TIMEOUT
        + Duration::from_secs(MAX_DRAIN / MIN_BODY_RATE);
    loop {
        let pause = (tokio::time::Instant::now() + BODY_IDLE_TIMEOUT).min(deadline);
        match tokio::time::timeout_at(pause, body.frame()).await {
            Ok(Some(Ok(_))) => {}
            _ => return,
        }
    }
}

async fn read_body(
    shared: &Shared,
    headers: &http::HeaderMap,
    body: Option<Incoming>,
    limit: usize,
) -> Result<(Vec<u8>, BodyBudget), Failure> {
    let busy = || {
        Failure::gateway(
            503,
            "11990503",
            "SERVICE BUSY: too many request bodies are being read at once; try again",
        )
    };
    let mut budget = BodyBudget {
        pool: Arc::clone(&shared.limits.bodies_in_flight),
        held: 0,
    };
    let announced = content_length(headers);
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    let Some(mut body) = body else {
        return Ok((Vec::new(), budget));
    };
    let mut buffer = Vec::new();
    if let Some(n) = announced.and_then(|n| usize::try_from(n).ok()) {
        if !budget.grow(n) {
            return Err(busy());
        }
        buffer.reserve_exact(n);
    }
    let allowed = announced.map_or(BODY_TIMEOUT, |n| {
        (BODY_IDLE_TIMEOUT + Duration::from_secs(n / MIN_BODY_RATE)).min(BODY_TIMEOUT)
    });
    let deadline = tokio::time::Instant::now() + allowed;
    loop {
        let pause = (tokio::time::Instant::now() + BODY_IDLE_TIMEOUT).min(deadline);
        let frame = match tokio::time::timeout_at(pause, body.frame()).await {
            Err(_) if pause == deadline => {
                return Err(too_slow(&format!(
                    "the body took longer than {} s",
                    allowed.as_secs()
                )));
            }
            Err(_) => {
                return Err(too_slow(&format!(
                    "no part of the body came for {} s",
                    BODY_IDLE_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(Failure::gateway(
                    400,
                    "11990400",
                    format!("BAD REQUEST: the body could not be read: {e}"),
                ));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let needed = buffer.len() + data.len();
        if needed > limit {
            return Err(too_large(limit));
        }
        if needed > buffer.capacity() {
            // Grow by doubling (within the limit), holding the budget for the new room.
            let room = needed.max(buffer.capacity() * 2).max(8 * 1024).min(limit);
            if !budget.grow(room - buffer.capacity()) {
                return Err(busy());
            }
            buffer.reserve_exact(room - buffer.len());
        }
        // Copied, so the (possibly tiny) frame and its read buffer are freed at once.
        buffer.extend_from_slice(&data);
    }
    Ok((buffer, budget))
}

fn query_input(schema: &fields::Schema, query: &str, strict: bool) -> Result<Input, Failure> {
    let pairs = qys_proto::query::parse_query_string(query);
    let map = fields::query_to_object(schema, &pairs).map_err(Failure::invalid_param)?;
    fields::check_object(schema, &map, "", strict).map_err(Failure::invalid_param)?;
    Ok(Input {
        fields: map,
        files: Vec::new(),
    })
}

fn json_input(schema: &fields::Schema, bytes: &[u8], strict: bool) -> Result<Input, Failure> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| Failure::invalid_param(format!("the body is not valid JSON ({e})")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(Failure::invalid_param("the body must be a JSON object"));
    };
    fields::check_object(schema, &map, "", strict).map_err(Failure::invalid_param)?;
    Ok(Input {
        fields: map,
        files: Vec::new(),
    })
}

async fn multipart_input(
    schema: &fields::Schema,
    file_fields: &[fields::FileField],
    boundary: String,
    bytes: Vec<u8>,
    strict: bool,
) -> Result<Input, Failure> {
    let bytes = Bytes::from(bytes);
    let malformed =
        |e: multer::Error| Failure::invalid_param(format!("the multipart body is malformed ({e})"));
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                if strict && !file_fields.iter().any(|f| f.name == name) {
                    return Err(Failure::invalid_param(format!(
                        "{name} is not a documented file part (strict mode)"
                    )));
                }
                let content_type = field.content_type().map(ToString::to_string);
                let data = field.bytes().await.map_err(malformed)?;
                files.push((
                    name,
                    UploadedFile {
                        file_name,
                        content_type,
                        bytes: data.to_vec(),
                    },
                ));
            }
            None => {
                if file_fields.iter().any(|f| f.name == name) {
                    return Err(Failure::invalid_param(format!(
                        "{name} must be a file part (with a filename)"
                    )));
                }
                parts.push((name, field.text().await.map_err(malformed)?));
            }
        }
    }
    let map = fields::form_to_object(schema, &parts).map_err(Failure::invalid_param)?;
    fields::check_object(schema, &map, "", strict).map_err(Failure::invalid_param)?;
    for file in file_fields {
        if file.required && !files.iter().any(|(n, _)| n == file.name) {
            return Err(Failure::invalid_param(format!(
                "{} is required (a file part)",
                file.name
            )));
        }
    }
    Ok(Input { fields: map, files })
}

/// Serves `listener` until `shutdown` fires (or its sender is dropped); then drops every
/// connection.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, _peer): (tokio::net::TcpStream, SocketAddr) = match accepted {
            Ok(a) => a,
            Err(_) => {
                // Out of descriptors or a connection reset while queued: back off briefly.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let _ = stream.set_nodelay(true);
        let Ok(slot) = Arc::clone(&shared.limits.connections).try_acquire_owned() else {
            // Full: say so and close, rather than leave the client waiting in the backlog.
            if tls.is_none() && connections.len() < MAX_CONNECTIONS * 2 {
                connections.spawn(refuse(stream));
            }
            continue;
        };
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        connections.spawn(async move {
            let _slot = slot;
            match tls {
                None => serve_connection(stream, shared).await,
                Some(acceptor) => {
                    // A client that refuses the certificate ends the connection here.
                    let handshake = tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        acceptor.accept(stream),
                    );
                    if let Ok(Ok(stream)) = handshake.await {
                        serve_connection(stream, shared).await;
                    }
                }
            }
        });
    }
    connections.abort_all();
}

async fn serve_connection<I>(io: I, shared: Arc<Shared>)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .max_buf_size(MAX_HEAD)
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(TokioIo::new(io), service)
        .await;
}

/// Answers a connection over [`MAX_CONNECTIONS`] with 503 and closes it (within a second).
async fn refuse(mut stream: tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let body = format!(
        r#"{{"code":503,"message":"SERVICE BUSY: the sandbox has {MAX_CONNECTIONS} connections open; try again","responseCode":"11990503","result":null}}"#
    );
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: {JSON_CONTENT_TYPE}\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}
