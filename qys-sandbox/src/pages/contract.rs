//! The contract pages: sign (`pageurl`, short links), view (`viewurl`), pre-signing
//! (`appointurl`), join (`joinurl`) and download (`downloadurl`) links.
//!
//! - **Sign**: the contract, its documents (each viewable), every signatory with whose turn it
//!   is; the link's person signs or rejects (the `control` module's `sign_as` / `reject_as`),
//!   then goes to the request's `callbackPage`.
//! - **View**: the same, read-only.
//! - **Appoint**: a draft with a send button (as `/v2/contract/send`), then `callbackPage`.
//! - **Join**: a signatory without a receiver; the person enters a name and contact, becomes
//!   its receiver, and is sent to a signing page of their own.
//! - **Download**: the document (or the contract's documents, a ZIP when several).

use std::fmt::Write as _;

use http::Response;
use qys_proto::types::User;

use super::html::{self, Form, badge, escape, notice, table};
use super::{Link, LinkPage, PageRequest, after_step};
use crate::control;
use crate::reply::Body;
use crate::server::{Shared, lock};
use crate::state::State;
use crate::state_contract::{Contract, ContractStatus, SignatoryStatus};

pub(super) fn serve(shared: &Shared, link: &Link, request: &PageRequest) -> Response<Body> {
    if link.page == LinkPage::Download {
        return download(shared, link);
    }
    if link.page == LinkPage::Join {
        return join(shared, link, request);
    }
    if let Some(doc) = request.rest.strip_prefix("/documents/") {
        return document(&lock(&shared.state), &link.subject, doc);
    }
    let contact = link.user.as_ref().map(|u| u.contact.clone());
    let own_url = request.own_url();
    let mut outcome = None;
    if request.method == http::Method::POST {
        let step = match (request.value("action"), link.page, contact.as_deref()) {
            (Some("sign"), LinkPage::Sign | LinkPage::Short, Some(contact)) => {
                control::apply(shared, |s| control::sign_as(s, &link.subject, contact))
                    .map(|_| "signed")
            }
            (Some("reject"), LinkPage::Sign | LinkPage::Short, Some(contact)) => {
                let reason = request.value("reason").unwrap_or("").trim();
                let reason = if reason.is_empty() { "退回" } else { reason };
                control::apply(shared, |s| {
                    control::reject_as(s, &link.subject, contact, reason)
                })
                .map(|_| "rejected")
            }
            (Some("send"), LinkPage::Appoint, _) => {
                control::apply(shared, |s| control::send(s, &link.subject)).map(|()| "sent")
            }
            _ => {
                return html::message_page(
                    400,
                    "Unknown step",
                    "This page does not take that step.",
                );
            }
        };
        match step {
            Ok(done) => return after_step(link.next.as_deref(), request, done),
            Err(f) => outcome = Some(format!("{} ({}): {}", f.code, f.response_code, f.message)),
        }
    }
    let state = lock(&shared.state);
    let Some(c) = state
        .contracts
        .get(&qys_proto::ContractId::new(link.subject.as_str()))
    else {
        return html::message_page(404, "Contract not found", "The contract no longer exists.");
    };
    let mut body = String::new();
    if let Some(error) = &outcome {
        body.push_str(&notice(false, error));
    } else if let Some(done) = request.value("done") {
        body.push_str(&notice(true, &done_text(done)));
    }
    let docs = |doc: &str| request.sub_url(&format!("/documents/{doc}"));
    body.push_str(&contract_section(&state, c, &docs, contact.as_deref()));
    let title = match link.page {
        LinkPage::View => "查看合同 View contract",
        LinkPage::Appoint => "发起签署 Prepare and send",
        _ => "签署合同 Sign contract",
    };
    body.push_str("<section><h2>操作 Actions</h2>");
    match (link.page, contact.as_deref()) {
        (LinkPage::Sign | LinkPage::Short, Some(contact)) => {
            body.push_str(&sign_actions(c, contact, &own_url, &[]));
        }
        (LinkPage::Appoint, _) if c.status == ContractStatus::Draft => {
            body.push_str(
                &Form {
                    action: &own_url,
                    fields: vec![("action", "send".to_owned())],
                    inputs: Vec::new(),
                    button_id: "send",
                    label: "发起 Send for signing",
                    secondary: false,
                }
                .render(),
            );
        }
        _ => body.push_str("<p id=\"no-action\"><small>Nothing to do here.</small></p>"),
    }
    body.push_str("</section>");
    let status = if outcome.is_some() { 409 } else { 200 };
    html::page(status, title, &body)
}

