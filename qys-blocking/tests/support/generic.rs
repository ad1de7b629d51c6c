//! The shared part of the generic-call tests of both frontends (included by `#[path]` in
//! `qys-blocking/tests/generic.rs` and `qys-async/tests/generic.rs`): the calls and the checks
//! on their answers. Each test only makes the client calls.
#![allow(dead_code, unreachable_pub)]

use qys_proto::generic::{GenericAnswer, GenericCall, GenericUpload, Method, Value, json};
use qys_proto::multipart::UploadFile;
use qys_proto::{BuildErrorKind, Error};
use qys_sandbox::Sandbox;

/// The draft route.
pub const DRAFT: &str = "/v2/contract/draft";
/// The detail route.
pub const DETAIL: &str = "/v2/contract/detail";

/// A draft between the platform company and a person, as a generic JSON call.
pub fn draft(sandbox: &Sandbox, subject: &str) -> GenericCall {
    GenericCall::new(Method::POST, DRAFT).json(json!({
        "subject": subject,
        "signatories": [
            {
                "tenantType": "COMPANY",
                "tenantName": sandbox.fixtures().authenticated_company,
                "actions": [{ "type": "COMPANY" }],
            },
            {
                "tenantType": "PERSONAL",
                "tenantName": "李四",
                "receiver": { "contact": "13800000077", "contactType": "MOBILE" },
            },
        ],
    }))
}

/// The created draft is in the answer, and the whole envelope with it.
pub fn check_draft(answer: &GenericAnswer, subject: &str) {
    assert_eq!(answer.code, Some(0), "{answer:?}");
    assert_eq!(answer.result["subject"], subject);
    assert_eq!(answer.result["status"], "DRAFT");
    let envelope = answer.envelope();
    assert_eq!(envelope["code"], 0);
    assert_eq!(envelope["result"], answer.result);
    assert!(envelope.get("message").is_some(), "{envelope}");
}

/// The fixture contract's detail as an idempotent query call.
pub fn detail(sandbox: &Sandbox) -> GenericCall {
    GenericCall::new(Method::GET, DETAIL)
        .query("contractId", sandbox.fixtures().contract_id.to_string())
        .idempotent(true)
}

/// The ID in a `result` (a JSON string or number) as text.
pub fn id_of(result: &Value, key: &str) -> String {
    match &result[key] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("{key} is {other:?} in {result}"),
    }
}

/// The bytes of the uploaded document.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.7 generic upload\n%%EOF\n".to_vec()
}

/// `/v2/document/addbyfile` for the draft answered, the file from `source`.
pub fn add_document<S>(draft: &GenericAnswer, source: S) -> GenericUpload<S> {
    GenericUpload::new(Method::POST, "/v2/document/addbyfile")
        .field("contractId", id_of(&draft.result, "id"))
        .field("title", "合同正文")
        .field("fileSuffix", "pdf")
        .file(
            "file",
            UploadFile::new("合同正文.pdf", pdf().len() as u64, source),
        )
}

/// `/v2/document/download` for the document added.
pub fn download_document(added: &GenericAnswer) -> GenericCall {
    GenericCall::new(Method::GET, "/v2/document/download")
        .query("documentId", id_of(&added.result, "documentId"))
}

/// Calls that break a rule of the generic call: no request may be sent for them.
pub fn malformed() -> Vec<GenericCall> {
    vec![
        GenericCall::new(Method::GET, "v2/contract/detail"),
        GenericCall::new(Method::GET, "/v2/contract/detail?contractId=1"),
        GenericCall::new(Method::GET, "/v2/contract/ detail"),
        GenericCall::new(Method::POST, DETAIL)
            .query("contractId", "1")
            .json(json!({})),
        GenericCall::new(Method::POST, DETAIL)
            .form("contractId", "1")
            .json(json!({})),
    ]
}

/// The answer to a malformed call: a build error.
pub fn check_malformed<T: std::fmt::Debug>(call: &GenericCall, answer: Result<T, Error>) {
    match answer {
        Err(Error::Build(b)) => assert_eq!(b.kind(), BuildErrorKind::InvalidArgument),
        other => panic!("{call:?}: {other:?}"),
    }
}
