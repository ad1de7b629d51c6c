//! Ready properties for your own signer or signing middleware (feature `proptest`).
//!
//! Each check takes a [`SigningCase`] from [`crate::strategies`] and the code under test, and
//! returns `Err(TestCaseError)` on a violation, so it composes with `?` inside `proptest!`:
//!
//! - [`signed_request_verifies`]: the signed request carries exactly the case's headers,
//!   nothing else changed, and the gateway ([`crate::verify::Gateway`]) accepts it;
//! - [`tampering_is_rejected`]: changing any byte of a signed header (token, signature,
//!   timestamp, nonce) or removing one makes the gateway refuse it;
//! - [`signing_is_deterministic`]: the same inputs sign to the same bytes;
//! - [`retries_use_fresh_nonces`]: every attempt of a retried call is signed anew, with a nonce
//!   the gateway has not seen.
//!
//! The code under test is a [`SignRequest`] (anything that signs an `http::Request` with a
//! given time and nonce, closures included) or, for retries, a [`SendWithRetries`] (anything
//! that sends a request through a transport it is handed, retrying). qys's [`Signer`] is a
//! [`SignRequest`].
//!
//! Failure messages name headers, never their values: a signature or a token does not end up
//! in a test log.

use std::collections::HashSet;
use std::fmt;

use http::{HeaderMap, Request, Response, StatusCode};
use proptest::test_runner::TestCaseError;

use crate::error::BuildError;
use crate::sign::{Signer, SigningParams, headers};
use crate::strategies::{SigningCase, Tamper, UnsignedRequest};
use crate::verify::{Rejection, Verified};

/// Every header a signer may set.
const SIGNING_HEADERS: [&str; 6] = [
    headers::ACCESS_TOKEN,
    headers::TIMESTAMP,
    headers::NONCE,
    headers::SIGNATURE,
    headers::AGENT_ACCESS_TOKEN,
    headers::AGENT_SIGNATURE,
];

/// Code that signs a request with the credentials it was built with, at the time and with
/// the nonce it is given.
///
/// Implemented by qys's [`Signer`] and by every
/// `Fn(&mut http::Request<Vec<u8>>, &SigningParams) -> Result<(), E>`.
pub trait SignRequest {
    /// Why signing failed.
    type Error: fmt::Debug;

    /// Sets the signing headers of `request`.
    ///
    /// # Errors
    /// When the request cannot be signed.
    fn sign_request(
        &self,
        request: &mut Request<Vec<u8>>,
        params: &SigningParams,
    ) -> Result<(), Self::Error>;
}

impl SignRequest for Signer {
    type Error = BuildError;

    fn sign_request(
        &self,
        request: &mut Request<Vec<u8>>,
        params: &SigningParams,
    ) -> Result<(), BuildError> {
        let path = request.uri().path().to_owned();
        let (mut head, body) = std::mem::take(request).into_parts();
        let signed = self.sign(&mut head, &path, params);
        *request = Request::from_parts(head, body);
        signed
    }
}

impl<F, E> SignRequest for F
where
    F: Fn(&mut Request<Vec<u8>>, &SigningParams) -> Result<(), E>,
    E: fmt::Debug,
{
    type Error = E;

    fn sign_request(
        &self,
        request: &mut Request<Vec<u8>>,
        params: &SigningParams,
    ) -> Result<(), E> {
        self(request, params)
    }
}

/// The transport a [`SendWithRetries`] is handed: one call per attempt.
pub type Transport<'a> = dyn FnMut(Request<Vec<u8>>) -> Response<Vec<u8>> + 'a;

/// Code that sends a request, signing each attempt itself (its own clock and nonce source)
/// and retrying answers it considers transient, through the transport it is handed.
///
/// Implemented by every
/// `FnMut(http::Request<Vec<u8>>, &mut Transport) -> Result<http::Response<Vec<u8>>, E>`.
pub trait SendWithRetries {
    /// Why the call failed.
    type Error: fmt::Debug;

    /// Sends `request` (unsigned) through `transport`, one transport call per attempt.
    ///
    /// # Errors
    /// When the call fails.
    fn send(
        &mut self,
        request: Request<Vec<u8>>,
        transport: &mut Transport<'_>,
    ) -> Result<Response<Vec<u8>>, Self::Error>;
}

