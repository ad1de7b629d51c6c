//! The contract, document, signatory, attachment and signing endpoints: each request as
//! built (method, path, query or body), and each documented answer parsed from a fixture.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use qys_proto::api::attachment::*;
use qys_proto::api::contract::*;
use qys_proto::api::document::*;
use qys_proto::api::signatory::*;
use qys_proto::api::signing::*;
use qys_proto::endpoint::{Call, Download, Endpoint, Paged, Route, Upload};
use qys_proto::multipart::UploadFile;
use qys_proto::query::parse_query_string;
use qys_proto::types::*;
use qys_proto::{
    BuildErrorKind, ContractId, Core, Credentials, DocumentId, Environment, Error, Nonce,
    SigningParams,
};
use serde_json::{Value, json};

const CID: &str = "2591540368898105360";
const DOC: &str = "2591540368898105361";
const ACTION: &str = "2591540368898105371";
const SIGNATORY: &str = "2591540368898105372";

fn core() -> Core {
    Core::new(Environment::test(), Credentials::new("t", "s")).unwrap()
}

fn params() -> SigningParams {
    SigningParams::new(1565753984643, Nonce::new("n-1").unwrap())
}

fn by_id() -> ContractRef {
    ContractId::new(CID).into()
}

fn by_biz() -> ContractRef {
    ContractRef::biz_id_of("HT-2026-0001", "契约锁子公司")
}

/// A JSON POST: method, path, no query, content type, and the body as JSON.
fn json_body<E: Endpoint + Route>(ep: &E, path: &str) -> Value {
    assert_eq!(E::PATH, path);
    assert_eq!(E::METHOD, Method::POST);
    let req = core().prepare(ep, &params()).unwrap();
    assert_eq!(req.method(), Method::POST);
    assert_eq!(req.uri().path(), path);
    assert_eq!(req.uri().query(), None);
    assert_eq!(
        req.headers()[CONTENT_TYPE],
        "application/json;charset=UTF-8"
    );
    assert!(req.headers().contains_key("x-qys-open-signature"));
    serde_json::from_slice(req.body()).unwrap()
}

fn check_json<E: Endpoint + Route>(ep: &E, path: &str, expected: Value) {
    assert_eq!(json_body(ep, path), expected, "{path}");
}

fn sorted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    v.sort();
    v
}

fn query_of(uri: &http::Uri) -> Vec<(String, String)> {
    let q = uri.query().unwrap_or("");
    assert!(!q.contains('\t') && !q.contains("%09"), "a tab in {q}");
    let mut v = parse_query_string(q);
    v.sort();
    v
}

/// A query GET: method, path, empty body, and the decoded query pairs.
fn check_query<E: Endpoint + Route>(ep: &E, path: &str, expected: &[(&str, &str)]) {
    assert_eq!(E::PATH, path);
    assert_eq!(E::METHOD, Method::GET);
    assert!(E::IDEMPOTENT);
    let req = core().prepare(ep, &params()).unwrap();
    assert_eq!(req.method(), Method::GET);
    assert_eq!(req.uri().path(), path);
    assert!(req.body().is_empty());
    assert!(!req.headers().contains_key(CONTENT_TYPE));
    assert_eq!(query_of(req.uri()), sorted(expected), "{path}");
}

fn check_download<E: Download + Route>(ep: &E, path: &str, expected: &[(&str, &str)]) {
    assert_eq!(E::PATH, path);
    let req = core().prepare_download(ep, &params()).unwrap();
    assert_eq!(req.method(), Method::GET);
    assert_eq!(req.uri().path(), path);
    assert_eq!(req.headers()["accept"], "*/*");
    assert!(req.body().is_empty());
    assert_eq!(query_of(req.uri()), sorted(expected), "{path}");
}

/// A multipart part: name, file name, value (text parts only; file parts hold the bytes).
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    value: String,
}

