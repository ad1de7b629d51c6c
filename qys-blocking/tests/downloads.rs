//! Downloads: streamed files, error envelopes, atomic `download_to_path`.

mod common;

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use qys_blocking::generic::{GenericCall, Method};
use qys_blocking::{BodyErrorKind, Client, Credentials, Error, ErrorCode, TransportErrorKind};
use qys_sandbox::Fault;

/// The contract download as a generic call (the sandbox route is made with fault injection).
fn file_download(id: &str) -> GenericCall {
    GenericCall::new(Method::GET, PATH).query("contractId", id)
}

const PATH: &str = "/v2/contract/download";

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "qys-blocking-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &PathBuf) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const ENVELOPE: &str =
    r#"{"code":3004,"message":"合同不存在","responseCode":"11011126","result":null}"#;

#[test]
fn an_envelope_on_a_download_is_an_api_error() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    sandbox.inject(PATH, Fault::Status(200, ENVELOPE.to_owned()), 1);
    let err = client.download(&file_download("1")).expect_err("envelope");
    assert_eq!(err.code(), Some(ErrorCode::ContractNotFound), "{err:?}");
    assert_eq!(err.as_api().unwrap().message(), "合同不存在");
}

#[test]
fn download_to_path_leaves_no_file_on_failure() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let dir = temp_dir("dl-fail");
    let target = dir.join("合同.pdf");
    sandbox.inject(PATH, Fault::Status(200, ENVELOPE.to_owned()), 1);
    let err = client
        .download_to_path(&file_download("1"), &target)
        .expect_err("envelope");
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert!(!target.exists());
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_auth_failure_on_a_download_is_typed() {
    let sandbox = common::sandbox();
    let client = Client::builder(sandbox.environment(), Credentials::new("nobody", "x"))
        .allow_http(true)
        .build()
        .unwrap();
    let err = client.download(&file_download("1")).expect_err("auth");
    assert_eq!(err.code(), Some(ErrorCode::InvalidToken), "{err:?}");
}

fn file_server(body: &[u8], declared: usize) -> common::RawServer {
    let len = declared.to_string();
    common::RawServer::start(vec![common::http_answer(
        "200 OK",
        &[
            ("content-type", "application/pdf"),
            ("content-length", &len),
            (
                "content-disposition",
                "attachment; filename=\"contract.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf",
            ),
        ],
        body,
    )])
}

fn pdf_bytes() -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.extend((0..200_000u32).map(|i| (i % 253) as u8));
    b
}

fn client_of(server: &common::RawServer) -> Client {
    Client::builder(server.environment(), Credentials::new("tok", "sec"))
        .allow_http(true)
        .idle_timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

#[test]
fn a_file_streams_with_its_meta() {
    let body = pdf_bytes();
    let server = file_server(&body, body.len());
    let client = client_of(&server);
    let mut download = client.download(&file_download("1")).expect("file");
    assert_eq!(download.meta().file_name(), Some("合同.pdf"));
    assert_eq!(download.meta().content_type(), Some("application/pdf"));
    assert_eq!(download.meta().content_length(), Some(body.len() as u64));
    let mut got = Vec::new();
    download.read_to_end(&mut got).expect("read");
    assert_eq!(got, body);
}

#[test]
fn download_to_writes_into_a_sink() {
    let body = pdf_bytes();
    let server = file_server(&body, body.len());
    let client = client_of(&server);
    let mut sink = Vec::new();
    let meta = client
        .download_to(&file_download("1"), &mut sink)
        .expect("file");
    assert_eq!(sink, body);
    assert_eq!(meta.file_name(), Some("合同.pdf"));
}

#[test]
fn download_to_path_renames_a_complete_file_into_place() {
    let body = pdf_bytes();
    let server = file_server(&body, body.len());
    let client = client_of(&server);
    let dir = temp_dir("dl-ok");
    let target = dir.join("合同.pdf");
    let meta = client
        .download_to_path(&file_download("1"), &target)
        .expect("file");
    assert_eq!(meta.content_length(), Some(body.len() as u64));
    assert_eq!(std::fs::read(&target).unwrap(), body);
    assert_eq!(entries(&dir), vec!["合同.pdf".to_owned()]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_truncated_file_fails_and_leaves_nothing_behind() {
    let body = pdf_bytes();
    // The head promises more bytes than the connection carries before it closes.
    let server = file_server(&body, body.len() + 1000);
    let client = client_of(&server);
    let dir = temp_dir("dl-trunc");
    let target = dir.join("合同.pdf");
    let start = Instant::now();
    let err = client
        .download_to_path(&file_download("1"), &target)
        .expect_err("truncated");
    assert!(start.elapsed() < Duration::from_secs(10));
    match &err {
        Error::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Io, "{err:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!target.exists());
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_sink_that_fails_is_write_sink() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let body = pdf_bytes();
    let server = file_server(&body, body.len());
    let client = client_of(&server);
    let err = client
        .download_to(&file_download("1"), &mut Full)
        .expect_err("sink");
    assert!(
        matches!(&err, Error::Body(b) if b.kind() == BodyErrorKind::WriteSink),
        "{err:?}"
    );
}

#[test]
fn a_stalled_file_times_out_while_streaming() {
    // Head and part of the body, then silence with the connection open.
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let mut stream = reader.into_inner();
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: 100000\r\n\r\nPK",
        );
        let _ = stream.flush();
        std::thread::sleep(Duration::from_millis(1500));
    });
    let client = Client::builder(
        qys_blocking::Environment::custom(&base).unwrap(),
        Credentials::new("tok", "sec"),
    )
    .allow_http(true)
    .idle_timeout(Duration::from_millis(300))
    .build()
    .unwrap();
    let start = Instant::now();
    let mut sink = Vec::new();
    let err = client
        .download_to(&file_download("1"), &mut sink)
        .expect_err("stalled");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    match &err {
        Error::Transport(t) => assert!(t.is_timeout(), "{err:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(sink, b"PK");
    handle.join().unwrap();
}
