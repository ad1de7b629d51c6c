//! Callback delivery: the sandbox POSTs the callbacks the platform owes the integrator (spec
//! §14) to their URLs, retries them on a schedule, and records what happened.
//!
//! # How a callback travels
//!
//! 1. A handler changes state and calls `State::emit(kind, url, fields)`.
//! 2. After the handler returns, the server takes the outbox and hands it to [`Outbox::submit`]
//!    together with a snapshot of the app settings (`/company/token/*`): the URL is resolved
//!    (the event's own URL, else the app-level `callbackUrl`), the protection is fixed (plain
//!    form, or signed with AES content), a [`Delivery`] record is created (`Pending`) and the
//!    job is queued without waiting (a bounded queue; when it is full the callback is recorded
//!    as undeliverable rather than blocking the request).
//! 3. One delivery task per sandbox takes the jobs in order and makes each one's first attempt
//!    in turn (so a healthy receiver sees callbacks in the order the changes happened). A job
//!    whose first attempt fails continues on its own task, on the retry schedule, while later
//!    jobs go ahead.
//! 4. An attempt is one `POST` with `Content-Type: application/x-www-form-urlencoded`, a
//!    5-second timeout for the whole exchange, no redirects followed. Success is any `2xx`
//!    (for personal-signature authorization callbacks, any status below 400, as §14.5
//!    documents). The body of the answer is not required to be the documented one
//!    (`success`, `{"code":0}`, `{"responseCode":"00000000"}`): the sandbox keeps an excerpt
//!    in [`Delivery::last_reply`] for tests to check.
//! 5. Signed callbacks are signed afresh at each attempt (new `timestamp`), so a retry hours
//!    later still passes a receiver's freshness window. ⚠ Whether the platform re-signs its
//!    retries is not documented.
//!
//! # What is sent
//!
//! | app `encrypt` | kind | body |
//! | --- | --- | --- |
//! | off | contract, company/personal auth, seal review | the event's fields as a plain form (objects such as `authInfo` and `detail` as JSON text), no signature (§14.1–§14.4) |
//! | on | contract, company/personal auth, seal review | `content` = Base64(AES(event JSON)), `signature` = md5(`timestamp` + key), `timestamp` |
//! | either | personal-signature authorization | `content` = the event JSON in the clear, signed the same way (§14.5) |
//!
//! ⚠ The vendor documents encryption only on the contract-callback page; the sandbox applies
//! the app setting to every kind but §14.5's, and signs §14.5 callbacks with the
//! `callbackSecretKey` (the vendor does not say which key).
//!
//! Only plain `http://` URLs are called (the sandbox has no TLS client): an `https://` URL is
//! recorded as undeliverable. Requests go to the URL given and nowhere else.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, USER_AGENT};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use md5::{Digest, Md5};
use qys_proto::Secret;
use qys_proto::callback::Cipher;
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::SandboxClock;
use crate::server::lock;
use crate::state::{CallbackKind, OutgoingCallback};

/// How long one attempt may take, connect to last byte of the answer's head and body.
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many jobs may wait for their first attempt; beyond it, callbacks are recorded as
/// undeliverable.
const QUEUE_CAP: usize = 1024;

/// How many jobs may be retrying at once; beyond it, a failed first attempt gives up at once.
const RETRYING_CAP: usize = 1024;

/// How many delivery records are kept; beyond it the oldest are forgotten.
const RECORD_CAP: usize = 10_000;

/// The most bytes of a receiver's answer kept in [`Delivery::last_reply`].
const REPLY_EXCERPT: usize = 256;

/// The most bytes of a receiver's answer read at all.
const REPLY_LIMIT: usize = 64 * 1024;

impl CallbackKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::ContractStatus,
        Self::CompanyAuth,
        Self::PersonalAuth,
        Self::SealReview,
        Self::PersonalSignAuth,
    ];

    fn index(self) -> usize {
        match self {
            Self::ContractStatus => 0,
            Self::CompanyAuth => 1,
            Self::PersonalAuth => 2,
            Self::SealReview => 3,
            Self::PersonalSignAuth => 4,
        }
    }

    /// Whether an answer with this HTTP status counts as received.
    fn accepts(self, status: u16) -> bool {
        match self {
            // §14.5: "any HTTP status below 400 is success" (redirects are not followed).
            Self::PersonalSignAuth => (200..400).contains(&status),
            _ => (200..300).contains(&status),
        }
    }
}

