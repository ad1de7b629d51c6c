//! A callback (webhook) receiver built on hyper: it verifies every `POST` with qys's
//! [`CallbackVerifier`] (signature, freshness, AES decryption, typed event), prints the event,
//! and answers what the platform expects for its kind ([`Callback::reply`]); anything that
//! does not verify is answered `400` with the typed error.
//!
//! ```text
//! cargo run -p qys-async --example callback_receiver_async
//! ```
//!
//! **Without `QYS_CALLBACK_SECRET_KEY`** (a demo, then exit): it starts an embedded
//! `qys-sandbox`, reads the app's `callbackSecretKey` with `GET /company/token/get`, starts the
//! receiver, points the app's callback URL at it with encryption on
//! (`POST /company/token/update/callback`), signs the sandbox's fixture contract as its last
//! signer (`POST /v2/contract/personalsign`), prints the verified callbacks until the contract's
//! `COMPLETE` arrives, and exits (non-zero if it did not arrive within 10 seconds).
//!
//! **With `QYS_CALLBACK_SECRET_KEY`** (a standalone receiver; stop it with Ctrl-C): listens on
//! `127.0.0.1:QYS_CALLBACK_PORT` (default: a free port, printed) and verifies with:
//! - `QYS_CALLBACK_SECRET_KEY`: the app's `callbackSecretKey` (16 characters; never printed);
//! - `QYS_CALLBACK_ENCRYPT_TYPE`: `AES_ECB` (default), `AES_CBC` (with `QYS_CALLBACK_IV`, 16
//!   characters: the vendor does not document the IV, use what your app settings say) or
//!   `PLAIN` (signed callbacks whose content is in the clear: personal-signature
//!   authorization, §14.5);
//! - `QYS_CALLBACK_ALLOW_UNSIGNED=1`: also accept unsigned plain forms, which the platform
//!   sends when the app's callback encryption is off. They are not authenticated: anyone who
//!   knows the URL can forge one, so treat them as hints and re-read the state through the API.
//!
//! Limits: bodies over 64 KiB are refused (413), a request head must arrive within 10 s and
//! the body within 10 s more, at most 256 connections are served at once (more are closed
//! unanswered), only `POST` is answered (405 otherwise).

#[path = "../../qys-blocking/examples/support/receiver_env.rs"]
mod receiver_env;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use qys_async::api::app::{AppCallbackUpdateRequest, AppInfoRequest, EncryptType};
use qys_async::api::signing::PersonalSignRequest;
use qys_async::proto::callback::{
    Callback, CallbackRequest, CallbackType, CallbackVerifier, Cipher, ContractStatus,
};
use qys_async::{Client, Clock, Secret, SystemClock};
use qys_sandbox::Sandbox;
use receiver_env::{BoxError, listen_addr, var, verifier_from_env};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};

/// The largest callback body read.
pub(crate) const MAX_BODY: usize = 64 * 1024;
/// How long a request head, and then its body, may take to arrive.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections are served at once; more are closed unanswered.
pub(crate) const MAX_CONNECTIONS: usize = 256;

