//! SaaS (代理商): an agent manages its tenant companies (spec §17), with the sandbox's own
//! field tables. The gateway has already checked the agent signature of every `/saas/` path.
//!
//! Tenants are the SaaS companies of the state (the fixture tenant, plus the companies
//! `/saas/v2/companyauth/pageurl` registers); an unknown tenant answers `{code:1801,
//! responseCode:"11041801"}`. The answers are undocumented upstream; the sandbox's:
//! - `applyapp` → `{appId, accessToken, accessSecret}`; `resettoken` → `{accessToken,
//!   accessSecret}` (a new secret);
//! - `company/detail` → `{id, name, registerNo, legalPerson, status}` (`AUTH_SUCCESS` or
//!   `UNAUTHENTICATED`);
//! - `companyauth/url` and `companyauth/pageurl` → `{authUrl, requestId}` (a pending company
//!   authentication, completed with [`Sandbox::complete_company_auth`](crate::Sandbox::complete_company_auth));
//! - `privilege/url` records the grant at once (there is no page to complete);
//!   `privilege/query` → `{appId, companyId, granted, privilegeModules}`;
//! - access control records `operate` and answers `null`; `binding` → `{companies: [...]}`;
//!   `checkhealth` → `{status: "UP"}`; fees are recorded by `fee/init` (`fee/update` needs
//!   them initialized) and read back by `fee/info`.

use serde_json::{Value, json};

use super::auth::{
    already_authed, new_company_auth, new_personal_auth, personal_result, record_company_auth,
    required_text, required_user,
};
use super::authorization::{new_sign_auth, withdraw_sign_auth};
use super::{Answer, BodyKind, Input, Route, text_of};
use crate::fields::{
    COMPANY, LANGS, LICENSE_OPTIONAL, NONE, PAGE_STYLE, Rule, SAAS_PERSONAL_SIGN_AUTH_TICKET,
    Schema, Ty, USER, company_auth, opt, req, saas_privilege, seal_sign_auth,
};
use crate::pages::{LinkPage, mint};
use crate::reply::Failure;
use crate::state::{State, Tenant};
use crate::state_identity::{Fee, KNOWN_COMPANIES, Privilege, SaasApp, push_capped};

/// `POST /saas/v2/company/applyapp`. ⚠ Required flags undocumented: `companyId` and `appName`.
pub(super) const APPLY_APP: Schema = Schema {
    fields: &[
        req("companyId", Ty::Id),
        req("appName", Ty::Str),
        opt("domain", Ty::Str),
        opt("loginUrl", Ty::Str),
        opt("casVerifyUrl", Ty::Str),
        opt("callbackUrl", Ty::Str),
        opt("contractCallbackUrl", Ty::Str),
        opt("messageStrategy", Ty::Str),
        opt("contractMessageCallbackUrl", Ty::Str),
        opt("contractByPage", Ty::Bool),
        opt("callbackForPage", Ty::Bool),
        opt("sealAuthCallbackUrl", Ty::Str),
    ],
    rules: &[],
};

/// `POST /saas/v2/company/resettoken` (`accessToken` optional: the vendor SDK's usage sends
/// none, and no document marks it required; without it, the tenant's own app).
pub(super) const RESET_TOKEN: Schema = Schema {
    fields: &[req("companyId", Ty::Id), opt("accessToken", Ty::Str)],
    rules: &[],
};

/// `GET /saas/v2/company/detail`: `companyName` or `registerNo`.
pub(super) const COMPANY_DETAIL: Schema = Schema {
    fields: &[opt("companyName", Ty::Str), opt("registerNo", Ty::Str)],
    rules: &[Rule::AtLeastOne(&["companyName", "registerNo"])],
};

/// `POST /saas/v2/companyauth/url`.
pub(super) const COMPANY_AUTH_URL: Schema = Schema {
    fields: &[req("companyId", Ty::Id)],
    rules: &[],
};

/// `POST /saas/v2/companyauth/pageurl` (multipart; `applicantInfo`, `pageStyleInfo` JSON text;
/// optional file `license`; `modifyFields` is a boolean here).
pub(super) const COMPANY_AUTH_PAGE_URL: Schema = company_auth!(
    "applicantInfo",
    [],
    [
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyleInfo", Ty::Object(&PAGE_STYLE)),
        opt("repeatAuth", Ty::Bool),
        opt("modifyFields", Ty::Bool),
    ]
);

