//! What qys sends is what the vendor's SDK sends (issue 13, items 1–3): the acting tenant is
//! independent of the contract reference, optional fields are optional, wire types match.
//! Each test asserts the exact JSON body or query string built.

use qys_proto::api::contract::{
    ContractDraftRequest, ContractForceEndRequest, ContractJoinUrlRequest,
    ContractPersonalJoinUrlRequest, ContractResendRequest, ContractSendRequest,
    ContractShortUrlRequest,
};
use qys_proto::api::miniapp::{ContractSignTicketRequest, ContractViewTicketRequest};
use qys_proto::api::signatory::{SignatoryAddRequest, SignatoryEditRequest};
use qys_proto::api::signing::{
    CompanySignRequest, ContractAuditRequest, LegalPersonSignRequest, PersonalSignRequest,
};
use qys_proto::api::tools::CompanyInfoVerifyRequest;
use qys_proto::endpoint::Endpoint;
use qys_proto::types::{
    AcrossType, ActionDraft, ActionType, AttachmentDraft, Category, ContractDraft, ContractRef,
    CopySendReceiverDraft, CopySendTime, CustomField, DatePattern, PersonalField, SignFlowStrategy,
    SignValidateWay, SignatoryDraft, Stamper, StamperRule, StamperType, TemplateParam, User,
    UserAuthInfo, Watermark, WatermarkType,
};
use qys_proto::{ContractId, Core, Credentials, Environment, Nonce, SigningParams};
use serde_json::{Value, json};

const CID: &str = "2591540368898105360";
const TENANT: &str = "契约锁子公司";

fn core() -> Core {
    Core::new(Environment::test(), Credentials::new("t", "s")).unwrap()
}

fn params() -> SigningParams {
    SigningParams::new(1565753984643, Nonce::new("n-1").unwrap())
}

/// The contract by ID, acting as the sub-company.
fn acting() -> ContractRef {
    ContractRef::id(ContractId::new(CID)).acting_as(TENANT)
}

fn body<E: Endpoint>(ep: &E) -> Value {
    let request = core().prepare(ep, &params()).unwrap();
    serde_json::from_slice(request.body()).unwrap()
}

fn query<E: Endpoint>(ep: &E) -> String {
    let request = core().prepare(ep, &params()).unwrap();
    assert!(request.body().is_empty());
    request.uri().query().unwrap_or_default().to_owned()
}

fn user() -> User {
    User::mobile("13800000000")
}

#[test]
fn a_contract_by_id_can_be_signed_as_a_sub_company() {
    let expected = json!({ "contractId": CID, "tenantName": TENANT });
    assert_eq!(body(&CompanySignRequest::new(acting())), expected);
    assert_eq!(body(&LegalPersonSignRequest::new(acting())), expected);
    assert_eq!(
        body(&ContractAuditRequest::new(acting(), true)),
        json!({ "contractId": CID, "tenantName": TENANT, "pass": true })
    );
    assert_eq!(
        body(&PersonalSignRequest::new(acting(), user())),
        json!({ "contractId": CID, "tenantName": TENANT,
                "user": { "contact": "13800000000", "contactType": "MOBILE" } })
    );
    assert_eq!(
        body(&ContractSignTicketRequest::new(acting(), user())),
        json!({ "contractId": CID, "tenantName": TENANT,
                "user": { "contact": "13800000000", "contactType": "MOBILE" } })
    );
    assert_eq!(body(&ContractViewTicketRequest::new(acting())), expected);
}

#[test]
fn query_calls_carry_the_acting_tenant_with_a_contract_id() {
    let tenant = "%E5%A5%91%E7%BA%A6%E9%94%81%E5%AD%90%E5%85%AC%E5%8F%B8";
    assert_eq!(
        query(&ContractJoinUrlRequest::new(acting())),
        format!("contractId={CID}&tenantName={tenant}")
    );
    assert_eq!(
        query(&ContractPersonalJoinUrlRequest::new(acting())),
        format!("contractId={CID}&tenantName={tenant}")
    );
    assert_eq!(
        query(&ContractShortUrlRequest::new(acting(), "13800000000")),
        format!("contact=13800000000&contractId={CID}&tenantName={tenant}")
    );
}

#[test]
fn a_biz_id_without_a_tenant_sends_no_tenant() {
    assert_eq!(
        body(&CompanySignRequest::new(ContractRef::biz_id("HT-1"))),
        json!({ "bizId": "HT-1" })
    );
    assert_eq!(
        body(&CompanySignRequest::new(ContractRef::biz_id_of(
            "HT-1", TENANT
        ))),
        json!({ "bizId": "HT-1", "tenantName": TENANT })
    );
}

