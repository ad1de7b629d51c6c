//! The identity pages: personal and company authentication (pass or fail), silent-signing
//! authorization (authorize), privilege grants (SSO and SaaS), SaaS seal auto-sign
//! authorization, company information change, template preview.
//!
//! Authentication pages end the request as [`Sandbox::complete_personal_auth`] and
//! [`Sandbox::complete_company_auth`] do, the authorization page as
//! [`Sandbox::complete_personal_sign_auth`] does (for that very authorization), each with its
//! callback; then the browser goes to the request's `callbackPage` (`successUrl` for privilege
//! grants, `returnUrl` for the seal authorization). Privilege, seal-authorization,
//! company-change and template pages change nothing the API can see: they confirm and go on.
//!
//! [`Sandbox::complete_personal_auth`]: crate::Sandbox::complete_personal_auth
//! [`Sandbox::complete_company_auth`]: crate::Sandbox::complete_company_auth
//! [`Sandbox::complete_personal_sign_auth`]: crate::Sandbox::complete_personal_sign_auth

use std::fmt::Write as _;

use http::Response;

use super::html::{self, Form, badge, escape, notice, table};
use super::{Link, LinkPage, PageRequest, after_step};
use crate::control;
use crate::reply::Body;
use crate::server::{Shared, lock};
use crate::state::State;
use crate::state_identity::{self, AuthState, SignAuthState};

/// One step a page offers: its form's `action` value, button id and label, and whether it is
/// the negative one.
pub(super) type Step = (&'static str, &'static str, bool);

pub(super) const PASS_OR_FAIL: &[Step] = &[
    ("pass", "认证通过 Pass", false),
    ("fail", "认证失败 Fail", true),
];
pub(super) const AUTHORIZE: &[Step] = &[("authorize", "同意授权 Authorize", false)];
const CONFIRM: &[Step] = &[("confirm", "确认 Confirm", false)];

pub(super) fn serve(shared: &Shared, link: &Link, request: &PageRequest) -> Response<Body> {
    if link.page == LinkPage::TemplatePreview && request.rest == "/file" {
        return template_file(&lock(&shared.state), &link.subject);
    }
    let mut error = None;
    if request.method == http::Method::POST {
        let action = request.value("action").unwrap_or("");
        let done = control::apply(shared, |s| act(s, link, action));
        match done {
            Ok(done) => return after_step(link.next.as_deref(), request, done),
            Err(e) => error = Some(e),
        }
    }
    let state = lock(&shared.state);
    let own_url = request.own_url();
    let (title, description, steps) = describe(&state, link, &request.sub_url("/file"));
    let mut body = String::new();
    if let Some(e) = &error {
        body.push_str(&notice(false, e));
    } else if let Some(done) = request.value("done") {
        body.push_str(&notice(true, &format!("完成 Done: {done}")));
    }
    let _ = write!(body, "<section><h1>{}</h1>{description}", escape(title));
    for (action, label, secondary) in steps {
        body.push_str(
            &Form {
                action: &own_url,
                fields: vec![("action", (*action).to_owned())],
                inputs: Vec::new(),
                button_id: action,
                label,
                secondary: *secondary,
            }
            .render(),
        );
    }
    if steps.is_empty() {
        body.push_str("<p id=\"no-action\"><small>Nothing left to do here.</small></p>");
    }
    if let Some(next) = &link.next {
        let _ = write!(
            body,
            "<p><small>Afterwards: <code id=\"next\">{}</code></small></p>",
            escape(next)
        );
    }
    body.push_str("</section>");
    html::page(if error.is_some() { 409 } else { 200 }, title, &body)
}

/// Takes the page's step; answers the outcome's name, or why not.
fn act(state: &mut State, link: &Link, action: &str) -> Result<&'static str, String> {
    let gone = || "This request is no longer pending.".to_owned();
    match (link.page, action) {
        (LinkPage::PersonalAuth, "pass" | "fail") => {
            let pass = action == "pass";
            state_identity::complete_personal_auth(state, &link.subject, pass)
                .then_some(if pass { "passed" } else { "failed" })
                .ok_or_else(gone)
        }
        (LinkPage::CompanyAuth, "pass" | "fail") => {
            let pass = action == "pass";
            state_identity::complete_company_auth(state, &link.subject, pass)
                .then_some(if pass { "passed" } else { "failed" })
                .ok_or_else(gone)
        }
        (LinkPage::SignAuth, "authorize") => {
            state_identity::grant_sign_auth(state, |a| a.auth_id == link.subject)
                .then_some("authorized")
                .ok_or_else(gone)
        }
        (
            LinkPage::SsoPrivilege
            | LinkPage::SaasPrivilege
            | LinkPage::SealSignAuth
            | LinkPage::CompanyChange,
            "authorize" | "confirm",
        ) => Ok("confirmed"),
        _ => Err("This page does not take that step.".to_owned()),
    }
}

