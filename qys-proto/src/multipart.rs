//! `multipart/form-data` framing: the core writes every byte except the files' own, and the
//! exact Content-Length; the frontend streams each file between the framing segments.

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::clock::Nonce;
use crate::error::{BuildError, BuildErrorKind};

/// A file to upload: its name, media type, exact length, and the source of its bytes.
///
/// The length must be exact: the body's Content-Length is computed from it, and a source that
/// yields more or fewer bytes fails the upload with a typed error instead of sending a
/// corrupt body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFile<S> {
    file_name: String,
    content_type: String,
    length: u64,
    source: S,
}

impl<S> UploadFile<S> {
    /// A file called `file_name` (any Unicode; the media type is guessed from its extension)
    /// of exactly `length` bytes read from `source`.
    pub fn new(file_name: impl Into<String>, length: u64, source: S) -> Self {
        let file_name = file_name.into();
        let content_type = content_type_for(&file_name).to_owned();
        Self {
            file_name,
            content_type,
            length,
            source,
        }
    }

    /// Overrides the guessed media type.
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The file name sent to the platform.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The media type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The exact length in bytes.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The source of the bytes.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// The source of the bytes, consuming the file.
    pub fn into_source(self) -> S {
        self.source
    }

    /// This file as the part `name` of a body.
    pub fn part(&self, name: &'static str) -> FilePart<'_> {
        FilePart {
            name,
            file_name: &self.file_name,
            content_type: &self.content_type,
            length: self.length,
        }
    }
}

/// The media type the platform expects for a file name's extension.
pub fn content_type_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "ofd" => "application/ofd",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "bmp" => "image/bmp",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html" | "htm" => "text/html",
        "txt" => "text/plain",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A file part as the framing sees it: no bytes, only what goes in its head and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePart<'a> {
    /// The form field name (`file`, `files`, `license`, ...).
    pub name: &'a str,
    /// The file name.
    pub file_name: &'a str,
    /// The media type.
    pub content_type: &'a str,
    /// The exact length in bytes.
    pub length: u64,
}

/// One piece of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Framing bytes written by the core.
    Bytes(Bytes),
    /// The bytes of the file at this index of [`crate::endpoint::Upload::files`].
    File(usize),
}

/// A multipart body without its files' bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multipart {
    boundary: String,
    segments: Vec<Segment>,
    content_length: u64,
}

impl Multipart {
    /// The boundary (also in the Content-Type header of the request).
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The pieces in body order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The exact length of the whole body.
    pub fn content_length(&self) -> u64 {
        self.content_length
    }

    /// The whole body with `files[i]` in place of each [`Segment::File`] (tests, small bodies).
    pub fn to_bytes(&self, files: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for segment in &self.segments {
            match segment {
                Segment::Bytes(b) => out.extend_from_slice(b),
                Segment::File(i) => out.extend_from_slice(files[*i]),
            }
        }
        out
    }
}

/// Characters that stay literal in an RFC 8187 `filename*` value (attr-char).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The boundary derived from a request's nonce, so a fixed nonce gives fixed bytes.
pub fn boundary_for(nonce: &Nonce) -> String {
    let tail: String = nonce
        .as_str()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("----qys-{tail}")
}

