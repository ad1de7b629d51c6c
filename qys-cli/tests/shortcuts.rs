//! `qys contract`, `qys ticket` (every kind), `qys callback verify` and `qys sandbox`, run as
//! processes against qys-sandbox.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qys_proto::Secret;
use qys_proto::callback::{Cipher, signed_callback_form};
use qys_sandbox::{CallbackKind, MintedTicket, PluginPage, Sandbox};
use support::{qys, qys_bare, run, run_with_input, temp_dir, write_file};

#[test]
fn contract_show_prints_the_detail_as_json() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let id = sandbox.fixtures().contract_id.to_string();
    let out = run(qys(&sandbox, dir.path()), &["contract", "show", &id])
        .ok()
        .no_secret();
    let detail = out.json();
    assert_eq!(detail["id"], id.as_str());
    assert_eq!(detail["status"], "SIGNING");
    assert!(
        detail["signatories"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );

    // By business ID too.
    let biz = sandbox.fixtures().contract_biz_id.clone();
    let out = run(
        qys(&sandbox, dir.path()),
        &["contract", "show", "--biz-id", &biz],
    )
    .ok();
    assert_eq!(out.json()["id"], id.as_str());

    // An unknown contract is the platform's error: exit 1, code and message on stderr,
    // nothing on stdout.
    let out = run(qys(&sandbox, dir.path()), &["contract", "show", "1"]).no_secret();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("API error"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn contract_download_writes_the_whole_file_or_nothing() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let id = sandbox.fixtures().contract_id.to_string();
    let path = dir.path().join("contract.zip");
    let out = run(
        qys(&sandbox, dir.path()),
        &["contract", "download", &id, "-o", path.to_str().unwrap()],
    )
    .ok()
    .no_secret();
    assert!(out.stdout.is_empty(), "files never go to stdout with -o");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"PK"), "a ZIP");
    assert!(out.stderr.contains("contract.zip"), "{}", out.stderr);

    // `-o -` streams the file to stdout (the signing log inside now records the first
    // download, so the bytes differ): a whole ZIP, its end record last.
    let out = run(
        qys(&sandbox, dir.path()),
        &["contract", "download", &id, "-o", "-"],
    )
    .ok();
    assert!(out.stdout.starts_with(b"PK\x03\x04"), "a ZIP on stdout");
    let tail = &out.stdout[out.stdout.len().saturating_sub(22)..];
    assert!(tail.starts_with(b"PK\x05\x06"), "the ZIP is whole");

    // A refused download creates no file and leaves no temporary file.
    let missing = dir.path().join("missing.zip");
    let out = run(
        qys(&sandbox, dir.path()),
        &["contract", "download", "1", "-o", missing.to_str().unwrap()],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!missing.exists());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["contract.zip"], "no temporary file is left");
}

/// Mints the ticket with `args` and checks the URL names `page` and a ticket the sandbox
/// minted for that page; returns what the sandbox recorded.
fn mint(
    sandbox: &Sandbox,
    args: &[&str],
    page: PluginPage,
    type_param: Option<&str>,
) -> MintedTicket {
    let dir = temp_dir();
    let mut all = vec!["ticket"];
    all.extend_from_slice(args);
    let out = run(qys(sandbox, dir.path()), &all).ok().no_secret();
    let url = out.stdout_text();
    let url = url.trim_end();
    let prefix = format!("plugin://qyssdk-plugin/{}?ticket=", page.page());
    let rest = url
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{args:?}: {url}"));
    let ticket = rest.split('&').next().unwrap();
    let minted = sandbox
        .ticket(ticket)
        .unwrap_or_else(|| panic!("{args:?}: the sandbox did not mint {ticket}"));
    assert_eq!(minted.page, page, "{args:?}");
    assert!(url.contains("&env=cn"), "{url}");
    match type_param {
        Some(t) => assert!(url.ends_with(&format!("&type={t}")), "{url}"),
        None => assert!(!url.contains("type="), "{url}"),
    }
    minted
}

