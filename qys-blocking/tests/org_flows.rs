//! Organization, seal and template flows end to end: the blocking client against a loopback
//! `qys_sandbox::Sandbox`, over real HTTP.

mod common;
#[macro_use]
#[path = "support/org_flows.rs"]
mod org_flows;

use qys_blocking::Client;

org_flows_tests!(test, [], []);
