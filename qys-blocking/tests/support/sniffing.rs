//! The download sniffing tests of both frontends, written once (included by `#[path]` in
//! `qys-blocking/tests/sniffing.rs` and `qys-async/tests/sniffing.rs`): a download whose head
//! does not say what the body is (`text/plain`) is the error envelope's typed error when the
//! body is one, and otherwise the file, whole, the bytes read to decide included.

/// Stamps the tests: `sniffing_tests!(test, [], [])` for the blocking client,
/// `sniffing_tests!(tokio::test, [async], [.await])` for the async one. `common` must be in
/// scope.
macro_rules! sniffing_tests {
    ($test:meta, [$($kw:tt)*], [$($aw:tt)*]) => {
        use qys_proto::generic::{GenericCall, Method};
        use qys_proto::{ErrorCode, Limits};
        use qys_sandbox::{Fault, Sandbox};

        const PATH: &str = "/v2/contract/download";

        /// The download route the faults are injected on, as a generic call.
        fn file_download() -> GenericCall {
            GenericCall::new(Method::GET, PATH).query("contractId", "1")
        }

        /// A sandbox answering the download once with `body` labelled `text/plain`.
        fn text_plain(body: &[u8]) -> Sandbox {
            let sandbox = common::sandbox();
            let body = String::from_utf8(body.to_vec()).unwrap();
            sandbox.inject(PATH, Fault::Status(200, body).with_content_type("text/plain"), 1);
            sandbox
        }

        #[$test]
        $($kw)* fn an_error_envelope_labelled_text_plain_is_the_api_error() {
            let sandbox = text_plain(
                r#"  {"code":3004,"message":"合同不存在","responseCode":"11011126","result":null}"#
                    .as_bytes(),
            );
            let mut sink = Vec::new();
            let err = common::client(&sandbox)
                .download_to(&file_download(), &mut sink)
                $($aw)*
                .expect_err("an error envelope");
            assert_eq!(err.code(), Some(ErrorCode::ContractNotFound), "{err:?}");
            assert!(sink.is_empty(), "nothing was written");
            assert_eq!(sandbox.requests_seen(PATH), 1, "an API error is not retried");
        }

        #[$test]
        $($kw)* fn a_text_file_is_the_file_whole() {
            let text = "第一行: a text file\nsecond line\n".repeat(2000);
            let sandbox = text_plain(text.as_bytes());
            let mut sink = Vec::new();
            let meta = common::client(&sandbox)
                .download_to(&file_download(), &mut sink)
                $($aw)*
                .expect("a text file");
            assert_eq!(sink, text.as_bytes());
            assert_eq!(meta.content_type(), Some("text/plain"));
        }

        #[$test]
        $($kw)* fn json_that_is_no_error_envelope_is_the_file_whole() {
            for body in [
                &br#"{"rows":[1,2,3],"note":"a JSON document"}"#[..],
                br#"{"code":0,"message":"SUCCESS","result":{}}"#,
                br#"{"code":3004"#,
            ] {
                let sandbox = text_plain(body);
                let mut sink = Vec::new();
                common::client(&sandbox)
                    .download_to(&file_download(), &mut sink)
                    $($aw)*
                    .expect("a JSON file");
                assert_eq!(sink, body);
            }
        }

        #[$test]
        $($kw)* fn a_brace_file_longer_than_the_json_limit_is_the_file_whole() {
            // Longer than the limit: read no further than the limit, then streamed whole.
            let body = format!(r#"{{"code":3004,"pad":"{}"}}"#, "x".repeat(10_000));
            let sandbox = text_plain(body.as_bytes());
            let client = common::builder(&sandbox)
                .limits(Limits { max_json_body: 1024 })
                .build()
                .unwrap();
            let mut sink = Vec::new();
            client
                .download_to(&file_download(), &mut sink)
                $($aw)*
                .expect("too long to be an envelope");
            assert_eq!(sink, body.as_bytes());
        }
    };
}
