//! `qys api`: any call, run as a process against qys-sandbox: a GET with a query, a POST with
//! a JSON body (from fields and from --input), a multipart upload, downloads, the envelope,
//! the typed view, and the exit statuses of failures.

mod support;

use qys_sandbox::Sandbox;
use support::{qys, run, run_with_input, temp_dir, write_file};

#[test]
fn get_with_query_fields_prints_the_result() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let id = sandbox.fixtures().contract_id.to_string();
    let field = format!("contractId={id}");

    let out = run(
        qys(&sandbox, dir.path()),
        &["api", "/v2/contract/detail", "-f", &field],
    )
    .ok()
    .no_secret();
    let result = out.json();
    assert_eq!(result["id"], id.as_str());
    assert_eq!(result["status"], "SIGNING");

    // The whole envelope.
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "-X",
            "GET",
            "/v2/contract/detail",
            "-f",
            &field,
            "--envelope",
        ],
    )
    .ok();
    let envelope = out.json();
    assert_eq!(envelope["code"], 0);
    assert_eq!(envelope["result"]["id"], id.as_str());

    // Through qys's type: the same contract, as the typed layer keeps it.
    let out = run(
        qys(&sandbox, dir.path()),
        &["api", "/v2/contract/detail", "-f", &field, "--typed"],
    )
    .ok();
    assert_eq!(out.json()["id"], id.as_str());

    // A path qys has no type for cannot be --typed.
    let out = run(
        qys(&sandbox, dir.path()),
        &["api", "/v2/no/such/path", "--typed"],
    );
    assert_ne!(out.code, 0, "{out:?}");
}

#[test]
fn post_sends_fields_or_input_as_json() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let f = sandbox.fixtures().clone();
    let user = format!(
        r#"user:={{"contact":"{}","contactType":"MOBILE"}}"#,
        f.signer.contact
    );
    let contract = format!("contractId={}", f.contract_id);

    // The method of a path qys knows is its own (POST here).
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "/v2/contract/miniappexchange",
            "-f",
            &contract,
            "-f",
            &user,
        ],
    )
    .ok();
    let ticket = out.json()["ticket"].as_str().unwrap().to_owned();
    let minted = sandbox.ticket(&ticket).expect("the sandbox minted it");
    assert_eq!(minted.subject, f.contract_id.to_string());

    // The same body from a file and from stdin.
    let body = format!(
        r#"{{"contractId":"{}","user":{{"contact":"{}","contactType":"MOBILE"}}}}"#,
        f.contract_id, f.signer.contact
    );
    let file = write_file(dir.path(), "body.json", body.as_bytes(), 0o600);
    let post = |input: &str, stdin: &[u8]| {
        run_with_input(
            qys(&sandbox, dir.path()),
            &[
                "api",
                "-X",
                "POST",
                "/v2/contract/miniappexchange",
                "--input",
                input,
            ],
            stdin,
        )
    };
    let minted = |out: support::Run| {
        let ticket = out.ok().json()["ticket"].as_str().unwrap().to_owned();
        assert!(sandbox.ticket(&ticket).is_some(), "{ticket}");
    };
    minted(post(file.to_str().unwrap(), b""));
    minted(post("-", body.as_bytes()));

    // Fields join the --input object.
    let partial = format!(r#"{{"contractId":"{}"}}"#, f.contract_id);
    let out = run_with_input(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "-X",
            "POST",
            "/v2/contract/miniappexchange",
            "--input",
            "-",
            "-f",
            &user,
        ],
        partial.as_bytes(),
    );
    minted(out);

    // Bad JSON input is a usage error; nothing is sent.
    let before = sandbox.requests_seen("/v2/contract/miniappexchange");
    let out = post("-", b"{not json");
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        sandbox.requests_seen("/v2/contract/miniappexchange"),
        before
    );
}

