//! The contract side of the platform's data: contracts with their signatories and actions,
//! stored documents (the bytes as uploaded), attachments, operation logs, seals, and the
//! signing flow that moves them.
//!
//! # The signing flow
//!
//! - Signatories sign in `serialNo` order (ascending; equal numbers sign in parallel; a missing
//!   `serialNo` counts as the signatory's position in the list). With `ordinal: false` every
//!   signatory signs at once.
//! - A COMPANY signatory's actions go in their own `serialNo` order (equal numbers in
//!   parallel); the signatory is `SIGNED` once every action is `FINISH`. A COMPANY signatory
//!   drafted without actions gets one `COMPANY` action. A PERSONAL signatory has no actions:
//!   it signs once.
//! - A sponsor `COMPANY` action with `autoSign: true` finishes by itself when it is due (with
//!   its first allowed seal, else the platform company's seal).
//! - When every signatory has signed, the contract is `COMPLETE`.
//! - A `SIGNING` contract whose `expireTime` has passed becomes `EXPIRED` the next time a call
//!   looks it up.

use std::collections::BTreeMap;

use qys_proto::types::User;
use qys_proto::{ContractId, DocumentId};
use serde_json::{Map, Value, json};

/// A contract's status (`DRAFT`, `SIGNING`, ...; §2.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContractStatus {
    Draft,
    Signing,
    Complete,
    Rejected,
    Recalled,
    Expired,
    Invaliding,
    Invalided,
    ForceEnd,
}

impl ContractStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Signing => "SIGNING",
            Self::Complete => "COMPLETE",
            Self::Rejected => "REJECTED",
            Self::Recalled => "RECALLED",
            Self::Expired => "EXPIRED",
            Self::Invaliding => "INVALIDING",
            Self::Invalided => "INVALIDED",
            Self::ForceEnd => "FORCE_END",
        }
    }
}

/// Where one signatory is in the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatoryStatus {
    /// Not sent yet.
    Draft,
    /// Not their turn yet.
    Waiting,
    /// Their turn: a current signer.
    Signing,
    /// Done.
    Signed,
    /// Rejected (an audit refused).
    Rejected,
    /// The contract was recalled, force-ended, invalidated or expired before they signed.
    Closed,
}

impl SignatoryStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Waiting => "WAITING",
            Self::Signing => "SIGNING",
            Self::Signed => "SIGNED",
            Self::Rejected => "REJECTED",
            Self::Closed => "CLOSED",
        }
    }
}

/// Where one action is (`INIT`, `START`, `FINISH`, `STOP`, `END`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionStatus {
    Init,
    Start,
    Finish,
    Stop,
    End,
}

impl ActionStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Init => "INIT",
            Self::Start => "START",
            Self::Finish => "FINISH",
            Self::Stop => "STOP",
            Self::End => "END",
        }
    }
}

/// A signing action of a company signatory.
#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub(crate) id: String,
    /// `COMPANY`, `OPERATOR`, `LP`, `AUDIT`, `PERSONAL`, `PRACTICE`.
    pub(crate) kind: String,
    pub(crate) name: Option<String>,
    pub(crate) serial_no: i64,
    pub(crate) status: ActionStatus,
    /// The seals the operators may use (`corpSealIds`/`sealIds`/`sealId`).
    pub(crate) seal_ids: Vec<String>,
    /// The operators (`corpOperators`/`operators`).
    pub(crate) operators: Vec<User>,
    /// The seal applied, once finished.
    pub(crate) used_seal: Option<String>,
    pub(crate) auto_sign: bool,
    /// Other fields of the draft (stampers, actionNo), echoed by detail.
    pub(crate) extra: Map<String, Value>,
}

/// Whether a signatory is a company or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TenantKind {
    Company,
    Personal,
}

impl TenantKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Company => "COMPANY",
            Self::Personal => "PERSONAL",
        }
    }
}

/// A party of a contract and who acts for it.
#[derive(Debug, Clone)]
pub(crate) struct Signatory {
    pub(crate) id: String,
    pub(crate) kind: TenantKind,
    pub(crate) tenant_name: Option<String>,
    pub(crate) receiver: Option<User>,
    pub(crate) serial_no: i64,
    pub(crate) actions: Vec<Action>,
    pub(crate) status: SignatoryStatus,
    pub(crate) sponsor: bool,
    pub(crate) delay_set: bool,
    /// Other fields of the draft (stampers, attachments, userAuthInfo, ...), echoed by detail.
    pub(crate) extra: Map<String, Value>,
}

