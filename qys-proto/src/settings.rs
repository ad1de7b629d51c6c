//! The settings both frontends' client builders share: [`ClientSettings`], its defaults, and
//! the macro that stamps its setters (with their docs) into each frontend's `ClientBuilder`,
//! so that every setting is written, documented and defaulted once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

use crate::clock::{Clock, NonceSource, RandomNonce, SystemClock, system_jitter};
use crate::core::{Core, Limits};
use crate::engine::Engine;
use crate::environment::Environment;
use crate::error::Result;
use crate::observe::Observer;
use crate::retry::RetryPolicy;
use crate::sign::Signer;

/// The default whole-call timeout of JSON calls.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout (name resolution, TCP and TLS handshakes).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default longest wait between two body reads of a download, or two writes of an upload.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The default time an unused pooled connection is kept.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The default number of idle connections kept per host (one per thread, or call in flight,
/// of a typical load sharing the client).
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 32;
/// The default number of requests of one client in flight at once (hence of connections in
/// use at once); further calls wait for a free slot.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// What a frontend's `ClientBuilder` collects for the call engine, the same in both
/// frontends. Transport settings (connect timeout, pool, connection cap, extra roots) are the
/// frontends' own, in their builders.
///
/// Frontends hold one in their builder, stamp its setters in with
/// [`client_builder_settings!`](crate::client_builder_settings) and build the [`Engine`] with
/// [`engine`](Self::engine). `Debug` shows the signer's token abbreviated, never a secret.
pub struct ClientSettings {
    /// Where the platform is.
    pub environment: Environment,
    /// Signs every request.
    pub signer: Signer,
    /// Whether a plain `http://` environment is allowed.
    pub allow_http: bool,
    /// The per-attempt deadline of a JSON call; of the response head of uploads and downloads.
    pub timeout: Duration,
    /// The longest wait for progress while a body is being read or written.
    pub idle_timeout: Duration,
    /// When failed calls are retried.
    pub retry: RetryPolicy,
    /// Where timestamps come from.
    pub clock: Arc<dyn Clock>,
    /// Where nonces come from.
    pub nonces: Arc<dyn NonceSource>,
    /// The `User-Agent`, when not the default [`USER_AGENT`](crate::USER_AGENT).
    pub user_agent: Option<String>,
    /// The size limits.
    pub limits: Limits,
    /// Headers added to every request (checked by [`engine`](Self::engine)).
    pub headers: Vec<(String, String)>,
    /// Hears of every attempt and call.
    pub observer: Option<Arc<dyn Observer>>,
}

impl ClientSettings {
    /// The defaults, for `environment` signing with `signer`: the system clock, random UUID
    /// nonces, [`RetryPolicy::default`], [`DEFAULT_TIMEOUT`], [`DEFAULT_IDLE_TIMEOUT`],
    /// [`Limits::default`], the default user agent, no extra header, no observer, `https://`
    /// only.
    pub fn new(environment: Environment, signer: Signer) -> Self {
        Self {
            environment,
            signer,
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            nonces: Arc::new(RandomNonce),
            user_agent: None,
            limits: Limits::default(),
            headers: Vec::new(),
            observer: None,
        }
    }

    /// The `User-Agent` to send: the one set, or [`USER_AGENT`](crate::USER_AGENT).
    pub fn user_agent(&self) -> &str {
        self.user_agent.as_deref().unwrap_or(crate::USER_AGENT)
    }

    /// The sans-IO core of these settings (environment, signer, `allow_http`, user agent,
    /// limits).
    ///
    /// # Errors
    /// [`Error::Build`](crate::Error::Build): [`InsecureUrl`](crate::BuildErrorKind::InsecureUrl)
    /// for an `http://` environment without `allow_http`;
    /// [`InvalidArgument`](crate::BuildErrorKind::InvalidArgument) for a user agent that is
    /// not a header value.
    pub fn core(&self) -> Result<Core> {
        Ok(Core::builder(self.environment.clone(), self.signer.clone())
            .allow_http(self.allow_http)
            .user_agent(self.user_agent())
            .limits(self.limits)
            .build()?)
    }