#[test]
fn file_parts_make_a_multipart_upload() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let licence = b"\x89PNG\r\n\x1a\nthe licence".to_vec();
    let path = write_file(dir.path(), "营业执照.png", &licence, 0o600);
    let part = format!("license=@{}", path.display());
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "-X",
            "POST",
            "/companyauth/miniappexchangewithlicense",
            "-f",
            "companyName=命令行上传测试有限公司",
            "-f",
            r#"applicantInfo:={"contact":"13800000009","contactType":"MOBILE","name":"张三"}"#,
            "-F",
            &part,
        ],
    )
    .ok()
    .no_secret();
    let ticket = out.json()["ticket"].as_str().unwrap().to_owned();
    let minted = sandbox.ticket(&ticket).expect("minted");
    let uploaded = minted.license.expect("the licence arrived");
    assert_eq!(uploaded.file_name, "营业执照.png");
    assert_eq!(uploaded.bytes, licence);

    // A missing file: a local file error before anything is sent.
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "-X",
            "POST",
            "/companyauth/miniappexchangewithlicense",
            "-F",
            "license=@/nonexistent.png",
        ],
    );
    assert_eq!(out.code, 5, "{out:?}");
}

#[test]
fn raw_downloads_go_to_a_file_or_stdout() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let field = format!("contractId={}", sandbox.fixtures().contract_id);
    let path = dir.path().join("c.zip");
    run(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "/v2/contract/download",
            "-f",
            &field,
            "--raw",
            "-o",
            path.to_str().unwrap(),
        ],
    )
    .ok();
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK\x03\x04"));

    let out = run(
        qys(&sandbox, dir.path()),
        &["api", "/v2/contract/download", "-f", &field, "--raw"],
    )
    .ok();
    assert!(out.stdout.starts_with(b"PK\x03\x04"));

    // A refused download: exit 1, no file.
    let missing = dir.path().join("missing.zip");
    let out = run(
        qys(&sandbox, dir.path()),
        &[
            "api",
            "/v2/contract/download",
            "-f",
            "contractId=1",
            "--raw",
            "-o",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!missing.exists());
}

#[test]
fn failures_have_distinct_exit_statuses() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    // The platform's error: 1, code and message on stderr.
    let out = run(
        qys(&sandbox, dir.path()),
        &["api", "/v2/contract/detail", "-f", "contractId=1"],
    )
    .no_secret();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("3004"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // Wrong credentials: the gateway's 442, an API error too.
    let mut cmd = qys(&sandbox, dir.path());
    cmd.env("QYS_ACCESS_TOKEN", "not-a-token");
    let out = run(cmd, &["api", "/v2/contract/detail", "-f", "contractId=1"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("442"), "{}", out.stderr);

    // Usage: a bad method, a path that is not one, a malformed field; nothing sent.
    let before = sandbox.requests_seen("/v2/contract/detail");
    for args in [
        &["api", "-X", "GE T", "/v2/contract/detail"][..],
        &["api", "v2/contract/detail"][..],
        &["api", "/v2/contract/detail?contractId=1"][..],
        &["api", "/v2/contract/detail", "-f", "novalue"][..],
        &["api", "/v2/contract/detail", "-F", "nofile"][..],
    ] {
        let out = run(qys(&sandbox, dir.path()), args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
    assert_eq!(sandbox.requests_seen("/v2/contract/detail"), before);
}

#[test]
fn paginate_walks_a_list_to_its_end() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let whole = run(qys(&sandbox, dir.path()), &["api", "/v2/seal/list"])
        .ok()
        .json();
    let expected = whole["list"].as_array().expect("a page").clone();
    assert!(!expected.is_empty());
    let before = sandbox.requests_seen("/v2/seal/list");
    let out = run(
        qys(&sandbox, dir.path()),
        &["api", "/v2/seal/list", "-f", "selectLimit=1", "--paginate"],
    )
    .ok();
    assert_eq!(out.json(), serde_json::Value::Array(expected.clone()));
    // One page per item: the walk stops at totalCount, not after an extra empty page.
    assert_eq!(
        sandbox.requests_seen("/v2/seal/list") - before,
        expected.len()
    );
}
