//! API, auth and build errors arrive typed.

mod common;

use std::time::{Duration, Instant};

use qys_blocking::api::miniapp::{CompanyAuthTicketRequest, ContractViewTicketRequest};
use qys_blocking::types::User;
use qys_blocking::{
    BuildErrorKind, Client, Credentials, Environment, Error, ErrorCode, FixedClock,
    SequentialNonce, Signer, TransportErrorKind,
};

#[test]
fn an_authenticated_company_is_company_already_authed() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let company = sandbox.fixtures().authenticated_company.clone();
    let err = client
        .execute(&CompanyAuthTicketRequest::new(
            company,
            User::mobile("13900000010"),
        ))
        .expect_err("1605");
    assert_eq!(err.code(), Some(ErrorCode::CompanyAlreadyAuthed), "{err:?}");
    assert_eq!(err.as_api().and_then(|a| a.code()), Some(1605));
    assert_eq!(sandbox.requests_seen("/companyauth/miniappexchange"), 1);
}

#[test]
fn a_wrong_secret_is_invalid_signature_with_http_443() {
    let sandbox = common::sandbox();
    let token = sandbox.credentials().token().to_owned();
    let client = Client::builder(
        sandbox.environment(),
        Credentials::new(token, "not-the-secret"),
    )
    .allow_http(true)
    .build()
    .unwrap();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(
            sandbox.fixtures().contract_id.clone(),
        ))
        .expect_err("443");
    let api = err
        .as_api()
        .unwrap_or_else(|| panic!("not an API error: {err:?}"));
    assert_eq!(api.kind(), ErrorCode::InvalidSignature);
    assert_eq!(api.http_status().as_u16(), 443);
    // The error text never carries the secret.
    assert!(!format!("{err} {err:?}").contains("not-the-secret"));
}

#[test]
fn an_unknown_token_is_invalid_token() {
    let sandbox = common::sandbox();
    let client = Client::builder(
        sandbox.environment(),
        Credentials::new("no-such-token", "s"),
    )
    .allow_http(true)
    .build()
    .unwrap();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(
            sandbox.fixtures().contract_id.clone(),
        ))
        .expect_err("442");
    assert_eq!(err.code(), Some(ErrorCode::InvalidToken), "{err:?}");
}

#[test]
fn plain_http_needs_an_explicit_opt_in() {
    let env = Environment::custom("http://127.0.0.1:9").unwrap();
    let err = Client::builder(env, Credentials::new("t", "s"))
        .build()
        .expect_err("insecure");
    match err {
        Error::Build(b) => assert_eq!(b.kind(), BuildErrorKind::InsecureUrl),
        other => panic!("expected a build error, got {other:?}"),
    }
}

#[test]
fn a_clock_far_in_the_past_is_timestamp_expired() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .clock(FixedClock(1_565_753_984_643))
        .build()
        .unwrap();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(
            sandbox.fixtures().contract_id.clone(),
        ))
        .expect_err("stale");
    assert_eq!(err.code(), Some(ErrorCode::TimestampExpired), "{err:?}");
}

#[test]
fn a_nonce_reused_by_a_second_client_is_replayed() {
    let sandbox = common::sandbox();
    let request = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());
    let first = common::builder(&sandbox)
        .nonce_source(SequentialNonce::new("replay"))
        .build()
        .unwrap();
    first.execute(&request).expect("first use of the nonce");
    let second = common::builder(&sandbox)
        .nonce_source(SequentialNonce::new("replay"))
        .build()
        .unwrap();
    let err = second.execute(&request).expect_err("replayed");
    assert_eq!(err.code(), Some(ErrorCode::NonceReplayed), "{err:?}");
}

#[test]
fn an_empty_required_field_is_refused_before_sending() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    // The core refuses an empty company name before sending: a build error, nothing sent.
    let err = client
        .execute(&CompanyAuthTicketRequest::new(
            " ",
            User::mobile("13900000011"),
        ))
        .expect_err("empty name");
    assert!(matches!(err, Error::Build(_)), "{err:?}");
    assert_eq!(sandbox.requests_seen("/companyauth/miniappexchange"), 0);
}

#[test]
fn saas_endpoints_need_agent_credentials() {
    let sandbox = common::sandbox();
    let client = Client::builder(sandbox.environment(), Signer::new(sandbox.credentials()))
        .allow_http(true)
        .build()
        .unwrap();
    let err = client
        .execute(
            &qys_blocking::api::miniapp::SaasPersonalAuthTicketRequest::new(User::mobile(
                "13900000012",
            )),
        )
        .expect_err("no agent credentials");
    assert!(matches!(err, Error::Build(_)), "{err:?}");
}

#[test]
fn a_closed_port_is_a_connect_error_retried_then_reported() {
    // Bind then drop a listener: the port is (almost surely) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = Environment::custom(&format!("http://127.0.0.1:{port}")).unwrap();
    let client = Client::builder(env, Credentials::new("t", "s"))
        .allow_http(true)
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .execute(&ContractViewTicketRequest::by_id("1".into()))
        .expect_err("refused");
    match &err {
        Error::Transport(t) => {
            assert_eq!(t.kind(), TransportErrorKind::Connect, "{err:?}");
            assert!(t.is_connect());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    // Three attempts with a backoff capped at 200 ms + 400 ms.
    assert!(start.elapsed() < Duration::from_secs(5));
}
