//! The attacks of issue 12 item 4 against a `qys-sandbox` binary, over loopback, bounded in
//! count and time: what each costs the sandbox in memory (its `VmRSS` before and after, read
//! from `/proc/<pid>/status`) and whether it keeps answering others meanwhile (a probe sends a
//! signed `GET /v2/checkhealth` every 50 ms and records the slowest answer).
//!
//! `sandbox_attacks --bin PATH [--only NAME]`: PATH is the sandbox binary to attack (build it
//! first; to measure another version, build that one and give its path). Each attack runs on a
//! fresh sandbox process, started with `ulimit -n 4096`. The attacks (`--only` picks one):
//!
//! - `nonce`: 2,000 unauthenticated requests, each with a 100 KB `x-qys-open-nonce`;
//! - `path`: 2,000 unauthenticated requests, each to a 60 KB path;
//! - `signatories`: drafts with 1k, 8k, 10k, 20k and 40k signatories (time to answer, probe
//!   stall);
//! - `json`: one 16 MiB JSON body to `/v2/contract/draft`;
//! - `trickle`: 8 connections, each sending a 4,000-byte body one byte per TCP segment;
//! - `slow`: 4,500 connections that send a head announcing a 1,000-byte body, then 1 byte, then
//!   nothing (the probe's worst wait, and how long until it is served again).
//!
//! Prints one line per attack: `attack  rss_before_MiB  rss_after_MiB  answer  detail`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qys_bench::arg;
use qys_proto::{Credentials, Nonce, Signer, SigningParams};

/// A sandbox process under attack.
struct Target {
    child: Child,
    addr: SocketAddr,
}

impl Target {
    fn start(bin: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -n 4096; exec {bin} --port {port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the sandbox binary");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let t0 = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "the sandbox did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        Self { child, addr }
    }

    /// `VmRSS` of the sandbox process, in MiB.
    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    }

    /// Open descriptors of the sandbox process.
    fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map_or(0, Iterator::count)
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
    )
    .unwrap_or(0)
}

/// A signed request head (method, path, content type and length) as HTTP/1.1 text.
fn signed_head(method: &str, path: &str, content_type: Option<&str>, length: usize) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let signer = Signer::new(Credentials::new(
        qys_sandbox::DEFAULT_APP_TOKEN,
        qys_sandbox::DEFAULT_APP_SECRET,
    ));
    let nonce = format!("attack-{}-{}", now_ms(), SEQ.fetch_add(1, Ordering::SeqCst));
    let params = SigningParams::new(now_ms(), Nonce::new(nonce).expect("nonce"));
    let (mut parts, ()) = http::Request::builder()
        .method(method)
        .uri(path)
        .body(())
        .expect("request")
        .into_parts();
    signer.sign(&mut parts, path, &params).expect("sign");
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n");
    for (name, value) in &parts.headers {
        head.push_str(&format!(
            "{name}: {}\r\n",
            value.to_str().unwrap_or_default()
        ));
    }
    if let Some(ct) = content_type {
        head.push_str(&format!("content-type: {ct}\r\n"));
    }
    head.push_str(&format!(
        "content-length: {length}\r\nconnection: close\r\n\r\n"
    ));
    head
}

/// Sends `bytes` on a fresh connection and answers the answer's bytes (empty: none), within
/// `timeout`.
fn exchange_bytes(addr: SocketAddr, bytes: &[u8], timeout: Duration) -> Vec<u8> {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, timeout) else {
        return Vec::new();
    };
    let _ = s.set_read_timeout(Some(timeout));
    let _ = s.set_write_timeout(Some(timeout));
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

/// [`exchange_bytes`]'s HTTP status (0: none).
fn exchange(addr: SocketAddr, bytes: &[u8], timeout: Duration) -> u16 {
    status_of(&exchange_bytes(addr, bytes, timeout))
}

/// [`exchange_bytes`]'s HTTP status and envelope code, as `status/code`.
fn exchange_answer(addr: SocketAddr, bytes: &[u8], timeout: Duration) -> String {
    let out = exchange_bytes(addr, bytes, timeout);
    match code_of(&out) {
        Some(code) => format!("{}/{code}", status_of(&out)),
        None => status_of(&out).to_string(),
    }
}

/// The envelope's `code` in an answer, when there is one.
fn code_of(answer: &[u8]) -> Option<i64> {
    let at = answer.windows(7).position(|w| w == b"\"code\":")? + 7;
    let digits: String = answer[at..]
        .iter()
        .map(|b| char::from(*b))
        .skip_while(|c| *c == ' ')
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().ok()
}

