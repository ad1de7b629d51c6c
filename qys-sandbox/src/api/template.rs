//! 模板管理 (spec §7): list, look up, preview, create from Word, edit, enable/disable, download
//! and delete templates.
//!
//! Rules of the sandbox (⚠ the platform's pages for these were not retrieved):
//! - `/v3/template/createbyword` takes a `.docx` file part `file` (another suffix answers 1402
//!   `UNSUPPORTED FILE TYPE`, 10 MB or more `11990010`), stores its bytes as sent and answers
//!   `{templateId}`. The sandbox does not unzip the file: it reads the parameters as
//!   `{{name}}` in the raw bytes (so they are found when the document XML is stored
//!   uncompressed, or in a plain-text stand-in). A repeated name is one parameter, or with
//!   `renameRepeatParam=true` the repeats become `name1`, `name2`, ...; `managersInfo` and
//!   `rangeInfo` must be employees (1701); `status` is `ENABLED` (default) or `DISABLE`;
//! - an unknown `templateId` answers 1005 naming it (the platform documents no
//!   template-not-found code);
//! - `/v2/template/download` answers the stored bytes under the uploaded file name;
//! - `/v2/template/edit` renames, sets parameters' rules (each named parameter must exist:
//!   1005), and replaces managers and range when given;
//! - `/v2/template/status` sets `ENABLED` (`ENABLE`) or `DISABLE` (`DISABLE`);
//! - `/v2/template/remove` deletes a template in any state;
//! - `/v2/template/pageurl` answers `{pageUrl}`.

use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route};
use crate::fields::{FILE_REQUIRED, Schema, Ty, opt, req, window_list};
use crate::reply::Failure;
use crate::state::State;
use crate::state_org::{
    self, DOCX_SUFFIX, DOCX_TYPE, Template, TemplateParameter, employee_ids, users_of,
};

use super::employee::EMPLOYEE_USER;

/// The largest Word file (exclusive).
const MAX_WORD: usize = 10 * 1024 * 1024;

/// The longest parameter name read from a file.
const MAX_PARAM_NAME: usize = 100;

const LIST: Schema = window_list!();

const BY_ID: Schema = Schema {
    fields: &[req("templateId", Ty::Id)],
    rules: &[],
};

