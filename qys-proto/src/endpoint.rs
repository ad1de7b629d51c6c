//! The endpoint traits: one struct per endpoint, its wire shape in its type.
//!
//! - [`Check`]: the documented rules a request's fields must satisfy (default: none). The
//!   core calls it before building anything.
//! - [`Call`]: what every call answered by an envelope has: method, path, whether it is
//!   idempotent, and what its `result` turns into.
//! - [`Endpoint`]: a [`Call`] whose request is empty, a query, a JSON body or text-only
//!   `multipart/form-data` ([`Payload`]); frontends send it with `execute`.
//! - [`Upload`]: a [`Call`] that streams files in a `multipart/form-data` body; frontends send
//!   it with `upload`. It is not an [`Endpoint`], so `execute(&upload)` does not compile.
//! - [`Download`]: a call whose success is a byte stream rather than an envelope.
//! - [`Route`]: the method, path, idempotence and [`Shape`] of a typed endpoint as constants,
//!   for tables such as the catalogue. The trait methods of the other traits read them.
//!
//! An upload goes through `prepare_upload` (the frontends' `upload`):
//!
//! ```
//! # use qys_proto::{ContractId, Core, Credentials, Environment, Nonce, SigningParams};
//! # use qys_proto::api::document::DocumentAddByFileRequest;
//! # use qys_proto::multipart::UploadFile;
//! # let core = Core::new(Environment::test(), Credentials::new("t", "s"))?;
//! # let params = SigningParams::new(1, Nonce::new("n")?);
//! let upload = DocumentAddByFileRequest::new(
//!     ContractId::new("1"), "合同", UploadFile::new("a.pdf", 3, &b"pdf"[..]),
//! );
//! let request = core.prepare_upload(&upload, &params)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! and giving it to `prepare` (the frontends' `execute`) does not compile:
//!
//! ```compile_fail
//! # use qys_proto::{ContractId, Core, Credentials, Environment, Nonce, SigningParams};
//! # use qys_proto::api::document::DocumentAddByFileRequest;
//! # use qys_proto::multipart::UploadFile;
//! # let core = Core::new(Environment::test(), Credentials::new("t", "s"))?;
//! # let params = SigningParams::new(1, Nonce::new("n")?);
//! let upload = DocumentAddByFileRequest::new(
//!     ContractId::new("1"), "合同", UploadFile::new("a.pdf", 3, &b"pdf"[..]),
//! );
//! let request = core.prepare(&upload, &params)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The response type is tied to the endpoint, so `client.execute(&request)` returns the
//! right type without a turbofish. The traits take `&self` for method and path so that one
//! value can carry them: [`crate::generic`] calls any path with the same frontends.

use http::Method;
use serde::de::DeserializeOwned;

use crate::core::Context;
use crate::error::BuildError;
use crate::multipart::FilePart;

/// What a request carries besides its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload {
    /// Nothing.
    Empty,
    /// A query string, already encoded, without `?`.
    Query(String),
    /// A JSON body.
    Json(Vec<u8>),
    /// A `multipart/form-data` body of text fields only (no file parts).
    Form(Vec<(String, String)>),
}

impl Payload {
    /// The struct's fields as an encoded query string (lists comma-joined).
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::Serialize`] when it does not serialize to a JSON object.
    pub fn query<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, BuildError> {
        let pairs = crate::query::pairs(value, crate::query::Lists::CommaJoined)?;
        Ok(Self::Query(crate::query::to_query_string(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )))
    }

    /// The struct as a JSON body.
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::Serialize`] when serialization fails.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, BuildError> {
        serde_json::to_vec(value)
            .map(Self::Json)
            .map_err(|e| BuildError::new(crate::BuildErrorKind::Serialize, e.to_string()))
    }

    /// The struct's fields as a text-only multipart body (see [`form_fields`]).
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::Serialize`] when it does not serialize to a JSON object.
    pub fn form<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, BuildError> {
        form_fields(value).map(Self::Form)
    }
}

/// The struct's fields as multipart text parts, objects and lists as JSON text (as the vendor
/// SDKs send them).
///
/// # Errors
/// [`crate::BuildErrorKind::Serialize`] when it does not serialize to a JSON object.
pub fn form_fields<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<(String, String)>, BuildError> {
    crate::query::pairs(value, crate::query::Lists::Json)
}

/// Checks a path before it is appended to the base URL: it starts with `/` and has no `?`,
/// `#`, whitespace or control characters (a query belongs in the payload).
///
/// # Errors
/// [`crate::BuildErrorKind::InvalidArgument`] naming the problem.
pub fn check_path(path: &str) -> Result<(), BuildError> {
    // Every call checks its path: one pass over the bytes clears a plain ASCII path (this
    // check was 1.3 % of the blocking client's instructions per call on loopback).
    let plain = |b: &u8| b.is_ascii_graphic() && *b != b'?' && *b != b'#';
    if path.starts_with('/') && path.as_bytes().iter().all(plain) {
        return Ok(());
    }
    let problem = if !path.starts_with('/') {
        Some("does not start with '/'")
    } else if path.contains(['?', '#']) {
        Some("contains '?' or '#' (put the query in the payload)")
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains whitespace or a control character")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(BuildError::new(
            crate::BuildErrorKind::InvalidArgument,
            format!("the path {path:?} {problem}"),
        )),
        None => Ok(()),
    }
}

