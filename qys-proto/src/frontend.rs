//! What both frontends re-export from the core, named once: `pub use qys_proto::frontend::*`
//! in `qys-blocking` and `qys-async` gives their users the same names without a dependency
//! on `qys-proto`. Not meant to be used directly.

pub use crate::download::DownloadMeta;
pub use crate::multipart::UploadFile;
pub use crate::observe::{AttemptEnd, CallEnd, Observer};
pub use crate::pages::DEFAULT_MAX_PAGES;
pub use crate::retry::{RetryDecision, RetryPolicy};
pub use crate::settings::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE_PER_HOST, DEFAULT_TIMEOUT,
};
pub use crate::{
    self as proto, ApiError, BodyError, BodyErrorKind, BuildError, BuildErrorKind, CallContext,
    Clock, Core, Credentials, DecodeError, Environment, Error, ErrorCode, FixedClock, Limits,
    Nonce, NonceSource, PluginEnv, RandomNonce, Result, Scheme, Secret, SequentialNonce, Signer,
    SigningParams, StatusError, SystemClock, TransportError, TransportErrorKind, api, endpoint,
    generic, multipart, observe, retry, types,
};
pub use crate::{
    ActionId, AttachmentId, CategoryId, CompanyId, ContractId, DocumentId, EmployeeId, SealId,
    SignatoryId, TemplateId,
};

/// The doc comment of a method both frontends have, written once so that the two cannot
/// drift: `#[doc = qys_proto::frontend_doc!(execute)]`. Links are to names both crates have.
/// Used by `qys-blocking` and `qys-async` only; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! frontend_doc {
    (builder) => {
        "A builder for a client of `environment` signing with `signer` (or plain app
[`Credentials`](qys_proto::Credentials)).

