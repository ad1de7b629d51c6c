//! HTTPS against the sandbox serving TLS with a generated CA: the client connects only when it
//! trusts the CA and the certificate names the host it dialled; plain http needs an opt-in;
//! redirects are never followed, so signed headers never reach another host.

use qys_async::{Client, proto};

#[path = "../../qys-blocking/tests/support/tls_pki.rs"]
mod pki;
#[path = "../../qys-blocking/tests/support/reliability_table.rs"]
mod table;
#[macro_use]
#[path = "../../qys-blocking/tests/support/tls_sandbox.rs"]
mod tls;

tls_sandbox_tests!(tokio::test, [async], [.await]);