/// When failed callbacks are tried again: the delays between attempts, per kind (the first
/// attempt is immediate; `n` delays mean up to `n + 1` attempts).
///
/// The default, [`CallbackSchedule::DEFAULT_DELAYS`] for every kind, is short so that tests
/// see retries and give-ups quickly. [`CallbackSchedule::platform_like`] is the platform's
/// documented schedule (spec §14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackSchedule {
    delays: [Vec<Duration>; 5],
}

impl CallbackSchedule {
    /// The default delays: 100 ms, 200 ms, 400 ms (4 attempts within about a second).
    pub const DEFAULT_DELAYS: [Duration; 3] = [
        Duration::from_millis(100),
        Duration::from_millis(200),
        Duration::from_millis(400),
    ];

    /// The same delays for every kind.
    pub fn uniform(delays: Vec<Duration>) -> Self {
        Self {
            delays: std::array::from_fn(|_| delays.clone()),
        }
    }

    /// No retries: one attempt per callback.
    pub fn none() -> Self {
        Self::uniform(Vec::new())
    }

    /// The platform's schedules as its pages document them:
    ///
    /// - contract status (§14.1): 7 more attempts after 5 min, 2 h, 2 h, 2 h, 2 h, 12 h, 24 h;
    /// - company and personal authentication (§14.2, §14.3): "immediately once, then twice
    ///   after 1 minute", read as 3 more attempts after 0 s, 1 min, 1 min;
    /// - image seal review (§14.4) and personal-signature authorization (§14.5): 4 more
    ///   attempts after 5 min, 2 h, 12 h, 24 h (the seal page also says "after 5 callbacks").
    ///
    /// ⚠ Whether each delay counts from the previous attempt (as here) or from the first is not
    /// documented.
    pub fn platform_like() -> Self {
        const MIN: u64 = 60;
        const HOUR: u64 = 60 * MIN;
        let secs = |v: &[u64]| {
            v.iter()
                .map(|s| Duration::from_secs(*s))
                .collect::<Vec<_>>()
        };
        let contract = secs(&[
            5 * MIN,
            2 * HOUR,
            2 * HOUR,
            2 * HOUR,
            2 * HOUR,
            12 * HOUR,
            24 * HOUR,
        ]);
        let auth = secs(&[0, MIN, MIN]);
        let long = secs(&[5 * MIN, 2 * HOUR, 12 * HOUR, 24 * HOUR]);
        Self {
            delays: [contract, auth.clone(), auth, long.clone(), long],
        }
    }

    /// Replaces the delays of one kind.
    #[must_use]
    pub fn with(mut self, kind: CallbackKind, delays: Vec<Duration>) -> Self {
        self.delays[kind.index()] = delays;
        self
    }

    /// The delays of one kind.
    pub fn delays(&self, kind: CallbackKind) -> &[Duration] {
        &self.delays[kind.index()]
    }
}

impl Default for CallbackSchedule {
    fn default() -> Self {
        Self::uniform(Self::DEFAULT_DELAYS.to_vec())
    }
}

impl From<Vec<Duration>> for CallbackSchedule {
    fn from(delays: Vec<Duration>) -> Self {
        Self::uniform(delays)
    }
}

/// Where a callback's delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// Queued, being tried, or waiting for a retry.
    Pending,
    /// The receiver accepted it.
    Delivered,
    /// Every attempt of the schedule failed.
    GaveUp,
    /// Never tried, for this reason: no URL (neither the event's nor the app's), a URL the
    /// sandbox cannot call (`https://`, malformed), or a full queue.
    Undeliverable(String),
}

