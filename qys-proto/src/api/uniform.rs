//! JS SDK文档-对接方服务端接口: forwarding the browser JS SDK's calls through the integrator's
//! server.
//!
//! The browser JS SDK never holds the app secret. It posts an opaque `requestData` text (and
//! optionally a file) to an endpoint of the integrator's server (by default mounted at
//! `/proxy`), which forwards them, signed, to the platform's `/uniformapi` and hands the answer
//! back to the browser unchanged:
//!
//! - a browser **POST** (`multipart/form-data`: `requestData`, optional `file`) becomes
//!   [`UniformApiRequest`] (`POST /uniformapi`, multipart);
//! - a browser **GET** (`?requestData=...`, downloads) becomes [`UniformApiDownloadRequest`]
//!   (`GET /uniformapi?requestData=...`, a byte stream).
//!
//! Send the prepared request with any HTTP client and turn the platform's answer into the
//! browser's reply with [`browser_reply`]: status, `Content-Type` and `Content-Disposition`
//! are kept and the body is passed through verbatim, success or error alike (the JS SDK reads
//! the envelope itself). [`UniformApiRequest`] also implements [`crate::endpoint::Endpoint`], so
//! a frontend's `upload` can send it when the server wants the decoded `result` instead.
//!
//! ⚠ The doc page (对接方服务端接口说明) was not retrieved; the behaviour follows the vendor's
//! official `jssdk-server` samples. No extra signature is involved: the four usual headers.

use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use http::{HeaderMap, Response, StatusCode};
use serde::Serialize;

use crate::api::org_types::require_non_empty;
use crate::endpoint::{Check, endpoint, upload};
use crate::error::BuildError;
use crate::multipart::UploadFile;

/// JS SDK-对接方服务端接口 (POST) — `POST /uniformapi` (multipart: text part `requestData`,
/// optional file part `file`): forwards a browser JS SDK call.
///
/// Not idempotent: the call inside `requestData` is opaque to qys, so it is never retried
/// blindly.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UniformApiRequest<S> {
    request_data: String,
    #[serde(skip)]
    file: Option<UploadFile<S>>,
}

impl<S> UniformApiRequest<S> {
    /// Forwards the browser's `requestData`, as received.
    pub fn new(request_data: impl Into<String>) -> Self {
        Self {
            request_data: request_data.into(),
            file: None,
        }
    }

    /// Forwards the browser's `requestData` and, when it sent one, its file (part `file`):
    /// what a forwarding route receives.
    pub fn forwarding(request_data: impl Into<String>, file: Option<UploadFile<S>>) -> Self {
        Self {
            request_data: request_data.into(),
            file,
        }
    }

    /// Forwards the browser's file too (part `file`).
    #[must_use]
    pub fn file(mut self, file: UploadFile<S>) -> Self {
        self.file = Some(file);
        self
    }

    /// The forwarded `requestData`.
    pub fn request_data(&self) -> &str {
        &self.request_data
    }
}

/// `requestData`: the opaque text the JS SDK produces, which the official `jssdk-server`
/// samples forward (JS SDK-对接方服务端接口说明).
impl<S> Check for UniformApiRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.request_data, "requestData")
    }
}
upload!(UniformApiRequest: POST "/uniformapi", #[each] file: "file", idempotent = false => serde_json::Value);

/// JS SDK-对接方服务端接口 (GET) — `GET /uniformapi?requestData=...` (download): forwards a
/// browser JS SDK download; the answer is streamed back to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UniformApiDownloadRequest {
    request_data: String,
}

impl UniformApiDownloadRequest {
    /// Forwards the browser's `requestData`, as received (decoded from its query string).
    pub fn new(request_data: impl Into<String>) -> Self {
        Self {
            request_data: request_data.into(),
        }
    }
}

/// `requestData`, as for [`UniformApiRequest`].
impl Check for UniformApiDownloadRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.request_data, "requestData")
    }
}
endpoint!(UniformApiDownloadRequest: GET "/uniformapi", query => download);

/// The reply for the browser from the platform's answer to a forwarded call: the same status,
/// `Content-Type` and `Content-Disposition`, and `body` passed through verbatim (a buffered
/// JSON answer, or a stream for downloads).
///
/// Other headers (lengths, encodings, connection and cookie headers of the platform) are not
/// copied: the integrator's server frames its own reply.
pub fn browser_reply<B>(status: StatusCode, headers: &HeaderMap, body: B) -> Response<B> {
    let mut reply = Response::new(body);
    *reply.status_mut() = status;
    for name in [CONTENT_TYPE, CONTENT_DISPOSITION] {
        if let Some(value) = headers.get(&name) {
            reply.headers_mut().insert(name, value.clone());
        }
    }
    reply
}
