//! [`Client`] and [`ClientBuilder`]: the loop around [`Core`] (build, send, read with a
//! limit, parse, ask the retry policy).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use qys_proto::download::{DownloadHead, DownloadMeta};
use qys_proto::endpoint::{self, Endpoint, Upload};
use qys_proto::multipart::Segment;
use qys_proto::retry::{RetryDecision, RetryPolicy};
use qys_proto::{
    BodyError, BodyErrorKind, Clock, Core, Environment, Error, Limits, NonceSource, RandomNonce,
    Result, Signer, SigningParams, SystemClock,
};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::download::Download;
use crate::source::Source;
use crate::transport::{
    self, BoxError, ChannelBody, Http, ReqBody, TransportConfig, client_error, full_body,
    read_limited, timeout_error,
};

/// The default whole-call timeout of JSON calls.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default longest wait between two body frames of a download or an upload.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The default time an unused pooled connection is kept.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The default number of idle connections kept per host.
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 32;

/// The largest piece of an upload source read at once.
const UPLOAD_CHUNK: usize = 64 * 1024;

/// An async client of the Open Platform.
///
/// Cheap to clone: clones share one connection pool and one configuration. `Send + Sync`.
/// `Debug` shows the environment, the token abbreviated and the settings, never a secret.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    core: Core,
    http: Http,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    retry: RetryPolicy,
    timeout: Duration,
    idle_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        f.debug_struct("Client")
            .field("core", &i.core)
            .field("clock", &i.clock)
            .field("nonces", &i.nonces)
            .field("retry", &i.retry)
            .field("timeout", &i.timeout)
            .field("idle_timeout", &i.idle_timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; see [`Client::builder`] for the defaults.
pub struct ClientBuilder {
    environment: Environment,
    signer: Signer,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    idle_timeout: Duration,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    roots: Vec<Vec<u8>>,
    user_agent: Option<String>,
    limits: Limits,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("signer", &self.signer)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("retry", &self.retry)
            .field("clock", &self.clock)
            .field("nonces", &self.nonces)
            .field("extra_roots", &self.roots.len())
            .field("user_agent", &self.user_agent)
            .field("limits", &self.limits)
            .finish()
    }
}

impl ClientBuilder {
    /// Allows a plain `http://` environment (a loopback sandbox, an intranet gateway). Requests,
    /// tokens and signatures then travel unencrypted. Off by default.
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The deadline of a whole JSON call: connecting, sending and reading the answer (default
    /// 30 s). For uploads and downloads it bounds the wait for the answer's head (and reading
    /// an error envelope), while the body itself is bounded by the
    /// [`idle_timeout`](Self::idle_timeout). Retries each get their own deadline; the retry
    /// policy bounds the total.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The deadline of opening a TCP connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest wait between two frames of a download's body, or between two pieces of an
    /// upload's source being read and taken by the connection (default 60 s).
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How long an unused pooled connection is kept open (default 30 s).
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections are kept per host (default 32; 0 disables reuse).
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// When failed calls are retried (default [`RetryPolicy::default`]). Non-idempotent calls
    /// are only retried when they surely did not reach the platform.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Where request timestamps come from (default [`SystemClock`]). An offset clock helps a
    /// machine whose time drifts outside the platform's window.
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Where request nonces come from (default [`RandomNonce`]).
    #[must_use]
    pub fn nonce_source(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Trusts the certificates of a PEM document (one or more `CERTIFICATE` blocks) in
    /// addition to the Mozilla roots, e.g. a private gateway's CA. Checked by
    /// [`build`](Self::build).
    #[must_use]
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.roots.push(pem.to_vec());
        self
    }

    /// Replaces the user agent (default `qys/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Replaces the size limits (default [`Limits::default`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The client. Needs no async runtime; the first request does.
    ///
    /// # Errors
    /// [`Error::Build`]: [`InsecureUrl`](qys_proto::BuildErrorKind::InsecureUrl) for an
    /// `http://` environment without [`allow_http`](Self::allow_http);
    /// [`InvalidArgument`](qys_proto::BuildErrorKind::InvalidArgument) for a user agent that
    /// is not a header value, or a root certificate that is not a PEM certificate.
    pub fn build(self) -> Result<Client> {
        let mut core = Core::builder(self.environment, self.signer)
            .allow_http(self.allow_http)
            .limits(self.limits);
        if let Some(ua) = self.user_agent {
            core = core.user_agent(ua);
        }
        let core = core.build()?;
        let http = transport::build_http(&TransportConfig {
            connect_timeout: self.connect_timeout,
            pool_idle_timeout: self.pool_idle_timeout,
            pool_max_idle_per_host: self.pool_max_idle_per_host,
            extra_roots_pem: &self.roots,
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                core,
                http,
                clock: self.clock,
                nonces: self.nonces,
                retry: self.retry,
                timeout: self.timeout,
                idle_timeout: self.idle_timeout,
            }),
        })
    }
}

