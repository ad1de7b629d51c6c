//! Micro-benchmarks of the sans-IO core: signing and building requests, parsing envelopes
//! beside plain `serde_json` into the same types, and multipart framing.
//!
//! `cargo bench -p qys-proto --bench core` runs them with divan (wall time per call).
//!
//! `QYS_ICOUNT=<op>:<n> cargo bench -p qys-proto --bench core` skips divan and runs `<op>`
//! `n` times: run it under `valgrind --tool=callgrind` with two values of `n` and divide the
//! difference of the instruction counts by the difference of `n` for a per-call instruction
//! count that does not depend on machine load. `QYS_ICOUNT=list:0` prints the op names.

use std::hint::black_box;
use std::sync::LazyLock;

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, StatusCode};
use qys_proto::api::company::CompanyDetailRequest;
use qys_proto::api::contract::{ContractDetailRequest, ContractListRequest, ContractPage};
use qys_proto::api::document::DocumentAddByFileRequest;
use qys_proto::api::miniapp::{ContractSignTicketRequest, TicketResult};
use qys_proto::multipart::UploadFile;
use qys_proto::types::{Contract, User};
use qys_proto::{ContractId, Core, Credentials, Environment, Nonce, SigningParams, signature};
use serde::Deserialize;

const COMPANY: &str = "上海契约锁电子合同签名有限公司";

/// The envelope as a hand-written integration deserializes it: `result` typed, one pass.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Direct<T> {
    code: i64,
    message: Option<String>,
    response_code: Option<String>,
    result: T,
}

static CORE: LazyLock<Core> = LazyLock::new(|| {
    Core::new(
        Environment::test(),
        Credentials::new("AppToken123", "AppSecret456"),
    )
    .expect("core")
});

static PARAMS: LazyLock<SigningParams> = LazyLock::new(|| {
    SigningParams::new(
        1_763_800_000_000,
        Nonce::new("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0").expect("nonce"),
    )
});

static JSON_HEADERS: LazyLock<HeaderMap> = LazyLock::new(|| {
    let mut h = HeaderMap::new();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    h
});

const DETAIL: &[u8] = include_bytes!("../testdata/responses/contract_detail.json");

const TICKET: &[u8] = br#"{"code":0,"message":"SUCCESS","responseCode":"00000000","result":{"ticket":"0f1e2d3c4b5a69788796a5b4c3d2e1f0"}}"#;

/// A contract list envelope of at least 1 MiB: the detail fixture's contract (signatories,
/// actions, documents, Chinese text) repeated with distinct IDs, compact JSON.
static LIST_1MB: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let detail: serde_json::Value = serde_json::from_slice(DETAIL).expect("fixture");
    let one = detail["result"].clone();
    let one_len = serde_json::to_vec(&one).expect("json").len();
    let count = (1024 * 1024) / one_len + 1;
    let list: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let mut c = one.clone();
            c["id"] =
                serde_json::Value::String((2_591_540_368_898_105_360u64 + i as u64).to_string());
            c
        })
        .collect();
    let envelope = serde_json::json!({
        "code": 0,
        "message": "SUCCESS",
        "responseCode": "00000000",
        "result": { "totalCount": count, "list": list },
    });
    let bytes = serde_json::to_vec(&envelope).expect("json");
    assert!(bytes.len() >= 1024 * 1024);
    bytes
});

fn ticket_request() -> ContractSignTicketRequest {
    ContractSignTicketRequest::new(
        ContractId::new("2591540368898105360"),
        User::mobile("13800000001"),
    )
}

// ----- the operations (shared by divan and the instruction-count mode) -----

fn op_signature() {
    let creds = Credentials::new("AppToken123", "AppSecret456");
    black_box(signature(
        black_box(&creds),
        black_box(PARAMS.timestamp_ms()),
        Some(PARAMS.nonce()),
    ));
}

fn op_prepare_ticket(request: &ContractSignTicketRequest) {
    black_box(CORE.prepare(black_box(request), &PARAMS).expect("prepare"));
}

fn op_prepare_company_detail(request: &CompanyDetailRequest) {
    black_box(CORE.prepare(black_box(request), &PARAMS).expect("prepare"));
}

fn op_prepare_contract_list(request: &ContractListRequest) {
    black_box(CORE.prepare(black_box(request), &PARAMS).expect("prepare"));
}

fn op_prepare_upload() {
    let request = DocumentAddByFileRequest::new(
        ContractId::new("2591540368898105360"),
        "营业执照",
        UploadFile::new("营业执照.pdf", 1_048_576, ()),
    );
    black_box(
        CORE.prepare_upload(black_box(&request), &PARAMS)
            .expect("prepare"),
    );
}

fn parse_qys<E: qys_proto::endpoint::Endpoint>(body: &[u8]) -> E::Response {
    CORE.parse_parts::<E>(StatusCode::OK, &JSON_HEADERS, black_box(body))
        .expect("parse")
}

fn op_parse_ticket_qys() {
    black_box(parse_qys::<ContractSignTicketRequest>(TICKET));
}

