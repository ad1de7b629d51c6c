//! The fault table shared by `qys-blocking/tests/reliability.rs` and
//! `qys-async/tests/reliability.rs` (included by `#[path]` in both): every fault the sandbox
//! injects, on which call, with which client settings. What each frontend does with each row
//! (outcome and attempts) is written down once, in `RELIABILITY.md`, and each suite checks
//! its own column against it.
#![allow(dead_code, unreachable_pub, unused_macros)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::proto::endpoint::{Download, Endpoint, Payload};
use crate::proto::retry::RetryPolicy;
use crate::proto::{BuildError, Context, Error, Limits};
use qys_sandbox::Fault;

use crate::proto::api::miniapp::{ContractViewTicketRequest, Ticket, TicketResult};

/// The JSON call of the table: a view ticket (`POST`, not idempotent).
pub const TICKET: &str = "/v2/contract/miniappexchange/view";
/// The download of the table (`GET`; every answer to it is a fault, so whether the sandbox
/// serves the route does not matter).
pub const DOWNLOAD: &str = "/v2/contract/download";

/// The whole-call timeout of JSON calls (and the head timeout of downloads).
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// The idle timeout between body reads of a download.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(1);
/// The connect timeout (TCP and TLS handshakes), shorter than [`TIMEOUT`] so that a row can
/// tell them apart.
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);
/// The JSON size limit.
pub const MAX_JSON: usize = 64 * 1024;

/// The retry policy of the table: 3 attempts, 10–50 ms backoff, 8 s in all.
pub fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(3)
        .with_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .with_deadline(Duration::from_secs(8))
}

/// The size limits of the table.
pub fn limits() -> Limits {
    Limits {
        max_json_body: MAX_JSON,
    }
}

/// Which call a row makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `execute` of the view-ticket call (not idempotent).
    Ticket,
    /// `execute` of the same call declared idempotent ([`IdempotentView`]).
    IdempotentTicket,
    /// `download_to_path` of [`FileDownload`].
    DownloadToPath,
    /// `execute` of the view-ticket call against [`Env::silent_tls`] (`https://`), a peer that
    /// accepts connections and never answers: the sandbox sees nothing.
    SilentTls,
}

impl Call {
    /// The path the row's faults are injected for.
    pub fn path(self) -> &'static str {
        match self {
            Self::Ticket | Self::IdempotentTicket | Self::SilentTls => TICKET,
            Self::DownloadToPath => DOWNLOAD,
        }
    }

    /// The name in RELIABILITY.md.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ticket => "ticket",
            Self::IdempotentTicket => "idempotent",
            Self::DownloadToPath => "download",
            Self::SilentTls => "silent TLS",
        }
    }
}

/// What a row may need to build its faults.
pub struct Env {
    /// The base URL of a second loopback listener that records every request (the target of
    /// redirects).
    pub elsewhere: String,
    /// An `https://` base URL whose listener accepts connections and never answers (not even
    /// the TLS ClientHello).
    pub silent_tls: String,
}

/// One row of the table.
pub struct Case {
    /// The row's name in RELIABILITY.md.
    pub name: &'static str,
    /// The call.
    pub call: Call,
    /// The faults queued for the call's path, in order, with how many requests each answers.
    pub faults: fn(&Env) -> Vec<(Fault, usize)>,
    /// The call must return within this long (generous: a hang fails, slowness does not).
    pub within: Duration,
    /// The call must not return sooner than this (a server-asked `Retry-After` was honoured).
    pub at_least: Duration,
}

const ENVELOPE_3004: &str =
    r#"{"code":3004,"message":"合同不存在","responseCode":"11011126","result":null}"#;
const ENVELOPE_1001: &str =
    r#"{"code":1001,"message":"ERROR","responseCode":"21990001","result":null}"#;

/// A PDF-looking file of `len` bytes.
pub fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len.saturating_sub(9)).map(|i| b'a' + (i % 26) as u8));
    bytes
}

fn file(len: usize) -> Fault {
    Fault::file("合同 2026.pdf", "application/pdf", pdf(len))
}