/// One entry of a contract's operation log (`/v2/contract/stream`).
#[derive(Debug, Clone)]
pub(crate) struct LogEntry {
    pub(crate) time: String,
    /// `VIEW`, `MODIFY`, `DOWNLOAD` or `PRINT` (the `operation` filter's kinds).
    pub(crate) kind: &'static str,
    /// What happened: `DRAFT`, `ADD_DOCUMENT`, `SEND`, `COMPANY_SIGN`, ...
    pub(crate) action: String,
    /// Who did it (signatory name, or the platform company for API calls).
    pub(crate) operator: String,
    pub(crate) content: String,
}

/// A file kept with a contract: a force-end attachment or an invalidation document.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) title: String,
    pub(crate) file_name: String,
    pub(crate) bytes: Vec<u8>,
    /// `ENDSIGN_ATTACHMENT` or `INVALID`.
    pub(crate) kind: &'static str,
}

/// A contract.
#[derive(Debug, Clone)]
pub(crate) struct Contract {
    pub(crate) id: ContractId,
    pub(crate) biz_id: Option<String>,
    /// The sub-company that owns it; `None` for the platform company.
    pub(crate) tenant_name: Option<String>,
    pub(crate) subject: String,
    pub(crate) status: ContractStatus,
    pub(crate) documents: Vec<DocumentId>,
    pub(crate) signatories: Vec<Signatory>,
    pub(crate) description: Option<String>,
    pub(crate) sn: String,
    pub(crate) ordinal: bool,
    pub(crate) creator: Option<User>,
    pub(crate) expire_time: Option<String>,
    pub(crate) end_time: Option<String>,
    pub(crate) create_time: String,
    pub(crate) publish_time: Option<String>,
    pub(crate) business_data: Option<String>,
    /// The draft's `callbackUrl`: where this contract's callbacks go.
    pub(crate) callback_url: Option<String>,
    /// Draft fields echoed by detail as sent (category, tags, templateParams, ...).
    pub(crate) extra: Map<String, Value>,
    pub(crate) comments: Option<String>,
    pub(crate) invalid_reason: Option<String>,
    pub(crate) log: Vec<LogEntry>,
    pub(crate) files: Vec<StoredFile>,
    pub(crate) watermarks: Vec<Value>,
}

impl Contract {
    /// Whether `user` is a signer whose turn it is.
    pub(crate) fn is_current_signer(&self, contact: &str, contact_type: &str) -> bool {
        self.signatories.iter().any(|s| {
            s.status == SignatoryStatus::Signing
                && s.receiver.as_ref().is_some_and(|r| {
                    r.contact == contact && r.contact_type.as_str() == contact_type
                })
        })
    }

    /// The name of the company that sent it.
    pub(crate) fn owner<'a>(&'a self, platform: &'a str) -> &'a str {
        self.tenant_name.as_deref().unwrap_or(platform)
    }

    /// Adds a log entry.
    pub(crate) fn record(
        &mut self,
        time: &str,
        kind: &'static str,
        action: &str,
        operator: &str,
        content: impl Into<String>,
    ) {
        if self.log.len() >= 10_000 {
            self.log.remove(0);
        }
        self.log.push(LogEntry {
            time: time.to_owned(),
            kind,
            action: action.to_owned(),
            operator: operator.to_owned(),
            content: content.into(),
        });
    }