#[test]
fn every_ticket_kind_prints_its_plugin_url() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let contract = f.contract_id.to_string();
    let saas_company = f.saas_company_id.to_string();
    let dir = temp_dir();
    let licence_bytes = b"\x89PNG\r\n\x1a\nlicence".to_vec();
    let license = write_file(dir.path(), "licence.png", &licence_bytes, 0o600);
    let license = license.to_str().unwrap();
    let uploaded = |minted: MintedTicket| {
        let file = minted.license.expect("the licence was uploaded");
        assert_eq!(file.file_name, "licence.png");
        assert_eq!(file.bytes, licence_bytes);
    };

    let person: &[&str] = &["--mobile", "13800000009", "--name", "张三"];
    let licence: &[&str] = &["--license", license];
    let signer: &[&str] = &["--mobile", &f.signer.contact];
    let tenant: &[&str] = &["--company-id", &saas_company];
    // (arguments, page, `type`, whether a licence is uploaded)
    let cases: Vec<(Vec<&str>, PluginPage, Option<&str>, bool)> = vec![
        (
            [&["contract-sign", "--contract", &contract], signer].concat(),
            PluginPage::ContractSign,
            None,
            false,
        ),
        (
            vec!["contract-view", "--contract", &contract],
            PluginPage::ContractView,
            None,
            false,
        ),
        (
            [&["personal-auth"], person].concat(),
            PluginPage::PersonalAuth,
            None,
            false,
        ),
        (
            [
                &["company-auth", "--company", "命令行测试科技有限公司"],
                person,
            ]
            .concat(),
            PluginPage::CompanyAuth,
            None,
            false,
        ),
        (
            [
                &[
                    "company-auth-license",
                    "--company",
                    "命令行执照测试有限公司",
                ],
                person,
                licence,
            ]
            .concat(),
            PluginPage::CompanyAuth,
            None,
            true,
        ),
        (
            [&["personal-sign-auth", "--deadline", "2030-12-31"], person].concat(),
            PluginPage::PersonalSignAuth,
            Some("personalSignatureOpen"),
            false,
        ),
        (
            [&["saas-personal-sign-auth"], tenant, person].concat(),
            PluginPage::SaasPersonalSignAuth,
            Some("personalSignature"),
            false,
        ),
        (
            [&["saas-seal-sign-auth"], tenant, person].concat(),
            PluginPage::SaasSealSignAuth,
            Some("sealSignature"),
            false,
        ),
        (
            [
                &["saas-company-auth", "--company", "命令行租户测试有限公司"],
                person,
                licence,
            ]
            .concat(),
            PluginPage::CompanyAuth,
            None,
            true,
        ),
        (
            [&["saas-personal-auth"], person].concat(),
            PluginPage::PersonalAuth,
            None,
            false,
        ),
        (
            [
                &["saas-privilege", "--app-id", &f.saas_app_id],
                tenant,
                person,
            ]
            .concat(),
            PluginPage::SaasPrivilege,
            None,
            false,
        ),
    ];
    assert_eq!(
        cases.len(),
        11,
        "every ticket endpoint of qys_proto::api::miniapp"
    );
    for (args, page, type_param, licence) in cases {
        let minted = mint(&sandbox, &args, page, type_param);
        if licence {
            uploaded(minted);
        }
    }
}

#[test]
fn ticket_options_json_and_refusals() {
    let sandbox = Sandbox::start().unwrap();
    let f = sandbox.fixtures().clone();
    let contract = f.contract_id.to_string();
    let dir = temp_dir();
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "ticket",
            "contract-sign",
            "--contract",
            &contract,
            "--mobile",
            &f.signer.contact,
            "--with-callbacks",
            "--json",
        ],
    )
    .ok();
    let v = out.json();
    assert_eq!(v["page"], "doc");
    assert_eq!(v["env"], "cn");
    let ticket = v["ticket"].as_str().unwrap();
    assert_eq!(
        v["pluginUrl"],
        format!("plugin://qyssdk-plugin/doc?ticket={ticket}&env=cn&hasCb=true")
    );

    // Not a signer of the contract: the platform's 1110, exit 1.
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "ticket",
            "contract-sign",
            "--contract",
            &contract,
            "--mobile",
            "13999999999",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("1110"), "{}", out.stderr);

    // Two ways of naming the person, or none: a usage error, nothing sent.
    let before = sandbox.requests_seen("/v2/contract/miniappexchange");
    for args in [
        &[
            "ticket",
            "contract-sign",
            "--contract",
            &contract,
            "--mobile",
            "1",
            "--email",
            "a@b.c",
        ][..],
        &["ticket", "contract-sign", "--contract", &contract][..],
        &["ticket", "contract-sign", "--mobile", "13800000000"][..],
    ] {
        let out = run(qys(&sandbox, dir.path()), args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
    assert_eq!(
        sandbox.requests_seen("/v2/contract/miniappexchange"),
        before
    );

    // A licence that does not exist is a local file error.
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "ticket",
            "company-auth-license",
            "--company",
            "某公司",
            "--mobile",
            "13800000009",
            "--license",
            "/nonexistent/licence.png",
        ],
    );
    assert_eq!(out.code, 5, "{out:?}");
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

