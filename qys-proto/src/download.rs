//! Downloads: success is a byte stream, failure is a JSON envelope. The response head decides
//! which, before any of the body is read, except for a head that does not say
//! ([`DownloadHead::Sniff`]: `text/plain` or no media type), where the first bytes of the body
//! decide ([`sniff`]).

use http::{HeaderMap, StatusCode, header};
use percent_encoding::percent_decode_str;

use crate::envelope::{RawEnvelope, parse_result};
use crate::error::Error;

/// What a download's response head says the body is.
///
/// Deliberately exhaustive: a frontend must handle every kind of head, so a new kind is a
/// compile error there rather than a silent fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadHead {
    /// The file: stream the body to the caller.
    File(DownloadMeta),
    /// An envelope (or an error page): read it with a size limit and parse it into the error
    /// with [`crate::Core::download_error`].
    Envelope,
    /// A successful head that does not say what the body is (`text/plain`, or no
    /// `Content-Type`): gateways and Java servers label JSON error envelopes so. Read the
    /// body's first bytes and ask [`sniff`] until it answers [`Sniffed::File`] (then hand
    /// the bytes read, followed by the rest, over as the file described by this
    /// [`DownloadMeta`]) or [`Sniffed::Error`].
    Sniff(DownloadMeta),
}

/// What the first bytes of a [`DownloadHead::Sniff`] body say, as told by [`sniff`].
#[derive(Debug)]
pub enum Sniffed {
    /// The body is the file: stream the bytes already read, then the rest.
    File,
    /// Not known yet: read more of the body (at least one more byte) and ask again.
    NeedMore,
    /// The body is a complete error envelope: the error it carries.
    Error(Error),
}

/// Decides what a [`DownloadHead::Sniff`] body is from its first bytes `prefix` (`complete`
/// when the body ended there), reading at most `limit` bytes
/// ([`Limits::max_json_body`](crate::Limits)) ahead:
///
/// - a body whose first non-space byte is not `{` is the file (decided on the first such
///   byte, so a text file costs no buffering);
/// - a body starting with `{` is read to its end, but no further than `limit` (a longer one
///   is the file: a JSON document being downloaded); once complete, an envelope with a
///   non-success code is its [`Error::Api`], anything else (a JSON file, even a success
///   envelope) is the file;
/// - an empty or all-space body is the (empty) file.
pub fn sniff(
    status: StatusCode,
    headers: &HeaderMap,
    prefix: &[u8],
    complete: bool,
    limit: usize,
) -> Sniffed {
    match prefix.iter().find(|b| !b.is_ascii_whitespace()) {
        None if complete => return Sniffed::File,
        None => {}
        Some(b'{') => {}
        Some(_) => return Sniffed::File,
    }
    if !complete {
        return if prefix.len() < limit {
            Sniffed::NeedMore
        } else {
            Sniffed::File
        };
    }
    match RawEnvelope::from_body(prefix) {
        Some(envelope) if !envelope.is_success() => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            match parse_result::<serde::de::IgnoredAny>(status, content_type, prefix) {
                Err(e) => Sniffed::Error(e),
                Ok(_) => Sniffed::File,
            }
        }
        _ => Sniffed::File,
    }
}

/// What the head says about a downloaded file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DownloadMeta {
    file_name: Option<String>,
    content_type: Option<String>,
    content_length: Option<u64>,
}

impl DownloadMeta {
    /// The file name from `Content-Disposition` (RFC 6266, `filename*` per RFC 5987 preferred),
    /// reduced to its last path component.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The declared length, if the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }
}

/// Reads ahead on a [`DownloadHead::Sniff`] body for a frontend: collects the bytes it reads
/// until [`sniff`] decides.
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use qys_proto::download::Sniffer;
///
/// let headers = HeaderMap::new();
/// let mut body: &[u8] = b"plain text";
/// let mut sniffer = Sniffer::new(StatusCode::OK, &headers, 1024);
/// let prefix = loop {
///     if let Some(prefix) = sniffer.decide()? {
///         break prefix;
///     }
///     let n = sniffer.room().min(4).min(body.len());
///     sniffer.push(&body[..n]); // an empty push: the body ended
///     body = &body[n..];
/// };
/// assert_eq!(prefix, b"plai"); // decided on the first bytes: hand them out first
/// # Ok::<(), qys_proto::Error>(())
/// ```
#[derive(Debug)]
pub struct Sniffer<'h> {
    status: StatusCode,
    headers: &'h HeaderMap,
    limit: usize,
    prefix: Vec<u8>,
    complete: bool,
}

impl<'h> Sniffer<'h> {
    /// For the answer `status` and `headers`, reading at most `limit` bytes
    /// ([`Limits::max_json_body`](crate::Limits)) ahead.
    pub fn new(status: StatusCode, headers: &'h HeaderMap, limit: usize) -> Self {
        Self {
            status,
            headers,
            limit,
            prefix: Vec::new(),
            complete: false,
        }
    }

