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
//! 2. **Gateway authentication** (before routing; the rules in full, and a public
//!    [`gateway::check`] running the same code, in the [`gateway`] module), as the
//!    platform's gateway answers it:
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
//!    415); at most 1 MiB of JSON (32 MiB for `/v2/seal/createbyimage`, whose JSON carries
//!    Base64 images) and 256 MiB of multipart (else HTTP 413); see
//!    [What one client may cost](#what-one-client-may-cost) for the other limits. Fields are
//!    checked against the sandbox's own tables of the documented fields: a missing required
//!    field, a wrong JSON type or a value outside a documented enum → HTTP 200 `{code:1005,
//!    responseCode:"11990005", message:"INVALID PARAM: <field> …"}` naming the field. Unknown fields are ignored, as the platform does
//!    (unless [`SandboxBuilder::strict`] is on).
//! 5. **The endpoint**, against the in-memory state seeded with [`Fixtures`].
//!
//! # What it serves
//!
//! Every route the sandbox serves is listed, with its field table, in the `ROUTES` of the
//! source modules `api::*` (one per menu group of the platform's documentation; the
//! "Sandbox" column of `ENDPOINTS.md` is checked against them). The state rules in short,
//! with the module whose docs give them in full:
//!
//! - **Mini-program tickets** (小程序插件, every `…/miniappexchange…`; `api::miniapp`): each
//!   answers `{"ticket":"<32 hex digits>"}`, unique per call and remembered
//!   ([`Sandbox::ticket`]). Unknown contract → `{code:3004, responseCode:"11101003"}`; a
//!   signing ticket for someone who is not a current signer → 1110 `NO VIEW PERMISSION`; a
//!   contract not in `SIGNING` → 1101; an authenticated company → 1605 `COMPANY ALREADY
//!   AUTHED`; an unknown SaaS tenant → `{code:1801, responseCode:"11041801"}`.
//! - **Contracts** (合同管理, 签署服务: `/v2/contract/*`, `/v2/document/*`, `/v2/signatory/*`,
//!   `/v3/signatory/edit`, `/v2/attachment/download`, `/v2/checkhealth`; `state_contract`,
//!   `api::contract`, `api::signing`): the state machine is `DRAFT → SIGNING → COMPLETE` as
//!   signatories finish in `serialNo` order (company actions in their own order), or
//!   `RECALLED`, `REJECTED`, `INVALIDING`/`INVALIDED`, `FORCE_END`, `EXPIRED` (a past deadline,
//!   undone by `delay`); a call in the wrong state → 1101 `INVALID CONTRACT STATUS`, out of
//!   turn → 1107 `NOT SIGN STEP`, sending without a document → 1401 `DOCUMENT REQUIRED`, an
//!   unknown seal → 1201. Documents keep the uploaded bytes; downloads answer the files (a
//!   ZIP when there are several); each change queues a contract callback. The platform
//!   company's seal is [`Fixtures::company_seal_id`].
//! - **Organization** (组织架构, 印章, 模板, 业务分类; `api::company`, `api::employee`,
//!   `api::seal`, `api::template`, `api::category`, `state_org`): sub-companies are invited
//!   and accepted at once; employees by mobile, e-mail or number; seals are drawn, uploaded
//!   (reviewed at once, with a seal-review callback), frozen and removed; Word templates keep
//!   their bytes and read `{{name}}` parameters; lists answer `{totalCount, list}` paged by
//!   `selectOffset`/`selectLimit` (default 0 and 1000; 1005 when negative or not an integer).
//! - **Identity** (认证, 外部客户, 授权管理, 辅助工具, 信息校验, SaaS, JS SDK `/uniformapi`;
//!   `api::auth`, `api::authorization`, `api::tools`, `api::saas`, `api::uniform`,
//!   `state_identity`): authentication and authorization pages stay pending until a control
//!   below ends them; the identity checks match only [`KNOWN_PEOPLE`] and
//!   [`KNOWN_COMPANIES`]; `/uniformapi` answers a digest of what it got (POST) and a small file
//!   (GET).
//! - **App settings and callbacks** (`api::app`, `callbacks`): see [Callbacks](#callbacks).
//! - **Faults and TLS**: see [below](#faults-https-and-what-a-test-can-observe).
//!
//! # Controls
//!
//! What no API call does, a test does through the [`Sandbox`], or over HTTP under
//! `/__sandbox/api/` (the same code; routes and bodies in `PROTOCOL.md`; open on loopback,
//! else behind [`SandboxBuilder::control_token`]):
//!
//! - [`Sandbox::sign_as`], [`Sandbox::reject_as`] (`POST /__sandbox/api/contracts/{id}/sign`,
//!   `…/reject` with `{"contact"}`): sign or reject as the person with this mobile or e-mail,
//!   exactly as the platform's sign page would (a person; a company's seal, legal person,
//!   approver or operator: the contact's next due action), or the platform's error (1101 wrong
//!   state, 1107 not their turn, 1110 not a party);
//! - [`Sandbox::complete_company_auth`], [`Sandbox::complete_personal_auth`]: end a pending
//!   company or personal authentication (passed or failed), queueing its callback;
//! - [`Sandbox::complete_personal_sign_auth`], [`Sandbox::revoke_personal_sign_auth`]: grant or
//!   withdraw a silent-signing authorization;
//! - [`Sandbox::send_callback`]: owe the integrator a callback on demand;
//! - [`Sandbox::inject`]: queue [`Fault`]s for a path;
//! - [`Sandbox::deliveries`] (and the `wait_for_*` variants): the callbacks owed and how their
//!   delivery went;
//! - [`Sandbox::state_json`] (`GET /__sandbox/api/state`): the whole state; [`Sandbox::reset`]:
//!   back to the fixtures.
//!
//! # Pages
//!
//! Every link the sandbox hands out (sign, view, appoint, short, join, download, company and
//! personal authentication, signature authorization, privilege, company change, template
//! preview) opens a page at `{base_url}/sandbox/…`, served without the gateway's
//! authentication: plain HTML forms, no JavaScript, everything escaped. A page shows the
//! contract or request, lets the person act (sign, reject, pass or fail, authorize) with the
//! same effects as the controls above, then sends the browser to the request's
//! `callbackPage`, `successUrl` or `returnUrl`. A minted ticket's mini-program plugin page
//! (`plugin://qyssdk-plugin/{page}?ticket=…`) is stood in for at
//! `{base_url}/sandbox/plugin/{page}?ticket=…` ([`plugin_page_url`]), which reports the
//! plugin's event (`signSuccessCb`, `authSuccessCb`, `authFailCb`). The dashboard at
//! `{base_url}/__sandbox/` lists contracts, callbacks with their delivery attempts, and recent
//! requests with the gateway's verdict.
//!
//! # Callbacks
//!
//! When state changes (a contract moves, a verification or seal review ends, a
//! personal-signature authorization is given or withdrawn) the sandbox owes the integrator a
//! callback (spec §14) and delivers it over HTTP, in the background, never holding up the API:
//!
//! - **Where**: the `callbackUrl` of the request that started the flow (e.g. the contract's
//!   draft), else the app-level URL (`POST /company/token/update/callback`,
//!   [`SandboxBuilder::callback_url`]); with neither, the callback is recorded as undeliverable.
//!   Plain `http://` only.
//! - **What**: an `application/x-www-form-urlencoded` `POST`. With the app's `encrypt` on (the
//!   sandbox's default, [`SandboxBuilder::callback_encrypt`]), `signature` (`md5(timestamp + key)`),
//!   `timestamp` and `content` (Base64 of AES-128-ECB, or CBC, of the event's JSON) under the
//!   app's `callbackSecretKey` ([`DEFAULT_CALLBACK_SECRET_KEY`]); with it off, the event's
//!   fields as a plain form, unsigned, as the platform sends them. Personal-signature
//!   authorization callbacks are always signed, with their JSON content in the clear (§14.5).
//!   `qys_proto::callback::CallbackVerifier` verifies all of them
//!   ([`Sandbox::callback_verifier`] builds one for the current settings).
//! - **Success**: any 2xx answer (any status below 400 for §14.5), within 5 seconds; the
//!   documented bodies (`success`, `{"code":0}`, `{"responseCode":"00000000"}`) are not
//!   required. Otherwise it is retried on the [`CallbackSchedule`] (default 100 ms, 200 ms,
//!   400 ms; [`CallbackSchedule::platform_like`] for the platform's minutes-to-a-day
//!   schedules), signed afresh each time, then given up.
//! - **Order**: first attempts are made one at a time in the order the changes happened;
//!   retries run alongside.
//! - **Observing**: [`Sandbox::deliveries`], [`Sandbox::wait_for_deliveries`],
//!   [`Sandbox::wait_for_settled_deliveries`]; [`Sandbox::send_callback`] makes the sandbox owe
//!   one on demand. Shutting the sandbox down drops pending deliveries without waiting.
//!
//! `GET /company/token/get` answers the app settings (`appName`, `accessToken`, `callbackUrl`,
//! `encrypt`, `callbackSecretKey`, `encryptType`); `POST /company/token/update/callback`
//! (`callbackUrl`, `encrypt`, `encryptType`, at least one) changes them.
//!
//! # Time
//!
//! The sandbox reads every "now" from one [`SandboxClock`] ([`SandboxBuilder::clock`],
//! [`Sandbox::clock`]): the timestamp window and the nonce memory of the gateway, contract
//! deadlines (a `SIGNING` contract past its `expireTime` turns `EXPIRED` when next touched;
//! sending sets a 30-day deadline when none was given), the download lock (10 downloads of a
//! document less than 25 minutes apart lock it for 12 hours, then 24, ...), the repeat limits
//! (the same employee-create or seal-edit request 5 times within an hour locks it for 6 or 18
//! hours), the times it writes (`yyyy-MM-dd HH:mm:ss`, China time) and the `timestamp` of the
//! callbacks it signs. [`SandboxClock::advance`] moves all of them forward at once; a client
//! built with `.clock(sandbox.clock().clone())` keeps signing inside the window. Callback
//! retry delays and injected [`Fault::Delay`]s are real time.
//!
//! # What one client may cost
//!
//! Every request is bounded in bytes and in time, so that no client (however slow, large or
//! numerous its requests) can exhaust the sandbox or stall the others:
//!
//! - at most 1,024 connections at once; one more is answered `503` (`Retry-After: 1`,
//!   `{code:503, responseCode:"11990503"}`) and closed;
//! - a request head (request line and headers) of at most 16 KiB, else `431 Request Header
//!   Fields Too Large` before anything is parsed; it must arrive within 10 seconds, else the
//!   connection is closed (idle keep-alive connections too);
//! - a body of at most 1 MiB of JSON (32 MiB for `/v2/seal/createbyimage`, whose JSON carries
//!   Base64 images) or 256 MiB of multipart, else `413 {code:413, responseCode:"11990413"}`;
//!   no pause of 10 seconds and no longer than 10 seconds plus its length at 1 MiB/s, else
//!   `408 {code:408, responseCode:"11990408"}`; all bodies being read at once share 512 MiB,
//!   else `503`;
//! - at most 1,000 signatories per contract (1005) — the vendor documents no bound;
//! - parsing, field checks and handlers run at most two at a time, off the thread that
//!   accepts and reads connections, and their work is linear in what was sent;
//! - paths and nonces longer than 1 KiB are answered but not counted by
//!   [`Sandbox::requests_seen`] and [`Sandbox::nonces_seen`].
//!
//! `qys-bench`'s `sandbox_attacks` example measures these against the attacks they answer.
//!
//! # Faults, HTTPS, and what a test can observe
//!
//! [`Sandbox::inject`] queues [`Fault`]s per path and per request count: delays, resets,
//! HTML error pages, truncated, cut, trickled or oversized bodies, wrong content types,
//! invalid UTF-8, a 429 with `Retry-After`, canned files and redirects; the wrappers
//! ([`Fault::trickled`], [`Fault::cut_after`], [`Fault::with_content_type`]) apply to a canned
//! answer or to the normal one. [`SandboxBuilder::tls`] serves HTTPS with a certificate the
//! test generated. [`Sandbox::requests_seen`], [`Sandbox::nonces_seen`] and
//! [`Sandbox::connections_accepted`] show what clients did: how many attempts, whether each
//! was signed afresh, how well connections were reused.
#![forbid(unsafe_code)]

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use qys_proto::types::User;
use qys_proto::{
    CategoryId, CompanyId, ContractId, Credentials, DocumentId, EmployeeId, Environment, SealId,
    Signer, TemplateId,
};
use tokio::sync::oneshot;

