//! The contract, document, signatory, signing and attachment endpoints over real HTTP on
//! loopback, driven by `qys_blocking::Client` with qys-proto's request types. Every sandbox
//! here is strict (undocumented fields are refused), so a field qys misspells fails too.

mod support;

use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use qys_blocking::{Client, Error, ErrorCode, UploadFile};
use qys_proto::api::attachment::AttachmentDownloadRequest;
use qys_proto::api::contract::*;
use qys_proto::api::document::*;
use qys_proto::api::signatory::*;
use qys_proto::api::signing::*;
use qys_proto::types::*;
use qys_proto::{ContractId, DocumentId, SignatoryId};
use qys_sandbox::{CallbackKind, Sandbox, SandboxClock};
use serde_json::{Value, json};
use support::{api_error, assert_1005, assert_error, post_json, strict};

/// A client that signs with the sandbox's clock, so that tests may move it.
fn client(sandbox: &Sandbox) -> Client {
    Client::builder(sandbox.environment(), sandbox.signer())
        .clock(sandbox.clock().clone())
        .allow_http(true)
        .build()
        .unwrap()
}

#[track_caller]
fn code_of<T: std::fmt::Debug>(result: Result<T, Error>) -> (ErrorCode, String) {
    let api = api_error(result);
    (api.kind(), api.message().to_owned())
}

fn pdf_bytes(tag: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% qys-sandbox test document {tag}\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"
    )
    .into_bytes()
}

fn png_bytes() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0u8..=255).cycle().take(3000));
    v
}

fn upload_file(name: &str, bytes: &[u8]) -> UploadFile<Cursor<Vec<u8>>> {
    UploadFile::new(name, bytes.len() as u64, Cursor::new(bytes.to_vec()))
}

fn person() -> User {
    User::mobile("13700000002").with_name("李四")
}

/// Sends a [`draft`] and signs it through: the platform company's seal, then 李四.
fn send_and_sign(client: &Client, id: &ContractId) {
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .unwrap();
    client
        .execute(&CompanySignRequest::new(id.clone()))
        .unwrap();
    client
        .execute(&PersonalSignRequest::new(id.clone(), person()))
        .unwrap();
}

/// A draft between the platform company (serialNo 1) and 李四 (serialNo 2).
fn draft(sandbox: &Sandbox, client: &Client, subject: &str, biz_id: &str) -> Contract {
    let f = sandbox.fixtures();
    let contract = ContractDraft::new(
        subject,
        [
            SignatoryDraft::company(
                f.authenticated_company.clone(),
                [ActionDraft::new(ActionType::Company)],
            )
            .with_serial_no(1),
            SignatoryDraft::personal("李四", person()).with_serial_no(2),
        ],
    )
    .with_biz_id(biz_id)
    .with_business_data("order-42")
    .with_callback_url("http://127.0.0.1:9/qys-callback")
    .with_send(false);
    client
        .execute(&ContractDraftRequest::new(contract))
        .expect("draft")
}

fn add_pdf(
    client: &Client,
    id: &ContractId,
    title: &str,
    file_name: &str,
    bytes: &[u8],
) -> DocumentId {
    let mut request =
        DocumentAddByFileRequest::new(id.clone(), title, upload_file(file_name, bytes));
    client
        .upload(&mut request)
        .expect("add document")
        .document_id
}

/// Drafts `contract` unsent, adds one PDF (its bytes marked by `tag`) and sends it; answers
/// the draft.
fn draft_and_send(client: &Client, mut contract: ContractDraft, tag: &str) -> Contract {
    contract.send = Some(false);
    let draft = client
        .execute(&ContractDraftRequest::new(contract))
        .unwrap();
    let id = draft.id.clone().unwrap();
    add_pdf(client, &id, "正文", "正文.pdf", &pdf_bytes(tag));
    client.execute(&ContractSendRequest::new(id)).unwrap();
    draft
}

fn detail(client: &Client, id: &ContractId) -> Contract {
    client
        .execute(&ContractDetailRequest::new(id.clone()).query_action_operator(true))
        .expect("detail")
}

