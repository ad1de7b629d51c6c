//! The pages a person opens: every link the sandbox hands out (sign, view, appoint, short,
//! join, download, company and personal authentication, signature authorization, privilege,
//! company information, template preview), the stand-ins for the mini-program plugin pages,
//! and the dashboard. Plain HTML forms, no JavaScript; everything shown is escaped.
//!
//! # Links
//!
//! A link is `{base_url}/sandbox/{kind}/{subject}?token={token}` (a short link:
//! `{base_url}/sandbox/s/{token}`): the token (32 hex digits; 10 for short links) is
//! remembered with what the link opens, for whom, and where to go afterwards (the
//! request's `callbackPage`, `successUrl` or `returnUrl`). Links are served without the
//! gateway's authentication, as the platform's pages are; an unknown token answers a 404 page.
//! The pages act through the `control` module, so a page's button has the same effects as the
//! matching control (state, log, callbacks).
//!
//! A page's form posts to the page's own URL; after the step, the browser is sent (`303 See
//! Other`) to the integrator's URL when the request gave one (an absolute `http(s)` URL), else
//! back to the page, which then shows the outcome.

pub(crate) mod contract;
pub(crate) mod html;
pub(crate) mod identity;
pub(crate) mod plugin;

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use http::{Method, Response};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use qys_proto::types::User;

use crate::reply::Body;
use crate::server::{Shared, lock};
use crate::state::State;

/// The most links remembered; beyond it the oldest are forgotten first.
pub(crate) const LINK_CAP: usize = 100_000;

/// The largest form body a page accepts.
const MAX_FORM: usize = 64 * 1024;

/// The path prefix of every page.
pub(crate) const PREFIX: &str = "/sandbox/";

/// What a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkPage {
    /// A signatory's signing page (`/v2/contract/pageurl`); subject: the contract.
    Sign,
    /// The contract, read-only (`/v2/contract/viewurl`); subject: the contract.
    View,
    /// The pre-signing page of a draft (`/v2/contract/appointurl`); subject: the contract.
    Appoint,
    /// A short link to a contact's signing page (`/v2/contract/shorturl`); subject: the
    /// contract.
    Short,
    /// A signatory's join page (`/v2/contract/joinurl`); subject: the signatory ID.
    Join,
    /// A file download (`/v2/contract/downloadurl`); subject: the contract or the document.
    Download,
    /// A personal authentication (`/v2/personalauth`); subject: the `authId`.
    PersonalAuth,
    /// A company authentication (`/companyauth/*page`); subject: the `requestId`.
    CompanyAuth,
    /// A silent-signing authorization (`/v2/personalsign/authurl`); subject: the `authId`.
    SignAuth,
    /// A privilege grant (`/v2/ssoprivilege/url`); subject: the company.
    SsoPrivilege,
    /// A SaaS seal auto-sign authorization (`/saas/v2/sealsign/authurl`); subject: the tenant.
    SealSignAuth,
    /// A SaaS privilege grant (`/saas/v2/privilege/url`); subject: the tenant.
    SaasPrivilege,
    /// A company's information change (`/v2/company/changeinfo`); subject: the company.
    CompanyChange,
    /// A template preview (`/v2/template/pageurl`); subject: the template ID.
    TemplatePreview,
}

impl LinkPage {
    const ALL: [Self; 14] = [
        Self::Sign,
        Self::View,
        Self::Appoint,
        Self::Short,
        Self::Join,
        Self::Download,
        Self::PersonalAuth,
        Self::CompanyAuth,
        Self::SignAuth,
        Self::SsoPrivilege,
        Self::SealSignAuth,
        Self::SaasPrivilege,
        Self::CompanyChange,
        Self::TemplatePreview,
    ];

