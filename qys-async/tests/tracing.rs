//! Tracing of the async client against the sandbox: one span per call with its fields (the
//! call's future instrumented), an event per attempt, a warning per retry, and no secret
//! anywhere (see the support module).

mod common;
#[macro_use]
#[path = "../../qys-blocking/tests/support/tracing.rs"]
mod tracing_support;

use qys_async::Client;

tracing_tests!(tokio::test, [async], [.await]);