type Answer = (StatusCode, HeaderMap, Bytes);

impl Client {
    /// A builder for `environment`, signing with `signer` (or plain app
    /// [`Credentials`](qys_proto::Credentials)).
    ///
    /// Defaults: [`SystemClock`], [`RandomNonce`], [`RetryPolicy::default`], whole-call timeout
    /// 30 s, connect timeout 10 s, idle timeout 60 s, pool idle timeout 30 s, 32 idle
    /// connections per host, [`Limits::default`], Mozilla roots, plain http refused.
    pub fn builder(environment: Environment, signer: impl Into<Signer>) -> ClientBuilder {
        ClientBuilder {
            environment,
            signer: signer.into(),
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            nonces: Arc::new(RandomNonce),
            roots: Vec::new(),
            user_agent: None,
            limits: Limits::default(),
        }
    }

    /// The sans-IO core this client drives (environment, signer, limits).
    pub fn core(&self) -> &Core {
        &self.inner.core
    }

    /// Sends a JSON or query call and returns its typed response.
    ///
    /// Every attempt is signed with a fresh timestamp and nonce; failures are retried as the
    /// retry policy says (never a non-idempotent call that may have reached the platform).
    ///
    /// # Errors
    /// [`Error::Build`] (nothing sent; also for an upload endpoint, use
    /// [`upload`](Self::upload)), [`Error::Transport`], [`Error::Status`], [`Error::Api`] or
    /// [`Error::Decode`].
    pub async fn execute<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response> {
        let inner = &*self.inner;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let params = inner.params();
            let request = inner.core.prepare(endpoint, &params)?.map(full_body);
            let error = match inner.json_call(request).await {
                Ok((status, headers, body)) => {
                    match inner.core.parse_parts::<E>(status, &headers, &body) {
                        Ok(response) => return Ok(response),
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            match inner.decide(attempt, &error, E::IDEMPOTENT, started) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return Err(error),
            }
        }
    }

    /// Sends an upload call: the core's multipart framing with each file streamed from its
    /// [`Source`] in between, never buffered whole. The body's length is exact; a source that
    /// yields fewer or more bytes than its file declares fails with
    /// [`BodyErrorKind::LengthMismatch`] and the request is aborted.
    ///
    /// A failed upload is retried (as the policy allows) only after every source was rewound
    /// ([`Source::rewind`] answered `true`).
    ///
    /// # Errors
    /// As [`execute`](Self::execute), plus [`Error::Body`] when reading a source fails or its
    /// length is wrong, and [`Error::Transport`] with kind `Timeout` when a source or the
    /// connection stalls longer than the idle timeout.
    pub async fn upload<E: Upload>(&self, endpoint: &mut E) -> Result<E::Response>
    where
        E::Source: Source,
    {
        let inner = &*self.inner;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let params = inner.params();
            let (parts, multipart) = inner.core.prepare_upload(&*endpoint, &params)?.into_parts();
            let lengths: Vec<u64> = endpoint.files().iter().map(|f| f.length).collect();
            let (tx, body) = ChannelBody::new(multipart.content_length());
            let request = Request::from_parts(parts, body.boxed_unsync());
            let outcome = inner
                .upload_call(
                    request,
                    tx,
                    multipart.segments(),
                    &lengths,
                    endpoint.sources_mut(),
                )
                .await;
            let error = match outcome {
                Ok((status, headers, body)) => {
                    match inner.core.parse_parts::<E>(status, &headers, &body) {
                        Ok(response) => return Ok(response),
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            // Asked as if rewindable; rewinding happens only once a retry is wanted, and a
            // source that cannot rewind turns the retry into a stop (same decision).
            let Some(delay) = inner.decide(attempt, &error, E::IDEMPOTENT, started) else {
                return Err(error);
            };
            if !rewind_all(endpoint.sources_mut()).await {
                return Err(error);
            }
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Starts a download. A success is a [`Download`] to read chunk by chunk; an error
    /// envelope (the platform answers download failures with JSON, even with HTTP 200) is
    /// read with the JSON size limit and returned as the error it carries.
    ///
    /// Downloads are reads, so failures before the body starts are retried as an idempotent
    /// call; once the body streams, nothing is retried.
    ///
    /// # Errors
    /// [`Error::Build`], [`Error::Transport`], [`Error::Status`], [`Error::Api`], or
    /// [`Error::Decode`] when the platform answered a success envelope instead of a file.
    pub async fn download<E: endpoint::Download>(&self, endpoint: &E) -> Result<Download> {
        let inner = &*self.inner;
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            let params = inner.params();
            let request = inner
                .core
                .prepare_download(endpoint, &params)?
                .map(full_body);
            let error = match inner.download_call(request).await {
                Ok(download) => return Ok(download),
                Err(e) => e,
            };
            match inner.decide(attempt, &error, true, started) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return Err(error),
            }
        }
    }

    /// Downloads into `sink` and flushes it; returns what the head said about the file.
    ///
    /// # Errors
    /// As [`download`](Self::download) (including a transport error when the body breaks off
    /// or stalls), plus [`BodyErrorKind::WriteSink`] when writing fails. Bytes already written
    /// stay in the sink.
    pub async fn download_to<E: endpoint::Download, W: AsyncWrite + Unpin>(
        &self,
        endpoint: &E,
        sink: &mut W,
    ) -> Result<DownloadMeta> {
        let mut download = self.download(endpoint).await?;
        while let Some(chunk) = download.chunk().await? {
            sink.write_all(&chunk).await.map_err(write_error)?;
        }
        sink.flush().await.map_err(write_error)?;
        Ok(download.meta().clone())
    }

    /// Downloads into the file at `path`, all or nothing: the body goes to a temporary file in
    /// the same directory, which is synced to disk and renamed to `path` only once complete
    /// (replacing a file already there). On any failure, or if the future is dropped, the
    /// temporary file is removed and `path` is left as it was.
    ///
    /// # Errors
    /// As [`download_to`](Self::download_to); creating, syncing or renaming the file fails
    /// with [`BodyErrorKind::WriteSink`].
    pub async fn download_to_path<E: endpoint::Download>(
        &self,
        endpoint: &E,
        path: impl AsRef<Path>,
    ) -> Result<DownloadMeta> {
        let path = path.as_ref();
        let mut download = self.download(endpoint).await?;
        let (file, temp) = create_temp_beside(path).await?;
        let mut guard = TempGuard(Some(temp.clone()));
        let written = async {
            let mut file = file;
            while let Some(chunk) = download.chunk().await? {
                file.write_all(&chunk).await.map_err(write_error)?;
            }
            file.flush().await.map_err(write_error)?;
            file.sync_all().await.map_err(write_error)?;
            Ok::<_, Error>(())
        }
        .await;
        let result = match written {
            Ok(()) => tokio::fs::rename(&temp, path).await.map_err(write_error),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                guard.0 = None;
                sync_parent(path).await;
                Ok(download.meta().clone())
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&temp).await;
                guard.0 = None;
                Err(e)
            }
        }
    }
}

impl Inner {
    /// Fresh signing inputs: every attempt gets its own timestamp and nonce.
    fn params(&self) -> SigningParams {
        SigningParams::new(self.clock.now_millis(), self.nonces.nonce())
    }

