//! 业务分类: list business categories and read one with its preset signing flow.
//!
//! ⚠ The doc pages were not retrieved; fields follow the vendor Go SDK 3.1.1 and the
//! documentation digest. (The detail page's HTTP example shows `/v2/category/list`; the path is
//! `/v2/category/detail`.)

use serde::{Deserialize, Serialize};

use crate::answer;
use crate::api::org_types::{ListQuery, Page, invalid, is_set, non_blank_if_set};
use crate::api::template::Template;
use crate::endpoint::{Check, endpoint, paged, setters};
use crate::error::BuildError;
use crate::id::CategoryId;
use crate::types::Signatory;

/// A business category as the list describes it (`{id, name, createTime}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CategoryInfo {
    /// The category ID.
    pub id: Option<CategoryId>,
    /// The name.
    pub name: Option<String>,
    /// When it was created.
    pub create_time: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 业务分类-业务分类列表 — `GET /v2/category/list`: one page of business categories. See
/// [`crate::endpoint::Paged`] to walk every page.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryListRequest {
    #[serde(flatten)]
    page: ListQuery,
}

endpoint!(CategoryListRequest: GET "/v2/category/list", query, idempotent = true => Page<CategoryInfo>);
paged!(CategoryListRequest => CategoryInfo, "categories", modified);

/// A business category with its templates and preset signing flow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CategoryDetail {
    /// The category ID.
    pub id: Option<CategoryId>,
    /// The name.
    pub name: Option<String>,
    /// The templates of the category.
    #[serde(deserialize_with = "answer::vec")]
    pub templates: Vec<Template>,
    /// Whether the signatories are preset.
    #[serde(deserialize_with = "answer::opt_bool")]
    pub define_signatories: Option<bool>,
    /// Whether the sponsor's flow is preset.
    #[serde(deserialize_with = "answer::opt_bool")]
    pub define_sponsor: Option<bool>,
    /// The preset signatories with their actions.
    #[serde(deserialize_with = "answer::vec")]
    pub signatories: Vec<Signatory>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 业务分类-业务分类详情 — `GET /v2/category/detail`: one category by ID or by its unique name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryDetailRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    category_id: Option<CategoryId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
}

impl CategoryDetailRequest {
    /// The category `category_id`.
    pub fn by_id(category_id: impl Into<CategoryId>) -> Self {
        Self {
            category_id: Some(category_id.into()),
            category_name: None,
            tenant_name: None,
        }
    }

    /// The category called `category_name` (add [`tenant_name`](Self::tenant_name) for a
    /// sub-company's category).
    pub fn by_name(category_name: impl Into<String>) -> Self {
        Self {
            category_id: None,
            category_name: Some(category_name.into()),
            tenant_name: None,
        }
    }

    setters! {
        /// The sub-company the category belongs to.
        tenant_name: String;
    }
}

/// 契约锁 doc page 业务分类详情: `categoryId` or `categoryName`, one required.
impl Check for CategoryDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        let has_id = self
            .category_id
            .as_ref()
            .is_some_and(|id| !id.as_str().trim().is_empty());
        if !has_id && !is_set(self.category_name.as_deref()) {
            return Err(invalid("categoryId or categoryName is required"));
        }
        non_blank_if_set(self.tenant_name.as_deref(), "tenantName")
    }
}
endpoint!(CategoryDetailRequest: GET "/v2/category/detail", query, idempotent = true => CategoryDetail);
