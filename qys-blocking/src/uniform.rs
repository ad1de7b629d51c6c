#![doc = qys_proto::frontend_doc!(uniform)]

use std::time::Instant;

use bytes::Bytes;
use http::Response;
use qys_proto::api::uniform::{UniformApiDownloadRequest, UniformApiRequest, browser_reply};
use qys_proto::engine::Step;
use qys_proto::multipart::UploadFile;

use super::{Client, Deadlines, Download, Result, Source, read_envelope};

impl Client {
    #[doc = qys_proto::frontend_doc!(forward_uniform)]
    ///
    /// A forwarding route, framework aside:
    ///
    /// ```no_run
    /// use std::io::Cursor;
    /// use qys_blocking::{Client, UploadFile};
    ///
    /// /// `POST /proxy` of the integrator's server: the browser's form fields in, the reply out.
    /// fn proxy_post(
    ///     client: &Client,
    ///     request_data: String,
    ///     file: Option<(String, Vec<u8>)>,
    /// ) -> qys_blocking::Result<http::Response<bytes::Bytes>> {
    ///     let file = file.map(|(name, bytes)| {
    ///         UploadFile::new(name, bytes.len() as u64, Cursor::new(bytes))
    ///     });
    ///     client.forward_uniform(request_data, file)
    /// }
    ///
    /// /// `GET /proxy?requestData=...`: stream the platform's answer back.
    /// fn proxy_get(
    ///     client: &Client,
    ///     request_data: String,
    /// ) -> qys_blocking::Result<http::Response<qys_blocking::Download>> {
    ///     client.forward_uniform_download(request_data)
    /// }
    /// ```
    ///
    pub fn forward_uniform<S: Source>(
        &self,
        request_data: impl Into<String>,
        file: Option<UploadFile<S>>,
    ) -> Result<Response<Bytes>> {
        let mut endpoint = UniformApiRequest::forwarding(request_data, file);
        self.upload_with(&mut endpoint, |call, (response, _slot)| {
            let (parts, mut body) = response.into_parts();
            let mut envelope = call.envelope(parts.status, &parts.headers)?;
            read_envelope(&mut body, &mut envelope, &self.inner.timeouts)?;
            call.record_received(envelope.len() as u64);
            Ok(browser_reply(
                parts.status,
                &parts.headers,
                envelope.into_bytes(),
            ))
        })
    }

    #[doc = qys_proto::frontend_doc!(forward_uniform_download)]
    pub fn forward_uniform_download(
        &self,
        request_data: impl Into<String>,
    ) -> Result<Response<Download>> {
        let endpoint = UniformApiDownloadRequest::new(request_data);
        let mut call = self.inner.engine.call_download(&endpoint, Instant::now());
        let _span = call.span().entered();
        loop {
            let outcome = call
                .prepare_download(&endpoint, Instant::now())
                .and_then(|request| self.send_bytes(request, Deadlines::Streaming))
                .map(|(response, slot)| {
                    let (parts, body) = response.into_parts();
                    let meta = call.forwarded_head(parts.status, &parts.headers);
                    let download = Download::new(
                        meta,
                        body.into_reader(),
                        slot,
                        self.inner.timeouts,
                        call.span().file_tally(),
                    );
                    browser_reply(parts.status, &parts.headers, download)
                });
            match call.end(outcome, Instant::now()) {
                Step::Done(result) => return result,
                Step::Retry(delay) => std::thread::sleep(delay),
            }
        }
    }
}
