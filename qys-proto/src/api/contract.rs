//! 合同管理: drafts, documents' contract-level operations, viewing, listing, downloading and
//! the life-cycle calls of a contract (send, copy, force end, watermark, delay, resend, modify).
//!
//! A contract is addressed by [`ContractRef`]: its ID, or the integrator's `bizId` (with the
//! sub-company's name as `tenantName` when it belongs to one); exactly one form is sent.
//!
//! Documents are added with [`crate::api::document`]; signatories are changed with
//! [`crate::api::signatory`]; signing and invalidation live in [`crate::api::signing`].

use serde::{Deserialize, Serialize};

use crate::api::org_types::{invalid, require_non_empty};
use crate::endpoint::{Check, endpoint, list_setters, setters, upload};
use crate::error::BuildError;
use crate::id::{CategoryId, ContractId, DocumentId};
use crate::multipart::UploadFile;
use crate::types::{
    Ack, Contract, ContractDraft, ContractKey, ContractRef, ContractStatus, CopySendReceiverDraft,
    CopySendTime, CustomField, Language, SignFlowStrategy, SignatoryDraft, Stamper, StamperRule,
    Tags, TemplateParam, TenantType, User, Watermark, string_enum,
};

// --- helpers shared by the contract, signing, document, signatory and attachment modules ---

/// A contract reference must name something: "合同ID与业务ID二选一，不能同时为空" (契约锁 doc page
/// 合同详情, and the vendor Go SDK's field comments).
pub(crate) fn check_ref(contract: &ContractRef) -> Result<(), BuildError> {
    match contract.key() {
        ContractKey::Id(id) => require_non_empty(id.as_str(), "contractId")?,
        ContractKey::BizId(biz_id) => require_non_empty(biz_id, "bizId")?,
    }
    match contract.tenant_name() {
        Some(t) => require_non_empty(t, "tenantName"),
        None => Ok(()),
    }
}

pub(crate) fn check_stampers(stampers: &[Stamper], field: &str) -> Result<(), BuildError> {
    for (i, s) in stampers.iter().enumerate() {
        s.validate(&format!("{field}[{i}]"))?;
    }
    Ok(())
}

/// Each copy receiver needs a name (契约锁 doc page 抄送合同: `receivers[].name` 必填, as
/// summarised in the vendor's skill notes; page not retrieved) and, when a `receiver` is
/// given, its contact (契约锁 doc page 创建合同草稿, 用户: `contact` 必填). Nothing marks
/// `receiver` itself required, so a receiver without one is the platform's to judge.
pub(crate) fn check_receivers(
    receivers: &[CopySendReceiverDraft],
    field: &str,
) -> Result<(), BuildError> {
    for (i, r) in receivers.iter().enumerate() {
        require_non_empty(&r.name, &format!("{field}[{i}].name"))?;
        if let Some(u) = &r.receiver {
            require_non_empty(&u.contact, &format!("{field}[{i}].receiver.contact"))?;
        }
    }
    Ok(())
}