fn statuses(c: &Contract) -> Vec<String> {
    c.signatories
        .iter()
        .map(|s| {
            s.status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn download_bytes<E: qys_proto::endpoint::Download>(
    client: &Client,
    endpoint: &E,
) -> (Option<String>, Vec<u8>) {
    let mut d = client.download(endpoint).expect("download");
    let name = d.meta().file_name().map(str::to_owned);
    let mut bytes = Vec::new();
    d.read_to_end(&mut bytes).unwrap();
    (name, bytes)
}

// --- a small ZIP reader (stored entries), independent of the sandbox's writer ---------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The entries of a ZIP, read through its central directory; checks every CRC.
fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let eocd = zip
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .expect("end of central directory");
    let count = u16_at(zip, eocd + 10);
    let mut at = u32_at(zip, eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02", "central directory entry");
        assert_eq!(u16_at(zip, at + 10), 0, "stored");
        let crc = u32_at(zip, at + 16);
        let size = u32_at(zip, at + 20) as usize;
        let name_len = u16_at(zip, at + 28);
        let extra_len = u16_at(zip, at + 30);
        let comment_len = u16_at(zip, at + 32);
        let local = u32_at(zip, at + 42) as usize;
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        assert_eq!(
            &zip[local..local + 4],
            b"PK\x03\x04",
            "local header of {name}"
        );
        let data_at = local + 30 + u16_at(zip, local + 26) + u16_at(zip, local + 28);
        let data = zip[data_at..data_at + size].to_vec();
        assert_eq!(crc32(&data), crc, "CRC of {name}");
        out.push((name, data));
        at += 46 + name_len + extra_len + comment_len;
    }
    out
}

/// The contract callbacks the sandbox owes about `id`: their `callbackType`s, in order.
fn callback_types(sandbox: &Sandbox, id: &ContractId, at_least: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list: Vec<Value> = sandbox
            .deliveries()
            .into_iter()
            .filter(|d| d.kind == CallbackKind::ContractStatus)
            .filter(|d| d.fields.get("contractId") == Some(&json!(id.as_str())))
            .map(|d| Value::Object(d.fields))
            .collect();
        if list.len() >= at_least || Instant::now() > deadline {
            return list;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// --- the lifecycle ----------------------------------------------------------------------------

#[test]
fn a_contract_goes_from_draft_to_complete() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let c = draft(&sandbox, &client, "采购合同", "biz-lifecycle-1");
    let id = c.id.clone().unwrap();
    assert_eq!(id.as_str().len(), 19, "{id}");
    assert_eq!(c.status, Some(ContractStatus::Draft));
    assert!(c.documents.is_empty(), "a draft has no documents");
    assert_eq!(c.signatories.len(), 2);
    assert_eq!(c.signatories[0].sponsor, Some(true));
    let action_id = c.signatories[0].actions[0].id.clone().unwrap();
    assert_eq!(action_id.as_str().len(), 19);

    // Sending without a document: 1401.
    let (code, _) = code_of(client.execute(&ContractSendRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::DocumentRequired);

    // Two documents: a PDF with a Chinese name, and a PNG.
    let pdf = pdf_bytes("lifecycle");
    let doc1 = add_pdf(&client, &id, "采购合同正文", "采购合同.pdf", &pdf);
    let png = png_bytes();
    let doc2 = add_pdf(&client, &id, "附件一", "附件一.png", &png);
    assert_ne!(doc1, doc2);

    // Send, with a company position on page 1 of the first document.
    client
        .execute(&ContractSendRequest::new(id.clone()).stampers([
            Stamper::at(StamperType::Company, doc1.clone(), 1, 0.5, 0.2).for_action(action_id),
        ]))
        .expect("send");
    let d = detail(&client, &id);
    assert_eq!(d.status, Some(ContractStatus::Signing));
    assert_eq!(statuses(&d), ["SIGNING", "WAITING"]);
    assert!(d.publish_time.is_some() && d.expire_time.is_some());

    // 李四 signs out of turn: 1107.
    let (code, message) = code_of(client.execute(&PersonalSignRequest::new(id.clone(), person())));
    assert_eq!(code, ErrorCode::NotSignStep, "{message}");
    // An unknown seal: 1201.
    let (code, _) = code_of(client.execute(&CompanySignRequest::from(
        SignParam::new(id.clone()).seal_id("1234567"),
    )));
    assert_eq!(code, ErrorCode::SealNotFound);

    client
        .execute(&CompanySignRequest::from(
            SignParam::new(id.clone()).seal_id(f.company_seal_id),
        ))
        .expect("company sign");
    let d = detail(&client, &id);
    assert_eq!(statuses(&d), ["SIGNED", "SIGNING"]);
    assert_eq!(
        d.signatories[0].actions[0].status,
        Some(ActionStatus::Finish)
    );
    // Sealing twice: not its step any more.
    let (code, _) = code_of(client.execute(&CompanySignRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::NotSignStep);

    client
        .execute(&PersonalSignRequest::new(id.clone(), person()))
        .expect("personal sign");
    let d = detail(&client, &id);
    assert_eq!(d.status, Some(ContractStatus::Complete));
    assert_eq!(statuses(&d), ["SIGNED", "SIGNED"]);
    assert_eq!(d.documents.len(), 2);
    assert_eq!(d.documents[0].title.as_deref(), Some("采购合同正文"));
    assert_eq!(d.documents[0].page_count, Some(1));
    assert_eq!(d.business_data.as_deref(), Some("order-42"));

    // The list shows it as complete.
    let page = client
        .execute(&ContractListRequest::new().status(ContractStatus::Complete))
        .expect("list");
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.list[0].id.as_ref(), Some(&id));
    assert_eq!(page.list[0].status, Some(ContractStatus::Complete));
    // 获取合同列表 gives `selectLimit` no range: 1001 is a page, 0 an empty one.
    for (limit, shown) in [(1001, 1), (0, 0)] {
        let page = client
            .execute(
                &ContractListRequest::new()
                    .status(ContractStatus::Complete)
                    .select_limit(limit),
            )
            .expect("any selectLimit");
        assert_eq!((page.total_count, page.list.len()), (Some(1), shown));
    }

    // The document downloads as uploaded, with its name.
    let (name, bytes) = download_bytes(&client, &DocumentDownloadRequest::new(doc1));
    assert_eq!(name.as_deref(), Some("采购合同正文.pdf"));
    assert_eq!(bytes, pdf);
    let (name, bytes) = download_bytes(&client, &DocumentDownloadRequest::new(doc2));
    assert_eq!(name.as_deref(), Some("附件一.png"));
    assert_eq!(bytes, png);

    // The contract downloads as a ZIP of both documents and the signing log.
    let (name, zip) = download_bytes(&client, &ContractDownloadRequest::new(id.clone()));
    assert_eq!(name.as_deref(), Some("采购合同.zip"));
    let entries = unzip(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "合同原文-采购合同正文.pdf",
            "合同原文-附件一.png",
            "签署日志-采购合同.pdf"
        ]
    );
    assert_eq!(entries[0].1, pdf);
    assert_eq!(entries[1].1, png);
    assert!(entries[2].1.starts_with(b"%PDF-"));
    // Only the documents, original names: still a ZIP (two files).
    let (_, zip) = download_bytes(
        &client,
        &ContractDownloadRequest::new(id.clone())
            .download_items([DownloadItem::Contract])
            .need_compress_for_one_file(false)
            .file_name_rule(FileNameRule::Original),
    );
    let names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["采购合同正文.pdf", "附件一.png"]);

    // The operation log shows each step.
    let log = client
        .execute(&ContractStreamRequest::new(id.clone()))
        .expect("stream");
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for step in [
        "DRAFT",
        "ADD_DOCUMENT",
        "SEND",
        "COMPANY_SIGN",
        "PERSONAL_SIGN",
        "COMPLETE",
        "DOWNLOAD_DOCUMENT",
        "DOWNLOAD",
    ] {
        assert!(actions.contains(&step), "{step} missing from {actions:?}");
    }
    let downloads = client
        .execute(&ContractStreamRequest::new(id.clone()).operation([ContractOperation::Download]))
        .expect("stream of downloads");
    assert!(
        downloads
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["operation"] == "DOWNLOAD")
    );

    // The callbacks owed to the draft's callbackUrl, in order, with the §14.1 fields.
    let callbacks = callback_types(&sandbox, &id, 4);
    let types: Vec<&str> = callbacks
        .iter()
        .map(|c| c["callbackType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["SEND_SIGNING", "SEAL", "PERSONAL", "COMPLETE"]);
    let personal = &callbacks[2];
    assert_eq!(personal["tenantType"], "PERSONAL");
    assert_eq!(personal["tenantName"], "李四");
    assert_eq!(personal["contact"], "13700000002");
    assert_eq!(personal["contractStatus"], "SIGNING");
    assert_eq!(personal["businessData"], "order-42");
    assert_eq!(personal["bizId"], "biz-lifecycle-1");
    assert_eq!(callbacks[3]["contractStatus"], "COMPLETE");
    let delivery = sandbox
        .deliveries()
        .into_iter()
        .find(|d| d.fields.get("contractId") == Some(&json!(id.as_str())))
        .unwrap();
    assert_eq!(
        delivery.url.as_deref(),
        Some("http://127.0.0.1:9/qys-callback")
    );
}

#[test]
fn the_fixture_contract_is_signed_by_its_signer() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let d = detail(&client, &f.contract_id);
    assert_eq!(d.status, Some(ContractStatus::Signing));
    assert_eq!(d.documents[0].id.as_ref(), Some(&f.document_id));
    let (name, bytes) = download_bytes(
        &client,
        &DocumentDownloadRequest::new(f.document_id.clone()),
    );
    assert_eq!(name.as_deref(), Some("沙箱采购合同.pdf"));
    assert!(bytes.starts_with(b"%PDF-"));
    client
        .execute(&PersonalSignRequest::new(
            ContractRef::biz_id(f.contract_biz_id.clone()),
            f.signer.clone(),
        ))
        .expect("the fixture signer signs");
    let d = detail(&client, &f.contract_id);
    assert_eq!(d.status, Some(ContractStatus::Complete));
}

#[test]
fn an_unknown_contract_is_contract_not_found() {
    let sandbox = strict();
    let client = client(&sandbox);
    let unknown = ContractId::new("1000000000000000001");
    let (code, _) = code_of(client.execute(&ContractDetailRequest::new(unknown.clone())));
    assert_eq!(code, ErrorCode::ContractNotFound);
    let (code, _) = code_of(client.execute(&ContractSendRequest::new(ContractRef::biz_id("nope"))));
    assert_eq!(code, ErrorCode::ContractNotFound);
    // A download answers the error envelope.
    let err = client
        .download(&ContractDownloadRequest::new(unknown))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ContractNotFound), "{err:?}");
    let err = client
        .download(&DocumentDownloadRequest::new("1000000000000000002"))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidParam), "{err:?}");
}

