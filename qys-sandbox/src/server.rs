//! The HTTP side: the accept loop, one hyper HTTP/1 connection per socket, and the pipeline
//! every request goes through: count → injected fault → gateway auth → route → body → handler.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Request, Response};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::Fault;
use crate::api::{self, Answer, BodyKind, Input};
use crate::fields;
use crate::gateway::{self, GatewayKeys, NonceStore};
use crate::reply::{self, Body, Failure, JSON_CONTENT_TYPE};
use crate::state::{State, UploadedFile};

/// The largest request body read (256 MiB); a larger one is answered with HTTP 413. Large
/// enough for the frontends' 100 MiB streaming tests (the sandbox keeps uploads in memory).
pub(crate) const MAX_BODY: usize = 256 * 1024 * 1024;

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
        } else if self.seen.len() < MAX_COUNTED_PATHS {
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
    // An unread body is left to hyper, which reads what has arrived and closes the connection
    // after the answer if more is coming.
    drop(body);
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
    shared: &Shared,
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
    let input = match route.body {
        BodyKind::Json => {
            if !media_type_is(&content_type, "application/json") {
                return Err(unsupported(&content_type, "application/json"));
            }
            let bytes = read_body(&request.headers, body.take()).await?;
            json_input(route.schema, &bytes, shared.strict)?
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
            let bytes = read_body(&request.headers, body.take()).await?;
            multipart_input(route.schema, files, boundary, bytes, shared.strict).await?
        }
        BodyKind::Query => query_input(
            route.schema,
            request.uri.query().unwrap_or(""),
            shared.strict,
        )?,
    };
    let answer = {
        let mut state = lock(&shared.state);
        let answer = (route.handler)(&mut state, input);
        // Callbacks owed for this request's changes go to the delivery task (never waits).
        let owed = std::mem::take(&mut state.outbox);
        if !owed.is_empty() {
            shared
                .callbacks
                .submit(owed, &state.app.delivery_settings());
        }
        answer
    }?;
    Ok(match answer {
        Answer::Result(result) => reply::success(result),
        Answer::File {
            file_name,
            content_type,
            bytes,
        } => reply::file(&file_name, content_type, bytes),
    })
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

fn too_large() -> Failure {
    Failure::gateway(
        413,
        "11990413",
        format!("REQUEST BODY TOO LARGE: the limit is {MAX_BODY} bytes"),
    )
}

/// Reads the body, refusing one that announces or turns out to exceed [`MAX_BODY`].
async fn read_body(headers: &http::HeaderMap, body: Option<Incoming>) -> Result<Bytes, Failure> {
    if content_length(headers).is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let Some(body) = body else {
        return Ok(Bytes::new());
    };
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(e) => Err(Failure::gateway(
            400,
            "11990400",
            format!("BAD REQUEST: the body could not be read: {e}"),
        )),
    }
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
    bytes: Bytes,
    strict: bool,
) -> Result<Input, Failure> {
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
        shared
            .accepted
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        connections.spawn(async move {
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
        .serve_connection(TokioIo::new(io), service)
        .await;
}
