//! The call engine: every decision of a call, once, without I/O.
//!
//! A frontend asks an [`Engine`] (the core, the clock, the nonce source, the retry policy, the
//! timeouts, the extra headers and the observer of a client) for a [`Call`] per call, and
//! then only moves bytes and waits:
//!
//! 1. [`Call::prepare`] (or [`prepare_upload`](Call::prepare_upload),
//!    [`prepare_download`](Call::prepare_download)) starts an attempt: a fresh timestamp and
//!    nonce, the signed request, the extra headers;
//! 2. the frontend sends it; an upload's body is walked by a [`BodyWalk`], the one place that
//!    checks each file's length;
//! 3. the answer's head says what to read: [`Call::envelope`] (an [`EnvelopeBuf`] that
//!    refuses a `Content-Length` over the limit before a byte is read) or, for downloads,
//!    [`Call::download_head`] (stream the file, sniff it, or read the error envelope);
//! 4. [`Call::parse`] turns the envelope into the response or the error;
//! 5. [`Call::end`] ends the attempt: it reports it to the observer, decides a retry
//!    (`Retry-After`, rewinding upload sources, the deadline) and, once the call is over,
//!    names the call on its error ([`crate::CallContext`]).
//!
//! Time comes in as [`Instant`]s from the frontend, and the wall clock and nonces from the
//! engine's [`Clock`] and [`NonceSource`], so a call can be driven by hand:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::{Duration, Instant};
//! use http::{HeaderMap, StatusCode};
//! use qys_proto::engine::{Engine, Step};
//! use qys_proto::retry::RetryPolicy;
//! use qys_proto::api::miniapp::ContractViewTicketRequest;
//! use qys_proto::{ContractId, Core, Credentials, Environment, FixedClock, SequentialNonce};
//!
//! let core = Core::new(Environment::test(), Credentials::new("DWjfxmA12a", "testSecret"))?;
//! let engine = Engine::new(core, Arc::new(FixedClock(1565753984643)), Arc::new(SequentialNonce::new("n")))
//!     .with_retry_policy(RetryPolicy::default())
//!     .with_jitter(|| 0.5);
//! let endpoint = ContractViewTicketRequest::by_id(ContractId::new("2591540368898105360"));
//! let t0 = Instant::now();
//! let mut call = engine.call_endpoint(&endpoint, t0);
//!
//! // Attempt 1: the gateway throttles with HTTP 429, an HTML page and `Retry-After: 1`.
//! let request = call.prepare(&endpoint, t0)?;
//! assert_eq!(request.headers()["x-qys-open-nonce"], "n-000000000001");
//! let mut head = HeaderMap::new();
//! head.insert("content-type", "text/html".parse()?);
//! head.insert("retry-after", "1".parse()?);
//! let mut body = call.envelope(StatusCode::TOO_MANY_REQUESTS, &head)?;
//! body.push(b"<h1>429</h1>")?;
//! let outcome = call.parse::<ContractViewTicketRequest>(StatusCode::TOO_MANY_REQUESTS, &head, body);
//! // Minting a ticket is not idempotent, but a 429 was surely not processed: retry, after
//! // the second the gateway asked for (longer than the 100 ms jittered backoff).
//! let Step::Retry(delay) = call.end(outcome, t0 + Duration::from_millis(3)) else { panic!() };
//! assert_eq!(delay, Duration::from_secs(1));
//!
//! // Attempt 2, re-signed with a fresh nonce: the ticket.
//! let request = call.prepare(&endpoint, t0 + Duration::from_millis(1003))?;
//! assert_eq!(request.headers()["x-qys-open-nonce"], "n-000000000002");
//! let mut head = HeaderMap::new();
//! head.insert("content-type", "application/json".parse()?);
//! let mut body = call.envelope(StatusCode::OK, &head)?;
//! body.push(br#"{"code":0,"message":"SUCCESS","result":{"ticket":"tk-1"}}"#)?;
//! let outcome = call.parse::<ContractViewTicketRequest>(StatusCode::OK, &head, body);
//! let Step::Done(Ok(ticket)) = call.end(outcome, t0 + Duration::from_millis(1005)) else { panic!() };
//! assert_eq!(ticket.value(), "tk-1");
//! assert_eq!(call.attempt(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};

