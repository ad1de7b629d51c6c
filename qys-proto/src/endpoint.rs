//! The endpoint traits: one struct per endpoint, three wire shapes.
//!
//! - [`Endpoint`]: what every call has: method, path, whether it is idempotent, what it sends
//!   ([`Payload`]) and what its `result` turns into. JSON and query calls are just this.
//! - [`Upload`]: an [`Endpoint`] that also streams files in a `multipart/form-data` body.
//! - [`Download`]: a call whose success is a byte stream rather than an envelope.
//!
//! The response type is tied to the endpoint, so `client.execute(&request)` returns the
//! right type without a turbofish.

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
    /// The text fields of a `multipart/form-data` body; the files come from [`Upload`].
    Multipart(Vec<(String, String)>),
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

    /// The struct's fields as multipart text parts (objects and lists as JSON text, as the
    /// vendor SDKs send them).
    ///
    /// # Errors
    /// [`crate::BuildErrorKind::Serialize`] when it does not serialize to a JSON object.
    pub fn multipart<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, BuildError> {
        crate::query::pairs(value, crate::query::Lists::Json).map(Self::Multipart)
    }
}

/// One call of the Open Platform.
pub trait Endpoint {
    /// The shape of the envelope's `result` (`()` when the call returns none).
    type Result: DeserializeOwned;
    /// What the caller gets: usually `Self::Result`; tickets add what they need to open.
    type Response;
    /// The HTTP method.
    const METHOD: Method;
    /// The path, appended to the environment's base URL.
    const PATH: &'static str;
    /// Whether sending it twice has the effect of sending it once (decides retries).
    const IDEMPOTENT: bool;

    /// What the request carries.
    ///
    /// # Errors
    /// A [`BuildError`] when the endpoint's fields cannot be encoded or break a documented rule.
    fn payload(&self) -> Result<Payload, BuildError>;

    /// Turns the decoded `result` into the response.
    fn response(result: Self::Result, context: &Context) -> Self::Response;
}

/// An endpoint that uploads files beside its text fields (`multipart/form-data`).
///
/// The endpoint holds each file's name, type and exact length together with a source of the
/// bytes of type `Self::Source`, which the frontend reads (a `std::io::Read` in qys-blocking,
/// a `tokio::io::AsyncRead` in qys-async). The core frames the body around the files and
/// computes its exact length; it never reads a source.
pub trait Upload: Endpoint {
    /// Where the bytes of the files come from.
    type Source;

    /// The file parts in body order.
    fn files(&self) -> Vec<FilePart<'_>>;

    /// The sources of the file parts, in the same order as [`files`](Self::files).
    fn sources_mut(&mut self) -> Vec<&mut Self::Source>;
}

/// A call whose success is a byte stream (a PDF, a ZIP, an image) and whose failure is an
/// envelope.
pub trait Download {
    /// The HTTP method.
    const METHOD: Method;
    /// The path, appended to the environment's base URL.
    const PATH: &'static str;

    /// What the request carries.
    ///
    /// # Errors
    /// A [`BuildError`] when the endpoint's fields cannot be encoded.
    fn payload(&self) -> Result<Payload, BuildError>;
}

/// Implements [`Endpoint`] for a request struct whose `Response` is its `Result`.
///
/// `endpoint!(Type: POST "/path", json, idempotent = false => ResultType);` sends the struct as
/// JSON; `query` sends its fields as a query string; `empty` sends nothing.
#[allow(unused_macros)] // the JSON/query groups of the contract and organization menus use it
macro_rules! endpoint {
    ($ty:ty : $method:ident $path:literal, $payload:ident, idempotent = $idem:literal => $res:ty) => {
        impl $crate::endpoint::Endpoint for $ty {
            type Result = $res;
            type Response = $res;
            const METHOD: ::http::Method = ::http::Method::$method;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = $idem;

            fn payload(&self) -> Result<$crate::endpoint::Payload, $crate::BuildError> {
                $crate::endpoint::endpoint!(@payload self, $payload)
            }

            fn response(result: $res, _: &$crate::Context) -> $res {
                result
            }
        }
    };
    (@payload $self:ident, json) => { $crate::endpoint::Payload::json($self) };
    (@payload $self:ident, query) => { $crate::endpoint::Payload::query($self) };
    (@payload $self:ident, multipart) => { $crate::endpoint::Payload::multipart($self) };
    (@payload $self:ident, empty) => { Ok($crate::endpoint::Payload::Empty) };
}
#[allow(unused_imports)]
pub(crate) use endpoint;

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