impl<F, E> SendWithRetries for F
where
    F: FnMut(Request<Vec<u8>>, &mut Transport<'_>) -> Result<Response<Vec<u8>>, E>,
    E: fmt::Debug,
{
    type Error = E;

    fn send(
        &mut self,
        request: Request<Vec<u8>>,
        transport: &mut Transport<'_>,
    ) -> Result<Response<Vec<u8>>, E> {
        self(request, transport)
    }
}

/// Signs the case's request with `signer` and the case's time and nonce.
///
/// # Errors
/// When the signer fails.
pub fn sign<S: SignRequest + ?Sized>(
    case: &SigningCase,
    signer: &S,
) -> Result<Request<Vec<u8>>, TestCaseError> {
    let mut request = case.request().to_http();
    signer
        .sign_request(&mut request, case.params())
        .map_err(|e| TestCaseError::fail(format!("signing failed: {e:?}")))?;
    Ok(request)
}

/// The signed request carries exactly the signing headers of the case's header set, one value
/// each, with the case's timestamp and nonce; its method, URI and body are the unsigned
/// request's and so are the unsigned request's headers (others may be added); and the case's gateway accepts it at the signing time with an unseen nonce.
///
/// # Errors
/// A [`TestCaseError`] naming what is wrong.
pub fn signed_request_verifies<S: SignRequest + ?Sized>(
    case: &SigningCase,
    signer: &S,
) -> Result<Verified, TestCaseError> {
    let signed = sign(case, signer)?;
    unchanged_but_signed(case, case.request(), &signed)?;
    let params = case.params();
    let timestamp = params.timestamp_ms().to_string();
    if signed.headers()[headers::TIMESTAMP] != timestamp.as_str() {
        return Err(TestCaseError::fail(
            "x-qys-open-timestamp is not the signing time in decimal milliseconds",
        ));
    }
    if case.header_set().has_nonce() && signed.headers()[headers::NONCE] != params.nonce().as_str()
    {
        return Err(TestCaseError::fail(
            "x-qys-open-nonce is not the nonce given",
        ));
    }
    let verified = case
        .gateway()
        .verify_request(&signed, params.timestamp_ms(), false)
        .map_err(|r| TestCaseError::fail(format!("the gateway refused it: {r} ({r:?})")))?;
    if verified.header_set() != case.header_set() {
        return Err(TestCaseError::fail(format!(
            "signed as {:?}, expected {:?}",
            verified.header_set(),
            case.header_set()
        )));
    }
    Ok(verified)
}

/// Method, URI, body and the headers of `unsigned` kept, and the signing headers exactly those
/// of the case's header set, one value each (other headers may be added).
fn unchanged_but_signed(
    case: &SigningCase,
    unsigned: &UnsignedRequest,
    signed: &Request<Vec<u8>>,
) -> Result<(), TestCaseError> {
    if signed.method() != unsigned.method() || signed.uri() != unsigned.uri() {
        return Err(TestCaseError::fail("signing changed the method or the URI"));
    }
    if signed.body() != unsigned.body() {
        return Err(TestCaseError::fail("signing changed the body"));
    }
    for name in SIGNING_HEADERS {
        let count = signed.headers().get_all(name).iter().count();
        let wanted = usize::from(case.header_set().headers().contains(&name));
        if count != wanted {
            return Err(TestCaseError::fail(format!(
                "{name}: {count} values, expected {wanted} for {:?}",
                case.header_set()
            )));
        }
    }
    for name in unsigned.headers().keys() {
        let before = unsigned.headers().get_all(name).iter();
        if !before.eq(signed.headers().get_all(name).iter()) {
            return Err(TestCaseError::fail(format!(
                "signing changed the header {name}"
            )));
        }
    }
    Ok(())
}

/// After `tamper` changes the signed request, the case's gateway refuses it (at the signing
/// time, with an unseen nonce). Returns the refusal.
///
/// # Errors
/// A [`TestCaseError`] when signing fails or the tampered request is accepted.
pub fn tampering_is_rejected<S: SignRequest + ?Sized>(
    case: &SigningCase,
    signer: &S,
    tamper: &Tamper,
) -> Result<Rejection, TestCaseError> {
    let mut signed = sign(case, signer)?;
    let changed = tamper.apply(case.header_set(), signed.headers_mut());
    match case
        .gateway()
        .verify_request(&signed, case.params().timestamp_ms(), false)
    {
        Err(rejection) => Ok(rejection),
        Ok(_) => Err(TestCaseError::fail(format!(
            "the gateway accepted the request after {tamper:?} changed {changed}"
        ))),
    }
}

/// Signing the same request with the same time and nonce twice gives the same bytes:
/// the same headers in the same order, the same URI and body.
///
/// # Errors
/// A [`TestCaseError`] when signing fails or the two differ.
pub fn signing_is_deterministic<S: SignRequest + ?Sized>(
    case: &SigningCase,
    signer: &S,
) -> Result<(), TestCaseError> {
    let first = sign(case, signer)?;
    let second = sign(case, signer)?;
    let same = first.method() == second.method()
        && first.uri() == second.uri()
        && first.body() == second.body()
        && same_bytes(first.headers(), second.headers());
    if same {
        Ok(())
    } else {
        Err(TestCaseError::fail(
            "two signings of the same inputs differ",
        ))
    }
}

fn same_bytes(a: &HeaderMap, b: &HeaderMap) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((ka, va), (kb, vb))| ka == kb && va.as_bytes() == vb.as_bytes())
}

