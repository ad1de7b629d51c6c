//! The sandbox's controls: the steps people take on the platform's pages (sign, reject, pass an
//! authentication, grant an authorization), and what a test needs to see and steer (the state,
//! callbacks owed and their deliveries, requests seen, tickets, faults, the clock).
//!
//! There is one implementation of each control, here. The Rust API ([`Sandbox`]'s control
//! methods), the HTTP control API under `/__sandbox/api/` (module `control_http`) and the
//! pages a person clicks (module `pages`) all call these functions, so a change made one way
//! has the same effects (state, log, callbacks) as the same change made another way.

use std::collections::VecDeque;

use qys_proto::ContractId;
use serde_json::{Map, Value, json};

use crate::api::{api_operator, bad_status, contract_json, emit, locate_by, not_sign_step, settle};
use crate::reply::Failure;
use crate::server::{Shared, lock};
use crate::state::{CallbackKind, MintedTicket, OutgoingCallback, State};
use crate::state_contract::{ActionStatus, Contract, ContractStatus, SignatoryStatus, TenantKind};
use crate::state_identity::{self, SignAuthState};
use crate::{Delivery, DeliveryOutcome, Sandbox};

/// How many recent requests the console keeps for the dashboard and `/__sandbox/api/requests`.
pub(crate) const RECENT_REQUESTS: usize = 200;

/// Runs a control on the state, then hands the callbacks it owes to the delivery (as the
/// server does after each API request).
pub(crate) fn apply<R>(shared: &Shared, f: impl FnOnce(&mut State) -> R) -> R {
    let mut state = lock(&shared.state);
    let result = f(&mut state);
    let owed = std::mem::take(&mut state.outbox);
    if !owed.is_empty() {
        let settings = state.app.delivery_settings();
        drop(state);
        shared.callbacks.submit(owed, &settings);
    }
    result
}

// --- signing as a signatory ------------------------------------------------------------------

/// What a signatory's step did: who acted, which action, and the callback type it queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// The signatory's ID.
    pub(crate) signatory_id: String,
    /// `PERSONAL` for a person, else the action finished (`COMPANY`, `LP`, `AUDIT`,
    /// `OPERATOR`, `PERSONAL`, `PRACTICE`), or `REJECT`.
    pub(crate) action: String,
    /// The contract's status afterwards.
    pub(crate) contract_status: &'static str,
}

impl Step {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "signatoryId": self.signatory_id,
            "action": self.action,
            "contractStatus": self.contract_status,
        })
    }
}

/// Whether `contact` acts for signatory `s`: its receiver, or an operator of one of its
/// actions.
fn acts_for(s: &crate::state_contract::Signatory, contact: &str) -> bool {
    s.receiver.as_ref().is_some_and(|r| r.contact == contact)
        || s.actions
            .iter()
            .any(|a| a.operators.iter().any(|o| o.contact == contact))
}

/// The signatory `contact` acts for whose turn it is, or the platform's error: 1110 when the
/// contact is no party of the contract, 1107 when none of its signatories is due.
fn due_signatory(c: &Contract, contact: &str) -> Result<usize, Failure> {
    let parties: Vec<usize> = (0..c.signatories.len())
        .filter(|&i| acts_for(&c.signatories[i], contact))
        .collect();
    if parties.is_empty() {
        return Err(Failure::business(
            1110,
            "11011110",
            format!("NO VIEW PERMISSION: {contact} is not a party of this contract"),
        ));
    }
    if let Some(&i) = parties
        .iter()
        .find(|&&i| c.signatories[i].status == SignatoryStatus::Signing)
    {
        return Ok(i);
    }
    if parties
        .iter()
        .all(|&i| c.signatories[i].status == SignatoryStatus::Signed)
    {
        return Err(not_sign_step(format!("{contact} has already signed")));
    }
    Err(not_sign_step(format!("it is not {contact}'s turn to sign")))
}

