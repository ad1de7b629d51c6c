//! What the sandbox answers: the platform's JSON envelope, and the response bodies the fault
//! injection needs (truncated, oversized).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Response, StatusCode};
use http_body::{Frame, SizeHint};
use serde_json::{Value, json};

/// The `Content-Type` of every envelope the platform answers.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// An error answer: HTTP status, envelope `code`, `responseCode` and `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) response_code: &'static str,
    pub(crate) message: String,
}

impl Failure {
    /// An answer with HTTP status 200 carrying an error envelope (how the platform reports
    /// business errors).
    pub(crate) fn business(
        code: i64,
        response_code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status: 200,
            code,
            response_code,
            message: message.into(),
        }
    }

    /// A gateway error: the HTTP status equals the envelope's `code`.
    pub(crate) fn gateway(
        status: u16,
        response_code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: i64::from(status),
            response_code,
            message: message.into(),
        }
    }

    /// 1005 `INVALID PARAM: <detail>` (HTTP 200).
    pub(crate) fn invalid_param(detail: impl fmt::Display) -> Self {
        Self::business(1005, "11990005", format!("INVALID PARAM: {detail}"))
    }

    /// The answer.
    pub(crate) fn into_response(self) -> Response<Body> {
        let mut response = envelope(
            self.status,
            json!({
                "code": self.code,
                "message": self.message,
                "responseCode": self.response_code,
                "result": null,
            }),
        );
        // The request log (dashboard) shows the refusal.
        response.extensions_mut().insert(Verdict {
            code: self.code,
            message: self.message,
        });
        response
    }
}

/// The refusal an error envelope carries, kept with the response for the request log.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub(crate) code: i64,
    pub(crate) message: String,
}

/// A success envelope around `result`.
pub(crate) fn success(result: Value) -> Response<Body> {
    envelope(
        200,
        json!({
            "code": 0,
            "message": "SUCCESS",
            "responseCode": "00000000",
            "result": result,
        }),
    )
}

/// A file download: HTTP 200, the bytes, their media type and length, and the file name in
/// `Content-Disposition` as both `filename` (percent-encoded UTF-8, as Java servers send it)
/// and RFC 5987 `filename*`.
pub(crate) fn file(file_name: &str, content_type: &str, bytes: Vec<u8>) -> Response<Body> {
    let encoded = qys_proto::query::encode(file_name).to_string();
    let mut response = raw(200, content_type, Body::full(bytes));
    if let Ok(value) = http::HeaderValue::from_str(&format!(
        "attachment; filename=\"{encoded}\"; filename*=UTF-8''{encoded}"
    )) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_DISPOSITION, value);
    }
    response
}

fn envelope(status: u16, value: Value) -> Response<Body> {
    let bytes = serde_json::to_vec(&value).unwrap_or_else(|_| b"{}".to_vec());
    raw(status, JSON_CONTENT_TYPE, Body::full(bytes))
}

/// A response with this status, content type and body (an out-of-range status becomes 500, an
/// invalid content type `application/octet-stream`).
pub(crate) fn raw(status: u16, content_type: &str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    response
}

/// HTTP 429 with the throttling envelope and, when given, a `Retry-After` header.
pub(crate) fn too_many_requests(retry_after: Option<&str>) -> Response<Body> {
    let mut response = Failure {
        status: 429,
        code: 429,
        response_code: "11990006",
        message: "TOO FREQUENT: calls too frequent".to_owned(),
    }
    .into_response();
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, value);
    }
    response
}

