//! 认证: personal and company authentication links and their results (spec §9), with the
//! sandbox's own field tables.
//!
//! A link request creates a pending request (`authId` / `requestId`) that nobody completes but
//! the sandbox controls ([`Sandbox::complete_personal_auth`](crate::Sandbox::complete_personal_auth),
//! [`Sandbox::complete_company_auth`](crate::Sandbox::complete_company_auth)). Links point to
//! `https://qys-sandbox.invalid/...`, which never resolves.

use crate::pages::{LinkPage, mint};
use qys_proto::types::User;
use serde_json::json;

pub(super) use super::user_json;
use super::{Answer, BodyKind, Input, Route, user_of};
use crate::fields::{
    AUTH_CONTACT_TYPES, LANGS, LICENSE_REQUIRED, PAGE_STYLE, Rule, Schema, Ty, company_auth, opt,
    personal_auth,
};
use crate::reply::Failure;
use crate::state::State;
use crate::state_identity::{AuthState, CompanyAuthRequest, PersonalAuthRequest, push_capped};

// --- tables ------------------------------------------------------------------------------------

/// Company `modifyFields` of the link pages (§9.3: `legalContact` too, per the digest).
const PAGE_COMPANY_FIELDS: &[&str] = &["corpName", "registerNo", "legalPerson", "legalContact"];
/// Company `modifyFields` of the licence pages (§9.5: may include `license`).
const PAGE_COMPANY_LICENSE_FIELDS: &[&str] = &[
    "corpName",
    "registerNo",
    "legalPerson",
    "legalContact",
    "license",
];

/// `POST /v2/personalauth` (§9.1: the fields of §11.4 plus `callbackPage`, `lang`,
/// `pageStyle`).
pub(super) const PERSONAL_AUTH_PAGE: Schema = personal_auth!(
    [opt("callbackPage", Ty::Str)],
    [
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyle", Ty::Object(&PAGE_STYLE))
    ]
);

/// `POST /saas/v2/personalauth` (§17: §9.1 plus `manualSwitch`).
pub(super) const SAAS_PERSONAL_AUTH_PAGE: Schema = personal_auth!(
    [opt("callbackPage", Ty::Str), opt("manualSwitch", Ty::Bool)],
    [
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyle", Ty::Object(&PAGE_STYLE))
    ]
);

/// `GET /v2/personalauth/result` (§9.2): `authId`, or `contact` + `contactType`.
pub(super) const PERSONAL_AUTH_RESULT: Schema = Schema {
    fields: &[
        opt("authId", Ty::Str),
        opt("contact", Ty::Str),
        opt("contactType", Ty::Enum(AUTH_CONTACT_TYPES)),
    ],
    rules: &[Rule::AtLeastOne(&["authId", "contact"])],
};

/// `POST /companyauth/pcpage` and `/companyauth/h5page` (§9.3, §9.4).
pub(super) const COMPANY_AUTH_PAGE: Schema = company_auth!(
    "applicant",
    [opt("legalContact", Ty::Str)],
    [
        opt("closeButton", Ty::Bool),
        opt("modifyFields", Ty::CommaList(PAGE_COMPANY_FIELDS)),
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyle", Ty::Object(&PAGE_STYLE)),
    ]
);

/// `POST /companyauth/pcpagewithlicense` and `/companyauth/h5pagewithlicense` (§9.5, §9.6,
/// multipart; `applicantInfo` and `pageStyleInfo` are JSON text; the file is `license`).
pub(super) const COMPANY_AUTH_LICENSE_PAGE: Schema = company_auth!(
    "applicantInfo",
    [opt("legalContact", Ty::Str)],
    [
        opt("closeButton", Ty::Bool),
        opt("modifyFields", Ty::CommaList(PAGE_COMPANY_LICENSE_FIELDS)),
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyleInfo", Ty::Object(&PAGE_STYLE)),
    ]
);