    fn decide(
        &self,
        attempt: u32,
        error: &Error,
        idempotent: bool,
        started: Instant,
    ) -> Option<Duration> {
        match self.retry.decide(
            attempt,
            error,
            idempotent,
            true,
            started.elapsed(),
            qys_proto::system_jitter(),
        ) {
            RetryDecision::RetryAfter(delay) => Some(delay),
            RetryDecision::Stop => None,
        }
    }

    /// Send and read the whole answer, within the whole-call timeout.
    async fn json_call(&self, request: Request<ReqBody>) -> Result<Answer> {
        let limit = self.core.limits().max_json_body;
        let host = host_of(&request);
        let call = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| client_error(e, &host))?;
            let (parts, body) = response.into_parts();
            let body = read_limited(&parts.headers, body, limit).await?;
            Ok((parts.status, parts.headers, body))
        };
        tokio::time::timeout(self.timeout, call)
            .await
            .map_err(|_| timeout_error("the call", self.timeout))?
    }

    /// Sends an upload: the request goes out while `pump` feeds its body from the sources.
    async fn upload_call<S: Source>(
        &self,
        request: Request<ReqBody>,
        tx: mpsc::Sender<std::result::Result<Bytes, BoxError>>,
        segments: &[Segment],
        lengths: &[u64],
        sources: Vec<&mut S>,
    ) -> Result<Answer> {
        let host = host_of(&request);
        let send = self.http.request(request);
        let pump = pump(tx, segments, lengths, sources, self.idle_timeout);
        tokio::pin!(send);
        tokio::pin!(pump);
        let mut pumping = true;
        let response = loop {
            if pumping {
                tokio::select! {
                    biased;
                    pumped = &mut pump => {
                        pumped?;
                        pumping = false;
                    }
                    sent = &mut send => break sent.map_err(|e| client_error(e, &host))?,
                }
            } else {
                break tokio::time::timeout(self.timeout, &mut send)
                    .await
                    .map_err(|_| {
                        timeout_error("waiting for the answer to the upload", self.timeout)
                    })?
                    .map_err(|e| client_error(e, &host))?;
            }
        };
        let (parts, body) = response.into_parts();
        let limit = self.core.limits().max_json_body;
        let body = tokio::time::timeout(self.timeout, read_limited(&parts.headers, body, limit))
            .await
            .map_err(|_| timeout_error("reading the answer", self.timeout))??;
        Ok((parts.status, parts.headers, body))
    }

    /// Sends a download and looks at the head: the file, or the error envelope.
    async fn download_call(&self, request: Request<ReqBody>) -> Result<Download> {
        let host = host_of(&request);
        let response = tokio::time::timeout(self.timeout, self.http.request(request))
            .await
            .map_err(|_| timeout_error("waiting for the download to start", self.timeout))?
            .map_err(|e| client_error(e, &host))?;
        let (parts, body) = response.into_parts();
        match self.core.classify_download(parts.status, &parts.headers) {
            DownloadHead::File(meta) => Ok(Download::new(meta, body, self.idle_timeout)),
            DownloadHead::Envelope => {
                let limit = self.core.limits().max_json_body;
                let bytes =
                    tokio::time::timeout(self.timeout, read_limited(&parts.headers, body, limit))
                        .await
                        .map_err(|_| timeout_error("reading the answer", self.timeout))??;
                Err(self
                    .core
                    .download_error(parts.status, &parts.headers, &bytes))
            }
        }
    }
}

