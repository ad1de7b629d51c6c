//! The Open Platform's request signing: MD5 over token, secret, timestamp and nonce.
//!
//! The signature covers neither the method, nor the path, nor the body: it proves that the
//! caller holds the secret and that the request is fresh. Signing therefore only ever touches
//! the `x-qys-open-*` headers, sets all of them or none, and marks the ones that carry a token
//! or a signature as sensitive so that `Debug` of a request does not print them.

use std::fmt;

use http::HeaderValue;
use http::header::HeaderName;
use http::request::Parts;
use md5::{Digest, Md5};

use crate::clock::Nonce;
use crate::credentials::Credentials;
use crate::error::{BuildError, BuildErrorKind};

/// The header names of the Open Platform's authentication.
pub mod headers {
    /// The AppToken.
    pub const ACCESS_TOKEN: &str = "x-qys-open-accesstoken";
    /// The request time, Unix milliseconds in decimal.
    pub const TIMESTAMP: &str = "x-qys-open-timestamp";
    /// The one-time nonce.
    pub const NONCE: &str = "x-qys-open-nonce";
    /// MD5 hex of AppToken + AppSecret + timestamp (+ nonce).
    pub const SIGNATURE: &str = "x-qys-open-signature";
    /// The AgentToken of a SaaS agent.
    pub const AGENT_ACCESS_TOKEN: &str = "x-qys-open-agentaccesstoken";
    /// MD5 hex of AgentToken + AgentSecret + timestamp + nonce.
    pub const AGENT_SIGNATURE: &str = "x-qys-open-agentsignature";
}

/// The header names as [`HeaderName`]s, built at compile time (at run time,
/// `HeaderName::from_static` checks every byte on each call).
mod names {
    use http::header::HeaderName;

    pub(super) const ACCESS_TOKEN: HeaderName =
        HeaderName::from_static(super::headers::ACCESS_TOKEN);
    pub(super) const TIMESTAMP: HeaderName = HeaderName::from_static(super::headers::TIMESTAMP);
    pub(super) const NONCE: HeaderName = HeaderName::from_static(super::headers::NONCE);
    pub(super) const SIGNATURE: HeaderName = HeaderName::from_static(super::headers::SIGNATURE);
    pub(super) const AGENT_ACCESS_TOKEN: HeaderName =
        HeaderName::from_static(super::headers::AGENT_ACCESS_TOKEN);
    pub(super) const AGENT_SIGNATURE: HeaderName =
        HeaderName::from_static(super::headers::AGENT_SIGNATURE);
}

/// Which header set signs app requests (SaaS `/saas/...` requests always use the nonce form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Scheme {
    /// Four headers, `md5(token + secret + timestamp + nonce)`: what the current API协议 page
    /// and every current vendor SDK send. The default.
    #[default]
    Nonce,
    /// Three headers, `md5(token + secret + timestamp)`: the older API协议 page and the legacy
    /// PHP and C# SDKs. Opt-in, for gateways that have not moved on. It carries no nonce, so
    /// it gives no replay protection.
    Legacy,
}

/// The inputs of one signature that are not credentials: time and nonce. A fresh pair for
/// every request and every retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningParams {
    timestamp_ms: u64,
    nonce: Nonce,
}

impl SigningParams {
    /// Params for a request made at `timestamp_ms` (Unix milliseconds) with `nonce`.
    pub fn new(timestamp_ms: u64, nonce: Nonce) -> Self {
        Self {
            timestamp_ms,
            nonce,
        }
    }

    /// The request time in Unix milliseconds.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// The nonce.
    pub fn nonce(&self) -> &Nonce {
        &self.nonce
    }
}

/// A request signature: 16 MD5 bytes, shown as 32 lowercase hex digits.
///
/// `Debug` is redacted and there is no `Display`; [`Signature::to_hex`] gives the 32 lowercase
/// hex digits that go on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 16]);

impl Signature {
    /// The 32 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature([redacted])")
    }
}

/// `md5(token + secret + timestamp_ms + nonce)`, the signature of scheme [`Scheme::Nonce`]
/// (and of SaaS agents). With `nonce` `None`, the [`Scheme::Legacy`] form.
pub fn signature(credentials: &Credentials, timestamp_ms: u64, nonce: Option<&Nonce>) -> Signature {
    let mut md5 = Md5::new();
    md5.update(credentials.token().as_bytes());
    md5.update(credentials.secret().expose().as_bytes());
    md5.update(timestamp_ms.to_string().as_bytes());
    if let Some(nonce) = nonce {
        md5.update(nonce.as_str().as_bytes());
    }
    Signature(md5.finalize().into())
}

