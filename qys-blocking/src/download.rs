//! A streaming download.

use std::fmt;
use std::io::{self, Read};

use qys_proto::Result;
use qys_proto::download::{DownloadMeta, Sniffer};
use qys_proto::trace::FileTally;

use crate::client::Slot;
use crate::transport::{Timeouts, from_io};

/// A file being downloaded: read it as any [`Read`]; [`meta`](Self::meta) has what the
/// response head said (file name, media type, length).
///
/// The bytes come straight from the connection, never buffered whole. Reads wait at most the
/// client's idle timeout for the next bytes. A read error is an [`io::Error`] whose inner error
/// is a [`qys_proto::Error`] (a [`qys_proto::TransportError`]: a timeout has kind
/// [`io::ErrorKind::TimedOut`]; a connection that closes before the declared length is an
/// error, not a silent end).
///
/// A download holds one of the client's
/// [`max_connections`](crate::ClientBuilder::max_connections) slots until it is read to its
/// end, fails, or is dropped.
pub struct Download {
    meta: DownloadMeta,
    /// Bytes already read from the connection to sniff the body, handed out first.
    prefix: io::Cursor<Vec<u8>>,
    reader: ureq::BodyReader<'static>,
    /// The client's slot for this request; released once the body is over.
    slot: Option<Slot>,
    timeouts: Timeouts,
    /// The file's bytes, for the call's span.
    tally: FileTally,
}

impl Download {
    pub(crate) fn new(
        meta: DownloadMeta,
        reader: ureq::BodyReader<'static>,
        slot: Slot,
        timeouts: Timeouts,
        tally: FileTally,
    ) -> Self {
        Self {
            meta,
            prefix: io::Cursor::new(Vec::new()),
            reader,
            slot: Some(slot),
            timeouts,
            tally,
        }
    }

    /// With a sniffer, reads the first bytes until the engine's [`Sniffer`] decides: the error
    /// envelope's error, or the download, which hands out the bytes read before the rest.
    pub(crate) fn sniffed(mut self, sniffer: Option<Sniffer<'_>>) -> Result<Self> {
        let Some(mut sniffer) = sniffer else {
            return Ok(self);
        };
        let mut buf = [0u8; 8 * 1024];
        let prefix = loop {
            if let Some(prefix) = sniffer.decide()? {
                break prefix;
            }
            let want = sniffer.room().min(buf.len());
            match self.read(&mut buf[..want]) {
                Ok(n) => sniffer.push(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(from_io(e, &self.timeouts)),
            }
        };
        self.prefix = io::Cursor::new(prefix);
        Ok(self)
    }

    /// What the response head said about the file.
    pub fn meta(&self) -> &DownloadMeta {
        &self.meta
    }

    pub(crate) fn timeouts(&self) -> &Timeouts {
        &self.timeouts
    }
}

impl Read for Download {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.prefix.position() < self.prefix.get_ref().len() as u64 {
            return self.prefix.read(buf);
        }
        match self.reader.read(buf) {
            Ok(n) => {
                self.tally.add(n);
                if n == 0 && !buf.is_empty() {
                    // The end of the body: the request is over.
                    self.slot = None;
                }
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.slot = None;
                Err(from_io(e, &self.timeouts).into())
            }
        }
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}
