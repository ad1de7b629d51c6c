//! 合同管理: drafts, sending, viewing, detail, list, downloads, force end, watermarks, delay,
//! the operation log, resend/modify, join links and the health check (spec §3, sdks §9).
//!
//! The rules every contract endpoint follows (see also [`crate::state_contract`] for the
//! signing flow):
//!
//! - A contract is named by `contractId`, or by `bizId` (with `tenantName` for a sub-company's
//!   contract); an unknown one answers `{code:3004, responseCode:"11101003"}`.
//! - A call on a contract in the wrong state answers 1101 `INVALID CONTRACT STATUS`.
//! - `draft` creates a `DRAFT` (or overwrites the draft named by `id` or `bizId`); IDs are fresh
//!   19-digit numbers. `subject` is required (the sandbox has no category that generates
//!   titles). A draft has no documents until one is added; `send` (or `draft` with
//!   `send:true`) without a document answers 1401 `DOCUMENT REQUIRED`. Sending sets
//!   `publishTime` and, when the draft gave none, an `expireTime` 30 days later.
//! - `invalid`: a `DRAFT` is deleted, a `SIGNING` contract is `RECALLED`, a `COMPLETE` one is
//!   `INVALIDED` at once (`autoSign` true, the default: the sandbox takes the other parties'
//!   agreement as given) or `INVALIDING` until `invalidsign` (`autoSign:false`, and the
//!   custom-file and template invalidations). `forceend` moves a `SIGNING` contract to
//!   `FORCE_END`; `delay` moves the deadline of a `SIGNING` or `EXPIRED` one (an `EXPIRED`
//!   contract whose new deadline is in the future is `SIGNING` again).
//! - Downloads: `/v2/contract/download` answers a ZIP (stored entries) of the asked items
//!   (default `CONTRACT,SIGNLOG`; `CONTRACT` is every document as uploaded, `SIGNLOG` and
//!   `NOTARY` generated PDFs, `ENDSIGN_ATTACHMENT` the force-end attachments, `CERT` a text
//!   note), or the single file when there is one and `needCompressForOneFile` is false.
//!   Names are the documents' titles, prefixed by the item kind unless `fileNameRule` is
//!   `ORIGINAL`.
//! - Links (view, sign, appoint, short, join, download) are `{base}/sandbox/<kind>/<id>?token=…`;
//!   they are not served.
//! - `list` filters by `status`, `tenantName` (none: the platform company's own),
//!   `categoryId`/`categoryName` and the `publishTime` range (given only: no default window),
//!   newest first unless `createTimeOrder` is `ASC`; `signatoryType` is accepted and ignored
//!   (every contract is the sponsor's). `totalCount` counts every match.
//! - Every change is logged (`/v2/contract/stream`: `VIEW`, `MODIFY`, `DOWNLOAD` entries) and
//!   each state change queues a contract callback (§14.1) to the draft's `callbackUrl`.

use crate::pages::{LinkPage, mint};
use qys_proto::{ContractId, DocumentId};
use serde_json::{Map, Value, json};

use super::{Answer, BodyKind, Input, Route, text_of};
pub(super) use super::{user_json, user_of};
use crate::clock::{format_time, parse_time};
use crate::fields::{
    COMPANY, CONTRACT_REF, FILE_REQUIRED, LANGS, NONE, PAGE_STYLE, PERSONAL_FIELDS, Rule, Schema,
    Ty, USER, contract_ref, opt, req,
};
use crate::reply::Failure;
use crate::state::{CallbackKind, Contract, ContractStatus, State};
use crate::state_contract::{
    Action, ActionStatus, ContractBook, LogEntry, Signatory, SignatoryStatus, StoredFile,
    TenantKind, callback_fields, pdf, zip,
};

// --- field tables (spec §2, §3; sdks §9) -------------------------------------------------------

/// `fileSuffix` values (§3.2).
pub(super) const DOCUMENT_SUFFIXES: &[&str] = &[
    "doc", "docx", "pdf", "jpeg", "png", "jpg", "gif", "tiff", "html", "htm", "xls", "xlsx",
];
const STAMPER_TYPES: &[&str] = &[
    "COMPANY",
    "PERSONAL",
    "LP",
    "OPERATOR",
    "TIMESTAMP",
    "ACROSS_PAGE",
    "ACROSS_PAGE_ODD",
    "ACROSS_PAGE_EVEN",
    "ACROSS_PAGE_SCOPE",
];
const DATE_PATTERNS: &[&str] = &["HYPHEN", "Chinese", "ALL_Chinese", "ENGLISH"];
const ACTION_TYPES: &[&str] = &["COMPANY", "OPERATOR", "LP", "AUDIT", "PERSONAL", "PRACTICE"];
const TENANT_TYPES: &[&str] = &["COMPANY", "PERSONAL"];
pub(super) const SIGN_VALIDATE_WAYS: &[&str] = &[
    "SAAS_CONFIG",
    "DEFAULT",
    "SIGNPWD",
    "PIN",
    "FACE",
    "FACE_DEFAULT",
];
const STAMPER_RULES: &[&str] = &["MUST_FORBID", "MUST_ALLOW", "OPTIONAL"];
const DOWNLOAD_ITEMS: &[&str] = &[
    "CONTRACT",
    "SIGNLOG",
    "ATTACHMENT",
    "NOTARY",
    "ENDSIGN_ATTACHMENT",
    "CERT",
];

/// `Stamper` (§2.7).
pub(super) const STAMPER: Schema = Schema {
    fields: &[
        opt("actionId", Ty::Id),
        opt("signatoryId", Ty::Id),
        req("type", Ty::Enum(STAMPER_TYPES)),
        opt("acrossType", Ty::Enum(&["SINGLE_DOCUMENT", "ALL_DOCUMENT"])),
        opt("sealPageConfig", Ty::Str),
        opt("documentId", Ty::Id),
        opt("documentIds", Ty::Str),
        opt("sealId", Ty::Id),
        opt("keyword", Ty::Str),
        opt("keywordIndex", Ty::Int),
        opt("page", Ty::Int),
        opt("offsetX", Ty::Num),
        opt("offsetY", Ty::Num),
        opt("datePattern", Ty::Enum(DATE_PATTERNS)),
        opt("datePatterns", Ty::List(&Ty::Enum(DATE_PATTERNS))),
        opt("width", Ty::Int),
        opt("height", Ty::Int),
        opt("rotationDegrees", Ty::Num),
    ],
    rules: &[],
};

/// `Action` (§2.6).
const ACTION: Schema = Schema {
    fields: &[
        opt("id", Ty::Id),
        req("type", Ty::Enum(ACTION_TYPES)),
        opt("name", Ty::Str),
        opt("serialNo", Ty::Int),
        opt("corpSealIds", Ty::List(&Ty::Id)),
        opt("corpOperators", Ty::List(&Ty::Object(&USER))),
        opt("sealId", Ty::Id),
        opt("sealIds", Ty::List(&Ty::Id)),
        opt("operators", Ty::List(&Ty::Object(&USER))),
        opt("autoSign", Ty::Bool),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt("actionNo", Ty::Str),
        opt("status", Ty::Str),
    ],
    rules: &[],
};

/// `Category` (§2.3).
const CATEGORY: Schema = Schema {
    fields: &[opt("id", Ty::Id), opt("name", Ty::Str)],
    rules: &[],
};

/// `Signatory` (§2.5).
pub(super) const SIGNATORY: Schema = Schema {
    fields: &[
        opt("id", Ty::Id),
        req("tenantType", Ty::Enum(TENANT_TYPES)),
        opt("tenantName", Ty::Str),
        opt("receiver", Ty::Object(&USER)),
        opt("serialNo", Ty::Int),
        opt("actions", Ty::List(&Ty::Object(&ACTION))),
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt(
            "attachments",
            Ty::List(&Ty::Object(&Schema {
                fields: &[
                    opt("id", Ty::Id),
                    opt("title", Ty::Str),
                    opt("required", Ty::Bool),
                    opt("needSign", Ty::Bool),
                ],
                rules: &[],
            })),
        ),
        opt(
            "userAuthInfo",
            Ty::Object(&Schema {
                fields: &[
                    opt("idCardNo", Ty::Str),
                    opt("bankNo", Ty::Str),
                    opt("bankMobile", Ty::Str),
                    opt("modifyFields", Ty::List(&Ty::Enum(PERSONAL_FIELDS))),
                ],
                rules: &[],
            }),
        ),
        opt("category", Ty::Object(&CATEGORY)),
        opt("defaultCategoryAccepted", Ty::Bool),
        opt("delaySet", Ty::Bool),
        opt("fixedFlow", Ty::Bool),
        opt("signatoryNo", Ty::Str),
        opt("signValidateWay", Ty::Enum(SIGN_VALIDATE_WAYS)),
        opt("status", Ty::Str),
        opt("sponsor", Ty::Bool),
    ],
    rules: &[],
};

/// `TemplateParam` (§2.8).
pub(super) const TEMPLATE_PARAM: Schema = Schema {
    fields: &[
        req("name", Ty::Str),
        opt("value", Ty::Str),
        opt("signatoryId", Ty::Id),
        opt("readOnly", Ty::Flag),
        opt("required", Ty::Bool),
        opt("defaultValue", Ty::Str),
        opt("description", Ty::Str),
    ],
    rules: &[],
};

