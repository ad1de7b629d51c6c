//! The organization side of the platform's data: the platform company and its sub-companies,
//! employees and their roles, seals with their images, Word templates with their files and
//! parameters, and business categories (spec §5–§8).
//!
//! Everything belongs to one company, its *owner*: the platform company (the fixture
//! authenticated company, the integrator itself) or one of its sub-companies. Requests name a
//! sub-company with `tenantName`; without it they act for the platform company.
//!
//! The helpers the org route groups share live here too: the business failures of these
//! groups, paging, owner resolution, employee lookup by `User`, timestamps, and the PNG seal
//! images the sandbox draws.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::Fixtures;
use crate::api::{Input, text_of};
use crate::reply::Failure;
use crate::state::State;

/// The first ID the sandbox gives to things created by org calls (19 digits, like the
/// platform's IDs); each new thing takes the next one.
const FIRST_ID: u64 = 3_076_583_400_000_000_000;

/// The default page (`selectLimit`): the platform's documented default, with no stated
/// range (契约锁 doc pages 员工列表, 印章列表, 模板列表, 业务分类列表).
pub(crate) const DEFAULT_LIMIT: i64 = 1000;

/// The most employees, seals, templates or seal applications the sandbox keeps (each).
pub(crate) const MAX_ITEMS: usize = 100_000;

/// The most bytes of template files and seal images the sandbox keeps in all.
pub(crate) const MAX_STORED_BYTES: usize = 512 * 1024 * 1024;

/// The file name suffix of Word templates.
pub(crate) const DOCX_SUFFIX: &str = ".docx";

/// Media type of `.docx` files.
pub(crate) const DOCX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

// --- records ------------------------------------------------------------------------------------

/// A company the org calls describe (platform company, sub-companies, other authenticated
/// companies once looked up).
#[derive(Debug, Clone)]
pub(crate) struct CompanyRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) register_no: String,
    pub(crate) legal_person: String,
    pub(crate) auth_end_time: String,
    /// Fee balance in yuan (`/v2/company/fee/info`).
    pub(crate) balance: f64,
}

impl CompanyRecord {
    /// The record of company `name`: its credit code and legal representative are those of
    /// [`KNOWN_COMPANIES`](crate::KNOWN_COMPANIES) when it is listed there, else
    /// `register_no` and a placeholder.
    pub(crate) fn new(id: String, name: &str, register_no: &str, balance: f64) -> Self {
        let known = crate::state_identity::KNOWN_COMPANIES
            .iter()
            .find(|k| k.name == name);
        Self {
            id,
            name: name.to_owned(),
            register_no: known.map_or(register_no, |k| k.register_no).to_owned(),
            legal_person: known.map_or("沙箱法人", |k| k.legal_person).to_owned(),
            auth_end_time: "2099-12-31 23:59:59".to_owned(),
            balance,
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "registerNo": self.register_no,
            "status": "AUTH_SUCCESS",
            "legalPerson": self.legal_person,
            "authEndTime": self.auth_end_time,
        })
    }
}

/// An employee of one company.
#[derive(Debug, Clone)]
pub(crate) struct Employee {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) name: String,
    pub(crate) mobile: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) number: Option<String>,
    /// `SYSTEM_ADMIN`, `SEAL_ADMIN`, `TEMPLATE_ADMIN`, in the order granted.
    pub(crate) roles: Vec<String>,
    pub(crate) create_time: String,
}

impl Employee {
    /// Whether `contact` of `contact_type` designates this employee.
    pub(crate) fn is(&self, contact: &str, contact_type: &str) -> bool {
        match contact_type {
            "MOBILE" => self.mobile.as_deref() == Some(contact),
            "EMAIL" => self
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(contact)),
            "EMPLOYEEID" => self.id == contact,
            "NUMBER" => self.number.as_deref() == Some(contact),
            _ => false,
        }
    }

    /// The employee as a `User` (by mobile, else e-mail).
    pub(crate) fn user_json(&self) -> Value {
        let (contact, contact_type) = match (&self.mobile, &self.email) {
            (Some(m), _) => (m.as_str(), "MOBILE"),
            (None, Some(e)) => (e.as_str(), "EMAIL"),
            (None, None) => (self.id.as_str(), "EMPLOYEEID"),
        };
        json!({"contact": contact, "contactType": contact_type, "name": self.name})
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "mobile": self.mobile,
            "email": self.email,
            "number": self.number,
            "status": "NORMAL",
            "roles": self.roles,
            "tenantName": self.owner,
            "createTime": self.create_time,
        })
    }
}