    /// The path segment after [`PREFIX`].
    pub(crate) fn segment(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::View => "view",
            Self::Appoint => "appoint",
            Self::Short => "s",
            Self::Join => "join",
            Self::Download => "download",
            Self::PersonalAuth => "personalauth",
            Self::CompanyAuth => "companyauth",
            Self::SignAuth => "personalsign-auth",
            Self::SsoPrivilege => "ssoprivilege",
            Self::SealSignAuth => "sealsign-auth",
            Self::SaasPrivilege => "privilege",
            Self::CompanyChange => "companyinfo",
            Self::TemplatePreview => "template",
        }
    }

    fn of_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.segment() == segment)
    }
}

/// What a link was minted for.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) page: LinkPage,
    /// The contract, request, signatory, company or template it is about.
    pub(crate) subject: String,
    /// Whom it was made for (the `user` of a signing page, the `contact` of a short link).
    pub(crate) user: Option<User>,
    /// Where to send the browser after the step (`callbackPage`, `successUrl`, `returnUrl`).
    pub(crate) next: Option<String>,
}

/// The links minted so far, bounded by [`LINK_CAP`].
#[derive(Debug, Default)]
pub(crate) struct Links {
    by_token: HashMap<String, Link>,
    order: VecDeque<String>,
}

impl Links {
    fn insert(&mut self, token: String, link: Link) {
        while self.order.len() >= LINK_CAP {
            if let Some(old) = self.order.pop_front() {
                self.by_token.remove(&old);
            }
        }
        self.order.push_back(token.clone());
        self.by_token.insert(token, link);
    }

    pub(crate) fn get(&self, token: &str) -> Option<&Link> {
        self.by_token.get(token)
    }
}

/// Mints a link to `page` about `subject`, for `user`, going to `next` afterwards; answers its
/// URL under the sandbox's base URL.
pub(crate) fn mint(
    state: &mut State,
    page: LinkPage,
    subject: impl Into<String>,
    user: Option<User>,
    next: Option<String>,
) -> String {
    let subject = subject.into();
    let mut token = uuid::Uuid::new_v4().simple().to_string();
    let base = &state.contract_book.base_url;
    let url = if page == LinkPage::Short {
        token.truncate(10);
        format!("{base}{PREFIX}{}/{token}", page.segment())
    } else {
        format!(
            "{base}{PREFIX}{}/{}?token={token}",
            page.segment(),
            qys_proto::query::encode(&subject)
        )
    };
    state.links.insert(
        token,
        Link {
            page,
            subject,
            user,
            next,
        },
    );
    url
}

/// A request to a page, as the page handlers get it.
#[derive(Debug)]
pub(crate) struct PageRequest {
    pub(crate) method: Method,
    /// The path after the page's own path (empty, or `/documents/{id}`).
    pub(crate) rest: String,
    /// The query string's pairs.
    pub(crate) query: Vec<(String, String)>,
    /// The form's pairs (POST).
    pub(crate) form: Vec<(String, String)>,
    /// The page's own path (`/sandbox/{kind}/{subject}`, `/sandbox/s/{token}`).
    pub(crate) own_path: String,
    /// What follows a page path to reach this page: `?token=…`, or nothing (short links,
    /// plugin pages, whose forms carry the ticket).
    pub(crate) token_query: String,
}

impl PageRequest {
    /// The page's own URL (path and token): where its forms post.
    pub(crate) fn own_url(&self) -> String {
        format!("{}{}", self.own_path, self.token_query)
    }

    /// The URL of `sub` (e.g. `/documents/1`) under this page.
    pub(crate) fn sub_url(&self, sub: &str) -> String {
        format!("{}{sub}{}", self.own_path, self.token_query)
    }
}

