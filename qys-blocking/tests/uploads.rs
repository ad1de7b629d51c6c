//! Upload sources whose length differs from the declared one fail typed, never hang, never
//! send a corrupt body.

mod common;

use std::io::{self, Cursor, Read};
use std::time::{Duration, Instant};

use qys_blocking::api::miniapp::CompanyAuthLicenseTicketRequest;
use qys_blocking::endpoint::Route;
use qys_blocking::types::User;
use qys_blocking::{BodyErrorKind, Error, OneShot, Source, UploadFile};

const PATH: &str = "/companyauth/miniappexchangewithlicense";

fn request<S>(source: S, declared: u64) -> CompanyAuthLicenseTicketRequest<S> {
    CompanyAuthLicenseTicketRequest::new(
        "青岛测试科技有限公司",
        User::mobile("13900000020"),
        UploadFile::new("营业执照.png", declared, source),
    )
}

fn body_kind(err: &Error) -> BodyErrorKind {
    match err {
        Error::Body(b) => b.kind(),
        other => panic!("expected a body error, got {other:?}"),
    }
}

#[test]
fn the_path_constant_matches() {
    assert_eq!(CompanyAuthLicenseTicketRequest::<&[u8]>::PATH, PATH);
}

#[test]
fn a_source_shorter_than_declared_is_length_mismatch() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let start = Instant::now();
    let err = client
        .upload(&mut request(Cursor::new(vec![7u8; 100]), 1000))
        .expect_err("short");
    assert_eq!(body_kind(&err), BodyErrorKind::LengthMismatch, "{err:?}");
    assert!(!err.is_retryable());
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_source_longer_than_declared_is_length_mismatch() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let err = client
        .upload(&mut request(Cursor::new(vec![7u8; 2000]), 1000))
        .expect_err("long");
    assert_eq!(body_kind(&err), BodyErrorKind::LengthMismatch, "{err:?}");
}

#[test]
fn an_empty_source_declared_non_empty_does_not_hang() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let err = client
        .upload(&mut request(OneShot(io::empty()), 10))
        .expect_err("empty");
    assert_eq!(body_kind(&err), BodyErrorKind::LengthMismatch, "{err:?}");
}

/// A reader that fails after some bytes.
struct Failing(usize);

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::other("disk on fire"));
        }
        let n = self.0.min(buf.len());
        buf[..n].fill(1);
        self.0 -= n;
        Ok(n)
    }
}

impl Source for Failing {}

#[test]
fn a_failing_source_is_read_source() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    let err = client
        .upload(&mut request(Failing(10), 100))
        .expect_err("failing");
    assert_eq!(body_kind(&err), BodyErrorKind::ReadSource, "{err:?}");
    let source = std::error::Error::source(&err).expect("the io error is kept");
    assert!(source.to_string().contains("disk on fire"));
}

#[test]
fn a_large_upload_streams_with_an_exact_length() {
    let sandbox = common::sandbox();
    let client = common::client(&sandbox);
    // 8 MiB from a reader that makes the bytes as it goes (nothing buffered whole here).
    let len: u64 = 8 * 1024 * 1024;
    let source = OneShot(io::repeat(0x42).take(len));
    let ticket = client
        .upload(&mut request(source, len))
        .expect("large upload");
    assert!(!ticket.value().is_empty());
    assert_eq!(sandbox.requests_seen(PATH), 1);
}
