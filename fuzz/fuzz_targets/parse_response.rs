//! Any status, content type and body: judging the answer never panics, a success always
//! carries a non-empty ticket, a decode error of a success envelope keeps the whole `result`,
//! and for every typed result, encoding what was decoded decodes to the same again.
#![no_main]

use arbitrary::Arbitrary;
use http::{HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE};
use libfuzzer_sys::fuzz_target;
use qys_proto::api::catalogue::catalogue;
use qys_proto::api::miniapp::ContractSignTicketRequest;
use qys_proto::{Core, Credentials, Environment, Error};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    status: u16,
    content_type: &'a str,
    route: u16,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let core = Core::new(Environment::test(), Credentials::new("t", "s")).unwrap();
    let Ok(status) = StatusCode::from_u16(100 + input.status % 500) else {
        return;
    };
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(input.content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    match core.parse_parts::<ContractSignTicketRequest>(status, &headers, input.body) {
        Ok(ticket) => {
            assert!(!ticket.value().is_empty());
            assert!(status.is_success());
            let _ = ticket.plugin_url().with_callbacks(true).to_string();
        }
        Err(Error::Decode(d)) if d.accepted() => {
            // The whole result, as sent: valid JSON, never an excerpt.
            let text = d.result_text().expect("an accepted call keeps its result");
            assert!(serde_json::from_str::<serde_json::Value>(text).is_ok());
        }
        Err(_) => {}
    }
    let _ = core.download_error(status, &headers, input.body);

    // Any JSON as the result of any typed endpoint: re-encoding is stable.
    let routes = catalogue();
    let route = &routes[usize::from(input.route) % routes.len()];
    if let (Some(reencode), Ok(result)) = (
        route.reencode,
        serde_json::from_slice::<serde_json::Value>(input.body),
    ) && let Ok(once) = reencode(result)
    {
        let twice = reencode(once.clone()).expect("what qys wrote, qys reads");
        assert_eq!(once, twice, "{}", route.type_name);
    }
});
