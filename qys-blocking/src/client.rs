//! [`Client`] and [`ClientBuilder`].

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use http::{Method, Request, Response};
use qys_proto::download::{DownloadHead, DownloadMeta};
use qys_proto::endpoint::{self, Call, Endpoint, Upload};
use qys_proto::settings::{ClientSettings, ClientState};
use qys_proto::{
    BodyError, BodyErrorKind, BuildError, BuildErrorKind, Core, Environment, Error, Result, Signer,
    TransportError, TransportErrorKind,
};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
use ureq::{Agent, AsSendBody, SendBody};

use crate::download::Download;
use crate::pages::Pages;
use crate::source::{Source, UploadBody};
use crate::transport::{from_io, map_ureq, read_capped};

#[path = "uniform.rs"]
mod uniform;

pub use qys_proto::settings::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST, DEFAULT_TIMEOUT,
};

/// A blocking client of the Open Platform.
///
/// Cheap to clone: clones share one connection pool (one ureq agent) and one configuration.
/// Every method is a short loop around the sans-IO [`Core`]: sign with a fresh timestamp and
/// nonce, send, read the answer with a size limit, parse, and ask the [`RetryPolicy`](qys_proto::retry::RetryPolicy) whether
/// to try again (re-signed).
///
/// `Debug` shows the environment and settings, never a secret.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    state: ClientState,
    agent: Agent,
    /// One slot per request in flight ([`ClientBuilder::max_connections`]).
    slots: Arc<Slots>,
}

/// A counting semaphore: at most `max` requests of a client in flight at once.
#[derive(Debug)]
pub(crate) struct Slots {
    in_use: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

impl Slots {
    fn new(max: usize) -> Self {
        Self {
            in_use: Mutex::new(0),
            freed: Condvar::new(),
            max,
        }
    }

    fn lock(&self) -> MutexGuard<'_, usize> {
        // The count stays consistent whatever panicked while holding the lock.
        self.in_use.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot, waiting at most `timeout` for one to be freed.
    fn acquire(self: &Arc<Self>, timeout: Duration) -> Result<Slot> {
        let deadline = Instant::now().checked_add(timeout);
        let mut in_use = self.lock();
        while *in_use >= self.max {
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => timeout,
            };
            if left.is_zero() {
                return Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!(
                        "no connection slot was free within {timeout:?} ({} requests in flight)",
                        self.max
                    ),
                    None,
                )
                .into());
            }
            in_use = self
                .freed
                .wait_timeout(in_use, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *in_use += 1;
        Ok(Slot {
            slots: Arc::clone(self),
        })
    }
}

/// One request's slot, given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    slots: Arc<Slots>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut in_use = self.slots.lock();
        *in_use = in_use.saturating_sub(1);
        drop(in_use);
        self.slots.freed.notify_one();
    }
}

impl std::ops::Deref for Inner {
    type Target = ClientState;

    fn deref(&self) -> &ClientState {
        &self.state
    }
}

/// How long a call may take, by kind of call.
#[derive(Clone, Copy)]
enum Deadlines {
    /// A JSON call: one deadline for the whole exchange, body included.
    Whole,
    /// An upload or a download: a deadline for the response head, then an idle timeout
    /// between reads and writes of the (possibly large) body.
    Streaming,
}

impl Client {
    /// A builder for a client of `environment` signing with `signer` (plain app
    /// [`Credentials`](qys_proto::Credentials) convert into a [`Signer`]).
    pub fn builder(environment: Environment, signer: impl Into<Signer>) -> ClientBuilder {
        ClientBuilder {
            settings: ClientSettings::new(environment, signer.into()),
            proxy: None,
        }
    }

    /// The sans-IO core: environment, signer, limits.
    pub fn core(&self) -> &Core {
        &self.inner.core
    }

