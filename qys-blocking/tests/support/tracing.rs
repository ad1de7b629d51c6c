//! The tracing tests of both frontends, written once (included by `#[path]` in
//! `qys-blocking/tests/tracing.rs` and `qys-async/tests/tracing.rs`): a layer that captures
//! every span and event on the test's thread, and [`tracing_tests!`], which stamps the tests
//! for a frontend's `Client` given its test attribute and, for the async one, the `async` and
//! `.await` tokens.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A span as captured: its fields as text, how often it was entered and left, whether it
/// closed.
#[derive(Debug, Clone, Default)]
pub struct SpanRecord {
    pub name: &'static str,
    pub target: String,
    pub fields: BTreeMap<String, String>,
    pub entered: usize,
    pub exited: usize,
    pub closed: bool,
}

/// An event as captured, with the index of its span in [`Captured::spans`].
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub level: Level,
    pub target: String,
    pub span: Option<usize>,
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
pub struct Captured {
    pub spans: Vec<SpanRecord>,
    pub events: Vec<EventRecord>,
}

/// Where a span's record is, kept in the span's extensions.
struct Index(usize);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// The capturing layer; clones share what was captured.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Captured>>);

impl Capture {
    /// Captures everything (every level, every target) on this thread until the guard drops.
    pub fn install() -> (Self, DefaultGuard) {
        let capture = Self::default();
        let subscriber = tracing_subscriber::registry().with(capture.clone());
        (capture, tracing::subscriber::set_default(subscriber))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Captured) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The `qys` call spans.
    pub fn calls(&self) -> Vec<SpanRecord> {
        self.with(|c| {
            c.spans
                .iter()
                .filter(|s| s.target == "qys" && s.name == "call")
                .cloned()
                .collect()
        })
    }

    /// The one `qys` call span (panics unless there is exactly one).
    pub fn call(&self) -> SpanRecord {
        let calls = self.calls();
        assert_eq!(calls.len(), 1, "one call span: {calls:#?}");
        calls.into_iter().next().unwrap()
    }

    /// The `qys` events, in order, each with the fields of its span.
    pub fn events(&self) -> Vec<(EventRecord, Option<SpanRecord>)> {
        self.with(|c| {
            c.events
                .iter()
                .filter(|e| e.target == "qys")
                .map(|e| (e.clone(), e.span.map(|i| c.spans[i].clone())))
                .collect()
        })
    }

    /// Every name and value captured, from any target, as one text.
    pub fn text(&self) -> String {
        self.with(|c| {
            let spans = c.spans.iter().map(|s| &s.fields);
            let events = c.events.iter().map(|e| &e.fields);
            spans
                .chain(events)
                .flat_map(|f| f.iter())
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect()
        })
    }

    /// Nothing captured holds a secret: the given values, or any signature (32 hex digits in
    /// a row: the MD5 signature headers of this platform).
    pub fn assert_no_secrets(&self, secrets: &[&str]) {
        let text = self.text();
        assert!(!text.is_empty());
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} was traced:\n{text}");
        }
        let mut run = 0;
        for c in text.chars() {
            run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
            assert!(run < 32, "a signature-like value was traced:\n{text}");
        }
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut record = SpanRecord {
            name: attrs.metadata().name(),
            target: attrs.metadata().target().to_owned(),
            ..SpanRecord::default()
        };
        attrs.record(&mut Fields(&mut record.fields));
        let index = self.with(|c| {
            c.spans.push(record);
            c.spans.len() - 1
        });
        ctx.span(id).unwrap().extensions_mut().insert(Index(index));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let index = index(&ctx, id);
        self.with(|c| values.record(&mut Fields(&mut c.spans[index].fields)));
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let span = ctx
            .event_span(event)
            .and_then(|s| s.extensions().get::<Index>().map(|i| i.0));
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let record = EventRecord {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            span,
            fields,
        };
        self.with(|c| c.events.push(record));
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        let index = index(&ctx, id);
        self.with(|c| c.spans[index].entered += 1);
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        let index = index(&ctx, id);
        self.with(|c| c.spans[index].exited += 1);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let index = index(&ctx, &id);
        self.with(|c| c.spans[index].closed = true);
    }
}

fn index<S: Subscriber + for<'a> LookupSpan<'a>>(ctx: &Context<'_, S>, id: &Id) -> usize {
    ctx.span(id).unwrap().extensions().get::<Index>().unwrap().0
}

/// A field of a captured span or event, parsed.
pub fn field<T: std::str::FromStr>(fields: &BTreeMap<String, String>, name: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    let value = fields
        .get(name)
        .unwrap_or_else(|| panic!("no field {name} in {fields:?}"));
    value
        .parse()
        .unwrap_or_else(|e| panic!("field {name} = {value:?}: {e:?}"))
}

