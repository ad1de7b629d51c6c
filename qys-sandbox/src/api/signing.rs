//! 签署服务: signing by API, signing pages, reminders, recall and invalidation (spec §4).
//!
//! Rules (the flow itself is described in [`crate::state_contract`]):
//!
//! - `companysign` finishes the due `COMPANY` action, `legalpersonsign` the due `LP` action,
//!   `employeeaudit` the due `AUDIT` action, of the company signatory named `tenantName` (by
//!   default the contract's sponsor company). Only the platform company and its sub-companies
//!   sign by API (any other company → `11041802`). No such signatory, not its turn, or no such
//!   action due → 1107 `NOT SIGN STEP`. A `sealId` (or a position's `sealId`) the platform
//!   company does not have → 1201 `SEAL NOT FOUND`; without one, the action's first allowed
//!   seal or the company's seal is used. Positions of the wrong type → 1106.
//! - `employeeaudit` with `pass:false` stops the action and moves the contract to `REJECTED`.
//! - `personalsign` signs for the `PERSONAL` signatory whose receiver is `user` (or, with
//!   `companySignatory`, the due `PERSONAL`/`OPERATOR` action of that company). The sandbox
//!   does not require a prior 个人签名授权.
//! - `pageurl` answers a link for a signatory's receiver or an action's operator (anyone else
//!   → 1110 `NO VIEW PERMISSION`); `appointurl` only for drafts; `notice` for `SIGNING`
//!   contracts (also `INVALIDING` with `onlySigning:false`).
//! - `invalid`, `invalidbyfile`, `invalidbytemplate` and `invalidsign`: see
//!   [`crate::api::contract`].

use crate::pages::{LinkPage, mint};
use qys_proto::ContractId;
use serde_json::{Value, json};

use super::contract::{
    COMPANY_FIELD, COPY_SEND_RECEIVER, PAGE_STYLE_FIELD, STAMPER, TEMPLATE_PARAM, api_operator,
    bad_status, check_seal, check_stampers, contract_mut, emit, flag, locate, locate_by, not_found,
    not_sign_step, seal_not_found, settle, user_of,
};
use super::{Answer, BodyKind, Input, Route, text_of};
use crate::fields::{FILE_REQUIRED, Rule, Schema, Ty, USER, opt, req};
use crate::reply::Failure;
use crate::state::{ContractStatus, State};
use crate::state_contract::{ActionStatus, SignatoryStatus, StoredFile, TenantKind, pdf};

const LANGS: &[&str] = &["cn", "en"];
const EXPIRE_UNITS: &[&str] = &["MINUTES", "DAYS"];

/// `SignParam` of `companysign`, `legalpersonsign` and `invalidsign` (§4.1, §4.2, §4.11).
const SIGN_PARAM: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("sealId", Ty::Id),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt("locateAllStamperKeywords", Ty::Bool),
        opt("draftsmanName", Ty::Str),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/personalsign` (§4.12).
const PERSONAL_SIGN: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("user", Ty::Object(&USER)),
        opt("sealId", Ty::Id),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt("locateAllStamperKeywords", Ty::Bool),
        opt("companySignatory", COMPANY_FIELD),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/employeeaudit` (§4.3).
const AUDIT: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("pass", Ty::Bool),
        opt("comment", Ty::Str),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/notice` (§4.4).
const NOTICE: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("signatoryId", Ty::Id),
        opt("onlySigning", Ty::Bool),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/pageurl` (§4.5).