    /// The call engine of a client built from these settings: the [`Core`] (see
    /// [`core`](Self::core)), the clock, the nonce source, the retry policy with random
    /// jitter, the timeouts, the extra headers and the observer.
    ///
    /// # Errors
    /// As [`core`](Self::core), plus [`Error::Build`](crate::Error::Build) with
    /// [`InvalidArgument`](crate::BuildErrorKind::InvalidArgument) for an extra header that
    /// is not valid or that qys sets itself (`x-qys-open-*`, `Host`, `Content-Length`,
    /// `Content-Type`).
    pub fn engine(&self) -> Result<Engine> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let (name, value) = crate::engine::extra_header(name, value)?;
            headers.append(name, value);
        }
        let mut engine = Engine::new(
            self.core()?,
            Arc::clone(&self.clock),
            Arc::clone(&self.nonces),
        )
        .with_retry_policy(self.retry.clone())
        .with_timeouts(self.timeout, self.idle_timeout)
        .with_jitter(system_jitter)
        .with_headers(headers)?;
        if let Some(observer) = &self.observer {
            engine = engine.with_observer(Arc::clone(observer));
        }
        Ok(engine)
    }
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("environment", &self.environment)
            .field("signer", &self.signer)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .field("clock", &self.clock)
            .field("nonces", &self.nonces)
            .field("user_agent", &self.user_agent)
            .field("limits", &self.limits)
            // Header values may be credentials of a proxy in front of the gateway.
            .field(
                "extra_headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// The DER certificates of a PEM document's `CERTIFICATE` blocks; other blocks (keys, CRLs)
/// and text around them are skipped. Pure parsing: whether a certificate is acceptable is the
/// TLS library's decision. Used by the frontends for their extra roots.
///
/// # Errors
/// [`BuildErrorKind::InvalidArgument`](crate::BuildErrorKind::InvalidArgument) for a block
/// without its `END` line, one that is empty or not Base64, or a document without any
/// `CERTIFICATE` block.
#[doc(hidden)]
pub fn pem_certificates(pem: &[u8]) -> std::result::Result<Vec<Vec<u8>>, crate::BuildError> {
    use base64::Engine as _;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let invalid = |what: &str| {
        crate::BuildError::new(
            crate::BuildErrorKind::InvalidArgument,
            format!("a root certificate PEM {what}"),
        )
    };
    // Base64 is ASCII: text around the blocks may be anything.
    let text = String::from_utf8_lossy(pem);
    let mut rest = &*text;
    let mut certificates = Vec::new();
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start + BEGIN.len()..];
        let end = block
            .find(END)
            .ok_or_else(|| invalid("has a CERTIFICATE block without its END line"))?;
        let base64: String = block[..end].split_ascii_whitespace().collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(base64)
            .ok()
            .filter(|der| !der.is_empty())
            .ok_or_else(|| invalid("has a CERTIFICATE block that is empty or not Base64"))?;
        certificates.push(der);
        rest = &block[end + END.len()..];
    }
    if certificates.is_empty() {
        return Err(invalid("holds no CERTIFICATE block"));
    }
    Ok(certificates)
}

/// Declares a frontend's transport settings, `Transport` (connect timeout, pool, connection
/// cap, extra roots), with their defaults, so that both frontends have the same without
/// writing them twice. Used by `qys-blocking` and `qys-async` only; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! transport_settings {
    () => {
        /// The transport settings of a builder (see its setters).
        #[derive(Clone)]
        pub(crate) struct Transport {
            pub(crate) connect_timeout: ::std::time::Duration,
            pub(crate) pool_idle_timeout: ::std::time::Duration,
            pub(crate) pool_max_idle_per_host: usize,
            pub(crate) max_connections: usize,
            /// Extra trusted roots, PEM documents.
            pub(crate) roots: Vec<Vec<u8>>,
        }

        impl Default for Transport {
            fn default() -> Self {
                use qys_proto::settings as s;
                Self {
                    connect_timeout: s::DEFAULT_CONNECT_TIMEOUT,
                    pool_idle_timeout: s::DEFAULT_POOL_IDLE_TIMEOUT,
                    pool_max_idle_per_host: s::DEFAULT_POOL_MAX_IDLE_PER_HOST,
                    max_connections: s::DEFAULT_MAX_CONNECTIONS,
                    roots: Vec::new(),
                }
            }
        }

        impl ::std::fmt::Debug for Transport {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Transport")
                    .field("connect_timeout", &self.connect_timeout)
                    .field("pool_idle_timeout", &self.pool_idle_timeout)
                    .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
                    .field("max_connections", &self.max_connections)
                    .field("extra_roots", &self.roots.len())
                    .finish()
            }
        }

        impl Transport {
            /// Refuses a connection cap of 0; returns the extra roots as DER certificates.
            fn check(&self) -> qys_proto::Result<Vec<Vec<u8>>> {
                if self.max_connections == 0 {
                    return Err(qys_proto::BuildError::new(
                        qys_proto::BuildErrorKind::InvalidArgument,
                        "max_connections must be at least 1",
                    )
                    .into());
                }
                let mut roots = Vec::new();
                for pem in &self.roots {
                    roots.extend(qys_proto::settings::pem_certificates(pem)?);
                }
                Ok(roots)
            }
        }
    };
}