use crate::clock::{Clock, Nonce, NonceSource};
use crate::core::Core;
use crate::download::{DownloadHead, DownloadMeta, Sniffer};
use crate::endpoint::{Download, Endpoint, Upload};
use crate::error::{
    BodyError, BodyErrorKind, BuildError, BuildErrorKind, CallContext, Error, TransportError,
    TransportErrorKind,
};
use crate::multipart::Segment;
use crate::observe::{AttemptEnd, CallEnd, Observer};
use crate::retry::{RetryDecision, RetryPolicy};
use crate::sign::SigningParams;
use crate::trace::CallSpan;

/// What every call of a client consults: the [`Core`], the clock, the nonce source, the retry
/// policy, the timeouts, the extra headers and the observer. A frontend's client holds one
/// beside its connections and starts a [`Call`] per call.
#[derive(Clone)]
pub struct Engine {
    core: Core,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    retry: RetryPolicy,
    timeout: Duration,
    idle_timeout: Duration,
    headers: HeaderMap,
    observer: Option<Arc<dyn Observer>>,
    jitter: fn() -> f64,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("core", &self.core)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("clock", &self.clock)
            .field("nonces", &self.nonces)
            .field("extra_headers", &self.headers.keys().collect::<Vec<_>>())
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

impl Engine {
    /// An engine for `core`, timestamps from `clock`, nonces from `nonces`; the default retry
    /// policy and timeouts ([`crate::settings::DEFAULT_TIMEOUT`]: 30 s,
    /// [`crate::settings::DEFAULT_IDLE_TIMEOUT`]: 60 s), no extra header, no observer, and a
    /// jitter of 0.5 until [`with_jitter`](Self::with_jitter) gives a random one.
    pub fn new(core: Core, clock: Arc<dyn Clock>, nonces: Arc<dyn NonceSource>) -> Self {
        Self {
            core,
            clock,
            nonces,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            headers: HeaderMap::new(),
            observer: None,
            jitter: || 0.5,
        }
    }

    /// Replaces the retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The per-attempt `timeout` (a whole JSON attempt; the head of a transfer) and the
    /// `idle_timeout` (the longest pause in a transfer's body).
    #[must_use]
    pub fn with_timeouts(mut self, timeout: Duration, idle_timeout: Duration) -> Self {
        self.timeout = timeout;
        self.idle_timeout = idle_timeout;
        self
    }

    /// Headers added to every request.
    ///
    /// # Errors
    /// [`BuildErrorKind::InvalidArgument`] for a header the core sets itself: the signed
    /// `x-qys-open-*` ones, `Host`, `Content-Length` and `Content-Type`.
    pub fn with_headers(mut self, headers: HeaderMap) -> Result<Self, BuildError> {
        for name in headers.keys() {
            check_extra_header(name)?;
        }
        self.headers = headers;
        Ok(self)
    }

    /// Reports every attempt and call to `observer`.
    #[must_use]
    pub fn with_observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Where retry jitter (uniform in `[0, 1)`) comes from.
    #[must_use]
    pub fn with_jitter(mut self, jitter: fn() -> f64) -> Self {
        self.jitter = jitter;
        self
    }

    /// The core: environment, signer, limits.
    pub fn core(&self) -> &Core {
        &self.core
    }

    /// The per-attempt timeout: a whole JSON attempt (waiting for a connection slot, connecting,
    /// sending, reading the answer); for uploads and downloads, until the answer's head (and an
    /// error envelope's body).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The longest pause while a transfer's body is read or written.
    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// The largest JSON answer read ([`crate::Limits::max_json_body`]).
    pub fn json_limit(&self) -> usize {
        self.core.limits().max_json_body
    }

