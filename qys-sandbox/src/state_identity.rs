//! The identity side of the platform's data: authentication requests (company and personal),
//! silent-signing authorizations, external customers, SaaS apps, privileges, access control and
//! fees, and blockchain evidence; plus the sandbox controls that stand in for the humans who
//! complete authentications and authorizations on the platform's pages.
//!
//! # The sandbox controls
//!
//! The platform's authentication and authorization pages are filled in by people; no API call
//! completes them. The sandbox offers the missing step as methods of [`Sandbox`]:
//!
//! - [`Sandbox::complete_company_auth`] ends a company authentication request (from
//!   `/companyauth/pcpage`, `/h5page`, the licence variants or `/saas/v2/companyauth/pageurl`):
//!   on success the company becomes authenticated (company authentication tickets for it then
//!   answer 1605 `COMPANY ALREADY AUTHED`); `/companyauth/result` reflects it; a §14.2 callback
//!   is queued.
//! - [`Sandbox::complete_personal_auth`] ends a personal authentication request (from
//!   `/v2/personalauth` or `/saas/v2/personalauth`): `/v2/personalauth/result` reflects it; a
//!   §14.3 callback is queued.
//! - [`Sandbox::complete_personal_sign_auth`] grants a pending silent-signing authorization (from
//!   `/v2/personalsign/authurl` or `/saas/v2/personalsign/authurl`): `/v2/personalsign/query`
//!   lists it in effect; a §14.5 callback (`item` `AUTHORIZE`) is queued.
//!   `/v2/personalsign/deauthorize` withdraws it and queues `item` `DEAUTHORIZE`.
//!
//! # Who the identity checks know
//!
//! `/v2/identity/verify` matches only the people of [`KNOWN_PEOPLE`] and
//! `/v2/companyinfo/verify` only the companies of [`KNOWN_COMPANIES`]; anything else is
//! answered as a mismatch (a success envelope whose `result` is `false`), never an error.

use std::collections::{BTreeMap, HashMap};

use qys_proto::types::User;
use serde_json::{Map, Value, json};

use crate::Sandbox;
use crate::server::lock;
use crate::state::{CallbackKind, State};

/// The most records of each kind kept; beyond it the oldest are forgotten first.
pub(crate) const RECORD_CAP: usize = 10_000;

/// A person the sandbox's identity checks and OCR know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownPerson {
    /// The name.
    pub name: &'static str,
    /// The ID card number.
    pub id_card_no: &'static str,
    /// The mobile number registered to the ID card.
    pub mobile: &'static str,
    /// The bank card registered to the ID card.
    pub bank_card_no: &'static str,
}

/// A company the sandbox's company information check knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownCompany {
    /// The full name.
    pub name: &'static str,
    /// The unified social credit code.
    pub register_no: &'static str,
    /// The legal representative.
    pub legal_person: &'static str,
}

/// The people `/v2/identity/verify` matches: name and ID card number must both match one entry,
/// and `mobile` (three factors) and `bankcardNo` (four factors), when given, must be that
/// entry's. The first one is the fixture signer. `/v2/ocr/idcard` reads every ID card as the
/// first one, `/v2/ocr/bankcard` every bank card as the first one's.
pub const KNOWN_PEOPLE: &[KnownPerson] = &[
    KnownPerson {
        name: "张三",
        id_card_no: "110101199003070011",
        mobile: "13800000001",
        bank_card_no: "6222020200000000011",
    },
    KnownPerson {
        name: "李四",
        id_card_no: "310101198507150022",
        mobile: "13800000002",
        bank_card_no: "6222020200000000022",
    },
];

/// The companies `/v2/companyinfo/verify` matches: name and credit code must both match one
/// entry, and `legalPerson`, when given, must be that entry's. The first is the fixture's
/// authenticated company, the second the fixture SaaS tenant.
pub const KNOWN_COMPANIES: &[KnownCompany] = &[
    KnownCompany {
        name: "契约锁沙箱科技有限公司",
        register_no: "91110000MA00QYS001",
        legal_person: "王五",
    },
    KnownCompany {
        name: "沙箱SaaS租户有限公司",
        register_no: "91310000MA00QYS002",
        legal_person: "赵六",
    },
];

