//! Upload sources, and the reader that streams a multipart body: the core's framing bytes with
//! each file's bytes in its slot, checked against the declared lengths.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use qys_proto::multipart::{Segment, UploadFile};
use qys_proto::{BodyError, BodyErrorKind};

/// Where the bytes of an uploaded file come from: any [`Read`] that can say whether it was
/// rewound to its start.
///
/// A call whose upload failed in a retryable way is sent again only when every source of
/// the request rewinds (returns `Ok(true)`). Sources that cannot rewind (the default) are sent
/// at most once.
///
/// Implemented for [`File`] (seeks to offset 0), [`Cursor`] (position 0) and `&[u8]` (which
/// cannot rewind: a slice reader forgets what it consumed; wrap the bytes in a [`Cursor`] to
/// make them retryable). Wrap any other reader in [`OneShot`].
pub trait Source: Read + Send {
    /// Rewinds the source to its start. Returns `Ok(true)` when it did, `Ok(false)` when
    /// this source cannot be read again.
    ///
    /// # Errors
    /// The I/O error of a failed seek; the upload is then not retried.
    fn rewind(&mut self) -> io::Result<bool> {
        Ok(false)
    }
}

impl Source for File {
    fn rewind(&mut self) -> io::Result<bool> {
        self.seek(SeekFrom::Start(0)).map(|_| true)
    }
}

impl<T: AsRef<[u8]> + Send> Source for Cursor<T> {
    fn rewind(&mut self) -> io::Result<bool> {
        self.set_position(0);
        Ok(true)
    }
}

impl Source for &[u8] {}

impl<S: Source + ?Sized> Source for Box<S> {
    fn rewind(&mut self) -> io::Result<bool> {
        (**self).rewind()
    }
}

impl<S: Source + ?Sized> Source for &mut S {
    fn rewind(&mut self) -> io::Result<bool> {
        (**self).rewind()
    }
}

/// Any reader as a [`Source`] that cannot be rewound: an upload from it is never retried.
#[derive(Debug)]
pub struct OneShot<R>(pub R);

impl<R: Read> Read for OneShot<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read + Send> Source for OneShot<R> {}

/// Opens `path` as an upload: the file name is the path's last component (any Unicode), the
/// length comes from the file's metadata and the media type from the extension.
///
/// # Errors
/// The I/O error of opening the file or reading its metadata; `InvalidInput` when the path
/// has no file name or is not a regular file.
pub fn open_file(path: impl AsRef<Path>) -> io::Result<UploadFile<File>> {
    let path = path.as_ref();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path is not a regular file",
        ));
    }
    Ok(UploadFile::new(name, metadata.len(), file))
}

/// The body of one upload attempt: framing bytes and file bytes in body order.
///
/// When a source fails or yields another number of bytes than declared, the reader records a
/// [`BodyError`] (taken with [`UploadBody::take_error`]) and fails the read, so ureq aborts
/// the request instead of sending a corrupt body.
pub(crate) struct UploadBody<'a, S> {
    segments: &'a [Segment],
    sources: Vec<&'a mut S>,
    lengths: Vec<u64>,
    /// Index of the current segment.
    segment: usize,
    /// Offset in the current framing segment, or bytes already read from the current file.
    offset: u64,
    error: Option<BodyError>,
}

impl<'a, S: Read> UploadBody<'a, S> {
    pub(crate) fn new(segments: &'a [Segment], sources: Vec<&'a mut S>, lengths: Vec<u64>) -> Self {
        Self {
            segments,
            sources,
            lengths,
            segment: 0,
            offset: 0,
            error: None,
        }
    }

    /// The error that aborted the body, if one did.
    pub(crate) fn take_error(&mut self) -> Option<BodyError> {
        self.error.take()
    }

    fn fail(&mut self, error: BodyError) -> io::Error {
        let message = error.to_string();
        self.error = Some(error);
        io::Error::other(message)
    }