/// Feeds the body channel: framing segments as they are, each file read from its source and
/// counted against its declared length. Returns `Ok` early when the connection stops taking
/// the body (the request's own outcome then tells what happened).
async fn pump<S: Source>(
    tx: mpsc::Sender<std::result::Result<Bytes, BoxError>>,
    segments: &[Segment],
    lengths: &[u64],
    mut sources: Vec<&mut S>,
    idle: Duration,
) -> Result<()> {
    let result = pump_inner(&tx, segments, lengths, &mut sources, idle).await;
    if let Err(e) = &result {
        // Abort the request body so the server never sees a complete (corrupt) request.
        let _ = tx.try_send(Err(Box::new(io::Error::other(e.to_string()))));
    }
    result
}

async fn pump_inner<S: Source>(
    tx: &mpsc::Sender<std::result::Result<Bytes, BoxError>>,
    segments: &[Segment],
    lengths: &[u64],
    sources: &mut [&mut S],
    idle: Duration,
) -> Result<()> {
    let mut buf = vec![0u8; UPLOAD_CHUNK];
    for segment in segments {
        match segment {
            Segment::Bytes(bytes) => {
                if !feed(tx, bytes.clone(), idle).await? {
                    return Ok(());
                }
            }
            Segment::File(index) => {
                let (Some(source), Some(&declared)) =
                    (sources.get_mut(*index), lengths.get(*index))
                else {
                    return Err(BodyError::new(
                        BodyErrorKind::ReadSource,
                        format!("the endpoint gave no source for file part {index}"),
                        None,
                    )
                    .into());
                };
                let source: &mut S = source;
                let mut remaining = declared;
                while remaining > 0 {
                    let want = usize::try_from(remaining).map_or(buf.len(), |r| r.min(buf.len()));
                    let n = read_source(source, &mut buf[..want], idle).await?;
                    if n == 0 {
                        return Err(mismatch(format!(
                            "the source of file part {index} ended after {} of its {declared} declared bytes",
                            declared - remaining
                        )));
                    }
                    remaining -= n as u64;
                    if !feed(tx, Bytes::copy_from_slice(&buf[..n]), idle).await? {
                        return Ok(());
                    }
                }
                let mut probe = [0u8; 1];
                if read_source(source, &mut probe, idle).await? != 0 {
                    return Err(mismatch(format!(
                        "the source of file part {index} is longer than its {declared} declared bytes"
                    )));
                }
            }
        }
    }
    Ok(())
}