#[test]
fn invalid_recalls_a_signing_contract_and_deletes_a_draft() {
    let sandbox = strict();
    let client = client(&sandbox);
    let c = draft(&sandbox, &client, "撤回合同", "biz-recall");
    let id = c.id.unwrap();
    add_pdf(&client, &id, "正文", "正文.pdf", &pdf_bytes("recall"));
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .unwrap();
    client
        .execute(&ContractInvalidRequest::new(id.clone()).reason("客户取消"))
        .expect("recall");
    let d = detail(&client, &id);
    assert_eq!(d.status, Some(ContractStatus::Recalled));
    assert_eq!(d.comments.as_deref(), Some("客户取消"));
    // A recalled contract cannot be signed or recalled again: 1101.
    let (code, _) = code_of(client.execute(&CompanySignRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
    let (code, _) = code_of(client.execute(&ContractInvalidRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
    let types = callback_types(&sandbox, &id, 2);
    assert_eq!(types.last().unwrap()["callbackType"], "RECALLED");

    let other = draft(&sandbox, &client, "草稿", "biz-draft-deleted")
        .id
        .unwrap();
    client
        .execute(&ContractInvalidRequest::new(other.clone()))
        .expect("a draft is deleted");
    let (code, _) = code_of(client.execute(&ContractDetailRequest::new(other)));
    assert_eq!(code, ErrorCode::ContractNotFound);
}

#[test]
fn forceend_ends_a_contract_and_keeps_its_attachment() {
    let sandbox = strict();
    let client = client(&sandbox);
    let id = draft(&sandbox, &client, "终止合同", "biz-forceend")
        .id
        .unwrap();
    add_pdf(&client, &id, "正文", "正文.pdf", &pdf_bytes("forceend"));
    // Not sent yet: 1101.
    let (code, _) =
        code_of(client.execute(&ContractForceEndRequest::new(id.clone()).reason("重复")));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .unwrap();
    client
        .execute(&ContractForceEndRequest::new(id.clone()).reason("双方协商终止"))
        .expect("force end");
    let d = detail(&client, &id);
    assert_eq!(d.status, Some(ContractStatus::ForceEnd));
    assert_eq!(statuses(&d), ["CLOSED", "CLOSED"]);
    let note = pdf_bytes("end note");
    let mut request = ContractForceEndAttachmentRequest::new(
        id.clone(),
        "终止说明",
        upload_file("终止说明.pdf", &note),
    );
    client.upload(&mut request).expect("attachment");
    let (name, bytes) = download_bytes(
        &client,
        &ContractDownloadRequest::new(id.clone())
            .download_items([DownloadItem::EndSignAttachment])
            .need_compress_for_one_file(false),
    );
    assert_eq!(name.as_deref(), Some("附件-终止说明.pdf"));
    assert_eq!(bytes, note);
    let (name, zip) = download_bytes(&client, &AttachmentDownloadRequest::new(id.clone()));
    assert_eq!(name.as_deref(), Some("附件-终止合同.zip"));
    assert_eq!(unzip(&zip), vec![("终止说明.pdf".to_owned(), note)]);
    let types = callback_types(&sandbox, &id, 2);
    assert_eq!(types.last().unwrap()["callbackType"], "FORCE_END");
    assert_eq!(types.last().unwrap()["contractStatus"], "FORCE_END");
}

#[test]
fn the_list_pages_with_offset_limit_and_total() {
    let sandbox = strict();
    let client = client(&sandbox);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            draft(
                &sandbox,
                &client,
                &format!("分页合同{i}"),
                &format!("biz-page-{i}"),
            )
            .id
            .unwrap(),
        );
    }
    assert!(
        ids.windows(2)
            .all(|w| w[0].as_str().parse::<u64>().unwrap() < w[1].as_str().parse::<u64>().unwrap()),
        "IDs increase: {ids:?}"
    );
    let mut seen = Vec::new();
    for (offset, expected) in [(0, 2), (2, 2), (4, 1), (6, 0)] {
        let page = client
            .execute(
                &ContractListRequest::new()
                    .status(ContractStatus::Draft)
                    .select_offset(offset)
                    .select_limit(2),
            )
            .unwrap();
        assert_eq!(page.total_count, Some(5));
        assert_eq!(page.list.len(), expected, "offset {offset}");
        seen.extend(page.list.into_iter().map(|c| c.id.unwrap()));
    }
    // Newest first by default, every draft once.
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    let page = client
        .execute(
            &ContractListRequest::new()
                .create_time_order(SortOrder::Asc)
                .select_limit(1000),
        )
        .unwrap();
    // The fixture contract and the five drafts.
    assert_eq!(page.total_count, Some(6));
    assert_eq!(
        page.list[0].id.as_ref(),
        Some(&sandbox.fixtures().contract_id)
    );
}

#[test]
fn the_field_tables_name_the_missing_field() {
    let sandbox = strict();
    // A draft without `signatories`, and a signing request without the required `user`
    // (written by hand: qys's types cannot leave them out): refused by the tables.
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/contract/draft",
            &json!({"subject": "缺签署方"}),
        ),
        "signatories is required",
    );
    assert_1005(
        &post_json(
            &sandbox,
            "/v2/contract/personalsign",
            &json!({"contractId": "3076583214958469120"}),
        ),
        "user is required",
    );
}

