//! **qys-sandbox**: a local stand-in for the 契约锁 (Qiyuesuo) Open Platform gateway, in the
//! spirit of LocalStack or stripe-mock. Test an integration offline, over real HTTP on
//! loopback, with the gateway's authentication, the platform's envelopes and error codes, state
//! held in memory, and injectable faults.
//!
//! ```
//! use qys_sandbox::{Fault, Sandbox};
//!
//! let sandbox = Sandbox::start()?;
//! println!("gateway at {}", sandbox.base_url());
//! let core = qys_proto::Core::builder(sandbox.environment(), sandbox.signer())
//!     .allow_http(true)
//!     .build()?;
//! // ... send `core.prepare(...)` requests to it with any HTTP client ...
//! sandbox.inject("/v2/contract/miniappexchange", Fault::Html(502), 1);
//! assert_eq!(sandbox.requests_seen("/v2/contract/miniappexchange"), 0);
//! sandbox.shutdown();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it checks, in order
//!
//! 1. **Faults**: a fault injected for the path replaces the answer (or delays it).
//! 2. **Gateway authentication** (before routing), as the platform's gateway answers it:
//!    missing header → HTTP 441 `{code:441, responseCode:"11990441", message:"HEADER
//!    REQUIRED,<header>"}`; unknown token → 442 `INVALID TOKEN`; bad signature → 443 `INVALID
//!    SIGNATURE`; timestamp not a number or outside the window (default 15 minutes) → 444
//!    `TIMESTAMP EXPIRED …`; nonce reused with the same token within 10 minutes → 446 `NONCE
//!    REPLAYED`. 443/444/446 are qys's choice: the vendor documents no code for them.
//!    `/saas/...` paths need the agent pair (`x-qys-open-agentaccesstoken`,
//!    `x-qys-open-agentsignature`) and, when `x-qys-open-accesstoken` is sent too, a correct app
//!    pair. All other paths need the four app headers (the legacy three-header scheme is
//!    refused with 441 naming `x-qys-open-nonce`).
//! 3. **Routing**: unknown path → HTTP 404 `{code:404, responseCode:"11990404"}`, wrong method
//!    → 405.
//! 4. **Body**: JSON endpoints take `application/json`, uploads `multipart/form-data` (else HTTP
//!    415); at most 64 MiB (else HTTP 413). Fields are checked against the sandbox's own tables
//!    of the documented fields: a missing required field, a wrong JSON type or a value outside
//!    a documented enum → HTTP 200 `{code:1005, responseCode:"11990005", message:"INVALID
//!    PARAM: <field> …"}` naming the field. Unknown fields are ignored, as the platform does
//!    (unless [`SandboxBuilder::strict`] is on).
//! 5. **The endpoint**, against the in-memory state seeded with [`Fixtures`].
//!
//! # Endpoints
//!
//! Every mini-program ticket endpoint (小程序插件): `/v2/contract/miniappexchange`,
//! `/v2/contract/miniappexchange/view`, `/v2/personalauth/miniappexchange`,
//! `/companyauth/miniappexchange`, `/companyauth/miniappexchangewithlicense`,
//! `/v2/personalsign/authurl/miniappexchange`, `/saas/v2/personalsign/authurl/miniappexchange`,
//! `/saas/v2/sealsign/authurl/miniappexchange`, `/saas/v2/companyauth/miniappexchange`,
//! `/saas/v2/personalauth/miniappexchange`, `/saas/v2/privilege/miniappexchange`. Each answers
//! `{"ticket":"<32 hex digits>"}`, unique per call and remembered ([`Sandbox::ticket`]).
//! Business errors: unknown contract → `{code:3004, responseCode:"11101003"}`; a signing
//! ticket for someone who is not a current signer → 1110 `NO VIEW PERMISSION`; a contract not
//! in `SIGNING` → 1101; company authentication of an authenticated company → 1605 `COMPANY
//! ALREADY AUTHED`; an unknown SaaS tenant → `{code:1801, responseCode:"11041801"}`.
#![forbid(unsafe_code)]

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use qys_proto::types::User;
use qys_proto::{CompanyId, ContractId, Credentials, DocumentId, Environment, Signer};
use tokio::sync::oneshot;

mod api;
mod auth;
mod fields;
mod reply;
mod server;
mod state;

pub use crate::state::{MintedTicket, UploadedFile};
pub use qys_proto::api::miniapp::PluginPage;

