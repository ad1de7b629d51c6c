//! Transport settings: TLS roots, TLS failures, proxies, retried uploads.

mod common;

use std::io::Cursor;
use std::time::Duration;

use qys_blocking::api::miniapp::{
    CompanyAuthLicenseTicketRequest, ContractViewTicketRequest, Ticket, TicketResult,
};
use qys_blocking::endpoint::{Call, Check, Upload};
use qys_blocking::multipart::FilePart;
use qys_blocking::proto::Context;
use qys_blocking::types::User;
use qys_blocking::{
    BuildError, BuildErrorKind, Client, Environment, Error, OneShot, RetryPolicy, Source,
    TransportErrorKind, UploadFile,
};
use qys_sandbox::Fault;

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn pem_of(der: &[u8]) -> Vec<u8> {
    let b64 = base64(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem.into_bytes()
}

#[test]
fn root_certificates_parse_or_fail_typed() {
    let der = webpki_root_certs::TLS_SERVER_ROOT_CERTS[0].as_ref();
    let builder = Client::builder(
        Environment::test(),
        qys_blocking::Credentials::new("t", "s"),
    )
    .add_root_certificate_pem(&pem_of(der));
    assert!(format!("{builder:?}").contains("extra_roots: 1"));
    builder.build().expect("a client with an extra root builds");

    for junk in [
        &b""[..],
        b"not a pem",
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    ] {
        let err = Client::builder(
            Environment::test(),
            qys_blocking::Credentials::new("t", "s"),
        )
        .add_root_certificate_pem(&pem_of(der))
        .add_root_certificate_pem(junk)
        .build()
        .expect_err("junk");
        assert!(
            matches!(&err, Error::Build(b) if b.kind() == BuildErrorKind::InvalidArgument),
            "{err:?}"
        );
    }
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_error() {
    let sandbox = common::sandbox();
    let port = sandbox.local_addr().port();
    let env = Environment::custom(&format!("https://127.0.0.1:{port}")).unwrap();
    let client = Client::builder(env, sandbox.signer())
        .retry_policy(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let err = client
        .execute(&ContractViewTicketRequest::by_id(
            sandbox.fixtures().contract_id.clone(),
        ))
        .expect_err("tls");
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );
}

/// A minimal HTTP CONNECT proxy on loopback: tunnels one connection, reports the CONNECT line.
fn connect_proxy() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(client);
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let target = first.split_whitespace().nth(1).unwrap_or("").to_owned();
        let mut client = reader.into_inner();
        let upstream = TcpStream::connect(&target).unwrap();
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
        let (mut c_read, mut u_write) =
            (client.try_clone().unwrap(), upstream.try_clone().unwrap());
        let up = std::thread::spawn(move || {
            let _ = std::io::copy(&mut c_read, &mut u_write);
            let _ = u_write.shutdown(std::net::Shutdown::Write);
        });
        let (mut u_read, mut c_write) = (upstream, client);
        let _ = std::io::copy(&mut u_read, &mut c_write);
        let _ = c_write.shutdown(std::net::Shutdown::Both);
        let _ = up.join();
        first.trim_end().to_owned()
    });
    (url, handle)
}

#[test]
fn a_configured_proxy_carries_the_request() {
    let sandbox = common::sandbox();
    let (proxy_url, proxy) = connect_proxy();
    let client = common::builder(&sandbox)
        .proxy(Some(proxy_url))
        .build()
        .unwrap();
    let ticket = client
        .execute(&ContractViewTicketRequest::by_id(
            sandbox.fixtures().contract_id.clone(),
        ))
        .expect("through the proxy");
    assert!(!ticket.value().is_empty());
    drop(client); // closes the pooled tunnel, so the proxy thread ends
    let connect_line = proxy.join().unwrap();
    let authority = sandbox.base_url().trim_start_matches("http://").to_owned();
    assert_eq!(connect_line, format!("CONNECT {authority} HTTP/1.1"));
    assert_eq!(
        sandbox.requests_seen("/v2/contract/miniappexchange/view"),
        1
    );
}

