//! Downloads: success is a byte stream, failure is a JSON envelope. The response head decides
//! which, before any of the body is read.

use http::{HeaderMap, StatusCode, header};
use percent_encoding::percent_decode_str;

/// What a download's response head says the body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadHead {
    /// The file: stream the body to the caller.
    File(DownloadMeta),
    /// An envelope (or an error page): read it with a size limit and parse it into the error
    /// with [`crate::Core::download_error`].
    Envelope,
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

/// Classifies a download's response head: a non-2xx status, or a JSON or HTML body, is an
/// envelope (the platform answers download failures with JSON, even with HTTP 200); anything
/// else is the file.
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
    DownloadHead::File(DownloadMeta {
        file_name: headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| content_disposition_file_name(v.as_bytes())),
        content_type,
        content_length: headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse().ok()),
    })
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
}