/// How an endpoint travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shape {
    /// A JSON body ([`Endpoint`]).
    Json,
    /// A query string ([`Endpoint`]).
    Query,
    /// Nothing besides the headers ([`Endpoint`]).
    Empty,
    /// A text-only `multipart/form-data` body ([`Endpoint`]).
    Form,
    /// A `multipart/form-data` body with files ([`Upload`]).
    Upload,
    /// A download ([`Download`]).
    Download,
}

impl Shape {
    /// The lowercase name (`json`, `query`, `empty`, `form`, `upload`, `download`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Query => "query",
            Self::Empty => "empty",
            Self::Form => "form",
            Self::Upload => "upload",
            Self::Download => "download",
        }
    }
}

/// The documented rules a request's fields must satisfy. The core calls [`check`](Self::check)
/// before it builds anything, so a request that breaks one is never sent.
pub trait Check {
    /// Checks the request's fields.
    ///
    /// # Errors
    /// A [`BuildError`] naming the rule broken. The default accepts every value.
    fn check(&self) -> Result<(), BuildError> {
        Ok(())
    }
}

/// What every call answered by an envelope has.
pub trait Call: Check {
    /// The shape of the envelope's `result` (`()` when the call returns none).
    type Result: DeserializeOwned;
    /// What the caller gets: usually `Self::Result`; tickets add what they need to open.
    type Response;

    /// The HTTP method.
    fn method(&self) -> Method;
    /// The path, appended to the environment's base URL.
    fn path(&self) -> &str;
    /// Whether sending it twice has the effect of sending it once (decides retries).
    fn idempotent(&self) -> bool;

    /// Whether [`response`](Self::response) reads the success envelope's codes and message
    /// from its [`Context`] ([`Context::envelope`]); only calls that hand out the whole
    /// envelope (the [`crate::generic`] calls) need it.
    const KEEPS_ENVELOPE: bool = false;

    /// Turns the decoded `result` into the response.
    fn response(result: Self::Result, context: &Context) -> Self::Response;
}

/// A call whose request is empty, a query, a JSON body or a text-only multipart body.
pub trait Endpoint: Call {
    /// What the request carries.
    ///
    /// # Errors
    /// A [`BuildError`] when the endpoint's fields cannot be encoded.
    fn payload(&self) -> Result<Payload, BuildError>;
}

/// A call that uploads files beside its text fields (`multipart/form-data`).
///
/// The endpoint holds each file's name, type and exact length together with a source of the
/// bytes of type `Self::Source`, which the frontend reads (a `std::io::Read` in qys-blocking,
/// a `tokio::io::AsyncRead` in qys-async). The core frames the body around the files and
/// computes its exact length; it never reads a source.
pub trait Upload: Call {
    /// Where the bytes of the files come from.
    type Source;

    /// The text parts in body order, before the files.
    ///
    /// # Errors
    /// A [`BuildError`] when the endpoint's fields cannot be encoded.
    fn fields(&self) -> Result<Vec<(String, String)>, BuildError>;

    /// The file parts in body order.
    fn files(&self) -> Vec<FilePart<'_>>;

    /// The sources of the file parts, in the same order as [`files`](Self::files).
    fn sources_mut(&mut self) -> Vec<&mut Self::Source>;
}

/// A call whose success is a byte stream (a PDF, a ZIP, an image) and whose failure is an
/// envelope. Downloads only read: they are retried as idempotent calls.
pub trait Download: Check {
    /// The HTTP method.
    fn method(&self) -> Method;
    /// The path, appended to the environment's base URL.
    fn path(&self) -> &str;

    /// What the request carries (a download cannot carry a multipart body).
    ///
    /// # Errors
    /// A [`BuildError`] when the endpoint's fields cannot be encoded.
    fn payload(&self) -> Result<Payload, BuildError>;
}

