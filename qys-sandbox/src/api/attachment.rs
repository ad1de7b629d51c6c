//! 合同管理 (attachments): `GET /v2/attachment/download` (sdks §9).
//!
//! The attachments of a contract are the files added with
//! `/v2/contract/forceend/addattachment` (the only attachment upload the sandbox's API has).
//! The answer is always a ZIP of them (possibly empty), named `附件-<subject>.zip`; `origin`
//! is accepted and changes nothing (the sandbox keeps only the original files).

use serde_json::Value;

use super::contract::{api_operator, contract_mut, locate, zip_of};
use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Rule, Schema, Ty, opt};
use crate::reply::Failure;
use crate::state::State;

/// `GET /v2/attachment/download`.
const DOWNLOAD: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("origin", Ty::Bool),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

pub(super) static ROUTES: &[Route] =
    &[route!(Get "/v2/attachment/download", BodyKind::Query, DOWNLOAD, download)];

fn download(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let origin = input.fields.get("origin").and_then(Value::as_bool);
    let c = contract_mut(state, &id)?;
    let files: Vec<(String, Vec<u8>)> = c
        .files
        .iter()
        .filter(|f| f.kind == "ENDSIGN_ATTACHMENT")
        .map(|f| (f.file_name.clone(), f.bytes.clone()))
        .collect();
    let count = files.len();
    let name = format!("附件-{}.zip", c.subject);
    c.record(
        &stamp,
        "DOWNLOAD",
        "DOWNLOAD_ATTACHMENT",
        &operator,
        format!("{count} attachment(s), origin={}", origin.unwrap_or(false)),
    );
    Ok(Answer::File {
        file_name: name,
        content_type: "application/zip",
        bytes: zip_of(files),
    })
}
