//! A contract's whole life through the async client against the sandbox, over loopback:
//! draft → document from a file → send → company seal → personal signature → detail →
//! download (PDF and ZIP) → list, and the pager's stop rules.

mod common;
#[path = "../../qys-blocking/tests/support/lifecycle.rs"]
mod lifecycle;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use lifecycle::{LIST, pdf_bytes, signer};
use qys_async::api::contract::{
    ContractDetailRequest, ContractDownloadRequest, ContractListRequest, ContractSendRequest,
};
use qys_async::api::document::{DocumentAddByFileRequest, DocumentDownloadRequest};
use qys_async::api::signing::{CompanySignRequest, PersonalSignRequest};
use qys_async::types::{Contract, ContractStatus};
use qys_async::{
    Client, ContractId, Credentials, DocumentId, Environment, Error, RetryPolicy, open_file,
};
use qys_sandbox::Sandbox;

/// A draft between the platform company (one company seal action) and a person.
async fn draft(client: &Client, sandbox: &Sandbox, subject: &str) -> Contract {
    let created = client
        .execute(&lifecycle::draft_request(sandbox, subject))
        .await
        .expect("the draft is created");
    lifecycle::check_draft(&created);
    created
}

async fn add_document(client: &Client, id: &ContractId, dir: &Path, bytes: &[u8]) -> DocumentId {
    let file = open_file(lifecycle::document_file(dir, bytes))
        .await
        .expect("the file opens");
    let mut request = DocumentAddByFileRequest::new(id.clone(), "合同正文", file);
    client
        .upload(&mut request)
        .await
        .expect("the document is added")
        .document_id
}

async fn detail(client: &Client, id: &ContractId) -> Contract {
    client
        .execute(&ContractDetailRequest::new(id.clone()))
        .await
        .expect("the detail answers")
}

/// A sent contract with one document.
async fn sent_contract(client: &Client, sandbox: &Sandbox, dir: &Path, seed: u32) -> ContractId {
    let created = draft(client, sandbox, &format!("分页测试合同 {seed}")).await;
    let id = created.id.unwrap();
    add_document(client, &id, dir, &pdf_bytes(seed)).await;
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .await
        .expect("the contract is sent");
    id
}

