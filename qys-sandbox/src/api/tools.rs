//! 辅助工具 and 信息校验: file signature verification, identity and company information checks,
//! OCR, and the blockchain evidence services (spec §10b, §10c, §17 "also"), with the sandbox's
//! own field tables.
//!
//! The answers are undocumented upstream; the sandbox's are deterministic:
//! - `/v2/verify`: the file must be a PDF (`%PDF-`); each `/ByteRange` in it counts as one
//!   signature, all valid: `{pass, signatureCount, signatures: [{index, signer, verified}]}`
//!   (`pass` is false without signatures; `image` is added to each with `showImg`).
//! - `/v2/identity/verify` and `/v2/companyinfo/verify`: `{result, message}`, `result` true
//!   only for the entries of [`KNOWN_PEOPLE`] / [`KNOWN_COMPANIES`].
//! - `/v2/ocr/idcard` reads every non-empty image (or URL) as the first known person's ID card,
//!   `/v2/ocr/bankcard` as their bank card.
//! - `/chain/evidence/...`: applications answer `{proveId}`; a report is ready at once
//!   (`{proveId, status: "COMPLETE"}`) and downloads as a small PDF; `/v2/chain/notary` answers
//!   `{notaryId, chainId, notaryDataHash}` (the file's MD5 when no hash is given).

use md5::{Digest, Md5};
use serde_json::{Value, json};

use super::auth::required_text;
use super::{Answer, BodyKind, Input, Route};
use crate::fields::{FILE_REQUIRED, FileField, Schema, Ty, USER, file, opt, req};
use crate::reply::Failure;
use crate::state::State;
use crate::state_identity::{EvidenceReport, KNOWN_COMPANIES, KNOWN_PEOPLE, push_capped};

/// `POST /v2/verify` (§10b, multipart; the PDF is `file`).
pub(super) const FILE_VERIFY: Schema = Schema {
    fields: &[opt("showImg", Ty::Bool)],
    rules: &[],
};

/// `POST /v2/identity/verify` (§10c): name and card number, with mobile (3 factors) and bank
/// card (4 factors).
pub(super) const IDENTITY_VERIFY: Schema = Schema {
    fields: &[
        req("name", Ty::Str),
        req("cardNo", Ty::Str),
        opt("mobile", Ty::Str),
        opt("bankcardNo", Ty::Str),
    ],
    rules: &[],
};

/// `POST /v2/companyinfo/verify` (§10c). ⚠ Required flags undocumented: name and credit code
/// are what is checked, and are required here.
pub(super) const COMPANY_INFO_VERIFY: Schema = Schema {
    fields: &[
        req("companyName", Ty::Str),
        req("registerNo", Ty::Str),
        opt("legalPerson", Ty::Str),
    ],
    rules: &[],
};

/// `POST /v2/ocr/idcard` and `/v2/ocr/bankcard` (multipart: file `image`, or `imageUrl`;
/// exactly one, checked by the handler).
pub(super) const OCR: Schema = Schema {
    fields: &[opt("imageUrl", Ty::Str)],
    rules: &[],
};

const IMAGE_OPTIONAL: &[FileField] = &[file("image", false)];

/// `POST /chain/evidence/electronic/prove/apply` (multipart text parts; `operatorInfo` JSON
/// text). ⚠ Required flags undocumented; `chainId` names the evidence and is required.
pub(super) const ELECTRONIC_PROVE_APPLY: Schema = Schema {
    fields: &[
        req("chainId", Ty::Str),
        opt("proveDataId", Ty::Str),
        opt("proveSource", Ty::Str),
        opt("operatorInfo", Ty::Object(&USER)),
    ],
    rules: &[],
};

/// `POST /chain/evidence/complete/report/apply` (multipart; files `proveMaterial`, repeated).
pub(super) const COMPLETE_REPORT_APPLY: Schema = Schema {
    fields: &[
        req("chainId", Ty::Str),
        opt("proveSource", Ty::Int),
        opt("proveDataId", Ty::Str),
        opt("documentIds", Ty::Str),
        opt("operatorInfo", Ty::Object(&USER)),
    ],
    rules: &[],
};

const PROVE_MATERIAL: &[FileField] = &[file("proveMaterial", false)];