/// Stamps the setters of [`ClientSettings`](crate::settings::ClientSettings) and of the
/// transport settings (see [`transport_settings!`](crate::transport_settings)), with their
/// docs, into a frontend's `impl ClientBuilder { ... }`, whose settings are in the fields
/// `settings` and `transport`. Used by `qys-blocking` and `qys-async` only; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! client_builder_settings {
    () => {
        /// Allows a plain `http://` environment (a loopback sandbox, an intranet gateway).
        /// Requests, tokens and signatures then travel unencrypted. Off by default.
        #[must_use]
        pub fn allow_http(mut self, allow: bool) -> Self {
            self.settings.allow_http = allow;
            self
        }

        /// The deadline of **each attempt** of a JSON call: waiting for a connection slot,
        /// connecting, sending and reading the answer (default 30 s). For uploads and
        /// downloads it bounds each attempt's wait for a slot and then for the answer's head
        /// (and reading an error envelope), while the body itself is bounded by the
        /// [`idle_timeout`](Self::idle_timeout). A whole call (all attempts and the waits
        /// between them) is bounded by the retry policy's deadline
        /// ([`RetryPolicy::with_deadline`](qys_proto::retry::RetryPolicy::with_deadline),
        /// 30 s by default: no retry starts after it), so a JSON call returns within about
        /// that deadline plus one `timeout`.
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.timeout = timeout;
            self
        }

        /// The deadline for name resolution, TCP connect and the TLS handshake, per
        /// connection (default 10 s); it counts within the attempt's
        /// [`timeout`](Self::timeout).
        #[must_use]
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.transport.connect_timeout = timeout;
            self
        }

        /// The longest wait for progress while a download's body is read or an upload's body
        /// is written (default 60 s; it restarts at each read and write). A transfer that
        /// keeps moving has no total deadline.
        #[must_use]
        pub fn idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.idle_timeout = timeout;
            self
        }

        /// How long an unused pooled connection is kept open (default 30 s).
        #[must_use]
        pub fn pool_idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.transport.pool_idle_timeout = timeout;
            self
        }

        /// How many idle connections are kept per host (default 32; 0 disables reuse).
        /// Concurrent callers beyond this number open a new connection for most calls.
        #[must_use]
        pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
            self.transport.pool_max_idle_per_host = max;
            self
        }

        /// At most `n` requests of this client (and its clones) in flight at once (default
        /// 64), hence at most `n` connections in use, plus the idle ones the pool keeps (see
        /// [`pool_max_idle_per_host`](Self::pool_max_idle_per_host)). Further calls wait for
        /// a free slot; the wait counts against the attempt's [`timeout`](Self::timeout), so
        /// a call that gets no slot in time fails with a transport error of kind `Timeout`
        /// (retried as the retry policy says), never waits forever. A download holds its
        /// slot until the `Download` is dropped or read to its end: keep at most `n - 1`
        /// downloads open while making other calls.
        ///
        /// `n` must be at least 1: [`build`](Self::build) refuses 0 with
        /// [`InvalidArgument`](qys_proto::BuildErrorKind::InvalidArgument).
        #[must_use]
        pub fn max_connections(mut self, n: usize) -> Self {
            self.transport.max_connections = n;
            self
        }

        /// When failed calls are retried, and the deadline of a whole call (default
        /// [`RetryPolicy::default`](qys_proto::retry::RetryPolicy::default): 3 attempts, no
        /// retry starting after 30 s; [`RetryPolicy::none`](qys_proto::retry::RetryPolicy::none)
        /// disables retries). Non-idempotent calls are only retried when they surely did not
        /// reach the platform.
        #[must_use]
        pub fn retry_policy(mut self, policy: qys_proto::retry::RetryPolicy) -> Self {
            self.settings.retry = policy;
            self
        }

        /// Where each request's timestamp comes from (default
        /// [`SystemClock`](qys_proto::SystemClock)): tests, or a corrected clock for a machine
        /// whose time drifts outside the platform's window.
        #[must_use]
        pub fn clock(mut self, clock: impl qys_proto::Clock + 'static) -> Self {
            self.settings.clock = ::std::sync::Arc::new(clock);
            self
        }

        /// Where each request's nonce comes from (default
        /// [`RandomNonce`](qys_proto::RandomNonce)).
        #[must_use]
        pub fn nonce_source(mut self, nonces: impl qys_proto::NonceSource + 'static) -> Self {
            self.settings.nonces = ::std::sync::Arc::new(nonces);
            self
        }

        /// Trusts the certificates of a PEM document (one or more `CERTIFICATE` blocks) in
        /// addition to Mozilla's roots, e.g. a private gateway's CA. Checked by
        /// [`build`](Self::build). Certificates are always verified; there is no way to turn
        /// that off.
        #[must_use]
        pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
            self.transport.roots.push(pem.to_vec());
            self
        }

        /// Replaces the `User-Agent` (default `qys/<version>`).
        #[must_use]
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.settings.user_agent = Some(user_agent.into());
            self
        }

        /// Replaces the size limits (default
        /// [`Limits::default`](qys_proto::Limits::default)).
        #[must_use]
        pub fn limits(mut self, limits: qys_proto::Limits) -> Self {
            self.settings.limits = limits;
            self
        }

        /// Adds a header to every request (e.g. a tracing id for a gateway in front of the
        /// platform); call it again for more. [`build`](Self::build) refuses, with
        /// [`InvalidArgument`](qys_proto::BuildErrorKind::InvalidArgument), a name or value
        /// that is not valid in a header and the headers qys sets itself: the signed
        /// `x-qys-open-*` ones, `Host`, `Content-Length` and `Content-Type`.
        #[must_use]
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.settings.headers.push((name.into(), value.into()));
            self
        }

        /// Reports the end of every attempt and every call (method, path, attempt, nonce,
        /// status or error, elapsed time, bytes) to `observer`, e.g. for metrics; any
        /// `Fn(&AttemptEnd<'_>)` closure will do. Retries, limits and streaming are unchanged.
        /// See [`qys_proto::observe`].
        #[must_use]
        pub fn observer(mut self, observer: impl qys_proto::observe::Observer + 'static) -> Self {
            self.settings.observer = Some(::std::sync::Arc::new(observer));
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credentials, Error};

    #[test]
    fn pem_certificates_are_decoded_and_bad_documents_refused() {
        let pem = b"junk \xff\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n\
            -----BEGIN CERTIFICATE-----\r\nAQID\r\nBA==\r\n-----END CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\nBQY=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            pem_certificates(pem).unwrap(),
            vec![vec![1, 2, 3, 4], vec![5, 6]]
        );
        for (bad, says) in [
            (&b"no block here"[..], "holds no CERTIFICATE block"),
            (
                b"-----BEGIN CERTIFICATE-----\nAQID\n",
                "without its END line",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----",
                "not Base64",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
                "empty",
            ),
        ] {
            let e = pem_certificates(bad).unwrap_err();
            assert_eq!(e.kind(), crate::BuildErrorKind::InvalidArgument);
            assert!(e.to_string().contains(says), "{e}");
        }
    }

    #[test]
    fn defaults_and_engine() {
        let settings = ClientSettings::new(Environment::test(), Credentials::new("t", "s").into());
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
        assert_eq!(settings.user_agent(), crate::USER_AGENT);
        assert!(settings.engine().is_ok());
        let mut headers =
            ClientSettings::new(Environment::test(), Credentials::new("t", "s").into());
        headers
            .headers
            .push(("x-qys-open-nonce".into(), "mine".into()));
        assert!(matches!(
            headers.engine(),
            Err(Error::Build(b)) if b.kind() == crate::error::BuildErrorKind::InvalidArgument
        ));
        headers.headers[0].0 = "x-request-id".into();
        assert!(headers.engine().is_ok());
        let mut plain = ClientSettings::new(
            Environment::custom("http://127.0.0.1:9").unwrap(),
            Credentials::new("t", "s").into(),
        );
        assert!(plain.core().is_err());
        plain.allow_http = true;
        plain.user_agent = Some("me/1".into());
        assert_eq!(plain.user_agent(), "me/1");
        assert!(plain.core().is_ok());
        plain.user_agent = Some("bad\nagent".into());
        assert!(plain.core().is_err());
    }
}