/// The page's title, its description (HTML, escaped) and the steps it still offers.
fn describe(state: &State, link: &Link, file_url: &str) -> (&'static str, String, &'static [Step]) {
    let rows = |pairs: &[(&str, String)]| {
        let rows: Vec<Vec<String>> = pairs
            .iter()
            .map(|(k, v)| vec![escape(k), escape(v)])
            .collect();
        table("details", &["", ""], &rows)
    };
    let user = html::person(link.user.as_ref());
    match link.page {
        LinkPage::PersonalAuth => {
            let r = state
                .identity
                .personal_auths
                .iter()
                .find(|r| r.auth_id == link.subject);
            let Some(r) = r else {
                return ("个人认证 Personal authentication", gone_text(), &[]);
            };
            let who = html::person(Some(&r.user));
            let desc = rows(&[
                ("authId", r.auth_id.clone()),
                ("认证人 Person", who),
                ("方式 Mode", r.mode.clone()),
            ]) + &status_line(control::auth_state_name(r.state));
            let steps = if r.state == AuthState::Pending {
                PASS_OR_FAIL
            } else {
                &[]
            };
            ("个人认证 Personal authentication", desc, steps)
        }
        LinkPage::CompanyAuth => {
            let r = state
                .identity
                .company_auths
                .iter()
                .find(|r| r.request_id == link.subject);
            let Some(r) = r else {
                return ("企业认证 Company authentication", gone_text(), &[]);
            };
            let applicant = html::person(r.applicant.as_ref());
            let desc = rows(&[
                ("requestId", r.request_id.clone()),
                ("企业 Company", r.company_name.clone()),
                ("申请人 Applicant", applicant),
                (
                    "统一社会信用代码",
                    r.register_no.clone().unwrap_or_default(),
                ),
            ]) + &status_line(control::auth_state_name(r.state));
            let steps = if r.state == AuthState::Pending {
                PASS_OR_FAIL
            } else {
                &[]
            };
            ("企业认证 Company authentication", desc, steps)
        }
        LinkPage::SignAuth => {
            let a = state
                .identity
                .sign_auths
                .iter()
                .find(|a| a.auth_id == link.subject);
            let Some(a) = a else {
                return ("个人签名授权 Signature authorization", gone_text(), &[]);
            };
            let desc = rows(&[
                ("authId", a.auth_id.clone()),
                ("授权人 Person", a.user.contact.clone()),
                ("被授权企业 Company", a.company_name.clone()),
                (
                    "授权截止 Deadline",
                    a.auth_deadline.clone().unwrap_or_default(),
                ),
            ]) + &status_line(a.state.as_str());
            let steps = if a.state == SignAuthState::Pending {
                AUTHORIZE
            } else {
                &[]
            };
            ("个人签名授权 Signature authorization", desc, steps)
        }
        LinkPage::SsoPrivilege => (
            "授权登录 Privilege grant",
            rows(&[("企业 Company", link.subject.clone()), ("用户 User", user)]),
            AUTHORIZE,
        ),
        LinkPage::SaasPrivilege => (
            "应用授权 SaaS privilege grant",
            rows(&[("企业 Company", link.subject.clone()), ("用户 User", user)]),
            AUTHORIZE,
        ),
        LinkPage::SealSignAuth => (
            "印章自动签授权 Seal auto-sign authorization",
            rows(&[
                ("企业 Company", link.subject.clone()),
                ("印章管理员 Seal admin", user),
            ]),
            AUTHORIZE,
        ),
        LinkPage::CompanyChange => (
            "企业信息变更 Company information change",
            rows(&[("企业 Company", link.subject.clone())]),
            CONFIRM,
        ),
        _ => template_preview(state, link, file_url),
    }
}

fn template_preview(
    state: &State,
    link: &Link,
    file_url: &str,
) -> (&'static str, String, &'static [Step]) {
    let title = "模板预览 Template preview";
    let Some(t) = state.org.templates.iter().find(|t| t.id == link.subject) else {
        return (title, gone_text(), &[]);
    };
    let params: Vec<Vec<String>> = t.parameters.iter().map(|p| vec![escape(&p.name)]).collect();
    let desc = format!(
        "<p><b id=\"template-title\">{}</b> · <code>{}</code> · {}</p>\
         <p><a href=\"{}\" class=\"document\">{}</a></p><h2>参数 Parameters</h2>{}",
        escape(&t.title),
        escape(&t.id),
        badge(t.status),
        escape(file_url),
        escape(&t.file_name),
        table("parameters", &["名称 Name"], &params),
    );
    (title, desc, &[])
}

fn template_file(state: &State, template: &str) -> Response<Body> {
    match state.org.templates.iter().find(|t| t.id == template) {
        Some(t) => crate::reply::file(&t.file_name, "application/octet-stream", t.bytes.clone()),
        None => html::message_page(404, "Template not found", "The template no longer exists."),
    }
}

fn status_line(status: &str) -> String {
    format!(
        "<p>状态 Status: <span class=\"status\" id=\"request-status\">{}</span></p>",
        escape(status)
    )
}

fn gone_text() -> String {
    "<p id=\"message\">This request no longer exists (after a reset?).</p>".to_owned()
}