/// A typed endpoint's route as constants, for tables (the catalogue, `ENDPOINTS.md`).
pub trait Route {
    /// The HTTP method.
    const METHOD: Method;
    /// The path.
    const PATH: &'static str;
    /// Whether sending it twice has the effect of sending it once (downloads: true).
    const IDEMPOTENT: bool;
    /// How it travels.
    const SHAPE: Shape;
}

// --- the macros every group of `crate::api` uses ---------------------------------------------

/// Implements [`Route`], [`Call`] and [`Endpoint`] (or [`Download`]) for a request struct: the
/// one macro that stamps endpoint impls. The request's rules are its own [`Check`] impl.
///
/// ```text
/// endpoint!(Type: POST "/path", json, idempotent = false => ResultType);
/// endpoint!(Type: POST "/path", json, idempotent = false => Res as Response = f(arg));
/// endpoint!(Type: GET "/path", query => download);
/// ```
///
/// The payload is `json` (the struct as a JSON body), `query` (its fields as a query string),
/// `form` (its fields as text-only multipart parts) or `empty`. The response is the result,
/// or `f(result, arg, context)` with `as Response = f(arg)`. `=> download` implements
/// [`Download`] instead.
macro_rules! endpoint {
    ($ty:ident : $method:ident $path:literal, $payload:ident => download) => {
        $crate::endpoint::endpoint!(@route [$ty] [] $method $path, true, Download);
        impl $crate::endpoint::Download for $ty {
            fn method(&self) -> ::http::Method {
                <Self as $crate::endpoint::Route>::METHOD
            }

            fn path(&self) -> &str {
                <Self as $crate::endpoint::Route>::PATH
            }

            fn payload(&self) -> Result<$crate::endpoint::Payload, $crate::BuildError> {
                $crate::endpoint::endpoint!(@payload self, $payload)
            }
        }
    };
    ($ty:ident : $method:ident $path:literal, $payload:ident, idempotent = $idem:literal => $($res:tt)+) => {
        $crate::endpoint::endpoint!(@route [$ty] [] $method $path, $idem, $payload);
        $crate::endpoint::endpoint!(@call [$ty] [] => $($res)+);
        impl $crate::endpoint::Endpoint for $ty {
            fn payload(&self) -> Result<$crate::endpoint::Payload, $crate::BuildError> {
                $crate::endpoint::endpoint!(@payload self, $payload)
            }
        }
    };
    (@route [$($ty:tt)+] [$($s:ident)?] $method:ident $path:literal, $idem:literal, $shape:ident) => {
        impl $(<$s>)? $crate::endpoint::Route for $($ty)+ {
            const METHOD: ::http::Method = ::http::Method::$method;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = $idem;
            const SHAPE: $crate::endpoint::Shape = $crate::endpoint::endpoint!(@shape $shape);
        }
    };
    (@call [$($ty:tt)+] [$($s:ident)?] => $res:ty as $resp:ty = $($conv:ident)::+ ($($arg:expr),*)) => {
        $crate::endpoint::endpoint!(@impl [$($ty)+] [$($s)?] => [$res] [$resp] [$($conv)::+] [$($arg,)*]);
    };
    (@call [$($ty:tt)+] [$($s:ident)?] => $res:ty) => {
        $crate::endpoint::endpoint!(@impl [$($ty)+] [$($s)?] => [$res] [$res] [$crate::endpoint::same] []);
    };
    (@impl [$($ty:tt)+] [$($s:ident)?] => [$res:ty] [$resp:ty] [$($conv:tt)+] [$($arg:tt)*]) => {
        impl $(<$s>)? $crate::endpoint::Call for $($ty)+ {
            type Result = $res;
            type Response = $resp;

            fn method(&self) -> ::http::Method {
                <Self as $crate::endpoint::Route>::METHOD
            }

            fn path(&self) -> &str {
                <Self as $crate::endpoint::Route>::PATH
            }

            fn idempotent(&self) -> bool {
                <Self as $crate::endpoint::Route>::IDEMPOTENT
            }

            fn response(result: $res, context: &$crate::Context) -> $resp {
                $($conv)+(result, $($arg)* context)
            }
        }
    };
    (@shape json) => { $crate::endpoint::Shape::Json };
    (@shape query) => { $crate::endpoint::Shape::Query };
    (@shape form) => { $crate::endpoint::Shape::Form };
    (@shape empty) => { $crate::endpoint::Shape::Empty };
    (@shape Upload) => { $crate::endpoint::Shape::Upload };
    (@shape Download) => { $crate::endpoint::Shape::Download };
    (@payload $self:ident, json) => { $crate::endpoint::Payload::json($self) };
    (@payload $self:ident, query) => { $crate::endpoint::Payload::query($self) };
    (@payload $self:ident, form) => { $crate::endpoint::Payload::form($self) };
    (@payload $self:ident, empty) => { Ok($crate::endpoint::Payload::Empty) };
}
pub(crate) use endpoint;

