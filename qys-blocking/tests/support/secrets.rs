//! The shared part of the `secrets` tests of both frontends (included by `#[path]` in
//! `qys-blocking/tests/secrets.rs` and `qys-async/tests/secrets.rs`): the secret, what a
//! caller could print about an error, the sandboxes and clients of each case, and the checks.
//! Each test only makes the client calls.
#![allow(dead_code, unreachable_pub)]

use std::error::Error as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qys_proto::api::miniapp::ContractViewTicketRequest;
use qys_proto::{Credentials, Error, ErrorCode, Nonce, TransportErrorKind, signature};
use qys_sandbox::{Fault, Sandbox};

pub const SECRET: &str = "WRONGSECRET-u3Kd9Xp2Qm7v";
pub const NONCE_PREFIX: &str = "secrets-test";

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Everything a caller could print about an error.
pub fn shown(err: &Error) -> String {
    let mut out = format!("{err:?}\n{err:#?}\n{err}");
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(&format!("\n{s}\n{s:?}"));
        source = s.source();
    }
    out
}

pub fn assert_hidden(what: &str, text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(!text.contains(needle), "{what} shows {needle:?}:\n{text}");
    }
}

/// The app token with the wrong secret.
pub fn wrong_credentials(token: &str) -> Credentials {
    Credentials::new(token, SECRET)
}

/// The call every case makes.
pub fn ticket(sandbox: &Sandbox) -> ContractViewTicketRequest {
    ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone())
}

/// The call was answered 443 and the error shows neither secret nor either signature.
pub fn check_443(err: &Error, sandbox: &Sandbox, now: u64) {
    assert_eq!(err.code(), Some(ErrorCode::InvalidSignature), "{err:?}");
    let nonce =
        Nonce::new(sandbox.nonces_seen("/v2/contract/miniappexchange/view")[0].clone()).unwrap();
    assert!(nonce.as_str().starts_with(NONCE_PREFIX));
    let credentials = wrong_credentials(sandbox.credentials().token());
    let sent = signature(&credentials, now, Some(&nonce)).to_hex();
    let right = signature(&sandbox.credentials(), now, Some(&nonce)).to_hex();
    assert_hidden(
        "443 error",
        &shown(err),
        &[SECRET, qys_sandbox::DEFAULT_APP_SECRET, &sent, &right],
    );
}

/// The call failed its TLS handshake and the error shows no secret or key.
pub fn check_tls_error(err: &Error) {
    assert!(
        matches!(err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );
    assert_hidden("TLS error", &shown(err), &[SECRET, "PRIVATE KEY"]);
}

/// A sandbox whose ticket call answers 3 s late, once.
pub fn slow_sandbox() -> Sandbox {
    let sandbox = Sandbox::start().unwrap();
    sandbox.inject(
        "/v2/contract/miniappexchange/view",
        Fault::Delay(Duration::from_secs(3)),
        1,
    );
    sandbox
}

/// The call timed out and the error shows no secret.
pub fn check_timeout_error(err: &Error) {
    assert!(
        matches!(err, Error::Transport(t) if t.is_timeout()),
        "{err:?}"
    );
    assert_hidden("timeout error", &shown(err), &[SECRET]);
}

/// Stamps the clients of the cases for a frontend's `Client` (both frontends' builders are
/// the same): `wrong_secret_client`, `untrusted_client`, `impatient_client`.
macro_rules! secret_clients {
    ($client:ident) => {
        /// A client of `sandbox` with the wrong secret, a fixed clock and sequential nonces.
        fn wrong_secret_client(sandbox: &Sandbox, now: u64) -> $client {
            $client::builder(
                sandbox.environment(),
                secrets::wrong_credentials(sandbox.credentials().token()),
            )
            .allow_http(true)
            .clock(qys_proto::FixedClock(now))
            .nonce_source(qys_proto::SequentialNonce::new(secrets::NONCE_PREFIX))
            .build()
            .unwrap()
        }

        /// A client of the HTTPS sandbox `https` that does not trust its CA.
        fn untrusted_client(https: &Sandbox) -> $client {
            $client::builder(
                qys_proto::Environment::custom(&pki::url("localhost", https)).unwrap(),
                secrets::wrong_credentials("tok-0001"),
            )
            .build()
            .unwrap()
        }

        /// A client of `sandbox` with a 300 ms timeout.
        fn impatient_client(sandbox: &Sandbox) -> $client {
            $client::builder(
                sandbox.environment(),
                secrets::wrong_credentials(sandbox.credentials().token()),
            )
            .allow_http(true)
            .timeout(std::time::Duration::from_millis(300))
            .build()
            .unwrap()
        }
    };
}