mod api;
mod callbacks;
mod clock;
mod control;
mod control_http;
mod dashboard;
mod fields;
pub mod gateway;
mod pages;
mod reply;
mod server;
mod state;
mod state_contract;
mod state_identity;
mod state_org;

pub use crate::callbacks::{CallbackSchedule, Delivery, DeliveryOutcome};
pub use crate::clock::SandboxClock;
pub use crate::control::{ControlError, PluginUrlError};
pub use crate::pages::plugin::plugin_page_url;
pub use crate::state::{CallbackKind, MintedTicket, UploadedFile};
pub use crate::state_identity::{KNOWN_COMPANIES, KNOWN_PEOPLE, KnownCompany, KnownPerson};
pub use qys_proto::api::miniapp::PluginPage;
pub use qys_proto::callback::Cipher;

/// The app token of a sandbox started without [`SandboxBuilder::credentials`].
pub const DEFAULT_APP_TOKEN: &str = "qys-sandbox-app-token";
/// The app secret of a sandbox started without [`SandboxBuilder::credentials`].
pub const DEFAULT_APP_SECRET: &str = "qys-sandbox-app-secret";
/// The SaaS agent token of a sandbox started without [`SandboxBuilder::agent_credentials`].
pub const DEFAULT_AGENT_TOKEN: &str = "qys-sandbox-agent-token";
/// The SaaS agent secret of a sandbox started without [`SandboxBuilder::agent_credentials`].
pub const DEFAULT_AGENT_SECRET: &str = "qys-sandbox-agent-secret";
/// The `callbackSecretKey` of a sandbox started without
/// [`SandboxBuilder::callback_secret_key`]: 16 ASCII characters, so an AES-128 key. It signs
/// callbacks (`md5(timestamp + key)`) and encrypts their content; `/company/token/get` reports
/// it, as the platform does.
pub const DEFAULT_CALLBACK_SECRET_KEY: &str = "qysSandboxCbKey1";
/// The `appName` `/company/token/get` reports.
pub const SANDBOX_APP_NAME: &str = "qys-sandbox";
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
    /// The seal of the platform company ([`Fixtures::authenticated_company`]), which
    /// `/v2/contract/companysign` accepts (any other seal ID answers 1201).
    pub company_seal_id: SealId,
    /// The platform company's ID (its name is [`authenticated_company`](Self::authenticated_company)).
    pub platform_company_id: CompanyId,
    /// A sub-company of the platform company (use it as `tenantName`).
    pub sub_company_name: String,
    /// An authenticated company that is not a sub-company yet (it can be invited).
    pub invitable_company: String,
    /// An employee of the platform company with the system, seal and template administrator
    /// roles (by mobile, with a name); a user of [`company_seal_id`](Self::company_seal_id).
    pub admin: User,
    /// That employee's ID.
    pub admin_employee_id: EmployeeId,
    /// An `ENABLED` Word template of the platform company with the parameters `甲方`, `乙方`
    /// and `金额`.
    pub template_id: TemplateId,
    /// The platform company's default business category (`默认业务分类`).
    pub category_id: CategoryId,
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
            company_seal_id: SealId::new("3076583217204756480"),
            platform_company_id: CompanyId::new("3076583216489390001"),
            sub_company_name: "契约锁沙箱子公司".to_owned(),
            invitable_company: "契约锁沙箱合作伙伴有限公司".to_owned(),
            admin: User::mobile("13900000000").with_name("沙箱发起人"),
            admin_employee_id: EmployeeId::new("3076583216489390002"),
            template_id: TemplateId::new("3076583216489390004"),
            category_id: CategoryId::new("3076583216489390005"),
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
    /// Answer HTTP 429 with the throttling envelope (`responseCode` `11990006`, `TOO
    /// FREQUENT`) and, when given, this `Retry-After` value (seconds or an HTTP date).
    TooManyRequests(Option<String>),
    /// Send `answer` (the normal answer when `None`) slowly: the head at once with its full
    /// `Content-Length`, then the body `chunk` bytes at a time (at least 1), `interval` apart.
    /// See [`Fault::trickled`].
    Trickle {
        /// Bytes per piece.
        chunk: usize,
        /// The pause before each piece after the first.
        interval: Duration,
        /// What to send; `None` is the answer the request would have had.
        answer: Option<Box<Self>>,
    },
    /// Send the head of `answer` (the normal answer when `None`) with the body's full
    /// `Content-Length`, then only its first `keep` bytes, then close the connection. See
    /// [`Fault::cut_after`].
    CutBody {
        /// How many bytes of the body are sent.
        keep: usize,
        /// What to send; `None` is the answer the request would have had.
        answer: Option<Box<Self>>,
    },
    /// Send `answer` (the normal answer when `None`) with this `Content-Type` instead of its
    /// own (e.g. a JSON envelope as `text/plain`, a success as `text/html`). See
    /// [`Fault::with_content_type`].
    ContentType {
        /// The `Content-Type` sent.
        content_type: String,
        /// What to send; `None` is the answer the request would have had.
        answer: Option<Box<Self>>,
    },
    /// Answer a 200 success envelope whose `ticket` string holds bytes that are not UTF-8.
    InvalidUtf8,
    /// Answer a file, as a download endpoint does: HTTP 200, this media type,
    /// `Content-Disposition: attachment` with the file name, and the bytes. See [`Fault::file`].
    File {
        /// The file name (UTF-8 allowed).
        file_name: String,
        /// Its media type (an invalid one becomes `application/octet-stream`).
        content_type: String,
        /// Its content.
        bytes: Vec<u8>,
    },
    /// Answer `302 Found` with this `Location` (a client must not follow it).
    Redirect(String),
}