/// The suffix of a file name, lowercased (`pdf` for `合同.PDF`), or empty.
pub(crate) fn suffix_of(file_name: &str) -> String {
    file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The file types the platform converts into contract documents (`fileSuffix`): 契约锁 doc
/// page 用文件添加合同文档 lists exactly these.
pub(crate) const DOCUMENT_SUFFIXES: &[&str] = &[
    "doc", "docx", "pdf", "jpeg", "png", "jpg", "gif", "tiff", "html", "htm", "xls", "xlsx",
];

pub(crate) fn check_suffix(suffix: &str) -> Result<(), BuildError> {
    if !DOCUMENT_SUFFIXES.contains(&suffix) {
        return Err(invalid(format!(
            "fileSuffix must be one of {}, got {suffix:?}",
            DOCUMENT_SUFFIXES.join(", ")
        )));
    }
    Ok(())
}

// --- results ---

/// The `result` of the page-link calls (`viewurl`, `pageurl`, `appointurl`, `shorturl`): a
/// link, read from `pageUrl`, `viewUrl`, `shortUrl`, `url` or a bare string, with the
/// answer's other fields (e.g. `pageurl`'s `status`) kept.
///
/// ⚠ Only `pageUrl` is documented (for `pageurl`); the other names are presumed.
pub type UrlResult = crate::api::org_types::Link;

/// One page of [`ContractListRequest`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContractPage {
    /// How many contracts match (a string or a number on the wire).
    #[serde(deserialize_with = "crate::answer::opt_u64")]
    pub total_count: Option<u64>,
    /// The contracts of this page.
    #[serde(deserialize_with = "crate::answer::vec")]
    pub list: Vec<Contract>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The `result` of [`ContractDownloadUrlRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DownloadUrls {
    /// The links (valid 60 minutes).
    #[serde(deserialize_with = "crate::answer::vec")]
    pub download_urls: Vec<DownloadUrl>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One download link.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DownloadUrl {
    /// The contract (ZIP links and non-document items).
    pub contract_id: Option<ContractId>,
    /// The document (contract originals when not compressed).
    pub document_id: Option<DocumentId>,
    /// The file title.
    pub title: Option<String>,
    /// The item kind(s) (⚠ a string or a list on the wire; written back as it came).
    pub download_items: crate::api::org_types::TextList,
    /// The link.
    pub download_url: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The `result` of the join-link calls.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JoinUrls {
    /// One link per signatory still to be named.
    #[serde(deserialize_with = "crate::answer::vec")]
    pub join_urls: Vec<JoinUrl>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A link a signatory follows to join a contract.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JoinUrl {
    /// The signatory's order.
    #[serde(deserialize_with = "crate::answer::opt_i64")]
    pub serial_no: Option<i64>,
    /// The link.
    pub url: Option<String>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

// --- enums ---

string_enum! {
    /// What a contract download contains (`downloadItems`).
    pub enum DownloadItem {
        /// 合同原文: the contract documents.
        Contract = "CONTRACT",
        /// 签署日志: the signing log.
        SignLog = "SIGNLOG",
        /// 附件: attachments.
        Attachment = "ATTACHMENT",
        /// 存证报告: the evidence report.
        Notary = "NOTARY",
        /// 强制结束附件: the force-end attachment.
        EndSignAttachment = "ENDSIGN_ATTACHMENT",
        /// 公钥证书: the public-key certificate.
        Cert = "CERT",
    }
}

string_enum! {
    /// How downloaded files are named (`fileNameRule`).
    pub enum FileNameRule {
        /// "类型-主题-接收方" for one file, "类型-原名" for several (default).
        Default = "DEFAULT",
        /// The original names.
        Original = "ORIGINAL",
    }
}

string_enum! {
    /// An operation of the contract log (`operation`).
    pub enum ContractOperation {
        /// Every operation (default).
        All = "ALL",
        /// Views.
        View = "VIEW",
        /// Modifications.
        Modify = "MODIFY",
        /// Downloads.
        Download = "DOWNLOAD",
        /// Prints.
        Print = "PRINT",
    }
}

string_enum! {
    /// A sort order (`createTimeOrder`).
    pub enum SortOrder {
        /// Oldest first.
        Asc = "ASC",
        /// Newest first.
        Desc = "DESC",
    }
}

string_enum! {
    /// Which side of the contracts a list shows (`signatoryType`).
    pub enum SignatoryRole {
        /// Contracts the company sent (default).
        Sponsor = "SPONSOR",
        /// Contracts the company received.
        Receiver = "RECEIVER",
        /// Both.
        All = "ALL",
    }
}

// --- endpoints ---

/// 合同管理-创建合同草稿 — `POST /v2/contract/draft`: creates (or, with the `id` or `bizId`
/// of an existing draft, overwrites) a draft; with `send: true` it is sent at once.
///
/// The `result` is the stored contract: keep `signatories[].id` and
/// `signatories[].actions[].id` for positions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ContractDraftRequest {
    contract: ContractDraft,
}

impl ContractDraftRequest {
    /// A draft of `contract` (see [`ContractDraft::new`]); the answer is the stored
    /// [`Contract`].
    pub fn new(contract: ContractDraft) -> Self {
        Self { contract }
    }
}

impl Check for ContractDraftRequest {
    fn check(&self) -> Result<(), BuildError> {
        self.contract.validate()
    }
}
endpoint!(ContractDraftRequest: POST "/v2/contract/draft", json, idempotent = false => Contract);

/// 合同管理-发起合同 — `POST /v2/contract/send`: sends a draft, optionally setting positions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractSendRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stampers: Vec<Stamper>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stamper_rule: Option<StamperRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locate_all_stamper_keywords: Option<bool>,
}

impl ContractSendRequest {
    /// Sends `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            stampers: Vec::new(),
            stamper_rule: None,
            locate_all_stamper_keywords: None,
        }
    }

    list_setters! {
        /// Positions (company ones need `actionId`, personal ones `signatoryId`; all a
        /// `documentId`).
        stampers: Stamper;
    }

    setters! {
        /// Whether signers may add positions (default from the category).
        stamper_rule: StamperRule;
        /// true (default): every keyword must be found; false: any one suffices.
        locate_all_stamper_keywords: bool;
    }
}