/// Where an authentication request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthState {
    /// The link was made; nobody finished the page.
    Pending,
    /// Authenticated.
    Passed,
    /// Refused.
    Failed,
}

impl AuthState {
    /// The state a pending request ends in.
    pub(crate) fn ended(success: bool) -> Self {
        if success { Self::Passed } else { Self::Failed }
    }
}

/// A company authentication request.
#[derive(Debug, Clone)]
pub(crate) struct CompanyAuthRequest {
    pub(crate) request_id: String,
    pub(crate) company_name: String,
    /// `None` for `/saas/v2/companyauth/url`, which names no applicant.
    pub(crate) applicant: Option<User>,
    pub(crate) register_no: Option<String>,
    pub(crate) legal_person: Option<String>,
    pub(crate) callback_url: Option<String>,
    pub(crate) state: AuthState,
}

/// A personal authentication request.
#[derive(Debug, Clone)]
pub(crate) struct PersonalAuthRequest {
    pub(crate) auth_id: String,
    pub(crate) user: User,
    /// The mode the person will use (the request's `mode`, or `FACE`).
    pub(crate) mode: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) state: AuthState,
}

/// Where a silent-signing authorization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignAuthState {
    /// The page was made; the person has not authorized yet.
    Pending,
    /// In effect.
    Valid,
    /// Withdrawn.
    Cancelled,
}

impl SignAuthState {
    /// The `authStatus` the query answers (⚠ the platform's values are undocumented).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Valid => "VALID",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// A silent-signing authorization (授权管理).
#[derive(Debug, Clone)]
pub(crate) struct SignAuthorization {
    pub(crate) auth_id: String,
    pub(crate) user: User,
    /// The company the person authorizes (a sub-company, a SaaS tenant, or the integrator).
    pub(crate) company_name: String,
    pub(crate) company_id: Option<String>,
    pub(crate) auth_deadline: Option<String>,
    pub(crate) remark: Option<String>,
    pub(crate) callback_url: Option<String>,
    pub(crate) state: SignAuthState,
}

/// An app of a SaaS tenant.
#[derive(Debug, Clone)]
pub(crate) struct SaasApp {
    pub(crate) company_id: String,
    pub(crate) app_id: String,
    pub(crate) app_name: String,
    pub(crate) access_token: String,
    pub(crate) access_secret: String,
}

/// A privilege grant of a tenant to an app.
#[derive(Debug, Clone)]
pub(crate) struct Privilege {
    pub(crate) app_id: String,
    pub(crate) company_id: String,
    pub(crate) modules: Vec<String>,
}

/// A tenant's fees.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fee {
    pub(crate) balance: String,
    pub(crate) price: String,
    pub(crate) pay_mode: String,
}

/// A blockchain evidence report.
#[derive(Debug, Clone)]
pub(crate) struct EvidenceReport {
    pub(crate) prove_id: String,
    pub(crate) chain_id: String,
    pub(crate) materials: Vec<String>,
}

/// The identity side of [`State`].
#[derive(Debug, Default)]
pub(crate) struct Identity {
    seq: u64,
    pub(crate) company_auths: Vec<CompanyAuthRequest>,
    pub(crate) personal_auths: Vec<PersonalAuthRequest>,
    /// The people the platform knows by contact: the one record of a person's verified name
    /// and authentication.
    pub(crate) people: People,
    pub(crate) sign_auths: Vec<SignAuthorization>,
    pub(crate) customers: Vec<Value>,
    pub(crate) saas_apps: Vec<SaasApp>,
    pub(crate) privileges: Vec<Privilege>,
    /// `operate` of the access-control calls, by subject (`app:<company>`, ...).
    pub(crate) access: BTreeMap<String, String>,
    pub(crate) fees: BTreeMap<String, Fee>,
    pub(crate) reports: Vec<EvidenceReport>,
}

/// The people the platform knows, by contact (`MOBILE`/`EMAIL` value): the name bound to the
/// contact (creating an employee under another name answers 1703) and whether the person
/// passed personal authentication. At most [`RECORD_CAP`] contacts; beyond it a new contact
/// is not remembered (the sandbox then answers as for a stranger).
#[derive(Debug, Default)]
pub(crate) struct People(HashMap<String, Person>);

