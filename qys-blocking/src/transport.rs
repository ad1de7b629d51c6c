//! ureq plumbing: the agent, reading a whole answer into the engine's buffer, the upload body
//! reader, and ureq's errors as qys errors. Nothing here is public API.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use qys_proto::engine::{BodyWalk, EnvelopeBuf, Piece, Wait, transport_error};
use qys_proto::settings::ClientSettings;
use qys_proto::{BuildError, BuildErrorKind, Error, Result, TransportErrorKind};
use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

use crate::client::Transport;
use crate::source::Source;

/// The agent of a client: no redirects, statuses as answers, the ring provider, Mozilla's
/// roots and `roots` (DER), no ambient proxy, no decompression, the transport settings.
pub(crate) fn build_agent(
    settings: &ClientSettings,
    transport: &Transport,
    roots: &[Vec<u8>],
    proxy: Option<&str>,
) -> Result<Agent> {
    let invalid = |what: &str| BuildError::new(BuildErrorKind::InvalidArgument, what);
    // The URL may carry a password: it is not repeated.
    let proxy = proxy
        .map(|url| ureq::Proxy::new(url).map_err(|_| invalid("the proxy URL is invalid")))
        .transpose()?;
    let roots = if roots.is_empty() {
        RootCerts::WebPki
    } else {
        let mozilla = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| c.as_ref());
        let all = mozilla.chain(roots.iter().map(Vec::as_slice));
        RootCerts::from(
            all.map(|der| Certificate::from_der(der).to_owned())
                .collect::<Vec<_>>(),
        )
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
        .user_agent(settings.user_agent())
        .accept_encoding("")
        .timeout_resolve(Some(transport.connect_timeout))
        .timeout_connect(Some(transport.connect_timeout))
        // ureq keeps 3 idle connections per host by default: threads sharing a client
        // would then reconnect for most calls.
        .max_idle_connections(transport.pool_max_idle_per_host.saturating_mul(4))
        .max_idle_connections_per_host(transport.pool_max_idle_per_host)
        .max_idle_age(transport.pool_idle_timeout)
        .build();
    // ureq's own resolver would start a thread for every request (see `resolve`).
    Ok(Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        crate::resolve::CachingResolver::default(),
    ))
}

/// The deadlines of a client, to name the one that passed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) attempt: Duration,
    pub(crate) connect: Duration,
    pub(crate) idle: Duration,
}

/// Maps a ureq error into the qys error of the same nature, worded by the core; the ureq
/// error is kept as `source()`.
pub(crate) fn map_ureq(e: ureq::Error, timeouts: &Timeouts) -> Error {
    use TransportErrorKind as K;
    let kind = match &e {
        ureq::Error::Timeout(t) => {
            let (wait, limit) = match t {
                ureq::Timeout::Resolve | ureq::Timeout::Connect => {
                    (Wait::Connect, timeouts.connect)
                }
                ureq::Timeout::RecvResponse => (Wait::Head, timeouts.attempt),
                ureq::Timeout::RecvBody => (Wait::Body, timeouts.idle),
                ureq::Timeout::SendRequest | ureq::Timeout::SendBody | ureq::Timeout::Await100 => {
                    (Wait::Send, timeouts.idle)
                }
                _ => (Wait::Attempt, timeouts.attempt),
            };
            return wait.timed_out_from(limit, Some(Box::new(e)));
        }
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::InvalidProxyUrl => K::Connect,
        ureq::Error::Io(io) => classify_io(io),
        ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::TlsRequired => K::Tls,
        ureq::Error::Protocol(_)
        | ureq::Error::LargeResponseHeader(..)
        | ureq::Error::TooManyRedirects
        | ureq::Error::RedirectFailed => K::Protocol,
        _ => K::Other,
    };
    transport_error(kind, Some(Box::new(e)))
}

/// Names an I/O error seen by ureq.
fn classify_io(io: &io::Error) -> TransportErrorKind {
    use TransportErrorKind as K;
    if io
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
    {
        return K::Tls;
    }
    match io.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::AddrNotAvailable => K::Connect,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => K::Timeout,
        // std reports a failed getaddrinfo with an uncategorized kind; its message is
        // stable and is the only way to tell it from other I/O failures.
        _ if io.to_string().contains("failed to lookup address") => K::Connect,
        _ => K::Io,
    }
}

/// Reads a whole answer into `envelope`, which refuses more than the limit.
pub(crate) fn read_envelope(
    body: &mut ureq::Body,
    envelope: &mut EnvelopeBuf,
    timeouts: &Timeouts,
) -> Result<()> {
    // One byte past the room, so that an answer over the limit is refused by `push`;
    // `read_to_end` grows the buffer without zeroing it (a zeroed 16 KiB scratch buffer per
    // call cost a fifth of the client's instructions on loopback).
    let room = u64::try_from(envelope.room()).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    body.as_reader()
        .take(room.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| from_io(e, timeouts))?;
    envelope.push(&bytes)
}

/// Recovers the qys error from an `io::Error` made from one, or maps a plain one (ureq
/// wraps its own errors in `io::Error`).
pub(crate) fn from_io(e: io::Error, timeouts: &Timeouts) -> Error {
    match e.downcast::<Error>() {
        Ok(err) => err,
        Err(e) => map_ureq(ureq::Error::from(e), timeouts),
    }
}

/// The body of one upload attempt as a reader: the engine's [`BodyWalk`] with each file read
/// from its source. A failing source or a length mismatch is recorded (taken with
/// [`take_error`](Self::take_error)) and fails the read, so ureq aborts the request instead
/// of sending a corrupt body.
pub(crate) struct UploadBody<'a, S> {
    walk: BodyWalk,
    sources: Vec<&'a mut S>,
    /// Framing bytes not yet handed out.
    pending: bytes::Bytes,
    error: Option<Error>,
}

impl<'a, S: Source> UploadBody<'a, S> {
    pub(crate) fn new(walk: BodyWalk, sources: Vec<&'a mut S>) -> Self {
        Self {
            walk,
            sources,
            pending: bytes::Bytes::new(),
            error: None,
        }
    }

    /// The error that aborted the body, if one did.
    pub(crate) fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// Body bytes handed out.
    pub(crate) fn sent(&self) -> u64 {
        self.walk.sent() - self.pending.len() as u64
    }

    fn fail(&mut self, error: Error) -> io::Error {
        let io = io::Error::other(error.to_string());
        self.error = Some(error);
        io
    }

    fn read_file(&mut self, file: usize, buf: &mut [u8]) -> io::Result<usize> {
        let read = match self.sources.get_mut(file) {
            Some(source) => loop {
                match source.read(buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other.map_err(Some),
                }
            },
            None => Err(None),
        };
        let outcome = match read {
            Ok(n) => self.walk.read(n).map(|()| n),
            Err(e) => Err(self.walk.source_failed(e)),
        };
        outcome.map_err(|e| self.fail(e))
    }
}

impl<S: Source> Read for UploadBody<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Err(io::Error::other("the upload body already failed"));
        }
        while !buf.is_empty() {
            if !self.pending.is_empty() {
                let n = self.pending.len().min(buf.len());
                buf[..n].copy_from_slice(&self.pending.split_to(n));
                return Ok(n);
            }
            match self.walk.next(buf.len()) {
                Piece::Bytes(bytes) => self.pending = bytes,
                Piece::Read { file, max } => match self.read_file(file, &mut buf[..max])? {
                    0 => {}
                    n => return Ok(n),
                },
                Piece::End => break,
            }
        }
        Ok(0)
    }
}
