//! Credentials from a profile file (and its refusal when others may read it), from the
//! environment, and the exit statuses of usage and transport failures.

mod support;

use qys_sandbox::Sandbox;
use support::{SECRET, qys, qys_bare, run, temp_dir, write_file};

fn profile_file(sandbox: &Sandbox, name: &str) -> String {
    format!(
        "[profiles.{name}]\naccess_token = \"{}\"\naccess_secret = \"{SECRET}\"\nbase_url = \"{}\"\n",
        qys_sandbox::DEFAULT_APP_TOKEN,
        sandbox.base_url()
    )
}

#[test]
fn a_private_profile_file_is_used_and_a_readable_one_refused() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let id = sandbox.fixtures().contract_id.to_string();
    let config = write_file(
        dir.path(),
        "config.toml",
        profile_file(&sandbox, "sbx").as_bytes(),
        0o600,
    );

    // --profile, with no QYS_* variable set.
    let out = run(
        qys_bare(dir.path()),
        &["--profile", "sbx", "contract", "show", &id],
    )
    .ok()
    .no_secret();
    assert_eq!(out.json()["id"], id.as_str());
    // QYS_PROFILE picks it too, after the subcommand as well as before.
    let mut cmd = qys_bare(dir.path());
    cmd.env("QYS_PROFILE", "sbx");
    run(cmd, &["contract", "show", &id]).ok();
    run(
        qys_bare(dir.path()),
        &["contract", "show", &id, "--profile", "sbx"],
    )
    .ok();

    // A chosen profile wins over the variables, which are not mixed in.
    let mut cmd = qys(&sandbox, dir.path());
    cmd.env("QYS_ACCESS_SECRET", "wrong-secret-from-env");
    run(cmd, &["--profile", "sbx", "contract", "show", &id]).ok();

    // A profile that is not there.
    let out = run(
        qys_bare(dir.path()),
        &["--profile", "nope", "contract", "show", &id],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no profile `nope`"), "{}", out.stderr);

    // Readable by others (or the group): refused, nothing sent, the secret not shown.
    let before = sandbox.requests_seen("/v2/contract/detail");
    for mode in [0o644, 0o640, 0o606] {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let out = run(
            qys_bare(dir.path()),
            &["--profile", "sbx", "contract", "show", &id],
        )
        .no_secret();
        assert_eq!(out.code, 2, "mode {mode:o}: {out:?}");
        assert!(out.stderr.contains("chmod 600"), "{}", out.stderr);
    }
    assert_eq!(sandbox.requests_seen("/v2/contract/detail"), before);
}

#[test]
fn the_default_profile_serves_when_the_environment_has_no_credentials() {
    let sandbox = Sandbox::start().unwrap();
    let dir = temp_dir();
    let id = sandbox.fixtures().contract_id.to_string();
    write_file(
        dir.path(),
        "config.toml",
        profile_file(&sandbox, "default").as_bytes(),
        0o600,
    );
    run(qys_bare(dir.path()), &["contract", "show", &id]).ok();

    // A broken file says where, without quoting its lines (they may hold secrets).
    write_file(
        dir.path(),
        "config.toml",
        format!("[profiles.default]\naccess_secret = \"{SECRET}\"\nbogus_key = 1\n").as_bytes(),
        0o600,
    );
    let out = run(qys_bare(dir.path()), &["contract", "show", &id]).no_secret();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
}

#[test]
fn usage_and_transport_failures_have_their_own_exit_statuses() {
    let dir = temp_dir();
    // No credentials anywhere: usage (2), the variables named.
    let out = run(qys_bare(dir.path()), &["contract", "show", "1"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("QYS_ACCESS_TOKEN"), "{}", out.stderr);

    // Half a pair: usage.
    let mut cmd = qys_bare(dir.path());
    cmd.env("QYS_ACCESS_TOKEN", "t");
    assert_eq!(run(cmd, &["contract", "show", "1"]).code, 2);

    // Nothing listens there: transport (3); the secret is not in the message.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut cmd = qys_bare(dir.path());
    cmd.env("QYS_BASE_URL", &url)
        .env("QYS_ACCESS_TOKEN", "t")
        .env("QYS_ACCESS_SECRET", SECRET);
    let out = run(cmd, &["contract", "show", "1"]).no_secret();
    assert_eq!(out.code, 3, "{out:?}");

    // Unknown environment, bad base URL, unknown flag: usage.
    let mut cmd = qys_bare(dir.path());
    cmd.env("QYS_ACCESS_TOKEN", "t")
        .env("QYS_ACCESS_SECRET", "s");
    assert_eq!(
        run(cmd, &["--env", "staging", "contract", "show", "1"]).code,
        2
    );
    let mut cmd = qys_bare(dir.path());
    cmd.env("QYS_ACCESS_TOKEN", "t")
        .env("QYS_ACCESS_SECRET", "s");
    assert_eq!(
        run(cmd, &["--base-url", "ftp://x", "contract", "show", "1"]).code,
        2
    );
    assert_eq!(
        run(qys_bare(dir.path()), &["contract", "show", "--bogus"]).code,
        2
    );
}

#[test]
fn every_command_has_help_with_examples() {
    let dir = temp_dir();
    let top = run(qys_bare(dir.path()), &["--help"]).ok().stdout_text();
    for needle in ["Exit status", "QYS_ACCESS_TOKEN", "chmod 600", "Examples:"] {
        assert!(top.contains(needle), "{needle}: {top}");
    }
    let commands: &[&[&str]] = &[
        &["api"],
        &["contract", "show"],
        &["contract", "download"],
        &["ticket"],
        &["ticket", "contract-sign"],
        &["ticket", "contract-view"],
        &["ticket", "personal-auth"],
        &["ticket", "company-auth"],
        &["ticket", "company-auth-license"],
        &["ticket", "personal-sign-auth"],
        &["ticket", "saas-personal-sign-auth"],
        &["ticket", "saas-seal-sign-auth"],
        &["ticket", "saas-company-auth"],
        &["ticket", "saas-personal-auth"],
        &["ticket", "saas-privilege"],
        &["callback", "verify"],
        &["sandbox"],
        &["endpoints"],
    ];
    for args in commands {
        let mut all = args.to_vec();
        all.push("--help");
        let help = run(qys_bare(dir.path()), &all).ok().stdout_text();
        assert!(help.contains("Example"), "{args:?}: {help}");
    }
}
