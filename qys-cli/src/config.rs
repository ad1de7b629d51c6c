//! Where `qys` gets its credentials and platform: the environment variables the quickstarts
//! read, or a named profile of the configuration file.
//!
//! The two sources are never mixed: a token from one place signed with a secret from another
//! would fail in confusing ways, so a profile is used whole and the `QYS_*` credential
//! variables are then ignored. `--env` and `--base-url` override either.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use qys_blocking::{Client, Credentials, Environment, PluginEnv, Signer};
use serde::Deserialize;

use crate::fail::Failure;

/// The environment variables `qys` reads.
pub(crate) mod vars {
    /// The app's AppToken.
    pub(crate) const ACCESS_TOKEN: &str = "QYS_ACCESS_TOKEN";
    /// The app's AppSecret.
    pub(crate) const ACCESS_SECRET: &str = "QYS_ACCESS_SECRET";
    /// The SaaS agent's token.
    pub(crate) const AGENT_TOKEN: &str = "QYS_AGENT_TOKEN";
    /// The SaaS agent's secret.
    pub(crate) const AGENT_SECRET: &str = "QYS_AGENT_SECRET";
    /// `test` or `prod`.
    pub(crate) const ENV: &str = "QYS_ENV";
    /// Any base URL.
    pub(crate) const BASE_URL: &str = "QYS_BASE_URL";
    /// The profile to use.
    pub(crate) const PROFILE: &str = "QYS_PROFILE";
    /// The configuration file (instead of the one in the user's configuration directory).
    pub(crate) const CONFIG: &str = "QYS_CONFIG";
}

/// One profile: the same settings as the environment variables, lower-cased without `QYS_`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    access_token: Option<String>,
    access_secret: Option<String>,
    agent_token: Option<String>,
    agent_secret: Option<String>,
    env: Option<String>,
    base_url: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only whether each value is set: tokens and secrets stay out of logs.
        f.debug_struct("Profile")
            .field("access_token", &self.access_token.is_some())
            .field("access_secret", &self.access_secret.is_some())
            .field("agent_token", &self.agent_token.is_some())
            .field("agent_secret", &self.agent_secret.is_some())
            .field("env", &self.env)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The configuration file: `[profiles.NAME]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// What the command line says about where to connect.
#[derive(Debug, Default, Clone)]
pub(crate) struct Overrides {
    /// `--profile`.
    pub(crate) profile: Option<String>,
    /// `--env`.
    pub(crate) env: Option<String>,
    /// `--base-url`.
    pub(crate) base_url: Option<String>,
}

/// Reads a variable; an empty value counts as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The configuration file's path: `$QYS_CONFIG`, else `qys/config.toml` in the user's
/// configuration directory (`$XDG_CONFIG_HOME`, else `~/.config`; `%APPDATA%` on Windows).
pub(crate) fn config_path() -> Option<PathBuf> {
    if let Some(p) = var(vars::CONFIG) {
        return Some(PathBuf::from(p));
    }
    let dir = if cfg!(windows) {
        var("APPDATA").map(PathBuf::from)
    } else {
        var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| Path::new(&h).join(".config")))
    }?;
    Some(dir.join("qys").join("config.toml"))
}

/// Reads the configuration file, refusing one that other users may read or change.
fn read_config(path: &Path) -> Result<ConfigFile, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot read the configuration file {}: {e}",
                path.display()
            )));
        }
    };
    check_private(path)?;
    toml::from_str(&text).map_err(|e| {
        // toml's message quotes the offending line, which may hold a secret: keep the position.
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!(" (line {line})")
            })
            .unwrap_or_default();
        Failure::usage(format!(
            "the configuration file {} is not valid{at}: {}",
            path.display(),
            e.message()
        ))
    })
}

/// The file must not be readable or writable by group or others (like `~/.ssh`).
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::usage(format!("cannot stat {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::usage(format!(
            "refusing the configuration file {}: its mode {:03o} lets other users read or change it (it holds secrets); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), Failure> {
    Ok(())
}

/// Where the settings came from, for messages.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A profile of the file.
    Profile { name: String, file: PathBuf },
    /// The `QYS_*` variables.
    Environment,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Profile { name, file } => {
                write!(f, "profile `{name}` of {}", file.display())
            }
            Self::Environment => f.write_str("the QYS_* environment variables"),
        }
    }
}

/// Resolved connection settings.
pub(crate) struct Settings {
    /// The platform.
    pub(crate) environment: Environment,
    /// Whether the base URL is plain `http://` (allowed because the user gave it).
    pub(crate) allow_http: bool,
    /// The app and/or agent credentials.
    pub(crate) signer: Signer,
    /// Where they came from.
    pub(crate) source: Source,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.environment.base_url())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Resolves the settings: `--profile` (or `QYS_PROFILE`) picks a profile; without one the
    /// `QYS_*` variables are used, and when they hold no credentials either, the profile
    /// `default` of the file if there is one.
    pub(crate) fn resolve(overrides: &Overrides) -> Result<Self, Failure> {
        let chosen = overrides.profile.clone().or_else(|| var(vars::PROFILE));
        let (profile, source) = match chosen {
            Some(name) => {
                let (profile, file) = load_profile(&name)?.ok_or_else(|| {
                    Failure::usage(format!(
                        "no profile `{name}` in {}",
                        config_path().map_or_else(
                            || "the configuration file (no configuration directory)".to_owned(),
                            |p| p.display().to_string()
                        )
                    ))
                })?;
                (profile, Source::Profile { name, file })
            }
            None => {
                let from_env = Profile {
                    access_token: var(vars::ACCESS_TOKEN),
                    access_secret: var(vars::ACCESS_SECRET),
                    agent_token: var(vars::AGENT_TOKEN),
                    agent_secret: var(vars::AGENT_SECRET),
                    env: var(vars::ENV),
                    base_url: var(vars::BASE_URL),
                };
                let has_credentials =
                    from_env.access_token.is_some() || from_env.agent_token.is_some();
                match load_profile("default")? {
                    Some((profile, file)) if !has_credentials => (
                        profile,
                        Source::Profile {
                            name: "default".to_owned(),
                            file,
                        },
                    ),
                    _ => (from_env, Source::Environment),
                }
            }
        };
        Self::from_profile(profile, source, overrides)
    }

    fn from_profile(
        profile: Profile,
        source: Source,
        overrides: &Overrides,
    ) -> Result<Self, Failure> {
        let env = overrides.env.clone().or(profile.env);
        let base_url = overrides.base_url.clone().or(profile.base_url);
        let (environment, allow_http) = environment(env.as_deref(), base_url.as_deref())?;
        let pair = |token: Option<String>, secret: Option<String>, what: &str| match (token, secret)
        {
            (Some(t), Some(s)) => Ok(Some(Credentials::new(t, s))),
            (None, None) => Ok(None),
            _ => Err(Failure::usage(format!(
                "{source} gives only half of the {what} pair (token and secret go together)"
            ))),
        };
        let app = pair(profile.access_token, profile.access_secret, "app")?;
        let agent = pair(profile.agent_token, profile.agent_secret, "agent")?;
        let signer = match (app, agent) {
            (Some(app), Some(agent)) => Signer::new(app).with_agent(agent),
            (Some(app), None) => Signer::new(app),
            (None, Some(agent)) => Signer::agent(agent),
            (None, None) => {
                return Err(Failure::usage(format!(
                    "no credentials: set {} and {} (and {}/{} for /saas paths), or use --profile NAME with a profile in {}",
                    vars::ACCESS_TOKEN,
                    vars::ACCESS_SECRET,
                    vars::AGENT_TOKEN,
                    vars::AGENT_SECRET,
                    config_path().map_or_else(
                        || "the configuration file".to_owned(),
                        |p| p.display().to_string()
                    )
                )));
            }
        };
        Ok(Self {
            environment,
            allow_http,
            signer,
            source,
        })
    }

    /// A client for these settings.
    pub(crate) fn client(&self) -> Result<Client, Failure> {
        Ok(
            Client::builder(self.environment.clone(), self.signer.clone())
                .allow_http(self.allow_http)
                .user_agent(concat!("qys-cli/", env!("CARGO_PKG_VERSION")))
                .build()?,
        )
    }
}