#[test]
fn a_resend_sends_its_sponsor_once() {
    // The sponsor of the new contract is the acting tenant of the reference, sent once.
    let sent = body(&ContractResendRequest::new(acting()).subject("续签"));
    assert_eq!(
        sent,
        json!({ "contractId": CID, "tenantName": TENANT, "subject": "续签" })
    );
    let sent = body(&ContractResendRequest::new(ContractId::new(CID)));
    assert_eq!(sent, json!({ "contractId": CID }));
}

#[test]
fn fields_the_vendor_sdk_leaves_optional_are_optional() {
    assert_eq!(
        body(&SignatoryEditRequest::new("123").receiver(user())),
        json!({ "signatoryId": "123",
                "receiver": { "contact": "13800000000", "contactType": "MOBILE" } })
    );
    assert_eq!(
        body(&SignatoryEditRequest::new("123").operator(user())),
        json!({ "signatoryId": "123",
                "operator": { "contact": "13800000000", "contactType": "MOBILE" } })
    );
    assert_eq!(
        query(&ContractJoinUrlRequest::new(ContractId::new(CID))),
        format!("contractId={CID}")
    );
    assert_eq!(
        body(&CompanyInfoVerifyRequest::new("杭州契约锁科技有限公司")),
        json!({ "companyName": "杭州契约锁科技有限公司" })
    );
    assert_eq!(
        body(&ContractForceEndRequest::new(ContractId::new(CID))),
        json!({ "contractId": CID })
    );
    assert_eq!(
        body(&ContractForceEndRequest::new(ContractId::new(CID)).reason("协商一致")),
        json!({ "contractId": CID, "reason": "协商一致" })
    );
}