/// One callback the sandbox owed and what became of it ([`Sandbox::deliveries`]).
///
/// [`Sandbox::deliveries`]: crate::Sandbox::deliveries
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// Its number, from 1, in the order the callbacks were owed.
    pub id: u64,
    /// The kind.
    pub kind: CallbackKind,
    /// The URL it goes to (the event's own, else the app-level one); `None` when there was
    /// neither.
    pub url: Option<String>,
    /// The event's fields, in the clear (what the receiver gets after decrypting).
    pub fields: Map<String, Value>,
    /// Whether it was sent signed (`signature`, `timestamp`, `content`).
    pub signed: bool,
    /// Whether its `content` was AES-encrypted.
    pub encrypted: bool,
    /// How many attempts were made so far.
    pub attempts: u32,
    /// The HTTP status of the last answer, if the last attempt got one.
    pub last_status: Option<u16>,
    /// Why the last attempt failed without an answer (connection refused, timeout, ...).
    pub last_error: Option<String>,
    /// The start of the last answer's body (at most 256 bytes, lossy UTF-8).
    pub last_reply: Option<String>,
    /// Where it stands.
    pub outcome: DeliveryOutcome,
}

impl Delivery {
    /// Whether the receiver accepted it.
    pub fn delivered(&self) -> bool {
        self.outcome == DeliveryOutcome::Delivered
    }

    /// Whether it is settled: delivered, given up or undeliverable.
    pub fn settled(&self) -> bool {
        self.outcome != DeliveryOutcome::Pending
    }
}

/// The records of every delivery, with a condition variable for waiters.
#[derive(Debug, Default)]
pub(crate) struct Log {
    records: Mutex<Records>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct Records {
    list: VecDeque<Delivery>,
    next_id: u64,
}

impl Log {
    fn add(&self, mut delivery: Delivery) -> u64 {
        let mut records = lock(&self.records);
        records.next_id += 1;
        let id = records.next_id;
        delivery.id = id;
        if records.list.len() >= RECORD_CAP {
            records.list.pop_front();
        }
        records.list.push_back(delivery);
        drop(records);
        self.changed.notify_all();
        id
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut Delivery)) {
        let mut records = lock(&self.records);
        let first = records.list.front().map_or(0, |d| d.id);
        if let Some(at) = id.checked_sub(first).and_then(|i| usize::try_from(i).ok())
            && let Some(d) = records.list.get_mut(at)
            && d.id == id
        {
            f(d);
        }
        drop(records);
        self.changed.notify_all();
    }

    /// Every record, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<Delivery> {
        lock(&self.records).list.iter().cloned().collect()
    }

    /// Waits until `done` holds for the records, or `timeout` passes; answers whether it held.
    pub(crate) fn wait(
        &self,
        timeout: Duration,
        done: impl Fn(&VecDeque<Delivery>) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        let mut records = lock(&self.records);
        loop {
            if done(&records.list) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            records = self
                .changed
                .wait_timeout(records, left)
                .map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
        }
    }
}

/// How the body of one callback is made.
#[derive(Clone)]
enum Protection {
    /// The fields as a plain form.
    Plain,
    /// `content` (the event JSON under this cipher), signed with the key.
    Signed { key: Secret, cipher: Cipher },
}

/// One callback to deliver.
pub(crate) struct Job {
    id: u64,
    kind: CallbackKind,
    uri: http::Uri,
    fields: Map<String, Value>,
    protection: Protection,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// The form body, signed at `now_ms` when signed.
    fn body(&self, now_ms: u64) -> Result<String, String> {
        match &self.protection {
            Protection::Plain => {
                let texts: Vec<(&str, String)> = self
                    .fields
                    .iter()
                    .filter_map(|(k, v)| form_text(v).map(|t| (k.as_str(), t)))
                    .collect();
                Ok(qys_proto::query::to_query_string(
                    texts.iter().map(|(k, v)| (*k, v.as_str())),
                ))
            }
            Protection::Signed { key, cipher } => {
                let json = Value::Object(self.fields.clone()).to_string();
                signed_form(key, cipher, now_ms, &json)
            }
        }
    }
}

/// The signed form body the platform sends when encryption is on:
/// `content=<sealed JSON>&signature=<md5_hex(timestamp + key)>&timestamp=<Unix ms>`. The
/// sandbox's own producer, so that qys-proto's receiver is checked against independent code.
fn signed_form(
    key: &Secret,
    cipher: &Cipher,
    timestamp_ms: u64,
    json: &str,
) -> Result<String, String> {
    let content = seal(key, cipher, json)?;
    let timestamp = timestamp_ms.to_string();
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(key.expose().as_bytes());
    let signature = hex::encode(md5.finalize());
    Ok(qys_proto::query::to_query_string([
        ("content", content.as_str()),
        ("signature", signature.as_str()),
        ("timestamp", timestamp.as_str()),
    ]))
}

