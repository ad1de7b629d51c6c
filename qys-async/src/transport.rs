//! The hyper side: connector, request bodies, bounded body reading and error mapping. Nothing
//! here is public; no hyper, hyper-util or rustls type leaves this crate.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::Uri;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use qys_proto::download::SinkStep;
use qys_proto::engine::{BodyWalk, EnvelopeBuf, Piece, Wait, transport_error};
use qys_proto::{BuildError, BuildErrorKind, Error, TransportErrorKind};
use tokio::io::AsyncReadExt;

use crate::client::Transport;
use crate::source::Source;
use rustls::pki_types::CertificateDer;
use tokio::sync::{Notify, Semaphore, mpsc};

pub(crate) type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The body type of every request: JSON bodies and streamed uploads share one pool.
pub(crate) type ReqBody = UnsyncBoxBody<Bytes, BoxError>;

/// The pooled HTTP client.
pub(crate) type Http = LegacyClient<Gated<HttpsConnector<HttpConnector>>, ReqBody>;

/// Builds the pooled client trusting Mozilla's roots and `roots` (DER), whose connections
/// `gate` admits. Needs no runtime: nothing is spawned until the first request.
pub(crate) fn build_http(
    config: &Transport,
    roots: Vec<Vec<u8>>,
    gate: Arc<Gate>,
) -> Result<Http, BuildError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let tls = if roots.is_empty() {
        builder
            .with_provider_and_webpki_roots(provider)
            .map_err(tls_build_error)?
    } else {
        let mut store = rustls::RootCertStore::empty();
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for der in roots {
            store.add(CertificateDer::from(der)).map_err(|e| {
                BuildError::new(
                    BuildErrorKind::InvalidArgument,
                    format!("a root certificate was rejected: {e}"),
                )
            })?;
        }
        let tls_config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_build_error)?
            .with_root_certificates(store)
            .with_no_client_auth();
        builder.with_tls_config(tls_config)
    };

    let mut http = HttpConnector::new();
    // The https connector hands https URLs to this one; it must not refuse them.
    http.enforce_http(false);
    http.set_connect_timeout(Some(config.connect_timeout));
    http.set_nodelay(true);
    // http:// is accepted here only because the core refuses it unless the user allowed it.
    let connector = tls.https_or_http().enable_http1().wrap_connector(http);

    Ok(LegacyClient::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(config.pool_idle_timeout)
        .pool_max_idle_per_host(config.pool_max_idle_per_host)
        .build(Gated {
            inner: connector,
            gate,
            wait: config.connect_timeout,
        }))
}

/// Keeps a client's open connections within its requests in flight, hence within
/// `max_connections`.
///
/// The request slots alone do not bound the connections: hyper-util's pool starts a new
/// connection whenever a request finds no idle one, even when a connection is about to come
/// back to the pool (it is returned in the background once its body is read), and finishes
/// that connection in the background when the returning one wins. Under load those spare
/// connections pile up. The gate lets a connection be opened only while there are fewer
/// connections (open or being opened) than requests holding a slot; a connect that is not
/// needed waits (at most the connect timeout) and is then given up.
pub(crate) struct Gate {
    /// The client's request slots: one permit per request in flight.
    slots: Arc<Semaphore>,
    max: usize,
    /// Connections open or being opened.
    open: Mutex<usize>,
    /// Signalled when a request takes a slot or a connection closes.
    changed: Notify,
}

impl Gate {
    /// A gate for at most `max` requests (and connections) at once.
    pub(crate) fn new(max: usize) -> Self {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            slots: Arc::new(Semaphore::new(max)),
            max,
            open: Mutex::new(0),
            changed: Notify::new(),
        }
    }

    /// The request slots.
    pub(crate) fn slots(&self) -> &Arc<Semaphore> {
        &self.slots
    }

    /// To be called once a request took a slot: a waiting connect may now be needed.
    pub(crate) fn request_started(&self) {
        self.changed.notify_waiters();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a new connection is needed, and counts it.
    async fn admit(self: Arc<Self>) -> Ticket {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let in_flight = self.max - self.slots.available_permits();
                let mut open = self.lock();
                if *open < in_flight {
                    *open += 1;
                    return Ticket(Arc::clone(&self));
                }
            }
            notified.await;
        }
    }
}

/// One connection counted by the [`Gate`], uncounted when dropped (with the connection).
struct Ticket(Arc<Gate>);

impl Drop for Ticket {
    fn drop(&mut self) {
        {
            let mut open = self.0.lock();
            *open = open.saturating_sub(1);
        }
        self.0.changed.notify_waiters();
    }
}

