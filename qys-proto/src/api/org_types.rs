//! Types shared by the organization, seal, template, category, identity, authorization, tool,
//! app and SaaS groups: paged lists, page links, and the enums several of them use.
//!
//! Response shapes the vendor documents only in part are read permissively: every field is
//! optional, unknown fields are kept in `extra`, and IDs accept strings and numbers.

use serde::{Deserialize, Serialize};

use crate::answer::{self, Carrier, Extra};
use crate::error::{BuildError, BuildErrorKind};
use crate::types::string_enum;

// --- helpers for the organization-side modules ------------------------------------------------

/// A [`BuildErrorKind::InvalidArgument`] error.
pub(crate) fn invalid(message: impl Into<String>) -> BuildError {
    BuildError::new(BuildErrorKind::InvalidArgument, message)
}

/// Fails when `value` is empty or blank.
pub(crate) fn require_non_empty(value: &str, field: &str) -> Result<(), BuildError> {
    if value.trim().is_empty() {
        return Err(invalid(format!("{field} must not be empty")));
    }
    Ok(())
}

/// Fails when an optional text is given but blank.
pub(crate) fn non_blank_if_set(value: Option<&str>, field: &str) -> Result<(), BuildError> {
    value.map_or(Ok(()), |v| require_non_empty(v, field))
}

/// True when the optional text is present and not blank.
pub(crate) fn is_set(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.trim().is_empty())
}

/// Fails unless the contact of a person is non-empty.
pub(crate) fn require_user(user: &crate::types::User, field: &str) -> Result<(), BuildError> {
    require_non_empty(&user.contact, &format!("{field}.contact"))
}

/// Fails unless the person is addressed by mobile or e-mail.
pub(crate) fn require_mobile_or_email(
    user: &crate::types::User,
    field: &str,
) -> Result<(), BuildError> {
    require_user(user, field)?;
    require_contact_type_mobile_or_email(user, field)
}

/// Fails unless the person's contact type is mobile or e-mail (the contact itself unchecked).
pub(crate) fn require_contact_type_mobile_or_email(
    user: &crate::types::User,
    field: &str,
) -> Result<(), BuildError> {
    match user.contact_type {
        crate::types::ContactType::Mobile | crate::types::ContactType::Email => Ok(()),
        _ => Err(invalid(format!(
            "{field}.contactType must be MOBILE or EMAIL here"
        ))),
    }
}

/// Fails unless a company reference has an ID or a name.
pub(crate) fn require_company(
    company: &crate::types::Company,
    field: &str,
) -> Result<(), BuildError> {
    let has_id = company
        .id
        .as_ref()
        .is_some_and(|id| !id.as_str().trim().is_empty());
    if !has_id && !is_set(company.name.as_deref()) {
        return Err(invalid(format!("{field} needs an id or a name")));
    }
    Ok(())
}

/// The page size the list requests ask for unless told otherwise: the platform's default
/// `selectLimit` (契约锁 doc pages 员工列表, 印章列表, 模板列表, 业务分类列表), which states no range.
pub const DEFAULT_SELECT_LIMIT: u64 = 1000;

/// Fails unless `value` looks like `yyyy-MM-dd HH:mm:ss`.
pub(crate) fn check_datetime(value: Option<&str>, field: &str) -> Result<(), BuildError> {
    let Some(v) = value else { return Ok(()) };
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = b.len() == 19
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
        && digits(17..19);
    if !ok {
        return Err(invalid(format!(
            "{field} must be formatted yyyy-MM-dd HH:mm:ss, got {v:?}"
        )));
    }
    Ok(())
}

/// The paging and filter fields the list requests share, flattened into each: `selectOffset`,
/// `selectLimit`, `tenantName` and (category, template and seal lists) the modification-time
/// window. Fields a list does not offer stay `None` and are not sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListQuery {
    pub(crate) select_offset: u64,
    pub(crate) select_limit: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) modify_time_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) modify_time_end: Option<String>,
}

impl Default for ListQuery {
    /// The first page of up to [`DEFAULT_SELECT_LIMIT`] items, unfiltered.
    fn default() -> Self {
        Self {
            select_offset: 0,
            select_limit: DEFAULT_SELECT_LIMIT,
            tenant_name: None,
            modify_time_start: None,
            modify_time_end: None,
        }
    }
}

impl ListQuery {
    /// Fails unless a given tenant is not blank and the times are `yyyy-MM-dd HH:mm:ss` (the
    /// shape 契约锁 doc pages 印章列表, 模板列表 and 业务分类列表 give `modifyTimeStart/End`). The
    /// limit is the platform's to judge: no doc page gives it a range.
    pub(crate) fn check(&self) -> Result<(), BuildError> {
        non_blank_if_set(self.tenant_name.as_deref(), "tenantName")?;
        check_datetime(self.modify_time_start.as_deref(), "modifyTimeStart")?;
        check_datetime(self.modify_time_end.as_deref(), "modifyTimeEnd")
    }
}

// --- results ------------------------------------------------------------------------------------

/// One page of a list: `{totalCount, list}` (a bare array, or `null`, is read as a list without
/// a total). The object's other fields are kept in `extra`, and the page is written back in
/// the form it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// How many items match in all, when the platform says (a string or a number on the wire).
    pub total_count: Option<u64>,
    /// The items of this page.
    pub list: Vec<T>,
    /// Fields qys does not know, kept as sent.
    pub extra: serde_json::Map<String, serde_json::Value>,
    form: PageForm,
}