impl Fault {
    /// A file answer (see [`Fault::File`]).
    pub fn file(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        Self::File {
            file_name: file_name.into(),
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }

    /// This answer, sent slowly (see [`Fault::Trickle`]).
    #[must_use]
    pub fn trickled(self, chunk: usize, interval: Duration) -> Self {
        Self::Trickle {
            chunk,
            interval,
            answer: Some(Box::new(self)),
        }
    }

    /// This answer, with another `Content-Type` (see [`Fault::ContentType`]).
    #[must_use]
    pub fn with_content_type(self, content_type: impl Into<String>) -> Self {
        Self::ContentType {
            content_type: content_type.into(),
            answer: Some(Box::new(self)),
        }
    }

    /// This answer, cut off after `keep` bytes of its body (see [`Fault::CutBody`]).
    #[must_use]
    pub fn cut_after(self, keep: usize) -> Self {
        Self::CutBody {
            keep,
            answer: Some(Box::new(self)),
        }
    }
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
    tls: Option<TlsPem>,
    callbacks: CallbackConfig,
    control_token: Option<qys_proto::Secret>,
    clock: SandboxClock,
}

/// The callback settings of a [`SandboxBuilder`].
#[derive(Debug, Clone)]
struct CallbackConfig {
    key: qys_proto::Secret,
    cipher: Option<Cipher>,
    encrypt: bool,
    url: Option<String>,
    schedule: CallbackSchedule,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        Self {
            key: qys_proto::Secret::new(DEFAULT_CALLBACK_SECRET_KEY),
            cipher: None,
            encrypt: true,
            url: None,
            schedule: CallbackSchedule::default(),
        }
    }
}

