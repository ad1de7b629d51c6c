//! Identity flows through the blocking client against the sandbox: company and personal
//! authentication (request, pending result, completion by the sandbox control, final result),
//! and the JS SDK forwarding calls, whose replies must be the platform's answers verbatim.

mod common;
#[macro_use]
#[path = "support/identity_flows.rs"]
mod identity_flows;

use std::io::Read;

use qys_blocking::Download;

/// Reads a download to its end.
fn read_all(download: &mut Download) -> Vec<u8> {
    let mut out = Vec::new();
    download.read_to_end(&mut out).unwrap();
    out
}

identity_flows_tests!(test, [], []);
