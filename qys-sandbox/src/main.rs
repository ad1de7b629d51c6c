//! `qys-sandbox`: runs the 契约锁 Open Platform sandbox gateway until Ctrl-C.

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;

use qys_sandbox::Sandbox;

const USAGE: &str = "\
qys-sandbox: a local stand-in for the 契约锁 (Qiyuesuo) Open Platform gateway

USAGE:
    qys-sandbox [--port N] [--host ADDRESS] [--control-token TOKEN]

OPTIONS:
    --port N          the port to listen on (default 0: any free port)
    --host ADDRESS    the IP address to listen on (default 127.0.0.1; anything but a
                      loopback address exposes the sandbox and its well-known credentials)
    --control-token T the token the control API (/__sandbox/api/) and the dashboard
                      (/__sandbox/) require; without one they are open on loopback, and
                      on any other host a random token is made and printed
    -h, --help        print this help

It prints its base URL, the app and SaaS agent credentials and the fixture IDs, then
serves until Ctrl-C.";

#[derive(Debug)]
struct Args {
    port: u16,
    host: IpAddr,
    control_token: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 0,
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        control_token: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs {what}"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = value("a port number")?;
                parsed.port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port number (0-65535)"))?;
            }
            "--host" => {
                let v = value("an IP address")?;
                parsed.host = v
                    .parse()
                    .map_err(|_| format!("--host: {v:?} is not an IP address"))?;
            }
            "--control-token" => {
                let v = value("a token")?;
                if v.is_empty() || !v.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err("--control-token: 1 or more visible ASCII characters".to_owned());
                }
                parsed.control_token = Some(v);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("qys-sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Sandbox::builder().host(args.host).port(args.port);
    if let Some(token) = &args.control_token {
        builder = builder.control_token(token.as_str());
    }
    let sandbox = match builder.start() {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "qys-sandbox: cannot start on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    if !args.host.is_loopback() {
        eprintln!(
            "qys-sandbox: WARNING: listening on {}, not loopback: anyone who can reach it can use the well-known credentials below",
            args.host
        );
    }
    let f = sandbox.fixtures();
    // These are the sandbox's fixed, documented test credentials, not real secrets.
    println!("qys-sandbox listening on {}", sandbox.base_url());
    println!();
    println!("base URL          {}", sandbox.base_url());
    println!("app token         {}", qys_sandbox::DEFAULT_APP_TOKEN);
    println!("app secret        {}", qys_sandbox::DEFAULT_APP_SECRET);
    println!("agent token       {}", qys_sandbox::DEFAULT_AGENT_TOKEN);
    println!("agent secret      {}", qys_sandbox::DEFAULT_AGENT_SECRET);
    println!();
    println!(
        "contract          {} (bizId {}, SIGNING)",
        f.contract_id, f.contract_biz_id
    );
    println!("document          {}", f.document_id);
    println!(
        "signer            {} ({})",
        f.signer.contact,
        f.signer.contact_type.as_str()
    );
    println!("authed company    {}", f.authenticated_company);
    println!(
        "SaaS tenant       {} ({}, app {})",
        f.saas_company_id, f.saas_company_name, f.saas_app_id
    );
    println!();
    println!("dashboard         {}/__sandbox/", sandbox.base_url());
    println!("control API       {}/__sandbox/api/", sandbox.base_url());
    match sandbox.control_token() {
        // Printed on purpose: whoever starts the sandbox needs it to drive the controls.
        Some(token) => println!("control token     {}", token.expose()),
        None => println!("control token     (none: open on loopback)"),
    }
    println!();
    println!("Ctrl-C to stop.");
    let waited = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map(|rt| rt.block_on(tokio::signal::ctrl_c()));
    match waited {
        Ok(Ok(())) => {
            sandbox.shutdown();
            ExitCode::SUCCESS
        }
        Ok(Err(e)) | Err(e) => {
            eprintln!("qys-sandbox: cannot wait for Ctrl-C: {e}");
            sandbox.shutdown();
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn arguments() {
        let a = parse(&["--port", "8080"]).unwrap().unwrap();
        assert_eq!(a.port, 8080);
        assert!(a.host.is_loopback());
        let a = parse(&["--host=::1", "--port=1"]).unwrap().unwrap();
        assert_eq!(a.host.to_string(), "::1");
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port"]).unwrap_err().contains("needs"));
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--host", "localhost"]).is_err());
        assert!(parse(&["--verbose"]).unwrap_err().contains("unknown"));
        let a = parse(&["--control-token", "t0k"]).unwrap().unwrap();
        assert_eq!(a.control_token.as_deref(), Some("t0k"));
        assert!(parse(&["--control-token="]).is_err());
    }
}
