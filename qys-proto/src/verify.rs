//! The gateway's check of a signed request, as a pure function.
//!
//! [`Gateway::verify`] answers what the Open Platform's gateway answers a request head, from
//! the headers, the request path, the credentials the gateway knows, the time now and whether
//! the nonce was already seen. It reads no clock and stores nothing: the caller supplies the
//! time and keeps the nonces (record [`Verified::nonce`] under [`Verified::token`] for ten
//! minutes, the platform's replay window). Use it to test a signer, a signing proxy or a
//! middleware, or to guard a service that accepts requests signed the platform's way.
//!
//! The checks run in the gateway's order, and the first failure is the answer:
//!
//! 1. a required header is absent, empty or only whitespace → [`Rejection::MissingHeader`]
//!    (HTTP 441 `HEADER REQUIRED,<header>`); headers are required in the order
//!    token, (agent signature,) timestamp, nonce, signature;
//! 2. a token is not one the gateway knows → [`Rejection::UnknownToken`] (442);
//! 3. a signature is not the lowercase hex MD5 of token + secret + timestamp (+ nonce), over the
//!    header bytes as sent → [`Rejection::BadSignature`] (443);
//! 4. the timestamp is not a number of milliseconds or is further from now than the window →
//!    [`Rejection::StaleTimestamp`] (444);
//! 5. the nonce was seen → [`Rejection::ReplayedNonce`] (446).
//!
//! Codes 443, 444 and 446 are the ones qys and its sandbox use: the platform documents 441 and
//! 442 and says that a nonce may be used once in ten minutes, but not what it answers for the
//! other failures. Tokens and signatures are compared in constant time. Nothing secret appears
//! in the `Debug` or `Display` of any type here.
//!
//! ```
//! use qys_proto::verify::{Gateway, HeaderSet, Rejection};
//! use qys_proto::{Credentials, Nonce, Signer, SigningParams};
//!
//! let app = Credentials::new("DWjfxmA12a", "testSecret");
//! let params = SigningParams::new(1565753984643, Nonce::new("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0")?);
//! let (mut head, ()) = http::Request::get("https://openapi.qiyuesuo.cn/v2/seal/list")
//!     .body(())?
//!     .into_parts();
//! Signer::new(app.clone()).sign(&mut head, "/v2/seal/list", &params)?;
//!
//! let gateway = Gateway::new().app(app);
//! let now = 1565753984643 + 2_000;
//! let verified = gateway.verify(&head.headers, "/v2/seal/list", now, false)?;
//! assert_eq!(verified.header_set(), HeaderSet::Current);
//! assert_eq!(verified.nonce(), Some("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0"));
//!
//! // The same nonce again is a replay; the same request an hour later is stale.
//! let replayed = gateway.verify(&head.headers, "/v2/seal/list", now, true);
//! assert_eq!(replayed.unwrap_err(), Rejection::ReplayedNonce);
//! let late = gateway.verify(&head.headers, "/v2/seal/list", now + 3_600_000, false);
//! assert_eq!(late.unwrap_err().status(), 444);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::Duration;

use http::HeaderMap;
use md5::{Digest, Md5};
use subtle::{Choice, ConstantTimeEq};

use crate::credentials::{Abbreviated, Credentials};
use crate::sign::{Realm, Scheme, Signer, headers};

/// The timestamp window of a [`Gateway`] unless set: 15 minutes either side of now. The
/// platform does not publish its own; the sandbox uses the same default.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Which headers sign a request: the scheme as the gateway sees it on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderSet {
    /// App token, timestamp, nonce and `md5(token + secret + timestamp + nonce)`
    /// ([`Scheme::Nonce`], the default).
    Current,
    /// App token, timestamp and `md5(token + secret + timestamp)`, no nonce
    /// ([`Scheme::Legacy`]).
    Legacy,
    /// A SaaS agent on its own (`/saas/...`): agent token and signature, timestamp, nonce.
    Agent,
    /// A SaaS agent acting for a tenant (`/saas/...`): the agent pair plus the tenant app's
    /// token and signature, over the same timestamp and nonce.
    AgentForTenant,
}

impl HeaderSet {
    /// Every header set, in declaration order.
    pub const ALL: [Self; 4] = [
        Self::Current,
        Self::Legacy,
        Self::Agent,
        Self::AgentForTenant,
    ];

