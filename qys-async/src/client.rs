//! [`Client`] and [`ClientBuilder`]: the loop around [`Core`] (build, send, read with a
//! limit, parse, ask the retry policy).

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use qys_proto::download::{DownloadHead, DownloadMeta};
use qys_proto::endpoint::{self, Endpoint, Upload};
use qys_proto::multipart::Segment;
use qys_proto::settings::{ClientSettings, ClientState};
use qys_proto::{
    BodyError, BodyErrorKind, Core, Environment, Error, Result, Signer, SigningParams,
};
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use crate::download::Download;
use crate::pages::Pages;
use crate::source::Source;

#[path = "uniform.rs"]
mod uniform;
use crate::transport::{
    self, BoxError, ChannelBody, Gate, Http, ReqBody, TransportConfig, client_error, full_body,
    read_limited, timeout_error,
};

pub use qys_proto::settings::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST, DEFAULT_TIMEOUT,
};

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
    state: ClientState,
    http: Http,
    /// One permit per request in flight ([`ClientBuilder::max_connections`]); the connector
    /// opens no more connections than there are requests holding one (hyper's pool has no
    /// cap of its own).
    gate: Arc<Gate>,
}

impl std::ops::Deref for Inner {
    type Target = ClientState;

    fn deref(&self) -> &ClientState {
        &self.state
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("state", &self.inner.state)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`]; see [`Client::builder`] for the defaults.
pub struct ClientBuilder {
    settings: ClientSettings,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("settings", &self.settings)
            .finish()
    }
}

impl ClientBuilder {
    qys_proto::client_builder_settings!();

    /// The client. Needs no async runtime; the first request does.
    ///
    /// # Errors
    /// [`Error::Build`]: [`InsecureUrl`](qys_proto::BuildErrorKind::InsecureUrl) for an
    /// `http://` environment without [`allow_http`](Self::allow_http);
    /// [`InvalidArgument`](qys_proto::BuildErrorKind::InvalidArgument) for a user agent that
    /// is not a header value, a root certificate that is not a PEM certificate, or a
    /// [`max_connections`](Self::max_connections) of 0.
    pub fn build(self) -> Result<Client> {
        let settings = self.settings;
        let state = settings.state()?;
        let gate = Arc::new(Gate::new(settings.max_connections));
        let http = transport::build_http(&TransportConfig {
            connect_timeout: settings.connect_timeout,
            pool_idle_timeout: settings.pool_idle_timeout,
            pool_max_idle_per_host: settings.pool_max_idle_per_host,
            extra_roots_pem: &settings.roots,
            gate: Arc::clone(&gate),
        })?;
        Ok(Client {
            inner: Arc::new(Inner { state, http, gate }),
        })
    }
}

type Answer = (StatusCode, HeaderMap, Bytes);

impl Client {
    /// A builder for `environment`, signing with `signer` (or plain app
    /// [`Credentials`](qys_proto::Credentials)).
    ///
    /// Defaults: [`SystemClock`](qys_proto::SystemClock), [`RandomNonce`](qys_proto::RandomNonce), [`RetryPolicy::default`](qys_proto::retry::RetryPolicy::default), whole-call timeout
    /// 30 s, connect timeout 10 s, idle timeout 60 s, pool idle timeout 30 s, 32 idle
    /// connections per host, at most 64 requests (connections) in flight, [`Limits::default`](qys_proto::Limits::default), Mozilla roots, plain http refused.
    pub fn builder(environment: Environment, signer: impl Into<Signer>) -> ClientBuilder {
        ClientBuilder {
            settings: ClientSettings::new(environment, signer.into()),
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
        inner
            .retrying(endpoint.idempotent(), |params| async move {
                let request = inner.core.prepare(endpoint, &params)?.map(full_body);
                let (status, headers, body) = inner.json_call(request).await?;
                inner
                    .core
                    .parse_parts::<E>(status, &headers, &body)
                    .map_err(|e| e.with_retry_after(inner.retry_after(&headers)))
            })
            .await
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
        self.upload_with(
            endpoint,
            endpoint.idempotent(),
            |inner, (status, headers, body)| {
                inner
                    .core
                    .parse_parts::<E>(status, &headers, &body)
                    .map_err(|e| e.with_retry_after(inner.retry_after(&headers)))
            },
        )
        .await
    }

    /// Sends an upload, retried per the policy (after rewinding every source), and hands
    /// each answer to `finish`; an error from it is retried as any other.
    async fn upload_with<E: Upload, T>(
        &self,
        endpoint: &mut E,
        idempotent: bool,
        finish: impl Fn(&Inner, Answer) -> Result<T>,
    ) -> Result<T>
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
            let error = match outcome.and_then(|answer| finish(inner, answer)) {
                Ok(done) => return Ok(done),
                Err(e) => e,
            };
            // Asked as if rewindable; rewinding happens only once a retry is wanted, and a
            // source that cannot rewind turns the retry into a stop (same decision).
            let Some(delay) = inner.decide(attempt, &error, idempotent, started) else {
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
        // Downloads only read: retried as idempotent calls.
        inner
            .retrying(true, |params| async move {
                let (response, slot) = inner.download_head(endpoint, &params).await?;
                inner.open_download(response, slot).await
            })
            .await
    }

    /// Walks a paged list (such as [`ContractListRequest`](qys_proto::api::contract::ContractListRequest))
    /// from `first`'s page on, one call per page, as the returned [`Stream`](futures_util::Stream)
    /// is polled: see [`Pages`] for when the walk stops (last page, `totalCount` reached, an
    /// error, or the page cap) and [`Pages::items`] for the items one by one.
    pub fn pages<'c, E>(&'c self, first: &E) -> Pages<'c, E>
    where
        E: endpoint::Paged + Send + Sync + 'c,
        E::Response: Send,
    {
        Pages::new(self, first.with_offset(first.offset()))
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
    /// Makes a call with `attempt` (given fresh signing inputs each time) and retries it per
    /// the policy. Uploads, whose sources must be rewound, have their own loop
    /// ([`Client::upload_with`]).
    async fn retrying<T, F>(
        &self,
        idempotent: bool,
        mut attempt: impl FnMut(SigningParams) -> F,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        let started = Instant::now();
        let mut n = 1;
        loop {
            let error = match attempt(self.params()).await {
                Ok(done) => return Ok(done),
                Err(e) => e,
            };
            let Some(delay) = self.decide(n, &error, idempotent, started) else {
                return Err(error);
            };
            tokio::time::sleep(delay).await;
            n += 1;
        }
    }

    /// A slot for one request in flight, held until the permit is dropped. Waits as long as
    /// it takes: callers bound the wait with their timeout.
    async fn slot(&self) -> OwnedSemaphorePermit {
        let permit = match Arc::clone(self.gate.slots()).acquire_owned().await {
            Ok(permit) => permit,
            // The semaphore is never closed.
            Err(_) => unreachable!("the client's semaphore is never closed"),
        };
        self.gate.request_started();
        permit
    }

    /// Send and read the whole answer, within the whole-call timeout (which includes the
    /// wait for a free slot).
    async fn json_call(&self, request: Request<ReqBody>) -> Result<Answer> {
        let limit = self.core.limits().max_json_body;
        let host = host_of(&request);
        let call = async {
            let _slot = self.slot().await;
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
        // The answer is read below while the slot is held.
        let _slot = tokio::time::timeout(self.timeout, self.slot())
            .await
            .map_err(|_| timeout_error("waiting for a free connection slot", self.timeout))?;
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

    /// Sends a download and waits for the answer's head (within the whole-call timeout,
    /// which includes the wait for a free slot). The slot comes back with the head: the
    /// body still occupies the connection.
    async fn download_head<E: endpoint::Download>(
        &self,
        endpoint: &E,
        params: &SigningParams,
    ) -> Result<(Response<Incoming>, OwnedSemaphorePermit)> {
        let request = self.core.prepare_download(endpoint, params)?.map(full_body);
        let host = host_of(&request);
        let head = async {
            let slot = self.slot().await;
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| client_error(e, &host))?;
            Ok((response, slot))
        };
        tokio::time::timeout(self.timeout, head)
            .await
            .map_err(|_| timeout_error("waiting for the download to start", self.timeout))?
    }

    /// Looks at a download's head: the file (holding `slot`), or the error envelope.
    async fn open_download(
        &self,
        response: Response<Incoming>,
        slot: OwnedSemaphorePermit,
    ) -> Result<Download> {
        let (parts, body) = response.into_parts();
        match self.core.classify_download(parts.status, &parts.headers) {
            DownloadHead::File(meta) => Ok(Download::new(meta, body, self.idle_timeout, slot)),
            DownloadHead::Sniff(meta) => {
                let limit = self.core.limits().max_json_body;
                let download = Download::new(meta, body, self.idle_timeout, slot);
                tokio::time::timeout(
                    self.timeout,
                    download.sniffed(parts.status, &parts.headers, limit),
                )
                .await
                .map_err(|_| timeout_error("reading the answer", self.timeout))?
                .map_err(|e| e.with_retry_after(self.retry_after(&parts.headers)))
            }
            DownloadHead::Envelope => {
                let limit = self.core.limits().max_json_body;
                let bytes =
                    tokio::time::timeout(self.timeout, read_limited(&parts.headers, body, limit))
                        .await
                        .map_err(|_| timeout_error("reading the answer", self.timeout))??;
                Err(self
                    .core
                    .download_error(parts.status, &parts.headers, &bytes)
                    .with_retry_after(self.retry_after(&parts.headers)))
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
    // Pieces are read into this buffer's free space and split off to be sent as they are (no
    // copy); once the connection drops a sent piece, `reserve` takes its memory back.
    let mut buf = BytesMut::new();
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
                    let want =
                        usize::try_from(remaining).map_or(UPLOAD_CHUNK, |r| r.min(UPLOAD_CHUNK));
                    buf.reserve(want);
                    let n = read_source_into(source, &mut buf, want, idle).await?;
                    if n == 0 {
                        return Err(mismatch(format!(
                            "the source of file part {index} ended after {} of its {declared} declared bytes",
                            declared - remaining
                        )));
                    }
                    remaining -= n as u64;
                    if !feed(tx, buf.split().freeze(), idle).await? {
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

/// Reads at most `max` bytes of `source` into the spare capacity of `chunk`.
async fn read_source_into<S: Source>(
    source: &mut S,
    chunk: &mut BytesMut,
    max: usize,
    idle: Duration,
) -> Result<usize> {
    let limited = (&mut *source).take(max as u64);
    tokio::pin!(limited);
    within_idle(idle, limited.read_buf(chunk)).await
}

async fn read_source<S: Source>(source: &mut S, buf: &mut [u8], idle: Duration) -> Result<usize> {
    within_idle(idle, source.read(buf)).await
}

/// A read of an upload source, bounded by the idle timeout.
async fn within_idle(
    idle: Duration,
    read: impl std::future::Future<Output = io::Result<usize>>,
) -> Result<usize> {
    tokio::time::timeout(idle, read)
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

    impl endpoint::Check for Pdf {}

    impl endpoint::Download for Pdf {
        fn method(&self) -> http::Method {
            http::Method::GET
        }

        fn path(&self) -> &str {
            "/v2/contract/download"
        }

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
