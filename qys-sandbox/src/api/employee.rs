//! 组织架构 (employee part, spec §5): list, add, update, look up and remove employees, and
//! grant or withdraw the seal and template administrator roles.
//!
//! Rules of the sandbox (⚠ the platform's pages for these were not retrieved):
//! - employees belong to the platform company or to the sub-company named by `tenantName`;
//!   they are designated by `MOBILE`, `EMAIL`, `EMPLOYEEID` (their ID) or `NUMBER`;
//! - `/v2/employee/create` takes a `MOBILE` or `EMAIL` user with a name. Everyone added once is
//!   treated as real-name verified: adding the same contact again under another name, in any
//!   company, answers 1703 (`11041703`). Adding an employee who already exists with the same
//!   name answers that employee (no duplicate). A number already used in the company → 1005.
//!   The same request (identical body) five times within an hour locks it: further ones answer
//!   `11990006` for 6 hours (12, 18, ... for later locks);
//! - an unknown employee answers 1701 `EMPLOYEE NOT FOUND` (detail, update, remove, role
//!   users, `transferEmployee`);
//! - `/v2/employee/remove` hands the removed employee's roles, seals and templates to
//!   `transferEmployee` (an employee of the same company, by mobile, e-mail, ID or number);
//! - `/v2/role/manage` is all or nothing: every user must be an employee first.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Schema, Ty, opt, req};
use crate::reply::Failure;
use crate::state::State;
use crate::state_org::{
    self, Employee, OrgState, employee_ids, employee_not_found, name_mismatch, user_of, users_of,
};

/// How long a repeated create request is locked (the first time).
const CREATE_LOCK: Duration = Duration::from_secs(6 * 3600);

const ROLES: &[&str] = &["SYSTEM_ADMIN", "SEAL_ADMIN", "TEMPLATE_ADMIN"];

/// A user designating an employee.
pub(crate) const EMPLOYEE_USER: Schema = Schema {
    fields: &[
        req("contact", Ty::Str),
        req(
            "contactType",
            Ty::Enum(&["MOBILE", "EMAIL", "EMPLOYEEID", "NUMBER"]),
        ),
        opt("name", Ty::Str),
    ],
    rules: &[],
};

/// A new employee: by mobile or e-mail, with a name.
const NEW_EMPLOYEE: Schema = Schema {
    fields: &[
        req("contact", Ty::Str),
        req("contactType", Ty::Enum(&["MOBILE", "EMAIL"])),
        req("name", Ty::Str),
    ],
    rules: &[],
};

const LIST: Schema = Schema {
    fields: &[
        opt("role", Ty::Enum(ROLES)),
        opt("tenantName", Ty::Str),
        opt("selectOffset", Ty::Int),
        opt("selectLimit", Ty::Int),
    ],
    rules: &[],
};

const CREATE: Schema = Schema {
    fields: &[
        req("user", Ty::Object(&NEW_EMPLOYEE)),
        opt("number", Ty::Str),
        opt("tenantName", Ty::Str),
    ],
    rules: &[],
};

const UPDATE: Schema = Schema {
    fields: &[
        req("user", Ty::Object(&EMPLOYEE_USER)),
        opt("number", Ty::Str),
        opt("tenantName", Ty::Str),
    ],
    rules: &[],
};

const DETAIL: Schema = Schema {
    fields: &[
        req("user", Ty::Object(&EMPLOYEE_USER)),
        opt("tenantName", Ty::Str),
    ],
    rules: &[],
};

const REMOVE: Schema = Schema {
    fields: &[
        req("contact", Ty::Str),
        req("contactType", Ty::Enum(&["MOBILE", "EMAIL", "EMPLOYEEID"])),
        opt("tenantName", Ty::Str),
        opt("transferEmployee", Ty::Str),
    ],
    rules: &[],
};

const ROLE_MANAGE: Schema = Schema {
    fields: &[
        req("role", Ty::Enum(&["SEAL_ADMIN", "TEMPLATE_ADMIN"])),
        // Not marked required (管理员工角色): an empty or absent list changes nobody.
        opt("users", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
        opt("operate", Ty::Enum(&["ADD", "REMOVE"])),
        opt("tenantName", Ty::Str),
    ],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Get "/v2/employee/list", BodyKind::Query, LIST, list),
    route!(Post "/v2/employee/create", BodyKind::Json, CREATE, create),
    route!(Post "/v2/employee/update", BodyKind::Json, UPDATE, update),
    route!(Post "/v2/employee/detail", BodyKind::Json, DETAIL, detail),
    route!(Post "/v2/employee/remove", BodyKind::Json, REMOVE, remove),
    route!(Post "/v2/role/manage", BodyKind::Json, ROLE_MANAGE, role_manage),
];

fn list(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let role = input.text("role");
    let items: Vec<Value> = state
        .org
        .employees
        .iter()
        .filter(|e| e.owner == owner)
        .filter(|e| role.as_ref().is_none_or(|r| e.roles.contains(r)))
        .map(Employee::to_json)
        .collect();
    Ok(Answer::Result(state_org::page(&input, items)?))
}

/// The user object `user` of the input: `(contact, contactType, name)`.
fn the_user(input: &Input) -> Result<(String, String, Option<String>), Failure> {
    input
        .fields
        .get("user")
        .and_then(user_of)
        .ok_or_else(|| Failure::invalid_param("user is required"))
}