    /// Whether requests of this set go to `/saas/...` paths.
    pub fn is_agent(self) -> bool {
        matches!(self, Self::Agent | Self::AgentForTenant)
    }

    /// Whether this set carries `x-qys-open-nonce`.
    pub fn has_nonce(self) -> bool {
        !matches!(self, Self::Legacy)
    }

    /// The headers a request of this set carries, in the order the gateway requires them.
    pub fn headers(self) -> &'static [&'static str] {
        use headers::*;
        match self {
            Self::Current => &[ACCESS_TOKEN, TIMESTAMP, NONCE, SIGNATURE],
            Self::Legacy => &[ACCESS_TOKEN, TIMESTAMP, SIGNATURE],
            Self::Agent => &[AGENT_ACCESS_TOKEN, AGENT_SIGNATURE, TIMESTAMP, NONCE],
            Self::AgentForTenant => &[
                AGENT_ACCESS_TOKEN,
                AGENT_SIGNATURE,
                TIMESTAMP,
                NONCE,
                ACCESS_TOKEN,
                SIGNATURE,
            ],
        }
    }
}

/// Why the gateway refuses a request, with the HTTP status and `responseCode` it answers.
///
/// The fields name headers, never their values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejection {
    /// A required header is absent, empty or only whitespace (441).
    MissingHeader(&'static str),
    /// The token in this header is not one the gateway knows (442).
    UnknownToken(&'static str),
    /// The signature in this header does not match (443).
    BadSignature(&'static str),
    /// The timestamp is not a number of milliseconds, or is outside the window (444).
    StaleTimestamp,
    /// The nonce was already used (446).
    ReplayedNonce,
}

impl Rejection {
    /// The HTTP status, equal to the envelope's `code`: 441, 442, 443, 444 or 446.
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingHeader(_) => 441,
            Self::UnknownToken(_) => 442,
            Self::BadSignature(_) => 443,
            Self::StaleTimestamp => 444,
            Self::ReplayedNonce => 446,
        }
    }

    /// The envelope's `responseCode`: `1199` followed by the status.
    pub fn response_code(&self) -> &'static str {
        match self {
            Self::MissingHeader(_) => "11990441",
            Self::UnknownToken(_) => "11990442",
            Self::BadSignature(_) => "11990443",
            Self::StaleTimestamp => "11990444",
            Self::ReplayedNonce => "11990446",
        }
    }
}

/// The envelope's `message` as the gateway words it (`HEADER REQUIRED,<header>`,
/// `INVALID TOKEN`, ...).
impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "HEADER REQUIRED,{name}"),
            Self::UnknownToken(_) => f.write_str("INVALID TOKEN"),
            Self::BadSignature(_) => f.write_str("INVALID SIGNATURE"),
            Self::StaleTimestamp => f.write_str("TIMESTAMP EXPIRED"),
            Self::ReplayedNonce => f.write_str("NONCE REPLAYED"),
        }
    }
}

impl std::error::Error for Rejection {}

/// What a request that passed proved: who signed it, when, and the nonce to remember.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    header_set: HeaderSet,
    token: String,
    timestamp_ms: u64,
    nonce: Option<String>,
}

impl Verified {
    /// The header set the request used.
    pub fn header_set(&self) -> HeaderSet {
        self.header_set
    }

    /// The token the nonce belongs to: the agent token on `/saas/...` paths, else the app
    /// token. Nonces are one-time per token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The request time, Unix milliseconds.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// The nonce to record as seen (none for [`HeaderSet::Legacy`]).
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("header_set", &self.header_set)
            .field("token", &Abbreviated(&self.token))
            .field("timestamp_ms", &self.timestamp_ms)
            .field("nonce", &self.nonce)
            .finish()
    }
}

/// The credentials a gateway knows and its rules: which app scheme it expects and how far a
/// timestamp may be from now.
///
/// `/saas/...` paths are checked against the agents (plus an app when the request carries the
/// tenant pair), every other path against the apps with the gateway's [`Scheme`].
/// `Debug` shows tokens abbreviated and never a secret.
#[derive(Debug, Clone)]
pub struct Gateway {
    apps: Vec<Credentials>,
    agents: Vec<Credentials>,
    scheme: Scheme,
    window_ms: u64,
}

