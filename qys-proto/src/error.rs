//! The one error type of qys, returned by the core and by both frontends.
//!
//! Each variant wraps a struct with private fields and accessors; third-party errors are only
//! reachable through [`std::error::Error::source`], so a new transport never changes this type.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

/// The result type of qys.
pub type Result<T, E = Error> = std::result::Result<T, E>;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong with a call to the Open Platform.
///
/// An error returned by a frontend's call names the call ([`Error::context`]: method, path,
/// attempts, elapsed time), and its `Display` ends with them.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built; nothing was sent.
    Build(BuildError),
    /// Connecting, TLS, a timeout, or I/O on the connection; the request may or may not have
    /// reached the server.
    Transport(TransportError),
    /// A non-2xx answer without a JSON envelope, e.g. a gateway's HTML error page.
    Status(StatusError),
    /// The platform answered with an envelope whose code is not success.
    Api(ApiError),
    /// The answer was a success envelope (or should have been one) but its content did not
    /// have the expected shape.
    Decode(DecodeError),
    /// Reading an upload source or writing a download sink failed.
    Body(BodyError),
    /// A callback from the platform was rejected: not authentic, not fresh, or not
    /// understood (see [`crate::callback`]).
    Callback(crate::callback::CallbackError),
}

macro_rules! error_variants {
    ($($variant:ident($ty:ty)),*) => {
        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })*

        impl Error {
            fn inner(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
                match self { $(Self::$variant(e) => e,)* }
            }
        }
    };
}

error_variants!(
    Build(BuildError),
    Transport(TransportError),
    Status(StatusError),
    Api(ApiError),
    Decode(DecodeError),
    Body(BodyError),
    Callback(crate::callback::CallbackError)
);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner(), f)?;
        match self.context() {
            Some(context) => write!(f, " ({context})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().source()
    }
}

/// An error as an `io::Error` (what a download's `Read` or `AsyncRead` hands out), wrapping
/// it whole; the kind says what broke: a timeout is `TimedOut`, a refused connection
/// `ConnectionRefused`, a broken one `ConnectionReset`, bad framing or TLS `InvalidData`.
impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        use std::io::ErrorKind as Kind;
        let kind = match &e {
            Error::Transport(t) => match t.kind() {
                TransportErrorKind::Timeout => Kind::TimedOut,
                TransportErrorKind::Connect => Kind::ConnectionRefused,
                TransportErrorKind::Io => Kind::ConnectionReset,
                TransportErrorKind::Protocol | TransportErrorKind::Tls => Kind::InvalidData,
                _ => Kind::Other,
            },
            _ => Kind::Other,
        };
        Self::new(kind, e)
    }
}

/// Which call an error comes from: method, path, how many attempts were made and how long
/// they took in all (waits between them included). See [`Error::context`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    method: http::Method,
    path: String,
    host: String,
    attempts: u32,
    elapsed: Duration,
}

impl CallContext {
    /// The context of a call of `method` `path` to `host` (`host:port`) that made `attempts`
    /// attempts in `elapsed`.
    pub fn new(
        method: http::Method,
        path: String,
        host: String,
        attempts: u32,
        elapsed: Duration,
    ) -> Self {
        Self {
            method,
            path,
            host,
            attempts,
            elapsed,
        }
    }

    /// The host (and port) the call went to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The path (without base URL and query).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// How many attempts were made (0 when none could be built).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// From the start of the call to its end.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Display for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.attempts == 1 { "" } else { "s" };
        write!(
            f,
            "{} {} on {}, {} attempt{plural} in {} ms",
            self.method,
            self.path,
            self.host,
            self.attempts,
            self.elapsed.as_millis()
        )
    }
}

