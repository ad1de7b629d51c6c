//! 合同管理 (documents): adding documents to a draft from files or a template, and
//! downloading one document.

use serde::{Deserialize, Serialize};

use crate::api::contract::{check_ref, check_stampers, check_suffix, suffix_of};
use crate::api::org_types::{invalid, require_non_empty};
use crate::endpoint::{Check, endpoint, list_setters, setters, upload};
use crate::error::BuildError;
use crate::id::{DocumentId, TemplateId};
use crate::multipart::UploadFile;
use crate::types::{ContractRef, Stamper, StamperRule, TemplateParam};

/// The `result` of the add-document calls: `{documentId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentIdResult {
    /// The new document's ID.
    pub document_id: DocumentId,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The largest document the platform takes (30 MB, per the document table).
pub const MAX_DOCUMENT_BYTES: u64 = 30 * 1024 * 1024;

/// 契约锁 doc page 用文件添加合同文档: `title` 必填, at most 100 characters.
fn check_title(title: &str) -> Result<(), BuildError> {
    require_non_empty(title, "title")?;
    let n = title.chars().count();
    if n > 100 {
        return Err(invalid(format!(
            "title holds at most 100 characters, got {n}"
        )));
    }
    Ok(())
}

/// 契约锁 doc page 用文件添加合同文档: a document of at most 30 MB (the vendor Go SDK's
/// `DocumentAddByMultipleFileRequest` comment says the same of several files together).
fn check_size(total: u64, what: &str) -> Result<(), BuildError> {
    if total > MAX_DOCUMENT_BYTES {
        return Err(invalid(format!(
            "{what} is {total} bytes; the platform takes at most {MAX_DOCUMENT_BYTES}"
        )));
    }
    Ok(())
}

/// 合同管理-用文件添加合同文档 — `POST /v2/document/addbyfile` (multipart, file part `file`):
/// adds a document to a draft from a file (`doc, docx, pdf, jpeg, png, jpg, gif, tiff, html,
/// htm, xls, xlsx`, ≤ 30 MB).
///
/// `fileSuffix` defaults to the file name's extension. `stamperRule` is not in the vendor Go
/// SDK's `DocumentAddByFileRequest`; 契约锁 doc page 用文件添加合同文档 lists it (as summarised
/// in the vendor's skill notes).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentAddByFileRequest<S> {
    #[serde(flatten)]
    contract: ContractRef,
    title: String,
    file_suffix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_sort: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stampers: Vec<Stamper>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stamper_rule: Option<StamperRule>,
    #[serde(skip)]
    file: UploadFile<S>,
}

impl<S> DocumentAddByFileRequest<S> {
    /// Adds `file` titled `title` to the draft `contract`.
    pub fn new(
        contract: impl Into<ContractRef>,
        title: impl Into<String>,
        file: UploadFile<S>,
    ) -> Self {
        Self {
            contract: contract.into(),
            title: title.into(),
            file_suffix: suffix_of(file.file_name()),
            document_sort: None,
            stampers: Vec::new(),
            stamper_rule: None,
            file,
        }
    }

    /// Overrides the file type (default: the file name's extension).
    #[must_use]
    pub fn file_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.file_suffix = suffix.into();
        self
    }

    setters! {
        /// The document's place among the contract's documents.
        document_sort: i64;
        /// Whether signers may add positions.
        stamper_rule: StamperRule;
    }

    list_setters! {
        /// Positions on this document (sent as one JSON text part).
        stampers: Stamper;
    }
}

impl<S> Check for DocumentAddByFileRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_title(&self.title)?;
        check_suffix(&self.file_suffix)?;
        check_size(self.file.length(), "the file")?;
        check_stampers(&self.stampers, "stampers")
    }
}
upload!(DocumentAddByFileRequest: POST "/v2/document/addbyfile", file: "file", idempotent = false => DocumentIdResult);

/// 合同管理-多文件添加合同文档 — `POST /v2/document/addbyfiles` (multipart, one `files` part per
/// file): merges several files into one document of a draft (≤ 30 MB in all).
///
/// ⚠ Doc page not retrieved; parts follow the vendor Go SDK 3.1.1
/// (`DocumentAddByMultipleFileRequest`). `fileSuffix`, which that class lacks, appears in the
/// HTTP example of 契约锁 doc page 多文件添加合同文档: qys sends it only when set.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentAddByFilesRequest<S> {
    #[serde(flatten)]
    contract: ContractRef,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_sort: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stampers: Vec<Stamper>,
    #[serde(skip)]
    files: Vec<UploadFile<S>>,
}

