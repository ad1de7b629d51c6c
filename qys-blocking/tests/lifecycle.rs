//! A contract's whole life through the blocking client against the sandbox, over loopback:
//! draft → document from a file → send → company seal → personal signature → detail →
//! download (PDF and ZIP) → list, and the pager's stop rules.

mod common;
#[path = "support/lifecycle.rs"]
mod lifecycle;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use common::{RawServer, http_answer};
use lifecycle::{LIST, pdf_bytes, signer};
use qys_blocking::api::contract::{
    ContractDetailRequest, ContractDownloadRequest, ContractListRequest, ContractSendRequest,
};
use qys_blocking::api::document::{DocumentAddByFileRequest, DocumentDownloadRequest};
use qys_blocking::api::signing::{CompanySignRequest, PersonalSignRequest};
use qys_blocking::types::{Contract, ContractStatus};
use qys_blocking::{Client, ContractId, DocumentId, Error, RetryPolicy, open_file};
use qys_sandbox::Sandbox;

/// A fresh empty directory for this test.
fn temp_dir(tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "qys-blocking-lifecycle-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A draft between the platform company (one company seal action) and a person.
fn draft(client: &Client, sandbox: &Sandbox, subject: &str) -> Contract {
    let created = client
        .execute(&lifecycle::draft_request(sandbox, subject))
        .expect("the draft is created");
    lifecycle::check_draft(&created);
    created
}

fn add_document(client: &Client, id: &ContractId, dir: &Path, bytes: &[u8]) -> DocumentId {
    let file = open_file(lifecycle::document_file(dir, bytes)).expect("the file opens");
    let mut request = DocumentAddByFileRequest::new(id.clone(), "合同正文", file);
    client
        .upload(&mut request)
        .expect("the document is added")
        .document_id
}

fn status_of(client: &Client, id: &ContractId) -> Contract {
    client
        .execute(&ContractDetailRequest::new(id.clone()))
        .expect("the detail answers")
}

/// A sent contract with one document: its ID and the document's bytes.
fn sent_contract(
    client: &Client,
    sandbox: &Sandbox,
    dir: &Path,
    seed: u32,
) -> (ContractId, Vec<u8>) {
    let created = draft(client, sandbox, &format!("分页测试合同 {seed}"));
    let id = created.id.unwrap();
    let bytes = pdf_bytes(seed);
    add_document(client, &id, dir, &bytes);
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .expect("the contract is sent");
    (id, bytes)
}

#[test]
fn a_contract_goes_from_draft_to_complete_and_downloads_what_was_uploaded() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = temp_dir("flow");

    let created = draft(&client, &sandbox, "采购合同（qys 生命周期测试）");
    let id = created.id.unwrap();

    let uploaded = pdf_bytes(1);
    let document_id = add_document(&client, &id, &dir, &uploaded);
    assert!(!document_id.as_str().is_empty());

    client
        .execute(&ContractSendRequest::new(id.clone()))
        .expect("the contract is sent");
    assert_eq!(
        status_of(&client, &id).status,
        Some(ContractStatus::Signing)
    );

    client
        .execute(&CompanySignRequest::new(id.clone()))
        .expect("the company seals");
    assert_eq!(
        status_of(&client, &id).status,
        Some(ContractStatus::Signing),
        "the person has not signed yet"
    );

    client
        .execute(&PersonalSignRequest::new(id.clone(), signer()))
        .expect("the person signs");
    lifecycle::check_complete(&status_of(&client, &id), &document_id);

    // The contract original alone, not zipped: the very bytes uploaded.
    let pdf_path = dir.join("signed.pdf");
    let meta = client
        .download_to_path(&lifecycle::pdf_only(&id), &pdf_path)
        .expect("the PDF downloads");
    lifecycle::check_pdf(&pdf_path, &meta, &uploaded);

    // One document by its ID: the same bytes, streamed through `download`.
    let mut download = client
        .download(&DocumentDownloadRequest::new(document_id))
        .expect("the document downloads");
    let mut streamed = Vec::new();
    download.read_to_end(&mut streamed).unwrap();
    assert_eq!(streamed, uploaded);

    // The default download is a ZIP.
    let zip_path = dir.join("contract.zip");
    let meta = client
        .download_to_path(&ContractDownloadRequest::new(id.clone()), &zip_path)
        .expect("the ZIP downloads");
    lifecycle::check_zip(&zip_path, &meta, &uploaded);

    // Listed among the contracts.
    let listed: Vec<Contract> = client
        .pages(&ContractListRequest::new().select_limit(2))
        .items()
        .collect::<Result<_, _>>()
        .expect("the list walks");
    assert!(listed.iter().any(|c| c.id.as_ref() == Some(&id)));

    lifecycle::check_only_downloads_left(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn downloading_an_unknown_contract_is_an_api_error_and_leaves_no_file() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = temp_dir("unknown");
    let path = dir.join("missing.zip");
    let err = client
        .download_to_path(&lifecycle::unknown_download(), &path)
        .unwrap_err();
    lifecycle::check_unknown(&err, &path, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every contract ID the list walk yields, checking there is no duplicate.
fn walk_ids(client: &Client, limit: u64) -> (Vec<ContractId>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    for page in client.pages(&ContractListRequest::new().select_limit(limit)) {
        let page = page.expect("a page");
        lifecycle::check_page(&page, limit);
        pages += 1;
        ids.extend(lifecycle::ids_of(page));
    }
    lifecycle::check_unique(&ids);
    (ids, pages)
}

#[test]
fn the_list_is_walked_page_by_page_and_stops_at_the_end() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = temp_dir("pages");
    let (before, _) = walk_ids(&client, 1000);
    let created: Vec<ContractId> = (0..7)
        .map(|seed| sent_contract(&client, &sandbox, &dir, 100 + seed).0)
        .collect();

    let (all, _) = walk_ids(&client, 1000);
    assert_eq!(all.len(), before.len() + 7);
    let total = all.len();

    let seen_before = sandbox.requests_seen(LIST);
    let (ids, pages) = walk_ids(&client, 3);
    let calls = sandbox.requests_seen(LIST) - seen_before;
    assert_eq!(
        ids, all,
        "pages of 3 list the same contracts in the same order"
    );
    assert_eq!(pages, total.div_ceil(3));
    // The last page is short or reaches totalCount: no call for an empty page after it.
    assert_eq!(calls, pages, "one call per page");
    for id in &created {
        assert!(ids.contains(id), "{id:?} is listed");
    }

    // A page size that divides the total exactly stops on totalCount, without asking for
    // the empty page after it.
    let seen_before = sandbox.requests_seen(LIST);
    let (ids, pages) = walk_ids(&client, total as u64);
    assert_eq!((ids.len(), pages), (total, 1));
    assert_eq!(sandbox.requests_seen(LIST) - seen_before, 1);

    // Items flatten the pages.
    let items: Vec<Contract> = client
        .pages(&ContractListRequest::new().select_limit(3))
        .items()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        items.into_iter().map(|c| c.id.unwrap()).collect::<Vec<_>>(),
        all
    );

    // Starting at an offset skips what is before it.
    let tail: Vec<Contract> = client
        .pages(&ContractListRequest::new().select_limit(3).select_offset(4))
        .items()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tail.len(), total - 4);

    // The page cap: an error after the last allowed page when more remain, then the end.
    let mut capped = client
        .pages(&ContractListRequest::new().select_limit(3))
        .max_pages(2);
    assert_eq!(capped.next().unwrap().unwrap().len(), 3);
    assert_eq!(capped.next().unwrap().unwrap().len(), 3);
    assert!(matches!(capped.next(), Some(Err(Error::Decode(_)))));
    assert!(capped.next().is_none());
    assert_eq!(capped.pages_fetched(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_error_ends_the_walk_after_being_yielded_once() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let dir = temp_dir("error");
    for seed in 0..4 {
        sent_contract(&client, &sandbox, &dir, 200 + seed);
    }

    // Nothing is sent for a request that does not build.
    // (A blank tenant: the platform states no range for `selectLimit`, so a limit no longer
    // serves as the bad input.)
    let mut bad =
        client.pages(&qys_blocking::api::employee::EmployeeListRequest::new().tenant_name(" "));
    assert!(matches!(bad.next(), Some(Err(Error::Build(_)))));
    assert!(bad.next().is_none());

    // The second page fails: the first page, the error, then nothing (no further call).
    let mut pages = client.pages(&ContractListRequest::new().select_limit(2));
    assert_eq!(pages.next().unwrap().unwrap().len(), 2);
    lifecycle::fail_next_list_call(&sandbox);
    let seen = sandbox.requests_seen(LIST);
    assert!(matches!(pages.next(), Some(Err(Error::Api(_)))));
    assert!(pages.next().is_none());
    assert!(pages.next().is_none());
    assert_eq!(sandbox.requests_seen(LIST), seen + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A page of three contracts, whatever the offset asked for.
fn same_page(total: Option<u64>) -> Vec<u8> {
    http_answer(
        "200 OK",
        &[("content-type", "application/json;charset=UTF-8")],
        lifecycle::same_page_body(total).as_bytes(),
    )
}

#[test]
fn a_server_that_ignores_the_offset_cannot_make_the_walk_endless() {
    // With a totalCount: the walk stops once the offsets reach it (pages at 0, 3 and 6 of 7).
    let server = RawServer::start((0..3).map(|_| same_page(Some(7))).collect());
    let client = Client::builder(
        server.environment(),
        qys_blocking::Credentials::new("t", "s"),
    )
    .allow_http(true)
    .retry_policy(RetryPolicy::none())
    .build()
    .unwrap();
    let pages: Vec<_> = client
        .pages(&ContractListRequest::new().select_limit(3))
        .collect();
    lifecycle::check_stopped_at_total(&pages);
    assert_eq!(server.hits(), 3);
    drop(server);

    // Without one: the page cap ends it with an error.
    let server = RawServer::start((0..4).map(|_| same_page(None)).collect());
    let client = Client::builder(
        server.environment(),
        qys_blocking::Credentials::new("t", "s"),
    )
    .allow_http(true)
    .retry_policy(RetryPolicy::none())
    .build()
    .unwrap();
    let pages: Vec<_> = client
        .pages(&ContractListRequest::new().select_limit(3))
        .max_pages(4)
        .collect();
    lifecycle::check_capped_at_4(&pages);
    assert_eq!(server.hits(), 4);
}
