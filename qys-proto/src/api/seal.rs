//! 印章管理: list, look up, create (generated or from an image), edit, enable/disable, delete
//! seals, and download a seal's image.
//!
//! ⚠ The doc pages were not retrieved one by one; fields follow the vendor Go SDK 3.1.1 and the
//! documentation digest (which quotes the pages). 印章管理-公司印章 is MISSING upstream (no
//! page, no SDK class) and is not implemented.

use serde::{Deserialize, Serialize};

use crate::answer;
use crate::api::org_types::{
    ListQuery, MemberOperate, Page, Toggle, invalid, require_non_empty, require_user,
};
use crate::endpoint::{Check, endpoint, list_setters, paged, setters};
use crate::error::BuildError;
use crate::id::SealId;
use crate::types::{Ack, User, string_enum};

string_enum! {
    /// A seal's state (`status`); `ALL` only as a list filter.
    pub enum SealStatus {
        /// In use.
        Normal = "NORMAL",
        /// Disabled (frozen).
        Freeze = "FREEZE",
        /// Every state (list filter).
        All = "ALL",
    }
}

string_enum! {
    /// The kind of a seal (`sealType`).
    pub enum SealType {
        /// 单位电子章, a company seal.
        Enterprise = "ENTERPRISE",
        /// 法人章, the legal representative's seal.
        Lp = "LP",
        /// 个人执业章, a personal practising seal.
        PracticingSeal = "PRACTICING_SEAL",
    }
}

string_enum! {
    /// The style of a generated seal (`sealImageInfo.style`).
    pub enum SealStyle {
        /// 公章.
        UniversalSeal = "UNIVERSAL_SEAL",
        /// 专用章 (needs `foot`).
        SpecialSeal = "SPECIAL_SEAL",
        /// 专用章 with a star.
        SpecialSealWithStar = "SPECIAL_SEAL_WITHSTAR",
        /// 团章.
        YouthLeagueSeal = "YOUTH_LEAGUE_SEAL",
        /// 涉外章.
        ForeignSeal = "FOREIGN_SEAL",
        /// 中英文涉外章 (needs `enContent`, takes no `foot`).
        ForeignMixSeal = "FOREIGN_MIX_SEAL",
    }
}

string_enum! {
    /// A seal's shape and size in millimetres (`spec`, `sealSpec`).
    pub enum SealSpec {
        /// Round, 60 mm.
        Circular60 = "CIRCULAR_60",
        /// Round, 58 mm.
        Circular58 = "CIRCULAR_58",
        /// Round, 50 mm.
        Circular50 = "CIRCULAR_50",
        /// Round, 46 mm.
        Circular46 = "CIRCULAR_46",
        /// Round, 45 mm.
        Circular45 = "CIRCULAR_45",
        /// Round, 44 mm.
        Circular44 = "CIRCULAR_44",
        /// Round, 42 mm (the default of generated seals).
        Circular42 = "CIRCULAR_42",
        /// Round, 40 mm.
        Circular40 = "CIRCULAR_40",
        /// Round, 38 mm.
        Circular38 = "CIRCULAR_38",
        /// Oval, 45 × 30 mm.
        Oval45x30 = "OVAL_45_30",
        /// Oval, 40 × 30 mm.
        Oval40x30 = "OVAL_40_30",
        /// Square, 25 mm.
        Square25 = "SQUARE_25_25",
        /// Square, 22 mm.
        Square22 = "SQUARE_22_22",
        /// Square, 20 mm.
        Square20 = "SQUARE_20_20",
        /// Square, 18 mm.
        Square18 = "SQUARE_18_18",
        /// Rectangle, 50 × 30 mm.
        Rectangle50x30 = "RECTANGLE_50_30",
        /// Rectangle, 40 × 16 mm.
        Rectangle40x16 = "RECTANGLE_40_16",
        /// A custom size given by `width` and `height`.
        DiySpec = "DIY_SPEC",
    }
}

