//! Any Content-Disposition and Content-Type: classification and file-name extraction never
//! panic, and a file name never carries a path separator or a control character.
#![no_main]

use arbitrary::Arbitrary;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use qys_proto::download::{DownloadHead, classify, content_disposition_file_name};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    status: u16,
    disposition: &'a [u8],
    content_type: &'a [u8],
    length: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    if let Some(name) = content_disposition_file_name(input.disposition) {
        assert!(!name.is_empty());
        assert!(!name.contains('/') && !name.contains('\\'));
        assert!(!name.chars().any(char::is_control));
        assert!(name != "." && name != "..");
    }
    let mut headers = HeaderMap::new();
    for (name, value) in [
        (header::CONTENT_DISPOSITION, input.disposition),
        (header::CONTENT_TYPE, input.content_type),
        (header::CONTENT_LENGTH, input.length),
    ] {
        if let Ok(v) = HeaderValue::from_bytes(value) {
            headers.insert(name, v);
        }
    }
    let Ok(status) = StatusCode::from_u16(100 + input.status % 500) else {
        return;
    };
    if let DownloadHead::File(meta) = classify(status, &headers) {
        assert!(status.is_success());
        let _ = (meta.file_name(), meta.content_type(), meta.content_length());
    }
});
