//! 合同管理 (attachments): downloading the attachments signers uploaded.

use serde::Serialize;

use crate::api::contract::check_ref;
use crate::endpoint::{Check, endpoint};
use crate::error::BuildError;
use crate::types::ContractRef;

/// 下载附件 — `GET /v2/attachment/download` (download): the attachments of a contract.
///
/// ⚠ Not in the doc menu; parameters from the vendor Go SDK 3.1.1 and C# SDK
/// (`AttachmentDownloadRequest`); what `origin` selects is undocumented (presumably the
/// original, unsigned files).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentDownloadRequest {
    #[serde(flatten)]
    contract: ContractRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<bool>,
}

impl AttachmentDownloadRequest {
    /// The attachments of `contract`.
    pub fn new(contract: impl Into<ContractRef>) -> Self {
        Self {
            contract: contract.into(),
            origin: None,
        }
    }

    /// Asks for the original files (⚠ see above).
    #[must_use]
    pub fn origin(mut self, origin: bool) -> Self {
        self.origin = Some(origin);
        self
    }
}

impl Check for AttachmentDownloadRequest {
    fn check(&self) -> Result<(), BuildError> {
        check_ref(&self.contract)
    }
}
endpoint!(AttachmentDownloadRequest: GET "/v2/attachment/download", query => download);