/// `GET /companyauth/result` (§9.7): `requestId` or `companyName`.
pub(super) const COMPANY_AUTH_RESULT: Schema = Schema {
    fields: &[opt("requestId", Ty::Str), opt("companyName", Ty::Str)],
    rules: &[Rule::AtLeastOne(&["requestId", "companyName"])],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/personalauth", BodyKind::Json, PERSONAL_AUTH_PAGE, personal_auth_page),
    route!(Get "/v2/personalauth/result", BodyKind::Query, PERSONAL_AUTH_RESULT, personal_auth_result),
    route!(Post "/companyauth/pcpage", BodyKind::Json, COMPANY_AUTH_PAGE, company_auth_pc),
    route!(Post "/companyauth/h5page", BodyKind::Json, COMPANY_AUTH_PAGE, company_auth_h5),
    route!(Post "/companyauth/pcpagewithlicense", BodyKind::Multipart(LICENSE_REQUIRED), COMPANY_AUTH_LICENSE_PAGE, company_auth_pc_license),
    route!(Post "/companyauth/h5pagewithlicense", BodyKind::Multipart(LICENSE_REQUIRED), COMPANY_AUTH_LICENSE_PAGE, company_auth_h5_license),
    route!(Get "/companyauth/result", BodyKind::Query, COMPANY_AUTH_RESULT, company_auth_result),
];

// --- helpers shared by the identity route groups -----------------------------------------------

/// The user object `name` (already checked against its table).
pub(super) fn user(input: &Input, name: &str) -> Option<User> {
    user_of(input.fields.get(name))
}

/// The user object `name`, which the table requires.
pub(super) fn required_user(input: &Input, name: &str) -> Result<User, Failure> {
    user(input, name).ok_or_else(|| Failure::invalid_param(format!("{name} is required")))
}

/// The text field `name`, which the table requires.
pub(super) fn required_text(input: &Input, name: &str) -> Result<String, Failure> {
    input
        .text(name)
        .ok_or_else(|| Failure::invalid_param(format!("{name} is required")))
}

/// 1605 `COMPANY ALREADY AUTHED`.
pub(super) fn already_authed() -> Failure {
    Failure::business(1605, "11011605", "COMPANY ALREADY AUTHED")
}

// --- personal authentication -------------------------------------------------------------------

/// Creates a pending personal authentication; answers `{authUrl, authId}`.
pub(super) fn new_personal_auth(state: &mut State, input: &Input) -> Result<Answer, Failure> {
    let user = required_user(input, "user")?;
    let mode = match input.text("mode").as_deref() {
        Some(m @ ("IVS" | "FACE" | "BANK" | "ALIPAY")) => m.to_owned(),
        _ => "FACE".to_owned(),
    };
    let auth_id = state.identity.next_id();
    push_capped(
        &mut state.identity.personal_auths,
        PersonalAuthRequest {
            auth_id: auth_id.clone(),
            user: user.clone(),
            mode,
            callback_url: input.text("callbackUrl"),
            state: AuthState::Pending,
        },
    );
    let next = input.text("callbackPage");
    let url = mint(
        state,
        LinkPage::PersonalAuth,
        auth_id.as_str(),
        Some(user),
        next,
    );
    Ok(Answer::Result(json!({
        "authUrl": url,
        "authId": auth_id,
    })))
}

fn personal_auth_page(state: &mut State, input: Input) -> Result<Answer, Failure> {
    new_personal_auth(state, &input)
}

/// Answers `{realName, mode}` by `authId` (1604 when unknown), or `{realName}` by contact.
pub(super) fn personal_result(state: &mut State, input: &Input) -> Result<Answer, Failure> {
    if let Some(auth_id) = input.text("authId") {
        let request = state
            .identity
            .personal_auths
            .iter()
            .find(|r| r.auth_id == auth_id)
            .ok_or_else(|| Failure::business(1604, "11011604", "INVALID_AUTHID"))?;
        let passed = request.state == AuthState::Passed;
        let mut result = json!({ "realName": passed });
        if request.state != AuthState::Pending {
            // The result names face recognition `FACEID` (§9.2); the callback says `FACE`.
            let mode = if request.mode == "FACE" {
                "FACEID"
            } else {
                request.mode.as_str()
            };
            result["mode"] = json!(mode);
        }
        return Ok(Answer::Result(result));
    }
    let contact = required_text(input, "contact")?;
    if input.text("contactType").is_none() {
        return Err(Failure::invalid_param(
            "contactType is required with contact",
        ));
    }
    Ok(Answer::Result(
        json!({ "realName": state.identity.people.is_authenticated(&contact) }),
    ))
}

fn personal_auth_result(state: &mut State, input: Input) -> Result<Answer, Failure> {
    personal_result(state, &input)
}

