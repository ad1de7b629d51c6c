//! [`Client`] and [`ClientBuilder`]: hyper moving the bytes of the core's call engine.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::response::Parts;
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use qys_proto::Result;
use qys_proto::download::{DownloadMeta, SinkStep, part_files};
use qys_proto::endpoint::{self, Endpoint, Upload};
use qys_proto::engine::{Call, DownloadStep, Engine, EnvelopeBuf, Step, Wait};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::OwnedSemaphorePermit;

use crate::transport::{self, ChannelBody, Gate, Http, ReqBody, client_error, full_body};
use crate::{download::Download, pages::Pages, source::Source};

#[path = "uniform.rs"]
mod uniform;

qys_proto::frontend_client!("Async, on hyper and tokio; `Send + Sync`.");

struct Inner {
    engine: Engine,
    http: Http,
    /// The connect timeout, to name it in errors.
    connect: Duration,
    /// One permit per request in flight ([`ClientBuilder::max_connections`]); the connector
    /// opens no more connections than there are requests holding one (hyper's pool has no
    /// cap of its own).
    gate: Arc<Gate>,
}

impl ClientBuilder {
    qys_proto::client_builder_settings!();

    #[doc = qys_proto::frontend_doc!(build)]
    pub fn build(self) -> Result<Client> {
        let roots = self.transport.check()?;
        let engine = self.settings.engine()?;
        let gate = Arc::new(Gate::new(self.transport.max_connections));
        let http = transport::build_http(&self.transport, roots, Arc::clone(&gate))?;
        Ok(Client {
            inner: Arc::new(Inner {
                engine,
                http,
                connect: self.transport.connect_timeout,
                gate,
            }),
        })
    }
}