/// `CopySendReceiver` (§2.9).
pub(super) const COPY_SEND_RECEIVER: Schema = Schema {
    fields: &[
        req("name", Ty::Str),
        // Only the name is required (契约锁 doc page 创建合同草稿, CopySendReceiver; 抄送合同).
        opt("receiver", Ty::Object(&USER)),
        opt("prohibitType", Ty::Str),
        opt("copySendPersonType", Ty::Str),
        opt("createTime", Ty::Str),
        opt("send", Ty::Str),
    ],
    rules: &[],
};

const CUSTOM_FIELD: Schema = Schema {
    fields: &[
        opt("key", Ty::Str),
        opt("name", Ty::Str),
        opt("value", Ty::Str),
    ],
    rules: &[Rule::AtLeastOne(&["key", "name"])],
};

/// The fields of a `Contract` (§3.1) between the request's own `[$head]` and `[$tail]`:
/// `subject` … `notifySponsor`, with `signatories` made by `$signatories` (`req` or `opt`); the
/// schema has the rules `[$rule]`.
macro_rules! contract_body {
    ([$($head:expr),* $(,)?], $signatories:ident, [$($tail:expr),* $(,)?], [$($rule:expr),* $(,)?]) => {
        Schema {
            fields: &[
                $($head,)*

                opt("subject", Ty::Str),
                opt("description", Ty::Str),
                opt("sn", Ty::Str),
                opt("expireTime", Ty::Str),
                opt("endTime", Ty::Str),
                opt("ordinal", Ty::Bool),
                opt("send", Ty::Bool),
                opt("category", Ty::Object(&CATEGORY)),
                opt("creator", Ty::Object(&USER)),
                $signatories("signatories", Ty::List(&Ty::Object(&SIGNATORY))),
                opt("templateParams", Ty::List(&Ty::Object(&TEMPLATE_PARAM))),
                opt(
                    "signFlowStrategy",
                    Ty::Enum(&["ALL_SIGN_FINISH", "ANY_SIGN_FINISH"]),
                ),
                opt("stamperRule", Ty::Enum(STAMPER_RULES)),
                opt("copySendTime", Ty::Enum(&["SEND", "FINISH"])),
                opt(
                    "copySendReceivers",
                    Ty::List(&Ty::Object(&COPY_SEND_RECEIVER)),
                ),
                opt("tags", Ty::Str),
                opt("relatedContractIds", Ty::List(&Ty::Id)),
                opt("customFields", Ty::List(&Ty::Object(&CUSTOM_FIELD))),
                opt("businessData", Ty::Str),
                opt("callbackUrl", Ty::Str),
                opt("notifySponsor", Ty::Bool),
                $($tail,)*
            ],
            rules: &[$($rule,)*],
        }
    };
}

/// `POST /v2/contract/draft` (§3.1): the `Contract`.
const DRAFT: Schema = contract_body!(
    [
        opt("id", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
    ],
    req,
    [
        opt("invalidExpireTime", Ty::Str),
        opt("invalidFailType", Ty::Str),
    ],
    []
);

/// `POST /v2/contract/send` (§3.5).
const SEND: Schema = contract_ref!(
    [
        opt("stampers", Ty::List(&Ty::Object(&STAMPER))),
        opt("stamperRule", Ty::Enum(STAMPER_RULES)),
        opt("locateAllStamperKeywords", Ty::Bool),
    ],
    []
);

/// `POST /v2/contract/copysend` (§3.6).
const COPYSEND: Schema = contract_ref!(
    [req("receivers", Ty::List(&Ty::Object(&COPY_SEND_RECEIVER))),],
    []
);

/// `GET /v2/contract/viewurl` (§3.9).
const VIEWURL: Schema = contract_ref!(
    [
        opt("documentId", Ty::Id),
        opt("lang", Ty::Enum(LANGS)),
        opt("themeColor", Ty::Str),
        opt("downloadButton", Ty::Bool),
        opt("printButton", Ty::Bool),
    ],
    []
);

/// `GET /v2/contract/detail` (§3.10).
const DETAIL: Schema = contract_ref!(
    [
        opt("queryActionOperator", Ty::Bool),
        opt("queryLocation", Ty::Bool),
        opt("queryRelatedContract", Ty::Bool),
        opt("querySealStats", Ty::Bool),
        opt("queryOperatorRealInfo", Ty::Bool),
    ],
    []
);

/// `GET /v2/contract/list` (§3.11).
const LIST: Schema = Schema {
    fields: &[
        opt(
            "status",
            Ty::Enum(&[
                "DRAFT",
                "FILLING",
                "SIGNING",
                "COMPLETE",
                "REJECTED",
                "RECALLED",
                "EXPIRED",
                "INVALIDING",
                "INVALIDED",
                "FORCE_END",
            ]),
        ),
        opt("selectOffset", Ty::Int),
        opt("selectLimit", Ty::Int),
        opt("tenantName", Ty::Str),
        opt("createTimeOrder", Ty::Enum(&["ASC", "DESC"])),
        opt("categoryId", Ty::Id),
        opt("categoryName", Ty::Str),
        opt("publishTimeStart", Ty::Str),
        opt("publishTimeEnd", Ty::Str),
        opt("signatoryType", Ty::Enum(&["SPONSOR", "RECEIVER", "ALL"])),
    ],
    rules: &[],
};

/// `GET /v2/contract/download` (§3.12).
const DOWNLOAD: Schema = contract_ref!(
    [
        opt("downloadItems", Ty::CommaList(DOWNLOAD_ITEMS)),
        opt("needCompressForOneFile", Ty::Bool),
        opt("fileNameRule", Ty::Enum(&["DEFAULT", "ORIGINAL"])),
    ],
    []
);

/// `GET /v2/contract/downloadurl` (§3.19).
const DOWNLOADURL: Schema = contract_ref!(
    [
        opt("downloadItems", Ty::CommaList(DOWNLOAD_ITEMS)),
        opt("compress", Ty::Bool),
    ],
    []
);

/// `POST /v2/contract/forceend` (§3.14).
const FORCEEND: Schema = contract_ref!([req("reason", Ty::Str),], []);

/// `POST /v2/contract/forceend/addattachment` (§3.15, multipart).
const FORCEEND_ATTACHMENT: Schema = contract_ref!(
    [
        req("title", Ty::Str),
        req("fileSuffix", Ty::Enum(DOCUMENT_SUFFIXES)),
    ],
    []
);

/// `Watermark` (§3.16).
const WATERMARK: Schema = Schema {
    fields: &[
        req(
            "type",
            Ty::Enum(&["NO", "TEXT", "QRCODE", "PIC", "GRATING", "NOTARY"]),
        ),
        opt("content", Ty::Str),
        opt("fontSize", Ty::Int),
        opt("angle", Ty::Int),
        opt("fontColor", Ty::Str),
        opt(
            "position",
            Ty::Enum(&[
                "TOP_LEFT",
                "TOP_RIGHT",
                "BOTTOM_LEFT",
                "BOTTOM_RIGHT",
                "MIDDLE_CENTER",
                "TILE",
                "FILL",
            ]),
        ),
        opt("diaphaneity", Ty::Int),
        opt("imgScale", Ty::Num),
        opt("tileDensity", Ty::Enum(&["SPARSE", "MODERATE", "DENSE"])),
        opt("gratingSize", Ty::Str),
        opt("viewPermission", Ty::Enum(&["PRIVATE", "PUBLIC"])),
    ],
    rules: &[],
};

/// `POST /v2/contract/addwartermark` (§3.16).
const WATERMARK_REQUEST: Schema = contract_ref!(
    [
        opt("deleteOldData", Ty::Bool),
        req("watermarks", Ty::List(&Ty::Object(&WATERMARK))),
    ],
    []
);

/// `POST /v2/contract/delay` (§3.17).
const DELAY: Schema = contract_ref!(
    [opt("days", Ty::Int), opt("expireDate", Ty::Str)],
    [Rule::AtLeastOne(&["days", "expireDate"])]
);

const OPERATIONS: &[&str] = &["ALL", "VIEW", "MODIFY", "DOWNLOAD", "PRINT"];

/// `GET /v2/contract/stream` (§3.18).
const STREAM: Schema = contract_ref!([opt("operation", Ty::CommaList(OPERATIONS)),], []);

/// `GET /v2/contract/shorturl` (§4.7; `contact` is not marked required).
const SHORTURL: Schema = contract_ref!([opt("contact", Ty::Str),], []);

/// `POST /v2/contract/resend` (§3.20): the old contract, `newBizId`, and contract fields.
const RESEND: Schema = contract_body!(
    [
        opt("contractId", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("newBizId", Ty::Str),
    ],
    opt,
    [],
    [Rule::ExactlyOne(&["contractId", "bizId"])]
);

/// `POST /v2/contract/contractModify` (§3.20): the contract is `id` or `bizId`.
const MODIFY: Schema = Schema {
    fields: &[
        opt("id", Ty::Id),
        opt("bizId", Ty::Str),
        opt("tenantName", Ty::Str),
        opt("subject", Ty::Str),
        opt("expireTime", Ty::Str),
        opt("endTime", Ty::Str),
        opt("documents", Ty::List(&Ty::Id)),
        opt("templateParams", Ty::List(&Ty::Object(&TEMPLATE_PARAM))),
    ],
    rules: &[Rule::ExactlyOne(&["id", "bizId"])],
};

/// `GET /v2/contract/joinurl` (§3.20).
const JOINURL: Schema = contract_ref!([req("type", Ty::Enum(TENANT_TYPES)),], []);

// Tables shared with the other groups.
pub(super) const PAGE_STYLE_FIELD: Ty = Ty::Object(&PAGE_STYLE);
pub(super) const COMPANY_FIELD: Ty = Ty::Object(&COMPANY);

pub(super) static ROUTES: &[Route] = &[
    route!(Post "/v2/contract/draft", BodyKind::Json, DRAFT, draft),
    route!(Post "/v2/contract/send", BodyKind::Json, SEND, send),
    route!(Post "/v2/contract/copysend", BodyKind::Json, COPYSEND, copysend),
    route!(Get "/v2/contract/viewurl", BodyKind::Query, VIEWURL, viewurl),
    route!(Get "/v2/contract/detail", BodyKind::Query, DETAIL, detail),
    route!(Get "/v2/contract/list", BodyKind::Query, LIST, list),
    route!(Get "/v2/contract/download", BodyKind::Query, DOWNLOAD, download),
    route!(Get "/v2/contract/downloadurl", BodyKind::Query, DOWNLOADURL, downloadurl),
    route!(Post "/v2/contract/forceend", BodyKind::Json, FORCEEND, forceend),
    route!(Post "/v2/contract/forceend/addattachment", BodyKind::Multipart(FILE_REQUIRED), FORCEEND_ATTACHMENT, forceend_attachment),
    route!(Post "/v2/contract/addwartermark", BodyKind::Json, WATERMARK_REQUEST, watermark),
    route!(Post "/v2/contract/delay", BodyKind::Json, DELAY, delay),
    route!(Get "/v2/contract/stream", BodyKind::Query, STREAM, stream),
    route!(Get "/v2/contract/shorturl", BodyKind::Query, SHORTURL, shorturl),
    route!(Post "/v2/contract/resend", BodyKind::Json, RESEND, resend),
    route!(Post "/v2/contract/contractModify", BodyKind::Json, MODIFY, modify),
    route!(Post "/v2/contract/required/detail", BodyKind::Json, CONTRACT_REF, required_detail),
    route!(Get "/v2/contract/joinurl", BodyKind::Query, JOINURL, joinurl),
    route!(Get "/v2/contract/personal/joinurl", BodyKind::Query, CONTRACT_REF, personal_joinurl),
    route!(Get "/v2/checkhealth", BodyKind::Query, NONE, checkhealth),
];

// --- shared helpers -----------------------------------------------------------------------------

/// `{code:3004, responseCode:"11101003"}`.
pub(crate) fn not_found() -> Failure {
    Failure::business(3004, "11101003", "CONTRACT NOT FOUND")
}

/// 1101 `INVALID CONTRACT STATUS`.
pub(crate) fn bad_status(status: ContractStatus, wanted: &str) -> Failure {
    Failure::business(
        1101,
        "11011101",
        format!(
            "INVALID CONTRACT STATUS: the contract is {}; this call needs {wanted}",
            status.as_str()
        ),
    )
}

/// 1107 `NOT SIGN STEP`.
pub(crate) fn not_sign_step(detail: impl std::fmt::Display) -> Failure {
    Failure::business(1107, "11011107", format!("NOT SIGN STEP: {detail}"))
}

/// 1201 `SEAL NOT FOUND`.
pub(super) fn seal_not_found(seal: &str) -> Failure {
    Failure::business(1201, "11011201", format!("SEAL NOT FOUND: {seal}"))
}

/// Checks that the platform company (or a sub-company) has seal `seal` (1201) and that it is
/// not frozen (1203).
///
/// # Errors
/// 1201 or 1203.
pub(super) fn check_seal(state: &State, seal: &str) -> Result<(), Failure> {
    if state.org.seal_index(seal).is_none() {
        return Err(seal_not_found(seal));
    }
    if !state.org.seal_usable(seal) {
        return Err(Failure::business(
            1203,
            "11011203",
            format!("INVALID SEAL STATUS: seal {seal} is frozen"),
        ));
    }
    Ok(())
}

/// 1401 `DOCUMENT REQUIRED`.
pub(super) fn document_required() -> Failure {
    Failure::business(
        1401,
        "11011401",
        "DOCUMENT REQUIRED: the contract has no document",
    )
}

/// `11990006`: a document downloaded too often (locked, §3.12).
pub(super) fn download_locked(document: &DocumentId) -> Failure {
    Failure::business(
        1006,
        "11990006",
        format!(
            "CALLING TOO FREQUENTLY: document {document} was downloaded 10 times less than 25 \
             minutes apart and is locked for 12 hours"
        ),
    )
}

/// Counts a download of each document of `documents` (§3.12).
///
/// # Errors
/// [`download_locked`] for the first locked one.
pub(super) fn count_downloads(state: &mut State, documents: &[DocumentId]) -> Result<(), Failure> {
    let now = state.clock.since_epoch();
    for d in documents {
        if !state.contract_book.count_download(d, now) {
            return Err(download_locked(d));
        }
    }
    Ok(())
}

/// A boolean field (`None` when absent).
pub(super) fn flag(input: &Input, name: &str) -> Option<bool> {
    input.fields.get(name).and_then(Value::as_bool)
}

/// The contract named by these fields, moved to `EXPIRED` first when its deadline passed.
///
/// # Errors
/// The not-found answer.
pub(crate) fn locate_by(
    state: &mut State,
    id: Option<&str>,
    biz_id: Option<&str>,
    tenant_name: Option<&str>,
) -> Result<ContractId, Failure> {
    let id = state
        .find_contract(id, biz_id, tenant_name)
        .map(|c| c.id.clone())
        .ok_or_else(not_found)?;
    expire_if_due(state, &id);
    Ok(id)
}

/// The contract named by `contractId` / `bizId` / `tenantName`.
///
/// # Errors
/// The not-found answer.
pub(super) fn locate(state: &mut State, input: &Input) -> Result<ContractId, Failure> {
    locate_by(
        state,
        input.text("contractId").as_deref(),
        input.text("bizId").as_deref(),
        input.text("tenantName").as_deref(),
    )
}

fn expire_if_due(state: &mut State, id: &ContractId) {
    let stamp = state.clock.text();
    let now = state.clock.unix_secs();
    let Some(c) = state.contracts.get_mut(id) else {
        return;
    };
    let due = c.status == ContractStatus::Signing
        && c.expire_time
            .as_deref()
            .and_then(parse_time)
            .is_some_and(|t| t < now);
    if due {
        c.status = ContractStatus::Expired;
        c.record(
            &stamp,
            "MODIFY",
            "EXPIRED",
            "契约锁",
            "the signing deadline passed",
        );
        emit(state, id, "EXPIRED", None);
    }
}

/// The contract (it was just located).
///
/// # Errors
/// The not-found answer, should it have gone.
pub(crate) fn contract_mut<'s>(
    state: &'s mut State,
    id: &ContractId,
) -> Result<&'s mut Contract, Failure> {
    state.contracts.get_mut(id).ok_or_else(not_found)
}

