//! Stand-ins for the mini-program plugin's pages (小程序插件). A ticket the sandbox minted opens
//! `plugin://qyssdk-plugin/{page}?ticket=…&env=…[&type=…]` in the mini-program; the sandbox
//! serves what that page would show at `{base_url}/sandbox/plugin/{page}?ticket=…&env=…`
//! ([`plugin_page_url`] maps one to the other), and lets the tester finish it:
//!
//! - `doc` (contract sign ticket): the contract, its documents, sign or reject as the ticket's
//!   user (the same step as the sign page); on signing the plugin reports `signSuccessCb`.
//! - `doc` (view ticket): the contract, read-only.
//! - `personal-auth`: pass or fail the person's authentication (`authSuccessCb` /
//!   `authFailCb`): a personal authentication request is recorded and ended as
//!   [`Sandbox::complete_personal_auth`] ends one, with its §14.3 callback.
//! - `enterprise-auth`: pass or fail the company's authentication, likewise (§14.2 callback).
//! - `signature` (`type` `personalSignatureOpen` or `personalSignature`): authorize silent
//!   signing for the platform company (the first SaaS tenant for `personalSignature`), with
//!   the §14.5 `AUTHORIZE` callback; `sealSignature`: authorize (no state the API shows).
//! - `authority`: grant the SaaS privilege (no state the API shows).
//!
//! The page shows the plugin's outcome as `<p id="outcome">` (the event's name) and
//! `<pre id="event">` (its detail as JSON).
//!
//! [`Sandbox::complete_personal_auth`]: crate::Sandbox::complete_personal_auth

use std::fmt;
use std::fmt::Write as _;

use http::Response;
use qys_proto::api::miniapp::PluginPage;
use serde_json::{Value, json};

use super::html::{self, Form, escape, notice};
use super::identity::{AUTHORIZE, PASS_OR_FAIL, Step};
use super::{PREFIX, PageRequest};
use crate::control;
use crate::reply::Body;
use crate::server::{Shared, lock};
use crate::state::{MintedTicket, State};
use crate::state_identity::{
    self, AuthState, CompanyAuthRequest, PersonalAuthRequest, SignAuthState, SignAuthorization,
    push_capped,
};

/// The scheme and host of the plugin's URLs.
const PLUGIN_PREFIX: &str = "plugin://qyssdk-plugin/";

/// The plugin's pages.
const PAGES: &[&str] = &[
    "doc",
    "personal-auth",
    "enterprise-auth",
    "signature",
    "authority",
];

/// Why a URL is not a plugin URL the sandbox can stand in for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PluginUrlError {
    /// It does not start with `plugin://qyssdk-plugin/`.
    NotAPluginUrl,
    /// The page is none of `doc`, `personal-auth`, `enterprise-auth`, `signature`,
    /// `authority`.
    UnknownPage(String),
    /// It has no `ticket` parameter.
    NoTicket,
}

impl fmt::Display for PluginUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAPluginUrl => {
                write!(f, "not a plugin URL (it must start with {PLUGIN_PREFIX})")
            }
            Self::UnknownPage(p) => {
                write!(f, "unknown plugin page {p:?} (known: {})", PAGES.join(", "))
            }
            Self::NoTicket => f.write_str("the plugin URL has no ticket parameter"),
        }
    }
}

impl std::error::Error for PluginUrlError {}