impl Check for ContractSendRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        check_stampers(&self.stampers, "stampers")
    }
}
endpoint!(ContractSendRequest: POST "/v2/contract/send", json, idempotent = false => Ack);

/// 合同管理-抄送合同 — `POST /v2/contract/copysend`: sends a copy of a contract to receivers.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractCopySendRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractCopySendRequest {
    #[serde(flatten)]
    contract: ContractRef,
    receivers: Vec<CopySendReceiverDraft>,
}

impl ContractCopySendRequest {
    /// Copies `contract` to `receivers` (each with a name and a contact).
    pub fn new(
        contract: impl Into<ContractRef>,
        receivers: impl IntoIterator<Item = CopySendReceiverDraft>,
    ) -> Self {
        Self {
            contract: contract.into(),
            receivers: receivers.into_iter().collect(),
        }
    }
}

/// `receivers` 必填 (契约锁 doc page 抄送合同, as summarised in the vendor's skill notes; page not
/// retrieved): a copy to nobody is refused here.
impl Check for ContractCopySendRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        if self.receivers.is_empty() {
            return Err(invalid("receivers must not be empty"));
        }
        check_receivers(&self.receivers, "receivers")
    }
}
endpoint!(ContractCopySendRequest: POST "/v2/contract/copysend", json, idempotent = false => Ack);

/// The contract a viewing page or ticket opens, and how: the body of
/// [`ContractViewTicketRequest`](crate::api::miniapp::ContractViewTicketRequest) and the view
/// part of [`ContractViewUrlRequest`] (each is `From` it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractView {
    #[serde(flatten)]
    pub(crate) contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    document_id: Option<DocumentId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theme_color: Option<String>,
}

impl ContractView {
    /// Opens `contract` at its first document, in the sponsor's language.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            document_id: None,
            lang: None,
            theme_color: None,
        }
    }

    setters! {
        /// The document opened first.
        document_id: DocumentId;
        /// The page language (default: the sponsor's).
        lang: Language;
        /// The theme colour, hex RGB.
        theme_color: String;
    }
}

/// 合同管理-浏览页面 — `GET /v2/contract/viewurl`: a link (valid 30 minutes) that opens a
/// contract for viewing.
///
/// ⚠ Doc page not retrieved; parameters follow the vendor Go SDK 3.1.1
/// (`ContractViewPageRequest`); the link is read from `viewUrl` or `pageUrl`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractViewUrlRequest {
    #[serde(flatten)]
    view: ContractView,
    #[serde(skip_serializing_if = "Option::is_none")]
    download_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    print_button: Option<bool>,
}

impl ContractViewUrlRequest {
    /// A viewing link of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self::from(ContractView::new(contract))
    }

    setters! {
        /// Whether a download button is shown.
        download_button: bool;
        /// Whether a print button is shown.
        print_button: bool;
    }
}

impl From<ContractView> for ContractViewUrlRequest {
    /// A viewing link of the view's contract, with its options.
    fn from(view: ContractView) -> Self {
        Self {
            view,
            download_button: None,
            print_button: None,
        }
    }
}

impl Check for ContractViewUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.view.contract)
    }
}
endpoint!(ContractViewUrlRequest: GET "/v2/contract/viewurl", query, idempotent = true => UrlResult);

/// 合同管理-合同详情 — `GET /v2/contract/detail`: a contract with its signatories, actions and
/// documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDetailRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_action_operator: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_location: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_related_contract: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_seal_stats: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_operator_real_info: Option<bool>,
}