/// A seal's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SealStatus {
    Normal,
    Freeze,
}

impl SealStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Freeze => "FREEZE",
        }
    }
}

/// A seal of one company.
#[derive(Debug, Clone)]
pub(crate) struct Seal {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) name: String,
    /// `ENTERPRISE` or `LP`.
    pub(crate) seal_type: String,
    pub(crate) spec: String,
    pub(crate) status: SealStatus,
    /// Employee IDs of who may use it.
    pub(crate) users: Vec<String>,
    pub(crate) image: Vec<u8>,
    pub(crate) image_type: &'static str,
    pub(crate) create_time: String,
    pub(crate) modify_time: String,
}

impl Seal {
    pub(crate) fn summary_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "sealType": self.seal_type,
            "spec": self.spec,
            "status": self.status.as_str(),
            "createTime": self.create_time,
            "modifyTime": self.modify_time,
        })
    }
}

/// A parameter of a template.
#[derive(Debug, Clone)]
pub(crate) struct TemplateParameter {
    pub(crate) name: String,
    pub(crate) required: bool,
    pub(crate) default_value: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) read_only: bool,
}

impl TemplateParameter {
    pub(crate) fn new(name: String) -> Self {
        Self {
            name,
            required: false,
            default_value: None,
            description: None,
            read_only: false,
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": "TEXT",
            "required": self.required,
            "defaultValue": self.default_value,
            "description": self.description,
            "readOnly": self.read_only,
        })
    }
}

/// A Word template of one company.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) title: String,
    /// `ENABLED` or `DISABLE` (the values of `status` at creation).
    pub(crate) status: &'static str,
    pub(crate) file_name: String,
    pub(crate) bytes: Vec<u8>,
    pub(crate) parameters: Vec<TemplateParameter>,
    /// Employee IDs.
    pub(crate) managers: Vec<String>,
    /// Employee IDs of who may use it (empty: see `all_user`).
    pub(crate) range: Vec<String>,
    pub(crate) all_user: bool,
    pub(crate) create_time: String,
    pub(crate) modify_time: String,
}

impl Template {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.title,
            "status": self.status,
            "parameters": self.parameters.iter().map(TemplateParameter::to_json).collect::<Vec<_>>(),
            "createTime": self.create_time,
            "modifyTime": self.modify_time,
        })
    }
}

/// A business category of one company.
#[derive(Debug, Clone)]
pub(crate) struct Category {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) name: String,
    /// Template IDs.
    pub(crate) templates: Vec<String>,
    pub(crate) define_signatories: bool,
    pub(crate) define_sponsor: bool,
    /// The preset signatories (§2.5 objects), as the detail shows them.
    pub(crate) signatories: Vec<Value>,
    pub(crate) create_time: String,
    pub(crate) modify_time: String,
}

impl Category {
    /// The company `owner`'s `默认业务分类`: no templates, no preset flow.
    fn default_of(id: String, owner: String, now: &str) -> Self {
        Self {
            id,
            owner,
            name: "默认业务分类".to_owned(),
            templates: Vec::new(),
            define_signatories: false,
            define_sponsor: false,
            signatories: Vec::new(),
            create_time: now.to_owned(),
            modify_time: now.to_owned(),
        }
    }
}

/// How a seal image application ended (the sandbox reviews at once).
#[derive(Debug, Clone)]
pub(crate) struct SealApplication {
    /// The seal created when it passed.
    #[allow(dead_code)] // kept for inspection and future endpoints
    pub(crate) seal_id: Option<String>,
}

// --- the state ----------------------------------------------------------------------------------

/// The org data of the platform (one field of [`State`]).
#[derive(Debug, Default)]
pub(crate) struct OrgState {
    /// The platform company's name (the integrator).
    pub(crate) platform: String,
    next_id: u64,
    /// The authenticated companies the platform knows (the platform company, its
    /// sub-companies, and every company whose authentication passed), with their details:
    /// the one list of companies.
    pub(crate) companies: Vec<CompanyRecord>,
    /// The sub-companies' names, in invitation order.
    pub(crate) sub_companies: Vec<String>,
    pub(crate) employees: Vec<Employee>,
    pub(crate) seals: Vec<Seal>,
    pub(crate) templates: Vec<Template>,
    pub(crate) categories: Vec<Category>,
    /// Seal image applications by `applyId`.
    pub(crate) applications: HashMap<String, SealApplication>,
    limiter: Limiter,
}