impl<S> DocumentAddByFilesRequest<S> {
    /// Merges `files` (at least one) into one document titled `title` of the draft
    /// `contract`.
    pub fn new(
        contract: impl Into<ContractRef>,
        title: impl Into<String>,
        files: impl IntoIterator<Item = UploadFile<S>>,
    ) -> Self {
        Self {
            contract: contract.into(),
            title: title.into(),
            file_suffix: None,
            document_sort: None,
            stampers: Vec::new(),
            files: files.into_iter().collect(),
        }
    }

    setters! {
        /// The file type (⚠ see above).
        file_suffix: String;
        /// The document's place among the contract's documents.
        document_sort: i64;
    }

    list_setters! {
        /// Positions on the merged document (sent as one JSON text part).
        stampers: Stamper;
    }
}

/// `files` 必填 and the suffix list (契约锁 doc page 多文件添加合同文档, as summarised in the
/// vendor's skill notes; the suffixes are those of 用文件添加合同文档).
impl<S> Check for DocumentAddByFilesRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_title(&self.title)?;
        if self.files.is_empty() {
            return Err(invalid("files must not be empty"));
        }
        for f in &self.files {
            check_suffix(&suffix_of(f.file_name()))?;
        }
        if let Some(s) = &self.file_suffix {
            check_suffix(s)?;
        }
        let total = self
            .files
            .iter()
            .try_fold(0u64, |acc, f| acc.checked_add(f.length()))
            .unwrap_or(u64::MAX);
        check_size(total, "the files together")?;
        check_stampers(&self.stampers, "stampers")
    }
}
upload!(DocumentAddByFilesRequest: POST "/v2/document/addbyfiles", #[each] files: "files", idempotent = false => DocumentIdResult);

/// 合同管理-用模板添加合同文档 — `POST /v2/document/addbytemplate`: adds a document to a draft
/// from a template of the cloud platform (文件 → 文件模板).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentAddByTemplateRequest {
    #[serde(flatten)]
    contract: ContractRef,
    title: String,
    template_id: TemplateId,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_params: Vec<TemplateParam>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_sort: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stampers: Vec<Stamper>,
}

impl DocumentAddByTemplateRequest {
    /// Adds a document titled `title` from `template_id` to the draft `contract`.
    pub fn new(
        contract: impl Into<ContractRef>,
        title: impl Into<String>,
        template_id: impl Into<TemplateId>,
    ) -> Self {
        Self {
            contract: contract.into(),
            title: title.into(),
            template_id: template_id.into(),
            template_params: Vec::new(),
            document_sort: None,
            stampers: Vec::new(),
        }
    }

    setters! {
        /// The document's place among the contract's documents.
        document_sort: i64;
    }

    list_setters! {
        /// The template's parameter values (required for parameter templates).
        template_params: TemplateParam;
        /// Positions on this document.
        stampers: Stamper;
    }
}

/// 契约锁 doc page 用模板添加合同文档: `title` and `templateId` 必填; each parameter named.
impl Check for DocumentAddByTemplateRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_title(&self.title)?;
        require_non_empty(self.template_id.as_str(), "templateId")?;
        for (i, p) in self.template_params.iter().enumerate() {
            require_non_empty(&p.name, &format!("templateParams[{i}].name"))?;
        }
        check_stampers(&self.stampers, "stampers")
    }
}
endpoint!(DocumentAddByTemplateRequest: POST "/v2/document/addbytemplate", json, idempotent = false => DocumentIdResult);

/// 合同管理-下载合同文档 — `GET /v2/document/download` (download): one contract document as PDF.
///
/// ⚠ Doc page not retrieved; parameter from the vendor Go SDK 3.1.1 (`DocumentDownloadRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDownloadRequest {
    document_id: DocumentId,
}

impl DocumentDownloadRequest {
    /// Downloads `document_id`.
    pub fn new(document_id: impl Into<DocumentId>) -> Self {
        Self {
            document_id: document_id.into(),
        }
    }
}

/// 契约锁 doc page 下载合同文档: `documentId` 必填 (as summarised in the vendor's skill notes).
impl Check for DocumentDownloadRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(self.document_id.as_str(), "documentId")
    }
}
endpoint!(DocumentDownloadRequest: GET "/v2/document/download", query => download);