/// A 200 success envelope whose ticket string is not valid UTF-8.
pub(crate) fn invalid_utf8() -> Response<Body> {
    let mut bytes =
        br#"{"code":0,"message":"SUCCESS","responseCode":"00000000","result":{"ticket":"bad-"#
            .to_vec();
    bytes.extend_from_slice(&[0xFF, 0xFE, 0xC3]);
    bytes.extend_from_slice(br#"-utf8"}}"#);
    raw(200, JSON_CONTENT_TYPE, Body::full(bytes))
}

/// `302 Found` to `location` (an unusable location becomes `/`).
pub(crate) fn redirect(location: &str) -> Response<Body> {
    let mut response = raw(302, "text/html", Body::full("<html>302 Found</html>"));
    response.headers_mut().insert(
        http::header::LOCATION,
        HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/")),
    );
    response
}

/// The same answer with another `Content-Type`.
pub(crate) fn with_content_type(
    mut response: Response<Body>,
    content_type: &str,
) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// The same answer, its body sent `chunk` bytes at a time, `interval` apart.
pub(crate) fn trickle(
    response: Response<Body>,
    chunk: usize,
    interval: Duration,
) -> Response<Body> {
    response.map(|inner| Body {
        kind: Kind::Trickle {
            inner: Box::new(inner),
            chunk: chunk.max(1),
            interval,
            buffered: Bytes::new(),
            pause: None,
        },
    })
}

/// The same answer with its full `Content-Length` announced but only `keep` bytes of its body
/// sent before the connection is closed.
pub(crate) fn cut(response: Response<Body>, keep: usize) -> Response<Body> {
    let (mut parts, inner) = response.into_parts();
    if let Some(len) = http_body::Body::size_hint(&inner).exact() {
        parts.headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
    Response::from_parts(
        parts,
        Body {
            kind: Kind::Cut {
                inner: Box::new(inner),
                remaining: keep,
                pause: None,
            },
        },
    )
}

/// The HTML error page a reverse proxy answers with (nginx style).
pub(crate) fn html_page(status: u16) -> Response<Body> {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        code.as_u16(),
        code.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    raw(code.as_u16(), "text/html", Body::full(page))
}

/// A 200 answer whose head announces the whole body but which sends only its first half, then
/// closes the connection.
pub(crate) fn truncated() -> Response<Body> {
    let full = serde_json::to_vec(&json!({
        "code": 0,
        "message": "SUCCESS",
        "responseCode": "00000000",
        "result": { "ticket": "truncated-answer-never-complete-0000000000" },
    }))
    .unwrap_or_default();
    let len = full.len();
    let half = Bytes::from(full).slice(..len / 2);
    let mut response = raw(
        200,
        JSON_CONTENT_TYPE,
        Body {
            kind: Kind::Truncated {
                first: Some(half),
                pause: None,
            },
        },
    );
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(len));
    response
}

/// A valid 200 success envelope of at least `min_len` bytes, streamed in chunks:
/// `{"code":0,...,"result":{"ticket":"…","padding":"xxxx…"}}`.
pub(crate) fn oversized(min_len: usize, ticket: &str) -> Response<Body> {
    let prefix = format!(
        "{{\"code\":0,\"message\":\"SUCCESS\",\"responseCode\":\"00000000\",\"result\":{{\"ticket\":\"{ticket}\",\"padding\":\""
    );
    let suffix = "\"}}";
    let filler = min_len.saturating_sub(prefix.len() + suffix.len());
    raw(
        200,
        JSON_CONTENT_TYPE,
        Body {
            kind: Kind::Repeat {
                prefix: Some(Bytes::from(prefix)),
                chunk: Bytes::from(vec![b'x'; 64 * 1024]),
                remaining: filler,
                suffix: Some(Bytes::from_static(suffix.as_bytes())),
            },
        },
    )
}

/// The response body type of the sandbox.
pub(crate) struct Body {
    kind: Kind,
}

enum Kind {
    Full(Option<Bytes>),
    Truncated {
        first: Option<Bytes>,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
    Repeat {
        prefix: Option<Bytes>,
        chunk: Bytes,
        remaining: usize,
        suffix: Option<Bytes>,
    },
    Trickle {
        inner: Box<Body>,
        chunk: usize,
        interval: Duration,
        buffered: Bytes,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
    Cut {
        inner: Box<Body>,
        remaining: usize,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
}

impl Body {
    /// A body of these bytes.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: Kind::Full(Some(bytes.into())),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Body")
    }
}

/// The error a truncated body ends with; hyper then closes the connection.
#[derive(Debug)]
pub(crate) struct Aborted;

impl fmt::Display for Aborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sandbox truncated this body on purpose")
    }
}

impl std::error::Error for Aborted {}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Aborted;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Aborted>>> {
        let this = self.get_mut();
        match &mut this.kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Truncated { first, pause } => {
                if let Some(b) = first.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                // Give the connection time to flush the first half before the abort.
                let sleep = pause
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(50))));
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => Poll::Ready(Some(Err(Aborted))),
                }
            }
            Kind::Repeat {
                prefix,
                chunk,
                remaining,
                suffix,
            } => {
                if let Some(p) = prefix.take() {
                    return Poll::Ready(Some(Ok(Frame::data(p))));
                }
                if *remaining > 0 {
                    let n = (*remaining).min(chunk.len());
                    *remaining -= n;
                    return Poll::Ready(Some(Ok(Frame::data(chunk.slice(..n)))));
                }
                Poll::Ready(suffix.take().map(|s| Ok(Frame::data(s))))
            }
            Kind::Trickle {
                inner,
                chunk,
                interval,
                buffered,
                pause,
            } => loop {
                if let Some(sleep) = pause {
                    match sleep.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(()) => *pause = None,
                    }
                }
                if !buffered.is_empty() {
                    let piece = buffered.split_to((*chunk).min(buffered.len()));
                    *pause = Some(Box::pin(tokio::time::sleep(*interval)));
                    return Poll::Ready(Some(Ok(Frame::data(piece))));
                }
                match Pin::new(&mut **inner).poll_frame(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                        Ok(data) => *buffered = data,
                        Err(frame) => return Poll::Ready(Some(Ok(frame))),
                    },
                    Poll::Ready(other) => return Poll::Ready(other),
                }
            },
            Kind::Cut {
                inner,
                remaining,
                pause,
            } => {
                if *remaining == 0 {
                    // Give the connection time to flush what was sent before the abort.
                    let sleep = pause.get_or_insert_with(|| {
                        Box::pin(tokio::time::sleep(Duration::from_millis(50)))
                    });
                    return match sleep.as_mut().poll(cx) {
                        Poll::Pending => Poll::Pending,
                        Poll::Ready(()) => Poll::Ready(Some(Err(Aborted))),
                    };
                }
                match Pin::new(&mut **inner).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                        Ok(mut data) => {
                            data.truncate(*remaining);
                            *remaining -= data.len();
                            Poll::Ready(Some(Ok(Frame::data(data))))
                        }
                        Err(frame) => Poll::Ready(Some(Ok(frame))),
                    },
                    other => other,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(b) => b.is_none(),
            Kind::Truncated { .. } | Kind::Cut { .. } => false,
            Kind::Trickle {
                inner, buffered, ..
            } => buffered.is_empty() && inner.is_end_stream(),
            Kind::Repeat {
                prefix,
                remaining,
                suffix,
                ..
            } => prefix.is_none() && *remaining == 0 && suffix.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Truncated { .. } | Kind::Cut { .. } => SizeHint::default(),
            Kind::Trickle {
                inner, buffered, ..
            } => {
                let hint = inner.size_hint();
                let extra = buffered.len() as u64;
                let mut out = SizeHint::new();
                out.set_lower(hint.lower() + extra);
                if let Some(upper) = hint.upper() {
                    out.set_upper(upper + extra);
                }
                out
            }
            Kind::Repeat {
                prefix,
                remaining,
                suffix,
                ..
            } => SizeHint::with_exact(
                prefix.as_ref().map_or(0, |b| b.len() as u64)
                    + *remaining as u64
                    + suffix.as_ref().map_or(0, |b| b.len() as u64),
            ),
        }
    }
}
