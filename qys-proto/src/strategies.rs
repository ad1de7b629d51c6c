//! [proptest](https://docs.rs/proptest) strategies for testing code that signs or checks
//! Open Platform requests (feature `proptest`).
//!
//! - [`token`], [`secret`], [`credentials`]: ASCII and non-ASCII secrets, tokens with and
//!   without separator characters (tokens travel in a header, so they stay visible ASCII).
//! - [`timestamp_ms`], [`nonce`], [`signing_params`]: times across the whole `u64` range
//!   (with the present era and the edges weighted in), UUID and arbitrary nonces.
//! - [`scheme`], [`header_set`]: the header schemes (current, legacy, SaaS agent with and
//!   without the tenant pair).
//! - [`signing_case`], [`signing_case_for`]: everything one signature needs — credentials,
//!   header set, time, nonce and an unsigned request to a path of the right kind — with the
//!   [`Gateway`] that must accept the signed result. Hand it to the checks of
//!   [`crate::properties`].
//! - [`endpoint_case_for`] and the [`endpoints`] module: a valid request of every endpoint
//!   type, as a typed value or as the unsigned request qys sends.
//! - [`tamper`]: one change to a signed request head.
//!
//! Every strategy shrinks towards short, plain values.

use std::fmt;

use http::{HeaderMap, Method, Uri};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::clock::Nonce;
use crate::credentials::{Credentials, Secret};
use crate::environment::Environment;
use crate::sign::{Scheme, Signer, SigningParams};
use crate::verify::{Gateway, HeaderSet};

pub mod endpoints;

/// Characters that could separate or join fields if a signer added separators or trimmed.
const SEPARATORS: &str = r#"-_:;,.|+=/\&?#@!~*'"()[]{}<>%$^`"#;

/// An AppToken or AgentToken: 1 to 64 visible ASCII characters, plain alphanumeric or with
/// separator characters (`-`, `:`, `|`, `+`, `=`, ...).
pub fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{1,64}",
        "[!-~]{1,64}",
        prop::collection::vec(
            prop_oneof![
                "[A-Za-z0-9]{1,8}",
                prop::sample::select(SEPARATORS.chars().collect::<Vec<_>>()).prop_map(String::from),
            ],
            1..12,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// An AppSecret or AgentSecret: ASCII (plain, with separators and spaces) or non-ASCII
/// (Chinese, emoji, any Unicode), sometimes empty.
pub fn secret() -> impl Strategy<Value = Secret> {
    prop_oneof![
        3 => "[A-Za-z0-9]{1,64}",
        2 => "[ -~]{0,64}",
        2 => "[a-z0-9\u{4e00}-\u{9fa5}]{1,32}",
        1 => "[\u{1F600}-\u{1F64F}a-z ]{1,16}",
        1 => any::<String>(),
    ]
    .prop_map(Secret::new)
}

/// A token and its secret, from [`token`] and [`secret`].
pub fn credentials() -> impl Strategy<Value = Credentials> {
    (token(), secret()).prop_map(|(t, s)| Credentials::new(t, s))
}

/// A request time in Unix milliseconds: anywhere in `u64`, with the present era
/// (2000–2100), the small numbers and the largest ones weighted in.
pub fn timestamp_ms() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 946_684_800_000u64..4_102_444_800_000,
        2 => any::<u64>(),
        1 => 0u64..1_000,
        1 => (u64::MAX - 1_000)..=u64::MAX,
    ]
}

/// A nonce: a UUID as the vendor SDKs send, or 1 to 128 visible ASCII characters.
pub fn nonce() -> impl Strategy<Value = Nonce> {
    prop_oneof![
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[A-Za-z0-9]{1,32}",
        "[!-~]{1,128}",
    ]
    .prop_map(|n| Nonce::new(n).expect("the patterns are 1 to 128 visible ASCII characters"))
}

/// A time and a nonce.
pub fn signing_params() -> impl Strategy<Value = SigningParams> {
    (timestamp_ms(), nonce()).prop_map(|(ts, n)| SigningParams::new(ts, n))
}

/// The app scheme: current (nonce) or legacy.
pub fn scheme() -> impl Strategy<Value = Scheme> {
    prop_oneof![Just(Scheme::Nonce), Just(Scheme::Legacy)]
}

/// A header set: current, legacy, SaaS agent, SaaS agent for a tenant.
pub fn header_set() -> impl Strategy<Value = HeaderSet> {
    prop::sample::select(HeaderSet::ALL.to_vec())
}

