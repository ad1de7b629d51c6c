//! 组织架构 (company part, spec §5): sub-companies, the platform company's own details,
//! company details by name or credit code, the information change page, the fee balance.
//!
//! Rules of the sandbox (⚠ the platform's pages for these were not retrieved):
//! - the platform company is the fixture authenticated company;
//! - `/v2/subcompany/invite` takes an authenticated company (else `11041801`) that is not the
//!   platform company nor already a sub-company (else 1005); the invitation is accepted at
//!   once, so the company is a sub-company when the call returns (no callback);
//! - `/v2/subcompany/remove` takes a current sub-company: a company the platform knows but
//!   that is not one answers `11041802`, an unknown one `11041801`;
//! - `/v2/company/list` answers a bare list of the sub-companies;
//! - `/v2/company/detail` of a company the platform does not know answers `status:
//!   "UNREGISTERED"` with the name or code asked for, not an error;
//! - `/v2/company/changeinfo` answers `{pageUrl}` for the platform company or a sub-company;
//! - `/v2/company/fee/info` answers `{companyName, balance, payMode}`.

use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route};
use crate::fields::{AUTH_CONTACT_TYPES, Field, NONE, Schema, Ty, opt, req, user_schema};
use crate::reply::Failure;
use crate::state::State;
use crate::state_org::{self, CompanyRecord, company_no_permission, company_not_found};

/// `{contact, contactType, name}` of a change applicant: MOBILE or EMAIL (§5).
const APPLICANT: Schema = user_schema!(AUTH_CONTACT_TYPES);

const INVITE: Schema = Schema {
    fields: &[
        req("companyName", Ty::Str),
        opt("registerNo", Ty::Str),
        opt("bizId", Ty::Str),
        opt("callbackUrl", Ty::Str),
    ],
    rules: &[],
};

const REMOVE: Schema = Schema {
    fields: &[req("companyName", Ty::Str)],
    rules: &[],
};

const DETAIL: Schema = Schema {
    fields: &[opt("companyName", Ty::Str), opt("registerNo", Ty::Str)],
    rules: &[crate::fields::Rule::AtLeastOne(&[
        "companyName",
        "registerNo",
    ])],
};

const CHANGE_INFO_FIELDS: &[Field] = &[
    req("applicant", Ty::Object(&APPLICANT)),
    opt("companyName", Ty::Str),
    opt("companyId", Ty::Id),
    opt("registerNo", Ty::Str),
    opt("h5", Ty::Bool),
];

const CHANGE_INFO: Schema = Schema {
    fields: CHANGE_INFO_FIELDS,
    rules: &[crate::fields::Rule::AtLeastOne(&[
        "companyName",
        "companyId",
        "registerNo",
    ])],
};

const FEE: Schema = Schema {
    fields: &[opt("companyName", Ty::Str)],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Get "/v2/company/list", BodyKind::Query, NONE, list),
    route!(Post "/v2/subcompany/invite", BodyKind::Json, INVITE, invite),
    route!(Get "/v2/subcompany/remove", BodyKind::Query, REMOVE, remove),
    route!(Get "/company/platforminfo", BodyKind::Query, NONE, platform_info),
    route!(Get "/v2/company/detail", BodyKind::Query, DETAIL, detail),
    route!(Post "/v2/company/changeinfo", BodyKind::Json, CHANGE_INFO, change_info),
    route!(Get "/v2/company/fee/info", BodyKind::Query, FEE, fee_info),
];

fn list(state: &mut State, _input: Input) -> Result<Answer, Failure> {
    let org = &state.org;
    let list: Vec<Value> = org
        .sub_companies
        .iter()
        .filter_map(|name| org.company(name))
        .map(CompanyRecord::to_json)
        .collect();
    Ok(Answer::Result(Value::Array(list)))
}

/// The record of an authenticated company, made on first use for companies other route
/// groups authenticated.
fn record_of(state: &mut State, name: &str) -> Option<CompanyRecord> {
    state.org.company(name).cloned()
}