impl Client {
    #[doc = qys_proto::frontend_doc!(execute)]
    pub async fn execute<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response> {
        let inner = &*self.inner;
        let mut call = inner.engine.call_endpoint(endpoint, Instant::now());
        let span = call.span().clone();
        span.instrument(async {
            loop {
                let outcome = async {
                    let started = Instant::now();
                    let request = call.prepare(endpoint, Instant::now())?.map(full_body);
                    let within = inner.engine.timeout();
                    // The answer is read while the slot is held.
                    let _slot = inner.slot(within).await?;
                    let attempt = async {
                        let (parts, body) = inner.request(request).await?.into_parts();
                        let mut envelope = call.envelope(parts.status, &parts.headers)?;
                        transport::read_envelope(body, &mut envelope).await?;
                        call.parse::<E>(parts.status, &parts.headers, envelope)
                    };
                    limit_since(started, within, Wait::Attempt, attempt).await
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

    #[doc = qys_proto::frontend_doc!(upload)]
    pub async fn upload<E>(&self, endpoint: &mut E) -> Result<E::Response>
    where
        E: Upload<Source: Source>,
    {
        self.upload_with(endpoint, |call, parts, envelope| {
            call.parse::<E>(parts.status, &parts.headers, envelope)
        })
        .await
    }

    /// Sends an upload, retried per the policy (after rewinding every source), and hands each
    /// answer, read whole, to `finish`.
    async fn upload_with<E: Upload<Source: Source>, T>(
        &self,
        endpoint: &mut E,
        finish: impl Fn(&mut Call<'_>, &Parts, EnvelopeBuf) -> Result<T>,
    ) -> Result<T> {
        let mut call = self.inner.engine.call_upload(&*endpoint, Instant::now());
        let span = call.span().clone();
        let call = &mut call;
        span.instrument(async move {
            let inner = &*self.inner;
            let within = inner.engine.timeout();
            loop {
                let outcome = async {
                    let started = Instant::now();
                    let (request, walk) = call.prepare_upload(&*endpoint, Instant::now())?;
                    let (tx, body) = ChannelBody::new(walk.content_length());
                    let request = request.map(|()| body.boxed_unsync());
                    // The answer is read while the slot is held.
                    let _slot = inner.slot(within).await?;
                    let mut sent = 0;
                    let idle = inner.engine.idle_timeout();
                    let pump = transport::pump(tx, walk, endpoint.sources_mut(), idle, &mut sent);
                    let send = inner.http.request(request);
                    // The head's wait starts once the body is sent; the slot's took its share.
                    let left = within.saturating_sub(started.elapsed());
                    let response =
                        transport::send_while(send, pump, (left, within), inner.connect).await;
                    call.record_sent(sent);
                    let (parts, body) = response?.into_parts();
                    let mut envelope = call.envelope(parts.status, &parts.headers)?;
                    limit(
                        within,
                        Wait::Body,
                        transport::read_envelope(body, &mut envelope),
                    )
                    .await?;
                    finish(call, &parts, envelope)
                }
                .await;
                let step = match call.end_upload(outcome, Instant::now()) {
                    Some(step) => step,
                    None => call.rewound(rewind_all(endpoint.sources_mut()).await),
                };
                match step {
                    Step::Done(result) => return result,
                    Step::Retry(delay) => tokio::time::sleep(delay).await,
                }
            }
        })
        .await
    }

    #[doc = qys_proto::frontend_doc!(download)]
    pub async fn download<E: endpoint::Download>(&self, endpoint: &E) -> Result<Download> {
        let inner = &*self.inner;
        let mut call = inner.engine.call_download(endpoint, Instant::now());
        let span = call.span().clone();
        span.instrument(async {
            loop {
                let outcome = async {
                    let request = call.prepare_download(endpoint, Instant::now())?;
                    let (response, slot) = inner.head(request).await?;
                    inner.open_download(&mut call, response, slot).await
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

    #[doc = qys_proto::frontend_doc!(pages)]
    pub fn pages<'c, E>(&'c self, first: &E) -> Pages<'c, E>
    where
        E: endpoint::Paged<Response: Send> + Send + Sync + 'c,
    {
        Pages::new(self, first.with_offset(first.offset()))
    }

    #[doc = qys_proto::frontend_doc!(download_to)]
    pub async fn download_to<E: endpoint::Download, W: AsyncWrite + Unpin>(
        &self,
        endpoint: &E,
        sink: &mut W,
    ) -> Result<DownloadMeta> {
        let mut download = self.download(endpoint).await?;
        copy(&mut download, sink).await?;
        Ok(download.meta().clone())
    }

    #[doc = qys_proto::frontend_doc!(download_to_path)]
    pub async fn download_to_path<E: endpoint::Download>(
        &self,
        endpoint: &E,
        path: impl AsRef<Path>,
    ) -> Result<DownloadMeta> {
        let (dir, names) = part_files(path.as_ref())?;
        // Ask first: a refused download creates no file at all.
        let mut download = self.download(endpoint).await?;
        let (guard, mut file) = transport::create_part(names).await?;
        copy(&mut download, &mut file).await?;
        file.sync_all()
            .await
            .map_err(|e| SinkStep::Sync.failed(e))?;
        drop(file);
        tokio::fs::rename(&guard.0, &path)
            .await
            .map_err(|e| SinkStep::Rename.failed(e))?;
        std::mem::forget(guard);
        // Makes the rename durable where the platform allows it (best effort).
        if let Ok(dir) = tokio::fs::File::open(dir).await {
            let _ = dir.sync_all().await;
        }
        Ok(download.meta().clone())
    }
}

impl Inner {
    /// A slot for one request in flight, held until the permit is dropped, waited for at most
    /// `within` (the wait counts against the attempt's timeout, as in the blocking client).
    async fn slot(&self, within: Duration) -> Result<OwnedSemaphorePermit> {
        let acquire = Arc::clone(self.gate.slots()).acquire_owned();
        match tokio::time::timeout(within, acquire).await {
            Err(_) => Err(Wait::Slot.timed_out(within)),
            Ok(Ok(permit)) => {
                self.gate.request_started();
                Ok(permit)
            }
            Ok(Err(_)) => unreachable!("the client's semaphore is never closed"),
        }
    }

    /// Sends, until the answer's head (the caller holds a slot).
    async fn request(&self, request: Request<ReqBody>) -> Result<Response<Incoming>> {
        let response = self.http.request(request).await;
        response.map_err(|e| client_error(e, self.connect))
    }

    /// Takes a slot and sends, both within the timeout: the head of a download, with its slot.
    async fn head(
        &self,
        request: Request<bytes::Bytes>,
    ) -> Result<(Response<Incoming>, OwnedSemaphorePermit)> {
        let started = Instant::now();
        let within = self.engine.timeout();
        let slot = self.slot(within).await?;
        let send = self.request(request.map(full_body));
        Ok((limit_since(started, within, Wait::Head, send).await?, slot))
    }

    /// Looks at a download's head: the file (holding `slot`), or the error envelope.
    async fn open_download(
        &self,
        call: &mut Call<'_>,
        response: Response<Incoming>,
        slot: OwnedSemaphorePermit,
    ) -> Result<Download> {
        let (parts, body) = response.into_parts();
        let idle = self.engine.idle_timeout();
        let within = self.engine.timeout();
        match call.download_head(parts.status, &parts.headers)? {
            DownloadStep::File(meta, sniffer) => {
                let download = Download::new(meta, body, idle, slot, call.span().file_tally());
                limit(within, Wait::Body, download.sniffed(sniffer)).await
            }
            DownloadStep::Envelope(mut envelope) => {
                limit(
                    within,
                    Wait::Body,
                    transport::read_envelope(body, &mut envelope),
                )
                .await?;
                Err(call.download_error(parts.status, &parts.headers, envelope))
            }
        }
    }
}

/// Runs `work` within `limit`, or fails as `wait` timed out.
async fn limit<T>(limit: Duration, wait: Wait, work: impl Future<Output = Result<T>>) -> Result<T> {
    limit_since(Instant::now(), limit, wait, work).await
}

/// Runs `work` within what is left of `limit` since `started` (a slot wait took the rest), or
/// fails as `wait` timed out, naming `limit` as the user set it.
async fn limit_since<T>(
    started: Instant,
    limit: Duration,
    wait: Wait,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    tokio::time::timeout(limit.saturating_sub(started.elapsed()), work)
        .await
        .unwrap_or_else(|_| Err(wait.timed_out(limit)))
}

/// Writes the rest of `download` to `sink`, then flushes it.
async fn copy<W: AsyncWrite + Unpin>(download: &mut Download, sink: &mut W) -> Result<()> {
    while let Some(chunk) = download.chunk().await? {
        sink.write_all(&chunk)
            .await
            .map_err(|e| SinkStep::Write.failed(e))?;
    }
    sink.flush().await.map_err(|e| SinkStep::Flush.failed(e))
}

/// Rewinds every source; `false` when one cannot be (or fails to be) rewound.
async fn rewind_all<S: Source>(sources: Vec<&mut S>) -> bool {
    for source in sources {
        if !matches!(source.rewind().await, Ok(true)) {
            return false;
        }
    }
    true
}
