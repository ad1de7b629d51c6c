//! 模板管理: list, look up, preview, create from Word, edit, enable/disable, download and
//! delete templates.
//!
//! ⚠ The doc pages were not retrieved; fields follow the vendor Go SDK 3.1.1 and the
//! documentation digest. Answers are read permissively ([`Template`] keeps unknown fields).

use serde::{Deserialize, Serialize};

use crate::api::org_types::{
    Link, MAX_SELECT_LIMIT, Page, Toggle, check_datetime, check_limit, invalid, non_blank_if_set,
    opt_setters, org_download, org_endpoint, paged, require_non_empty, require_user,
};
use crate::endpoint::Upload;
use crate::error::BuildError;
use crate::id::TemplateId;
use crate::multipart::{FilePart, UploadFile};
use crate::types::{Ack, TemplateParam, User, lenient, string_enum};

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
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TemplateParameter {
    /// The name (written `{{name}}` in the Word file).
    pub name: Option<String>,
    /// The kind of value, as sent (`type`).
    #[serde(rename = "type")]
    pub param_type: Option<String>,
    /// Whether it must be filled.
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub required: Option<bool>,
    /// The choices of an option parameter.
    #[serde(deserialize_with = "lenient::vec")]
    pub options: Vec<serde_json::Value>,
    /// The default value.
    pub default_value: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A template as the template calls describe it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Template {
    /// The template ID.
    pub id: Option<TemplateId>,
    /// The name (`name`, or `title`).
    #[serde(alias = "title")]
    pub name: Option<String>,
    /// The state, as sent (`status`, or `state`).
    #[serde(alias = "state")]
    pub status: Option<String>,
    /// The parameters.
    #[serde(deserialize_with = "lenient::vec")]
    pub parameters: Vec<TemplateParameter>,
    /// When it was created.
    pub create_time: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 模板管理-模板列表 — `GET /v2/template/list`: one page of templates. See
/// [`crate::endpoint::Paged`] to walk every page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateListRequest {
    select_offset: u64,
    select_limit: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modify_time_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modify_time_end: Option<String>,
}

impl Default for TemplateListRequest {
    fn default() -> Self {
        Self::new()
    }
}

impl TemplateListRequest {
    /// The first page of up to 1000 templates.
    pub fn new() -> Self {
        Self {
            select_offset: 0,
            select_limit: MAX_SELECT_LIMIT,
            tenant_name: None,
            modify_time_start: None,
            modify_time_end: None,
        }
    }

    /// Starts at `offset` (0-based).
    #[must_use]
    pub fn select_offset(mut self, offset: u64) -> Self {
        self.select_offset = offset;
        self
    }

    /// Asks for `limit` templates per page (1–1000).
    #[must_use]
    pub fn select_limit(mut self, limit: u64) -> Self {
        self.select_limit = limit;
        self
    }

    opt_setters! {
        /// The sub-company whose templates are listed.
        tenant_name: String;
        /// Changed at or after (`yyyy-MM-dd HH:mm:ss`).
        modify_time_start: String;
        /// Changed at or before (`yyyy-MM-dd HH:mm:ss`).
        modify_time_end: String;
    }

    fn check(&self) -> Result<(), BuildError> {
        check_limit(self.select_limit)?;
        non_blank_if_set(self.tenant_name.as_deref(), "tenantName")?;
        check_datetime(self.modify_time_start.as_deref(), "modifyTimeStart")?;
        check_datetime(self.modify_time_end.as_deref(), "modifyTimeEnd")
    }
}
org_endpoint!(TemplateListRequest: GET "/v2/template/list", query, idempotent = true => Page<Template>);
paged!(TemplateListRequest => Template);

/// Declares a request whose only field is `templateId`.
macro_rules! by_template_id {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $ty {
            template_id: TemplateId,
        }

        impl $ty {
            /// The request for template `template_id`.
            pub fn new(template_id: impl Into<TemplateId>) -> Self {
                Self {
                    template_id: template_id.into(),
                }
            }

            fn check(&self) -> Result<(), BuildError> {
                require_non_empty(self.template_id.as_str(), "templateId")
            }
        }
    };
}

