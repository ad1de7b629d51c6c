//! JS SDK forwarding: `POST` and `GET /uniformapi` (spec §13), with the sandbox's own field
//! tables.
//!
//! The browser JS SDK's `requestData` is opaque (the platform decodes it; the sandbox cannot),
//! so the sandbox answers in a way that lets a forwarding route be checked end to end:
//! - `POST` (multipart: `requestData`, optional file `file`) → a success envelope whose
//!   `result` is `{requestDataMd5, requestDataLength, file}`: the MD5 (lowercase hex) and byte
//!   length of `requestData`, and `{fileName, size, md5}` of the file (`null` without one);
//! - `GET ?requestData=...` → a file: `沙箱下载-<first 8 hex digits of the MD5>.bin`,
//!   `application/octet-stream`, the bytes `0x00..=0xFF` followed by the UTF-8 `requestData`.
//!
//! To see how a forwarder passes on an error answer, inject one with
//! [`Sandbox::inject`](crate::Sandbox::inject) (e.g. [`Fault::Status`](crate::Fault::Status)).

use serde_json::json;

use super::auth::required_text;
use super::tools::md5_hex;
use super::{Answer, BodyKind, Input, Route};
use crate::fields::{FILE_OPTIONAL, Schema, Ty, req};
use crate::reply::Failure;
use crate::state::State;

/// Both methods: `requestData`, required.
pub(super) const UNIFORM: Schema = Schema {
    fields: &[req("requestData", Ty::Str)],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/uniformapi", BodyKind::Multipart(FILE_OPTIONAL), UNIFORM, uniform_post),
    route!(Get "/uniformapi", BodyKind::Query, UNIFORM, uniform_get),
];

fn uniform_post(_state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    let data = required_text(&input, "requestData")?;
    let file = input.take_file("file").map(|f| {
        json!({
            "fileName": f.file_name,
            "size": f.bytes.len(),
            "md5": md5_hex(&f.bytes),
        })
    });
    Ok(Answer::Result(json!({
        "requestDataMd5": md5_hex(data.as_bytes()),
        "requestDataLength": data.len(),
        "file": file,
    })))
}

fn uniform_get(_state: &mut State, input: Input) -> Result<Answer, Failure> {
    let data = required_text(&input, "requestData")?;
    let digest = md5_hex(data.as_bytes());
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    bytes.extend_from_slice(data.as_bytes());
    Ok(Answer::File {
        file_name: format!("沙箱下载-{}.bin", &digest[..8]),
        content_type: "application/octet-stream",
        bytes,
    })
}
