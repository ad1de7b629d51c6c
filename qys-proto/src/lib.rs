//! The sans-IO core of **qys**, the Rust SDK for the 契约锁 (Qiyuesuo) Open Platform.
//!
//! # What is in scope
//!
//! This crate builds [`http::Request`] values (signed headers, JSON, query and multipart bodies)
//! and turns response bytes into typed results or a typed [`Error`]. It never opens a socket,
//! never reads the clock and never draws random numbers while building, signing or parsing:
//! the time and the nonce of each request are inputs ([`SigningParams`]). The two frontends,
//! `qys-blocking` (ureq) and `qys-async` (hyper), do the I/O around it; anyone else can too.
//!
//! # What is not
//!
//! Sockets, TLS, timeouts and sleeping between retries belong to the frontends.
//!
//! # A whole call, with your own I/O
//!
//! The request below is reproducible to the byte because the clock and the nonce are fixed:
//!
//! ```
//! use qys_proto::{Core, Credentials, Environment, SigningParams, Nonce};
//! use qys_proto::api::miniapp::ContractViewTicketRequest;
//! use qys_proto::ContractId;
//!
//! let core = Core::new(
//!     Environment::test(),
//!     Credentials::new("DWjfxmA12a", "testSecret"),
//! )?;
//! let params = SigningParams::new(1565753984643, Nonce::new("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0")?);
//! let endpoint = ContractViewTicketRequest::by_id(ContractId::new("2591540368898105360"));
//! let request = core.prepare(&endpoint, &params)?;
//!
//! assert_eq!(request.method(), "POST");
//! assert_eq!(request.uri(), "https://openapi.qiyuesuo.cn/v2/contract/miniappexchange/view");
//! let h = request.headers();
//! assert_eq!(h["x-qys-open-accesstoken"], "DWjfxmA12a");
//! assert_eq!(h["x-qys-open-timestamp"], "1565753984643");
//! assert_eq!(h["x-qys-open-nonce"], "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0");
//! assert_eq!(h["x-qys-open-signature"], "7a93104e1c30e46541e9caba6307361e");
//! assert_eq!(h["content-type"], "application/json;charset=UTF-8");
//! assert_eq!(request.body().as_ref(), br#"{"contractId":"2591540368898105360"}"#);
//!
//! // ... send it with any HTTP client, then hand the answer back:
//! let answer = http::Response::builder()
//!     .status(200)
//!     .header("content-type", "application/json")
//!     .body(&br#"{"code":0,"message":"SUCCESS","result":{"ticket":"tk-1"}}"#[..])?;
//! let ticket = core.parse::<ContractViewTicketRequest>(answer)?;
//! assert_eq!(ticket.plugin_url().to_string(), "plugin://qyssdk-plugin/doc?ticket=tk-1&env=cn");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//!
//! - [`Credentials`], [`Signer`], [`SigningParams`], [`signature`]: the MD5 header signing of
//!   the Open Platform, in its three schemes ([`Scheme`]).
//! - [`Clock`] and [`NonceSource`]: where a frontend gets time and nonces.
//! - [`Environment`]: test, production or any base URL.
//! - [`endpoint`]: the endpoint traits; [`api`]: every endpoint, one file per menu group;
//!   [`generic`]: a call of any method and path, for endpoints qys has no type for.
//! - [`Core`]: prepare requests and parse answers.
//! - [`Error`]: the one error type of qys.
//! - [`engine`]: the call engine the frontends drive: one state machine per call (attempts,
//!   answer heads, limits, upload bodies, retries, observation, error context).
//! - [`observe`]: what a client reports of each attempt and call.
//! - [`retry`]: the pure retry policy the engine consults.
//! - [`verify`]: the gateway's check of a signed request, as a pure function.
//! - `strategies` and `properties` (feature `proptest`): proptest strategies for credentials,
//!   times, nonces, schemes and requests, and ready properties for your own signer.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer;
pub mod api;
pub mod callback;
mod clock;
mod core;
mod credentials;
pub mod download;
pub mod endpoint;
pub mod engine;
mod envelope;
mod environment;
mod error;
#[cfg(feature = "system")]
#[doc(hidden)]
pub mod frontend;
pub mod generic;
mod id;
pub mod multipart;
pub mod observe;
pub mod pages;
#[cfg(feature = "proptest")]
pub mod properties;
pub mod query;
pub mod retry;
#[cfg(feature = "system")]
pub mod settings;
mod sign;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod trace;
pub mod types;
pub mod verify;

pub use crate::callback::{CallbackError, CallbackErrorKind};
pub use crate::clock::{Clock, FixedClock, Nonce, NonceSource, SequentialNonce};
#[cfg(feature = "system")]
pub use crate::clock::{RandomNonce, SystemClock, system_jitter};
pub use crate::core::{Context, Core, CoreBuilder, EnvelopeHead, JSON_CONTENT_TYPE, Limits};
pub use crate::credentials::{Credentials, Secret};
pub use crate::envelope::{RawEnvelope, SUCCESS_RESPONSE_CODE};
pub use crate::environment::{Environment, PluginEnv};
pub use crate::error::{
    ApiError, BodyError, BodyErrorKind, BuildError, BuildErrorKind, CallContext, DecodeError,
    EXCERPT_LIMIT, Error, ErrorCode, Result, StatusError, TransportError, TransportErrorKind,
    status_text,
};
pub use crate::id::*;
pub use crate::sign::{Scheme, Signature, Signer, SigningParams, headers, signature};

/// The user agent qys sends unless told otherwise.
pub const USER_AGENT: &str = concat!("qys/", env!("CARGO_PKG_VERSION"));