    /// Moves the flow forward until nothing changes: starts due signatories and actions,
    /// finishes auto-sign actions, and completes the contract when everyone signed. Returns
    /// the auto-signed (signatory index) and whether the contract just completed.
    pub(crate) fn advance(&mut self, platform_seal: &str) -> (Vec<usize>, bool) {
        let mut auto = Vec::new();
        if self.status != ContractStatus::Signing {
            return (auto, false);
        }
        loop {
            let mut changed = false;
            let due = self
                .signatories
                .iter()
                .filter(|s| s.status != SignatoryStatus::Signed)
                .map(|s| s.serial_no)
                .min();
            let Some(due) = due else {
                self.status = ContractStatus::Complete;
                return (auto, true);
            };
            for (i, s) in self.signatories.iter_mut().enumerate() {
                if s.status == SignatoryStatus::Signed {
                    continue;
                }
                let turn = !self.ordinal || s.serial_no == due;
                let want = if turn {
                    SignatoryStatus::Signing
                } else {
                    SignatoryStatus::Waiting
                };
                if s.status != want {
                    s.status = want;
                    changed = true;
                }
                if !turn || s.kind == TenantKind::Personal {
                    continue;
                }
                let next = s
                    .actions
                    .iter()
                    .filter(|a| a.status != ActionStatus::Finish)
                    .map(|a| a.serial_no)
                    .min();
                let Some(next) = next else {
                    s.status = SignatoryStatus::Signed;
                    changed = true;
                    continue;
                };
                for a in &mut s.actions {
                    if a.status == ActionStatus::Init && a.serial_no == next {
                        a.status = ActionStatus::Start;
                        changed = true;
                    }
                    if a.status == ActionStatus::Start
                        && a.auto_sign
                        && s.sponsor
                        && a.kind == "COMPANY"
                    {
                        a.status = ActionStatus::Finish;
                        a.used_seal = Some(
                            a.seal_ids
                                .first()
                                .cloned()
                                .unwrap_or_else(|| platform_seal.to_owned()),
                        );
                        auto.push(i);
                        changed = true;
                    }
                }
            }
            if !changed {
                return (auto, false);
            }
        }
    }

    /// Closes every signatory and action still open (recall, force end, expiry, invalidation).
    pub(crate) fn close_open(&mut self, action_status: ActionStatus) {
        for s in &mut self.signatories {
            if s.status != SignatoryStatus::Signed {
                s.status = SignatoryStatus::Closed;
            }
            for a in &mut s.actions {
                if a.status != ActionStatus::Finish {
                    a.status = action_status;
                }
            }
        }
    }
}

/// A document stored with the bytes it was made from.
#[derive(Debug, Clone)]
pub(crate) struct StoredDocument {
    pub(crate) id: DocumentId,
    pub(crate) contract_id: ContractId,
    pub(crate) title: String,
    /// The file suffix (`pdf`, `docx`, ...).
    pub(crate) suffix: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) page_count: u64,
    pub(crate) create_time: String,
    /// The order among the contract's documents (`documentSort`).
    pub(crate) sort: i64,
}

impl StoredDocument {
    /// The name it downloads as: its title and suffix.
    pub(crate) fn file_name(&self) -> String {
        format!("{}.{}", self.title, self.suffix)
    }
}

/// The contract side of [`crate::state::State`].
#[derive(Debug, Default)]
pub(crate) struct ContractBook {
    last_id: u64,
    pub(crate) documents: BTreeMap<DocumentId, StoredDocument>,
    /// `http://127.0.0.1:PORT` of the sandbox, for the links it mints.
    pub(crate) base_url: String,
    /// Download counts per document, for the platform's download lock.
    downloads: std::collections::HashMap<DocumentId, Downloads>,
}

/// The downloads of one document in a row (each less than [`DOWNLOAD_GAP`] after the last).
#[derive(Debug, Clone, Copy)]
struct Downloads {
    in_a_row: u32,
    last: std::time::Duration,
    locks: u32,
    locked_until: Option<std::time::Duration>,
}

/// Downloads of one document less than this apart count as "in a row" (§3.12).
const DOWNLOAD_GAP: std::time::Duration = std::time::Duration::from_secs(25 * 60);
/// This many downloads in a row lock the document (§3.12).
const DOWNLOADS_IN_A_ROW: u32 = 10;
/// For this long per lock so far (accumulating, §3.12).
const DOWNLOAD_LOCK: std::time::Duration = std::time::Duration::from_secs(12 * 3600);
/// The most documents whose downloads are counted at once.
const DOWNLOADS_TRACKED: usize = 100_000;

/// The most contracts the sandbox keeps.
pub(crate) const MAX_CONTRACTS: usize = 100_000;
/// The most document bytes the sandbox keeps (all contracts together).
pub(crate) const MAX_DOCUMENT_BYTES: usize = 1024 * 1024 * 1024;

/// The first ID the sandbox hands out (19 digits).
const FIRST_ID: u64 = 3_076_590_000_000_000_000;

