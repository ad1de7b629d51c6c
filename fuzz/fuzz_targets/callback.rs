//! Any callback request (query, body, content type): verification returns an event or a typed
//! error and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qys_proto::callback::fuzzing::fuzz_callback(data);
});