    /// `Some(bytes read)` once the body is known to be the file (hand them out before the
    /// rest), `None` while more must be read (at most [`room`](Self::room) bytes, then
    /// [`push`](Self::push)ed).
    ///
    /// # Errors
    /// The error of a complete error envelope.
    pub fn decide(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match sniff(
            self.status,
            self.headers,
            &self.prefix,
            self.complete,
            self.limit,
        ) {
            Sniffed::File => Ok(Some(std::mem::take(&mut self.prefix))),
            Sniffed::NeedMore => Ok(None),
            Sniffed::Error(e) => Err(e),
        }
    }

    /// How many bytes to read at most before deciding again (at least 1).
    pub fn room(&self) -> usize {
        self.limit.saturating_sub(self.prefix.len()).max(1)
    }

    /// The next bytes of the body; empty when the body ended.
    pub fn push(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            self.complete = true;
        }
        self.prefix.extend_from_slice(bytes);
    }
}

/// Classifies a download's response head: a non-2xx status, or a JSON or HTML body, is an
/// envelope (the platform answers download failures with JSON, even with HTTP 200); a
/// `text/plain` or unlabelled body is to be sniffed ([`DownloadHead::Sniff`]); anything else
/// is the file.
pub fn classify(status: StatusCode, headers: &HeaderMap) -> DownloadHead {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned());
    let essence = content_type
        .as_deref()
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let is_envelope = essence == "application/json"
        || essence == "text/json"
        || essence.ends_with("+json")
        || essence == "text/html";
    if !status.is_success() || is_envelope {
        return DownloadHead::Envelope;
    }
    let meta = DownloadMeta {
        file_name: headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| content_disposition_file_name(v.as_bytes())),
        content_type,
        content_length: headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse().ok()),
    };
    if essence.is_empty() || essence == "text/plain" {
        DownloadHead::Sniff(meta)
    } else {
        DownloadHead::File(meta)
    }
}

/// The file name of a `Content-Disposition` value: `filename*` (RFC 5987, UTF-8 or ISO-8859-1)
/// if present, else `filename` (quoted or token; raw UTF-8 and percent-encoded forms, which
/// Java servers send, are both read). Path components are removed; an empty name is `None`.
pub fn content_disposition_file_name(value: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(value);
    let mut plain = None;
    let mut extended = None;
    for param in split_params(&text).into_iter().skip(1) {
        let Some((key, val)) = param.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => extended = decode_ext_value(val.trim()),
            "filename" => plain = Some(unquote(val.trim())),
            _ => {}
        }
    }
    let name = extended.or_else(|| {
        plain.map(|p| {
            if p.contains('%') {
                percent_decode_str(&p)
                    .decode_utf8()
                    .map(|c| c.into_owned())
                    .unwrap_or(p)
            } else {
                p
            }
        })
    })?;
    let last = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    (!cleaned.is_empty() && cleaned != "." && cleaned != "..").then_some(cleaned)
}