impl Error {
    /// Whether trying the same call again (re-signed) may succeed: connection failures,
    /// timeouts, HTTP 502/503/504, and the platform's internal-error and throttling codes.
    /// Whether it is *safe* to retry is the retry policy's question (see [`crate::retry`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(e) => e.kind != TransportErrorKind::ResponseTooLarge,
            Self::Status(e) => matches!(e.status.as_u16(), 429 | 502 | 503 | 504),
            Self::Api(e) => matches!(e.kind, ErrorCode::InternalError | ErrorCode::TooFrequent),
            Self::Build(_) | Self::Decode(_) | Self::Body(_) | Self::Callback(_) => false,
        }
    }

    /// Which call this error comes from, when a frontend's call returned it.
    pub fn context(&self) -> Option<&CallContext> {
        match self {
            Self::Build(e) => e.context.as_deref(),
            Self::Transport(e) => e.context.as_deref(),
            Self::Status(e) => e.context.as_deref(),
            Self::Api(e) => e.context.as_deref(),
            Self::Decode(e) => e.context.as_deref(),
            Self::Body(e) => e.context.as_deref(),
            Self::Callback(_) => None,
        }
    }

    /// The same error, naming the call it comes from (the call engine does this once per
    /// call). A callback error is returned unchanged.
    #[must_use]
    pub fn with_context(mut self, context: CallContext) -> Self {
        let slot = match &mut self {
            Self::Build(e) => &mut e.context,
            Self::Transport(e) => &mut e.context,
            Self::Status(e) => &mut e.context,
            Self::Api(e) => &mut e.context,
            Self::Decode(e) => &mut e.context,
            Self::Body(e) => &mut e.context,
            Self::Callback(_) => return self,
        };
        *slot = Some(Box::new(context));
        self
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The platform's error kind, if this is an API error.
    pub fn code(&self) -> Option<ErrorCode> {
        self.as_api().map(ApiError::kind)
    }

    /// How long the server asked to wait before trying again (its `Retry-After` header), for
    /// [`Error::Status`] and [`Error::Api`] answers that carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status(e) => e.retry_after,
            Self::Api(e) => e.retry_after,
            _ => None,
        }
    }

    /// Records the server's `Retry-After` (see [`crate::retry::retry_after`]) on an
    /// [`Error::Status`] or [`Error::Api`]; other errors are returned unchanged. The frontends
    /// call this with the header of the answer the error came from.
    #[must_use]
    pub fn with_retry_after(self, retry_after: Option<Duration>) -> Self {
        match self {
            Self::Status(e) => Self::Status(e.with_retry_after(retry_after)),
            Self::Api(e) => Self::Api(e.with_retry_after(retry_after)),
            other => other,
        }
    }
}

/// What was wrong with a request that could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// An argument is out of its documented range or shape.
    InvalidArgument,
    /// The base URL is not an absolute `https://` (or opted-in `http://`) URL.
    InvalidBaseUrl,
    /// The base URL is plain `http://` and the client did not opt in.
    InsecureUrl,
    /// The endpoint needs credentials the client was not given.
    MissingCredentials,
    /// The endpoint cannot be sent this way (e.g. an upload endpoint given to `execute`).
    WrongCall,
    /// The request body could not be serialized.
    Serialize,
}

/// The request could not be built; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("request not sent: {message}")]
pub struct BuildError {
    kind: BuildErrorKind,
    message: String,
    context: Option<Box<CallContext>>,
}

impl BuildError {
    /// A build error of `kind` with a message for people.
    pub fn new(kind: BuildErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            context: None,
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> BuildErrorKind {
        self.kind
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// What failed on the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be opened (refused, unreachable, DNS). Nothing was sent.
    Connect,
    /// The TLS handshake failed (e.g. an untrusted certificate or a wrong host name).
    Tls,
    /// A deadline passed: connect, whole call, or idle time between body frames.
    Timeout,
    /// The connection broke while sending or receiving.
    Io,
    /// The peer did not speak valid HTTP/1.1.
    Protocol,
    /// The response body exceeded the configured limit.
    ResponseTooLarge,
    /// Anything else the transport reported.
    Other,
}

/// Connecting, TLS, a timeout or I/O failed.
#[derive(Debug, thiserror::Error)]
#[error("transport error ({kind:?}): {message}")]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    #[source]
    source: Option<BoxError>,
    context: Option<Box<CallContext>>,
}

impl TransportError {
    /// A transport error of `kind`; `source` is the underlying error, if any.
    pub fn new(
        kind: TransportErrorKind,
        message: impl Into<String>,
        source: Option<BoxError>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            source,
            context: None,
        }
    }

    /// What failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether a deadline passed.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be opened (so nothing was sent).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

/// The longest excerpt of a body that an error keeps.
pub const EXCERPT_LIMIT: usize = 512;

/// The first [`EXCERPT_LIMIT`] bytes of a body, cut at a character boundary, lossy UTF-8,
/// with the values of signed headers it echoes (a gateway's debug page) blanked out.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_LIMIT + 256)];
    let text = redact_signed_headers(&String::from_utf8_lossy(cut));
    cap(text, body.len() > EXCERPT_LIMIT)
}

