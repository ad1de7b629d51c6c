//! 授权管理: the SSO module authorization page and the personal silent-signing authorization
//! (page, withdrawal, records) (spec §10), with the sandbox's own field tables.
//!
//! `/v2/personalsign/authurl` creates a pending authorization that the sandbox control
//! [`Sandbox::complete_personal_sign_auth`](crate::Sandbox::complete_personal_sign_auth)
//! grants; `/v2/personalsign/deauthorize` withdraws the one in effect (1005 when there is none)
//! and queues a §14.5 `DEAUTHORIZE` callback; `/v2/personalsign/query` lists the records.

use crate::pages::{LinkPage, mint};
use qys_proto::types::User;
use serde_json::json;

use super::auth::{required_user, user_json};
use super::{Answer, BodyKind, Input, Route};
use crate::fields::{COMPANY, PAGE_STYLE, Schema, Ty, USER, opt, personal_sign_auth, req};
use crate::reply::Failure;
use crate::state::State;
use crate::state_identity::{
    KNOWN_COMPANIES, SignAuthState, SignAuthorization, emit_sign_auth, push_capped,
};

/// `POST /v2/ssoprivilege/url` (§10.1). ⚠ Required flags are undocumented; `company` and
/// `user` say whose grant it is and are required here.
pub(super) const SSO_PRIVILEGE_URL: Schema = Schema {
    fields: &[
        req("company", Ty::Object(&COMPANY)),
        req("user", Ty::Object(&USER)),
        opt("successUrl", Ty::Str),
        opt("callbackUrl", Ty::Str),
        opt("pageStyle", Ty::Object(&PAGE_STYLE)),
    ],
    rules: &[],
};

/// `POST /v2/personalsign/authurl` (§10.2).
pub(super) const PERSONAL_SIGN_AUTH_URL: Schema =
    personal_sign_auth!([opt("callbackPage", Ty::Str)]);

/// `POST /v2/personalsign/deauthorize` (§10.3).
pub(super) const PERSONAL_SIGN_DEAUTHORIZE: Schema = Schema {
    fields: &[req("user", Ty::Object(&USER)), opt("tenantName", Ty::Str)],
    rules: &[],
};

/// `POST /v2/personalsign/query` (§10.4). ⚠ `authStatus` values are undocumented; the sandbox
/// answers and filters by `PENDING`, `VALID` and `CANCELLED`.
pub(super) const PERSONAL_SIGN_QUERY: Schema = Schema {
    fields: &[req("user", Ty::Object(&USER)), opt("authStatus", Ty::Str)],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/ssoprivilege/url", BodyKind::Json, SSO_PRIVILEGE_URL, sso_privilege_url),
    route!(Post "/v2/personalsign/authurl", BodyKind::Json, PERSONAL_SIGN_AUTH_URL, personal_sign_auth_url),
    route!(Post "/v2/personalsign/deauthorize", BodyKind::Json, PERSONAL_SIGN_DEAUTHORIZE, personal_sign_deauthorize),
    route!(Post "/v2/personalsign/query", BodyKind::Json, PERSONAL_SIGN_QUERY, personal_sign_query),
];

fn sso_privilege_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let user = required_user(&input, "user")?;
    let company = input
        .fields
        .get("company")
        .and_then(|c| c.get("name").or_else(|| c.get("id")))
        .and_then(super::text_of)
        .unwrap_or_default();
    let url = mint(
        state,
        LinkPage::SsoPrivilege,
        company,
        Some(user),
        input.text("successUrl"),
    );
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

/// Creates a pending authorization of `user` for `company_name`; answers `{pageUrl, authId}`.
pub(super) fn new_sign_auth(
    state: &mut State,
    input: &Input,
    company_name: String,
    company_id: Option<String>,
) -> Result<Answer, Failure> {
    let user = required_user(input, "user")?;
    let auth_id = state.identity.next_id();
    push_capped(
        &mut state.identity.sign_auths,
        SignAuthorization {
            auth_id: auth_id.clone(),
            user: user.clone(),
            company_name,
            company_id,
            auth_deadline: input.text("authDeadline"),
            remark: input.text("remark"),
            callback_url: input.text("callbackUrl"),
            state: SignAuthState::Pending,
        },
    );
    let next = input.text("callbackPage");
    let url = mint(
        state,
        LinkPage::SignAuth,
        auth_id.as_str(),
        Some(user),
        next,
    );
    Ok(Answer::Result(json!({
        "pageUrl": url,
        "authId": auth_id,
    })))
}

/// The integrating company (the fixture's authenticated company).
fn integrator() -> String {
    KNOWN_COMPANIES[0].name.to_owned()
}

fn personal_sign_auth_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let company = input.text("tenantName").unwrap_or_else(integrator);
    new_sign_auth(state, &input, company, None)
}

/// Withdraws the authorization in effect of `user` for `company_name`; 1005 when there is none.
pub(super) fn withdraw_sign_auth(
    state: &mut State,
    user: &User,
    company_name: &str,
) -> Result<Answer, Failure> {
    let Some(auth) = state.identity.sign_auths.iter_mut().rev().find(|a| {
        a.user.contact == user.contact
            && a.company_name == company_name
            && a.state == SignAuthState::Valid
    }) else {
        return Err(Failure::invalid_param(format!(
            "user {} has no silent-signing authorization in effect for {company_name}",
            user.contact
        )));
    };
    auth.state = SignAuthState::Cancelled;
    let auth = auth.clone();
    emit_sign_auth(state, &auth, "DEAUTHORIZE", &state.clock.date());
    Ok(Answer::Result(serde_json::Value::Null))
}

fn personal_sign_deauthorize(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let user = required_user(&input, "user")?;
    let company = input.text("tenantName").unwrap_or_else(integrator);
    withdraw_sign_auth(state, &user, &company)
}

fn personal_sign_query(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let user = required_user(&input, "user")?;
    let filter = input.text("authStatus");
    let list: Vec<_> = state
        .identity
        .sign_auths
        .iter()
        .filter(|a| a.user.contact == user.contact)
        .filter(|a| {
            filter
                .as_deref()
                .is_none_or(|f| f.eq_ignore_ascii_case(a.state.as_str()))
        })
        .map(|a| {
            json!({
                "authId": a.auth_id,
                "user": user_json(&a.user),
                "companyName": a.company_name,
                "authStatus": a.state.as_str(),
                "authDeadline": a.auth_deadline,
                "remark": a.remark,
            })
        })
        .collect();
    Ok(Answer::Result(json!({
        "totalCount": list.len(),
        "list": list,
    })))
}