/// `GET /saas/v2/companyauth/result`.
pub(super) const COMPANY_AUTH_RESULT: Schema = Schema {
    fields: &[opt("companyName", Ty::Str), opt("requestId", Ty::Str)],
    rules: &[Rule::AtLeastOne(&["requestId", "companyName"])],
};

/// `POST /saas/v2/personalsign/authurl`: the table of its mini-program ticket (§11.8).
pub(super) const PERSONAL_SIGN_AUTH_URL: Schema = SAAS_PERSONAL_SIGN_AUTH_TICKET;

/// `POST /saas/v2/personalsign/deauthorize`.
pub(super) const PERSONAL_SIGN_DEAUTHORIZE: Schema = Schema {
    fields: &[
        req("user", Ty::Object(&USER)),
        req("company", Ty::Object(&COMPANY)),
        opt("appId", Ty::Str),
    ],
    rules: &[],
};

/// `POST /saas/v2/sealsign/authurl`.
pub(super) const SEAL_SIGN_AUTH_URL: Schema = seal_sign_auth!([opt("returnUrl", Ty::Str)]);

/// `POST /saas/v2/privilege/url` (`pageStyleInfo` is a string of JSON text in the JSON body).
pub(super) const PRIVILEGE_URL: Schema = saas_privilege!([
    opt("canShowSecret", Ty::Bool),
    opt("lang", Ty::Enum(LANGS)),
    opt("pageStyleInfo", Ty::Str),
]);

/// `GET /saas/v2/privilege/query` (`appId` optional, as for `privilege/url`).
pub(super) const PRIVILEGE_QUERY: Schema = Schema {
    fields: &[opt("appId", Ty::Str), req("companyId", Ty::Id)],
    rules: &[],
};

/// `POST /saas/v2/app/accesscontrol` and `/saas/v2/company/accesscontrol`.
pub(super) const COMPANY_ACCESS: Schema = Schema {
    fields: &[
        req("company", Ty::Object(&COMPANY)),
        req("operate", Ty::Str),
    ],
    rules: &[],
};

/// `POST /saas/v2/personal/accesscontrol`.
pub(super) const PERSONAL_ACCESS: Schema = Schema {
    fields: &[req("user", Ty::Object(&USER)), req("operate", Ty::Str)],
    rules: &[],
};

/// `GET /saas/v2/fee/info`.
pub(super) const FEE_INFO: Schema = Schema {
    fields: &[req("companyName", Ty::Str)],
    rules: &[],
};

/// `POST /saas/v2/fee/init` and `/saas/v2/fee/update` (decimal text, as the Go SDK sends).
pub(super) const FEE_SET: Schema = Schema {
    fields: &[
        req("companyName", Ty::Str),
        opt("initialBalance", Ty::Str),
        opt("initialPrice", Ty::Str),
        opt("payMode", Ty::Str),
    ],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/saas/v2/company/applyapp", BodyKind::Json, APPLY_APP, apply_app),
    route!(Post "/saas/v2/company/resettoken", BodyKind::Json, RESET_TOKEN, reset_token),
    route!(Get "/saas/v2/company/detail", BodyKind::Query, COMPANY_DETAIL, company_detail),
    route!(Post "/saas/v2/companyauth/url", BodyKind::Json, COMPANY_AUTH_URL, company_auth_url),
    route!(Post "/saas/v2/companyauth/pageurl", BodyKind::Multipart(LICENSE_OPTIONAL), COMPANY_AUTH_PAGE_URL, company_auth_page_url),
    route!(Get "/saas/v2/companyauth/result", BodyKind::Query, COMPANY_AUTH_RESULT, company_auth_result),
    route!(Post "/saas/v2/personalauth", BodyKind::Json, super::auth::SAAS_PERSONAL_AUTH_PAGE, personal_auth),
    route!(Get "/saas/v2/personalauth/result", BodyKind::Query, super::auth::PERSONAL_AUTH_RESULT, personal_auth_result),
    route!(Post "/saas/v2/personalsign/authurl", BodyKind::Json, PERSONAL_SIGN_AUTH_URL, personal_sign_auth_url),
    route!(Post "/saas/v2/personalsign/deauthorize", BodyKind::Json, PERSONAL_SIGN_DEAUTHORIZE, personal_sign_deauthorize),
    route!(Post "/saas/v2/sealsign/authurl", BodyKind::Json, SEAL_SIGN_AUTH_URL, seal_sign_auth_url),
    route!(Post "/saas/v2/privilege/url", BodyKind::Json, PRIVILEGE_URL, privilege_url),
    route!(Get "/saas/v2/privilege/query", BodyKind::Query, PRIVILEGE_QUERY, privilege_query),
    route!(Post "/saas/v2/app/accesscontrol", BodyKind::Json, COMPANY_ACCESS, app_access),
    route!(Post "/saas/v2/company/accesscontrol", BodyKind::Json, COMPANY_ACCESS, company_access),
    route!(Post "/saas/v2/personal/accesscontrol", BodyKind::Json, PERSONAL_ACCESS, personal_access),
    route!(Get "/saas/v2/binding", BodyKind::Query, NONE, binding),
    route!(Get "/saas/v2/checkhealth", BodyKind::Query, NONE, check_health),
    route!(Get "/saas/v2/fee/platform/info", BodyKind::Query, NONE, platform_fee),
    route!(Get "/saas/v2/fee/info", BodyKind::Query, FEE_INFO, fee_info),
    route!(Post "/saas/v2/fee/init", BodyKind::Json, FEE_SET, fee_init),
    route!(Post "/saas/v2/fee/update", BodyKind::Json, FEE_SET, fee_update),
];