/// What the platform knows of one person.
#[derive(Debug, Default)]
pub(crate) struct Person {
    name: Option<String>,
    authenticated: bool,
}

impl People {
    /// The name bound to `contact`, if one is.
    pub(crate) fn name(&self, contact: &str) -> Option<&str> {
        self.0.get(contact)?.name.as_deref()
    }

    /// Whether the person with this contact is authenticated.
    pub(crate) fn is_authenticated(&self, contact: &str) -> bool {
        self.0.get(contact).is_some_and(|p| p.authenticated)
    }

    /// Binds `name` to `contact`.
    pub(crate) fn bind_name(&mut self, contact: &str, name: &str) {
        if let Some(person) = self.person(contact) {
            person.name = Some(name.to_owned());
        }
    }

    /// Records that the person with `contact` passed authentication, under `name` if given.
    pub(crate) fn authenticate(&mut self, contact: &str, name: Option<&str>) {
        if let Some(person) = self.person(contact) {
            person.authenticated = true;
            if let Some(name) = name {
                person.name = Some(name.to_owned());
            }
        }
    }

    fn person(&mut self, contact: &str) -> Option<&mut Person> {
        if !self.0.contains_key(contact) && self.0.len() >= RECORD_CAP {
            return None;
        }
        Some(self.0.entry(contact.to_owned()).or_default())
    }
}

/// Pushes into a bounded list.
pub(crate) fn push_capped<T>(list: &mut Vec<T>, item: T) {
    if list.len() >= RECORD_CAP {
        list.remove(0);
    }
    list.push(item);
}

impl Identity {
    /// Seeds the identity data: the fixture signer is authenticated, and the fixture tenant
    /// has its app.
    pub(crate) fn seed(&mut self, fixtures: &crate::Fixtures) {
        let signer = &fixtures.signer;
        self.people
            .authenticate(&signer.contact, signer.name.as_deref());
        self.saas_apps.push(SaasApp {
            company_id: fixtures.saas_company_id.to_string(),
            app_id: fixtures.saas_app_id.clone(),
            app_name: "沙箱租户应用".to_owned(),
            access_token: "qys-sandbox-tenant-token".to_owned(),
            access_secret: "qys-sandbox-tenant-secret".to_owned(),
        });
    }

    /// A fresh 19-digit ID (deterministic: sequential per sandbox).
    pub(crate) fn next_id(&mut self) -> String {
        self.seq += 1;
        format!("{}", 3_076_600_000_000_000_000u64 + self.seq)
    }
}

/// `userType` of the §14.5 callback: the platform spells mobile `MOBLIE`.
fn callback_user_type(user: &User) -> &'static str {
    if user.contact_type.as_str() == "EMAIL" {
        "EMAIL"
    } else {
        "MOBLIE"
    }
}

/// Ends the company authentication `request_id`; `false` when there is no pending one.
pub(crate) fn complete_company_auth(state: &mut State, request_id: &str, success: bool) -> bool {
    let Some(request) = state
        .identity
        .company_auths
        .iter_mut()
        .find(|r| r.request_id == request_id && r.state == AuthState::Pending)
    else {
        return false;
    };
    request.state = AuthState::ended(success);
    let request = request.clone();
    if success {
        state.org.add_company(&request.company_name);
    }
    let mut auth_info = json!({ "name": request.company_name });
    if let Some(applicant) = &request.applicant {
        auth_info["applicantName"] = json!(applicant.name.clone().unwrap_or_default());
        auth_info["applicantPhone"] = json!(applicant.contact);
    }
    if let Some(r) = &request.register_no {
        auth_info["registerNo"] = json!(r);
    }
    if let Some(l) = &request.legal_person {
        auth_info["legalPerson"] = json!(l);
    }
    let mut fields = Map::new();
    fields.insert("status".into(), json!(if success { 1 } else { 2 }));
    fields.insert("actionEvent".into(), json!(if success { 7 } else { 2 }));
    fields.insert("requestId".into(), json!(request.request_id));
    fields.insert("authInfo".into(), json!(auth_info.to_string()));
    state.emit(CallbackKind::CompanyAuth, request.callback_url, fields);
    true
}