/// An HTTP date (IMF-fixdate) `secs` seconds from now.
pub fn http_date_in(secs: u64) -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + secs;
    let (days, rem) = (t / 86_400, t % 86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A JSON envelope whose `Content-Length` says 10 GiB, sent 64 bytes every 200 ms: a client
/// that does not check the length first reads it until its timeout.
fn huge_trickled_envelope() -> Fault {
    Fault::Oversized(10 << 30).trickled(64, Duration::from_millis(200))
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Every row. Names are unique; RELIABILITY.md has one line per name.
pub fn cases() -> Vec<Case> {
    use Call::{DownloadToPath as D, IdempotentTicket as I, Ticket as T};
    let c = |name, call, faults: fn(&Env) -> Vec<(Fault, usize)>, within| Case {
        name,
        call,
        faults,
        within,
        at_least: Duration::ZERO,
    };
    vec![
        c("no fault", T, |_| vec![], secs(5)),
        c("HTML 502", T, |_| vec![(Fault::Html(502), 5)], secs(5)),
        c("HTML 502", I, |_| vec![(Fault::Html(502), 5)], secs(5)),
        c("HTML 503 once", I, |_| vec![(Fault::Html(503), 1)], secs(5)),
        c("HTML 504", T, |_| vec![(Fault::Html(504), 5)], secs(5)),
        c(
            "reset before answering",
            T,
            |_| vec![(Fault::Reset, 5)],
            secs(5),
        ),
        c(
            "reset before answering once",
            I,
            |_| vec![(Fault::Reset, 1)],
            secs(5),
        ),
        c(
            "delay beyond the timeout",
            T,
            |_| vec![(Fault::Delay(secs(6)), 5)],
            TIMEOUT + secs(2),
        ),
        c(
            "delay beyond the timeout once",
            I,
            |_| vec![(Fault::Delay(secs(6)), 1)],
            TIMEOUT * 2 + secs(2),
        ),
        c(
            "delay within the timeout",
            T,
            |_| vec![(Fault::Delay(Duration::from_millis(300)), 1)],
            TIMEOUT + secs(2),
        ),
        c(
            "body cut after the head (truncated)",
            T,
            |_| vec![(Fault::TruncatedBody, 5)],
            secs(5),
        ),
        c(
            "body cut after 10 bytes",
            I,
            |_| {
                vec![(
                    Fault::CutBody {
                        keep: 10,
                        answer: None,
                    },
                    5,
                )]
            },
            secs(5),
        ),
        c(
            "body trickled 16 B / 20 ms",
            T,
            |_| {
                vec![(
                    Fault::Trickle {
                        chunk: 16,
                        interval: Duration::from_millis(20),
                        answer: None,
                    },
                    1,
                )]
            },
            TIMEOUT + secs(2),
        ),
        c(
            "body trickled 1 B / 200 ms (beyond the timeout)",
            T,
            |_| {
                vec![(
                    Fault::Trickle {
                        chunk: 1,
                        interval: Duration::from_millis(200),
                        answer: None,
                    },
                    5,
                )]
            },
            TIMEOUT + secs(2),
        ),
        c(
            "oversized body (256 KiB > 64 KiB limit)",
            I,
            |_| vec![(Fault::Oversized(256 * 1024), 5)],
            secs(5),
        ),
        c(
            "envelope as text/plain",
            T,
            |_| {
                vec![(
                    Fault::ContentType {
                        content_type: "text/plain".into(),
                        answer: None,
                    },
                    1,
                )]
            },
            secs(5),
        ),
        c(
            "success as text/html",
            T,
            |_| {
                vec![(
                    Fault::ContentType {
                        content_type: "text/html;charset=UTF-8".into(),
                        answer: None,
                    },
                    1,
                )]
            },
            secs(5),
        ),
        c(
            "error envelope as text/html",
            T,
            |_| {
                vec![(
                    Fault::Status(200, ENVELOPE_3004.into()).with_content_type("text/html"),
                    1,
                )]
            },
            secs(5),
        ),
        c(
            "invalid UTF-8 in a JSON string",
            T,
            |_| vec![(Fault::InvalidUtf8, 5)],
            secs(5),
        ),
        c(
            "1001 envelope with HTTP 500",
            T,
            |_| vec![(Fault::Status(500, ENVELOPE_1001.into()), 5)],
            secs(5),
        ),
        c(
            "1001 envelope with HTTP 200 once",
            I,
            |_| vec![(Fault::Status(200, ENVELOPE_1001.into()), 1)],
            secs(5),
        ),
        c(
            "429 without Retry-After",
            T,
            |_| vec![(Fault::TooManyRequests(None), 5)],
            secs(5),
        ),
        Case {
            at_least: secs(1),
            ..c(
                "429 Retry-After: 1 once",
                T,
                |_| vec![(Fault::TooManyRequests(Some("1".into())), 1)],
                secs(5),
            )
        },
        Case {
            at_least: Duration::from_millis(500),
            ..c(
                "429 Retry-After: HTTP date in 2 s, once",
                T,
                |_| vec![(Fault::TooManyRequests(Some(http_date_in(2))), 1)],
                secs(6),
            )
        },
        c(
            "429 Retry-After: 3600 (beyond the deadline)",
            T,
            |_| vec![(Fault::TooManyRequests(Some("3600".into())), 5)],
            secs(3),
        ),
        c(
            "302 to another host",
            I,
            |env| vec![(Fault::Redirect(format!("{}{TICKET}", env.elsewhere)), 5)],
            secs(5),
        ),
        c("file", D, |_| vec![(file(100_000), 1)], secs(5)),
        c(
            "error envelope with HTTP 200",
            D,
            |_| vec![(Fault::Status(200, ENVELOPE_3004.into()), 5)],
            secs(5),
        ),
        c(
            "error envelope as text/plain",
            D,
            |_| {
                vec![(
                    Fault::Status(200, ENVELOPE_3004.into()).with_content_type("text/plain"),
                    5,
                )]
            },
            secs(5),
        ),
        c("HTML 503", D, |_| vec![(Fault::Html(503), 5)], secs(5)),
        c(
            "HTML 503 once",
            D,
            |_| vec![(Fault::Html(503), 1), (file(100_000), 1)],
            secs(5),
        ),
        c(
            "reset before answering once",
            D,
            |_| vec![(Fault::Reset, 1), (file(100_000), 1)],
            secs(5),
        ),
        c(
            "file cut after 10 KiB",
            D,
            |_| vec![(file(100_000).cut_after(10 * 1024), 5)],
            secs(5),
        ),
        c(
            "file trickled 4 KiB / 50 ms",
            D,
            |_| vec![(file(40_000).trickled(4096, Duration::from_millis(50)), 1)],
            secs(6),
        ),
        c(
            "file stalls 3 s (idle timeout 1 s)",
            D,
            |_| vec![(file(20_000).trickled(8192, secs(3)), 5)],
            IDLE_TIMEOUT + secs(3),
        ),
        c(
            "oversized error envelope",
            D,
            |_| vec![(Fault::Oversized(256 * 1024), 5)],
            secs(5),
        ),
        c(
            "invalid UTF-8 in a success envelope",
            D,
            |_| vec![(Fault::InvalidUtf8, 5)],
            secs(5),
        ),
        c(
            "delay beyond the head timeout",
            D,
            |_| vec![(Fault::Delay(secs(6)), 5)],
            TIMEOUT * 3 + secs(3),
        ),
        c(
            "JSON answer declaring 10 GiB, trickled",
            I,
            |_| vec![(huge_trickled_envelope(), 5)],
            secs(1),
        ),
        c(
            "error envelope declaring 10 GiB, trickled",
            D,
            |_| vec![(huge_trickled_envelope(), 5)],
            secs(1),
        ),
        c(
            "TLS peer that never answers the ClientHello",
            Call::SilentTls,
            |_| vec![],
            CONNECT_TIMEOUT + Duration::from_millis(900),
        ),
    ]
}

/// How an outcome is written in RELIABILITY.md: `ok`, `Status 502`, `Api TooFrequent (HTTP
/// 429)`, `Transport Timeout`, `Decode`, `Body WriteSink`, `Build InvalidArgument`.
pub fn describe(result: &Result<(), Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(Error::Status(s)) => format!("Status {}", s.status().as_u16()),
        Err(Error::Api(a)) => format!("Api {:?} (HTTP {})", a.kind(), a.http_status().as_u16()),
        Err(Error::Transport(t)) => format!("Transport {:?}", t.kind()),
        Err(Error::Decode(_)) => "Decode".to_owned(),
        Err(Error::Body(b)) => format!("Body {:?}", b.kind()),
        Err(Error::Build(b)) => format!("Build {:?}", b.kind()),
        Err(other) => format!("other: {other}"),
    }
}

/// What one frontend did with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The row's name.
    pub name: String,
    /// The call's name.
    pub call: &'static str,
    /// [`describe`] of the result.
    pub outcome: String,
    /// How many requests the sandbox saw.
    pub attempts: usize,
}

