//! 辅助工具 and 信息校验: file signature verification, identity and company information checks,
//! OCR of ID and bank cards, and the blockchain evidence services (not in the doc menu).
//!
//! ⚠ None of these doc pages was retrieved; fields and parts follow the vendor Go SDK 3.1.1.
//! The answers are undocumented and kept as sent (`serde_json::Value`).
//!
//! A multipart call without files ([`ElectronicProveApplyRequest`]) is its own shape
//! ([`Shape::Form`](crate::endpoint::Shape::Form)): a plain endpoint sent with `execute`, with
//! no file source to name.

use serde::Serialize;

use crate::api::org_types::{invalid, is_set, non_blank_if_set, require_non_empty, require_user};
use crate::endpoint::{Check, endpoint, list_setters, setters, upload};
use crate::error::BuildError;
use crate::id::DocumentId;
use crate::multipart::UploadFile;
use crate::types::{User, comma_joined};

/// 辅助工具-文件验签 — `POST /v2/verify` (multipart, file part `file`): verifies the signatures
/// of a signed PDF.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileVerifyRequest<S> {
    #[serde(skip_serializing_if = "Option::is_none")]
    show_img: Option<bool>,
    #[serde(skip)]
    file: UploadFile<S>,
}

impl<S> FileVerifyRequest<S> {
    /// Verifies the PDF `file`.
    pub fn new(file: UploadFile<S>) -> Self {
        Self {
            show_img: None,
            file,
        }
    }

    setters! {
        /// Also answer each signature's appearance as Base64 images (default false).
        show_img: bool;
    }
}

/// 契约锁 doc page 文件验签: PDF files only (page not retrieved; from the vendor's skill notes).
impl<S> Check for FileVerifyRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        if !self.file.file_name().to_ascii_lowercase().ends_with(".pdf") {
            return Err(invalid("only PDF files can be verified"));
        }
        Ok(())
    }
}
upload!(FileVerifyRequest: POST "/v2/verify", file: "file", idempotent = true => serde_json::Value);

/// 信息校验-个人身份校验 — `POST /v2/identity/verify`: checks a name and ID number, with the
/// mobile number (three factors) and the bank card (four factors).
///
/// Not idempotent: each check is billed, so it is never retried blindly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityVerifyRequest {
    name: String,
    card_no: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bankcard_no: Option<String>,
}

impl IdentityVerifyRequest {
    /// Checks that `card_no` belongs to `name`.
    pub fn new(name: impl Into<String>, card_no: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            card_no: card_no.into(),
            mobile: None,
            bankcard_no: None,
        }
    }

    setters! {
        /// The mobile number registered to the person.
        mobile: String;
        /// The person's bank card number.
        bankcard_no: String;
    }
}

/// `name` and `cardNo`: what 契约锁 doc page 个人身份校验 verifies (page not retrieved; no SDK
/// checks it).
impl Check for IdentityVerifyRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.name, "name")?;
        require_non_empty(&self.card_no, "cardNo")?;
        non_blank_if_set(self.mobile.as_deref(), "mobile")?;
        non_blank_if_set(self.bankcard_no.as_deref(), "bankcardNo")
    }
}
endpoint!(IdentityVerifyRequest: POST "/v2/identity/verify", json, idempotent = false => serde_json::Value);

/// 信息校验-企业身份校验 — `POST /v2/companyinfo/verify`: checks a company's name, credit code
/// and legal representative against the registry.
///
/// Not idempotent: each check is billed, so it is never retried blindly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyInfoVerifyRequest {
    company_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    register_no: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_person: Option<String>,
}

impl CompanyInfoVerifyRequest {
    /// Checks `company_name` against the registry (with the registration number and the
    /// legal representative when set; both are optional in the vendor Go SDK's
    /// `CompanyInfoVerifyRequest`).
    pub fn new(company_name: impl Into<String>) -> Self {
        Self {
            company_name: company_name.into(),
            register_no: None,
            legal_person: None,
        }
    }

