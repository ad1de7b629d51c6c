//! Any fields, file names, media types and lengths: framing never panics, and when it succeeds
//! the declared Content-Length is the number of bytes emitted.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use qys_proto::multipart::{FilePart, frame};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    boundary: &'a str,
    fields: Vec<(String, String)>,
    files: Vec<(&'a str, &'a str, u8)>,
}

fuzz_target!(|input: Input<'_>| {
    if input.boundary.is_empty() {
        return;
    }
    let parts: Vec<FilePart<'_>> = input
        .files
        .iter()
        .map(|(name, ty, len)| FilePart {
            name: "files",
            file_name: name,
            content_type: ty,
            length: u64::from(*len),
        })
        .collect();
    if let Ok(m) = frame(input.boundary, &input.fields, &parts) {
        let contents: Vec<Vec<u8>> = parts.iter().map(|p| vec![0u8; p.length as usize]).collect();
        let slices: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
        assert_eq!(m.to_bytes(&slices).len() as u64, m.content_length());
    }
});