    /// Calls a JSON or query endpoint.
    ///
    /// # Errors
    /// [`Error::Build`] when the request cannot be built (nothing is sent);
    /// [`Error::Transport`] for connection, TLS, timeout and I/O failures, and for answers
    /// larger than [`Limits::max_json_body`](qys_proto::Limits::max_json_body); [`Error::Api`] for an error envelope,
    /// [`Error::Status`] for a non-2xx answer without one, [`Error::Decode`] for a result of
    /// another shape. Retryable failures are retried per the policy first.
    pub fn execute<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response> {
        self.retrying(endpoint.idempotent(), || self.execute_once(endpoint))
    }

    fn execute_once<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response> {
        let request = self.inner.core.prepare(endpoint, &self.inner.params())?;
        let (response, _slot) = self.send_bytes(request, Deadlines::Whole)?;
        self.finish::<E>(response)
    }

    /// Calls an upload endpoint, streaming each file from its [`Source`] between the framing
    /// the core computed. Files are never held in memory; `Content-Length` is exact.
    ///
    /// A source that yields fewer or more bytes than its declared length aborts the request
    /// with [`BodyErrorKind::LengthMismatch`] rather than sending a corrupt body. A failed
    /// upload is retried only when the policy allows it and every source rewinds
    /// ([`Source::rewind`]).
    ///
    /// # Errors
    /// As [`execute`](Self::execute), plus [`Error::Body`] when a source fails or has another
    /// length than declared.
    pub fn upload<E: Upload>(&self, endpoint: &mut E) -> Result<E::Response>
    where
        E::Source: Source,
    {
        self.upload_with(endpoint, endpoint.idempotent(), |response| {
            self.finish::<E>(response)
        })
    }

    /// Sends an upload, retried per the policy (after rewinding every source), and hands each
    /// answer to `finish`; an error from it is retried as any other.
    fn upload_with<E: Upload, T>(
        &self,
        endpoint: &mut E,
        idempotent: bool,
        finish: impl Fn(Response<ureq::Body>) -> Result<T>,
    ) -> Result<T>
    where
        E::Source: Source,
    {
        let start = Instant::now();
        let mut attempt = 1;
        loop {
            // The slot is held while `finish` reads the answer.
            let error = match self
                .upload_once(endpoint)
                .and_then(|(response, _slot)| finish(response))
            {
                Ok(done) => return Ok(done),
                Err(e) => e,
            };
            // The policy is asked as if the body could be re-sent; the sources are rewound only
            // when it would retry, and one that does not rewind stops the call (the same answer
            // as asking with `rewindable = false`).
            match self.inner.decide(attempt, &error, idempotent, start) {
                Some(delay) if rewind_all(endpoint) => std::thread::sleep(delay),
                _ => return Err(error),
            }
            attempt += 1;
        }
    }

    fn upload_once<E: Upload>(&self, endpoint: &mut E) -> Result<(Response<ureq::Body>, Slot)>
    where
        E::Source: Source,
    {
        let request = self
            .inner
            .core
            .prepare_upload(endpoint, &self.inner.params())?;
        let lengths: Vec<u64> = endpoint.files().iter().map(|f| f.length).collect();
        let (parts, multipart) = request.into_parts();
        let mut body = UploadBody::new(multipart.segments(), endpoint.sources_mut(), lengths);
        let sent = {
            let request = Request::from_parts(parts, SendBody::from_reader(&mut body));
            self.run(request, Deadlines::Streaming)
        };
        // A failing source explains the transport error it caused.
        if let Some(e) = body.take_error() {
            return Err(e.into());
        }
        sent
    }

    /// Starts a download. On success the answer's body is handed over unread, as a
    /// [`Download`] ([`Read`] plus [`Download::meta`]); an error envelope (JSON, whatever the
    /// HTTP status) is read with the JSON size limit and returned as the error it carries.
    ///
    /// Downloads only read, so failures before the body starts are retried per the policy
    /// as idempotent calls. Nothing is retried once the [`Download`] is returned.
    ///
    /// # Errors
    /// As [`execute`](Self::execute); an envelope on a download is [`Error::Api`] (or
    /// [`Error::Decode`] for a success envelope where a file was expected).
    pub fn download<E: endpoint::Download>(&self, endpoint: &E) -> Result<Download> {
        self.retrying(true, || self.download_once(endpoint))
    }