/// Queues the contract callback `callback_type` about signatory `signatory`.
pub(crate) fn emit(
    state: &mut State,
    id: &ContractId,
    callback_type: &str,
    signatory: Option<usize>,
) {
    let Some(c) = state.contracts.get(id) else {
        return;
    };
    let fields = callback_fields(c, callback_type, signatory, &state.org.platform);
    let url = c.callback_url.clone();
    state.emit(CallbackKind::ContractStatus, url, fields);
}

/// Runs the flow after a change and queues `events` (with the contract's status before the
/// flow moved on), then the auto-signed seals and the completion, in order.
pub(crate) fn settle(
    state: &mut State,
    id: &ContractId,
    events: Vec<(&'static str, Option<usize>)>,
) {
    let stamp = state.clock.text();
    let seal = state.org.default_seal().to_owned();
    let platform = state.org.platform.clone();
    let Some(c) = state.contracts.get_mut(id) else {
        return;
    };
    let mut owed: Vec<_> = events
        .into_iter()
        .map(|(t, s)| callback_fields(c, t, s, &platform))
        .collect();
    let (auto, done) = c.advance(&seal);
    for i in auto {
        let who = c.signatories[i]
            .tenant_name
            .clone()
            .unwrap_or_else(|| platform.clone());
        c.record(&stamp, "MODIFY", "AUTO_SIGN", &who, "sealed automatically");
        owed.push(callback_fields(c, "SEAL", Some(i), &platform));
    }
    if done {
        c.record(
            &stamp,
            "MODIFY",
            "COMPLETE",
            "契约锁",
            "every signatory signed",
        );
        owed.push(callback_fields(c, "COMPLETE", None, &platform));
    }
    let url = c.callback_url.clone();
    for fields in owed {
        state.emit(CallbackKind::ContractStatus, url.clone(), fields);
    }
}

/// The name of who acts through the API: the owner company.
pub(crate) fn api_operator(state: &State, id: &ContractId) -> String {
    state
        .contracts
        .get(id)
        .map(|c| c.owner(&state.org.platform).to_owned())
        .unwrap_or_default()
}

/// Checks positions against the contract: documents, actions and signatories it has, pages
/// in range (1109), allowed types (1106) and seals (1201).
pub(super) fn check_stampers(
    state: &State,
    contract: &Contract,
    stampers: Option<&Value>,
    allowed: Option<&[&str]>,
) -> Result<(), Failure> {
    let Some(list) = stampers.and_then(Value::as_array) else {
        return Ok(());
    };
    for (i, s) in list.iter().enumerate() {
        let field = |n: &str| s.get(n).and_then(text_of);
        if let (Some(allowed), Some(t)) = (allowed, field("type"))
            && !allowed.contains(&t.as_str())
        {
            return Err(Failure::business(
                1106,
                "11011106",
                format!(
                    "INVALID STAMPER TYPE: stampers[{i}].type {t} is not one of {}",
                    allowed.join(", ")
                ),
            ));
        }
        if let Some(doc) = field("documentId") {
            let Some(stored) = state
                .contract_book
                .documents
                .get(&DocumentId::new(&doc))
                .filter(|d| d.contract_id == contract.id)
            else {
                return Err(Failure::invalid_param(format!(
                    "stampers[{i}].documentId {doc} is not a document of contract {}",
                    contract.id
                )));
            };
            if let Some(page) = s.get("page").and_then(Value::as_i64)
                && (page > i64::try_from(stored.page_count).unwrap_or(i64::MAX) || page < -1)
            {
                return Err(Failure::business(
                    1109,
                    "11011109",
                    format!(
                        "SIGN PAGE BEYOND: stampers[{i}].page {page}, the document has {} page(s)",
                        stored.page_count
                    ),
                ));
            }
        }
        if let Some(action) = field("actionId")
            && !contract
                .signatories
                .iter()
                .any(|s| s.actions.iter().any(|a| a.id == action))
        {
            return Err(Failure::invalid_param(format!(
                "stampers[{i}].actionId {action} is not an action of contract {}",
                contract.id
            )));
        }
        if let Some(sig) = field("signatoryId")
            && !contract.signatories.iter().any(|s| s.id == sig)
        {
            return Err(Failure::invalid_param(format!(
                "stampers[{i}].signatoryId {sig} is not a signatory of contract {}",
                contract.id
            )));
        }
        if let Some(seal) = field("sealId") {
            check_seal(state, &seal)?;
        }
    }
    Ok(())
}

/// Reads the signatory object `v` of a draft (or `/v2/signatory/add`).
///
/// # Errors
/// 1005 naming the field for the conditional rules of §2.5; 1105 for an `AUDIT` action without
/// operators.
pub(super) fn parse_signatory(
    book: &mut ContractBook,
    v: &Value,
    path: &str,
    position: usize,
    owner: &str,
) -> Result<Signatory, Failure> {
    let empty = Map::new();
    let o = v.as_object().unwrap_or(&empty);
    let text = |n: &str| o.get(n).and_then(text_of);
    let kind = match text("tenantType").as_deref() {
        Some("COMPANY") => TenantKind::Company,
        _ => TenantKind::Personal,
    };
    let delay_set = o.get("delaySet").and_then(Value::as_bool).unwrap_or(false);
    let tenant_name = text("tenantName");
    let receiver = user_of(o.get("receiver"));
    if !delay_set && tenant_name.is_none() {
        return Err(Failure::invalid_param(format!(
            "{path}.tenantName is required unless delaySet is true"
        )));
    }
    if kind == TenantKind::Personal && !delay_set && receiver.is_none() {
        return Err(Failure::invalid_param(format!(
            "{path}.receiver is required for a PERSONAL signatory"
        )));
    }
    let serial_no = o
        .get("serialNo")
        .and_then(Value::as_i64)
        .unwrap_or_else(|| {
            i64::try_from(position)
                .unwrap_or(i64::MAX)
                .saturating_add(1)
        });
    let sponsor = kind == TenantKind::Company && tenant_name.as_deref() == Some(owner);
    let mut actions = Vec::new();
    if kind == TenantKind::Company {
        let list = o.get("actions").and_then(Value::as_array);
        for (j, a) in list.into_iter().flatten().enumerate() {
            actions.push(parse_action(book, a, &format!("{path}.actions[{j}]"), j)?);
        }
        if actions.is_empty() {
            actions.push(Action {
                id: book.new_id(),
                kind: "COMPANY".to_owned(),
                name: Some("公章签署".to_owned()),
                serial_no: 0,
                status: ActionStatus::Init,
                seal_ids: Vec::new(),
                operators: Vec::new(),
                used_seal: None,
                auto_sign: false,
                extra: Map::new(),
            });
        }
    }
    let mut extra = Map::new();
    for key in [
        "stampers",
        "attachments",
        "userAuthInfo",
        "category",
        "defaultCategoryAccepted",
        "fixedFlow",
        "signatoryNo",
        "signValidateWay",
    ] {
        if let Some(value) = o.get(key).filter(|v| !v.is_null()) {
            extra.insert(key.to_owned(), value.clone());
        }
    }
    Ok(Signatory {
        id: book.new_id(),
        kind,
        tenant_name,
        receiver,
        serial_no,
        actions,
        status: SignatoryStatus::Draft,
        sponsor,
        delay_set,
        extra,
    })
}

fn parse_action(
    book: &mut ContractBook,
    v: &Value,
    path: &str,
    position: usize,
) -> Result<Action, Failure> {
    let empty = Map::new();
    let o = v.as_object().unwrap_or(&empty);
    let kind = o
        .get("type")
        .and_then(text_of)
        .unwrap_or_else(|| "COMPANY".to_owned());
    let mut seal_ids: Vec<String> = Vec::new();
    for key in ["corpSealIds", "sealIds"] {
        for s in o.get(key).and_then(Value::as_array).into_iter().flatten() {
            seal_ids.extend(text_of(s));
        }
    }
    seal_ids.extend(o.get("sealId").and_then(text_of));
    if seal_ids.len() > 9 {
        return Err(Failure::invalid_param(format!(
            "{path}.corpSealIds holds at most 9 seals"
        )));
    }
    let mut operators = Vec::new();
    for key in ["corpOperators", "operators"] {
        for u in o.get(key).and_then(Value::as_array).into_iter().flatten() {
            operators.extend(user_of(Some(u)));
        }
    }
    if kind == "AUDIT" && operators.is_empty() {
        return Err(Failure::business(
            1105,
            "11011105",
            format!("{path}: an AUDIT action needs corpOperators"),
        ));
    }
    let mut extra = Map::new();
    for key in ["stampers", "actionNo"] {
        if let Some(value) = o.get(key).filter(|v| !v.is_null()) {
            extra.insert(key.to_owned(), value.clone());
        }
    }
    Ok(Action {
        id: book.new_id(),
        kind,
        name: o.get("name").and_then(text_of),
        serial_no: o
            .get("serialNo")
            .and_then(Value::as_i64)
            .unwrap_or_else(|| i64::try_from(position).unwrap_or(i64::MAX)),
        status: ActionStatus::Init,
        seal_ids,
        operators,
        used_seal: None,
        auto_sign: o.get("autoSign").and_then(Value::as_bool).unwrap_or(false),
        extra,
    })
}

/// The most signatories a contract may have in the sandbox (its own bound, far above any real
/// contract; the vendor documents none): a draft is handled under the state's lock, so its
/// cost must stay small.
pub(super) const MAX_SIGNATORIES: usize = 1000;

/// 1005 when a contract would have more than [`MAX_SIGNATORIES`] signatories.
fn check_signatory_count(n: usize) -> Result<(), Failure> {
    if n > MAX_SIGNATORIES {
        return Err(Failure::invalid_param(format!(
            "signatories has {n} entries; the sandbox takes at most {MAX_SIGNATORIES}"
        )));
    }
    Ok(())
}

/// 1102 `DUPLICATE SIGNATORY` when two signatories are the same party: the same company
/// (by name), or the same person of the same company (by contact, or both without a
/// receiver). Signatories without a `tenantName` are never duplicates. Linear in the number
/// of signatories.
pub(super) fn check_duplicates(signatories: &[Signatory]) -> Result<(), Failure> {
    let mut parties = std::collections::HashSet::with_capacity(signatories.len());
    for s in signatories {
        let Some(name) = s.tenant_name.as_deref() else {
            continue;
        };
        let party = match s.kind {
            TenantKind::Company => (true, name, None),
            _ => (false, name, s.receiver.as_ref().map(|r| r.contact.as_str())),
        };
        if !parties.insert(party) {
            return Err(Failure::business(
                1102,
                "11011102",
                format!("DUPLICATE SIGNATORY: {name} appears twice"),
            ));
        }
    }
    Ok(())
}

pub(super) fn signatory_json(s: &Signatory, with_operators: bool) -> Value {
    let kind = match (s.kind, s.delay_set && s.receiver.is_none()) {
        (TenantKind::Company, true) => "C_NO_RECEIVER",
        (TenantKind::Personal, true) => "P_NO_RECEIVER",
        (k, false) => k.as_str(),
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(s.id));
    m.insert("tenantType".into(), json!(kind));
    if let Some(n) = &s.tenant_name {
        m.insert("tenantName".into(), json!(n));
    }
    if let Some(r) = &s.receiver {
        m.insert("receiver".into(), user_json(r));
    }
    m.insert("serialNo".into(), json!(s.serial_no));
    m.insert("status".into(), json!(s.status.as_str()));
    m.insert("sponsor".into(), json!(s.sponsor));
    m.insert("delaySet".into(), json!(s.delay_set));
    if !s.actions.is_empty() {
        let actions: Vec<Value> = s
            .actions
            .iter()
            .map(|a| {
                let mut am = Map::new();
                am.insert("id".into(), json!(a.id));
                am.insert("type".into(), json!(a.kind));
                if let Some(n) = &a.name {
                    am.insert("name".into(), json!(n));
                }
                am.insert("serialNo".into(), json!(a.serial_no));
                am.insert("status".into(), json!(a.status.as_str()));
                if !a.seal_ids.is_empty() {
                    am.insert("corpSealIds".into(), json!(a.seal_ids));
                }
                if let Some(seal) = &a.used_seal {
                    am.insert("sealId".into(), json!(seal));
                }
                if with_operators && !a.operators.is_empty() {
                    am.insert(
                        "operators".into(),
                        Value::Array(a.operators.iter().map(user_json).collect()),
                    );
                }
                if a.auto_sign {
                    am.insert("autoSign".into(), json!(true));
                }
                for (k, v) in &a.extra {
                    am.entry(k.clone()).or_insert_with(|| v.clone());
                }
                Value::Object(am)
            })
            .collect();
        m.insert("actions".into(), Value::Array(actions));
    }
    for (k, v) in &s.extra {
        m.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(m)
}

/// The contract as draft, detail and list answer it.
pub(crate) fn contract_json(state: &State, c: &Contract, full: bool, operators: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id.as_str()));
    if let Some(b) = &c.biz_id {
        m.insert("bizId".into(), json!(b));
    }
    m.insert("tenantName".into(), json!(c.owner(&state.org.platform)));
    m.insert("subject".into(), json!(c.subject));
    if let Some(d) = &c.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("sn".into(), json!(c.sn));
    m.insert("ordinal".into(), json!(c.ordinal));
    m.insert("status".into(), json!(c.status.as_str()));
    m.insert(
        "category".into(),
        c.extra
            .get("category")
            .cloned()
            .unwrap_or_else(|| json!({"name": "默认业务分类"})),
    );
    if let Some(t) = &c.expire_time {
        m.insert("expireTime".into(), json!(t));
    }
    if let Some(t) = &c.publish_time {
        m.insert("publishTime".into(), json!(t));
    }
    m.insert("createTime".into(), json!(c.create_time));
    if !full {
        return Value::Object(m);
    }
    if let Some(u) = &c.creator {
        m.insert("creator".into(), user_json(u));
    }
    if let Some(t) = &c.end_time {
        m.insert("endTime".into(), json!(t));
    }
    m.insert(
        "signatories".into(),
        Value::Array(
            c.signatories
                .iter()
                .map(|s| signatory_json(s, operators))
                .collect(),
        ),
    );
    m.insert(
        "documents".into(),
        Value::Array(documents_json(&state.contract_book, c)),
    );
    if let Some(t) = &c.comments {
        m.insert("comments".into(), json!(t));
    }
    if let Some(t) = &c.invalid_reason {
        m.insert("invalidReason".into(), json!(t));
    }
    if let Some(t) = &c.business_data {
        m.insert("businessData".into(), json!(t));
    }
    for (k, v) in &c.extra {
        if k == "tags" {
            let tags: Vec<&str> = v
                .as_str()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            m.insert("tags".into(), json!(tags));
        } else {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Value::Object(m)
}

fn documents_json(book: &ContractBook, c: &Contract) -> Vec<Value> {
    c.documents
        .iter()
        .filter_map(|d| book.documents.get(d))
        .map(|d| {
            json!({
                "id": d.id.as_str(),
                "title": d.title,
                "pageCount": d.page_count,
                "createTime": d.create_time,
                "contentType": "CONTRACT",
                "fileSuffix": d.suffix,
            })
        })
        .collect()
}

/// The draft fields kept as sent and echoed by detail.
const ECHOED: &[&str] = &[
    "category",
    "tags",
    "templateParams",
    "signFlowStrategy",
    "stamperRule",
    "copySendTime",
    "copySendReceivers",
    "relatedContractIds",
    "customFields",
    "notifySponsor",
    "invalidExpireTime",
];

fn check_time(input: &Input, name: &str) -> Result<Option<String>, Failure> {
    match input.text(name) {
        None => Ok(None),
        Some(t) => match parse_time(&t) {
            Some(secs) => Ok(Some(format_time(secs))),
            None => Err(Failure::invalid_param(format!(
                "{name} must be yyyy-MM-dd HH:mm:ss, not {t:?}"
            ))),
        },
    }
}

/// Sends the draft `id`.
///
/// # Errors
/// 1101 when it is not a draft, 1401 without a document, the position checks.
pub(crate) fn send_draft(
    state: &mut State,
    id: &ContractId,
    stampers: Option<&Value>,
) -> Result<(), Failure> {
    let stamp = state.clock.text();
    {
        let c = state.contracts.get(id).ok_or_else(not_found)?;
        if c.status != ContractStatus::Draft {
            return Err(bad_status(c.status, "DRAFT"));
        }
        if c.documents.is_empty() {
            return Err(document_required());
        }
        check_stampers(state, c, stampers, None)?;
    }
    let operator = api_operator(state, id);
    let now = state.clock.unix_secs();
    let c = contract_mut(state, id)?;
    if let Some(list) = stampers.filter(|s| s.as_array().is_some_and(|a| !a.is_empty())) {
        c.extra.insert("stampers".into(), list.clone());
    }
    c.status = ContractStatus::Signing;
    c.publish_time = Some(format_time(now));
    if c.expire_time.is_none() {
        c.expire_time = Some(format_time(now + 30 * 86_400));
    }
    for s in &mut c.signatories {
        s.status = SignatoryStatus::Waiting;
    }
    c.record(&stamp, "MODIFY", "SEND", &operator, "sent for signing");
    let sponsor = c.signatories.iter().position(|s| s.sponsor);
    settle(state, id, vec![("SEND_SIGNING", sponsor)]);
    Ok(())
}

// --- handlers -----------------------------------------------------------------------------------

fn draft(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let tenant = input.text("tenantName");
    // The sponsor: the platform company or one of its sub-companies (11041801 / 11041802).
    let owner = crate::state_org::owner(state, tenant.clone())?;
    let existing = match (input.text("id"), input.text("bizId")) {
        (Some(id), _) => Some(
            state
                .contracts
                .get(&ContractId::new(&id))
                .ok_or_else(not_found)?,
        ),
        (None, Some(biz)) => state.find_contract(None, Some(&biz), tenant.as_deref()),
        (None, None) => None,
    };
    if let Some(c) = existing
        && c.status != ContractStatus::Draft
    {
        return Err(if input.text("id").is_some() {
            bad_status(c.status, "DRAFT (only a draft can be overwritten)")
        } else {
            Failure::invalid_param(format!(
                "bizId {} is already used by contract {} ({})",
                c.biz_id.as_deref().unwrap_or(""),
                c.id,
                c.status.as_str()
            ))
        });
    }
    let existing = existing.map(|c| {
        (
            c.id.clone(),
            c.documents.clone(),
            c.create_time.clone(),
            c.log.clone(),
        )
    });
    if existing.is_none() {
        state
            .contract_book
            .check_room(state.contracts.len() + 1, 0)?;
    }
    let subject = input
        .text("subject")
        .ok_or_else(|| Failure::invalid_param("subject is required"))?;
    let expire_time = check_time(&input, "expireTime")?;
    let end_time = check_time(&input, "endTime")?.map(|t| format!("{} 23:59:59", &t[..10]));
    if expire_time
        .as_deref()
        .and_then(parse_time)
        .is_some_and(|t| t < state.clock.unix_secs())
    {
        return Err(Failure::invalid_param("expireTime must be in the future"));
    }
    let mut list = input
        .fields
        .get("signatories")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if list.is_empty() {
        return Err(Failure::invalid_param("signatories must not be empty"));
    }
    check_signatory_count(list.len())?;
    let category = draft_category(state, &input, &owner, &mut list)?;
    let mut signatories = Vec::new();
    for (i, s) in list.iter().enumerate() {
        signatories.push(parse_signatory(
            &mut state.contract_book,
            s,
            &format!("signatories[{i}]"),
            i,
            &owner,
        )?);
    }
    check_duplicates(&signatories)?;
    let (id, documents, create_time, log) = match existing {
        Some(e) => e,
        None => (
            ContractId::new(state.contract_book.new_id()),
            Vec::new(),
            state.clock.text(),
            Vec::new(),
        ),
    };
    let mut extra = Map::new();
    for key in ECHOED {
        if let Some(v) = input.fields.get(*key).filter(|v| !v.is_null()) {
            extra.insert((*key).to_owned(), v.clone());
        }
    }
    if let Some(cat) = &category {
        extra.insert("category".into(), json!({"id": cat.id, "name": cat.name}));
    }
    let mut documents = documents;
    if documents.is_empty()
        && let Some(cat) = &category
    {
        documents = category_documents(state, cat, &id, input.fields.get("templateParams"));
    }
    let overwritten = !log.is_empty();
    let mut contract = Contract {
        id: id.clone(),
        biz_id: input.text("bizId"),
        tenant_name: tenant,
        subject,
        status: ContractStatus::Draft,
        documents,
        signatories,
        description: input.text("description"),
        sn: input.text("sn").unwrap_or_else(|| {
            format!(
                "QYS{}",
                &id.as_str()[id.as_str().len().saturating_sub(10)..]
            )
        }),
        ordinal: flag(&input, "ordinal").unwrap_or(true),
        creator: user_of(input.fields.get("creator")),
        expire_time,
        end_time,
        create_time,
        publish_time: None,
        business_data: input.text("businessData"),
        callback_url: input.text("callbackUrl"),
        extra,
        comments: None,
        invalid_reason: None,
        log,
        files: Vec::new(),
        watermarks: Vec::new(),
    };
    contract.record(
        &stamp,
        "MODIFY",
        "DRAFT",
        &owner,
        if overwritten {
            "draft overwritten"
        } else {
            "draft created"
        },
    );
    state.contracts.insert(id.clone(), contract);
    if flag(&input, "send") == Some(true) {
        send_draft(state, &id, None)?;
    }
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    Ok(Answer::Result(contract_json(state, c, true, false)))
}

/// The business category of a draft (`category`, else the owner's `默认业务分类`). A category
/// that presets signatories takes only drafts whose signatories match it in number and type
/// (else 1301 `CATEGORY CONFIG NOT MATCH`); a preset company signatory lends its actions to a
/// drafted one without actions.
fn draft_category(
    state: &State,
    input: &Input,
    owner: &str,
    list: &mut [Value],
) -> Result<Option<crate::state_org::Category>, Failure> {
    let category = match input.fields.get("category").filter(|v| !v.is_null()) {
        Some(c) => {
            let id = c.get("id").and_then(text_of);
            let name = c.get("name").and_then(text_of);
            let found = state
                .org
                .category(owner, id.as_deref(), name.as_deref())
                .cloned()
                .ok_or_else(|| {
                    Failure::business(
                        1151,
                        "11011151",
                        format!(
                            "category {} is not a business category of {owner}",
                            id.or(name).unwrap_or_default()
                        ),
                    )
                })?;
            Some(found)
        }
        None => state
            .org
            .category(owner, None, Some("默认业务分类"))
            .cloned(),
    };
    if let Some(cat) = category.as_ref().filter(|c| c.define_signatories) {
        let kinds = |l: &[Value]| -> Vec<String> {
            l.iter()
                .map(|s| s.get("tenantType").and_then(text_of).unwrap_or_default())
                .collect()
        };
        if kinds(list) != kinds(&cat.signatories) {
            return Err(Failure::business(
                1301,
                "11011301",
                format!(
                    "CATEGORY CONFIG NOT MATCH: category {} presets the signatories {:?}",
                    cat.name,
                    kinds(&cat.signatories)
                ),
            ));
        }
        for (given, preset) in list.iter_mut().zip(&cat.signatories) {
            let has_actions = given
                .get("actions")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            if let (false, Some(actions), Value::Object(o)) =
                (has_actions, preset.get("actions"), &mut *given)
            {
                o.insert("actions".into(), actions.clone());
            }
        }
    }
    Ok(category)
}

/// The documents a category's templates give a new draft (generated PDFs, filled with the
/// draft's `templateParams`).
fn category_documents(
    state: &mut State,
    category: &crate::state_org::Category,
    contract: &ContractId,
    params: Option<&Value>,
) -> Vec<DocumentId> {
    let mut out = Vec::new();
    for tid in &category.templates {
        let Some(t) = state.org.enabled_template(tid) else {
            continue;
        };
        let title = t.title.clone();
        let mut lines = vec![
            "qys-sandbox template document".to_owned(),
            format!("template {tid}"),
        ];
        for p in params.and_then(Value::as_array).into_iter().flatten() {
            lines.push(format!(
                "{} = {}",
                p.get("name").and_then(text_of).unwrap_or_default(),
                p.get("value").and_then(text_of).unwrap_or_default()
            ));
        }
        let bytes = pdf::pages_pdf(&[lines]);
        let doc = DocumentId::new(state.contract_book.new_id());
        state.contract_book.documents.insert(
            doc.clone(),
            crate::state_contract::StoredDocument {
                id: doc.clone(),
                contract_id: contract.clone(),
                title,
                suffix: "pdf".to_owned(),
                page_count: pdf::page_count(&bytes),
                bytes,
                create_time: state.clock.text(),
                sort: i64::MAX,
            },
        );
        out.push(doc);
    }
    out
}

fn send(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = locate(state, &input)?;
    send_draft(state, &id, input.fields.get("stampers"))?;
    if let Some(rule) = input.text("stamperRule") {
        contract_mut(state, &id)?
            .extra
            .insert("stamperRule".into(), json!(rule));
    }
    Ok(Answer::Result(Value::Null))
}

fn copysend(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    if c.status == ContractStatus::Draft {
        return Err(bad_status(c.status, "a sent contract"));
    }
    let now = stamp.clone();
    let receivers = input
        .fields
        .get("receivers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let list = c
        .extra
        .entry("copySendReceivers")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = list {
        for mut r in receivers.iter().cloned() {
            if let Value::Object(o) = &mut r {
                o.insert("createTime".into(), json!(now));
            }
            items.push(r);
        }
    }
    c.record(
        &stamp,
        "MODIFY",
        "COPY_SEND",
        &operator,
        format!("copied to {} receiver(s)", receivers.len()),
    );
    Ok(Answer::Result(Value::Null))
}

fn viewurl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let url = mint(state, LinkPage::View, id.as_str(), None, None);
    let c = contract_mut(state, &id)?;
    if c.documents.is_empty() {
        return Err(document_required());
    }
    if let Some(doc) = input.text("documentId")
        && !c.documents.iter().any(|d| d.as_str() == doc)
    {
        return Err(Failure::invalid_param(format!(
            "documentId {doc} is not a document of contract {id}"
        )));
    }
    c.record(&stamp, "VIEW", "VIEW_URL", &operator, "viewing link issued");
    Ok(Answer::Result(json!({ "viewUrl": url })))
}

fn detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = locate(state, &input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let operators = flag(&input, "queryActionOperator") == Some(true);
    Ok(Answer::Result(contract_json(state, c, true, operators)))
}

fn list(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let ids: Vec<ContractId> = state.contracts.keys().cloned().collect();
    for id in &ids {
        expire_if_due(state, id);
    }
    // 契约锁 doc page 获取合同列表 gives `selectLimit` a default (1000) but no range.
    let (skip, take) = crate::state_org::page_bounds(&input)?;
    let status = input.text("status");
    let tenant = input.text("tenantName");
    let category = input.text("categoryName");
    let category_id = input.text("categoryId");
    let start = input.text("publishTimeStart");
    let end = input.text("publishTimeEnd");
    for (name, v) in [("publishTimeStart", &start), ("publishTimeEnd", &end)] {
        if let Some(t) = v
            && parse_time(t).is_none()
        {
            return Err(Failure::invalid_param(format!(
                "{name} must be yyyy-MM-dd HH:mm:ss, not {t:?}"
            )));
        }
    }
    let mut matching: Vec<&Contract> = state
        .contracts
        .values()
        .filter(|c| status.as_deref().is_none_or(|s| c.status.as_str() == s))
        .filter(|c| c.tenant_name == tenant)
        .filter(|c| {
            category.as_deref().is_none_or(|n| {
                c.extra
                    .get("category")
                    .and_then(|v| v.get("name"))
                    .and_then(Value::as_str)
                    == Some(n)
            })
        })
        .filter(|c| {
            category_id.as_deref().is_none_or(|id| {
                c.extra
                    .get("category")
                    .and_then(|v| v.get("id"))
                    .and_then(text_of)
                    .as_deref()
                    == Some(id)
            })
        })
        .filter(|c| {
            start.as_deref().is_none_or(|s| {
                c.publish_time
                    .as_deref()
                    .is_some_and(|p| parse_time(p) >= parse_time(s))
            })
        })
        .filter(|c| {
            end.as_deref().is_none_or(|e| {
                c.publish_time
                    .as_deref()
                    .is_some_and(|p| parse_time(p) <= parse_time(e))
            })
        })
        .collect();
    // IDs grow with creation: ID order is creation order.
    matching.sort_by(|a, b| {
        let key = |c: &Contract| c.id.as_str().parse::<u128>().unwrap_or(0);
        key(a).cmp(&key(b))
    });
    if input.text("createTimeOrder").as_deref() != Some("ASC") {
        matching.reverse();
    }
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(skip)
        .take(take)
        .map(|c| contract_json(state, c, false, false))
        .collect();
    Ok(Answer::Result(json!({ "totalCount": total, "list": page })))
}

/// The media type of a file suffix.
pub(crate) fn content_type_of(suffix: &str) -> &'static str {
    match suffix {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tiff" => "image/tiff",
        "html" | "htm" => "text/html",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        "txt" | "cer" => "text/plain",
        _ => "application/octet-stream",
    }
}

fn sign_log_pdf(c: &Contract) -> Vec<u8> {
    let mut lines = vec![
        "qys-sandbox signing log".to_owned(),
        format!("contract {} ({})", c.id, c.subject),
        format!("status {}", c.status.as_str()),
    ];
    for LogEntry {
        time,
        action,
        operator,
        content,
        ..
    } in &c.log
    {
        lines.push(format!("{time} {action} {operator}: {content}"));
    }
    let pages: Vec<Vec<String>> = lines.chunks(45).map(<[String]>::to_vec).collect();
    pdf::pages_pdf(&pages)
}

/// The files of `items` of contract `c`: `(item, name, bytes)`.
fn files_of(
    state: &State,
    c: &Contract,
    items: &[String],
    original: bool,
) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    let name = |prefix: &str, n: String| {
        if original { n } else { format!("{prefix}-{n}") }
    };
    for item in items {
        match item.as_str() {
            "CONTRACT" => {
                for d in c
                    .documents
                    .iter()
                    .filter_map(|d| state.contract_book.documents.get(d))
                {
                    out.push((item.clone(), name("合同原文", d.file_name()), d.bytes.clone()));
                }
            }
            "SIGNLOG" if c.status != ContractStatus::Draft => out.push((
                item.clone(),
                name("签署日志", format!("{}.pdf", c.subject)),
                sign_log_pdf(c),
            )),
            "NOTARY" if c.status == ContractStatus::Complete => out.push((
                item.clone(),
                name("存证报告", format!("{}.pdf", c.subject)),
                pdf::text_pdf(&["qys-sandbox evidence report", c.id.as_str()]),
            )),
            "CERT" if c.status == ContractStatus::Complete => out.push((
                item.clone(),
                name("公钥证书", format!("{}.txt", c.subject)),
                format!(
                    "qys-sandbox: contract {} was signed in a sandbox; it carries no certificate.\n",
                    c.id
                )
                .into_bytes(),
            )),
            "ENDSIGN_ATTACHMENT" | "ATTACHMENT" => {
                let kind = if item == "ATTACHMENT" {
                    "ATTACHMENT"
                } else {
                    "ENDSIGN_ATTACHMENT"
                };
                for f in c.files.iter().filter(|f| f.kind == kind) {
                    out.push((item.clone(), name("附件", f.file_name.clone()), f.bytes.clone()));
                }
            }
            _ => {}
        }
    }
    out
}