/// The callback `content`: the JSON in the clear ([`Cipher::Plain`]), or Base64 (standard
/// alphabet, padded) of AES-128 in ECB or CBC mode with PKCS#7 padding, the key being the 16
/// UTF-8 bytes of the `callbackSecretKey`.
fn seal(key: &Secret, cipher: &Cipher, plaintext: &str) -> Result<String, String> {
    use aes::Aes128;
    use aes::cipher::block_padding::Pkcs7;
    use aes::cipher::{BlockModeEncrypt, KeyInit, KeyIvInit};
    use base64::Engine as _;
    let bad_key = |_| "the callback key is not 16 bytes (an AES-128 key)".to_owned();
    let len = plaintext.len();
    // PKCS#7 always adds 1 to 16 bytes.
    let mut buf = vec![0u8; (len / 16 + 1) * 16];
    buf[..len].copy_from_slice(plaintext.as_bytes());
    let key = key.expose().as_bytes();
    let sealed = match cipher {
        Cipher::Plain => return Ok(plaintext.to_owned()),
        Cipher::AesEcb => ecb::Encryptor::<Aes128>::new_from_slice(key)
            .map_err(bad_key)?
            .encrypt_padded::<Pkcs7>(&mut buf, len)
            .map(<[u8]>::len),
        Cipher::AesCbc { iv } => cbc::Encryptor::<Aes128>::new_from_slices(key, iv)
            .map_err(bad_key)?
            .encrypt_padded::<Pkcs7>(&mut buf, len)
            .map(<[u8]>::len),
        other => return Err(format!("the sandbox cannot send {other:?} content")),
    }
    .map_err(|_| "the padding did not fit".to_owned())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(&buf[..sealed]))
}

/// A field's value as form text: strings as they are, numbers and booleans in their JSON
/// spelling, objects and lists as JSON text, `null` left out.
fn form_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The app settings a batch of callbacks is sent under.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) callback_url: Option<String>,
    pub(crate) encrypt: bool,
    pub(crate) cipher: Cipher,
    pub(crate) key: Secret,
}

/// The submitting side of delivery, shared by the connections: queues jobs and keeps the log.
#[derive(Debug)]
pub(crate) struct Outbox {
    tx: mpsc::Sender<Job>,
    pub(crate) log: Arc<Log>,
}

impl Outbox {
    /// The outbox and the receiving end for [`run`].
    pub(crate) fn new() -> (Self, mpsc::Receiver<Job>) {
        let (tx, rx) = mpsc::channel(QUEUE_CAP);
        (
            Self {
                tx,
                log: Arc::new(Log::default()),
            },
            rx,
        )
    }

    /// Records and queues `callbacks` under `settings`. Never waits.
    pub(crate) fn submit(&self, callbacks: Vec<OutgoingCallback>, settings: &Settings) {
        for callback in callbacks {
            let url = callback
                .url
                .filter(|u| !u.trim().is_empty())
                .or_else(|| settings.callback_url.clone())
                .map(|u| u.trim().to_owned());
            let protection = match callback.kind {
                CallbackKind::PersonalSignAuth => Protection::Signed {
                    key: settings.key.clone(),
                    cipher: Cipher::Plain,
                },
                _ if settings.encrypt => Protection::Signed {
                    key: settings.key.clone(),
                    cipher: settings.cipher.clone(),
                },
                _ => Protection::Plain,
            };
            let (signed, encrypted) = match &protection {
                Protection::Plain => (false, false),
                Protection::Signed { cipher, .. } => (true, cipher.is_encrypted()),
            };
            let target = match &url {
                None => Err("no callback URL: the event named none and the app has none (set it with /company/token/update/callback)".to_owned()),
                Some(u) => parse_target(u),
            };
            let id = self.log.add(Delivery {
                id: 0,
                kind: callback.kind,
                url,
                fields: callback.fields.clone(),
                signed,
                encrypted,
                attempts: 0,
                last_status: None,
                last_error: None,
                last_reply: None,
                outcome: match &target {
                    Ok(_) => DeliveryOutcome::Pending,
                    Err(reason) => DeliveryOutcome::Undeliverable(reason.clone()),
                },
            });
            let Ok(uri) = target else { continue };
            let job = Job {
                id,
                kind: callback.kind,
                uri,
                fields: callback.fields,
                protection,
            };
            if self.tx.try_send(job).is_err() {
                self.log.update(id, |d| {
                    d.outcome = DeliveryOutcome::Undeliverable(
                        "the delivery queue is full (or the sandbox is stopping)".to_owned(),
                    );
                });
            }
        }
    }
}

