//! The dashboard at `/__sandbox/`: contracts and their state, callbacks with their delivery
//! attempts, recent requests with the gateway's verdict, pending authentications and recent
//! tickets, each ticket with a link to its plugin page. Plain HTML, everything escaped; it
//! refreshes itself every 5 seconds (a `Refresh` header, no JavaScript).

use std::fmt::Write as _;

use http::Response;

use crate::control;
use crate::pages::html::{self, badge, escape, table};
use crate::reply::Body;
use crate::server::{Shared, lock};

/// The most rows of each table.
const ROWS: usize = 100;

pub(crate) fn render(shared: &Shared, query: &[(String, String)]) -> Response<Body> {
    let deliveries = shared.callbacks.log.snapshot();
    let recent = shared.console.recent();
    let state = lock(&shared.state);
    // The token (when one is required) rides along in the dashboard's own links.
    let token = query
        .iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| format!("?token={}", qys_proto::query::encode(v)))
        .unwrap_or_default();
    let mut body = String::new();
    let _ = write!(
        body,
        "<section><p>Gateway <code id=\"base-url\">{}</code> · app callback URL <code>{}</code> · \
         callbacks {} · <a href=\"/__sandbox/api/state{}\">state as JSON</a></p></section>",
        escape(&state.contract_book.base_url),
        escape(state.app.callback_url.as_deref().unwrap_or("(none)")),
        if state.app.encrypt {
            "signed and encrypted"
        } else {
            "plain"
        },
        escape(&token),
    );

    let contracts: Vec<Vec<String>> = state
        .contracts
        .values()
        .rev()
        .take(ROWS)
        .map(|c| {
            let signatories: Vec<String> = c
                .signatories
                .iter()
                .map(|s| {
                    let who = s
                        .receiver
                        .as_ref()
                        .map(|r| r.contact.clone())
                        .or_else(|| s.tenant_name.clone())
                        .unwrap_or_default();
                    format!("{} {}", escape(&who), badge(s.status.as_str()))
                })
                .collect();
            vec![
                format!("<code>{}</code>", escape(c.id.as_str())),
                escape(&c.subject),
                badge(c.status.as_str()),
                signatories.join("<br>"),
            ]
        })
        .collect();
    let _ = write!(
        body,
        "<section><h2>合同 Contracts ({})</h2>{}</section>",
        state.contracts.len(),
        table(
            "contracts",
            &["ID", "主题 Subject", "状态 Status", "签署方 Signatories"],
            &contracts
        )
    );

    let rows: Vec<Vec<String>> = deliveries
        .iter()
        .rev()
        .take(ROWS)
        .map(|d| {
            let v = control::delivery_json(d);
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
            let last = match (d.last_status, &d.last_error) {
                (Some(st), _) => st.to_string(),
                (None, Some(e)) => e.clone(),
                (None, None) => String::new(),
            };
            vec![
                d.id.to_string(),
                escape(&s("kind")),
                escape(&s("callbackType")),
                format!(
                    "<code>{}</code>",
                    escape(d.url.as_deref().unwrap_or("(none)"))
                ),
                d.attempts.to_string(),
                escape(&last),
                badge(&s("status")),
            ]
        })
        .collect();
    let _ = write!(
        body,
        "<section><h2>回调 Callbacks ({})</h2>{}</section>",
        deliveries.len(),
        table(
            "deliveries",
            &[
                "#",
                "Kind",
                "callbackType",
                "URL",
                "Attempts",
                "Last answer",
                "Status"
            ],
            &rows
        )
    );

    let rows: Vec<Vec<String>> = recent
        .iter()
        .rev()
        .take(ROWS)
        .map(|r| {
            vec![
                r.number.to_string(),
                escape(&r.method),
                format!("<code>{}</code>", escape(&r.path)),
                r.status
                    .map_or_else(|| "reset".to_owned(), |s| s.to_string()),
                escape(&r.verdict),
            ]
        })
        .collect();
    let _ = write!(
        body,
        "<section><h2>请求 Recent requests</h2>{}</section>",
        table(
            "requests",
            &["#", "Method", "Path", "HTTP", "Gateway verdict"],
            &rows
        )
    );

    let base = state.contract_book.base_url.clone();
    let rows: Vec<Vec<String>> = state
        .tickets
        .recent(ROWS)
        .map(|(value, t)| {
            let plugin = crate::pages::plugin::plugin_url_of(value, t.page);
            let page = crate::pages::plugin::plugin_page_url(&base, &plugin).unwrap_or_default();
            vec![
                format!("<code>{}</code>", escape(value)),
                escape(t.page.page()),
                escape(&t.subject),
                format!("<a href=\"{}\">open</a>", escape(&page)),
            ]
        })
        .collect();
    let _ = write!(
        body,
        "<section><h2>小程序票据 Tickets</h2>{}</section>",
        table(
            "tickets",
            &["Ticket", "Page", "Subject", "Plugin page"],
            &rows
        )
    );

    let mut pending: Vec<Vec<String>> = Vec::new();
    for r in state.identity.company_auths.iter().rev().take(ROWS) {
        pending.push(vec![
            "company".to_owned(),
            format!("<code>{}</code>", escape(&r.request_id)),
            escape(&r.company_name),
            escape(control::auth_state_name(r.state)),
        ]);
    }
    for r in state.identity.personal_auths.iter().rev().take(ROWS) {
        pending.push(vec![
            "personal".to_owned(),
            format!("<code>{}</code>", escape(&r.auth_id)),
            escape(&r.user.contact),
            escape(control::auth_state_name(r.state)),
        ]);
    }
    for a in state.identity.sign_auths.iter().rev().take(ROWS) {
        pending.push(vec![
            "signature".to_owned(),
            format!("<code>{}</code>", escape(&a.auth_id)),
            escape(&format!("{} → {}", a.user.contact, a.company_name)),
            escape(a.state.as_str()),
        ]);
    }
    let _ = write!(
        body,
        "<section><h2>认证与授权 Authentications and authorizations</h2>{}</section>",
        table("identity", &["Kind", "ID", "Who", "Status"], &pending)
    );
    drop(state);
    let mut response = html::page(200, "控制台 Dashboard", &body);
    response.headers_mut().insert(
        http::HeaderName::from_static("refresh"),
        http::HeaderValue::from_static("5"),
    );
    response
}