fn items_of(input: &Input) -> Vec<String> {
    let items = input
        .text("downloadItems")
        .unwrap_or_else(|| "CONTRACT,SIGNLOG".to_owned());
    let mut out: Vec<String> = Vec::new();
    for i in items.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if !out.iter().any(|o| o == i) {
            out.push(i.to_owned());
        }
    }
    out
}

/// A ZIP of `files`, names made unique.
pub(super) fn zip_of(files: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let mut seen: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    for (name, bytes) in files {
        let mut unique = name.clone();
        let mut n = 1;
        while seen.contains(&unique) {
            n += 1;
            unique = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}({n}).{ext}"),
                None => format!("{name}({n})"),
            };
        }
        seen.push(unique.clone());
        entries.push((unique, bytes));
    }
    zip::write(&entries)
}

fn download(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let items = items_of(&input);
    let original = input.text("fileNameRule").as_deref() == Some("ORIGINAL");
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let files = files_of(state, c, &items, original);
    if files.is_empty() {
        return Err(Failure::invalid_param(format!(
            "contract {id} has no file among {}",
            items.join(",")
        )));
    }
    let subject = c.subject.clone();
    let counted: Vec<DocumentId> = if items.iter().any(|i| i == "CONTRACT") {
        c.documents.clone()
    } else {
        Vec::new()
    };
    count_downloads(state, &counted)?;
    let answer = if files.len() == 1 && flag(&input, "needCompressForOneFile") == Some(false) {
        let (_, name, bytes) = files.into_iter().next().unwrap_or_default();
        let suffix = name
            .rsplit_once('.')
            .map_or("", |(_, s)| s)
            .to_ascii_lowercase();
        Answer::File {
            content_type: content_type_of(&suffix),
            file_name: name,
            bytes,
        }
    } else {
        Answer::File {
            file_name: format!("{subject}.zip"),
            content_type: "application/zip",
            bytes: zip_of(files.into_iter().map(|(_, n, b)| (n, b)).collect()),
        }
    };
    contract_mut(state, &id)?.record(&stamp, "DOWNLOAD", "DOWNLOAD", &operator, items.join(","));
    Ok(answer)
}

