//! The sandbox's one clock, and the platform's way of writing times.
//!
//! Every "now" of the sandbox comes from its [`SandboxClock`]: the gateway's timestamp window
//! and nonce memory, contract deadlines (`EXPIRED`), the download lock, the repeat limits,
//! create and modify times, and the `timestamp` of the callbacks it signs. A test moves it
//! forward with [`SandboxClock::advance`] instead of sleeping.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The sandbox's clock: the system time (or a fixed start) plus how far it has been moved
/// forward. Clones share one time, so the clone a test keeps moves the sandbox's clock.
///
/// ```
/// use std::time::Duration;
/// use qys_sandbox::{Sandbox, SandboxClock};
///
/// let clock = SandboxClock::fixed(1_767_225_600_000); // 2026-01-01 08:00:00 China time
/// let sandbox = Sandbox::builder().clock(clock.clone()).start()?;
/// clock.advance(Duration::from_secs(31 * 86_400)); // a month later, at once
/// assert_eq!(sandbox.clock().unix_ms(), 1_767_225_600_000 + 31 * 86_400_000);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct SandboxClock {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None`: the system clock; `Some(ms)`: stands still at this Unix time in milliseconds.
    start_ms: Option<u64>,
    /// How far [`SandboxClock::advance`] moved it, in milliseconds.
    offset_ms: AtomicU64,
}

impl SandboxClock {
    /// The system clock (what a sandbox uses unless told otherwise); it can still be moved
    /// forward.
    pub fn system() -> Self {
        Self::with_start(None)
    }

    /// A clock that stands at `unix_ms` (milliseconds since 1970-01-01 UTC) and moves only when
    /// [`advance`](Self::advance)d: for tests that want exact times.
    pub fn fixed(unix_ms: u64) -> Self {
        Self::with_start(Some(unix_ms))
    }

    fn with_start(start_ms: Option<u64>) -> Self {
        Self {
            inner: Arc::new(Inner {
                start_ms,
                offset_ms: AtomicU64::new(0),
            }),
        }
    }

    /// Moves the clock forward by `by` (never backwards; saturating), for every holder of this
    /// clock at once.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        // fetch_update cannot fail with a closure that always answers Some.
        let _ = self
            .inner
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| {
                Some(o.saturating_add(by))
            });
    }

    /// How far the clock has been moved forward in all.
    pub fn advanced(&self) -> Duration {
        Duration::from_millis(self.inner.offset_ms.load(Ordering::SeqCst))
    }

    /// Now, in milliseconds since 1970-01-01 UTC.
    pub fn unix_ms(&self) -> u64 {
        let base = self.inner.start_ms.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        });
        base.saturating_add(self.inner.offset_ms.load(Ordering::SeqCst))
    }

    /// Now, as a [`SystemTime`].
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.unix_ms())
    }

    /// Now, as the time since the epoch: the instant type of the sandbox's timers (nonce
    /// memory, download lock, repeat limits), so that moving the clock moves them too.
    pub(crate) fn since_epoch(&self) -> Duration {
        Duration::from_millis(self.unix_ms())
    }

    /// Now, in whole seconds since the epoch.
    pub(crate) fn unix_secs(&self) -> i64 {
        i64::try_from(self.unix_ms() / 1000).unwrap_or(i64::MAX)
    }

    /// Now as the platform writes times: `yyyy-MM-dd HH:mm:ss`, China time.
    pub(crate) fn text(&self) -> String {
        format_time(self.unix_secs())
    }

    /// Today's date in China, `yyyy-MM-dd`.
    pub(crate) fn date(&self) -> String {
        let mut text = self.text();
        text.truncate(10);
        text
    }
}

/// A client built with this clock (`.clock(sandbox.clock().clone())` on the qys builders)
/// signs its requests with the sandbox's time, so it stays inside the timestamp window
/// however far the test moved the clock.
impl qys_proto::Clock for SandboxClock {
    fn now_millis(&self) -> u64 {
        self.unix_ms()
    }
}

impl Default for SandboxClock {
    /// [`SandboxClock::system`].
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for SandboxClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxClock")
            .field("fixed", &self.inner.start_ms.is_some())
            .field("unix_ms", &self.unix_ms())
            .field("advanced", &self.advanced())
            .finish()
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `yyyy-MM-dd HH:mm:ss` of seconds since the epoch, in China time (UTC+8), as the platform
/// writes times.
pub(crate) fn format_time(secs: i64) -> String {
    let local = secs.saturating_add(8 * 3600);
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Seconds since the epoch of `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd` (China time; a date alone
/// is its last second); `None` when it is not one of those shapes.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if b.len() != 10 && b.len() != 19 {
        return None;
    }
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (hh, mm, ss) = if b.len() == 19 {
        if b[10] != b' ' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        (num(11..13)?, num(14..16)?, num(17..19)?)
    } else {
        (23, 59, 59)
    };
    if hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss - 8 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(
            civil_from_days(days_from_civil(2000, 12, 31)),
            (2000, 12, 31)
        );
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(format_time(-8 * 3600), "1970-01-01 00:00:00");
        assert_eq!(format_time(951_782_400 - 8 * 3600), "2000-02-29 00:00:00");
        let t = parse_time("2026-11-22 17:05:09").unwrap();
        assert_eq!(format_time(t), "2026-11-22 17:05:09");
        assert_eq!(
            format_time(parse_time("2026-01-31").unwrap()),
            "2026-01-31 23:59:59"
        );
        assert_eq!(parse_time("2026-13-01"), None);
        assert_eq!(parse_time("2026/01/01"), None);
    }

    #[test]
    fn a_fixed_clock_moves_only_when_advanced_and_clones_share_it() {
        let clock = SandboxClock::fixed(1_767_225_600_000);
        let other = clock.clone();
        assert_eq!(clock.text(), "2026-01-01 08:00:00");
        assert_eq!(clock.date(), "2026-01-01");
        other.advance(Duration::from_secs(3600));
        assert_eq!(clock.unix_ms(), 1_767_225_600_000 + 3_600_000);
        assert_eq!(clock.advanced(), Duration::from_secs(3600));
        clock.advance(Duration::MAX);
        assert_eq!(clock.unix_ms(), u64::MAX, "saturates instead of wrapping");
    }

    #[test]
    fn the_system_clock_is_near_the_system_time_plus_its_offset() {
        let clock = SandboxClock::system();
        let sys = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        clock.advance(Duration::from_secs(86_400));
        let diff = clock
            .unix_ms()
            .abs_diff(sys.as_millis() as u64 + 86_400_000);
        assert!(diff < 60_000, "{diff}");
    }
}