fn status_of(answer: &[u8]) -> u16 {
    std::str::from_utf8(answer.get(..12).unwrap_or_default())
        .ok()
        .and_then(|l| l.get(9..12))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A background probe: a signed `GET /v2/checkhealth` every 50 ms (each with a 60 s timeout);
/// remembers the slowest answer and how many got no 200.
struct Probe {
    stop: Arc<AtomicBool>,
    worst_ms: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Probe {
    fn start(addr: SocketAddr) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let worst_ms = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let (s, w, f) = (
            Arc::clone(&stop),
            Arc::clone(&worst_ms),
            Arc::clone(&failed),
        );
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                let t0 = Instant::now();
                let head = signed_head("GET", "/v2/checkhealth", None, 0);
                let status = exchange(addr, head.as_bytes(), Duration::from_secs(60));
                let ms = u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX);
                w.fetch_max(ms, Ordering::SeqCst);
                if status != 200 {
                    f.fetch_add(1, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Self {
            stop,
            worst_ms,
            failed,
            thread: Some(thread),
        }
    }

    /// Stops it; answers (slowest answer in ms, probes without a 200).
    fn finish(mut self) -> (u64, u64) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        (
            self.worst_ms.load(Ordering::SeqCst),
            self.failed.load(Ordering::SeqCst),
        )
    }
}

fn report(attack: &str, before: f64, after: f64, answer: &str, detail: &str) {
    println!("{attack:<22} {before:>8.1} {after:>8.1}  {answer:<10} {detail}");
}

/// 2,000 unauthenticated requests whose head carries `make(i)`.
fn big_heads(bin: &str, attack: &str, make: impl Fn(usize) -> String) {
    let target = Target::start(bin);
    let before = target.rss_mib();
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..2000 {
        let status = exchange(target.addr, make(i).as_bytes(), Duration::from_secs(10));
        *statuses.entry(status).or_insert(0) += 1;
    }
    std::thread::sleep(Duration::from_millis(500));
    report(
        attack,
        before,
        target.rss_mib(),
        &format!("{statuses:?}"),
        "2000 requests",
    );
}

/// Sends `body` as a signed draft while the probe runs; answers (`status/code`, how long the
/// answer took, the probe's slowest answer in ms, probes without a 200).
fn heavy_draft(target: &Target, body: &str) -> (String, Duration, u64, u64) {
    let probe = Probe::start(target.addr);
    std::thread::sleep(Duration::from_millis(200));
    let mut bytes = signed_head(
        "POST",
        "/v2/contract/draft",
        Some("application/json"),
        body.len(),
    )
    .into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    let t0 = Instant::now();
    let answer = exchange_answer(target.addr, &bytes, Duration::from_secs(120));
    let took = t0.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let (worst, failed) = probe.finish();
    (answer, took, worst, failed)
}

fn signatories(bin: &str) {
    for n in [1_000usize, 8_000, 10_000, 20_000, 40_000] {
        let target = Target::start(bin);
        let before = target.rss_mib();
        let list: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"tenantType":"PERSONAL","tenantName":"王五","receiver":{{"contact":"1{i:010}","contactType":"MOBILE"}}}}"#
                )
            })
            .collect();
        let body = format!(r#"{{"subject":"many","signatories":[{}]}}"#, list.join(","));
        let (answer, took, worst, failed) = heavy_draft(&target, &body);
        report(
            &format!("signatories {n}"),
            before,
            target.rss_mib(),
            &answer,
            &format!(
                "body {:.1} MiB, answered in {:.2} s; probe worst {worst} ms, {failed} not 200",
                body.len() as f64 / 1_048_576.0,
                took.as_secs_f64()
            ),
        );
    }
}