#[test]
fn an_audit_then_a_seal_then_an_operator_page() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let approver = User::mobile("13900000000").with_name("沙箱发起人");
    let contract = ContractDraft::new(
        "审批合同",
        [
            SignatoryDraft::company(
                f.authenticated_company.clone(),
                [
                    ActionDraft::new(ActionType::Audit).with_operators([approver]),
                    {
                        let mut a = ActionDraft::new(ActionType::Company)
                            .with_seals([f.company_seal_id.clone()]);
                        a.serial_no = Some(1);
                        a
                    },
                ],
            ),
            SignatoryDraft::personal("李四", person()),
        ],
    );
    let id = draft_and_send(&client, contract, "audit").id.unwrap();
    // The seal is not due before the audit.
    let (code, _) = code_of(client.execute(&CompanySignRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::NotSignStep);
    client
        .execute(&ContractAuditRequest::new(id.clone(), true).comment("同意"))
        .expect("audit");
    client
        .execute(&CompanySignRequest::new(id.clone()))
        .expect("seal with the action's seal");
    let d = detail(&client, &id);
    assert_eq!(
        d.signatories[0].actions[1].seal_id.as_ref(),
        Some(&f.company_seal_id)
    );
    // A signing page for the signer; none for a stranger (1110).
    let page = client
        .execute(&ContractPageUrlRequest::new(id.clone(), person()))
        .expect("page url");
    assert!(page.url.starts_with(sandbox.base_url()), "{}", page.url);
    let (code, _) = code_of(client.execute(&ContractPageUrlRequest::new(
        id.clone(),
        User::mobile("13111111111"),
    )));
    assert_eq!(code, ErrorCode::NoViewPermission);
    let view = client
        .execute(&ContractViewUrlRequest::new(id.clone()))
        .expect("view url");
    assert!(view.url.contains(id.as_str()));
    let short = client
        .execute(&ContractShortUrlRequest::new(id.clone(), "13700000002"))
        .expect("short url");
    assert!(short.url.starts_with(sandbox.base_url()));
    // 获取短链接 does not mark `contact` required: a link without one is given too.
    let anyone = client
        .execute(&ContractShortUrlRequest::new(id.clone(), ""))
        .expect("short url without contact");
    assert!(anyone.url.starts_with(sandbox.base_url()));
    let urls = client
        .execute(&ContractDownloadUrlRequest::new(id.clone()))
        .expect("download urls");
    assert_eq!(urls.download_urls.len(), 2);
    assert!(urls.download_urls[0].document_id.is_some());
    // appointurl is for drafts only.
    let (code, _) = code_of(client.execute(&ContractAppointUrlRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
    client
        .execute(&ContractNoticeRequest::new(id))
        .expect("notice");
}

#[test]
fn a_rejected_audit_rejects_the_contract() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let contract = ContractDraft::new(
        "驳回合同",
        [SignatoryDraft::company(
            f.authenticated_company.clone(),
            [ActionDraft::new(ActionType::Audit).with_operators([f.admin])],
        )],
    );
    let id = draft_and_send(&client, contract, "reject").id.unwrap();
    client
        .execute(&ContractAuditRequest::new(id.clone(), false).comment("金额有误"))
        .unwrap();
    let d = detail(&client, &id);
    assert_eq!(d.status, Some(ContractStatus::Rejected));
    assert_eq!(d.comments.as_deref(), Some("金额有误"));
}

#[test]
fn a_complete_contract_is_invalidated() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let complete = |subject: &str, biz: &str| {
        let id = draft(&sandbox, &client, subject, biz).id.unwrap();
        add_pdf(&client, &id, "正文", "正文.pdf", &pdf_bytes(biz));
        send_and_sign(&client, &id);
        id
    };
    let a = complete("作废一", "biz-invalid-1");
    client
        .execute(&ContractInvalidRequest::new(a.clone()).seal_id(f.company_seal_id.clone()))
        .unwrap();
    assert_eq!(detail(&client, &a).status, Some(ContractStatus::Invalided));

    let b = complete("作废二", "biz-invalid-2");
    let mut request = ContractInvalidByFileRequest::new(
        InvalidInfo::new(b.clone()),
        upload_file("作废声明.pdf", &pdf_bytes("invalid")),
    );
    client.upload(&mut request).expect("invalid by file");
    assert_eq!(detail(&client, &b).status, Some(ContractStatus::Invaliding));
    client
        .execute(&ContractInvalidSignRequest::new(b.clone()))
        .expect("invalid sign");
    assert_eq!(detail(&client, &b).status, Some(ContractStatus::Invalided));
    let types = callback_types(&sandbox, &b, 6);
    let types: Vec<&str> = types
        .iter()
        .map(|c| c["callbackType"].as_str().unwrap())
        .collect();
    assert_eq!(&types[types.len() - 2..], ["INVALIDING", "INVALIDED"]);

    let c = complete("作废三", "biz-invalid-3");
    client
        .execute(&ContractInvalidByTemplateRequest::new(
            c.clone(),
            f.template_id,
        ))
        .expect("invalid by template");
    assert_eq!(detail(&client, &c).status, Some(ContractStatus::Invaliding));
}

#[test]
fn documents_from_several_files_and_from_a_template() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let id = draft(&sandbox, &client, "多文件", "biz-docs").id.unwrap();
    let mut request = DocumentAddByFilesRequest::new(
        id.clone(),
        "合集",
        [
            upload_file("一.png", &png_bytes()),
            upload_file("二.pdf", &pdf_bytes("two")),
        ],
    );
    let merged = client.upload(&mut request).unwrap().document_id;
    let mut t = TemplateParam::new("甲方", "契约锁");
    t.read_only = Some(true);
    let templated = client
        .execute(
            &DocumentAddByTemplateRequest::new(id.clone(), "模板文档", f.template_id)
                .template_params([t]),
        )
        .unwrap()
        .document_id;
    let (code, _) = code_of(client.execute(&DocumentAddByTemplateRequest::new(
        id.clone(),
        "模板文档",
        "1000000000000000009",
    )));
    assert_eq!(code, ErrorCode::InvalidParam);
    // A suffix that does not match the content: 1402.
    let mut request =
        DocumentAddByFileRequest::new(id.clone(), "假PDF", upload_file("假.pdf", b"not a pdf"));
    let (code, _) = code_of(client.upload(&mut request));
    assert_eq!(code, ErrorCode::UnsupportedFileType);
    let d = detail(&client, &id);
    let pages: Vec<Option<i64>> = d.documents.iter().map(|d| d.page_count).collect();
    assert_eq!(pages, [Some(2), Some(1)]);
    let (_, bytes) = download_bytes(&client, &DocumentDownloadRequest::new(merged));
    assert!(bytes.starts_with(b"%PDF-"));
    let (name, bytes) = download_bytes(&client, &DocumentDownloadRequest::new(templated));
    assert_eq!(name.as_deref(), Some("模板文档.pdf"));
    assert!(bytes.starts_with(b"%PDF-"));
    // A sent contract takes no more documents: 1101.
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .unwrap();
    let mut request =
        DocumentAddByFileRequest::new(id, "迟到", upload_file("迟到.pdf", &pdf_bytes("late")));
    let (code, _) = code_of(client.upload(&mut request));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
}

