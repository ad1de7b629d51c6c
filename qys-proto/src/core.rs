//! [`Core`]: prepares signed requests and judges answers. Plain data, pure methods.

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};

use crate::credentials::Credentials;
use crate::download::{self, DownloadHead};
use crate::endpoint::{Call, Download, Endpoint, Payload, Upload};
use crate::envelope::{RawEnvelope, parse_result};
use crate::environment::{Environment, PluginEnv};
use crate::error::{BuildError, BuildErrorKind, DecodeError, Error};
use crate::multipart::{self, Multipart};
use crate::sign::{Signer, SigningParams};

/// The `Content-Type` of JSON request bodies, as the platform documents it.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// What the core knows when it turns a `result` into a response: the environment (tickets
/// need to know which plugin `env` they belong to) and, for calls that keep it
/// ([`Call::KEEPS_ENVELOPE`]), the success envelope's codes and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    plugin_env: PluginEnv,
    envelope: Option<EnvelopeHead>,
}

/// The codes and message of a success envelope (its `result` goes to the response).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvelopeHead {
    /// The 4-digit code family, when sent.
    pub code: Option<i64>,
    /// The 8-digit code family, when sent.
    pub response_code: Option<String>,
    /// The message, when sent.
    pub message: Option<String>,
}

impl Context {
    /// A context for tickets of `plugin_env`.
    pub fn new(plugin_env: PluginEnv) -> Self {
        Self {
            plugin_env,
            envelope: None,
        }
    }

    /// The plugin `env` of the environment the answer came from.
    pub fn plugin_env(&self) -> PluginEnv {
        self.plugin_env
    }

    /// The success envelope's codes and message, for calls that keep them
    /// ([`Call::KEEPS_ENVELOPE`]); `None` otherwise.
    pub fn envelope(&self) -> Option<&EnvelopeHead> {
        self.envelope.as_ref()
    }
}

/// Size limits the frontends enforce while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest JSON answer read, in bytes (default 32 MiB). A larger one fails with
    /// [`crate::TransportErrorKind::ResponseTooLarge`].
    pub max_json_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_json_body: 32 * 1024 * 1024,
        }
    }
}

/// The sans-IO client: environment, signer, user agent and limits.
///
/// [`prepare`](Self::prepare) builds a signed [`Request`] for an endpoint;
/// [`parse`](Self::parse) turns the answer into the endpoint's response or an [`Error`].
/// Nothing here performs I/O, reads the clock or draws randomness.
#[derive(Debug, Clone)]
pub struct Core {
    environment: Environment,
    signer: Signer,
    user_agent: HeaderValue,
    limits: Limits,
    context: Context,
}

/// Builds a [`Core`].
#[derive(Debug, Clone)]
pub struct CoreBuilder {
    environment: Environment,
    signer: Signer,
    user_agent: String,
    allow_http: bool,
    limits: Limits,
}

impl From<Credentials> for Signer {
    fn from(credentials: Credentials) -> Self {
        Self::new(credentials)
    }
}

impl Core {
    /// A core for `environment` signing with `signer` (or plain app [`Credentials`]), with the
    /// default user agent and limits, refusing plain `http://`.
    ///
    /// # Errors
    /// [`BuildErrorKind::InsecureUrl`] for an `http://` environment (use [`Core::builder`]).
    pub fn new(environment: Environment, signer: impl Into<Signer>) -> Result<Self, BuildError> {
        Self::builder(environment, signer).build()
    }

    /// A builder for the less common settings.
    pub fn builder(environment: Environment, signer: impl Into<Signer>) -> CoreBuilder {
        CoreBuilder {
            environment,
            signer: signer.into(),
            user_agent: crate::USER_AGENT.to_owned(),
            allow_http: false,
            limits: Limits::default(),
        }
    }

