//! JS SDK forwarding (JS SDK文档-对接方服务端接口): [`Client::forward_uniform`] and
//! [`Client::forward_uniform_download`].
//!
//! The browser JS SDK never holds the app secret: it sends an opaque `requestData` (and, for
//! uploads, a file) to a route of the integrator's server, which signs and forwards it to the
//! platform's `/uniformapi` and hands the platform's answer back to the browser **unchanged**
//! (the JS SDK reads the envelope itself, errors included). These two calls are that route's
//! whole job; the protocol (request building, signing, multipart framing, which headers the
//! reply keeps) is the core's ([`qys_proto::api::uniform`]).

use bytes::Bytes;
use http::Response;
use qys_proto::api::uniform::{UniformApiDownloadRequest, UniformApiRequest, browser_reply};
use qys_proto::download::DownloadHead;
use qys_proto::multipart::UploadFile;

use super::{
    Client, Download, DownloadMeta, Incoming, Inner, OwnedSemaphorePermit, Result, Source,
};

impl Client {
    /// Forwards a browser JS SDK call: `POST /uniformapi` (multipart: the browser's
    /// `requestData`, and its file as part `file`), signed, and returns the platform's answer
    /// as the reply for the browser: the same status, `Content-Type` and
    /// `Content-Disposition`, and the body verbatim, **whatever it says** (an error envelope
    /// with code 1005 is an `Ok` reply here: the browser SDK interprets it).
    ///
    /// The file is streamed from its [`Source`] with an exact `Content-Length`, as by
    /// [`upload`](Self::upload). The call inside `requestData` is opaque, so it is treated as
    /// not idempotent: retried only when the policy says the request cannot have reached the
    /// platform (and the file rewinds). The answer is read up to
    /// [`Limits::max_json_body`](qys_proto::Limits).
    ///
    /// A forwarding route, framework aside:
    ///
    /// ```no_run
    /// use std::io::Cursor;
    /// use qys_async::{Client, UploadFile};
    ///
    /// /// `POST /proxy` of the integrator's server: the browser's form fields in, the reply out.
    /// async fn proxy_post(
    ///     client: &Client,
    ///     request_data: String,
    ///     file: Option<(String, Vec<u8>)>,
    /// ) -> qys_async::Result<http::Response<bytes::Bytes>> {
    ///     let file = file.map(|(name, bytes)| {
    ///         UploadFile::new(name, bytes.len() as u64, Cursor::new(bytes))
    ///     });
    ///     client.forward_uniform(request_data, file).await
    /// }
    ///
    /// /// `GET /proxy?requestData=...`: stream the platform's answer back, chunk by chunk.
    /// async fn proxy_get(
    ///     client: &Client,
    ///     request_data: String,
    /// ) -> qys_async::Result<http::Response<qys_async::Download>> {
    ///     client.forward_uniform_download(request_data).await
    /// }
    /// ```
    ///
    /// # Errors
    /// [`Error::Build`](qys_proto::Error::Build) for an empty `requestData` (nothing is sent);
    /// [`Error::Transport`](qys_proto::Error::Transport) when the platform cannot be reached,
    /// times out or answers more than the JSON size limit; [`Error::Body`](qys_proto::Error::Body)
    /// when the file's source fails or has another length than declared. Never
    /// [`Error::Api`](qys_proto::Error::Api) or [`Error::Status`](qys_proto::Error::Status):
    /// those answers are the reply.
    pub async fn forward_uniform<S: Source>(
        &self,
        request_data: impl Into<String>,
        file: Option<UploadFile<S>>,
    ) -> Result<Response<Bytes>> {
        let mut endpoint = UniformApiRequest::new(request_data);
        if let Some(file) = file {
            endpoint = endpoint.file(file);
        }
        self.upload_with(&mut endpoint, false, |_, (status, headers, body)| {
            Ok(browser_reply(status, &headers, body))
        })
        .await
    }

    /// Forwards a browser JS SDK download: `GET /uniformapi?requestData=...`, signed, and
    /// returns the platform's answer as the reply for the browser: the same status,
    /// `Content-Type` and `Content-Disposition`, and the body as a [`Download`] to stream
    /// back unread. That is the file on success ([`Download::meta`] filled in), and the
    /// platform's error envelope otherwise (status and headers as sent, `meta` empty): both
    /// go to the browser as they are.
    ///
    /// Failures before the answer's head arrives are retried per the policy (a download only
    /// reads); nothing is retried once the reply is returned. See
    /// [`forward_uniform`](Self::forward_uniform) for a forwarding route.
    ///
    /// # Errors
    /// [`Error::Build`](qys_proto::Error::Build) for an empty `requestData`;
    /// [`Error::Transport`](qys_proto::Error::Transport) when the platform cannot be reached
    /// or does not answer in time. Reading the returned body fails as [`Download`] reads do.
    pub async fn forward_uniform_download(
        &self,
        request_data: impl Into<String>,
    ) -> Result<Response<Download>> {
        let inner = &*self.inner;
        let endpoint = &UniformApiDownloadRequest::new(request_data);
        inner
            .retrying(true, |params| async move {
                let (response, slot) = inner.download_head(endpoint, &params).await?;
                Ok(inner.forward_reply(response, slot))
            })
            .await
    }
}

impl Inner {
    /// A forwarded download's answer, handed over unread, file or envelope.
    fn forward_reply(
        &self,
        response: Response<Incoming>,
        slot: OwnedSemaphorePermit,
    ) -> Response<Download> {
        let (parts, body) = response.into_parts();
        let meta = match self.core.classify_download(parts.status, &parts.headers) {
            DownloadHead::File(meta) | DownloadHead::Sniff(meta) => meta,
            DownloadHead::Envelope => DownloadMeta::default(),
        };
        let download = Download::new(meta, body, self.idle_timeout, slot);
        browser_reply(parts.status, &parts.headers, download)
    }
}
