//! Tracing (cargo feature `tracing`, on by default): one span per call, one event per attempt,
//! fed from the [call engine](crate::engine)'s one place per attempt end and per call end, so
//! both frontends trace the same way.
//!
//! Everything is emitted with the target `qys`:
//!
//! - the span `call` (level `INFO`), created when a call starts, with `method`, `path` and
//!   `token` (the app's token abbreviated as [`Credentials`](crate::Credentials)' `Debug` shows
//!   it), and recorded once it ends: `attempts`, `status` (the last HTTP status), `code`
//!   (the platform's code of an error envelope), `elapsed_ms` (the whole call, waits
//!   included), and `bytes_sent` and `bytes_received` (the body bytes of the last attempt; for
//!   a download, the file's bytes read by the time the download is dropped, which is also
//!   when its span closes);
//! - one event `attempt ended` (level `DEBUG`) per attempt, inside that span, with `attempt`,
//!   `nonce` (the attempt's `x-qys-open-nonce`: the correlation id the gateway saw), `status`,
//!   `elapsed_ms` and, when it failed, `error`;
//! - one event `retrying` (level `WARN`) per retry, with `attempt` and `nonce` of the failed
//!   attempt, its `reason` (the error) and `retry_in_ms`, the wait before the next attempt.
//!
//! No secret is ever recorded: no header value but the nonce, no body, no whole token, and
//! errors only through their `Display`, which never shows one either.
//!
//! The frontends run each call inside its span (the async client instruments the call's
//! future, so the span is entered only while it is polled), so a subscriber attributes
//! whatever the call's own code logs to it. Without the feature, [`CallSpan`] is empty and
//! every method here does nothing.

use std::fmt;
use std::future::Future;
#[cfg(feature = "tracing")]
use std::time::Duration;

use http::Method;

#[cfg(feature = "tracing")]
use crate::error::Error;
use crate::observe::{AttemptEnd, CallEnd};

/// The span of one call (see the [module docs](self)); cheap to clone.
#[derive(Clone)]
pub struct CallSpan {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl fmt::Debug for CallSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallSpan")
    }
}

/// A [`CallSpan`] entered on this thread until dropped (blocking frontends).
#[derive(Debug)]
#[must_use = "the span is left when this is dropped"]
pub struct EnteredCallSpan {
    #[cfg(feature = "tracing")]
    _entered: tracing::span::EnteredSpan,
}

impl CallSpan {
    /// The span of a call of `method` `path` signed with `token`.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn new(method: &Method, path: &str, token: Option<&str>) -> Self {
        #[cfg(feature = "tracing")]
        {
            use tracing::field::Empty;
            let span = tracing::info_span!(
                target: "qys",
                "call",
                method = %method,
                path,
                token = token.map(|t| tracing::field::debug(crate::credentials::Abbreviated(t))),
                attempts = Empty,
                status = Empty,
                code = Empty,
                elapsed_ms = Empty,
                bytes_sent = Empty,
                bytes_received = Empty,
            );
            Self { span }
        }
        #[cfg(not(feature = "tracing"))]
        Self {}
    }

    /// Enters the span on this thread until the guard is dropped.
    pub fn entered(&self) -> EnteredCallSpan {
        EnteredCallSpan {
            #[cfg(feature = "tracing")]
            _entered: self.span.clone().entered(),
        }
    }

    /// `future`, run inside the span: entered each time it is polled, left in between.
    pub fn instrument<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        {
            tracing::Instrument::instrument(future, self.span.clone())
        }
        #[cfg(not(feature = "tracing"))]
        future
    }

    /// A counter of the bytes of a download's file, read after the call has ended: it keeps
    /// the span open and records `bytes_received` when dropped.
    pub fn file_tally(&self) -> FileTally {
        FileTally {
            span: self.clone(),
            bytes: 0,
        }
    }

    /// An attempt ended: its event, a warning if the call is retried, and for the last one the
    /// call's outcome.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn attempt_ended(&self, end: &AttemptEnd<'_>) {
        #[cfg(feature = "tracing")]
        {
            let span = &self.span;
            // The last attempt's outcome is the call's: each field is recorded once (some
            // subscribers append rather than replace).
            if end.retry_in().is_none() {
                if let Some(status) = end.status() {
                    span.record("status", status.as_u16());
                }
                if let Some(code) = end.error().and_then(api_code) {
                    span.record("code", code);
                }
                if end.bytes_sent() > 0 {
                    span.record("bytes_sent", end.bytes_sent());
                }
                if end.bytes_received() > 0 {
                    span.record("bytes_received", end.bytes_received());
                }
            }
            tracing::debug!(
                target: "qys",
                parent: span,
                attempt = end.attempt(),
                nonce = end.nonce(),
                status = end.status().map(|s| s.as_u16()),
                elapsed_ms = millis(end.elapsed()),
                error = end.error().map(tracing::field::display),
                "attempt ended",
            );
            if let (Some(delay), Some(reason)) = (end.retry_in(), end.error()) {
                tracing::warn!(
                    target: "qys",
                    parent: span,
                    attempt = end.attempt(),
                    nonce = end.nonce(),
                    %reason,
                    retry_in_ms = millis(delay),
                    "retrying",
                );
            }
        }
    }

    /// The call ended: its attempts and total time.
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(crate) fn call_ended(&self, end: &CallEnd<'_>) {
        #[cfg(feature = "tracing")]
        {
            self.span.record("attempts", end.attempts());
            self.span.record("elapsed_ms", millis(end.elapsed()));
        }
    }
}

/// Counts the bytes of a download's file for its call's span (see [`CallSpan::file_tally`]).
#[derive(Debug)]
pub struct FileTally {
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    span: CallSpan,
    bytes: u64,
}

impl FileTally {
    /// `n` more bytes of the file arrived.
    pub fn add(&mut self, n: usize) {
        self.bytes += n as u64;
    }
}

impl Drop for FileTally {
    fn drop(&mut self) {
        #[cfg(feature = "tracing")]
        if self.bytes > 0 {
            self.span.span.record("bytes_received", self.bytes);
        }
    }
}

/// The platform's code of an error envelope: the numeric `code`, else the `responseCode`.
#[cfg(feature = "tracing")]
fn api_code(error: &Error) -> Option<String> {
    let api = error.as_api()?;
    match (api.code(), api.response_code()) {
        (Some(code), _) => Some(code.to_string()),
        (None, Some(response_code)) => Some(response_code.to_owned()),
        (None, None) => None,
    }
}

/// A duration in milliseconds, to the microsecond.
#[cfg(feature = "tracing")]
fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}