fn downloadurl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let items = items_of(&input);
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let files = files_of(state, c, &items, false);
    // Each entry with the subject of its download link (minted below).
    let entries: Vec<(Value, String)> = if flag(&input, "compress") == Some(true) {
        vec![(
            json!({
                "contractId": id.as_str(),
                "title": c.subject,
                "downloadItems": items.join(","),
            }),
            id.to_string(),
        )]
    } else {
        let mut docs = c.documents.iter();
        files
            .iter()
            .map(|(item, name, _)| {
                let doc = if item == "CONTRACT" {
                    docs.next()
                } else {
                    None
                };
                match doc {
                    Some(d) => (
                        json!({
                            "documentId": d.as_str(),
                            "title": name,
                            "downloadItems": item,
                        }),
                        d.to_string(),
                    ),
                    None => (
                        json!({
                            "contractId": id.as_str(),
                            "title": name,
                            "downloadItems": item,
                        }),
                        id.to_string(),
                    ),
                }
            })
            .collect()
    };
    let urls: Vec<Value> = entries
        .into_iter()
        .map(|(mut entry, subject)| {
            entry["downloadUrl"] = json!(mint(state, LinkPage::Download, subject, None, None));
            entry
        })
        .collect();
    contract_mut(state, &id)?.record(
        &stamp,
        "DOWNLOAD",
        "DOWNLOAD_URL",
        &operator,
        items.join(","),
    );
    Ok(Answer::Result(json!({ "downloadUrls": urls })))
}

