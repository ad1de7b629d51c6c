//! Shared set-up of the integration tests: a client for a fresh sandbox.
#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qys_async::{Client, ClientBuilder};
use qys_sandbox::Sandbox;

/// A fresh sandbox (each test gets its own: fault injection and request counts are per
/// sandbox).
pub fn sandbox() -> Sandbox {
    Sandbox::start().expect("the sandbox starts")
}

/// A client builder for the sandbox: app + agent signer, http allowed, no retry delays to
/// speak of.
pub fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .timeout(Duration::from_secs(10))
}

/// A client for the sandbox with the default settings otherwise.
pub fn client(sandbox: &Sandbox) -> Client {
    builder(sandbox).build().expect("the client builds")
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A fresh empty directory under the system temporary directory.
pub fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "qys-async-{tag}-{}-{}",
        std::process::id(),
        now_ms()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Fails the test if `fut` does not finish within `secs` seconds (no hang).
pub async fn within<T>(secs: u64, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .expect("the call finished in time (no hang)")
}