/// A connector whose connections are admitted by a [`Gate`].
#[derive(Clone)]
pub(crate) struct Gated<C> {
    inner: C,
    gate: Arc<Gate>,
    /// How long a connect waits to be admitted, then how long connecting (TCP and TLS) may
    /// take.
    wait: Duration,
}

impl<C> tower_service::Service<Uri> for Gated<C>
where
    C: tower_service::Service<Uri> + Clone + Send + 'static,
    C::Future: Send,
    C::Error: Into<BoxError>,
{
    type Response = GatedIo<C::Response>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        // The clone takes the readiness `poll_ready` saw; `self` is left with a fresh clone.
        let fresh = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, fresh);
        let gate = Arc::clone(&self.gate);
        let wait = self.wait;
        Box::pin(async move {
            let ticket =
                tokio::time::timeout(wait, gate.admit())
                    .await
                    .map_err(|_| -> BoxError {
                        Box::new(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "no connection was needed within the connect timeout",
                        ))
                    })?;
            // The connect timeout covers the TLS handshake too: the https connector's future
            // is TCP connect plus handshake.
            let io = tokio::time::timeout(wait, inner.call(uri))
                .await
                .map_err(|_| -> BoxError {
                    Box::new(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "connecting (TCP and TLS) took longer than the connect timeout",
                    ))
                })?
                .map_err(Into::into)?;
            Ok(GatedIo {
                io,
                _ticket: ticket,
            })
        })
    }
}

/// A connection counted by the [`Gate`] while it is open.
pub(crate) struct GatedIo<T> {
    io: T,
    _ticket: Ticket,
}

impl<T: Connection> Connection for GatedIo<T> {
    fn connected(&self) -> Connected {
        self.io.connected()
    }
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for GatedIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for GatedIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }
}

fn tls_build_error(e: rustls::Error) -> BuildError {
    BuildError::new(
        BuildErrorKind::InvalidArgument,
        format!("TLS configuration failed: {e}"),
    )
}

/// A complete in-memory body.
pub(crate) fn full_body(bytes: Bytes) -> ReqBody {
    http_body_util::Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// A request body fed through a channel by a pump running beside the request, so that the
/// upload source can be borrowed (hyper wants `'static` bodies).
pub(crate) struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, BoxError>>,
    remaining: u64,
}

impl ChannelBody {
    /// A body of exactly `length` bytes (what the Content-Length header says) and its sender.
    pub(crate) fn new(length: u64) -> (mpsc::Sender<Result<Bytes, BoxError>>, Self) {
        let (tx, rx) = mpsc::channel(2);
        (
            tx,
            Self {
                rx,
                remaining: length,
            },
        )
    }
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                self.remaining = self.remaining.saturating_sub(bytes.len() as u64);
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// Reads a whole answer into `envelope`, which refuses more than the limit.
pub(crate) async fn read_envelope(
    mut body: Incoming,
    envelope: &mut EnvelopeBuf,
) -> Result<(), Error> {
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.map_err(hyper_error)?.into_data() {
            envelope.push(&data)?;
        }
    }
    Ok(())
}

/// Sends an upload while `pump` feeds its body, then waits for the answer's head within
/// `left`, failing as the timeout `within` (`connect` names the connect timeout in errors).
pub(crate) async fn send_while(
    send: impl Future<Output = Result<http::Response<Incoming>, hyper_util::client::legacy::Error>>,
    pump: impl Future<Output = Result<(), Error>>,
    (left, within): (Duration, Duration),
    connect: Duration,
) -> Result<http::Response<Incoming>, Error> {
    tokio::pin!(send);
    tokio::pin!(pump);
    tokio::select! {
        biased;
        pumped = &mut pump => pumped?,
        sent = &mut send => return sent.map_err(|e| client_error(e, connect)),
    }
    tokio::time::timeout(left, send)
        .await
        .map_err(|_| Wait::Head.timed_out(within))?
        .map_err(|e| client_error(e, connect))
}