/// The contract `id` for a signatory's step: located (moved to `EXPIRED` first when its
/// deadline passed) and `SIGNING`.
fn signing_contract(state: &mut State, id: &str) -> Result<ContractId, Failure> {
    let id = locate_by(state, Some(id), None, None)?;
    let c = state.contracts.get(&id).ok_or_else(crate::api::not_found)?;
    if c.status != ContractStatus::Signing {
        return Err(bad_status(c.status, "SIGNING"));
    }
    Ok(id)
}

/// Signs contract `id` as the person whose contact (mobile or e-mail) is `contact`, as the
/// platform's sign page does: a personal signatory signs; for a company signatory the
/// contact's next due action is finished (a `COMPANY` action with its first allowed seal, else
/// the company's seal). The same log entries and callbacks as the signing API follow
/// (`PERSONAL`, `SEAL`, `LEGAL_PERSON`, `AUDIT`, `OPERATOR`, then `COMPLETE` when everyone
/// signed).
///
/// # Errors
/// 3004 unknown contract; 1101 not `SIGNING`; 1110 not a party; 1107 not its turn, already
/// signed, or no action of this contact due.
pub(crate) fn sign_as(state: &mut State, id: &str, contact: &str) -> Result<Step, Failure> {
    let id = signing_contract(state, id)?;
    let default_seal = state.org.default_seal().to_owned();
    let stamp = state.clock.text();
    let c = state
        .contracts
        .get_mut(&id)
        .ok_or_else(crate::api::not_found)?;
    let index = due_signatory(c, contact)?;
    let s = &mut c.signatories[index];
    let who = s
        .receiver
        .as_ref()
        .filter(|r| r.contact == contact)
        .and_then(|r| r.name.clone())
        .or_else(|| s.tenant_name.clone())
        .unwrap_or_else(|| contact.to_owned());
    let (action, callback) = if s.kind == TenantKind::Personal {
        s.status = SignatoryStatus::Signed;
        ("PERSONAL".to_owned(), "PERSONAL")
    } else {
        let is_receiver = s.receiver.as_ref().is_some_and(|r| r.contact == contact);
        let a = s
            .actions
            .iter_mut()
            .find(|a| {
                a.status == ActionStatus::Start
                    && (a.operators.iter().any(|o| o.contact == contact)
                        || (is_receiver && a.operators.is_empty()))
            })
            .ok_or_else(|| not_sign_step(format!("{contact} has no action due")))?;
        a.status = ActionStatus::Finish;
        if a.kind == "COMPANY" {
            a.used_seal = Some(a.seal_ids.first().cloned().unwrap_or(default_seal));
        }
        let callback = match a.kind.as_str() {
            "COMPANY" => "SEAL",
            "LP" => "LEGAL_PERSON",
            "AUDIT" => "AUDIT",
            "PERSONAL" => "AUDIT_SIGN",
            _ => "OPERATOR",
        };
        (a.kind.clone(), callback)
    };
    let signatory_id = s.id.clone();
    c.record(
        &stamp,
        "MODIFY",
        &format!("{action}_SIGN"),
        &who,
        format!("{action} signed on the signing page"),
    );
    settle(state, &id, vec![(callback, Some(index))]);
    Ok(Step {
        signatory_id,
        action,
        contract_status: state.contracts.get(&id).map_or("", |c| c.status.as_str()),
    })
}

/// Rejects (退回) contract `id` as `contact`, as the sign page's reject button does: the
/// contract becomes `REJECTED`, every open action stops, and a `REJECTED` callback is queued.
///
/// # Errors
/// As [`sign_as`].
pub(crate) fn reject_as(
    state: &mut State,
    id: &str,
    contact: &str,
    reason: &str,
) -> Result<Step, Failure> {
    let id = signing_contract(state, id)?;
    let stamp = state.clock.text();
    let c = state
        .contracts
        .get_mut(&id)
        .ok_or_else(crate::api::not_found)?;
    let index = due_signatory(c, contact)?;
    c.status = ContractStatus::Rejected;
    c.close_open(ActionStatus::Stop);
    let s = &mut c.signatories[index];
    s.status = SignatoryStatus::Rejected;
    let signatory_id = s.id.clone();
    c.comments = Some(reason.to_owned());
    c.record(&stamp, "MODIFY", "REJECT", contact, reason);
    emit(state, &id, "REJECTED", Some(index));
    Ok(Step {
        signatory_id,
        action: "REJECT".to_owned(),
        contract_status: ContractStatus::Rejected.as_str(),
    })
}

