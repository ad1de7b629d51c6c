//! 合同管理 (documents): adding documents to a draft and downloading one (spec §3.2–§3.4,
//! §3.13).
//!
//! - Documents are added to `DRAFT` contracts only (else 1101). A file is kept byte for byte;
//!   its `fileSuffix` must be a documented one and match the content for the types the
//!   sandbox can recognise (`pdf`, `png`, `jpg`/`jpeg`, `gif`; else 1402 `UNSUPPORTED FILE_REQUIRED
//!   TYPE`); an empty file is 1403 `INVALID FILE_REQUIRED`; more than 30 MB is `11990010`.
//! - `addbyfiles` merges several files: one file is kept as it is; several become one
//!   generated PDF with a page per file (the sandbox does not render documents).
//! - `addbytemplate` accepts any template ID and generates a PDF listing the parameters.
//! - `documentSort` orders the contract's documents (ascending; then in the order added).
//! - `/v2/document/download` answers the stored bytes, named `<title>.<suffix>`; an unknown
//!   `documentId` answers 1005 naming it. As on the platform, 10 downloads of one document
//!   less than 25 minutes apart (here or in `/v2/contract/download`) lock it for 12 hours
//!   (accumulating): `11990006`.

use qys_proto::DocumentId;
use serde_json::{Value, json};

use super::contract::{
    DOCUMENT_SUFFIXES, STAMPER, TEMPLATE_PARAM, api_operator, bad_status, check_stampers,
    content_type_of, contract_mut, count_downloads, locate, not_found,
};
use super::{Answer, BodyKind, Input, Route, text_of};
use crate::fields::{FILE_REQUIRED, FileField, Rule, Schema, Ty, file, opt, req};
use crate::reply::Failure;
use crate::state::{ContractStatus, State};
use crate::state_contract::{StoredDocument, pdf};

/// The largest document the sandbox takes (30 MB, §3.2).
const MAX_DOCUMENT: usize = 30 * 1024 * 1024;

