//! The sign page in a real headless browser: Debian's `chromium`, driven through
//! `chromedriver` (started here) with the `fantoccini` WebDriver client. It opens a signing
//! page, reads the contract and whose turn it is, clicks 签署 (a plain HTML form, no
//! JavaScript), lands on the integrator's `callbackPage`, and sees the contract move.
//!
//! Opt-in: it needs a browser, so it is `#[ignore]`d and `cargo test --workspace` passes
//! without one; `.ci/run` installs `chromium` and `chromium-driver` when they are missing and
//! runs it with `cargo test -p qys-sandbox --test browser -- --ignored`, where it fails (never
//! skips) when the browser cannot be driven. `QYS_CHROMEDRIVER` and `QYS_CHROMIUM` override
//! the binaries (default `/usr/bin/chromedriver`, `/usr/bin/chromium`). A screenshot of the
//! signing page is written to `$CARGO_TARGET_TMPDIR/browser-sign-page.png`.

mod support;
mod web;

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use qys_sandbox::Sandbox;
use serde_json::json;
use web::{OPERATOR, SECOND, api, contract, two_party_contract};

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Starts chromedriver on a free loopback port; answers it and its URL once it listens.
fn start_driver() -> (Driver, String) {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let binary = env_or("QYS_CHROMEDRIVER", "/usr/bin/chromedriver");
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {binary} (install chromium-driver): {e}"));
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (driver, format!("http://127.0.0.1:{port}"))
}

/// Clicks the element with this `id`.
async fn click(browser: &fantoccini::Client, id: &str) {
    let element = browser.find(Locator::Id(id)).await;
    element.unwrap().click().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs chromium and chromedriver; run by .ci/run with --ignored"]
async fn a_person_signs_on_the_sign_page_in_chromium() {
    let sandbox = Sandbox::start().unwrap();
    let id = two_party_contract(&sandbox, "浏览器签署合同", None);
    let dashboard = format!("{}/__sandbox/", sandbox.base_url());
    let url = api(
        &sandbox,
        "/v2/contract/pageurl",
        &json!({
            "contractId": id,
            "user": {"contact": OPERATOR, "contactType": "MOBILE"},
            "callbackPage": dashboard,
        }),
    )["pageUrl"]
        .as_str()
        .unwrap()
        .to_owned();

    let (_driver, webdriver) = start_driver();
    let profile = std::env::temp_dir().join(format!("qys-chromium-{}", uuid::Uuid::new_v4()));
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,900",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({"binary": env_or("QYS_CHROMIUM", "/usr/bin/chromium"), "args": args}),
    );
    let browser = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("a chromium session through chromedriver");

    browser.goto(&url).await.unwrap();
    let subject = browser.find(Locator::Id("subject")).await.unwrap();
    assert_eq!(subject.text().await.unwrap(), "浏览器签署合同");
    let status = browser.find(Locator::Id("contract-status")).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "SIGNING");
    let actor = browser.find(Locator::Id("actor")).await.unwrap();
    assert_eq!(actor.text().await.unwrap(), OPERATOR);
    let shot = browser.screenshot().await.unwrap();
    assert!(shot.starts_with(b"\x89PNG"));
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-sign-page.png");
    std::fs::write(&path, &shot).unwrap();

    // Sign: the form posts, the browser follows the 303 to the callback page.
    click(&browser, "sign").await;
    // The dashboard (the callback page) has a deliveries table; the sign page has none.
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("deliveries"))
        .await
        .unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), "/__sandbox/");
    let c = contract(&sandbox, &id);
    assert_eq!(c["signatories"][0]["status"], json!("SIGNED"));
    assert_eq!(c["signatories"][1]["status"], json!("SIGNING"));
    // The dashboard the browser landed on shows the seal's callback owed.
    let source = browser.source().await.unwrap();
    assert!(source.contains(&id) && source.contains("SEAL"), "{source}");

    // The second signer's page, in the same browser: now it is their turn.
    let second = api(
        &sandbox,
        "/v2/contract/pageurl",
        &json!({"contractId": id, "user": {"contact": SECOND, "contactType": "MOBILE"}}),
    )["pageUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    browser.goto(&second).await.unwrap();
    click(&browser, "sign").await;
    // The form posts and the browser follows the 303 back to the page: wait for the new one.
    let notice = browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("notice"))
        .await
        .unwrap();
    assert!(notice.text().await.unwrap().contains("Signed"));
    let status = browser.find(Locator::Id("contract-status")).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "COMPLETE");
    assert_eq!(contract(&sandbox, &id)["status"], json!("COMPLETE"));
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&profile);
}