#[test]
fn a_bad_proxy_url_is_a_build_error_that_hides_it() {
    let builder = Client::builder(
        Environment::test(),
        qys_blocking::Credentials::new("t", "s"),
    )
    .proxy(Some("http://user:hunter2@[::1".to_owned()));
    assert!(!format!("{builder:?}").contains("hunter2"));
    let err = builder.build().expect_err("bad proxy");
    assert!(matches!(&err, Error::Build(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

/// The licence ticket declared idempotent, to watch an upload being retried.
struct RetriedLicence<S>(CompanyAuthLicenseTicketRequest<S>);

impl<S> Check for RetriedLicence<S> {
    fn check(&self) -> Result<(), BuildError> {
        self.0.check()
    }
}

impl<S> Call for RetriedLicence<S> {
    type Result = TicketResult;
    type Response = Ticket;

    fn method(&self) -> http::Method {
        self.0.method()
    }

    fn path(&self) -> &str {
        self.0.path()
    }

    fn idempotent(&self) -> bool {
        true
    }

    fn response(result: TicketResult, context: &Context) -> Ticket {
        CompanyAuthLicenseTicketRequest::<S>::response(result, context)
    }
}

impl<S> Upload for RetriedLicence<S> {
    type Source = S;

    fn fields(&self) -> Result<Vec<(String, String)>, BuildError> {
        self.0.fields()
    }

    fn files(&self) -> Vec<FilePart<'_>> {
        self.0.files()
    }

    fn sources_mut(&mut self) -> Vec<&mut S> {
        self.0.sources_mut()
    }
}

fn licence<S: Source>(source: S, len: usize) -> RetriedLicence<S> {
    RetriedLicence(CompanyAuthLicenseTicketRequest::new(
        "青岛测试科技有限公司",
        User::mobile("13900000030"),
        UploadFile::new("营业执照.png", len as u64, source),
    ))
}

#[test]
fn an_upload_is_retried_only_when_its_source_rewinds() {
    let sandbox = common::sandbox();
    let client = common::builder(&sandbox)
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let path = "/companyauth/miniappexchangewithlicense";
    let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 256) as u8).collect();

    sandbox.inject(path, Fault::Html(502), 1);
    let ticket = client
        .upload(&mut licence(Cursor::new(bytes.clone()), bytes.len()))
        .expect("rewound and retried");
    assert_eq!(sandbox.requests_seen(path), 2);
    let sent = sandbox
        .ticket(ticket.value())
        .and_then(|m| m.license)
        .expect("licence");
    assert_eq!(sent.bytes, bytes, "the retry sent the whole file again");

    sandbox.inject(path, Fault::Html(502), 1);
    let err = client
        .upload(&mut licence(OneShot(&bytes[..]), bytes.len()))
        .expect_err("a one-shot source is sent once");
    // The gateway answers 502 without reading the body: depending on timing the client sees
    // the answer or the connection closing under the upload. Either way it is not re-sent.
    assert!(
        matches!(&err, Error::Status(s) if s.status().as_u16() == 502)
            || matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Io),
        "{err:?}"
    );
    assert_eq!(sandbox.requests_seen(path), 3);
}

#[test]
fn an_upload_goes_with_the_cores_exact_content_length_never_chunked() {
    let server = common::RawServer::start(vec![common::http_answer(
        "200 OK",
        &[("content-type", "application/json")],
        br#"{"code":0,"message":"SUCCESS","result":{"ticket":"tk"}}"#,
    )]);
    let base = server.base_url.clone();
    let client = Client::builder(
        Environment::custom(&base).unwrap(),
        qys_blocking::Credentials::new("tok", "sec"),
    )
    .allow_http(true)
    .build()
    .unwrap();
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 241) as u8).collect();
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "青岛测试科技有限公司",
        User::mobile("13900000031"),
        UploadFile::new("营业执照.png", file.len() as u64, Cursor::new(file.clone())),
    );
    client.upload(&mut request).expect("upload");
    let common::Received { head, body } = server.received().remove(0);
    let lower: Vec<String> = head.iter().map(|l| l.to_ascii_lowercase()).collect();
    assert!(lower[0].starts_with("post /companyauth/miniappexchangewithlicense "));
    assert!(
        !lower.iter().any(|l| l.starts_with("transfer-encoding")),
        "{head:?}"
    );
    assert!(
        lower
            .iter()
            .any(|l| l.starts_with("content-type: multipart/form-data; boundary="))
    );
    let declared = lower
        .iter()
        .filter(|l| l.starts_with("content-length:"))
        .count();
    assert_eq!(declared, 1, "{head:?}");
    assert!(body.len() > file.len());
    assert!(
        body.windows(file.len()).any(|w| w == file.as_slice()),
        "the file is in the body"
    );
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png"));
    assert!(text.trim_end().ends_with("--"));
}