/// The PEM certificate chain and private key a TLS sandbox serves with.
#[derive(Clone)]
pub(crate) struct TlsPem {
    pub(crate) chain: Vec<u8>,
    pub(crate) key: Vec<u8>,
}

impl fmt::Debug for TlsPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The private key is never shown.
        f.write_str("TlsPem([redacted])")
    }
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
            tls: None,
            callbacks: CallbackConfig::default(),
            control_token: None,
            clock: SandboxClock::system(),
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

    /// The clock the sandbox reads "now" from (default [`SandboxClock::system`]): the
    /// gateway's timestamp window and nonce memory, contract deadlines, the download lock, the
    /// repeat limits, the times it writes and the `timestamp` of signed callbacks. Keep a
    /// clone and [`advance`](SandboxClock::advance) it to test what time changes, without
    /// sleeping ([`Sandbox::clock`] answers the same clock).
    #[must_use]
    pub fn clock(mut self, clock: SandboxClock) -> Self {
        self.clock = clock;
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

    /// Serves HTTPS (TLS 1.2 and 1.3, rustls with the ring provider) with this certificate
    /// chain (PEM, leaf first) and private key (PEM: PKCS#8, PKCS#1 or SEC1). The base URL is
    /// then `https://127.0.0.1:PORT` (or the configured host); clients must trust the chain's
    /// CA, e.g. with `add_root_certificate_pem`. Checked by [`start`](Self::start).
    #[must_use]
    pub fn tls(mut self, cert_chain_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(TlsPem {
            chain: cert_chain_pem.into(),
            key: key_pem.into(),
        });
        self
    }

    /// The app's `callbackSecretKey` (default [`DEFAULT_CALLBACK_SECRET_KEY`]): it signs the
    /// callbacks and is their AES-128 key, so it must be 16 bytes (checked by
    /// [`start`](Self::start)).
    #[must_use]
    pub fn callback_secret_key(mut self, key: impl Into<qys_proto::Secret>) -> Self {
        self.callbacks.key = key.into();
        self
    }

    /// How callback `content` is encrypted when encryption is on: [`Cipher::AesEcb`] (the
    /// default, `encryptType` `AES_ECB`) or [`Cipher::AesCbc`] with its IV (`AES_CBC`).
    /// [`Cipher::Plain`] is refused by [`start`](Self::start): turn encryption off with
    /// [`callback_encrypt`](Self::callback_encrypt) instead.
    ///
    /// ⚠ The vendor documents neither where the CBC IV comes from nor its form. The sandbox
    /// uses the IV given here; when CBC is chosen through `/company/token/update/callback`
    /// without one, it uses the 16 bytes of the `callbackSecretKey` as the IV (an assumption;
    /// [`Sandbox::callback_cipher`] tells a receiver which IV is in use).
    #[must_use]
    pub fn callback_cipher(mut self, cipher: Cipher) -> Self {
        self.callbacks.cipher = Some(cipher);
        self
    }

    /// Whether callbacks start signed and encrypted (`encrypt`, default `true`, so that a
    /// receiver that verifies signatures, as qys's `CallbackVerifier` does by default, accepts
    /// them); `false` sends the platform's unsigned plain forms. `/company/token/update/callback`
    /// changes it at run time.
    #[must_use]
    pub fn callback_encrypt(mut self, encrypt: bool) -> Self {
        self.callbacks.encrypt = encrypt;
        self
    }

    /// The app-level `callbackUrl` the sandbox starts with (default none);
    /// `/company/token/update/callback` changes it at run time. Checked by
    /// [`start`](Self::start): an absolute `http://` or `https://` URL.
    #[must_use]
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callbacks.url = Some(url.into());
        self
    }

    /// When failed callbacks are tried again (default [`CallbackSchedule::default`]: 100 ms,
    /// 200 ms, 400 ms). Give a `Vec<Duration>` for the same delays for every kind, or
    /// [`CallbackSchedule::platform_like`] for the platform's documented schedules (minutes to
    /// a day apart).
    #[must_use]
    pub fn callback_retry_schedule(mut self, schedule: impl Into<CallbackSchedule>) -> Self {
        self.callbacks.schedule = schedule.into();
        self
    }

    /// The token the HTTP control API (`/__sandbox/api/…`) and the dashboard (`/__sandbox/`)
    /// require, in the `x-qys-sandbox-token` header (or `Authorization: Bearer …`, or
    /// `?token=` for the dashboard). Without one they are open on a loopback host; on any
    /// other host [`start`](Self::start) makes a random one ([`Sandbox::control_token`] tells
    /// it, the binary prints it). The pages the sandbox's links open never need it, as the
    /// platform's pages need no credentials.
    #[must_use]
    pub fn control_token(mut self, token: impl Into<qys_proto::Secret>) -> Self {
        self.control_token = Some(token.into());
        self
    }

    /// The app settings the sandbox starts with.
    fn app_settings(&self) -> std::io::Result<api::app::AppSettings> {
        let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
        let c = &self.callbacks;
        let key_len = c.key.expose().len();
        if key_len != 16 {
            return Err(invalid(format!(
                "the callback secret key must be 16 bytes (an AES-128 key), this one has {key_len}"
            )));
        }
        let mut app = api::app::AppSettings {
            access_token: self.app.token().to_owned(),
            encrypt: c.encrypt,
            cbc_iv: api::app::cbc_iv_of(&c.key),
            key: c.key.clone(),
            ..api::app::AppSettings::default()
        };
        match &c.cipher {
            None => {}
            Some(Cipher::Plain) => {
                return Err(invalid(
                    "the callback cipher must be AES (ECB or CBC); turn encryption off with callback_encrypt(false)".to_owned(),
                ));
            }
            Some(cipher) => app.set_cipher(cipher),
        }
        if let Some(url) = &c.url {
            api::app::check_callback_url(url).map_err(invalid)?;
            app.callback_url = Some(url.clone());
        }
        Ok(app)
    }

    /// Binds the address, starts the server on its own thread with its own tokio runtime, and
    /// returns once it accepts connections.
    ///
    /// # Errors
    /// The bind error (port in use, no permission), a token that is empty or not visible ASCII
    /// ([`std::io::ErrorKind::InvalidInput`]), a TLS chain or key that does not parse or match
    /// ([`std::io::ErrorKind::InvalidInput`]), a callback secret key that is not 16 bytes, a
    /// [`Cipher::Plain`] callback cipher or a callback URL that is not an absolute http(s) URL
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
        let acceptor = self.tls.as_ref().map(server::tls_acceptor).transpose()?;
        let app_settings = self.app_settings()?;
        let listener = std::net::TcpListener::bind(SocketAddr::new(self.host, self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{addr}");
        let environment = Environment::custom(&base_url)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let fixtures = Fixtures::standard();
        let (outbox, jobs) = callbacks::Outbox::new();
        let delivery_log = Arc::clone(&outbox.log);
        let schedule = self.callbacks.schedule.clone();
        let clock = self.clock.clone();
        let shared = Arc::new(server::Shared {
            keys: gateway::GatewayKeys::new(self.app.clone(), self.agent.clone())
                .with_window(self.window),
            state: Mutex::new({
                let mut state = state::State::seeded(&fixtures, self.clock.clone());
                state.contract_book.base_url.clone_from(&base_url);
                state.app = app_settings;
                state
            }),
            nonces: Mutex::new(gateway::NonceStore::default()),
            gateway: Mutex::new(server::Gateway::default()),
            accepted: std::sync::atomic::AtomicUsize::new(0),
            strict: self.strict,
            callbacks: outbox,
            console: control::Console::new(self.control_token.clone().or_else(|| {
                // Off loopback, the controls are never open.
                (!self.host.is_loopback())
                    .then(|| qys_proto::Secret::new(uuid::Uuid::new_v4().simple().to_string()))
            })),
            clock: self.clock.clone(),
            limits: server::Limits::default(),
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
                    // Callback delivery lives and dies with the server's runtime.
                    tokio::spawn(callbacks::run(jobs, delivery_log, schedule, clock));
                    server::serve(listener, thread_shared, shutdown_rx, acceptor).await;
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

    /// `http://127.0.0.1:PORT` (`https://` when serving [TLS](SandboxBuilder::tls)), without
    /// a trailing slash.
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

    /// The sandbox's clock (the one given to [`SandboxBuilder::clock`], else the system
    /// clock): [`advance`](SandboxClock::advance) it to move every deadline, lock and window
    /// of the sandbox forward at once.
    pub fn clock(&self) -> &SandboxClock {
        &self.shared.clock
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

    /// The `x-qys-open-nonce` header of every request that reached `path` (faulted ones
    /// included), in order of arrival: a retry that re-used a nonce shows here even when a
    /// fault answered it before authentication. (At most 100 000 nonces are kept.)
    pub fn nonces_seen(&self, path: &str) -> Vec<String> {
        server::lock(&self.shared.gateway).nonces(path)
    }

    /// How many TCP connections the sandbox accepted so far (TLS handshakes that then failed
    /// included): a client's connection reuse made visible.
    pub fn connections_accepted(&self) -> usize {
        self.shared
            .accepted
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every callback the sandbox owed so far (the last 10 000), oldest first, with what became
    /// of it: URL, attempts, last status, outcome. See the `callbacks` section of the crate
    /// docs for how they are delivered.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.callbacks.log.snapshot()
    }

    /// Waits until at least `n` callbacks have been delivered (accepted by their receiver), or
    /// `timeout` passes; answers whether they were. Blocks the calling thread: from async code,
    /// call it through `spawn_blocking` (or wait on your receiver instead).
    pub fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> bool {
        self.shared.callbacks.log.wait(timeout, |list| {
            list.iter().filter(|d| d.delivered()).count() >= n
        })
    }

    /// Waits until no callback is pending (each one delivered, given up or undeliverable), or
    /// `timeout` passes; answers whether none is. Blocks the calling thread.
    pub fn wait_for_settled_deliveries(&self, timeout: Duration) -> bool {
        self.shared
            .callbacks
            .log
            .wait(timeout, |list| list.iter().all(Delivery::settled))
    }

    /// Makes the sandbox owe a callback now, as if a state change had emitted it: `kind`, the
    /// event's own URL (`None`: the app-level `callbackUrl`), and its fields (spec §14, e.g.
    /// `contractId`, `contractStatus`, `callbackType` for a contract). It is delivered like any
    /// other. For tests of receivers; returns at once.
    pub fn send_callback(
        &self,
        kind: CallbackKind,
        url: Option<&str>,
        fields: serde_json::Map<String, serde_json::Value>,
    ) {
        control::owe_callback(&self.shared, kind, url.map(str::to_owned), fields);
    }

    /// The app's `callbackSecretKey` (what receivers verify and decrypt with).
    pub fn callback_secret_key(&self) -> qys_proto::Secret {
        server::lock(&self.shared.state).app.key.clone()
    }

    /// The cipher of callback `content` under the current `encryptType` (with the IV in use
    /// for CBC). Whether encryption is on at all is [`callback_encrypt`](Self::callback_encrypt).
    pub fn callback_cipher(&self) -> Cipher {
        server::lock(&self.shared.state).app.cipher()
    }

    /// Whether callbacks are currently signed and encrypted (`encrypt`).
    pub fn callback_encrypt(&self) -> bool {
        server::lock(&self.shared.state).app.encrypt
    }

    /// The current app-level `callbackUrl`.
    pub fn callback_url(&self) -> Option<String> {
        server::lock(&self.shared.state).app.callback_url.clone()
    }

    /// A verifier for this sandbox's callbacks under the current settings: its key and cipher;
    /// when encryption is off, unsigned (plain) callbacks are allowed. Personal-signature
    /// authorization callbacks need [`Cipher::Plain`] instead (their content is never
    /// encrypted).
    pub fn callback_verifier(&self) -> qys_proto::callback::CallbackVerifier {
        let state = server::lock(&self.shared.state);
        qys_proto::callback::CallbackVerifier::new(state.app.key.clone())
            .with_cipher(state.app.cipher())
            .allow_unsigned(!state.app.encrypt)
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