impl Default for Gateway {
    fn default() -> Self {
        Self::new()
    }
}

/// A gateway that knows exactly the signer's credentials and expects its scheme.
impl From<&Signer> for Gateway {
    fn from(signer: &Signer) -> Self {
        let mut gateway = Self::new().scheme(signer.scheme());
        gateway.apps.extend(signer.app().cloned());
        gateway.agents.extend(signer.agent_credentials().cloned());
        gateway
    }
}

impl Gateway {
    /// A gateway that knows no credentials yet, expects [`Scheme::Nonce`] and allows
    /// [`DEFAULT_WINDOW`].
    pub fn new() -> Self {
        Self {
            apps: Vec::new(),
            agents: Vec::new(),
            scheme: Scheme::Nonce,
            window_ms: window_ms(DEFAULT_WINDOW),
        }
    }

    /// Knows one more app (AppToken and AppSecret).
    #[must_use]
    pub fn app(mut self, credentials: Credentials) -> Self {
        self.apps.push(credentials);
        self
    }

    /// Knows one more SaaS agent (AgentToken and AgentSecret).
    #[must_use]
    pub fn agent(mut self, credentials: Credentials) -> Self {
        self.agents.push(credentials);
        self
    }

    /// The scheme app requests must use (SaaS requests always carry a nonce).
    #[must_use]
    pub fn scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// How far from now a timestamp may be, either way (millisecond precision).
    #[must_use]
    pub fn window(mut self, window: Duration) -> Self {
        self.window_ms = window_ms(window);
        self
    }

    /// Checks the head of a request to `path` (the URI's path, without the query) at `now_ms`
    /// (Unix milliseconds), `nonce_seen` saying whether the request's nonce was already used
    /// with its token (ignored for the legacy scheme, which has no nonce).
    ///
    /// # Errors
    /// The gateway's [`Rejection`], the first in the order of the [module docs](self).
    pub fn verify(
        &self,
        headers: &HeaderMap,
        path: &str,
        now_ms: u64,
        nonce_seen: bool,
    ) -> Result<Verified, Rejection> {
        let (header_set, token, timestamp, nonce) = match Realm::of_path(path) {
            Realm::Agent => self.agent_pairs(headers)?,
            Realm::App => self.app_pair(headers)?,
        };
        let timestamp_ms = self.fresh(timestamp, now_ms)?;
        if nonce.is_some() && nonce_seen {
            return Err(Rejection::ReplayedNonce);
        }
        Ok(Verified {
            header_set,
            token: String::from_utf8_lossy(token).into_owned(),
            timestamp_ms,
            nonce: nonce.map(|n| String::from_utf8_lossy(n).into_owned()),
        })
    }