/// The form a page came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageForm {
    Object,
    Bare,
    Null,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            total_count: None,
            list: Vec::new(),
            extra: Extra::new(),
            form: PageForm::Object,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
        struct Object<T> {
            #[serde(default, deserialize_with = "answer::opt_u64")]
            total_count: Option<u64>,
            #[serde(default = "Vec::new", deserialize_with = "answer::vec")]
            list: Vec<T>,
            #[serde(flatten)]
            extra: Extra,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape<T> {
            Null(()),
            Bare(Vec<T>),
            Object(Object<T>),
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Null(()) => Self {
                form: PageForm::Null,
                ..Self::default()
            },
            Shape::Bare(list) => Self {
                list,
                form: PageForm::Bare,
                ..Self::default()
            },
            Shape::Object(o) => Self {
                total_count: o.total_count,
                list: o.list,
                extra: o.extra,
                form: PageForm::Object,
            },
        })
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let plain = self.total_count.is_none() && self.extra.is_empty();
        match self.form {
            PageForm::Null if plain && self.list.is_empty() => s.serialize_unit(),
            PageForm::Bare if plain => self.list.serialize(s),
            _ => {
                let mut map = s.serialize_map(Some(self.extra.len() + 2))?;
                map.serialize_entry("totalCount", &self.total_count)?;
                map.serialize_entry("list", &self.list)?;
                for (k, v) in &self.extra {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// A page link (认证链接, 授权页面, 预览页面, ...): read from `pageUrl`, `authUrl`, `url`,
/// `viewUrl`, `link`, `shortUrl` or a bare string; the object's other fields are kept in
/// `extra`, and the link is written back under the name it came with.
///
/// ⚠ The field name is documented only for some of these calls; the others are presumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The link.
    pub url: String,
    /// The other fields of the answer.
    pub extra: serde_json::Map<String, serde_json::Value>,
    carrier: Carrier,
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let keys = ["pageUrl", "authUrl", "url", "viewUrl", "link", "shortUrl"];
        let (url, carrier, extra) = answer::read_one(d, &keys, "link")?;
        Ok(Self {
            url,
            extra,
            carrier,
        })
    }
}

impl Serialize for Link {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        answer::write_one(s, &self.url, &self.carrier, &self.extra, "url")
    }
}

/// A list of texts the platform sends either as a JSON list or as one comma-joined text
/// (labels, download items); written back in the form it came in, and as one comma-joined
/// text when built (as the vendor SDK sends such lists).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextList {
    /// The texts, in order (a joined text split at commas, blanks dropped).
    pub items: Vec<String>,
    form: TextListForm,
}

/// The form a [`TextList`] came in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum TextListForm {
    /// Absent or `null`: written `null` while empty.
    #[default]
    Absent,
    /// Built by the caller: written comma-joined.
    Built,
    /// Read from a JSON list.
    List,
    /// Read from this text.
    Text(String),
}

impl TextList {
    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl From<Vec<String>> for TextList {
    fn from(items: Vec<String>) -> Self {
        Self {
            items,
            form: TextListForm::Built,
        }
    }
}

/// The texts of a comma-joined text, blanks dropped.
fn split_text(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            List(Vec<String>),
            Text(String),
        }
        Ok(match Option::<Shape>::deserialize(d)? {
            Some(Shape::List(items)) => Self {
                items,
                form: TextListForm::List,
            },
            Some(Shape::Text(text)) => Self {
                items: split_text(&text),
                form: TextListForm::Text(text),
            },
            None => Self::default(),
        })
    }
}

impl Serialize for TextList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.form {
            // Unchanged since it was read: the text as sent, spacing and all.
            TextListForm::Text(text) if split_text(text) == self.items => s.serialize_str(text),
            TextListForm::List => self.items.serialize(s),
            TextListForm::Absent if self.items.is_empty() => s.serialize_unit(),
            TextListForm::Absent | TextListForm::Built | TextListForm::Text(_) => {
                crate::types::comma_joined(&self.items, s)
            }
        }
    }
}

// --- enums --------------------------------------------------------------------------------------

string_enum! {
    /// Enable or disable (`operate` of the seal and template status calls).
    pub enum Toggle {
        /// Enable.
        Enable = "ENABLE",
        /// Disable.
        Disable = "DISABLE",
    }
}

string_enum! {
    /// Add to or remove from a list (`operate` of the role and seal-user calls).
    pub enum MemberOperate {
        /// Add (the platform's default).
        Add = "ADD",
        /// Remove.
        Remove = "REMOVE",
    }
}

string_enum! {
    /// An employee role (`role`).
    pub enum Role {
        /// System administrator (listing only).
        SystemAdmin = "SYSTEM_ADMIN",
        /// Seal administrator.
        SealAdmin = "SEAL_ADMIN",
        /// Template administrator.
        TemplateAdmin = "TEMPLATE_ADMIN",
    }
}

string_enum! {
    /// A company's registration state (`status` of company details).
    pub enum CompanyStatus {
        /// Not registered on the platform.
        Unregistered = "UNREGISTERED",
        /// Authenticated.
        AuthSuccess = "AUTH_SUCCESS",
    }
}
