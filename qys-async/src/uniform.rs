#![doc = qys_proto::frontend_doc!(uniform)]

use bytes::Bytes;
use http::Response;
use qys_proto::api::uniform::{UniformApiDownloadRequest, UniformApiRequest, browser_reply};
use qys_proto::engine::Step;
use qys_proto::multipart::UploadFile;

use super::{Client, Download, Instant, Result, Source};

impl Client {
    #[doc = qys_proto::frontend_doc!(forward_uniform)]
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
    pub async fn forward_uniform<S: Source>(
        &self,
        request_data: impl Into<String>,
        file: Option<UploadFile<S>>,
    ) -> Result<Response<Bytes>> {
        let mut endpoint = UniformApiRequest::forwarding(request_data, file);
        self.upload_with(&mut endpoint, |call, parts, envelope| {
            call.record_received(envelope.len() as u64);
            Ok(browser_reply(
                parts.status,
                &parts.headers,
                envelope.into_bytes(),
            ))
        })
        .await
    }

    #[doc = qys_proto::frontend_doc!(forward_uniform_download)]
    pub async fn forward_uniform_download(
        &self,
        request_data: impl Into<String>,
    ) -> Result<Response<Download>> {
        let inner = &*self.inner;
        let endpoint = UniformApiDownloadRequest::new(request_data);
        let mut call = inner.engine.call_download(&endpoint, Instant::now());
        let span = call.span().clone();
        span.instrument(async {
            loop {
                let outcome = async {
                    let request = call.prepare_download(&endpoint, Instant::now())?;
                    let (response, slot) = inner.head(request).await?;
                    let (parts, body) = response.into_parts();
                    let meta = call.forwarded_head(parts.status, &parts.headers);
                    let download = Download::new(
                        meta,
                        body,
                        inner.engine.idle_timeout(),
                        slot,
                        call.span().file_tally(),
                    );
                    Ok(browser_reply(parts.status, &parts.headers, download))
                }
                .await;
                match call.end(outcome, Instant::now()) {
                    Step::Done(result) => return result,
                    Step::Retry(delay) => tokio::time::sleep(delay).await,
                }
            }
        })
        .await
    }
}