fn json(bin: &str) {
    let target = Target::start(bin);
    let before = target.rss_mib();
    // A JSON object with one array of 16 MiB of small objects.
    let item = r#"{"k":"v","n":1},"#;
    let count = 16 * 1024 * 1024 / item.len();
    let mut body = String::with_capacity(16 * 1024 * 1024 + 64);
    body.push_str(r#"{"subject":"big","pad":["#);
    for _ in 0..count {
        body.push_str(item);
    }
    body.pop();
    body.push_str("]}");
    let (answer, took, worst, failed) = heavy_draft(&target, &body);
    report(
        "json 16 MiB",
        before,
        target.rss_mib(),
        &answer,
        &format!(
            "answered in {:.2} s; probe worst {worst} ms, {failed} not 200",
            took.as_secs_f64()
        ),
    );
}

fn trickle(bin: &str) {
    let target = Target::start(bin);
    let before = target.rss_mib();
    let len = 4000;
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let addr = target.addr;
            std::thread::spawn(move || {
                let mut body = br#"{"subject":"trickled","signatories":[]}"#.to_vec();
                body.resize(len, b' ');
                let head = signed_head("POST", "/v2/contract/draft", Some("application/json"), len);
                let Ok(mut s) = TcpStream::connect(addr) else {
                    return 0;
                };
                let _ = s.set_nodelay(true);
                let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
                let _ = s.write_all(head.as_bytes());
                for b in &body {
                    if s.write_all(std::slice::from_ref(b)).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_micros(500));
                }
                let mut out = Vec::new();
                let _ = s.read_to_end(&mut out);
                status_of(&out)
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap_or(0)).collect();
    let during = target.rss_mib();
    std::thread::sleep(Duration::from_millis(500));
    report(
        "trickle 8x4000 B",
        before,
        target.rss_mib(),
        &format!("{:?}", statuses.first().copied().unwrap_or(0)),
        &format!("RSS right after the answers {during:.1} MiB; 32,000 one-byte segments"),
    );
}

fn slow(bin: &str) {
    let target = Target::start(bin);
    let before = target.rss_mib();
    let probe_before = exchange(
        target.addr,
        signed_head("GET", "/v2/checkhealth", None, 0).as_bytes(),
        Duration::from_secs(5),
    );
    let mut held = Vec::new();
    for _ in 0..4500 {
        let head = signed_head("POST", "/v2/contract/draft", Some("application/json"), 1000);
        match TcpStream::connect_timeout(&target.addr, Duration::from_secs(2)) {
            Ok(mut s) => {
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(b"{");
                held.push(s);
            }
            Err(_) => break,
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let fds = target.fds();
    let during = target.rss_mib();
    // A client arriving now: how long until it is served (200), up to 90 s.
    let t0 = Instant::now();
    let mut first_answer = None;
    let mut served = None;
    while t0.elapsed() < Duration::from_secs(90) {
        let status = exchange(
            target.addr,
            signed_head("GET", "/v2/checkhealth", None, 0).as_bytes(),
            Duration::from_secs(5),
        );
        if status != 0 && first_answer.is_none() {
            first_answer = Some((status, t0.elapsed()));
        }
        if status == 200 {
            served = Some(t0.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut closed_by_sandbox = 0;
    for s in &mut held {
        let _ = s.set_read_timeout(Some(Duration::from_millis(1)));
        let mut b = [0u8; 1];
        if matches!(s.read(&mut b), Ok(0 | 1)) {
            closed_by_sandbox += 1;
        }
    }
    let opened = held.len();
    drop(held);
    std::thread::sleep(Duration::from_millis(500));
    report(
        &format!("slow bodies {opened}"),
        before,
        target.rss_mib(),
        &format!("{probe_before}"),
        &format!(
            "sandbox fds {fds}, RSS during {during:.1} MiB; new client: first answer {}, served (200) after {}; {closed_by_sandbox} of the slow connections answered or closed by then",
            first_answer.map_or("none".to_owned(), |(s, t)| format!(
                "{s} after {:.1} s",
                t.as_secs_f64()
            )),
            served.map_or("never (90 s)".to_owned(), |t| format!(
                "{:.1} s",
                t.as_secs_f64()
            )),
        ),
    );
}

fn main() {
    let bin = arg("bin", "target/release/qys-sandbox");
    let only = arg("only", "");
    let run = |name: &str| only.is_empty() || only == name;
    println!("attack                 rss_MiB_before/after  answer     detail");
    if run("nonce") {
        big_heads(&bin, "nonce 100 KB", |i| {
            format!(
                "GET /v2/contract/detail HTTP/1.1\r\nhost: x\r\nx-qys-open-nonce: {i}{}\r\nconnection: close\r\n\r\n",
                "n".repeat(100 * 1024)
            )
        });
    }
    if run("path") {
        big_heads(&bin, "path 60 KB", |i| {
            format!(
                "GET /{i}{} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
                "p".repeat(60 * 1024)
            )
        });
    }
    if run("signatories") {
        signatories(&bin);
    }
    if run("json") {
        json(&bin);
    }
    if run("trickle") {
        trickle(&bin);
    }
    if run("slow") {
        slow(&bin);
    }
}