const EVENT: &str = r#"{"contractId":"3076583214958469120","contractStatus":"COMPLETE","callbackType":"COMPLETE","tenantName":"某公司","newField":"kept"}"#;

#[test]
fn callback_verify_reads_a_body_from_stdin_or_a_file() {
    let dir = temp_dir();
    let key = "5f6db7ec8325aAGF";
    let body = signed_callback_form(&Secret::new(key), &Cipher::AesEcb, now_ms(), EVENT).unwrap();

    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key],
        body.as_bytes(),
    )
    .ok();
    let v = out.json();
    assert_eq!(v["kind"], "contractStatus");
    assert_eq!(v["event"]["contractId"], "3076583214958469120");
    assert_eq!(v["event"]["contractStatus"], "COMPLETE");
    assert_eq!(v["event"]["newField"], "kept", "unknown fields are kept");
    assert_eq!(v["reply"]["body"], "success");
    assert!(!out.stderr.contains(key) && !out.stdout_text().contains(key));

    // Signature and timestamp in the query string, content in the body.
    let (content, signed) = body.split_once('&').unwrap();
    assert!(content.starts_with("content="), "{body}");
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key, "--query", signed],
        content.as_bytes(),
    )
    .ok();
    assert_eq!(out.json()["event"]["contractStatus"], "COMPLETE");

    // The key from a variable, the request from a file.
    let file = write_file(dir.path(), "body.txt", body.as_bytes(), 0o600);
    let mut cmd = qys_bare(dir.path());
    cmd.env("MY_CB_KEY", key);
    let out = run(
        cmd,
        &[
            "callback",
            "verify",
            "--key-env",
            "MY_CB_KEY",
            file.to_str().unwrap(),
        ],
    )
    .ok();
    assert_eq!(out.json()["kind"], "contractStatus");

    // The wrong key: refused, exit 6, the key not repeated.
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", "0000000000000000"],
        body.as_bytes(),
    );
    assert_eq!(out.code, 6, "{out:?}");
    assert!(!out.stderr.contains("0000000000000000"), "{}", out.stderr);

    // A key that is not an AES-128 key, or an IV of the wrong size: usage errors.
    for args in [
        &["callback", "verify", "--key", "short"][..],
        &["callback", "verify", "--key", key, "--cbc", "--iv", "short"][..],
    ] {
        let out = run_with_input(qys_bare(dir.path()), args, body.as_bytes());
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }

    // An old one: stale unless --any-age (a callback copied from a log).
    let old = signed_callback_form(
        &Secret::new(key),
        &Cipher::AesEcb,
        now_ms() - 86_400_000,
        EVENT,
    )
    .unwrap();
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key],
        old.as_bytes(),
    );
    assert_eq!(out.code, 6, "{out:?}");
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key, "--any-age"],
        old.as_bytes(),
    )
    .ok();
    assert_eq!(out.json()["kind"], "contractStatus");

    // CBC with an IV, and content in the clear.
    let iv = "0123456789abcdef";
    let cbc = signed_callback_form(
        &Secret::new(key),
        &Cipher::cbc(iv).unwrap(),
        now_ms(),
        EVENT,
    )
    .unwrap();
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key, "--cbc", "--iv", iv],
        cbc.as_bytes(),
    )
    .ok();
    assert_eq!(out.json()["event"]["contractStatus"], "COMPLETE");
    let plain = signed_callback_form(
        &Secret::new(key),
        &Cipher::Plain,
        now_ms(),
        r#"{"item":"AUTHORIZE","user":"13800000000","userType":"MOBLIE","companyName":"某公司"}"#,
    )
    .unwrap();
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key, "--plain"],
        plain.as_bytes(),
    )
    .ok();
    let v = out.json();
    assert_eq!(v["kind"], "personalSignAuth");
    assert_eq!(
        v["event"]["userType"], "MOBLIE",
        "as the platform spells it"
    );
    assert_eq!(v["event"]["item"], "AUTHORIZE");

    // Unsigned forms only with --allow-unsigned.
    let unsigned = b"contractId=1&contractStatus=SIGNING";
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key],
        unsigned,
    );
    assert_eq!(out.code, 6, "{out:?}");
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key, "--allow-unsigned"],
        unsigned,
    )
    .ok();
    assert_eq!(out.json()["event"]["contractStatus"], "SIGNING");
}

