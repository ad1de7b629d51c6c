//! A file being downloaded: a stream of chunks with an idle timeout between them.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, Bytes};
use futures_util::Stream;
use http_body::Body;
use hyper::body::Incoming;
use qys_proto::Result;
use qys_proto::download::{DownloadMeta, Sniffer};
use qys_proto::trace::FileTally;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, Sleep};

use qys_proto::engine::Wait;

use crate::transport::hyper_error;

/// The body of a successful download, read chunk by chunk; nothing is buffered beyond the
/// chunk at hand.
///
/// Read it with [`chunk`](Self::chunk), as a [`Stream`] of `Result<Bytes>`, or as an
/// [`AsyncRead`] (errors then arrive as `io::Error`s wrapping the qys [`Error`](qys_proto::Error)). Each wait
/// for the next chunk is bounded by the client's idle timeout. A body cut short by the server
/// (fewer bytes than its Content-Length) ends with a transport error, never silently.
///
/// A download holds one of the client's
/// [`max_connections`](crate::ClientBuilder::max_connections) slots until it is read to its
/// end, fails, or is dropped.
pub struct Download {
    meta: DownloadMeta,
    body: Incoming,
    idle: Duration,
    sleep: Pin<Box<Sleep>>,
    /// Whether a wait for the next frame is under way (the idle clock runs only then, not
    /// while the caller is busy with the previous chunk).
    waiting: bool,
    done: bool,
    pending: Bytes,
    /// The client's slot for this request; released once the body is over.
    slot: Option<OwnedSemaphorePermit>,
    /// The file's bytes, for the call's span.
    tally: FileTally,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("meta", &self.meta)
            .field("idle_timeout", &self.idle)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Download {
    pub(crate) fn new(
        meta: DownloadMeta,
        body: Incoming,
        idle: Duration,
        slot: OwnedSemaphorePermit,
        tally: FileTally,
    ) -> Self {
        Self {
            meta,
            body,
            idle,
            sleep: Box::pin(tokio::time::sleep(idle)),
            waiting: false,
            done: false,
            pending: Bytes::new(),
            slot: Some(slot),
            tally,
        }
    }

    /// With a sniffer, reads the first chunks until the engine's [`Sniffer`] decides: the error
    /// envelope's error, or the download, which hands out the bytes read before the rest.
    pub(crate) async fn sniffed(mut self, sniffer: Option<Sniffer<'_>>) -> Result<Self> {
        let Some(mut sniffer) = sniffer else {
            return Ok(self);
        };
        let prefix = loop {
            if let Some(prefix) = sniffer.decide()? {
                break prefix;
            }
            sniffer.push(&self.chunk().await?.unwrap_or_default());
        };
        self.pending = Bytes::from(prefix);
        Ok(self)
    }

    /// The body is over (its end or an error): the connection is free again, and so is the
    /// slot.
    fn finish(&mut self) {
        self.done = true;
        self.slot = None;
    }

    /// What the response head said about the file (name, media type, length).
    pub fn meta(&self) -> &DownloadMeta {
        &self.meta
    }

    /// The next chunk of the file, or `None` at its end.
    ///
    /// # Errors
    /// [`Error::Transport`](qys_proto::Error::Transport): the connection broke, the body ended before its declared length,
    /// or no chunk arrived within the idle timeout. After an error the download is over.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        std::future::poll_fn(|cx| self.poll_chunk(cx))
            .await
            .transpose()
    }

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        if !self.pending.is_empty() {
            return Poll::Ready(Some(Ok(std::mem::take(&mut self.pending))));
        }
        if self.done {
            return Poll::Ready(None);
        }
        if !self.waiting {
            self.waiting = true;
            let deadline = Instant::now() + self.idle;
            self.sleep.as_mut().reset(deadline);
        }
        loop {
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        let deadline = Instant::now() + self.idle;
                        self.sleep.as_mut().reset(deadline);
                        if !data.is_empty() {
                            self.waiting = false;
                            self.tally.add(data.len());
                            return Poll::Ready(Some(Ok(data)));
                        }
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    self.finish();
                    return Poll::Ready(Some(Err(hyper_error(e))));
                }
                Poll::Ready(None) => {
                    self.finish();
                    return Poll::Ready(None);
                }
                Poll::Pending => {
                    ready!(self.sleep.as_mut().poll(cx));
                    self.finish();
                    return Poll::Ready(Some(Err(Wait::Body.timed_out(self.idle))));
                }
            }
        }
    }
}

impl Stream for Download {
    type Item = Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        self.get_mut().poll_chunk(cx)
    }
}

impl AsyncRead for Download {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        let mut chunk = match ready!(this.poll_chunk(cx)) {
            Some(Ok(chunk)) => chunk,
            Some(Err(e)) => return Poll::Ready(Err(e.into())),
            None => return Poll::Ready(Ok(())),
        };
        let n = chunk.len().min(buf.remaining());
        buf.put_slice(&chunk[..n]);
        chunk.advance(n);
        this.pending = chunk;
        Poll::Ready(Ok(()))
    }
}