/// The URI of a callback URL the sandbox can call: absolute `http://` with a host.
fn parse_target(url: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|_| format!("the callback URL {url:?} is not a valid URL"))?;
    match uri.scheme_str() {
        Some("http") if uri.host().is_some_and(|h| !h.is_empty()) => Ok(uri),
        Some("https") => Err(format!(
            "the callback URL {url:?} is https; the sandbox delivers over plain http only"
        )),
        _ => Err(format!(
            "the callback URL {url:?} is not an absolute http:// URL"
        )),
    }
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The delivery task: runs until the sandbox's runtime stops (pending deliveries are dropped
/// with it; nothing waits for them).
pub(crate) async fn run(
    mut jobs: mpsc::Receiver<Job>,
    log: Arc<Log>,
    schedule: CallbackSchedule,
    clock: SandboxClock,
) {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(ATTEMPT_TIMEOUT));
    connector.set_nodelay(true);
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector);
    let mut retrying = JoinSet::new();
    while let Some(job) = jobs.recv().await {
        while retrying.try_join_next().is_some() {}
        if attempt(&client, &log, &job, &clock).await {
            continue;
        }
        let delays = schedule.delays(job.kind).to_vec();
        if delays.is_empty() || retrying.len() >= RETRYING_CAP {
            log.update(job.id, |d| d.outcome = DeliveryOutcome::GaveUp);
            continue;
        }
        let (client, log, clock) = (client.clone(), Arc::clone(&log), clock.clone());
        retrying.spawn(async move {
            for delay in delays {
                tokio::time::sleep(delay).await;
                if attempt(&client, &log, &job, &clock).await {
                    return;
                }
            }
            log.update(job.id, |d| d.outcome = DeliveryOutcome::GaveUp);
        });
    }
}

/// One attempt; records it and answers whether the receiver accepted the callback.
async fn attempt(client: &HttpClient, log: &Log, job: &Job, clock: &SandboxClock) -> bool {
    let body = match job.body(clock.unix_ms()) {
        Ok(b) => b,
        Err(e) => {
            log.update(job.id, |d| {
                d.outcome =
                    DeliveryOutcome::Undeliverable(format!("the body could not be made: {e}"));
            });
            return true;
        }
    };
    let request = http::Request::post(job.uri.clone())
        .header(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded;charset=UTF-8",
        )
        .header(
            USER_AGENT,
            concat!("qys-sandbox/", env!("CARGO_PKG_VERSION")),
        )
        .body(Full::new(Bytes::from(body)));
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            log.update(job.id, |d| {
                d.outcome = DeliveryOutcome::Undeliverable(format!("bad request: {e}"));
            });
            return true;
        }
    };
    let exchange = async {
        let response = client.request(request).await?;
        let status = response.status().as_u16();
        // The answer's body is read (bounded) for the record; a failure to read it does not
        // change the verdict, which is the status.
        let reply = Limited::new(response.into_body(), REPLY_LIMIT)
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        Ok::<_, hyper_util::client::legacy::Error>((status, reply))
    };
    let outcome = tokio::time::timeout(ATTEMPT_TIMEOUT, exchange).await;
    let mut accepted = false;
    log.update(job.id, |d| {
        d.attempts += 1;
        match outcome {
            Ok(Ok((status, reply))) => {
                d.last_status = Some(status);
                d.last_error = None;
                let cut = &reply[..reply.len().min(REPLY_EXCERPT)];
                d.last_reply = Some(String::from_utf8_lossy(cut).into_owned());
                accepted = job.kind.accepts(status);
            }
            Ok(Err(e)) => {
                d.last_status = None;
                d.last_reply = None;
                d.last_error = Some(describe(&e));
            }
            Err(_) => {
                d.last_status = None;
                d.last_reply = None;
                d.last_error = Some(format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs()));
            }
        }
        if accepted {
            d.outcome = DeliveryOutcome::Delivered;
        }
    });
    accepted
}

