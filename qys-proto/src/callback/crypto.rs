//! The callback cryptography: the MD5 timestamp signature and the AES-128 content encryption.

use std::fmt;

use aes::Aes128;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use super::error::{CallbackError, CallbackErrorKind};
use crate::credentials::Secret;
use crate::error::Error;

/// The AES block (and key, and IV) size in bytes.
const BLOCK: usize = 16;

/// How the `content` field of a signed callback is protected.
///
/// The platform's app setting `encryptType` (read with `GET /company/token/get`) says which:
/// `AES_ECB` or `AES_CBC`; personal-signature authorization callbacks send their content in
/// the clear ([`Cipher::Plain`]).
///
/// Neither AES mode authenticates the content: a change to the ciphertext is only noticed when
/// it breaks the padding, the UTF-8 or the JSON. The MD5 signature covers the timestamp only.
///
/// `Debug` does not show the IV.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Cipher {
    /// `content` is the JSON text itself, not encrypted.
    Plain,
    /// `content` is Base64 of AES-128-ECB with PKCS#7 padding (`AES_ECB`, the platform's
    /// original and default scheme). The default.
    #[default]
    AesEcb,
    /// `content` is Base64 of AES-128-CBC with PKCS#7 padding and this IV (`AES_CBC`).
    ///
    /// ⚠ The vendor documents neither where the IV comes from nor its form; it is whatever
    /// your app settings say.
    AesCbc {
        /// The 16-byte initialization vector.
        iv: [u8; BLOCK],
    },
}

impl Cipher {
    /// AES-128-CBC with an IV given as bytes (for instance the UTF-8 bytes of a 16-character
    /// text IV).
    ///
    /// # Errors
    /// [`CallbackErrorKind::BadKey`] when `iv` is not exactly 16 bytes.
    pub fn cbc(iv: impl AsRef<[u8]>) -> Result<Self, Error> {
        let iv = iv.as_ref();
        let iv: [u8; BLOCK] = iv.try_into().map_err(|_| {
            CallbackError::new(
                CallbackErrorKind::BadKey,
                format!("a CBC IV must be 16 bytes, this one has {}", iv.len()),
            )
        })?;
        Ok(Self::AesCbc { iv })
    }

    /// The cipher named by the platform's `encryptType` setting (`AES_ECB`, `AES_CBC`), with
    /// the IV for CBC.
    ///
    /// # Errors
    /// [`CallbackErrorKind::BadKey`] for `AES_CBC` without a 16-byte IV;
    /// [`CallbackErrorKind::Malformed`] for any other `encryptType`.
    pub fn from_encrypt_type(encrypt_type: &str, iv: Option<&[u8]>) -> Result<Self, Error> {
        match encrypt_type {
            "AES_ECB" => Ok(Self::AesEcb),
            "AES_CBC" => Self::cbc(iv.unwrap_or_default()),
            _ => Err(
                CallbackError::malformed("unknown encryptType (expected AES_ECB or AES_CBC)")
                    .into(),
            ),
        }
    }

    /// Whether `content` is encrypted under this cipher.
    pub fn is_encrypted(&self) -> bool {
        !matches!(self, Self::Plain)
    }
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Plain => f.write_str("Plain"),
            Self::AesEcb => f.write_str("AesEcb"),
            Self::AesCbc { .. } => f.write_str("AesCbc { iv: [redacted] }"),
        }
    }
}

/// The callback signature of `timestamp`: `md5_hex(timestamp + key)`, 32 lowercase hex digits.
///
/// `timestamp` is the text exactly as sent (Unix milliseconds in decimal). This is what the
/// platform puts in the `signature` field.
pub fn sign_timestamp(key: &Secret, timestamp: &str) -> String {
    hex::encode(digest(key, timestamp))
}

fn digest(key: &Secret, timestamp: &str) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(key.expose().as_bytes());
    md5.finalize().into()
}