fn forceend(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    if !matches!(
        c.status,
        ContractStatus::Signing | ContractStatus::Invaliding
    ) {
        return Err(bad_status(c.status, "SIGNING or INVALIDING"));
    }
    let reason = input.text("reason").unwrap_or_default();
    c.status = ContractStatus::ForceEnd;
    c.close_open(ActionStatus::End);
    c.comments = Some(reason.clone());
    c.record(&stamp, "MODIFY", "FORCE_END", &operator, reason);
    emit(state, &id, "FORCE_END", None);
    Ok(Answer::Result(Value::Null))
}

fn forceend_attachment(state: &mut State, mut input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let file = input
        .take_file("file")
        .ok_or_else(|| Failure::invalid_param("file is required (a file part)"))?;
    let c = contract_mut(state, &id)?;
    if c.status != ContractStatus::ForceEnd {
        return Err(bad_status(c.status, "FORCE_END"));
    }
    if file.bytes.is_empty() {
        return Err(Failure::business(
            1403,
            "11011403",
            "INVALID FILE: the file is empty",
        ));
    }
    let title = input.text("title").unwrap_or_default();
    let suffix = input.text("fileSuffix").unwrap_or_default();
    c.files.push(StoredFile {
        file_name: format!("{title}.{suffix}"),
        title: title.clone(),
        bytes: file.bytes,
        kind: "ENDSIGN_ATTACHMENT",
    });
    c.record(&stamp, "MODIFY", "ADD_ENDSIGN_ATTACHMENT", &operator, title);
    Ok(Answer::Result(Value::Null))
}

