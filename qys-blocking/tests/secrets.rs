//! Secrets never show in the blocking client: `Debug` of the client and its builder, and
//! `Debug`, `Display` and the whole `source()` chain of errors from failing calls (a wrong
//! secret answered 443, a TLS failure, a timeout), are searched for the secret and the
//! signature that was sent.

use qys_blocking::{Client, Credentials, Environment};
use qys_sandbox::Sandbox;
use secrets::{SECRET, assert_hidden};

#[path = "support/tls_pki.rs"]
mod pki;
#[macro_use]
#[path = "support/secrets.rs"]
mod secrets;

secret_clients!(Client);

#[test]
fn the_client_and_its_builder_hide_the_secret() {
    let builder = Client::builder(Environment::test(), Credentials::new("tok-0001", SECRET)).proxy(
        Some("http://user:proxy-password-77@127.0.0.1:3128".to_owned()),
    );
    assert_hidden(
        "ClientBuilder",
        &format!("{builder:?} {builder:#?}"),
        &[SECRET, "proxy-password-77"],
    );
    let client = builder.build().unwrap();
    assert_hidden("Client", &format!("{client:?} {client:#?}"), &[SECRET]);
}

#[test]
fn a_443_error_hides_the_secret_and_the_signature_sent() {
    let sandbox = Sandbox::start().unwrap();
    let now = secrets::now_ms();
    let err = wrong_secret_client(&sandbox, now)
        .execute(&secrets::ticket(&sandbox))
        .expect_err("wrong secret");
    secrets::check_443(&err, &sandbox, now);
}

#[test]
fn tls_and_timeout_errors_hide_the_secret() {
    let ca = pki::Ca::new();
    let leaf = ca.leaf(&["localhost"]);
    let https = pki::https_sandbox(&leaf);
    let err = untrusted_client(&https)
        .execute(&secrets::ticket(&https))
        .expect_err("untrusted CA");
    secrets::check_tls_error(&err);

    let sandbox = secrets::slow_sandbox();
    let err = impatient_client(&sandbox)
        .execute(&secrets::ticket(&sandbox))
        .expect_err("timeout");
    secrets::check_timeout_error(&err);
}