/// Splits on `;` outside quotes.
fn split_params(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn unquote(v: &str) -> String {
    let Some(inner) = v.strip_prefix('"') else {
        return v.to_owned();
    };
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn decode_ext_value(v: &str) -> Option<String> {
    let v = v.trim_matches('"');
    let mut it = v.splitn(3, '\'');
    let charset = it.next()?.to_ascii_lowercase();
    let _language = it.next()?;
    let encoded = it.next()?;
    let bytes: Vec<u8> = percent_decode_str(encoded).collect();
    match charset.as_str() {
        "utf-8" => String::from_utf8(bytes).ok(),
        "iso-8859-1" => Some(bytes.iter().map(|&b| b as char).collect()),
        _ => None,
    }
}

/// A step of writing a download to a file, for the one wording of its failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SinkStep {
    /// Creating the temporary file.
    Create,
    /// Writing the download.
    Write,
    /// Flushing the sink.
    Flush,
    /// Syncing the file to disk.
    Sync,
    /// Renaming the temporary file into place.
    Rename,
}

impl SinkStep {
    /// The [`BodyErrorKind::WriteSink`](crate::BodyErrorKind::WriteSink) error of this step.
    pub fn failed(self, error: std::io::Error) -> Error {
        let what = match self {
            Self::Create => "creating the temporary download file failed",
            Self::Write => "writing the download failed",
            Self::Flush => "flushing the download failed",
            Self::Sync => "syncing the downloaded file failed",
            Self::Rename => "renaming the downloaded file into place failed",
        };
        crate::BodyError::new(crate::BodyErrorKind::WriteSink, what, Some(error)).into()
    }
}

/// Where `download_to_path(path)` writes before the rename: the directory of `path` and the
/// temporary names to try in it (`.{name}.{pid}-{n}.qys-part`, 16 of them).
///
/// # Errors
/// [`BodyErrorKind::WriteSink`](crate::BodyErrorKind::WriteSink) when `path` has no file name.
pub fn part_files(
    path: &std::path::Path,
) -> Result<(std::path::PathBuf, Vec<std::path::PathBuf>), Error> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let name = path.file_name().filter(|n| !n.is_empty()).ok_or_else(|| {
        Error::from(crate::BodyError::new(
            crate::BodyErrorKind::WriteSink,
            "the download path has no file name",
            None,
        ))
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let names = (0..16)
        .map(|_| {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut temp = std::ffi::OsString::from(".");
            temp.push(name);
            temp.push(format!(".{}-{n}.qys-part", std::process::id()));
            dir.join(temp)
        })
        .collect();
    Ok((dir, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(v: &str) -> Option<String> {
        content_disposition_file_name(v.as_bytes())
    }

    #[test]
    fn file_names_in_every_form() {
        assert_eq!(
            name("attachment; filename=\"a.pdf\"").as_deref(),
            Some("a.pdf")
        );
        assert_eq!(name("attachment; filename=a.pdf").as_deref(), Some("a.pdf"));
        assert_eq!(
            name("attachment; filename=\"x.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf")
                .as_deref(),
            Some("合同.pdf")
        );
        assert_eq!(
            name("attachment; filename=%E5%90%88%E5%90%8C.zip").as_deref(),
            Some("合同.zip")
        );
        assert_eq!(
            name("attachment; filename=\"合同.pdf\"").as_deref(),
            Some("合同.pdf")
        );
        assert_eq!(
            name("attachment; filename=\"a\\\"b;c.pdf\"").as_deref(),
            Some("a\"b;c.pdf")
        );
        assert_eq!(
            name("attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(name("attachment; filename=\"..\"").as_deref(), None);
        assert_eq!(name("attachment").as_deref(), None);
    }

    #[test]
    fn json_and_errors_are_envelopes() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/json;charset=UTF-8".parse().unwrap(),
        );
        assert_eq!(classify(StatusCode::OK, &h), DownloadHead::Envelope);
        h.insert(header::CONTENT_TYPE, "application/pdf".parse().unwrap());
        h.insert(header::CONTENT_LENGTH, "42".parse().unwrap());
        let DownloadHead::File(meta) = classify(StatusCode::OK, &h) else {
            panic!()
        };
        assert_eq!(meta.content_length(), Some(42));
        assert_eq!(
            classify(StatusCode::BAD_GATEWAY, &h),
            DownloadHead::Envelope
        );
    }

    #[test]
    fn text_plain_and_unlabelled_heads_are_sniffed() {
        let mut h = HeaderMap::new();
        assert!(matches!(
            classify(StatusCode::OK, &h),
            DownloadHead::Sniff(_)
        ));
        h.insert(
            header::CONTENT_TYPE,
            "Text/Plain; charset=utf-8".parse().unwrap(),
        );
        h.insert(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"a.txt\"".parse().unwrap(),
        );
        let DownloadHead::Sniff(meta) = classify(StatusCode::OK, &h) else {
            panic!("text/plain is sniffed")
        };
        assert_eq!(meta.file_name(), Some("a.txt"));
        assert_eq!(classify(StatusCode::NOT_FOUND, &h), DownloadHead::Envelope);
    }

    fn sniffed(prefix: &[u8], complete: bool, limit: usize) -> Sniffed {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        sniff(StatusCode::OK, &h, prefix, complete, limit)
    }

    #[test]
    fn sniffing_an_error_envelope_gives_the_api_error() {
        let body =
            br#" {"code":3004,"message":"not found","responseCode":"11011126","result":null}"#;
        let Sniffed::Error(Error::Api(api)) = sniffed(body, true, 1024) else {
            panic!("an error envelope is the API error")
        };
        assert_eq!(api.code(), Some(3004));
        assert_eq!(api.http_status(), StatusCode::OK);
        // Until the body ends, more is needed.
        assert!(matches!(
            sniffed(&body[..20], false, 1024),
            Sniffed::NeedMore
        ));
        assert!(matches!(sniffed(b"  ", false, 1024), Sniffed::NeedMore));
        assert!(matches!(sniffed(b"", false, 1024), Sniffed::NeedMore));
    }

    #[test]
    fn sniffing_anything_else_gives_the_file() {
        // A text file: decided on its first byte.
        assert!(matches!(sniffed(b"hello", false, 1024), Sniffed::File));
        assert!(matches!(sniffed(b"\n x", false, 1024), Sniffed::File));
        // Empty.
        assert!(matches!(sniffed(b"", true, 1024), Sniffed::File));
        assert!(matches!(sniffed(b" \r\n", true, 1024), Sniffed::File));
        // JSON that is no error envelope: a JSON file, a success envelope, broken JSON.
        assert!(matches!(sniffed(br#"{"a":1}"#, true, 1024), Sniffed::File));
        assert!(matches!(
            sniffed(br#"{"code":0,"result":{}}"#, true, 1024),
            Sniffed::File
        ));
        assert!(matches!(
            sniffed(br#"{"code":3004"#, true, 1024),
            Sniffed::File
        ));
        // A `{` body longer than the limit is not read further: the file.
        assert!(matches!(sniffed(&[b'{'; 16], false, 16), Sniffed::File));
        assert!(matches!(sniffed(&[b'{'; 15], false, 16), Sniffed::NeedMore));
    }
}
