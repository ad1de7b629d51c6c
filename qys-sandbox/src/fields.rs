//! The sandbox's own tables of the documented request fields, per route, and the checks that
//! apply them.
//!
//! Written from `reference/qys-openapi-spec.md` (§2.1 `User`, §2.2 `Company`, §2.10 enums,
//! §10.2, §11) and the vendor SDK inventory (`reference/qys-sdks.md` §9), **not** derived from
//! qys-proto's request types, so that the sandbox and the SDK check each other.
//!
//! Rules:
//! - a required field that is absent, `null` or an empty string → 1005 `<field> is required`;
//! - a field of the wrong JSON type, or a value outside a documented enum → 1005 naming it;
//! - unknown fields are accepted and ignored, as the platform does;
//! - IDs (64-bit) are accepted as JSON strings or integers, never as fractions;
//! - booleans must be JSON booleans (in multipart text parts: `true` / `false`).
//!
//! Multipart text parts are converted to JSON values by the field's type (objects and lists are
//! JSON text, as the vendor SDKs send them) and then checked by the same tables.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// The type of a documented field.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // Int and Num arrive with the contract and organization tables
pub(crate) enum Ty {
    /// A string.
    Str,
    /// A 64-bit ID: a string of digits or an integer.
    Id,
    /// A boolean.
    Bool,
    /// A boolean, or the text `"true"` / `"false"`: the vendor Go SDK sends
    /// `TemplateParam.ReadOnly` as a string.
    Flag,
    /// An integer.
    Int,
    /// A decimal number.
    Num,
    /// A string from this set.
    Enum(&'static [&'static str]),
    /// A string of comma-separated values from this set.
    CommaList(&'static [&'static str]),
    /// A list of values of this type.
    List(&'static Self),
    /// An object with these fields.
    Object(&'static Schema),
}

/// One documented field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
}

/// A rule over several fields of one object.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rule {
    /// Exactly one of these fields must be present.
    ExactlyOne(&'static [&'static str]),
    /// At least one of these fields must be present.
    AtLeastOne(&'static [&'static str]),
}

/// The fields of an object (a request body or a nested object).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schema {
    pub(crate) fields: &'static [Field],
    pub(crate) rules: &'static [Rule],
}

/// A file part of a multipart route.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileField {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
}

pub(crate) const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

pub(crate) const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

/// A file part.
pub(crate) const fn file(name: &'static str, required: bool) -> FileField {
    FileField { name, required }
}

// --- building tables ----------------------------------------------------------------------------
//
// A table that extends a shared one is written with one of these macros, so that each shared
// run of fields has one definition. `[$extra]` lists are spliced in where the documented order
// puts them (the order decides which of several faults is named first).

/// A `User`-shaped schema `{contact, contactType, name}` with these contact types (§2.1).
macro_rules! user_schema {
    ($types:expr) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::req("contact", $crate::fields::Ty::Str),
                $crate::fields::req("contactType", $crate::fields::Ty::Enum($types)),
                $crate::fields::opt("name", $crate::fields::Ty::Str),
            ],
            rules: &[],
        }
    };
}

/// A schema naming a contract by `contractId` or `bizId` (+ `tenantName`), then these fields,
/// and these rules after the `ExactlyOne(contractId, bizId)` rule.
macro_rules! contract_ref {
    () => {
        $crate::fields::contract_ref!([], [])
    };
    ([$($field:expr),* $(,)?], [$($rule:expr),* $(,)?]) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::opt("contractId", $crate::fields::Ty::Id),
                $crate::fields::opt("bizId", $crate::fields::Ty::Str),
                $crate::fields::opt("tenantName", $crate::fields::Ty::Str),
                $($field,)*
            ],
            rules: &[
                $crate::fields::Rule::ExactlyOne(&["contractId", "bizId"]),
                $($rule,)*
            ],
        }
    };
}

/// A paged organization list: `tenantName`, `selectOffset`, `selectLimit`, the
/// `modifyTimeStart`/`modifyTimeEnd` window, then these fields.
macro_rules! window_list {
    ($($field:expr),* $(,)?) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::opt("tenantName", $crate::fields::Ty::Str),
                $crate::fields::opt("selectOffset", $crate::fields::Ty::Int),
                $crate::fields::opt("selectLimit", $crate::fields::Ty::Int),
                $crate::fields::opt("modifyTimeStart", $crate::fields::Ty::Str),
                $crate::fields::opt("modifyTimeEnd", $crate::fields::Ty::Str),
                $($field,)*
            ],
            rules: &[],
        }
    };
}

