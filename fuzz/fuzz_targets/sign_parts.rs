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
    let head = || {
        http::Request::get("https://h/x")
            .header("x-keep", "1")
            .body(())
            .unwrap()
            .into_parts()
            .0
    };
    let mut parts = head();
    let before = format!("{:?}", parts.headers);
    let params = SigningParams::new(input.timestamp_ms, nonce);
    match signer.sign(&mut parts, &input.path, &params) {
        Ok(()) => {
            assert_eq!(parts.headers["x-keep"], "1");
            assert_eq!(parts.uri, "https://h/x");
            // Only the sensitive headers (tokens, signatures) depend on the secret, and Debug
            // hides them: signed with another secret, the head prints the same. (Searching the
            // output for the secret is no oracle: a short secret can equal the nonce.)
            let other = format!("{}#", input.secret);
            let mut twin = Signer::new(Credentials::new(input.token.clone(), other.clone()));
            if let Some(agent) = &input.agent_token {
                twin = twin.with_agent(Credentials::new(agent.clone(), other));
            }
            if input.legacy {
                twin = twin.with_scheme(Scheme::Legacy);
            }
            let mut twin_parts = head();
            twin.sign(&mut twin_parts, &input.path, &params)
                .expect("signing does not depend on the secret's validity");
            assert_eq!(
                format!("{:?}", parts.headers),
                format!("{:?}", twin_parts.headers)
            );
        }
        Err(_) => assert_eq!(before, format!("{:?}", parts.headers)),
    }
});