fn company_not_found() -> Failure {
    Failure::business(1801, "11041801", "COMPANY NOT FOUND")
}

/// The tenant with this ID.
fn tenant_by_id(state: &State, id: &str) -> Result<Tenant, Failure> {
    state
        .find_tenant(Some(id), None)
        .cloned()
        .ok_or_else(company_not_found)
}

/// The tenant the `company` object names.
fn tenant_of(state: &State, input: &Input) -> Result<Tenant, Failure> {
    let company = input.fields.get("company").and_then(Value::as_object);
    let id = company.and_then(|c| c.get("id")).and_then(text_of);
    let name = company.and_then(|c| c.get("name")).and_then(text_of);
    state
        .find_tenant(id.as_deref(), name.as_deref())
        .cloned()
        .ok_or_else(company_not_found)
}

/// The IDs of `tenant`'s apps, its own app first.
fn apps_of<'s>(state: &'s State, tenant: &'s Tenant) -> impl Iterator<Item = &'s str> {
    state
        .identity
        .saas_apps
        .iter()
        .filter(|a| a.company_id == tenant.id.as_str())
        .map(|a| a.app_id.as_str())
}

/// Whether `app_id` is an app of `tenant`.
fn is_app_of(state: &State, tenant: &Tenant, app_id: &str) -> bool {
    apps_of(state, tenant).any(|a| a == app_id)
}

/// The `appId` of the request, else the tenant's own app.
///
/// # Errors
/// 1005 when neither exists.
fn app_of(state: &State, tenant: &Tenant, input: &Input) -> Result<String, Failure> {
    input
        .text("appId")
        .or_else(|| apps_of(state, tenant).next().map(str::to_owned))
        .ok_or_else(|| {
            Failure::invalid_param(format!(
                "appId is required: company {} has no app yet (/saas/v2/company/applyapp)",
                tenant.id
            ))
        })
}

/// Checks `appId`, when given, against the tenant's apps.
pub(super) fn check_app(state: &State, tenant: &Tenant, input: &Input) -> Result<(), Failure> {
    match input.text("appId") {
        Some(app) if !is_app_of(state, tenant, &app) => Err(Failure::invalid_param(format!(
            "appId {app:?} is not an app of company {}",
            tenant.id
        ))),
        _ => Ok(()),
    }
}

fn apply_app(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_id(state, &required_text(&input, "companyId")?)?;
    let n = state.identity.next_id();
    let app = SaasApp {
        company_id: tenant.id.to_string(),
        app_id: format!("qys-sandbox-app-{n}"),
        app_name: required_text(&input, "appName")?,
        access_token: format!("qys-sandbox-token-{n}"),
        access_secret: format!("qys-sandbox-secret-{n}"),
    };
    let answer = json!({
        "appId": app.app_id,
        "appName": app.app_name,
        "accessToken": app.access_token,
        "accessSecret": app.access_secret,
    });
    push_capped(&mut state.identity.saas_apps, app);
    Ok(Answer::Result(answer))
}