#[tokio::test]
async fn a_contract_goes_from_draft_to_complete_and_downloads_what_was_uploaded() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = common::temp_dir("lifecycle-flow");

    let created = draft(&client, &sandbox, "采购合同（qys 异步生命周期测试）").await;
    let id = created.id.unwrap();

    let uploaded = pdf_bytes(1);
    let document_id = add_document(&client, &id, &dir, &uploaded).await;

    client
        .execute(&ContractSendRequest::new(id.clone()))
        .await
        .expect("the contract is sent");
    assert_eq!(
        detail(&client, &id).await.status,
        Some(ContractStatus::Signing)
    );

    client
        .execute(&CompanySignRequest::new(id.clone()))
        .await
        .expect("the company seals");
    assert_eq!(
        detail(&client, &id).await.status,
        Some(ContractStatus::Signing),
        "the person has not signed yet"
    );

    client
        .execute(&PersonalSignRequest::new(id.clone(), signer()))
        .await
        .expect("the person signs");
    lifecycle::check_complete(&detail(&client, &id).await, &document_id);

    // The contract original alone, not zipped: the very bytes uploaded.
    let pdf_path = dir.join("signed.pdf");
    let meta = client
        .download_to_path(&lifecycle::pdf_only(&id), &pdf_path)
        .await
        .expect("the PDF downloads");
    lifecycle::check_pdf(&pdf_path, &meta, &uploaded);

    // One document by its ID, into memory.
    let mut streamed = Vec::new();
    client
        .download_to(&DocumentDownloadRequest::new(document_id), &mut streamed)
        .await
        .expect("the document downloads");
    assert_eq!(streamed, uploaded);

    // The default download is a ZIP holding the document (stored entries).
    let zip_path = dir.join("contract.zip");
    let meta = client
        .download_to_path(&ContractDownloadRequest::new(id.clone()), &zip_path)
        .await
        .expect("the ZIP downloads");
    lifecycle::check_zip(&zip_path, &meta, &uploaded);

    // Listed among the contracts.
    let listed: Vec<Contract> = client
        .pages(&ContractListRequest::new().select_limit(2))
        .items()
        .try_collect()
        .await
        .expect("the list walks");
    assert!(listed.iter().any(|c| c.id.as_ref() == Some(&id)));

    lifecycle::check_only_downloads_left(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn downloading_an_unknown_contract_is_an_api_error_and_leaves_no_file() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = common::temp_dir("lifecycle-unknown");
    let path = dir.join("missing.zip");
    let err = client
        .download_to_path(&lifecycle::unknown_download(), &path)
        .await
        .unwrap_err();
    lifecycle::check_unknown(&err, &path, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every contract ID the list walk yields (checking page sizes and duplicates), and the
/// number of pages.
async fn walk_ids(client: &Client, limit: u64) -> (Vec<ContractId>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut stream = client.pages(&ContractListRequest::new().select_limit(limit));
    while let Some(page) = stream.next().await {
        let page = page.expect("a page");
        lifecycle::check_page(&page, limit);
        pages += 1;
        ids.extend(lifecycle::ids_of(page));
    }
    lifecycle::check_unique(&ids);
    (ids, pages)
}

#[tokio::test]
async fn the_list_is_walked_page_by_page_and_stops_at_the_end() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = common::temp_dir("lifecycle-pages");
    let (before, _) = walk_ids(&client, 1000).await;
    let mut created = Vec::new();
    for seed in 0..7 {
        created.push(sent_contract(&client, &sandbox, &dir, 100 + seed).await);
    }

    let (all, _) = walk_ids(&client, 1000).await;
    assert_eq!(all.len(), before.len() + 7);
    let total = all.len();

    let seen_before = sandbox.requests_seen(LIST);
    let (ids, pages) = walk_ids(&client, 3).await;
    let calls = sandbox.requests_seen(LIST) - seen_before;
    assert_eq!(
        ids, all,
        "pages of 3 list the same contracts in the same order"
    );
    assert_eq!(pages, total.div_ceil(3));
    assert_eq!(
        calls, pages,
        "one call per page, none for an empty page after the last"
    );
    for id in &created {
        assert!(ids.contains(id), "{id:?} is listed");
    }

    // A page size that divides the total exactly stops on totalCount.
    let seen_before = sandbox.requests_seen(LIST);
    let (ids, pages) = walk_ids(&client, total as u64).await;
    assert_eq!((ids.len(), pages), (total, 1));
    assert_eq!(sandbox.requests_seen(LIST) - seen_before, 1);

    // Items flatten the pages; an offset skips what is before it.
    let items: Vec<Contract> = client
        .pages(&ContractListRequest::new().select_limit(3))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        items.into_iter().map(|c| c.id.unwrap()).collect::<Vec<_>>(),
        all
    );
    let tail: Vec<Contract> = client
        .pages(&ContractListRequest::new().select_limit(3).select_offset(4))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tail.len(), total - 4);

    // The page cap: an error after the last allowed page when more remain, then the end.
    let mut capped = client
        .pages(&ContractListRequest::new().select_limit(3))
        .max_pages(2);
    assert_eq!(capped.next().await.unwrap().unwrap().len(), 3);
    assert_eq!(capped.next().await.unwrap().unwrap().len(), 3);
    assert!(matches!(capped.next().await, Some(Err(Error::Decode(_)))));
    assert!(capped.next().await.is_none());
    assert_eq!(capped.pages_fetched(), 2);

    // The stream can move into a spawned task.
    let client2 = client.clone();
    let count = tokio::spawn(async move {
        let request = ContractListRequest::new().select_limit(3);
        client2.pages(&request).items().count().await
    })
    .await
    .unwrap();
    assert_eq!(count, total);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_error_ends_the_walk_after_being_yielded_once() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let dir = common::temp_dir("lifecycle-error");
    for seed in 0..4 {
        sent_contract(&client, &sandbox, &dir, 200 + seed).await;
    }

    // (A blank tenant: the platform states no range for `selectLimit`, so a limit no longer
    // serves as the bad input.)
    let mut bad =
        client.pages(&qys_async::api::employee::EmployeeListRequest::new().tenant_name(" "));
    assert!(matches!(bad.next().await, Some(Err(Error::Build(_)))));
    assert!(bad.next().await.is_none());

    let mut pages = client.pages(&ContractListRequest::new().select_limit(2));
    assert_eq!(pages.next().await.unwrap().unwrap().len(), 2);
    lifecycle::fail_next_list_call(&sandbox);
    let seen = sandbox.requests_seen(LIST);
    assert!(matches!(pages.next().await, Some(Err(Error::Api(_)))));
    assert!(pages.next().await.is_none());
    assert!(pages.next().await.is_none());
    assert_eq!(sandbox.requests_seen(LIST), seen + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A loopback server that answers each of its connections with the same page of three
/// contracts, whatever offset was asked, `answers` times, then closes.
struct SamePageServer {
    base_url: String,
    hits: Arc<AtomicUsize>,
    handle: Option<JoinHandle<()>>,
}

impl SamePageServer {
    fn start(answers: usize, total: Option<u64>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        let body = lifecycle::same_page_body(total);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=UTF-8\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let handle = std::thread::spawn(move || {
            for _ in 0..answers {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                answer_one(stream, answer.as_bytes());
            }
        });
        Self {
            base_url,
            hits,
            handle: Some(handle),
        }
    }

    fn client(&self) -> Client {
        Client::builder(
            Environment::custom(&self.base_url).unwrap(),
            Credentials::new("t", "s"),
        )
        .allow_http(true)
        .retry_policy(RetryPolicy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
    }
}

impl Drop for SamePageServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            if !h.is_finished() {
                let _ = TcpStream::connect(self.base_url.trim_start_matches("http://"));
            }
            let _ = h.join();
        }
    }
}

fn answer_one(stream: TcpStream, answer: &[u8]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let mut stream = reader.into_inner();
    let _ = stream.write_all(answer);
    let _ = stream.flush();
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_cannot_make_the_walk_endless() {
    // With a totalCount: the walk stops once the offsets reach it (pages at 0, 3 and 6 of 7).
    let server = SamePageServer::start(3, Some(7));
    let client = server.client();
    let pages: Vec<_> = common::within(
        20,
        client
            .pages(&ContractListRequest::new().select_limit(3))
            .collect::<Vec<_>>(),
    )
    .await;
    lifecycle::check_stopped_at_total(&pages);
    assert_eq!(server.hits.load(Ordering::SeqCst), 3);
    drop(server);

    // Without one: the page cap ends it with an error.
    let server = SamePageServer::start(4, None);
    let client = server.client();
    let pages: Vec<_> = common::within(
        20,
        client
            .pages(&ContractListRequest::new().select_limit(3))
            .max_pages(4)
            .collect::<Vec<_>>(),
    )
    .await;
    lifecycle::check_capped_at_4(&pages);
    assert_eq!(server.hits.load(Ordering::SeqCst), 4);
}