impl OrgState {
    /// A fresh ID.
    pub(crate) fn new_id(&mut self) -> String {
        let id = FIRST_ID + self.next_id;
        self.next_id += 1;
        id.to_string()
    }

    /// The details of company `name` (platform, sub-company or any company with a record).
    pub(crate) fn company(&self, name: &str) -> Option<&CompanyRecord> {
        self.companies.iter().find(|c| c.name == name)
    }

    /// Whether `name` is the platform company or one of its sub-companies.
    pub(crate) fn is_member(&self, name: &str) -> bool {
        name == self.platform || self.sub_companies.iter().any(|s| s == name)
    }

    /// The employee of `owner` that `user` (`{contact, contactType}`) designates.
    pub(crate) fn employee_index(
        &self,
        owner: &str,
        contact: &str,
        contact_type: &str,
    ) -> Option<usize> {
        self.employees
            .iter()
            .position(|e| e.owner == owner && e.is(contact, contact_type))
    }

    pub(crate) fn employee_by_id(&self, id: &str) -> Option<&Employee> {
        self.employees.iter().find(|e| e.id == id)
    }

    /// The users of a list of employee IDs (employees since removed are skipped).
    pub(crate) fn users_json(&self, ids: &[String]) -> Vec<Value> {
        ids.iter()
            .filter_map(|id| self.employee_by_id(id))
            .map(Employee::user_json)
            .collect()
    }

    pub(crate) fn seal_index(&self, id: &str) -> Option<usize> {
        self.seals.iter().position(|s| s.id == id)
    }

    pub(crate) fn template_index(&self, id: &str) -> Option<usize> {
        self.templates.iter().position(|t| t.id == id)
    }

    /// The platform company's first seal (what API signing uses when no seal is named), or
    /// `""` when it has none.
    pub(crate) fn default_seal(&self) -> &str {
        self.seals
            .iter()
            .find(|s| s.owner == self.platform)
            .map_or("", |s| s.id.as_str())
    }

    /// Records company `name` as authenticated (a company authentication passed), with a
    /// fresh ID and a made-up credit code unless [`KNOWN_COMPANIES`](crate::KNOWN_COMPANIES)
    /// lists it; answers its record.
    pub(crate) fn add_company(&mut self, name: &str) -> &CompanyRecord {
        if let Some(at) = self.companies.iter().position(|c| c.name == name) {
            return &self.companies[at];
        }
        let id = self.new_id();
        let n = self.companies.len();
        self.companies.push(CompanyRecord::new(
            id,
            name,
            &format!("91330100MA2SA{n:05}"),
            0.0,
        ));
        &self.companies[n]
    }

    /// Whether seal `id` exists and is `NORMAL` (for the signing endpoints).
    pub(crate) fn seal_usable(&self, id: &str) -> bool {
        self.seals
            .iter()
            .any(|s| s.id == id && s.status == SealStatus::Normal)
    }

    /// The template with this ID, if it exists and is enabled (for `addbytemplate`).
    #[allow(dead_code)] // for the contract route group
    pub(crate) fn enabled_template(&self, id: &str) -> Option<&Template> {
        self.templates
            .iter()
            .find(|t| t.id == id && t.status == "ENABLED")
    }