/// The sandbox page standing in for the plugin page of `plugin_url`
/// (`plugin://qyssdk-plugin/{page}?ticket=…&env=…[&hasCb=true][&type=…]`), under the sandbox
/// at `base_url` (e.g. [`Sandbox::base_url`](crate::Sandbox::base_url)):
/// `{base_url}/sandbox/plugin/{page}?ticket=…&env=…[&hasCb=true][&type=…]`, the query kept as
/// it is.
///
/// # Errors
/// [`PluginUrlError`]: not a plugin URL, an unknown page, or no `ticket`.
pub fn plugin_page_url(base_url: &str, plugin_url: &str) -> Result<String, PluginUrlError> {
    let rest = plugin_url
        .strip_prefix(PLUGIN_PREFIX)
        .ok_or(PluginUrlError::NotAPluginUrl)?;
    let (page, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !PAGES.contains(&page) {
        return Err(PluginUrlError::UnknownPage(page.to_owned()));
    }
    let has_ticket = qys_proto::query::parse_query_string(query)
        .iter()
        .any(|(k, v)| k == "ticket" && !v.is_empty());
    if !has_ticket {
        return Err(PluginUrlError::NoTicket);
    }
    Ok(format!(
        "{}{PREFIX}plugin/{page}?{query}",
        base_url.trim_end_matches('/')
    ))
}

/// The plugin URL of a ticket the sandbox minted (`env=cn`: the sandbox's tickets are for
/// the test plugin).
pub(crate) fn plugin_url_of(ticket: &str, page: PluginPage) -> String {
    let mut url = format!(
        "{PLUGIN_PREFIX}{}?ticket={}&env=cn",
        page.page(),
        qys_proto::query::encode(ticket)
    );
    if let Some(t) = page.type_param() {
        url.push_str("&type=");
        url.push_str(t);
    }
    url
}

/// The plugin event a step reports, and its detail.
struct Outcome {
    event: &'static str,
    detail: Value,
}

pub(super) fn serve(shared: &Shared, request: &PageRequest) -> Response<Body> {
    let (page, rest) = request
        .rest
        .split_once('/')
        .map_or((request.rest.as_str(), ""), |(p, r)| (p, r));
    let Some(value) = request.value("ticket").map(str::to_owned) else {
        return html::message_page(400, "No ticket", "The plugin page needs a ticket.");
    };
    let Some(ticket) = lock(&shared.state).tickets.get(&value).cloned() else {
        return html::message_page(
            404,
            "Unknown ticket",
            "This sandbox did not mint this ticket (or has forgotten it).",
        );
    };
    if ticket.page.page() != page {
        return html::message_page(
            400,
            "Wrong page",
            &format!(
                "This ticket opens the {} page, not {page}.",
                ticket.page.page()
            ),
        );
    }
    if let (Some(want), Some(got)) = (ticket.page.type_param(), request.value("type"))
        && want != got
    {
        return html::message_page(
            400,
            "Wrong type",
            &format!("This ticket opens signature type {want}, not {got}."),
        );
    }
    let own = format!("{PREFIX}plugin/{page}");
    let ticket_query = format!("?ticket={}", qys_proto::query::encode(&value));
    if let Some(doc) = rest.strip_prefix("documents/") {
        let state = lock(&shared.state);
        return super::contract::document(&state, &ticket.subject, doc);
    }
    let mut error = None;
    if request.method == http::Method::POST {
        let action = request.value("action").unwrap_or("").to_owned();
        let reason = request.value("reason").unwrap_or("").trim().to_owned();
        match control::apply(shared, |s| act(s, &ticket, &action, &reason)) {
            Ok(outcome) => return outcome_page(&ticket, &outcome),
            Err(e) => error = Some(e),
        }
    }
    let state = lock(&shared.state);
    let mut body = String::new();
    if let Some(e) = &error {
        body.push_str(&notice(false, e));
    }
    let hidden = vec![("ticket", value)];
    let _ = write!(
        body,
        "<section><p><small>小程序插件页面 Mini-program plugin page <code id=\"plugin-page\">{}</code>{}</small></p></section>",
        escape(page),
        ticket
            .page
            .type_param()
            .map(|t| format!(" type <code>{}</code>", escape(t)))
            .unwrap_or_default()
    );
    match ticket.page {
        PluginPage::ContractSign | PluginPage::ContractView => {
            let Some(c) = state
                .contracts
                .get(&qys_proto::ContractId::new(ticket.subject.as_str()))
            else {
                return html::message_page(
                    404,
                    "Contract not found",
                    "The contract no longer exists.",
                );
            };
            let docs = |doc: &str| format!("{own}/documents/{doc}{ticket_query}");
            let viewer = ticket.user.as_ref().map(|u| u.contact.as_str());
            body.push_str(&super::contract::contract_section(&state, c, &docs, viewer));
            body.push_str("<section><h2>操作 Actions</h2>");
            match (ticket.page, viewer) {
                (PluginPage::ContractSign, Some(contact)) => {
                    body.push_str(&super::contract::sign_actions(c, contact, &own, &hidden));
                }
                _ => body.push_str("<p id=\"no-action\"><small>View only.</small></p>"),
            }
            body.push_str("</section>");
        }
        _ => {
            let (title, steps) = describe(&state, &ticket);
            let _ = write!(body, "<section><h1>{}</h1>", escape(&title));
            for (action, label, secondary) in steps {
                let mut fields = hidden.clone();
                fields.push(("action", (*action).to_owned()));
                body.push_str(
                    &Form {
                        action: &own,
                        fields,
                        inputs: Vec::new(),
                        button_id: action,
                        label,
                        secondary: *secondary,
                    }
                    .render(),
                );
            }
            body.push_str("</section>");
        }
    }
    html::page(
        if error.is_some() { 409 } else { 200 },
        "小程序插件 Plugin",
        &body,
    )
}

/// The title and steps of a non-contract plugin page.
fn describe(state: &State, t: &MintedTicket) -> (String, &'static [Step]) {
    let user = html::person(t.user.as_ref());
    match t.page {
        PluginPage::PersonalAuth => (
            format!("个人认证 Personal authentication: {user}"),
            PASS_OR_FAIL,
        ),
        PluginPage::CompanyAuth => (
            format!(
                "企业认证 Company authentication: {} (applicant {user})",
                t.subject
            ),
            PASS_OR_FAIL,
        ),
        PluginPage::SaasPrivilege => (
            format!("应用授权 Privilege grant: company {} for {user}", t.subject),
            AUTHORIZE,
        ),
        PluginPage::SaasSealSignAuth => (
            format!("印章自动签授权 Seal auto-sign authorization by {user}"),
            AUTHORIZE,
        ),
        _ => (
            format!(
                "个人签名授权 Signature authorization by {user} for {}",
                sign_auth_company(state, t.page)
            ),
            AUTHORIZE,
        ),
    }
}

/// Whom a silent-signing authorization from the plugin is for: the platform company, or (SaaS)
/// the first tenant.
fn sign_auth_company(state: &State, page: PluginPage) -> String {
    if page == PluginPage::SaasPersonalSignAuth
        && let Some(t) = state.tenants.first()
    {
        return t.name.clone();
    }
    state.org.platform.clone()
}

/// Takes the page's step for ticket `t`.
fn act(state: &mut State, t: &MintedTicket, action: &str, reason: &str) -> Result<Outcome, String> {
    let contact = t
        .user
        .as_ref()
        .map(|u| u.contact.clone())
        .unwrap_or_default();
    let failed =
        |f: crate::reply::Failure| format!("{} ({}): {}", f.code, f.response_code, f.message);
    match (t.page, action) {
        (PluginPage::ContractSign, "sign") => {
            let step = control::sign_as(state, &t.subject, &contact).map_err(failed)?;
            let mut detail = step.to_json();
            detail["contractId"] = json!(t.subject);
            Ok(Outcome {
                event: "signSuccessCb",
                detail,
            })
        }
        (PluginPage::ContractSign, "reject") => {
            let reason = if reason.is_empty() { "退回" } else { reason };
            let step = control::reject_as(state, &t.subject, &contact, reason).map_err(failed)?;
            let mut detail = step.to_json();
            detail["contractId"] = json!(t.subject);
            // The plugin has no event for a rejection: it closes.
            Ok(Outcome {
                event: "none",
                detail,
            })
        }
        (PluginPage::PersonalAuth, "pass" | "fail") => {
            let pass = action == "pass";
            let user = t.user.clone().ok_or("The ticket names no person.")?;
            let auth_id = state.identity.next_id();
            push_capped(
                &mut state.identity.personal_auths,
                PersonalAuthRequest {
                    auth_id: auth_id.clone(),
                    user,
                    mode: "FACE".to_owned(),
                    callback_url: None,
                    state: AuthState::Pending,
                },
            );
            state_identity::complete_personal_auth(state, &auth_id, pass);
            Ok(auth_outcome(
                pass,
                json!({ "authId": auth_id, "contact": contact }),
            ))
        }
        (PluginPage::CompanyAuth, "pass" | "fail") => {
            let pass = action == "pass";
            if state.company_authenticated(&t.subject) {
                return Err("1605 (11011605): COMPANY ALREADY AUTHED".to_owned());
            }
            let request_id = state.identity.next_id();
            push_capped(
                &mut state.identity.company_auths,
                CompanyAuthRequest {
                    request_id: request_id.clone(),
                    company_name: t.subject.clone(),
                    applicant: t.user.clone(),
                    register_no: None,
                    legal_person: None,
                    callback_url: None,
                    state: AuthState::Pending,
                },
            );
            state_identity::complete_company_auth(state, &request_id, pass);
            Ok(auth_outcome(
                pass,
                json!({ "requestId": request_id, "companyName": t.subject }),
            ))
        }
        (PluginPage::PersonalSignAuth | PluginPage::SaasPersonalSignAuth, "authorize") => {
            let user = t.user.clone().ok_or("The ticket names no person.")?;
            let company_name = sign_auth_company(state, t.page);
            let company_id = (t.page == PluginPage::SaasPersonalSignAuth)
                .then(|| state.tenants.first().map(|t| t.id.to_string()))
                .flatten();
            let auth_id = state.identity.next_id();
            push_capped(
                &mut state.identity.sign_auths,
                SignAuthorization {
                    auth_id: auth_id.clone(),
                    user,
                    company_name,
                    company_id,
                    auth_deadline: None,
                    remark: None,
                    callback_url: None,
                    state: SignAuthState::Pending,
                },
            );
            state_identity::grant_sign_auth(state, |a| a.auth_id == auth_id);
            Ok(auth_outcome(
                true,
                json!({ "authId": auth_id, "contact": contact }),
            ))
        }
        (PluginPage::SaasSealSignAuth | PluginPage::SaasPrivilege, "authorize") => Ok(
            auth_outcome(true, json!({ "subject": t.subject, "contact": contact })),
        ),
        _ => Err("This page does not take that step.".to_owned()),
    }
}

fn auth_outcome(pass: bool, detail: Value) -> Outcome {
    Outcome {
        event: if pass { "authSuccessCb" } else { "authFailCb" },
        detail,
    }
}

/// The page after a step: the plugin's outcome.
fn outcome_page(t: &MintedTicket, outcome: &Outcome) -> Response<Body> {
    let detail = serde_json::to_string_pretty(&outcome.detail).unwrap_or_default();
    let text = if outcome.event == "none" {
        "The plugin closes without an event (rejected).".to_owned()
    } else {
        format!("The plugin reports {} to the mini-program.", outcome.event)
    };
    let body = format!(
        "<section><h1>插件结果 Plugin outcome</h1><p>Page <code>{}</code>: {}</p>\
         <p>Event: <b id=\"outcome\">{}</b></p><pre id=\"event\">{}</pre></section>",
        escape(t.page.page()),
        escape(&text),
        escape(outcome.event),
        escape(&detail)
    );
    html::page(200, "小程序插件 Plugin", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_urls_map_to_sandbox_pages() {
        let base = "http://127.0.0.1:8080";
        assert_eq!(
            plugin_page_url(base, "plugin://qyssdk-plugin/doc?ticket=ab12&env=cn").unwrap(),
            "http://127.0.0.1:8080/sandbox/plugin/doc?ticket=ab12&env=cn"
        );
        assert_eq!(
            plugin_page_url(
                "http://h/",
                "plugin://qyssdk-plugin/signature?ticket=x&env=com&hasCb=true&type=sealSignature"
            )
            .unwrap(),
            "http://h/sandbox/plugin/signature?ticket=x&env=com&hasCb=true&type=sealSignature"
        );
        assert_eq!(
            plugin_page_url(base, "https://example.com/doc?ticket=x"),
            Err(PluginUrlError::NotAPluginUrl)
        );
        assert_eq!(
            plugin_page_url(base, "plugin://qyssdk-plugin/evil?ticket=x"),
            Err(PluginUrlError::UnknownPage("evil".into()))
        );
        assert_eq!(
            plugin_page_url(base, "plugin://qyssdk-plugin/doc?env=cn"),
            Err(PluginUrlError::NoTicket)
        );
        let url = plugin_url_of("t1", PluginPage::SaasSealSignAuth);
        assert_eq!(
            url,
            "plugin://qyssdk-plugin/signature?ticket=t1&env=cn&type=sealSignature"
        );
    }
}