const PAGEURL: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("user", Ty::Object(&USER)),
        opt("pageType", Ty::Enum(&["SIGN", "PRINT", "DIRECT_SIGN"])),
        opt("callbackPage", Ty::Str),
        opt("hideReturnButton", Ty::Bool),
        opt("hideRecallButton", Ty::Bool),
        opt("hideRejectButton", Ty::Bool),
        opt("hideEndButton", Ty::Bool),
        opt("hideStateButton", Ty::Bool),
        opt("showResendButton", Ty::Bool),
        opt("allowPasswordSign", Ty::Bool),
        opt("hidePasswordSettings", Ty::Bool),
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyle", PAGE_STYLE_FIELD),
        opt("expireTime", Ty::Int),
        opt("expireTimeUnit", Ty::Enum(EXPIRE_UNITS)),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/appointurl` (§4.6).
const APPOINTURL: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt(
            "pageType",
            Ty::Enum(&["APPOINT", "FILL_PARAMETERS", "DRAFT"]),
        ),
        opt("callbackPage", Ty::Str),
        opt("allowedSend", Ty::Bool),
        opt("hideReturnButton", Ty::Bool),
        opt("lang", Ty::Enum(LANGS)),
        opt("pageStyle", PAGE_STYLE_FIELD),
        opt("canSaveOrClose", Ty::Bool),
        opt("specifyLocationButton", Ty::Bool),
        opt("fillParamButton", Ty::Bool),
        opt("expireTime", Ty::Int),
        opt("expireTimeUnit", Ty::Enum(EXPIRE_UNITS)),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/invalid` (§4.8).
const INVALID: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("sealId", Ty::Id),
        opt("reason", Ty::Str),
        opt("deleteDoc", Ty::Bool),
        opt("autoSign", Ty::Bool),
        opt("receivers", Ty::List(&Ty::Object(&COPY_SEND_RECEIVER))),
        opt("expireTime", Ty::Str),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `invalidInfo` of `/v2/contract/invalidbyfile` (§4.9).
const INVALID_INFO: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("title", Ty::Str),
        req("fileSuffix", Ty::Enum(super::contract::DOCUMENT_SUFFIXES)),
        opt("deleteDoc", Ty::Bool),
        opt("invalidReason", Ty::Str),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt("locateAllStamperKeywords", Ty::Bool),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

/// `POST /v2/contract/invalidbyfile` (§4.9, multipart).
const INVALID_BY_FILE: Schema = Schema {
    fields: &[
        req("invalidInfo", Ty::Object(&INVALID_INFO)),
        opt("receivers", Ty::List(&Ty::Object(&COPY_SEND_RECEIVER))),
    ],
    rules: &[],
};

/// `POST /v2/contract/invalidbytemplate` (§4.10).
const INVALID_BY_TEMPLATE: Schema = Schema {
    fields: &[
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        req("templateId", Ty::Id),
        opt("templateParams", Ty::List(&Ty::Object(&TEMPLATE_PARAM))),
        opt("title", Ty::Str),
        opt("deleteDoc", Ty::Bool),
        opt("invalidReason", Ty::Str),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
    ],
    rules: &[Rule::ExactlyOne(&["contractId", "bizId"])],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/contract/companysign", BodyKind::Json, SIGN_PARAM, company_sign),
    route!(Post "/v2/contract/legalpersonsign", BodyKind::Json, SIGN_PARAM, legal_person_sign),
    route!(Post "/v2/contract/employeeaudit", BodyKind::Json, AUDIT, employee_audit),
    route!(Post "/v2/contract/notice", BodyKind::Json, NOTICE, notice),
    route!(Post "/v2/contract/pageurl", BodyKind::Json, PAGEURL, pageurl),
    route!(Post "/v2/contract/appointurl", BodyKind::Json, APPOINTURL, appointurl),
    route!(Post "/v2/contract/invalid", BodyKind::Json, INVALID, invalid),
    route!(Post "/v2/contract/invalidbyfile", BodyKind::Multipart(FILE_REQUIRED), INVALID_BY_FILE, invalid_by_file),
    route!(Post "/v2/contract/invalidbytemplate", BodyKind::Json, INVALID_BY_TEMPLATE, invalid_by_template),
    route!(Post "/v2/contract/invalidsign", BodyKind::Json, SIGN_PARAM, invalid_sign),
    route!(Post "/v2/contract/personalsign", BodyKind::Json, PERSONAL_SIGN, personal_sign),
];