impl ContractBook {
    /// A fresh 19-digit ID, larger than every one before.
    pub(crate) fn new_id(&mut self) -> String {
        self.last_id = self.last_id.max(FIRST_ID) + 1;
        self.last_id.to_string()
    }

    /// Whether `contracts` contracts and `extra` more document bytes still fit
    /// ([`MAX_CONTRACTS`], [`MAX_DOCUMENT_BYTES`]).
    ///
    /// # Errors
    /// 1005 saying the sandbox is full.
    pub(crate) fn check_room(
        &self,
        contracts: usize,
        extra: usize,
    ) -> Result<(), crate::reply::Failure> {
        let stored: usize = self.documents.values().map(|d| d.bytes.len()).sum();
        if contracts > MAX_CONTRACTS || stored.saturating_add(extra) > MAX_DOCUMENT_BYTES {
            return Err(crate::reply::Failure::invalid_param(format!(
                "the sandbox keeps at most {MAX_CONTRACTS} contracts and {MAX_DOCUMENT_BYTES} \
                 bytes of documents: it is full"
            )));
        }
        Ok(())
    }

    /// Counts a download of `document`: the platform locks a document for 12 hours (24 after
    /// a second lock, ...) after 10 downloads less than 25 minutes apart. Answers whether
    /// this download may go ahead.
    pub(crate) fn count_download(
        &mut self,
        document: &DocumentId,
        now: std::time::Duration,
    ) -> bool {
        if self.downloads.len() >= DOWNLOADS_TRACKED && !self.downloads.contains_key(document) {
            self.downloads
                .retain(|_, d| d.locked_until.is_some_and(|u| u > now));
            if self.downloads.len() >= DOWNLOADS_TRACKED {
                return false;
            }
        }
        let d = self.downloads.entry(document.clone()).or_insert(Downloads {
            in_a_row: 0,
            last: now,
            locks: 0,
            locked_until: None,
        });
        if d.locked_until.is_some_and(|u| u > now) {
            return false;
        }
        if d.in_a_row > 0 && now.saturating_sub(d.last) >= DOWNLOAD_GAP {
            d.in_a_row = 0;
        }
        d.in_a_row += 1;
        d.last = now;
        if d.in_a_row >= DOWNLOADS_IN_A_ROW {
            d.locks += 1;
            d.in_a_row = 0;
            d.locked_until = Some(now.saturating_add(DOWNLOAD_LOCK * d.locks));
        }
        true
    }
}

/// The seeded data of [`crate::Fixtures`]: the platform company's seal, and the fixture
/// contract (`SIGNING`: the platform company has sealed; the fixture signer is due).
pub(crate) fn seed(state: &mut crate::state::State, fixtures: &crate::Fixtures) {
    let stamp = state.clock.text();
    let book = &mut state.contract_book;
    let now = stamp.clone();
    let id = fixtures.contract_id.clone();
    let pdf = pdf::text_pdf(&["qys-sandbox fixture contract", id.as_str()]);
    book.documents.insert(
        fixtures.document_id.clone(),
        StoredDocument {
            id: fixtures.document_id.clone(),
            contract_id: id.clone(),
            title: "沙箱采购合同".to_owned(),
            suffix: "pdf".to_owned(),
            page_count: pdf::page_count(&pdf),
            bytes: pdf,
            create_time: now.clone(),
            sort: 0,
        },
    );
    let sponsor = Signatory {
        id: "3076583215017189380".to_owned(),
        kind: TenantKind::Company,
        tenant_name: Some(fixtures.authenticated_company.clone()),
        receiver: Some(User::mobile("13900000000").with_name("沙箱发起人")),
        serial_no: 1,
        actions: vec![Action {
            id: "3076583215017189381".to_owned(),
            kind: "COMPANY".to_owned(),
            name: Some("公章签署".to_owned()),
            serial_no: 0,
            status: ActionStatus::Finish,
            seal_ids: vec![fixtures.company_seal_id.to_string()],
            operators: Vec::new(),
            used_seal: Some(fixtures.company_seal_id.to_string()),
            auto_sign: false,
            extra: Map::new(),
        }],
        status: SignatoryStatus::Signed,
        sponsor: true,
        delay_set: false,
        extra: Map::new(),
    };
    let signer = Signatory {
        id: "3076583215017189382".to_owned(),
        kind: TenantKind::Personal,
        tenant_name: fixtures.signer.name.clone(),
        receiver: Some(fixtures.signer.clone()),
        serial_no: 2,
        actions: Vec::new(),
        status: SignatoryStatus::Signing,
        sponsor: false,
        delay_set: false,
        extra: Map::new(),
    };
    let mut contract = Contract {
        id: id.clone(),
        biz_id: Some(fixtures.contract_biz_id.clone()),
        tenant_name: None,
        subject: "沙箱采购合同".to_owned(),
        status: ContractStatus::Signing,
        documents: vec![fixtures.document_id.clone()],
        signatories: vec![sponsor, signer],
        description: None,
        sn: "QYS-SANDBOX-0001".to_owned(),
        ordinal: true,
        creator: None,
        expire_time: None,
        end_time: None,
        create_time: now.clone(),
        publish_time: Some(now),
        business_data: None,
        callback_url: None,
        extra: Map::new(),
        comments: None,
        invalid_reason: None,
        log: Vec::new(),
        files: Vec::new(),
        watermarks: Vec::new(),
    };
    let owner = fixtures.authenticated_company.clone();
    contract.record(
        &stamp,
        "MODIFY",
        "DRAFT",
        &owner,
        "fixture contract created",
    );
    contract.record(&stamp, "MODIFY", "SEND", &owner, "sent for signing");
    contract.record(
        &stamp,
        "MODIFY",
        "COMPANY_SIGN",
        &owner,
        "sealed by the sponsor",
    );
    state.contracts.insert(id, contract);
}

