//! The `identity_flows` tests of both frontends, written once (included by `#[path]` in
//! `qys-blocking/tests/identity_flows.rs` and `qys-async/tests/identity_flows.rs`): [`identity_flows_tests!`] stamps
//! them for a frontend, given its test attribute and, for the async one, the
//! `async` and `.await` tokens, so that a flow and its assertions exist once.

/// Stamps the tests: `identity_flows_tests!(test, [], [])` for the blocking client,
/// `identity_flows_tests!(tokio::test, [async], [.await])` for the async one. `common` and `read_all` (a download's bytes) must be in scope.
macro_rules! identity_flows_tests {
    ($test:meta, [$($kw:tt)*], [$($aw:tt)*]) => {
        use std::io::Cursor;

        use common::{client, sandbox};
        use qys_proto::api::auth::{
            CompanyAuthLicensePcPageRequest, CompanyAuthPcPageRequest, CompanyAuthResultRequest,
            PersonalAuthPageRequest, PersonalAuthResultRequest,
        };
        use qys_proto::api::miniapp::{CompanyAuthTicketRequest, PersonalAuthOptions};
        use qys_proto::api::uniform::UniformApiRequest;
        use qys_proto::types::{PersonalAuthMode, User};
        use qys_proto::multipart::UploadFile;
                use qys_proto::{Error, ErrorCode};
        use qys_sandbox::Fault;

        /// The JS SDK's opaque `requestData` and its MD5 (computed independently).
        const REQUEST_DATA: &str = "eyJhcGkiOiIvY29udHJhY3QvZGV0YWlsIiwiaWQiOjF9";
        const REQUEST_DATA_MD5: &str = "7ae13ede6570bfcb8e44cdb7b32a9a56";
        /// MD5 of [`file_bytes`].
        const FILE_MD5: &str = "bbf1c77538f97ceeb1e03126edaa3594";

        fn file_bytes() -> Vec<u8> {
            (0..10_000u32).map(|i| (i % 251) as u8).collect()
        }

        #[$test]
        $($kw)? fn company_auth_request_pending_then_completed() {
            let sandbox = sandbox();
            let client = client(&sandbox);
            let applicant = User::mobile("13500000001").with_name("钱七");
            let link = client
                .execute(&CompanyAuthPcPageRequest::new(
                    "沙箱认证有限公司",
                    applicant.clone(),
                ))
                $($aw)*
                .unwrap();
            let request_id = link.request_id.expect("a requestId");

            let pending = client
                .execute(&CompanyAuthResultRequest::by_request_id(&request_id))
                $($aw)*
                .unwrap();
            assert_eq!(pending.status, Some(1), "not submitted yet");

            assert!(sandbox.complete_company_auth(&request_id, true));
            let done = client
                .execute(&CompanyAuthResultRequest::by_company_name(
                    "沙箱认证有限公司",
                ))
                $($aw)*
                .unwrap();
            assert_eq!(done.status, Some(2));
            assert_eq!(done.basic_status, Some(3));

            let err = client
                .execute(&CompanyAuthTicketRequest::new(
                    "沙箱认证有限公司",
                    applicant.clone(),
                ))
                $($aw)*
                .unwrap_err();
            assert_eq!(err.code(), Some(ErrorCode::CompanyAlreadyAuthed), "{err:?}");

            // The licence variant streams the file from a source.
            let licence = file_bytes();
            let mut request = CompanyAuthLicensePcPageRequest::new(
                "沙箱执照有限公司",
                applicant,
                UploadFile::new("营业执照.png", licence.len() as u64, Cursor::new(licence)),
            );
            let link = client.upload(&mut request)$($aw)*.unwrap();
            let id = link.request_id.unwrap();
            assert!(sandbox.complete_company_auth(&id, false));
            let failed = client
                .execute(&CompanyAuthResultRequest::by_request_id(&id))
                $($aw)*
                .unwrap();
            assert_eq!(failed.status, Some(3));
        }

        #[$test]
        $($kw)? fn personal_auth_flow() {
            let sandbox = sandbox();
            let client = client(&sandbox);
            let user = User::email("zhou@example.com").with_name("周九");
            let options = PersonalAuthOptions {
                mode: Some(PersonalAuthMode::Ivs),
                ..PersonalAuthOptions::default()
            };
            let link = client
                .execute(&PersonalAuthPageRequest::new(user.clone()).with_options(options))
                $($aw)*
                .unwrap();
            let auth_id = link.auth_id.unwrap();
            assert!(link.auth_url.unwrap().contains(&auth_id));

            let pending = client
                .execute(&PersonalAuthResultRequest::by_auth_id(&auth_id))
                $($aw)*
                .unwrap();
            assert_eq!(pending.real_name, Some(false));
            assert!(sandbox.complete_personal_auth(&auth_id, true));
            let done = client
                .execute(&PersonalAuthResultRequest::by_auth_id(&auth_id))
                $($aw)*
                .unwrap();
            assert_eq!(done.real_name, Some(true));
            assert_eq!(done.mode.as_deref(), Some("IVS"));
            let by_user = client
                .execute(&PersonalAuthResultRequest::by_user(&user))
                $($aw)*
                .unwrap();
            assert_eq!(by_user.real_name, Some(true));

            let err = client
                .execute(&PersonalAuthResultRequest::by_auth_id("1"))
                $($aw)*
                .unwrap_err();
            assert_eq!(err.code(), Some(ErrorCode::InvalidAuthId), "{err:?}");
        }

        #[$test]
        $($kw)? fn forward_uniform_post_with_a_file() {
            let sandbox = sandbox();
            let client = client(&sandbox);
            let bytes = file_bytes();
            let file = UploadFile::new(
                "合同附件.pdf",
                bytes.len() as u64,
                Cursor::new(bytes.clone()),
            );
            let reply = client
                .forward_uniform(REQUEST_DATA, Some(file))
                $($aw)*
                .unwrap();
            assert_eq!(reply.status(), 200);
            assert_eq!(
                reply.headers()["content-type"],
                "application/json;charset=UTF-8"
            );
            // The reply is the platform's success envelope: the core reads it as it reads any answer.
            let result = client
                .core()
                .parse::<UniformApiRequest<&[u8]>>(reply)
                .unwrap();
            assert_eq!(result["requestDataMd5"], REQUEST_DATA_MD5);
            assert_eq!(result["requestDataLength"], REQUEST_DATA.len());
            assert_eq!(result["file"]["fileName"], "合同附件.pdf");
            assert_eq!(result["file"]["size"], bytes.len());
            assert_eq!(result["file"]["md5"], FILE_MD5);

            // Without a file.
            let reply = client
                .forward_uniform::<&'static [u8]>(REQUEST_DATA, None)
                $($aw)*
                .unwrap();
            let result = client
                .core()
                .parse::<UniformApiRequest<&[u8]>>(reply)
                .unwrap();
            assert!(result["file"].is_null(), "{result}");
            assert_eq!(sandbox.requests_seen("/uniformapi"), 2);
        }

        #[$test]
        $($kw)? fn forward_uniform_passes_error_answers_back_verbatim() {
            let sandbox = sandbox();
            let client = client(&sandbox);
            let error = r#"{"code":1005,"message":"INVALID PARAM: requestData","responseCode":"11990005","result":null}"#;
            sandbox.inject("/uniformapi", Fault::Status(400, error.to_owned()), 1);
            let reply = client
                .forward_uniform::<&'static [u8]>(REQUEST_DATA, None)
                $($aw)*
                .expect("an error answer is a reply, not an error");
            assert_eq!(reply.status(), 400);
            assert_eq!(
                reply.headers()["content-type"],
                "application/json;charset=UTF-8"
            );
            assert_eq!(&reply.body()[..], error.as_bytes());

            sandbox.inject("/uniformapi", Fault::Html(502), 1);
            let reply = client
                .forward_uniform::<&'static [u8]>(REQUEST_DATA, None)
                $($aw)*
                .unwrap();
            assert_eq!(reply.status(), 502);
            assert_eq!(reply.headers()["content-type"], "text/html");
            assert!(String::from_utf8_lossy(reply.body()).contains("502 Bad Gateway"));

            // Nothing to forward: refused before sending.
            let before = sandbox.requests_seen("/uniformapi");
            let err = client
                .forward_uniform::<&'static [u8]>("", None)
                $($aw)*
                .unwrap_err();
            assert!(matches!(err, Error::Build(_)), "{err:?}");
            assert_eq!(sandbox.requests_seen("/uniformapi"), before);
        }

        #[$test]
        $($kw)? fn forward_uniform_download_streams_the_answer_back() {
            let sandbox = sandbox();
            let client = client(&sandbox);
            let mut reply = client.forward_uniform_download(REQUEST_DATA)$($aw)*.unwrap();
            assert_eq!(reply.status(), 200);
            assert_eq!(reply.headers()["content-type"], "application/octet-stream");
            let disposition = reply.headers()["content-disposition"].to_str().unwrap();
            assert!(disposition.starts_with("attachment;"), "{disposition}");
            let expected_name = format!("沙箱下载-{}.bin", &REQUEST_DATA_MD5[..8]);
            assert_eq!(
                reply.body().meta().file_name(),
                Some(expected_name.as_str())
            );
            let body = read_all(reply.body_mut())$($aw)*;
            let mut expected: Vec<u8> = (0..=255u8).collect();
            expected.extend_from_slice(REQUEST_DATA.as_bytes());
            assert_eq!(body, expected);

            // An error envelope (with HTTP 200, as the platform answers download failures) goes back
            // as it is.
            let error = r#"{"code":1001,"message":"ERROR","responseCode":"21990001"}"#;
            sandbox.inject("/uniformapi", Fault::Status(200, error.to_owned()), 1);
            let mut reply = client.forward_uniform_download(REQUEST_DATA)$($aw)*.unwrap();
            assert_eq!(reply.status(), 200);
            assert_eq!(
                reply.headers()["content-type"],
                "application/json;charset=UTF-8"
            );
            assert!(reply.headers().get("content-disposition").is_none());
            assert_eq!(reply.body().meta().file_name(), None);
            let body = read_all(reply.body_mut())$($aw)*;
            assert_eq!(body, error.as_bytes());
        }
    };
}