const COMPANY_STAMPERS: &[&str] = &[
    "COMPANY",
    "TIMESTAMP",
    "ACROSS_PAGE",
    "ACROSS_PAGE_ODD",
    "ACROSS_PAGE_EVEN",
    "ACROSS_PAGE_SCOPE",
];

/// The seal a signing call names (`sealId`, else the first position's), checked.
fn chosen_seal(state: &State, input: &Input) -> Result<Option<String>, Failure> {
    let seal = input.text("sealId").or_else(|| {
        input
            .fields
            .get("stampers")
            .and_then(Value::as_array)
            .and_then(|l| l.iter().find_map(|s| s.get("sealId").and_then(text_of)))
    });
    if let Some(s) = &seal {
        check_seal(state, s)?;
    }
    Ok(seal)
}

/// Finishes the due action of `kind` of the company signatory named by the call.
fn sign_action(
    state: &mut State,
    input: &Input,
    kind: &str,
    allowed: Option<&[&str]>,
    callback: &'static str,
) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, input)?;
    let seal = chosen_seal(state, input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    if c.status != ContractStatus::Signing {
        return Err(bad_status(c.status, "SIGNING"));
    }
    check_stampers(state, c, input.fields.get("stampers"), allowed)?;
    let company = input
        .text("tenantName")
        .unwrap_or_else(|| c.owner(&state.org.platform).to_owned());
    // Only the platform company and its sub-companies sign by API (§4), with their own seals.
    if !state.org.is_member(&company) {
        return Err(crate::state_org::company_no_permission(&company));
    }
    if let Some(s) = &seal
        && let Some(at) = state.org.seal_index(s)
        && state.org.seals[at].owner != company
    {
        return Err(seal_not_found(&format!("{s} (not a seal of {company})")));
    }
    let default_seal = state.org.default_seal().to_owned();
    let c = contract_mut(state, &id)?;
    let (index, signatory) = c
        .signatories
        .iter_mut()
        .enumerate()
        .find(|(_, s)| {
            s.kind == TenantKind::Company
                && s.tenant_name.as_deref() == Some(company.as_str())
                && s.status != SignatoryStatus::Signed
        })
        .ok_or_else(|| {
            not_sign_step(format!(
                "{company} has no signatory of this contract waiting to sign"
            ))
        })?;
    if signatory.status != SignatoryStatus::Signing {
        return Err(not_sign_step(format!("it is not {company}'s turn to sign")));
    }
    let action = signatory
        .actions
        .iter_mut()
        .find(|a| a.kind == kind && a.status == ActionStatus::Start)
        .ok_or_else(|| not_sign_step(format!("{company} has no {kind} action due")))?;
    if let Some(s) = &seal
        && !action.seal_ids.is_empty()
        && !action.seal_ids.contains(s)
    {
        return Err(seal_not_found(&format!(
            "{s} (not among the seals this action allows)"
        )));
    }
    action.status = ActionStatus::Finish;
    action.used_seal = Some(
        seal.or_else(|| action.seal_ids.first().cloned())
            .unwrap_or(default_seal),
    );
    let used = action.used_seal.clone().unwrap_or_default();
    c.record(
        &stamp,
        "MODIFY",
        &format!("{kind}_SIGN"),
        &company,
        format!("{kind} action finished with seal {used}"),
    );
    settle(state, &id, vec![(callback, Some(index))]);
    Ok(Answer::Result(Value::Null))
}

fn company_sign(state: &mut State, input: Input) -> Result<Answer, Failure> {
    sign_action(state, &input, "COMPANY", Some(COMPANY_STAMPERS), "SEAL")
}

fn legal_person_sign(state: &mut State, input: Input) -> Result<Answer, Failure> {
    sign_action(
        state,
        &input,
        "LP",
        Some(&["LP", "TIMESTAMP"]),
        "LEGAL_PERSON",
    )
}

