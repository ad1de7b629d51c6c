//! The `qys-sandbox` binary: it prints its base URL, credentials and fixtures, serves, and
//! stops on Ctrl-C (SIGINT).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use qys_proto::Credentials;

const BIN: &str = env!("CARGO_BIN_EXE_qys-sandbox");

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--port",
        "--host",
        "--app-token",
        "--app-secret",
        "--agent-token",
        "--strict",
        "--timestamp-window",
        "--callback-url",
        "--callback-encrypt",
        "--callback-key",
        "--callback-cipher",
        "--tls-cert",
        "--tls-key",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help: {text}");
    }
    let out = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bogus"));
    let out = Command::new(BIN).args(["--port", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn serves_what_it_prints_and_stops_on_sigint() {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let field = |name: &str| {
        printed
            .iter()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("{name} not printed: {printed:?}"))
    };
    let base_url = field("base URL");
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    let credentials = Credentials::new(field("app token"), field("app secret"));
    // Callbacks are signed (and encrypted) by default, with the printed key.
    assert_eq!(
        field("callback key"),
        qys_sandbox::DEFAULT_CALLBACK_SECRET_KEY
    );
    assert!(field("callbacks").starts_with("signed, content AES-128-ECB"));
    let contract = field("contract");
    let contract_id = contract.split_whitespace().next().unwrap().to_owned();

    // A signed request with what was printed.
    let core = qys_proto::Core::builder(
        qys_proto::Environment::custom(&base_url).unwrap(),
        credentials,
    )
    .allow_http(true)
    .build()
    .unwrap();
    let request = core
        .prepare(
            &qys_proto::api::miniapp::ContractViewTicketRequest::by_id(contract_id.into()),
            &support::fresh_params(),
        )
        .unwrap();
    let addr = base_url.trim_start_matches("http://").parse().unwrap();
    let answer = support::exchange(addr, &support::to_wire(&request))
        .answer()
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["code"], 0);

    // Ctrl-C stops it.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the sandbox did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