/// A personal authentication (§9.1, §11.4): `mode` … `callbackUrl`, then `[$mid]`, then
/// `otherModes`, `modifyFields`, then `[$tail]`.
macro_rules! personal_auth {
    ([$($mid:expr),* $(,)?], [$($tail:expr),* $(,)?]) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::opt("mode", $crate::fields::Ty::Enum($crate::fields::AUTH_MODES)),
                $crate::fields::req("user", $crate::fields::Ty::Object(&$crate::fields::AUTH_USER)),
                $crate::fields::opt(
                    "paperType",
                    $crate::fields::Ty::Enum($crate::fields::PAPER_TYPES),
                ),
                $crate::fields::opt("username", $crate::fields::Ty::Str),
                $crate::fields::opt("idCardNo", $crate::fields::Ty::Str),
                $crate::fields::opt("bankNo", $crate::fields::Ty::Str),
                $crate::fields::opt("bankMobile", $crate::fields::Ty::Str),
                $crate::fields::opt("callbackUrl", $crate::fields::Ty::Str),
                $($mid,)*
                $crate::fields::opt(
                    "otherModes",
                    $crate::fields::Ty::List(&$crate::fields::Ty::Enum($crate::fields::OTHER_MODES)),
                ),
                $crate::fields::opt(
                    "modifyFields",
                    $crate::fields::Ty::List(
                        &$crate::fields::Ty::Enum($crate::fields::PERSONAL_FIELDS),
                    ),
                ),
                $($tail,)*
            ],
            rules: &[],
        }
    };
}

/// A company authentication (§9.3, §11.5): `companyName`, the applicant under `$applicant`,
/// `registerNo`, `legalPerson`, then `[$mid]`, `callbackUrl`, then `[$tail]`.
macro_rules! company_auth {
    ($applicant:literal, [$($mid:expr),* $(,)?], [$($tail:expr),* $(,)?]) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::req("companyName", $crate::fields::Ty::Str),
                $crate::fields::req(
                    $applicant,
                    $crate::fields::Ty::Object(&$crate::fields::APPLICANT),
                ),
                $crate::fields::opt("registerNo", $crate::fields::Ty::Str),
                $crate::fields::opt("legalPerson", $crate::fields::Ty::Str),
                $($mid,)*
                $crate::fields::opt("callbackUrl", $crate::fields::Ty::Str),
                $($tail,)*
            ],
            rules: &[],
        }
    };
}

/// A personal silent-signing authorization (§10.2, §11.7): `user` … `authInfo`, `pageStyle`,
/// `allowPersonalAuto`, then `[$mid]`, then `authTimeModifiable`.
macro_rules! personal_sign_auth {
    ([$($mid:expr),* $(,)?]) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::req("user", $crate::fields::Ty::Object(&$crate::fields::USER)),
                $crate::fields::opt("authDeadline", $crate::fields::Ty::Str),
                $crate::fields::opt("remark", $crate::fields::Ty::Str),
                $crate::fields::opt("callbackUrl", $crate::fields::Ty::Str),
                $crate::fields::opt("tenantName", $crate::fields::Ty::Str),
                $crate::fields::opt("authMethod", $crate::fields::Ty::Str),
                $crate::fields::opt(
                    "authInfo",
                    $crate::fields::Ty::Object(&$crate::fields::PERSONAL_SIGN_AUTH_INFO),
                ),
                $crate::fields::opt(
                    "pageStyle",
                    $crate::fields::Ty::Object(&$crate::fields::PAGE_STYLE),
                ),
                $crate::fields::opt("allowPersonalAuto", $crate::fields::Ty::Bool),
                $($mid,)*
                $crate::fields::opt("authTimeModifiable", $crate::fields::Ty::Bool),
            ],
            rules: &[],
        }
    };
}