fn employee_audit(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    if flag(&input, "pass") == Some(true) {
        return sign_action(state, &input, "AUDIT", None, "AUDIT");
    }
    let id = locate(state, &input)?;
    let c = contract_mut(state, &id)?;
    if c.status != ContractStatus::Signing {
        return Err(bad_status(c.status, "SIGNING"));
    }
    let due = c.signatories.iter_mut().enumerate().find_map(|(i, s)| {
        let found = s.status == SignatoryStatus::Signing
            && s.actions
                .iter()
                .any(|a| a.kind == "AUDIT" && a.status == ActionStatus::Start);
        found.then_some((i, s))
    });
    let Some((index, s)) = due else {
        return Err(not_sign_step("no AUDIT action is due"));
    };
    for a in &mut s.actions {
        if a.kind == "AUDIT" && a.status == ActionStatus::Start {
            a.status = ActionStatus::Stop;
        }
    }
    s.status = SignatoryStatus::Rejected;
    let who = s.tenant_name.clone().unwrap_or_default();
    let comment = input.text("comment").unwrap_or_default();
    c.status = ContractStatus::Rejected;
    c.close_open(ActionStatus::Stop);
    if let Some(s) = c.signatories.get_mut(index) {
        s.status = SignatoryStatus::Rejected;
    }
    c.comments = Some(comment.clone());
    c.record(&stamp, "MODIFY", "AUDIT_REJECTED", &who, comment);
    emit(state, &id, "REJECTED", Some(index));
    Ok(Answer::Result(Value::Null))
}

fn personal_sign(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let user = user_of(input.fields.get("user"))
        .ok_or_else(|| Failure::invalid_param("user is required"))?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    if c.status != ContractStatus::Signing {
        return Err(bad_status(c.status, "SIGNING"));
    }
    check_stampers(
        state,
        c,
        input.fields.get("stampers"),
        Some(&["PERSONAL", "TIMESTAMP"]),
    )?;
    let company = input.fields.get("companySignatory").map(|o| {
        (
            o.get("id").and_then(text_of),
            o.get("name").and_then(text_of),
        )
    });
    let c = contract_mut(state, &id)?;
    let who = user.name.clone().unwrap_or_else(|| user.contact.clone());
    let (index, callback) = if let Some((cid, cname)) = company {
        let (index, s) = c
            .signatories
            .iter_mut()
            .enumerate()
            .find(|(_, s)| {
                s.kind == TenantKind::Company
                    && (cid.as_deref() == Some(s.id.as_str())
                        || (cname.is_some() && s.tenant_name == cname))
            })
            .ok_or_else(|| not_sign_step("companySignatory is not a signatory of this contract"))?;
        if s.status != SignatoryStatus::Signing {
            return Err(not_sign_step("it is not this company's turn to sign"));
        }
        let action = s
            .actions
            .iter_mut()
            .find(|a| {
                matches!(a.kind.as_str(), "PERSONAL" | "OPERATOR")
                    && a.status == ActionStatus::Start
                    && (a.operators.is_empty()
                        || a.operators.iter().any(|o| o.contact == user.contact))
            })
            .ok_or_else(|| not_sign_step("no personal-signature action of this user is due"))?;
        action.status = ActionStatus::Finish;
        let callback = if action.kind == "OPERATOR" {
            "OPERATOR"
        } else {
            "AUDIT_SIGN"
        };
        (index, callback)
    } else {
        let (index, s) = c
            .signatories
            .iter_mut()
            .enumerate()
            .find(|(_, s)| {
                s.kind == TenantKind::Personal
                    && s.status != SignatoryStatus::Signed
                    && s.receiver.as_ref().is_some_and(|r| {
                        r.contact == user.contact && r.contact_type == user.contact_type
                    })
            })
            .ok_or_else(|| {
                not_sign_step(format!(
                    "{} is not a personal signatory waiting to sign",
                    user.contact
                ))
            })?;
        if s.status != SignatoryStatus::Signing {
            return Err(not_sign_step(format!(
                "it is not {}'s turn to sign",
                user.contact
            )));
        }
        s.status = SignatoryStatus::Signed;
        (index, "PERSONAL")
    };
    c.record(
        &stamp,
        "MODIFY",
        "PERSONAL_SIGN",
        &who,
        "personal signature applied",
    );
    settle(state, &id, vec![(callback, Some(index))]);
    Ok(Answer::Result(Value::Null))
}