impl ContractDetailRequest {
    /// The detail of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            query_action_operator: None,
            query_location: None,
            query_related_contract: None,
            query_seal_stats: None,
            query_operator_real_info: None,
        }
    }

    setters! {
        /// Include the actions' operators.
        query_action_operator: bool;
        /// Include the signing positions.
        query_location: bool;
        /// Include related contracts.
        query_related_contract: bool;
        /// Include seal usage counts.
        query_seal_stats: bool;
        /// Include operators' real-name data (契约锁 doc page 合同详情, as summarised in the
        /// vendor's skill notes; no vendor SDK sends it).
        query_operator_real_info: bool;
    }
}

impl Check for ContractDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractDetailRequest: GET "/v2/contract/detail", query, idempotent = true => Contract);

/// The page size [`ContractListRequest`] asks for unless told otherwise: the platform's default
/// `selectLimit` (契约锁 doc page 获取合同列表), which states no range.
pub const DEFAULT_SELECT_LIMIT: u64 = 1000;

/// 合同管理-获取合同列表 — `GET /v2/contract/list`: one page of contracts, by default those
/// the company sent in the last six months. See [`crate::endpoint::Paged`] to walk every page.
///
/// `selectOffset` and `selectLimit` are always sent (default 0 and 1000). The publish-time
/// keys are sent without the tab characters of the vendor Go SDK.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractListRequest {
    select_offset: u64,
    select_limit: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ContractStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    create_time_order: Option<SortOrder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_id: Option<CategoryId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publish_time_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publish_time_end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signatory_type: Option<SignatoryRole>,
}

impl Default for ContractListRequest {
    fn default() -> Self {
        Self::new()
    }
}

impl ContractListRequest {
    /// The first page of up to 1000 contracts.
    pub fn new() -> Self {
        Self {
            select_offset: 0,
            select_limit: DEFAULT_SELECT_LIMIT,
            status: None,
            tenant_name: None,
            create_time_order: None,
            category_id: None,
            category_name: None,
            publish_time_start: None,
            publish_time_end: None,
            signatory_type: None,
        }
    }

    /// Starts at `offset` (0-based).
    #[must_use]
    pub fn select_offset(mut self, offset: u64) -> Self {
        self.select_offset = offset;
        self
    }

    /// Asks for `limit` contracts per page (default 1000; the platform states no range).
    #[must_use]
    pub fn select_limit(mut self, limit: u64) -> Self {
        self.select_limit = limit;
        self
    }

    setters! {
        /// Only contracts in this state.
        status: ContractStatus;
        /// The sub-company whose contracts are listed.
        tenant_name: String;
        /// The order by creation time.
        create_time_order: SortOrder;
        /// Only this category.
        category_id: CategoryId;
        /// Only the category of this name.
        category_name: String;
        /// Sent at or after (`yyyy-MM-dd HH:mm:ss`; default six months ago).
        publish_time_start: String;
        /// Sent at or before (`yyyy-MM-dd HH:mm:ss`; default now).
        publish_time_end: String;
        /// Sent, received, or both.
        signatory_type: SignatoryRole;
    }
}

/// Nothing is checked: 契约锁 doc page 获取合同列表 marks every parameter optional and gives
/// `selectLimit` a default (1000) but no range.
impl Check for ContractListRequest {}
endpoint!(ContractListRequest: GET "/v2/contract/list", query, idempotent = true => ContractPage);

impl crate::endpoint::Paged for ContractListRequest {
    type Item = Contract;

    fn offset(&self) -> u64 {
        self.select_offset
    }

    fn limit(&self) -> u64 {
        self.select_limit
    }

    fn with_offset(&self, offset: u64) -> Self {
        self.clone().select_offset(offset)
    }

    fn items(response: ContractPage) -> (Vec<Contract>, Option<u64>) {
        (response.list, response.total_count)
    }
}

/// 合同管理-强制结束合同 — `POST /v2/contract/forceend`: ends a contract (`FORCE_END`).
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractForceEndRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractForceEndRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl ContractForceEndRequest {
    /// Force-ends `contract` (the reason is optional, as in the vendor Go SDK's
    /// `ContractForceEndRequest`).
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            reason: None,
        }
    }

    setters! {
        /// Why the contract ends.
        reason: String;
    }
}

impl Check for ContractForceEndRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractForceEndRequest: POST "/v2/contract/forceend", json, idempotent = false => Ack);

