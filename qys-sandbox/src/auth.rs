//! The gateway's authentication, checked before routing, in this order:
//!
//! 1. a required header is missing or empty → HTTP 441 `HEADER REQUIRED,<header>`;
//! 2. the token is unknown → HTTP 442 `INVALID TOKEN`;
//! 3. the signature does not match → HTTP 443 `INVALID SIGNATURE`;
//! 4. the timestamp is not a number or outside the window → HTTP 444 `TIMESTAMP EXPIRED`;
//! 5. the nonce was already used with this token within ten minutes → HTTP 446 `NONCE REPLAYED`.
//!
//! The signature is recomputed here from the raw header bytes (`md5(token + secret +
//! timestamp + nonce)`, lowercase hex) with the sandbox's own code, not with qys-proto's signer,
//! so that the two check each other.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use http::HeaderMap;
use md5::{Digest, Md5};
use qys_proto::Credentials;
use qys_proto::headers::{
    ACCESS_TOKEN, AGENT_ACCESS_TOKEN, AGENT_SIGNATURE, NONCE, SIGNATURE, TIMESTAMP,
};
use subtle::ConstantTimeEq;

use crate::reply::Failure;

/// How long a nonce stays used.
pub(crate) const NONCE_TTL: Duration = Duration::from_secs(10 * 60);
/// The most nonces remembered; beyond it the oldest are forgotten first.
pub(crate) const NONCE_CAP: usize = 200_000;

/// The keys and the clock window the gateway checks against.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) app: Credentials,
    pub(crate) agent: Credentials,
    pub(crate) window: Duration,
}

/// The nonces seen in the last ten minutes, per token, kept as 16-byte digests of
/// (token, nonce) so that memory stays bounded whatever clients send: at most [`NONCE_CAP`]
/// entries of a few dozen bytes.
#[derive(Debug, Default)]
pub(crate) struct NonceStore {
    seen: HashSet<[u8; 16]>,
    order: VecDeque<(Instant, [u8; 16])>,
}

fn nonce_key(token: &[u8], nonce: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update((token.len() as u64).to_be_bytes());
    md5.update(token);
    md5.update(nonce);
    md5.finalize().into()
}

