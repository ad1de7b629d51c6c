//! 应用设置 (app settings, outside the doc menu): read the app's callback settings and change
//! its callback URL and encryption (spec §5 "Related", §14.1 "Encrypted callbacks"; vendor Go
//! SDK `CompanyTokenDetailRequest` / `CompanyTokenUpdateCallbackRequest`).
//!
//! - `GET /company/token/get` (no parameters) answers `{appName, accessToken, callbackUrl,
//!   encrypt, callbackSecretKey, encryptType}`.
//! - `POST /company/token/update/callback` (JSON `{callbackUrl?, encrypt?, encryptType?}`, at
//!   least one) changes them and answers the same object.
//!
//! These settings decide how the sandbox delivers callbacks (`crate::callbacks`): the app-level
//! `callbackUrl` is used when the event names no URL of its own, and `encrypt` switches between
//! plain forms and signed, AES-encrypted `content`.

use qys_proto::Secret;
use qys_proto::callback::Cipher;
use serde_json::{Value, json};

use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Rule, Schema, Ty, opt};
use crate::reply::Failure;
use crate::state::State;

/// `encryptType` values (§14.1).
const ENCRYPT_TYPES: &[&str] = &["AES_ECB", "AES_CBC"];

/// `GET /company/token/get`: no parameters.
static APP_INFO: Schema = Schema {
    fields: &[],
    rules: &[],
};

/// `POST /company/token/update/callback`: `{callbackUrl?, encrypt?: bool, encryptType?}`, not
/// all empty (spec §5 "Related"; the Go SDK sends `callbackUrl` and `encrypt`).
static APP_CALLBACK_UPDATE: Schema = Schema {
    fields: &[
        opt("callbackUrl", Ty::Str),
        opt("encrypt", Ty::Bool),
        opt("encryptType", Ty::Enum(ENCRYPT_TYPES)),
    ],
    rules: &[Rule::AtLeastOne(&["callbackUrl", "encrypt", "encryptType"])],
};

pub(super) static ROUTES: &[Route] = &[
    route!(Get "/company/token/get", BodyKind::Query, APP_INFO, app_info),
    route!(Post "/company/token/update/callback", BodyKind::Json, APP_CALLBACK_UPDATE, update_callback),
];

/// How callbacks are encrypted when `encrypt` is on (`encryptType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EncryptType {
    AesEcb,
    AesCbc,
}

impl EncryptType {
    fn as_str(self) -> &'static str {
        match self {
            Self::AesEcb => "AES_ECB",
            Self::AesCbc => "AES_CBC",
        }
    }
}

/// The app's settings, as `/company/token/get` reports them.
///
/// `Debug` shows neither the key nor the IV.
#[derive(Clone)]
pub(crate) struct AppSettings {
    pub(crate) app_name: String,
    pub(crate) access_token: String,
    /// The app-level callback URL.
    pub(crate) callback_url: Option<String>,
    /// Whether callbacks are signed and their content encrypted.
    pub(crate) encrypt: bool,
    pub(crate) encrypt_type: EncryptType,
    /// The IV used when `encrypt_type` is CBC.
    pub(crate) cbc_iv: [u8; 16],
    /// `callbackSecretKey`: signs the callbacks and is the AES key.
    pub(crate) key: Secret,
}

impl std::fmt::Debug for AppSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppSettings")
            .field("app_name", &self.app_name)
            .field("callback_url", &self.callback_url)
            .field("encrypt", &self.encrypt)
            .field("encrypt_type", &self.encrypt_type)
            .finish_non_exhaustive()
    }
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            app_name: crate::SANDBOX_APP_NAME.to_owned(),
            access_token: crate::DEFAULT_APP_TOKEN.to_owned(),
            callback_url: None,
            encrypt: false,
            encrypt_type: EncryptType::AesEcb,
            cbc_iv: cbc_iv_of(&Secret::new(crate::DEFAULT_CALLBACK_SECRET_KEY)),
            key: Secret::new(crate::DEFAULT_CALLBACK_SECRET_KEY),
        }
    }
}

/// The IV the sandbox uses for CBC when none was configured: the key's 16 bytes (see
/// `SandboxBuilder::callback_cipher`).
pub(crate) fn cbc_iv_of(key: &Secret) -> [u8; 16] {
    let mut iv = [0u8; 16];
    for (slot, byte) in iv.iter_mut().zip(key.expose().bytes()) {
        *slot = byte;
    }
    iv
}

