//! The platform's data, held in memory: contracts, companies, SaaS tenants and minted tickets.
//!
//! One [`State`] per sandbox, behind a mutex; handlers get `&mut State`. It is seeded with the
//! [`Fixtures`] and grows as calls create things.

use std::collections::{BTreeMap, HashMap, VecDeque};

use qys_proto::api::miniapp::PluginPage;
use qys_proto::types::{ContactType, User};
use qys_proto::{CompanyId, ContractId, DocumentId};

use crate::Fixtures;

/// The most tickets remembered; beyond it the oldest are forgotten first.
pub(crate) const TICKET_CAP: usize = 100_000;

/// A contract's status (`DRAFT`, `SIGNING`, ...; §2.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // the contract endpoints move contracts through these
pub(crate) enum ContractStatus {
    Draft,
    Signing,
    Complete,
    Recalled,
    Expired,
}

impl ContractStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Signing => "SIGNING",
            Self::Complete => "COMPLETE",
            Self::Recalled => "RECALLED",
            Self::Expired => "EXPIRED",
        }
    }
}

/// Where one signatory is in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // the signing endpoints move signatories through these
pub(crate) enum SignatoryStatus {
    /// Not their turn yet.
    Waiting,
    /// Their turn: a current signer.
    Signing,
    /// Done.
    Signed,
}

/// A party of a contract and who acts for it.
#[derive(Debug, Clone)]
pub(crate) struct Signatory {
    pub(crate) receiver: User,
    pub(crate) status: SignatoryStatus,
}

/// A contract.
#[derive(Debug, Clone)]
pub(crate) struct Contract {
    pub(crate) id: ContractId,
    pub(crate) biz_id: Option<String>,
    /// The sub-company that owns it; `None` for the platform company.
    pub(crate) tenant_name: Option<String>,
    #[allow(dead_code)] // shown by the contract detail endpoint
    pub(crate) subject: String,
    pub(crate) status: ContractStatus,
    pub(crate) documents: Vec<DocumentId>,
    pub(crate) signatories: Vec<Signatory>,
}

impl Contract {
    /// Whether `user` is a signer whose turn it is.
    pub(crate) fn is_current_signer(&self, contact: &str, contact_type: &str) -> bool {
        self.signatories.iter().any(|s| {
            s.status == SignatoryStatus::Signing
                && s.receiver.contact == contact
                && s.receiver.contact_type.as_str() == contact_type
        })
    }
}

/// A company known to the platform.
#[derive(Debug, Clone)]
pub(crate) struct Company {
    pub(crate) name: String,
    pub(crate) authenticated: bool,
}

/// A SaaS tenant company of the agent.
#[derive(Debug, Clone)]
pub(crate) struct Tenant {
    pub(crate) id: CompanyId,
    pub(crate) name: String,
    pub(crate) app_id: String,
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
}

/// Everything the platform knows.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) contracts: BTreeMap<ContractId, Contract>,
    pub(crate) companies: Vec<Company>,
    pub(crate) tenants: Vec<Tenant>,
    pub(crate) tickets: Tickets,
    /// Callbacks the platform owes integrators, in the order the changes happened. Handlers
    /// push; the server takes them after each request and delivers them (`callbacks` module).
    pub(crate) outbox: Vec<OutgoingCallback>,
}

/// Which kind of callback the platform sends (spec §14): it decides the form fields, and which
/// app-level URL applies when the request named none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // each kind is pushed by the route group that changes that state
pub(crate) enum CallbackKind {
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
#[allow(dead_code)] // read by the delivery in the `callbacks` module
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
    pub(crate) fn seeded(fixtures: &Fixtures) -> Self {
        let mut state = Self::default();
        state.contracts.insert(
            fixtures.contract_id.clone(),
            Contract {
                id: fixtures.contract_id.clone(),
                biz_id: Some(fixtures.contract_biz_id.clone()),
                tenant_name: None,
                subject: "沙箱采购合同".to_owned(),
                status: ContractStatus::Signing,
                documents: vec![fixtures.document_id.clone()],
                signatories: vec![
                    Signatory {
                        receiver: User::new("13900000000", ContactType::Mobile)
                            .with_name("沙箱发起人"),
                        status: SignatoryStatus::Signed,
                    },
                    Signatory {
                        receiver: fixtures.signer.clone(),
                        status: SignatoryStatus::Signing,
                    },
                ],
            },
        );
        state.companies.push(Company {
            name: fixtures.authenticated_company.clone(),
            authenticated: true,
        });
        state.tenants.push(Tenant {
            id: fixtures.saas_company_id.clone(),
            name: fixtures.saas_company_name.clone(),
            app_id: fixtures.saas_app_id.clone(),
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
        self.companies
            .iter()
            .any(|c| c.authenticated && c.name == name)
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
