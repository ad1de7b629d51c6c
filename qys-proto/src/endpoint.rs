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

// --- the macros every group of `crate::api` uses ---------------------------------------------

/// Implements [`Endpoint`] (or [`Download`]) for a request struct: the one macro that stamps
/// endpoint impls.
///
/// ```text
/// endpoint!(Type: POST "/path", json, idempotent = false => ResultType);
/// endpoint!(Type<S>: POST "/path", check multipart, idempotent = false => ResultType);
/// endpoint!(Type: POST "/path", check json, idempotent = false => Res as Response = f(arg));
/// endpoint!(Type: GET "/path", check query => download);
/// ```
///
/// The payload is `json` (the struct as a JSON body), `query` (its fields as a query string),
/// `multipart` (its fields as multipart text parts) or `empty`. With `check` the payload is
/// built after `self.check()?`. The response is the result, or `f(result, arg, context)` with
/// `as Response = f(arg)`. `=> download` implements [`Download`] instead.
macro_rules! endpoint {
    ($ty:ident $(<$s:ident>)? : $method:ident $path:literal, check $payload:ident => download) => {
        $crate::endpoint::endpoint!(@download [$ty $(<$s>)?] [$($s)?] $method $path, [check] $payload);
    };
    ($ty:ident $(<$s:ident>)? : $method:ident $path:literal, $payload:ident => download) => {
        $crate::endpoint::endpoint!(@download [$ty $(<$s>)?] [$($s)?] $method $path, [] $payload);
    };
    ($ty:ident $(<$s:ident>)? : $method:ident $path:literal, check $payload:ident, idempotent = $idem:literal => $($res:tt)+) => {
        $crate::endpoint::endpoint!(@call [$ty $(<$s>)?] [$($s)?] $method $path, [check] $payload, $idem => $($res)+);
    };
    ($ty:ident $(<$s:ident>)? : $method:ident $path:literal, $payload:ident, idempotent = $idem:literal => $($res:tt)+) => {
        $crate::endpoint::endpoint!(@call [$ty $(<$s>)?] [$($s)?] $method $path, [] $payload, $idem => $($res)+);
    };
    (@call [$($ty:tt)+] [$($s:ident)?] $method:ident $path:literal, [$($check:ident)?] $payload:ident, $idem:literal
        => $res:ty as $resp:ty = $($conv:ident)::+ ($($arg:expr),*)) => {
        $crate::endpoint::endpoint!(@impl [$($ty)+] [$($s)?] $method $path, [$($check)?] $payload, $idem
            => [$res] [$resp] [$($conv)::+] [$($arg,)*]);
    };
    (@call [$($ty:tt)+] [$($s:ident)?] $method:ident $path:literal, [$($check:ident)?] $payload:ident, $idem:literal => $res:ty) => {
        $crate::endpoint::endpoint!(@impl [$($ty)+] [$($s)?] $method $path, [$($check)?] $payload, $idem
            => [$res] [$res] [$crate::endpoint::same] []);
    };
    (@impl [$($ty:tt)+] [$($s:ident)?] $method:ident $path:literal, [$($check:ident)?] $payload:ident, $idem:literal
        => [$res:ty] [$resp:ty] [$($conv:tt)+] [$($arg:tt)*]) => {
        impl $(<$s>)? $crate::endpoint::Endpoint for $($ty)+ {
            type Result = $res;
            type Response = $resp;
            const METHOD: ::http::Method = ::http::Method::$method;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = $idem;

            fn payload(&self) -> Result<$crate::endpoint::Payload, $crate::BuildError> {
                $(self.$check()?;)?
                $crate::endpoint::endpoint!(@payload self, $payload)
            }

            fn response(result: $res, context: &$crate::Context) -> $resp {
                $($conv)+(result, $($arg)* context)
            }
        }
    };
    (@download [$($ty:tt)+] [$($s:ident)?] $method:ident $path:literal, [$($check:ident)?] $payload:ident) => {
        impl $(<$s>)? $crate::endpoint::Download for $($ty)+ {
            const METHOD: ::http::Method = ::http::Method::$method;
            const PATH: &'static str = $path;

            fn payload(&self) -> Result<$crate::endpoint::Payload, $crate::BuildError> {
                $(self.$check()?;)?
                $crate::endpoint::endpoint!(@payload self, $payload)
            }
        }
    };
    (@payload $self:ident, json) => { $crate::endpoint::Payload::json($self) };
    (@payload $self:ident, query) => { $crate::endpoint::Payload::query($self) };
    (@payload $self:ident, multipart) => { $crate::endpoint::Payload::multipart($self) };
    (@payload $self:ident, empty) => { Ok($crate::endpoint::Payload::Empty) };
}
pub(crate) use endpoint;