/// Ends the personal authentication `auth_id`; `false` when there is no pending one.
pub(crate) fn complete_personal_auth(state: &mut State, auth_id: &str, success: bool) -> bool {
    let Some(request) = state
        .identity
        .personal_auths
        .iter_mut()
        .find(|r| r.auth_id == auth_id && r.state == AuthState::Pending)
    else {
        return false;
    };
    request.state = AuthState::ended(success);
    let request = request.clone();
    if success {
        let user = &request.user;
        state
            .identity
            .people
            .authenticate(&user.contact, user.name.as_deref());
    }
    let mut fields = Map::new();
    fields.insert("mode".into(), json!(request.mode));
    fields.insert("status".into(), json!(if success { "1" } else { "2" }));
    fields.insert("authId".into(), json!(request.auth_id));
    state.emit(CallbackKind::PersonalAuth, request.callback_url, fields);
    true
}

/// Queues the §14.5 callback of a silent-signing authorization: the event's fields, which the
/// delivery sends as the signed `content` JSON.
pub(crate) fn emit_sign_auth(state: &mut State, auth: &SignAuthorization, item: &str, date: &str) {
    let mut fields = Map::new();
    if let Some(id) = &auth.company_id {
        fields.insert("companyId".into(), json!(id));
    }
    fields.insert("companyName".into(), json!(auth.company_name));
    fields.insert("assignee".into(), json!(auth.company_name));
    fields.insert("user".into(), json!(auth.user.contact));
    fields.insert("userType".into(), json!(callback_user_type(&auth.user)));
    if let Some(d) = &auth.auth_deadline {
        fields.insert("authDeadline".into(), json!(d));
    }
    if let Some(r) = &auth.remark {
        fields.insert("remark".into(), json!(r));
    }
    fields.insert("item".into(), json!(item));
    if item == "DEAUTHORIZE" {
        fields.insert("deauthorizeDate".into(), json!(date));
    }
    state.emit(
        CallbackKind::PersonalSignAuth,
        auth.callback_url.clone(),
        fields,
    );
}

/// Grants the latest pending silent-signing authorization of `contact`; `false` when there is
/// none.
pub(crate) fn complete_personal_sign_auth(state: &mut State, contact: &str) -> bool {
    grant_sign_auth(state, |a| a.user.contact == contact)
}

/// Grants the latest pending silent-signing authorization `pick` chooses, queueing its §14.5
/// `AUTHORIZE` callback; `false` when there is none.
pub(crate) fn grant_sign_auth(
    state: &mut State,
    pick: impl Fn(&SignAuthorization) -> bool,
) -> bool {
    let Some(auth) = state
        .identity
        .sign_auths
        .iter_mut()
        .rev()
        .find(|a| a.state == SignAuthState::Pending && pick(a))
    else {
        return false;
    };
    auth.state = SignAuthState::Valid;
    let auth = auth.clone();
    emit_sign_auth(state, &auth, "AUTHORIZE", "");
    true
}