impl NonceStore {
    /// Records `nonce` for `token`; false when it was already seen within [`NONCE_TTL`].
    pub(crate) fn record(&mut self, token: &[u8], nonce: &[u8], now: Instant) -> bool {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_duration_since(*at) < NONCE_TTL && self.order.len() < NONCE_CAP {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.seen.remove(&key);
            }
        }
        let key = nonce_key(token, nonce);
        if !self.seen.insert(key) {
            return false;
        }
        self.order.push_back((now, key));
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a [u8], Failure> {
    match headers.get(name) {
        Some(v) if !v.as_bytes().iter().all(u8::is_ascii_whitespace) => Ok(v.as_bytes()),
        _ => Err(Failure::gateway(
            441,
            "11990441",
            format!("HEADER REQUIRED,{name}"),
        )),
    }
}

fn invalid_token() -> Failure {
    Failure::gateway(442, "11990442", "INVALID TOKEN")
}

fn check_signature(
    credentials: &Credentials,
    timestamp: &[u8],
    nonce: &[u8],
    given: &[u8],
) -> Result<(), Failure> {
    let mut md5 = Md5::new();
    md5.update(credentials.token().as_bytes());
    md5.update(credentials.secret().expose().as_bytes());
    md5.update(timestamp);
    md5.update(nonce);
    let expected = hex::encode(md5.finalize());
    if bool::from(expected.as_bytes().ct_eq(given)) {
        Ok(())
    } else {
        Err(Failure::gateway(443, "11990443", "INVALID SIGNATURE"))
    }
}

fn same_token(credentials: &Credentials, given: &[u8]) -> bool {
    bool::from(credentials.token().as_bytes().ct_eq(given))
}

fn check_timestamp(timestamp: &[u8], now_ms: u64, window: Duration) -> Result<(), Failure> {
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
    let parsed = std::str::from_utf8(timestamp)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    let Some(ts) = parsed else {
        return Err(Failure::gateway(
            444,
            "11990444",
            "TIMESTAMP EXPIRED: x-qys-open-timestamp is not a number of milliseconds",
        ));
    };
    if ts.abs_diff(now_ms) > window_ms {
        return Err(Failure::gateway(
            444,
            "11990444",
            format!(
                "TIMESTAMP EXPIRED: {ts} is {} s away from the gateway's clock (window {} s)",
                ts.abs_diff(now_ms) / 1000,
                window_ms / 1000
            ),
        ));
    }
    Ok(())
}

/// Authenticates the head of a request to `path`. On success the nonce is recorded.
///
/// # Errors
/// The gateway's answer (441, 442, 443, 444 or 446).
pub(crate) fn authenticate(
    headers: &HeaderMap,
    path: &str,
    keys: &Keys,
    now_ms: u64,
    nonces: &std::sync::Mutex<NonceStore>,
) -> Result<(), Failure> {
    let (primary, timestamp, nonce) = if path.starts_with("/saas/") {
        let agent_token = header(headers, AGENT_ACCESS_TOKEN)?;
        let agent_signature = header(headers, AGENT_SIGNATURE)?;
        let timestamp = header(headers, TIMESTAMP)?;
        let nonce = header(headers, NONCE)?;
        // Acting for a tenant: the app pair must be complete and right too.
        let app = match headers.get(ACCESS_TOKEN) {
            Some(_) => Some((header(headers, ACCESS_TOKEN)?, header(headers, SIGNATURE)?)),
            None => None,
        };
        if !same_token(&keys.agent, agent_token) {
            return Err(invalid_token());
        }
        if let Some((app_token, _)) = app
            && !same_token(&keys.app, app_token)
        {
            return Err(invalid_token());
        }
        check_signature(&keys.agent, timestamp, nonce, agent_signature)?;
        if let Some((_, app_signature)) = app {
            check_signature(&keys.app, timestamp, nonce, app_signature)?;
        }
        (agent_token, timestamp, nonce)
    } else {
        let token = header(headers, ACCESS_TOKEN)?;
        let timestamp = header(headers, TIMESTAMP)?;
        let nonce = header(headers, NONCE)?;
        let signature = header(headers, SIGNATURE)?;
        if !same_token(&keys.app, token) {
            return Err(invalid_token());
        }
        check_signature(&keys.app, timestamp, nonce, signature)?;
        (token, timestamp, nonce)
    };
    check_timestamp(timestamp, now_ms, keys.window)?;
    let fresh = nonces
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .record(primary, nonce, Instant::now());
    if !fresh {
        return Err(Failure::gateway(
            446,
            "11990446",
            "NONCE REPLAYED: this x-qys-open-nonce was used within the last 10 minutes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_expire_and_are_capped() {
        let mut store = NonceStore::default();
        let t0 = Instant::now();
        assert!(store.record(b"t", b"n1", t0));
        assert!(!store.record(b"t", b"n1", t0 + Duration::from_secs(1)));
        assert!(store.record(b"other", b"n1", t0), "nonces are per token");
        assert!(store.record(b"t", b"n1", t0 + NONCE_TTL + Duration::from_secs(1)));
        assert_eq!(store.len(), 1, "expired entries are dropped");
        for i in 0..(NONCE_CAP + 10) {
            store.record(b"t", i.to_string().as_bytes(), t0 + NONCE_TTL * 2);
        }
        assert!(store.len() <= NONCE_CAP);
    }

    #[test]
    fn the_signature_is_the_documented_md5() {
        // The self-computed vector of the spec (§1.2).
        let c = Credentials::new("DWjfxmA12a", "testSecret");
        assert!(
            check_signature(
                &c,
                b"1565753984643",
                b"254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0",
                b"7a93104e1c30e46541e9caba6307361e"
            )
            .is_ok()
        );
        let bad = check_signature(
            &c,
            b"1565753984643",
            b"x",
            b"7a93104e1c30e46541e9caba6307361e",
        )
        .unwrap_err();
        assert_eq!(bad.status, 443);
    }

    #[test]
    fn timestamps_outside_the_window_are_refused() {
        let w = Duration::from_secs(60);
        assert!(check_timestamp(b"100000", 100_000 + 60_000, w).is_ok());
        assert_eq!(
            check_timestamp(b"100000", 100_000 + 60_001, w)
                .unwrap_err()
                .status,
            444
        );
        assert_eq!(check_timestamp(b"1e9", 0, w).unwrap_err().status, 444);
        assert_eq!(check_timestamp(b"-5", 0, w).unwrap_err().status, 444);
    }
}