/// Fails unless `number` is free in `owner` (or used by `except`).
fn check_number(
    org: &OrgState,
    owner: &str,
    number: &str,
    except: Option<&str>,
) -> Result<(), Failure> {
    let taken = org.employees.iter().any(|e| {
        e.owner == owner && e.number.as_deref() == Some(number) && Some(e.id.as_str()) != except
    });
    if taken {
        return Err(Failure::invalid_param(format!(
            "number {number:?} is already used by another employee of {owner}"
        )));
    }
    Ok(())
}

fn create(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let key = format!(
        "/v2/employee/create {}",
        Value::Object(input.fields.clone())
    );
    let now = state.clock.since_epoch();
    state.org.limit(key, CREATE_LOCK, now)?;
    let (contact, contact_type, name) = the_user(&input)?;
    let name = name.ok_or_else(|| Failure::invalid_param("user.name is required"))?;
    let people = &state.identity.people;
    if people
        .name(&contact)
        .is_some_and(|verified| verified != name)
    {
        return Err(name_mismatch(&contact));
    }
    let org = &mut state.org;
    if let Some(at) = org.employee_index(&owner, &contact, &contact_type) {
        return Ok(Answer::Result(org.employees[at].to_json()));
    }
    org.room(0)?;
    let number = input.text("number");
    if let Some(n) = &number {
        check_number(org, &owner, n, None)?;
    }
    let (mobile, email) = if contact_type == "MOBILE" {
        (Some(contact.clone()), None)
    } else {
        (None, Some(contact.clone()))
    };
    let employee = Employee {
        id: org.new_id(),
        owner,
        name: name.clone(),
        mobile,
        email,
        number,
        roles: Vec::new(),
        create_time: state.clock.text(),
    };
    let answer = employee.to_json();
    state.identity.people.bind_name(&contact, &name);
    state.org.employees.push(employee);
    Ok(Answer::Result(answer))
}

fn find(state: &State, input: &Input) -> Result<(String, usize), Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let (contact, contact_type, _) = the_user(input)?;
    let at = state
        .org
        .employee_index(&owner, &contact, &contact_type)
        .ok_or_else(|| employee_not_found(format!("{contact_type} {contact} in {owner}")))?;
    Ok((owner, at))
}

fn update(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let (owner, at) = find(state, &input)?;
    let (_, _, name) = the_user(&input)?;
    let org = &mut state.org;
    if let Some(n) = input.text("number") {
        let id = org.employees[at].id.clone();
        check_number(org, &owner, &n, Some(&id))?;
        org.employees[at].number = Some(n);
    }
    if let Some(name) = name {
        let e = &mut org.employees[at];
        e.name.clone_from(&name);
        for contact in [&e.mobile, &e.email].into_iter().flatten() {
            state.identity.people.bind_name(contact, &name);
        }
    }
    Ok(Answer::Result(Value::Null))
}

fn detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let (_, at) = find(state, &input)?;
    Ok(Answer::Result(state.org.employees[at].to_json()))
}

fn remove(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let contact = input
        .text("contact")
        .ok_or_else(|| Failure::invalid_param("contact is required"))?;
    let contact_type = input
        .text("contactType")
        .ok_or_else(|| Failure::invalid_param("contactType is required"))?;
    let org = &mut state.org;
    let at = org
        .employee_index(&owner, &contact, &contact_type)
        .ok_or_else(|| employee_not_found(format!("{contact_type} {contact} in {owner}")))?;
    let removed_id = org.employees[at].id.clone();
    let heir = match input.text("transferEmployee") {
        None => None,
        Some(t) => {
            let heir = org
                .employees
                .iter()
                .find(|e| {
                    e.owner == owner
                        && ["MOBILE", "EMAIL", "EMPLOYEEID", "NUMBER"]
                            .iter()
                            .any(|ct| e.is(&t, ct))
                })
                .ok_or_else(|| {
                    employee_not_found(format!(
                        "transferEmployee {t} is not an employee of {owner}"
                    ))
                })?;
            if heir.id == removed_id {
                return Err(Failure::invalid_param(
                    "transferEmployee is the employee being removed",
                ));
            }
            Some(heir.id.clone())
        }
    };
    let removed = org.employees.remove(at);
    if let Some(heir) = heir {
        if let Some(h) = org.employees.iter_mut().find(|e| e.id == heir) {
            for role in removed.roles {
                if !h.roles.contains(&role) {
                    h.roles.push(role);
                }
            }
        }
        let hand_over = |ids: &mut Vec<String>| {
            if ids.contains(&removed_id) {
                ids.retain(|i| *i != removed_id);
                if !ids.contains(&heir) {
                    ids.push(heir.clone());
                }
            }
        };
        for s in &mut org.seals {
            hand_over(&mut s.users);
        }
        for t in &mut org.templates {
            hand_over(&mut t.managers);
            hand_over(&mut t.range);
        }
    } else {
        for s in &mut org.seals {
            s.users.retain(|i| *i != removed_id);
        }
        for t in &mut org.templates {
            t.managers.retain(|i| *i != removed_id);
            t.range.retain(|i| *i != removed_id);
        }
    }
    Ok(Answer::Result(Value::Null))
}

fn role_manage(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let role = input
        .text("role")
        .ok_or_else(|| Failure::invalid_param("role is required"))?;
    let users = users_of(&input, "users");
    let add = input.text("operate").is_none_or(|o| o == "ADD");
    let ids = employee_ids(&state.org, &owner, &users, "users")?;
    for e in state
        .org
        .employees
        .iter_mut()
        .filter(|e| ids.contains(&e.id))
    {
        if add {
            if !e.roles.contains(&role) {
                e.roles.push(role.clone());
            }
        } else {
            e.roles.retain(|r| *r != role);
        }
    }
    Ok(Answer::Result(json!(null)))
}