/// A SaaS seal-signing authorization (§11.9, §17): `sealAdmin`, `company`, `authDeadline`,
/// `remark`, `callbackUrl`, then `[$mid]`, then `appId`.
macro_rules! seal_sign_auth {
    ([$($mid:expr),* $(,)?]) => {
        $crate::fields::Schema {
            fields: &[
                $crate::fields::req("sealAdmin", $crate::fields::Ty::Object(&$crate::fields::USER)),
                $crate::fields::req("company", $crate::fields::Ty::Object(&$crate::fields::COMPANY)),
                $crate::fields::opt("authDeadline", $crate::fields::Ty::Str),
                $crate::fields::opt("remark", $crate::fields::Ty::Str),
                $crate::fields::opt("callbackUrl", $crate::fields::Ty::Str),
                $($mid,)*
                $crate::fields::opt("appId", $crate::fields::Ty::Str),
            ],
            rules: &[],
        }
    };
}

/// A SaaS privilege grant (sdks §9, §17): `appId`, `companyId`, `user`, `createToken`,
/// `successUrl`, `callbackUrl`, `privilegeModules`, then `[$tail]`.
macro_rules! saas_privilege {
    ([$($tail:expr),* $(,)?]) => {
        $crate::fields::Schema {
            fields: &[
                // Optional: the vendor SDK's usage sends none (the tenant's own app then).
                $crate::fields::opt("appId", $crate::fields::Ty::Str),
                $crate::fields::req("companyId", $crate::fields::Ty::Id),
                $crate::fields::req("user", $crate::fields::Ty::Object(&$crate::fields::USER)),
                $crate::fields::opt("createToken", $crate::fields::Ty::Bool),
                $crate::fields::opt("successUrl", $crate::fields::Ty::Str),
                $crate::fields::opt("callbackUrl", $crate::fields::Ty::Str),
                $crate::fields::opt(
                    "privilegeModules",
                    $crate::fields::Ty::List(&$crate::fields::Ty::Str),
                ),
                $($tail,)*
            ],
            rules: &[],
        }
    };
}

pub(crate) use {
    company_auth, contract_ref, personal_auth, personal_sign_auth, saas_privilege, seal_sign_auth,
    user_schema, window_list,
};

// --- shared types (§2) -------------------------------------------------------------------------

/// Every `contactType` of §2.1.
const CONTACT_TYPES: &[&str] = &["MOBILE", "EMAIL", "EMPLOYEEID", "NUMBER", "BIZID"];
/// `contactType` of a contract signer (§11.2).
const SIGNER_CONTACT_TYPES: &[&str] = &["MOBILE", "EMAIL", "EMPLOYEEID", "NUMBER"];
/// `contactType` of auth links and company-auth applicants (§2.1, §11.4, §11.5).
pub(crate) const AUTH_CONTACT_TYPES: &[&str] = &["MOBILE", "EMAIL"];

/// `User` (§2.1).
pub(crate) const USER: Schema = user_schema!(CONTACT_TYPES);

/// `User` as a contract signer (§11.2).
pub(crate) const SIGNER: Schema = user_schema!(SIGNER_CONTACT_TYPES);

/// `User` of an authentication ticket: MOBILE or EMAIL only (§11.4).
pub(crate) const AUTH_USER: Schema = user_schema!(AUTH_CONTACT_TYPES);

/// The company-auth applicant `{name, contact, contactType}` (§11.5). ⚠ `name` is listed but
/// its required flag is not documented; the sandbox accepts it absent.
pub(crate) const APPLICANT: Schema = AUTH_USER;

/// `Company` `{id, name, registerNo}`: id or name (§2.2).
pub(crate) const COMPANY: Schema = Schema {
    fields: &[
        opt("id", Ty::Id),
        opt("name", Ty::Str),
        opt("registerNo", Ty::Str),
    ],
    rules: &[Rule::AtLeastOne(&["id", "name"])],
};

/// `PageStyle` (§2.11).
pub(crate) const PAGE_STYLE: Schema = Schema {
    fields: &[opt("themeColor", Ty::Str)],
    rules: &[],
};

/// The table of the calls without fields.
pub(crate) const NONE: Schema = Schema {
    fields: &[],
    rules: &[],
};

/// The contract reference of most contract endpoints: `contractId` or `bizId` (+
/// `tenantName`).
pub(crate) const CONTRACT_REF: Schema = contract_ref!();

