//! The HTTP side: the accept loop, one hyper HTTP/1 connection per socket, and the pipeline
//! every request goes through: count → injected fault → gateway auth → route → body → handler.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

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
use crate::auth::{self, Keys, NonceStore};
use crate::fields;
use crate::reply::{self, Body, Failure, JSON_CONTENT_TYPE};
use crate::state::{State, UploadedFile};

/// The largest request body read (64 MiB); a larger one is answered with HTTP 413.
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;

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
}

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

    /// How many requests reached `path`.
    pub(crate) fn seen(&self, path: &str) -> usize {
        self.seen.get(path).copied().unwrap_or(0)
    }
}

/// Everything the connections share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) keys: Keys,
    pub(crate) state: Mutex<State>,
    pub(crate) nonces: Mutex<NonceStore>,
    pub(crate) gateway: Mutex<Gateway>,
    /// Refuse undocumented fields.
    pub(crate) strict: bool,
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

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Body>, Reset> {
    let (head, body) = request.into_parts();
    let mut body = Some(body);
    let path = head.uri.path().to_owned();
    let fault = lock(&shared.gateway).arrive(&path);
    let response = match fault {
        Some(Fault::Reset) => return Err(Reset),
        Some(Fault::Html(status)) => reply::html_page(status),
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
        None => answer(&shared, &head, &mut body, &path)
            .await
            .unwrap_or_else(Failure::into_response),
    };
    // An unread body is left to hyper, which reads what has arrived and closes the connection
    // after the answer if more is coming.
    drop(body);
    Ok(response)
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
    auth::authenticate(
        &request.headers,
        path,
        &shared.keys,
        now_ms(),
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
    let answer = (route.handler)(&mut lock(&shared.state), input)?;
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
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&shared), request));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    connections.abort_all();
}