/// What a `done=` outcome says.
fn done_text(done: &str) -> String {
    match done {
        "signed" => "签署成功 Signed.".to_owned(),
        "rejected" => "已退回 Rejected.".to_owned(),
        "sent" => "已发起 Sent for signing.".to_owned(),
        other => format!("Done: {other}"),
    }
}

/// The sign and reject forms for `contact` when it is their turn, else why not. `fields` are
/// hidden fields every form carries (the plugin's ticket).
pub(crate) fn sign_actions(
    c: &Contract,
    contact: &str,
    action: &str,
    fields: &[(&'static str, String)],
) -> String {
    let due = c.status == ContractStatus::Signing
        && c.signatories.iter().any(|s| {
            s.status == SignatoryStatus::Signing && party_contacts(s).iter().any(|p| p == contact)
        });
    if !due {
        let why = if c.status == ContractStatus::Signing {
            format!("It is not {contact}'s turn to sign.")
        } else {
            format!("The contract is {}.", c.status.as_str())
        };
        return format!("<p id=\"no-action\">{}</p>", escape(&why));
    }
    let with = |name: &'static str| {
        let mut f: Vec<(&str, String)> = fields.to_vec();
        f.push(("action", name.to_owned()));
        f
    };
    let mut out = format!("<p>Signing as <b id=\"actor\">{}</b>.</p>", escape(contact));
    out.push_str(
        &Form {
            action,
            fields: with("sign"),
            inputs: Vec::new(),
            button_id: "sign",
            label: "签署 Sign",
            secondary: false,
        }
        .render(),
    );
    out.push_str(
        &Form {
            action,
            fields: with("reject"),
            inputs: vec![("reason", "退回原因 Reason")],
            button_id: "reject",
            label: "退回 Reject",
            secondary: true,
        }
        .render(),
    );
    out
}

/// The contacts who act for a signatory: its receiver and its actions' operators.
fn party_contacts(s: &crate::state_contract::Signatory) -> Vec<String> {
    s.receiver
        .iter()
        .map(|r| r.contact.clone())
        .chain(
            s.actions
                .iter()
                .flat_map(|a| a.operators.iter().map(|o| o.contact.clone())),
        )
        .collect()
}

/// The contract: subject, status, documents (linked by `doc_url`), signatories with whose
/// turn it is (`viewer`'s own rows marked).
pub(crate) fn contract_section(
    state: &State,
    c: &Contract,
    doc_url: &dyn Fn(&str) -> String,
    viewer: Option<&str>,
) -> String {
    let mut out = String::from("<section>");
    let _ = write!(
        out,
        "<h1 id=\"subject\">{}</h1><p>合同编号 <code>{}</code> · ID <code id=\"contract-id\">{}</code> · \
         状态 <span class=\"status\" id=\"contract-status\">{}</span> · 发起方 {}</p>",
        escape(&c.subject),
        escape(&c.sn),
        escape(c.id.as_str()),
        escape(c.status.as_str()),
        escape(c.owner(&state.org.platform)),
    );
    let docs: Vec<Vec<String>> = c
        .documents
        .iter()
        .filter_map(|d| state.contract_book.documents.get(d))
        .map(|d| {
            vec![
                format!(
                    "<a href=\"{}\" class=\"document\">{}</a>",
                    escape(&doc_url(d.id.as_str())),
                    escape(&d.file_name())
                ),
                d.page_count.to_string(),
                format!("{} bytes", d.bytes.len()),
            ]
        })
        .collect();
    out.push_str("<h2>文件 Documents</h2>");
    out.push_str(&table(
        "documents",
        &["文件 Document", "页数 Pages", "大小 Size"],
        &docs,
    ));
    let rows: Vec<Vec<String>> = c
        .signatories
        .iter()
        .map(|s| {
            let who = match &s.receiver {
                Some(r) => html::person(Some(r)),
                None if s.delay_set => "(to join)".to_owned(),
                None => String::new(),
            };
            let actions: Vec<String> = s
                .actions
                .iter()
                .map(|a| format!("{} {}", a.kind, a.status.as_str()))
                .collect();
            let mine = viewer.is_some_and(|v| party_contacts(s).iter().any(|p| p == v));
            let turn = if s.status == SignatoryStatus::Signing {
                "← 待签 their turn"
            } else {
                ""
            };
            vec![
                s.serial_no.to_string(),
                escape(s.kind.as_str()),
                escape(s.tenant_name.as_deref().unwrap_or("")),
                format!(
                    "{}{}",
                    escape(who.trim()),
                    if mine { " <b>(you)</b>" } else { "" }
                ),
                format!(
                    "{} <small>{}</small>",
                    badge(s.status.as_str()),
                    escape(turn)
                ),
                escape(&actions.join(", ")),
            ]
        })
        .collect();
    out.push_str("<h2>签署方 Signatories</h2>");
    out.push_str(&table(
        "signatories",
        &[
            "#",
            "类型 Type",
            "名称 Name",
            "接收人 Receiver",
            "状态 Status",
            "动作 Actions",
        ],
        &rows,
    ));
    out.push_str("</section>");
    out
}

/// A document of contract `contract`, inline.
pub(crate) fn document(state: &State, contract: &str, doc: &str) -> Response<Body> {
    let found = state
        .contract_book
        .documents
        .get(&qys_proto::DocumentId::new(doc))
        .filter(|d| d.contract_id.as_str() == contract);
    match found {
        Some(d) => {
            let mut r = crate::reply::file(
                &d.file_name(),
                crate::api::content_type_of(&d.suffix),
                d.bytes.clone(),
            );
            // Shown in the browser rather than saved.
            r.headers_mut().insert(
                http::header::CONTENT_DISPOSITION,
                http::HeaderValue::from_static("inline"),
            );
            r
        }
        None => html::message_page(
            404,
            "Document not found",
            "This contract has no such document.",
        ),
    }
}

/// The download link's file: one document, or the contract's (a ZIP when several).
fn download(shared: &Shared, link: &Link) -> Response<Body> {
    let state = lock(&shared.state);
    let book = &state.contract_book;
    let docs: Vec<_> = match book
        .documents
        .get(&qys_proto::DocumentId::new(link.subject.as_str()))
    {
        Some(d) => vec![d],
        None => state
            .contracts
            .get(&qys_proto::ContractId::new(link.subject.as_str()))
            .map(|c| {
                c.documents
                    .iter()
                    .filter_map(|d| book.documents.get(d))
                    .collect()
            })
            .unwrap_or_default(),
    };
    match docs.as_slice() {
        [] => html::message_page(404, "Nothing to download", "The file no longer exists."),
        [d] => crate::reply::file(
            &d.file_name(),
            crate::api::content_type_of(&d.suffix),
            d.bytes.clone(),
        ),
        many => {
            let entries: Vec<(String, Vec<u8>)> = many
                .iter()
                .map(|d| (d.file_name(), d.bytes.clone()))
                .collect();
            crate::reply::file(
                &format!("{}.zip", link.subject),
                "application/zip",
                crate::state_contract::zip::write(&entries),
            )
        }
    }
}

/// The join page of signatory `link.subject`: whoever opens it names themselves and becomes
/// the signatory's receiver, then gets a signing page of their own.
fn join(shared: &Shared, link: &Link, request: &PageRequest) -> Response<Body> {
    let own_url = request.own_url();
    let mut error = None;
    if request.method == http::Method::POST {
        let name = request.value("name").unwrap_or("").trim().to_owned();
        let contact = request.value("contact").unwrap_or("").trim().to_owned();
        let joined = control::apply(shared, |s| {
            join_as(s, &link.subject, &name, &contact).map(|contract| {
                let user = user_of_contact(&contact).with_name(name.clone());
                super::mint(s, LinkPage::Sign, contract, Some(user), link.next.clone())
            })
        });
        match joined {
            Ok(sign_url) => return html::see_other(&sign_url),
            Err(e) => error = Some(e),
        }
    }
    let state = lock(&shared.state);
    let found = state.contracts.values().find_map(|c| {
        c.signatories
            .iter()
            .find(|s| s.id == link.subject)
            .map(|s| (c, s))
    });
    let Some((c, s)) = found else {
        return html::message_page(404, "Signatory not found", "The contract no longer exists.");
    };
    let mut body = String::new();
    if let Some(e) = &error {
        body.push_str(&notice(false, e));
    }
    let _ = write!(
        body,
        "<section><h1>加入签署 Join: {}</h1><p>Signatory <code>{}</code> ({}) of contract \
         <code>{}</code>, {}.</p>",
        escape(&c.subject),
        escape(&s.id),
        escape(s.kind.as_str()),
        escape(c.id.as_str()),
        escape(c.status.as_str())
    );
    body.push_str(
        &Form {
            action: &own_url,
            fields: vec![("action", "join".to_owned())],
            inputs: vec![
                ("name", "姓名 Name"),
                ("contact", "手机/邮箱 Mobile or e-mail"),
            ],
            button_id: "join",
            label: "加入 Join",
            secondary: false,
        }
        .render(),
    );
    body.push_str("</section>");
    html::page(
        if error.is_some() { 409 } else { 200 },
        "加入签署 Join",
        &body,
    )
}

/// A user of a mobile number or (with `@`) an e-mail address.
pub(crate) fn user_of_contact(contact: &str) -> User {
    if contact.contains('@') {
        User::email(contact)
    } else {
        User::mobile(contact)
    }
}

/// Makes the person `name` / `contact` the receiver of signatory `signatory_id` (one still
/// without a receiver or name, of a `DRAFT` or `SIGNING` contract); answers the contract ID.
fn join_as(
    state: &mut State,
    signatory_id: &str,
    name: &str,
    contact: &str,
) -> Result<String, String> {
    if name.is_empty() || contact.is_empty() {
        return Err("Give a name and a mobile number or e-mail address.".to_owned());
    }
    let stamp = state.clock.text();
    let c = state
        .contracts
        .values_mut()
        .find(|c| c.signatories.iter().any(|s| s.id == signatory_id))
        .ok_or("The contract no longer exists.")?;
    if !matches!(c.status, ContractStatus::Draft | ContractStatus::Signing) {
        return Err(format!("The contract is {}.", c.status.as_str()));
    }
    let s = c
        .signatories
        .iter_mut()
        .find(|s| s.id == signatory_id)
        .ok_or("The signatory no longer exists.")?;
    if s.receiver.is_some() && s.tenant_name.is_some() {
        return Err("Somebody has joined as this signatory already.".to_owned());
    }
    s.receiver = Some(user_of_contact(contact).with_name(name));
    if s.tenant_name.is_none() && s.kind == crate::state_contract::TenantKind::Personal {
        s.tenant_name = Some(name.to_owned());
    }
    let id = c.id.to_string();
    c.record(
        &stamp,
        "MODIFY",
        "JOIN",
        name,
        format!("{contact} joined as a signatory"),
    );
    Ok(id)
}
