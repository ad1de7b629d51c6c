//! The two independent checks of a signed request agree: qys-proto's public verifier
//! (`qys_proto::verify::Gateway`) and the sandbox's own (`qys_sandbox::gateway::check`), on
//! at least 10,000 generated requests per header set.
//!
//! Each request comes from the public strategies (`qys_proto::strategies`) and is signed by
//! qys's signer, then sometimes spoiled: a byte of a signing header changed or the header
//! removed, the timestamp re-signed as text that is not a plain number, the gateway's clock
//! moved outside the window, the nonce already seen, or the gateway knowing other
//! credentials. Both checks must give the same answer: accepted, or refused with the same
//! status (and for a missing header, the same header).
//!
//! The sandbox has no legacy mode: it requires a nonce on every request, as the current
//! gateway does. Legacy-signed requests are therefore checked against a gateway of the current
//! scheme on both sides (both must ask for `x-qys-open-nonce` or refuse earlier).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use md5::{Digest, Md5};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use qys_proto::headers;
use qys_proto::properties;
use qys_proto::strategies::{self, SigningCase, Tamper};
use qys_proto::verify::{Gateway, HeaderSet};
use qys_proto::{Credentials, Scheme};
use qys_sandbox::gateway::{GatewayKeys, check};

/// Requests generated per header set.
const CASES: u32 = 10_000;
/// The timestamp window both gateways use.
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How a signed request is spoiled before both gateways see it.
#[derive(Debug, Clone)]
enum Spoil {
    None,
    Tamper(Tamper),
    /// The timestamp header replaced by this text and every signature recomputed over it.
    TimestampText(String),
}

#[derive(Debug, Clone)]
struct Scenario {
    case: SigningCase,
    spoil: Spoil,
    /// Milliseconds between the signing time and the gateway's clock.
    clock_offset: i64,
    nonce_seen: bool,
    /// Credentials the gateway knows instead of the case's app (or agent) ones.
    other_app: Option<Credentials>,
    other_agent: Option<Credentials>,
    /// The app the gateway knows when the case has none.
    spare_app: Credentials,
}

fn timestamp_text(ts: u64) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("0{ts}")),
        Just(format!(" {ts}")),
        Just(format!("{ts} ")),
        Just(format!("+{ts}")),
        Just(format!("-{ts}")),
        Just(format!("{ts}.0")),
        Just(format!("{ts}0000000000000000000000")),
        Just("1e9".to_owned()),
        "[0-9a-z +.-]{1,24}",
    ]
}

fn scenario(header_set: HeaderSet) -> impl Strategy<Value = Scenario> {
    let window = i64::try_from(WINDOW.as_millis()).unwrap();
    (
        strategies::signing_case_for(header_set),
        strategies::tamper(),
        any::<u64>().prop_flat_map(timestamp_text),
        0u8..10,
        prop_oneof![
            6 => -window..=window,
            1 => Just(window + 1),
            1 => Just(-window - 1),
            1 => any::<i64>(),
        ],
        prop::bool::weighted(0.15),
        prop::option::weighted(0.07, strategies::credentials()),
        prop::option::weighted(0.07, strategies::credentials()),
        strategies::credentials(),
    )
        .prop_map(
            |(
                case,
                tamper,
                text,
                pick,
                clock_offset,
                nonce_seen,
                other_app,
                other_agent,
                spare_app,
            )| {
                let spoil = match pick {
                    0..=4 => Spoil::None,
                    5..=7 => Spoil::Tamper(tamper),
                    _ => Spoil::TimestampText(text),
                };
                Scenario {
                    case,
                    spoil,
                    clock_offset,
                    nonce_seen,
                    other_app,
                    other_agent,
                    spare_app,
                }
            },
        )
}

/// `md5_hex(token + secret + timestamp + nonce)` over raw text, for re-signing.
fn md5_hex(credentials: &Credentials, timestamp: &[u8], nonce: &[u8]) -> String {
    let mut md5 = Md5::new();
    md5.update(credentials.token().as_bytes());
    md5.update(credentials.secret().expose().as_bytes());
    md5.update(timestamp);
    md5.update(nonce);
    hex::encode(md5.finalize())
}

