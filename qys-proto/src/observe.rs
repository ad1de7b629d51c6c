//! What a client reports of its calls, for metrics: the end of each attempt ([`AttemptEnd`])
//! and of each call ([`CallEnd`]), handed to an [`Observer`] set on the client's builder.
//!
//! Both come from one place each in the [call engine](crate::engine), the same place tracing
//! reads, so every attempt and call is reported once, whatever the frontend. Neither carries
//! a secret: no header value but the nonce (the attempt's correlation id), no body.

use std::fmt;
use std::time::Duration;

use http::{Method, StatusCode};

use crate::error::Error;

/// How one attempt ended.
#[derive(Debug, Clone, Copy)]
pub struct AttemptEnd<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) attempt: u32,
    pub(crate) nonce: Option<&'a str>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) error: Option<&'a Error>,
    pub(crate) elapsed: Duration,
    pub(crate) bytes_sent: u64,
    pub(crate) bytes_received: u64,
    pub(crate) retry_in: Option<Duration>,
}

impl AttemptEnd<'_> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path (without the base URL and query).
    pub fn path(&self) -> &str {
        self.path
    }

    /// The attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The attempt's nonce (`x-qys-open-nonce`): its correlation id on both sides.
    pub fn nonce(&self) -> Option<&str> {
        self.nonce
    }

    /// The HTTP status of the answer, when one came (also for an error envelope).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The attempt's error, if it failed.
    pub fn error(&self) -> Option<&Error> {
        self.error
    }

    /// From the start of the attempt to its end.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Body bytes sent (uploads).
    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent
    }

    /// Body bytes received (whole answers; a download's file is read after the call).
    pub fn bytes_received(&self) -> u64 {
        self.bytes_received
    }

    /// When the call is retried after this attempt: the wait before the next one.
    pub fn retry_in(&self) -> Option<Duration> {
        self.retry_in
    }
}

/// How a whole call ended.
#[derive(Debug, Clone, Copy)]
pub struct CallEnd<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) attempts: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) error: Option<&'a Error>,
    pub(crate) elapsed: Duration,
}

impl CallEnd<'_> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path (without the base URL and query).
    pub fn path(&self) -> &str {
        self.path
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The HTTP status of the last answer, when one came.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The call's error, if it failed.
    pub fn error(&self) -> Option<&Error> {
        self.error
    }

    /// From the start of the first attempt to the end of the last, waits included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// Hears of every attempt and call of a client (`ClientBuilder::observer` in both frontends).
/// Called on the calling thread or task, between attempts: keep it quick.
///
/// Any `Fn(&AttemptEnd<'_>)` closure is an observer of attempts.
pub trait Observer: Send + Sync {
    /// An attempt ended.
    fn attempt(&self, attempt: &AttemptEnd<'_>);

    /// A call ended (after its last attempt).
    fn call(&self, call: &CallEnd<'_>) {
        let _ = call;
    }
}

impl<F: Fn(&AttemptEnd<'_>) + Send + Sync> Observer for F {
    fn attempt(&self, attempt: &AttemptEnd<'_>) {
        self(attempt);
    }
}

impl fmt::Debug for dyn Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}