/// `GET /chain/evidence/complete/report/status` and `/download`.
pub(super) const BY_PROVE_ID: Schema = Schema {
    fields: &[req("proveId", Ty::Str)],
    rules: &[],
};

/// `POST /v2/chain/notary` (multipart; file `notaryFile`, or `notaryDataHash`).
pub(super) const CHAIN_NOTARY: Schema = Schema {
    fields: &[
        req("notaryName", Ty::Str),
        opt("notaryDataID", Ty::Str),
        opt("notaryType", Ty::Str),
        opt("fileType", Ty::Str),
        opt("notaryDataHash", Ty::Str),
        opt("hashAlgorithm", Ty::Str),
        opt("operatorInfo", Ty::Object(&USER)),
    ],
    rules: &[],
};

const NOTARY_FILE: &[FileField] = &[file("notaryFile", false)];

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/verify", BodyKind::Multipart(FILE_REQUIRED), FILE_VERIFY, file_verify),
    route!(Post "/v2/identity/verify", BodyKind::Json, IDENTITY_VERIFY, identity_verify),
    route!(Post "/v2/companyinfo/verify", BodyKind::Json, COMPANY_INFO_VERIFY, company_info_verify),
    route!(Post "/v2/ocr/idcard", BodyKind::Multipart(IMAGE_OPTIONAL), OCR, ocr_idcard),
    route!(Post "/v2/ocr/bankcard", BodyKind::Multipart(IMAGE_OPTIONAL), OCR, ocr_bankcard),
    route!(Post "/chain/evidence/electronic/prove/apply", BodyKind::Multipart(&[]), ELECTRONIC_PROVE_APPLY, electronic_prove_apply),
    route!(Post "/chain/evidence/complete/report/apply", BodyKind::Multipart(PROVE_MATERIAL), COMPLETE_REPORT_APPLY, complete_report_apply),
    route!(Get "/chain/evidence/complete/report/status", BodyKind::Query, BY_PROVE_ID, complete_report_status),
    route!(Get "/chain/evidence/complete/report/download", BodyKind::Query, BY_PROVE_ID, complete_report_download),
    route!(Post "/v2/chain/notary", BodyKind::Multipart(NOTARY_FILE), CHAIN_NOTARY, chain_notary),
];

/// A 1×1 transparent PNG, Base64: the signature appearance `showImg` answers.
const APPEARANCE_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// How many times `needle` occurs in `haystack`.
fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Lowercase hex MD5.
pub(super) fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

fn file_verify(_state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    let file = input
        .take_file("file")
        .ok_or_else(|| Failure::invalid_param("file is required (a file part)"))?;
    if !file.bytes.starts_with(b"%PDF-") {
        return Err(Failure::invalid_param(format!(
            "file {:?} is not a PDF",
            file.file_name
        )));
    }
    let show_img = input.fields.get("showImg") == Some(&Value::Bool(true));
    let signatures: Vec<Value> = (0..count(&file.bytes, b"/ByteRange"))
        .map(|i| {
            let mut s = json!({
                "index": i + 1,
                "signer": KNOWN_COMPANIES[0].name,
                "verified": true,
            });
            if show_img {
                s["image"] = json!(APPEARANCE_PNG);
            }
            s
        })
        .collect();
    Ok(Answer::Result(json!({
        "pass": !signatures.is_empty(),
        "signatureCount": signatures.len(),
        "signatures": signatures,
    })))
}

fn verdict(matched: bool, mismatch: &str) -> Answer {
    Answer::Result(if matched {
        json!({ "result": true, "message": "一致" })
    } else {
        json!({ "result": false, "message": mismatch })
    })
}

fn identity_verify(_state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = required_text(&input, "name")?;
    let card_no = required_text(&input, "cardNo")?;
    let mobile = input.text("mobile");
    let bank = input.text("bankcardNo");
    let matched = KNOWN_PEOPLE.iter().any(|p| {
        p.name == name
            && p.id_card_no.eq_ignore_ascii_case(&card_no)
            && mobile.as_deref().is_none_or(|m| m == p.mobile)
            && bank.as_deref().is_none_or(|b| b == p.bank_card_no)
    });
    Ok(verdict(matched, "身份信息不一致"))
}