#[test]
fn wire_types_are_those_the_vendor_sdk_sends() {
    let mut read_only = TemplateParam::new("金额", "100");
    read_only.read_only = Some(true);
    assert_eq!(
        serde_json::to_value(&read_only).unwrap(),
        json!({ "name": "金额", "value": "100", "readOnly": "true" })
    );
    let back: TemplateParam =
        serde_json::from_value(json!({ "name": "a", "readOnly": "false" })).unwrap();
    assert_eq!(back.read_only, Some(false));

    let mut w = Watermark::text("内部资料");
    w.font_size = Some(10.5);
    w.diaphaneity = Some(30.0);
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({ "type": "TEXT", "content": "内部资料", "fontSize": 10.5, "diaphaneity": 30 })
    );
    let mut bad = Watermark::new(WatermarkType::Text);
    bad.content = Some("x".into());
    bad.font_size = Some(72.5);
    let err = core()
        .prepare(
            &qys_proto::api::contract::ContractWatermarkRequest::new(ContractId::new(CID), [bad]),
            &params(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("fontSize"), "{err}");
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn sorted(mut k: Vec<&str>) -> Vec<&str> {
    k.sort_unstable();
    k
}

/// A company action with every field a request may set.
fn full_action() -> ActionDraft {
    let mut a = ActionDraft::new(ActionType::Company)
        .with_name("公章")
        .with_serial_no(0)
        .with_seals(["2490828768980361630"])
        .with_operators([user()])
        .with_auto_sign(false)
        .with_action_no("A-1");
    a.seal_id = Some("2490828768980361630".into());
    a.seal_ids = vec!["2490828768980361631".into()];
    a.operators = vec![user()];
    a
}

/// A signatory with every field a request may set.
fn full_signatory() -> SignatoryDraft {
    SignatoryDraft::company("某某科技有限公司", [full_action()])
        .with_receiver(user())
        .with_serial_no(1)
        .with_attachments([AttachmentDraft::new("营业执照")
            .with_required(true)
            .with_need_sign(false)])
        .with_user_auth_info(UserAuthInfo {
            id_card_no: Some("110101199001011234".into()),
            modify_fields: vec![PersonalField::BankNo],
            ..UserAuthInfo::default()
        })
        .with_category(Category::by_name("采购合同"))
        .with_delay_set(false)
        .with_fixed_flow(true)
        .with_signatory_no("S-1")
        .with_sign_validate_way(SignValidateWay::Default)
}

#[test]
fn a_full_draft_sends_exactly_the_request_fields() {
    let mut receiver = CopySendReceiverDraft::new("赵六", User::email("zl@example.com"));
    receiver.prohibit_type = Some("DOWNLOAD".into());
    receiver.copy_send_person_type = Some("PERSONAL".into());
    receiver.send = Some("true".into());
    let draft = ContractDraft::new("租赁合同", [full_signatory()])
        .with_id(CID)
        .with_biz_id("order-7")
        .with_tenant_name(TENANT)
        .with_description("两年")
        .with_sn("HT-001")
        .with_expire_time("2027-01-01 00:00:00")
        .with_end_time("2029-01-01 00:00:00")
        .with_ordinal(true)
        .with_send(false)
        .with_category(Category::by_id("2589012016299597222"))
        .with_creator(user())
        .with_sign_flow_strategy(SignFlowStrategy::AllSignFinish)
        .with_stamper_rule(StamperRule::MustAllow)
        .with_template_params([TemplateParam::new("甲方", "某某")])
        .with_copy_send_time(CopySendTime::Finish)
        .with_copy_send_receivers([receiver])
        .with_tags(["年度", "重要"])
        .with_related_contract_ids(["2591540368898105361"])
        .with_custom_fields([CustomField {
            key: Some("k".into()),
            value: Some("100".into()),
            ..CustomField::default()
        }])
        .with_business_data("{\"order\":7}")
        .with_callback_url("https://cb.example/contract")
        .with_notify_sponsor(false);
    let mobile = json!({ "contact": "13800000000", "contactType": "MOBILE" });
    assert_eq!(
        body(&ContractDraftRequest::new(draft)),
        json!({
            "id": CID, "bizId": "order-7", "tenantName": TENANT, "subject": "租赁合同",
            "description": "两年", "sn": "HT-001", "expireTime": "2027-01-01 00:00:00",
            "endTime": "2029-01-01 00:00:00", "ordinal": true, "send": false,
            "category": { "id": "2589012016299597222" }, "creator": mobile,
            "signatories": [{
                "tenantType": "COMPANY", "tenantName": "某某科技有限公司", "receiver": mobile,
                "serialNo": 1,
                "actions": [{
                    "type": "COMPANY", "name": "公章", "serialNo": 0,
                    "corpSealIds": ["2490828768980361630"], "corpOperators": [mobile],
                    "sealId": "2490828768980361630", "sealIds": ["2490828768980361631"],
                    "operators": [mobile], "autoSign": false, "actionNo": "A-1"
                }],
                "attachments": [{ "title": "营业执照", "required": true, "needSign": false }],
                "userAuthInfo": { "idCardNo": "110101199001011234", "modifyFields": ["BANKNO"] },
                "category": { "name": "采购合同" }, "delaySet": false, "fixedFlow": true,
                "signatoryNo": "S-1", "signValidateWay": "DEFAULT"
            }],
            "signFlowStrategy": "ALL_SIGN_FINISH", "stamperRule": "MUST_ALLOW",
            "templateParams": [{ "name": "甲方", "value": "某某" }],
            "copySendTime": "FINISH",
            "copySendReceivers": [{
                "name": "赵六", "receiver": { "contact": "zl@example.com", "contactType": "EMAIL" },
                "prohibitType": "DOWNLOAD", "copySendPersonType": "PERSONAL", "send": "true"
            }],
            "tags": "年度,重要", "relatedContractIds": ["2591540368898105361"],
            "customFields": [{ "key": "k", "value": "100" }],
            "businessData": "{\"order\":7}", "callbackUrl": "https://cb.example/contract",
            "notifySponsor": false
        })
    );
}

#[test]
fn request_types_send_the_vendor_model_fields_and_no_more() {
    // vendor Go SDK 3.1.1 `model.Signatory` and `model.Action`, less the returned `id` and
    // `status`: no `stampers` (no vendor SDK sends positions inside a draft's signatory).
    let signatory = serde_json::to_value(full_signatory()).unwrap();
    assert_eq!(
        keys(&signatory),
        sorted(vec![
            "tenantType",
            "tenantName",
            "receiver",
            "serialNo",
            "actions",
            "attachments",
            "userAuthInfo",
            "category",
            "delaySet",
            "fixedFlow",
            "signatoryNo",
            "signValidateWay",
        ])
    );
    assert_eq!(
        keys(&signatory["actions"][0]),
        sorted(vec![
            "type",
            "name",
            "serialNo",
            "sealId",
            "operators",
            "sealIds",
            "autoSign",
            "corpSealIds",
            "corpOperators",
            "actionNo",
        ])
    );
    // vendor Go SDK 3.1.1 `TemplateParam`: no `signatoryId`; `readOnly` as text.
    let mut param = TemplateParam::new("岗位", "研发");
    param.read_only = Some(false);
    param.required = Some(true);
    param.default_value = Some("研发".into());
    param.description = Some("职位".into());
    assert_eq!(
        serde_json::to_value(&param).unwrap(),
        json!({ "name": "岗位", "value": "研发", "readOnly": "false", "required": true,
                "defaultValue": "研发", "description": "职位" })
    );
    // vendor Go SDK 3.1.1 `model.Stamper`: no `datePatterns`.
    let mut stamper = Stamper::at(StamperType::Timestamp, "2591540368898105361", 1, 0.5, 0.25)
        .for_action("2591540368898105371")
        .for_signatory("2591540368898105372")
        .with_seal("2490828768980361630");
    stamper.across_type = Some(AcrossType::AllDocument);
    stamper.seal_page_config = Some("2,4~7".into());
    stamper.document_ids = Some("2591540368898105361".into());
    stamper.keyword = Some("甲方".into());
    stamper.keyword_index = Some(-1);
    stamper.date_pattern = Some(DatePattern::Chinese);
    stamper.width = Some(40);
    stamper.height = Some(20);
    stamper.rotation_degrees = Some(90.0);
    assert_eq!(
        body(&ContractSendRequest::new(ContractId::new(CID)).stampers([stamper])),
        json!({ "contractId": CID, "stampers": [{
            "actionId": "2591540368898105371", "signatoryId": "2591540368898105372",
            "type": "TIMESTAMP", "acrossType": "ALL_DOCUMENT", "sealPageConfig": "2,4~7",
            "documentId": "2591540368898105361", "documentIds": "2591540368898105361",
            "sealId": "2490828768980361630", "keyword": "甲方", "keywordIndex": -1, "page": 1,
            "offsetX": 0.5, "offsetY": 0.25, "datePattern": "Chinese", "width": 40,
            "height": 20, "rotationDegrees": 90.0
        }] })
    );
}

#[test]
fn what_qys_does_not_know_is_sent_as_given() {
    // Positions inside a signatory or action are no typed field (see above); a caller whose
    // platform takes them sends them through `extra`, at any level.
    let mut action = ActionDraft::new(ActionType::Company);
    action
        .extra
        .insert("stampers".into(), json!([{ "type": "COMPANY", "page": 1 }]));
    let mut signatory = SignatoryDraft::company("某某科技有限公司", [action]);
    signatory
        .extra
        .insert("defaultCategoryAccepted".into(), json!(true));
    let mut draft = ContractDraft::new("合同", [signatory.clone()]);
    draft
        .extra
        .insert("newField".into(), json!({ "a": [1, "2"] }));
    assert_eq!(
        body(&ContractDraftRequest::new(draft)),
        json!({
            "subject": "合同",
            "signatories": [{
                "tenantType": "COMPANY", "tenantName": "某某科技有限公司",
                "actions": [{ "type": "COMPANY", "stampers": [{ "type": "COMPANY", "page": 1 }] }],
                "defaultCategoryAccepted": true
            }],
            "newField": { "a": [1, "2"] }
        })
    );
    assert_eq!(
        body(&SignatoryAddRequest::new(ContractId::new(CID), signatory)),
        json!({
            "contractId": CID,
            "signatory": {
                "tenantType": "COMPANY", "tenantName": "某某科技有限公司",
                "actions": [{ "type": "COMPANY", "stampers": [{ "type": "COMPANY", "page": 1 }] }],
                "defaultCategoryAccepted": true
            }
        })
    );
}

#[test]
fn no_rule_without_a_source_a_position_may_omit_its_page() {
    // The doc pages mark `page` optional (N) and no vendor SDK requires it with offsets.
    let mut s = Stamper::at(StamperType::Company, "2591540368898105361", 1, 0.5, 0.5);
    s.page = None;
    assert_eq!(
        body(&ContractSendRequest::new(ContractId::new(CID)).stampers([s])),
        json!({ "contractId": CID, "stampers": [
            { "type": "COMPANY", "documentId": "2591540368898105361", "offsetX": 0.5, "offsetY": 0.5 }
        ] })
    );
}

#[test]
fn answers_keep_what_the_request_types_do_not_send() {
    let answer = json!({
        "id": CID, "status": "SIGNING", "stamperRule": "MUST_ALLOW",
        "templateParams": [{ "name": "甲方", "value": "某某", "signatoryId": "1" }],
        "signatories": [{
            "id": "1", "status": "SIGNING", "sponsor": true, "tenantType": "PERSONAL",
            "stampers": [{ "type": "PERSONAL", "datePatterns": ["HYPHEN"] }],
            "actions": [{ "id": "2", "status": "START", "type": "COMPANY",
                          "stampers": [{ "type": "COMPANY", "page": 1 }] }]
        }]
    });
    let contract: qys_proto::types::Contract = serde_json::from_value(answer.clone()).unwrap();
    assert_eq!(contract.signatories[0].actions[0].stampers[0].page, Some(1));
    assert_eq!(
        contract.template_params[0].extra["signatoryId"],
        json!("1"),
        "kept, though no request sends it"
    );
    assert_eq!(serde_json::to_value(&contract).unwrap(), answer);
}
