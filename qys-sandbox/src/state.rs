//! The platform's data, held in memory: contracts, companies, SaaS tenants and minted tickets.
//!
//! One [`State`] per sandbox, behind a mutex; handlers get `&mut State`. It is seeded with the
//! [`Fixtures`] and grows as calls create things.

use std::collections::{BTreeMap, HashMap, VecDeque};

use qys_proto::api::miniapp::PluginPage;
use qys_proto::types::User;
use qys_proto::{CompanyId, ContractId};

use crate::Fixtures;

/// The most tickets remembered; beyond it the oldest are forgotten first.
pub(crate) const TICKET_CAP: usize = 100_000;

pub(crate) use crate::state_contract::{Contract, ContractStatus};

/// A SaaS tenant company of the agent. Its apps are the identity state's `saas_apps` of its
/// ID (the first one is its own app).
#[derive(Debug, Clone)]
pub(crate) struct Tenant {
    pub(crate) id: CompanyId,
    pub(crate) name: String,
}

/// A file the sandbox received in a multipart request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedFile {
    /// The part's file name, as sent in `filename`.
    pub file_name: String,
    /// The part's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// A ticket the sandbox minted, as [`Sandbox::ticket`](crate::Sandbox::ticket) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MintedTicket {
    /// The plugin page the ticket opens.
    pub page: PluginPage,
    /// What the ticket is about: the contract ID for contract tickets, the company name for
    /// company authentication, the company ID for SaaS privileges, otherwise the user's
    /// contact.
    pub subject: String,
    /// The user or applicant the ticket was minted for, when the request named one.
    pub user: Option<User>,
    /// The business licence uploaded with it (licence variants).
    pub license: Option<UploadedFile>,
}

/// Minted tickets, bounded.
#[derive(Debug, Default)]
pub(crate) struct Tickets {
    by_value: HashMap<String, MintedTicket>,
    order: VecDeque<String>,
}

impl Tickets {
    pub(crate) fn insert(&mut self, value: String, ticket: MintedTicket) {
        while self.order.len() >= TICKET_CAP {
            if let Some(old) = self.order.pop_front() {
                self.by_value.remove(&old);
            }
        }
        self.order.push_back(value.clone());
        self.by_value.insert(value, ticket);
    }

    pub(crate) fn get(&self, value: &str) -> Option<&MintedTicket> {
        self.by_value.get(value)
    }

    /// The `n` most recent tickets, newest first.
    pub(crate) fn recent(&self, n: usize) -> impl Iterator<Item = (&str, &MintedTicket)> {
        self.order
            .iter()
            .rev()
            .take(n)
            .filter_map(|v| self.by_value.get(v).map(|t| (v.as_str(), t)))
    }
}

/// Everything the platform knows.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) contracts: BTreeMap<ContractId, Contract>,
    pub(crate) tenants: Vec<Tenant>,
    pub(crate) tickets: Tickets,
    /// The app's settings (callback URL, encryption, callback key; `/company/token/*`).
    pub(crate) app: crate::api::app::AppSettings,
    /// Callbacks the platform owes integrators, in the order the changes happened. Handlers
    /// push; the server takes them after each request and delivers them (`callbacks` module).
    pub(crate) outbox: Vec<OutgoingCallback>,
    /// Authentication requests, authorizations, SaaS apps, evidence (`state_identity`).
    pub(crate) identity: crate::state_identity::Identity,
    /// Documents, seals and links of the contract endpoints (`state_contract`).
    pub(crate) contract_book: crate::state_contract::ContractBook,
    /// Companies' details, sub-companies, employees, seals, templates, categories.
    pub(crate) org: crate::state_org::OrgState,
    /// The links to the sandbox's pages handed out so far (`pages`).
    pub(crate) links: crate::pages::Links,
    /// The sandbox's clock (a handle on the one the builder was given): every "now" of the
    /// handlers comes from it.
    pub(crate) clock: crate::SandboxClock,
}

/// Which kind of callback the platform sends (spec §14): it decides the form fields, how the
/// body is protected, what answer counts as success and the retry schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackKind {
    /// A contract changed state (§14.1).
    ContractStatus,
    /// A company authentication ended (§14.2).
    CompanyAuth,
    /// A personal authentication ended (§14.3).
    PersonalAuth,
    /// An image seal was reviewed (§14.4).
    SealReview,
    /// A person granted or withdrew silent-sign authorization (§14.5).
    PersonalSignAuth,
}

/// One callback to deliver.
#[derive(Debug, Clone)]
pub(crate) struct OutgoingCallback {
    /// The kind.
    pub(crate) kind: CallbackKind,
    /// The `callbackUrl` the triggering request (or the contract's draft) named, if any; else
    /// the app-level URL set by `/company/token/update/callback` applies.
    pub(crate) url: Option<String>,
    /// The event's fields (spec §14), as the platform sends them.
    pub(crate) fields: serde_json::Map<String, serde_json::Value>,
}

impl State {
    /// Queues a callback (bounded: the oldest are dropped past 10 000 undelivered).
    #[allow(dead_code)] // called by the route groups that change state
    pub(crate) fn emit(
        &mut self,
        kind: CallbackKind,
        url: Option<String>,
        fields: serde_json::Map<String, serde_json::Value>,
    ) {
        if self.outbox.len() >= 10_000 {
            self.outbox.remove(0);
        }
        self.outbox.push(OutgoingCallback { kind, url, fields });
    }

    /// The state seeded with `fixtures`.
    pub(crate) fn seeded(fixtures: &Fixtures, clock: crate::SandboxClock) -> Self {
        let mut state = Self {
            clock,
            ..Self::default()
        };
        state.identity.seed(fixtures);
        crate::state_contract::seed(&mut state, fixtures);
        crate::state_org::seed(&mut state, fixtures);
        state.tenants.push(Tenant {
            id: fixtures.saas_company_id.clone(),
            name: fixtures.saas_company_name.clone(),
        });
        state
    }

    /// The contract with this ID, or with this `bizId` (and owner).
    pub(crate) fn find_contract(
        &self,
        id: Option<&str>,
        biz_id: Option<&str>,
        tenant_name: Option<&str>,
    ) -> Option<&Contract> {
        if let Some(id) = id {
            return self.contracts.get(&ContractId::new(id));
        }
        let biz_id = biz_id?;
        self.contracts.values().find(|c| {
            c.biz_id.as_deref() == Some(biz_id)
                && (tenant_name.is_none() || c.tenant_name.as_deref() == tenant_name)
        })
    }

    /// Whether the company of this name is authenticated.
    pub(crate) fn company_authenticated(&self, name: &str) -> bool {
        self.org.company(name).is_some()
    }

    /// The SaaS tenant with this ID or name.
    pub(crate) fn find_tenant(&self, id: Option<&str>, name: Option<&str>) -> Option<&Tenant> {
        self.tenants.iter().find(|t| match (id, name) {
            (Some(id), _) => t.id.as_str() == id,
            (None, Some(name)) => t.name == name,
            (None, None) => false,
        })
    }
}