fn reset_token(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_id(state, &required_text(&input, "companyId")?)?;
    let token = input.text("accessToken");
    let n = state.identity.next_id();
    let app = state
        .identity
        .saas_apps
        .iter_mut()
        .find(|a| {
            a.company_id == tenant.id.as_str()
                && token.as_ref().is_none_or(|t| a.access_token == *t)
        })
        .ok_or_else(|| {
            Failure::invalid_param(match &token {
                Some(_) => format!(
                    "accessToken is not a token of an app of company {}",
                    tenant.id
                ),
                None => format!("company {} has no app", tenant.id),
            })
        })?;
    app.access_secret = format!("qys-sandbox-secret-{n}");
    Ok(Answer::Result(json!({
        "accessToken": app.access_token,
        "accessSecret": app.access_secret,
    })))
}

fn company_detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = match (input.text("companyName"), input.text("registerNo")) {
        (Some(name), _) => name,
        (None, Some(no)) => KNOWN_COMPANIES
            .iter()
            .find(|c| c.register_no.eq_ignore_ascii_case(&no))
            .map(|c| c.name.to_owned())
            .ok_or_else(company_not_found)?,
        (None, None) => {
            return Err(Failure::invalid_param(
                "companyName or registerNo is required",
            ));
        }
    };
    let tenant = state
        .find_tenant(None, Some(&name))
        .cloned()
        .ok_or_else(company_not_found)?;
    let known = KNOWN_COMPANIES.iter().find(|c| c.name == tenant.name);
    let status = if state.company_authenticated(&tenant.name) {
        "AUTH_SUCCESS"
    } else {
        "UNAUTHENTICATED"
    };
    Ok(Answer::Result(json!({
        "id": tenant.id.as_str(),
        "name": tenant.name,
        "registerNo": known.map(|c| c.register_no),
        "legalPerson": known.map(|c| c.legal_person),
        "status": status,
    })))
}

fn company_auth_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_id(state, &required_text(&input, "companyId")?)?;
    if state.company_authenticated(&tenant.name) {
        return Err(already_authed());
    }
    Ok(record_company_auth(
        state,
        tenant.name,
        None,
        None,
        "saas/companyauth",
    ))
}

fn company_auth_page_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = required_text(&input, "companyName")?;
    let repeat = input.fields.get("repeatAuth") == Some(&Value::Bool(true));
    let answer = new_company_auth(state, &input, "applicantInfo", "saas", repeat)?;
    if state.find_tenant(None, Some(&name)).is_none() {
        let id = state.identity.next_id();
        state.tenants.push(Tenant {
            id: qys_proto::CompanyId::new(id),
            name,
        });
    }
    Ok(answer)
}

fn company_auth_result(state: &mut State, input: Input) -> Result<Answer, Failure> {
    Ok(super::auth::company_result(state, &input))
}

fn personal_auth(state: &mut State, input: Input) -> Result<Answer, Failure> {
    new_personal_auth(state, &input)
}

fn personal_auth_result(state: &mut State, input: Input) -> Result<Answer, Failure> {
    personal_result(state, &input)
}

fn personal_sign_auth_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_of(state, &input)?;
    check_app(state, &tenant, &input)?;
    new_sign_auth(state, &input, tenant.name, Some(tenant.id.to_string()))
}

fn personal_sign_deauthorize(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let user = required_user(&input, "user")?;
    let tenant = tenant_of(state, &input)?;
    check_app(state, &tenant, &input)?;
    withdraw_sign_auth(state, &user, &tenant.name)
}

fn seal_sign_auth_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let admin = required_user(&input, "sealAdmin")?;
    let tenant = tenant_of(state, &input)?;
    check_app(state, &tenant, &input)?;
    let next = input.text("returnUrl");
    let url = mint(
        state,
        LinkPage::SealSignAuth,
        tenant.name,
        Some(admin),
        next,
    );
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

fn privilege_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let user = required_user(&input, "user")?;
    let tenant = tenant_by_id(state, &required_text(&input, "companyId")?)?;
    let app_id = app_of(state, &tenant, &input)?;
    if !is_app_of(state, &tenant, &app_id) {
        return Err(Failure::invalid_param(format!(
            "appId {app_id:?} is not an app of company {}",
            tenant.id
        )));
    }
    if let Some(text) = input.text("pageStyleInfo")
        && serde_json::from_str::<serde_json::Map<String, Value>>(&text).is_err()
    {
        return Err(Failure::invalid_param(
            "pageStyleInfo must be a JSON object as text",
        ));
    }
    let modules: Vec<String> = input
        .fields
        .get("privilegeModules")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(text_of).collect())
        .unwrap_or_default();
    let privileges = &mut state.identity.privileges;
    privileges.retain(|p| !(p.app_id == app_id && p.company_id == tenant.id.as_str()));
    push_capped(
        privileges,
        Privilege {
            app_id: app_id.clone(),
            company_id: tenant.id.to_string(),
            modules,
        },
    );
    let next = input.text("successUrl");
    let url = mint(
        state,
        LinkPage::SaasPrivilege,
        tenant.name,
        Some(user),
        next,
    );
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

