//! [`Client`] and [`ClientBuilder`]: ureq moving the bytes of the core's call engine.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use http::{Method, Request, Response};
use qys_proto::Result;
use qys_proto::download::{DownloadMeta, SinkStep, part_files};
use qys_proto::endpoint::{self, Endpoint, Upload};
use qys_proto::engine::{Call, DownloadStep, Engine, Step, Wait};
use ureq::{Agent, AsSendBody, SendBody};

use crate::transport::{Timeouts, UploadBody, build_agent, from_io, map_ureq, read_envelope};
use crate::{download::Download, pages::Pages, source::Source};

#[path = "uniform.rs"]
mod uniform;

qys_proto::frontend_client!(
    "Blocking, on ureq: one agent (connection pool) shared by the clones.",
    proxy: String
);

struct Inner {
    engine: Engine,
    agent: Agent,
    timeouts: Timeouts,
    /// One slot per request in flight ([`ClientBuilder::max_connections`]).
    slots: Arc<Slots>,
}

/// A counting semaphore: at most `max` requests of a client in flight at once.
#[derive(Debug)]
pub(crate) struct Slots {
    count: Mutex<Count>,
    freed: Condvar,
    max: usize,
}

/// Slots in use, and threads waiting for one: a freed slot wakes a thread only when one
/// waits (a condvar's notify is a system call even with nobody to wake).
#[derive(Debug, Default)]
struct Count {
    in_use: usize,
    waiting: usize,
}

impl Slots {
    fn lock(&self) -> MutexGuard<'_, Count> {
        // The count stays consistent whatever panicked while holding the lock.
        self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a slot, waiting at most `timeout` for one to be freed.
    fn acquire(self: &Arc<Self>, timeout: Duration) -> Result<Slot> {
        let deadline = Instant::now().checked_add(timeout);
        let mut count = self.lock();
        while count.in_use >= self.max {
            let left = deadline.map_or(timeout, |d| d.saturating_duration_since(Instant::now()));
            if left.is_zero() {
                return Err(Wait::Slot.timed_out(timeout));
            }
            count.waiting += 1;
            count = self
                .freed
                .wait_timeout(count, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            count.waiting -= 1;
        }
        count.in_use += 1;
        Ok(Slot(Arc::clone(self)))
    }
}

/// One request's slot, given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot(Arc<Slots>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut count = self.0.lock();
        count.in_use = count.in_use.saturating_sub(1);
        if count.waiting > 0 {
            self.0.freed.notify_one();
        }
    }
}

/// How long an attempt may take, by kind of call.
#[derive(Clone, Copy)]
enum Deadlines {
    /// A JSON call: one deadline for the whole exchange, body included.
    Whole,
    /// An upload or a download: a deadline for the response head, then an idle timeout
    /// between reads and writes of the (possibly large) body.
    Streaming,
}

type Answer = (Response<ureq::Body>, Slot);

impl Client {
    #[doc = qys_proto::frontend_doc!(execute)]
    pub fn execute<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response> {
        let mut call = self.inner.engine.call_endpoint(endpoint, Instant::now());
        let _span = call.span().entered();
        loop {
            let outcome = call
                .prepare(endpoint, Instant::now())
                .and_then(|request| self.send_bytes(request, Deadlines::Whole))
                .and_then(|answer| self.read_parse::<E>(&mut call, answer));
            match call.end(outcome, Instant::now()) {
                Step::Done(result) => return result,
                Step::Retry(delay) => std::thread::sleep(delay),
            }
        }
    }

    #[doc = qys_proto::frontend_doc!(upload)]
    pub fn upload<E>(&self, endpoint: &mut E) -> Result<E::Response>
    where
        E: Upload<Source: Source>,
    {
        self.upload_with(endpoint, |call, answer| self.read_parse::<E>(call, answer))
    }

