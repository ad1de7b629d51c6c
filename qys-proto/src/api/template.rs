//! 模板管理: list, look up, preview, create from Word, edit, enable/disable, download and
//! delete templates.
//!
//! ⚠ The doc pages were not retrieved; fields follow the vendor Go SDK 3.1.1 and the
//! documentation digest. Answers are read permissively ([`Template`] keeps unknown fields).

use serde::{Deserialize, Serialize};

use crate::answer::{self, Carrier};
use crate::api::org_types::{
    Link, ListQuery, Page, Toggle, invalid, non_blank_if_set, require_non_empty, require_user,
};
use crate::endpoint::{Check, endpoint, list_setters, paged, setters, upload};
use crate::error::BuildError;
use crate::id::TemplateId;
use crate::multipart::UploadFile;
use crate::types::{Ack, TemplateParam, User, string_enum};

string_enum! {
    /// The state a Word template is created in (`status`).
    pub enum TemplateState {
        /// Usable at once (the platform's default).
        Enabled = "ENABLED",
        /// Disabled.
        Disable = "DISABLE",
    }
}

/// A parameter of a template (`parameters[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TemplateParameter {
    /// The name (written `{{name}}` in the Word file).
    pub name: Option<String>,
    /// The kind of value, as sent (`type`).
    #[serde(rename = "type")]
    pub param_type: Option<String>,
    /// Whether it must be filled.
    #[serde(deserialize_with = "answer::opt_bool")]
    pub required: Option<bool>,
    /// The choices of an option parameter.
    #[serde(deserialize_with = "answer::vec")]
    pub options: Vec<serde_json::Value>,
    /// The default value.
    pub default_value: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A template as the template calls describe it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Template {
    /// The template ID.
    pub id: Option<TemplateId>,
    /// The name, when the answer names it `name`.
    pub name: Option<String>,
    /// The name, when the answer names it `title`.
    pub title: Option<String>,
    /// The state, as sent, when the answer names it `status`.
    pub status: Option<String>,
    /// The state, as sent, when the answer names it `state`.
    pub state: Option<String>,
    /// The parameters.
    #[serde(deserialize_with = "answer::vec")]
    pub parameters: Vec<TemplateParameter>,
    /// When it was created.
    pub create_time: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 模板管理-模板列表 — `GET /v2/template/list`: one page of templates. See
/// [`crate::endpoint::Paged`] to walk every page.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateListRequest {
    #[serde(flatten)]
    page: ListQuery,
}

endpoint!(TemplateListRequest: GET "/v2/template/list", query, idempotent = true => Page<Template>);
paged!(TemplateListRequest => Template, "templates", modified);

/// 模板管理-模板详情 — `GET /v2/template/detail`: one template with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDetailRequest {
    template_id: TemplateId,
}

impl TemplateDetailRequest {
    /// The request for template `template_id`.
    pub fn new(template_id: impl Into<TemplateId>) -> Self {
        Self {
            template_id: template_id.into(),
        }
    }
}

/// 契约锁 doc page 模板详情: `templateId` 必填.
impl Check for TemplateDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")
    }
}
endpoint!(TemplateDetailRequest: GET "/v2/template/detail", query, idempotent = true => Template);

/// 模板管理-模版预览页面 — `GET /v2/template/pageurl`: a link to preview a template.
///
/// ⚠ The answer's field is not documented; [`Link`] reads `pageUrl`, `url` and the like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePageUrlRequest {
    template_id: TemplateId,
}

impl TemplatePageUrlRequest {
    /// The request for template `template_id`.
    pub fn new(template_id: impl Into<TemplateId>) -> Self {
        Self {
            template_id: template_id.into(),
        }
    }
}

/// `templateId` names the template (契约锁 doc page 模板详情: `templateId` 必填).
impl Check for TemplatePageUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")
    }
}
endpoint!(TemplatePageUrlRequest: GET "/v2/template/pageurl", query, idempotent = true => Link);

/// 模板管理-下载模板 — `GET /v2/template/download` (download): the template's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDownloadRequest {
    template_id: TemplateId,
}

impl TemplateDownloadRequest {
    /// The request for template `template_id`.
    pub fn new(template_id: impl Into<TemplateId>) -> Self {
        Self {
            template_id: template_id.into(),
        }
    }
}

/// `templateId` names the template (契约锁 doc page 模板详情: `templateId` 必填).
impl Check for TemplateDownloadRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")
    }
}
endpoint!(TemplateDownloadRequest: GET "/v2/template/download", query => download);

/// 模板管理-删除模板 — `GET /v2/template/remove`: deletes a template.
///
/// A GET that changes state: qys marks it not idempotent so it is never retried blindly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRemoveRequest {
    template_id: TemplateId,
}

impl TemplateRemoveRequest {
    /// The request for template `template_id`.
    pub fn new(template_id: impl Into<TemplateId>) -> Self {
        Self {
            template_id: template_id.into(),
        }
    }
}

/// `templateId` names the template (契约锁 doc page 模板详情: `templateId` 必填).
impl Check for TemplateRemoveRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")
    }
}
endpoint!(TemplateRemoveRequest: GET "/v2/template/remove", query, idempotent = false => Ack);

/// 模板管理-编辑模板 — `POST /v2/template/edit`: renames a template, sets its parameters'
/// rules, and replaces its managers and users (empty fields are left unchanged).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateEditRequest {
    template_id: TemplateId,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_params: Vec<TemplateParam>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    managers: Vec<User>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    range: Vec<User>,
}