/// Checks a finished call span: method, path, attempts, the last status, a total time, entered
/// as often as left (so it wrapped the call's work), closed.
pub fn check_call(span: &SpanRecord, method: &str, path: &str, attempts: u32, status: u16) {
    assert_eq!(span.fields["method"], method, "{span:?}");
    assert_eq!(span.fields["path"], path, "{span:?}");
    assert_eq!(field::<u32>(&span.fields, "attempts"), attempts, "{span:?}");
    assert_eq!(field::<u16>(&span.fields, "status"), status, "{span:?}");
    assert!(field::<f64>(&span.fields, "elapsed_ms") >= 0.0, "{span:?}");
    assert!(span.fields["token"].contains("***"), "{span:?}");
    assert!(
        span.entered >= 1,
        "the call did not run inside its span: {span:?}"
    );
    assert_eq!(span.entered, span.exited, "{span:?}");
    assert!(span.closed, "{span:?}");
}

/// Checks the events of the one call captured: an `attempt ended` per nonce the sandbox saw,
/// in order, in the call's span, each with its number; and a `retrying` warning after every
/// attempt but the last, with the same nonce, a reason and a delay. Returns the attempts.
pub fn check_attempts(capture: &Capture, nonces: &[String]) -> Vec<EventRecord> {
    let events: Vec<EventRecord> = capture
        .events()
        .into_iter()
        .map(|(e, span)| {
            let span = span.expect("the event is in a span");
            assert_eq!(span.name, "call", "{e:?}");
            e
        })
        .collect();
    let of = |level: Level, message: &str| -> Vec<EventRecord> {
        let of: Vec<_> = events
            .iter()
            .filter(|e| e.fields["message"] == message)
            .cloned()
            .collect();
        assert!(of.iter().all(|e| e.level == level), "{of:#?}");
        of
    };
    let attempts = of(Level::DEBUG, "attempt ended");
    let retries = of(Level::WARN, "retrying");
    assert_eq!(attempts.len(), nonces.len(), "{events:#?}");
    assert_eq!(retries.len(), nonces.len() - 1, "{events:#?}");
    for (i, (event, nonce)) in attempts.iter().zip(nonces).enumerate() {
        assert_eq!(field::<usize>(&event.fields, "attempt"), i + 1, "{event:?}");
        assert_eq!(&event.fields["nonce"], nonce, "{event:?}");
        assert!(
            field::<f64>(&event.fields, "elapsed_ms") >= 0.0,
            "{event:?}"
        );
    }
    for (i, retry) in retries.iter().enumerate() {
        assert_eq!(field::<usize>(&retry.fields, "attempt"), i + 1, "{retry:?}");
        assert_eq!(retry.fields["nonce"], nonces[i], "{retry:?}");
        assert_eq!(
            retry.fields["reason"], attempts[i].fields["error"],
            "{retry:?}"
        );
        assert!(
            field::<f64>(&retry.fields, "retry_in_ms") > 0.0,
            "{retry:?}"
        );
    }
    attempts
}

