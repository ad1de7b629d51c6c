//! The generic call: any method and path of the Open Platform, for endpoints qys has no type
//! for yet (`/v2/attachment/add`, whatever the platform adds tomorrow).
//!
//! [`GenericCall`] carries a query, a JSON body or text-only form fields, and answers with the
//! whole envelope as JSON ([`GenericAnswer`]); it is also a [`Download`]. [`GenericUpload`]
//! streams files in a `multipart/form-data` body. Both implement the same traits as the typed
//! endpoints, so the frontends' `execute`, `upload`, `download` and `download_to_path` sign,
//! limit and retry them exactly as they do a typed call.
//!
//! ```
//! use qys_proto::generic::{GenericCall, Method};
//! use qys_proto::{Core, Credentials, Environment, Nonce, SigningParams};
//!
//! let core = Core::new(Environment::test(), Credentials::new("t", "s"))?;
//! let params = SigningParams::new(1565753984643, Nonce::new("n-1")?);
//! let call = GenericCall::new(Method::GET, "/v2/contract/detail")
//!     .query("contractId", "2591540368898105360")
//!     .idempotent(true);
//! let request = core.prepare(&call, &params)?;
//! assert_eq!(
//!     request.uri(),
//!     "https://openapi.qiyuesuo.cn/v2/contract/detail?contractId=2591540368898105360"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

/// The HTTP method type (re-exported so that a generic call needs no other crate).
pub use http::Method;
/// JSON values and the `json!` macro (re-exported for the same reason).
pub use serde_json::{Value, json};

use crate::core::Context;
use crate::endpoint::{Call, Check, Download, Endpoint, Payload, Upload, check_path};
use crate::error::{BuildError, BuildErrorKind};
use crate::multipart::{FilePart, UploadFile};

/// A call of any method and path whose request is empty, a query, a JSON body or text-only
/// form fields (at most one of the three), answered by an envelope or, sent as a
/// [`Download`], by a file.
///
/// It is not idempotent unless [`idempotent`](Self::idempotent) says so: a failed call that
/// may have reached the server is then never sent again (downloads are always retried).
#[derive(Debug, Clone, PartialEq)]
pub struct GenericCall {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    json: Option<Value>,
    form: Vec<(String, String)>,
    idempotent: bool,
}

impl GenericCall {
    /// A call of `method` to `path` (appended to the environment's base URL; it must start
    /// with `/` and carry no query: use [`query`](Self::query)).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            json: None,
            form: Vec::new(),
            idempotent: false,
        }
    }

    /// Adds the query parameter `key=value` (percent-encoded as UTF-8 when built).
    #[must_use]
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Sends `body` as the JSON body (`Content-Type: application/json;charset=UTF-8`).
    #[must_use]
    pub fn json(mut self, body: Value) -> Self {
        self.json = Some(body);
        self
    }

    /// Adds the text part `key` with `value` to a `multipart/form-data` body without files
    /// (objects and lists go as JSON text, as the vendor SDKs send them).
    #[must_use]
    pub fn form(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.form.push((key.into(), value.into()));
        self
    }

    /// Declares whether sending the call twice has the effect of sending it once (default
    /// false), which lets the retry policy send it again after a failure.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

impl Check for GenericCall {
    /// The path is well formed and at most one of query, JSON body and form fields is set.
    fn check(&self) -> Result<(), BuildError> {
        check_path(&self.path)?;
        let kinds = usize::from(!self.query.is_empty())
            + usize::from(self.json.is_some())
            + usize::from(!self.form.is_empty());
        if kinds > 1 {
            return Err(BuildError::new(
                BuildErrorKind::InvalidArgument,
                format!(
                    "{}: a call carries a query, a JSON body or form fields, not two of them",
                    self.path
                ),
            ));
        }
        Ok(())
    }
}

impl Call for GenericCall {
    type Result = Value;
    type Response = GenericAnswer;

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> &str {
        &self.path
    }

    fn idempotent(&self) -> bool {
        self.idempotent
    }