/// An unsigned request, as a signer or middleware receives it. Cheap to clone (unlike
/// `http::Request`); [`UnsignedRequest::to_http`] gives a fresh `http::Request`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsignedRequest {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl UnsignedRequest {
    /// A request from its parts.
    pub fn new(method: Method, uri: Uri, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self {
            method,
            uri,
            headers,
            body,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The whole URI (base URL, path and query).
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The URI's path: what the gateway routes and what decides the app or agent realm.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The headers (none of them a signing header).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// A fresh `http::Request` with these parts.
    pub fn to_http(&self) -> http::Request<Vec<u8>> {
        let mut request = http::Request::new(self.body.clone());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// An unsigned request to a made-up path of the realm `header_set` needs (`/saas/...` for
/// agents, `/v2/...` and other app prefixes otherwise), with a query sometimes, a body
/// sometimes and a few ordinary headers.
pub fn unsigned_request(header_set: HeaderSet) -> impl Strategy<Value = UnsignedRequest> {
    let prefix = if header_set.is_agent() {
        Just("/saas/v2").boxed()
    } else {
        prop::sample::select(vec!["/v2", "/v3", "/companyauth", "/uniformapi"]).boxed()
    };
    let method = prop::sample::select(vec![Method::GET, Method::POST]);
    let segments = prop::collection::vec("[a-z]{1,12}", 1..4);
    let query = prop::option::of("[a-zA-Z]{1,8}=[a-zA-Z0-9%]{0,16}");
    let body = prop::collection::vec(any::<u8>(), 0..64);
    (prefix, method, segments, query, body).prop_map(|(prefix, method, segments, query, body)| {
        let path = format!("{prefix}/{}", segments.join("/"));
        let uri = match query {
            Some(q) => format!("{}{path}?{q}", Environment::test().base_url()),
            None => format!("{}{path}", Environment::test().base_url()),
        };
        let mut headers = HeaderMap::new();
        headers.insert(http::header::USER_AGENT, crate::USER_AGENT.parse().unwrap());
        if !body.is_empty() {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static(crate::JSON_CONTENT_TYPE),
            );
        }
        UnsignedRequest::new(method, uri.parse().expect("a valid URI"), headers, body)
    })
}

/// Everything one signature needs and the gateway that must accept it: credentials of the
/// header set's realm, time and nonce, and an unsigned request to a path of that realm.
///
/// `Debug` shows tokens abbreviated and never a secret.
#[derive(Debug, Clone)]
pub struct SigningCase {
    header_set: HeaderSet,
    app: Option<Credentials>,
    agent: Option<Credentials>,
    params: SigningParams,
    request: UnsignedRequest,
}

impl SigningCase {
    /// A case from its parts.
    ///
    /// The credentials must fit the header set: an app for [`HeaderSet::Current`] and
    /// [`HeaderSet::Legacy`] (an agent too is allowed: it is not used off `/saas/`), an agent
    /// and no app for [`HeaderSet::Agent`], both for [`HeaderSet::AgentForTenant`]; and the
    /// request's path must be `/saas/...` exactly for the agent sets. `None` when they do not.
    pub fn new(
        header_set: HeaderSet,
        app: Option<Credentials>,
        agent: Option<Credentials>,
        params: SigningParams,
        request: UnsignedRequest,
    ) -> Option<Self> {
        let fits = match header_set {
            HeaderSet::Current | HeaderSet::Legacy => app.is_some(),
            HeaderSet::Agent => app.is_none() && agent.is_some(),
            HeaderSet::AgentForTenant => app.is_some() && agent.is_some(),
        };
        let saas = request.path().starts_with("/saas/");
        (fits && saas == header_set.is_agent()).then_some(Self {
            header_set,
            app,
            agent,
            params,
            request,
        })
    }

    /// The header set the signed request must carry.
    pub fn header_set(&self) -> HeaderSet {
        self.header_set
    }

    /// The app credentials, if the case has them.
    pub fn app(&self) -> Option<&Credentials> {
        self.app.as_ref()
    }

    /// The SaaS agent credentials, if the case has them.
    pub fn agent(&self) -> Option<&Credentials> {
        self.agent.as_ref()
    }

    /// The app scheme: [`Scheme::Legacy`] for [`HeaderSet::Legacy`], else [`Scheme::Nonce`].
    pub fn scheme(&self) -> Scheme {
        match self.header_set {
            HeaderSet::Legacy => Scheme::Legacy,
            _ => Scheme::Nonce,
        }
    }

    /// The time and nonce to sign with.
    pub fn params(&self) -> &SigningParams {
        &self.params
    }

    /// The unsigned request.
    pub fn request(&self) -> &UnsignedRequest {
        &self.request
    }

    /// The request's path.
    pub fn path(&self) -> &str {
        self.request.path()
    }

    /// qys's own [`Signer`] for these credentials and scheme.
    pub fn signer(&self) -> Signer {
        let signer = match (&self.app, &self.agent) {
            (Some(app), agent) => {
                let signer = Signer::new(app.clone());
                match agent {
                    Some(agent) => signer.with_agent(agent.clone()),
                    None => signer,
                }
            }
            (None, Some(agent)) => Signer::agent(agent.clone()),
            (None, None) => unreachable!("SigningCase::new refuses a case without credentials"),
        };
        signer.with_scheme(self.scheme())
    }

    /// A gateway that knows exactly these credentials and expects this scheme.
    pub fn gateway(&self) -> Gateway {
        Gateway::from(&self.signer())
    }
}

/// A [`SigningCase`] of any header set.
pub fn signing_case() -> impl Strategy<Value = SigningCase> {
    header_set().prop_flat_map(signing_case_for)
}

/// A [`SigningCase`] of `header_set`, with a made-up request from [`unsigned_request`].
pub fn signing_case_for(header_set: HeaderSet) -> impl Strategy<Value = SigningCase> {
    signing_case_with(header_set, unsigned_request(header_set))
}

/// A [`SigningCase`] of `header_set` for the requests of `requests` (whose paths must be of
/// the header set's realm: `/saas/...` exactly for the agent sets).
///
/// # Panics
/// While generating, if a request's path is not of the header set's realm.
pub fn signing_case_with(
    header_set: HeaderSet,
    requests: impl Strategy<Value = UnsignedRequest>,
) -> impl Strategy<Value = SigningCase> {
    let app = match header_set {
        HeaderSet::Agent => Just(None).boxed(),
        _ => credentials().prop_map(Some).boxed(),
    };
    let agent = match header_set {
        HeaderSet::Current | HeaderSet::Legacy => prop::option::of(credentials()).boxed(),
        HeaderSet::Agent | HeaderSet::AgentForTenant => credentials().prop_map(Some).boxed(),
    };
    (app, agent, signing_params(), requests).prop_map(move |(app, agent, params, request)| {
        SigningCase::new(header_set, app, agent, params, request)
            .expect("the request's path is of the header set's realm")
    })
}

/// A [`SigningCase`] of `header_set` for a request of a real endpoint of its realm, from
/// [`endpoints::endpoint_request_for`].
pub fn endpoint_case_for(header_set: HeaderSet) -> impl Strategy<Value = SigningCase> {
    let requests = endpoints::endpoint_request_for(header_set).prop_map(|e| e.request);
    signing_case_with(header_set, requests)
}

/// One change to a signed request head: a byte of one of the header set's headers replaced,
/// or one of them removed. [`crate::properties::tampering_is_rejected`] applies it.
#[derive(Clone)]
pub struct Tamper {
    header: Index,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Byte { at: Index, to: u8 },
    Remove,
}

impl fmt::Debug for Tamper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tamper")
            .field("header", &self.header)
            .field("change", &self.change)
            .finish()
    }
}