/// A seal as the seal calls describe it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Seal {
    /// The seal ID.
    pub id: Option<SealId>,
    /// The name.
    pub name: Option<String>,
    /// The kind.
    pub seal_type: Option<SealType>,
    /// Shape and size.
    pub spec: Option<SealSpec>,
    /// State.
    pub status: Option<SealStatus>,
    /// When it was created (`yyyy-MM-dd HH:mm:ss`).
    pub create_time: Option<String>,
    /// Who may use it (detail).
    #[serde(deserialize_with = "answer::vec")]
    pub users: Vec<User>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 印章管理-印章列表 — `GET /v2/seal/list`: one page of seals (by default the enabled seals of
/// the integrating company). See [`crate::endpoint::Paged`] to walk every page.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealListRequest {
    #[serde(flatten)]
    page: ListQuery,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<SealStatus>,
}

impl SealListRequest {
    setters! {
        /// Only seals in this state (`NORMAL` by default, `FREEZE`, `ALL`).
        status: SealStatus;
    }
}
endpoint!(SealListRequest: GET "/v2/seal/list", query, idempotent = true => Page<Seal>);
paged!(SealListRequest => Seal, "seals", modified);

/// 印章管理-印章图片 — `GET /v2/seal/image` (download): the seal's image (PNG).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealImageRequest {
    seal_id: SealId,
}

impl SealImageRequest {
    /// The image of seal `seal_id`.
    pub fn new(seal_id: impl Into<SealId>) -> Self {
        Self {
            seal_id: seal_id.into(),
        }
    }
}

/// 契约锁 doc page 印章图片: `sealId` 必填.
impl Check for SealImageRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.seal_id.as_str(), "sealId")
    }
}
endpoint!(SealImageRequest: GET "/v2/seal/image", query => download);

/// What a generated seal looks like (`sealImageInfo`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealImageInfo {
    /// The style.
    pub style: SealStyle,
    /// Shape and size (default `CIRCULAR_42`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<SealSpec>,
    /// The branch name, for a branch-company seal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_name: Option<String>,
    /// The horizontal text at the bottom (required for `SPECIAL_SEAL`, refused for
    /// `FOREIGN_MIX_SEAL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foot: Option<String>,
    /// The enterprise code, 13 to 15 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_code: Option<String>,
    /// The English text (required for `FOREIGN_MIX_SEAL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en_content: Option<String>,
    /// The edge width of `YOUTH_LEAGUE_SEAL`: `1.5` or `1.2` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edge_width: Option<String>,
    /// The star's diameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub star_size: Option<String>,
}

impl SealImageInfo {
    /// A seal of `style` with the default size.
    pub fn new(style: SealStyle) -> Self {
        Self {
            style,
            spec: None,
            branch_name: None,
            foot: None,
            enterprise_code: None,
            en_content: None,
            edge_width: None,
            star_size: None,
        }
    }

    fn check(&self) -> Result<(), BuildError> {
        let has = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if self.style == SealStyle::SpecialSeal && !has(&self.foot) {
            return Err(invalid("sealImageInfo.foot is required for SPECIAL_SEAL"));
        }
        if self.style == SealStyle::ForeignMixSeal {
            if !has(&self.en_content) {
                return Err(invalid(
                    "sealImageInfo.enContent is required for FOREIGN_MIX_SEAL",
                ));
            }
            if self.foot.is_some() {
                return Err(invalid(
                    "sealImageInfo.foot is not allowed for FOREIGN_MIX_SEAL",
                ));
            }
        }
        if let Some(code) = &self.enterprise_code
            && (!(13..=15).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid(
                "sealImageInfo.enterpriseCode must be 13 to 15 digits",
            ));
        }
        Ok(())
    }
}

/// The `result` of [`SealAutoCreateRequest`]: the new seal's ID.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreatedSeal {
    /// The seal ID.
    pub id: Option<SealId>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 契约锁 doc pages 创建印章 and 创建图片印章: the name is String(100), 必填.
fn check_name(name: &str, field: &str) -> Result<(), BuildError> {
    require_non_empty(name, field)?;
    if name.chars().count() > 100 {
        return Err(invalid(format!("{field} is longer than 100 characters")));
    }
    Ok(())
}