#[test]
fn signatories_are_added_edited_and_identified() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let mut later = SignatoryDraft::personal("待定", person());
    later.receiver = None;
    later.tenant_name = None;
    later.delay_set = Some(true);
    let contract = ContractDraft::new(
        "签署方",
        [
            SignatoryDraft::company(
                f.authenticated_company.clone(),
                [ActionDraft::new(ActionType::Company)],
            ),
            later,
        ],
    );
    let c = draft_and_send(&client, contract, "sig");
    let id = c.id.unwrap();
    let later_id: SignatoryId = c.signatories[1].id.clone().unwrap();
    let links = client
        .execute(&ContractPersonalJoinUrlRequest::new(id.clone()))
        .expect("join links");
    assert_eq!(links.join_urls.len(), 1);
    let (code, _) = code_of(
        client.execute(&ContractJoinUrlRequest::new(id.clone()).tenant_type(TenantType::Company)),
    );
    assert_eq!(code, ErrorCode::Unknown(1125));
    client
        .execute(
            &SignatoryEditRequest::new(later_id.clone())
                .tenant_name("赵六")
                .receiver(User::mobile("13700000006").with_name("赵六")),
        )
        .expect("edit v3");
    let identity = client
        .execute(&SignatoryIdentityRequest::new(
            id.clone(),
            &User::mobile("13700000006"),
        ))
        .expect("identity");
    assert_eq!(identity["signatoryId"], later_id.as_str());
    let added = client
        .execute(&SignatoryAddRequest::new(
            id.clone(),
            SignatoryDraft::personal("钱七", User::mobile("13700000007")).with_serial_no(9),
        ))
        .expect("add");
    assert_eq!(added.tenant_name.as_deref(), Some("钱七"));
    let (code, _) = code_of(client.execute(&SignatoryAddRequest::new(
        id.clone(),
        SignatoryDraft::personal("钱七", User::mobile("13700000007")),
    )));
    assert_eq!(code, ErrorCode::DuplicateSignatory);
    let d = detail(&client, &id);
    assert_eq!(d.signatories.len(), 3);
    assert_eq!(d.signatories[1].tenant_name.as_deref(), Some("赵六"));
    let action = d.signatories[0].actions[0].id.clone().unwrap();
    client
        .execute(&SignatoryOperatorsEditRequest::new(
            id.clone(),
            action,
            [f.admin],
        ))
        .expect("operators");
    let (code, _) = code_of(client.execute(&SignatoryIdentityRequest::new(
        id,
        &User::mobile("13111111111"),
    )));
    assert_eq!(code, ErrorCode::NoViewPermission);
}

#[test]
fn delay_copysend_watermark_modify_resend_and_health() {
    let sandbox = strict();
    let client = client(&sandbox);
    client.execute(&CheckHealthRequest::new()).expect("health");
    let id = draft(&sandbox, &client, "延期合同", "biz-delay")
        .id
        .unwrap();
    add_pdf(&client, &id, "正文", "正文.pdf", &pdf_bytes("delay"));
    client
        .execute(&ContractModifyRequest::new(id.clone()).subject("延期合同(改)"))
        .expect("modify");
    let appoint = client
        .execute(&ContractAppointUrlRequest::new(id.clone()))
        .expect("appoint url of a draft");
    assert!(appoint.url.contains("/sandbox/appoint/"));
    let (code, _) = code_of(client.execute(&ContractDelayRequest::by_days(id.clone(), 3)));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .unwrap();
    let before = detail(&client, &id).expire_time.unwrap();
    client
        .execute(&ContractDelayRequest::by_days(id.clone(), 3))
        .expect("delay");
    let after = detail(&client, &id).expire_time.unwrap();
    assert!(after > before, "{before} -> {after}");
    // 合同延期 states no minimum for `days`: 0 is taken and keeps the deadline.
    client
        .execute(&ContractDelayRequest::by_days(id.clone(), 0))
        .expect("delay by 0 days");
    assert_eq!(detail(&client, &id).expire_time.unwrap(), after);
    let (code, _) = code_of(client.execute(&ContractDelayRequest::until(id.clone(), "2020-01-01")));
    assert_eq!(code, ErrorCode::InvalidParam);
    client
        .execute(&ContractCopySendRequest::new(
            id.clone(),
            [CopySendReceiverDraft::new(
                "赵六",
                User::email("zl@example.com"),
            )],
        ))
        .expect("copysend");
    // A copy receiver needs a name; nothing marks its `receiver` required.
    let mut named = CopySendReceiverDraft::new("孙七", User::email("sq@example.com"));
    named.receiver = None;
    client
        .execute(&ContractCopySendRequest::new(id.clone(), [named]))
        .expect("copysend to a receiver without contact");
    client
        .execute(&ContractWatermarkRequest::new(
            id.clone(),
            [Watermark::text("机密")],
        ))
        .expect("watermark");
    let d = detail(&client, &id);
    assert_eq!(d.subject.as_deref(), Some("延期合同(改)"));
    assert_eq!(d.copy_send_receivers.len(), 2);
    client
        .execute(&ContractRequiredDetailRequest::new(id.clone()))
        .expect("required detail");
    client
        .execute(&ContractForceEndRequest::new(id.clone()).reason("重发"))
        .unwrap();
    let resent = client
        .execute(&ContractResendRequest::new(id).new_biz_id("biz-delay-2"))
        .expect("resend");
    let new_id = ContractId::new(resent.0["contractId"].as_str().unwrap());
    let d = detail(&client, &new_id);
    assert_eq!(d.status, Some(ContractStatus::Signing));
    assert_eq!(d.biz_id.as_deref(), Some("biz-delay-2"));
    assert_eq!(d.documents.len(), 1);
}

