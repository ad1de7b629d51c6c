//! The settings both frontends' client builders share: [`ClientSettings`], its defaults, and
//! the macro that stamps its setters (with their docs) into each frontend's `ClientBuilder`,
//! so that every setting is written, documented and defaulted once.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::HeaderMap;

use crate::clock::{Clock, NonceSource, RandomNonce, SystemClock, system_jitter};
use crate::core::{Core, Limits};
use crate::environment::Environment;
use crate::error::{Error, Result};
use crate::retry::{RetryDecision, RetryPolicy};
use crate::sign::{Signer, SigningParams};

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

/// What a frontend's `ClientBuilder` collects before `build()`, the same in both frontends.
///
/// Frontends hold one in their builder, stamp its setters in with
/// [`client_builder_settings!`](crate::client_builder_settings), build the [`Core`] with
/// [`core`](Self::core) and read the rest of the fields to set up their transport. `Debug`
/// shows the signer's token abbreviated, never a secret, and only how many extra roots there
/// are.
pub struct ClientSettings {
    /// Where the platform is.
    pub environment: Environment,
    /// Signs every request.
    pub signer: Signer,
    /// Whether a plain `http://` environment is allowed.
    pub allow_http: bool,
    /// The deadline of a whole JSON call; of the response head of uploads and downloads.
    pub timeout: Duration,
    /// The deadline of name resolution, TCP connect and the TLS handshake.
    pub connect_timeout: Duration,
    /// The longest wait for progress while a body is being read or written.
    pub idle_timeout: Duration,
    /// How long an unused pooled connection is kept.
    pub pool_idle_timeout: Duration,
    /// How many idle connections are kept per host.
    pub pool_max_idle_per_host: usize,
    /// How many requests of the client may be in flight at once (at least 1).
    pub max_connections: usize,
    /// When failed calls are retried.
    pub retry: RetryPolicy,
    /// Where timestamps come from.
    pub clock: Arc<dyn Clock>,
    /// Where nonces come from.
    pub nonces: Arc<dyn NonceSource>,
    /// Extra trusted root certificates, as PEM documents.
    pub roots: Vec<Vec<u8>>,
    /// The `User-Agent`, when not the default [`USER_AGENT`](crate::USER_AGENT).
    pub user_agent: Option<String>,
    /// The size limits.
    pub limits: Limits,
}

impl ClientSettings {
    /// The defaults, for `environment` signing with `signer`: the system clock, random UUID
    /// nonces, [`RetryPolicy::default`], [`DEFAULT_TIMEOUT`], [`DEFAULT_CONNECT_TIMEOUT`],
    /// [`DEFAULT_IDLE_TIMEOUT`], [`DEFAULT_POOL_IDLE_TIMEOUT`],
    /// [`DEFAULT_POOL_MAX_IDLE_PER_HOST`], [`DEFAULT_MAX_CONNECTIONS`], [`Limits::default`], no extra roots, the default
    /// user agent, `https://` only.
    pub fn new(environment: Environment, signer: Signer) -> Self {
        Self {
            environment,
            signer,
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            nonces: Arc::new(RandomNonce),
            roots: Vec::new(),
            user_agent: None,
            limits: Limits::default(),
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
    /// [`Error::Build`]: [`InsecureUrl`](crate::BuildErrorKind::InsecureUrl)
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
}

impl ClientSettings {
    /// What every call of a client built from these settings consults: the [`Core`] (see
    /// [`core`](Self::core)), the clock, the nonce source, the retry policy and the timeouts.
    ///
    /// # Errors
    /// As [`core`](Self::core), plus [`Error::Build`] with
    /// [`InvalidArgument`](crate::BuildErrorKind::InvalidArgument) for a
    /// [`max_connections`](Self::max_connections) of 0.
    pub fn state(&self) -> Result<ClientState> {
        if self.max_connections == 0 {
            return Err(crate::error::BuildError::new(
                crate::error::BuildErrorKind::InvalidArgument,
                "max_connections must be at least 1",
            )
            .into());
        }
        Ok(ClientState {
            core: self.core()?,
            clock: Arc::clone(&self.clock),
            nonces: Arc::clone(&self.nonces),
            retry: self.retry.clone(),
            timeout: self.timeout,
            idle_timeout: self.idle_timeout,
        })
    }
}

/// The part of a built client that is the same in both frontends: what each call consults to
/// sign, to read `Retry-After` and to decide on a retry. A frontend's client holds one beside
/// its connection pool.
pub struct ClientState {
    /// The sans-IO core: environment, signer, limits.
    pub core: Core,
    /// Where timestamps come from.
    pub clock: Arc<dyn Clock>,
    /// Where nonces come from.
    pub nonces: Arc<dyn NonceSource>,
    /// When failed calls are retried.
    pub retry: RetryPolicy,
    /// The deadline of a whole JSON call; of the response head of uploads and downloads.
    pub timeout: Duration,
    /// The longest wait for progress while a body is being read or written.
    pub idle_timeout: Duration,
}

impl ClientState {
    /// Fresh signing inputs: every attempt gets its own timestamp and nonce.
    pub fn params(&self) -> SigningParams {
        SigningParams::new(self.clock.now_millis(), self.nonces.nonce())
    }

    /// The answer's `Retry-After`, measured from the client's clock.
    pub fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        crate::retry::retry_after(headers, self.clock.now_millis())
    }

    /// The delay before attempt `attempt + 1` of a call that started at `started` and failed
    /// with `error`, or `None` to stop: the [`RetryPolicy`] asked as if the body could be
    /// sent again (a frontend rewinds upload sources only once a retry is wanted, and stops
    /// when one cannot be rewound: the same answer as asking with `rewindable = false`).
    pub fn decide(
        &self,
        attempt: u32,
        error: &Error,
        idempotent: bool,
        started: Instant,
    ) -> Option<Duration> {
        match self.retry.decide(
            attempt,
            error,
            idempotent,
            true,
            started.elapsed(),
            system_jitter(),
        ) {
            RetryDecision::RetryAfter(delay) => Some(delay),
            RetryDecision::Stop => None,
        }
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("core", &self.core)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("clock", &self.clock)
            .field("nonces", &self.nonces)
            .finish()
    }
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("environment", &self.environment)
            .field("signer", &self.signer)
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("max_connections", &self.max_connections)
            .field("retry", &self.retry)
            .field("clock", &self.clock)
            .field("nonces", &self.nonces)
            .field("extra_roots", &self.roots.len())
            .field("user_agent", &self.user_agent)
            .field("limits", &self.limits)
            .finish()
    }
}