/// The §14.1 fields of a contract callback about `signatory` (or the sponsor).
pub(crate) fn callback_fields(
    contract: &Contract,
    callback_type: &str,
    signatory: Option<usize>,
    platform: &str,
) -> Map<String, Value> {
    let s = signatory.and_then(|i| contract.signatories.get(i));
    let owner = contract.owner(platform).to_owned();
    let mut m = Map::new();
    m.insert("contractId".into(), json!(contract.id.as_str()));
    m.insert("callbackType".into(), json!(callback_type));
    m.insert("contractStatus".into(), json!(contract.status.as_str()));
    m.insert(
        "tenantType".into(),
        json!(s.map_or("COMPANY", |s| s.kind.as_str())),
    );
    m.insert(
        "tenantName".into(),
        json!(s.and_then(|s| s.tenant_name.clone()).unwrap_or(owner)),
    );
    m.insert(
        "contact".into(),
        json!(
            s.and_then(|s| s.receiver.as_ref())
                .map(|r| r.contact.clone())
                .unwrap_or_default()
        ),
    );
    m.insert(
        "tenantId".into(),
        json!(s.map(|s| s.id.clone()).unwrap_or_default()),
    );
    m.insert(
        "businessData".into(),
        json!(contract.business_data.clone().unwrap_or_default()),
    );
    m.insert(
        "bizId".into(),
        json!(contract.biz_id.clone().unwrap_or_default()),
    );
    m
}

// --- files -----------------------------------------------------------------------------------

/// A minimal PDF writer (for template documents, merged documents and signing logs).
pub(crate) mod pdf {
    /// A PDF with one page per line group: each entry of `lines` on its own line of page 1.
    /// Non-ASCII characters are written as `\uXXXX` escapes (the standard fonts have no CJK).
    pub(crate) fn text_pdf(lines: &[&str]) -> Vec<u8> {
        pages_pdf(&[lines.iter().map(|l| (*l).to_owned()).collect()])
    }