/// A strict sandbox whose clock stands at 2026-01-01 08:00:00 China time, and that clock.
fn at_new_year() -> (SandboxClock, Sandbox) {
    let clock = SandboxClock::fixed(1_767_225_600_000);
    let sandbox = support::strict_builder()
        .clock(clock.clone())
        .start()
        .unwrap();
    (clock, sandbox)
}

/// A contract the platform company alone seals.
fn sealed_by_the_platform(sandbox: &Sandbox, subject: &str) -> ContractDraft {
    ContractDraft::new(
        subject,
        [SignatoryDraft::company(
            sandbox.fixtures().authenticated_company.clone(),
            [ActionDraft::new(ActionType::Company)],
        )],
    )
}

#[test]
fn a_contract_expires_at_its_deadline_and_delay_reopens_it() {
    let (clock, sandbox) = at_new_year();
    let client = client(&sandbox);
    let mut contract = sealed_by_the_platform(&sandbox, "到期合同");
    contract.expire_time = Some("2026-01-01 08:00:02".to_owned());
    contract.callback_url = Some("http://127.0.0.1:9/expiry".to_owned());
    let id = draft_and_send(&client, contract, "expiry").id.unwrap();
    let d = detail(&client, &id);
    assert_eq!(d.expire_time.as_deref(), Some("2026-01-01 08:00:02"));
    assert_eq!(d.status, Some(ContractStatus::Signing), "not due yet");
    clock.advance(Duration::from_secs(3));
    assert_eq!(detail(&client, &id).status, Some(ContractStatus::Expired));
    let (code, _) = code_of(client.execute(&CompanySignRequest::new(id.clone())));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
    let types = callback_types(&sandbox, &id, 2);
    assert_eq!(types.last().unwrap()["callbackType"], "EXPIRED");
    assert_eq!(types.last().unwrap()["contractStatus"], "EXPIRED");
    client
        .execute(&ContractDelayRequest::by_days(id.clone(), 1))
        .expect("delay");
    let d = detail(&client, &id);
    assert_eq!(d.status, Some(ContractStatus::Signing));
    assert_eq!(d.expire_time.as_deref(), Some("2026-01-02 08:00:02"));
    client
        .execute(&CompanySignRequest::new(id.clone()))
        .expect("signs again");
    assert_eq!(detail(&client, &id).status, Some(ContractStatus::Complete));
}

#[test]
fn a_sent_contract_gets_a_thirty_day_deadline_by_the_sandbox_clock() {
    let (clock, sandbox) = at_new_year();
    let client = client(&sandbox);
    let contract = sealed_by_the_platform(&sandbox, "期限合同");
    let id = draft_and_send(&client, contract, "deadline").id.unwrap();
    let d = detail(&client, &id);
    assert_eq!(d.publish_time.as_deref(), Some("2026-01-01 08:00:00"));
    assert_eq!(d.expire_time.as_deref(), Some("2026-01-31 08:00:00"));
    clock.advance(Duration::from_secs(30 * 86_400 - 1));
    assert_eq!(detail(&client, &id).status, Some(ContractStatus::Signing));
    clock.advance(Duration::from_secs(2));
    assert_eq!(detail(&client, &id).status, Some(ContractStatus::Expired));
}

/// Every optional field qys sends is in the strict tables, and the LP and auto-sign actions
/// move as documented.
#[test]
fn strict_tables_take_every_option_qys_sends() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let auto = ActionDraft::new(ActionType::Company)
        .with_seals([f.company_seal_id.clone()])
        .with_auto_sign(true)
        .with_action_no("A-1");
    let lp = ActionDraft::new(ActionType::Lp).with_serial_no(1);
    let personal = SignatoryDraft::personal("李四", person())
        .with_serial_no(2)
        .with_signatory_no("S-2")
        .with_attachments([AttachmentDraft::new("身份证").with_required(true)])
        .with_user_auth_info(UserAuthInfo {
            id_card_no: Some("110101199001011234".to_owned()),
            ..UserAuthInfo::default()
        });
    let contract = ContractDraft::new(
        "全字段合同",
        [
            SignatoryDraft::company(f.authenticated_company.clone(), [auto, lp]).with_serial_no(1),
            personal,
        ],
    )
    .with_biz_id("biz-options")
    .with_description("描述")
    .with_sn("SN-1")
    .with_ordinal(true)
    .with_send(false)
    .with_category(Category::by_name("默认业务分类"))
    .with_creator(f.admin.clone())
    .with_tags(["人事", "2026"])
    .with_template_params([TemplateParam::new("金额", "1000")])
    .with_sign_flow_strategy(SignFlowStrategy::AllSignFinish)
    .with_stamper_rule(StamperRule::Optional)
    .with_copy_send_time(CopySendTime::Finish)
    .with_copy_send_receivers([CopySendReceiverDraft::new(
        "赵六",
        User::email("zl@example.com"),
    )])
    .with_related_contract_ids([f.contract_id])
    .with_custom_fields([CustomField {
        key: Some("k".to_owned()),
        value: Some("v".to_owned()),
        ..CustomField::default()
    }])
    .with_notify_sponsor(false);
    let c = client
        .execute(&ContractDraftRequest::new(contract))
        .unwrap();
    let id = c.id.clone().unwrap();
    assert_eq!(c.tags.items, ["人事", "2026"]);
    let personal_id = c.signatories[1].id.clone().unwrap();
    let mut request = DocumentAddByFileRequest::new(
        id.clone(),
        "正文",
        upload_file("正文.pdf", &pdf_bytes("options")),
    )
    .document_sort(1)
    .stamper_rule(StamperRule::Optional)
    .file_suffix("pdf");
    let doc = client.upload(&mut request).unwrap().document_id;
    let mut stamp =
        Stamper::at_keyword(StamperType::Personal, doc.clone(), "乙方").for_signatory(personal_id);
    stamp.keyword_index = Some(-1);
    stamp.width = Some(40);
    stamp.height = Some(20);
    client
        .execute(
            &ContractSendRequest::new(ContractRef::biz_id("biz-options"))
                .stampers([stamp])
                .stamper_rule(StamperRule::MustAllow)
                .locate_all_stamper_keywords(false),
        )
        .unwrap();
    // The auto-sign COMPANY action sealed by itself; the LP action is due.
    let d = detail(&client, &id);
    let actions: Vec<_> = d.signatories[0]
        .actions
        .iter()
        .map(|a| a.status.clone().unwrap())
        .collect();
    assert_eq!(actions, [ActionStatus::Finish, ActionStatus::Start]);
    // An LP position on a page the document does not have: 1109.
    let (code, _) = code_of(client.execute(&LegalPersonSignRequest::from(
        SignParam::new(id.clone()).stampers([Stamper::at(
            StamperType::Lp,
            doc.clone(),
            5,
            0.1,
            0.1,
        )]),
    )));
    assert_eq!(code, ErrorCode::SignPageBeyond);
    // A PERSONAL position in a company signing: 1106 (sent by hand: qys refuses it before
    // sending).
    let wrong = post_json(
        &sandbox,
        "/v2/contract/companysign",
        &json!({
            "contractId": id.as_str(),
            "stampers": [{"type": "PERSONAL", "page": 1, "offsetX": 0.1, "offsetY": 0.1}],
        }),
    );
    assert_error(&wrong, 200, 1106, "11011106");
    client
        .execute(&LegalPersonSignRequest::from(
            SignParam::new(id.clone())
                .stampers([Stamper::at(StamperType::Lp, doc.clone(), 1, 0.1, 0.1)])
                .locate_all_stamper_keywords(true),
        ))
        .expect("LP seal");
    client
        .execute(&PersonalSignRequest::from_param(
            SignParam::new(id.clone())
                .stampers([Stamper::at(StamperType::Timestamp, doc, 1, 0.3, 0.1)])
                .locate_all_stamper_keywords(true),
            person(),
        ))
        .expect("personal sign");
    assert_eq!(detail(&client, &id).status, Some(ContractStatus::Complete));
    let types = callback_types(&sandbox, &id, 5);
    let types: Vec<&str> = types
        .iter()
        .map(|c| c["callbackType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "SEND_SIGNING",
            "SEAL",
            "LEGAL_PERSON",
            "PERSONAL",
            "COMPLETE"
        ]
    );
    // Page links with every option.
    client
        .execute(
            &ContractPageUrlRequest::new(id.clone(), person())
                .page_type(SignPageType::Sign)
                .callback_page("https://example.com/done")
                .hide_return_button(true)
                .hide_recall_button(true)
                .hide_reject_button(false)
                .hide_end_button(true)
                .hide_state_button(true)
                .show_resend_button(false)
                .allow_password_sign(true)
                .hide_password_settings(true)
                .lang(Language::English)
                .page_style(PageStyle {
                    theme_color: "#1F7FFF".to_owned(),
                })
                .expire_time(2u32)
                .expire_time_unit(ExpireTimeUnit::Days),
        )
        .expect("page url with options");
    client
        .execute(
            &ContractViewUrlRequest::from(
                ContractView::new(id.clone())
                    .lang(Language::Chinese)
                    .theme_color("#000000"),
            )
            .download_button(true)
            .print_button(false),
        )
        .expect("view url with options");
    client
        .execute(
            &ContractDetailRequest::new(id.clone())
                .query_location(true)
                .query_related_contract(true)
                .query_seal_stats(true)
                .query_operator_real_info(true),
        )
        .expect("detail with options");
    let urls = client
        .execute(
            &ContractDownloadUrlRequest::new(id.clone())
                .download_items([DownloadItem::Contract, DownloadItem::Notary])
                .compress(true),
        )
        .unwrap();
    assert_eq!(urls.download_urls.len(), 1);
    assert_eq!(urls.download_urls[0].contract_id.as_ref(), Some(&id));
    let (_, zip) = download_bytes(
        &client,
        &ContractDownloadRequest::new(id)
            .download_items([DownloadItem::Notary, DownloadItem::Cert]),
    );
    let names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        ["存证报告-全字段合同.pdf", "公钥证书-全字段合同.txt"]
    );
}