/// Sends the draft `id` as the pre-signing (appoint) page's send button does (as
/// `/v2/contract/send` without positions).
///
/// # Errors
/// 3004, 1101 not a draft, 1401 without a document.
pub(crate) fn send(state: &mut State, id: &str) -> Result<(), Failure> {
    let id = locate_by(state, Some(id), None, None)?;
    crate::api::send_draft(state, &id, None)
}

// --- authorizations --------------------------------------------------------------------------

/// Withdraws the latest silent-signing authorization in effect of `contact` (for `company`,
/// or any company), queueing the §14.5 `DEAUTHORIZE` callback, as `/v2/personalsign/deauthorize`
/// does; `false` when there is none.
pub(crate) fn revoke_personal_sign_auth(
    state: &mut State,
    contact: &str,
    company: Option<&str>,
) -> bool {
    let Some(auth) = state.identity.sign_auths.iter_mut().rev().find(|a| {
        a.user.contact == contact
            && a.state == SignAuthState::Valid
            && company.is_none_or(|c| a.company_name == c)
    }) else {
        return false;
    };
    auth.state = SignAuthState::Cancelled;
    let auth = auth.clone();
    state_identity::emit_sign_auth(state, &auth, "DEAUTHORIZE", &state.clock.date());
    true
}

// --- reset -----------------------------------------------------------------------------------

/// Puts the platform's data back as it started: the fixtures only (contracts, companies,
/// requests, authorizations, tickets, links). The app settings (callback URL, encryption,
/// key), the credentials, the clock and the delivery log stay; injected faults are dropped.
pub(crate) fn reset(shared: &Shared, fixtures: &crate::Fixtures) {
    let mut state = lock(&shared.state);
    let app = std::mem::take(&mut state.app);
    let base_url = std::mem::take(&mut state.contract_book.base_url);
    let clock = state.clock.clone();
    *state = State::seeded(fixtures, clock);
    state.app = app;
    state.contract_book.base_url = base_url;
    drop(state);
    lock(&shared.gateway).clear_faults();
}

// --- what a test can see ---------------------------------------------------------------------

/// A request the gateway answered, as the dashboard lists it.
#[derive(Debug, Clone)]
pub(crate) struct SeenRequest {
    pub(crate) number: u64,
    pub(crate) unix_ms: u64,
    pub(crate) method: String,
    pub(crate) path: String,
    /// `None` when the connection was reset without an answer.
    pub(crate) status: Option<u16>,
    /// `ok`, the envelope's `code` and message for a refusal, or the fault that answered.
    pub(crate) verdict: String,
}

impl SeenRequest {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "number": self.number,
            "timeMs": self.unix_ms,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "verdict": self.verdict,
        })
    }
}

/// What the console keeps: the control token and the recent requests.
#[derive(Debug, Default)]
pub(crate) struct Console {
    /// The token the control API and the dashboard require (`None`: open).
    pub(crate) token: Option<qys_proto::Secret>,
    recent: std::sync::Mutex<Recent>,
}

#[derive(Debug, Default)]
struct Recent {
    next: u64,
    list: VecDeque<SeenRequest>,
}

/// The longest path kept in the recent-request log (longer ones are cut).
const MAX_LOGGED_PATH: usize = 200;

impl Console {
    pub(crate) fn new(token: Option<qys_proto::Secret>) -> Self {
        Self {
            token,
            recent: std::sync::Mutex::default(),
        }
    }

