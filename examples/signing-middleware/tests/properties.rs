//! Property tests of our signing middleware, with qys-proto's public strategies.

use proptest::prelude::*;
use qys_proto::SigningParams;
use qys_proto::properties::{self, Transport};
use qys_proto::strategies::{SigningCase, signing_case_for, tamper};
use qys_proto::verify::HeaderSet;
use signing_middleware_example::{Error, SigningMiddleware};

/// Our middleware with the case's app credentials; its clock starts at the case's time and
/// moves 1 ms per call, its nonces count up.
fn middleware(
    case: &SigningCase,
) -> SigningMiddleware<impl FnMut() -> u64, impl FnMut() -> String> {
    let app = case.app().expect("current-scheme cases have an app");
    let mut now = case.params().timestamp_ms();
    let mut count = 0u64;
    let clock = move || {
        now = now.saturating_add(1);
        now
    };
    let nonces = move || {
        count += 1;
        format!("nonce-{count}")
    };
    SigningMiddleware::new(app.token(), app.secret().expose(), clock, nonces, 4)
}

proptest! {
    /// Signed requests pass the gateway's check; changing any byte of a signed header, the
    /// timestamp or the nonce makes it fail; the same inputs sign to the same bytes.
    #[test]
    fn signing(case in signing_case_for(HeaderSet::Current), tamper in tamper()) {
        let ours = middleware(&case);
        let sign = |request: &mut http::Request<Vec<u8>>, params: &SigningParams| {
            ours.sign(request, params.timestamp_ms(), params.nonce().as_str())
        };
        properties::signed_request_verifies(&case, &sign)?;
        properties::tampering_is_rejected(&case, &sign, &tamper)?;
        properties::signing_is_deterministic(&case, &sign)?;
    }

    /// Every retry is signed anew, with a nonce the gateway has not seen.
    #[test]
    fn retries(case in signing_case_for(HeaderSet::Current), failures in 0usize..4) {
        let mut ours = middleware(&case);
        let mut send = |request, transport: &mut Transport<'_>| -> Result<_, Error> {
            ours.send(request, transport)
        };
        properties::retries_use_fresh_nonces(&case, &mut send, failures)?;
    }
}