/// A required `file` part.
pub(crate) const FILE_REQUIRED: &[FileField] = &[file("file", true)];
/// An optional `file` part.
pub(crate) const FILE_OPTIONAL: &[FileField] = &[file("file", false)];
/// A required `license` part (company authentication with a licence, §9.5, §11.6).
pub(crate) const LICENSE_REQUIRED: &[FileField] = &[file("license", true)];
/// An optional `license` part (SaaS company authentication, sdks §9).
pub(crate) const LICENSE_OPTIONAL: &[FileField] = &[file("license", false)];

/// Personal auth `mode` (§2.10, §11.4).
pub(crate) const AUTH_MODES: &[&str] = &["DEFAULT", "IVS", "FACE", "ALIPAY", "BANK"];
/// Personal auth `otherModes` (§11.4).
pub(crate) const OTHER_MODES: &[&str] = &["IVS", "FACE", "ALIPAY", "BANK", "MANUAL"];
/// `paperType` (§2.10).
pub(crate) const PAPER_TYPES: &[&str] = &["IDCARD", "PASSPORT", "HKMP", "MTPS"];
/// Personal `modifyFields` (§11.4).
pub(crate) const PERSONAL_FIELDS: &[&str] = &["USERNAME", "IDCARDNO", "BANKNO", "BANKMOBILE"];
/// Company auth `modifyFields` (§11.5).
const COMPANY_FIELDS: &[&str] = &["corpName", "registerNo", "legalPerson"];
/// Company auth with licence `modifyFields` (§11.6: also `license`).
pub(crate) const COMPANY_LICENSE_FIELDS: &[&str] =
    &["corpName", "registerNo", "legalPerson", "license"];
/// `lang` (§2.10).
pub(crate) const LANGS: &[&str] = &["cn", "en"];

/// `PersonalSignUserAuthInfo` (§10.2).
pub(crate) const PERSONAL_SIGN_AUTH_INFO: Schema = Schema {
    fields: &[
        opt("mode", Ty::Enum(AUTH_MODES)),
        opt("paperType", Ty::Enum(PAPER_TYPES)),
        opt("username", Ty::Str),
        opt("idCardNo", Ty::Str),
        opt("bankNo", Ty::Str),
        opt("bankMobile", Ty::Str),
        opt("otherModes", Ty::List(&Ty::Enum(OTHER_MODES))),
        opt("modifyFields", Ty::List(&Ty::Enum(PERSONAL_FIELDS))),
    ],
    rules: &[],
};

// --- §11 mini-program tickets ------------------------------------------------------------------

/// `POST /v2/contract/miniappexchange` (§11.2).
pub(crate) const CONTRACT_SIGN_TICKET: Schema = contract_ref!(
    [
        req("user", Ty::Object(&SIGNER)),
        opt("hidePasswordSettings", Ty::Bool),
        opt("allowPasswordSign", Ty::Bool),
    ],
    []
);

/// `POST /v2/contract/miniappexchange/view` (§11.3).
pub(crate) const CONTRACT_VIEW_TICKET: Schema = contract_ref!(
    [
        opt("documentId", Ty::Id),
        opt("lang", Ty::Enum(LANGS)),
        opt("themeColor", Ty::Str),
    ],
    []
);

/// `POST /v2/personalauth/miniappexchange` (§11.4).
pub(crate) const PERSONAL_AUTH_TICKET: Schema = personal_auth!([], []);

/// `POST /saas/v2/personalauth/miniappexchange` (§11 "other tickets"; sdks §9): the fields of
/// §11.4 plus `manualSwitch`.
pub(crate) const SAAS_PERSONAL_AUTH_TICKET: Schema =
    personal_auth!([opt("manualSwitch", Ty::Bool)], []);

/// `POST /companyauth/miniappexchange` (§11.5).
pub(crate) const COMPANY_AUTH_TICKET: Schema = company_auth!(
    "applicant",
    [],
    [
        opt("closeButton", Ty::Bool),
        opt("modifyFields", Ty::CommaList(COMPANY_FIELDS)),
    ]
);

/// `POST /companyauth/miniappexchangewithlicense` (§11.6, multipart; the file is `license`).
pub(crate) const COMPANY_AUTH_LICENSE_TICKET: Schema = company_auth!(
    "applicantInfo",
    [],
    [
        opt("closeButton", Ty::Bool),
        opt("modifyFields", Ty::CommaList(COMPANY_LICENSE_FIELDS)),
    ]
);