    /// Starts a call of `method` `path` at `now`; `idempotent` says whether it may be retried
    /// after it may have reached the platform.
    pub fn call(&self, method: Method, path: &str, idempotent: bool, now: Instant) -> Call<'_> {
        let signer = self.core.signer();
        let token = signer
            .app()
            .or(signer.agent_credentials())
            .map(|c| c.token());
        Call {
            engine: self,
            span: CallSpan::new(&method, path, token),
            method,
            path: path.to_owned(),
            idempotent,
            started: now,
            attempt: 0,
            attempt_started: now,
            nonce: None,
            status: None,
            retry_after: None,
            sent: 0,
            received: 0,
            pending: None,
        }
    }

    /// [`call`](Self::call) for a JSON or query endpoint.
    pub fn call_endpoint<E: Endpoint + ?Sized>(&self, endpoint: &E, now: Instant) -> Call<'_> {
        self.call(
            endpoint.method(),
            endpoint.path(),
            endpoint.idempotent(),
            now,
        )
    }

    /// [`call`](Self::call) for an upload endpoint.
    pub fn call_upload<E: Upload + ?Sized>(&self, endpoint: &E, now: Instant) -> Call<'_> {
        self.call(
            endpoint.method(),
            endpoint.path(),
            endpoint.idempotent(),
            now,
        )
    }

    /// [`call`](Self::call) for a download: downloads only read, so they are retried as
    /// idempotent calls (until the body starts).
    pub fn call_download<E: Download + ?Sized>(&self, endpoint: &E, now: Instant) -> Call<'_> {
        self.call(endpoint.method(), endpoint.path(), true, now)
    }
}

fn check_extra_header(name: &HeaderName) -> Result<(), BuildError> {
    let own = name.as_str().starts_with("x-qys-open-")
        || name == HOST
        || name == CONTENT_LENGTH
        || name == CONTENT_TYPE;
    if own {
        return Err(BuildError::new(
            BuildErrorKind::InvalidArgument,
            format!("the header {name} is set by qys and cannot be added"),
        ));
    }
    Ok(())
}

/// What to do after [`Call::end`] (or [`Call::rewound`]).
#[derive(Debug)]
#[must_use]
pub enum Step<T> {
    /// The call is over: its result (an error names the call, see [`crate::CallContext`]).
    Done(Result<T, Error>),
    /// Wait this long, then start the next attempt.
    Retry(Duration),
}

/// One call, across its attempts. See the [module docs](self).
#[derive(Debug)]
pub struct Call<'e> {
    engine: &'e Engine,
    span: CallSpan,
    method: Method,
    path: String,
    idempotent: bool,
    started: Instant,
    attempt: u32,
    attempt_started: Instant,
    nonce: Option<Nonce>,
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    sent: u64,
    received: u64,
    /// The error of an attempt whose retry waits for the sources to rewind.
    pending: Option<(Error, Duration, Instant)>,
}

