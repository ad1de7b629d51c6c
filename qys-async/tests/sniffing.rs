//! Downloads whose head does not say what the body is (`text/plain`): sniffed, through the
//! async client against the sandbox.

mod common;
#[macro_use]
#[path = "../../qys-blocking/tests/support/sniffing.rs"]
mod sniffing;

sniffing_tests!(tokio::test, [async], [.await]);