impl AppSettings {
    /// The cipher of the `content` of signed callbacks under the current `encryptType`.
    pub(crate) fn cipher(&self) -> Cipher {
        match self.encrypt_type {
            EncryptType::AesEcb => Cipher::AesEcb,
            EncryptType::AesCbc => Cipher::AesCbc { iv: self.cbc_iv },
        }
    }

    /// Sets the cipher (ECB, or CBC with its IV). `Cipher::Plain` is refused by the builder
    /// before it gets here; it leaves the settings unchanged.
    pub(crate) fn set_cipher(&mut self, cipher: &Cipher) {
        match cipher {
            Cipher::AesEcb => self.encrypt_type = EncryptType::AesEcb,
            Cipher::AesCbc { iv } => {
                self.encrypt_type = EncryptType::AesCbc;
                self.cbc_iv = *iv;
            }
            _ => {}
        }
    }

    /// What delivery needs of the settings, as they are now.
    pub(crate) fn delivery_settings(&self) -> crate::callbacks::Settings {
        crate::callbacks::Settings {
            callback_url: self.callback_url.clone(),
            encrypt: self.encrypt,
            cipher: self.cipher(),
            key: self.key.clone(),
        }
    }

    /// The answer of both endpoints.
    fn to_json(&self) -> Value {
        json!({
            "appName": self.app_name,
            "accessToken": self.access_token,
            "callbackUrl": self.callback_url,
            "encrypt": self.encrypt,
            "callbackSecretKey": self.key.expose(),
            "encryptType": self.encrypt_type.as_str(),
        })
    }
}

/// Whether `url` is an absolute `http`/`https` URL with a host, and nothing the platform
/// could not call.
pub(crate) fn check_callback_url(url: &str) -> Result<(), String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|_| "callbackUrl is not a valid URL".to_owned())?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err("callbackUrl must be an http:// or https:// URL".to_owned()),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err("callbackUrl has no host".to_owned());
    }
    Ok(())
}

fn app_info(state: &mut State, _input: Input) -> Result<Answer, Failure> {
    Ok(state.app.to_json().into())
}

fn update_callback(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let url = input.text("callbackUrl");
    if let Some(url) = &url {
        check_callback_url(url.trim()).map_err(Failure::invalid_param)?;
    }
    let encrypt_type = match input.text("encryptType").as_deref() {
        Some("AES_CBC") => Some(EncryptType::AesCbc),
        Some("AES_ECB") => Some(EncryptType::AesEcb),
        // The table refuses any other value before the handler runs.
        _ => None,
    };
    let encrypt = input.fields.get("encrypt").and_then(Value::as_bool);
    if url.is_none() && encrypt.is_none() && encrypt_type.is_none() {
        return Err(Failure::invalid_param(
            "at least one of callbackUrl, encrypt, encryptType is required",
        ));
    }
    let app = &mut state.app;
    if let Some(url) = url {
        app.callback_url = Some(url.trim().to_owned());
    }
    if let Some(encrypt) = encrypt {
        app.encrypt = encrypt;
    }
    if let Some(t) = encrypt_type {
        app.encrypt_type = t;
    }
    Ok(app.to_json().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_urls_are_checked() {
        assert!(check_callback_url("http://127.0.0.1:8080/cb?company=A").is_ok());
        assert!(check_callback_url("https://example.com/cb").is_ok());
        for bad in [
            "",
            "/cb",
            "ftp://x/y",
            "127.0.0.1:80/cb",
            "http://",
            "not a url",
        ] {
            assert!(check_callback_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let s = AppSettings::default();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains(crate::DEFAULT_CALLBACK_SECRET_KEY),
            "{shown}"
        );
    }

    #[test]
    fn cipher_follows_the_encrypt_type() {
        let mut s = AppSettings::default();
        assert_eq!(s.cipher(), Cipher::AesEcb);
        s.set_cipher(&Cipher::AesCbc { iv: [7; 16] });
        assert_eq!(s.cipher(), Cipher::AesCbc { iv: [7; 16] });
        s.encrypt_type = EncryptType::AesEcb;
        assert_eq!(s.cipher(), Cipher::AesEcb);
    }
}