fn check_users(users: &[User], field: &str) -> Result<(), BuildError> {
    for (i, u) in users.iter().enumerate() {
        require_user(u, &format!("{field}[{i}]"))?;
    }
    Ok(())
}

/// 印章管理-创建印章 — `POST /v2/seal/autocreate`: generates a seal image and creates the seal
/// at once (no review). Errors the platform documents: 12072210 generation failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealAutoCreateRequest {
    name: String,
    seal_image_info: SealImageInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    users: Vec<User>,
}

impl SealAutoCreateRequest {
    /// A seal called `name` (at most 100 characters) drawn as `image`.
    pub fn new(name: impl Into<String>, image: SealImageInfo) -> Self {
        Self {
            name: name.into(),
            seal_image_info: image,
            tenant_name: None,
            users: Vec::new(),
        }
    }

    setters! {
        /// Creates the seal for this sub-company.
        tenant_name: String;
    }

    list_setters! {
        /// Who may use the seal (employees; default the seal administrators).
        users: User;
    }
}

impl Check for SealAutoCreateRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_name(&self.name, "name")?;
        self.seal_image_info.check()?;
        check_users(&self.users, "users")
    }
}
endpoint!(SealAutoCreateRequest: POST "/v2/seal/autocreate", json, idempotent = false => CreatedSeal);

/// 印章管理-印章详情 — `GET /v2/seal/sealdetail`: one seal with its users (11011201 when it does
/// not exist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealDetailRequest {
    seal_id: SealId,
}

impl SealDetailRequest {
    /// The seal `seal_id`.
    pub fn new(seal_id: impl Into<SealId>) -> Self {
        Self {
            seal_id: seal_id.into(),
        }
    }
}

/// 契约锁 doc page 印章详情: `sealId` 必填.
impl Check for SealDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.seal_id.as_str(), "sealId")
    }
}
endpoint!(SealDetailRequest: GET "/v2/seal/sealdetail", query, idempotent = true => Seal);

/// 印章管理-编辑印章 — `POST /v2/seal/edit`: renames a seal and adds or removes its users.
///
/// Rate limit the platform documents: the same request five times within an hour locks it for
/// 18 hours (accumulating).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealEditRequest {
    seal_id: SealId,
    #[serde(skip_serializing_if = "Option::is_none")]
    seal_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    seal_users: Vec<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operate: Option<MemberOperate>,
}

impl SealEditRequest {
    /// Edits seal `seal_id`.
    pub fn new(seal_id: impl Into<SealId>) -> Self {
        Self {
            seal_id: seal_id.into(),
            seal_name: None,
            seal_users: Vec::new(),
            operate: None,
        }
    }

    setters! {
        /// The new name.
        seal_name: String;
        /// Whether `sealUsers` are added (`ADD`, default) or removed (`REMOVE`).
        operate: MemberOperate;
    }

    list_setters! {
        /// The users added or removed (company employees).
        seal_users: User;
    }
}

/// 契约锁 doc page 编辑印章: `sealId` 必填; `sealName` String(100).
impl Check for SealEditRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.seal_id.as_str(), "sealId")?;
        if let Some(n) = &self.seal_name {
            check_name(n, "sealName")?;
        }
        check_users(&self.seal_users, "sealUsers")
    }
}
endpoint!(SealEditRequest: POST "/v2/seal/edit", json, idempotent = false => Ack);

/// The `result` of [`SealCreateByImageRequest`]: the ID of the application under review (not
/// a seal ID; the seal ID arrives in the review callback).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SealApplication {
    /// The application ID (a string or a number on the wire).
    #[serde(deserialize_with = "answer::opt_text")]
    pub apply_id: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 印章管理-创建图片印章 — `POST /v2/seal/createbyimage`: submits a seal image for review by
/// 契约锁; the review result is posted to `callbackUrl`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealCreateByImageRequest {
    seal_name: String,
    seal_image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    seal_type: Option<SealType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lp_letter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seal_spec: Option<SealSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    seal_users: Vec<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
}