    /// Sends an upload, retried per the policy (after rewinding every source), and hands each
    /// answer to `finish`.
    fn upload_with<E: Upload<Source: Source>, T>(
        &self,
        endpoint: &mut E,
        finish: impl Fn(&mut Call<'_>, Answer) -> Result<T>,
    ) -> Result<T> {
        let mut call = self.inner.engine.call_upload(&*endpoint, Instant::now());
        let _span = call.span().entered();
        let call = &mut call;
        loop {
            let outcome = self
                .send_upload(call, endpoint)
                .and_then(|answer| finish(call, answer));
            let step = call.end_upload(outcome, Instant::now()).unwrap_or_else(|| {
                let mut sources = endpoint.sources_mut().into_iter();
                call.rewound(sources.all(|s| matches!(s.rewind(), Ok(true))))
            });
            match step {
                Step::Done(result) => return result,
                Step::Retry(delay) => std::thread::sleep(delay),
            }
        }
    }

    fn send_upload<E>(&self, call: &mut Call<'_>, endpoint: &mut E) -> Result<Answer>
    where
        E: Upload<Source: Source>,
    {
        let (request, walk) = call.prepare_upload(endpoint, Instant::now())?;
        let mut body = UploadBody::new(walk, endpoint.sources_mut());
        let sent = self.run(
            request.map(|()| SendBody::from_reader(&mut body)),
            Deadlines::Streaming,
        );
        call.record_sent(body.sent());
        // A failing source explains the transport error it caused.
        match body.take_error() {
            Some(e) => Err(e),
            None => sent,
        }
    }

    #[doc = qys_proto::frontend_doc!(download)]
    pub fn download<E: endpoint::Download>(&self, endpoint: &E) -> Result<Download> {
        let mut call = self.inner.engine.call_download(endpoint, Instant::now());
        let _span = call.span().entered();
        loop {
            let outcome = call
                .prepare_download(endpoint, Instant::now())
                .and_then(|request| self.send_bytes(request, Deadlines::Streaming))
                .and_then(|answer| self.open_download(&mut call, answer));
            match call.end(outcome, Instant::now()) {
                Step::Done(result) => return result,
                Step::Retry(delay) => std::thread::sleep(delay),
            }
        }
    }

    fn open_download(&self, call: &mut Call<'_>, (response, slot): Answer) -> Result<Download> {
        let (parts, mut body) = response.into_parts();
        match call.download_head(parts.status, &parts.headers)? {
            DownloadStep::File(meta, sniffer) => Download::new(
                meta,
                body.into_reader(),
                slot,
                self.inner.timeouts,
                call.span().file_tally(),
            )
            .sniffed(sniffer),
            DownloadStep::Envelope(mut envelope) => {
                read_envelope(&mut body, &mut envelope, &self.inner.timeouts)?;
                Err(call.download_error(parts.status, &parts.headers, envelope))
            }
        }
    }

    #[doc = qys_proto::frontend_doc!(download_to)]
    pub fn download_to<E: endpoint::Download, W: Write + ?Sized>(
        &self,
        endpoint: &E,
        sink: &mut W,
    ) -> Result<DownloadMeta> {
        let mut download = self.download(endpoint)?;
        copy(&mut download, sink)?;
        Ok(download.meta().clone())
    }

    #[doc = qys_proto::frontend_doc!(download_to_path)]
    pub fn download_to_path<E: endpoint::Download>(
        &self,
        endpoint: &E,
        path: impl AsRef<Path>,
    ) -> Result<DownloadMeta> {
        let (dir, names) = part_files(path.as_ref())?;
        // Ask first: a refused download creates no file at all.
        let mut download = self.download(endpoint)?;
        let (guard, mut file) = create_part(names)?;
        copy(&mut download, &mut file)?;
        file.sync_all().map_err(|e| SinkStep::Sync.failed(e))?;
        drop(file);
        fs::rename(&guard.0, &path).map_err(|e| SinkStep::Rename.failed(e))?;
        std::mem::forget(guard);
        // Makes the rename durable (best effort: not every platform can open a directory).
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(download.meta().clone())
    }

    #[doc = qys_proto::frontend_doc!(pages)]
    pub fn pages<E: endpoint::Paged>(&self, first: &E) -> Pages<'_, E> {
        Pages::new(self, first.with_offset(first.offset()))
    }

    fn send_bytes<B: AsRef<[u8]>>(
        &self,
        request: Request<B>,
        deadlines: Deadlines,
    ) -> Result<Answer> {
        let (parts, body) = request.into_parts();
        let body = body.as_ref();
        let carries_body =
            !body.is_empty() || matches!(parts.method, Method::POST | Method::PUT | Method::PATCH);
        if carries_body {
            self.run(Request::from_parts(parts, body), deadlines)
        } else {
            self.run(Request::from_parts(parts, ()), deadlines)
        }
    }

    /// Takes a slot (the wait counts against the timeout) and sends; the answer comes back
    /// with its slot, to be dropped once its body is read.
    fn run<B: AsSendBody>(&self, request: Request<B>, deadlines: Deadlines) -> Result<Answer> {
        let started = Instant::now();
        let engine = &self.inner.engine;
        let slot = self.inner.slots.acquire(engine.timeout())?;
        // What the wait left of the timeout (never zero: ureq would read that as "now").
        let left = engine
            .timeout()
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1));
        let agent = &self.inner.agent;
        let configured = agent.configure_request(request);
        let idle = Some(engine.idle_timeout());
        let request = match deadlines {
            Deadlines::Whole => configured.timeout_global(Some(left)),
            Deadlines::Streaming => configured
                .timeout_recv_response(Some(left))
                .timeout_per_read(idle)
                .timeout_per_write(idle),
        }
        .build();
        let response = agent
            .run(request)
            .map_err(|e| map_ureq(e, &self.inner.timeouts))?;
        Ok((response, slot))
    }

    /// Reads a whole answer (refusing one over the limit) and parses it for `E`.
    fn read_parse<E: endpoint::Call>(
        &self,
        call: &mut Call<'_>,
        (response, _slot): Answer,
    ) -> Result<E::Response> {
        let (parts, mut body) = response.into_parts();
        let mut envelope = call.envelope(parts.status, &parts.headers)?;
        read_envelope(&mut body, &mut envelope, &self.inner.timeouts)?;
        call.parse::<E>(parts.status, &parts.headers, envelope)
    }
}