/// Which credentials a request is signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Realm {
    /// An Open Platform app (`/v2/...`, `/companyauth/...`, ...).
    App,
    /// A SaaS agent (`/saas/...`).
    Agent,
}

impl Realm {
    pub(crate) fn of_path(path: &str) -> Self {
        if path.starts_with("/saas/") {
            Self::Agent
        } else {
            Self::App
        }
    }
}

/// Signs request heads: app credentials, optional SaaS agent credentials, and the scheme.
///
/// `/saas/...` requests carry the agent headers, plus the app pair (same timestamp and nonce)
/// when app credentials are configured, i.e. when the agent acts for a tenant.
#[derive(Debug, Clone)]
pub struct Signer {
    app: Option<Credentials>,
    agent: Option<Credentials>,
    scheme: Scheme,
}

impl Signer {
    /// A signer for an Open Platform app.
    pub fn new(app: Credentials) -> Self {
        Self {
            app: Some(app),
            agent: None,
            scheme: Scheme::Nonce,
        }
    }

    /// A signer for a SaaS agent acting on its own (no tenant app).
    pub fn agent(agent: Credentials) -> Self {
        Self {
            app: None,
            agent: Some(agent),
            scheme: Scheme::Nonce,
        }
    }

    /// Adds SaaS agent credentials, used for `/saas/...` paths.
    #[must_use]
    pub fn with_agent(mut self, agent: Credentials) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Chooses the app header scheme (default [`Scheme::Nonce`]).
    #[must_use]
    pub fn with_scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// The app credentials, if any.
    pub fn app(&self) -> Option<&Credentials> {
        self.app.as_ref()
    }

    /// The agent credentials, if any.
    pub fn agent_credentials(&self) -> Option<&Credentials> {
        self.agent.as_ref()
    }

    /// The app header scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Sets the authentication headers of a request to the endpoint path `endpoint_path`.
    ///
    /// Inserts (never appends) every header or, on error, leaves `parts` exactly as it was. The
    /// method, URI, version, extensions and other headers are not touched.
    ///
    /// # Errors
    /// [`BuildErrorKind::MissingCredentials`] when the path needs credentials the signer lacks
    /// (agent credentials for `/saas/...`, app credentials otherwise);
    /// [`BuildErrorKind::InvalidArgument`] when a token is not a valid header value.
    pub fn sign(
        &self,
        parts: &mut Parts,
        endpoint_path: &str,
        params: &SigningParams,
    ) -> Result<(), BuildError> {
        let staged = self.stage(endpoint_path, params)?;
        for (name, value) in staged {
            parts.headers.insert(name, value);
        }
        Ok(())
    }