    fn download_once<E: endpoint::Download>(&self, endpoint: &E) -> Result<Download> {
        let request = self
            .inner
            .core
            .prepare_download(endpoint, &self.inner.params())?;
        let (response, slot) = self.send_bytes(request, Deadlines::Streaming)?;
        let (parts, mut body) = response.into_parts();
        match self
            .inner
            .core
            .classify_download(parts.status, &parts.headers)
        {
            DownloadHead::File(meta) => Ok(Download::new(meta, body.into_reader(), slot)),
            DownloadHead::Sniff(meta) => Download::new(meta, body.into_reader(), slot)
                .sniffed(
                    parts.status,
                    &parts.headers,
                    self.inner.core.limits().max_json_body,
                )
                .map_err(|e| e.with_retry_after(self.inner.retry_after(&parts.headers))),
            DownloadHead::Envelope => {
                let bytes = read_capped(&mut body, self.inner.core.limits().max_json_body)?;
                Err(self
                    .inner
                    .core
                    .download_error(parts.status, &parts.headers, &bytes)
                    .with_retry_after(self.inner.retry_after(&parts.headers)))
            }
        }
    }

    /// Downloads into `sink` and returns what the head said about the file.
    ///
    /// # Errors
    /// As [`download`](Self::download); [`Error::Transport`] when the connection fails or
    /// stalls mid-file; [`Error::Body`] ([`BodyErrorKind::WriteSink`]) when writing fails.
    /// On error, `sink` may hold part of the file.
    pub fn download_to<E: endpoint::Download, W: Write + ?Sized>(
        &self,
        endpoint: &E,
        sink: &mut W,
    ) -> Result<DownloadMeta> {
        let mut download = self.download(endpoint)?;
        copy(&mut download, sink)?;
        Ok(download.meta().clone())
    }

    /// Downloads to the file `path`, atomically: the bytes go to a temporary file in the same
    /// directory, which is flushed to disk (`fsync`) and renamed to `path` only once the whole
    /// file arrived. On any failure nothing is created at `path` (an existing file there is
    /// left as it was) and the temporary file is removed.
    ///
    /// # Errors
    /// As [`download_to`](Self::download_to); [`Error::Body`] ([`BodyErrorKind::WriteSink`])
    /// when the temporary file cannot be created, written, synced or renamed.
    pub fn download_to_path<E: endpoint::Download>(
        &self,
        endpoint: &E,
        path: impl AsRef<Path>,
    ) -> Result<DownloadMeta> {
        let path = path.as_ref();
        let file_name = path.file_name().ok_or_else(|| {
            BodyError::new(
                BodyErrorKind::WriteSink,
                "the download path has no file name",
                None,
            )
        })?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // Ask first: a refused download creates no file at all.
        let mut download = self.download(endpoint)?;
        let (temp_path, mut file) = create_temp(dir, file_name)?;
        let guard = TempFile(Some(temp_path));
        copy(&mut download, &mut file)?;
        file.sync_all()
            .map_err(|e| sink_error("syncing the downloaded file failed", e))?;
        drop(file);
        let temp_path = guard.path();
        fs::rename(temp_path, path)
            .map_err(|e| sink_error("renaming the downloaded file into place failed", e))?;
        guard.disarm();
        sync_dir(dir);
        Ok(download.meta().clone())
    }

