//! A success envelope whose `result` does not fit its type loses nothing: the error says the
//! platform accepted the call, carries the whole `result` (not an excerpt), and is not retried.

use http::{HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE};
use qys_proto::api::contract::ContractDraftRequest;
use qys_proto::{Core, Credentials, EXCERPT_LIMIT, Environment, Error};
use serde_json::json;

fn parse_draft(body: &[u8]) -> Error {
    let core = Core::new(Environment::test(), Credentials::new("t", "s")).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    core.parse_parts::<ContractDraftRequest>(StatusCode::OK, &headers, body)
        .expect_err("the result does not fit a contract")
}

/// A created draft whose `signatories` is not a list, with enough documents that the result
/// is far longer than an excerpt.
fn malformed_draft() -> serde_json::Value {
    let documents: Vec<_> = (0..40)
        .map(|i| json!({"id": 3_000_000_000_000_000_000u64 + i, "title": format!("附件 {i}")}))
        .collect();
    json!({
        "id": 2591540368898105360u64,
        "bizId": "order-7",
        "subject": "租赁合同",
        "status": "DRAFT",
        "documents": documents,
        "signatories": {"unexpected": "an object where a list belongs"},
    })
}

#[test]
fn a_draft_whose_result_does_not_fit_keeps_the_whole_result_and_says_accepted() {
    let result = malformed_draft();
    let body =
        serde_json::to_vec(&json!({"code": 0, "message": "SUCCESS", "result": result})).unwrap();
    assert!(body.len() > 4 * EXCERPT_LIMIT);
    let error = parse_draft(&body);
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert!(decode.accepted());
    assert_eq!(decode.result(), Some(&result));
    // Every digit of the 64-bit IDs, as sent.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(decode.result_text().unwrap()).unwrap(),
        result
    );
    assert!(
        decode
            .result_text()
            .unwrap()
            .contains("2591540368898105360")
    );
    assert_eq!(decode.path(), "result.signatories");
    assert!(error.to_string().contains("accepted"), "{error}");
    // Not retryable: a retry would create a second contract.
    assert!(!error.is_retryable());
    // Debug shows the size of the result, not its content (it may carry secrets).
    let debug = format!("{error:?}");
    assert!(debug.contains("accepted: true"), "{debug}");
    assert!(!debug.contains("附件 39"), "{debug}");
}

#[test]
fn a_flag_of_no_known_form_is_an_error_that_keeps_the_result_not_a_silent_none() {
    let result = json!({"id": "2591540368898105360", "ordinal": "maybe"});
    let body = serde_json::to_vec(&json!({"code": 0, "result": result})).unwrap();
    let error = parse_draft(&body);
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert!(decode.accepted());
    assert_eq!(decode.result(), Some(&result));
    assert!(!error.is_retryable());
}

#[test]
fn an_error_envelope_or_a_broken_body_is_not_accepted() {
    for body in [
        &br#"{"code":1005,"message":"INVALID PARAM","result":{"id":1}}"#[..],
        br#"{"code":0,"result":{"id":"1""#,
        b"not json",
    ] {
        let error = parse_draft(body);
        if let Error::Decode(decode) = &error {
            assert!(!decode.accepted(), "{error}");
            assert!(decode.result().is_none() && decode.result_text().is_none());
        }
    }
}