    setters! {
        /// The unified social credit code (or registration number).
        register_no: String;
        /// The legal representative's name.
        legal_person: String;
    }
}

/// `companyName`: what 契约锁 doc page 企业身份校验 verifies (page not retrieved); `registerNo`
/// and `legalPerson` are optional, as in the vendor Go SDK.
impl Check for CompanyInfoVerifyRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.company_name, "companyName")?;
        non_blank_if_set(self.register_no.as_deref(), "registerNo")?;
        non_blank_if_set(self.legal_person.as_deref(), "legalPerson")
    }
}
endpoint!(CompanyInfoVerifyRequest: POST "/v2/companyinfo/verify", json, idempotent = false => serde_json::Value);

/// The image an OCR request reads: uploaded as the file part `image`, or fetched by the
/// platform from `imageUrl`. Exactly one of the two is sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OcrImage<S> {
    #[serde(skip_serializing_if = "Option::is_none")]
    image_url: Option<String>,
    #[serde(skip)]
    image: Option<UploadFile<S>>,
}

impl<S> OcrImage<S> {
    fn upload(image: UploadFile<S>) -> Self {
        Self {
            image_url: None,
            image: Some(image),
        }
    }

    fn url(image_url: impl Into<String>) -> Self {
        Self {
            image_url: Some(image_url.into()),
            image: None,
        }
    }

    fn check(&self) -> Result<(), BuildError> {
        match (&self.image, is_set(self.image_url.as_deref())) {
            (Some(_), false) | (None, true) => Ok(()),
            _ => Err(invalid("give exactly one of image and imageUrl")),
        }
    }

    /// The uploaded image, if any, as the file parts to send (`upload!`'s `#[each]`).
    fn iter(&self) -> std::option::Iter<'_, UploadFile<S>> {
        self.image.iter()
    }

    fn iter_mut(&mut self) -> std::option::IterMut<'_, UploadFile<S>> {
        self.image.iter_mut()
    }
}

/// 信息校验-身份证OCR (not in the doc menu) — `POST /v2/ocr/idcard` (multipart, file part
/// `image` or text part `imageUrl`): reads an ID card.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`IdCardOcrRequest`). Billed: never retried blindly.
#[derive(Debug, Serialize)]
#[serde(bound = "")]
pub struct IdCardOcrRequest<S> {
    #[serde(flatten)]
    image: OcrImage<S>,
}

impl<S> IdCardOcrRequest<S> {
    /// Reads the uploaded image `image`.
    pub fn from_image(image: UploadFile<S>) -> Self {
        Self {
            image: OcrImage::upload(image),
        }
    }

    /// Reads the image at `image_url`.
    pub fn from_url(image_url: impl Into<String>) -> Self {
        Self {
            image: OcrImage::url(image_url),
        }
    }
}

impl<S> Check for IdCardOcrRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        self.image.check()
    }
}
upload!(IdCardOcrRequest: POST "/v2/ocr/idcard", #[each] image: "image", idempotent = false => serde_json::Value);

/// 信息校验-银行卡OCR (not in the doc menu) — `POST /v2/ocr/bankcard` (multipart, file part
/// `image` or text part `imageUrl`): reads a bank card.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`BankCardOcrRequest`). Billed: never retried blindly.
#[derive(Debug, Serialize)]
#[serde(bound = "")]
pub struct BankCardOcrRequest<S> {
    #[serde(flatten)]
    image: OcrImage<S>,
}

impl<S> BankCardOcrRequest<S> {
    /// Reads the uploaded image `image`.
    pub fn from_image(image: UploadFile<S>) -> Self {
        Self {
            image: OcrImage::upload(image),
        }
    }

    /// Reads the image at `image_url`.
    pub fn from_url(image_url: impl Into<String>) -> Self {
        Self {
            image: OcrImage::url(image_url),
        }
    }
}

impl<S> Check for BankCardOcrRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        self.image.check()
    }
}
upload!(BankCardOcrRequest: POST "/v2/ocr/bankcard", #[each] image: "image", idempotent = false => serde_json::Value);

/// 区块链存证-电子数据存证证明 (not in the doc menu) — `POST /chain/evidence/electronic/prove/apply`
/// (multipart text parts, no file; `operatorInfo` as JSON text): applies for a proof of
/// evidence stored on the chain.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`OpenChainEvidenceProveRequest`); which fields are
/// required is undocumented (qys requires `chainId`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectronicProveApplyRequest {
    chain_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    prove_data_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prove_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operator_info: Option<User>,
}