/// `POST /saas/v2/companyauth/miniappexchange` (sdks §9, multipart; `license` optional).
pub(crate) const SAAS_COMPANY_AUTH_TICKET: Schema = company_auth!("applicantInfo", [], []);

/// `POST /v2/personalsign/authurl/miniappexchange` (§11.7 = §10.2 without `callbackPage`).
pub(crate) const PERSONAL_SIGN_AUTH_TICKET: Schema = personal_sign_auth!([]);

/// `POST /saas/v2/personalsign/authurl/miniappexchange` (§11.8), and the page
/// `POST /saas/v2/personalsign/authurl` (§17) it is the ticket of. ⚠ `company` is not marked
/// required upstream; the sandbox requires it (the authorization is for a tenant company).
pub(crate) const SAAS_PERSONAL_SIGN_AUTH_TICKET: Schema = Schema {
    fields: &[
        req("user", Ty::Object(&USER)),
        opt("authDeadline", Ty::Str),
        opt("remark", Ty::Str),
        opt("callbackUrl", Ty::Str),
        req("company", Ty::Object(&COMPANY)),
        opt("appId", Ty::Str),
        opt("pageStyle", Ty::Object(&PAGE_STYLE)),
        opt("allowPersonalAuto", Ty::Bool),
        opt("authTimeModifiable", Ty::Bool),
    ],
    rules: &[],
};

/// `POST /saas/v2/sealsign/authurl/miniappexchange` (§11.9, inferred from
/// `/saas/v2/sealsign/authurl` without `returnUrl`).
pub(crate) const SAAS_SEAL_SIGN_AUTH_TICKET: Schema = seal_sign_auth!([]);

/// `POST /saas/v2/privilege/miniappexchange` (sdks §9). ⚠ Required flags are not documented;
/// `appId`, `companyId` and `user` identify the grant and are required here.
pub(crate) const SAAS_PRIVILEGE_TICKET: Schema = saas_privilege!([]);

// --- checking ----------------------------------------------------------------------------------

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn is_absent(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

fn one_of(values: &[&str]) -> String {
    let mut s = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(v);
    }
    s
}