impl PageRequest {
    /// A query or form value.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .chain(self.query.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Serves the pages, the dashboard and the control API: `Some(response)` for a path under
/// `/sandbox/` or `/__sandbox`, `None` for everything else (the gateway's).
pub(crate) async fn serve(
    shared: &Shared,
    head: &http::request::Parts,
    body: &mut Option<Incoming>,
) -> Option<Response<Body>> {
    let path = head.uri.path();
    if path == "/__sandbox" || path.starts_with("/__sandbox/") {
        return Some(crate::control_http::serve(shared, head, body).await);
    }
    let rest = path.strip_prefix(PREFIX)?;
    let query = qys_proto::query::parse_query_string(head.uri.query().unwrap_or(""));
    let form = if head.method == Method::POST {
        match read_limited(body.take(), MAX_FORM).await {
            Ok(bytes) => qys_proto::query::parse_query_string(&String::from_utf8_lossy(&bytes)),
            Err(status) => {
                return Some(html::message_page(
                    status,
                    "Form too large",
                    "The form is larger than the sandbox accepts.",
                ));
            }
        }
    } else {
        Vec::new()
    };
    if !matches!(head.method, Method::GET | Method::HEAD | Method::POST) {
        return Some(html::message_page(
            405,
            "Method not allowed",
            "Pages take GET and POST.",
        ));
    }
    let (segment, after) = rest.split_once('/').unwrap_or((rest, ""));
    if segment == "plugin" {
        let request = PageRequest {
            method: head.method.clone(),
            rest: after.to_owned(),
            query,
            form,
            own_path: path.to_owned(),
            token_query: String::new(),
        };
        return Some(plugin::serve(shared, &request));
    }
    // `/sandbox/s/{token}…`, else `/sandbox/{kind}/{subject}…?token=…` (the subject in the
    // path is for people; the token says what the link is).
    let (first, tail) = after.split_once('/').map_or((after, ""), |(t, r)| (t, r));
    let (token, token_query) = if segment == LinkPage::Short.segment() {
        (first.to_owned(), String::new())
    } else {
        let token = query
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let q = format!("?token={}", qys_proto::query::encode(&token));
        (token, q)
    };
    let link = LinkPage::of_segment(segment).and_then(|page| {
        lock(&shared.state)
            .links
            .get(&token)
            .cloned()
            .filter(|l| l.page == page)
    });
    let Some(link) = link else {
        return Some(html::message_page(
            404,
            "Link not found",
            "This sandbox did not make this link, or has forgotten it (after a reset or a restart).",
        ));
    };
    let request = PageRequest {
        method: head.method.clone(),
        rest: if tail.is_empty() {
            String::new()
        } else {
            format!("/{tail}")
        },
        query,
        form,
        own_path: format!("{PREFIX}{segment}/{first}"),
        token_query,
    };
    Some(match link.page {
        LinkPage::Sign
        | LinkPage::View
        | LinkPage::Appoint
        | LinkPage::Short
        | LinkPage::Join
        | LinkPage::Download => contract::serve(shared, &link, &request),
        _ => identity::serve(shared, &link, &request),
    })
}

/// Reads a body of at most `limit` bytes; the HTTP status to answer otherwise.
pub(crate) async fn read_limited(body: Option<Incoming>, limit: usize) -> Result<Bytes, u16> {
    let Some(body) = body else {
        return Ok(Bytes::new());
    };
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(413),
        Err(_) => Err(400),
    }
}

/// Where to send the browser after a step: the integrator's URL when it is an absolute
/// `http(s)` URL, else back to the page with `done` (the outcome's name) in the query.
pub(crate) fn after_step(next: Option<&str>, request: &PageRequest, done: &str) -> Response<Body> {
    match next.filter(|n| is_web_url(n)) {
        Some(next) => html::see_other(next),
        None => {
            let own = request.own_url();
            let sep = if own.contains('?') { '&' } else { '?' };
            html::see_other(&format!(
                "{own}{sep}done={}",
                qys_proto::query::encode(done)
            ))
        }
    }
}

/// Whether `url` is an absolute `http://` or `https://` URL (never `javascript:` and the like).
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && url.parse::<http::Uri>().is_ok()
}