impl Call<'_> {
    /// The engine of this call.
    pub fn engine(&self) -> &Engine {
        self.engine
    }

    /// The call's tracing span: a frontend runs the call inside it (see [`crate::trace`]).
    pub fn span(&self) -> &CallSpan {
        &self.span
    }

    /// The attempt under way (1-based; 0 before the first).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Starts the next attempt at `now`: its own timestamp and nonce.
    pub fn params(&mut self, now: Instant) -> SigningParams {
        self.attempt += 1;
        self.attempt_started = now;
        self.status = None;
        self.retry_after = None;
        self.sent = 0;
        self.received = 0;
        let params = SigningParams::new(self.engine.clock.now_millis(), self.engine.nonces.nonce());
        self.nonce = Some(params.nonce().clone());
        params
    }

    fn with_extra_headers<B>(&self, mut request: Request<B>) -> Request<B> {
        for (name, value) in &self.engine.headers {
            request.headers_mut().append(name, value.clone());
        }
        request
    }

    /// Starts an attempt of a JSON or query call: the signed request.
    ///
    /// # Errors
    /// [`Error::Build`] as [`Core::prepare`].
    pub fn prepare<E: Endpoint + ?Sized>(
        &mut self,
        endpoint: &E,
        now: Instant,
    ) -> Result<Request<Bytes>, Error> {
        let params = self.params(now);
        Ok(self.with_extra_headers(self.engine.core.prepare(endpoint, &params)?))
    }

    /// Starts an attempt of a download: the signed request.
    ///
    /// # Errors
    /// [`Error::Build`] as [`Core::prepare_download`].
    pub fn prepare_download<E: Download + ?Sized>(
        &mut self,
        endpoint: &E,
        now: Instant,
    ) -> Result<Request<Bytes>, Error> {
        let params = self.params(now);
        Ok(self.with_extra_headers(self.engine.core.prepare_download(endpoint, &params)?))
    }

    /// Starts an attempt of an upload: the signed head (with the exact `Content-Length`) and
    /// the walk of its body.
    ///
    /// # Errors
    /// [`Error::Build`] as [`Core::prepare_upload`].
    pub fn prepare_upload<E: Upload + ?Sized>(
        &mut self,
        endpoint: &E,
        now: Instant,
    ) -> Result<(Request<()>, BodyWalk), Error> {
        let params = self.params(now);
        let (parts, multipart) = self
            .engine
            .core
            .prepare_upload(endpoint, &params)?
            .into_parts();
        let lengths = endpoint.files().iter().map(|f| f.length).collect();
        let walk = BodyWalk {
            segments: multipart.segments().to_vec(),
            lengths,
            index: 0,
            offset: 0,
            sent: 0,
            length: multipart.content_length(),
        };
        Ok((
            self.with_extra_headers(Request::from_parts(parts, ())),
            walk,
        ))
    }

    /// Records how many body bytes this attempt sent (an upload's [`BodyWalk::sent`]).
    pub fn record_sent(&mut self, bytes: u64) {
        self.sent = bytes;
    }

    /// Records how many body bytes this attempt received.
    pub fn record_received(&mut self, bytes: u64) {
        self.received = bytes;
    }

    /// Records an answer's head: its status, and its `Retry-After` (read with the engine's
    /// clock) for the error it may carry.
    pub fn head(&mut self, status: StatusCode, headers: &HeaderMap) {
        self.status = Some(status);
        self.retry_after = crate::retry::retry_after(headers, self.engine.clock.now_millis());
    }

    /// Records the head of an answer to be read whole (a JSON answer, a download's error
    /// envelope) and returns the buffer to read it into.
    ///
    /// # Errors
    /// [`TransportErrorKind::ResponseTooLarge`] (not retried) when its `Content-Length` is
    /// over [`crate::Limits::max_json_body`]: nothing is read.
    pub fn envelope(
        &mut self,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Result<EnvelopeBuf, Error> {
        self.head(status, headers);
        EnvelopeBuf::new(headers, self.engine.json_limit())
    }

    /// Turns a whole answer into the endpoint's response, or the error it carries.
    ///
    /// # Errors
    /// As [`Core::parse_parts`].
    pub fn parse<E: crate::endpoint::Call>(
        &mut self,
        status: StatusCode,
        headers: &HeaderMap,
        body: EnvelopeBuf,
    ) -> Result<E::Response, Error> {
        self.received = body.len() as u64;
        self.engine
            .core
            .parse_parts::<E>(status, headers, body.as_bytes())
    }

    /// What a download's head means: the file, a body to sniff, or an error envelope to read.
    ///
    /// # Errors
    /// As [`envelope`](Self::envelope), for an error envelope over the limit.
    pub fn download_head<'h>(
        &mut self,
        status: StatusCode,
        headers: &'h HeaderMap,
    ) -> Result<DownloadStep<'h>, Error> {
        self.head(status, headers);
        Ok(match self.engine.core.classify_download(status, headers) {
            DownloadHead::File(meta) => DownloadStep::File(meta, None),
            DownloadHead::Sniff(meta) => DownloadStep::File(
                meta,
                Some(Sniffer::new(status, headers, self.engine.json_limit())),
            ),
            DownloadHead::Envelope => {
                DownloadStep::Envelope(EnvelopeBuf::new(headers, self.engine.json_limit())?)
            }
        })
    }

    /// Records the head of an answer handed over unread whatever it says (a forwarded
    /// download), and returns what it says of the file (nothing for an error envelope).
    pub fn forwarded_head(&mut self, status: StatusCode, headers: &HeaderMap) -> DownloadMeta {
        self.head(status, headers);
        match self.engine.core.classify_download(status, headers) {
            DownloadHead::File(meta) | DownloadHead::Sniff(meta) => meta,
            DownloadHead::Envelope => DownloadMeta::default(),
        }
    }

    /// The error a download's envelope (read whole) carries.
    pub fn download_error(
        &mut self,
        status: StatusCode,
        headers: &HeaderMap,
        body: EnvelopeBuf,
    ) -> Error {
        self.received = body.len() as u64;
        self.engine
            .core
            .download_error(status, headers, body.as_bytes())
    }

    /// Ends the attempt with its outcome at `now`: the observer hears of it, and the call
    /// either is over or waits and retries.
    pub fn end<T>(&mut self, outcome: Result<T, Error>, now: Instant) -> Step<T> {
        match self.end_with(outcome, now, false) {
            Some(step) => step,
            None => self.rewound(true),
        }
    }

    /// [`end`](Self::end) for an upload: `None` when a retry is wanted, once every upload
    /// source is rewound; rewind them, then ask [`rewound`](Self::rewound).
    pub fn end_upload<T>(&mut self, outcome: Result<T, Error>, now: Instant) -> Option<Step<T>> {
        self.end_with(outcome, now, true)
    }

    fn end_with<T>(
        &mut self,
        outcome: Result<T, Error>,
        now: Instant,
        rewinds: bool,
    ) -> Option<Step<T>> {
        let error = match outcome {
            Ok(value) => {
                self.attempt_ended(None, None, now);
                return Some(self.done(Ok(value), now));
            }
            Err(e) => e.with_retry_after(self.retry_after),
        };
        let decision = self.engine.retry.decide(
            self.attempt,
            &error,
            self.idempotent,
            true,
            now.saturating_duration_since(self.started),
            (self.engine.jitter)(),
        );
        match decision {
            RetryDecision::Stop => {
                self.attempt_ended(Some(&error), None, now);
                Some(self.done(Err(error), now))
            }
            RetryDecision::RetryAfter(delay) => {
                self.pending = Some((error, delay, now));
                if rewinds {
                    None
                } else {
                    Some(self.rewound(true))
                }
            }
        }
    }

    /// After [`end_upload`](Self::end_upload) answered `None`: whether every source rewound.
    /// A source that cannot rewind ends the call with the attempt's error.
    pub fn rewound<T>(&mut self, rewound: bool) -> Step<T> {
        let Some((error, delay, now)) = self.pending.take() else {
            return Step::Retry(Duration::ZERO);
        };
        if rewound {
            self.attempt_ended(Some(&error), Some(delay), now);
            Step::Retry(delay)
        } else {
            self.attempt_ended(Some(&error), None, now);
            self.done(Err(error), now)
        }
    }

    /// The one place where an attempt ends: the observer (and tracing) hear of it here.
    fn attempt_ended(&self, error: Option<&Error>, retry: Option<Duration>, now: Instant) {
        let end = AttemptEnd {
            method: &self.method,
            path: &self.path,
            attempt: self.attempt,
            nonce: self.nonce.as_ref().map(Nonce::as_str),
            status: self.status,
            error,
            elapsed: now.saturating_duration_since(self.attempt_started),
            bytes_sent: self.sent,
            bytes_received: self.received,
            retry_in: retry,
        };
        self.span.attempt_ended(&end);
        if let Some(observer) = &self.engine.observer {
            observer.attempt(&end);
        }
    }

    /// The one place where a call ends: the observer (and tracing) hear of it, and an error
    /// gets the call's [`CallContext`].
    fn done<T>(&self, result: Result<T, Error>, now: Instant) -> Step<T> {
        let elapsed = now.saturating_duration_since(self.started);
        let end = CallEnd {
            method: &self.method,
            path: &self.path,
            attempts: self.attempt,
            status: self.status,
            error: result.as_ref().err(),
            elapsed,
        };
        self.span.call_ended(&end);
        if let Some(observer) = &self.engine.observer {
            observer.call(&end);
        }
        Step::Done(result.map_err(|e| {
            let base = self.engine.core.environment().base_url();
            let host = base.split("://").nth(1).unwrap_or(base);
            let host = host.split('/').next().unwrap_or(host);
            e.with_context(CallContext::new(
                self.method.clone(),
                self.path.clone(),
                host.to_owned(),
                self.attempt,
                elapsed,
            ))
        }))
    }
}

