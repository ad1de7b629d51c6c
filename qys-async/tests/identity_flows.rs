//! Identity flows through the async client against the sandbox: company and personal
//! authentication (request, pending result, completion by the sandbox control, final result),
//! and the JS SDK forwarding calls, whose replies must be the platform's answers verbatim.

mod common;
#[macro_use]
#[path = "../../qys-blocking/tests/support/identity_flows.rs"]
mod identity_flows;

use qys_async::Download;

/// Reads a download to its end.
async fn read_all(download: &mut Download) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(chunk) = download.chunk().await.unwrap() {
        out.extend_from_slice(&chunk);
    }
    out
}

identity_flows_tests!(tokio::test, [async], [.await]);