    /// The category of `owner` with this ID or unique name (category detail; drafts).
    pub(crate) fn category(
        &self,
        owner: &str,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Option<&Category> {
        self.categories.iter().find(|c| {
            c.owner == owner
                && match (id, name) {
                    (Some(id), _) => c.id == id,
                    (None, Some(name)) => c.name == name,
                    (None, None) => false,
                }
        })
    }

    /// Fails when the sandbox holds as many things of a kind as it keeps
    /// ([`MAX_ITEMS`] employees, seals, templates, seal applications), or when `extra_bytes`
    /// more of stored files and images would pass [`MAX_STORED_BYTES`]: the sandbox lives in
    /// memory and refuses to grow without bound (1005 saying so).
    pub(crate) fn room(&self, extra_bytes: usize) -> Result<(), Failure> {
        let most = self
            .employees
            .len()
            .max(self.seals.len())
            .max(self.templates.len())
            .max(self.applications.len());
        let stored: usize = self.templates.iter().map(|t| t.bytes.len()).sum::<usize>()
            + self.seals.iter().map(|s| s.image.len()).sum::<usize>();
        if most >= MAX_ITEMS || stored.saturating_add(extra_bytes) > MAX_STORED_BYTES {
            return Err(Failure::invalid_param(format!(
                "the sandbox keeps at most {MAX_ITEMS} employees, seals, templates and seal \
                 applications each, and {MAX_STORED_BYTES} bytes of files: it is full"
            )));
        }
        Ok(())
    }

    /// Counts a request for the documented repeat limits; `Err` (1006 / `11990006`) while
    /// the request is locked.
    pub(crate) fn limit(
        &mut self,
        key: String,
        lock: Duration,
        now: Duration,
    ) -> Result<(), Failure> {
        self.limiter.check(key, now, lock)
    }
}

// --- repeat limits ------------------------------------------------------------------------------

/// The window in which repeats are counted, and how many lock a request.
const REPEAT_WINDOW: Duration = Duration::from_secs(3600);
const REPEAT_MAX: usize = 5;
/// The most requests tracked; beyond it unlocked ones are forgotten.
const LIMITER_CAP: usize = 10_000;

/// The platform's "same request N times within an hour locks it" rules (employee create: 6 h,
/// seal edit: 18 h, accumulating). Times are the sandbox clock's time since the epoch.
#[derive(Debug, Default)]
struct Limiter {
    entries: HashMap<String, Repeats>,
}

#[derive(Debug, Default)]
struct Repeats {
    hits: VecDeque<Duration>,
    locked_until: Option<Duration>,
    locks: u32,
}

impl Limiter {
    fn check(&mut self, key: String, now: Duration, lock: Duration) -> Result<(), Failure> {
        if self.entries.len() >= LIMITER_CAP && !self.entries.contains_key(&key) {
            self.entries
                .retain(|_, r| r.locked_until.is_some_and(|until| until > now));
            if self.entries.len() >= LIMITER_CAP {
                return Err(too_frequent());
            }
        }
        let entry = self.entries.entry(key).or_default();
        if entry.locked_until.is_some_and(|until| until > now) {
            return Err(too_frequent());
        }
        while entry
            .hits
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= REPEAT_WINDOW)
        {
            entry.hits.pop_front();
        }
        entry.hits.push_back(now);
        if entry.hits.len() >= REPEAT_MAX {
            entry.locks = entry.locks.saturating_add(1);
            entry.locked_until = Some(now.saturating_add(lock.saturating_mul(entry.locks)));
            entry.hits.clear();
        }
        Ok(())
    }
}

// --- failures -----------------------------------------------------------------------------------

/// 1701 `EMPLOYEE NOT FOUND`.
pub(crate) fn employee_not_found(detail: impl std::fmt::Display) -> Failure {
    Failure::business(1701, "11041701", format!("EMPLOYEE NOT FOUND: {detail}"))
}

/// 1703: the person is verified under another name.
pub(crate) fn name_mismatch(contact: &str) -> Failure {
    Failure::business(
        1703,
        "11041703",
        format!("EMPLOYEE NAME NOT MATCH: {contact} is verified under another name"),
    )
}

/// 1201 `SEAL NOT FOUND`.
pub(crate) fn seal_not_found(id: &str) -> Failure {
    Failure::business(1201, "11011201", format!("SEAL NOT FOUND: {id}"))
}

/// 1203 `INVALID SEAL STATUS`.
pub(crate) fn invalid_seal_status(detail: impl std::fmt::Display) -> Failure {
    Failure::business(1203, "11011203", format!("INVALID SEAL STATUS: {detail}"))
}

/// `11041801` company not found.
pub(crate) fn company_not_found(name: &str) -> Failure {
    Failure::business(1801, "11041801", format!("COMPANY NOT FOUND: {name}"))
}

/// `11041802`: not the platform company nor one of its sub-companies.
pub(crate) fn company_no_permission(name: &str) -> Failure {
    Failure::business(
        1802,
        "11041802",
        format!(
            "NO PERMISSION ON COMPANY: {name} is not the platform company or one of its sub-companies"
        ),
    )
}

/// `11990006` calls too frequent (legacy code 1006 by the `1199xxxx` pattern).
pub(crate) fn too_frequent() -> Failure {
    Failure::business(
        1006,
        "11990006",
        "CALLING TOO FREQUENTLY: the same request was sent 5 times within an hour and is locked",
    )
}

/// `11990010` upload too large.
pub(crate) fn upload_oversize(detail: impl std::fmt::Display) -> Failure {
    Failure::business(1010, "11990010", format!("UPLOAD FILE OVERSIZE: {detail}"))
}