fn privilege_query(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_id(state, &required_text(&input, "companyId")?)?;
    let app_id = app_of(state, &tenant, &input)?;
    let grant = state
        .identity
        .privileges
        .iter()
        .find(|p| p.app_id == app_id && p.company_id == tenant.id.as_str());
    Ok(Answer::Result(json!({
        "appId": app_id,
        "companyId": tenant.id.as_str(),
        "granted": grant.is_some(),
        "privilegeModules": grant.map(|g| g.modules.clone()).unwrap_or_default(),
    })))
}

fn record_access(state: &mut State, key: String, operate: String) {
    if state.identity.access.len() < crate::state_identity::RECORD_CAP
        || state.identity.access.contains_key(&key)
    {
        state.identity.access.insert(key, operate);
    }
}

fn app_access(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_of(state, &input)?;
    let operate = required_text(&input, "operate")?;
    record_access(state, format!("app:{}", tenant.id), operate);
    Ok(Answer::Result(Value::Null))
}

fn company_access(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_of(state, &input)?;
    let operate = required_text(&input, "operate")?;
    record_access(state, format!("company:{}", tenant.id), operate);
    Ok(Answer::Result(Value::Null))
}

fn personal_access(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let user = required_user(&input, "user")?;
    let operate = required_text(&input, "operate")?;
    record_access(state, format!("user:{}", user.contact), operate);
    Ok(Answer::Result(Value::Null))
}

fn binding(state: &mut State, _input: Input) -> Result<Answer, Failure> {
    let companies: Vec<Value> = state
        .tenants
        .iter()
        .map(|t| {
            let app = apps_of(state, t).next().unwrap_or_default();
            json!({ "id": t.id.as_str(), "name": t.name, "appId": app })
        })
        .collect();
    Ok(Answer::Result(json!({ "companies": companies })))
}

fn check_health(_state: &mut State, _input: Input) -> Result<Answer, Failure> {
    Ok(Answer::Result(json!({ "status": "UP" })))
}

fn platform_fee(state: &mut State, _input: Input) -> Result<Answer, Failure> {
    Ok(Answer::Result(json!({
        "balance": "100000.00",
        "tenantCount": state.tenants.len(),
    })))
}

fn tenant_by_name(state: &State, input: &Input) -> Result<Tenant, Failure> {
    let name = required_text(input, "companyName")?;
    state
        .find_tenant(None, Some(&name))
        .cloned()
        .ok_or_else(company_not_found)
}

fn fee_info(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_name(state, &input)?;
    Ok(Answer::Result(
        match state.identity.fees.get(&tenant.name) {
            Some(fee) => json!({
                "companyName": tenant.name,
                "initialized": true,
                "balance": fee.balance,
                "price": fee.price,
                "payMode": fee.pay_mode,
            }),
            None => json!({ "companyName": tenant.name, "initialized": false }),
        },
    ))
}

fn set_fee(fee: &mut Fee, input: &Input) {
    if let Some(b) = input.text("initialBalance") {
        fee.balance = b;
    }
    if let Some(p) = input.text("initialPrice") {
        fee.price = p;
    }
    if let Some(m) = input.text("payMode") {
        fee.pay_mode = m;
    }
}

fn fee_init(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_name(state, &input)?;
    let mut fee = Fee::default();
    set_fee(&mut fee, &input);
    state.identity.fees.insert(tenant.name, fee);
    Ok(Answer::Result(Value::Null))
}

fn fee_update(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant = tenant_by_name(state, &input)?;
    let fee = state.identity.fees.get_mut(&tenant.name).ok_or_else(|| {
        Failure::invalid_param(format!(
            "the fees of {} are not initialized (/saas/v2/fee/init)",
            tenant.name
        ))
    })?;
    set_fee(fee, &input);
    Ok(Answer::Result(Value::Null))
}
