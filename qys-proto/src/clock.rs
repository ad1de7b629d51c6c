//! Time and nonces are inputs of the core: the frontends get them from a [`Clock`] and a
//! [`NonceSource`], tests use [`FixedClock`] and [`SequentialNonce`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{BuildError, BuildErrorKind};

/// Where a frontend reads the time of each request (Unix milliseconds).
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;
}

/// Where a frontend draws the nonce of each request. A nonce must not repeat within ten minutes
/// for one AppToken: the gateway rejects replays.
pub trait NonceSource: Send + Sync + fmt::Debug {
    /// A fresh nonce.
    fn nonce(&self) -> Nonce;
}

/// The `x-qys-open-nonce` value: 1 to 128 visible ASCII characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nonce(String);

impl Nonce {
    /// Checks and wraps a nonce.
    ///
    /// # Errors
    /// [`BuildErrorKind::InvalidArgument`] when it is empty, longer than 128 bytes, or has a
    /// character outside visible ASCII (it goes into a header and into the signed string).
    pub fn new(value: impl Into<String>) -> Result<Self, BuildError> {
        let value = value.into();
        if value.is_empty() || value.len() > 128 || !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(BuildError::new(
                BuildErrorKind::InvalidArgument,
                "a nonce must be 1 to 128 visible ASCII characters",
            ));
        }
        Ok(Self(value))
    }

    /// The nonce text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A clock that always answers the same instant (tests, reproducible requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now_millis(&self) -> u64 {
        self.0
    }
}

/// Nonces `{prefix}-000000000001`, `{prefix}-000000000002`, ... (tests, reproducible requests).
#[derive(Debug)]
pub struct SequentialNonce {
    prefix: String,
    next: AtomicU64,
}

impl SequentialNonce {
    /// A sequence whose nonces start with `prefix` (visible ASCII, at most 100 bytes).
    ///
    /// # Panics
    /// If the prefix is not visible ASCII or longer than 100 bytes: a programming error in a
    /// test set-up, not a runtime condition.
    pub fn new(prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        assert!(
            prefix.len() <= 100 && prefix.bytes().all(|b| b.is_ascii_graphic()),
            "SequentialNonce prefix must be visible ASCII of at most 100 bytes"
        );
        Self {
            prefix,
            next: AtomicU64::new(1),
        }
    }
}

impl NonceSource for SequentialNonce {
    fn nonce(&self) -> Nonce {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Nonce(format!("{}-{n:012}", self.prefix))
    }
}

/// The system clock. Only frontends call it.
#[cfg(feature = "system")]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(feature = "system")]
impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// Random UUID v4 nonces from the operating system's generator, as the vendor SDKs send.
#[cfg(feature = "system")]
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomNonce;

#[cfg(feature = "system")]
impl NonceSource for RandomNonce {
    fn nonce(&self) -> Nonce {
        Nonce(uuid::Uuid::new_v4().hyphenated().to_string())
    }
}

/// A uniform random number in `[0, 1)` for retry jitter. Only frontends call it.
#[cfg(feature = "system")]
pub fn system_jitter() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u64 >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_rejects_header_breaking_values() {
        assert!(Nonce::new("").is_err());
        assert!(Nonce::new("a b").is_err());
        assert!(Nonce::new("a\r\nb").is_err());
        assert!(Nonce::new("随机").is_err());
        assert!(Nonce::new("x".repeat(129)).is_err());
        assert_eq!(
            Nonce::new("254775d7-3c7c").unwrap().as_str(),
            "254775d7-3c7c"
        );
    }

    #[test]
    fn sequential_nonces_count_up() {
        let s = SequentialNonce::new("t");
        assert_eq!(s.nonce().as_str(), "t-000000000001");
        assert_eq!(s.nonce().as_str(), "t-000000000002");
    }

    #[cfg(feature = "system")]
    #[test]
    fn random_nonces_are_distinct_uuids() {
        let a = RandomNonce.nonce();
        let b = RandomNonce.nonce();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
        let j = system_jitter();
        assert!((0.0..1.0).contains(&j));
    }
}