    /// Records a request the gateway answered (bounded: the last [`RECENT_REQUESTS`]).
    pub(crate) fn record(
        &self,
        method: &http::Method,
        path: &str,
        response: Option<&http::Response<crate::reply::Body>>,
        fault: Option<&crate::Fault>,
    ) {
        let status = response.map(|r| r.status().as_u16());
        let verdict = match (
            fault,
            response.and_then(|r| r.extensions().get::<crate::reply::Verdict>()),
        ) {
            (Some(f), _) => format!("fault: {}", fault_name(f)),
            (None, Some(v)) => format!("{} {}", v.code, v.message),
            (None, None) => "ok".to_owned(),
        };
        let mut path = path.to_owned();
        if path.len() > MAX_LOGGED_PATH {
            let mut cut = MAX_LOGGED_PATH;
            while !path.is_char_boundary(cut) {
                cut -= 1;
            }
            path.truncate(cut);
            path.push('…');
        }
        let mut recent = lock(&self.recent);
        recent.next += 1;
        let number = recent.next;
        if recent.list.len() >= RECENT_REQUESTS {
            recent.list.pop_front();
        }
        recent.list.push_back(SeenRequest {
            number,
            unix_ms: crate::control::wall_ms(),
            method: method.to_string(),
            path,
            status,
            verdict,
        });
    }

    /// The recent requests, oldest first.
    pub(crate) fn recent(&self) -> Vec<SeenRequest> {
        lock(&self.recent).list.iter().cloned().collect()
    }
}

/// Milliseconds since the epoch by the wall clock (for the request log only).
pub(crate) fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A short name of a fault, for the log.
fn fault_name(f: &crate::Fault) -> String {
    use crate::Fault;
    match f {
        Fault::Delay(d) => format!("delay {} ms", d.as_millis()),
        Fault::Html(s) => format!("html {s}"),
        Fault::TruncatedBody => "truncated body".to_owned(),
        Fault::Reset => "reset".to_owned(),
        Fault::Oversized(n) => format!("oversized {n} bytes"),
        Fault::Status(s, _) => format!("status {s}"),
        Fault::TooManyRequests(_) => "429".to_owned(),
        Fault::Trickle { .. } => "trickle".to_owned(),
        Fault::CutBody { keep, .. } => format!("cut after {keep} bytes"),
        Fault::ContentType { content_type, .. } => format!("content type {content_type}"),
        Fault::InvalidUtf8 => "invalid UTF-8".to_owned(),
        Fault::File { file_name, .. } => format!("file {file_name}"),
        Fault::Redirect(_) => "redirect".to_owned(),
    }
}

/// The name of a callback kind on the wire of the control API.
pub(crate) fn kind_name(kind: CallbackKind) -> &'static str {
    match kind {
        CallbackKind::ContractStatus => "CONTRACT_STATUS",
        CallbackKind::CompanyAuth => "COMPANY_AUTH",
        CallbackKind::PersonalAuth => "PERSONAL_AUTH",
        CallbackKind::SealReview => "SEAL_REVIEW",
        CallbackKind::PersonalSignAuth => "PERSONAL_SIGN_AUTH",
    }
}

/// The callback kind of a control-API name (see [`kind_name`]).
pub(crate) fn kind_of(name: &str) -> Option<CallbackKind> {
    [
        CallbackKind::ContractStatus,
        CallbackKind::CompanyAuth,
        CallbackKind::PersonalAuth,
        CallbackKind::SealReview,
        CallbackKind::PersonalSignAuth,
    ]
    .into_iter()
    .find(|k| kind_name(*k).eq_ignore_ascii_case(name))
}

/// A delivery as the control API shows it: the callback type (`callbackType` of a contract
/// callback, else the kind), its delivery status (`PENDING`, `DELIVERED`, `GAVE_UP`,
/// `UNDELIVERABLE`) and attempts.
pub(crate) fn delivery_json(d: &Delivery) -> Value {
    let (status, reason) = match &d.outcome {
        DeliveryOutcome::Pending => ("PENDING", None),
        DeliveryOutcome::Delivered => ("DELIVERED", None),
        DeliveryOutcome::GaveUp => ("GAVE_UP", None),
        DeliveryOutcome::Undeliverable(why) => ("UNDELIVERABLE", Some(why.clone())),
    };
    let callback_type = d
        .fields
        .get("callbackType")
        .and_then(Value::as_str)
        .map_or_else(|| kind_name(d.kind).to_owned(), str::to_owned);
    json!({
        "id": d.id,
        "kind": kind_name(d.kind),
        "callbackType": callback_type,
        "url": d.url,
        "status": status,
        "reason": reason,
        "attempts": d.attempts,
        "lastStatus": d.last_status,
        "lastError": d.last_error,
        "lastReply": d.last_reply,
        "signed": d.signed,
        "encrypted": d.encrypted,
        "fields": Value::Object(d.fields.clone()),
    })
}