fn watermark(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let marks = input
        .fields
        .get("watermarks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if marks.is_empty() {
        return Err(Failure::invalid_param("watermarks must not be empty"));
    }
    for (i, w) in marks.iter().enumerate() {
        let kind = w.get("type").and_then(Value::as_str).unwrap_or("");
        let content = w.get("content").and_then(Value::as_str).unwrap_or("");
        if matches!(kind, "TEXT" | "PIC" | "GRATING") && content.is_empty() {
            return Err(Failure::invalid_param(format!(
                "watermarks[{i}].content is required for {kind}"
            )));
        }
        if kind == "TEXT" && content.chars().count() > 20 {
            return Err(Failure::invalid_param(format!(
                "watermarks[{i}].content holds at most 20 characters"
            )));
        }
        for (name, lo, hi) in [
            ("fontSize", 6, 72),
            ("angle", 0, 180),
            ("diaphaneity", 0, 100),
        ] {
            if let Some(v) = w.get(name).and_then(Value::as_i64)
                && !(lo..=hi).contains(&v)
            {
                return Err(Failure::invalid_param(format!(
                    "watermarks[{i}].{name} must be in {lo}..={hi}, got {v}"
                )));
            }
        }
    }
    let c = contract_mut(state, &id)?;
    if c.documents.is_empty() {
        return Err(document_required());
    }
    if matches!(
        c.status,
        ContractStatus::Recalled | ContractStatus::Invalided | ContractStatus::ForceEnd
    ) {
        return Err(bad_status(c.status, "a contract that is not closed"));
    }
    if flag(&input, "deleteOldData") == Some(true) {
        c.watermarks.clear();
    }
    c.watermarks.extend(marks.iter().cloned());
    c.extra
        .insert("watermarks".into(), Value::Array(c.watermarks.clone()));
    c.record(
        &stamp,
        "MODIFY",
        "WATERMARK",
        &operator,
        format!("{} watermark(s)", marks.len()),
    );
    Ok(Answer::Result(Value::Null))
}

fn delay(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let now = state.clock.unix_secs();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let c = contract_mut(state, &id)?;
    if !matches!(c.status, ContractStatus::Signing | ContractStatus::Expired) {
        return Err(bad_status(c.status, "SIGNING or EXPIRED"));
    }
    let current = c.expire_time.as_deref().and_then(parse_time).unwrap_or(now);
    let new = if let Some(days) = input.fields.get("days").and_then(Value::as_i64) {
        // No stated minimum (合同延期): 0 keeps the deadline; only a negative count, which
        // qys never sends, is refused.
        if days < 0 {
            return Err(Failure::invalid_param("days must not be negative"));
        }
        current.saturating_add(days.saturating_mul(86_400))
    } else {
        let date = input.text("expireDate").unwrap_or_default();
        let t = parse_time(&date)
            .filter(|_| date.len() == 10)
            .ok_or_else(|| {
                Failure::invalid_param(format!("expireDate must be yyyy-MM-dd, not {date:?}"))
            })?;
        if t < current {
            return Err(Failure::invalid_param(format!(
                "expireDate {date} is earlier than the current deadline {}",
                format_time(current)
            )));
        }
        t
    };
    let sent = c
        .publish_time
        .as_deref()
        .and_then(parse_time)
        .unwrap_or(now);
    if new > sent + 2 * 366 * 86_400 {
        return Err(Failure::invalid_param(
            "the deadline may be at most two years after sending",
        ));
    }
    c.expire_time = Some(format_time(new));
    let reopened = c.status == ContractStatus::Expired && new > now;
    if reopened {
        c.status = ContractStatus::Signing;
    }
    let text = format!("deadline moved to {}", format_time(new));
    c.record(&stamp, "MODIFY", "DELAY", &operator, text);
    if reopened {
        settle(state, &id, Vec::new());
    }
    Ok(Answer::Result(Value::Null))
}