fn op_parse_ticket_direct() {
    black_box(serde_json::from_slice::<Direct<TicketResult>>(black_box(TICKET)).expect("parse"));
}

fn op_parse_detail_qys() {
    black_box(parse_qys::<ContractDetailRequest>(DETAIL));
}

fn op_parse_detail_direct() {
    black_box(serde_json::from_slice::<Direct<Contract>>(black_box(DETAIL)).expect("parse"));
}

fn op_parse_list_qys() {
    black_box(parse_qys::<ContractListRequest>(&LIST_1MB));
}

fn op_parse_list_direct() {
    black_box(serde_json::from_slice::<Direct<ContractPage>>(black_box(&LIST_1MB)).expect("parse"));
}

fn company_detail() -> CompanyDetailRequest {
    CompanyDetailRequest::by_name(COMPANY)
}

fn contract_list() -> ContractListRequest {
    ContractListRequest::new()
        .select_limit(100)
        .tenant_name(COMPANY)
        .category_name("劳动合同")
}

// ----- divan -----

#[divan::bench]
fn sign_signature_only() {
    op_signature();
}

#[divan::bench]
fn prepare_ticket_json_post(b: divan::Bencher) {
    let request = ticket_request();
    b.bench(|| op_prepare_ticket(&request));
}

#[divan::bench]
fn prepare_company_detail_chinese_get(b: divan::Bencher) {
    let request = company_detail();
    b.bench(|| op_prepare_company_detail(&request));
}

#[divan::bench]
fn prepare_contract_list_chinese_get(b: divan::Bencher) {
    let request = contract_list();
    b.bench(|| op_prepare_contract_list(&request));
}

#[divan::bench]
fn prepare_upload_multipart_framing() {
    op_prepare_upload();
}

#[divan::bench]
fn parse_ticket_qys() {
    op_parse_ticket_qys();
}

#[divan::bench]
fn parse_ticket_serde_direct() {
    op_parse_ticket_direct();
}

#[divan::bench(bytes_count = DETAIL.len())]
fn parse_contract_detail_qys() {
    op_parse_detail_qys();
}

#[divan::bench(bytes_count = DETAIL.len())]
fn parse_contract_detail_serde_direct() {
    op_parse_detail_direct();
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn parse_contract_list_1mb_qys(b: divan::Bencher) {
    LazyLock::force(&LIST_1MB);
    b.counter(divan::counter::BytesCount::new(LIST_1MB.len()))
        .bench(op_parse_list_qys);
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn parse_contract_list_1mb_serde_direct(b: divan::Bencher) {
    LazyLock::force(&LIST_1MB);
    b.counter(divan::counter::BytesCount::new(LIST_1MB.len()))
        .bench(op_parse_list_direct);
}

/// A named operation of the instruction-count mode.
type Op = Box<dyn Fn()>;

fn main() {
    // Check once that both sides of every comparison decode the same thing.
    let qys = parse_qys::<ContractDetailRequest>(DETAIL);
    let direct: Direct<Contract> = serde_json::from_slice(DETAIL).expect("direct");
    assert_eq!(qys, direct.result);
    let qys = parse_qys::<ContractListRequest>(&LIST_1MB);
    let direct: Direct<ContractPage> = serde_json::from_slice(&LIST_1MB).expect("direct");
    assert_eq!(qys, direct.result);

    let Ok(spec) = std::env::var("QYS_ICOUNT") else {
        divan::main();
        return;
    };
    let (op, n) = spec.split_once(':').expect("QYS_ICOUNT=<op>:<n>");
    let n: u64 = n.parse().expect("a count");
    let ticket = ticket_request();
    let company = company_detail();
    let list = contract_list();
    let ops: Vec<(&str, Op)> = vec![
        ("signature", Box::new(op_signature)),
        (
            "prepare_ticket",
            Box::new(move || op_prepare_ticket(&ticket)),
        ),
        (
            "prepare_company_detail",
            Box::new(move || op_prepare_company_detail(&company)),
        ),
        (
            "prepare_contract_list",
            Box::new(move || op_prepare_contract_list(&list)),
        ),
        ("prepare_upload", Box::new(op_prepare_upload)),
        ("parse_ticket_qys", Box::new(op_parse_ticket_qys)),
        ("parse_ticket_direct", Box::new(op_parse_ticket_direct)),
        ("parse_detail_qys", Box::new(op_parse_detail_qys)),
        ("parse_detail_direct", Box::new(op_parse_detail_direct)),
        ("parse_list_qys", Box::new(op_parse_list_qys)),
        ("parse_list_direct", Box::new(op_parse_list_direct)),
    ];
    if op == "list" {
        for (name, _) in &ops {
            println!("{name}");
        }
        return;
    }
    let (_, f) = ops
        .iter()
        .find(|(name, _)| *name == op)
        .unwrap_or_else(|| panic!("unknown op {op}"));
    for _ in 0..n {
        f();
    }
}