/// What the sandbox knows of companies.
impl Sandbox {
    /// Whether the company called `name` is authenticated (the fixture's
    /// [`authenticated_company`](crate::Fixtures::authenticated_company), or one authenticated
    /// through [`complete_company_auth`](Self::complete_company_auth)).
    pub fn company_authenticated(&self, name: &str) -> bool {
        lock(&self.shared.state).company_authenticated(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fixtures;

    fn pending_company(state: &mut State, name: &str, url: Option<&str>) -> String {
        let id = state.identity.next_id();
        state.identity.company_auths.push(CompanyAuthRequest {
            request_id: id.clone(),
            company_name: name.to_owned(),
            applicant: Some(User::mobile("13900000009").with_name("申请人")),
            register_no: Some("91000000000000000X".into()),
            legal_person: None,
            callback_url: url.map(str::to_owned),
            state: AuthState::Pending,
        });
        id
    }

    #[test]
    fn company_auth_completion_authenticates_and_queues_a_callback() {
        let mut state = State::seeded(&Fixtures::standard(), crate::SandboxClock::system());
        let id = pending_company(&mut state, "新公司", Some("http://cb.example/x"));
        assert!(!state.company_authenticated("新公司"));
        assert!(complete_company_auth(&mut state, &id, true));
        assert!(state.company_authenticated("新公司"));
        // Only once.
        assert!(!complete_company_auth(&mut state, &id, false));
        assert!(!complete_company_auth(&mut state, "nope", true));
        let cb = state.outbox.last().unwrap();
        assert_eq!(cb.kind, CallbackKind::CompanyAuth);
        assert_eq!(cb.url.as_deref(), Some("http://cb.example/x"));
        assert_eq!(cb.fields["status"], json!(1));
        assert_eq!(cb.fields["actionEvent"], json!(7));
        assert_eq!(cb.fields["requestId"], json!(id));
        let info: Value = serde_json::from_str(cb.fields["authInfo"].as_str().unwrap()).unwrap();
        assert_eq!(info["name"], json!("新公司"));
        assert_eq!(info["registerNo"], json!("91000000000000000X"));
    }

    #[test]
    fn failed_company_auth_leaves_the_company_unauthenticated() {
        let mut state = State::seeded(&Fixtures::standard(), crate::SandboxClock::system());
        let id = pending_company(&mut state, "失败公司", None);
        assert!(complete_company_auth(&mut state, &id, false));
        assert!(!state.company_authenticated("失败公司"));
        let cb = state.outbox.last().unwrap();
        assert_eq!(cb.fields["status"], json!(2));
        assert_eq!(cb.url, None);
    }

    #[test]
    fn a_person_is_one_record_of_name_and_authentication_and_the_registry_is_capped() {
        let mut people = People::default();
        people.bind_name("13800000001", "张三");
        assert_eq!(people.name("13800000001"), Some("张三"));
        assert!(!people.is_authenticated("13800000001"));
        people.authenticate("13800000001", None);
        assert!(people.is_authenticated("13800000001"));
        assert_eq!(people.name("13800000001"), Some("张三"), "kept");
        people.authenticate("a@example.com", Some("李四"));
        assert_eq!(people.name("a@example.com"), Some("李四"));
        for i in 0..RECORD_CAP {
            people.bind_name(&format!("contact-{i}"), "x");
        }
        assert_eq!(people.0.len(), RECORD_CAP);
        assert_eq!(people.name("13800000001"), Some("张三"), "old people stay");
        people.bind_name("13800000001", "张三丰");
        assert_eq!(
            people.name("13800000001"),
            Some("张三丰"),
            "known ones still change"
        );
    }

    #[test]
    fn personal_auth_and_sign_auth_callbacks() {
        let mut state = State::seeded(&Fixtures::standard(), crate::SandboxClock::system());
        let id = state.identity.next_id();
        state.identity.personal_auths.push(PersonalAuthRequest {
            auth_id: id.clone(),
            user: User::email("a@example.com"),
            mode: "BANK".into(),
            callback_url: None,
            state: AuthState::Pending,
        });
        assert!(!state.identity.people.is_authenticated("a@example.com"));
        assert!(complete_personal_auth(&mut state, &id, true));
        assert!(state.identity.people.is_authenticated("a@example.com"));
        let cb = state.outbox.last().unwrap();
        assert_eq!(cb.kind, CallbackKind::PersonalAuth);
        assert_eq!(cb.fields["status"], json!("1"));
        assert_eq!(cb.fields["mode"], json!("BANK"));

        let auth_id = state.identity.next_id();
        state.identity.sign_auths.push(SignAuthorization {
            auth_id,
            user: User::mobile("13700000000"),
            company_name: "某公司".into(),
            company_id: None,
            auth_deadline: Some("2030-01-01".into()),
            remark: None,
            callback_url: Some("http://cb.example/s".into()),
            state: SignAuthState::Pending,
        });
        assert!(!complete_personal_sign_auth(&mut state, "13700000001"));
        assert!(complete_personal_sign_auth(&mut state, "13700000000"));
        assert!(!complete_personal_sign_auth(&mut state, "13700000000"));
        let cb = state.outbox.last().unwrap();
        assert_eq!(cb.kind, CallbackKind::PersonalSignAuth);
        assert_eq!(cb.fields["item"], json!("AUTHORIZE"));
        assert_eq!(cb.fields["userType"], json!("MOBLIE"));
        assert_eq!(cb.fields["authDeadline"], json!("2030-01-01"));
    }
}