/// A running receiver: its address, the verified callbacks, and a way to stop it.
#[derive(Debug)]
pub(crate) struct Receiver {
    addr: SocketAddr,
    events: mpsc::UnboundedReceiver<Callback>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Listens on `addr` (port 0: a free one) and verifies every callback with `verifier`.
    ///
    /// # Errors
    /// The bind error.
    pub(crate) async fn start(
        addr: SocketAddr,
        verifier: CallbackVerifier,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, events) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::new(verifier), tx, stopped));
        Ok(Self {
            addr,
            events,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR{path}`: the callback URL to give the platform.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next verified callback, or `None` when none arrives within `timeout`.
    pub(crate) async fn next_event(&mut self, timeout: Duration) -> Option<Callback> {
        tokio::time::timeout(timeout, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// Stops listening and drops open connections.
    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

async fn serve(
    listener: TcpListener,
    verifier: Arc<CallbackVerifier>,
    events: mpsc::UnboundedSender<Callback>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let (stream, _) = tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        if connections.len() >= MAX_CONNECTIONS {
            // Over the cap: closed unanswered (the platform retries).
            drop(stream);
            continue;
        }
        let (verifier, events) = (Arc::clone(&verifier), events.clone());
        connections.spawn(async move {
            let service =
                service_fn(move |request| handle(request, Arc::clone(&verifier), events.clone()));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    connections.abort_all();
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    response
}

/// Verifies one request and answers it.
async fn handle(
    request: Request<Incoming>,
    verifier: Arc<CallbackVerifier>,
    events: mpsc::UnboundedSender<Callback>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::POST {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "callbacks are POSTed\n".to_owned(),
        );
        response
            .headers_mut()
            .insert(ALLOW, http::HeaderValue::from_static("POST"));
        return Ok(response);
    }
    let (parts, body) = request.into_parts();
    let body =
        match tokio::time::timeout(READ_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                return Ok(text(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("a callback body is at most {MAX_BODY} bytes\n"),
                ));
            }
            Ok(Err(_)) | Err(_) => {
                return Ok(text(
                    StatusCode::BAD_REQUEST,
                    "the body could not be read in time\n".to_owned(),
                ));
            }
        };
    let callback_request = CallbackRequest::from_parts(&parts, &body);
    let (outcome, response) = verifier.respond(&callback_request, SystemClock.now_millis());
    match outcome {
        Ok(callback) => {
            println!("verified callback: {callback:?}");
            let _ = events.send(callback);
        }
        Err(error) => eprintln!("rejected callback: {error}"),
    }
    Ok(response.map(|body| Full::new(Bytes::from(body))))
}

/// The demo: an embedded sandbox delivers the callbacks of a contract signed to completion to
/// a receiver on `addr`. Answers the verified callbacks, in the order they arrived, up to and
/// including the contract's completion (`contractStatus` and `callbackType` `COMPLETE`).
///
/// # Errors
/// A sandbox that does not start, a failed API call, or no `COMPLETE` callback within 10 s.
pub(crate) async fn demo(addr: SocketAddr) -> Result<Vec<Callback>, BoxError> {
    let sandbox = Sandbox::start()?;
    println!("sandbox: {}", sandbox.base_url());
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()?;

    // The key comes from the app settings, as it would from the platform.
    let info = client.execute(&AppInfoRequest::new()).await?;
    let key = info
        .callback_secret_key
        .ok_or("the app settings carry no callbackSecretKey")?;
    let verifier = CallbackVerifier::new(Secret::new(key)).with_cipher(Cipher::AesEcb);
    let mut receiver = Receiver::start(addr, verifier).await?;
    let url = receiver.url("/qys/callback?company=demo");
    println!("receiver: {url}");

    let info = client
        .execute(
            &AppCallbackUpdateRequest::new()
                .callback_url(url)
                .encrypt(true)
                .encrypt_type(EncryptType::AesEcb),
        )
        .await?;
    println!(
        "app callback settings: url={:?} encrypt={:?} encryptType={:?}",
        info.callback_url, info.encrypt, info.encrypt_type
    );

    // The fixture contract waits for its last signer; signing completes it.
    let fixtures = sandbox.fixtures().clone();
    client
        .execute(&PersonalSignRequest::new(
            fixtures.contract_id.clone(),
            fixtures.signer.clone(),
        ))
        .await?;
    println!(
        "signed contract {} as its last signer",
        fixtures.contract_id
    );

    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(event) = receiver.next_event(left).await else {
            receiver.stop().await;
            return Err("the contract's COMPLETE callback did not arrive within 10 s".into());
        };
        let complete = matches!(
            &event,
            Callback::ContractStatus(e)
                if e.contract_id == fixtures.contract_id
                    && e.status == ContractStatus::Complete
                    && e.callback_type == Some(CallbackType::Complete)
        );
        events.push(event);
        if complete {
            break;
        }
    }
    receiver.stop().await;
    Ok(events)
}

async fn run() -> Result<(), BoxError> {
    let addr = listen_addr()?;
    match var("QYS_CALLBACK_SECRET_KEY") {
        Some(key) => {
            let receiver = Receiver::start(addr, verifier_from_env(key)?).await?;
            println!(
                "listening on {} (POST callbacks to {}; Ctrl-C to stop)",
                receiver.local_addr(),
                receiver.url("/")
            );
            std::future::pending::<()>().await;
            Ok(())
        }
        None => {
            let events = demo(addr).await?;
            println!("{} verified callbacks, the last one COMPLETE", events.len());
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