fn notice(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    let only_signing = flag(&input, "onlySigning") != Some(false);
    let ok = c.status == ContractStatus::Signing
        || (!only_signing && c.status == ContractStatus::Invaliding);
    if !ok {
        return Err(bad_status(
            c.status,
            if only_signing {
                "SIGNING"
            } else {
                "SIGNING or INVALIDING"
            },
        ));
    }
    let reminded: Vec<String> = match input.text("signatoryId") {
        Some(sid) => {
            let s = c.signatories.iter().find(|s| s.id == sid).ok_or_else(|| {
                Failure::invalid_param(format!(
                    "signatoryId {sid} is not a signatory of contract {id}"
                ))
            })?;
            if s.status != SignatoryStatus::Signing {
                return Err(not_sign_step(format!("signatory {sid} is not due to sign")));
            }
            vec![sid]
        }
        None => c
            .signatories
            .iter()
            .filter(|s| s.status == SignatoryStatus::Signing)
            .map(|s| s.id.clone())
            .collect(),
    };
    c.record(
        &stamp,
        "MODIFY",
        "NOTICE",
        &operator,
        format!("reminded {}", reminded.join(",")),
    );
    Ok(Answer::Result(Value::Null))
}

fn pageurl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let user = user_of(input.fields.get("user"))
        .ok_or_else(|| Failure::invalid_param("user is required"))?;
    let c = contract_mut(state, &id)?;
    if c.status == ContractStatus::Draft {
        return Err(bad_status(c.status, "a sent contract"));
    }
    let party = c.signatories.iter().any(|s| {
        s.receiver
            .as_ref()
            .is_some_and(|r| r.contact == user.contact)
            || s.actions
                .iter()
                .any(|a| a.operators.iter().any(|o| o.contact == user.contact))
    });
    if !party {
        return Err(Failure::business(
            1110,
            "11011110",
            format!(
                "NO VIEW PERMISSION: {} is not a party of this contract",
                user.contact
            ),
        ));
    }
    let who = user.name.clone().unwrap_or_else(|| user.contact.clone());
    c.record(&stamp, "VIEW", "PAGE_URL", &who, "signing page link issued");
    let next = input.text("callbackPage");
    let url = mint(state, LinkPage::Sign, id.as_str(), Some(user), next);
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

fn appointurl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    if c.status != ContractStatus::Draft {
        return Err(bad_status(c.status, "DRAFT"));
    }
    c.record(
        &stamp,
        "VIEW",
        "APPOINT_URL",
        &operator,
        "pre-signing page link issued",
    );
    let next = input.text("callbackPage");
    let url = mint(state, LinkPage::Appoint, id.as_str(), None, next);
    Ok(Answer::Result(json!({ "pageUrl": url })))
}

fn invalid(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    if let Some(seal) = input.text("sealId") {
        check_seal(state, &seal)?;
    }
    let reason = input.text("reason");
    let status = state.contracts.get(&id).ok_or_else(not_found)?.status;
    match status {
        ContractStatus::Draft => {
            if let Some(c) = state.contracts.remove(&id) {
                for d in &c.documents {
                    state.contract_book.documents.remove(d);
                }
            }
        }
        ContractStatus::Signing => {
            let c = contract_mut(state, &id)?;
            c.status = ContractStatus::Recalled;
            c.close_open(ActionStatus::Stop);
            c.comments.clone_from(&reason);
            c.record(
                &stamp,
                "MODIFY",
                "RECALL",
                &operator,
                reason.unwrap_or_default(),
            );
            emit(state, &id, "RECALLED", None);
        }
        ContractStatus::Complete => {
            let auto = flag(&input, "autoSign") != Some(false);
            let c = contract_mut(state, &id)?;
            c.invalid_reason.clone_from(&reason);
            c.status = if auto {
                ContractStatus::Invalided
            } else {
                ContractStatus::Invaliding
            };
            c.record(
                &stamp,
                "MODIFY",
                "INVALID",
                &operator,
                reason.unwrap_or_default(),
            );
            emit(
                state,
                &id,
                if auto { "INVALIDED" } else { "INVALIDING" },
                None,
            );
        }
        other => return Err(bad_status(other, "DRAFT, SIGNING or COMPLETE")),
    }
    Ok(Answer::Result(Value::Null))
}