    fn read_file(&mut self, index: usize, buf: &mut [u8]) -> io::Result<usize> {
        let (Some(&length), true) = (self.lengths.get(index), index < self.sources.len()) else {
            return Err(self.fail(BodyError::new(
                BodyErrorKind::ReadSource,
                format!("the upload has no source for file {index}"),
                None,
            )));
        };
        let remaining = length - self.offset;
        if remaining == 0 {
            // Declared length reached: the source must be at its end.
            let mut probe = [0u8; 1];
            match read_retrying(&mut *self.sources[index], &mut probe) {
                Ok(0) => {
                    self.segment += 1;
                    self.offset = 0;
                    return Ok(0);
                }
                Ok(_) => {
                    return Err(self.fail(BodyError::new(
                        BodyErrorKind::LengthMismatch,
                        format!("file {index} has more than its declared {length} bytes"),
                        None,
                    )));
                }
                Err(e) => return Err(self.fail(read_error(index, e))),
            }
        }
        let want = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        match read_retrying(&mut *self.sources[index], &mut buf[..want]) {
            Ok(0) => Err(self.fail(BodyError::new(
                BodyErrorKind::LengthMismatch,
                format!(
                    "file {index} ended after {} of its declared {length} bytes",
                    self.offset
                ),
                None,
            ))),
            Ok(n) => {
                self.offset += n as u64;
                Ok(n)
            }
            Err(e) => Err(self.fail(read_error(index, e))),
        }
    }
}

fn read_error(index: usize, e: io::Error) -> BodyError {
    BodyError::new(
        BodyErrorKind::ReadSource,
        format!("reading file {index} of the upload failed"),
        Some(e),
    )
}

fn read_retrying<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

impl<S: Read> Read for UploadBody<'_, S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Err(io::Error::other("the upload body already failed"));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let Some(segment) = self.segments.get(self.segment) else {
                return Ok(0);
            };
            match segment {
                Segment::Bytes(bytes) => {
                    let start = usize::try_from(self.offset).unwrap_or(usize::MAX);
                    let rest = bytes.get(start..).unwrap_or(&[]);
                    if rest.is_empty() {
                        self.segment += 1;
                        self.offset = 0;
                        continue;
                    }
                    let n = rest.len().min(buf.len());
                    buf[..n].copy_from_slice(&rest[..n]);
                    self.offset += n as u64;
                    return Ok(n);
                }
                Segment::File(index) => {
                    let index = *index;
                    match self.read_file(index, buf)? {
                        0 => continue,
                        n => return Ok(n),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(b: &'static [u8]) -> Segment {
        Segment::Bytes(b.to_vec().into())
    }

    fn run(declared: u64, file: &[u8]) -> (io::Result<Vec<u8>>, Option<BodyError>) {
        let segments = vec![seg(b"head"), Segment::File(0), seg(b"tail")];
        let mut src = Cursor::new(file.to_vec());
        let mut body = UploadBody::new(&segments, vec![&mut src], vec![declared]);
        let mut out = Vec::new();
        let r = body.read_to_end(&mut out).map(|_| out);
        (r, body.take_error())
    }

    #[test]
    fn exact_length_streams_framing_and_file_in_order() {
        let (r, e) = run(3, b"abc");
        assert_eq!(r.unwrap(), b"headabctail");
        assert!(e.is_none());
    }

    #[test]
    fn short_and_long_sources_fail_with_length_mismatch() {
        let (r, e) = run(5, b"abc");
        assert!(r.is_err());
        assert_eq!(e.unwrap().kind(), BodyErrorKind::LengthMismatch);
        let (r, e) = run(2, b"abc");
        assert!(r.is_err());
        assert_eq!(e.unwrap().kind(), BodyErrorKind::LengthMismatch);
    }

    #[test]
    fn rewinding() {
        let mut c = Cursor::new(vec![1u8, 2]);
        c.set_position(2);
        assert!(Source::rewind(&mut c).unwrap());
        assert_eq!(c.position(), 0);
        let mut s: &[u8] = b"x";
        assert!(!Source::rewind(&mut s).unwrap());
        assert!(!OneShot(io::empty()).rewind().unwrap());
    }
}