#[test]
fn a_category_presets_signatories_and_documents() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    // The fixture category 采购合同 presets one COMPANY signatory and the fixture template.
    let mut contract = ContractDraft::new(
        "按分类发起",
        [SignatoryDraft::company(f.authenticated_company.clone(), [])],
    );
    contract.category = Some(Category::by_name("采购合同"));
    contract.template_params = vec![TemplateParam::new("金额", "1000")];
    contract.send = Some(true);
    let c = client
        .execute(&ContractDraftRequest::new(contract))
        .expect("draft and send in one call");
    assert_eq!(c.status, Some(ContractStatus::Signing));
    assert_eq!(c.documents.len(), 1);
    let action = &c.signatories[0].actions[0];
    assert_eq!(
        action.corp_seal_ids,
        std::slice::from_ref(&f.company_seal_id)
    );
    client
        .execute(&CompanySignRequest::new(c.id.clone().unwrap()))
        .expect("seal with the preset seal");
    assert_eq!(
        detail(&client, c.id.as_ref().unwrap()).status,
        Some(ContractStatus::Complete)
    );

    // Other signatories than the preset ones: 1301.
    let mut contract = ContractDraft::new(
        "不匹配",
        [
            SignatoryDraft::company(f.authenticated_company.clone(), []),
            SignatoryDraft::personal("李四", person()),
        ],
    );
    contract.category = Some(Category::by_name("采购合同"));
    let (code, _) = code_of(client.execute(&ContractDraftRequest::new(contract)));
    assert_eq!(code, ErrorCode::CategoryConfigMismatch);
    // An unknown category, an unknown sponsor, an external company signing by API.
    let mut contract = ContractDraft::new("x", [SignatoryDraft::personal("李四", person())]);
    contract.category = Some(Category::by_name("没有这个分类"));
    let (code, _) = code_of(client.execute(&ContractDraftRequest::new(contract)));
    assert_eq!(code, ErrorCode::Unknown(1151));
    let mut contract = ContractDraft::new("x", [SignatoryDraft::personal("李四", person())]);
    contract.tenant_name = Some("不存在的公司".to_owned());
    let (code, _) = code_of(client.execute(&ContractDraftRequest::new(contract)));
    assert_eq!(code, ErrorCode::CompanyNotFound);
    // Signing by API for a company that is not the platform's nor a sub-company: 11041802
    // (sent by hand: qys names the company only through `bizId` references).
    let external = post_json(
        &sandbox,
        "/v2/contract/companysign",
        &json!({"contractId": f.contract_id.as_str(), "tenantName": f.invitable_company}),
    );
    assert_error(&external, 200, 1802, "11041802");
}