    const KEEPS_ENVELOPE: bool = true;

    fn response(result: Value, context: &Context) -> GenericAnswer {
        GenericAnswer::new(result, context)
    }
}

impl Endpoint for GenericCall {
    fn payload(&self) -> Result<Payload, BuildError> {
        if let Some(json) = &self.json {
            Payload::json(json)
        } else if !self.form.is_empty() {
            Ok(Payload::Form(self.form.clone()))
        } else if !self.query.is_empty() {
            Ok(Payload::Query(crate::query::to_query_string(
                self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            )))
        } else {
            Ok(Payload::Empty)
        }
    }
}

impl Download for GenericCall {
    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> &str {
        &self.path
    }

    fn payload(&self) -> Result<Payload, BuildError> {
        Endpoint::payload(self)
    }
}

/// A call of any method and path that streams files in a `multipart/form-data` body: the
/// text parts first, in the order added, then the file parts.
///
/// `S` is the source of the files' bytes, as for every upload (a `std::io::Read` in
/// qys-blocking, a `tokio::io::AsyncRead` in qys-async). Not idempotent unless
/// [`idempotent`](Self::idempotent) says so.
#[derive(Debug)]
pub struct GenericUpload<S> {
    method: Method,
    path: String,
    fields: Vec<(String, String)>,
    files: Vec<(String, UploadFile<S>)>,
    idempotent: bool,
}

impl<S> GenericUpload<S> {
    /// An upload with `method` (usually `POST`) to `path`.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            fields: Vec::new(),
            files: Vec::new(),
            idempotent: false,
        }
    }

    /// Adds the text part `key` with `value`.
    #[must_use]
    pub fn field(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((key.into(), value.into()));
        self
    }

    /// Adds `file` as the file part `part` (repeat the name for a list of files).
    #[must_use]
    pub fn file(mut self, part: impl Into<String>, file: UploadFile<S>) -> Self {
        self.files.push((part.into(), file));
        self
    }

    /// Declares whether sending the upload twice has the effect of sending it once (default
    /// false). A retried upload also needs sources that rewind.
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

impl<S> Check for GenericUpload<S> {
    /// The path is well formed.
    fn check(&self) -> Result<(), BuildError> {
        check_path(&self.path)
    }
}

impl<S> Call for GenericUpload<S> {
    type Result = Value;
    type Response = GenericAnswer;

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> &str {
        &self.path
    }

    fn idempotent(&self) -> bool {
        self.idempotent
    }

    const KEEPS_ENVELOPE: bool = true;

    fn response(result: Value, context: &Context) -> GenericAnswer {
        GenericAnswer::new(result, context)
    }
}

impl<S> Upload for GenericUpload<S> {
    type Source = S;

    fn fields(&self) -> Result<Vec<(String, String)>, BuildError> {
        Ok(self.fields.clone())
    }

    fn files(&self) -> Vec<FilePart<'_>> {
        self.files
            .iter()
            .map(|(name, file)| FilePart {
                name,
                file_name: file.file_name(),
                content_type: file.content_type(),
                length: file.length(),
            })
            .collect()
    }

    fn sources_mut(&mut self) -> Vec<&mut S> {
        self.files
            .iter_mut()
            .map(|(_, file)| file.source_mut())
            .collect()
    }
}

/// The answer to a generic call: the whole success envelope, with `result` as JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenericAnswer {
    /// The 4-digit code family (`0` on success), when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The message, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The 8-digit code family (`"00000000"` on success), when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_code: Option<String>,
    /// The `result` as sent (`null` when absent).
    pub result: Value,
}

impl GenericAnswer {
    fn new(result: Value, context: &Context) -> Self {
        let head = context.envelope();
        Self {
            code: head.and_then(|h| h.code),
            message: head.and_then(|h| h.message.clone()),
            response_code: head.and_then(|h| h.response_code.clone()),
            result,
        }
    }

    /// The whole envelope as JSON (`{code, message, responseCode, result}`, absent codes
    /// left out).
    pub fn envelope(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
