//! The public properties (`qys_proto::properties`) catch broken signers and senders: each
//! mutant below breaks one rule and must be reported, while qys's signer and a correct
//! retrying sender pass.

use http::{Request, Response};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use qys_proto::properties::{self, SignRequest, Transport};
use qys_proto::strategies::{SigningCase, signing_case, signing_case_for, tamper};
use qys_proto::verify::HeaderSet;
use qys_proto::{Nonce, Signer, SigningParams, headers};

/// Runs `property` on 64 cases of `cases`; true when some case fails it.
fn caught<S: Strategy>(cases: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>) -> bool {
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        max_shrink_iters: 0,
        ..Config::default()
    });
    runner.run(&cases, property).is_err()
}

/// A signer built from qys's, then spoiled by `spoil`.
fn spoiled(
    case: &SigningCase,
    spoil: impl Fn(&mut Request<Vec<u8>>, &SigningParams),
) -> impl Fn(&mut Request<Vec<u8>>, &SigningParams) -> Result<(), qys_proto::BuildError> {
    let signer = case.signer();
    move |request: &mut Request<Vec<u8>>, params: &SigningParams| {
        signer.sign_request(request, params)?;
        spoil(request, params);
        Ok(())
    }
}

fn set(request: &mut Request<Vec<u8>>, name: &'static str, value: &str) {
    request
        .headers_mut()
        .insert(name, http::HeaderValue::from_str(value).unwrap());
}

#[test]
fn qys_signer_passes() {
    assert!(!caught((signing_case(), tamper()), |(case, t)| {
        let signer: Signer = case.signer();
        properties::signed_request_verifies(&case, &signer)?;
        properties::tampering_is_rejected(&case, &signer, &t)?;
        properties::signing_is_deterministic(&case, &signer)
    }));
}

#[test]
fn a_signature_without_the_nonce_is_caught() {
    assert!(caught(signing_case_for(HeaderSet::Current), |case| {
        let app = case.app().unwrap().clone();
        let legacy_hash = spoiled(&case, move |r, p| {
            let hex = qys_proto::signature(&app, p.timestamp_ms(), None).to_hex();
            set(r, headers::SIGNATURE, &hex);
        });
        properties::signed_request_verifies(&case, &legacy_hash).map(drop)
    }));
}

#[test]
fn uppercase_hex_is_caught() {
    assert!(caught(signing_case_for(HeaderSet::Current), |case| {
        let upper = spoiled(&case, |r, _| {
            let hex = r.headers()[headers::SIGNATURE]
                .to_str()
                .unwrap()
                .to_uppercase();
            set(r, headers::SIGNATURE, &hex);
        });
        properties::signed_request_verifies(&case, &upper).map(drop)
    }));
}

#[test]
fn a_timestamp_in_seconds_is_caught() {
    assert!(caught(signing_case_for(HeaderSet::Current), |case| {
        let seconds = spoiled(&case, |r, p| {
            set(
                r,
                headers::TIMESTAMP,
                &(p.timestamp_ms() / 1000).to_string(),
            );
        });
        properties::signed_request_verifies(&case, &seconds).map(drop)
    }));
}

#[test]
fn a_dropped_tenant_pair_is_caught() {
    assert!(caught(
        signing_case_for(HeaderSet::AgentForTenant),
        |case| {
            let agent_only = spoiled(&case, |r, _| {
                r.headers_mut().remove(headers::ACCESS_TOKEN);
                r.headers_mut().remove(headers::SIGNATURE);
            });
            properties::signed_request_verifies(&case, &agent_only).map(drop)
        }
    ));
}

#[test]
fn a_signer_that_touches_the_body_is_caught() {
    assert!(caught(signing_case(), |case| {
        let touchy = spoiled(&case, |r, _| r.body_mut().push(b'\n'));
        properties::signed_request_verifies(&case, &touchy).map(drop)
    }));
}

#[test]
fn nondeterminism_is_caught() {
    assert!(caught(signing_case(), |case| {
        let calls = std::cell::Cell::new(0u32);
        let drifting = spoiled(&case, move |r, _| {
            calls.set(calls.get() + 1);
            set(r, "x-request-id", &calls.get().to_string());
        });
        properties::signing_is_deterministic(&case, &drifting)
    }));
}

/// A retrying sender on qys's signer: each attempt signed with `params(attempt)`.
fn sender(
    case: &SigningCase,
    params: impl Fn(u64) -> SigningParams,
) -> impl FnMut(Request<Vec<u8>>, &mut Transport<'_>) -> Result<Response<Vec<u8>>, String> {
    let signer = case.signer();
    move |request: Request<Vec<u8>>, transport: &mut Transport<'_>| {
        for attempt in 0..4u64 {
            let mut copy = Request::new(request.body().clone());
            *copy.method_mut() = request.method().clone();
            *copy.uri_mut() = request.uri().clone();
            *copy.headers_mut() = request.headers().clone();
            signer
                .sign_request(&mut copy, &params(attempt))
                .map_err(|e| e.to_string())?;
            let answer = transport(copy);
            if answer.status() != http::StatusCode::SERVICE_UNAVAILABLE {
                return Ok(answer);
            }
        }
        Err("gave up".to_owned())
    }
}