const CREATE_BY_WORD: Schema = Schema {
    fields: &[
        req("title", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("renameRepeatParam", Ty::Bool),
        opt("managersInfo", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
        opt("rangeInfo", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
        opt("allUser", Ty::Bool),
        opt("status", Ty::Enum(&["ENABLED", "DISABLE"])),
    ],
    rules: &[],
};

/// A parameter's rules (`TemplateParam` of the edit call, §2.8).
const PARAM_RULE: Schema = Schema {
    fields: &[
        req("name", Ty::Str),
        opt("value", Ty::Str),
        opt("required", Ty::Bool),
        opt("defaultValue", Ty::Str),
        opt("description", Ty::Str),
        opt("readOnly", Ty::Flag),
    ],
    rules: &[],
};

const EDIT: Schema = Schema {
    fields: &[
        req("templateId", Ty::Id),
        opt("title", Ty::Str),
        opt("templateParams", Ty::List(&Ty::Object(&PARAM_RULE))),
        opt("managers", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
        opt("range", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
    ],
    rules: &[],
};

const STATUS: Schema = Schema {
    fields: &[
        req("templateId", Ty::Id),
        req("operate", Ty::Enum(&["ENABLE", "DISABLE"])),
    ],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Get "/v2/template/list", BodyKind::Query, LIST, list),
    route!(Get "/v2/template/detail", BodyKind::Query, BY_ID, detail),
    route!(Get "/v2/template/pageurl", BodyKind::Query, BY_ID, page_url),
    route!(Post "/v3/template/createbyword", BodyKind::Multipart(FILE_REQUIRED), CREATE_BY_WORD, create_by_word),
    route!(Post "/v2/template/edit", BodyKind::Json, EDIT, edit),
    route!(Post "/v2/template/status", BodyKind::Json, STATUS, status),
    route!(Get "/v2/template/download", BodyKind::Query, BY_ID, download),
    route!(Get "/v2/template/remove", BodyKind::Query, BY_ID, remove),
];

fn list(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let window = state_org::TimeWindow::of(&input)?;
    let items: Vec<Value> = state
        .org
        .templates
        .iter()
        .filter(|t| t.owner == owner && window.contains(&t.modify_time))
        .map(Template::to_json)
        .collect();
    Ok(Answer::Result(state_org::page(&input, items)?))
}

fn template_at(state: &State, input: &Input) -> Result<usize, Failure> {
    let id = input
        .text("templateId")
        .ok_or_else(|| Failure::invalid_param("templateId is required"))?;
    state
        .org
        .template_index(&id)
        .ok_or_else(|| Failure::invalid_param(format!("templateId {id} does not exist")))
}

fn detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let t = &state.org.templates[template_at(state, &input)?];
    let mut out = t.to_json();
    if let Some(o) = out.as_object_mut() {
        o.insert("fileName".into(), json!(t.file_name));
        o.insert("tenantName".into(), json!(t.owner));
        o.insert("allUser".into(), json!(t.all_user));
        o.insert(
            "managers".into(),
            Value::Array(state.org.users_json(&t.managers)),
        );
        o.insert("range".into(), Value::Array(state.org.users_json(&t.range)));
    }
    Ok(Answer::Result(out))
}

fn page_url(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = state.org.templates[template_at(state, &input)?].id.clone();
    let url = crate::pages::mint(
        state,
        crate::pages::LinkPage::TemplatePreview,
        id,
        None,
        None,
    );
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

/// The `{{name}}` parameters written in `bytes`, in order of first appearance; repeats are
/// renamed `name1`, `name2`, ... when `rename` (the first keeps its name), else merged.
pub(crate) fn parameters_of(bytes: &[u8], rename: bool) -> Vec<TemplateParameter> {
    let text = String::from_utf8_lossy(bytes);
    let mut names: Vec<String> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut rest = text.as_ref();
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = after[..close].trim();
        rest = &after[close + 2..];
        if name.is_empty()
            || name.chars().count() > MAX_PARAM_NAME
            || name.contains(['{', '}', '<', '>', '\n', '\r'])
        {
            continue;
        }
        match seen.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) if rename => {
                *count += 1;
                names.push(format!("{name}{count}"));
            }
            Some(_) => {}
            None => {
                seen.push((name.to_owned(), 0));
                names.push(name.to_owned());
            }
        }
    }
    names.into_iter().map(TemplateParameter::new).collect()
}

fn create_by_word(state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let title = input
        .text("title")
        .ok_or_else(|| Failure::invalid_param("title is required"))?;
    let file = input
        .take_file("file")
        .ok_or_else(|| Failure::invalid_param("file is required (a file part)"))?;
    if !file.file_name.to_lowercase().ends_with(DOCX_SUFFIX) {
        return Err(state_org::unsupported_file_type(format!(
            "{:?} is not a .docx file",
            file.file_name
        )));
    }
    if file.bytes.len() >= MAX_WORD {
        return Err(state_org::upload_oversize(
            "the template file must be smaller than 10 MB",
        ));
    }
    state.org.room(file.bytes.len())?;
    let managers = employee_ids(
        &state.org,
        &owner,
        &users_of(&input, "managersInfo"),
        "managersInfo",
    )?;
    let range = employee_ids(
        &state.org,
        &owner,
        &users_of(&input, "rangeInfo"),
        "rangeInfo",
    )?;
    let flag = |name: &str| {
        input
            .fields
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let status = if input.text("status").as_deref() == Some("DISABLE") {
        "DISABLE"
    } else {
        "ENABLED"
    };
    let now = state.clock.text();
    let id = state.org.new_id();
    state.org.templates.push(Template {
        id: id.clone(),
        owner,
        title,
        status,
        parameters: parameters_of(&file.bytes, flag("renameRepeatParam")),
        file_name: file.file_name,
        bytes: file.bytes,
        managers,
        range,
        all_user: flag("allUser"),
        create_time: now.clone(),
        modify_time: now,
    });
    Ok(Answer::Result(json!({ "templateId": id })))
}

fn edit(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let at = template_at(state, &input)?;
    let owner = state.org.templates[at].owner.clone();
    let managers = match input.fields.get("managers") {
        Some(Value::Array(a)) if !a.is_empty() => Some(employee_ids(
            &state.org,
            &owner,
            &users_of(&input, "managers"),
            "managers",
        )?),
        _ => None,
    };
    let range = match input.fields.get("range") {
        Some(Value::Array(a)) if !a.is_empty() => Some(employee_ids(
            &state.org,
            &owner,
            &users_of(&input, "range"),
            "range",
        )?),
        _ => None,
    };
    let rules: Vec<&serde_json::Map<String, Value>> = input
        .fields
        .get("templateParams")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let t = &state.org.templates[at];
    for (i, rule) in rules.iter().enumerate() {
        let name = rule
            .get("name")
            .and_then(super::text_of)
            .unwrap_or_default();
        if !t.parameters.iter().any(|p| p.name == name) {
            return Err(Failure::invalid_param(format!(
                "templateParams[{i}].name {name:?} is not a parameter of template {}",
                t.id
            )));
        }
    }
    let title = input.text("title");
    let t = &mut state.org.templates[at];
    if let Some(title) = title {
        t.title = title;
    }
    for rule in rules {
        let name = rule
            .get("name")
            .and_then(super::text_of)
            .unwrap_or_default();
        if let Some(p) = t.parameters.iter_mut().find(|p| p.name == name) {
            if let Some(r) = rule.get("required").and_then(Value::as_bool) {
                p.required = r;
            }
            if let Some(r) = rule.get("readOnly").and_then(crate::fields::flag) {
                p.read_only = r;
            }
            if let Some(d) = rule.get("defaultValue").and_then(super::text_of) {
                p.default_value = Some(d);
            }
            if let Some(d) = rule.get("description").and_then(super::text_of) {
                p.description = Some(d);
            }
        }
    }
    if let Some(m) = managers {
        t.managers = m;
    }
    if let Some(r) = range {
        t.range = r;
    }
    t.modify_time = state.clock.text();
    Ok(Answer::Result(Value::Null))
}

fn status(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let at = template_at(state, &input)?;
    let t = &mut state.org.templates[at];
    t.status = match input.text("operate").as_deref() {
        Some("ENABLE") => "ENABLED",
        Some("DISABLE") => "DISABLE",
        _ => return Err(Failure::invalid_param("operate must be ENABLE or DISABLE")),
    };
    t.modify_time = state.clock.text();
    Ok(Answer::Result(Value::Null))
}

fn download(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let t = &state.org.templates[template_at(state, &input)?];
    Ok(Answer::File {
        file_name: t.file_name.clone(),
        content_type: DOCX_TYPE,
        bytes: t.bytes.clone(),
    })
}

fn remove(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let at = template_at(state, &input)?;
    let removed = state.org.templates.remove(at);
    for c in &mut state.org.categories {
        c.templates.retain(|t| *t != removed.id);
    }
    Ok(Answer::Result(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bytes: &[u8], rename: bool) -> Vec<String> {
        parameters_of(bytes, rename)
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    #[test]
    fn parameters_are_read_from_double_braces() {
        let doc =
            "甲方 {{甲方}} 乙方 {{ 乙方 }} 再 {{甲方}} {{}} {{a<b}} {{金额}} {{甲方}} {{未闭合";
        assert_eq!(names(doc.as_bytes(), false), ["甲方", "乙方", "金额"]);
        assert_eq!(
            names(doc.as_bytes(), true),
            ["甲方", "乙方", "甲方1", "金额", "甲方2"]
        );
        assert!(names(b"no parameters", false).is_empty());
        assert!(names(&[0xFF, b'{', b'{', b'x', b'}', b'}'], false) == ["x"]);
    }
}