/// Starts an invalidation with `file` as the invalidation document.
fn start_invalidation(
    state: &mut State,
    id: &ContractId,
    file: StoredFile,
    reason: Option<String>,
) -> Result<(), Failure> {
    let stamp = state.clock.text();
    let operator = api_operator(state, id);
    let c = contract_mut(state, id)?;
    if c.status != ContractStatus::Complete {
        return Err(bad_status(c.status, "COMPLETE"));
    }
    c.status = ContractStatus::Invaliding;
    c.invalid_reason.clone_from(&reason);
    let title = file.title.clone();
    c.files.push(file);
    c.record(
        &stamp,
        "MODIFY",
        "INVALID",
        &operator,
        format!("invalidation document {title}"),
    );
    emit(state, id, "INVALIDING", None);
    Ok(())
}

fn invalid_by_file(state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    let info = input
        .fields
        .get("invalidInfo")
        .cloned()
        .unwrap_or(Value::Null);
    let text = |n: &str| info.get(n).and_then(text_of);
    let id = locate_by(
        state,
        text("contractId").as_deref(),
        text("bizId").as_deref(),
        text("tenantName").as_deref(),
    )?;
    let file = input
        .take_file("file")
        .ok_or_else(|| Failure::invalid_param("file is required (a file part)"))?;
    if file.bytes.is_empty() {
        return Err(Failure::business(
            1403,
            "11011403",
            "INVALID FILE: the file is empty",
        ));
    }
    {
        let c = state.contracts.get(&id).ok_or_else(not_found)?;
        check_stampers(state, c, info.get("stampers"), None)?;
    }
    let suffix = text("fileSuffix").unwrap_or_else(|| "pdf".to_owned());
    let title = text("title").unwrap_or_else(|| "作废声明".to_owned());
    start_invalidation(
        state,
        &id,
        StoredFile {
            file_name: format!("{title}.{suffix}"),
            title,
            bytes: file.bytes,
            kind: "INVALID",
        },
        text("invalidReason"),
    )?;
    Ok(Answer::Result(Value::Null))
}

fn invalid_by_template(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = locate(state, &input)?;
    let template = input.text("templateId").unwrap_or_default();
    let title = input.text("title").unwrap_or_else(|| "作废声明".to_owned());
    let mut lines = vec![
        "qys-sandbox invalidation document".to_owned(),
        format!("contract {id}, template {template}"),
    ];
    for p in input
        .fields
        .get("templateParams")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        lines.push(format!(
            "{} = {}",
            p.get("name").and_then(text_of).unwrap_or_default(),
            p.get("value").and_then(text_of).unwrap_or_default()
        ));
    }
    {
        let c = state.contracts.get(&id).ok_or_else(not_found)?;
        check_stampers(state, c, input.fields.get("stampers"), None)?;
    }
    start_invalidation(
        state,
        &id,
        StoredFile {
            file_name: format!("{title}.pdf"),
            title,
            bytes: pdf::pages_pdf(&[lines]),
            kind: "INVALID",
        },
        input.text("invalidReason"),
    )?;
    Ok(Answer::Result(Value::Null))
}

fn invalid_sign(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    chosen_seal(state, &input)?;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    if c.status != ContractStatus::Invaliding {
        return Err(bad_status(c.status, "INVALIDING"));
    }
    c.status = ContractStatus::Invalided;
    c.record(
        &stamp,
        "MODIFY",
        "INVALID_SIGN",
        &operator,
        "invalidation document sealed",
    );
    emit(state, &id, "INVALIDED", None);
    Ok(Answer::Result(Value::Null))
}
