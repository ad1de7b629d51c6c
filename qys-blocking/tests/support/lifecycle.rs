//! The shared part of the lifecycle tests of both frontends (included by `#[path]` in
//! `qys-blocking/tests/lifecycle.rs` and `qys-async/tests/lifecycle.rs`): the files, the
//! requests, and the checks on what the calls answered. Each test only makes the client calls
//! (the pager is an iterator in one frontend and a stream in the other).
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeSet;
use std::path::Path;

use qys_proto::api::contract::{ContractDownloadRequest, ContractDraftRequest, DownloadItem};
use qys_proto::download::DownloadMeta;
use qys_proto::types::{
    ActionDraft, ActionType, Contract, ContractDraft, ContractStatus, SignatoryDraft, User,
};
use qys_proto::{ContractId, DocumentId, Error, Result};
use qys_sandbox::{Fault, Sandbox};

/// The list route.
pub const LIST: &str = "/v2/contract/list";

/// A small file that looks like a PDF, different for each `seed`.
pub fn pdf_bytes(seed: u32) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    out.extend(
        format!("1 0 obj << /Type /Catalog /Title (qys lifecycle {seed}) >> endobj\n").bytes(),
    );
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.push((x >> 24) as u8);
    }
    out.extend_from_slice(b"\n%%EOF\n");
    out
}

/// The names in `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The person who signs.
pub fn signer() -> User {
    User::mobile("13800000077").with_name("李四")
}

/// A draft between the platform company (one company seal action) and a person.
pub fn draft_request(sandbox: &Sandbox, subject: &str) -> ContractDraftRequest {
    ContractDraftRequest::new(ContractDraft::new(
        subject,
        [
            SignatoryDraft::company(
                sandbox.fixtures().authenticated_company.clone(),
                [ActionDraft::new(ActionType::Company)],
            ),
            SignatoryDraft::personal("李四", signer()),
        ],
    ))
}

/// A created draft: its status, its ID, both signatories.
pub fn check_draft(created: &Contract) {
    assert_eq!(created.status, Some(ContractStatus::Draft), "{created:?}");
    assert!(created.id.is_some(), "{created:?}");
    assert_eq!(created.signatories.len(), 2, "{created:?}");
}

/// Writes the document's file into `dir`; its path.
pub fn document_file(dir: &Path, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join("合同正文.pdf");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The signed contract is complete and holds the document.
pub fn check_complete(detail: &Contract, document_id: &DocumentId) {
    assert_eq!(detail.status, Some(ContractStatus::Complete), "{detail:?}");
    assert!(
        detail
            .documents
            .iter()
            .any(|d| d.id.as_ref() == Some(document_id)),
        "{detail:?}"
    );
}

/// The contract original alone, not zipped.
pub fn pdf_only(id: &ContractId) -> ContractDownloadRequest {
    ContractDownloadRequest::new(id.clone())
        .download_items([DownloadItem::Contract])
        .need_compress_for_one_file(false)
}

/// The PDF downloaded to `path` is the very bytes uploaded.
pub fn check_pdf(path: &Path, meta: &DownloadMeta, uploaded: &[u8]) {
    assert_eq!(std::fs::read(path).unwrap(), uploaded);
    assert!(
        meta.content_type().is_some_and(|t| t.contains("pdf")),
        "{meta:?}"
    );
}

/// The default download at `path` is a ZIP holding the document (stored entries).
pub fn check_zip(path: &Path, meta: &DownloadMeta, uploaded: &[u8]) {
    let zip = std::fs::read(path).unwrap();
    assert!(zip.starts_with(b"PK\x03\x04"), "a ZIP local file header");
    assert!(
        meta.content_type().is_some_and(|t| t.contains("zip")),
        "{meta:?}"
    );
    assert!(
        zip.windows(uploaded.len()).any(|w| w == uploaded),
        "the archive holds the document (stored entries)"
    );
}

/// Only the two downloads and the uploaded file are left in `dir`: no temporary file.
pub fn check_only_downloads_left(dir: &Path) {
    assert_eq!(
        entries(dir),
        vec!["contract.zip", "signed.pdf", "合同正文.pdf"],
        "no temporary file is left"
    );
}

/// The download of a contract that does not exist.
pub fn unknown_download() -> ContractDownloadRequest {
    ContractDownloadRequest::new(ContractId::new("1999999999999999999"))
}

/// It failed with the platform's error and left nothing in `dir`.
pub fn check_unknown(err: &Error, path: &Path, dir: &Path) {
    match err {
        Error::Api(api) => assert!(!api.message().is_empty(), "{api:?}"),
        other => panic!("expected an Api error, got {other:?}"),
    }
    assert!(!path.exists());
    assert!(entries(dir).is_empty(), "{:?}", entries(dir));
}

/// A page of a walk with page size `limit`: not empty, at most `limit` contracts.
pub fn check_page(page: &[Contract], limit: u64) {
    assert!(!page.is_empty(), "no empty page is yielded");
    assert!(page.len() as u64 <= limit, "a page holds at most {limit}");
}

/// The IDs of a page's contracts.
pub fn ids_of(page: Vec<Contract>) -> impl Iterator<Item = ContractId> {
    page.into_iter()
        .map(|c| c.id.expect("listed contracts have IDs"))
}

/// No contract is listed twice.
pub fn check_unique(ids: &[ContractId]) {
    let unique: BTreeSet<_> = ids.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "no contract is listed twice: {ids:?}"
    );
}

/// The next list call fails with HTTP 500 and an error envelope.
pub fn fail_next_list_call(sandbox: &Sandbox) {
    sandbox.inject(
        LIST,
        Fault::Status(
            500,
            r#"{"code":1000,"message":"服务器内部错误","responseCode":"11990500"}"#.to_owned(),
        ),
        1,
    );
}

/// The body of a page of three contracts, whatever the offset asked for.
pub fn same_page_body(total: Option<u64>) -> String {
    let total = total.map_or(String::new(), |t| format!(r#""totalCount":{t},"#));
    format!(
        r#"{{"code":0,"message":"SUCCESS","result":{{{total}"list":[{{"id":"1"}},{{"id":"2"}},{{"id":"3"}}]}}}}"#
    )
}

/// With a totalCount of 7: the walk stopped once the offsets reached it (pages at 0, 3, 6).
pub fn check_stopped_at_total(pages: &[Result<Vec<Contract>>]) {
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.as_ref().is_ok_and(|p| p.len() == 3)));
}

/// Without a totalCount: four pages, then the cap's error.
pub fn check_capped_at_4(pages: &[Result<Vec<Contract>>]) {
    assert_eq!(pages.len(), 5, "four pages and the cap's error");
    assert!(pages[..4].iter().all(Result::is_ok));
    match &pages[4] {
        Err(Error::Decode(e)) => assert!(e.to_string().contains("4 pages"), "{e}"),
        other => panic!("expected the cap's error, got {other:?}"),
    }
}