/// The expected `(outcome, attempts)` of each `(fault, call)` row for `frontend` (`blocking` or
/// `async`), read from the table in RELIABILITY.md at the workspace root.
pub fn expected(frontend: &str) -> Vec<Observed> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md");
    let text = std::fs::read_to_string(path).expect("RELIABILITY.md at the workspace root");
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("| fault | call |"));
    let header: Vec<String> = cells(lines.next().expect("the fault table's header"));
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("RELIABILITY.md's table has no column {name:?}"))
    };
    let (o, a) = (
        col(&format!("{frontend} outcome")),
        col(&format!("{frontend} attempts")),
    );
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let c = cells(l);
            let call = match c[1].as_str() {
                "ticket" => "ticket",
                "idempotent" => "idempotent",
                "download" => "download",
                "silent TLS" => "silent TLS",
                other => panic!("unknown call {other:?} in RELIABILITY.md"),
            };
            Observed {
                name: c[0].clone(),
                call,
                outcome: c[o].clone(),
                attempts: c[a].parse().expect("attempts is a number"),
            }
        })
        .collect()
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().trim_matches('`').to_owned())
        .collect()
}

/// Compares what was observed with RELIABILITY.md; on a difference, writes the observed rows
/// to `target/reliability-<frontend>.md` and fails with both.
pub fn check_against_document(frontend: &str, mut observed: Vec<Observed>) {
    let order: Vec<(String, &str)> = cases()
        .iter()
        .map(|c| (c.name.to_owned(), c.call.name()))
        .collect();
    observed.sort_by_key(|o| {
        order
            .iter()
            .position(|(n, c)| *n == o.name && *c == o.call)
            .unwrap_or(usize::MAX)
    });
    let rendered: String = observed
        .iter()
        .map(|o| {
            format!(
                "| {} | {} | `{}` | {} |\n",
                o.name, o.call, o.outcome, o.attempts
            )
        })
        .collect();
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/../target");
    let _ = std::fs::create_dir_all(out);
    let _ = std::fs::write(format!("{out}/reliability-{frontend}.md"), &rendered);
    let expected = expected(frontend);
    assert_eq!(
        expected.len(),
        observed.len(),
        "RELIABILITY.md has {} rows, the table {}; observed:\n{rendered}",
        expected.len(),
        observed.len()
    );
    for (e, o) in expected.iter().zip(&observed) {
        assert_eq!(
            e, o,
            "RELIABILITY.md disagrees with {frontend}; observed:\n{rendered}"
        );
    }
}