fn excerpt(value: &Value) -> String {
    let mut s = value.to_string();
    if s.len() > 64 {
        let mut cut = 64;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Checks a JSON object against `schema`; the error is the detail of a 1005 answer.
///
/// With `strict`, a field the table does not document is refused too (the platform ignores
/// them; qys's own tests use this to catch misspelt fields).
pub(crate) fn check_object(
    schema: &Schema,
    object: &Map<String, Value>,
    prefix: &str,
    strict: bool,
) -> Result<(), String> {
    if strict
        && let Some(unknown) = object
            .keys()
            .find(|k| !schema.fields.iter().any(|f| f.name == k.as_str()))
    {
        return Err(format!(
            "{} is not a documented field (strict mode)",
            join(prefix, unknown)
        ));
    }
    for field in schema.fields {
        let path = join(prefix, field.name);
        let value = object.get(field.name);
        if is_absent(value) {
            if field.required {
                return Err(format!("{path} is required"));
            }
            continue;
        }
        if let Some(value) = value {
            check_value(&field.ty, value, &path, strict)?;
        }
    }
    for rule in schema.rules {
        let present: Vec<&str> = match rule {
            Rule::ExactlyOne(names) | Rule::AtLeastOne(names) => names
                .iter()
                .copied()
                .filter(|n| !is_absent(object.get(*n)))
                .collect(),
        };
        match rule {
            Rule::ExactlyOne(names) if present.is_empty() => {
                let names: Vec<String> = names.iter().map(|n| join(prefix, n)).collect();
                return Err(format!("one of {} is required", names.join(" or ")));
            }
            Rule::ExactlyOne(_) if present.len() > 1 => {
                let names: Vec<String> = present.iter().map(|n| join(prefix, n)).collect();
                return Err(format!("only one of {} may be given", names.join(" and ")));
            }
            Rule::AtLeastOne(names) if present.is_empty() => {
                let names: Vec<String> = names.iter().map(|n| join(prefix, n)).collect();
                return Err(format!("one of {} is required", names.join(" or ")));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A flag sent as a boolean or as the text `"true"` / `"false"` ([`Ty::Flag`]).
pub(crate) fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn check_value(ty: &Ty, value: &Value, path: &str, strict: bool) -> Result<(), String> {
    match (ty, value) {
        (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) => Ok(()),
        (Ty::Int, Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
        (Ty::Int, other) => Err(format!("{path} must be an integer, not {}", excerpt(other))),
        (Ty::Num, Value::Number(_)) => Ok(()),
        (Ty::Num, other) => Err(format!("{path} must be a number, not {}", excerpt(other))),
        (Ty::Str, other) => Err(format!("{path} must be a string, not {}", excerpt(other))),
        (Ty::Bool, other) => Err(format!("{path} must be a boolean, not {}", excerpt(other))),
        (Ty::Flag, other) if flag(other).is_some() => Ok(()),
        (Ty::Flag, other) => Err(format!(
            "{path} must be a boolean or \"true\" / \"false\", not {}",
            excerpt(other)
        )),
        (Ty::Id, Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(())
        }
        (Ty::Id, Value::Number(n)) if n.is_u64() => Ok(()),
        (Ty::Id, other) => Err(format!(
            "{path} must be an ID (digits, as a string or an integer), not {}",
            excerpt(other)
        )),
        (Ty::Enum(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        (Ty::Enum(allowed), other) => Err(format!(
            "{path} must be one of {}, not {}",
            one_of(allowed),
            excerpt(other)
        )),
        (Ty::CommaList(allowed), Value::String(s)) => {
            for item in s.split(',').map(str::trim) {
                if !allowed.contains(&item) {
                    return Err(format!(
                        "{path} must be a comma-separated list of {}, and {item:?} is not one",
                        one_of(allowed)
                    ));
                }
            }
            Ok(())
        }
        (Ty::CommaList(allowed), other) => Err(format!(
            "{path} must be a comma-separated string of {}, not {}",
            one_of(allowed),
            excerpt(other)
        )),
        (Ty::List(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check_value(item, v, &format!("{path}[{i}]"), strict)?;
            }
            Ok(())
        }
        (Ty::List(_), other) => Err(format!("{path} must be a list, not {}", excerpt(other))),
        (Ty::Object(schema), Value::Object(map)) => check_object(schema, map, path, strict),
        (Ty::Object(_), other) => Err(format!("{path} must be an object, not {}", excerpt(other))),
    }
}

/// Turns the text parts of a multipart body into a JSON object by the field types of
/// `schema` (objects and lists are JSON text, booleans `true`/`false`), keeping unknown parts
/// as strings. The first part of a name wins.
pub(crate) fn form_to_object(
    schema: &Schema,
    parts: &[(String, String)],
) -> Result<Map<String, Value>, String> {
    text_to_object(schema, parts, false)
}

/// Like [`form_to_object`] for a query string, where lists are comma-joined rather than JSON
/// text.
pub(crate) fn query_to_object(
    schema: &Schema,
    pairs: &[(String, String)],
) -> Result<Map<String, Value>, String> {
    text_to_object(schema, pairs, true)
}

fn text_to_object(
    schema: &Schema,
    parts: &[(String, String)],
    comma_lists: bool,
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for (name, text) in parts {
        if out.contains_key(name) {
            continue;
        }
        let ty = schema.fields.iter().find(|f| f.name == name).map(|f| f.ty);
        let value = match ty {
            Some(Ty::Bool) => match text.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "" => Value::Null,
                other => {
                    let mut msg = String::new();
                    let _ = write!(msg, "{name} must be true or false, not {other:?}");
                    return Err(msg);
                }
            },
            Some(Ty::Int) if text.trim().is_empty() => Value::Null,
            Some(Ty::Int) => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("{name} must be an integer, not {text:?}"))?,
            Some(Ty::Num) if text.trim().is_empty() => Value::Null,
            Some(Ty::Num) => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("{name} must be a number, not {text:?}"))?,
            Some(Ty::Object(_) | Ty::List(_)) if text.trim().is_empty() => Value::Null,
            Some(Ty::List(_)) if comma_lists => Value::Array(
                text.split(',')
                    .map(|item| Value::String(item.trim().to_owned()))
                    .collect(),
            ),
            Some(Ty::Object(_) | Ty::List(_)) => serde_json::from_str(text)
                .map_err(|_| format!("{name} must be JSON text ({text:?} is not)"))?,
            _ => Value::String(text.clone()),
        };
        out.insert(name.clone(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: &Schema, v: Value) -> Result<(), String> {
        check_object(schema, v.as_object().unwrap(), "", false)
    }

    #[test]
    fn required_nested_enum_and_rules() {
        let ok = json!({"contractId": "123", "user": {"contact": "1", "contactType": "MOBILE"}});
        assert_eq!(check(&CONTRACT_SIGN_TICKET, ok), Ok(()));
        assert_eq!(
            check(&CONTRACT_SIGN_TICKET, json!({"contractId": 1})),
            Err("user is required".into())
        );
        assert_eq!(
            check(
                &CONTRACT_SIGN_TICKET,
                json!({"contractId": 1, "user": {"contact": "1", "contactType": "BIZID"}})
            ),
            Err(
                "user.contactType must be one of MOBILE, EMAIL, EMPLOYEEID, NUMBER, not \"BIZID\""
                    .into()
            )
        );
        let both = json!({"contractId": 1, "bizId": "b", "user": {"contact": "1", "contactType": "MOBILE"}});
        assert!(
            check(&CONTRACT_SIGN_TICKET, both)
                .unwrap_err()
                .contains("only one")
        );
        let none = json!({"user": {"contact": "1", "contactType": "MOBILE"}});
        assert_eq!(
            check(&CONTRACT_SIGN_TICKET, none),
            Err("one of contractId or bizId is required".into())
        );
        assert!(
            check(&CONTRACT_VIEW_TICKET, json!({"contractId": 1.5}))
                .unwrap_err()
                .starts_with("contractId must be an ID")
        );
        assert!(
            check(
                &PERSONAL_AUTH_TICKET,
                json!({"user": {"contact": "1", "contactType": "MOBILE"}, "otherModes": ["FACE", "X"]})
            )
            .unwrap_err()
            .starts_with("otherModes[1] must be one of")
        );
        assert!(
            check(
                &COMPANY_AUTH_TICKET,
                json!({"companyName": "c", "applicant": {"contact": "1", "contactType": "MOBILE"}, "modifyFields": "corpName,license"})
            )
            .unwrap_err()
            .contains("\"license\" is not one")
        );
        assert_eq!(
            check(
                &SAAS_SEAL_SIGN_AUTH_TICKET,
                json!({"sealAdmin": {"contact": "1", "contactType": "MOBILE"}, "company": {}})
            ),
            Err("one of company.id or company.name is required".into())
        );
        assert_eq!(
            check(
                &PERSONAL_SIGN_AUTH_TICKET,
                json!({"user": {"contact": "1", "contactType": "MOBILE"}, "allowPersonalAuto": "true", "unknown": 1})
            ),
            Err("allowPersonalAuto must be a boolean, not \"true\"".into())
        );
    }

    #[test]
    fn form_parts_are_typed_by_the_table() {
        let parts = vec![
            ("companyName".to_owned(), "契约锁".to_owned()),
            (
                "applicantInfo".to_owned(),
                r#"{"contact":"1","contactType":"EMAIL"}"#.to_owned(),
            ),
            ("closeButton".to_owned(), "false".to_owned()),
            ("extra".to_owned(), "x".to_owned()),
        ];
        let obj = form_to_object(&COMPANY_AUTH_LICENSE_TICKET, &parts).unwrap();
        assert_eq!(obj["closeButton"], json!(false));
        assert_eq!(
            check_object(&COMPANY_AUTH_LICENSE_TICKET, &obj, "", false),
            Ok(())
        );
        assert_eq!(
            check_object(&COMPANY_AUTH_LICENSE_TICKET, &obj, "", true),
            Err("extra is not a documented field (strict mode)".into())
        );
        let bad = vec![("closeButton".to_owned(), "yes".to_owned())];
        assert!(form_to_object(&COMPANY_AUTH_LICENSE_TICKET, &bad).is_err());
        let bad = vec![("applicantInfo".to_owned(), "{".to_owned())];
        assert!(
            form_to_object(&COMPANY_AUTH_LICENSE_TICKET, &bad)
                .unwrap_err()
                .starts_with("applicantInfo must be JSON text")
        );
    }
}
