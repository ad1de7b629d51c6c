//! HTTPS against the sandbox serving TLS with a generated CA: the client connects only when it
//! trusts the CA and the certificate names the host it dialled; plain http needs an opt-in;
//! redirects are never followed, so signed headers never reach another host.

use qys_blocking::{Client, proto};
#[path = "support/tls_pki.rs"]
mod pki;
#[path = "support/reliability_table.rs"]
mod table;
#[macro_use]
#[path = "support/tls_sandbox.rs"]
mod tls;

tls_sandbox_tests!(test, [], []);

/// The sandbox refuses a bad TLS identity (checked once: it does not depend on the client).
#[test]
fn a_bad_tls_identity_does_not_start_the_sandbox() {
    let err = Sandbox::builder()
        .tls("not a certificate", "not a key")
        .start()
        .expect_err("bad PEM");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let ca = pki::Ca::new();
    let a = ca.leaf(&["localhost"]);
    let b = ca.leaf(&["localhost"]);
    // The builder's Debug never shows the private key, as text or as bytes.
    let builder = Sandbox::builder().tls(a.cert_pem.as_bytes(), a.key_pem.as_bytes());
    let shown = format!("{builder:?}");
    let key = a.key_pem.as_bytes();
    let as_bytes = format!("{:?}", &key[..16]);
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    assert!(!shown.contains(as_bytes.trim_end_matches(']')), "{shown}");
    let err = Sandbox::builder()
        .tls(a.cert_pem.as_bytes(), b.key_pem.as_bytes())
        .start()
        .expect_err("key of another certificate");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    // Its message never shows the key.
    assert!(!err.to_string().contains("PRIVATE KEY"), "{err}");
}