/// Cuts `text` after [`EXCERPT_LIMIT`] bytes (at a character boundary), marking the cut.
fn cap(mut text: String, longer: bool) -> String {
    if text.len() > EXCERPT_LIMIT || longer {
        let mut end = text.len().min(EXCERPT_LIMIT);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        // A multi-byte character cut in half shows as U+FFFD at the end; drop it.
        while text.ends_with('\u{FFFD}') {
            text.pop();
        }
        text.push('…');
    }
    text
}

/// Escapes control and bidirectional-formatting characters (which could hide or reorder what
/// a log shows) as `\u{..}`, and caps the text as excerpts are.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    cap(out, false)
}

/// The headers whose values are secrets or signatures (a whole access token included).
const SIGNED_HEADERS: [&str; 4] = [
    "x-qys-open-signature",
    "x-qys-open-accesstoken",
    "x-qys-open-agentsignature",
    "x-qys-open-agentaccesstoken",
];

/// Blanks the value after each signed header name in a page that echoes request headers
/// (`name: value`, `"name":"value"`, `<td>name</td><td>value</td>`).
fn redact_signed_headers(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("x-qys-open-") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some((start, name)) = SIGNED_HEADERS
        .iter()
        .filter_map(|n| lower[at..].find(n).map(|i| (at + i, n.len())))
        .min()
    {
        let mut i = start + name;
        // Skip separators and markup up to the value.
        let bytes = text.as_bytes();
        let mut in_tag = false;
        while i < bytes.len() {
            match bytes[i] {
                b'<' => in_tag = true,
                b'>' => in_tag = false,
                b if in_tag || !(b.is_ascii_alphanumeric() || b >= 0x80) => {}
                _ => break,
            }
            i += 1;
        }
        let end = text[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | ',' | ';' | '&'))
            .map_or(text.len(), |n| i + n);
        out.push_str(&text[at..i]);
        if end > i {
            out.push_str("[redacted]");
        }
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// `441 Header Required`: the status with its reason phrase, the gateway's 441–446 included
/// (which `http` does not know).
pub fn status_text(status: StatusCode) -> String {
    let reason = match status.as_u16() {
        441 => Some("Header Required"),
        442 => Some("Invalid Token"),
        443 => Some("Invalid Signature"),
        444 => Some("Timestamp Expired"),
        445 => Some("Request Refused"),
        446 => Some("Nonce Replayed"),
        _ => status.canonical_reason(),
    };
    match reason {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// A non-2xx answer without a JSON envelope.
#[derive(Debug, Clone, thiserror::Error)]
#[error("HTTP {} without an API envelope: {excerpt:?}", status_text(*.status))]
pub struct StatusError {
    status: StatusCode,
    content_type: Option<String>,
    excerpt: String,
    retry_after: Option<Duration>,
    context: Option<Box<CallContext>>,
}

impl StatusError {
    /// A status error for `status` with the body that came with it.
    pub fn new(status: StatusCode, content_type: Option<String>, body: &[u8]) -> Self {
        Self {
            status,
            content_type,
            excerpt: excerpt(body),
            retry_after: None,
            context: None,
        }
    }

    /// The same error, with the server's `Retry-After`.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// How long the server asked to wait before trying again, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The Content-Type of the answer, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The beginning of the body (at most [`EXCERPT_LIMIT`] bytes).
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }
}

/// The platform answered with an error envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("API error {}: {message} (HTTP {})", display_code(.code, .response_code.as_deref()), status_text(*.http_status))]
pub struct ApiError {
    http_status: StatusCode,
    code: Option<i64>,
    response_code: Option<String>,
    message: String,
    kind: ErrorCode,
    retry_after: Option<Duration>,
    context: Option<Box<CallContext>>,
}

fn display_code(code: &Option<i64>, response_code: Option<&str>) -> String {
    match (code, response_code) {
        (Some(c), Some(r)) => format!("{c}/{r}"),
        (Some(c), None) => c.to_string(),
        (None, Some(r)) => r.to_owned(),
        (None, None) => "?".to_owned(),
    }
}

impl ApiError {
    /// An API error from the envelope's fields.
    pub fn new(
        http_status: StatusCode,
        code: Option<i64>,
        response_code: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        let kind = ErrorCode::classify(code, response_code.as_deref());
        Self {
            http_status,
            code,
            response_code,
            message: escape(&message.into()),
            kind,
            retry_after: None,
            context: None,
        }
    }

    /// The same error, with the server's `Retry-After`.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// How long the server asked to wait before trying again, if it said (e.g. with
    /// [`ErrorCode::TooFrequent`]).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The HTTP status of the answer.
    pub fn http_status(&self) -> StatusCode {
        self.http_status
    }

    /// The envelope's `code` (4-digit family, or the gateway's 44x).
    pub fn code(&self) -> Option<i64> {
        self.code
    }

    /// The envelope's `responseCode` (8-digit family).
    pub fn response_code(&self) -> Option<&str> {
        self.response_code.as_deref()
    }

    /// The envelope's `message`, with control and bidirectional-override characters escaped
    /// (`\u{202e}`) and cut after [`EXCERPT_LIMIT`] bytes, as excerpts are.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The named kind of the code.
    pub fn kind(&self) -> ErrorCode {
        self.kind
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal $(| $rc:literal)* ;)*) => {
        /// The platform's documented error codes, by name. Each kind matches the 4-digit
        /// `code` and its 8-digit `responseCode` forms; anything else is [`ErrorCode::Unknown`]
        /// with the raw number kept.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
            /// A code qys has no name for: the `code`, or the `responseCode` as a number.
            Unknown(i64),
        }

        impl ErrorCode {
            /// The 4-digit (or 3-digit gateway) code of this kind, when it has one.
            pub fn legacy_code(self) -> Option<i64> {
                match self {
                    $( Self::$name => if $code > 0 { Some($code) } else { None }, )*
                    Self::Unknown(c) => Some(c),
                }
            }

            /// The 8-digit `responseCode` forms of this kind.
            pub fn response_codes(self) -> &'static [&'static str] {
                match self {
                    $( Self::$name => &[$($rc),*], )*
                    Self::Unknown(_) => &[],
                }
            }

            fn from_code(code: i64) -> Option<Self> {
                match code {
                    $( $code if $code > 0 => Some(Self::$name), )*
                    _ => None,
                }
            }

            fn from_response_code(rc: &str) -> Option<Self> {
                match rc {
                    $( $( $rc => Some(Self::$name), )* )*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    /// 441 `HEADER REQUIRED`: an authentication header is missing (the message names it).
    HeaderRequired = 441 | "11990441";
    /// 442 `INVALID TOKEN`: unknown AppToken, or a token of the other environment.
    InvalidToken = 442 | "11990442";
    /// 443: the signature does not match. ⚠ Undocumented: one of the gateway codes seen
    /// together with 441/442 in a public client; the sandbox uses it for this.
    InvalidSignature = 443 | "11990443";
    /// 444: the timestamp is outside the gateway's window. ⚠ Undocumented (as 443).
    TimestampExpired = 444 | "11990444";
    /// 446: the nonce was already used within ten minutes. ⚠ Undocumented (as 443).
    NonceReplayed = 446 | "11990446";
    /// 1001 `ERROR`: internal error of the platform.
    InternalError = 1001 | "21990001";
    /// 1002 `PERMISSION DENIED`: no permission to call this API or act on this object.
    PermissionDenied = 1002 | "14990002";
    /// 1005 `INVALID PARAM`: a parameter is missing, malformed or out of range.
    InvalidParam = 1005 | "11990005";
    /// `11990006`: calls too frequent.
    TooFrequent = 0 | "11990006";
    /// `11990010`: the uploaded file is too large.
    UploadTooLarge = 0 | "11990010";
    /// `11990011`: a parameter is too long.
    ParamTooLong = 0 | "11990011";
    /// 1101 `INVALID CONTRACT STATUS`.
    InvalidContractStatus = 1101 | "11011101";
    /// 1102 `DUPLICATE SIGNATORY`.
    DuplicateSignatory = 1102 | "11011102";
    /// 1103: a company signatory needs actions.
    ActionRequired = 1103 | "11011103";
    /// 1106 `INVALID STAMPER TYPE`.
    InvalidStamperType = 1106 | "11011106";
    /// 1107 `NOT SIGN STEP`: not this party's turn, or no such node.
    NotSignStep = 1107 | "11011107";
    /// 1108 `KEYWORD NOT FOUND`.
    KeywordNotFound = 1108 | "11011108";
    /// 1109 `SIGN PAGE BEYOND`: the page is out of range.
    SignPageBeyond = 1109 | "11011109";
    /// 1110 `NO VIEW PERMISSION`: the user is not a current signer and cannot view.
    NoViewPermission = 1110 | "11011110";
    /// The contract does not exist (`11011126`, `11101003`, legacy 3004). ⚠ The pages
    /// disagree on the code; all three forms map here.
    ContractNotFound = 3004 | "11011126" | "11101003";
    /// 1201 `SEAL NOT FOUND`.
    SealNotFound = 1201 | "11011201";
    /// 1203 `INVALID SEAL STATUS`.
    InvalidSealStatus = 1203 | "11011203";
    /// 1301 `CATEGORY CONFIG NOT MATCH`.
    CategoryConfigMismatch = 1301 | "11011301";
    /// 1401 `DOCUMENT REQUIRED`: the contract has no document.
    DocumentRequired = 1401 | "11011401";
    /// 1402 `UNSUPPORTED FILE TYPE`.
    UnsupportedFileType = 1402 | "11011402";
    /// 1403 `INVALID FILE`.
    InvalidFile = 1403 | "11011403";
    /// 1601 `INSUFFICIENT BALANCE`.
    InsufficientBalance = 1601 | "11011601";
    /// 1604 `INVALID_AUTHID`: the personal auth id does not match.
    InvalidAuthId = 1604 | "11011604";
    /// 1605 `COMPANY ALREADY AUTHED`.
    CompanyAlreadyAuthed = 1605 | "11011605";
    /// 1701 `EMPLOYEE NOT FOUND`.
    EmployeeNotFound = 1701 | "11041701";
    /// 1702 `EMPLOYEE DISMISSED`.
    EmployeeDismissed = 1702 | "11041702";
    /// 1705 `EMPLOYEE NOT REGISTERED`.
    EmployeeNotRegistered = 1705 | "11041705";
    /// `11041801`: the company does not exist (⚠ one page says `11041805`).
    CompanyNotFound = 0 | "11041801" | "11041805";
    /// `11041802`: no permission on that company (not the platform or one of its sub-companies).
    CompanyPermissionDenied = 0 | "11041802";
}

impl ErrorCode {
    /// Names the envelope's code. The 8-digit `responseCode` wins when both are known; when only
    /// the 8-digit one is present, its last four digits are tried as a legacy code.
    pub fn classify(code: Option<i64>, response_code: Option<&str>) -> Self {
        if let Some(kind) = response_code.and_then(Self::from_response_code) {
            return kind;
        }
        if let Some(kind) = code.and_then(Self::from_code) {
            return kind;
        }
        let rc_number = response_code.and_then(|rc| rc.trim().parse::<i64>().ok());
        match (code, rc_number) {
            (Some(c), _) => Self::Unknown(c),
            (None, Some(r)) => Self::Unknown(r),
            (None, None) => Self::Unknown(-1),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(c) => write!(f, "Unknown({c})"),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

/// The answer's content did not have the expected shape.
///
/// When the answer was a success envelope, the platform **accepted the call** (a contract may
/// have been created): [`accepted`](Self::accepted) says so, [`result`](Self::result) holds the
/// whole `result` as sent, and the error is not retryable, so nothing is lost and nothing is
/// done twice. `Debug` and `Display` show its size only, as it may carry secrets.
#[derive(thiserror::Error)]
#[error(
    "{}could not decode the answer at `{path}`: {detail} (body starts {excerpt:?})",
    if self.accepted { "the platform accepted the call, but qys " } else { "" }
)]
pub struct DecodeError {
    path: String,
    detail: String,
    excerpt: String,
    accepted: bool,
    result: Option<Box<AcceptedResult>>,
    #[source]
    source: Option<serde_json::Error>,
    context: Option<Box<CallContext>>,
}

/// The `result` of an accepted call, as sent and as JSON.
struct AcceptedResult {
    raw: String,
    value: Option<serde_json::Value>,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("detail", &self.detail)
            .field("excerpt", &self.excerpt)
            .field("accepted", &self.accepted)
            .field(
                "result",
                &self
                    .result
                    .as_ref()
                    .map(|r| format!("<{} bytes>", r.raw.len())),
            )
            .field("source", &self.source)
            .finish()
    }
}

impl DecodeError {
    /// A decode error at JSON `path` for `body`.
    pub fn new(
        path: impl Into<String>,
        detail: impl Into<String>,
        body: &[u8],
        source: Option<serde_json::Error>,
    ) -> Self {
        Self {
            path: path.into(),
            detail: detail.into(),
            excerpt: excerpt(body),
            accepted: false,
            result: None,
            source,
            context: None,
        }
    }

    /// The same error, for a success envelope whose `result` (the JSON text `raw`, as sent)
    /// did not decode: the platform accepted the call.
    #[must_use]
    pub(crate) fn accepted_with(mut self, raw: &str) -> Self {
        self.accepted = true;
        self.result = Some(Box::new(AcceptedResult {
            raw: raw.to_owned(),
            value: serde_json::from_str(raw).ok(),
        }));
        self
    }

    /// The JSON path where decoding failed (`.` for the whole body).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The beginning of the body (at most [`EXCERPT_LIMIT`] bytes).
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }

    /// Whether the platform answered with a success envelope: it accepted (and acted on) the
    /// call, and only its `result` did not fit the type. Do not send the call again blindly;
    /// read [`result`](Self::result) instead.
    pub fn accepted(&self) -> bool {
        self.accepted
    }

    /// The whole `result` of an accepted call as JSON, not an excerpt (`None` when the call was
    /// not accepted). Integers beyond 64 bits lose digits in a JSON value;
    /// [`result_text`](Self::result_text) has them all.
    pub fn result(&self) -> Option<&serde_json::Value> {
        self.result.as_ref().and_then(|r| r.value.as_ref())
    }

    /// The whole `result` of an accepted call exactly as sent (`None` when the call was not
    /// accepted).
    pub fn result_text(&self) -> Option<&str> {
        self.result.as_ref().map(|r| r.raw.as_str())
    }
}

/// Which body failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyErrorKind {
    /// Reading an upload source failed.
    ReadSource,
    /// An upload source gave more or fewer bytes than its declared length.
    LengthMismatch,
    /// Writing a download sink failed.
    WriteSink,
}

/// Reading an upload source or writing a download sink failed.
#[derive(Debug, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct BodyError {
    kind: BodyErrorKind,
    message: String,
    #[source]
    source: Option<std::io::Error>,
    context: Option<Box<CallContext>>,
}