/// Stamps the tests: `tracing_tests!(test, [], [])` for the blocking client,
/// `tracing_tests!(tokio::test, [async], [.await])` for the async one. The frontend's
/// `Client` and `common` must be in scope.
macro_rules! tracing_tests {
    ($test:meta, [$($kw:tt)*], [$($aw:tt)*]) => {
        use std::io::Cursor;

        use qys_sandbox::{Fault, Sandbox};
        use crate::tracing_support::{Capture, check_attempts, check_call, field};

        const DETAIL: &str = "/v2/contract/detail";
        const DOWNLOAD: &str = "/v2/contract/download";

        /// A capture on this thread, a fresh sandbox and a client for it.
        fn start() -> (Capture, tracing::subscriber::DefaultGuard, Sandbox, Client) {
            let (capture, guard) = Capture::install();
            let sandbox = common::sandbox();
            let client = common::client(&sandbox);
            (capture, guard, sandbox, client)
        }

        /// Everything secret in the sandbox's set-up: tokens, secrets, the callback key.
        fn assert_no_secrets(capture: &Capture, sandbox: &Sandbox) {
            let app = sandbox.credentials();
            let agent = sandbox.agent_credentials();
            let key = sandbox.callback_secret_key();
            capture.assert_no_secrets(&[
                app.token(),
                app.secret().expose(),
                agent.token(),
                agent.secret().expose(),
                key.expose(),
            ]);
        }

        fn detail(sandbox: &Sandbox) -> qys_proto::api::contract::ContractDetailRequest {
            qys_proto::api::contract::ContractDetailRequest::new(
                sandbox.fixtures().contract_id.clone(),
            )
        }

        #[$test]
        $($kw)* fn a_call_is_one_span_with_an_event_per_attempt() {
            let (capture, _guard, sandbox, client) = start();
            client.execute(&detail(&sandbox))$($aw)*.expect("the detail");
            let span = capture.call();
            check_call(&span, "GET", DETAIL, 1, 200);
            assert!(!span.fields.contains_key("code"), "{span:?}");
            check_attempts(&capture, &sandbox.nonces_seen(DETAIL));
            assert_no_secrets(&capture, &sandbox);
        }

        #[$test]
        $($kw)* fn a_retry_is_a_warning_with_its_reason_and_delay() {
            let (capture, _guard, sandbox, client) = start();
            sandbox.inject(DETAIL, Fault::Html(502), 1);
            client.execute(&detail(&sandbox))$($aw)*.expect("the detail, second time");
            check_call(&capture.call(), "GET", DETAIL, 2, 200);
            let nonces = sandbox.nonces_seen(DETAIL);
            assert_eq!(nonces.len(), 2);
            assert_ne!(nonces[0], nonces[1]);
            let attempts = check_attempts(&capture, &nonces);
            assert_eq!(field::<u16>(&attempts[0].fields, "status"), 502);
            assert!(attempts[0].fields["error"].contains("502"), "{attempts:?}");
            assert_no_secrets(&capture, &sandbox);
        }

        #[$test]
        $($kw)* fn a_failed_call_records_the_platform_code_and_the_error() {
            let (capture, _guard, sandbox, client) = start();
            let envelope = r#"{"code":3004,"message":"合同不存在","responseCode":"11011126"}"#;
            sandbox.inject(DETAIL, Fault::Status(200, envelope.to_owned()), 1);
            let err = client.execute(&detail(&sandbox))$($aw)*.expect_err("an API error");
            let span = capture.call();
            check_call(&span, "GET", DETAIL, 1, 200);
            assert_eq!(span.fields["code"], "3004", "{span:?}");
            let attempts = check_attempts(&capture, &sandbox.nonces_seen(DETAIL));
            assert!(attempts[0].fields["error"].contains("合同不存在"), "{attempts:?}");
            assert!(err.to_string().contains("合同不存在"), "{err}");
            assert_no_secrets(&capture, &sandbox);
        }

        #[$test]
        $($kw)* fn retries_to_the_end_warn_each_time_then_fail() {
            let (capture, _guard, sandbox, client) = start();
            sandbox.inject(DETAIL, Fault::Reset, 10);
            client.execute(&detail(&sandbox))$($aw)*.expect_err("the connection resets");
            let span = capture.call();
            let nonces = sandbox.nonces_seen(DETAIL);
            assert_eq!(nonces.len(), 3, "the default policy makes 3 attempts");
            assert_eq!(field::<u32>(&span.fields, "attempts"), 3, "{span:?}");
            assert!(!span.fields.contains_key("status"), "no answer came: {span:?}");
            let attempts = check_attempts(&capture, &nonces);
            assert!(attempts.iter().all(|a| a.fields.contains_key("error")), "{attempts:?}");
            assert_no_secrets(&capture, &sandbox);
        }

        #[$test]
        $($kw)* fn a_download_records_the_bytes_of_its_file() {
            use qys_proto::api::contract::ContractDownloadRequest;

            let (capture, _guard, sandbox, client) = start();
            let file: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
            sandbox.inject(DOWNLOAD, Fault::file("合同.pdf", "application/pdf", file.clone()), 1);
            let request = ContractDownloadRequest::new(sandbox.fixtures().contract_id.clone());
            let mut sink = Vec::new();
            client.download_to(&request, &mut sink)$($aw)*.expect("the file");
            assert_eq!(sink, file);
            let span = capture.call();
            check_call(&span, "GET", DOWNLOAD, 1, 200);
            assert_eq!(field::<u64>(&span.fields, "bytes_received"), 70_000, "{span:?}");
            check_attempts(&capture, &sandbox.nonces_seen(DOWNLOAD));
            assert_no_secrets(&capture, &sandbox);
        }

        #[$test]
        $($kw)* fn a_ticket_call_and_an_upload_are_traced_without_secrets() {
            use qys_proto::api::miniapp::{
                CompanyAuthLicenseTicketRequest, ContractSignTicketRequest,
            };
            use qys_proto::types::User;
            use qys_proto::multipart::UploadFile;

            let (capture, _guard, sandbox, client) = start();
            let fixtures = sandbox.fixtures();
            let ticket = ContractSignTicketRequest::new(fixtures.contract_id.clone(), fixtures.signer.clone());
            let minted = client.execute(&ticket)$($aw)*.expect("a ticket");
            let license = UploadFile::new("营业执照.png", 5000, Cursor::new(vec![7u8; 5000]));
            let mut upload = CompanyAuthLicenseTicketRequest::new(
                "青岛测试科技有限公司",
                User::mobile("13900000020"),
                license,
            );
            let licensed = client.upload(&mut upload)$($aw)*.expect("an upload");
            let calls = capture.calls();
            assert_eq!(calls.len(), 2, "{calls:#?}");
            assert!(field::<u64>(&calls[1].fields, "bytes_sent") > 5000, "{calls:?}");
            // The tickets are bearer credentials of the plugin: not traced either.
            assert_no_secrets(&capture, &sandbox);
            for t in [minted.value(), licensed.value()] {
                assert!(!capture.text().contains(t), "a ticket was traced");
            }
        }
    };
}
