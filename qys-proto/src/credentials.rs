//! App and agent credentials, and the redacting [`Secret`] wrapper.

use std::fmt;

/// A secret string (an AppSecret, an AgentSecret, a callback key).
///
/// `Debug` prints `[redacted]`; there is no `Display` and no `Serialize`. Read it with
/// [`Secret::expose`], and only to feed it to a hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself.
    ///
    /// # Security
    /// Whatever you pass it to must not print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// A token and its secret: the AppToken/AppSecret of a business system (业务系统), or the
/// AgentToken/AgentSecret of a SaaS agent (代理商).
///
/// `Debug` shows the token abbreviated to its first and last three characters (enough to tell
/// two apps apart in a log) and never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    token: String,
    secret: Secret,
    /// The token as a sensitive header value, made once rather than at every signature;
    /// `None` when the token is empty or not a valid header value (refused when signing).
    header: Option<http::HeaderValue>,
}

impl Credentials {
    /// Credentials from a token and its secret.
    pub fn new(token: impl Into<String>, secret: impl Into<Secret>) -> Self {
        let token = token.into();
        let header = http::HeaderValue::from_str(&token)
            .ok()
            .filter(|_| !token.is_empty())
            .map(|mut value| {
                value.set_sensitive(true);
                value
            });
        Self {
            token,
            secret: secret.into(),
            header,
        }
    }

    /// The token as a header value, if it is a non-empty valid one.
    pub(crate) fn token_header(&self) -> Option<&http::HeaderValue> {
        self.header.as_ref()
    }

    /// The token (sent in the clear as a header).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The secret (never sent; only hashed).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("token", &Abbreviated(&self.token))
            .field("secret", &self.secret)
            .finish()
    }
}

/// Prints the first and last three characters of a value, or `***` when it is short.
pub(crate) struct Abbreviated<'a>(pub(crate) &'a str);

impl fmt::Debug for Abbreviated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() <= 8 {
            return f.write_str("\"***\"");
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 3..].iter().collect();
        write!(f, "\"{head}***{tail}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_most_of_the_token() {
        let c = Credentials::new("DWjfxmA12aLONGTOKEN", "super-secret-value");
        let shown = format!("{c:?}");
        assert!(!shown.contains("super-secret-value"), "{shown}");
        assert!(!shown.contains("DWjfxmA12aLONGTOKEN"), "{shown}");
        assert!(shown.contains("DWj***KEN"), "{shown}");
        assert_eq!(
            format!("{:?}", Credentials::new("short", "s"))
                .matches("***")
                .count(),
            1
        );
    }
}