/// What a download's head means, from [`Call::download_head`].
#[derive(Debug)]
pub enum DownloadStep<'h> {
    /// The file: stream the body to the caller. With a [`Sniffer`] (the head labels nothing),
    /// first read the first bytes into it until it decides: it hands them back to go out
    /// before the rest, or returns the error the body turned out to be.
    File(DownloadMeta, Option<Sniffer<'h>>),
    /// An error envelope: read it whole, then [`Call::download_error`].
    Envelope(EnvelopeBuf),
}

/// An answer read whole, up to the JSON limit. Made by [`Call::envelope`], which refuses a
/// declared length over the limit before anything is read.
#[derive(Debug)]
pub struct EnvelopeBuf {
    bytes: Vec<u8>,
    limit: usize,
}

impl EnvelopeBuf {
    fn new(headers: &HeaderMap, limit: usize) -> Result<Self, Error> {
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large(limit));
        }
        // Trust a declared length for the first allocation only up to 1 MiB.
        let initial = declared.map_or(8 * 1024, |l| l.min(1024 * 1024) as usize);
        Ok(Self {
            bytes: Vec::with_capacity(initial),
            limit,
        })
    }

    /// How many more bytes to read at most (one past the limit, to notice a longer answer).
    pub fn room(&self) -> usize {
        (self.limit - self.bytes.len()).saturating_add(1)
    }

    /// The next bytes of the answer.
    ///
    /// # Errors
    /// [`TransportErrorKind::ResponseTooLarge`] once the answer is longer than the limit.
    pub fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() > self.limit - self.bytes.len() {
            return Err(too_large(self.limit));
        }
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    /// The bytes read.
    pub fn into_bytes(self) -> Bytes {
        Bytes::from(self.bytes)
    }

    /// The bytes read so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many bytes were read.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