    fn stage(
        &self,
        endpoint_path: &str,
        params: &SigningParams,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, BuildError> {
        let ts = params.timestamp_ms;
        let mut out = Vec::with_capacity(6);
        let nonce = match (Realm::of_path(endpoint_path), self.scheme) {
            (Realm::App, Scheme::Legacy) => None,
            _ => Some(&params.nonce),
        };
        match Realm::of_path(endpoint_path) {
            Realm::Agent => {
                let agent = self.agent.as_ref().ok_or_else(|| {
                    BuildError::new(
                        BuildErrorKind::MissingCredentials,
                        "this /saas/ endpoint needs SaaS agent credentials",
                    )
                })?;
                push_pair(
                    &mut out,
                    names::AGENT_ACCESS_TOKEN,
                    names::AGENT_SIGNATURE,
                    agent,
                    ts,
                    nonce,
                )?;
                if let Some(app) = &self.app {
                    push_pair(
                        &mut out,
                        names::ACCESS_TOKEN,
                        names::SIGNATURE,
                        app,
                        ts,
                        nonce,
                    )?;
                }
            }
            Realm::App => {
                let app = self.app.as_ref().ok_or_else(|| {
                    BuildError::new(
                        BuildErrorKind::MissingCredentials,
                        "this endpoint needs app credentials (AppToken and AppSecret)",
                    )
                })?;
                push_pair(
                    &mut out,
                    names::ACCESS_TOKEN,
                    names::SIGNATURE,
                    app,
                    ts,
                    nonce,
                )?;
            }
        }
        out.push((names::TIMESTAMP, HeaderValue::from(ts)));
        if let Some(nonce) = nonce {
            let value = HeaderValue::from_str(nonce.as_str()).map_err(|_| {
                BuildError::new(
                    BuildErrorKind::InvalidArgument,
                    "the nonce is not a valid header value",
                )
            })?;
            out.push((names::NONCE, value));
        }
        Ok(out)
    }
}

fn push_pair(
    out: &mut Vec<(HeaderName, HeaderValue)>,
    token_header: HeaderName,
    signature_header: HeaderName,
    credentials: &Credentials,
    timestamp_ms: u64,
    nonce: Option<&Nonce>,
) -> Result<(), BuildError> {
    let Some(token) = credentials.token_header() else {
        let problem = if credentials.token().is_empty() {
            "the token is empty"
        } else {
            "the token is not a valid header value"
        };
        return Err(BuildError::new(BuildErrorKind::InvalidArgument, problem));
    };
    let hex = signature(credentials, timestamp_ms, nonce).to_hex();
    let mut sig = HeaderValue::from_str(&hex).expect("hex digits are a valid header value");
    sig.set_sensitive(true);
    out.push((token_header, token.clone()));
    out.push((signature_header, sig));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Parts {
        http::Request::post("https://x/v2/a")
            .header("x-other", "1")
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[test]
    fn legacy_scheme_has_three_headers_and_no_nonce() {
        let s = Signer::new(Credentials::new("AppToken123", "AppSecret456"))
            .with_scheme(Scheme::Legacy);
        let mut p = parts();
        s.sign(
            &mut p,
            "/v2/a",
            &SigningParams::new(1565753984643, Nonce::new("n").unwrap()),
        )
        .unwrap();
        assert_eq!(
            p.headers[headers::SIGNATURE],
            "9fd4eecca958db710898533a92348ef1"
        );
        assert!(p.headers.get(headers::NONCE).is_none());
        assert_eq!(p.headers.len(), 4);
    }

    #[test]
    fn a_token_that_is_empty_or_no_header_value_is_refused_and_a_good_one_is_sensitive() {
        let params = SigningParams::new(1, Nonce::new("n").unwrap());
        for (token, problem) in [
            ("", "the token is empty"),
            ("bad\ntoken", "the token is not a valid header value"),
        ] {
            let s = Signer::new(Credentials::new(token, "s"));
            let err = s.sign(&mut parts(), "/v2/a", &params).unwrap_err();
            assert_eq!(err.kind(), BuildErrorKind::InvalidArgument);
            assert!(err.to_string().contains(problem), "{err}");
        }
        let mut p = parts();
        Signer::new(Credentials::new("AppToken123", "s"))
            .sign(&mut p, "/v2/a", &params)
            .unwrap();
        assert_eq!(p.headers[headers::ACCESS_TOKEN], "AppToken123");
        assert!(p.headers[headers::ACCESS_TOKEN].is_sensitive());
        assert!(p.headers[headers::SIGNATURE].is_sensitive());
    }

    #[test]
    fn saas_without_agent_fails_and_touches_nothing() {
        let s = Signer::new(Credentials::new("t", "s"));
        let mut p = parts();
        let before = format!("{:?}", p.headers);
        let err = s
            .sign(
                &mut p,
                "/saas/v2/x",
                &SigningParams::new(1, Nonce::new("n").unwrap()),
            )
            .unwrap_err();
        assert_eq!(err.kind(), BuildErrorKind::MissingCredentials);
        assert_eq!(before, format!("{:?}", p.headers));
    }

    #[test]
    fn saas_for_a_tenant_signs_both_pairs_with_one_timestamp_and_nonce() {
        let s = Signer::new(Credentials::new("AppToken123", "AppSecret456"))
            .with_agent(Credentials::new("AgentTok", "AgentSec"));
        let mut p = parts();
        let params = SigningParams::new(
            1565753984643,
            Nonce::new("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0").unwrap(),
        );
        s.sign(&mut p, "/saas/v2/x", &params).unwrap();
        assert_eq!(
            p.headers[headers::SIGNATURE],
            "0ee1ae9f10e61f84f96b59fec1ba2e50"
        );
        assert_eq!(p.headers[headers::AGENT_ACCESS_TOKEN], "AgentTok");
        let agent = signature(
            &Credentials::new("AgentTok", "AgentSec"),
            1565753984643,
            Some(params.nonce()),
        );
        assert_eq!(p.headers[headers::AGENT_SIGNATURE], agent.to_hex().as_str());
        assert!(p.headers[headers::AGENT_SIGNATURE].is_sensitive());
    }
}
