//! Any pairs: the encoded query is a valid URI query and decodes back to the same pairs; any
//! string decodes without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qys_proto::query::{parse_query_string, to_query_string};

fuzz_target!(|pairs: Vec<(String, String)>| {
    let q = to_query_string(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let uri: http::Uri = format!("https://h/p?{q}")
        .parse()
        .expect("encoded query is a valid URI");
    assert_eq!(uri.query().unwrap_or(""), q);
    assert_eq!(parse_query_string(&q), pairs);
    for (k, _) in &pairs {
        let _ = parse_query_string(k);
    }
});
