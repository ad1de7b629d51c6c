//! Organization, seal and template flows end to end: the async client against a loopback
//! `qys_sandbox::Sandbox`, over real HTTP.

mod common;
#[macro_use]
#[path = "../../qys-blocking/tests/support/org_flows.rs"]
mod org_flows;

use qys_async::Client;

org_flows_tests!(tokio::test, [async], [.await]);