/// Stamps the setters of [`ClientSettings`](crate::settings::ClientSettings), with their
/// docs, into a frontend's `impl ClientBuilder { ... }`, whose settings are in a field
/// `settings`. Used by `qys-blocking` and `qys-async` only; not a stable API.
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

        /// The deadline of a whole JSON call: connecting, sending and reading the answer
        /// (default 30 s). For uploads and downloads it bounds the wait for the answer's head
        /// (and reading an error envelope), while the body itself is bounded by the
        /// [`idle_timeout`](Self::idle_timeout). Retries each get their own deadline; the
        /// retry policy bounds the total.
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.timeout = timeout;
            self
        }

        /// The deadline for name resolution, TCP connect and the TLS handshake (default 10 s).
        #[must_use]
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.connect_timeout = timeout;
            self
        }

        /// The longest wait for progress while a download's body is read or an upload's body
        /// is written (default 60 s; it restarts at each read and write).
        #[must_use]
        pub fn idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.idle_timeout = timeout;
            self
        }

        /// How long an unused pooled connection is kept open (default 30 s).
        #[must_use]
        pub fn pool_idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.pool_idle_timeout = timeout;
            self
        }

        /// How many idle connections are kept per host (default 32; 0 disables reuse).
        /// Concurrent callers beyond this number open a new connection for most calls.
        #[must_use]
        pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
            self.settings.pool_max_idle_per_host = max;
            self
        }

        /// At most `n` requests of this client (and its clones) in flight at once (default
        /// 64), hence at most `n` connections in use, plus the idle ones the pool keeps (see
        /// [`pool_max_idle_per_host`](Self::pool_max_idle_per_host)). Further calls wait for
        /// a free slot; the wait counts against the call's [`timeout`](Self::timeout), so a
        /// call that gets no slot in time fails with a transport error of kind `Timeout`
        /// (retried as the retry policy says), never waits forever. A download holds its
        /// slot until the `Download` is dropped or read to its end: keep at most `n - 1`
        /// downloads open while making other calls.
        ///
        /// `n` must be at least 1: [`build`](Self::build) refuses 0 with
        /// [`InvalidArgument`](qys_proto::BuildErrorKind::InvalidArgument).
        #[must_use]
        pub fn max_connections(mut self, n: usize) -> Self {
            self.settings.max_connections = n;
            self
        }

        /// When failed calls are retried (default
        /// [`RetryPolicy::default`](qys_proto::retry::RetryPolicy::default);
        /// [`RetryPolicy::none`](qys_proto::retry::RetryPolicy::none) disables retries).
        /// Non-idempotent calls are only retried when they surely did not reach the platform.
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
            self.settings.roots.push(pem.to_vec());
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
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

    #[test]
    fn defaults_and_core() {
        let settings = ClientSettings::new(Environment::test(), Credentials::new("t", "s").into());
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
        assert_eq!(settings.user_agent(), crate::USER_AGENT);
        assert!(settings.core().is_ok());
        assert_eq!(settings.max_connections, DEFAULT_MAX_CONNECTIONS);
        let mut capped =
            ClientSettings::new(Environment::test(), Credentials::new("t", "s").into());
        capped.max_connections = 0;
        assert!(matches!(
            capped.state(),
            Err(Error::Build(b)) if b.kind() == crate::error::BuildErrorKind::InvalidArgument
        ));
        capped.max_connections = 1;
        assert!(capped.state().is_ok());
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