Defaults: [`SystemClock`](qys_proto::SystemClock), [`RandomNonce`](qys_proto::RandomNonce),
[`RetryPolicy::default`](qys_proto::retry::RetryPolicy::default) (3 attempts, no retry
starting after 30 s), a 30 s timeout per attempt, 10 s to connect (TCP and TLS), 60 s idle
time between body reads and writes of uploads and downloads, up to 32 idle pooled connections
per host kept 30 s, at most 64 requests (connections) in flight,
[`Limits::default`](qys_proto::Limits::default), no extra header, no observer, Mozilla's root
certificates, `https://` only."
    };
    (client) => {
        "A client of the Open Platform. Cheap to clone: clones share one connection pool and one
configuration.

Every method drives the core's [call engine](qys_proto::engine): each attempt signed with a
fresh timestamp and nonce, the answer read with a size limit, parsed, and retried as the
[`RetryPolicy`](qys_proto::retry::RetryPolicy) says. `Debug` shows the environment, the token
abbreviated and the settings, never a secret."
    };
    (core) => {
        "The sans-IO core this client drives: environment, signer, limits."
    };
    (execute) => {
        "Calls a JSON or query endpoint and returns its typed response.

Every attempt is signed with a fresh timestamp and nonce; failures are retried as the retry
policy says (never a non-idempotent call that may have reached the platform). An answer whose
`Content-Length` is over [`Limits::max_json_body`](qys_proto::Limits::max_json_body) is
refused before it is read.

# Errors
[`Error::Build`](qys_proto::Error::Build) when the request cannot be built (nothing is sent);
[`Error::Transport`](qys_proto::Error::Transport) for connection, TLS, timeout and I/O
failures, and answers over the size limit; [`Error::Api`](qys_proto::Error::Api) for an error
envelope, [`Error::Status`](qys_proto::Error::Status) for a non-2xx answer without one,
[`Error::Decode`](qys_proto::Error::Decode) for a result of another shape. Every error names
the call: method, path, attempts and elapsed time
([`Error::context`](qys_proto::Error::context))."
    };
    (upload) => {
        "Calls an upload endpoint, streaming each file from its [`Source`] between the framing
the core computed. Files are never held in memory; `Content-Length` is exact.

A source that yields fewer or more bytes than its declared length aborts the request with
[`LengthMismatch`](qys_proto::BodyErrorKind::LengthMismatch) rather than sending a corrupt
body. A failed upload is retried (as the policy allows) only after every source was rewound
([`Source::rewind`] answered `true`).

# Errors
As [`execute`](Self::execute), plus [`Error::Body`](qys_proto::Error::Body) when a source
fails or has another length than declared, and a transport error of kind `Timeout` when a
source or the connection stalls longer than the idle timeout."
    };
    (download) => {
        "Starts a download. A success is a [`Download`], the body handed over unread; an error
envelope (the platform answers download failures with JSON, even with HTTP 200) is read with
the JSON size limit and returned as the error it carries.

Downloads only read, so failures before the body starts are retried as an idempotent call;
nothing is retried once the [`Download`] is returned.

# Errors
As [`execute`](Self::execute); an envelope on a download is
[`Error::Api`](qys_proto::Error::Api), or [`Error::Decode`](qys_proto::Error::Decode) for a
success envelope where a file was expected."
    };
    (download_to) => {
        "Downloads into `sink` and flushes it; returns what the head said about the file.

# Errors
As [`download`](Self::download), including a transport error when the body breaks off or
stalls, plus [`WriteSink`](qys_proto::BodyErrorKind::WriteSink) when writing fails. Bytes
already written stay in the sink."
    };
    (download_to_path) => {
        "Downloads to the file `path`, all or nothing: the bytes go to a temporary file in the
same directory, which is synced to disk and renamed to `path` only once the whole file
arrived (replacing a file already there). On any failure nothing is created at `path` (an
existing file there is left as it was) and the temporary file is removed.

# Errors
As [`download_to`](Self::download_to); [`WriteSink`](qys_proto::BodyErrorKind::WriteSink)
when the temporary file cannot be created, written, synced or renamed."
    };
    (pages) => {
        "Walks a paged list (such as
[`ContractListRequest`](qys_proto::api::contract::ContractListRequest)) from `first`'s page
on, one call per page, lazily: see [`Pages`] for when the walk stops (last page,
`totalCount` reached, an error, or the page cap) and [`Pages::items`] for the items one by
one."
    };
    (build) => {
        "The client.

# Errors
[`Error::Build`](qys_proto::Error::Build):
[`InsecureUrl`](qys_proto::BuildErrorKind::InsecureUrl) for an `http://` environment without
[`allow_http`](Self::allow_http); [`InvalidArgument`](qys_proto::BuildErrorKind::InvalidArgument)
for a user agent that is not a header value, an extra [`header`](Self::header) that is not
valid or that qys sets itself, a root certificate PEM that does not parse or holds no
certificate, or a [`max_connections`](Self::max_connections) of 0."
    };
    (forward_uniform) => {
        "Forwards a browser JS SDK call: `POST /uniformapi` (multipart: the browser's
`requestData`, and its file as part `file`), signed, and returns the platform's answer as the
reply for the browser (see [`qys_proto::api::uniform::browser_reply`]): the same status,
`Content-Type` and `Content-Disposition`, and the body verbatim, **whatever it says** (an
error envelope with code 1005 is an `Ok` reply here: the browser SDK interprets it).

The file is streamed from its [`Source`] as by [`upload`](Self::upload). The call inside
`requestData` is opaque, so it is treated as not idempotent: retried only when the policy
says the request cannot have reached the platform (and the file rewinds). The answer is read
up to [`Limits::max_json_body`](qys_proto::Limits).

# Errors
[`Error::Build`](qys_proto::Error::Build) for an empty `requestData` (nothing is sent);
[`Error::Transport`](qys_proto::Error::Transport) when the platform cannot be reached, times
out or answers more than the JSON size limit; [`Error::Body`](qys_proto::Error::Body) when
the file's source fails or has another length than declared. Never
[`Error::Api`](qys_proto::Error::Api) or [`Error::Status`](qys_proto::Error::Status): those
answers are the reply."
    };
    (forward_uniform_download) => {
        "Forwards a browser JS SDK download: `GET /uniformapi?requestData=...`, signed, and
returns the platform's answer as the reply for the browser: the same status, `Content-Type`
and `Content-Disposition`, and the body as a [`Download`] to stream back unread. That is the
file on success ([`Download::meta`] filled in), and the platform's error envelope otherwise
(status and headers as sent, `meta` empty): both go to the browser as they are.

Failures before the answer's head arrives are retried per the policy (a download only
reads); nothing is retried once the reply is returned. See
[`forward_uniform`](Self::forward_uniform) for a forwarding route.