async fn read_source<S: Source>(source: &mut S, buf: &mut [u8], idle: Duration) -> Result<usize> {
    tokio::time::timeout(idle, source.read(buf))
        .await
        .map_err(|_| timeout_error("reading the upload source", idle))?
        .map_err(|e| {
            BodyError::new(
                BodyErrorKind::ReadSource,
                "reading the upload source failed",
                Some(e),
            )
            .into()
        })
}

/// Hands a piece of body to the connection; `Ok(false)` when it no longer takes any.
async fn feed(
    tx: &mpsc::Sender<std::result::Result<Bytes, BoxError>>,
    bytes: Bytes,
    idle: Duration,
) -> Result<bool> {
    match tokio::time::timeout(idle, tx.send(Ok(bytes))).await {
        Err(_) => Err(timeout_error("sending the upload", idle)),
        Ok(Err(_closed)) => Ok(false),
        Ok(Ok(())) => Ok(true),
    }
}

/// The `host:port` of a request, for error messages.
fn host_of<B>(request: &Request<B>) -> String {
    request
        .uri()
        .authority()
        .map_or_else(String::new, |a| a.to_string())
}

fn mismatch(message: String) -> Error {
    BodyError::new(BodyErrorKind::LengthMismatch, message, None).into()
}

/// Rewinds every source; `false` when one cannot be (or fails to be) rewound.
async fn rewind_all<S: Source>(sources: Vec<&mut S>) -> bool {
    for source in sources {
        if !matches!(source.rewind().await, Ok(true)) {
            return false;
        }
    }
    true
}

