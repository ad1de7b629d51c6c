//! App settings (应用设置, not in the doc menu): read the app's callback settings and change
//! its callback URL and encryption.
//!
//! ⚠ Only in the vendor Go SDK 3.1.1 and the documentation digest.

use serde::{Deserialize, Serialize};

use crate::answer;
use crate::api::org_types::{invalid, is_set};
use crate::endpoint::{Check, endpoint, setters};
use crate::error::BuildError;
use crate::types::string_enum;

string_enum! {
    /// How callbacks are encrypted (`encryptType`).
    pub enum EncryptType {
        /// AES-128, ECB mode.
        AesEcb = "AES_ECB",
        /// AES-128, CBC mode.
        AesCbc = "AES_CBC",
    }
}

/// The app's settings (`{appName, accessToken, callbackUrl, encrypt, callbackSecretKey,
/// encryptType}`).
///
/// `Debug` leaves out the callback secret key.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppInfo {
    /// The app's name.
    pub app_name: Option<String>,
    /// The app token.
    pub access_token: Option<String>,
    /// Where callbacks go.
    pub callback_url: Option<String>,
    /// Whether callbacks are encrypted.
    #[serde(deserialize_with = "answer::opt_bool")]
    pub encrypt: Option<bool>,
    /// The key that signs and encrypts callbacks (a secret).
    pub callback_secret_key: Option<String>,
    /// How callbacks are encrypted.
    pub encrypt_type: Option<EncryptType>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl std::fmt::Debug for AppInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppInfo")
            .field("app_name", &self.app_name)
            .field("access_token", &self.access_token)
            .field("callback_url", &self.callback_url)
            .field("encrypt", &self.encrypt)
            .field(
                "callback_secret_key",
                &self.callback_secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("encrypt_type", &self.encrypt_type)
            .finish_non_exhaustive()
    }
}

/// 应用设置-应用信息 — `GET /company/token/get`: the app's callback settings, including the
/// callback secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AppInfoRequest {}

impl AppInfoRequest {
    /// The request.
    pub fn new() -> Self {
        Self {}
    }
}

impl Check for AppInfoRequest {}
endpoint!(AppInfoRequest: GET "/company/token/get", empty, idempotent = true => AppInfo);

/// 应用设置-修改回调 — `POST /company/token/update/callback`: changes the callback URL and
/// encryption (at least one of them), answering the new settings.
///
/// `encryptType` is sent only when set: the vendor Go SDK 3.1.1's
/// `CompanyTokenUpdateCallbackRequest` lacks it; the vendor's skill notes on 回调 (callback
/// encryption, `AES_ECB`/`AES_CBC`) document it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppCallbackUpdateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encrypt: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encrypt_type: Option<EncryptType>,
}

impl AppCallbackUpdateRequest {
    /// An update; set at least one field.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The new callback URL.
        callback_url: String;
        /// Whether callbacks are encrypted.
        encrypt: bool;
        /// How callbacks are encrypted.
        encrypt_type: EncryptType;
    }
}

/// Not all empty (`/company/token/update/callback`, as summarised in the vendor's skill notes
/// on 回调; no doc page of its own).
impl Check for AppCallbackUpdateRequest {
    fn check(&self) -> Result<(), BuildError> {
        if !is_set(self.callback_url.as_deref())
            && self.encrypt.is_none()
            && self.encrypt_type.is_none()
        {
            return Err(invalid(
                "set at least one of callbackUrl, encrypt, encryptType",
            ));
        }
        Ok(())
    }
}
endpoint!(AppCallbackUpdateRequest: POST "/company/token/update/callback", json, idempotent = false => AppInfo);
