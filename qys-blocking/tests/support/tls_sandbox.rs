//! The `tls_sandbox` tests of both frontends, written once (included by `#[path]` in
//! `qys-blocking/tests/tls_sandbox.rs` and `qys-async/tests/tls_sandbox.rs`):
//! [`tls_sandbox_tests!`] stamps them for a frontend's `Client`, given its test attribute and,
//! for the async one, the `async` and `.await` tokens.

/// Stamps the tests: `tls_sandbox_tests!(test, [], [])` for the blocking client,
/// `tls_sandbox_tests!(tokio::test, [async], [.await])` for the async one. `Client`, `pki`
/// (`support/tls_pki.rs`) and `table` (`support/reliability_table.rs`) must be in scope.
macro_rules! tls_sandbox_tests {
    ($test:meta, [$($kw:tt)*], [$($aw:tt)*]) => {
        use qys_proto::api::miniapp::ContractViewTicketRequest;
        use qys_proto::{BuildErrorKind, Environment, Error, TransportErrorKind};
        use qys_sandbox::{Fault, Sandbox};

        fn client(url: &str, sandbox: &Sandbox, ca: Option<&pki::Ca>) -> Client {
            let mut builder = Client::builder(
                Environment::custom(url).expect("an https URL"),
                sandbox.signer(),
            )
            .retry_policy(proto::retry::RetryPolicy::none());
            if let Some(ca) = ca {
                builder = builder.add_root_certificate_pem(ca.pem.as_bytes());
            }
            builder.build().expect("the client builds")
        }

        fn view(sandbox: &Sandbox) -> ContractViewTicketRequest {
            ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone())
        }

        fn assert_tls(err: &Error) {
            match err {
                Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Tls, "{err:?}"),
                other => panic!("expected a TLS error, got {other:?}"),
            }
        }

        #[$test]
        $($kw)* fn a_trusted_ca_and_the_right_name_connect() {
            let ca = pki::Ca::new();
            let sandbox = pki::https_sandbox(&ca.leaf(&["localhost"]));
            assert!(sandbox.base_url().starts_with("https://"));
            let ticket = client(&pki::url("localhost", &sandbox), &sandbox, Some(&ca))
                .execute(&view(&sandbox))
                $($aw)*
                .expect("a ticket over verified TLS");
            assert!(sandbox.ticket(ticket.value()).is_some());
            // By IP, with a certificate naming the IP.
            let by_ip = pki::https_sandbox(&ca.leaf(&["127.0.0.1"]));
            client(by_ip.base_url(), &by_ip, Some(&ca))
                .execute(&view(&by_ip))
                $($aw)*
                .expect("a ticket by IP");
        }

        #[$test]
        $($kw)* fn an_unknown_ca_is_a_tls_error_and_nothing_is_processed() {
            let ca = pki::Ca::new();
            let sandbox = pki::https_sandbox(&ca.leaf(&["localhost"]));
            let err = client(&pki::url("localhost", &sandbox), &sandbox, None)
                .execute(&view(&sandbox))
                $($aw)*
                .expect_err("untrusted");
            assert_tls(&err);
            // Another CA's PEM does not help.
            let other = pki::Ca::new();
            let err = client(&pki::url("localhost", &sandbox), &sandbox, Some(&other))
                .execute(&view(&sandbox))
                $($aw)*
                .expect_err("untrusted");
            assert_tls(&err);
            assert_eq!(
                sandbox.requests_seen(table::TICKET),
                0,
                "no request got through"
            );
        }

        #[$test]
        $($kw)* fn a_certificate_for_another_name_is_a_tls_error() {
            let ca = pki::Ca::new();
            // Issued to localhost, dialled by IP.
            let sandbox = pki::https_sandbox(&ca.leaf(&["localhost"]));
            let err = client(sandbox.base_url(), &sandbox, Some(&ca))
                .execute(&view(&sandbox))
                $($aw)*
                .expect_err("127.0.0.1 is not localhost");
            assert_tls(&err);
            // Issued to the IP, dialled by name.
            let sandbox = pki::https_sandbox(&ca.leaf(&["127.0.0.1"]));
            let err = client(&pki::url("localhost", &sandbox), &sandbox, Some(&ca))
                .execute(&view(&sandbox))
                $($aw)*
                .expect_err("localhost is not 127.0.0.1");
            assert_tls(&err);
            assert_eq!(sandbox.requests_seen(table::TICKET), 0);
        }

        #[$test]
        $($kw)* fn plain_http_is_refused_unless_allowed() {
            let sandbox = Sandbox::start().expect("the sandbox starts");
            let err = Client::builder(sandbox.environment(), sandbox.signer())
                .build()
                .expect_err("http refused");
            assert!(
                matches!(&err, Error::Build(b) if b.kind() == BuildErrorKind::InsecureUrl),
                "{err:?}"
            );
            Client::builder(sandbox.environment(), sandbox.signer())
                .allow_http(true)
                .build()
                .expect("allowed")
                .execute(&view(&sandbox))
                $($aw)*
                .expect("over plain http when allowed");
            // An https URL to a plain-http server fails the handshake.
            let err = client(
                &format!("https://127.0.0.1:{}", sandbox.local_addr().port()),
                &sandbox,
                None,
            )
            .execute(&view(&sandbox))
            $($aw)*
            .expect_err("not TLS");
            assert_tls(&err);
        }

        #[$test]
        $($kw)* fn a_redirect_to_another_host_is_not_followed() {
            let ca = pki::Ca::new();
            let sandbox = pki::https_sandbox(&ca.leaf(&["localhost"]));
            let elsewhere = table::Recorder::start();
            sandbox.inject(
                table::TICKET,
                Fault::Redirect(format!("{}{}", elsewhere.base_url, table::TICKET)),
                1,
            );
            let err = client(&pki::url("localhost", &sandbox), &sandbox, Some(&ca))
                .execute(&view(&sandbox))
                $($aw)*
                .expect_err("302");
            assert!(
                matches!(&err, Error::Status(s) if s.status().as_u16() == 302),
                "{err:?}"
            );
            // The target is given time to see a request it should never get.
            std::thread::sleep(std::time::Duration::from_millis(200));
            assert!(
                elsewhere.seen().is_empty(),
                "the redirect target received {:?}",
                elsewhere.seen()
            );
        }
    };
}