/// The app token of a sandbox started without [`SandboxBuilder::credentials`].
pub const DEFAULT_APP_TOKEN: &str = "qys-sandbox-app-token";
/// The app secret of a sandbox started without [`SandboxBuilder::credentials`].
pub const DEFAULT_APP_SECRET: &str = "qys-sandbox-app-secret";
/// The SaaS agent token of a sandbox started without [`SandboxBuilder::agent_credentials`].
pub const DEFAULT_AGENT_TOKEN: &str = "qys-sandbox-agent-token";
/// The SaaS agent secret of a sandbox started without [`SandboxBuilder::agent_credentials`].
pub const DEFAULT_AGENT_SECRET: &str = "qys-sandbox-agent-secret";
/// The default timestamp window: requests whose timestamp is further than this from the
/// sandbox's clock are refused with 444.
pub const DEFAULT_TIMESTAMP_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The document of the fixture contract.
const FIXTURE_DOCUMENT_ID: &str = "3076583215017189377";
/// The name of the fixture SaaS tenant.
const FIXTURE_SAAS_COMPANY_NAME: &str = "沙箱SaaS租户有限公司";

/// The endpoints the sandbox serves, as `(method, path)` pairs, in the order of the
/// platform's menu (for endpoint status tables).
pub fn supported_endpoints() -> Vec<(http::Method, &'static str)> {
    api::routes().map(|r| (r.verb.method(), r.path)).collect()
}

/// The data every sandbox starts with. The values are fixed, so a printed ID stays valid from
/// one run to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fixtures {
    /// A contract in `SIGNING` state.
    pub contract_id: ContractId,
    /// Its `bizId`.
    pub contract_biz_id: String,
    /// Its document.
    pub document_id: DocumentId,
    /// A current signer of it (by mobile).
    pub signer: User,
    /// A company that is already authenticated (company authentication tickets for it answer
    /// 1605).
    pub authenticated_company: String,
    /// A SaaS tenant company of the agent.
    pub saas_company_id: CompanyId,
    /// The tenant's name.
    pub saas_company_name: String,
    /// The tenant's app ID.
    pub saas_app_id: String,
}

impl Fixtures {
    fn standard() -> Self {
        Self {
            contract_id: ContractId::new("3076583214958469120"),
            contract_biz_id: "qys-sandbox-contract-0001".to_owned(),
            document_id: DocumentId::new(FIXTURE_DOCUMENT_ID),
            signer: User::mobile("13800000001").with_name("张三"),
            authenticated_company: "契约锁沙箱科技有限公司".to_owned(),
            saas_company_id: CompanyId::new("3076583216489390080"),
            saas_company_name: FIXTURE_SAAS_COMPANY_NAME.to_owned(),
            saas_app_id: "qys-sandbox-saas-app".to_owned(),
        }
    }
}

/// A fault the sandbox answers a request with instead of (or before) the normal answer; see
/// [`Sandbox::inject`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer this HTTP status with a proxy's HTML error page (`text/html`), e.g. 502 Bad
    /// Gateway. An invalid status becomes 502.
    Html(u16),
    /// Send a 200 head with the full `Content-Length`, then half of a ticket envelope, then
    /// close the connection.
    TruncatedBody,
    /// Close the connection without answering.
    Reset,
    /// Answer a valid 200 success envelope of at least this many bytes
    /// (`{"code":0,…,"result":{"ticket":"…","padding":"xxx…"}}`), streamed.
    Oversized(usize),
    /// Answer this HTTP status with this body verbatim, as `application/json;charset=UTF-8`.
    /// An invalid status becomes 500.
    Status(u16, String),
}

/// Configures a [`Sandbox`] before it starts.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    host: IpAddr,
    port: u16,
    app: Credentials,
    agent: Credentials,
    window: Duration,
    strict: bool,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            app: Credentials::new(DEFAULT_APP_TOKEN, DEFAULT_APP_SECRET),
            agent: Credentials::new(DEFAULT_AGENT_TOKEN, DEFAULT_AGENT_SECRET),
            window: DEFAULT_TIMESTAMP_WINDOW,
            strict: false,
        }
    }
}

impl SandboxBuilder {
    /// The port to listen on; 0 (the default) picks a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on; the default is `127.0.0.1`. Anything but a loopback address
    /// exposes the sandbox (and its well-known credentials) to the network.
    #[must_use]
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The app's AppToken and AppSecret (default [`DEFAULT_APP_TOKEN`] /
    /// [`DEFAULT_APP_SECRET`]).
    #[must_use]
    pub fn credentials(mut self, app: Credentials) -> Self {
        self.app = app;
        self
    }