fn invite(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = input
        .text("companyName")
        .ok_or_else(|| Failure::invalid_param("companyName is required"))?;
    if name == state.org.platform {
        return Err(Failure::invalid_param(format!(
            "companyName {name:?} is the platform company itself"
        )));
    }
    if state.org.sub_companies.contains(&name) {
        return Err(Failure::invalid_param(format!(
            "companyName {name:?} is already a sub-company"
        )));
    }
    let record = record_of(state, &name).ok_or_else(|| company_not_found(&name))?;
    if let Some(reg) = input.text("registerNo")
        && reg != record.register_no
    {
        return Err(Failure::invalid_param(format!(
            "registerNo {reg:?} is not the credit code of {name}"
        )));
    }
    state.org.sub_companies.push(name);
    Ok(Answer::Result(Value::Null))
}

fn remove(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = input
        .text("companyName")
        .ok_or_else(|| Failure::invalid_param("companyName is required"))?;
    match state.org.sub_companies.iter().position(|s| *s == name) {
        Some(at) => {
            state.org.sub_companies.remove(at);
            Ok(Answer::Result(Value::Null))
        }
        None if state_org::known_company(state, &name) => Err(company_no_permission(&name)),
        None => Err(company_not_found(&name)),
    }
}

fn platform_info(state: &mut State, _input: Input) -> Result<Answer, Failure> {
    let platform = state.org.platform.clone();
    let record = state
        .org
        .company(&platform)
        .ok_or_else(|| company_not_found(&platform))?;
    Ok(Answer::Result(record.to_json()))
}

fn detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let name = input.text("companyName");
    let register_no = input.text("registerNo");
    let found = match (&name, &register_no) {
        (Some(n), _) => record_of(state, n),
        (None, Some(r)) => state
            .org
            .companies
            .iter()
            .find(|c| c.register_no == *r)
            .cloned(),
        (None, None) => None,
    };
    match found {
        Some(record) => {
            if let (Some(r), Some(_)) = (&register_no, &name)
                && *r != record.register_no
            {
                return Err(Failure::invalid_param(format!(
                    "registerNo {r:?} is not the credit code of {}",
                    record.name
                )));
            }
            Ok(Answer::Result(record.to_json()))
        }
        None => Ok(Answer::Result(json!({
            "name": name,
            "registerNo": register_no,
            "status": "UNREGISTERED",
        }))),
    }
}

/// The member company a request names by `companyName`, `companyId` or `registerNo`.
fn member_named(state: &State, input: &Input) -> Result<CompanyRecord, Failure> {
    let org = &state.org;
    let by_name = input.text("companyName");
    let by_id = input.text("companyId");
    let by_reg = input.text("registerNo");
    let found = org.companies.iter().find(|c| {
        by_name.as_deref().is_none_or(|n| c.name == n)
            && by_id.as_deref().is_none_or(|i| c.id == i)
            && by_reg.as_deref().is_none_or(|r| c.register_no == r)
    });
    let label = by_name.or(by_id).or(by_reg).unwrap_or_default();
    match found {
        Some(c) if org.is_member(&c.name) => Ok(c.clone()),
        Some(c) => Err(company_no_permission(&c.name)),
        None if state_org::known_company(state, &label) => Err(company_no_permission(&label)),
        None => Err(company_not_found(&label)),
    }
}

fn change_info(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let company = member_named(state, &input)?;
    // One page serves both the PC and the H5 variant (`h5`).
    let url = crate::pages::mint(
        state,
        crate::pages::LinkPage::CompanyChange,
        company.name,
        None,
        None,
    );
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

fn fee_info(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("companyName"))?;
    let balance = state.org.company(&owner).map_or(0.0, |c| c.balance);
    Ok(Answer::Result(json!({
        "companyName": owner,
        "balance": balance,
        "payMode": "PREPAID",
    })))
}