/// 合同管理-上传强制结束附件 — `POST /v2/contract/forceend/addattachment` (multipart, file part
/// `file`): attaches a document to a force-ended contract (downloaded later as
/// [`DownloadItem::EndSignAttachment`]).
///
/// ⚠ Doc page not retrieved; parts follow the vendor Go SDK 3.1.1
/// (`AddEndSignAttachmentRequest`). `fileSuffix` defaults to the file name's extension.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractForceEndAttachmentRequest<S> {
    #[serde(flatten)]
    contract: ContractRef,
    title: String,
    file_suffix: String,
    #[serde(skip)]
    file: UploadFile<S>,
}

impl<S> ContractForceEndAttachmentRequest<S> {
    /// Attaches `file` titled `title` to `contract`.
    pub fn new(
        contract: impl Into<ContractRef>,
        title: impl Into<String>,
        file: UploadFile<S>,
    ) -> Self {
        Self {
            contract: contract.into(),
            title: title.into(),
            file_suffix: suffix_of(file.file_name()),
            file,
        }
    }

    /// Overrides the file type (default: the file name's extension).
    #[must_use]
    pub fn file_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.file_suffix = suffix.into();
        self
    }
}

/// `title` and the `fileSuffix` list: 契约锁 doc page 上传强制结束附件 (as summarised in the
/// vendor's skill notes; page not retrieved), the suffixes being those of 用文件添加合同文档.
impl<S> Check for ContractForceEndAttachmentRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        require_non_empty(&self.title, "title")?;
        check_suffix(&self.file_suffix)
    }
}
upload!(ContractForceEndAttachmentRequest: POST "/v2/contract/forceend/addattachment", file: "file", idempotent = false => Ack);

/// 合同管理-合同文档添加水印 — `POST /v2/contract/addwartermark` (the platform's spelling):
/// adds watermarks to a contract's documents.
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1
/// (`ContractAddwartermarkRequest`) and the ranges of the vendor's skill notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractWatermarkRequest {
    #[serde(flatten)]
    contract: ContractRef,
    watermarks: Vec<Watermark>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_old_data: Option<bool>,
}

impl ContractWatermarkRequest {
    /// Adds `watermarks` (at least one) to `contract`.
    pub fn new(
        contract: impl Into<ContractRef>,
        watermarks: impl IntoIterator<Item = Watermark>,
    ) -> Self {
        Self {
            contract: contract.into(),
            watermarks: watermarks.into_iter().collect(),
            delete_old_data: None,
        }
    }

    setters! {
        /// Removes the existing watermarks first.
        delete_old_data: bool;
    }
}

/// `watermarks` 必填 (契约锁 doc page 合同文档添加水印, as summarised in the vendor's skill notes;
/// page not retrieved); each watermark is checked by [`Watermark::validate`].
impl Check for ContractWatermarkRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        if self.watermarks.is_empty() {
            return Err(invalid("watermarks must not be empty"));
        }
        for (i, w) in self.watermarks.iter().enumerate() {
            w.validate(&format!("watermarks[{i}]"))?;
        }
        Ok(())
    }
}
endpoint!(ContractWatermarkRequest: POST "/v2/contract/addwartermark", json, idempotent = false => Ack);

/// 合同管理-合同延期 — `POST /v2/contract/delay`: moves the signing deadline of a `SIGNING` or
/// `EXPIRED` contract (at most two years after sending).
///
/// ⚠ Doc page not retrieved; fields follow the vendor Go SDK 3.1.1 (`ContractDelayRequest`).
/// qys sends either `days` or `expireDate`, never both.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDelayRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_date: Option<String>,
}

impl ContractDelayRequest {
    /// Adds `days` to the current deadline of `contract`.
    pub fn by_days(contract: impl Into<ContractRef>, days: u32) -> Self {
        Self {
            contract: contract.into(),
            days: Some(days),
            expire_date: None,
        }
    }

    /// Moves the deadline of `contract` to `expire_date` (`yyyy-MM-dd`, not earlier than the
    /// current one).
    pub fn until(contract: impl Into<ContractRef>, expire_date: impl Into<String>) -> Self {
        Self {
            contract: contract.into(),
            days: None,
            expire_date: Some(expire_date.into()),
        }
    }
}

