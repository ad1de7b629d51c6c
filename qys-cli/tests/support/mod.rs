//! Runs the `qys` binary as a process, isolated from the caller's environment and
//! configuration, against a qys-sandbox started in the test.

#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use qys_sandbox::Sandbox;

/// The sandbox's app secret: it must never appear in anything `qys` prints.
pub const SECRET: &str = qys_sandbox::DEFAULT_APP_SECRET;

/// A `qys` command with no `QYS_*` variable, no colour, and a configuration file path
/// inside `dir` (which may not exist).
pub fn qys_bare(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qys"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("QYS_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("QYS_CONFIG", dir.join("config.toml"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// A `qys` command pointed at `sandbox` by the `QYS_*` variables, as a user would.
pub fn qys(sandbox: &Sandbox, dir: &Path) -> Command {
    let mut cmd = qys_bare(dir);
    cmd.env("QYS_BASE_URL", sandbox.base_url())
        .env("QYS_ACCESS_TOKEN", qys_sandbox::DEFAULT_APP_TOKEN)
        .env("QYS_ACCESS_SECRET", SECRET)
        .env("QYS_AGENT_TOKEN", qys_sandbox::DEFAULT_AGENT_TOKEN)
        .env("QYS_AGENT_SECRET", qys_sandbox::DEFAULT_AGENT_SECRET);
    cmd
}

/// What a run gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Asserts success and returns self.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "qys failed: {}", self.stderr);
        self
    }

    /// Asserts nothing printed holds the secret.
    pub fn no_secret(self) -> Self {
        assert!(
            !self.stderr.contains(SECRET)
                && !String::from_utf8_lossy(&self.stdout).contains(SECRET),
            "the secret was printed: {self:?}"
        );
        self
    }
}

fn finish(output: Output) -> Run {
    Run {
        code: output.status.code().expect("qys exited, not killed"),
        stdout: output.stdout,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `cmd` with `args`.
pub fn run(mut cmd: Command, args: &[&str]) -> Run {
    finish(cmd.args(args).output().expect("qys runs"))
}

/// Runs `cmd` with `args`, writing `input` to its stdin.
pub fn run_with_input(mut cmd: Command, args: &[&str], input: &[u8]) -> Run {
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qys runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("stdin written");
    finish(child.wait_with_output().expect("qys ends"))
}

/// A fresh directory for one test.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("qys-cli-test")
        .tempdir()
        .expect("temporary directory")
}

/// Writes `text` to `dir/name` with the unix `mode`, and returns its path.
pub fn write_file(dir: &Path, name: &str, text: &[u8], mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("file written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}