#[test]
fn ten_downloads_in_a_row_lock_a_document() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    for _ in 0..10 {
        download_bytes(
            &client,
            &DocumentDownloadRequest::new(f.document_id.clone()),
        );
    }
    let err = client
        .download(&DocumentDownloadRequest::new(f.document_id.clone()))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooFrequent), "{err:?}");
    // The contract download includes the document: locked too.
    let err = client
        .download(&ContractDownloadRequest::new(f.contract_id.clone()))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooFrequent), "{err:?}");
    // The signing log alone is not the document.
    let (_, bytes) = download_bytes(
        &client,
        &ContractDownloadRequest::new(f.contract_id.clone())
            .download_items([DownloadItem::SignLog])
            .need_compress_for_one_file(false),
    );
    assert!(bytes.starts_with(b"%PDF-"));
    // The lock lasts 12 hours by the sandbox's clock.
    sandbox.clock().advance(Duration::from_secs(12 * 3600 - 60));
    let err = client
        .download(&DocumentDownloadRequest::new(f.document_id.clone()))
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooFrequent), "{err:?}");
    sandbox.clock().advance(Duration::from_secs(61));
    download_bytes(&client, &DocumentDownloadRequest::new(f.document_id));
}

/// The options of the remaining requests pass the strict tables too.
#[test]
fn strict_tables_take_the_remaining_options() {
    let sandbox = strict();
    let client = client(&sandbox);
    let f = sandbox.fixtures().clone();
    let c = draft(&sandbox, &client, "选项合同", "biz-more-options");
    let id = c.id.clone().unwrap();
    let personal_id = c.signatories[1].id.clone().unwrap();
    let action_id = c.signatories[0].actions[0].id.clone().unwrap();
    client
        .execute(
            &ContractAppointUrlRequest::new(id.clone())
                .page_type(AppointPageType::FillParameters)
                .callback_page("https://example.com/back")
                .allowed_send(false)
                .hide_return_button(true)
                .lang(Language::Chinese)
                .page_style(PageStyle {
                    theme_color: "#FF0000".to_owned(),
                })
                .can_save_or_close(true)
                .specify_location_button(true)
                .fill_param_button(false)
                .expire_time(30u32)
                .expire_time_unit(ExpireTimeUnit::Minutes),
        )
        .expect("appoint url");
    let mut request = DocumentAddByFilesRequest::new(
        ContractRef::biz_id("biz-more-options"),
        "合集",
        [upload_file("一.pdf", &pdf_bytes("one"))],
    )
    .file_suffix("pdf")
    .document_sort(0);
    let doc = client.upload(&mut request).unwrap().document_id;
    client
        .execute(
            &ContractModifyRequest::new(id.clone())
                .subject("选项合同(改)")
                .expire_time("2099-01-01 00:00:00")
                .end_time("2099-12-31 00:00:00")
                .documents([doc])
                .template_params([TemplateParam::new("金额", "2000")]),
        )
        .expect("modify");
    client
        .execute(
            &SignatoryEditV2Request::new(personal_id.clone())
                .tenant_name("李四")
                .receiver(person()),
        )
        .expect("edit v2");
    client
        .execute(
            &SignatoryEditRequest::new(personal_id)
                .sign_validate_way(SignValidateWay::Face)
                .operator(f.admin.clone()),
        )
        .expect("edit v3");
    client
        .execute(
            &SignatoryOperatorsEditRequest::new(id.clone(), action_id.clone(), [f.admin.clone()])
                .edit_type("ADD")
                .operator(f.admin.clone()),
        )
        .expect("operators");
    // No operators to add: the vendor SDK leaves the list out, and nothing refuses it.
    client
        .execute(&SignatoryOperatorsEditRequest::new(id.clone(), action_id, []).edit_type("ADD"))
        .expect("operators, none added");
    client
        .execute(&ContractSendRequest::new(id.clone()))
        .unwrap();
    client
        .execute(
            &ContractNoticeRequest::new(id.clone())
                .signatory_id(c.signatories[0].id.clone().unwrap())
                .only_signing(true),
        )
        .expect("notice");
    let page = client
        .execute(
            &ContractListRequest::new()
                .status(ContractStatus::Signing)
                .create_time_order(SortOrder::Desc)
                .category_id(f.category_id.clone())
                .category_name("默认业务分类")
                .publish_time_start("2000-01-01 00:00:00")
                .publish_time_end("2099-01-01 00:00:00")
                .signatory_type(SignatoryRole::All),
        )
        .expect("list with every filter");
    assert_eq!(page.total_count, Some(1));
    assert_eq!(page.list[0].id.as_ref(), Some(&id));
    client
        .execute(
            &ContractInvalidRequest::new(id.clone())
                .seal_id(f.company_seal_id.clone())
                .reason("重复")
                .delete_doc(false)
                .auto_sign(true)
                .expire_time("2099-01-01")
                .receivers([CopySendReceiverDraft::new(
                    "赵六",
                    User::email("zl@example.com"),
                )]),
        )
        .expect("recall with every option");
    let (_, zip) = download_bytes(&client, &AttachmentDownloadRequest::new(id).origin(true));
    assert!(unzip(&zip).is_empty());

    // Invalidation options on complete contracts.
    let complete = |biz: &str| {
        let id = draft(&sandbox, &client, biz, biz).id.unwrap();
        let doc = add_pdf(&client, &id, "正文", "正文.pdf", &pdf_bytes(biz));
        send_and_sign(&client, &id);
        (id, doc)
    };
    let (a, doc_a) = complete("biz-invalid-options-1");
    let mut info = InvalidInfo::new(a.clone());
    info.title = Some("作废声明".to_owned());
    info.file_suffix = Some("pdf".to_owned());
    info.delete_doc = Some(false);
    info.invalid_reason = Some("重复".to_owned());
    info.locate_all_stamper_keywords = Some(true);
    info.stampers = vec![Stamper::at(StamperType::Company, doc_a, 1, 0.5, 0.5)];
    let mut request =
        ContractInvalidByFileRequest::new(info, upload_file("作废.pdf", &pdf_bytes("x")))
            .receivers([CopySendReceiverDraft::new(
                "赵六",
                User::email("zl@example.com"),
            )]);
    client.upload(&mut request).expect("invalid by file");
    client
        .execute(&ContractInvalidSignRequest::from(
            SignParam::new(a)
                .seal_id(f.company_seal_id.clone())
                .locate_all_stamper_keywords(false),
        ))
        .expect("invalid sign");
    let (b, doc_b) = complete("biz-invalid-options-2");
    client
        .execute(
            &ContractInvalidByTemplateRequest::new(b.clone(), f.template_id)
                .template_params([TemplateParam::new("甲方", "契约锁")])
                .title("作废声明")
                .delete_doc(false)
                .invalid_reason("重复")
                .stampers([Stamper::at(StamperType::Company, doc_b, 1, 0.5, 0.5)]),
        )
        .expect("invalid by template");
    assert_eq!(detail(&client, &b).status, Some(ContractStatus::Invaliding));
    // A second invalidation of a contract being invalidated: 1101.
    let (code, _) = code_of(client.execute(&ContractInvalidRequest::new(b)));
    assert_eq!(code, ErrorCode::InvalidContractStatus);
}