impl Tamper {
    /// Applies the change to the signed head of a request of `header_set`, returning the
    /// header changed. A replaced byte always differs from the one it replaces; a header the
    /// head lacks is added with the one byte.
    ///
    /// A removal never picks the tenant's `x-qys-open-accesstoken` of
    /// [`HeaderSet::AgentForTenant`]: without it the request is a valid request of the agent
    /// alone (the tenant pair is optional), which no gateway can tell from one sent that way.
    pub fn apply(&self, header_set: HeaderSet, headers: &mut HeaderMap) -> &'static str {
        let tenant_token =
            matches!(self.change, Change::Remove) && header_set == HeaderSet::AgentForTenant;
        let names: Vec<&'static str> = header_set
            .headers()
            .iter()
            .copied()
            .filter(|&name| !(tenant_token && name == crate::headers::ACCESS_TOKEN))
            .collect();
        let name = names[self.header.index(names.len())];
        match &self.change {
            Change::Remove => {
                headers.remove(name);
            }
            Change::Byte { at, to } => {
                let mut bytes = headers
                    .get(name)
                    .map(|v| v.as_bytes().to_vec())
                    .unwrap_or_default();
                if bytes.is_empty() {
                    bytes.push(*to);
                } else {
                    let i = at.index(bytes.len());
                    // Another byte of 0x20..=0x7e: a valid header value byte.
                    bytes[i] = if bytes[i] == *to {
                        0x20 + (*to - 0x20 + 1) % 0x5f
                    } else {
                        *to
                    };
                }
                let value = http::HeaderValue::from_bytes(&bytes)
                    .expect("visible ASCII and spaces are a valid header value");
                headers.insert(name, value);
            }
        }
        name
    }
}

/// A [`Tamper`]: mostly a replaced byte (any visible ASCII character or a space), sometimes a
/// removed header.
pub fn tamper() -> impl Strategy<Value = Tamper> {
    let change = prop_oneof![
        4 => (any::<Index>(), 0x20u8..=0x7e).prop_map(|(at, to)| Change::Byte { at, to }),
        1 => Just(Change::Remove),
    ];
    (any::<Index>(), change).prop_map(|(header, change)| Tamper { header, change })
}