/// 1402 `UNSUPPORTED FILE TYPE`.
pub(crate) fn unsupported_file_type(detail: impl std::fmt::Display) -> Failure {
    Failure::business(1402, "11011402", format!("UNSUPPORTED FILE TYPE: {detail}"))
}

// --- shared request helpers ---------------------------------------------------------------------

/// The company a request acts for: `tenantName` (a sub-company) or the platform company.
///
/// # Errors
/// `11041802` for a known company that is not a member, `11041801` for an unknown one.
pub(crate) fn owner(state: &State, tenant: Option<String>) -> Result<String, Failure> {
    let Some(name) = tenant else {
        return Ok(state.org.platform.clone());
    };
    if state.org.is_member(&name) {
        return Ok(name);
    }
    if known_company(state, &name) {
        Err(company_no_permission(&name))
    } else {
        Err(company_not_found(&name))
    }
}

/// Whether the platform knows a company of this name at all.
pub(crate) fn known_company(state: &State, name: &str) -> bool {
    state.org.company(name).is_some() || state.tenants.iter().any(|t| t.name == name)
}

/// `selectOffset` / `selectLimit` of a list (defaults 0 and 1000) as how many items to skip
/// and how many to take: the one reading of a page for every list.
///
/// # Errors
/// 1005 naming the field when either is not an integer or is negative.
pub(crate) fn page_bounds(input: &Input) -> Result<(usize, usize), Failure> {
    let offset = int_field(input, "selectOffset")?.unwrap_or(0);
    let limit = int_field(input, "selectLimit")?.unwrap_or(DEFAULT_LIMIT);
    // No doc page gives `selectLimit` a range: any count of items is a page (0 an empty
    // one); only a negative count, which qys never sends, has no meaning.
    for (name, value) in [("selectOffset", offset), ("selectLimit", limit)] {
        if value < 0 {
            return Err(Failure::invalid_param(format!(
                "{name} must be 0 or more, not {value}"
            )));
        }
    }
    let count = |v: i64| usize::try_from(v).unwrap_or(usize::MAX);
    Ok((count(offset), count(limit)))
}

/// The page of `items` that `selectOffset` / `selectLimit` select, as `{totalCount, list}`.
///
/// # Errors
/// As [`page_bounds`].
pub(crate) fn page(input: &Input, items: Vec<Value>) -> Result<Value, Failure> {
    let (skip, take) = page_bounds(input)?;
    let total = items.len();
    let list: Vec<Value> = items.into_iter().skip(skip).take(take).collect();
    Ok(json!({"totalCount": total, "list": list}))
}

fn int_field(input: &Input, name: &str) -> Result<Option<i64>, Failure> {
    match input.fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| Failure::invalid_param(format!("{name} is out of range"))),
        Some(other) => Err(Failure::invalid_param(format!(
            "{name} must be an integer, not {other}"
        ))),
    }
}

/// The `modifyTimeStart` / `modifyTimeEnd` window of a list.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimeWindow {
    start: Option<String>,
    end: Option<String>,
}

impl TimeWindow {
    /// Reads and checks both bounds (`yyyy-MM-dd HH:mm:ss`).
    ///
    /// # Errors
    /// 1005 naming a bound in another format.
    pub(crate) fn of(input: &Input) -> Result<Self, Failure> {
        let read = |name: &str| -> Result<Option<String>, Failure> {
            match input.text(name) {
                Some(v) if is_datetime(&v) => Ok(Some(v)),
                Some(v) => Err(Failure::invalid_param(format!(
                    "{name} must be formatted yyyy-MM-dd HH:mm:ss, not {v:?}"
                ))),
                None => Ok(None),
            }
        };
        Ok(Self {
            start: read("modifyTimeStart")?,
            end: read("modifyTimeEnd")?,
        })
    }

    /// Whether a thing last changed at `time` is in the window (bounds included).
    pub(crate) fn contains(&self, time: &str) -> bool {
        self.start.as_deref().is_none_or(|s| time >= s)
            && self.end.as_deref().is_none_or(|e| time <= e)
    }
}

fn is_datetime(v: &str) -> bool {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b' '
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
}

/// A user object of the input (already checked by its table): `(contact, contactType,
/// name)`.
pub(crate) fn user_of(value: &Value) -> Option<(String, String, Option<String>)> {
    let o = value.as_object()?;
    Some((
        o.get("contact").and_then(text_of)?,
        o.get("contactType").and_then(text_of)?,
        o.get("name").and_then(text_of),
    ))
}

