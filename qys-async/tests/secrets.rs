//! Secrets never show in the async client: `Debug` of the client and its builder, and
//! `Debug`, `Display` and the whole `source()` chain of errors from failing calls (a wrong
//! secret answered 443, a TLS failure, a timeout), are searched for the secret and the
//! signature that was sent.

use qys_async::{Client, Credentials, Environment};
use qys_sandbox::Sandbox;
use secrets::{SECRET, assert_hidden};

#[path = "../../qys-blocking/tests/support/tls_pki.rs"]
mod pki;
#[macro_use]
#[path = "../../qys-blocking/tests/support/secrets.rs"]
mod secrets;

secret_clients!(Client);

#[tokio::test]
async fn the_client_and_its_builder_hide_the_secret() {
    let builder = Client::builder(Environment::test(), Credentials::new("tok-0001", SECRET));
    assert_hidden(
        "ClientBuilder",
        &format!("{builder:?} {builder:#?}"),
        &[SECRET],
    );
    let client = builder.build().unwrap();
    assert_hidden("Client", &format!("{client:?} {client:#?}"), &[SECRET]);
}

#[tokio::test]
async fn a_443_error_hides_the_secret_and_the_signature_sent() {
    let sandbox = Sandbox::start().unwrap();
    let now = secrets::now_ms();
    let err = wrong_secret_client(&sandbox, now)
        .execute(&secrets::ticket(&sandbox))
        .await
        .expect_err("wrong secret");
    secrets::check_443(&err, &sandbox, now);
}

#[tokio::test]
async fn tls_and_timeout_errors_hide_the_secret() {
    let ca = pki::Ca::new();
    let leaf = ca.leaf(&["localhost"]);
    let https = pki::https_sandbox(&leaf);
    let err = untrusted_client(&https)
        .execute(&secrets::ticket(&https))
        .await
        .expect_err("untrusted CA");
    secrets::check_tls_error(&err);

    let sandbox = secrets::slow_sandbox();
    let err = impatient_client(&sandbox)
        .execute(&secrets::ticket(&sandbox))
        .await
        .expect_err("timeout");
    secrets::check_timeout_error(&err);
}
