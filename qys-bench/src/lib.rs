//! Shared pieces of the qys benchmarks: a minimal loopback server (fixed success envelope,
//! generated downloads, uploads counted and discarded), the signed headers a bare client
//! sends, CPU-time and RSS probes, and tiny argument parsing.
//!
//! Not published: the bare-client comparisons need ureq and hyper directly, which the product
//! crates must not gain as dependencies. See `BENCHMARKS.md` for the commands.
#![forbid(unsafe_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderValue;
use qys_proto::api::miniapp::ContractSignTicketRequest;
use qys_proto::types::User;
use qys_proto::{ContractId, Credentials, Nonce, headers, signature};
use serde::Deserialize;

pub mod server;

/// The app token every benchmark signs with (the minimal server does not check it).
pub const TOKEN: &str = "bench-app-token";
/// The app secret every benchmark signs with.
pub const SECRET: &str = "bench-app-secret";

/// The fixed answer of the minimal server to every JSON call: a ticket envelope.
pub const TICKET_ENVELOPE: &[u8] = br#"{"code":0,"message":"SUCCESS","responseCode":"00000000","result":{"ticket":"0f1e2d3c4b5a69788796a5b4c3d2e1f0"}}"#;

/// The benchmark credentials.
pub fn credentials() -> Credentials {
    Credentials::new(TOKEN, SECRET)
}

/// The typical JSON call of the loopback benchmarks: a signing ticket (POST, JSON body).
pub fn ticket_request() -> ContractSignTicketRequest {
    ContractSignTicketRequest::new(
        ContractId::new("2591540368898105360"),
        User::mobile("13800000001"),
    )
}

/// The envelope as a hand-written integration would deserialize it, `result` typed directly:
/// what the bare clients parse into (one serde pass, no path tracking, no leniency).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Direct<T> {
    /// The 4-digit code.
    pub code: i64,
    /// The message.
    pub message: Option<String>,
    /// The 8-digit code.
    pub response_code: Option<String>,
    /// The typed result.
    pub result: T,
}

/// The `result` of a ticket call, for the bare clients.
#[derive(Debug, Deserialize)]
pub struct TicketBody {
    /// The ticket.
    pub ticket: String,
}

/// The four authentication headers a bare client computes by hand for one request, with
/// qys-proto's [`signature`] so that the bytes match what the SDK sends: token, signature,
/// timestamp (now), nonce (a random UUID, as `RandomNonce` draws).
pub fn bare_auth_headers() -> [(&'static str, HeaderValue); 4] {
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let nonce_text = uuid::Uuid::new_v4().hyphenated().to_string();
    let nonce = Nonce::new(nonce_text.clone()).expect("a UUID is a valid nonce");
    // Made once, as an integrator keeps its credentials (not rebuilt per request).
    static CREDENTIALS: std::sync::OnceLock<Credentials> = std::sync::OnceLock::new();
    let sig = signature(CREDENTIALS.get_or_init(credentials), ts, Some(&nonce)).to_hex();
    [
        (headers::ACCESS_TOKEN, HeaderValue::from_static(TOKEN)),
        (
            headers::SIGNATURE,
            HeaderValue::from_str(&sig).expect("hex is a header value"),
        ),
        (headers::TIMESTAMP, HeaderValue::from(ts)),
        (
            headers::NONCE,
            HeaderValue::from_str(&nonce_text).expect("a UUID is a header value"),
        ),
    ]
}

/// CPU time (user + system) of every live thread of this process, from
/// `/proc/self/task/*/schedstat` (nanosecond resolution, unlike the tick-based
/// `/proc/self/stat`). Zero where the file is missing.
pub fn cpu_time() -> Duration {
    let mut total = 0u64;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for entry in dir.flatten() {
            let path = entry.path().join("schedstat");
            if let Ok(text) = std::fs::read_to_string(path) {
                total += text
                    .split_whitespace()
                    .next()
                    .and_then(|t| t.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    Duration::from_nanos(total)
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in KiB; 0 when absent.
pub fn status_kib(field: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(field)?.strip_prefix(':')?;
            rest.trim().trim_end_matches("kB").trim().parse().ok()
        })
        .unwrap_or(0)
}

/// The value after `--name` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let flag = format!("--{name}");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == flag {
            return args.next().unwrap_or_else(|| default.to_owned());
        }
        if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
            return v.to_owned();
        }
    }
    default.to_owned()
}

/// [`arg`] parsed as a number.
///
/// # Panics
/// When the value is not a number (a benchmark's command line is fixed; failing loudly is
/// right).
pub fn num_arg(name: &str, default: u64) -> u64 {
    let v = arg(name, &default.to_string());
    v.parse()
        .unwrap_or_else(|_| panic!("--{name} expects a number, got {v:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_headers_sign_like_the_core() {
        let h = bare_auth_headers();
        let ts: u64 = h[2].1.to_str().unwrap().parse().unwrap();
        let nonce = Nonce::new(h[3].1.to_str().unwrap()).unwrap();
        assert_eq!(
            h[1].1.to_str().unwrap(),
            signature(&credentials(), ts, Some(&nonce)).to_hex()
        );
    }

    #[test]
    fn probes_read_this_process() {
        assert!(status_kib("VmRSS") > 0);
        // Spin until this thread was given 5 ms of CPU (bounded: a loaded machine may take
        // a while to give it).
        let before = cpu_time();
        let spin = std::time::Instant::now();
        while cpu_time().saturating_sub(before) < Duration::from_millis(5)
            && spin.elapsed() < Duration::from_secs(20)
        {}
        assert!(cpu_time().saturating_sub(before) >= Duration::from_millis(5));
    }

    #[test]
    fn ticket_envelope_parses_both_ways() {
        let d: Direct<TicketBody> = serde_json::from_slice(TICKET_ENVELOPE).unwrap();
        assert_eq!(d.code, 0);
        assert_eq!(d.result.ticket.len(), 32);
    }
}