    /// Walks a paged list (such as [`ContractListRequest`](qys_proto::api::contract::ContractListRequest))
    /// from `first`'s page on, one call per page, lazily: see [`Pages`] for when the walk
    /// stops (last page, `totalCount` reached, an error, or the page cap) and
    /// [`Pages::items`] for the items one by one.
    pub fn pages<E: endpoint::Paged>(&self, first: &E) -> Pages<'_, E> {
        Pages::new(self, first.with_offset(first.offset()))
    }

    /// Makes a call with `attempt` (which signs afresh each time) and retries it per the
    /// policy. Uploads, whose sources must be rewound, have their own loop
    /// ([`upload_with`](Self::upload_with)).
    fn retrying<T>(&self, idempotent: bool, mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
        let start = Instant::now();
        let mut n = 1;
        loop {
            let error = match attempt() {
                Ok(done) => return Ok(done),
                Err(e) => e,
            };
            match self.inner.decide(n, &error, idempotent, start) {
                Some(delay) => std::thread::sleep(delay),
                None => return Err(error),
            }
            n += 1;
        }
    }

    fn send_bytes<B: AsRef<[u8]>>(
        &self,
        request: Request<B>,
        deadlines: Deadlines,
    ) -> Result<(Response<ureq::Body>, Slot)> {
        let (parts, body) = request.into_parts();
        let body = body.as_ref();
        let carries_body =
            !body.is_empty() || matches!(parts.method, Method::POST | Method::PUT | Method::PATCH);
        if carries_body {
            self.run(Request::from_parts(parts, body), deadlines)
        } else {
            self.run(Request::from_parts(parts, ()), deadlines)
        }
    }

    /// Takes a slot (the wait counts against the timeout) and sends; the answer comes back
    /// with its slot, to be dropped once its body is read.
    fn run<B: AsSendBody>(
        &self,
        request: Request<B>,
        deadlines: Deadlines,
    ) -> Result<(Response<ureq::Body>, Slot)> {
        let started = Instant::now();
        let slot = self.inner.slots.acquire(self.inner.timeout)?;
        // What the wait left of the timeout (never zero: ureq would read that as "now").
        let left = self
            .inner
            .timeout
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1));
        let agent = &self.inner.agent;
        let configured = agent.configure_request(request);
        let request = match deadlines {
            Deadlines::Whole => configured.timeout_global(Some(left)),
            Deadlines::Streaming => configured
                .timeout_recv_response(Some(left))
                .timeout_per_read(Some(self.inner.idle_timeout))
                .timeout_per_write(Some(self.inner.idle_timeout)),
        }
        .build();
        let response = agent.run(request).map_err(map_ureq)?;
        Ok((response, slot))
    }

    fn finish<E: Call>(&self, response: Response<ureq::Body>) -> Result<E::Response> {
        let (parts, mut body) = response.into_parts();
        let bytes = read_capped(&mut body, self.inner.core.limits().max_json_body)?;
        self.inner
            .core
            .parse_parts::<E>(parts.status, &parts.headers, &bytes)
            .map_err(|e| e.with_retry_after(self.inner.retry_after(&parts.headers)))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("state", &self.inner.state)
            .finish_non_exhaustive()
    }
}

fn rewind_all<E: Upload>(endpoint: &mut E) -> bool
where
    E::Source: Source,
{
    endpoint
        .sources_mut()
        .into_iter()
        .all(|s| matches!(s.rewind(), Ok(true)))
}

fn sink_error(message: &'static str, e: io::Error) -> Error {
    BodyError::new(BodyErrorKind::WriteSink, message, Some(e)).into()
}

fn copy<W: Write + ?Sized>(download: &mut Download, sink: &mut W) -> Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match download.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(from_io(e)),
        };
        sink.write_all(&buf[..n])
            .map_err(|e| sink_error("writing the download failed", e))?;
        total += n as u64;
    }
    sink.flush()
        .map_err(|e| sink_error("flushing the download failed", e))?;
    Ok(total)
}

/// A temporary file that is removed when dropped, unless disarmed.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }

    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

fn create_temp(dir: &Path, file_name: &std::ffi::OsStr) -> Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut name = std::ffi::OsString::from(".");
        name.push(file_name);
        name.push(format!(".{}-{n}.qys-part", std::process::id()));
        let candidate = dir.join(name);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(sink_error("creating the temporary download file failed", e)),
        }
    }
    Err(sink_error(
        "creating the temporary download file failed",
        last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)),
    ))
}