// --- company authentication --------------------------------------------------------------------

/// Creates a pending company authentication for `companyName` applied for by
/// `applicant_field` (1605 when the company is already authenticated and `repeat` is false);
/// answers `{authUrl, requestId}`.
pub(super) fn new_company_auth(
    state: &mut State,
    input: &Input,
    applicant_field: &str,
    page: &str,
    repeat: bool,
) -> Result<Answer, Failure> {
    let company_name = required_text(input, "companyName")?;
    let applicant = required_user(input, applicant_field)?;
    if !repeat && state.company_authenticated(&company_name) {
        return Err(already_authed());
    }
    Ok(record_company_auth(
        state,
        company_name,
        Some(applicant),
        Some(input),
        &format!("companyauth/{page}"),
    ))
}

/// Records a pending company authentication of `company_name` (with `registerNo`,
/// `legalPerson` and `callbackUrl` of `input` when given) and answers `{authUrl, requestId}`
/// with a link to the sandbox's company authentication page (`page` names the variant).
pub(super) fn record_company_auth(
    state: &mut State,
    company_name: String,
    applicant: Option<User>,
    input: Option<&Input>,
    page: &str,
) -> Answer {
    let text = |name: &str| input.and_then(|i| i.text(name));
    let request_id = state.identity.next_id();
    push_capped(
        &mut state.identity.company_auths,
        CompanyAuthRequest {
            request_id: request_id.clone(),
            company_name,
            applicant: applicant.clone(),
            register_no: text("registerNo"),
            legal_person: text("legalPerson"),
            callback_url: text("callbackUrl"),
            state: AuthState::Pending,
        },
    );
    let _ = page; // one page serves every variant
    let url = mint(
        state,
        LinkPage::CompanyAuth,
        request_id.as_str(),
        applicant,
        text("callbackPage"),
    );
    Answer::Result(json!({
        "authUrl": url,
        "requestId": request_id,
    }))
}

fn company_auth_pc(state: &mut State, input: Input) -> Result<Answer, Failure> {
    new_company_auth(state, &input, "applicant", "pc", false)
}

fn company_auth_h5(state: &mut State, input: Input) -> Result<Answer, Failure> {
    new_company_auth(state, &input, "applicant", "h5", false)
}

fn company_auth_pc_license(state: &mut State, input: Input) -> Result<Answer, Failure> {
    new_company_auth(state, &input, "applicantInfo", "pc", false)
}

fn company_auth_h5_license(state: &mut State, input: Input) -> Result<Answer, Failure> {
    new_company_auth(state, &input, "applicantInfo", "h5", false)
}

/// The result of a company authentication, by `requestId` or the company's latest.
///
/// `status`: -1 no record, 1 not submitted (pending), 2 passed, 3 failed; `basicStatus` 3 /
/// 2 once ended.
pub(super) fn company_result(state: &mut State, input: &Input) -> Answer {
    let auths = &state.identity.company_auths;
    let request = match input.text("requestId") {
        Some(id) => auths.iter().find(|r| r.request_id == id),
        None => {
            let name = input.text("companyName").unwrap_or_default();
            auths.iter().rev().find(|r| r.company_name == name)
        }
    };
    let Some(request) = request else {
        // Authenticated without a request of this sandbox (the fixture company).
        if input.text("requestId").is_none()
            && state.company_authenticated(&input.text("companyName").unwrap_or_default())
        {
            return Answer::Result(json!({ "status": 2, "basicStatus": 3 }));
        }
        return Answer::Result(json!({ "status": -1 }));
    };
    let mut result = match request.state {
        AuthState::Pending => json!({ "status": 1 }),
        AuthState::Passed => json!({
            "status": 2,
            "basicStatus": 3,
            "authEndTime": "2099-12-31 23:59:59",
        }),
        AuthState::Failed => json!({
            "status": 3,
            "basicStatus": 2,
            "basicReason": "营业执照信息与工商登记不一致（沙箱）",
        }),
    };
    if let Some(applicant) = &request.applicant {
        result["applicantName"] = json!(
            applicant
                .name
                .clone()
                .unwrap_or_else(|| applicant.contact.clone())
        );
    }
    Answer::Result(result)
}

fn company_auth_result(state: &mut State, input: Input) -> Result<Answer, Failure> {
    Ok(company_result(state, &input))
}