fn too_large(limit: usize) -> Error {
    TransportError::new(
        TransportErrorKind::ResponseTooLarge,
        format!("the answer is larger than the {limit}-byte limit"),
        None,
    )
    .into()
}

/// What a transport waited for when a deadline passed: the one wording of timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wait {
    /// A free connection slot (`max_connections`).
    Slot,
    /// Name resolution, TCP connect and the TLS handshake (`connect_timeout`).
    Connect,
    /// A whole JSON attempt (`timeout`).
    Attempt,
    /// The head of the answer to an upload or a download (`timeout`).
    Head,
    /// The next piece of an answer's body (`idle_timeout` for files, `timeout` for envelopes).
    Body,
    /// The connection taking the next piece of an upload (`idle_timeout`).
    Send,
    /// An upload source giving its next bytes (`idle_timeout`).
    Source,
}

impl Wait {
    /// The transport error of this wait passing `limit`.
    pub fn timed_out(self, limit: Duration) -> Error {
        self.timed_out_from(limit, None)
    }

    /// [`timed_out`](Self::timed_out), keeping the transport's own error as `source()`.
    pub fn timed_out_from(
        self,
        limit: Duration,
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        let what = match self {
            Self::Slot => "waiting for a free connection slot",
            Self::Connect => "connecting",
            Self::Attempt => "the attempt",
            Self::Head => "waiting for the answer's head",
            Self::Body => "waiting for the answer's body",
            Self::Send => "sending the upload",
            Self::Source => "reading the upload source",
        };
        TransportError::new(
            TransportErrorKind::Timeout,
            format!("{what} took longer than {limit:?}"),
            source,
        )
        .into()
    }
}