/// `expireDate` is `yyyy-MM-dd` (契约锁 doc page 合同延期, as summarised in the vendor's skill
/// notes; page not retrieved). `days` has no stated minimum, so any count is sent.
impl Check for ContractDelayRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        if let Some(d) = &self.expire_date {
            check_date(d, "expireDate")?;
        }
        Ok(())
    }
}
endpoint!(ContractDelayRequest: POST "/v2/contract/delay", json, idempotent = false => Ack);

/// `yyyy-MM-dd`, shape only.
pub(crate) fn check_date(value: &str, field: &str) -> Result<(), BuildError> {
    let b = value.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !ok {
        return Err(invalid(format!(
            "{field} must be yyyy-MM-dd, got {value:?}"
        )));
    }
    Ok(())
}

/// 合同管理-获取合同操作记录 — `GET /v2/contract/stream`: the operation log of a contract.
///
/// ⚠ Doc page not retrieved; parameters follow the vendor Go SDK 3.1.1
/// (`ContractStreamRequest`). The entries' fields are undocumented: the `result` is returned
/// as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractStreamRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    operation: Vec<ContractOperation>,
}

impl ContractStreamRequest {
    /// The log of `contract` (every operation).
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            operation: Vec::new(),
        }
    }

    list_setters! {
        /// Only these operations (sent comma-joined).
        operation: ContractOperation;
    }
}

impl Check for ContractStreamRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractStreamRequest: GET "/v2/contract/stream", query, idempotent = true => serde_json::Value);

/// 合同管理-获取合同与附属文件下载链接 — `GET /v2/contract/downloadurl`: links (valid 60 minutes)
/// to a contract's files, one per file or one ZIP.
///
/// ⚠ Doc page not retrieved; parameters follow the vendor Go SDK 3.1.1
/// (`ContractDownloadUrlRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDownloadUrlRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    download_items: Vec<DownloadItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compress: Option<bool>,
}

impl ContractDownloadUrlRequest {
    /// Links to the files of `contract` (default `CONTRACT,SIGNLOG`).
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            download_items: Vec::new(),
            compress: None,
        }
    }

    list_setters! {
        /// Which files (sent comma-joined).
        download_items: DownloadItem;
    }

    setters! {
        /// One ZIP link instead of one link per file (default false).
        compress: bool;
    }
}

impl Check for ContractDownloadUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractDownloadUrlRequest: GET "/v2/contract/downloadurl", query, idempotent = true => DownloadUrls);

/// 签署服务-获取短链接 — `GET /v2/contract/shorturl`: a short signing link of a sent contract
/// for one login account.
///
/// ⚠ Doc page not retrieved; parameters follow the vendor Go SDK 3.1.1
/// (`ContractShorturlRequest`) without its bug: qys sends `contractId` once, or `bizId`
/// (with `tenantName`), never both. The link's field name is presumed (see [`UrlResult`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractShortUrlRequest {
    #[serde(flatten)]
    contract: ContractRef,
    // Left out when empty, as the vendor Go SDK's `ContractShorturlRequest` does: no doc page
    // marks `contact` required.
    #[serde(skip_serializing_if = "String::is_empty")]
    contact: String,
}

impl ContractShortUrlRequest {
    /// A short link of `contract` for the account `contact` (mobile or e-mail; empty: not
    /// sent).
    pub fn new(contract: impl Into<ContractRef>, contact: impl Into<String>) -> Self {
        Self {
            contract: contract.into(),
            contact: contact.into(),
        }
    }
}

impl Check for ContractShortUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractShortUrlRequest: GET "/v2/contract/shorturl", query, idempotent = true => UrlResult);

/// 重新发起合同 — `POST /v2/contract/resend`: sends a new contract made from an old one.
///
/// ⚠ Not in the doc menu; the body is the vendor Go SDK 3.1.1 `ResendContract`: the old
/// contract's reference (its `tenantName`, set with [`ContractRef::acting_as`], is the
/// sponsor of the new one), `newBizId`, and the contract fields that class has, each with a
/// setter. Draft fields it lacks (`category`, `stamperRule`, `callbackUrl`) cannot be sent.
/// The `result` is undocumented and kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractResendRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_biz_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ordinal: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creator: Option<User>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    signatories: Vec<SignatoryDraft>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sign_flow_strategy: Option<SignFlowStrategy>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_params: Vec<TemplateParam>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_send_time: Option<CopySendTime>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    copy_send_receivers: Vec<CopySendReceiverDraft>,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    tags: Tags,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_contract_ids: Vec<ContractId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    custom_fields: Vec<CustomField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notify_sponsor: Option<bool>,
}