fn write_error(e: io::Error) -> Error {
    BodyError::new(
        BodyErrorKind::WriteSink,
        "writing the download failed",
        Some(e),
    )
    .into()
}

/// Removes the temporary file if the download is abandoned (error or dropped future).
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Creates a new, empty temporary file in the directory of `path`.
async fn create_temp_beside(path: &Path) -> Result<(tokio::fs::File, PathBuf)> {
    let name = path.file_name().ok_or_else(|| {
        write_error(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the download path has no file name",
        ))
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut last = None;
    for _ in 0..16 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}-{n}.qys-part", std::process::id()));
        let temp = dir.join(temp_name);
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await
        {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(write_error(e)),
        }
    }
    Err(write_error(last.unwrap_or_else(|| {
        io::Error::other("no free temporary file name")
    })))
}

/// Makes the rename durable where the platform allows it (best effort).
async fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = tokio::fs::File::open(dir).await
    {
        let _ = dir.sync_all().await;
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn client_is_send_sync_clone_and_builds_without_a_runtime() {
        assert_send_sync::<Client>();
        let client = Client::builder(
            Environment::test(),
            qys_proto::Credentials::new("tokentokentoken", "very-secret-value"),
        )
        .build()
        .expect("builds outside a runtime");
        let shown = format!("{client:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(!shown.contains("tokentokentoken"), "{shown}");
        let builder = Client::builder(
            Environment::test(),
            qys_proto::Credentials::new("tokentokentoken", "very-secret-value"),
        );
        let shown = format!("{builder:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
    }

    fn assert_send<T: Send>(_: &T) {}

    struct Pdf;

    impl endpoint::Download for Pdf {
        const METHOD: http::Method = http::Method::GET;
        const PATH: &'static str = "/v2/contract/download";

        fn payload(&self) -> Result<endpoint::Payload, qys_proto::BuildError> {
            Ok(endpoint::Payload::Empty)
        }
    }

    #[test]
    fn every_call_future_is_send() {
        use qys_proto::api::miniapp::{CompanyAuthLicenseTicketRequest, ContractViewTicketRequest};
        use qys_proto::multipart::UploadFile;
        let client = Client::builder(Environment::test(), qys_proto::Credentials::new("t", "s"))
            .build()
            .unwrap();
        let view = ContractViewTicketRequest::by_id(qys_proto::ContractId::new("1"));
        assert_send(&client.execute(&view));
        let mut upload = CompanyAuthLicenseTicketRequest::new(
            "x",
            qys_proto::types::User::mobile("1"),
            UploadFile::new("a.png", 1, std::io::Cursor::new(vec![1u8])),
        );
        assert_send(&client.upload(&mut upload));
        assert_send(&client.download(&Pdf));
        let mut sink = Vec::new();
        assert_send(&client.download_to(&Pdf, &mut sink));
        assert_send(&client.download_to_path(&Pdf, "x.pdf"));
    }

    #[test]
    fn plain_http_is_refused_unless_allowed() {
        let env = Environment::custom("http://127.0.0.1:9").unwrap();
        let creds = qys_proto::Credentials::new("t", "s");
        let err = Client::builder(env.clone(), creds.clone())
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Build(b) if b.kind() == qys_proto::BuildErrorKind::InsecureUrl),
            "{err:?}"
        );
        assert!(Client::builder(env, creds).allow_http(true).build().is_ok());
    }

    #[test]
    fn bad_root_pem_is_a_build_error() {
        let err = Client::builder(Environment::test(), qys_proto::Credentials::new("t", "s"))
            .add_root_certificate_pem(b"not a certificate")
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::Build(b) if b.kind() == qys_proto::BuildErrorKind::InvalidArgument),
            "{err:?}"
        );
    }
}