/// A minted ticket as the control API shows it.
pub(crate) fn ticket_json(base_url: &str, value: &str, t: &MintedTicket) -> Value {
    let plugin = crate::pages::plugin::plugin_url_of(value, t.page);
    json!({
        "ticket": value,
        "page": t.page.page(),
        "type": t.page.type_param(),
        "subject": t.subject,
        "user": t.user.as_ref().map(crate::api::user_json),
        "pluginUrl": plugin,
        "pageUrl": crate::pages::plugin::plugin_page_url(base_url, &plugin).ok(),
    })
}

/// The whole state as JSON: contracts (with signatories and documents), authentication
/// requests, authorizations, tickets, app settings (never the key), deliveries.
pub(crate) fn state_json(shared: &Shared) -> Value {
    let deliveries: Vec<Value> = shared
        .callbacks
        .log
        .snapshot()
        .iter()
        .map(delivery_json)
        .collect();
    let state = lock(&shared.state);
    let contracts: Vec<Value> = state
        .contracts
        .values()
        .map(|c| {
            let mut v = contract_json(&state, c, true, true);
            v["owner"] = json!(api_operator(&state, &c.id));
            v
        })
        .collect();
    let company_auths: Vec<Value> = state
        .identity
        .company_auths
        .iter()
        .map(|r| {
            json!({
                "requestId": r.request_id,
                "companyName": r.company_name,
                "applicant": r.applicant.as_ref().map(crate::api::user_json),
                "status": auth_state_name(r.state),
            })
        })
        .collect();
    let personal_auths: Vec<Value> = state
        .identity
        .personal_auths
        .iter()
        .map(|r| {
            json!({
                "authId": r.auth_id,
                "user": crate::api::user_json(&r.user),
                "mode": r.mode,
                "status": auth_state_name(r.state),
            })
        })
        .collect();
    let sign_auths: Vec<Value> = state
        .identity
        .sign_auths
        .iter()
        .map(|a| {
            json!({
                "authId": a.auth_id,
                "user": crate::api::user_json(&a.user),
                "companyName": a.company_name,
                "status": a.state.as_str(),
            })
        })
        .collect();
    let base = state.contract_book.base_url.clone();
    let tickets: Vec<Value> = state
        .tickets
        .recent(100)
        .map(|(v, t)| ticket_json(&base, v, t))
        .collect();
    // The platform knows authenticated companies only (one list, `org`).
    let companies: Vec<Value> = state
        .org
        .companies
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name, "authenticated": true}))
        .collect();
    let app = json!({
        "callbackUrl": state.app.callback_url,
        "encrypt": state.app.encrypt,
        "cipher": cipher_name(&state.app.cipher()),
    });
    json!({
        "contracts": contracts,
        "companies": companies,
        "companyAuths": company_auths,
        "personalAuths": personal_auths,
        "signAuths": sign_auths,
        "tickets": tickets,
        "app": app,
        "deliveries": deliveries,
    })
}

fn cipher_name(c: &qys_proto::callback::Cipher) -> &'static str {
    match c {
        qys_proto::callback::Cipher::AesEcb => "AES_ECB",
        qys_proto::callback::Cipher::AesCbc { .. } => "AES_CBC",
        _ => "PLAIN",
    }
}

pub(crate) fn auth_state_name(s: state_identity::AuthState) -> &'static str {
    match s {
        state_identity::AuthState::Pending => "PENDING",
        state_identity::AuthState::Passed => "PASSED",
        state_identity::AuthState::Failed => "FAILED",
    }
}

/// Moves the sandbox's clock forward by `by` (as [`Sandbox::clock`]`().advance(by)` does);
/// answers the new time, in milliseconds since the epoch. Deadlines, expiry, download locks,
/// the timestamp window and nonce memory all follow it.
pub(crate) fn advance_clock(shared: &Shared, by: std::time::Duration) -> u64 {
    shared.clock.advance(by);
    shared.clock.unix_ms()
}

