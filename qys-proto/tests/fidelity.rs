//! What qys sends is what the vendor's SDK sends (issue 13, items 1–3): the acting tenant is
//! independent of the contract reference, optional fields are optional, wire types match.
//! Each test asserts the exact JSON body or query string built.

use qys_proto::api::contract::{
    ContractForceEndRequest, ContractJoinUrlRequest, ContractPersonalJoinUrlRequest,
    ContractResendRequest, ContractShortUrlRequest,
};
use qys_proto::api::miniapp::{ContractSignTicketRequest, ContractViewTicketRequest};
use qys_proto::api::signatory::SignatoryEditRequest;
use qys_proto::api::signing::{
    CompanySignRequest, ContractAuditRequest, LegalPersonSignRequest, PersonalSignRequest,
};
use qys_proto::api::tools::CompanyInfoVerifyRequest;
use qys_proto::endpoint::Endpoint;
use qys_proto::types::{ContractDraft, ContractRef, TemplateParam, User, Watermark, WatermarkType};
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
    let sponsor = ContractDraft {
        tenant_name: Some("另一子公司".into()),
        ..ContractDraft::default()
    };
    // The acting tenant of the reference wins; the body's is not sent a second time.
    let sent = body(&ContractResendRequest::new(acting(), sponsor.clone()));
    assert_eq!(sent, json!({ "contractId": CID, "tenantName": TENANT }));
    // Without one, the body's sponsor is the tenant.
    let sent = body(&ContractResendRequest::new(ContractId::new(CID), sponsor));
    assert_eq!(
        sent,
        json!({ "contractId": CID, "tenantName": "另一子公司" })
    );
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