fn copy<W: Write + ?Sized>(download: &mut Download, sink: &mut W) -> Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match download.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(from_io(e, download.timeouts())),
        };
        sink.write_all(&buf[..n])
            .map_err(|e| SinkStep::Write.failed(e))?;
        total += n as u64;
    }
    sink.flush().map_err(|e| SinkStep::Flush.failed(e))?;
    Ok(total)
}

/// A temporary file that is removed when dropped (forget it once renamed).
struct PartFile(PathBuf);

impl Drop for PartFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Creates the first free one of `names`.
fn create_part(names: Vec<PathBuf>) -> Result<(PartFile, File)> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for name in names {
        match OpenOptions::new().write(true).create_new(true).open(&name) {
            Ok(file) => return Ok((PartFile(name), file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(SinkStep::Create.failed(e)),
        }
    }
    Err(SinkStep::Create.failed(last))
}

impl ClientBuilder {
    qys_proto::client_builder_settings!();

    /// Sends through an HTTP(S) or SOCKS proxy (`http://host:port`, `socks5://...`), or
    /// directly with `None` (the default: proxy environment variables are not read).
    #[must_use]
    pub fn proxy(mut self, proxy: Option<String>) -> Self {
        self.proxy = proxy;
        self
    }

    #[doc = qys_proto::frontend_doc!(build)]
    pub fn build(self) -> Result<Client> {
        let roots = self.transport.check()?;
        let engine = self.settings.engine()?;
        let agent = build_agent(
            &self.settings,
            &self.transport,
            &roots,
            self.proxy.as_deref(),
        )?;
        let slots = Arc::new(Slots {
            count: Mutex::default(),
            freed: Condvar::new(),
            max: self.transport.max_connections,
        });
        let timeouts = Timeouts {
            attempt: self.settings.timeout,
            connect: self.transport.connect_timeout,
            idle: self.settings.idle_timeout,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                engine,
                agent,
                timeouts,
                slots,
            }),
        })
    }
}