impl BodyError {
    /// A body error of `kind`.
    pub fn new(
        kind: BodyErrorKind,
        message: impl Into<String>,
        source: Option<std::io::Error>,
    ) -> Self {
        Self {
            kind,
            message: message.into(),
            source,
            context: None,
        }
    }

    /// Which body failed.
    pub fn kind(&self) -> BodyErrorKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_classify_in_both_families() {
        assert_eq!(
            ErrorCode::classify(Some(441), Some("11990441")),
            ErrorCode::HeaderRequired
        );
        assert_eq!(
            ErrorCode::classify(None, Some("11990005")),
            ErrorCode::InvalidParam
        );
        assert_eq!(
            ErrorCode::classify(Some(1605), None),
            ErrorCode::CompanyAlreadyAuthed
        );
        assert_eq!(
            ErrorCode::classify(Some(1601), None),
            ErrorCode::InsufficientBalance
        );
        assert_eq!(
            ErrorCode::classify(Some(1002), Some("14990002")),
            ErrorCode::PermissionDenied
        );
        assert_eq!(
            ErrorCode::classify(Some(1001), None),
            ErrorCode::InternalError
        );
        assert_eq!(
            ErrorCode::classify(Some(9999), None),
            ErrorCode::Unknown(9999)
        );
        assert_eq!(
            ErrorCode::classify(None, Some("12072210")),
            ErrorCode::Unknown(12072210)
        );
        assert_eq!(
            ErrorCode::classify(Some(0), Some("11990006")),
            ErrorCode::TooFrequent
        );
        assert_eq!(ErrorCode::InvalidParam.response_codes(), &["11990005"]);
        assert_eq!(ErrorCode::TooFrequent.legacy_code(), None);
    }

    #[test]
    fn excerpts_are_bounded_and_cut_on_characters() {
        let body = "合".repeat(400);
        let e = excerpt(body.as_bytes());
        assert!(e.len() <= EXCERPT_LIMIT + 3);
        assert!(e.ends_with('…'));
        assert!(!e.contains('\u{FFFD}'));
    }
}
