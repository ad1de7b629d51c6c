//! Downloads whose head does not say what the body is (`text/plain`): sniffed, through the
//! blocking client against the sandbox.

mod common;
#[macro_use]
#[path = "support/sniffing.rs"]
mod sniffing;

sniffing_tests!(test, [], []);