/// Builds an upload: method, path, exact Content-Length, and the parts as sent.
fn check_upload<E: Upload + Route>(ep: &E, path: &str, files: &[&[u8]]) -> Vec<Part> {
    assert_eq!(E::PATH, path);
    assert_eq!(E::METHOD, Method::POST);
    let req = core().prepare_upload(ep, &params()).unwrap();
    assert_eq!(req.uri().path(), path);
    assert_eq!(req.uri().query(), None);
    let boundary = req.body().boundary().to_owned();
    assert_eq!(
        req.headers()[CONTENT_TYPE],
        format!("multipart/form-data; boundary={boundary}").as_str()
    );
    let bytes = req.body().to_bytes(files);
    assert_eq!(req.body().content_length(), bytes.len() as u64);
    assert_eq!(
        req.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    let text = String::from_utf8(bytes).unwrap();
    let delimiter = format!("--{boundary}");
    assert!(text.starts_with(&delimiter));
    assert!(text.ends_with(&format!("{delimiter}--\r\n")));
    let mut parts = Vec::new();
    for chunk in text.split(&delimiter).skip(1) {
        if chunk == "--\r\n" {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n").unwrap();
        let (head, body) = chunk.split_once("\r\n\r\n").unwrap();
        let value = body.strip_suffix("\r\n").unwrap().to_owned();
        let attr = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .map(|rest| rest.split('"').next().unwrap().to_owned())
        };
        parts.push(Part {
            name: attr("; name").unwrap(),
            file_name: attr("filename"),
            value,
        });
    }
    parts
}

fn text_part(name: &str, value: &str) -> Part {
    Part {
        name: name.into(),
        file_name: None,
        value: value.into(),
    }
}

fn file_part(name: &str, file_name: &str, value: &str) -> Part {
    Part {
        name: name.into(),
        file_name: Some(file_name.into()),
        value: value.into(),
    }
}

/// Parses `testdata/responses/<name>.json` as the answer to `E`.
fn fixture<E: Call>(name: &str) -> E::Response {
    let path = format!(
        "{}/testdata/responses/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read(&path).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    core()
        .parse_parts::<E>(StatusCode::OK, &headers, &body)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn build_error<E: Endpoint + Route>(ep: &E) -> String {
    match core().prepare(ep, &params()) {
        Err(Error::Build(e)) => {
            assert_eq!(e.kind(), BuildErrorKind::InvalidArgument, "{e}");
            e.to_string()
        }
        other => panic!("expected a build error, got {other:?}"),
    }
}

fn build_error_upload<E: Upload + Route>(ep: &E) -> String {
    match core().prepare_upload(ep, &params()) {
        Err(Error::Build(e)) => {
            assert_eq!(e.kind(), BuildErrorKind::InvalidArgument, "{e}");
            e.to_string()
        }
        other => panic!("expected a build error, got {other:?}"),
    }
}

fn company_stamper() -> Stamper {
    Stamper::at(StamperType::Company, DOC, 1, 0.5, 0.3).for_action(ACTION)
}

// --- 合同管理 ---------------------------------------------------------------------------------

#[test]
fn draft() {
    let mut contract = ContractDraft::new(
        "劳动合同",
        [
            SignatoryDraft::company(
                "上海契约锁电子合同签名有限公司",
                [ActionDraft::new(ActionType::Company).with_seals(["2490828768980361630"])],
            ),
            SignatoryDraft::personal("张三", User::mobile("13800000000")).with_serial_no(2),
        ],
    );
    contract.biz_id = Some("HT-2026-0001".into());
    contract.send = Some(false);
    contract.category = Some(Category::by_name("劳动合同"));
    contract.tags = Tags::from(vec!["人事".to_owned(), "2026".to_owned()]);
    contract.callback_url = Some("https://example.com/cb".into());
    contract.template_params = vec![TemplateParam::new("金额", "1000")];
    let ep = ContractDraftRequest::new(contract);
    const { assert!(!ContractDraftRequest::IDEMPOTENT) };
    check_json(
        &ep,
        "/v2/contract/draft",
        json!({
            "bizId": "HT-2026-0001",
            "subject": "劳动合同",
            "send": false,
            "category": {"name": "劳动合同"},
            "tags": "人事,2026",
            "callbackUrl": "https://example.com/cb",
            "templateParams": [{"name": "金额", "value": "1000"}],
            "signatories": [
                {
                    "tenantType": "COMPANY",
                    "tenantName": "上海契约锁电子合同签名有限公司",
                    "actions": [{"type": "COMPANY", "corpSealIds": ["2490828768980361630"]}]
                },
                {
                    "tenantType": "PERSONAL",
                    "tenantName": "张三",
                    "receiver": {"contact": "13800000000", "contactType": "MOBILE"},
                    "serialNo": 2
                }
            ]
        }),
    );
    let c = fixture::<ContractDraftRequest>("contract_draft");
    assert_eq!(c.id.unwrap().as_str(), CID);
    assert_eq!(c.status, Some(ContractStatus::Draft));
    assert_eq!(
        c.signatories[0].actions[0].id.as_ref().unwrap().as_str(),
        ACTION
    );
    assert_eq!(c.signatories[1].id.as_ref().unwrap().as_str(), SIGNATORY);
    assert_eq!(c.signatories[1].serial_no, Some(2));
    assert_eq!(c.signatories[0].sponsor, Some(true));
}

#[test]
fn send() {
    let ep = ContractSendRequest::new(by_id())
        .stampers([
            company_stamper(),
            Stamper::at_keyword(StamperType::Personal, DOC, "乙方签字").for_signatory(SIGNATORY),
        ])
        .stamper_rule(StamperRule::MustForbid)
        .locate_all_stamper_keywords(false);
    check_json(
        &ep,
        "/v2/contract/send",
        json!({
            "contractId": CID,
            "stampers": [
                {"actionId": ACTION, "type": "COMPANY", "documentId": DOC, "page": 1, "offsetX": 0.5, "offsetY": 0.3},
                {"signatoryId": SIGNATORY, "type": "PERSONAL", "documentId": DOC, "keyword": "乙方签字"}
            ],
            "stamperRule": "MUST_FORBID",
            "locateAllStamperKeywords": false
        }),
    );
    fixture::<ContractSendRequest>("contract_send");
}

#[test]
fn copysend() {
    let ep = ContractCopySendRequest::new(
        by_biz(),
        [CopySendReceiverDraft::new(
            "赵六",
            User::email("zl@example.com"),
        )],
    );
    check_json(
        &ep,
        "/v2/contract/copysend",
        json!({
            "bizId": "HT-2026-0001",
            "tenantName": "契约锁子公司",
            "receivers": [{"name": "赵六", "receiver": {"contact": "zl@example.com", "contactType": "EMAIL"}}]
        }),
    );
    fixture::<ContractCopySendRequest>("contract_copysend");
}

#[test]
fn viewurl() {
    let ep = ContractViewUrlRequest::from(
        ContractView::new(by_id())
            .document_id(DOC)
            .lang(Language::English)
            .theme_color("#1F7FFF"),
    )
    .download_button(false)
    .print_button(true);
    check_query(
        &ep,
        "/v2/contract/viewurl",
        &[
            ("contractId", CID),
            ("documentId", DOC),
            ("lang", "en"),
            ("themeColor", "#1F7FFF"),
            ("downloadButton", "false"),
            ("printButton", "true"),
        ],
    );
    let r = fixture::<ContractViewUrlRequest>("contract_viewurl");
    assert_eq!(r.url, "https://qys.example/view?token=abc");
}

#[test]
fn detail() {
    let ep = ContractDetailRequest::new(by_biz())
        .query_action_operator(true)
        .query_location(false);
    check_query(
        &ep,
        "/v2/contract/detail",
        &[
            ("bizId", "HT-2026-0001"),
            ("tenantName", "契约锁子公司"),
            ("queryActionOperator", "true"),
            ("queryLocation", "false"),
        ],
    );
    let c = fixture::<ContractDetailRequest>("contract_detail");
    assert_eq!(c.id.as_ref().unwrap().as_str(), CID);
    assert_eq!(c.status, Some(ContractStatus::Signing));
    assert_eq!(c.ordinal, Some(true));
    assert_eq!(
        c.category.as_ref().unwrap().id.as_ref().unwrap().as_str(),
        "2490828768980361631"
    );
    let creator = c.creator.as_ref().unwrap();
    // The creator is named by `mobile`: kept under that name, not guessed into `contact`.
    assert_eq!(creator.mobile.as_deref(), Some("13800000001"));
    assert_eq!(creator.name.as_deref(), Some("李四"));
    assert_eq!(c.tags.items, ["人事", "2026"]);
    assert_eq!(c.related_contract_ids[0].as_str(), "2591540368898105399");
    assert_eq!(c.invalid_fail_type, Some(InvalidFailType::InvalidRejected));
    assert!(c.copy_send_receivers.is_empty());
    assert_eq!(c.extra["futureField"], json!({"x": 1}));
    let sponsor = &c.signatories[0];
    assert_eq!(sponsor.status, Some(SignatoryStatus::Signed));
    let action = &sponsor.actions[0];
    assert_eq!(action.status, Some(ActionStatus::Finish));
    assert_eq!(
        action.seal_id.as_ref().unwrap().as_str(),
        "2490828768980361630"
    );
    assert_eq!(action.operators[0].name.as_deref(), Some("王五"));
    let person = &c.signatories[1];
    assert_eq!(person.tenant_type, Some(TenantType::PersonalNoReceiver));
    assert_eq!(person.delay_set, Some(true));
    assert_eq!(person.serial_no, Some(2));
    assert!(person.receiver.is_none());
    assert_eq!(c.documents[0].id.as_ref().unwrap().as_str(), DOC);
    assert_eq!(c.documents[1].page_count, Some(1));
}

#[test]
fn list_and_pages() {
    let ep = ContractListRequest::new()
        .select_offset(20)
        .select_limit(10)
        .status(ContractStatus::Complete)
        .tenant_name("契约锁 子公司&1")
        .create_time_order(SortOrder::Desc)
        .category_id("2490828768980361631")
        .publish_time_start("2026-01-01 00:00:00")
        .publish_time_end("2026-06-30 23:59:59")
        .signatory_type(SignatoryRole::All);
    check_query(
        &ep,
        "/v2/contract/list",
        &[
            ("selectOffset", "20"),
            ("selectLimit", "10"),
            ("status", "COMPLETE"),
            ("tenantName", "契约锁 子公司&1"),
            ("createTimeOrder", "DESC"),
            ("categoryId", "2490828768980361631"),
            ("publishTimeStart", "2026-01-01 00:00:00"),
            ("publishTimeEnd", "2026-06-30 23:59:59"),
            ("signatoryType", "ALL"),
        ],
    );
    check_query(
        &ContractListRequest::new(),
        "/v2/contract/list",
        &[("selectOffset", "0"), ("selectLimit", "1000")],
    );
    let page = fixture::<ContractListRequest>("contract_list");
    assert_eq!(page.total_count, Some(3));
    assert_eq!(page.list[0].id.as_ref().unwrap().as_str(), CID);
    assert_eq!(page.list[1].status, Some(ContractStatus::Complete));

    // Paging: a full page moves on, a short page or the total stops.
    assert_eq!(ep.offset(), 20);
    assert_eq!(ep.limit(), 10);
    let next = ep.with_offset(30);
    assert_eq!(next.offset(), 30);
    assert_eq!(next.limit(), 10);
    assert_eq!(ep.next_offset(10, Some(100)), Some(30));
    assert_eq!(ep.next_offset(10, None), Some(30));
    assert_eq!(ep.next_offset(10, Some(30)), None);
    assert_eq!(ep.next_offset(9, Some(100)), None);
    assert_eq!(ep.next_offset(0, None), None);
    let (items, total) = ContractListRequest::items(page);
    assert_eq!((items.len(), total), (2, Some(3)));
}

#[test]
fn download_contract() {
    let ep = ContractDownloadRequest::new(by_id())
        .download_items([
            DownloadItem::Contract,
            DownloadItem::SignLog,
            DownloadItem::Cert,
        ])
        .need_compress_for_one_file(false)
        .file_name_rule(FileNameRule::Original);
    check_download(
        &ep,
        "/v2/contract/download",
        &[
            ("contractId", CID),
            ("downloadItems", "CONTRACT,SIGNLOG,CERT"),
            ("needCompressForOneFile", "false"),
            ("fileNameRule", "ORIGINAL"),
        ],
    );
    download_error_is_parsed();
}

/// A download answered with an envelope is the API error it carries.
fn download_error_is_parsed() {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/responses/download_error.json"
    ))
    .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let core = core();
    assert_eq!(
        core.classify_download(StatusCode::OK, &headers),
        qys_proto::download::DownloadHead::Envelope
    );
    match core.download_error(StatusCode::OK, &headers, &body) {
        Error::Api(e) => assert!(e.to_string().contains("1101"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn forceend() {
    let ep = ContractForceEndRequest::new(by_id()).reason("客户取消");
    check_json(
        &ep,
        "/v2/contract/forceend",
        json!({"contractId": CID, "reason": "客户取消"}),
    );
    fixture::<ContractForceEndRequest>("contract_forceend");
}

#[test]
fn forceend_attachment() {
    let ep = ContractForceEndAttachmentRequest::new(
        by_biz(),
        "结束说明",
        UploadFile::new("结束说明.PDF", 4, ()),
    );
    let parts = check_upload(&ep, "/v2/contract/forceend/addattachment", &[b"%PDF"]);
    assert_eq!(
        parts,
        vec![
            text_part("bizId", "HT-2026-0001"),
            text_part("fileSuffix", "pdf"),
            text_part("tenantName", "契约锁子公司"),
            text_part("title", "结束说明"),
            file_part("file", "结束说明.PDF", "%PDF"),
        ]
    );
    fixture::<ContractForceEndAttachmentRequest<()>>("contract_forceend_addattachment");
}

#[test]
fn watermark() {
    let mut qr = Watermark::new(WatermarkType::QrCode);
    qr.position = Some(WatermarkPosition::BottomRight);
    qr.img_scale = Some(0.5);
    let mut text = Watermark::text("内部资料");
    text.font_size = Some(16.0);
    text.diaphaneity = Some(30.0);
    let ep = ContractWatermarkRequest::new(by_id(), [text, qr]).delete_old_data(true);
    check_json(
        &ep,
        "/v2/contract/addwartermark",
        json!({
            "contractId": CID,
            "deleteOldData": true,
            "watermarks": [
                {"type": "TEXT", "content": "内部资料", "fontSize": 16, "diaphaneity": 30},
                {"type": "QRCODE", "position": "BOTTOM_RIGHT", "imgScale": 0.5}
            ]
        }),
    );
    fixture::<ContractWatermarkRequest>("contract_addwartermark");
}

#[test]
fn delay() {
    check_json(
        &ContractDelayRequest::by_days(by_id(), 7),
        "/v2/contract/delay",
        json!({"contractId": CID, "days": 7}),
    );
    check_json(
        &ContractDelayRequest::until(by_id(), "2027-01-31"),
        "/v2/contract/delay",
        json!({"contractId": CID, "expireDate": "2027-01-31"}),
    );
    fixture::<ContractDelayRequest>("contract_delay");
}

#[test]
fn stream() {
    let ep = ContractStreamRequest::new(by_id())
        .operation([ContractOperation::View, ContractOperation::Download]);
    check_query(
        &ep,
        "/v2/contract/stream",
        &[("contractId", CID), ("operation", "VIEW,DOWNLOAD")],
    );
    let v = fixture::<ContractStreamRequest>("contract_stream");
    assert_eq!(v[0]["operation"], "VIEW");
}

#[test]
fn downloadurl() {
    let ep = ContractDownloadUrlRequest::new(by_id())
        .download_items([DownloadItem::Contract, DownloadItem::Attachment])
        .compress(false);
    check_query(
        &ep,
        "/v2/contract/downloadurl",
        &[
            ("contractId", CID),
            ("downloadItems", "CONTRACT,ATTACHMENT"),
            ("compress", "false"),
        ],
    );
    let r = fixture::<ContractDownloadUrlRequest>("contract_downloadurl");
    assert_eq!(
        r.download_urls[0].document_id.as_ref().unwrap().as_str(),
        DOC
    );
    assert_eq!(
        r.download_urls[1].contract_id.as_ref().unwrap().as_str(),
        CID
    );
    assert_eq!(r.download_urls[1].download_items.items, ["SIGNLOG"]);
}

#[test]
fn shorturl_by_id_and_by_biz_id() {
    check_query(
        &ContractShortUrlRequest::new(by_id(), "13800000000"),
        "/v2/contract/shorturl",
        &[("contractId", CID), ("contact", "13800000000")],
    );
    check_query(
        &ContractShortUrlRequest::new(by_biz(), "13800000000"),
        "/v2/contract/shorturl",
        &[
            ("bizId", "HT-2026-0001"),
            ("tenantName", "契约锁子公司"),
            ("contact", "13800000000"),
        ],
    );
    let r = fixture::<ContractShortUrlRequest>("contract_shorturl");
    assert_eq!(r.url, "https://qys.cn/s/Ab3");
}

#[test]
fn resend() {
    let ep = ContractResendRequest::new(by_id())
        .new_biz_id("HT-2026-0002")
        .subject("劳动合同(续)")
        .send(true);
    check_json(
        &ep,
        "/v2/contract/resend",
        json!({"contractId": CID, "newBizId": "HT-2026-0002", "subject": "劳动合同(续)", "send": true}),
    );
    // Every field of the vendor Go SDK's `ResendContract`, and the sponsor from the reference.
    let ep =
        ContractResendRequest::new(ContractRef::id(ContractId::new(CID)).acting_as("契约锁子公司"))
            .new_biz_id("HT-2")
            .subject("s")
            .description("d")
            .sn("SN-1")
            .expire_time("2027-01-31 23:59:59")
            .end_time("2028-01-31 00:00:00")
            .ordinal(false)
            .send(false)
            .creator(User::mobile("13800000001"))
            .signatories([SignatoryDraft::personal(
                "张三",
                User::mobile("13800000002"),
            )])
            .sign_flow_strategy(SignFlowStrategy::AnySignFinish)
            .template_params([TemplateParam::new("金额", "100")])
            .copy_send_time(CopySendTime::Finish)
            .copy_send_receivers([CopySendReceiverDraft::new(
                "赵六",
                User::email("zl@example.com"),
            )])
            .tags(["续签", "劳动"])
            .related_contract_ids([ContractId::new(DOC)])
            .custom_fields([CustomField {
                key: Some("k".into()),
                value: Some("v".into()),
                ..CustomField::default()
            }])
            .business_data("b")
            .notify_sponsor(true);
    check_json(
        &ep,
        "/v2/contract/resend",
        json!({
            "contractId": CID,
            "tenantName": "契约锁子公司",
            "newBizId": "HT-2",
            "subject": "s",
            "description": "d",
            "sn": "SN-1",
            "expireTime": "2027-01-31 23:59:59",
            "endTime": "2028-01-31 00:00:00",
            "ordinal": false,
            "send": false,
            "creator": {"contact": "13800000001", "contactType": "MOBILE"},
            "signatories": [{"tenantType": "PERSONAL", "tenantName": "张三", "receiver": {"contact": "13800000002", "contactType": "MOBILE"}}],
            "signFlowStrategy": "ANY_SIGN_FINISH",
            "templateParams": [{"name": "金额", "value": "100"}],
            "copySendTime": "FINISH",
            "copySendReceivers": [{"name": "赵六", "receiver": {"contact": "zl@example.com", "contactType": "EMAIL"}}],
            "tags": "续签,劳动",
            "relatedContractIds": [DOC],
            "customFields": [{"key": "k", "value": "v"}],
            "businessData": "b",
            "notifySponsor": true
        }),
    );
    let r = fixture::<ContractResendRequest>("contract_resend");
    assert_eq!(r.0["contractId"], json!(2591540368898105390u64));
}

#[test]
fn modify() {
    let ep = ContractModifyRequest::new(by_id())
        .subject("新主题")
        .expire_time("2026-12-31 23:59:59")
        .documents([DocumentId::new(DOC)])
        .template_params([TemplateParam::new("金额", "2000")]);
    check_json(
        &ep,
        "/v2/contract/contractModify",
        json!({
            "id": CID,
            "subject": "新主题",
            "expireTime": "2026-12-31 23:59:59",
            "documents": [DOC],
            "templateParams": [{"name": "金额", "value": "2000"}]
        }),
    );
    check_json(
        &ContractModifyRequest::new(by_biz()).subject("x"),
        "/v2/contract/contractModify",
        json!({"bizId": "HT-2026-0001", "tenantName": "契约锁子公司", "subject": "x"}),
    );
    fixture::<ContractModifyRequest>("contract_modify");
}

#[test]
fn required_detail() {
    check_json(
        &ContractRequiredDetailRequest::new(by_id()),
        "/v2/contract/required/detail",
        json!({"contractId": CID}),
    );
    let v = fixture::<ContractRequiredDetailRequest>("contract_required_detail");
    assert_eq!(v["params"][0]["name"], "金额");
}

#[test]
fn joinurls() {
    check_query(
        &ContractJoinUrlRequest::new(by_id()).tenant_type(TenantType::Personal),
        "/v2/contract/joinurl",
        &[("contractId", CID), ("type", "PERSONAL")],
    );
    let r = fixture::<ContractJoinUrlRequest>("contract_joinurl");
    assert_eq!(r.join_urls[1].serial_no, Some(3));
    check_query(
        &ContractPersonalJoinUrlRequest::new(by_id()),
        "/v2/contract/personal/joinurl",
        &[("contractId", CID)],
    );
    let r = fixture::<ContractPersonalJoinUrlRequest>("contract_personal_joinurl");
    assert_eq!(
        r.join_urls[0].url.as_deref(),
        Some("https://qys.example/join/p")
    );
}

#[test]
fn checkhealth() {
    check_query(&CheckHealthRequest::new(), "/v2/checkhealth", &[]);
    let r = fixture::<CheckHealthRequest>("checkhealth");
    assert_eq!(r.0, json!("ok"));
}

// --- documents, signatories, attachments ----------------------------------------------------

#[test]
fn document_addbyfile() {
    let ep =
        DocumentAddByFileRequest::new(by_id(), "劳动合同正文", UploadFile::new("合同.pdf", 5, ()))
            .document_sort(1)
            .stampers([company_stamper()]);
    let parts = check_upload(&ep, "/v2/document/addbyfile", &[b"%PDF-"]);
    assert_eq!(
        parts,
        vec![
            text_part("contractId", CID),
            text_part("documentSort", "1"),
            text_part("fileSuffix", "pdf"),
            text_part(
                "stampers",
                &format!(
                    r#"[{{"actionId":"{ACTION}","documentId":"{DOC}","offsetX":0.5,"offsetY":0.3,"page":1,"type":"COMPANY"}}]"#
                )
            ),
            text_part("title", "劳动合同正文"),
            file_part("file", "合同.pdf", "%PDF-"),
        ]
    );
    let r = fixture::<DocumentAddByFileRequest<()>>("document_addbyfile");
    assert_eq!(r.document_id.as_str(), DOC);
}

#[test]
fn document_addbyfiles() {
    let ep = DocumentAddByFilesRequest::new(
        by_biz(),
        "附件合集",
        [
            UploadFile::new("a.png", 3, ()),
            UploadFile::new("b.jpg", 2, ()),
        ],
    );
    let parts = check_upload(&ep, "/v2/document/addbyfiles", &[b"PNG", b"JP"]);
    assert_eq!(
        parts,
        vec![
            text_part("bizId", "HT-2026-0001"),
            text_part("tenantName", "契约锁子公司"),
            text_part("title", "附件合集"),
            file_part("files", "a.png", "PNG"),
            file_part("files", "b.jpg", "JP"),
        ]
    );
    let mut ep = ep;
    assert_eq!(ep.sources_mut().len(), 2);
    let r = fixture::<DocumentAddByFilesRequest<()>>("document_addbyfiles");
    assert_eq!(r.document_id.as_str(), "2591540368898105364");
}

#[test]
fn document_addbytemplate() {
    let param = TemplateParam::new("乙方", "张三");
    let ep = DocumentAddByTemplateRequest::new(by_id(), "劳动合同正文", "2490828768980361699")
        .template_params([param])
        .document_sort(2);
    check_json(
        &ep,
        "/v2/document/addbytemplate",
        json!({
            "contractId": CID,
            "title": "劳动合同正文",
            "templateId": "2490828768980361699",
            "templateParams": [{"name": "乙方", "value": "张三"}],
            "documentSort": 2
        }),
    );
    let r = fixture::<DocumentAddByTemplateRequest>("document_addbytemplate");
    assert_eq!(r.document_id.as_str(), "2591540368898105365");
}

#[test]
fn document_download() {
    check_download(
        &DocumentDownloadRequest::new(DOC),
        "/v2/document/download",
        &[("documentId", DOC)],
    );
}

#[test]
fn attachment_download() {
    check_download(
        &AttachmentDownloadRequest::new(by_biz()).origin(true),
        "/v2/attachment/download",
        &[
            ("bizId", "HT-2026-0001"),
            ("tenantName", "契约锁子公司"),
            ("origin", "true"),
        ],
    );
}

#[test]
fn signatory_add() {
    let s = SignatoryDraft::company(
        "杭州某某科技有限公司",
        [ActionDraft::new(ActionType::Company)],
    )
    .with_receiver(User::mobile("13800000003").with_name("赵六"));
    let ep = SignatoryAddRequest::new(by_id(), s).locate_all_stamper_keywords(true);
    check_json(
        &ep,
        "/v2/signatory/add",
        json!({
            "contractId": CID,
            "locateAllStamperKeywords": true,
            "signatory": {
                "tenantType": "COMPANY",
                "tenantName": "杭州某某科技有限公司",
                "receiver": {"contact": "13800000003", "contactType": "MOBILE", "name": "赵六"},
                "actions": [{"type": "COMPANY"}]
            }
        }),
    );
    let r = fixture::<SignatoryAddRequest>("signatory_add");
    assert_eq!(r.id.unwrap().as_str(), "2591540368898105373");
    assert_eq!(r.actions[0].status, Some(ActionStatus::Start));
}

#[test]
fn signatory_edits() {
    check_json(
        &SignatoryEditRequest::new(SIGNATORY)
            .tenant_name("李雷")
            .sign_validate_way(SignValidateWay::Face)
            .receiver(User::mobile("13800000009")),
        "/v3/signatory/edit",
        json!({
            "signatoryId": SIGNATORY,
            "tenantName": "李雷",
            "signValidateWay": "FACE",
            "receiver": {"contact": "13800000009", "contactType": "MOBILE"}
        }),
    );
    fixture::<SignatoryEditRequest>("signatory_edit");
    check_json(
        &SignatoryEditV2Request::new(SIGNATORY).tenant_name("李雷"),
        "/v2/signatory/edit",
        json!({"signatoryId": SIGNATORY, "tenantName": "李雷"}),
    );
    fixture::<SignatoryEditV2Request>("signatory_edit_v2");
    check_json(
        &SignatoryOperatorsEditRequest::new(by_id(), ACTION, [User::mobile("13800000002")])
            .operator(User::mobile("13800000001")),
        "/v2/signatory/operators/edit",
        json!({
            "contractId": CID,
            "actionId": ACTION,
            "actionOperators": [{"contact": "13800000002", "contactType": "MOBILE"}],
            "operator": {"contact": "13800000001", "contactType": "MOBILE"}
        }),
    );
    fixture::<SignatoryOperatorsEditRequest>("signatory_operators_edit");
}

#[test]
fn signatory_identity() {
    check_query(
        &SignatoryIdentityRequest::new(by_id(), &User::mobile("13800000000")),
        "/v2/signatory/identity",
        &[
            ("contractId", CID),
            ("contact", "13800000000"),
            ("contactType", "MOBILE"),
        ],
    );
    let v = fixture::<SignatoryIdentityRequest>("signatory_identity");
    assert_eq!(v["name"], "张三");
}

// --- 签署服务 ---------------------------------------------------------------------------------

#[test]
fn companysign_and_legalpersonsign() {
    let mut date = Stamper::at(StamperType::Timestamp, DOC, 1, 0.6, 0.2);
    date.date_pattern = Some(DatePattern::AllChinese);
    let ep = CompanySignRequest::from(
        SignParam::new(by_id())
            .seal_id("2490828768980361630")
            .stampers([Stamper::at(StamperType::Company, DOC, 1, 0.5, 0.3), date]),
    );
    check_json(
        &ep,
        "/v2/contract/companysign",
        json!({
            "contractId": CID,
            "sealId": "2490828768980361630",
            "stampers": [
                {"type": "COMPANY", "documentId": DOC, "page": 1, "offsetX": 0.5, "offsetY": 0.3},
                {"type": "TIMESTAMP", "documentId": DOC, "page": 1, "offsetX": 0.6, "offsetY": 0.2, "datePattern": "ALL_Chinese"}
            ]
        }),
    );
    fixture::<CompanySignRequest>("companysign");
    let ep = LegalPersonSignRequest::from(
        SignParam::new(by_biz())
            .stampers([Stamper::at_keyword(StamperType::Lp, DOC, "法定代表人")])
            .locate_all_stamper_keywords(true),
    );
    check_json(
        &ep,
        "/v2/contract/legalpersonsign",
        json!({
            "bizId": "HT-2026-0001",
            "tenantName": "契约锁子公司",
            "stampers": [{"type": "LP", "documentId": DOC, "keyword": "法定代表人"}],
            "locateAllStamperKeywords": true
        }),
    );
    fixture::<LegalPersonSignRequest>("legalpersonsign");
}

#[test]
fn audit_and_notice() {
    check_json(
        &ContractAuditRequest::new(by_id(), false).comment("金额有误"),
        "/v2/contract/employeeaudit",
        json!({"contractId": CID, "pass": false, "comment": "金额有误"}),
    );
    fixture::<ContractAuditRequest>("employeeaudit");
    check_json(
        &ContractNoticeRequest::new(by_id())
            .signatory_id(SIGNATORY)
            .only_signing(true),
        "/v2/contract/notice",
        json!({"contractId": CID, "signatoryId": SIGNATORY, "onlySigning": true}),
    );
    fixture::<ContractNoticeRequest>("notice");
}

#[test]
fn pageurl_and_appointurl() {
    let ep = ContractPageUrlRequest::new(by_id(), User::mobile("13800000000"))
        .page_type(SignPageType::DirectSign)
        .callback_page("https://example.com/done")
        .hide_reject_button(false)
        .lang(Language::Chinese)
        .page_style(PageStyle {
            theme_color: "#1F7FFF".into(),
        })
        .expire_time(2u32)
        .expire_time_unit(ExpireTimeUnit::Days);
    check_json(
        &ep,
        "/v2/contract/pageurl",
        json!({
            "contractId": CID,
            "user": {"contact": "13800000000", "contactType": "MOBILE"},
            "pageType": "DIRECT_SIGN",
            "callbackPage": "https://example.com/done",
            "hideRejectButton": false,
            "lang": "cn",
            "pageStyle": {"themeColor": "#1F7FFF"},
            "expireTime": 2,
            "expireTimeUnit": "DAYS"
        }),
    );
    let r = fixture::<ContractPageUrlRequest>("pageurl");
    assert_eq!(r.url, "https://qys.example/sign?ticket=t1");
    let ep = ContractAppointUrlRequest::new(by_id())
        .page_type(AppointPageType::FillParameters)
        .allowed_send(false);
    check_json(
        &ep,
        "/v2/contract/appointurl",
        json!({"contractId": CID, "pageType": "FILL_PARAMETERS", "allowedSend": false}),
    );
    let r = fixture::<ContractAppointUrlRequest>("appointurl");
    assert_eq!(r.url, "https://qys.example/appoint?ticket=t2");
}

#[test]
fn invalid() {
    let ep = ContractInvalidRequest::new(by_id())
        .seal_id("2490828768980361630")
        .reason("信息有误")
        .delete_doc(false)
        .auto_sign(true)
        .receivers([CopySendReceiverDraft::new(
            "赵六",
            User::mobile("13800000003"),
        )]);
    check_json(
        &ep,
        "/v2/contract/invalid",
        json!({
            "contractId": CID,
            "sealId": "2490828768980361630",
            "reason": "信息有误",
            "deleteDoc": false,
            "autoSign": true,
            "receivers": [{"name": "赵六", "receiver": {"contact": "13800000003", "contactType": "MOBILE"}}]
        }),
    );
    fixture::<ContractInvalidRequest>("invalid");
}

#[test]
fn invalidbyfile() {
    let mut info = InvalidInfo::new(by_id());
    info.title = Some("作废声明".into());
    info.invalid_reason = Some("信息有误".into());
    let ep = ContractInvalidByFileRequest::new(info, UploadFile::new("作废声明.docx", 2, ()))
        .receivers([CopySendReceiverDraft::new(
            "赵六",
            User::mobile("13800000003"),
        )]);
    let parts = check_upload(&ep, "/v2/contract/invalidbyfile", &[b"PK"]);
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["invalidInfo", "receivers", "file"]);
    let info: Value = serde_json::from_str(&parts[0].value).unwrap();
    assert_eq!(
        info,
        json!({"contractId": CID, "title": "作废声明", "fileSuffix": "docx", "invalidReason": "信息有误"})
    );
    let receivers: Value = serde_json::from_str(&parts[1].value).unwrap();
    assert_eq!(
        receivers,
        json!([{"name": "赵六", "receiver": {"contact": "13800000003", "contactType": "MOBILE"}}])
    );
    assert_eq!(parts[2], file_part("file", "作废声明.docx", "PK"));
    fixture::<ContractInvalidByFileRequest<()>>("invalidbyfile");
}

#[test]
fn invalidbytemplate_and_invalidsign() {
    check_json(
        &ContractInvalidByTemplateRequest::new(by_id(), "2490828768980361698")
            .title("作废协议")
            .invalid_reason("重复签署")
            .template_params([TemplateParam::new("原因", "重复")]),
        "/v2/contract/invalidbytemplate",
        json!({
            "contractId": CID,
            "templateId": "2490828768980361698",
            "title": "作废协议",
            "invalidReason": "重复签署",
            "templateParams": [{"name": "原因", "value": "重复"}]
        }),
    );
    fixture::<ContractInvalidByTemplateRequest>("invalidbytemplate");
    check_json(
        &ContractInvalidSignRequest::from(SignParam::new(by_id()).seal_id("2490828768980361630")),
        "/v2/contract/invalidsign",
        json!({"contractId": CID, "sealId": "2490828768980361630"}),
    );
    fixture::<ContractInvalidSignRequest>("invalidsign");
}

#[test]
fn personalsign() {
    let mut s = Stamper::at(StamperType::Personal, DOC, -1, 0.1, 0.1);
    s.width = Some(60);
    s.height = Some(24);
    let ep = PersonalSignRequest::from_param(
        SignParam::new(by_id()).stampers([s]),
        User::mobile("13800000000"),
    )
    .company_signatory(Company::by_name("上海契约锁电子合同签名有限公司"));
    check_json(
        &ep,
        "/v2/contract/personalsign",
        json!({
            "contractId": CID,
            "user": {"contact": "13800000000", "contactType": "MOBILE"},
            "stampers": [{"type": "PERSONAL", "documentId": DOC, "page": -1, "offsetX": 0.1, "offsetY": 0.1, "width": 60, "height": 24}],
            "companySignatory": {"name": "上海契约锁电子合同签名有限公司"}
        }),
    );
    fixture::<PersonalSignRequest>("personalsign");
}

// --- rules ------------------------------------------------------------------------------------

#[test]
fn out_of_range_positions_are_refused() {
    let send = |s: Stamper| build_error(&ContractSendRequest::new(by_id()).stampers([s]));
    assert!(send(Stamper::at(StamperType::Company, DOC, 1, 1.0, 0.5)).contains("offsetX"));
    assert!(send(Stamper::at(StamperType::Company, DOC, 1, 0.5, -0.1)).contains("offsetY"));
    assert!(send(Stamper::at(StamperType::Company, DOC, 1, f64::NAN, 0.5)).contains("offsetX"));
    assert!(send(Stamper::at(StamperType::Company, DOC, -2, 0.5, 0.5)).contains("page"));
    let mut s = Stamper::at(StamperType::Personal, DOC, 1, 0.5, 0.5);
    s.width = Some(5);
    assert!(send(s.clone()).contains("width"));
    s.width = Some(120);
    s.height = Some(49);
    assert!(send(s).contains("height"));
    let mut k = Stamper::at_keyword(StamperType::Company, DOC, "甲方");
    k.keyword_index = Some(-2);
    assert!(send(k.clone()).contains("keywordIndex"));
    // Keyword offsets may be negative, within (-1, 1).
    k.keyword_index = Some(-1);
    k.offset_x = Some(-0.2);
    assert!(
        core()
            .prepare(
                &ContractSendRequest::new(by_id()).stampers([k.clone()]),
                &params()
            )
            .is_ok()
    );
    k.offset_x = Some(-1.0);
    assert!(send(k).contains("offsetX"));
    let mut r = company_stamper();
    r.rotation_degrees = Some(361.0);
    assert!(send(r).contains("rotationDegrees"));
}

#[test]
fn invalid_arguments_are_build_errors() {
    assert!(
        build_error(&ContractDraftRequest::new(ContractDraft::new("x", [])))
            .contains("signatories")
    );
    let mut unnamed = SignatoryDraft::personal("张三", User::mobile("1"));
    unnamed.tenant_name = None;
    assert!(
        build_error(&ContractDraftRequest::new(ContractDraft::new(
            "x",
            [unnamed]
        )))
        .contains("tenantName")
    );
    let audit = ActionDraft::new(ActionType::Audit);
    assert!(
        build_error(&ContractDraftRequest::new(ContractDraft::new(
            "x",
            [SignatoryDraft::company("c", [audit])]
        )))
        .contains("corpOperators")
    );
    assert!(build_error(&ContractDetailRequest::new(ContractRef::biz_id(""))).contains("bizId"));
    assert!(
        build_error(&ContractDelayRequest::until(by_id(), "2027/01/31")).contains("expireDate")
    );
    assert!(build_error(&ContractWatermarkRequest::new(by_id(), [])).contains("watermarks"));
    assert!(
        build_error(&ContractWatermarkRequest::new(
            by_id(),
            [Watermark::text(
                "这是一段超过二十个字符长度的水印文字内容啊啊"
            )]
        ))
        .contains("20")
    );
    let mut w = Watermark::new(WatermarkType::No);
    w.font_size = Some(80.0);
    assert!(build_error(&ContractWatermarkRequest::new(by_id(), [w])).contains("fontSize"));
    assert!(build_error(&ContractCopySendRequest::new(by_id(), [])).contains("receivers"));
    let mut blank = SignatoryDraft::personal("张三", User::mobile("1"));
    blank.tenant_name = None;
    assert!(
        build_error(&ContractResendRequest::new(by_id()).signatories([blank]))
            .contains("signatories[0].tenantName")
    );
    assert!(
        build_error(&CompanySignRequest::from(
            SignParam::new(by_id()).stampers([Stamper::at(
                StamperType::Personal,
                DOC,
                1,
                0.1,
                0.1
            )])
        ))
        .contains("PERSONAL")
    );
    assert!(
        build_error(&LegalPersonSignRequest::from(
            SignParam::new(by_id()).stampers([company_stamper()])
        ))
        .contains("COMPANY")
    );
    assert!(
        build_error(&PersonalSignRequest::from_param(
            SignParam::new(by_id()).stampers([company_stamper()]),
            User::mobile("1"),
        ))
        .contains("COMPANY")
    );
    assert!(
        build_error(&ContractPageUrlRequest::new(by_id(), User::mobile("1")).expire_time(1u32))
            .contains("expireTime")
    );
    assert!(
        build_error_upload(&DocumentAddByFileRequest::new(
            by_id(),
            "t",
            UploadFile::new("virus.exe", 1, ())
        ))
        .contains("fileSuffix")
    );
    assert!(
        build_error_upload(&DocumentAddByFileRequest::new(
            by_id(),
            "t",
            UploadFile::new("big.pdf", MAX_DOCUMENT_BYTES + 1, ())
        ))
        .contains("bytes")
    );
    assert!(
        build_error_upload(&DocumentAddByFilesRequest::<()>::new(by_id(), "t", []))
            .contains("files")
    );
    match core().prepare_download(&DocumentDownloadRequest::new(""), &params()) {
        Err(Error::Build(e)) => assert_eq!(e.kind(), BuildErrorKind::InvalidArgument),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_biz_id_reference_never_sends_a_contract_id() {
    let biz = by_biz;
    let bodies = [
        json_body(&ContractSendRequest::new(biz()), "/v2/contract/send"),
        json_body(
            &ContractForceEndRequest::new(biz()).reason("r"),
            "/v2/contract/forceend",
        ),
        json_body(&CompanySignRequest::new(biz()), "/v2/contract/companysign"),
        json_body(
            &PersonalSignRequest::new(biz(), User::mobile("1")),
            "/v2/contract/personalsign",
        ),
        json_body(
            &ContractPageUrlRequest::new(biz(), User::mobile("1")),
            "/v2/contract/pageurl",
        ),
        json_body(
            &ContractModifyRequest::new(biz()),
            "/v2/contract/contractModify",
        ),
    ];
    for body in bodies {
        assert!(
            body.get("contractId").is_none() && body.get("id").is_none(),
            "{body}"
        );
        assert_eq!(body["bizId"], "HT-2026-0001");
    }
    let core = core();
    for uri in [
        core.prepare(&ContractShortUrlRequest::new(biz(), "1"), &params())
            .unwrap()
            .uri()
            .clone(),
        core.prepare(&ContractDetailRequest::new(biz()), &params())
            .unwrap()
            .uri()
            .clone(),
        core.prepare_download(&ContractDownloadRequest::new(biz()), &params())
            .unwrap()
            .uri()
            .clone(),
    ] {
        let pairs = query_of(&uri);
        assert!(pairs.iter().all(|(k, _)| k != "contractId"), "{uri}");
        assert_eq!(
            pairs.iter().filter(|(k, _)| k == "bizId").count(),
            1,
            "{uri}"
        );
    }
    let parts = check_upload(
        &DocumentAddByFileRequest::new(biz(), "t", UploadFile::new("a.pdf", 1, ())),
        "/v2/document/addbyfile",
        &[b"x"],
    );
    assert!(parts.iter().all(|p| p.name != "contractId"));
}

#[test]
fn every_contract_endpoint_is_catalogued_with_its_shape() {
    use qys_proto::api::{Shape, catalogue};
    let c = catalogue();
    let shape = |ty: &str| {
        c.iter()
            .find(|e| e.type_name == ty)
            .unwrap_or_else(|| panic!("{ty} missing"))
            .shape
    };
    assert_eq!(shape("ContractDraftRequest"), Shape::Json);
    assert_eq!(shape("ContractListRequest"), Shape::Query);
    assert_eq!(shape("DocumentAddByFilesRequest"), Shape::Upload);
    assert_eq!(shape("ContractInvalidByFileRequest"), Shape::Upload);
    assert_eq!(shape("ContractDownloadRequest"), Shape::Download);
    assert_eq!(shape("DocumentDownloadRequest"), Shape::Download);
    assert_eq!(shape("AttachmentDownloadRequest"), Shape::Download);
    let watermark = c
        .iter()
        .find(|e| e.type_name == "ContractWatermarkRequest")
        .unwrap();
    assert_eq!(watermark.path, "/v2/contract/addwartermark");
    let mut seen = std::collections::BTreeSet::new();
    for e in c {
        assert!(
            seen.insert((e.method.clone(), e.path)),
            "{} {} twice",
            e.method,
            e.path
        );
    }
}

#[test]
fn lenient_response_fields() {
    let s: Signatory = serde_json::from_value(json!({
        "id": 2591540368898105372u64, "serialNo": "", "delaySet": 1, "actions": null,
        "receiver": {"contact": "1"}, "tenantType": "ROBOT"
    }))
    .unwrap();
    assert_eq!(s.id.unwrap().as_str(), SIGNATORY);
    assert_eq!(s.serial_no, None);
    assert_eq!(s.delay_set, Some(true));
    assert_eq!(
        s.receiver.unwrap().contact_type,
        ContactType::Other(String::new())
    );
    assert_eq!(s.tenant_type, Some(TenantType::Other("ROBOT".into())));
    assert!(serde_json::from_value::<Signatory>(json!({"id": 1.5})).is_err());
    // A value of no known form is an error (the decode error keeps the whole result), never
    // a silent `None`.
    assert!(serde_json::from_value::<Signatory>(json!({"serialNo": "x"})).is_err());
    assert!(serde_json::from_value::<Signatory>(json!({"delaySet": "maybe"})).is_err());
}

/// Rules no doc page and no vendor SDK states are gone: each of these calls builds and sends
/// exactly what it was given.
#[test]
fn calls_no_doc_refuses_are_sent_as_given() {
    // 获取合同列表: `selectLimit` has a default (1000) but no stated range.
    for limit in ["0", "1001"] {
        check_query(
            &ContractListRequest::new().select_limit(limit.parse::<u64>().unwrap()),
            "/v2/contract/list",
            &[("selectOffset", "0"), ("selectLimit", limit)],
        );
    }
    // 合同延期: `days` has no stated minimum.
    check_json(
        &ContractDelayRequest::by_days(by_id(), 0),
        "/v2/contract/delay",
        json!({"contractId": CID, "days": 0}),
    );
    // 抄送合同: a receiver's `receiver` is not marked required.
    let mut named = CopySendReceiverDraft::new("赵六", User::email("zl@example.com"));
    named.receiver = None;
    check_json(
        &ContractCopySendRequest::new(by_id(), [named]),
        "/v2/contract/copysend",
        json!({"contractId": CID, "receivers": [{"name": "赵六"}]}),
    );
    // 获取短链接: `contact` is not marked required; an empty one is left out.
    check_query(
        &ContractShortUrlRequest::new(by_id(), ""),
        "/v2/contract/shorturl",
        &[("contractId", CID)],
    );
    // /v2/signatory/edit with the signatory alone.
    check_json(
        &SignatoryEditV2Request::new(SIGNATORY),
        "/v2/signatory/edit",
        json!({"signatoryId": SIGNATORY}),
    );
    // /v3/signatory/edit with only a receiver, or only an operator.
    check_json(
        &SignatoryEditRequest::new(SIGNATORY).receiver(User::mobile("13800000009")),
        "/v3/signatory/edit",
        json!({"signatoryId": SIGNATORY, "receiver": {"contact": "13800000009", "contactType": "MOBILE"}}),
    );
    check_json(
        &SignatoryEditRequest::new(SIGNATORY).operator(User::mobile("13800000001")),
        "/v3/signatory/edit",
        json!({"signatoryId": SIGNATORY, "operator": {"contact": "13800000001", "contactType": "MOBILE"}}),
    );
    // /v2/signatory/operators/edit without operators: left out, as the vendor SDK does.
    check_json(
        &SignatoryOperatorsEditRequest::new(by_id(), ACTION, []),
        "/v2/signatory/operators/edit",
        json!({"contractId": CID, "actionId": ACTION}),
    );
}