/// Feeds the body channel from the engine's [`BodyWalk`]: framing as it is, each file read
/// from its source (each read and each feed within `idle`); `sent` counts what went out.
/// Returns `Ok` early when the connection stops taking the body (the request's own outcome
/// then tells what happened); on an error, aborts the body so the server never sees a
/// complete (corrupt) request.
pub(crate) async fn pump<S: Source>(
    tx: mpsc::Sender<Result<Bytes, BoxError>>,
    mut walk: BodyWalk,
    mut sources: Vec<&mut S>,
    idle: Duration,
    sent: &mut u64,
) -> Result<(), Error> {
    // Pieces are read into this buffer's free space and split off to be sent as they are (no
    // copy); once the connection drops a sent piece, `reserve` takes its memory back.
    let mut buf = BytesMut::new();
    let result = loop {
        let piece = match walk.next(UPLOAD_CHUNK) {
            Piece::Bytes(bytes) => bytes,
            Piece::End => break Ok(()),
            Piece::Read { file, max } => {
                let Some(source) = sources.get_mut(file) else {
                    break Err(walk.source_failed(None));
                };
                buf.reserve(max);
                let mut limited = (&mut **source).take(max as u64);
                let n = match tokio::time::timeout(idle, limited.read_buf(&mut buf)).await {
                    Err(_) => break Err(Wait::Source.timed_out(idle)),
                    Ok(Err(e)) => break Err(walk.source_failed(Some(e))),
                    Ok(Ok(n)) => n,
                };
                if let Err(e) = walk.read(n) {
                    break Err(e);
                }
                buf.split().freeze()
            }
        };
        if piece.is_empty() {
            continue;
        }
        match tokio::time::timeout(idle, tx.send(Ok(piece))).await {
            Err(_) => break Err(Wait::Send.timed_out(idle)),
            Ok(Err(_closed)) => break Ok(()),
            Ok(Ok(())) => *sent = walk.sent(),
        }
    };
    if let Err(e) = &result {
        let _ = tx.try_send(Err(Box::new(io::Error::other(e.to_string()))));
    }
    result
}

/// The largest piece of an upload source read at once.
const UPLOAD_CHUNK: usize = 64 * 1024;

/// A temporary download file, removed when dropped (forget it once renamed).
pub(crate) struct PartFile(pub(crate) std::path::PathBuf);

impl Drop for PartFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Creates the first free one of `names`.
pub(crate) async fn create_part(
    names: Vec<std::path::PathBuf>,
) -> Result<(PartFile, tokio::fs::File), Error> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for name in names {
        let open = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&name)
            .await;
        match open {
            Ok(file) => return Ok((PartFile(name), file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(SinkStep::Create.failed(e)),
        }
    }
    Err(SinkStep::Create.failed(last))
}

/// Maps an error of the pooled client (connecting, sending, receiving the head).
pub(crate) fn client_error(e: hyper_util::client::legacy::Error, connect: Duration) -> Error {
    let default = if e.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Io
    };
    match classify(&e, default) {
        // Only the connector has a deadline of its own (see `Gated`).
        TransportErrorKind::Timeout => Wait::Connect.timed_out_from(connect, Some(Box::new(e))),
        kind => transport_error(kind, Some(Box::new(e))),
    }
}

/// Maps an error while reading a response body.
pub(crate) fn hyper_error(e: hyper::Error) -> Error {
    transport_error(classify(&e, TransportErrorKind::Io), Some(Box::new(e)))
}

/// Walks the source chain for what the error really was.
fn classify(e: &(dyn StdError + 'static), default: TransportErrorKind) -> TransportErrorKind {
    let mut current: Option<&(dyn StdError + 'static)> = Some(e);
    let mut depth = 0;
    while let Some(err) = current {
        depth += 1;
        if depth > 32 {
            break;
        }
        if err.is::<rustls::Error>() {
            return TransportErrorKind::Tls;
        }
        if let Some(h) = err.downcast_ref::<hyper::Error>() {
            if h.is_timeout() {
                return TransportErrorKind::Timeout;
            }
            if h.is_parse() || h.is_parse_status() {
                return TransportErrorKind::Protocol;
            }
        }
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::TimedOut {
                return TransportErrorKind::Timeout;
            }
            // `io::Error::source` skips the wrapped error itself; look at it directly.
            if let Some(inner) = io.get_ref() {
                current = Some(inner);
                continue;
            }
        }
        current = err.source();
    }
    default
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_finds_tls_and_timeouts_inside_io_errors() {
        let tls = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::General("x".into()),
        );
        assert_eq!(
            classify(&tls, TransportErrorKind::Connect),
            TransportErrorKind::Tls
        );
        let timed_out = io::Error::new(io::ErrorKind::TimedOut, "slow");
        assert_eq!(
            classify(&timed_out, TransportErrorKind::Connect),
            TransportErrorKind::Timeout
        );
        let plain = io::Error::new(io::ErrorKind::ConnectionRefused, "no");
        assert_eq!(
            classify(&plain, TransportErrorKind::Connect),
            TransportErrorKind::Connect
        );
    }
}