/// Implements [`Route`], [`Call`] and [`Upload`] for `Type<S>`: its text fields are the
/// struct's serialized fields, its files come from one field: `field: "part"` for one
/// [`UploadFile`](crate::multipart::UploadFile), `#[each] field: "part"` for an `Option` or a
/// `Vec` of them (one part each, all named `part`).
///
/// ```text
/// upload!(Type: POST "/path", file: "file", idempotent = false => ResultType);
/// upload!(Type: POST "/path", #[each] files: "files", idempotent = false => ResultType);
/// ```
macro_rules! upload {
    ($ty:ident : $method:ident $path:literal, $field:ident : $part:literal, idempotent = $idem:literal => $($res:tt)+) => {
        $crate::endpoint::upload!(@impl $ty, $method $path, $idem,
            |ep| vec![ep.$field.part($part)],
            |ep| vec![ep.$field.source_mut()]
            => $($res)+);
    };
    ($ty:ident : $method:ident $path:literal, #[each] $field:ident : $part:literal, idempotent = $idem:literal => $($res:tt)+) => {
        $crate::endpoint::upload!(@impl $ty, $method $path, $idem,
            |ep| ep.$field.iter().map(|f| f.part($part)).collect(),
            |ep| ep.$field.iter_mut().map($crate::multipart::UploadFile::source_mut).collect()
            => $($res)+);
    };
    (@impl $ty:ident, $method:ident $path:literal, $idem:literal, |$a:ident| $files:expr, |$b:ident| $sources:expr => $($res:tt)+) => {
        $crate::endpoint::endpoint!(@route [$ty<S>] [S] $method $path, $idem, Upload);
        $crate::endpoint::endpoint!(@call [$ty<S>] [S] => $($res)+);
        impl<S> $crate::endpoint::Upload for $ty<S> {
            type Source = S;

            fn fields(&self) -> Result<Vec<(String, String)>, $crate::BuildError> {
                $crate::endpoint::form_fields(self)
            }

            fn files(&self) -> Vec<$crate::multipart::FilePart<'_>> {
                let $a = self;
                $files
            }

            fn sources_mut(&mut self) -> Vec<&mut S> {
                let $b = self;
                $sources
            }
        }
    };
}
pub(crate) use upload;

/// The response of an endpoint whose response is its result.
pub(crate) fn same<T>(result: T, _: &Context) -> T {
    result
}