/// Makes the sandbox owe a callback now (see [`Sandbox::send_callback`]).
pub(crate) fn owe_callback(
    shared: &Shared,
    kind: CallbackKind,
    url: Option<String>,
    fields: Map<String, Value>,
) {
    let settings = lock(&shared.state).app.delivery_settings();
    shared
        .callbacks
        .submit(vec![OutgoingCallback { kind, url, fields }], &settings);
}

/// Sandbox controls: the steps people take on the platform's pages, which no API call takes.
/// The HTTP control API (`/__sandbox/api/…`, see `PROTOCOL.md`) and the sandbox's pages run
/// the same code.
impl Sandbox {
    /// **Sandbox control**: finishes the company authentication `request_id` (the `requestId`
    /// of `/companyauth/pcpage`, `/companyauth/h5page`, their licence variants or
    /// `/saas/v2/companyauth/pageurl`), as if the applicant had completed the page.
    ///
    /// With `success`, the company becomes authenticated: `/companyauth/result` answers
    /// `status` 2 (`basicStatus` 3) and company authentication links and tickets for it answer
    /// 1605 `COMPANY ALREADY AUTHED`. Otherwise the result answers `status` 3 (`basicStatus`
    /// 2, with a `basicReason`). Either way a company-auth callback (§14.2: `status` 1 or 2,
    /// `actionEvent` 7 or 2, `requestId`, `authInfo`) is delivered to the request's
    /// `callbackUrl` (or the app's callback URL; see [`Sandbox::deliveries`]).
    ///
    /// Returns `false`, changing nothing, when no pending request has this ID.
    pub fn complete_company_auth(&self, request_id: &str, success: bool) -> bool {
        apply(&self.shared, |s| {
            state_identity::complete_company_auth(s, request_id, success)
        })
    }

    /// **Sandbox control**: finishes the personal authentication `auth_id` (the `authId` of
    /// `/v2/personalauth` or `/saas/v2/personalauth`), as if the person had completed the page.
    ///
    /// With `success`, the person becomes authenticated: `/v2/personalauth/result` answers
    /// `realName: true` (by `authId` with the `mode`, and by contact). Either way a
    /// personal-auth callback (§14.3: `mode`, `status` `"1"` or `"2"`, `authId`) is queued.
    ///
    /// Returns `false`, changing nothing, when no pending request has this ID.
    pub fn complete_personal_auth(&self, auth_id: &str, success: bool) -> bool {
        apply(&self.shared, |s| {
            state_identity::complete_personal_auth(s, auth_id, success)
        })
    }

    /// **Sandbox control**: grants the latest pending silent-signing authorization of the
    /// person whose contact (mobile or e-mail) is `contact` (made by
    /// `/v2/personalsign/authurl` or `/saas/v2/personalsign/authurl`), as if they had
    /// authorized on the page.
    ///
    /// `/v2/personalsign/query` then lists it with `authStatus` `VALID`, and a
    /// personal-signature authorization callback (§14.5, `item` `AUTHORIZE`) is queued.
    ///
    /// Returns `false`, changing nothing, when the person has no pending authorization.
    pub fn complete_personal_sign_auth(&self, contact: &str) -> bool {
        apply(&self.shared, |s| {
            state_identity::complete_personal_sign_auth(s, contact)
        })
    }

    /// **Sandbox control**: withdraws the latest silent-signing authorization in effect of
    /// `contact` (for the company `company`, or any), as `/v2/personalsign/deauthorize` does:
    /// `/v2/personalsign/query` then lists it `CANCELLED`, and a §14.5 callback (`item`
    /// `DEAUTHORIZE`) is queued.
    ///
    /// Returns `false`, changing nothing, when none is in effect.
    pub fn revoke_personal_sign_auth(&self, contact: &str, company: Option<&str>) -> bool {
        apply(&self.shared, |s| {
            revoke_personal_sign_auth(s, contact, company)
        })
    }

