//! The blocking client of **qys**, the Rust SDK for the 契约锁 (Qiyuesuo) Open Platform, on
//! [ureq](https://docs.rs/ureq) 3.
//!
//! All protocol logic (signing, request bodies, multipart framing, envelopes, errors, retry
//! decisions) lives in the sans-IO core [`qys_proto`], re-exported here as [`proto`]. This
//! crate does the I/O around it: a [`Client`] signs each attempt with a fresh timestamp and
//! nonce, sends it, reads the answer with a size limit, parses it with the core and asks the
//! retry policy whether to try again.
//!
//! # Example
//!
//! Mint a ticket that opens a contract's signing page in the WeChat mini-program plugin:
//!
//! ```no_run
//! use qys_blocking::{Client, Credentials, Environment};
//! use qys_blocking::api::miniapp::ContractSignTicketRequest;
//! use qys_blocking::types::User;
//! use qys_blocking::ContractId;
//!
//! let client = Client::builder(
//!     Environment::test(),
//!     Credentials::new("your AppToken", "your AppSecret"),
//! )
//! .build()?;
//!
//! let request = ContractSignTicketRequest::new(
//!     ContractId::new("2591540368898105360"),
//!     User::mobile("13800000000"),
//! );
//! let ticket = client.execute(&request)?;
//! println!("{}", ticket.plugin_url().with_callbacks(true));
//! # Ok::<(), qys_blocking::Error>(())
//! ```
//!
//! Errors are one type, [`Error`], with the platform's codes named:
//!
//! ```no_run
//! # use qys_blocking::{Client, Credentials, Environment, Error, ErrorCode};
//! # use qys_blocking::api::miniapp::CompanyAuthTicketRequest;
//! # use qys_blocking::types::User;
//! # let client = Client::builder(Environment::test(), Credentials::new("t", "s")).build()?;
//! let request = CompanyAuthTicketRequest::new("某某科技有限公司", User::mobile("13800000000"));
//! match client.execute(&request) {
//!     Ok(ticket) => println!("{}", ticket.plugin_url()),
//!     Err(e) if e.code() == Some(ErrorCode::CompanyAlreadyAuthed) => println!("nothing to do"),
//!     Err(e) => return Err(e),
//! }
//! # Ok::<(), qys_blocking::Error>(())
//! ```
//!
//! # Uploads and downloads
//!
//! [`Client::upload`] streams each file from a [`Source`] (a [`std::fs::File`] from
//! [`open_file`], a [`std::io::Cursor`], or any reader wrapped in [`OneShot`]) with an exact
//! `Content-Length`; a source shorter or longer than declared fails with
//! [`BodyErrorKind::LengthMismatch`] instead of sending a corrupt body.
//! [`Client::download`] returns a [`Download`] to read as a stream; [`Client::download_to_path`]
//! writes a temporary file and renames it into place only when complete.
//!
//! # Transport
//!
//! - TLS is rustls with the ring provider handed to ureq explicitly (the process default
//!   provider is never consulted), Mozilla's roots plus any given with
//!   [`ClientBuilder::add_root_certificate_pem`]; certificates are always verified.
//! - Redirects are never followed (signed headers must not travel to another host): a 3xx
//!   answer is an [`Error::Status`].
//! - No proxy unless [`ClientBuilder::proxy`] sets one; proxy environment variables are ignored.
//! - No transparent decompression: bytes arrive as the server sent them.
//! - Timeouts: a whole-call deadline for JSON calls, a connect deadline, and for uploads and
//!   downloads a head deadline plus an idle timeout between body reads and writes.
#![forbid(unsafe_code)]

mod client;
mod download;
mod pages;
mod resolve;
mod source;
mod transport;

pub use crate::client::{Client, ClientBuilder};
pub use crate::download::Download;
pub use crate::pages::{Items, Pages};
pub use crate::source::{OneShot, Source, open_file};
pub use qys_proto::frontend::*;

/// This crate's README (its code blocks are also the workspace README's blocking examples),
/// compiled as doctests so that they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
