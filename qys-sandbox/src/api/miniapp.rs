//! 小程序插件: the mini-program ticket endpoints (spec §11).
//!
//! Every endpoint answers `{"ticket": "<32 hex digits>"}`, unique per call, and remembers the
//! ticket (page, subject, user, licence) in the state.

use qys_proto::api::miniapp::PluginPage;
use qys_proto::types::{ContactType, User};
use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route, Verb, text_of};
use crate::fields;
use crate::reply::Failure;
use crate::state::{ContractStatus, MintedTicket, State, UploadedFile};

pub(super) static ROUTES: &[Route] = &[
    Route {
        verb: Verb::Post,
        path: "/v2/contract/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::CONTRACT_SIGN_TICKET,
        handler: contract_sign,
    },
    Route {
        verb: Verb::Post,
        path: "/v2/contract/miniappexchange/view",
        body: BodyKind::Json,
        schema: &fields::CONTRACT_VIEW_TICKET,
        handler: contract_view,
    },
    Route {
        verb: Verb::Post,
        path: "/v2/personalauth/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::PERSONAL_AUTH_TICKET,
        handler: personal_auth,
    },
    Route {
        verb: Verb::Post,
        path: "/companyauth/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::COMPANY_AUTH_TICKET,
        handler: company_auth,
    },
    Route {
        verb: Verb::Post,
        path: "/companyauth/miniappexchangewithlicense",
        body: BodyKind::Multipart(fields::LICENSE_REQUIRED),
        schema: &fields::COMPANY_AUTH_LICENSE_TICKET,
        handler: company_auth_with_license,
    },
    Route {
        verb: Verb::Post,
        path: "/v2/personalsign/authurl/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::PERSONAL_SIGN_AUTH_TICKET,
        handler: personal_sign_auth,
    },
    Route {
        verb: Verb::Post,
        path: "/saas/v2/personalsign/authurl/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::SAAS_PERSONAL_SIGN_AUTH_TICKET,
        handler: saas_personal_sign_auth,
    },
    Route {
        verb: Verb::Post,
        path: "/saas/v2/sealsign/authurl/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::SAAS_SEAL_SIGN_AUTH_TICKET,
        handler: saas_seal_sign_auth,
    },
    Route {
        verb: Verb::Post,
        path: "/saas/v2/companyauth/miniappexchange",
        body: BodyKind::Multipart(fields::LICENSE_OPTIONAL),
        schema: &fields::SAAS_COMPANY_AUTH_TICKET,
        handler: saas_company_auth,
    },
    Route {
        verb: Verb::Post,
        path: "/saas/v2/personalauth/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::SAAS_PERSONAL_AUTH_TICKET,
        handler: personal_auth_saas,
    },
    Route {
        verb: Verb::Post,
        path: "/saas/v2/privilege/miniappexchange",
        body: BodyKind::Json,
        schema: &fields::SAAS_PRIVILEGE_TICKET,
        handler: saas_privilege,
    },
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

/// The user object `name` (already checked against its table).
fn user(input: &Input, name: &str) -> Option<User> {
    let object = input.fields.get(name)?.as_object()?;
    let contact = object.get("contact").and_then(text_of)?;
    let contact_type = object.get("contactType").and_then(text_of)?;
    let mut user = User::new(contact, ContactType::from(contact_type.as_str()));
    if let Some(n) = object.get("name").and_then(text_of) {
        user = user.with_name(n);
    }
    Some(user)
}

fn required_user(input: &Input, name: &str) -> Result<User, Failure> {
    user(input, name).ok_or_else(|| Failure::invalid_param(format!("{name} is required")))
}

fn contract_not_found() -> Failure {
    Failure::business(3004, "11101003", "CONTRACT NOT FOUND")
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
        .ok_or_else(contract_not_found)
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
    check_app(tenant, input)
}

fn check_app(tenant: &crate::state::Tenant, input: &Input) -> Result<(), Failure> {
    match input.text("appId") {
        Some(app) if app != tenant.app_id => Err(Failure::invalid_param(format!(
            "appId {app:?} is not an app of company {}",
            tenant.id
        ))),
        _ => Ok(()),
    }
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
    check_app(tenant, &input)?;
    Ok(mint(
        state,
        PluginPage::SaasPrivilege,
        company_id,
        Some(u),
        None,
    ))
}