    /// **Sandbox control**: signs contract `contract_id` as the person whose contact (mobile
    /// or e-mail) is `contact`, exactly as the platform's sign page would: a personal
    /// signatory signs; for a company signatory (its receiver, or an operator of one of its
    /// actions) the contact's next due action is finished — the company seal (`COMPANY`, with
    /// its first allowed seal), the legal person (`LP`), an approval (`AUDIT`), an operator's
    /// or employee's signature. The flow moves on and the same callbacks as the signing API
    /// are queued (`PERSONAL`, `SEAL`, `LEGAL_PERSON`, `AUDIT`, `OPERATOR`, `AUDIT_SIGN`, then
    /// `COMPLETE`).
    ///
    /// # Errors
    /// The platform's error as a [`qys_proto::ApiError`]-shaped [`ControlError`]: 3004 unknown
    /// contract, 1101 not `SIGNING`, 1110 not a party, 1107 not its turn (or already signed).
    pub fn sign_as(&self, contract_id: &str, contact: &str) -> Result<(), ControlError> {
        apply(&self.shared, |s| sign_as(s, contract_id, contact))
            .map(drop)
            .map_err(ControlError::from)
    }

    /// **Sandbox control**: rejects (退回) contract `contract_id` as the signatory `contact`
    /// acts for, as the sign page's reject button does: the contract becomes `REJECTED`,
    /// with `reason` as its comment, and a `REJECTED` callback is queued.
    ///
    /// # Errors
    /// As [`sign_as`](Self::sign_as).
    pub fn reject_as(
        &self,
        contract_id: &str,
        contact: &str,
        reason: &str,
    ) -> Result<(), ControlError> {
        apply(&self.shared, |s| reject_as(s, contract_id, contact, reason))
            .map(drop)
            .map_err(ControlError::from)
    }

    /// **Sandbox control**: puts the platform's data back as it started (the
    /// [`Fixtures`](crate::Fixtures) only) and drops injected faults. The app settings, the
    /// credentials and the delivery log stay.
    pub fn reset(&self) {
        reset(&self.shared, &self.fixtures);
    }

    /// The whole state as JSON, as `GET /__sandbox/api/state` answers it: `contracts` (each
    /// with `id`, `status`, `signatories`, `documents`, ...), `companies`, `companyAuths`,
    /// `personalAuths`, `signAuths`, recent `tickets`, `app` (callback URL and encryption,
    /// never the key) and `deliveries` (each with `callbackType`, `status` and `attempts`).
    pub fn state_json(&self) -> Value {
        state_json(&self.shared)
    }

    /// The control token the HTTP control API and the dashboard require, if any (see
    /// [`SandboxBuilder::control_token`](crate::SandboxBuilder::control_token)).
    pub fn control_token(&self) -> Option<qys_proto::Secret> {
        self.shared.console.token.clone()
    }

    /// The sandbox page that stands in for the mini-program plugin page of `plugin_url` (a
    /// `plugin://qyssdk-plugin/{page}?ticket=…` URL, e.g. `Ticket::plugin_url` rendered):
    /// `{base_url}/sandbox/plugin/{page}?ticket=…`.
    ///
    /// # Errors
    /// [`PluginUrlError`] when `plugin_url` is not a plugin URL of a known page.
    pub fn plugin_page_url(&self, plugin_url: &str) -> Result<String, PluginUrlError> {
        crate::pages::plugin::plugin_page_url(&self.base_url, plugin_url)
    }
}

pub use crate::pages::plugin::PluginUrlError;

/// The platform's refusal of a sandbox control (the same `code`, `responseCode` and message
/// the API would answer).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ControlError {
    /// The envelope's `code` (e.g. 1107 `NOT SIGN STEP`).
    pub code: i64,
    /// The envelope's `responseCode`.
    pub response_code: String,
    /// The envelope's `message`.
    pub message: String,
}

impl From<Failure> for ControlError {
    fn from(f: Failure) -> Self {
        Self {
            code: f.code,
            response_code: f.response_code.to_owned(),
            message: f.message,
        }
    }
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.code, self.response_code, self.message
        )
    }
}

impl std::error::Error for ControlError {}