/// Makes a rename durable (best effort: not every platform can open a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Builds a [`Client`].
///
/// Defaults: the system clock, random UUID nonces, [`RetryPolicy::default`](qys_proto::retry::RetryPolicy::default), a 30 s timeout
/// for JSON calls, 10 s to connect, 60 s idle time between body reads and writes of uploads
/// and downloads, up to 32 idle pooled connections per host kept 30 s, at most 64 requests
/// (connections) in flight at once, [`Limits::default`](qys_proto::Limits::default),
/// no proxy (the environment's proxy variables are ignored), Mozilla's root certificates,
/// `https://` only.
pub struct ClientBuilder {
    settings: ClientSettings,
    proxy: Option<String>,
}

impl ClientBuilder {
    qys_proto::client_builder_settings!();

    /// Sends through an HTTP(S) or SOCKS proxy (`http://host:port`, `socks5://...`), or
    /// directly with `None` (the default: proxy environment variables are not read).
    #[must_use]
    pub fn proxy(mut self, proxy: Option<String>) -> Self {
        self.proxy = proxy;
        self
    }

    /// The client.
    ///
    /// # Errors
    /// [`Error::Build`]: [`BuildErrorKind::InsecureUrl`] for an `http://` environment without
    /// [`allow_http`](Self::allow_http); [`BuildErrorKind::InvalidArgument`] for a user agent
    /// that is not a header value, a proxy URL that does not parse, a root certificate PEM
    /// that does not parse or holds no certificate, or a
    /// [`max_connections`](Self::max_connections) of 0.
    pub fn build(self) -> Result<Client> {
        let settings = self.settings;
        let state = settings.state()?;
        let user_agent = settings.user_agent().to_owned();
        let proxy = match self.proxy.as_deref() {
            None => None,
            Some(url) => Some(ureq::Proxy::new(url).map_err(|_| {
                // The URL may carry a password: it is not repeated.
                BuildError::new(BuildErrorKind::InvalidArgument, "the proxy URL is invalid")
            })?),
        };
        let roots = if settings.roots.is_empty() {
            RootCerts::WebPki
        } else {
            let mut all: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .map(|c| Certificate::from_der(c.as_ref()))
                .collect();
            for pem in &settings.roots {
                all.extend(parse_certificates(pem)?);
            }
            RootCerts::from(all)
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .root_certs(roots)
            .build();
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .https_only(!settings.allow_http)
            .proxy(proxy)
            .tls_config(tls)
            .user_agent(user_agent)
            .accept_encoding("")
            .timeout_resolve(Some(settings.connect_timeout))
            .timeout_connect(Some(settings.connect_timeout))
            // ureq keeps 3 idle connections per host by default: threads sharing a client
            // would then reconnect for most calls.
            .max_idle_connections(settings.pool_max_idle_per_host.saturating_mul(4))
            .max_idle_connections_per_host(settings.pool_max_idle_per_host)
            .max_idle_age(settings.pool_idle_timeout)
            .build();
        // ureq's own resolver would start a thread for every request (see `resolve`).
        let agent = Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            crate::resolve::CachingResolver::default(),
        );
        let slots = Arc::new(Slots::new(settings.max_connections));
        Ok(Client {
            inner: Arc::new(Inner {
                state,
                agent,
                slots,
            }),
        })
    }
}

/// The certificates of a PEM document.
fn parse_certificates(pem: &[u8]) -> Result<Vec<Certificate<'static>>> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(_) => {
                return Err(BuildError::new(
                    BuildErrorKind::InvalidArgument,
                    "a root certificate PEM does not parse",
                )
                .into());
            }
        }
    }
    if certs.is_empty() {
        return Err(BuildError::new(
            BuildErrorKind::InvalidArgument,
            "a root certificate PEM holds no certificate",
        )
        .into());
    }
    Ok(certs)
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("settings", &self.settings)
            // The proxy URL may carry a password.
            .field("proxy", &self.proxy.as_ref().map(|_| "[configured]"))
            .finish()
    }
}