/// Chained setters for optional fields: `name(value)` sets `Some(value.into())`; after
/// `in inner;` they set the fields of the struct's field `inner` (a flattened part);
/// `fn with_name(name: T);` names the setter `with_name` (the domain types' style).
macro_rules! setters {
    (in $via:ident; $($rest:tt)*) => { $crate::endpoint::setters!(@[$via.] $($rest)*); };
    (@[$($via:tt)*] $(#[$doc:meta])* fn $method:ident($name:ident : $ty:ty) ; $($rest:tt)*) => {
        $(#[$doc])*
        #[must_use]
        pub fn $method(mut self, value: impl Into<$ty>) -> Self {
            self.$($via)* $name = Some(value.into());
            self
        }
        $crate::endpoint::setters!(@[$($via)*] $($rest)*);
    };
    (@[$($via:tt)*] $(#[$doc:meta])* $name:ident : $ty:ty ; $($rest:tt)*) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$($via)* $name = Some(value.into());
            self
        }
        $crate::endpoint::setters!(@[$($via)*] $($rest)*);
    };
    (@[$($via:tt)*]) => {};
    ($($rest:tt)*) => { $crate::endpoint::setters!(@[] $($rest)*); };
}
pub(crate) use setters;

/// Chained setters for list fields: `name(items)` replaces the list.
macro_rules! list_setters {
    ($( $(#[$doc:meta])* $name:ident : $ty:ty ;)*) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, items: impl IntoIterator<Item = $ty>) -> Self {
            self.$name = items.into_iter().collect();
            self
        }
    )*};
}
pub(crate) use list_setters;

/// For a list request deriving `Default` with a `page: ListQuery` field, answering a `Page` of
/// `Item`: `new` (the first page), its `check`, its `select_offset`, `select_limit` and
/// `tenant_name` setters (the doc comments name the items),
/// with `modified` the `modify_time_start`/`modify_time_end` setters too, its [`Check`], and
/// [`Paged`].
///
/// `paged!(Type => Item, "items");`, `paged!(Type => Item, "items", modified);`
macro_rules! paged {
    ($ty:ident => $item:ty, $what:literal, modified) => {
        $crate::endpoint::paged!($ty => $item, $what);

        impl $ty {
            $crate::endpoint::setters! { in page;
                /// Changed at or after (`yyyy-MM-dd HH:mm:ss`).
                modify_time_start: String;
                /// Changed at or before (`yyyy-MM-dd HH:mm:ss`).
                modify_time_end: String;
            }
        }
    };
    ($ty:ident => $item:ty, $what:literal) => {
        impl $ty {
            #[doc = concat!("The first page of up to 1000 ", $what, ".")]
            pub fn new() -> Self {
                Self::default()
            }

            /// Starts at `offset` (0-based).
            #[must_use]
            pub fn select_offset(mut self, offset: u64) -> Self {
                self.page.select_offset = offset;
                self
            }

            #[doc = concat!("Asks for `limit` ", $what, " per page (1–1000).")]
            #[must_use]
            pub fn select_limit(mut self, limit: u64) -> Self {
                self.page.select_limit = limit;
                self
            }

            $crate::endpoint::setters! { in page;
                #[doc = concat!("The sub-company whose ", $what, " are listed.")]
                tenant_name: String;
            }
        }

        impl $crate::endpoint::Check for $ty {
            fn check(&self) -> Result<(), $crate::BuildError> {
                self.page.check()
            }
        }

        impl $crate::endpoint::Paged for $ty {
            type Item = $item;

            fn offset(&self) -> u64 {
                self.page.select_offset
            }

            fn limit(&self) -> u64 {
                self.page.select_limit
            }

            fn with_offset(&self, offset: u64) -> Self {
                let mut next = self.clone();
                next.page.select_offset = offset;
                next
            }

            fn items(response: $crate::api::org_types::Page<$item>) -> (Vec<$item>, Option<u64>) {
                (response.list, response.total_count)
            }
        }
    };
}
pub(crate) use paged;

/// A list endpoint paged by `selectOffset`/`selectLimit`: enough for a frontend to walk every
/// page with a small iterator or stream.
///
/// ```text
/// let mut request = first;
/// loop {
///     let (items, total) = E::items(client.execute(&request)?);
///     let got = items.len();
///     yield items;
///     match request.next_offset(got, total) { Some(o) => request = request.with_offset(o), None => break }
/// }
/// ```
pub trait Paged: Endpoint {
    /// One element of a page.
    type Item;

    /// The offset of this request's page (0-based).
    fn offset(&self) -> u64;

    /// The page size asked for (at least 1).
    fn limit(&self) -> u64;

    /// The same request for the page starting at `offset`.
    fn with_offset(&self, offset: u64) -> Self
    where
        Self: Sized;

    /// A page's items and, when the platform says it, how many there are in all.
    fn items(response: Self::Response) -> (Vec<Self::Item>, Option<u64>);

    /// The offset of the next page after this one returned `got` items of `total`, or `None`
    /// when this was the last page (an empty or short page, or `total` reached).
    fn next_offset(&self, got: usize, total: Option<u64>) -> Option<u64> {
        let got = u64::try_from(got).unwrap_or(u64::MAX);
        if got == 0 || got < self.limit() {
            return None;
        }
        let next = self.offset().checked_add(got)?;
        match total {
            Some(total) if next >= total => None,
            _ => Some(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn check_path_takes_plain_paths_and_refuses_the_rest_with_a_reason() {
        for good in ["/v2/contract/detail", "/v2/x%E5-_.~", "/v2/合同", "/"] {
            assert!(check_path(good).is_ok(), "{good:?}");
        }
        for (bad, reason) in [
            ("v2/x", "does not start with '/'"),
            ("", "does not start with '/'"),
            ("/v2/x?y=1", "contains '?' or '#'"),
            ("/v2/x#y", "contains '?' or '#'"),
            ("/v2/x y", "whitespace or a control"),
            ("/v2/x\t", "whitespace or a control"),
            ("/v2/x\u{7f}", "whitespace or a control"),
            ("/v2/x\u{a0}", "whitespace or a control"),
            ("/v2/合\u{2028}同", "whitespace or a control"),
            ("/v2/\u{85}", "whitespace or a control"),
        ] {
            let e = check_path(bad).expect_err(bad);
            assert!(e.to_string().contains(reason), "{bad:?}: {e}");
        }
    }
}