/// Receives one HTTP request on `listener`, answers `success`, returns the raw bytes.
fn receive_one(listener: &TcpListener) -> Vec<u8> {
    let (stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut raw = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        raw.extend_from_slice(line.as_bytes());
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    raw.extend_from_slice(&body);
    let mut stream = reader.into_inner();
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nsuccess")
        .unwrap();
    raw
}

#[test]
fn callback_verify_reads_a_raw_request_the_sandbox_delivered() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/qys/callback?tenant=cli",
        listener.local_addr().unwrap()
    );
    let sandbox = Sandbox::builder()
        .callback_url(url)
        .callback_encrypt(true)
        .start()
        .unwrap();
    let mut fields = serde_json::Map::new();
    fields.insert("contractId".into(), "3076583214958469120".into());
    fields.insert("contractStatus".into(), "COMPLETE".into());
    fields.insert("callbackType".into(), "COMPLETE".into());
    sandbox.send_callback(CallbackKind::ContractStatus, None, fields);
    let raw = receive_one(&listener);
    assert!(raw.starts_with(b"POST /qys/callback?tenant=cli HTTP/1.1\r\n"));

    let dir = temp_dir();
    let key = sandbox.callback_secret_key();
    let out = run_with_input(
        qys_bare(dir.path()),
        &["callback", "verify", "--key", key.expose()],
        &raw,
    )
    .ok();
    let v = out.json();
    assert_eq!(v["kind"], "contractStatus", "{v}");
    assert_eq!(v["event"]["contractStatus"], "COMPLETE");
}

#[test]
fn sandbox_prints_its_banner_and_serves() {
    let dir = temp_dir();
    let mut child = qys_bare(dir.path())
        .args(["sandbox", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let banner: serde_json::Value = serde_json::from_str(&line).unwrap();
    let base_url = banner["baseUrl"].as_str().unwrap().to_owned();
    let contract = banner["contractId"].as_str().unwrap().to_owned();

    // The banner's settings are all qys needs.
    let mut cmd = qys_bare(dir.path());
    cmd.env("QYS_BASE_URL", &base_url)
        .env("QYS_ACCESS_TOKEN", banner["accessToken"].as_str().unwrap())
        .env(
            "QYS_ACCESS_SECRET",
            banner["accessSecret"].as_str().unwrap(),
        );
    let out = run(cmd, &["contract", "show", &contract]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(out.ok().json()["status"], "SIGNING");

    // The human banner tells how to point qys at it.
    let mut child = qys_bare(dir.path())
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("Ctrl-C") {
        if reader.read_line(&mut text).unwrap() == 0 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        text.starts_with("qys-sandbox listening on http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("export QYS_BASE_URL=http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("callback key"), "{text}");
}

#[test]
fn endpoints_lists_the_catalogue() {
    let dir = temp_dir();
    let all = run(qys_bare(dir.path()), &["endpoints"]).ok().json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), qys_proto::api::catalogue::catalogue().len());
    let tickets = run(qys_bare(dir.path()), &["endpoints", "MiniAppExchange"])
        .ok()
        .json();
    let tickets = tickets.as_array().unwrap();
    assert_eq!(tickets.len(), 11, "{tickets:?}");
    assert!(
        tickets
            .iter()
            .any(|t| t["path"] == "/v2/contract/miniappexchange"
                && t["method"] == "POST"
                && t["type"] == "ContractSignTicketRequest")
    );
}