/// Checks `signature` against `md5_hex(timestamp + key)` in constant time (hex digits of
/// either case).
pub(crate) fn check_signature(
    key: &Secret,
    timestamp: &str,
    signature: &str,
) -> Result<(), CallbackError> {
    let expected = digest(key, timestamp);
    let mut given = [0u8; 16];
    let decoded = hex::decode_to_slice(signature.trim(), &mut given).is_ok();
    let equal: bool = given.ct_eq(&expected).into();
    if decoded && equal {
        Ok(())
    } else {
        Err(CallbackError::new(
            CallbackErrorKind::BadSignature,
            "the signature does not match md5(timestamp + key): wrong key, or not from the platform",
        ))
    }
}

fn aes_key(key: &Secret) -> Result<&[u8], CallbackError> {
    let bytes = key.expose().as_bytes();
    if bytes.len() == BLOCK {
        Ok(bytes)
    } else {
        Err(CallbackError::new(
            CallbackErrorKind::BadKey,
            format!(
                "the callback key must be 16 bytes of UTF-8 to be an AES-128 key; it is {} bytes",
                bytes.len()
            ),
        ))
    }
}

fn bad_key() -> CallbackError {
    CallbackError::new(
        CallbackErrorKind::BadKey,
        "the AES key or IV has the wrong length",
    )
}

/// Encrypts `plaintext` the way the platform encrypts callback content: AES-128 (key = the
/// UTF-8 bytes of the 16-character `key`) in the mode of `cipher`, PKCS#7 padding, standard
/// Base64 with padding. With [`Cipher::Plain`] the plaintext comes back unchanged.
///
/// # Errors
/// [`CallbackErrorKind::BadKey`] when the key is not 16 bytes (AES modes only).
pub fn encrypt_content(key: &Secret, cipher: &Cipher, plaintext: &str) -> Result<String, Error> {
    let len = plaintext.len();
    let mut buf = vec![0u8; (len / BLOCK + 1) * BLOCK];
    buf[..len].copy_from_slice(plaintext.as_bytes());
    let sealed = match cipher {
        Cipher::Plain => return Ok(plaintext.to_owned()),
        Cipher::AesEcb => ecb::Encryptor::<Aes128>::new_from_slice(aes_key(key)?)
            .map_err(|_| bad_key())?
            .encrypt_padded::<Pkcs7>(&mut buf, len)
            .map(<[u8]>::len),
        Cipher::AesCbc { iv } => cbc::Encryptor::<Aes128>::new_from_slices(aes_key(key)?, iv)
            .map_err(|_| bad_key())?
            .encrypt_padded::<Pkcs7>(&mut buf, len)
            .map(<[u8]>::len),
    };
    // The buffer always has room for the padding, so this error cannot happen; it is mapped
    // rather than unwrapped all the same.
    let sealed = sealed.map_err(|_| {
        CallbackError::new(CallbackErrorKind::BadCiphertext, "the padding did not fit")
    })?;
    Ok(STANDARD.encode(&buf[..sealed]))
}

/// Decrypts callback `content`: Base64 (standard alphabet; padding optional; line breaks
/// ignored; spaces read as `+`, because a form decoder turns an unescaped `+` into a space),
/// then AES-128 in the mode of `cipher` with strict PKCS#7 padding, then UTF-8. With
/// [`Cipher::Plain`] the content comes back unchanged.
///
/// # Errors
/// [`CallbackErrorKind::BadKey`], [`CallbackErrorKind::BadBase64`],
/// [`CallbackErrorKind::BadCiphertext`] (not whole blocks), [`CallbackErrorKind::BadPadding`]
/// (wrong key, mode or IV, or tampering), [`CallbackErrorKind::NotUtf8`].
pub fn decrypt_content(key: &Secret, cipher: &Cipher, content: &str) -> Result<String, Error> {
    decrypt(key, cipher, content).map_err(Error::from)
}