impl TemplateEditRequest {
    /// Edits template `template_id`.
    pub fn new(template_id: impl Into<TemplateId>) -> Self {
        Self {
            template_id: template_id.into(),
            title: None,
            template_params: Vec::new(),
            managers: Vec::new(),
            range: Vec::new(),
        }
    }

    setters! {
        /// The new name.
        title: String;
    }

    list_setters! {
        /// The parameters' rules (`required`, `defaultValue`, `description`, `readOnly`).
        template_params: TemplateParam;
        /// Replaces the template's managers.
        managers: User;
        /// Replaces who may use the template.
        range: User;
    }
}

/// 契约锁 doc page 编辑模板: `templateId` 必填; parameters named; users with a contact.
impl Check for TemplateEditRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")?;
        non_blank_if_set(self.title.as_deref(), "title")?;
        for (i, p) in self.template_params.iter().enumerate() {
            require_non_empty(&p.name, &format!("templateParams[{i}].name"))?;
        }
        for (i, u) in self.managers.iter().enumerate() {
            require_user(u, &format!("managers[{i}]"))?;
        }
        for (i, u) in self.range.iter().enumerate() {
            require_user(u, &format!("range[{i}]"))?;
        }
        Ok(())
    }
}
endpoint!(TemplateEditRequest: POST "/v2/template/edit", json, idempotent = false => Ack);

/// 模板管理-管理模板状态 — `POST /v2/template/status`: enables or disables a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateStatusRequest {
    template_id: TemplateId,
    operate: Toggle,
}

impl TemplateStatusRequest {
    /// `ENABLE`s or `DISABLE`s template `template_id`.
    pub fn new(template_id: impl Into<TemplateId>, operate: Toggle) -> Self {
        Self {
            template_id: template_id.into(),
            operate,
        }
    }
}

/// `templateId` names the template (契约锁 doc page 模板详情: `templateId` 必填).
impl Check for TemplateStatusRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")
    }
}
endpoint!(TemplateStatusRequest: POST "/v2/template/status", json, idempotent = false => Ack);

/// The `result` of [`TemplateCreateByWordRequest`]: the new template's ID.
///
/// ⚠ The field name is not documented: `templateId` and `id` are both read (a bare ID too);
/// the object's other fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedTemplate {
    /// The template ID.
    pub template_id: TemplateId,
    /// Fields qys does not know, kept as sent.
    pub extra: serde_json::Map<String, serde_json::Value>,
    carrier: Carrier,
}

impl<'de> Deserialize<'de> for CreatedTemplate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (template_id, carrier, extra) =
            answer::read_one(d, &["templateId", "id"], "template ID")?;
        Ok(Self {
            template_id,
            extra,
            carrier,
        })
    }
}

impl Serialize for CreatedTemplate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        answer::write_one(
            s,
            &self.template_id,
            &self.carrier,
            &self.extra,
            "templateId",
        )
    }
}

/// The largest Word file the platform takes for a template (10 MB).
pub const MAX_WORD_TEMPLATE_BYTES: u64 = 10 * 1024 * 1024;

/// 模板管理-创建Word模板 — `POST /v3/template/createbyword` (multipart, file part `file`): a
/// template from a `.docx` file (< 10 MB) whose parameters are written `{{name}}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateCreateByWordRequest<S> {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rename_repeat_param: Option<bool>,
    #[serde(rename = "managersInfo", skip_serializing_if = "Vec::is_empty")]
    managers: Vec<User>,
    #[serde(rename = "rangeInfo", skip_serializing_if = "Vec::is_empty")]
    range: Vec<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    all_user: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<TemplateState>,
    #[serde(skip)]
    file: UploadFile<S>,
}

impl<S> TemplateCreateByWordRequest<S> {
    /// A template called `title` from the Word file `file` (`.docx`).
    pub fn new(title: impl Into<String>, file: UploadFile<S>) -> Self {
        Self {
            title: title.into(),
            tenant_name: None,
            rename_repeat_param: None,
            managers: Vec::new(),
            range: Vec::new(),
            all_user: None,
            status: None,
            file,
        }
    }

    setters! {
        /// Creates the template for this sub-company.
        tenant_name: String;
        /// Renames repeated parameters `name1`, `name2`, ... instead of failing (default false).
        rename_repeat_param: bool;
        /// Lets everyone use the template when no range is given (default false).
        all_user: bool;
        /// `ENABLED` (default) or `DISABLE`.
        status: TemplateState;
    }

    list_setters! {
        /// The template's managers (sent as the JSON text part `managersInfo`).
        managers: User;
        /// Who may use the template (sent as the JSON text part `rangeInfo`).
        range: User;
    }
}

/// 契约锁 doc page 创建Word模板: `title` 必填, the file a `.docx` under 10 MB.
impl<S> Check for TemplateCreateByWordRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.title, "title")?;
        non_blank_if_set(self.tenant_name.as_deref(), "tenantName")?;
        if !self
            .file
            .file_name()
            .to_ascii_lowercase()
            .ends_with(".docx")
        {
            return Err(invalid("the template file must be a .docx file"));
        }
        if self.file.length() >= MAX_WORD_TEMPLATE_BYTES {
            return Err(invalid("the template file must be smaller than 10 MB"));
        }
        for (i, u) in self.managers.iter().chain(&self.range).enumerate() {
            require_user(u, &format!("managersInfo/rangeInfo[{i}]"))?;
        }
        Ok(())
    }
}
upload!(TemplateCreateByWordRequest: POST "/v3/template/createbyword", file: "file", idempotent = false => CreatedTemplate);