by_template_id! {
    /// 模板管理-模板详情 — `GET /v2/template/detail`: one template with its parameters.
    TemplateDetailRequest
}
org_endpoint!(TemplateDetailRequest: GET "/v2/template/detail", query, idempotent = true => Template);

by_template_id! {
    /// 模板管理-模版预览页面 — `GET /v2/template/pageurl`: a link to preview a template.
    ///
    /// ⚠ The answer's field is not documented; [`Link`] reads `pageUrl`, `url` and the like.
    TemplatePageUrlRequest
}
org_endpoint!(TemplatePageUrlRequest: GET "/v2/template/pageurl", query, idempotent = true => Link);

by_template_id! {
    /// 模板管理-下载模板 — `GET /v2/template/download` (download): the template's file.
    TemplateDownloadRequest
}
org_download!(TemplateDownloadRequest: GET "/v2/template/download");

by_template_id! {
    /// 模板管理-删除模板 — `GET /v2/template/remove`: deletes a template.
    ///
    /// A GET that changes state: qys marks it not idempotent so it is never retried blindly.
    TemplateRemoveRequest
}
org_endpoint!(TemplateRemoveRequest: GET "/v2/template/remove", query, idempotent = false => Ack);

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

    opt_setters! {
        /// The new name.
        title: String;
    }

    /// The parameters' rules (`required`, `defaultValue`, `description`, `readOnly`).
    #[must_use]
    pub fn template_params(mut self, params: impl IntoIterator<Item = TemplateParam>) -> Self {
        self.template_params = params.into_iter().collect();
        self
    }

    /// Replaces the template's managers.
    #[must_use]
    pub fn managers(mut self, users: impl IntoIterator<Item = User>) -> Self {
        self.managers = users.into_iter().collect();
        self
    }

    /// Replaces who may use the template.
    #[must_use]
    pub fn range(mut self, users: impl IntoIterator<Item = User>) -> Self {
        self.range = users.into_iter().collect();
        self
    }

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
org_endpoint!(TemplateEditRequest: POST "/v2/template/edit", json, idempotent = false => Ack);

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

    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.template_id.as_str(), "templateId")
    }
}
org_endpoint!(TemplateStatusRequest: POST "/v2/template/status", json, idempotent = false => Ack);

/// The `result` of [`TemplateCreateByWordRequest`]: the new template's ID.
///
/// ⚠ The field name is not documented: `templateId` and `id` are both read (a bare ID too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedTemplate {
    /// The template ID.
    pub template_id: TemplateId,
}

impl<'de> Deserialize<'de> for CreatedTemplate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            #[serde(default)]
            template_id: Option<TemplateId>,
            #[serde(default)]
            id: Option<TemplateId>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Bare(TemplateId),
            Object(Fields),
        }
        let id = match Shape::deserialize(d)? {
            Shape::Bare(id) => Some(id),
            Shape::Object(f) => f.template_id.or(f.id),
        };
        id.map(|template_id| Self { template_id })
            .ok_or_else(|| serde::de::Error::custom("the answer carries no template ID"))
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

    opt_setters! {
        /// Creates the template for this sub-company.
        tenant_name: String;
        /// Renames repeated parameters `name1`, `name2`, ... instead of failing (default false).
        rename_repeat_param: bool;
        /// Lets everyone use the template when no range is given (default false).
        all_user: bool;
        /// `ENABLED` (default) or `DISABLE`.
        status: TemplateState;
    }

    /// The template's managers (sent as the JSON text part `managersInfo`).
    #[must_use]
    pub fn managers(mut self, users: impl IntoIterator<Item = User>) -> Self {
        self.managers = users.into_iter().collect();
        self
    }

    /// Who may use the template (sent as the JSON text part `rangeInfo`).
    #[must_use]
    pub fn range(mut self, users: impl IntoIterator<Item = User>) -> Self {
        self.range = users.into_iter().collect();
        self
    }

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
org_endpoint!(TemplateCreateByWordRequest<S>: POST "/v3/template/createbyword", multipart, idempotent = false => CreatedTemplate);

impl<S> Upload for TemplateCreateByWordRequest<S> {
    type Source = S;

    fn files(&self) -> Vec<FilePart<'_>> {
        vec![self.file.part("file")]
    }

    fn sources_mut(&mut self) -> Vec<&mut S> {
        vec![self.file.source_mut()]
    }
}