/// The answer of an attempt that should be retried: HTTP 503 with `Retry-After: 0`.
fn unavailable() -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::SERVICE_UNAVAILABLE)
        .header(http::header::RETRY_AFTER, "0")
        .header(http::header::CONTENT_TYPE, "text/plain")
        .body(b"Service Unavailable".to_vec())
        .expect("a valid response")
}

/// The answer of a successful call: HTTP 200 with a success envelope.
fn success() -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(br#"{"code":0,"message":"SUCCESS","result":null}"#.to_vec())
        .expect("a valid response")
}

/// Sends the case's request through `sender` with a transport that answers the first
/// `failures` attempts with HTTP 503 (`Retry-After: 0`) and the next with a success
/// envelope, then checks that there were exactly `failures + 1` attempts, each carrying the
/// unsigned request's method, URI and body, each accepted by the case's gateway at its own
/// timestamp, and each with a nonce no earlier attempt used (a request of the legacy set has
/// no nonce: for it only the first two checks apply). Timestamps never go backwards.
///
/// Choose `failures` below the number of retries `sender` allows, and make the case's request
/// one that `sender` retries (e.g. a GET).
///
/// # Errors
/// A [`TestCaseError`] naming what is wrong.
pub fn retries_use_fresh_nonces<S: SendWithRetries + ?Sized>(
    case: &SigningCase,
    sender: &mut S,
    failures: usize,
) -> Result<(), TestCaseError> {
    let mut attempts: Vec<Request<Vec<u8>>> = Vec::new();
    let mut transport = |request: Request<Vec<u8>>| {
        attempts.push(request);
        if attempts.len() <= failures {
            unavailable()
        } else {
            success()
        }
    };
    let answer = sender
        .send(case.request().to_http(), &mut transport)
        .map_err(|e| TestCaseError::fail(format!("the call failed: {e:?}")))?;
    if answer.status() != StatusCode::OK {
        return Err(TestCaseError::fail(format!(
            "the call answered {}, not the success that followed {failures} failures",
            answer.status()
        )));
    }
    if attempts.len() != failures + 1 {
        return Err(TestCaseError::fail(format!(
            "{} attempts, expected {} ({failures} answered 503)",
            attempts.len(),
            failures + 1
        )));
    }
    let gateway = case.gateway();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut last_timestamp = 0;
    for (i, attempt) in attempts.iter().enumerate() {
        unchanged_but_signed(case, case.request(), attempt)?;
        let timestamp = attempt
            .headers()
            .get(headers::TIMESTAMP)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| TestCaseError::fail(format!("attempt {i}: no numeric timestamp")))?;
        if timestamp < last_timestamp {
            return Err(TestCaseError::fail(format!(
                "attempt {i}: the timestamp went backwards"
            )));
        }
        last_timestamp = timestamp;
        let nonce = attempt
            .headers()
            .get(headers::NONCE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let token = primary_token(case, attempt.headers());
        let replay = nonce
            .as_ref()
            .is_some_and(|n| seen.contains(&(token.clone(), n.clone())));
        gateway
            .verify_request(attempt, timestamp, replay)
            .map_err(|r| {
                TestCaseError::fail(format!("attempt {i}: the gateway refused it: {r}"))
            })?;
        if let Some(nonce) = nonce {
            seen.insert((token, nonce));
        }
    }
    Ok(())
}

/// The token nonces are kept under: the agent's on `/saas/...`, else the app's.
fn primary_token(case: &SigningCase, headers: &HeaderMap) -> String {
    let name = if case.header_set().is_agent() {
        headers::AGENT_ACCESS_TOKEN
    } else {
        headers::ACCESS_TOKEN
    };
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}
