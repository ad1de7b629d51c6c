//! 小程序插件: the mini-program ticket endpoints (spec §11).
//!
//! Every endpoint answers `{"ticket": "<32 hex digits>"}`, unique per call, and remembers the
//! ticket (page, subject, user, licence) in the state.

use qys_proto::api::miniapp::PluginPage;
use qys_proto::types::User;
use serde_json::{Value, json};

use super::auth::required_user;
use super::contract::not_found;
use super::{Answer, BodyKind, Input, Route, text_of};
use crate::fields;
use crate::reply::Failure;
use crate::state::{ContractStatus, MintedTicket, State, UploadedFile};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/contract/miniappexchange", BodyKind::Json, fields::CONTRACT_SIGN_TICKET, contract_sign),
    route!(Post "/v2/contract/miniappexchange/view", BodyKind::Json, fields::CONTRACT_VIEW_TICKET, contract_view),
    route!(Post "/v2/personalauth/miniappexchange", BodyKind::Json, fields::PERSONAL_AUTH_TICKET, personal_auth),
    route!(Post "/companyauth/miniappexchange", BodyKind::Json, fields::COMPANY_AUTH_TICKET, company_auth),
    route!(Post "/companyauth/miniappexchangewithlicense", BodyKind::Multipart(fields::LICENSE_REQUIRED), fields::COMPANY_AUTH_LICENSE_TICKET, company_auth_with_license),
    route!(Post "/v2/personalsign/authurl/miniappexchange", BodyKind::Json, fields::PERSONAL_SIGN_AUTH_TICKET, personal_sign_auth),
    route!(Post "/saas/v2/personalsign/authurl/miniappexchange", BodyKind::Json, fields::SAAS_PERSONAL_SIGN_AUTH_TICKET, saas_personal_sign_auth),
    route!(Post "/saas/v2/sealsign/authurl/miniappexchange", BodyKind::Json, fields::SAAS_SEAL_SIGN_AUTH_TICKET, saas_seal_sign_auth),
    route!(Post "/saas/v2/companyauth/miniappexchange", BodyKind::Multipart(fields::LICENSE_OPTIONAL), fields::SAAS_COMPANY_AUTH_TICKET, saas_company_auth),
    route!(Post "/saas/v2/personalauth/miniappexchange", BodyKind::Json, fields::SAAS_PERSONAL_AUTH_TICKET, personal_auth_saas),
    route!(Post "/saas/v2/privilege/miniappexchange", BodyKind::Json, fields::SAAS_PRIVILEGE_TICKET, saas_privilege),
];

/// A fresh opaque ticket: 32 lowercase hex digits.
fn new_ticket_value() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn mint(
    state: &mut State,
    page: PluginPage,
    subject: String,
    user: Option<User>,
    license: Option<UploadedFile>,
) -> Answer {
    let value = new_ticket_value();
    state.tickets.insert(
        value.clone(),
        MintedTicket {
            page,
            subject,
            user,
            license,
        },
    );
    Answer::Result(json!({ "ticket": value }))
}

fn find_contract<'s>(
    state: &'s State,
    input: &Input,
) -> Result<&'s crate::state::Contract, Failure> {
    state
        .find_contract(
            input.text("contractId").as_deref(),
            input.text("bizId").as_deref(),
            input.text("tenantName").as_deref(),
        )
        .ok_or_else(not_found)
}

fn contract_sign(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let signer = required_user(&input, "user")?;
    let contract = find_contract(state, &input)?;
    if contract.status != ContractStatus::Signing {
        return Err(Failure::business(
            1101,
            "11011101",
            format!(
                "INVALID CONTRACT STATUS: the contract is {}, not SIGNING",
                contract.status.as_str()
            ),
        ));
    }
    if !contract.is_current_signer(&signer.contact, signer.contact_type.as_str()) {
        return Err(Failure::business(1110, "11011110", "NO VIEW PERMISSION"));
    }
    let subject = contract.id.to_string();
    Ok(mint(
        state,
        PluginPage::ContractSign,
        subject,
        Some(signer),
        None,
    ))
}

