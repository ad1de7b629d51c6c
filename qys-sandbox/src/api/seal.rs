//! 印章管理 (spec §6): list, look up, create (drawn or from an image), edit, enable/disable and
//! delete seals, and download a seal's image.
//!
//! Rules of the sandbox:
//! - seals belong to the platform company or the sub-company named by `tenantName`; a seal ID
//!   unknown to the platform answers 1201 `SEAL NOT FOUND` (`11011201`);
//! - `/v2/seal/autocreate` creates a `NORMAL` `ENTERPRISE` seal at once, with a PNG the sandbox
//!   draws (red outline after `spec`); its users are `users` (employees, else 1701) or by
//!   default the company's seal administrators;
//! - `/v2/seal/createbyimage` is reviewed by the sandbox **at once**: the answer carries
//!   `applyId`, and before it returns a `SealReview` callback (§14.4: `applyId`, `result`,
//!   `detail` as JSON text) is queued to `callbackUrl` (else the app's URL). A PNG or JPEG image
//!   passes (`PASS`: the seal exists, `NORMAL`, with exactly the uploaded image, and `detail`
//!   has `sealId`); anything else is rejected (`REJECT` with `rejectReason`, no seal). An `LP`
//!   seal when the company has one answers `11011204`; an explicitly empty `sealUsers`
//!   `11011207`; an image over 10 MB `11990010`;
//! - `/v2/seal/status` sets `NORMAL` (`ENABLE`) or `FREEZE` (`DISABLE`); setting the state a
//!   seal already has succeeds;
//! - `/v2/seal/remove` deletes a `FREEZE` seal for good; a `NORMAL` one answers 1203;
//! - `/v2/seal/edit` renames and adds/removes users (employees, else 1701); the same request
//!   five times within an hour locks it for 18 hours (`11990006`);
//! - `/v2/seal/image` answers the image (`image/png`, or `image/jpeg` for JPEG uploads) named
//!   `<seal name>.png` / `.jpg`.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Schema, Ty, opt, req, window_list};
use crate::reply::Failure;
use crate::state::{CallbackKind, State};
use crate::state_org::{
    self, Seal, SealApplication, SealStatus, employee_ids, invalid_seal_status, seal_not_found,
    users_of,
};

use super::employee::EMPLOYEE_USER;

/// How long a repeated edit request is locked (the first time).
const EDIT_LOCK: Duration = Duration::from_secs(18 * 3600);

/// The largest seal image or LP letter (decoded).
const MAX_IMAGE: usize = 10 * 1024 * 1024;

/// The longest seal name (characters).
const MAX_NAME: usize = 100;

const STYLES: &[&str] = &[
    "UNIVERSAL_SEAL",
    "SPECIAL_SEAL",
    "SPECIAL_SEAL_WITHSTAR",
    "YOUTH_LEAGUE_SEAL",
    "FOREIGN_SEAL",
    "FOREIGN_MIX_SEAL",
];

/// The sizes of generated seals (§6.3).
const AUTO_SPECS: &[&str] = &[
    "CIRCULAR_42",
    "CIRCULAR_40",
    "CIRCULAR_44",
    "CIRCULAR_45",
    "OVAL_45_30",
];

/// The sizes of image seals (§6.6).
const IMAGE_SPECS: &[&str] = &[
    "CIRCULAR_60",
    "CIRCULAR_58",
    "CIRCULAR_50",
    "CIRCULAR_46",
    "CIRCULAR_45",
    "CIRCULAR_44",
    "CIRCULAR_42",
    "CIRCULAR_40",
    "CIRCULAR_38",
    "OVAL_45_30",
    "OVAL_40_30",
    "SQUARE_25_25",
    "SQUARE_22_22",
    "SQUARE_20_20",
    "SQUARE_18_18",
    "RECTANGLE_50_30",
    "RECTANGLE_40_16",
    "DIY_SPEC",
];

const LIST: Schema = window_list!(opt("status", Ty::Enum(&["NORMAL", "FREEZE", "ALL"])));

const BY_ID: Schema = Schema {
    fields: &[req("sealId", Ty::Id)],
    rules: &[],
};

const IMAGE_INFO: Schema = Schema {
    fields: &[
        req("style", Ty::Enum(STYLES)),
        opt("spec", Ty::Enum(AUTO_SPECS)),
        opt("branchName", Ty::Str),
        opt("foot", Ty::Str),
        opt("enterpriseCode", Ty::Str),
        opt("enContent", Ty::Str),
        opt("edgeWidth", Ty::Enum(&["1.5", "1.2"])),
        opt("starSize", Ty::Str),
    ],
    rules: &[],
};