impl SealCreateByImageRequest {
    /// A seal called `seal_name` from `seal_image_base64` (plain Base64, without a
    /// `data:image/...;base64,` prefix).
    pub fn new(seal_name: impl Into<String>, seal_image_base64: impl Into<String>) -> Self {
        Self {
            seal_name: seal_name.into(),
            seal_image: seal_image_base64.into(),
            seal_type: None,
            lp_letter: None,
            seal_spec: None,
            width: None,
            height: None,
            seal_users: Vec::new(),
            tenant_name: None,
            callback_url: None,
        }
    }

    setters! {
        /// `ENTERPRISE` (default) or `LP`.
        seal_type: SealType;
        /// The Base64 authorization letter (required for `LP`).
        lp_letter: String;
        /// Shape and size (default round 42 mm, LP square 20 mm).
        seal_spec: SealSpec;
        /// Width in millimetres (only with `DIY_SPEC`).
        width: u32;
        /// Height in millimetres (only with `DIY_SPEC`).
        height: u32;
        /// Creates the seal for this sub-company.
        tenant_name: String;
        /// Where the platform posts the review result.
        callback_url: String;
    }

    list_setters! {
        /// Who may use the seal (default the seal administrators).
        seal_users: User;
    }
}

/// 契约锁 doc page 创建图片印章: `sealName` String(100) and `sealImage` 必填, the image Base64
/// without the `data:` prefix, `lpLetter` required for `LP`, `width`/`height` only with
/// `DIY_SPEC`.
impl Check for SealCreateByImageRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_name(&self.seal_name, "sealName")?;
        require_non_empty(&self.seal_image, "sealImage")?;
        if self.seal_image.trim_start().starts_with("data:") {
            return Err(invalid(
                "sealImage must be plain Base64, without the data:...;base64, prefix",
            ));
        }
        if self.seal_type == Some(SealType::Lp)
            && self
                .lp_letter
                .as_deref()
                .is_none_or(|l| l.trim().is_empty())
        {
            return Err(invalid("lpLetter is required when sealType is LP"));
        }
        if (self.width.is_some() || self.height.is_some())
            && self.seal_spec != Some(SealSpec::DiySpec)
        {
            return Err(invalid("width and height are only allowed with DIY_SPEC"));
        }
        check_users(&self.seal_users, "sealUsers")
    }
}
endpoint!(SealCreateByImageRequest: POST "/v2/seal/createbyimage", json, idempotent = false => SealApplication);

/// 印章管理-管理印章状态 — `POST /v2/seal/status`: enables or disables a seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealStatusRequest {
    seal_id: SealId,
    operate: Toggle,
}

impl SealStatusRequest {
    /// `ENABLE`s or `DISABLE`s seal `seal_id`.
    pub fn new(seal_id: impl Into<SealId>, operate: Toggle) -> Self {
        Self {
            seal_id: seal_id.into(),
            operate,
        }
    }
}

/// 契约锁 doc page 管理印章状态: `sealId` 必填.
impl Check for SealStatusRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.seal_id.as_str(), "sealId")
    }
}
endpoint!(SealStatusRequest: POST "/v2/seal/status", json, idempotent = false => Ack);

/// 印章管理-删除印章 — `GET /v2/seal/remove`: deletes a disabled seal for good (11011203
/// otherwise).
///
/// A GET that changes state: qys marks it not idempotent so it is never retried blindly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealRemoveRequest {
    seal_id: SealId,
}

impl SealRemoveRequest {
    /// Deletes seal `seal_id`.
    pub fn new(seal_id: impl Into<SealId>) -> Self {
        Self {
            seal_id: seal_id.into(),
        }
    }
}

/// 契约锁 doc page 删除印章: `sealId` 必填.
impl Check for SealRemoveRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.seal_id.as_str(), "sealId")
    }
}
endpoint!(SealRemoveRequest: GET "/v2/seal/remove", query, idempotent = false => Ack);