pub(crate) fn decrypt(
    key: &Secret,
    cipher: &Cipher,
    content: &str,
) -> Result<String, CallbackError> {
    if !cipher.is_encrypted() {
        return Ok(content.to_owned());
    }
    aes_key(key)?;
    let cleaned: String = content
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let mut buf = STANDARD_PAD_INDIFFERENT
        .decode(cleaned.as_bytes())
        .map_err(|_| {
            CallbackError::new(
                CallbackErrorKind::BadBase64,
                "the content is not valid Base64",
            )
        })?;
    if buf.is_empty() || buf.len() % BLOCK != 0 {
        return Err(CallbackError::new(
            CallbackErrorKind::BadCiphertext,
            format!(
                "the ciphertext is {} bytes, not a positive multiple of the 16-byte AES block",
                buf.len()
            ),
        ));
    }
    let opened = match cipher {
        Cipher::Plain => return Ok(content.to_owned()),
        Cipher::AesEcb => ecb::Decryptor::<Aes128>::new_from_slice(aes_key(key)?)
            .map_err(|_| bad_key())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map(<[u8]>::len),
        Cipher::AesCbc { iv } => cbc::Decryptor::<Aes128>::new_from_slices(aes_key(key)?, iv)
            .map_err(|_| bad_key())?
            .decrypt_padded::<Pkcs7>(&mut buf)
            .map(<[u8]>::len),
    };
    let len = opened.map_err(|_| {
        CallbackError::new(
            CallbackErrorKind::BadPadding,
            "the decrypted content has no valid PKCS#7 padding: wrong key, mode or IV, or tampered content",
        )
    })?;
    buf.truncate(len);
    String::from_utf8(buf).map_err(|_| {
        CallbackError::new(
            CallbackErrorKind::NotUtf8,
            "the decrypted content is not UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5f6db7ec8325aAGF";

    #[test]
    fn vendor_vector_decrypts() {
        let key = Secret::new(KEY);
        assert_eq!(
            decrypt_content(&key, &Cipher::AesEcb, "UoYYii0CN0bJyDcdkgf/iA==").unwrap(),
            "testStr"
        );
        // Without padding, with a line break, as a form decoder may leave it.
        assert_eq!(
            decrypt_content(&key, &Cipher::AesEcb, "UoYYii0CN0bJ\r\nyDcdkgf/iA").unwrap(),
            "testStr"
        );
    }

    #[test]
    fn spaces_are_read_as_plus() {
        let key = Secret::new(KEY);
        let sealed = (0..64)
            .map(|i| encrypt_content(&key, &Cipher::AesEcb, &format!("payload {i}")).unwrap())
            .find(|s| s.contains('+'))
            .expect("some ciphertext has a plus");
        let mangled = sealed.replace('+', " ");
        assert!(decrypt_content(&key, &Cipher::AesEcb, &mangled).is_ok());
    }

    #[test]
    fn signature_is_checked_in_both_cases_and_rejects_junk() {
        let key = Secret::new("AppSecret456");
        let good = sign_timestamp(&key, "1565753984643");
        assert_eq!(good, "404e8fa6edd47095c216e353dfaee49d");
        assert!(check_signature(&key, "1565753984643", &good).is_ok());
        assert!(check_signature(&key, "1565753984643", &good.to_uppercase()).is_ok());
        for bad in ["", "404e", "zz4e8fa6edd47095c216e353dfaee49d", &good[1..]] {
            assert_eq!(
                check_signature(&key, "1565753984643", bad)
                    .unwrap_err()
                    .kind(),
                CallbackErrorKind::BadSignature
            );
        }
        assert!(check_signature(&key, "1565753984644", &good).is_err());
    }

    #[test]
    fn debug_hides_the_iv() {
        let c = Cipher::cbc(b"0123456789abcdef").unwrap();
        assert_eq!(format!("{c:?}"), "AesCbc { iv: [redacted] }");
        assert_eq!(
            Cipher::cbc(b"short").unwrap_err().to_string(),
            "callback rejected: a CBC IV must be 16 bytes, this one has 5"
        );
    }
}