/// The transport error of `kind` in the one wording both frontends use; `source` is the
/// transport's own error. Timeouts are worded by [`Wait::timed_out`].
pub fn transport_error(
    kind: TransportErrorKind,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
) -> Error {
    let message = match kind {
        TransportErrorKind::Connect => "could not connect",
        TransportErrorKind::Tls => "the TLS session failed",
        TransportErrorKind::Timeout => "a deadline passed",
        TransportErrorKind::Io => "the connection broke",
        TransportErrorKind::Protocol => "the server did not speak valid HTTP/1.1",
        TransportErrorKind::ResponseTooLarge => "the answer is larger than the limit",
        _ => "the HTTP transport failed",
    };
    TransportError::new(kind, message, source).into()
}

/// The walk of an upload's body: the core's framing, with each file's bytes read from its
/// source in between and counted against its declared length. The one place that notices
/// a source longer or shorter than declared.
#[derive(Debug)]
pub struct BodyWalk {
    segments: Vec<Segment>,
    lengths: Vec<u64>,
    index: usize,
    /// Bytes of the current file read so far.
    offset: u64,
    sent: u64,
    length: u64,
}

/// The next piece of an upload's body, from [`BodyWalk::next`].
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// Framing bytes to send.
    Bytes(Bytes),
    /// Read at most `max` bytes (at least 1) from the source of file `file`, send them, and
    /// tell [`BodyWalk::read`] how many came (0 when the source ended). After the declared
    /// length this is a probe for the end (`max` 1): nothing may come.
    Read {
        /// The index of the file (and of its source).
        file: usize,
        /// The most bytes to read.
        max: usize,
    },
    /// The body is complete.
    End,
}

impl BodyWalk {
    /// The next piece, reading at most `chunk` bytes of a file at once.
    pub fn next(&mut self, chunk: usize) -> Piece {
        let Some(segment) = self.segments.get(self.index) else {
            return Piece::End;
        };
        match segment {
            Segment::Bytes(bytes) => {
                let bytes = bytes.clone();
                self.index += 1;
                self.sent += bytes.len() as u64;
                Piece::Bytes(bytes)
            }
            Segment::File(file) => {
                let left = self.lengths.get(*file).copied().unwrap_or(0) - self.offset;
                let max = usize::try_from(left)
                    .unwrap_or(usize::MAX)
                    .min(chunk.max(1));
                Piece::Read {
                    file: *file,
                    max: max.max(1),
                }
            }
        }
    }

    /// `n` bytes came from the source asked for by the last [`Piece::Read`].
    ///
    /// # Errors
    /// [`BodyErrorKind::LengthMismatch`] when the source ended before its declared length, or
    /// gave a byte after it: the body must be aborted.
    pub fn read(&mut self, n: usize) -> Result<(), Error> {
        let Some(&Segment::File(file)) = self.segments.get(self.index) else {
            return Ok(());
        };
        let declared = self.lengths.get(file).copied().unwrap_or(0);
        match (n, self.offset == declared) {
            (0, true) => {
                self.index += 1;
                self.offset = 0;
                Ok(())
            }
            (0, false) => Err(mismatch(format!(
                "file {file} of the upload ended after {} of its declared {declared} bytes",
                self.offset
            ))),
            (_, true) => Err(mismatch(format!(
                "file {file} of the upload has more than its declared {declared} bytes"
            ))),
            (n, false) => {
                self.offset += n as u64;
                self.sent += n as u64;
                Ok(())
            }
        }
    }