impl ElectronicProveApplyRequest {
    /// A proof of the evidence `chain_id`.
    pub fn new(chain_id: impl Into<String>) -> Self {
        Self {
            chain_id: chain_id.into(),
            prove_data_id: None,
            prove_source: None,
            operator_info: None,
        }
    }

    setters! {
        /// The ID of the proven data.
        prove_data_id: String;
        /// Where the evidence comes from (⚠ values undocumented; passed through).
        prove_source: String;
        /// Who applies.
        operator_info: User;
    }
}

impl Check for ElectronicProveApplyRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.chain_id, "chainId")?;
        if let Some(u) = &self.operator_info {
            require_user(u, "operatorInfo")?;
        }
        Ok(())
    }
}
endpoint!(ElectronicProveApplyRequest: POST "/chain/evidence/electronic/prove/apply", form, idempotent = false => serde_json::Value);

/// 区块链存证-出证报告申请 (not in the doc menu) — `POST /chain/evidence/complete/report/apply`
/// (multipart: text parts, `operatorInfo` as JSON text, repeated file parts `proveMaterial`):
/// applies for a complete evidence report.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`OpenCompleteReportApplyRequest`); which fields are
/// required is undocumented (qys requires `chainId`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteReportApplyRequest<S> {
    chain_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    prove_source: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prove_data_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    document_ids: Vec<DocumentId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operator_info: Option<User>,
    #[serde(skip)]
    prove_material: Vec<UploadFile<S>>,
}

impl<S> CompleteReportApplyRequest<S> {
    /// A report on the evidence `chain_id`.
    pub fn new(chain_id: impl Into<String>) -> Self {
        Self {
            chain_id: chain_id.into(),
            prove_source: None,
            prove_data_id: None,
            document_ids: Vec::new(),
            operator_info: None,
            prove_material: Vec::new(),
        }
    }

    setters! {
        /// Where the evidence comes from (a number; ⚠ values undocumented).
        prove_source: i64;
        /// The ID of the proven data.
        prove_data_id: String;
        /// Who applies.
        operator_info: User;
    }

    list_setters! {
        /// The documents the report covers (sent comma-joined).
        document_ids: DocumentId;
    }

    /// Adds a supporting file (each one a `proveMaterial` part).
    #[must_use]
    pub fn prove_material(mut self, file: UploadFile<S>) -> Self {
        self.prove_material.push(file);
        self
    }
}

impl<S> Check for CompleteReportApplyRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.chain_id, "chainId")?;
        if let Some(u) = &self.operator_info {
            require_user(u, "operatorInfo")?;
        }
        Ok(())
    }
}
upload!(CompleteReportApplyRequest: POST "/chain/evidence/complete/report/apply", #[each] prove_material: "proveMaterial", idempotent = false => serde_json::Value);

/// 区块链存证-出证报告状态 (not in the doc menu) — `GET /chain/evidence/complete/report/status`:
/// the state of a report application.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`OpenCompleteReportStatusRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteReportStatusRequest {
    prove_id: String,
}

impl CompleteReportStatusRequest {
    /// The state of the report `prove_id`.
    pub fn new(prove_id: impl Into<String>) -> Self {
        Self {
            prove_id: prove_id.into(),
        }
    }
}

impl Check for CompleteReportStatusRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.prove_id, "proveId")
    }
}
endpoint!(CompleteReportStatusRequest: GET "/chain/evidence/complete/report/status", query, idempotent = true => serde_json::Value);

