//! Verified TLS over loopback: a test CA, a leaf certificate for `localhost` and `127.0.0.1`,
//! and a TLS peer answering one canned ticket envelope per connection. The client trusts the
//! CA only when given its PEM with `add_root_certificate_pem`.

mod common;

use std::sync::Arc;

use qys_async::api::miniapp::ContractViewTicketRequest;
use qys_async::{Client, ContractId, Credentials, Environment, Error, TransportErrorKind};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const ANSWER: &str = r#"{"code":0,"message":"SUCCESS","result":{"ticket":"tls-ticket-0001"}}"#;

/// Starts the TLS peer; returns its port and the CA's PEM.
async fn start_tls_peer() -> (u16, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca_params, &ca_key);

    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();

    let chain: Vec<CertificateDer<'static>> = vec![leaf.der().clone()];
    let key: PrivateKeyDer<'static> = leaf_key.into();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that rejects the certificate fails the handshake here.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                if tls.read_exact(&mut body).await.is_err() {
                    return;
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ANSWER}",
                    ANSWER.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, ca_cert.pem())
}

fn request() -> ContractViewTicketRequest {
    ContractViewTicketRequest::by_id(ContractId::new("2591540368898105360"))
}

#[tokio::test]
async fn a_private_ca_given_as_pem_is_trusted_for_localhost_and_ip() {
    let (port, ca_pem) = start_tls_peer().await;
    for host in ["localhost", "127.0.0.1"] {
        let client = Client::builder(
            Environment::custom(&format!("https://{host}:{port}")).unwrap(),
            Credentials::new("tls-token", "tls-secret"),
        )
        .add_root_certificate_pem(ca_pem.as_bytes())
        .build()
        .unwrap();
        let ticket = common::within(20, client.execute(&request()))
            .await
            .unwrap_or_else(|e| panic!("{host}: {e:?}"));
        assert_eq!(ticket.value(), "tls-ticket-0001");
    }
}

#[tokio::test]
async fn an_unknown_ca_fails_the_handshake_with_a_tls_error() {
    let (port, _) = start_tls_peer().await;
    let client = Client::builder(
        Environment::custom(&format!("https://localhost:{port}")).unwrap(),
        Credentials::new("tls-token", "tls-secret"),
    )
    .build()
    .unwrap();
    let err = common::within(20, client.execute(&request()))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Tls, "{err:?}");
}