/// Frames `fields` and `files` with `boundary`.
///
/// # Errors
/// [`BuildErrorKind::InvalidArgument`] when the boundary occurs in a text field or a file name
/// or media type, or a name has a character that would break the part head.
pub fn frame(
    boundary: &str,
    fields: &[(String, String)],
    files: &[FilePart<'_>],
) -> Result<Multipart, BuildError> {
    let delimiter = format!("--{boundary}");
    let clash = |s: &str| s.contains(&delimiter);
    let mut segments = Vec::with_capacity(files.len() * 2 + 1);
    let mut pending = Vec::with_capacity(256 * (fields.len() + 1));
    let mut length: u64 = 0;

    for (name, value) in fields {
        check_name(name)?;
        if clash(value) {
            return Err(BuildError::new(
                BuildErrorKind::InvalidArgument,
                format!("field {name} contains the multipart boundary"),
            ));
        }
        pending.extend_from_slice(delimiter.as_bytes());
        pending.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        pending.extend_from_slice(name.as_bytes());
        pending.extend_from_slice(b"\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
        pending.extend_from_slice(value.as_bytes());
        pending.extend_from_slice(b"\r\n");
    }
    for (index, file) in files.iter().enumerate() {
        check_name(file.name)?;
        if clash(file.file_name) || clash(file.content_type) {
            return Err(BuildError::new(
                BuildErrorKind::InvalidArgument,
                "a file name contains the multipart boundary",
            ));
        }
        if file.content_type.chars().any(|c| c.is_control()) || file.content_type.is_empty() {
            return Err(BuildError::new(
                BuildErrorKind::InvalidArgument,
                "invalid media type for a file part",
            ));
        }
        pending.extend_from_slice(delimiter.as_bytes());
        pending.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        pending.extend_from_slice(file.name.as_bytes());
        pending.extend_from_slice(b"\"; filename=\"");
        pending.extend_from_slice(quoted_file_name(file.file_name).as_bytes());
        pending.extend_from_slice(b"\"");
        if !file.file_name.is_ascii() {
            pending.extend_from_slice(b"; filename*=UTF-8''");
            pending.extend_from_slice(
                utf8_percent_encode(file.file_name, ATTR_CHAR)
                    .to_string()
                    .as_bytes(),
            );
        }
        pending.extend_from_slice(b"\r\nContent-Type: ");
        pending.extend_from_slice(file.content_type.as_bytes());
        pending.extend_from_slice(b"\r\n\r\n");
        length += pending.len() as u64;
        segments.push(Segment::Bytes(Bytes::from(std::mem::take(&mut pending))));
        segments.push(Segment::File(index));
        length = length.checked_add(file.length).ok_or_else(|| {
            BuildError::new(
                BuildErrorKind::InvalidArgument,
                "the files are longer than u64",
            )
        })?;
        pending.extend_from_slice(b"\r\n");
    }
    pending.extend_from_slice(delimiter.as_bytes());
    pending.extend_from_slice(b"--\r\n");
    length += pending.len() as u64;
    segments.push(Segment::Bytes(Bytes::from(pending)));
    Ok(Multipart {
        boundary: boundary.to_owned(),
        segments,
        content_length: length,
    })
}

fn check_name(name: &str) -> Result<(), BuildError> {
    if name.is_empty()
        || name
            .bytes()
            .any(|b| b == b'"' || b == b'\\' || b.is_ascii_control() || !b.is_ascii())
    {
        return Err(BuildError::new(
            BuildErrorKind::InvalidArgument,
            format!("invalid part name {name:?}"),
        ));
    }
    Ok(())
}

/// The file name as browsers put it in the quoted `filename` parameter: raw UTF-8 (what older
/// servers read), with `"`, CR and LF percent-escaped so the head cannot be broken.
fn quoted_file_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_bytes_and_length_are_exact() {
        let file = UploadFile::new("营业执照.png", 3, ());
        let m = frame(
            "B",
            &[("companyName".into(), "契约锁".into())],
            &[file.part("license")],
        )
        .unwrap();
        let body = m.to_bytes(&[b"PNG"]);
        let expected = "--B\r\nContent-Disposition: form-data; name=\"companyName\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n契约锁\r\n\
--B\r\nContent-Disposition: form-data; name=\"license\"; filename=\"营业执照.png\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png\r\nContent-Type: image/png\r\n\r\nPNG\r\n--B--\r\n";
        assert_eq!(String::from_utf8(body.clone()).unwrap(), expected);
        assert_eq!(m.content_length(), body.len() as u64);
        assert_eq!(m.content_type(), "multipart/form-data; boundary=B");
    }

    #[test]
    fn boundary_in_a_field_is_refused() {
        let err = frame("B", &[("x".into(), "a--Bb".into())], &[]).unwrap_err();
        assert_eq!(err.kind(), BuildErrorKind::InvalidArgument);
        let f = UploadFile::new("a\"\r\n.pdf", 0, ());
        let m = frame("B", &[], &[f.part("file")]).unwrap();
        let body = String::from_utf8(m.to_bytes(&[b""])).unwrap();
        assert!(body.contains("filename=\"a%22%0D%0A.pdf\""));
    }
}
