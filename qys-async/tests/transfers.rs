//! Uploads whose source lies about its length, and downloads that answer an error envelope.

mod common;

use std::io::Cursor;
use std::time::Duration;

use qys_async::api::miniapp::CompanyAuthLicenseTicketRequest;
use qys_async::endpoint::{Download, Payload};
use qys_async::{BodyErrorKind, BuildError, Error, ErrorCode, UploadFile};
use qys_sandbox::Fault;

/// A download endpoint defined by the test: the core's download traits work for any path.
struct ContractPdf {
    contract_id: String,
}

impl ContractPdf {
    const METHOD: http::Method = http::Method::GET;

    const PATH: &'static str = "/v2/contract/download";
}

impl qys_proto::endpoint::Check for ContractPdf {}

impl Download for ContractPdf {
    fn method(&self) -> http::Method {
        Self::METHOD
    }

    fn path(&self) -> &str {
        Self::PATH
    }

    fn payload(&self) -> Result<Payload, BuildError> {
        Ok(Payload::Query(format!("contractId={}", self.contract_id)))
    }
}

const NO_VIEW_PERMISSION: &str =
    r#"{"code":1110,"responseCode":"11011110","message":"NO VIEW PERMISSION","result":null}"#;

fn body_error_kind(err: &Error) -> BodyErrorKind {
    match err {
        Error::Body(b) => b.kind(),
        other => panic!("expected a body error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_upload_source_shorter_than_declared_is_a_length_mismatch() {
    let sb = common::sandbox();
    let client = common::builder(&sb)
        .idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let f = sb.fixtures();
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州短文件科技有限公司",
        f.signer.clone(),
        UploadFile::new("营业执照.png", 100_000, Cursor::new(vec![1u8; 70_000])),
    );
    let err = common::within(20, client.upload(&mut request))
        .await
        .unwrap_err();
    assert_eq!(body_error_kind(&err), BodyErrorKind::LengthMismatch);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_upload_source_longer_than_declared_is_a_length_mismatch() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州长文件科技有限公司",
        f.signer.clone(),
        UploadFile::new("营业执照.png", 10, Cursor::new(vec![1u8; 11])),
    );
    let err = common::within(20, client.upload(&mut request))
        .await
        .unwrap_err();
    assert_eq!(body_error_kind(&err), BodyErrorKind::LengthMismatch);
    // The same client goes on working.
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州长文件科技有限公司",
        f.signer.clone(),
        UploadFile::new("营业执照.png", 11, Cursor::new(vec![1u8; 11])),
    );
    client.upload(&mut request).await.expect("exact length");
}

#[tokio::test]
async fn an_upload_from_open_file_streams_the_file() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();
    let dir = common::temp_dir("read-source");
    let path = dir.join("营业执照.png");
    std::fs::write(&path, vec![3u8; 5000]).unwrap();
    let file = qys_async::open_file(&path).await.unwrap();
    assert_eq!(file.file_name(), "营业执照.png");
    assert_eq!(file.length(), 5000);
    assert_eq!(file.content_type(), "image/png");
    let mut request =
        CompanyAuthLicenseTicketRequest::new("杭州文件科技有限公司", f.signer.clone(), file);
    let ticket = client
        .upload(&mut request)
        .await
        .expect("an upload from a real file");
    let received = sb
        .ticket(ticket.value())
        .and_then(|m| m.license)
        .expect("the licence arrived");
    assert_eq!(received.file_name, "营业执照.png");
    assert!(received.bytes == vec![3u8; 5000]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(qys_async::open_file(&path).await.is_err());
}

#[tokio::test]
async fn a_download_answered_with_an_error_envelope_is_an_api_error() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    sb.inject(
        ContractPdf::PATH,
        Fault::Status(200, NO_VIEW_PERMISSION.to_owned()),
        1,
    );
    let err = common::within(
        20,
        client.download(&ContractPdf {
            contract_id: "2591540368898105360".into(),
        }),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NoViewPermission), "{err:?}");
    assert_eq!(err.as_api().unwrap().http_status().as_u16(), 200);
    assert_eq!(sb.requests_seen(ContractPdf::PATH), 1);
}

#[tokio::test]
async fn download_to_path_leaves_no_file_when_the_download_fails() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let dir = common::temp_dir("download-fail");
    let target = dir.join("合同.pdf");
    sb.inject(
        ContractPdf::PATH,
        Fault::Status(200, NO_VIEW_PERMISSION.to_owned()),
        1,
    );
    let endpoint = ContractPdf {
        contract_id: "1".into(),
    };
    let err = common::within(20, client.download_to_path(&endpoint, &target))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NoViewPermission), "{err:?}");
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "no temporary file left behind"
    );

    // An existing file at the path is left as it was.
    std::fs::write(&target, b"old").unwrap();
    sb.inject(ContractPdf::PATH, Fault::Html(502), 3);
    let err = common::within(20, client.download_to_path(&endpoint, &target))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Status(_)), "{err:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);

    // download_to writes nothing into the sink either.
    let mut sink = Vec::new();
    sb.inject(
        ContractPdf::PATH,
        Fault::Status(200, NO_VIEW_PERMISSION.to_owned()),
        1,
    );
    let err = client.download_to(&endpoint, &mut sink).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NoViewPermission));
    assert!(sink.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn downloads_are_idempotent_and_retried_after_a_gateway_error() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    sb.inject(ContractPdf::PATH, Fault::Html(503), 1);
    sb.inject(
        ContractPdf::PATH,
        Fault::Status(200, NO_VIEW_PERMISSION.to_owned()),
        1,
    );
    let err = common::within(
        20,
        client.download(&ContractPdf {
            contract_id: "1".into(),
        }),
    )
    .await
    .unwrap_err();
    // The 503 was retried; the second answer is the envelope.
    assert_eq!(err.code(), Some(ErrorCode::NoViewPermission), "{err:?}");
    assert_eq!(sb.requests_seen(ContractPdf::PATH), 2);
}

#[tokio::test]
async fn an_upload_refused_before_its_body_is_read_returns_the_refusal() {
    let sb = common::sandbox();
    let token = sb.credentials().token().to_owned();
    let client = qys_async::Client::builder(
        sb.environment(),
        qys_async::Credentials::new(token, "not-the-secret"),
    )
    .allow_http(true)
    .build()
    .unwrap();
    let f = sb.fixtures();
    let big = vec![5u8; 8 * 1024 * 1024];
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州大文件科技有限公司",
        f.signer.clone(),
        UploadFile::new("营业执照.png", big.len() as u64, Cursor::new(big)),
    );
    let err = common::within(30, client.upload(&mut request))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidSignature), "{err:?}");
}

#[tokio::test]
async fn a_stalled_upload_source_hits_the_idle_timeout() {
    let sb = common::sandbox();
    let client = common::builder(&sb)
        .idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let f = sb.fixtures();
    // A pipe whose writer sends 10 bytes and then nothing, without closing.
    let (mut writer, reader) = tokio::io::duplex(64);
    tokio::io::AsyncWriteExt::write_all(&mut writer, b"0123456789")
        .await
        .unwrap();
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州慢文件科技有限公司",
        f.signer.clone(),
        UploadFile::new("营业执照.png", 1000, qys_async::OneShot(reader)),
    );
    let started = std::time::Instant::now();
    let err = common::within(20, client.upload(&mut request))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(t.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(writer);
}