    /// The SaaS agent's token and secret (default [`DEFAULT_AGENT_TOKEN`] /
    /// [`DEFAULT_AGENT_SECRET`]).
    #[must_use]
    pub fn agent_credentials(mut self, agent: Credentials) -> Self {
        self.agent = agent;
        self
    }

    /// How far a request's timestamp may be from the sandbox's clock, either way (default 15
    /// minutes).
    #[must_use]
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Refuses fields (and multipart parts) the sandbox's tables do not document with 1005
    /// `<field> is not a documented field (strict mode)`. Off by default: the platform ignores
    /// unknown fields, and so does the sandbox. Turn it on to catch a misspelt field name, which
    /// the platform would silently ignore.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Binds the address, starts the server on its own thread with its own tokio runtime, and
    /// returns once it accepts connections.
    ///
    /// # Errors
    /// The bind error (port in use, no permission), a token that is empty or not visible ASCII
    /// ([`std::io::ErrorKind::InvalidInput`]), or a failure to start the thread or runtime.
    pub fn start(self) -> std::io::Result<Sandbox> {
        for (what, c) in [("app", &self.app), ("agent", &self.agent)] {
            let t = c.token();
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("the {what} token must be 1 or more visible ASCII characters"),
                ));
            }
        }
        let listener = std::net::TcpListener::bind(SocketAddr::new(self.host, self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let environment = Environment::custom(&base_url)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let fixtures = Fixtures::standard();
        let shared = Arc::new(server::Shared {
            keys: auth::Keys {
                app: self.app.clone(),
                agent: self.agent.clone(),
                window: self.window,
            },
            state: Mutex::new(state::State::seeded(&fixtures)),
            nonces: Mutex::new(auth::NonceStore::default()),
            gateway: Mutex::new(server::Gateway::default()),
            strict: self.strict,
        });
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("qys-sandbox-{}", addr.port()))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    server::serve(listener, thread_shared, shutdown_rx).await;
                });
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = thread.join();
                return Err(std::io::Error::other(
                    "the sandbox thread stopped while starting",
                ));
            }
        }
        Ok(Sandbox {
            addr,
            base_url,
            environment,
            app: self.app,
            agent: self.agent,
            fixtures,
            shared,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }
}

/// A running sandbox gateway. Stops on [`shutdown`](Self::shutdown) or when dropped.
///
/// `Debug` shows the address and the tokens abbreviated, never the secrets.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    environment: Environment,
    app: Credentials,
    agent: Credentials,
    fixtures: Fixtures,
    shared: Arc<server::Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("app", &self.app)
            .field("agent", &self.agent)
            .field("fixtures", &self.fixtures)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox with the defaults: `127.0.0.1`, a free port, the default credentials.
    ///
    /// # Errors
    /// As [`SandboxBuilder::start`].
    pub fn start() -> std::io::Result<Self> {
        Self::builder().start()
    }

    /// A builder for the port, credentials and timestamp window.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The socket address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// [`Environment::custom`] of the base URL (its tickets are for the test plugin, `env=cn`).
    /// Plain `http`: build clients with `allow_http(true)`.
    pub fn environment(&self) -> Environment {
        self.environment.clone()
    }

    /// The app's AppToken and AppSecret.
    pub fn credentials(&self) -> Credentials {
        self.app.clone()
    }

    /// The SaaS agent's token and secret.
    pub fn agent_credentials(&self) -> Credentials {
        self.agent.clone()
    }

    /// A signer with the app credentials and the agent credentials (for `/saas/...` paths).
    pub fn signer(&self) -> Signer {
        Signer::new(self.app.clone()).with_agent(self.agent.clone())
    }

    /// The seeded data.
    pub fn fixtures(&self) -> &Fixtures {
        &self.fixtures
    }

    /// Answers the next `times` requests to `path` (the URL path, without query) with `fault`,
    /// before authentication. Faults queued for one path are used in the order injected.
    pub fn inject(&self, path: &str, fault: Fault, times: usize) {
        server::lock(&self.shared.gateway).inject(path, fault, times);
    }

    /// How many requests reached `path` (the URL path, without query), whatever they were
    /// answered: faults, auth failures, 404s included. (Only the first 10 000 distinct paths
    /// are counted.)
    pub fn requests_seen(&self, path: &str) -> usize {
        server::lock(&self.shared.gateway).seen(path)
    }

    /// The ticket with this value, if this sandbox minted it.
    pub fn ticket(&self, value: &str) -> Option<MintedTicket> {
        server::lock(&self.shared.state).tickets.get(value).cloned()
    }

    /// Stops the server: no new connections, open ones are dropped. Waits for its thread.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