    /// [`verify`](Self::verify) with the headers and path of `request`.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_request<B>(
        &self,
        request: &http::Request<B>,
        now_ms: u64,
        nonce_seen: bool,
    ) -> Result<Verified, Rejection> {
        self.verify(request.headers(), request.uri().path(), now_ms, nonce_seen)
    }

    /// The app pair of a non-SaaS path: (set, token, timestamp, nonce).
    fn app_pair<'h>(&self, map: &'h HeaderMap) -> Result<Signed<'h>, Rejection> {
        let token = required(map, headers::ACCESS_TOKEN)?;
        let timestamp = required(map, headers::TIMESTAMP)?;
        let (set, nonce) = match self.scheme {
            Scheme::Legacy => (HeaderSet::Legacy, None),
            Scheme::Nonce => (HeaderSet::Current, Some(required(map, headers::NONCE)?)),
        };
        let signature = required(map, headers::SIGNATURE)?;
        let app = known(&self.apps, token).ok_or(Rejection::UnknownToken(headers::ACCESS_TOKEN))?;
        check_signature(app, timestamp, nonce, signature, headers::SIGNATURE)?;
        Ok((set, token, timestamp, nonce))
    }

    /// The agent pair of a `/saas/...` path, and the tenant's app pair when it is there.
    fn agent_pairs<'h>(&self, map: &'h HeaderMap) -> Result<Signed<'h>, Rejection> {
        let agent_token = required(map, headers::AGENT_ACCESS_TOKEN)?;
        let agent_signature = required(map, headers::AGENT_SIGNATURE)?;
        let timestamp = required(map, headers::TIMESTAMP)?;
        let nonce = required(map, headers::NONCE)?;
        // The tenant pair is optional, but once its token header is there both must be.
        let tenant = match map.contains_key(headers::ACCESS_TOKEN) {
            true => Some((
                required(map, headers::ACCESS_TOKEN)?,
                required(map, headers::SIGNATURE)?,
            )),
            false => None,
        };
        let agent = known(&self.agents, agent_token)
            .ok_or(Rejection::UnknownToken(headers::AGENT_ACCESS_TOKEN))?;
        let tenant = match tenant {
            Some((token, signature)) => Some((
                known(&self.apps, token).ok_or(Rejection::UnknownToken(headers::ACCESS_TOKEN))?,
                signature,
            )),
            None => None,
        };
        let nonce = Some(nonce);
        let agent_header = headers::AGENT_SIGNATURE;
        check_signature(agent, timestamp, nonce, agent_signature, agent_header)?;
        let set = match tenant {
            Some((app, signature)) => {
                check_signature(app, timestamp, nonce, signature, headers::SIGNATURE)?;
                HeaderSet::AgentForTenant
            }
            None => HeaderSet::Agent,
        };
        Ok((set, agent_token, timestamp, nonce))
    }

    /// The timestamp as a number within the window of `now_ms`.
    fn fresh(&self, timestamp: &[u8], now_ms: u64) -> Result<u64, Rejection> {
        let ts = std::str::from_utf8(timestamp)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or(Rejection::StaleTimestamp)?;
        if ts.abs_diff(now_ms) > self.window_ms {
            return Err(Rejection::StaleTimestamp);
        }
        Ok(ts)
    }
}

/// A request's signing headers as bytes: (set, primary token, timestamp, nonce).
type Signed<'h> = (HeaderSet, &'h [u8], &'h [u8], Option<&'h [u8]>);

fn window_ms(window: Duration) -> u64 {
    u64::try_from(window.as_millis()).unwrap_or(u64::MAX)
}

/// The value of a header that must be there and not blank.
fn required<'h>(map: &'h HeaderMap, name: &'static str) -> Result<&'h [u8], Rejection> {
    match map.get(name) {
        Some(v) if !v.as_bytes().iter().all(u8::is_ascii_whitespace) => Ok(v.as_bytes()),
        _ => Err(Rejection::MissingHeader(name)),
    }
}

/// The credentials whose token is `token`. Every known token is compared in constant time,
/// so the time taken does not tell how much of a token matched.
fn known<'c>(all: &'c [Credentials], token: &[u8]) -> Option<&'c Credentials> {
    let mut found = None;
    for credentials in all {
        let same: Choice = credentials.token().as_bytes().ct_eq(token);
        if bool::from(same) && found.is_none() {
            found = Some(credentials);
        }
    }
    found
}

