//! Upload sources: where the bytes of an uploaded file come from.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use qys_proto::multipart::UploadFile;

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

#[cfg(test)]
mod tests {
    use super::*;

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