const AUTO_CREATE: Schema = Schema {
    fields: &[
        req("name", Ty::Str),
        opt("tenantName", Ty::Str),
        req("sealImageInfo", Ty::Object(&IMAGE_INFO)),
        opt("users", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
    ],
    rules: &[],
};

const EDIT: Schema = Schema {
    fields: &[
        req("sealId", Ty::Id),
        opt("sealName", Ty::Str),
        opt("sealUsers", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
        opt("operate", Ty::Enum(&["ADD", "REMOVE"])),
    ],
    rules: &[],
};

const CREATE_BY_IMAGE: Schema = Schema {
    fields: &[
        req("sealName", Ty::Str),
        req("sealImage", Ty::Str),
        opt("sealType", Ty::Enum(&["ENTERPRISE", "LP"])),
        opt("lpLetter", Ty::Str),
        opt("sealSpec", Ty::Enum(IMAGE_SPECS)),
        opt("width", Ty::Int),
        opt("height", Ty::Int),
        opt("sealUsers", Ty::List(&Ty::Object(&EMPLOYEE_USER))),
        opt("tenantName", Ty::Str),
        opt("callbackUrl", Ty::Str),
    ],
    rules: &[],
};

const STATUS: Schema = Schema {
    fields: &[
        req("sealId", Ty::Id),
        req("operate", Ty::Enum(&["ENABLE", "DISABLE"])),
    ],
    rules: &[],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Get "/v2/seal/list", BodyKind::Query, LIST, list),
    route!(Get "/v2/seal/image", BodyKind::Query, BY_ID, image),
    route!(Post "/v2/seal/autocreate", BodyKind::Json, AUTO_CREATE, auto_create),
    route!(Get "/v2/seal/sealdetail", BodyKind::Query, BY_ID, detail),
    route!(Post "/v2/seal/edit", BodyKind::Json, EDIT, edit),
    route!(Post "/v2/seal/createbyimage", BodyKind::ImageJson, CREATE_BY_IMAGE, create_by_image),
    route!(Post "/v2/seal/status", BodyKind::Json, STATUS, status),
    route!(Get "/v2/seal/remove", BodyKind::Query, BY_ID, remove),
];

fn list(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let window = state_org::TimeWindow::of(&input)?;
    let wanted = input.text("status").unwrap_or_else(|| "NORMAL".to_owned());
    let items: Vec<Value> = state
        .org
        .seals
        .iter()
        .filter(|s| s.owner == owner)
        .filter(|s| wanted == "ALL" || s.status.as_str() == wanted)
        .filter(|s| window.contains(&s.modify_time))
        .map(Seal::summary_json)
        .collect();
    Ok(Answer::Result(state_org::page(&input, items)?))
}

/// The index of the seal `sealId` names.
fn seal_at(state: &State, input: &Input) -> Result<usize, Failure> {
    let id = input
        .text("sealId")
        .ok_or_else(|| Failure::invalid_param("sealId is required"))?;
    state.org.seal_index(&id).ok_or_else(|| seal_not_found(&id))
}

fn image(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let seal = &state.org.seals[seal_at(state, &input)?];
    let ext = if seal.image_type == "image/jpeg" {
        "jpg"
    } else {
        "png"
    };
    Ok(Answer::File {
        file_name: format!("{}.{ext}", seal.name),
        content_type: seal.image_type,
        bytes: seal.image.clone(),
    })
}

fn detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let seal = &state.org.seals[seal_at(state, &input)?];
    let mut out = seal.summary_json();
    if let Some(o) = out.as_object_mut() {
        o.insert(
            "users".into(),
            Value::Array(state.org.users_json(&seal.users)),
        );
        o.insert("tenantName".into(), json!(seal.owner));
    }
    Ok(Answer::Result(out))
}

fn check_name(name: &str, field: &str) -> Result<(), Failure> {
    if name.chars().count() > MAX_NAME {
        return Err(Failure::invalid_param(format!(
            "{field} is longer than {MAX_NAME} characters"
        )));
    }
    Ok(())
}