/// The signed and spoiled head.
fn headers_of(s: &Scenario) -> Result<HeaderMap, TestCaseError> {
    let signed = properties::sign(&s.case, &s.case.signer())?;
    let mut headers = signed.headers().clone();
    match &s.spoil {
        Spoil::None => {}
        Spoil::Tamper(tamper) => {
            tamper.apply(s.case.header_set(), &mut headers);
        }
        Spoil::TimestampText(text) => {
            let Ok(value) = HeaderValue::from_str(text) else {
                return Ok(headers);
            };
            let nonce = headers
                .get(headers::NONCE)
                .map(|v| v.as_bytes().to_vec())
                .unwrap_or_default();
            let pairs = [
                (s.case.app(), headers::SIGNATURE),
                (s.case.agent(), headers::AGENT_SIGNATURE),
            ];
            for (credentials, header) in pairs {
                if let (Some(c), true) = (credentials, headers.contains_key(header)) {
                    let hex = md5_hex(c, text.as_bytes(), &nonce);
                    headers.insert(header, HeaderValue::from_str(&hex).unwrap());
                }
            }
            headers.insert(headers::TIMESTAMP, value);
        }
    }
    Ok(headers)
}

/// Runs both checks on `CASES` scenarios of `header_set`; returns how many ended in each
/// outcome ("ok" or the status).
fn agree(header_set: HeaderSet) -> BTreeMap<String, u32> {
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let tally = RefCell::new(BTreeMap::new());
    runner
        .run(&scenario(header_set), |s| {
            let headers = headers_of(&s)?;
            let app = s
                .other_app
                .clone()
                .or_else(|| s.case.app().cloned())
                .unwrap_or_else(|| s.spare_app.clone());
            let agent = s
                .other_agent
                .clone()
                .or_else(|| s.case.agent().cloned())
                .unwrap_or_else(|| s.spare_app.clone());
            let ts = s.case.params().timestamp_ms();
            let now = ts.saturating_add_signed(s.clock_offset);

            let ours = Gateway::new()
                .app(app.clone())
                .agent(agent.clone())
                .scheme(Scheme::Nonce)
                .window(WINDOW)
                .verify(&headers, s.case.path(), now, s.nonce_seen);
            let keys = GatewayKeys::new(app, agent).with_window(WINDOW);
            let theirs = check(&headers, s.case.path(), &keys, now, s.nonce_seen);

            let outcome = |status: Option<u16>, missing: Option<&str>| match (status, missing) {
                (None, _) => "ok".to_owned(),
                (Some(code), Some(name)) => format!("{code} {name}"),
                (Some(code), None) => code.to_string(),
            };
            let ours_outcome = match &ours {
                Ok(_) => outcome(None, None),
                Err(r) => outcome(Some(r.status()), missing_ours(r)),
            };
            let theirs_outcome = match &theirs {
                Ok(()) => outcome(None, None),
                Err(r) => outcome(Some(r.status()), missing_theirs(r)),
            };
            prop_assert_eq!(
                &ours_outcome,
                &theirs_outcome,
                "qys-proto and the sandbox disagree on {:?} (spoil {:?}, offset {}, seen {})",
                header_set,
                s.spoil,
                s.clock_offset,
                s.nonce_seen
            );
            *tally.borrow_mut().entry(ours_outcome).or_insert(0) += 1;
            Ok(())
        })
        .unwrap();
    tally.into_inner()
}

fn missing_ours(r: &qys_proto::verify::Rejection) -> Option<&'static str> {
    match r {
        qys_proto::verify::Rejection::MissingHeader(name) => Some(name),
        _ => None,
    }
}

fn missing_theirs(r: &qys_sandbox::gateway::Rejection) -> Option<&'static str> {
    match r {
        qys_sandbox::gateway::Rejection::MissingHeader(name) => Some(name),
        _ => None,
    }
}

/// Both agree on every scenario, and the scenarios reach acceptance and every refusal.
fn agree_and_cover(header_set: HeaderSet, expected: &[&str]) {
    let tally = agree(header_set);
    let total: u32 = tally.values().sum();
    println!("{header_set:?}: {total} requests, outcomes {tally:?}");
    assert!(total >= CASES, "{header_set:?}: only {total} requests");
    for outcome in expected {
        assert!(
            tally.keys().any(|k| k.starts_with(outcome)),
            "{header_set:?}: no request ended in {outcome}: {tally:?}"
        );
    }
}

#[test]
fn current_scheme() {
    agree_and_cover(
        HeaderSet::Current,
        &["ok", "441", "442", "443", "444", "446"],
    );
}

#[test]
fn legacy_scheme_against_a_current_gateway() {
    agree_and_cover(
        HeaderSet::Legacy,
        &["441 x-qys-open-nonce", "441 x-qys-open-accesstoken"],
    );
}

#[test]
fn saas_agent() {
    agree_and_cover(HeaderSet::Agent, &["ok", "441", "442", "443", "444", "446"]);
}

#[test]
fn saas_agent_for_a_tenant() {
    agree_and_cover(
        HeaderSet::AgentForTenant,
        &["ok", "441", "442", "443", "444", "446"],
    );
}