/// The users of list field `name` (each checked by its table).
pub(crate) fn users_of(input: &Input, name: &str) -> Vec<(String, String, Option<String>)> {
    input
        .fields
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(user_of).collect())
        .unwrap_or_default()
}

/// The employee IDs of `users` in `owner`.
///
/// # Errors
/// 1701 naming the first user who is not an employee of `owner`.
pub(crate) fn employee_ids(
    org: &OrgState,
    owner: &str,
    users: &[(String, String, Option<String>)],
    field: &str,
) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    for (i, (contact, contact_type, _)) in users.iter().enumerate() {
        let at = org
            .employee_index(owner, contact, contact_type)
            .ok_or_else(|| {
                employee_not_found(format!(
                    "{field}[{i}] ({contact_type} {contact}) is not an employee of {owner}"
                ))
            })?;
        let id = org.employees[at].id.clone();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

// --- images -------------------------------------------------------------------------------------

/// The PNG file signature.
pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Draws a seal: a red outline (ring, oval or rectangle after `spec`) with a centre dot on a
/// transparent 64×64 (or 64×43 for ovals and rectangles) RGBA canvas, as a valid PNG (one
/// stored deflate block, CRCs and Adler-32 computed).
pub(crate) fn seal_png(spec: &str) -> Vec<u8> {
    let round = spec.starts_with("CIRCULAR") || spec.is_empty();
    let square = spec.starts_with("SQUARE");
    let (w, h): (u32, u32) = if round || square { (64, 64) } else { (64, 43) };
    let (cx, cy) = (f64::from(w) / 2.0 - 0.5, f64::from(h) / 2.0 - 0.5);
    let (rx, ry) = (f64::from(w) / 2.0 - 1.0, f64::from(h) / 2.0 - 1.0);
    let mut raw = Vec::with_capacity(((w * 4 + 1) * h) as usize);
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
            let ink = if round || spec.starts_with("OVAL") {
                let r = ((dx / rx).powi(2) + (dy / ry).powi(2)).sqrt();
                (0.86..=1.0).contains(&r) || r < 0.2
            } else {
                let edge = dx.abs() > rx - 4.0 || dy.abs() > ry - 4.0;
                let inside = dx.abs() <= rx && dy.abs() <= ry;
                (edge && inside) || (dx.abs() < 4.0 && dy.abs() < 4.0)
            };
            if ink {
                raw.extend_from_slice(&[0xE0, 0x20, 0x20, 0xFF]);
            } else {
                raw.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    png(w, h, &raw)
}

/// A PNG of `w`×`h` 8-bit RGBA pixels from filtered scanlines `raw` (at most 65 535 bytes: one
/// stored block).
fn png(w: u32, h: u32, raw: &[u8]) -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // depth 8, RGBA, deflate, no filter method, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = vec![0x78, 0x01];
    for (i, block) in raw.chunks(65_535).enumerate() {
        let last = (i + 1) * 65_535 >= raw.len();
        z.push(u8::from(last));
        let len = u16::try_from(block.len()).unwrap_or(u16::MAX);
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(raw).to_be_bytes());
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = Crc32::default();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finish().to_be_bytes());
}

/// CRC-32 (IEEE, reflected, as PNG uses it), bit by bit: images are small.
#[derive(Debug)]
struct Crc32(u32);

impl Default for Crc32 {
    fn default() -> Self {
        Self(0xFFFF_FFFF)
    }
}