/// The error and its causes, on one line.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(protection: Protection, fields: Map<String, Value>) -> Job {
        Job {
            id: 1,
            kind: CallbackKind::CompanyAuth,
            uri: "http://127.0.0.1:1/cb".parse().unwrap(),
            fields,
            protection,
        }
    }

    #[test]
    fn content_is_sealed_as_the_vendor_documents() {
        // The vendor's example: "testStr" under this key, AES-128-ECB, PKCS#7, Base64.
        let key = Secret::new("5f6db7ec8325aAGF");
        assert_eq!(
            seal(&key, &Cipher::AesEcb, "testStr").unwrap(),
            "UoYYii0CN0bJyDcdkgf/iA=="
        );
        assert_eq!(seal(&key, &Cipher::Plain, "{}").unwrap(), "{}");
        let cbc = Cipher::cbc(b"0123456789abcdef").unwrap();
        assert_ne!(
            seal(&key, &cbc, "testStr").unwrap(),
            seal(&key, &Cipher::AesEcb, "testStr").unwrap()
        );
        assert!(seal(&Secret::new("short"), &Cipher::AesEcb, "x").is_err());
        let form = signed_form(&key, &Cipher::AesEcb, 1_700_000_000_000, "testStr").unwrap();
        assert_eq!(
            form,
            format!(
                "content=UoYYii0CN0bJyDcdkgf%2FiA%3D%3D&signature={}&timestamp=1700000000000",
                hex::encode(Md5::digest(b"17000000000005f6db7ec8325aAGF"))
            )
        );
    }

    #[test]
    fn plain_forms_carry_objects_as_json_text() {
        let fields = serde_json::json!({
            "status": 1,
            "requestId": "r 1&2",
            "authInfo": {"name": "契约锁"},
            "gone": null,
        });
        let Value::Object(fields) = fields else {
            unreachable!()
        };
        let body = job(Protection::Plain, fields).body(0).unwrap();
        let pairs = qys_proto::query::parse_query_string(&body);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("status").as_deref(), Some("1"));
        assert_eq!(get("requestId").as_deref(), Some("r 1&2"));
        assert_eq!(get("authInfo").as_deref(), Some(r#"{"name":"契约锁"}"#));
        assert_eq!(get("gone"), None);
    }

    #[test]
    fn targets_must_be_plain_http() {
        assert!(parse_target("http://127.0.0.1:9/cb?company=A").is_ok());
        assert!(
            parse_target("https://127.0.0.1:9/cb")
                .unwrap_err()
                .contains("https")
        );
        assert!(parse_target("ftp://x/").is_err());
        assert!(parse_target("/relative").is_err());
    }

    #[test]
    fn platform_schedule_matches_the_spec() {
        let s = CallbackSchedule::platform_like();
        assert_eq!(s.delays(CallbackKind::ContractStatus).len(), 7);
        assert_eq!(s.delays(CallbackKind::CompanyAuth).len(), 3);
        assert_eq!(s.delays(CallbackKind::SealReview).len(), 4);
        assert_eq!(
            s.delays(CallbackKind::PersonalSignAuth)[3],
            Duration::from_secs(24 * 3600)
        );
        assert_eq!(
            CallbackSchedule::default().delays(CallbackKind::PersonalAuth),
            CallbackSchedule::DEFAULT_DELAYS
        );
    }

    #[test]
    fn statuses_accepted_per_kind() {
        assert!(CallbackKind::ContractStatus.accepts(204));
        assert!(!CallbackKind::ContractStatus.accepts(302));
        assert!(CallbackKind::PersonalSignAuth.accepts(302));
        assert!(!CallbackKind::PersonalSignAuth.accepts(400));
    }
}