/// The view-ticket call declared idempotent, to watch retries of a JSON call.
pub struct IdempotentView(pub ContractViewTicketRequest);

impl IdempotentView {
    const METHOD: http::Method = <ContractViewTicketRequest as qys_proto::endpoint::Route>::METHOD;

    const PATH: &'static str = <ContractViewTicketRequest as qys_proto::endpoint::Route>::PATH;

    const IDEMPOTENT: bool = true;
}

impl qys_proto::endpoint::Check for IdempotentView {
    fn check(&self) -> Result<(), BuildError> {
        qys_proto::endpoint::Check::check(&self.0)
    }
}

impl qys_proto::endpoint::Call for IdempotentView {
    type Result = TicketResult;

    type Response = Ticket;

    fn method(&self) -> http::Method {
        Self::METHOD
    }

    fn path(&self) -> &str {
        Self::PATH
    }

    fn idempotent(&self) -> bool {
        Self::IDEMPOTENT
    }

    fn response(result: TicketResult, context: &Context) -> Ticket {
        ContractViewTicketRequest::response(result, context)
    }
}

impl Endpoint for IdempotentView {
    fn payload(&self) -> Result<Payload, BuildError> {
        self.0.payload()
    }
}

/// A contract download (`GET /v2/contract/download?contractId=…`).
pub struct FileDownload;

