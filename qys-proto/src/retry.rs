//! The retry policy: a pure function from (attempt, outcome, endpoint) to "retry after this
//! delay" or "stop". The frontends sleep and re-sign; the policy never sees a clock or an RNG
//! (the elapsed time and a jitter draw are arguments).
//!
//! A server's `Retry-After` header (seconds or an HTTP date) is read by [`retry_after`] — the
//! current time is an argument — and recorded on the error with [`Error::with_retry_after`];
//! [`RetryPolicy::decide`] then waits at least that long, or stops when the wait would end
//! past the policy's deadline.

use std::time::Duration;

use http::HeaderMap;

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
    /// `idempotent` is the endpoint's [`Call::idempotent`](crate::endpoint::Call::idempotent); `rewindable`
    /// says whether the request body can be sent again (false for uploads from a one-shot
    /// source); `elapsed` is the time since the first attempt; `jitter` is uniform in `[0, 1)`.
    ///
    /// A call is retried only when the error is retryable, the body can be re-sent, and either
    /// the request cannot have been processed (the connection was never opened, or the platform
    /// refused it for throttling) or the endpoint is idempotent.
    ///
    /// The delay is the jittered exponential backoff, or the error's
    /// [`Error::retry_after`] when that is longer. A retry whose delay would end at or after the
    /// deadline (measured from the first attempt) is not made: the error is returned at once.
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
        let mut delay = cap.mul_f64(jitter.clamp(0.0, 1.0));
        if let Some(asked) = error.retry_after() {
            // The server knows best how long it needs; never retry sooner than it asked.
            delay = delay.max(asked);
        }
        if elapsed.saturating_add(delay) >= self.deadline {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(delay)
    }
}

/// The `Retry-After` of an answer's headers, as a wait from `now_unix_ms` (the frontend's
/// clock, Unix milliseconds): `delay-seconds` or an HTTP date (IMF-fixdate, and the obsolete
/// RFC 850 and asctime forms, RFC 9110 §10.2.3). A date in the past is a zero wait. `None`
/// when the header is absent, repeated or unreadable.
pub fn retry_after(headers: &HeaderMap, now_unix_ms: u64) -> Option<Duration> {
    let mut values = headers.get_all(http::header::RETRY_AFTER).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse_retry_after(value.to_str().ok()?, now_unix_ms)
}

/// Parses one `Retry-After` value; see [`retry_after`].
pub fn parse_retry_after(value: &str, now_unix_ms: u64) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate; the deadline stops the retry anyway.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let at_ms = http_date_unix_secs(value)?.checked_mul(1000)?;
    Some(Duration::from_millis(at_ms.saturating_sub(now_unix_ms)))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the Unix epoch of an HTTP date, or `None` if it is not one.
