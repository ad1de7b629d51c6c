//! Typed errors from the sandbox: API codes, the gateway's authentication codes, build errors.

mod common;

use qys_async::api::miniapp::{CompanyAuthTicketRequest, ContractViewTicketRequest};
use qys_async::endpoint::Route;
use qys_async::{
    BuildErrorKind, Client, Credentials, Environment, Error, ErrorCode, FixedClock,
    SequentialNonce, Signer,
};

fn api_error(err: &Error) -> &qys_async::ApiError {
    err.as_api()
        .unwrap_or_else(|| panic!("expected an API error, got {err:?}"))
}

#[tokio::test]
async fn an_authenticated_company_is_company_already_authed() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();
    let request = CompanyAuthTicketRequest::new(f.authenticated_company.clone(), f.signer.clone());
    let err = client.execute(&request).await.unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.kind(), ErrorCode::CompanyAlreadyAuthed);
    assert_eq!(api.code(), Some(1605));
    assert_eq!(err.code(), Some(ErrorCode::CompanyAlreadyAuthed));
    // An API error is an answer: exactly one request, no retry.
    assert_eq!(sb.requests_seen(CompanyAuthTicketRequest::PATH), 1);
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_signature_with_http_443() {
    let sb = common::sandbox();
    let token = sb.credentials().token().to_owned();
    let client = Client::builder(
        sb.environment(),
        Credentials::new(token, "definitely-not-the-secret"),
    )
    .allow_http(true)
    .build()
    .unwrap();
    let f = sb.fixtures();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(f.contract_id.clone()))
        .await
        .unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.kind(), ErrorCode::InvalidSignature);
    assert_eq!(api.http_status().as_u16(), 443);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("definitely-not-the-secret"), "{shown}");
}

#[tokio::test]
async fn an_unknown_token_is_invalid_token() {
    let sb = common::sandbox();
    let client = Client::builder(
        sb.environment(),
        Credentials::new("no-such-token-anywhere", "secret"),
    )
    .allow_http(true)
    .build()
    .unwrap();
    let f = sb.fixtures();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(f.contract_id.clone()))
        .await
        .unwrap_err();
    assert_eq!(api_error(&err).kind(), ErrorCode::InvalidToken);
    assert_eq!(api_error(&err).http_status().as_u16(), 442);
}

#[tokio::test]
async fn saas_endpoints_without_agent_credentials_are_not_sent() {
    let sb = common::sandbox();
    let client = Client::builder(sb.environment(), Signer::new(sb.credentials()))
        .allow_http(true)
        .build()
        .unwrap();
    let f = sb.fixtures();
    let request = qys_async::api::miniapp::SaasPersonalAuthTicketRequest::new(f.signer.clone());
    let err = client.execute(&request).await.unwrap_err();
    assert!(
        matches!(&err, Error::Build(b) if b.kind() == BuildErrorKind::MissingCredentials),
        "{err:?}"
    );
    assert_eq!(
        sb.requests_seen(qys_async::api::miniapp::SaasPersonalAuthTicketRequest::PATH),
        0
    );
}

#[tokio::test]
async fn an_http_environment_needs_allow_http() {
    let sb = common::sandbox();
    let err = Client::builder(sb.environment(), sb.signer())
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Build(b) if b.kind() == BuildErrorKind::InsecureUrl),
        "{err:?}"
    );
    let err = Client::builder(
        Environment::custom("http://gateway.example.invalid").unwrap(),
        Credentials::new("t", "s"),
    )
    .allow_http(false)
    .build()
    .unwrap_err();
    assert!(matches!(&err, Error::Build(b) if b.kind() == BuildErrorKind::InsecureUrl));
}

#[tokio::test]
async fn a_clock_in_the_past_is_timestamp_expired() {
    let sb = common::sandbox();
    let client = common::builder(&sb)
        .clock(FixedClock(common::now_ms() - 60 * 60 * 1000))
        .build()
        .unwrap();
    let f = sb.fixtures();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(f.contract_id.clone()))
        .await
        .unwrap_err();
    assert_eq!(api_error(&err).kind(), ErrorCode::TimestampExpired);
}

#[tokio::test]
async fn a_nonce_reused_across_two_clients_is_nonce_replayed() {
    let sb = common::sandbox();
    let first = common::builder(&sb)
        .nonce_source(SequentialNonce::new("same-prefix"))
        .build()
        .unwrap();
    let second = common::builder(&sb)
        .nonce_source(SequentialNonce::new("same-prefix"))
        .build()
        .unwrap();
    let f = sb.fixtures();
    let request = ContractViewTicketRequest::by_id(f.contract_id.clone());
    first
        .execute(&request)
        .await
        .expect("first use of the nonce");
    let err = second.execute(&request).await.unwrap_err();
    assert_eq!(api_error(&err).kind(), ErrorCode::NonceReplayed);
    // The first client's next nonce is fresh again.
    first.execute(&request).await.expect("a fresh nonce");
}

#[tokio::test]
async fn https_to_a_plain_http_server_fails_the_tls_handshake() {
    let sb = common::sandbox();
    let https = sb.base_url().replacen("http://", "https://", 1);
    let client = Client::builder(Environment::custom(&https).unwrap(), sb.signer())
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let f = sb.fixtures();
    let err = common::within(
        20,
        client.execute(&ContractViewTicketRequest::by_id(f.contract_id.clone())),
    )
    .await
    .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), qys_async::TransportErrorKind::Tls, "{err:?}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    // Bind then drop a listener to find a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(
        Environment::custom(&format!("http://127.0.0.1:{port}")).unwrap(),
        Credentials::new("t", "s"),
    )
    .allow_http(true)
    .retry_policy(qys_async::RetryPolicy::none())
    .build()
    .unwrap();
    let err = common::within(
        20,
        client.execute(&ContractViewTicketRequest::by_id(
            qys_async::ContractId::new("1"),
        )),
    )
    .await
    .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(t.is_connect(), "{err:?}");
    assert!(err.is_retryable());
}
