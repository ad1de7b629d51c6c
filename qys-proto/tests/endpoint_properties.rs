//! Properties of every endpoint type, over the public strategies
//! (`qys_proto::strategies::endpoints`): each generated request builds, carries the body its
//! shape promises, and signed by qys's signer passes the public properties
//! (`qys_proto::properties`) in every header set of its realm.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use qys_proto::api::{Shape, catalogue};
use qys_proto::properties;
use qys_proto::strategies::endpoints::{EndpointRequest, every_endpoint};
use qys_proto::strategies::{self, SigningCase, signing_case_with};
use qys_proto::verify::HeaderSet;

/// Cases per endpoint type.
const CASES: u32 = 16;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    })
}

/// The body agrees with the shape: JSON parses, a query call has none, an upload's
/// Content-Length is its length.
fn body_fits(e: &EndpointRequest) -> Result<(), TestCaseError> {
    let r = &e.request;
    let content_type = r
        .headers()
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    if content_type.starts_with("application/json") {
        serde_json::from_slice::<serde_json::Value>(r.body())
            .map_err(|err| TestCaseError::fail(format!("{}: JSON body: {err}", e.endpoint)))?;
    } else if content_type.starts_with("multipart/form-data") {
        // Uploads state their exact length; a text-only form is a plain body whose length the
        // transport states.
        if let Some(length) = r.headers().get(http::header::CONTENT_LENGTH) {
            prop_assert_eq!(
                length.to_str().unwrap(),
                r.body().len().to_string(),
                "{}",
                e.endpoint
            );
        }
        let boundary = content_type.split("boundary=").nth(1).unwrap_or_default();
        let end = format!("--{boundary}--\r\n");
        prop_assert!(
            !boundary.is_empty() && r.body().ends_with(end.as_bytes()),
            "{}: an unclosed multipart body",
            e.endpoint
        );
    } else {
        prop_assert!(r.body().is_empty(), "{}: a body without a type", e.endpoint);
    }
    if let Some(query) = r.uri().query() {
        prop_assert!(!query.is_empty(), "{}: an empty query", e.endpoint);
    }
    Ok(())
}

#[test]
fn every_endpoint_type_has_a_strategy() {
    let mut runner = TestRunner::deterministic();
    let generated: BTreeSet<(String, String)> = every_endpoint()
        .iter()
        .map(|s| {
            let e = s.new_tree(&mut runner).unwrap().current();
            (e.endpoint.to_owned(), e.request.path().to_owned())
        })
        .collect();
    let catalogued: BTreeSet<(String, String)> = catalogue()
        .iter()
        .map(|info| (info.type_name.to_owned(), info.path.to_owned()))
        .collect();
    let missing: Vec<_> = catalogued.difference(&generated).collect();
    assert!(missing.is_empty(), "no strategy for {missing:?}");
    let shapes: BTreeSet<_> = catalogue()
        .iter()
        .map(|i| format!("{:?}", i.shape))
        .collect();
    for shape in [
        Shape::Json,
        Shape::Query,
        Shape::Empty,
        Shape::Form,
        Shape::Upload,
        Shape::Download,
    ] {
        assert!(shapes.contains(&format!("{shape:?}")));
    }
}

/// The request and a signing case for it in one header set of its realm.
fn signed(
    endpoint: BoxedStrategy<EndpointRequest>,
) -> impl Strategy<Value = (EndpointRequest, SigningCase)> {
    endpoint.prop_flat_map(|e| {
        let saas = e.request.path().starts_with("/saas/");
        let sets: Vec<HeaderSet> = HeaderSet::ALL
            .into_iter()
            .filter(|s| s.is_agent() == saas)
            .collect();
        let request = e.request.clone();
        let case = prop::sample::select(sets)
            .prop_flat_map(move |set| signing_case_with(set, Just(request.clone())));
        (Just(e), case)
    })
}

#[test]
fn every_endpoint_builds_and_signs_in_every_header_set_of_its_realm() {
    for endpoint in every_endpoint() {
        let cases = (signed(endpoint), strategies::tamper());
        runner()
            .run(&cases, |((e, case), tamper)| {
                body_fits(&e)?;
                let signer = case.signer();
                properties::signed_request_verifies(&case, &signer)?;
                properties::tampering_is_rejected(&case, &signer, &tamper)?;
                properties::signing_is_deterministic(&case, &signer)?;
                Ok(())
            })
            .unwrap();
    }
}