fn load_profile(name: &str) -> Result<Option<(Profile, PathBuf)>, Failure> {
    let Some(path) = config_path() else {
        return Ok(None);
    };
    let mut file = read_config(&path)?;
    Ok(file.profiles.remove(name).map(|p| (p, path)))
}

/// The platform: a base URL (plain `http://` allowed because it was asked for), else
/// `test` (the default) or `prod`. With a base URL, `prod` marks its tickets for the
/// production plugin.
fn environment(env: Option<&str>, base_url: Option<&str>) -> Result<(Environment, bool), Failure> {
    let production = match env {
        None | Some("test") => false,
        Some("prod" | "production") => true,
        Some(other) => {
            return Err(Failure::usage(format!(
                "unknown environment {other:?} (expected `test` or `prod`)"
            )));
        }
    };
    Ok(match base_url {
        Some(url) => {
            let mut environment =
                Environment::custom(url.trim()).map_err(qys_blocking::Error::from)?;
            if production {
                environment = environment.with_plugin_env(PluginEnv::Production);
            }
            let http = !environment.is_https();
            (environment, http)
        }
        None if production => (Environment::production(), false),
        None => (Environment::test(), false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments() {
        let (e, http) = environment(None, None).unwrap();
        assert_eq!(e.base_url(), "https://openapi.qiyuesuo.cn");
        assert!(!http);
        let (e, _) = environment(Some("prod"), None).unwrap();
        assert_eq!(e.base_url(), "https://openapi.qiyuesuo.com");
        let (e, http) = environment(Some("prod"), Some("http://127.0.0.1:9/")).unwrap();
        assert_eq!(e.base_url(), "http://127.0.0.1:9");
        assert_eq!(e.plugin_env(), PluginEnv::Production);
        assert!(http);
        assert!(environment(Some("staging"), None).is_err());
        assert!(environment(None, Some("ftp://x")).is_err());
    }

    #[test]
    fn half_pairs_and_missing_credentials_are_usage_errors() {
        let o = Overrides::default();
        let half = Profile {
            access_token: Some("t".into()),
            ..Profile::default()
        };
        let e = Settings::from_profile(half, Source::Environment, &o).unwrap_err();
        assert!(e.to_string().contains("half"), "{e}");
        let e = Settings::from_profile(Profile::default(), Source::Environment, &o).unwrap_err();
        assert!(e.to_string().contains("no credentials"), "{e}");
        let agent_only = Profile {
            agent_token: Some("a".into()),
            agent_secret: Some("s".into()),
            ..Profile::default()
        };
        let s = Settings::from_profile(agent_only, Source::Environment, &o).unwrap();
        assert!(s.signer.app().is_none());
        assert!(s.signer.agent_credentials().is_some());
    }

    #[test]
    fn profile_debug_hides_values() {
        let p = Profile {
            access_token: Some("TOKEN-XYZ".into()),
            access_secret: Some("SECRET-XYZ".into()),
            ..Profile::default()
        };
        let shown = format!("{p:?}");
        assert!(!shown.contains("XYZ"), "{shown}");
    }
}