fn check_signature(
    credentials: &Credentials,
    timestamp: &[u8],
    nonce: Option<&[u8]>,
    given: &[u8],
    header: &'static str,
) -> Result<(), Rejection> {
    let mut md5 = Md5::new();
    md5.update(credentials.token().as_bytes());
    md5.update(credentials.secret().expose().as_bytes());
    md5.update(timestamp);
    if let Some(nonce) = nonce {
        md5.update(nonce);
    }
    let mut expected = [0u8; 32];
    hex::encode_to_slice(md5.finalize(), &mut expected).expect("32 bytes hold 16 in hex");
    if bool::from(expected.as_slice().ct_eq(given)) {
        Ok(())
    } else {
        Err(Rejection::BadSignature(header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const TS: &str = "1565753984643";
    const NOW: u64 = 1_565_753_984_643;

    fn map(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        m
    }

    fn gateway() -> Gateway {
        Gateway::new()
            .app(Credentials::new("DWjfxmA12a", "testSecret"))
            .agent(Credentials::new("AgentTok", "AgentSec"))
    }

    fn current() -> Vec<(&'static str, &'static str)> {
        vec![
            (headers::ACCESS_TOKEN, "DWjfxmA12a"),
            (headers::TIMESTAMP, TS),
            (headers::NONCE, "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0"),
            (headers::SIGNATURE, "7a93104e1c30e46541e9caba6307361e"),
        ]
    }

    #[test]
    fn the_documented_vector_verifies_and_each_failure_has_its_code() {
        let g = gateway();
        let ok = g.verify(&map(&current()), "/v2/x", NOW, false).unwrap();
        assert_eq!(ok.token(), "DWjfxmA12a");
        assert_eq!(ok.timestamp_ms(), NOW);
        assert!(!format!("{ok:?}").contains("DWjfxmA12a"));

        for (i, name) in HeaderSet::Current.headers().iter().enumerate() {
            let mut h = current();
            h.remove(i);
            let err = g.verify(&map(&h), "/v2/x", NOW, false).unwrap_err();
            assert_eq!(err, Rejection::MissingHeader(name));
            assert_eq!(err.to_string(), format!("HEADER REQUIRED,{name}"));
            h.insert(i, (name, " \t"));
            assert_eq!(g.verify(&map(&h), "/v2/x", NOW, false), Err(err));
        }
        let mut h = current();
        h[0].1 = "other";
        assert_eq!(
            g.verify(&map(&h), "/v2/x", NOW, false)
                .unwrap_err()
                .status(),
            442
        );
        let mut h = current();
        h[3].1 = "7A93104E1C30E46541E9CABA6307361E";
        assert_eq!(
            g.verify(&map(&h), "/v2/x", NOW, false),
            Err(Rejection::BadSignature(headers::SIGNATURE))
        );
        let window = window_ms(DEFAULT_WINDOW);
        assert!(
            g.verify(&map(&current()), "/v2/x", NOW + window, false)
                .is_ok()
        );
        assert_eq!(
            g.verify(&map(&current()), "/v2/x", NOW - window - 1, false),
            Err(Rejection::StaleTimestamp)
        );
        assert_eq!(
            g.verify(&map(&current()), "/v2/x", NOW, true),
            Err(Rejection::ReplayedNonce)
        );
    }

    #[test]
    fn legacy_gateways_want_three_headers_and_ignore_replays() {
        let g = gateway().scheme(Scheme::Legacy);
        let h = map(&[
            (headers::ACCESS_TOKEN, "AppToken123"),
            (headers::TIMESTAMP, TS),
            (headers::SIGNATURE, "9fd4eecca958db710898533a92348ef1"),
        ]);
        let g = g.app(Credentials::new("AppToken123", "AppSecret456"));
        let ok = g.verify(&h, "/v2/x", NOW, true).unwrap();
        assert_eq!(ok.header_set(), HeaderSet::Legacy);
        assert_eq!(ok.nonce(), None);
        assert_eq!(
            gateway().verify(&h, "/v2/x", NOW, false),
            Err(Rejection::MissingHeader(headers::NONCE))
        );
    }

    #[test]
    fn saas_requests_check_the_agent_and_the_tenant_pair() {
        let g = gateway();
        let nonce = "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0";
        let agent = crate::signature(
            &Credentials::new("AgentTok", "AgentSec"),
            NOW,
            Some(&crate::Nonce::new(nonce).unwrap()),
        )
        .to_hex();
        let mut h = vec![
            (headers::AGENT_ACCESS_TOKEN, "AgentTok"),
            (headers::AGENT_SIGNATURE, agent.as_str()),
            (headers::TIMESTAMP, TS),
            (headers::NONCE, nonce),
        ];
        let ok = g.verify(&map(&h), "/saas/v2/x", NOW, false).unwrap();
        assert_eq!(ok.header_set(), HeaderSet::Agent);
        assert_eq!(ok.token(), "AgentTok");
        h.push((headers::ACCESS_TOKEN, "DWjfxmA12a"));
        assert_eq!(
            g.verify(&map(&h), "/saas/v2/x", NOW, false),
            Err(Rejection::MissingHeader(headers::SIGNATURE))
        );
        h.push((headers::SIGNATURE, "7a93104e1c30e46541e9caba6307361e"));
        let ok = g.verify(&map(&h), "/saas/v2/x", NOW, false).unwrap();
        assert_eq!(ok.header_set(), HeaderSet::AgentForTenant);
        assert_eq!(
            Gateway::new()
                .agent(Credentials::new("AgentTok", "AgentSec"))
                .verify(&map(&h), "/saas/v2/x", NOW, false),
            Err(Rejection::UnknownToken(headers::ACCESS_TOKEN))
        );
    }
}
