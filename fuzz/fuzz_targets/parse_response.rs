//! Any status, content type and body: judging the answer never panics, and a success always
//! carries a non-empty ticket.
#![no_main]

use arbitrary::Arbitrary;
use http::{HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE};
use libfuzzer_sys::fuzz_target;
use qys_proto::api::miniapp::ContractSignTicketRequest;
use qys_proto::{Core, Credentials, Environment};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    status: u16,
    content_type: &'a str,
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
    if let Ok(ticket) = core.parse_parts::<ContractSignTicketRequest>(status, &headers, input.body)
    {
        assert!(!ticket.value().is_empty());
        assert!(status.is_success());
        let _ = ticket.plugin_url().with_callbacks(true).to_string();
    }
    let _ = core.download_error(status, &headers, input.body);
});
