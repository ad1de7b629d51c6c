//! 业务分类 (spec §8): list business categories and read one with its templates and preset
//! signing flow.
//!
//! Seeded: the platform company has `默认业务分类` (no preset flow) and `采购合同` (the fixture
//! template, preset signatories: the platform company seals with its fixture seal); the
//! fixture sub-company has its own `默认业务分类`.
//!
//! Rules of the sandbox (⚠ the platform's pages were not retrieved): the detail takes
//! `categoryId` or `categoryName` (the ID wins when both are given; a name is looked up in the
//! company of `tenantName`); an unknown category answers 1005 naming the field (no
//! category-not-found code is documented).

use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Rule, Schema, Ty, opt, window_list};
use crate::reply::Failure;
use crate::state::State;
use crate::state_org::{self, Category};

const LIST: Schema = window_list!();

const DETAIL: Schema = Schema {
    fields: &[
        opt("categoryId", Ty::Id),
        opt("categoryName", Ty::Str),
        opt("tenantName", Ty::Str),
    ],
    rules: &[Rule::AtLeastOne(&["categoryId", "categoryName"])],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Get "/v2/category/list", BodyKind::Query, LIST, list),
    route!(Get "/v2/category/detail", BodyKind::Query, DETAIL, detail),
];

fn summary(c: &Category) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "createTime": c.create_time,
        "modifyTime": c.modify_time,
    })
}

fn list(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let window = state_org::TimeWindow::of(&input)?;
    let items: Vec<Value> = state
        .org
        .categories
        .iter()
        .filter(|c| c.owner == owner && window.contains(&c.modify_time))
        .map(summary)
        .collect();
    Ok(Answer::Result(state_org::page(&input, items)?))
}

fn detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = input.text("categoryId");
    let category = match &id {
        Some(id) => state
            .org
            .categories
            .iter()
            .find(|c| c.id == *id)
            .ok_or_else(|| Failure::invalid_param(format!("categoryId {id} does not exist")))?,
        None => {
            let owner = state_org::owner(state, input.text("tenantName"))?;
            let name = input.text("categoryName").unwrap_or_default();
            state
                .org
                .category(&owner, None, Some(&name))
                .ok_or_else(|| {
                    Failure::invalid_param(format!(
                        "categoryName {name:?} is not a category of {owner}"
                    ))
                })?
        }
    };
    let templates: Vec<Value> = category
        .templates
        .iter()
        .filter_map(|t| state.org.templates.iter().find(|x| x.id == *t))
        .map(state_org::Template::to_json)
        .collect();
    let mut out = summary(category);
    if let Some(o) = out.as_object_mut() {
        o.insert("tenantName".into(), json!(category.owner));
        o.insert("templates".into(), Value::Array(templates));
        o.insert(
            "defineSignatories".into(),
            json!(category.define_signatories),
        );
        o.insert("defineSponsor".into(), json!(category.define_sponsor));
        o.insert(
            "signatories".into(),
            Value::Array(category.signatories.clone()),
        );
    }
    Ok(Answer::Result(out))
}
