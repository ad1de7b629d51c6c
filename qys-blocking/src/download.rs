//! A streaming download.

use std::fmt;
use std::io::{self, Read};

use qys_proto::download::DownloadMeta;

use crate::transport::{map_body_io, to_io};

/// A file being downloaded: read it as any [`Read`]; [`meta`](Self::meta) has what the
/// response head said (file name, media type, length).
///
/// The bytes come straight from the connection, never buffered whole. Reads wait at most the
/// client's idle timeout for the next bytes. A read error is an [`io::Error`] whose inner error
/// is a [`qys_proto::Error`] (a [`qys_proto::TransportError`]: a timeout has kind
/// [`io::ErrorKind::TimedOut`]; a connection that closes before the declared length is an
/// error, not a silent end).
pub struct Download {
    meta: DownloadMeta,
    reader: ureq::BodyReader<'static>,
}

impl Download {
    pub(crate) fn new(meta: DownloadMeta, reader: ureq::BodyReader<'static>) -> Self {
        Self { meta, reader }
    }

    /// What the response head said about the file.
    pub fn meta(&self) -> &DownloadMeta {
        &self.meta
    }
}

impl Read for Download {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                e
            } else {
                to_io(map_body_io(e))
            }
        })
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}
