//! A signing middleware as a team might write it without qys: it adds the Open Platform's
//! four signing headers to outgoing requests and retries answers that say "try again",
//! signing every attempt anew. `tests/properties.rs` property-tests it with qys-proto's
//! public strategies and properties (feature `proptest`) — the README's guide.
//!
//! [`guard`] is the other side: a service that accepts requests signed the platform's way,
//! checked with qys-proto's public verifier.

use http::{HeaderValue, Method, Request, Response, StatusCode};
use md5::{Digest, Md5};

pub mod guard;

/// Signs requests with an AppToken and AppSecret, taking time and nonces from the functions
/// it is given, and retries up to `max_attempts` times.
pub struct SigningMiddleware<C, N> {
    token: String,
    secret: String,
    clock: C,
    nonces: N,
    max_attempts: u32,
}

/// Shows neither the token nor the secret.
impl<C, N> std::fmt::Debug for SigningMiddleware<C, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningMiddleware")
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// Why a request could not be sent.
#[derive(Debug)]
pub enum Error {
    /// The token or nonce is not a valid header value.
    InvalidHeader,
    /// Every attempt was answered with a status worth retrying; the last one.
    GaveUp(StatusCode),
}

impl<C, N> SigningMiddleware<C, N>
where
    C: FnMut() -> u64,
    N: FnMut() -> String,
{
    /// A middleware for the app `token`/`secret`; `clock` gives Unix milliseconds and
    /// `nonces` a fresh nonce per call.
    pub fn new(token: &str, secret: &str, clock: C, nonces: N, max_attempts: u32) -> Self {
        Self {
            token: token.to_owned(),
            secret: secret.to_owned(),
            clock,
            nonces,
            max_attempts: max_attempts.max(1),
        }
    }

    /// Sets the four headers: token, timestamp, nonce and
    /// `md5_hex(token + secret + timestamp + nonce)`.
    ///
    /// # Errors
    /// [`Error::InvalidHeader`] when the token or the nonce cannot be a header value.
    pub fn sign(
        &self,
        request: &mut Request<Vec<u8>>,
        timestamp_ms: u64,
        nonce: &str,
    ) -> Result<(), Error> {
        let timestamp = timestamp_ms.to_string();
        let mut md5 = Md5::new();
        for part in [&self.token, &self.secret, &timestamp, nonce] {
            md5.update(part.as_bytes());
        }
        let signature = hex::encode(md5.finalize());
        let value = |s: &str| HeaderValue::from_str(s).map_err(|_| Error::InvalidHeader);
        let values = [
            ("x-qys-open-accesstoken", value(&self.token)?),
            ("x-qys-open-timestamp", value(&timestamp)?),
            ("x-qys-open-nonce", value(nonce)?),
            ("x-qys-open-signature", value(&signature)?),
        ];
        for (name, value) in values {
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }

    /// Sends `request` through `transport`, signing each attempt with a fresh time and
    /// nonce; retries 503 and 429 answers for any method and other 5xx for GET and HEAD.
    ///
    /// # Errors
    /// [`Error::InvalidHeader`] as [`sign`](Self::sign); [`Error::GaveUp`] when the last
    /// attempt still asked for a retry.
    pub fn send(
        &mut self,
        request: Request<Vec<u8>>,
        transport: &mut dyn FnMut(Request<Vec<u8>>) -> Response<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, Error> {
        let mut attempt = 1;
        loop {
            let mut copy = Request::new(request.body().clone());
            *copy.method_mut() = request.method().clone();
            *copy.uri_mut() = request.uri().clone();
            *copy.headers_mut() = request.headers().clone();
            let (now, nonce) = ((self.clock)(), (self.nonces)());
            self.sign(&mut copy, now, &nonce)?;
            let answer = transport(copy);
            if !self.worth_retrying(request.method(), answer.status()) {
                return Ok(answer);
            }
            if attempt == self.max_attempts {
                return Err(Error::GaveUp(answer.status()));
            }
            attempt += 1;
        }
    }

    fn worth_retrying(&self, method: &Method, status: StatusCode) -> bool {
        match status {
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS => true,
            s if s.is_server_error() => method == Method::GET || method == Method::HEAD,
            _ => false,
        }
    }
}