fn stream(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = locate(state, &input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let ops = input.text("operation").unwrap_or_else(|| "ALL".to_owned());
    let wanted: Vec<&str> = ops.split(',').map(str::trim).collect();
    let entries: Vec<Value> = c
        .log
        .iter()
        .filter(|e| wanted.contains(&"ALL") || wanted.contains(&e.kind))
        .map(|e| {
            json!({
                "contractId": id.as_str(),
                "operateTime": e.time,
                "operation": e.kind,
                "action": e.action,
                "operator": e.operator,
                "content": e.content,
            })
        })
        .collect();
    Ok(Answer::Result(Value::Array(entries)))
}

fn shorturl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate(state, &input)?;
    let operator = api_operator(state, &id);
    let contact = input.text("contact").unwrap_or_default();
    let c = contract_mut(state, &id)?;
    if c.status == ContractStatus::Draft {
        return Err(bad_status(c.status, "a sent contract"));
    }
    c.record(
        &stamp,
        "VIEW",
        "SHORT_URL",
        &operator,
        format!("short link for {contact}"),
    );
    let user = crate::pages::contract::user_of_contact(&contact);
    let url = mint(state, LinkPage::Short, id.as_str(), Some(user), None);
    Ok(Answer::Result(json!({ "shortUrl": url })))
}

fn resend(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let old_id = locate(state, &input)?;
    let old = state.contracts.get(&old_id).ok_or_else(not_found)?.clone();
    if old.status == ContractStatus::Draft {
        return Err(bad_status(old.status, "a sent contract"));
    }
    let owner = old.owner(&state.org.platform).to_owned();
    if let Some(biz) = input.text("newBizId")
        && state
            .find_contract(None, Some(&biz), old.tenant_name.as_deref())
            .is_some()
    {
        return Err(Failure::invalid_param(format!(
            "newBizId {biz} is already used"
        )));
    }
    let copied: usize = old
        .documents
        .iter()
        .filter_map(|d| state.contract_book.documents.get(d))
        .map(|d| d.bytes.len())
        .sum();
    state
        .contract_book
        .check_room(state.contracts.len() + 1, copied)?;
    let new_id = ContractId::new(state.contract_book.new_id());
    let signatories = match input.fields.get("signatories").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            check_signatory_count(list.len())?;
            let mut out = Vec::new();
            for (i, s) in list.iter().enumerate() {
                out.push(parse_signatory(
                    &mut state.contract_book,
                    s,
                    &format!("signatories[{i}]"),
                    i,
                    &owner,
                )?);
            }
            check_duplicates(&out)?;
            out
        }
        _ => {
            let mut out = old.signatories.clone();
            for s in &mut out {
                s.id = state.contract_book.new_id();
                s.status = SignatoryStatus::Draft;
                for a in &mut s.actions {
                    a.id = state.contract_book.new_id();
                    a.status = ActionStatus::Init;
                    a.used_seal = None;
                }
            }
            out
        }
    };
    let mut documents = Vec::new();
    for d in &old.documents {
        if let Some(doc) = state.contract_book.documents.get(d).cloned() {
            let new_doc = DocumentId::new(state.contract_book.new_id());
            let mut copy = doc;
            copy.id = new_doc.clone();
            copy.contract_id = new_id.clone();
            copy.create_time = state.clock.text();
            state.contract_book.documents.insert(new_doc.clone(), copy);
            documents.push(new_doc);
        }
    }
    let mut extra = old.extra.clone();
    extra.remove("stampers");
    extra.remove("watermarks");
    for key in ECHOED {
        if let Some(v) = input.fields.get(*key).filter(|v| !v.is_null()) {
            extra.insert((*key).to_owned(), v.clone());
        }
    }
    let mut contract = Contract {
        id: new_id.clone(),
        biz_id: input.text("newBizId"),
        tenant_name: old.tenant_name.clone(),
        subject: input.text("subject").unwrap_or_else(|| old.subject.clone()),
        status: ContractStatus::Draft,
        documents,
        signatories,
        description: input
            .text("description")
            .or_else(|| old.description.clone()),
        sn: input.text("sn").unwrap_or_else(|| format!("{}-R", old.sn)),
        ordinal: flag(&input, "ordinal").unwrap_or(old.ordinal),
        creator: user_of(input.fields.get("creator")).or_else(|| old.creator.clone()),
        expire_time: check_time(&input, "expireTime")?,
        end_time: check_time(&input, "endTime")?.or_else(|| old.end_time.clone()),
        create_time: state.clock.text(),
        publish_time: None,
        business_data: input
            .text("businessData")
            .or_else(|| old.business_data.clone()),
        callback_url: input
            .text("callbackUrl")
            .or_else(|| old.callback_url.clone()),
        extra,
        comments: None,
        invalid_reason: None,
        log: Vec::new(),
        files: Vec::new(),
        watermarks: Vec::new(),
    };
    contract.record(
        &stamp,
        "MODIFY",
        "RESEND",
        &owner,
        format!("resent from contract {old_id}"),
    );
    state.contracts.insert(new_id.clone(), contract);
    contract_mut(state, &old_id)?.record(
        &stamp,
        "MODIFY",
        "RESENT",
        &owner,
        format!("resent as contract {new_id}"),
    );
    if flag(&input, "send") != Some(false) {
        send_draft(state, &new_id, None)?;
    }
    Ok(Answer::Result(json!({ "contractId": new_id.as_str() })))
}

fn modify(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let stamp = state.clock.text();
    let id = locate_by(
        state,
        input.text("id").as_deref(),
        input.text("bizId").as_deref(),
        input.text("tenantName").as_deref(),
    )?;
    let operator = api_operator(state, &id);
    let expire = check_time(&input, "expireTime")?;
    let end = check_time(&input, "endTime")?;
    let keep: Option<Vec<String>> = input
        .fields
        .get("documents")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(text_of).collect());
    let c = contract_mut(state, &id)?;
    if !matches!(c.status, ContractStatus::Draft | ContractStatus::Signing) {
        return Err(bad_status(c.status, "DRAFT or SIGNING"));
    }
    if let Some(keep) = &keep {
        if c.status != ContractStatus::Draft {
            return Err(bad_status(c.status, "DRAFT to change documents"));
        }
        if let Some(unknown) = keep
            .iter()
            .find(|k| !c.documents.iter().any(|d| d.as_str() == k.as_str()))
        {
            return Err(Failure::invalid_param(format!(
                "documents: {unknown} is not a document of contract {id}"
            )));
        }
        c.documents.retain(|d| keep.iter().any(|k| k == d.as_str()));
    }
    if let Some(s) = input.text("subject") {
        c.subject = s;
    }
    if expire.is_some() {
        c.expire_time = expire;
    }
    if let Some(e) = end {
        c.end_time = Some(format!("{} 23:59:59", &e[..10]));
    }
    if let Some(p) = input.fields.get("templateParams").filter(|v| !v.is_null()) {
        c.extra.insert("templateParams".into(), p.clone());
    }
    c.record(&stamp, "MODIFY", "MODIFY", &operator, "contract modified");
    Ok(Answer::Result(Value::Null))
}

fn required_detail(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let id = locate(state, &input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    let params: Vec<Value> = c
        .extra
        .get("templateParams")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let filled = p.get("value").and_then(text_of).is_some();
            json!({
                "name": p.get("name").cloned().unwrap_or(Value::Null),
                "value": p.get("value").cloned().unwrap_or(Value::Null),
                "required": p.get("required").and_then(Value::as_bool).unwrap_or(false),
                "filled": filled,
            })
        })
        .collect();
    let all = params
        .iter()
        .all(|p| p["filled"] == json!(true) || p["required"] == json!(false));
    Ok(Answer::Result(json!({
        "contractId": id.as_str(),
        "params": params,
        "allRequiredFilled": all,
    })))
}

fn join_urls(state: &mut State, input: &Input, kind: TenantKind) -> Result<Answer, Failure> {
    let id = locate(state, input)?;
    let c = state.contracts.get(&id).ok_or_else(not_found)?;
    if !matches!(c.status, ContractStatus::Draft | ContractStatus::Signing) {
        return Err(bad_status(c.status, "DRAFT or SIGNING"));
    }
    let joining: Vec<(i64, String)> = c
        .signatories
        .iter()
        .filter(|s| {
            s.kind == kind && s.delay_set && (s.receiver.is_none() || s.tenant_name.is_none())
        })
        .map(|s| (s.serial_no, s.id.clone()))
        .collect();
    let urls: Vec<Value> = joining
        .into_iter()
        .map(|(serial_no, sid)| {
            json!({
                "serialNo": serial_no,
                "signatoryId": sid,
                "url": mint(state, LinkPage::Join, sid.as_str(), None, None),
            })
        })
        .collect();
    if urls.is_empty() {
        return Err(Failure::business(
            1125,
            "11011125",
            format!(
                "NO SIGNATORY TO JOIN: contract {id} has no {} signatory waiting to join",
                kind.as_str()
            ),
        ));
    }
    Ok(Answer::Result(json!({ "joinUrls": urls })))
}

fn joinurl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let kind = if input.text("type").as_deref() == Some("COMPANY") {
        TenantKind::Company
    } else {
        TenantKind::Personal
    };
    join_urls(state, &input, kind)
}

fn personal_joinurl(state: &mut State, input: Input) -> Result<Answer, Failure> {
    join_urls(state, &input, TenantKind::Personal)
}

#[allow(clippy::unnecessary_wraps)]
fn checkhealth(_state: &mut State, _input: Input) -> Result<Answer, Failure> {
    Ok(Answer::Result(json!("ok")))
}