impl Crc32 {
    fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u32::from(b);
            for _ in 0..8 {
                let mask = (self.0 & 1).wrapping_neg();
                self.0 = (self.0 >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
    }

    fn finish(&self) -> u32 {
        !self.0
    }
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// What kind of image these bytes are: `image/png`, `image/jpeg`, or `None`.
pub(crate) fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Decodes standard Base64 (padding optional, no whitespace); `None` when malformed.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    for group in trimmed.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in group.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    Some(out)
}

// --- seeding ------------------------------------------------------------------------------------

/// The fixture template's Word file (not a real `.docx`: the sandbox reads parameters as
/// `{{name}}` in the raw bytes).
pub(crate) const FIXTURE_TEMPLATE_FILE: &[u8] =
    "PK\u{3}\u{4} qys-sandbox fixture template: 甲方 {{甲方}} 乙方 {{乙方}} 金额 {{金额}}"
        .as_bytes();

/// Seeds the org data: the platform company with an administrator, a seal, a template and two
/// categories; one sub-company with its own administrator and default category; one
/// authenticated company that can be invited as a sub-company.
pub(crate) fn seed(state: &mut State, f: &Fixtures) {
    let now = state.clock.text();
    if let Some(name) = &f.admin.name {
        state.identity.people.bind_name(&f.admin.contact, name);
    }
    let org = &mut state.org;
    org.platform = f.authenticated_company.clone();
    org.companies.push(CompanyRecord::new(
        f.platform_company_id.as_str().to_owned(),
        &f.authenticated_company,
        "91330100MA2SANDB01",
        10_000.0,
    ));
    for (name, reg) in [
        (&f.sub_company_name, "91330100MA2SANDB02"),
        (&f.invitable_company, "91330100MA2SANDB03"),
    ] {
        let id = org.new_id();
        org.companies.push(CompanyRecord::new(id, name, reg, 500.0));
    }
    org.sub_companies.push(f.sub_company_name.clone());
    let admin_mobile = f.admin.contact.clone();
    let admin_name = f.admin.name.clone().unwrap_or_default();
    org.employees.push(Employee {
        id: f.admin_employee_id.as_str().to_owned(),
        owner: org.platform.clone(),
        name: admin_name.clone(),
        mobile: Some(admin_mobile.clone()),
        email: None,
        number: Some("E0001".to_owned()),
        roles: vec![
            "SYSTEM_ADMIN".to_owned(),
            "SEAL_ADMIN".to_owned(),
            "TEMPLATE_ADMIN".to_owned(),
        ],
        create_time: now.clone(),
    });
    let sub_admin = org.new_id();
    org.employees.push(Employee {
        id: sub_admin,
        owner: f.sub_company_name.clone(),
        name: admin_name,
        mobile: Some(admin_mobile),
        email: None,
        number: None,
        roles: vec!["SYSTEM_ADMIN".to_owned(), "SEAL_ADMIN".to_owned()],
        create_time: now.clone(),
    });
    org.seals.push(Seal {
        id: f.company_seal_id.as_str().to_owned(),
        owner: org.platform.clone(),
        name: format!("{}公章", org.platform),
        seal_type: "ENTERPRISE".to_owned(),
        spec: "CIRCULAR_42".to_owned(),
        status: SealStatus::Normal,
        users: vec![f.admin_employee_id.as_str().to_owned()],
        image: seal_png("CIRCULAR_42"),
        image_type: "image/png",
        create_time: now.clone(),
        modify_time: now.clone(),
    });
    org.templates.push(Template {
        id: f.template_id.as_str().to_owned(),
        owner: org.platform.clone(),
        title: "沙箱采购合同模板".to_owned(),
        status: "ENABLED",
        file_name: "沙箱采购合同模板.docx".to_owned(),
        bytes: FIXTURE_TEMPLATE_FILE.to_vec(),
        parameters: ["甲方", "乙方", "金额"]
            .into_iter()
            .map(|n| TemplateParameter::new(n.to_owned()))
            .collect(),
        managers: vec![f.admin_employee_id.as_str().to_owned()],
        range: Vec::new(),
        all_user: true,
        create_time: now.clone(),
        modify_time: now.clone(),
    });
    org.categories.push(Category::default_of(
        f.category_id.as_str().to_owned(),
        org.platform.clone(),
        &now,
    ));
    let purchase = org.new_id();
    let platform = org.platform.clone();
    org.categories.push(Category {
        id: purchase,
        owner: platform.clone(),
        name: "采购合同".to_owned(),
        templates: vec![f.template_id.as_str().to_owned()],
        define_signatories: true,
        define_sponsor: true,
        signatories: vec![json!({
            "tenantType": "COMPANY",
            "tenantName": platform,
            "serialNo": 1,
            "actions": [{"type": "COMPANY", "name": "公章签署", "serialNo": 0, "corpSealIds": [f.company_seal_id.as_str()]}],
        })],
        create_time: now.clone(),
        modify_time: now.clone(),
    });
    let sub_default = org.new_id();
    org.categories.push(Category::default_of(
        sub_default,
        f.sub_company_name.clone(),
        &now,
    ));
}

/// A JSON object of these pairs (for callback fields).
pub(crate) fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_adler_known_answers() {
        let mut c = Crc32::default();
        c.update(b"123456789");
        assert_eq!(c.finish(), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        // IEND's CRC is fixed.
        let mut c = Crc32::default();
        c.update(b"IEND");
        assert_eq!(c.finish(), 0xAE42_6082);
    }

    #[test]
    fn png_structure() {
        for spec in [
            "CIRCULAR_42",
            "OVAL_45_30",
            "SQUARE_20_20",
            "RECTANGLE_50_30",
        ] {
            let p = seal_png(spec);
            assert!(p.starts_with(PNG_SIGNATURE));
            assert_eq!(&p[12..16], b"IHDR");
            assert!(p.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
            // IDAT length = 2 (zlib head) + 5 (block head) + raw + 4 (adler).
            let w = u32::from_be_bytes(p[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(p[20..24].try_into().unwrap());
            let idat_len = u32::from_be_bytes(p[33..37].try_into().unwrap());
            assert_eq!(&p[37..41], b"IDAT");
            assert_eq!(idat_len, 2 + 5 + (w * 4 + 1) * h + 4);
            // Every chunk's CRC checks; the zlib stream's stored block holds the scanlines and
            // its Adler-32 matches them.
            let mut at = 8;
            let mut kinds = Vec::new();
            while at < p.len() {
                let len = u32::from_be_bytes(p[at..at + 4].try_into().unwrap()) as usize;
                let body = &p[at + 4..at + 8 + len];
                let mut c = Crc32::default();
                c.update(body);
                let crc = u32::from_be_bytes(p[at + 8 + len..at + 12 + len].try_into().unwrap());
                assert_eq!(c.finish(), crc, "{spec}");
                kinds.push(body[..4].to_vec());
                if &body[..4] == b"IDAT" {
                    let z = &body[4..];
                    assert_eq!((u16::from(z[0]) << 8 | u16::from(z[1])) % 31, 0, "FCHECK");
                    assert_eq!(z[2], 1, "one final stored block");
                    let n = usize::from(u16::from_le_bytes([z[3], z[4]]));
                    assert_eq!(u16::from_le_bytes([z[5], z[6]]), !(n as u16));
                    let raw = &z[7..7 + n];
                    assert_eq!(raw.len(), ((w * 4 + 1) * h) as usize);
                    assert!(raw.chunks(w as usize * 4 + 1).all(|line| line[0] == 0));
                    let adler = u32::from_be_bytes(z[7 + n..].try_into().unwrap());
                    assert_eq!(adler, adler32(raw));
                }
                at += 12 + len;
            }
            assert_eq!(
                kinds,
                [b"IHDR".to_vec(), b"IDAT".to_vec(), b"IEND".to_vec()]
            );
        }
    }

    #[test]
    fn base64_round_trips_and_refuses_junk() {
        assert_eq!(base64_decode("iVBORw0KGgo=").unwrap(), PNG_SIGNATURE);
        assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64_decode("TWE").unwrap(), b"Ma");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("T").is_none());
        assert!(base64_decode("TW=u").is_none());
        assert!(base64_decode("data:image/png;base64,AAAA").is_none());
        assert!(base64_decode("TQ===").is_none());
    }

    #[test]
    fn the_org_state_is_bounded() {
        let mut org = OrgState::default();
        assert!(org.room(MAX_STORED_BYTES).is_ok());
        assert!(org.room(MAX_STORED_BYTES + 1).is_err());
        let e = Employee {
            id: String::new(),
            owner: String::new(),
            name: String::new(),
            mobile: None,
            email: None,
            number: None,
            roles: Vec::new(),
            create_time: String::new(),
        };
        org.employees = vec![e; MAX_ITEMS - 1];
        assert!(org.room(0).is_ok());
        org.employees.push(org.employees[0].clone());
        let full = org.room(0).unwrap_err();
        assert_eq!(full.code, 1005);
        assert!(full.message.contains("full"), "{}", full.message);
    }

    #[test]
    fn repeats_lock_after_five_and_accumulate() {
        let mut l = Limiter::default();
        let t = Duration::from_secs(1_767_225_600);
        let lock = Duration::from_secs(6 * 3600);
        for _ in 0..5 {
            assert!(l.check("k".into(), t, lock).is_ok());
        }
        assert_eq!(
            l.check("k".into(), t, lock).unwrap_err().response_code,
            "11990006"
        );
        assert!(l.check("other".into(), t, lock).is_ok());
        let later = t + lock + Duration::from_secs(1);
        for _ in 0..5 {
            assert!(l.check("k".into(), later, lock).is_ok());
        }
        // The second lock lasts twice as long.
        assert!(
            l.check("k".into(), later + lock + Duration::from_secs(1), lock)
                .is_err()
        );
        assert!(
            l.check("k".into(), later + lock * 2 + Duration::from_secs(1), lock)
                .is_ok()
        );
    }
}