#[test]
fn fresh_nonces_pass_and_a_reused_nonce_is_caught() {
    let fresh = |(case, failures): (SigningCase, usize)| {
        let ts = case.params().timestamp_ms();
        let mut send = sender(&case, move |i| {
            SigningParams::new(ts.saturating_add(i), Nonce::new(format!("n-{i}")).unwrap())
        });
        properties::retries_use_fresh_nonces(&case, &mut send, failures)
    };
    assert!(!caught((signing_case(), 0usize..4), fresh));

    let reused = |(case, failures): (SigningCase, usize)| {
        let params = case.params().clone();
        let mut send = sender(&case, move |_| params.clone());
        properties::retries_use_fresh_nonces(&case, &mut send, failures)
    };
    let nonce_sets = prop_oneof![
        Just(HeaderSet::Current),
        Just(HeaderSet::Agent),
        Just(HeaderSet::AgentForTenant)
    ];
    assert!(caught(
        (nonce_sets.prop_flat_map(signing_case_for), 1usize..4),
        reused
    ));

    let no_retry = |(case, failures): (SigningCase, usize)| {
        let mut once = |request: Request<Vec<u8>>, transport: &mut Transport<'_>| {
            let mut request = request;
            case.signer().sign_request(&mut request, case.params())?;
            Ok::<_, qys_proto::BuildError>(transport(request))
        };
        properties::retries_use_fresh_nonces(&case, &mut once, failures)
    };
    assert!(caught((signing_case(), 1usize..4), no_retry));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Nothing secret shows in the Debug or Display of a case, its gateway, a verified
    /// request, a tampering or a refusal: not the secrets, not a signature, not a whole token.
    #[test]
    fn debug_and_display_show_no_secret(
        case in signing_case(),
        tamper in tamper(),
        token in "TOKEN-[A-Za-z0-9]{12}",
        secret in "SECRET-[A-Za-z0-9]{12}",
    ) {
        let creds = qys_proto::Credentials::new(token.clone(), secret.clone());
        let app = case.app().map(|_| creds.clone());
        let agent = case.agent().map(|_| creds.clone());
        let case = SigningCase::new(case.header_set(), app, agent, case.params().clone(), case.request().clone()).unwrap();
        let signed = properties::sign(&case, &case.signer())?;
        let verified = case.gateway().verify_request(&signed, case.params().timestamp_ms(), false).unwrap();
        let mut tampered = signed.headers().clone();
        tamper.apply(case.header_set(), &mut tampered);
        let refusal = case.gateway().verify(&tampered, case.path(), case.params().timestamp_ms(), false).unwrap_err();
        let signature = qys_proto::signature(&creds, case.params().timestamp_ms(), case.header_set().has_nonce().then_some(case.params().nonce())).to_hex();
        let shown = format!(
            "{case:?} {:?} {verified:?} {tamper:?} {refusal:?} {refusal}",
            case.gateway()
        );
        for needle in [&secret, &signature, &token] {
            prop_assert!(!shown.contains(needle.as_str()), "shown: {}", shown);
        }
    }
}

/// qys's own call engine as a [`properties::SendWithRetries`]: each attempt takes its time and
/// nonce from the engine ([`Call::params`]), is signed by the engine's core, and the engine
/// reads the answer and decides whether to retry, as the frontends do.
fn engine_sender(
    case: &SigningCase,
) -> impl FnMut(Request<Vec<u8>>, &mut Transport<'_>) -> Result<Response<Vec<u8>>, qys_proto::Error>
{
    use qys_proto::engine::{Engine, Step};
    let core = qys_proto::Core::new(qys_proto::Environment::test(), case.signer()).unwrap();
    let clock = std::sync::Arc::new(qys_proto::FixedClock(case.params().timestamp_ms()));
    let nonces = std::sync::Arc::new(qys_proto::SequentialNonce::new("engine"));
    let engine = Engine::new(core, clock, nonces)
        .with_retry_policy(qys_proto::retry::RetryPolicy::default().with_max_attempts(5))
        .with_jitter(|| 0.0);
    move |request: Request<Vec<u8>>, transport: &mut Transport<'_>| {
        let t0 = std::time::Instant::now();
        let path = request.uri().path().to_owned();
        let mut call = engine.call(request.method().clone(), &path, true, t0);
        loop {
            let params = call.params(t0);
            let (mut head, body) = Request::new(request.body().clone()).into_parts();
            head.method = request.method().clone();
            head.uri = request.uri().clone();
            head.headers = request.headers().clone();
            engine.core().signer().sign(&mut head, &path, &params)?;
            let answer = transport(Request::from_parts(head, body));
            let mut envelope = call.envelope(answer.status(), answer.headers())?;
            envelope.push(answer.body())?;
            let outcome = call.parse::<qys_proto::api::contract::CheckHealthRequest>(
                answer.status(),
                answer.headers(),
                envelope,
            );
            match call.end(outcome, t0) {
                Step::Done(Ok(_)) => return Ok(answer),
                Step::Done(Err(e)) => return Err(e),
                Step::Retry(_) => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// qys's engine draws a fresh nonce for every retry, in every header set.
    #[test]
    fn the_engine_signs_every_retry_anew(case in signing_case(), failures in 0usize..4) {
        let mut send = engine_sender(&case);
        properties::retries_use_fresh_nonces(&case, &mut send, failures)?;
    }
}
