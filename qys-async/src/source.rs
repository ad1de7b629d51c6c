//! Upload sources: where the bytes of an uploaded file come from.

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use qys_proto::multipart::UploadFile;
use tokio::io::{AsyncRead, AsyncSeekExt, ReadBuf};

/// A reader of an uploaded file's bytes.
///
/// An upload is retried only when every source of the request can be rewound to its start:
/// [`rewind`](Self::rewind) answers `Ok(true)` after rewinding, `Ok(false)` when it cannot
/// (the default, and what [`OneShot`] answers). Implemented for [`tokio::fs::File`] (seeks to
/// offset 0), [`std::io::Cursor`] over bytes (position 0), `&'static [u8]` (cannot rewind, it
/// is consumed as it is read) and [`OneShot`] around any other reader.
pub trait Source: AsyncRead + Unpin + Send {
    /// Rewinds to the first byte of the file. `Ok(true)` when done; `Ok(false)` when this
    /// source cannot be read again, in which case the upload is not retried.
    ///
    /// # Errors
    /// The I/O error of a failed seek; the upload is then not retried.
    fn rewind(&mut self) -> impl Future<Output = io::Result<bool>> + Send {
        async { Ok(false) }
    }
}

impl Source for tokio::fs::File {
    /// Seeks to offset 0: the file is read from its start again.
    async fn rewind(&mut self) -> io::Result<bool> {
        self.seek(io::SeekFrom::Start(0)).await?;
        Ok(true)
    }
}

impl<T: AsRef<[u8]> + Unpin + Send> Source for io::Cursor<T> {
    /// Sets the position to 0.
    async fn rewind(&mut self) -> io::Result<bool> {
        self.set_position(0);
        Ok(true)
    }
}

impl Source for &'static [u8] {}

/// Any [`AsyncRead`] as a [`Source`] that cannot be rewound: uploads from it are never
/// retried once they may have started.
#[derive(Debug)]
pub struct OneShot<R>(pub R);

impl<R: AsyncRead + Unpin> AsyncRead for OneShot<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<R: AsyncRead + Unpin + Send> Source for OneShot<R> {}

/// Opens a file for upload: its name is the last component of `path`, its media type is
/// guessed from the extension and its length is read from the file's metadata.
///
/// # Errors
/// The I/O error of opening the file or reading its metadata; `InvalidInput` when the path has
/// no file name or is not a regular file.
pub async fn open_file(path: impl AsRef<Path>) -> io::Result<UploadFile<tokio::fs::File>> {
    let path = path.as_ref();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let file = tokio::fs::File::open(path).await?;
    let metadata = file.metadata().await?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path is not a regular file",
        ));
    }
    Ok(UploadFile::new(name, metadata.len(), file))
}
