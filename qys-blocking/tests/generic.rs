//! The generic call against the sandbox: a JSON call, a query call, a multipart upload and a
//! download, each signed and judged like a typed call; retried only when declared idempotent.

mod common;
#[path = "support/generic.rs"]
mod generic;

use std::io::Cursor;

use generic::{DETAIL, DRAFT};
use qys_blocking::Error;
use qys_sandbox::Fault;

#[test]
fn a_json_call_creates_a_draft_and_hands_out_the_whole_envelope() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let answer = client
        .execute(&generic::draft(&sandbox, "通用调用"))
        .expect("the draft is created");
    generic::check_draft(&answer, "通用调用");
    assert_eq!(sandbox.requests_seen(DRAFT), 1);
}

#[test]
fn a_query_call_reads_the_contract_and_is_retried_when_idempotent() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(DETAIL, Fault::Html(502), 1);
    let answer = client
        .execute(&generic::detail(&sandbox))
        .expect("the detail after one retry");
    assert_eq!(
        generic::id_of(&answer.result, "id"),
        sandbox.fixtures().contract_id.to_string()
    );
    assert_eq!(sandbox.requests_seen(DETAIL), 2);
}

#[test]
fn a_call_not_declared_idempotent_is_not_sent_twice() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(DRAFT, Fault::Html(502), 1);
    let err = client
        .execute(&generic::draft(&sandbox, "x"))
        .expect_err("the 502 is handed back");
    assert!(matches!(err, Error::Status(_)), "{err:?}");
    assert_eq!(sandbox.requests_seen(DRAFT), 1);
}

#[test]
fn a_multipart_upload_adds_a_document_and_a_download_streams_it_back() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let draft = client.execute(&generic::draft(&sandbox, "带文档")).unwrap();
    let mut upload = generic::add_document(&draft, Cursor::new(generic::pdf()));
    let added = client.upload(&mut upload).expect("the document is added");
    let mut bytes = Vec::new();
    client
        .download_to(&generic::download_document(&added), &mut bytes)
        .expect("the document downloads");
    assert_eq!(bytes, generic::pdf());
}

#[test]
fn a_bad_path_or_two_payloads_is_a_build_error_and_nothing_is_sent() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    for call in generic::malformed() {
        generic::check_malformed(&call, client.execute(&call));
    }
    assert_eq!(sandbox.requests_seen(DETAIL), 0);
}
