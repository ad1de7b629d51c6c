//! ureq plumbing: the agent's configuration, sending, reading with a limit, and turning
//! ureq's errors into [`qys_proto::TransportError`]s. Nothing here is public API.

use std::io;

use qys_proto::{Error, TransportError, TransportErrorKind};

/// Maps a ureq error into the qys error of the same nature. The message is written here (no
/// header, URL or body text from the source), the ureq error is kept as `source()`.
pub(crate) fn map_ureq(e: ureq::Error) -> Error {
    use TransportErrorKind as K;
    let (kind, message): (K, String) = match &e {
        ureq::Error::Timeout(t) => (K::Timeout, format!("timed out ({t} deadline)")),
        ureq::Error::HostNotFound => (K::Connect, "the host name did not resolve".to_owned()),
        ureq::Error::ConnectionFailed => (K::Connect, "the connection failed".to_owned()),
        ureq::Error::ConnectProxyFailed(_) | ureq::Error::InvalidProxyUrl => (
            K::Connect,
            "the proxy refused or failed the connection".to_owned(),
        ),
        ureq::Error::Io(io) => {
            let (kind, message) = classify_io(io);
            (kind, message.to_owned())
        }
        ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::TlsRequired => (K::Tls, "the TLS session failed".to_owned()),
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => (
            K::Protocol,
            "the server did not speak valid HTTP/1.1".to_owned(),
        ),
        ureq::Error::BodyExceedsLimit(n) => (
            K::ResponseTooLarge,
            format!("the answer is larger than the {n}-byte limit"),
        ),
        ureq::Error::RequireHttpsOnly(_) => (
            K::Other,
            "plain http refused: the client only speaks https".to_owned(),
        ),
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
            (K::Protocol, "unexpected redirect handling".to_owned())
        }
        _ => (K::Other, "the HTTP transport failed".to_owned()),
    };
    TransportError::new(kind, message, Some(Box::new(e))).into()
}

/// Names an I/O error seen by ureq.
fn classify_io(io: &io::Error) -> (TransportErrorKind, &'static str) {
    use TransportErrorKind as K;
    let is_tls = io
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>());
    if is_tls {
        (K::Tls, "the TLS session failed")
    } else {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => (K::Connect, "the connection was refused"),
            io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable => (K::Connect, "the host is unreachable"),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                (K::Timeout, "the connection timed out")
            }
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                (K::Io, "the connection was reset")
            }
            io::ErrorKind::UnexpectedEof => (K::Io, "the connection closed before the end"),
            io::ErrorKind::BrokenPipe => (K::Io, "the connection closed while sending"),
            // std reports a failed getaddrinfo with an uncategorized kind; its message is
            // stable and is the only way to tell it from other I/O failures.
            _ if io.to_string().contains("failed to lookup address") => {
                (K::Connect, "the host name did not resolve")
            }
            _ => (K::Io, "I/O on the connection failed"),
        }
    }
}

/// Maps an I/O error from a ureq body reader: ureq wraps its own errors in `io::Error`.
pub(crate) fn map_body_io(e: io::Error) -> Error {
    map_ureq(ureq::Error::from(e))
}

/// Reads a whole JSON answer, refusing more than `max` bytes.
pub(crate) fn read_capped(body: &mut ureq::Body, max: usize) -> Result<Vec<u8>, Error> {
    // ureq's limit fails once `limit` bytes were read and more are asked for, so `max + 1`
    // lets an answer of exactly `max` bytes through.
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    body.with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => TransportError::new(
                TransportErrorKind::ResponseTooLarge,
                format!("the answer is larger than the {max}-byte limit"),
                Some(Box::new(e)),
            )
            .into(),
            other => map_ureq(other),
        })
}

/// Turns a qys error met while streaming a download into an `io::Error` that carries it, so
/// [`io::Read`] users see the right kind and can downcast to [`qys_proto::Error`].
pub(crate) fn to_io(e: Error) -> io::Error {
    let kind = match &e {
        Error::Transport(t) => match t.kind() {
            TransportErrorKind::Timeout => io::ErrorKind::TimedOut,
            TransportErrorKind::Connect => io::ErrorKind::ConnectionRefused,
            TransportErrorKind::Io => io::ErrorKind::ConnectionReset,
            TransportErrorKind::Protocol | TransportErrorKind::Tls => io::ErrorKind::InvalidData,
            _ => io::ErrorKind::Other,
        },
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, e)
}

/// Recovers the qys error from an `io::Error` made by [`to_io`], or maps a plain one.
pub(crate) fn from_io(e: io::Error) -> Error {
    if !e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        return map_body_io(e);
    }
    let kind = e.kind();
    match e.into_inner().map(|inner| inner.downcast::<Error>()) {
        Some(Ok(err)) => *err,
        Some(Err(other)) => map_body_io(io::Error::new(kind, other)),
        None => map_body_io(io::Error::from(kind)),
    }
}
