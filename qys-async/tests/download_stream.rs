//! Streaming downloads. The sandbox answers download failures (see `transfers.rs`) but serves
//! no binary files, so the successful, truncated and stalled bodies come from a tiny HTTP/1.1
//! peer on loopback that writes canned responses byte for byte: real sockets, real hyper on
//! the client side, nothing of the client replaced.

mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use qys_async::endpoint::{Download, Payload};
use qys_async::{BuildError, Client, Credentials, Environment, Error, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A download at whatever path the test names.
struct Get(&'static str);

impl Get {
    const METHOD: http::Method = http::Method::GET;

    const PATH: &'static str = "/download";
}

impl qys_proto::endpoint::Check for Get {}

impl Download for Get {
    fn method(&self) -> http::Method {
        Self::METHOD
    }

    fn path(&self) -> &str {
        Self::PATH
    }

    fn payload(&self) -> Result<Payload, BuildError> {
        Ok(Payload::Query(format!("case={}", self.0)))
    }
}

fn file_bytes() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect()
}

/// Serves each connection one canned answer chosen by the request's `case` query value.
async fn start_peer() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let case = head
                    .split_once("case=")
                    .map(|(_, rest)| rest.split([' ', '&']).next().unwrap_or(""))
                    .unwrap_or("")
                    .to_owned();
                let body = file_bytes();
                let answer_head = |len: usize| {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\
                         Content-Disposition: attachment; filename=\"contract.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf\r\n\
                         Content-Length: {len}\r\nConnection: close\r\n\r\n"
                    )
                };
                match case.as_str() {
                    "file" => {
                        let _ = socket.write_all(answer_head(body.len()).as_bytes()).await;
                        for piece in body.chunks(50_000) {
                            let _ = socket.write_all(piece).await;
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                    }
                    "truncated" => {
                        let _ = socket.write_all(answer_head(body.len()).as_bytes()).await;
                        let _ = socket.write_all(&body[..100_000]).await;
                        let _ = socket.shutdown().await;
                    }
                    "stall" => {
                        let _ = socket.write_all(answer_head(body.len()).as_bytes()).await;
                        let _ = socket.write_all(&body[..1000]).await;
                        tokio::time::sleep(Duration::from_secs(10)).await;
                    }
                    "pause" => {
                        let _ = socket.write_all(answer_head(body.len()).as_bytes()).await;
                        let _ = socket.write_all(&body[..1000]).await;
                        tokio::time::sleep(Duration::from_millis(1000)).await;
                        let _ = socket.write_all(&body[1000..]).await;
                    }
                    "garbage" => {
                        let _ = socket.write_all(b"SPDY/9 banana\r\n\r\n").await;
                    }
                    _ => {
                        let _ = socket
                            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                            .await;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

async fn client(idle: Duration) -> Client {
    let base = start_peer().await;
    Client::builder(
        Environment::custom(&base).unwrap(),
        Credentials::new("peer-token", "peer-secret"),
    )
    .allow_http(true)
    .idle_timeout(idle)
    .build()
    .unwrap()
}

#[tokio::test]
async fn a_download_streams_in_chunks_with_its_meta() {
    let client = client(Duration::from_secs(5)).await;
    let mut download = common::within(20, client.download(&Get("file")))
        .await
        .unwrap();
    assert_eq!(download.meta().file_name(), Some("合同.pdf"));
    assert_eq!(download.meta().content_type(), Some("application/pdf"));
    assert_eq!(download.meta().content_length(), Some(300_000));
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = common::within(20, download.chunk()).await.unwrap() {
        chunks += 1;
        received.extend_from_slice(&chunk);
    }
    assert!(chunks > 1, "the body arrived in pieces, not as one buffer");
    assert!(received == file_bytes());
    assert!(download.chunk().await.unwrap().is_none(), "stays ended");

    // As a Stream and as an AsyncRead.
    let stream = client.download(&Get("file")).await.unwrap();
    let pieces: Vec<_> = stream.collect().await;
    let joined: Vec<u8> = pieces
        .into_iter()
        .flat_map(|p| p.unwrap().to_vec())
        .collect();
    assert!(joined == file_bytes());
    let mut reader = client.download(&Get("file")).await.unwrap();
    let mut read = Vec::new();
    tokio::io::copy(&mut reader, &mut read).await.unwrap();
    assert!(read == file_bytes());
}

#[tokio::test]
async fn download_to_path_writes_the_whole_file_and_nothing_else() {
    let client = client(Duration::from_secs(5)).await;
    let dir = common::temp_dir("download-ok");
    let target = dir.join("合同.pdf");
    std::fs::write(&target, b"an older version").unwrap();
    let meta = common::within(20, client.download_to_path(&Get("file"), &target))
        .await
        .unwrap();
    assert_eq!(meta.file_name(), Some("合同.pdf"));
    assert!(std::fs::read(&target).unwrap() == file_bytes());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_truncated_download_fails_and_leaves_no_file() {
    let client = client(Duration::from_secs(5)).await;
    let dir = common::temp_dir("download-truncated");
    let target = dir.join("合同.pdf");
    let err = common::within(20, client.download_to_path(&Get("truncated"), &target))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);

    let mut sink = Vec::new();
    let err = common::within(20, client.download_to(&Get("truncated"), &mut sink))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    assert!(sink.len() <= 100_000);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_stalled_download_hits_the_idle_timeout() {
    let client = client(Duration::from_millis(300)).await;
    let dir = common::temp_dir("download-stall");
    let target = dir.join("合同.pdf");
    let started = Instant::now();
    let err = common::within(20, client.download_to_path(&Get("stall"), &target))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_non_2xx_download_without_an_envelope_is_a_status_error() {
    let client = client(Duration::from_secs(5)).await;
    let err = common::within(20, client.download(&Get("missing")))
        .await
        .unwrap_err();
    let Error::Status(s) = &err else {
        panic!("expected a status error, got {err:?}")
    };
    assert_eq!(s.status().as_u16(), 404);
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_a_protocol_error() {
    let client = client(Duration::from_secs(5)).await;
    let err = common::within(20, client.download(&Get("garbage")))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(t.kind(), TransportErrorKind::Protocol, "{err:?}");
}

#[tokio::test]
async fn the_idle_clock_runs_only_while_waiting_for_the_next_chunk() {
    let client = client(Duration::from_millis(600)).await;
    // The peer sends 1000 bytes, pauses 1000 ms, sends the rest.
    let mut download = client.download(&Get("pause")).await.unwrap();
    let first = download.chunk().await.unwrap().expect("a first chunk");
    // The caller is busy for 800 ms, longer than the idle timeout; then the wait for the
    // next chunk (about 200 ms) is within the timeout and must not count the caller's time.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let mut total = first.len();
    while let Some(chunk) = download.chunk().await.unwrap() {
        total += chunk.len();
    }
    assert_eq!(total, 300_000);
}
