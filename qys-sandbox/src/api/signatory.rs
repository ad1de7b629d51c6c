//! 合同管理 (signatories): adding a signatory to a sent contract, changing signatories and
//! their operators, and a signer's identity (spec §3.7, §3.8, §3.20; C# SDK).
//!
//! - `/v2/signatory/add` takes `SIGNING` or `COMPLETE` contracts (a `COMPLETE` one is
//!   `SIGNING` again until the new signatory signs); the same party twice → 1102.
//! - `/v2/signatory/edit` and `/v3/signatory/edit` change a signatory of a `DRAFT` or
//!   `SIGNING` contract that has not signed; a COMPANY signatory with a finished action has
//!   accepted and cannot change (1101). An unknown `signatoryId` → 1005 naming it.
//! - `/v2/signatory/operators/edit` replaces the operators of an unfinished action
//!   (`editType` `ADD` appends instead).
//! - `/v2/signatory/identity` answers the signatory whose receiver (or action operator) is the
//!   given contact; anyone else → 1110 `NO VIEW PERMISSION`.

use qys_proto::ContractId;
use serde_json::{Value, json};

use super::contract::{
    SIGN_VALIDATE_WAYS, SIGNATORY, api_operator, bad_status, check_duplicates, contract_mut,
    locate, not_found, parse_signatory, settle, signatory_json, user_of,
};
use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Rule, Schema, Ty, USER, opt, req};
use crate::reply::Failure;
use crate::state::{ContractStatus, State};
use crate::state_contract::{ActionStatus, SignatoryStatus, TenantKind};