impl ContractResendRequest {
    /// Resends `contract` unchanged; the setters change the new contract.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            new_biz_id: None,
            subject: None,
            description: None,
            sn: None,
            expire_time: None,
            end_time: None,
            ordinal: None,
            send: None,
            creator: None,
            signatories: Vec::new(),
            sign_flow_strategy: None,
            template_params: Vec::new(),
            copy_send_time: None,
            copy_send_receivers: Vec::new(),
            tags: Tags::default(),
            related_contract_ids: Vec::new(),
            custom_fields: Vec::new(),
            business_data: None,
            notify_sponsor: None,
        }
    }

    setters! {
        /// The new contract's business ID.
        new_biz_id: String;
        /// The new title (required unless the category generates it).
        subject: String;
        /// The new description.
        description: String;
        /// The new contract number.
        sn: String;
        /// The signing deadline (`yyyy-MM-dd HH:mm:ss`).
        expire_time: String;
        /// The end of the contract's term.
        end_time: String;
        /// Sequential (true) or free (false) signing order.
        ordinal: bool;
        /// Sends the new contract at once (true) or keeps it a draft (false).
        send: bool;
        /// The creator (an employee of the sponsor).
        creator: User;
        /// When the contract counts as complete.
        sign_flow_strategy: SignFlowStrategy;
        /// When copy receivers are notified.
        copy_send_time: CopySendTime;
        /// Echoed in the new contract's callbacks.
        business_data: String;
        /// Notifies the sponsor's operator on sending.
        notify_sponsor: bool;
    }

    list_setters! {
        /// The signatories.
        signatories: SignatoryDraft;
        /// Values of the templates' parameters.
        template_params: TemplateParam;
        /// The copy receivers.
        copy_send_receivers: CopySendReceiverDraft;
        /// Related contracts.
        related_contract_ids: ContractId;
        /// Custom form fields of the category.
        custom_fields: CustomField;
    }

    /// Labels (sent comma-joined, as the vendor Go SDK's `ResendContract.tags` string).
    #[must_use]
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = Tags::from(tags.into_iter().map(Into::into).collect::<Vec<_>>());
        self
    }
}

/// The reference, and each signatory by [`SignatoryDraft::validate`] (the rules of 契约锁 doc
/// page 创建合同草稿, whose Signatory table `ResendContract` reuses).
impl Check for ContractResendRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)?;
        for (i, s) in self.signatories.iter().enumerate() {
            s.validate(&format!("signatories[{i}]"))?;
        }
        Ok(())
    }
}
endpoint!(ContractResendRequest: POST "/v2/contract/resend", json, idempotent = false => Ack);

/// 修改合同 — `POST /v2/contract/contractModify`: changes a contract's subject, deadlines,
/// documents or template parameters.
///
/// ⚠ Not in the doc menu; fields follow the vendor Go SDK 3.1.1 (`ContractModifyRequest`),
/// which names the contract ID `id` (not `contractId`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractModifyRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<ContractId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    biz_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    documents: Vec<DocumentId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    template_params: Vec<TemplateParam>,
}

impl ContractModifyRequest {
    /// Modifies `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        let contract = contract.into();
        let tenant_name = contract.tenant_name().map(str::to_owned);
        let (id, biz_id) = match contract.key() {
            ContractKey::Id(id) => (Some(id.clone()), None),
            ContractKey::BizId(biz_id) => (None, Some(biz_id.clone())),
        };
        Self {
            id,
            biz_id,
            tenant_name,
            subject: None,
            expire_time: None,
            end_time: None,
            documents: Vec::new(),
            template_params: Vec::new(),
        }
    }

    setters! {
        /// The new title.
        subject: String;
        /// The new signing deadline (`yyyy-MM-dd HH:mm:ss`).
        expire_time: String;
        /// The new end of term.
        end_time: String;
    }

    list_setters! {
        /// The documents the contract keeps (⚠ semantics undocumented).
        documents: DocumentId;
        /// New template parameter values.
        template_params: TemplateParam;
    }
}