/// The seal administrators of `owner` (the default users of a new seal).
fn seal_admins(state: &State, owner: &str) -> Vec<String> {
    state
        .org
        .employees
        .iter()
        .filter(|e| e.owner == owner && e.roles.iter().any(|r| r == "SEAL_ADMIN"))
        .map(|e| e.id.clone())
        .collect()
}

/// Adds a `NORMAL` seal of `owner` made now, usable by `users`, with a fresh ID; answers the
/// ID.
fn add_seal(
    state: &mut State,
    owner: String,
    name: String,
    seal_type: String,
    spec: String,
    users: Vec<String>,
    (image, image_type): (Vec<u8>, &'static str),
) -> String {
    let now = state.clock.text();
    let id = state.org.new_id();
    state.org.seals.push(Seal {
        id: id.clone(),
        owner,
        name,
        seal_type,
        spec,
        status: SealStatus::Normal,
        users,
        image,
        image_type,
        create_time: now.clone(),
        modify_time: now,
    });
    id
}

fn auto_create(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let name = input
        .text("name")
        .ok_or_else(|| Failure::invalid_param("name is required"))?;
    check_name(&name, "name")?;
    let info = input
        .fields
        .get("sealImageInfo")
        .and_then(Value::as_object)
        .ok_or_else(|| Failure::invalid_param("sealImageInfo is required"))?;
    let text = |k: &str| info.get(k).and_then(super::text_of);
    let style = text("style").unwrap_or_default();
    if style == "SPECIAL_SEAL" && text("foot").is_none() {
        return Err(Failure::invalid_param(
            "sealImageInfo.foot is required for SPECIAL_SEAL",
        ));
    }
    if style == "FOREIGN_MIX_SEAL" {
        if text("enContent").is_none() {
            return Err(Failure::invalid_param(
                "sealImageInfo.enContent is required for FOREIGN_MIX_SEAL",
            ));
        }
        if text("foot").is_some() {
            return Err(Failure::invalid_param(
                "sealImageInfo.foot is not allowed for FOREIGN_MIX_SEAL",
            ));
        }
    }
    if let Some(code) = text("enterpriseCode")
        && (!(13..=15).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Failure::invalid_param(
            "sealImageInfo.enterpriseCode must be 13 to 15 digits",
        ));
    }
    let spec = text("spec").unwrap_or_else(|| "CIRCULAR_42".to_owned());
    let image = state_org::seal_png(&spec);
    state.org.room(image.len())?;
    let users = if input.fields.get("users").is_some_and(|v| !v.is_null()) {
        employee_ids(&state.org, &owner, &users_of(&input, "users"), "users")?
    } else {
        seal_admins(state, &owner)
    };
    let id = add_seal(
        state,
        owner,
        name,
        "ENTERPRISE".to_owned(),
        spec,
        users,
        (image, "image/png"),
    );
    Ok(Answer::Result(json!({ "id": id })))
}

fn edit(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let at = seal_at(state, &input)?;
    let key = format!("/v2/seal/edit {}", Value::Object(input.fields.clone()));
    let now = state.clock.since_epoch();
    state.org.limit(key, EDIT_LOCK, now)?;
    let name = input.text("sealName");
    if let Some(n) = &name {
        check_name(n, "sealName")?;
    }
    let owner = state.org.seals[at].owner.clone();
    let ids = employee_ids(
        &state.org,
        &owner,
        &users_of(&input, "sealUsers"),
        "sealUsers",
    )?;
    let add = input.text("operate").is_none_or(|o| o == "ADD");
    let seal = &mut state.org.seals[at];
    if let Some(n) = name {
        seal.name = n;
    }
    for id in ids {
        if add {
            if !seal.users.contains(&id) {
                seal.users.push(id);
            }
        } else {
            seal.users.retain(|u| *u != id);
        }
    }
    seal.modify_time = state.clock.text();
    Ok(Answer::Result(Value::Null))
}

/// Decodes a Base64 field (`sealImage`, `lpLetter`).
fn base64_field(input: &Input, field: &str) -> Result<Option<Vec<u8>>, Failure> {
    let Some(text) = input.text(field) else {
        return Ok(None);
    };
    if text.trim_start().starts_with("data:") {
        return Err(Failure::invalid_param(format!(
            "{field} must be plain Base64, without the data:...;base64, prefix"
        )));
    }
    let bytes = state_org::base64_decode(text.trim())
        .ok_or_else(|| Failure::invalid_param(format!("{field} is not valid Base64")))?;
    if bytes.len() > MAX_IMAGE {
        return Err(state_org::upload_oversize(format!(
            "{field} is larger than {MAX_IMAGE} bytes"
        )));
    }
    Ok(Some(bytes))
}