    /// The environment.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// The signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The limits the frontends enforce.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The context responses are built with.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Builds the signed request of an [`Endpoint`] (empty, query, JSON or text-only multipart),
    /// after [`Check::check`](crate::endpoint::Check::check).
    ///
    /// # Errors
    /// [`Error::Build`] when the endpoint breaks a rule, its fields cannot be encoded, or
    /// credentials are missing for its path.
    pub fn prepare<E: Endpoint + ?Sized>(
        &self,
        endpoint: &E,
        params: &SigningParams,
    ) -> Result<Request<Bytes>, Error> {
        endpoint.check()?;
        let (path, method) = (endpoint.path(), endpoint.method());
        crate::endpoint::check_path(path)?;
        match endpoint.payload()? {
            Payload::Form(fields) => {
                let framing =
                    multipart::frame(&multipart::boundary_for(params.nonce()), &fields, &[])?;
                let body = Bytes::from(framing.to_bytes(&[]));
                let content_type = header_value(&framing.content_type())?;
                let mut request =
                    self.request(method, path, None, None, "application/json", body, params)?;
                let headers = request.headers_mut();
                headers.insert(CONTENT_TYPE, content_type);
                headers.insert(CONTENT_LENGTH, HeaderValue::from(framing.content_length()));
                Ok(request)
            }
            payload => {
                let (query, body, content_type) = simple_payload(payload, path)?;
                self.request(
                    method,
                    path,
                    query.as_deref(),
                    content_type,
                    "application/json",
                    body,
                    params,
                )
            }
        }
    }

    /// Builds the signed request head and multipart framing of an [`Upload`], after
    /// [`Check::check`](crate::endpoint::Check::check). The request's body is the framing; the frontend streams each file into
    /// its [`multipart::Segment::File`] slot. `Content-Length` is set to the exact total.
    ///
    /// # Errors
    /// [`Error::Build`] as for [`prepare`](Self::prepare), or when a text field contains the
    /// boundary.
    pub fn prepare_upload<E: Upload + ?Sized>(
        &self,
        endpoint: &E,
        params: &SigningParams,
    ) -> Result<Request<Multipart>, Error> {
        endpoint.check()?;
        let path = endpoint.path();
        crate::endpoint::check_path(path)?;
        let framing = multipart::frame(
            &multipart::boundary_for(params.nonce()),
            &endpoint.fields()?,
            &endpoint.files(),
        )?;
        let head = self.request(
            endpoint.method(),
            path,
            None,
            None,
            "application/json",
            Bytes::new(),
            params,
        )?;
        let (mut parts, _) = head.into_parts();
        parts
            .headers
            .insert(CONTENT_TYPE, header_value(&framing.content_type())?);
        parts
            .headers
            .insert(CONTENT_LENGTH, HeaderValue::from(framing.content_length()));
        Ok(Request::from_parts(parts, framing))
    }

    /// Builds the signed request of a [`Download`], after [`Check::check`](crate::endpoint::Check::check).
    ///
    /// # Errors
    /// [`Error::Build`] as for [`prepare`](Self::prepare), and
    /// [`BuildErrorKind::WrongCall`] for a multipart payload.
    pub fn prepare_download<E: Download + ?Sized>(
        &self,
        endpoint: &E,
        params: &SigningParams,
    ) -> Result<Request<Bytes>, Error> {
        endpoint.check()?;
        let path = endpoint.path();
        crate::endpoint::check_path(path)?;
        let (query, body, content_type) = simple_payload(endpoint.payload()?, path)?;
        self.request(
            endpoint.method(),
            path,
            query.as_deref(),
            content_type,
            "*/*",
            body,
            params,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        method: Method,
        path: &str,
        query: Option<&str>,
        content_type: Option<&'static str>,
        accept: &'static str,
        body: Bytes,
        params: &SigningParams,
    ) -> Result<Request<Bytes>, Error> {
        let base = self.environment.base_url();
        let mut uri =
            String::with_capacity(base.len() + path.len() + query.map_or(0, |q| q.len() + 1));
        uri.push_str(base);
        uri.push_str(path);
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            uri.push('?');
            uri.push_str(q);
        }
        let uri = http::Uri::try_from(uri).map_err(|e| {
            BuildError::new(
                BuildErrorKind::InvalidArgument,
                format!("invalid request: {e}"),
            )
        })?;
        // Room for every header a request gets (3 here, up to 6 from signing, Content-Length
        // of uploads), so that signing does not grow the map.
        let mut headers = HeaderMap::with_capacity(12);
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        if let Some(ct) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        let mut request = Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let (mut parts, body) = request.into_parts();
        self.signer.sign(&mut parts, path, params)?;
        Ok(Request::from_parts(parts, body))
    }