impl Check for ContractModifyRequest {
    fn check(&self) -> Result<(), BuildError> {
        match (&self.id, &self.biz_id) {
            (Some(id), _) => require_non_empty(id.as_str(), "id"),
            (None, Some(b)) => require_non_empty(b, "bizId"),
            (None, None) => Err(invalid("the contract needs an id or a bizId")),
        }
    }
}
endpoint!(ContractModifyRequest: POST "/v2/contract/contractModify", json, idempotent = false => Ack);

/// 必填项填写详情 — `POST /v2/contract/required/detail`: which required parameters of a
/// contract are filled.
///
/// ⚠ Not in the doc menu; fields follow the vendor Go SDK 3.1.1 (`RequiredParamListRequest`).
/// The `result` is undocumented and returned as JSON. A read: retried like a GET.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractRequiredDetailRequest {
    #[serde(flatten)]
    contract: ContractRef,
}

impl ContractRequiredDetailRequest {
    /// The required-parameter state of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
        }
    }
}

impl Check for ContractRequiredDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractRequiredDetailRequest: POST "/v2/contract/required/detail", json, idempotent = true => serde_json::Value);

/// 签署方待加入链接 — `GET /v2/contract/joinurl`: links for signatories created with
/// `delaySet` to join the contract.
///
/// ⚠ Not in the doc menu; parameters follow the vendor Go SDK 3.1.1 (`ContractJoinUrlRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractJoinUrlRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    tenant_type: Option<TenantType>,
}

impl ContractJoinUrlRequest {
    /// Join links of `contract` (for signatories of every type unless
    /// [`tenant_type`](Self::tenant_type) narrows them; `type` is optional in the vendor Go
    /// SDK).
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            tenant_type: None,
        }
    }

    setters! {
        /// Only signatories of this type (`COMPANY` or `PERSONAL`).
        tenant_type: TenantType;
    }
}

impl Check for ContractJoinUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractJoinUrlRequest: GET "/v2/contract/joinurl", query, idempotent = true => JoinUrls);

/// 未知个人签署方链接 — `GET /v2/contract/personal/joinurl`: join links for personal
/// signatories not named yet.
///
/// ⚠ Not in the doc menu; parameters follow the vendor Go SDK 3.1.1
/// (`ContractPersonalJoinUrlRequest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractPersonalJoinUrlRequest {
    #[serde(flatten)]
    contract: ContractRef,
}

impl ContractPersonalJoinUrlRequest {
    /// Personal join links of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
        }
    }
}

impl Check for ContractPersonalJoinUrlRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractPersonalJoinUrlRequest: GET "/v2/contract/personal/joinurl", query, idempotent = true => JoinUrls);

/// 健康检查 — `GET /v2/checkhealth`: whether the platform answers and accepts the credentials.
///
/// ⚠ Not in the doc menu (vendor Go SDK 3.1.1 `HealthCheckRequest`); the `result` is kept as
/// sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CheckHealthRequest;

impl CheckHealthRequest {
    /// A health check.
    pub fn new() -> Self {
        Self
    }
}

impl Check for CheckHealthRequest {}
endpoint!(CheckHealthRequest: GET "/v2/checkhealth", empty, idempotent = true => Ack);

/// 合同管理-下载合同与附属文件 — `GET /v2/contract/download` (download): a contract's files as a
/// ZIP (or the single file when `needCompressForOneFile` is false).
///
/// The platform locks a document for 12 hours after 10 downloads less than 25 minutes apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractDownloadRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    download_items: Vec<DownloadItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    need_compress_for_one_file: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_name_rule: Option<FileNameRule>,
}

impl ContractDownloadRequest {
    /// The files of `contract` (default `CONTRACT,SIGNLOG`).
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            download_items: Vec::new(),
            need_compress_for_one_file: None,
            file_name_rule: None,
        }
    }

    list_setters! {
        /// Which files (sent comma-joined).
        download_items: DownloadItem;
    }

    setters! {
        /// Whether a single file is zipped too (default true).
        need_compress_for_one_file: bool;
        /// How the files are named.
        file_name_rule: FileNameRule;
    }
}

impl Check for ContractDownloadRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(ContractDownloadRequest: GET "/v2/contract/download", query => download);
