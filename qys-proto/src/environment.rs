//! Where requests go: the test or production Open Platform, or any base URL.

use http::Uri;

use crate::error::{BuildError, BuildErrorKind};

/// The `env` value the mini-program plugin expects: which platform issued the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PluginEnv {
    /// Production (`env=com`).
    Production,
    /// Test (`env=cn`).
    Test,
}

impl PluginEnv {
    /// The value of the plugin URL's `env` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "com",
            Self::Test => "cn",
        }
    }
}

/// The Open Platform a client talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Scheme and authority, plus a path prefix without a trailing slash (may be empty).
    base: String,
    https: bool,
    plugin_env: PluginEnv,
}

impl Environment {
    /// The test platform, `https://openapi.qiyuesuo.cn` (plugin `env=cn`).
    pub fn test() -> Self {
        Self {
            base: "https://openapi.qiyuesuo.cn".to_owned(),
            https: true,
            plugin_env: PluginEnv::Test,
        }
    }

    /// The production platform, `https://openapi.qiyuesuo.com` (plugin `env=com`).
    pub fn production() -> Self {
        Self {
            base: "https://openapi.qiyuesuo.com".to_owned(),
            https: true,
            plugin_env: PluginEnv::Production,
        }
    }

    /// Any base URL: a private gateway, a proxy, the qys sandbox. Endpoint paths are appended
    /// to it, so `https://gw.example/qys` sends `/v2/...` to `https://gw.example/qys/v2/...`.
    ///
    /// Its tickets are marked for the test plugin (`env=cn`) unless
    /// [`with_plugin_env`](Self::with_plugin_env) says otherwise. Plain `http://` parses here,
    /// but a client refuses it unless told to allow it.
    ///
    /// # Errors
    /// [`BuildErrorKind::InvalidBaseUrl`] unless it is an absolute `http(s)://` URL without
    /// query or fragment.
    pub fn custom(base_url: &str) -> Result<Self, BuildError> {
        let invalid = |why: &str| {
            BuildError::new(
                BuildErrorKind::InvalidBaseUrl,
                format!("base URL {base_url:?}: {why}"),
            )
        };
        let uri: Uri = base_url.parse().map_err(|_| invalid("not a URL"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(invalid("the scheme must be https (or http)")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user information is not allowed"));
        }
        if base_url.contains('?') || base_url.contains('#') {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let prefix = uri.path().trim_end_matches('/');
        Ok(Self {
            base: format!(
                "{}://{}{}",
                if https { "https" } else { "http" },
                authority,
                prefix
            ),
            https,
            plugin_env: PluginEnv::Test,
        })
    }

    /// Which plugin `env` tickets from this environment are for.
    #[must_use]
    pub fn with_plugin_env(mut self, plugin_env: PluginEnv) -> Self {
        self.plugin_env = plugin_env;
        self
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Whether the base URL is `https://`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The plugin `env` of tickets minted here.
    pub fn plugin_env(&self) -> PluginEnv {
        self.plugin_env
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_urls_are_normalised_and_checked() {
        let e = Environment::custom("https://gw.example:8443/qys/").unwrap();
        assert_eq!(e.base_url(), "https://gw.example:8443/qys");
        assert!(e.is_https());
        assert_eq!(e.plugin_env(), PluginEnv::Test);
        assert!(
            !Environment::custom("http://127.0.0.1:1")
                .unwrap()
                .is_https()
        );
        for bad in [
            "ftp://x",
            "/relative",
            "https://",
            "https://u:p@host",
            "https://h/?q=1",
            "not a url",
        ] {
            assert_eq!(
                Environment::custom(bad).unwrap_err().kind(),
                BuildErrorKind::InvalidBaseUrl,
                "{bad}"
            );
        }
        assert_eq!(Environment::production().plugin_env().as_str(), "com");
        assert_eq!(Environment::test().plugin_env().as_str(), "cn");
    }
}