/// `POST /v2/document/addbyfile` (§3.2, multipart).
const ADD_BY_FILE: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("title", Ty::Str),
        req("fileSuffix", Ty::Enum(DOCUMENT_SUFFIXES)),
        opt("documentSort", Ty::Int),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt(
            "stamperRule",
            Ty::Enum(&["MUST_FORBID", "MUST_ALLOW", "OPTIONAL"]),
        ),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/document/addbyfiles` (§3.3, multipart).
const ADD_BY_FILES: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("title", Ty::Str),
        opt("fileSuffix", Ty::Enum(DOCUMENT_SUFFIXES)),
        opt("documentSort", Ty::Int),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

const FILES: &[FileField] = &[file("files", true)];

/// `POST /v2/document/addbytemplate` (§3.4).
const ADD_BY_TEMPLATE: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("title", Ty::Str),
        req("templateId", Ty::Id),
        opt("templateParams", Ty::List(&Ty::Object(&TEMPLATE_PARAM))),
        opt("documentSort", Ty::Int),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `GET /v2/document/download` (§3.13).
const DOWNLOAD: Schema = Schema {
    fields: &[req("documentId", Ty::Id)],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/document/addbyfile", BodyKind::Multipart(FILE_REQUIRED), ADD_BY_FILE, add_by_file),
    route!(Post "/v2/document/addbyfiles", BodyKind::Multipart(FILES), ADD_BY_FILES, add_by_files),
    route!(Post "/v2/document/addbytemplate", BodyKind::Json, ADD_BY_TEMPLATE, add_by_template),
    route!(Get "/v2/document/download", BodyKind::Query, DOWNLOAD, download),
];

/// Whether `bytes` look like a `suffix` file (for the types with a signature; others pass).
fn content_matches(suffix: &str, bytes: &[u8]) -> bool {
    match suffix {
        "pdf" => bytes.starts_with(b"%PDF"),
        "png" => bytes.starts_with(b"\x89PNG"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8]),
        "gif" => bytes.starts_with(b"GIF8"),
        _ => true,
    }
}

fn check_file(name: &str, suffix: &str, bytes: &[u8]) -> Result<(), Failure> {
    if bytes.is_empty() {
        return Err(Failure::business(
            1403,
            "11011403",
            format!("INVALID FILE_REQUIRED: {name} is empty"),
        ));
    }
    if bytes.len() > MAX_DOCUMENT {
        return Err(Failure::business(
            1010,
            "11990010",
            format!("UPLOAD FILE_REQUIRED OVERSIZE: {name} is over {MAX_DOCUMENT} bytes"),
        ));
    }
    if !DOCUMENT_SUFFIXES.contains(&suffix) || !content_matches(suffix, bytes) {
        return Err(Failure::business(
            1402,
            "11011402",
            format!("UNSUPPORTED FILE_REQUIRED TYPE: {name} is not a {suffix} file"),
        ));
    }
    Ok(())
}

/// Adds a document to the draft the call names; answers `{documentId}`.
fn add_document(
    state: &mut State,
    input: &Input,
    suffix: String,
    bytes: Vec<u8>,
    page_count: u64,
) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    if c.status != ContractStatus::Draft {
        return Err(bad_status(c.status, "DRAFT"));
    }
    check_stampers(state, c, input.fields.get("stampers"), None)?;
    state.contract_book.check_room(0, bytes.len())?;
    let operator = api_operator(state, &id);
    let doc_id = DocumentId::new(state.contract_book.new_id());
    let title = input.text("title").unwrap_or_default();
    let sort = input
        .fields
        .get("documentSort")
        .and_then(Value::as_i64)
        .unwrap_or(i64::MAX);
    state.contract_book.documents.insert(
        doc_id.clone(),
        StoredDocument {
            id: doc_id.clone(),
            contract_id: id.clone(),
            title: title.clone(),
            suffix,
            bytes,
            page_count,
            create_time: state.clock.text(),
            sort,
        },
    );
    let sorts: Vec<(DocumentId, i64)> = {
        let c = state.contracts.get(&id).ok_or_else(not_found)?;
        c.documents
            .iter()
            .chain(std::iter::once(&doc_id))
            .map(|d| {
                let s = state
                    .contract_book
                    .documents
                    .get(d)
                    .map_or(i64::MAX, |x| x.sort);
                (d.clone(), s)
            })
            .collect()
    };
    let mut ordered = sorts;
    ordered.sort_by_key(|(_, s)| *s);
    let c = contract_mut(state, &id)?;
    c.documents = ordered.into_iter().map(|(d, _)| d).collect();
    if let Some(list) = input
        .fields
        .get("stampers")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    {
        let all = c
            .extra
            .entry("stampers")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = all {
            for s in list {
                let mut s = s.clone();
                if let Value::Object(o) = &mut s {
                    o.entry("documentId")
                        .or_insert_with(|| json!(doc_id.as_str()));
                }
                items.push(s);
            }
        }
    }
    c.record(
        &stamp,
        "MODIFY",
        "ADD_DOCUMENT",
        &operator,
        format!("document {doc_id} ({title})"),
    );
    Ok(Answer::Result(json!({ "documentId": doc_id.as_str() })))
}

fn page_count_of(suffix: &str, bytes: &[u8]) -> u64 {
    if suffix == "pdf" {
        pdf::page_count(bytes)
    } else {
        1
    }
}

fn add_by_file(state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    let file = input
        .take_file("file")
        .ok_or_else(|| Failure::invalid_param("file is required (a file part)"))?;
    let suffix = input.text("fileSuffix").unwrap_or_default();
    check_file(&file.file_name, &suffix, &file.bytes)?;
    let pages = page_count_of(&suffix, &file.bytes);
    add_document(state, &input, suffix, file.bytes, pages)
}

fn add_by_files(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let mut files = Vec::new();
    let mut total = 0usize;
    for (name, f) in &input.files {
        if name != "files" {
            continue;
        }
        let suffix = f
            .file_name
            .rsplit_once('.')
            .map(|(_, s)| s.to_ascii_lowercase())
            .or_else(|| input.text("fileSuffix"))
            .unwrap_or_default();
        check_file(&f.file_name, &suffix, &f.bytes)?;
        total += f.bytes.len();
        files.push((f.file_name.clone(), suffix, f.bytes.clone()));
    }
    if files.is_empty() {
        return Err(Failure::invalid_param("files is required (file parts)"));
    }
    if total > MAX_DOCUMENT {
        return Err(Failure::business(
            1010,
            "11990010",
            format!(
                "UPLOAD FILE_REQUIRED OVERSIZE: the files are over {MAX_DOCUMENT} bytes together"
            ),
        ));
    }
    if files.len() == 1 {
        let (_, suffix, bytes) = files.remove(0);
        let pages = page_count_of(&suffix, &bytes);
        return add_document(state, &input, suffix, bytes, pages);
    }
    let pages: Vec<Vec<String>> = files
        .iter()
        .enumerate()
        .map(|(i, (name, _, bytes))| {
            vec![
                format!("qys-sandbox merged document, part {}", i + 1),
                name.clone(),
                format!(
                    "{} bytes, CRC-32 {:08x}",
                    bytes.len(),
                    crate::state_contract::zip::crc32(bytes)
                ),
            ]
        })
        .collect();
    let merged = pdf::pages_pdf(&pages);
    let count = pdf::page_count(&merged);
    add_document(state, &input, "pdf".to_owned(), merged, count)
}

fn add_by_template(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let template = input.text("templateId").unwrap_or_default();
    if state.org.enabled_template(&template).is_none() {
        return Err(Failure::invalid_param(format!(
            "templateId {template} is not an enabled template (模板Id无效)"
        )));
    }
    let mut lines = vec![
        "qys-sandbox template document".to_owned(),
        input.text("title").unwrap_or_default(),
        format!("template {template}"),
    ];
    let params = input
        .fields
        .get("templateParams")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for p in &params {
        lines.push(format!(
            "{} = {}",
            p.get("name").and_then(text_of).unwrap_or_default(),
            p.get("value").and_then(text_of).unwrap_or_default()
        ));
    }
    let bytes = pdf::pages_pdf(&[lines]);
    let pages = pdf::page_count(&bytes);
    let answer = add_document(state, &input, "pdf".to_owned(), bytes, pages)?;
    if !params.is_empty() {
        let id = locate(state, &input)?;
        let c = contract_mut(state, &id)?;
        let all = c
            .extra
            .entry("templateParams")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = all {
            items.extend(params);
        }
    }
    Ok(answer)
}

fn download(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let doc_id = input.text("documentId").unwrap_or_default();
    let doc = state
        .contract_book
        .documents
        .get(&DocumentId::new(&doc_id))
        .cloned()
        .ok_or_else(|| Failure::invalid_param(format!("documentId {doc_id} does not exist")))?;
    count_downloads(state, std::slice::from_ref(&doc.id))?;
    let operator = api_operator(state, &doc.contract_id);
    if let Some(c) = state.contracts.get_mut(&doc.contract_id) {
        c.record(
            &stamp,
            "DOWNLOAD",
            "DOWNLOAD_DOCUMENT",
            &operator,
            format!("document {doc_id}"),
        );
    }
    Ok(Answer::File {
        file_name: doc.file_name(),
        content_type: content_type_of(&doc.suffix),
        bytes: doc.bytes,
    })
}