/// The response of an endpoint whose response is its result.
pub(crate) fn same<T>(result: T, _: &Context) -> T {
    result
}

/// Chained setters for optional fields: `name(value)` sets `Some(value.into())`; after
/// `in inner;` they set the fields of the struct's field `inner` (a flattened part).
macro_rules! setters {
    (in $via:ident; $($rest:tt)*) => { $crate::endpoint::setters!(@[$via.] $($rest)*); };
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

/// Declares a request whose body is exactly that of another request (`#[serde(transparent)]`),
/// passing through the constructors (`new { ... }`) and chained builders (`with { ... }`) it
/// keeps, each with its own doc comment; its `check` is the inner one's.
macro_rules! same_body {
    (
        $(#[$meta:meta])*
        pub struct $outer:ident($inner:ty) {
            new { $( $(#[$cdoc:meta])* fn $c:ident($($ca:ident: $ct:ty),*); )* }
            with { $( $(#[$bdoc:meta])* fn $b:ident($($ba:ident: $bt:ty),*); )* }
        }
    ) => {
        $(#[$meta])*
        #[serde(transparent)]
        pub struct $outer($inner);

        impl $outer {
            $(
                $(#[$cdoc])*
                pub fn $c($($ca: $ct),*) -> Self {
                    Self(<$inner>::$c($($ca),*))
                }
            )*
            $(
                $(#[$bdoc])*
                #[must_use]
                pub fn $b(self, $($ba: $bt),*) -> Self {
                    Self(self.0.$b($($ba),*))
                }
            )*

            fn check(&self) -> Result<(), $crate::BuildError> {
                self.0.check()
            }
        }
    };
}
pub(crate) use same_body;

/// Implements [`Upload`] for `Type<S>` from its file field: `upload!(Type, field: "part")` for
/// one [`UploadFile`](crate::multipart::UploadFile), `upload!(Type, #[each] field: "part")`
/// for an `Option` or a `Vec` of them (one part each, all named `part`).
macro_rules! upload {
    ($ty:ident, $field:ident : $part:literal) => {
        $crate::endpoint::upload!(@impl $ty,
            |ep| vec![ep.$field.part($part)],
            |ep| vec![ep.$field.source_mut()]);
    };
    ($ty:ident, #[each] $field:ident : $part:literal) => {
        $crate::endpoint::upload!(@impl $ty,
            |ep| ep.$field.iter().map(|f| f.part($part)).collect(),
            |ep| ep.$field.iter_mut().map($crate::multipart::UploadFile::source_mut).collect());
    };
    (@impl $ty:ident, |$a:ident| $files:expr, |$b:ident| $sources:expr) => {
        impl<S> $crate::endpoint::Upload for $ty<S> {
            type Source = S;

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

/// For a list request deriving `Default` with a `page: ListQuery` field, answering a `Page` of
/// `Item`: `new` (the first page), its `check`, its `select_offset`, `select_limit` and
/// `tenant_name` setters (the doc comments name the items),
/// with `modified` the `modify_time_start`/`modify_time_end` setters too, and [`Paged`].
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