    /// Judges a complete answer to `E`: its response, or the error it carries.
    ///
    /// # Errors
    /// [`Error::Api`] for an error envelope (whatever the HTTP status), [`Error::Status`] for a
    /// non-2xx answer without an envelope, [`Error::Decode`] when the body or its `result` has
    /// another shape.
    pub fn parse<E: Call>(
        &self,
        response: Response<impl AsRef<[u8]>>,
    ) -> Result<E::Response, Error> {
        let (parts, body) = response.into_parts();
        self.parse_parts::<E>(parts.status, &parts.headers, body.as_ref())
    }

    /// [`parse`](Self::parse) from the pieces of an answer.
    ///
    /// # Errors
    /// As [`parse`](Self::parse).
    pub fn parse_parts<E: Call>(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<E::Response, Error> {
        let result = parse_result::<E::Result>(status, content_type(headers), body)?;
        if E::KEEPS_ENVELOPE {
            let mut context = self.context.clone();
            context.envelope = RawEnvelope::from_body(body).map(|e| EnvelopeHead {
                code: e.code,
                response_code: e.response_code,
                message: e.message,
            });
            return Ok(E::response(result, &context));
        }
        Ok(E::response(result, &self.context))
    }

    /// Classifies a download's response head (see [`download::classify`]).
    pub fn classify_download(&self, status: StatusCode, headers: &HeaderMap) -> DownloadHead {
        download::classify(status, headers)
    }

    /// The error a download answered with, once the head was classified as
    /// [`DownloadHead::Envelope`] and the body read (with a limit).
    pub fn download_error(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
        match parse_result::<serde::de::IgnoredAny>(status, content_type(headers), body) {
            Err(e) => e,
            Ok(_) => DecodeError::new(
                ".",
                "a download answered with a success envelope instead of a file",
                body,
                None,
            )
            .into(),
        }
    }
}

/// The query, body and content type of a payload without multipart framing.
type SimplePayload = (Option<String>, Bytes, Option<&'static str>);

fn simple_payload(payload: Payload, path: &str) -> Result<SimplePayload, BuildError> {
    Ok(match payload {
        Payload::Empty => (None, Bytes::new(), None),
        Payload::Query(q) => (Some(q), Bytes::new(), None),
        Payload::Json(b) => (None, Bytes::from(b), Some(JSON_CONTENT_TYPE)),
        Payload::Form(_) => {
            return Err(BuildError::new(
                BuildErrorKind::WrongCall,
                format!("{path}: a download cannot carry a multipart body"),
            ));
        }
    })
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

fn header_value(s: &str) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(s).map_err(|_| {
        BuildError::new(
            BuildErrorKind::InvalidArgument,
            format!("invalid header value {s:?}"),
        )
    })
}

impl CoreBuilder {
    /// Allows a plain `http://` base URL (a loopback sandbox, an intranet gateway). Requests
    /// and their signatures then travel unencrypted.
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Replaces the user agent.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Replaces the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The core.
    ///
    /// # Errors
    /// [`BuildErrorKind::InsecureUrl`] for `http://` without [`allow_http`](Self::allow_http);
    /// [`BuildErrorKind::InvalidArgument`] for a user agent that is not a header value.
    pub fn build(self) -> Result<Core, BuildError> {
        if !self.environment.is_https() && !self.allow_http {
            return Err(BuildError::new(
                BuildErrorKind::InsecureUrl,
                format!(
                    "{} is plain http; allow it explicitly to use it",
                    self.environment.base_url()
                ),
            ));
        }
        let context = Context::new(self.environment.plugin_env());
        Ok(Core {
            user_agent: header_value(&self.user_agent)?,
            environment: self.environment,
            signer: self.signer,
            limits: self.limits,
            context,
        })
    }
}
