//! The async client of **qys**, the Rust SDK for the 契约锁 (Qiyuesuo) Open Platform:
//! hyper 1 with a pooled connection, rustls (ring) with the Mozilla roots, on tokio.
//!
//! All protocol work (signing, endpoints, envelopes, errors, multipart framing, download
//! classification, the retry policy) lives in the sans-IO core [`qys_proto`], re-exported as
//! [`proto`]. This crate only moves bytes: each call builds a request with the core (a fresh
//! timestamp and nonce per attempt), sends it, reads the answer with a size limit, lets the
//! core parse it, and asks the retry policy whether to try again.
//!
//! ```no_run
//! use qys_async::{Client, Credentials, Environment};
//! use qys_async::api::miniapp::ContractSignTicketRequest;
//! use qys_async::types::User;
//! use qys_async::ContractId;
//!
//! # async fn run() -> qys_async::Result<()> {
//! let client = Client::builder(
//!     Environment::test(),
//!     Credentials::new("your-app-token", "your-app-secret"),
//! )
//! .build()?;
//!
//! let request = ContractSignTicketRequest::new(
//!     ContractId::new("2591540368898105360"),
//!     User::mobile("13800000000"),
//! );
//! let ticket = client.execute(&request).await?;
//! println!("open {}", ticket.plugin_url());
//! # Ok(())
//! # }
//! ```
//!
//! # Transport
//!
//! - One pooled HTTP/1.1 client per [`Client`] (clones share it), with a pool idle timeout and
//!   a cap on idle connections per host.
//! - TLS is always verified, with the ring provider passed explicitly (the process-wide
//!   default provider is never read nor installed), against the Mozilla roots plus any
//!   [`ClientBuilder::add_root_certificate_pem`].
//! - Plain `http://` is refused unless [`ClientBuilder::allow_http`] is set (for the sandbox
//!   or an intranet gateway).
//! - Timeouts: connect; the whole JSON call (send and read); between two body frames of a
//!   download or an upload.
//! - Redirects are never followed. No proxy is used.
//! - JSON answers are read up to [`Limits::max_json_body`]; more fails with
//!   [`TransportErrorKind::ResponseTooLarge`]. Downloads and uploads stream and never hold a
//!   whole file in memory.
//!
//! # Uploads and downloads
//!
//! Upload endpoints hold their files as [`UploadFile`]s whose source implements [`Source`]
//! (a [`tokio::fs::File`] from [`open_file`], a [`std::io::Cursor`], or any reader in a
//! [`OneShot`]). [`Client::download`] returns a [`Download`] stream;
//! [`Client::download_to`] and [`Client::download_to_path`] write it out (the latter all or
//! nothing).
#![forbid(unsafe_code)]

mod client;
mod download;
mod pages;
mod source;
mod transport;

pub use crate::client::{Client, ClientBuilder};
pub use crate::download::Download;
pub use crate::pages::{Items, Pages};
pub use crate::source::{OneShot, Source, open_file};
pub use qys_proto::frontend::*;

/// This crate's README (its code blocks are also the workspace README's async examples),
/// compiled as doctests so that they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