fn contract_view(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let contract = find_contract(state, &input)?;
    if let Some(document) = input.text("documentId")
        && !contract.documents.iter().any(|d| d.as_str() == document)
    {
        return Err(Failure::invalid_param(format!(
            "documentId {document} is not a document of contract {}",
            contract.id
        )));
    }
    let subject = contract.id.to_string();
    Ok(mint(state, PluginPage::ContractView, subject, None, None))
}

fn personal_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let u = required_user(&input, "user")?;
    Ok(mint(
        state,
        PluginPage::PersonalAuth,
        u.contact.clone(),
        Some(u),
        None,
    ))
}

fn personal_auth_saas(state: &mut State, input: Input) -> Result<Answer, Failure> {
    personal_auth(state, input)
}

fn company_ticket(
    state: &mut State,
    mut input: Input,
    applicant_field: &str,
    license_field: Option<&str>,
) -> Result<Answer, Failure> {
    let company = input
        .text("companyName")
        .ok_or_else(|| Failure::invalid_param("companyName is required"))?;
    let applicant = required_user(&input, applicant_field)?;
    if state.company_authenticated(&company) {
        return Err(Failure::business(
            1605,
            "11011605",
            "COMPANY ALREADY AUTHED",
        ));
    }
    let license = license_field.and_then(|f| input.take_file(f));
    Ok(mint(
        state,
        PluginPage::CompanyAuth,
        company,
        Some(applicant),
        license,
    ))
}

fn company_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    company_ticket(state, input, "applicant", None)
}

fn company_auth_with_license(state: &mut State, input: Input) -> Result<Answer, Failure> {
    company_ticket(state, input, "applicantInfo", Some("license"))
}

fn saas_company_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    company_ticket(state, input, "applicantInfo", Some("license"))
}

fn personal_sign_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let u = required_user(&input, "user")?;
    Ok(mint(
        state,
        PluginPage::PersonalSignAuth,
        u.contact.clone(),
        Some(u),
        None,
    ))
}

fn company_not_found() -> Failure {
    Failure::business(1801, "11041801", "COMPANY NOT FOUND")
}

/// Checks that the `company` object names a tenant of the agent, and that `appId`, if given,
/// is that tenant's app.
fn check_tenant(state: &State, input: &Input) -> Result<(), Failure> {
    let company = input.fields.get("company").and_then(Value::as_object);
    let id = company.and_then(|c| c.get("id")).and_then(text_of);
    let name = company.and_then(|c| c.get("name")).and_then(text_of);
    let tenant = state
        .find_tenant(id.as_deref(), name.as_deref())
        .ok_or_else(company_not_found)?;
    super::saas::check_app(state, tenant, input)
}

fn saas_personal_sign_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let u = required_user(&input, "user")?;
    check_tenant(state, &input)?;
    Ok(mint(
        state,
        PluginPage::SaasPersonalSignAuth,
        u.contact.clone(),
        Some(u),
        None,
    ))
}

fn saas_seal_sign_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let admin = required_user(&input, "sealAdmin")?;
    check_tenant(state, &input)?;
    Ok(mint(
        state,
        PluginPage::SaasSealSignAuth,
        admin.contact.clone(),
        Some(admin),
        None,
    ))
}

fn saas_privilege(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let u = required_user(&input, "user")?;
    let company_id = input
        .text("companyId")
        .ok_or_else(|| Failure::invalid_param("companyId is required"))?;
    let tenant = state
        .find_tenant(Some(&company_id), None)
        .ok_or_else(company_not_found)?;
    super::saas::check_app(state, tenant, &input)?;
    Ok(mint(
        state,
        PluginPage::SaasPrivilege,
        company_id,
        Some(u),
        None,
    ))
}