fn http_date_unix_secs(s: &str) -> Option<u64> {
    let (day, month, year, time) = if let Some((_, rest)) = s.split_once(',') {
        let tokens: Vec<&str> = rest.split_ascii_whitespace().collect();
        match tokens.as_slice() {
            // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
            [d, m, y, t, "GMT"] if y.len() == 4 => (*d, *m, parse_num(y)?, *t),
            // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`.
            [date, t, "GMT"] => {
                let mut parts = date.split('-');
                let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
                if parts.next().is_some() || y.len() != 2 {
                    return None;
                }
                let yy = parse_num(y)?;
                (d, m, if yy < 70 { 2000 + yy } else { 1900 + yy }, *t)
            }
            _ => return None,
        }
    } else {
        // asctime: `Sun Nov  6 08:49:37 1994`.
        match s.split_ascii_whitespace().collect::<Vec<_>>().as_slice() {
            [_, m, d, t, y] if y.len() == 4 => (*d, *m, parse_num(y)?, *t),
            _ => return None,
        }
    };
    if day.is_empty() || day.len() > 2 {
        return None;
    }
    let day = parse_num(day)?;
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let mut hms = time.split(':');
    let (h, mi, se) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() || [h, mi, se].iter().any(|p| p.len() != 2) {
        return None;
    }
    let (h, mi, se) = (parse_num(h)?, parse_num(mi)?, parse_num(se)?);
    if !(1970..=9999).contains(&year)
        || day == 0
        || day > days_in_month(year, month)
        || h > 23
        || mi > 59
        || se > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

fn parse_num(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (year ≥ 1970).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    fn retry_after_reads_seconds_and_the_three_http_date_forms() {
        // 1994-11-06 08:49:37 UTC.
        let at = 784_111_777_u64;
        let now = (at - 90) * 1000;
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Some(Duration::from_secs(90)),
                "{date}"
            );
        }
        assert_eq!(parse_retry_after("120", 0), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", 5), Some(Duration::ZERO));
        // A date in the past: no wait.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", (at + 10) * 1000),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", 0),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sat, 29 Feb 2020 00:00:00 GMT", 0),
            Some(Duration::from_secs(1_582_934_400))
        );
        for bad in [
            "",
            "-1",
            "1.5",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, 0), None, "{bad:?}");
        }
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, 0), None);
        headers.insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, 0), Some(Duration::from_secs(7)));
        headers.append(http::header::RETRY_AFTER, "8".parse().unwrap());
        assert_eq!(retry_after(&headers, 0), None, "ambiguous");
    }

    /// An IMF-fixdate of `t` seconds since the epoch (independent of the parser).
    fn imf_fixdate(t: u64) -> String {
        let (days, rem) = (t / 86_400, t % 86_400);
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        format!(
            "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
            MONTHS[(month - 1) as usize],
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }

    proptest::proptest! {
        #[test]
        fn any_http_date_until_9999_reads_back_as_its_wait(
            now in 0u64..253_402_300_799,
            ahead in 0u64..100_000_000,
        ) {
            let at = (now + ahead).min(253_402_300_799);
            let date = imf_fixdate(at);
            proptest::prop_assert_eq!(
                parse_retry_after(&date, now * 1000),
                Some(Duration::from_secs(at - now)),
                "{}", date
            );
        }

        #[test]
        fn any_text_parses_without_panicking(value in "\\PC{0,40}", now in proptest::num::u64::ANY) {
            let _ = parse_retry_after(&value, now);
        }
    }

    #[test]
    fn retry_after_sets_the_delay_and_the_deadline_caps_it() {
        let p = RetryPolicy::default();
        let throttled: Error = StatusError::new(StatusCode::TOO_MANY_REQUESTS, None, b"")
            .with_retry_after(Some(Duration::from_secs(2)))
            .into();
        assert_eq!(throttled.retry_after(), Some(Duration::from_secs(2)));
        // Longer than the backoff: the server's wait wins, for non-idempotent calls too.
        assert_eq!(
            p.decide(1, &throttled, false, true, Duration::ZERO, 0.99),
            RetryDecision::RetryAfter(Duration::from_secs(2))
        );
        // Past the deadline: stop now rather than sleep in vain.
        assert_eq!(
            p.decide(1, &throttled, false, true, Duration::from_secs(28), 0.0),
            RetryDecision::Stop
        );
        let api: Error = ApiError::new(StatusCode::OK, None, Some("11990006".into()), "slow")
            .with_retry_after(Some(Duration::from_secs(3600)))
            .into();
        assert_eq!(
            p.decide(1, &api, true, true, Duration::ZERO, 0.5),
            RetryDecision::Stop
        );
        // Shorter than the backoff: the backoff stays.
        let short: Error = StatusError::new(StatusCode::SERVICE_UNAVAILABLE, None, b"")
            .with_retry_after(Some(Duration::from_millis(1)))
            .into();
        assert_eq!(
            p.decide(2, &short, true, true, Duration::ZERO, 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(200))
        );
        // Retry-After never makes a call retryable that is not.
        let bad_gateway: Error = StatusError::new(StatusCode::BAD_GATEWAY, None, b"")
            .with_retry_after(Some(Duration::from_secs(1)))
            .into();
        assert_eq!(
            p.decide(1, &bad_gateway, false, true, Duration::ZERO, 0.5),
            RetryDecision::Stop
        );
        // Other errors carry none.
        let t =
            transport(TransportErrorKind::Timeout).with_retry_after(Some(Duration::from_secs(1)));
        assert_eq!(t.retry_after(), None);
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
