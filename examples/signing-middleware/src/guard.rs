//! A guard for a service that accepts requests signed the Open Platform's way.

use std::collections::HashMap;

use qys_proto::verify::{Gateway, Rejection};

/// How long a nonce stays used: the platform's ten minutes.
const NONCE_TTL_MS: u64 = 10 * 60 * 1000;

/// Checks requests with qys-proto's verifier, remembering the nonces it accepted.
#[derive(Debug)]
pub struct Guard {
    gateway: Gateway,
    /// (token, nonce) → when it was accepted.
    seen: HashMap<(String, String), u64>,
}

impl Guard {
    /// A guard for the credentials and rules of `gateway`.
    pub fn new(gateway: Gateway) -> Self {
        Self {
            gateway,
            seen: HashMap::new(),
        }
    }

    /// Lets `request` through at `now_ms` (Unix milliseconds), or says why not.
    ///
    /// # Errors
    /// The gateway's [`Rejection`]: answer `rejection.status()` with the envelope
    /// `{"code": status, "responseCode": rejection.response_code(), "message": rejection.to_string()}`.
    pub fn check<B>(&mut self, request: &http::Request<B>, now_ms: u64) -> Result<(), Rejection> {
        self.seen
            .retain(|_, at| now_ms.saturating_sub(*at) < NONCE_TTL_MS);
        let header = |name: &str| {
            let value = request.headers().get(name).map(|v| v.as_bytes());
            String::from_utf8_lossy(value.unwrap_or_default()).into_owned()
        };
        let token = match request.uri().path().starts_with("/saas/") {
            true => header("x-qys-open-agentaccesstoken"),
            false => header("x-qys-open-accesstoken"),
        };
        let seen = self.seen.contains_key(&(token, header("x-qys-open-nonce")));
        let verified = self.gateway.verify_request(request, now_ms, seen)?;
        if let Some(nonce) = verified.nonce() {
            let key = (verified.token().to_owned(), nonce.to_owned());
            self.seen.insert(key, now_ms);
        }
        Ok(())
    }
}
