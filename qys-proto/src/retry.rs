//! The retry policy: a pure function from (attempt, outcome, endpoint) to "retry after this
//! delay" or "stop". The frontends sleep and re-sign; the policy never sees a clock or an RNG
//! (the elapsed time and a jitter draw are arguments).

use std::time::Duration;

use crate::error::{Error, ErrorCode, TransportErrorKind};

/// When and how often calls are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    deadline: Duration,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Sleep this long, then re-sign and send again.
    RetryAfter(Duration),
    /// Return the error.
    Stop,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 200 ms up to 5 s with full jitter, 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// At most `attempts` attempts in all (1 means no retry).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff and the largest one.
    #[must_use]
    pub fn with_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// No retry starts after this much time since the first attempt.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The most attempts a call makes.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Decides after attempt number `attempt` (1-based) failed with `error`.
    ///
    /// `idempotent` is the endpoint's [`crate::endpoint::Endpoint::IDEMPOTENT`]; `rewindable`
    /// says whether the request body can be sent again (false for uploads from a one-shot
    /// source); `elapsed` is the time since the first attempt; `jitter` is uniform in `[0, 1)`.
    ///
    /// A call is retried only when the error is retryable, the body can be re-sent, and either
    /// the request cannot have been processed (the connection was never opened, or the platform
    /// refused it for throttling) or the endpoint is idempotent.
    pub fn decide(
        &self,
        attempt: u32,
        error: &Error,
        idempotent: bool,
        rewindable: bool,
        elapsed: Duration,
        jitter: f64,
    ) -> RetryDecision {
        if attempt >= self.max_attempts || !rewindable || !error.is_retryable() {
            return RetryDecision::Stop;
        }
        if !idempotent && !surely_unprocessed(error) {
            return RetryDecision::Stop;
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16));
        let cap = exp.min(self.max_delay);
        let delay = cap.mul_f64(jitter.clamp(0.0, 1.0));
        if elapsed.saturating_add(delay) >= self.deadline {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(delay)
    }
}

fn surely_unprocessed(error: &Error) -> bool {
    match error {
        Error::Transport(t) => t.kind() == TransportErrorKind::Connect,
        Error::Api(a) => a.kind() == ErrorCode::TooFrequent,
        Error::Status(s) => s.status().as_u16() == 429,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, StatusError, TransportError};
    use http::StatusCode;

    fn transport(kind: TransportErrorKind) -> Error {
        TransportError::new(kind, "x", None).into()
    }

    #[test]
    fn non_idempotent_calls_retry_only_when_surely_unprocessed() {
        let p = RetryPolicy::default();
        let d = |e: &Error, idem| p.decide(1, e, idem, true, Duration::ZERO, 0.5);
        assert!(matches!(
            d(&transport(TransportErrorKind::Connect), false),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            d(&transport(TransportErrorKind::Timeout), false),
            RetryDecision::Stop
        );
        assert!(matches!(
            d(&transport(TransportErrorKind::Timeout), true),
            RetryDecision::RetryAfter(_)
        ));
        let gw: Error = StatusError::new(StatusCode::BAD_GATEWAY, None, b"").into();
        assert_eq!(d(&gw, false), RetryDecision::Stop);
        assert!(matches!(d(&gw, true), RetryDecision::RetryAfter(_)));
        let invalid: Error = ApiError::new(StatusCode::OK, Some(1005), None, "x").into();
        assert_eq!(d(&invalid, true), RetryDecision::Stop);
    }

    #[test]
    fn attempts_deadline_and_rewinding_stop_retries() {
        let p = RetryPolicy::default();
        let e = transport(TransportErrorKind::Connect);
        assert_eq!(
            p.decide(3, &e, true, true, Duration::ZERO, 0.5),
            RetryDecision::Stop
        );
        assert_eq!(
            p.decide(1, &e, true, false, Duration::ZERO, 0.5),
            RetryDecision::Stop
        );
        assert_eq!(
            p.decide(1, &e, true, true, Duration::from_secs(30), 0.0),
            RetryDecision::Stop
        );
        assert_eq!(
            RetryPolicy::none().decide(1, &e, true, true, Duration::ZERO, 0.5),
            RetryDecision::Stop
        );
        assert_eq!(
            p.decide(2, &e, true, true, Duration::ZERO, 0.999_999),
            RetryDecision::RetryAfter(Duration::from_millis(400).mul_f64(0.999_999))
        );
    }
}
