//! Tracing of the blocking client against the sandbox: one span per call with its fields, an
//! event per attempt, a warning per retry, and no secret anywhere (see the support module).

mod common;
#[macro_use]
#[path = "support/tracing.rs"]
mod tracing_support;

use qys_blocking::Client;

tracing_tests!(test, [], []);
