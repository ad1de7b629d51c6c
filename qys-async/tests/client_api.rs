//! The client's API: `Send`, `Sync` and `Clone` where it matters, builds without a runtime,
//! shows no secret, and refuses what it must at `build()`.

use qys_async::{Client, Environment, Result, endpoint};

fn assert_send_sync<T: Send + Sync + Clone>() {}

#[test]
fn client_is_send_sync_clone_and_builds_without_a_runtime() {
    assert_send_sync::<Client>();
    let client = Client::builder(
        Environment::test(),
        qys_async::Credentials::new("tokentokentoken", "very-secret-value"),
    )
    .build()
    .expect("builds outside a runtime");
    let shown = format!("{client:?}");
    assert!(!shown.contains("very-secret-value"), "{shown}");
    assert!(!shown.contains("tokentokentoken"), "{shown}");
    let builder = Client::builder(
        Environment::test(),
        qys_async::Credentials::new("tokentokentoken", "very-secret-value"),
    );
    let shown = format!("{builder:?}");
    assert!(!shown.contains("very-secret-value"), "{shown}");
}

fn assert_send<T: Send>(_: &T) {}

struct Pdf;

impl endpoint::Check for Pdf {}

impl endpoint::Download for Pdf {
    fn method(&self) -> http::Method {
        http::Method::GET
    }

    fn path(&self) -> &str {
        "/v2/contract/download"
    }

    fn payload(&self) -> Result<endpoint::Payload, qys_async::BuildError> {
        Ok(endpoint::Payload::Empty)
    }
}

#[test]
fn every_call_future_is_send() {
    use qys_async::api::miniapp::{CompanyAuthLicenseTicketRequest, ContractViewTicketRequest};
    use qys_async::multipart::UploadFile;
    let client = Client::builder(Environment::test(), qys_async::Credentials::new("t", "s"))
        .build()
        .unwrap();
    let view = ContractViewTicketRequest::by_id(qys_async::ContractId::new("1"));
    assert_send(&client.execute(&view));
    let mut upload = CompanyAuthLicenseTicketRequest::new(
        "x",
        qys_async::types::User::mobile("1"),
        UploadFile::new("a.png", 1, std::io::Cursor::new(vec![1u8])),
    );
    assert_send(&client.upload(&mut upload));
    assert_send(&client.download(&Pdf));
    let mut sink = Vec::new();
    assert_send(&client.download_to(&Pdf, &mut sink));
    assert_send(&client.download_to_path(&Pdf, "x.pdf"));
}

#[test]
fn plain_http_is_refused_unless_allowed() {
    let env = Environment::custom("http://127.0.0.1:9").unwrap();
    let creds = qys_async::Credentials::new("t", "s");
    let err = Client::builder(env.clone(), creds.clone())
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, qys_async::Error::Build(b) if b.kind() == qys_async::BuildErrorKind::InsecureUrl),
        "{err:?}"
    );
    assert!(Client::builder(env, creds).allow_http(true).build().is_ok());
}

#[test]
fn bad_root_pem_is_a_build_error() {
    let err = Client::builder(Environment::test(), qys_async::Credentials::new("t", "s"))
        .add_root_certificate_pem(b"not a certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, qys_async::Error::Build(b) if b.kind() == qys_async::BuildErrorKind::InvalidArgument),
        "{err:?}"
    );
}