/// 区块链存证-出证报告下载 (not in the doc menu) — `GET /chain/evidence/complete/report/download`
/// (download): the finished report.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`OpenCompleteReportDownloadRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteReportDownloadRequest {
    prove_id: String,
}

impl CompleteReportDownloadRequest {
    /// The finished report `prove_id`.
    pub fn new(prove_id: impl Into<String>) -> Self {
        Self {
            prove_id: prove_id.into(),
        }
    }
}

impl Check for CompleteReportDownloadRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.prove_id, "proveId")
    }
}
endpoint!(CompleteReportDownloadRequest: GET "/chain/evidence/complete/report/download", query => download);

/// 区块链存证-存证 (not in the doc menu) — `POST /v2/chain/notary` (multipart: text parts,
/// `operatorInfo` as JSON text, optional file part `notaryFile`): stores a file, or the hash
/// of one, on the chain.
///
/// ⚠ Only in the vendor Go SDK 3.1.1 (`ChainNotaryRequest`); the part names are kept as the
/// SDK sends them (`notaryDataID` with a capital `ID`). qys requires `notaryName` and either
/// the file or `notaryDataHash`.
#[derive(Debug, Serialize)]
pub struct ChainNotaryRequest<S> {
    #[serde(rename = "notaryName")]
    notary_name: String,
    #[serde(rename = "notaryDataID", skip_serializing_if = "Option::is_none")]
    notary_data_id: Option<String>,
    #[serde(rename = "notaryType", skip_serializing_if = "Option::is_none")]
    notary_type: Option<String>,
    #[serde(rename = "fileType", skip_serializing_if = "Option::is_none")]
    file_type: Option<String>,
    #[serde(rename = "notaryDataHash", skip_serializing_if = "Option::is_none")]
    notary_data_hash: Option<String>,
    #[serde(rename = "hashAlgorithm", skip_serializing_if = "Option::is_none")]
    hash_algorithm: Option<String>,
    #[serde(rename = "operatorInfo", skip_serializing_if = "Option::is_none")]
    operator_info: Option<User>,
    #[serde(skip)]
    notary_file: Option<UploadFile<S>>,
}

impl<S> ChainNotaryRequest<S> {
    /// Stores evidence called `notary_name`; add the file or its hash.
    pub fn new(notary_name: impl Into<String>) -> Self {
        Self {
            notary_name: notary_name.into(),
            notary_data_id: None,
            notary_type: None,
            file_type: None,
            notary_data_hash: None,
            hash_algorithm: None,
            operator_info: None,
            notary_file: None,
        }
    }

    setters! {
        /// The integrator's ID of the data.
        notary_data_id: String;
        /// The kind of evidence (⚠ values undocumented; passed through).
        notary_type: String;
        /// The file's type (⚠ values undocumented; passed through).
        file_type: String;
        /// The hash of the data, when the file itself is not sent.
        notary_data_hash: String;
        /// The algorithm of `notaryDataHash` (⚠ values undocumented; passed through).
        hash_algorithm: String;
        /// Who stores it.
        operator_info: User;
    }

    /// Sends the file itself (part `notaryFile`).
    #[must_use]
    pub fn notary_file(mut self, file: UploadFile<S>) -> Self {
        self.notary_file = Some(file);
        self
    }
}

/// The notarised data as a file or its hash (the vendor Go SDK's `ChainNotaryRequest` sends
/// either; no doc page retrieved), a name, and the operator's contact.
impl<S> Check for ChainNotaryRequest<S> {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.notary_name, "notaryName")?;
        if self.notary_file.is_none() && !is_set(self.notary_data_hash.as_deref()) {
            return Err(invalid("give the notaryFile or its notaryDataHash"));
        }
        if let Some(u) = &self.operator_info {
            require_user(u, "operatorInfo")?;
        }
        Ok(())
    }
}
upload!(ChainNotaryRequest: POST "/v2/chain/notary", #[each] notary_file: "notaryFile", idempotent = false => serde_json::Value);
