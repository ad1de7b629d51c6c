//! Every documented error shape, from fixtures, and envelope/encoding/multipart properties.

use http::{HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE};
use proptest::prelude::*;
use qys_proto::api::miniapp::ContractSignTicketRequest;
use qys_proto::multipart::{FilePart, frame};
use qys_proto::query::{parse_query_string, to_query_string};
use qys_proto::{Core, Credentials, Environment, Error, ErrorCode};

fn parse(status: u16, content_type: &str, body: &[u8]) -> Result<String, Error> {
    let core = Core::new(Environment::test(), Credentials::new("t", "s")).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
    core.parse_parts::<ContractSignTicketRequest>(
        StatusCode::from_u16(status).unwrap(),
        &headers,
        body,
    )
    .map(|t| t.value().to_owned())
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/testdata/envelopes/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

const JSON: &str = "application/json;charset=UTF-8";

#[test]
fn gateway_auth_errors_arrive_with_the_status_equal_to_the_code() {
    for (file, status, kind, rc) in [
        (
            "441-header-required.json",
            441,
            ErrorCode::HeaderRequired,
            "11990441",
        ),
        (
            "442-invalid-token.json",
            442,
            ErrorCode::InvalidToken,
            "11990442",
        ),
    ] {
        let e = parse(status, JSON, &fixture(file)).unwrap_err();
        let api = e.as_api().unwrap_or_else(|| panic!("{file}: {e}"));
        assert_eq!(api.kind(), kind);
        assert_eq!(api.http_status().as_u16(), status);
        assert_eq!(api.code(), Some(i64::from(status)));
        assert_eq!(api.response_code(), Some(rc));
        assert!(!e.is_retryable());
    }
    let e = parse(441, JSON, &fixture("441-header-required.json")).unwrap_err();
    assert!(e.to_string().contains("x-qys-open-accesstoken"), "{e}");
}

#[test]
fn one_code_family_alone_is_enough() {
    let e = parse(200, JSON, &fixture("response-code-only.json")).unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::InvalidParam));
    assert_eq!(e.as_api().unwrap().code(), None);
    assert!(e.to_string().contains("user is required"));
    let e = parse(200, JSON, &fixture("code-only.json")).unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::InsufficientBalance));
    assert_eq!(e.as_api().unwrap().response_code(), None);
}

#[test]
fn a_gateway_html_page_is_a_status_error_with_a_bounded_excerpt() {
    let e = parse(502, "text/html", &fixture("gateway-502.html")).unwrap_err();
    let Error::Status(s) = &e else { panic!("{e}") };
    assert_eq!(s.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(s.content_type(), Some("text/html"));
    assert!(s.body_excerpt().contains("502 Bad Gateway"));
    assert!(e.is_retryable());
    let huge = format!("<html>{}</html>", "x".repeat(1 << 20));
    let Error::Status(s) = parse(503, "text/html", huge.as_bytes()).unwrap_err() else {
        panic!()
    };
    assert!(s.body_excerpt().len() <= qys_proto::EXCERPT_LIMIT + 3);
}

#[test]
fn truncated_and_misshapen_answers_are_decode_errors() {
    let e = parse(200, JSON, &fixture("truncated.json")).unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.path() == "."), "{e}");
    assert!(e.to_string().contains("truncated"), "{e}");
    let e = parse(200, JSON, &fixture("wrong-shape.json")).unwrap_err();
    assert!(
        matches!(&e, Error::Decode(d) if d.path() == "result"),
        "{e}"
    );
    assert_eq!(
        parse(200, JSON, &fixture("success.json")).unwrap(),
        "3f9a1c"
    );
    let e = parse(200, "text/html", b"<html>login</html>").unwrap_err();
    assert!(matches!(e, Error::Decode(_)));
    let e = parse(500, JSON, b"").unwrap_err();
    assert!(matches!(e, Error::Status(_)));
}

proptest! {
    /// For any code, message and ticket: the answer parses to the ticket iff the code is 0,
    /// and otherwise to an API error with the same code and message.
    #[test]
    fn envelope_round_trip(code in prop_oneof![Just(0i64), any::<i64>()], message in any::<String>(), ticket in "[!-~]{1,40}", status in prop_oneof![Just(200u16), 400u16..600]) {
        let body = serde_json::json!({"code": code, "message": message, "result": {"ticket": ticket}}).to_string();
        match parse(status, JSON, body.as_bytes()) {
            Ok(t) => { prop_assert_eq!(code, 0); prop_assert_eq!(status, 200); prop_assert_eq!(t, ticket); }
            Err(Error::Api(a)) => {
                prop_assert_ne!(code, 0);
                prop_assert_eq!(a.code(), Some(code));
                prop_assert_eq!(a.message(), message.as_str());
                prop_assert_eq!(a.http_status().as_u16(), status);
            }
            Err(Error::Status(s)) => { prop_assert_eq!(code, 0); prop_assert_ne!(status, 200); prop_assert_eq!(s.status().as_u16(), status); }
            Err(other) => prop_assert!(false, "unexpected {}", other),
        }
    }

    /// Arbitrary bytes never panic the parser.
    #[test]
    fn arbitrary_answers_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse(status, JSON, &body);
    }

    /// Any pairs survive the query encoding, and the encoded string is a valid URI query.
    #[test]
    fn query_round_trip(pairs in proptest::collection::vec((prop_oneof![Just(String::new()), any::<String>()], prop_oneof![Just(String::new()), any::<String>()]), 0..6)) {
        let q = to_query_string(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let uri: http::Uri = format!("https://h/p?{q}").parse().unwrap();
        prop_assert_eq!(uri.query().unwrap_or(""), q.as_str());
        let back = parse_query_string(&q);
        prop_assert_eq!(back, pairs);
    }

    /// The declared Content-Length equals the bytes emitted, for any fields, Unicode file names
    /// and lengths; the boundary never occurs inside the framing.
    #[test]
    fn multipart_length_is_exact(
        fields in proptest::collection::vec(("[a-zA-Z]{1,12}", any::<String>()), 0..5),
        names in proptest::collection::vec(any::<String>(), 0..3),
        lens in proptest::collection::vec(0usize..200, 3),
    ) {
        let boundary = "----qys-0123456789abcdef";
        let contents: Vec<Vec<u8>> = lens.iter().map(|&n| vec![b'x'; n]).collect();
        let parts: Vec<FilePart<'_>> = names.iter().enumerate().map(|(i, n)| FilePart { name: "files", file_name: n, content_type: "application/pdf", length: lens[i] as u64 }).collect();
        match frame(boundary, &fields, &parts) {
            Ok(m) => {
                let files: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
                let bytes = m.to_bytes(&files[..parts.len()]);
                prop_assert_eq!(bytes.len() as u64, m.content_length());
                let text = String::from_utf8_lossy(&bytes);
                prop_assert_eq!(text.matches(&format!("--{boundary}")).count(), fields.len() + parts.len() + 1);
            }
            Err(e) => {
                let clash = fields.iter().any(|(_, v)| v.contains(boundary)) || names.iter().any(|n| n.contains(boundary));
                prop_assert!(clash, "unexpected {}", e);
            }
        }
    }
}
