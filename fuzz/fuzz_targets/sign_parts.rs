//! Any credentials, time, nonce and path: signing never panics, fails exactly when a token is
//! not a header value, and on failure leaves the request head untouched.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use qys_proto::{Credentials, Nonce, Scheme, Signer, SigningParams};

#[derive(Arbitrary, Debug)]
struct Input {
    token: String,
    secret: String,
    agent_token: Option<String>,
    timestamp_ms: u64,
    nonce: String,
    path: String,
    legacy: bool,
}

fuzz_target!(|input: Input| {
    let Ok(nonce) = Nonce::new(input.nonce) else {
        return;
    };
    let mut signer = Signer::new(Credentials::new(input.token.clone(), input.secret.clone()));
    if let Some(agent) = &input.agent_token {
        signer = signer.with_agent(Credentials::new(agent.clone(), input.secret.clone()));
    }
    if input.legacy {
        signer = signer.with_scheme(Scheme::Legacy);
    }
    let (mut parts, ()) = http::Request::get("https://h/x")
        .header("x-keep", "1")
        .body(())
        .unwrap()
        .into_parts();
    let before = format!("{:?}", parts.headers);
    match signer.sign(
        &mut parts,
        &input.path,
        &SigningParams::new(input.timestamp_ms, nonce),
    ) {
        Ok(()) => {
            assert_eq!(parts.headers["x-keep"], "1");
            assert_eq!(parts.uri, "https://h/x");
            assert!(
                !format!("{:?}", parts.headers).contains(&input.secret) || input.secret.len() < 4
            );
        }
        Err(_) => assert_eq!(before, format!("{:?}", parts.headers)),
    }
});