/// `POST /v2/signatory/add` (§3.8).
const ADD: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("signatory", Ty::Object(&SIGNATORY)),
        opt("locateAllStamperKeywords", Ty::Bool),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v3/signatory/edit` (§3.7).
const EDIT_V3: Schema = Schema {
    fields: &[
        req("signatoryId", Ty::Id),
        opt("tenantName", Ty::Str),
        opt("signValidateWay", Ty::Enum(SIGN_VALIDATE_WAYS)),
        opt("receiver", Ty::Object(&USER)),
        opt("operator", Ty::Object(&USER)),
    ],
    rules: &[Rule::AtLeastOne(&["tenantName", "signValidateWay"])],
};

/// `POST /v2/signatory/edit` (§3.7, v2).
const EDIT_V2: Schema = Schema {
    fields: &[
        req("signatoryId", Ty::Id),
        opt("tenantName", Ty::Str),
        opt("receiver", Ty::Object(&USER)),
    ],
    rules: &[Rule::AtLeastOne(&["tenantName", "receiver"])],
};

/// `POST /v2/signatory/operators/edit` (§3.7 related).
const OPERATORS: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        // Neither is marked required anywhere; the vendor Go SDK's
        // `SignatoryOperatorsEditRequest` leaves them out when empty.
        opt("actionId", Ty::Id),
        opt("actionOperators", Ty::List(&Ty::Object(&USER))),
        opt("editType", Ty::Str),
        opt("operator", Ty::Object(&USER)),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `GET /v2/signatory/identity` (C# SDK).
const IDENTITY: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("contact", Ty::Str),
        req(
            "contactType",
            Ty::Enum(&["MOBILE", "EMAIL", "EMPLOYEEID", "NUMBER", "BIZID"]),
        ),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/signatory/add", BodyKind::Json, ADD, add),
    route!(Post "/v3/signatory/edit", BodyKind::Json, EDIT_V3, edit_v3),
    route!(Post "/v2/signatory/edit", BodyKind::Json, EDIT_V2, edit_v2),
    route!(Post "/v2/signatory/operators/edit", BodyKind::Json, OPERATORS, operators_edit),
    route!(Get "/v2/signatory/identity", BodyKind::Query, IDENTITY, identity),
];

fn add(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    if !matches!(c.status, ContractStatus::Signing | ContractStatus::Complete) {
        return Err(bad_status(c.status, "SIGNING or COMPLETE"));
    }
    let owner = c.owner(&state.org.platform).to_owned();
    let position = c.signatories.len();
    let value = input
        .fields
        .get("signatory")
        .cloned()
        .unwrap_or(Value::Null);
    let mut signatory = parse_signatory(
        &mut state.contract_book,
        &value,
        "signatory",
        position,
        &owner,
    )?;
    signatory.status = SignatoryStatus::Waiting;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    let mut all = c.signatories.clone();
    all.push(signatory.clone());
    check_duplicates(&all)?;
    let sid = signatory.id.clone();
    c.signatories.push(signatory);
    if c.status == ContractStatus::Complete {
        c.status = ContractStatus::Signing;
    }
    c.record(
        &stamp,
        "MODIFY",
        "ADD_SIGNATORY",
        &operator,
        format!("signatory {sid}"),
    );
    settle(state, &id, Vec::new());
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let s = c
        .signatories
        .iter()
        .find(|s| s.id == sid)
        .ok_or_else(not_found)?;
    Ok(Answer::Result(signatory_json(s, false)))
}

/// The contract and index of signatory `sid`.
fn find_signatory(state: &State, sid: &str) -> Result<(ContractId, usize), Failure> {
    state
        .contracts
        .values()
        .find_map(|c| {
            c.signatories
                .iter()
                .position(|s| s.id == sid)
                .map(|i| (c.id.clone(), i))
        })
        .ok_or_else(|| Failure::invalid_param(format!("signatoryId {sid} does not exist")))
}

fn edit(state: &mut State, input: &Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let sid = input.text("signatoryId").unwrap_or_default();
    let (id, index) = find_signatory(state, &sid)?;
    let operator = user_of(input.fields.get("operator"))
        .map(|u| u.name.unwrap_or(u.contact))
        .unwrap_or_else(|| api_operator(state, &id));
    let c = contract_mut(state, &id)?;
    if !matches!(c.status, ContractStatus::Draft | ContractStatus::Signing) {
        return Err(bad_status(c.status, "DRAFT or SIGNING"));
    }
    let s = &mut c.signatories[index];
    let accepted = s.status == SignatoryStatus::Signed
        || (s.kind == TenantKind::Company
            && s.actions.iter().any(|a| a.status == ActionStatus::Finish));
    if accepted {
        return Err(Failure::business(
            1101,
            "11011101",
            format!("INVALID CONTRACT STATUS: signatory {sid} has already accepted"),
        ));
    }
    if let Some(name) = input.text("tenantName") {
        s.tenant_name = Some(name);
    }
    if let Some(r) = user_of(input.fields.get("receiver")) {
        s.receiver = Some(r);
    }
    if let Some(way) = input.text("signValidateWay") {
        s.extra.insert("signValidateWay".into(), json!(way));
    }
    c.record(
        &stamp,
        "MODIFY",
        "EDIT_SIGNATORY",
        &operator,
        format!("signatory {sid}"),
    );
    Ok(Answer::Result(Value::Null))
}

fn edit_v3(state: &mut State, input: Input) -> Result<Answer, Failure> {
    edit(state, &input)
}

fn edit_v2(state: &mut State, input: Input) -> Result<Answer, Failure> {
    edit(state, &input)
}

fn operators_edit(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let action_id = input.text("actionId").unwrap_or_default();
    let operators: Vec<_> = input
        .fields
        .get("actionOperators")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| user_of(Some(u)))
        .collect();
    let who = user_of(input.fields.get("operator"))
        .map(|u| u.name.unwrap_or(u.contact))
        .unwrap_or_else(|| api_operator(state, &id));
    let append = input.text("editType").as_deref() == Some("ADD");
    let c = contract_mut(state, &id)?;
    if !matches!(c.status, ContractStatus::Draft | ContractStatus::Signing) {
        return Err(bad_status(c.status, "DRAFT or SIGNING"));
    }
    let action = c
        .signatories
        .iter_mut()
        .flat_map(|s| s.actions.iter_mut())
        .find(|a| a.id == action_id)
        .ok_or_else(|| {
            Failure::invalid_param(format!(
                "actionId {action_id} is not an action of contract {id}"
            ))
        })?;
    if action.status == ActionStatus::Finish {
        return Err(Failure::business(
            1101,
            "11011101",
            format!("INVALID CONTRACT STATUS: action {action_id} is finished"),
        ));
    }
    if append {
        action.operators.extend(operators);
    } else {
        action.operators = operators;
    }
    c.record(
        &stamp,
        "MODIFY",
        "EDIT_OPERATORS",
        &who,
        format!("action {action_id}"),
    );
    Ok(Answer::Result(Value::Null))
}

fn identity(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = locate(state, &input)?;
    let contact = input.text("contact").unwrap_or_default();
    let contact_type = input.text("contactType").unwrap_or_default();
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let found = c.signatories.iter().find_map(|s| {
        let receiver = s
            .receiver
            .as_ref()
            .is_some_and(|r| r.contact == contact && r.contact_type.as_str() == contact_type);
        let action = s.actions.iter().find(|a| {
            a.operators
                .iter()
                .any(|o| o.contact == contact && o.contact_type.as_str() == contact_type)
        });
        (receiver || action.is_some()).then(|| (s, action.map(|a| a.id.clone())))
    });
    let Some((s, action)) = found else {
        return Err(Failure::business(
            1110,
            "11011110",
            format!("NO VIEW PERMISSION: {contact} is not a signer of contract {id}"),
        ));
    };
    Ok(Answer::Result(json!({
        "contractId": id.as_str(),
        "signatoryId": s.id,
        "tenantType": s.kind.as_str(),
        "tenantName": s.tenant_name,
        "sponsor": s.sponsor,
        "status": s.status.as_str(),
        "actionId": action,
        "currentSigner": c.status == ContractStatus::Signing && s.status == SignatoryStatus::Signing,
    })))
}