fn company_info_verify(_state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = required_text(&input, "companyName")?;
    let register_no = required_text(&input, "registerNo")?;
    let legal = input.text("legalPerson");
    let matched = KNOWN_COMPANIES.iter().any(|c| {
        c.name == name
            && c.register_no.eq_ignore_ascii_case(&register_no)
            && legal.as_deref().is_none_or(|l| l == c.legal_person)
    });
    Ok(verdict(matched, "企业信息不一致"))
}

/// Checks that exactly one of `image` and `imageUrl` came, and that the image is not empty.
fn ocr_input(input: &mut Input) -> Result<(), Failure> {
    let image = input.take_file("image");
    match (image, input.text("imageUrl")) {
        (Some(_), Some(_)) => Err(Failure::invalid_param(
            "only one of image and imageUrl may be given",
        )),
        (None, None) => Err(Failure::invalid_param(
            "one of image or imageUrl is required",
        )),
        (Some(f), None) if f.bytes.is_empty() => Err(Failure::invalid_param("image is empty")),
        _ => Ok(()),
    }
}

fn ocr_idcard(_state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    ocr_input(&mut input)?;
    let p = &KNOWN_PEOPLE[0];
    Ok(Answer::Result(json!({
        "name": p.name,
        "idCardNo": p.id_card_no,
        "sex": "男",
        "nation": "汉",
        "birth": "1990-03-07",
        "address": "北京市东城区沙箱路1号",
    })))
}

fn ocr_bankcard(_state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    ocr_input(&mut input)?;
    Ok(Answer::Result(json!({
        "bankCardNo": KNOWN_PEOPLE[0].bank_card_no,
        "bankName": "中国工商银行",
        "cardType": "DEBIT",
    })))
}

fn new_report(state: &mut State, chain_id: String, materials: Vec<String>) -> Answer {
    let prove_id = state.identity.next_id();
    push_capped(
        &mut state.identity.reports,
        EvidenceReport {
            prove_id: prove_id.clone(),
            chain_id,
            materials,
        },
    );
    Answer::Result(json!({ "proveId": prove_id }))
}

fn electronic_prove_apply(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let chain_id = required_text(&input, "chainId")?;
    Ok(new_report(state, chain_id, Vec::new()))
}

fn complete_report_apply(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let chain_id = required_text(&input, "chainId")?;
    let materials = input
        .files
        .iter()
        .filter(|(name, _)| name == "proveMaterial")
        .map(|(_, f)| f.file_name.clone())
        .collect();
    Ok(new_report(state, chain_id, materials))
}

fn find_report<'s>(state: &'s State, input: &Input) -> Result<&'s EvidenceReport, Failure> {
    let prove_id = required_text(input, "proveId")?;
    state
        .identity
        .reports
        .iter()
        .find(|r| r.prove_id == prove_id)
        .ok_or_else(|| Failure::invalid_param(format!("proveId {prove_id} does not exist")))
}

fn complete_report_status(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let report = find_report(state, &input)?;
    Ok(Answer::Result(json!({
        "proveId": report.prove_id,
        "chainId": report.chain_id,
        "status": "COMPLETE",
        "proveMaterials": report.materials,
    })))
}

fn complete_report_download(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let report = find_report(state, &input)?;
    let bytes = format!(
        "%PDF-1.4\n% qys-sandbox evidence report {} (chain {})\n%%EOF\n",
        report.prove_id, report.chain_id
    )
    .into_bytes();
    Ok(Answer::File {
        file_name: format!("出证报告-{}.pdf", report.prove_id),
        content_type: "application/pdf",
        bytes,
    })
}

fn chain_notary(state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    required_text(&input, "notaryName")?;
    let file = input.take_file("notaryFile");
    let hash = match (input.text("notaryDataHash"), &file) {
        (Some(h), _) => h,
        (None, Some(f)) => md5_hex(&f.bytes),
        (None, None) => {
            return Err(Failure::invalid_param(
                "one of notaryFile or notaryDataHash is required",
            ));
        }
    };
    let id = state.identity.next_id();
    Ok(Answer::Result(json!({
        "notaryId": id,
        "chainId": format!("qys-sandbox-chain-{id}"),
        "notaryDataHash": hash,
    })))
}
