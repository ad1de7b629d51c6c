//! The standalone receiver's settings from the environment, shared by the blocking and the
//! async callback receiver examples (each includes this file with `#[path]`).

use std::net::{Ipv4Addr, SocketAddr};

use qys_proto::Secret;
use qys_proto::callback::{CallbackVerifier, Cipher};

pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The verifier the environment describes (standalone mode).
pub(crate) fn verifier_from_env(key: String) -> Result<CallbackVerifier, BoxError> {
    // AES_ECB and AES_CBC are the platform's names (`Cipher::from_encrypt_type`); PLAIN is
    // this receiver's, for signed callbacks whose content is in the clear.
    let encrypt_type = var("QYS_CALLBACK_ENCRYPT_TYPE").unwrap_or_else(|| "AES_ECB".to_owned());
    let iv = var("QYS_CALLBACK_IV");
    let cipher = match encrypt_type.as_str() {
        "PLAIN" => Cipher::Plain,
        platform => Cipher::from_encrypt_type(platform, iv.as_deref().map(str::as_bytes))
            .map_err(|e| format!("QYS_CALLBACK_ENCRYPT_TYPE={platform:?}: {e}"))?,
    };
    let allow_unsigned =
        var("QYS_CALLBACK_ALLOW_UNSIGNED").is_some_and(|v| v == "1" || v == "true");
    Ok(CallbackVerifier::new(Secret::new(key))
        .with_cipher(cipher)
        .allow_unsigned(allow_unsigned))
}

pub(crate) fn listen_addr() -> Result<SocketAddr, BoxError> {
    let port = match var("QYS_CALLBACK_PORT") {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| format!("QYS_CALLBACK_PORT must be a port number, not {p:?}"))?,
        None => 0,
    };
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}