impl FileDownload {
    const METHOD: http::Method = http::Method::GET;

    const PATH: &'static str = DOWNLOAD;
}

impl qys_proto::endpoint::Check for FileDownload {}

impl Download for FileDownload {
    fn method(&self) -> http::Method {
        Self::METHOD
    }

    fn path(&self) -> &str {
        Self::PATH
    }

    fn payload(&self) -> Result<Payload, BuildError> {
        Ok(Payload::Query("contractId=3076583214958469120".to_owned()))
    }
}

/// A loopback listener that counts connections and keeps the first bytes of each, for
/// redirect targets: a client that follows a redirect shows up here.
pub struct Recorder {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Recorder {
    /// Starts the listener on its own thread (it lives as long as the test process).
    pub fn start() -> Self {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                let mut buf = vec![0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                sink.lock()
                    .expect("recorder lock")
                    .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            }
        });
        Self { base_url, seen }
    }

    /// What each connection sent first.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("recorder lock").clone()
    }
}

/// Starts a loopback listener that accepts connections and never answers (holding them
/// open for the life of the test process); returns its `https://` base URL.
pub fn silent_tls() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base_url = format!("https://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().collect();
        drop(held);
    });
    base_url
}

/// The entries of a directory, sorted.
pub fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read the download directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

/// A fresh empty directory for one row's download.
pub fn temp_dir(frontend: &str, index: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "qys-reliability-{frontend}-{}-{index}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

/// One row's run, set up: a fresh sandbox with the row's faults injected, an empty directory
/// for the download, and the call to make.
pub struct Run {
    pub sandbox: qys_sandbox::Sandbox,
    pub dir: std::path::PathBuf,
    pub target: std::path::PathBuf,
    pub view: ContractViewTicketRequest,
    pub label: String,
}

/// Sets up row `index` (`case`) for `frontend`'s suite.
pub fn start_run(case: &Case, index: usize, env: &Env, frontend: &str) -> Run {
    let sandbox = qys_sandbox::Sandbox::start().expect("the sandbox starts");
    for (fault, times) in (case.faults)(env) {
        sandbox.inject(case.call.path(), fault, times);
    }
    let view = ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone());
    let dir = temp_dir(frontend, index);
    let target = dir.join("合同.pdf");
    Run {
        sandbox,
        dir,
        target,
        view,
        label: format!("{} / {}", case.name, case.call.name()),
    }
}

/// Checks a row's run (its time against the row's bounds, a fresh nonce per attempt, no file
/// left by a failed download) and says what was observed.
pub fn finish_run(
    case: &Case,
    run: Run,
    result: &Result<(), Error>,
    elapsed: Duration,
) -> Observed {
    let label = &run.label;
    assert!(elapsed <= case.within, "{label}: took {elapsed:?}");
    assert!(elapsed >= case.at_least, "{label}: only {elapsed:?}");
    let path = case.call.path();
    let attempts = run.sandbox.requests_seen(path);
    let nonces = run.sandbox.nonces_seen(path);
    assert_eq!(nonces.len(), attempts, "{label}: every attempt is signed");
    let distinct: std::collections::HashSet<&String> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len(), "{label}: a nonce was re-used");
    if case.call == Call::DownloadToPath {
        let left = entries(&run.dir);
        if result.is_ok() {
            assert_eq!(left, vec!["合同.pdf".to_owned()], "{label}");
        } else {
            assert!(left.is_empty(), "{label}: left {left:?} behind");
        }
    }
    let _ = std::fs::remove_dir_all(&run.dir);
    Observed {
        name: case.name.to_owned(),
        call: case.call.name(),
        outcome: describe(result),
        attempts,
    }
}