    /// The error of a source that failed to read (or is missing: `None`).
    pub fn source_failed(&self, error: Option<std::io::Error>) -> Error {
        let file = match self.segments.get(self.index) {
            Some(Segment::File(file)) => *file,
            _ => 0,
        };
        BodyError::new(
            BodyErrorKind::ReadSource,
            format!("reading file {file} of the upload failed"),
            error,
        )
        .into()
    }

    /// Body bytes handed out so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The exact length of the whole body (its `Content-Length`).
    pub fn content_length(&self) -> u64 {
        self.length
    }
}

fn mismatch(message: String) -> Error {
    BodyError::new(BodyErrorKind::LengthMismatch, message, None).into()
}

/// The value of an extra header, checked.
///
/// # Errors
/// [`BuildErrorKind::InvalidArgument`] for a name or value that is not valid in a header, or
/// a header the core sets itself (see [`Engine::with_headers`]).
pub fn extra_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), BuildError> {
    let bad = |what: &str| {
        BuildError::new(
            BuildErrorKind::InvalidArgument,
            format!("invalid extra header {what}"),
        )
    };
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("name"))?;
    check_extra_header(&name)?;
    let value = HeaderValue::from_str(value).map_err(|_| bad("value"))?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multipart::{UploadFile, frame};

    fn walk(declared: u64) -> BodyWalk {
        let file = UploadFile::new("a.bin", declared, ());
        let m = frame("B", &[], &[file.part("file")]).unwrap();
        BodyWalk {
            segments: m.segments().to_vec(),
            lengths: vec![declared],
            index: 0,
            offset: 0,
            sent: 0,
            length: m.content_length(),
        }
    }

    /// Walks with a source of `have` bytes; returns the body or the error.
    fn drive(declared: u64, have: &[u8]) -> Result<Vec<u8>, Error> {
        let mut w = walk(declared);
        let mut src = have;
        let mut out = Vec::new();
        loop {
            match w.next(2) {
                Piece::Bytes(b) => out.extend_from_slice(&b),
                Piece::Read { max, .. } => {
                    let n = max.min(src.len());
                    out.extend_from_slice(&src[..n]);
                    src = &src[n..];
                    w.read(n)?;
                }
                Piece::End => {
                    assert_eq!(w.sent(), out.len() as u64);
                    return Ok(out);
                }
            }
        }
    }

    #[test]
    fn a_walk_sends_framing_and_exactly_the_declared_bytes() {
        let body = drive(3, b"abc").unwrap();
        assert!(
            String::from_utf8(body)
                .unwrap()
                .contains("\r\n\r\nabc\r\n--B--")
        );
        for (declared, have) in [(5, &b"abc"[..]), (2, b"abc"), (0, b"x")] {
            let Err(Error::Body(e)) = drive(declared, have) else {
                panic!("{declared} vs {have:?}")
            };
            assert_eq!(e.kind(), BodyErrorKind::LengthMismatch);
        }
    }

    #[test]
    fn extra_headers_cannot_replace_the_core_s() {
        for name in [
            "x-qys-open-signature",
            "Host",
            "content-length",
            "Content-Type",
        ] {
            assert!(extra_header(name, "x").is_err(), "{name}");
        }
        assert!(extra_header("x-request-id", "abc").is_ok());
        assert!(extra_header("bad name", "x").is_err());
        assert!(extra_header("x-a", "bad\nvalue").is_err());
    }

    #[test]
    fn envelopes_refuse_a_declared_length_over_the_limit() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_LENGTH, HeaderValue::from(10_737_418_240_u64));
        let Err(Error::Transport(t)) = EnvelopeBuf::new(&h, 1024) else {
            panic!()
        };
        assert_eq!(t.kind(), TransportErrorKind::ResponseTooLarge);
        let mut b = EnvelopeBuf::new(&HeaderMap::new(), 4).unwrap();
        assert_eq!(b.room(), 5);
        b.push(b"abcd").unwrap();
        assert!(b.push(b"e").is_err());
    }
}