# Errors
[`Error::Build`](qys_proto::Error::Build) for an empty `requestData`;
[`Error::Transport`](qys_proto::Error::Transport) when the platform cannot be reached or does
not answer in time. Reading the returned body fails as [`Download`] reads do."
    };
    (uniform) => {
        "JS SDK forwarding (JS SDK文档-对接方服务端接口): [`Client::forward_uniform`] and
[`Client::forward_uniform_download`].

The browser JS SDK never holds the app secret: it sends an opaque `requestData` (and, for
uploads, a file) to a route of the integrator's server, which signs and forwards it to the
platform's `/uniformapi` and hands the platform's answer back to the browser **unchanged**
(the JS SDK reads the envelope itself, errors included). These two calls are that route's
whole job; the protocol (request building, signing, multipart framing, which headers the
reply keeps) is the core's ([`qys_proto::api::uniform`])."
    };
    (pages_type) => {
        "The pages of a list endpoint, one call per page, made by [`Client::pages`].

The walk is [`PageWalk`](qys_proto::pages::PageWalk)'s (see there for when it stops: the last
page, `totalCount` reached, an error, or the page cap); each page call is retried per the
client's retry policy first. Empty pages are never yielded. Pages are fetched lazily.
[`items`](Self::items) flattens the pages into items."
    };
}

/// Re-exports a frontend's public names and this module's, so that both frontends offer the
/// same names: `qys_proto::frontend_exports!();` in a frontend's `lib.rs`. Used by
/// `qys-blocking` and `qys-async` only; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! frontend_exports {
    () => {
        pub use self::client::{Client, ClientBuilder};
        pub use self::download::Download;
        pub use self::pages::{Items, Pages};
        pub use self::source::{OneShot, Source, open_file};
        pub use $crate::frontend::*;
    };
}

/// Declares a frontend's `Client` (a cheap clone of an `Arc<Inner>` whose `engine` field is
/// the core's call engine), its `Debug` (the engine's, which shows no secret),
/// `Client::builder`, `Client::core`, the `ClientBuilder` struct with its `Debug`, and the
/// builder's `Transport` settings ([`transport_settings!`](crate::transport_settings)), with
/// `how` closing the client's doc: how the frontend moves bytes. Each `field: Type` is an
/// optional builder setting of that frontend only (`None` at first; `Debug` shows only whether
/// it is set, as a proxy URL may carry a password). Used by `qys-blocking` and `qys-async`
/// only; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! frontend_client {
    ($how:literal $(, $field:ident: $ty:ty)*) => {
        $crate::transport_settings!();

        /// Builds a [`Client`]; see [`Client::builder`] for the defaults.
        pub struct ClientBuilder {
            settings: $crate::settings::ClientSettings,
            transport: Transport,
            $($field: Option<$ty>,)*
        }

        impl ::std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("settings", &self.settings)
                    .field("transport", &self.transport)
                    $(.field(stringify!($field), &self.$field.as_ref().map(|_| "[configured]")))*
                    .finish()
            }
        }

        #[doc = $crate::frontend_doc!(client)]
        ///
        #[doc = $how]
        #[derive(Clone)]
        pub struct Client {
            inner: ::std::sync::Arc<Inner>,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client")
                    .field("engine", &self.inner.engine)
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            #[doc = $crate::frontend_doc!(builder)]
            pub fn builder(
                environment: $crate::Environment,
                signer: impl Into<$crate::Signer>,
            ) -> ClientBuilder {
                ClientBuilder {
                    settings: $crate::settings::ClientSettings::new(environment, signer.into()),
                    transport: Transport::default(),
                    $($field: None,)*
                }
            }

            #[doc = $crate::frontend_doc!(core)]
            pub fn core(&self) -> &$crate::Core {
                self.inner.engine.core()
            }
        }
    };
}