/// A client of `$sandbox` with the table's settings (`timeout`, `idle_timeout`, retry policy,
/// limits), for a frontend's `$client` type.
macro_rules! table_client {
    ($client:ident, $sandbox:expr) => {
        table_client!($client, $sandbox.environment(), $sandbox)
    };
    ($client:ident, $environment:expr, $sandbox:expr) => {
        $client::builder($environment, $sandbox.signer())
            .allow_http(true)
            .timeout(table::TIMEOUT)
            .connect_timeout(table::CONNECT_TIMEOUT)
            .idle_timeout(table::IDLE_TIMEOUT)
            .retry_policy(table::policy())
            .limits(table::limits())
            .build()
            .expect("the client builds")
    };
}

/// The retry tests beside the table, written once: `retry_tests!(test, [], [])` for the
/// blocking client, `retry_tests!(tokio::test, [async], [.await])` for the async one.
/// `Client` must be in scope.
macro_rules! retry_tests {
    ($test:meta, [$($kw:tt)*], [$($aw:tt)*]) => {
        /// A client of `sandbox` with the table's retry policy and otherwise the defaults.
        fn retrying_client(sandbox: &qys_sandbox::Sandbox, policy: proto::retry::RetryPolicy) -> Client {
            Client::builder(sandbox.environment(), sandbox.signer())
                .allow_http(true)
                .retry_policy(policy)
                .build()
                .expect("the client builds")
        }

        fn fixture_view(sandbox: &qys_sandbox::Sandbox) -> proto::api::miniapp::ContractViewTicketRequest {
            proto::api::miniapp::ContractViewTicketRequest::by_id(sandbox.fixtures().contract_id.clone())
        }

        #[$test]
        $($kw)* fn a_retried_call_is_signed_afresh_each_time() {
            let sandbox = qys_sandbox::Sandbox::start().expect("the sandbox starts");
            let client = retrying_client(&sandbox, table::policy());
            sandbox.inject(table::TICKET, qys_sandbox::Fault::Html(503), 2);
            client
                .execute(&table::IdempotentView(fixture_view(&sandbox)))
                $($aw)*
                .expect("the third attempt succeeds");
            let nonces = sandbox.nonces_seen(table::TICKET);
            assert_eq!(nonces.len(), 3);
            assert_ne!(nonces[0], nonces[1]);
            assert_ne!(nonces[1], nonces[2]);
            assert_ne!(nonces[0], nonces[2]);
        }

        #[$test]
        $($kw)* fn retry_policy_none_sends_once() {
            let sandbox = qys_sandbox::Sandbox::start().expect("the sandbox starts");
            let client = retrying_client(&sandbox, proto::retry::RetryPolicy::none());
            sandbox.inject(table::TICKET, qys_sandbox::Fault::TooManyRequests(None), 5);
            let err = client
                .execute(&fixture_view(&sandbox))
                $($aw)*
                .expect_err("throttled");
            assert_eq!(err.code(), Some(proto::ErrorCode::TooFrequent), "{err:?}");
            assert_eq!(sandbox.requests_seen(table::TICKET), 1);
        }

        #[$test]
        $($kw)* fn a_retry_after_beyond_the_deadline_is_reported_on_the_error() {
            let sandbox = qys_sandbox::Sandbox::start().expect("the sandbox starts");
            let client = retrying_client(&sandbox, table::policy());
            sandbox.inject(
                table::TICKET,
                qys_sandbox::Fault::TooManyRequests(Some("3600".into())),
                1,
            );
            let err = client
                .execute(&fixture_view(&sandbox))
                $($aw)*
                .expect_err("throttled");
            assert_eq!(
                err.retry_after(),
                Some(std::time::Duration::from_secs(3600)),
                "{err:?}"
            );
            assert_eq!(sandbox.requests_seen(table::TICKET), 1);
        }
    };
}