fn create_by_image(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let owner = state_org::owner(state, input.text("tenantName"))?;
    let name = input
        .text("sealName")
        .ok_or_else(|| Failure::invalid_param("sealName is required"))?;
    check_name(&name, "sealName")?;
    let image = base64_field(&input, "sealImage")?
        .ok_or_else(|| Failure::invalid_param("sealImage is required"))?;
    let seal_type = input
        .text("sealType")
        .unwrap_or_else(|| "ENTERPRISE".to_owned());
    let lp = seal_type == "LP";
    if lp && base64_field(&input, "lpLetter")?.is_none() {
        return Err(Failure::invalid_param(
            "lpLetter is required when sealType is LP",
        ));
    }
    let spec = input
        .text("sealSpec")
        .unwrap_or_else(|| if lp { "SQUARE_20_20" } else { "CIRCULAR_42" }.to_owned());
    let sized = input.text("width").is_some() || input.text("height").is_some();
    if spec == "DIY_SPEC" {
        for f in ["width", "height"] {
            match input.fields.get(f).and_then(Value::as_i64) {
                Some(v) if v > 0 => {}
                Some(v) => {
                    return Err(Failure::invalid_param(format!(
                        "{f} must be a positive number of millimetres, not {v}"
                    )));
                }
                None => {
                    return Err(Failure::invalid_param(format!(
                        "{f} is required with sealSpec DIY_SPEC"
                    )));
                }
            }
        }
    } else if sized {
        return Err(Failure::invalid_param(
            "width and height are only allowed with sealSpec DIY_SPEC",
        ));
    }
    let users = match input.fields.get("sealUsers") {
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(Failure::business(
                1207,
                "11011207",
                "SEAL USERS REQUIRED: sealUsers must not be empty",
            ));
        }
        Some(Value::Array(_)) => employee_ids(
            &state.org,
            &owner,
            &users_of(&input, "sealUsers"),
            "sealUsers",
        )?,
        _ => seal_admins(state, &owner),
    };
    if lp
        && state
            .org
            .seals
            .iter()
            .any(|s| s.owner == owner && s.seal_type == "LP")
    {
        return Err(Failure::business(
            1204,
            "11011204",
            format!("LP SEAL EXISTS: {owner} already has a legal representative seal"),
        ));
    }
    state.org.room(image.len())?;
    let apply_id = state.org.new_id();
    let (result, detail, seal_id) = match state_org::image_type(&image) {
        Some(image_type) => {
            let id = add_seal(
                state,
                owner,
                name.clone(),
                seal_type.clone(),
                spec,
                users,
                (image, image_type),
            );
            (
                "PASS",
                json!({"sealType": seal_type, "sealName": name, "sealId": id}),
                Some(id),
            )
        }
        None => (
            "REJECT",
            json!({
                "sealType": seal_type,
                "sealName": name,
                "rejectReason": "the seal image is not a PNG or JPEG image",
            }),
            None,
        ),
    };
    state
        .org
        .applications
        .insert(apply_id.clone(), SealApplication { seal_id });
    state.emit(
        CallbackKind::SealReview,
        input.text("callbackUrl"),
        state_org::fields([
            ("applyId", json!(apply_id)),
            ("result", json!(result)),
            ("detail", Value::String(detail.to_string())),
        ]),
    );
    Ok(Answer::Result(json!({ "applyId": apply_id })))
}

fn status(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let at = seal_at(state, &input)?;
    let seal = &mut state.org.seals[at];
    seal.status = match input.text("operate").as_deref() {
        Some("ENABLE") => SealStatus::Normal,
        Some("DISABLE") => SealStatus::Freeze,
        _ => return Err(Failure::invalid_param("operate must be ENABLE or DISABLE")),
    };
    seal.modify_time = state.clock.text();
    Ok(Answer::Result(Value::Null))
}

fn remove(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let at = seal_at(state, &input)?;
    if state.org.seals[at].status != SealStatus::Freeze {
        return Err(invalid_seal_status(format!(
            "seal {} is NORMAL: disable it before deleting it",
            state.org.seals[at].id
        )));
    }
    state.org.seals.remove(at);
    Ok(Answer::Result(Value::Null))
}