    /// A PDF with one page per entry of `pages`, each a list of lines.
    pub(crate) fn pages_pdf(pages: &[Vec<String>]) -> Vec<u8> {
        let pages: Vec<&Vec<String>> = if pages.is_empty() {
            Vec::new()
        } else {
            pages.iter().collect()
        };
        let n = pages.len().max(1);
        // Objects: 1 catalog, 2 pages, 3 font, then (page, content) per page.
        let mut objects: Vec<String> = Vec::new();
        objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
        let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
        objects.push(format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            kids.join(" ")
        ));
        objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned());
        for i in 0..n {
            let lines: &[String] = pages.get(i).map_or(&[], |p| p.as_slice());
            let mut text = String::from("BT /F1 12 Tf 72 770 Td 16 TL\n");
            for line in lines {
                text.push_str(&format!("({}) Tj T*\n", escape(line)));
            }
            text.push_str("ET");
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            ));
            objects.push(format!(
                "<< /Length {} >>\nstream\n{text}\nendstream",
                text.len()
            ));
        }
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn escape(line: &str) -> String {
        let mut s = String::new();
        for c in line.chars() {
            match c {
                '(' | ')' | '\\' => {
                    s.push('\\');
                    s.push(c);
                }
                c if c.is_ascii() && !c.is_ascii_control() => s.push(c),
                c => s.push_str(&format!("\\\\u{:04X}", u32::from(c))),
            }
        }
        s
    }

    /// The number of pages of a PDF (`/Type /Page` objects), at least 1.
    pub(crate) fn page_count(bytes: &[u8]) -> u64 {
        let mut n = 0u64;
        for pat in [&b"/Type /Page"[..], &b"/Type/Page"[..]] {
            let mut i = 0;
            while let Some(at) = bytes[i..].windows(pat.len()).position(|w| w == pat) {
                let end = i + at + pat.len();
                if bytes.get(end) != Some(&b's') {
                    n += 1;
                }
                i = end;
            }
        }
        n.max(1)
    }
}

/// A ZIP writer (stored entries, no compression): local headers, central directory, CRC-32.
pub(crate) mod zip {
    /// The CRC-32 (IEEE, reflected) of `bytes`.
    pub(crate) fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
        !crc
    }

    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    /// A ZIP archive of `(name, bytes)` entries, stored; names are UTF-8 (flag bit 11).
    /// Entries or archives beyond 4 GiB are not supported (the sandbox holds at most 64 MiB
    /// per upload); their sizes are clamped.
    pub(crate) fn write(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, bytes) in entries {
            let offset = clamp(out.len());
            let crc = crc32(bytes);
            let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
            let name_bytes = &name.as_bytes()[..usize::from(name_len)];
            // Local file header.
            u32le(&mut out, 0x0403_4b50);
            u16le(&mut out, 20); // version needed
            u16le(&mut out, 0x0800); // UTF-8 names
            u16le(&mut out, 0); // stored
            u16le(&mut out, 0); // time
            u16le(&mut out, 0x21); // date 1980-01-01
            u32le(&mut out, crc);
            u32le(&mut out, clamp(bytes.len()));
            u32le(&mut out, clamp(bytes.len()));
            u16le(&mut out, name_len);
            u16le(&mut out, 0);
            out.extend_from_slice(name_bytes);
            out.extend_from_slice(bytes);
            // Central directory entry.
            u32le(&mut central, 0x0201_4b50);
            u16le(&mut central, 20); // made by
            u16le(&mut central, 20); // needed
            u16le(&mut central, 0x0800);
            u16le(&mut central, 0);
            u16le(&mut central, 0);
            u16le(&mut central, 0x21);
            u32le(&mut central, crc);
            u32le(&mut central, clamp(bytes.len()));
            u32le(&mut central, clamp(bytes.len()));
            u16le(&mut central, name_len);
            u16le(&mut central, 0); // extra
            u16le(&mut central, 0); // comment
            u16le(&mut central, 0); // disk
            u16le(&mut central, 0); // internal attributes
            u32le(&mut central, 0); // external attributes
            u32le(&mut central, offset);
            central.extend_from_slice(name_bytes);
        }
        let cd_offset = clamp(out.len());
        let count = u16::try_from(entries.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&central);
        u32le(&mut out, 0x0605_4b50);
        u16le(&mut out, 0);
        u16le(&mut out, 0);
        u16le(&mut out, count);
        u16le(&mut out, count);
        u32le(&mut out, clamp(central.len()));
        u32le(&mut out, cd_offset);
        u16le(&mut out, 0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_answer() {
        assert_eq!(zip::crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(zip::crc32(b""), 0);
    }

    #[test]
    fn pdf_pages_are_counted() {
        let one = pdf::text_pdf(&["a (b) \\ 合同"]);
        assert!(one.starts_with(b"%PDF-1.4"));
        assert_eq!(pdf::page_count(&one), 1);
        let three = pdf::pages_pdf(&[vec!["1".into()], vec!["2".into()], vec!["3".into()]]);
        assert_eq!(pdf::page_count(&three), 3);
        assert_eq!(pdf::page_count(b"not a pdf"), 1);
    }
}
