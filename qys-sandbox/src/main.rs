//! `qys-sandbox`: runs the 契约锁 Open Platform sandbox gateway until Ctrl-C.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use qys_proto::{Credentials, Secret};
use qys_sandbox::{Cipher, Sandbox, SandboxBuilder};

/// A local stand-in for the 契约锁 (Qiyuesuo) Open Platform gateway.
///
/// It prints its base URL, the credentials, the callback settings and the fixture IDs, then
/// serves until Ctrl-C. The wire protocol it speaks is described in PROTOCOL.md.
#[derive(Debug, Parser)]
#[command(name = "qys-sandbox", version)]
struct Args {
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The IP address to listen on. Anything but a loopback address exposes the sandbox and
    /// its credentials to whoever can reach it.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The AppToken clients sign with.
    #[arg(long, env = "QYS_SANDBOX_APP_TOKEN", default_value = qys_sandbox::DEFAULT_APP_TOKEN)]
    app_token: String,
    /// The AppSecret clients sign with.
    #[arg(long, env = "QYS_SANDBOX_APP_SECRET", default_value = qys_sandbox::DEFAULT_APP_SECRET, hide_default_value = true)]
    app_secret: String,
    /// The SaaS agent's token (for `/saas/...` paths).
    #[arg(long, env = "QYS_SANDBOX_AGENT_TOKEN", default_value = qys_sandbox::DEFAULT_AGENT_TOKEN)]
    agent_token: String,
    /// The SaaS agent's secret.
    #[arg(long, env = "QYS_SANDBOX_AGENT_SECRET", default_value = qys_sandbox::DEFAULT_AGENT_SECRET, hide_default_value = true)]
    agent_secret: String,
    /// Refuse fields the sandbox's tables do not document (the platform ignores them).
    #[arg(long)]
    strict: bool,
    /// How far (in seconds) a request's timestamp may be from the sandbox's clock.
    #[arg(long, value_name = "SECONDS", default_value_t = qys_sandbox::DEFAULT_TIMESTAMP_WINDOW.as_secs())]
    timestamp_window: u64,
    /// The app-level callback URL (an absolute http:// URL), used when a flow names none.
    #[arg(long, value_name = "URL")]
    callback_url: Option<String>,
    /// Whether callbacks are signed and encrypted (`false`: the platform's unsigned forms).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    callback_encrypt: bool,
    /// The callbackSecretKey: 16 characters (an AES-128 key) that sign and encrypt callbacks.
    #[arg(long, value_name = "KEY", env = "QYS_SANDBOX_CALLBACK_KEY", default_value = qys_sandbox::DEFAULT_CALLBACK_SECRET_KEY, hide_default_value = true)]
    callback_key: String,
    /// The AES mode of encrypted callback content.
    #[arg(long, value_enum, default_value_t = CipherArg::Ecb)]
    callback_cipher: CipherArg,
    /// The CBC IV (16 characters; default: the key's own 16 bytes).
    #[arg(long, value_name = "IV")]
    callback_iv: Option<String>,
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The token the control API (`/__sandbox/api/`) and the dashboard (`/__sandbox/`)
    /// require. Without one they are open on loopback; on any other host a random token is
    /// made and printed.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "QYS_SANDBOX_CONTROL_TOKEN",
        hide_env_values = true
    )]
    control_token: Option<String>,
}

/// `--callback-cipher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CipherArg {
    /// AES-128-ECB (`AES_ECB`, the platform's default).
    Ecb,
    /// AES-128-CBC (`AES_CBC`).
    Cbc,
}

impl Args {
    /// The builder these arguments describe.
    fn builder(&self) -> Result<SandboxBuilder, String> {
        let mut builder = Sandbox::builder()
            .host(self.host)
            .port(self.port)
            .credentials(Credentials::new(
                self.app_token.as_str(),
                self.app_secret.as_str(),
            ))
            .agent_credentials(Credentials::new(
                self.agent_token.as_str(),
                self.agent_secret.as_str(),
            ))
            .strict(self.strict)
            .timestamp_window(Duration::from_secs(self.timestamp_window))
            .callback_encrypt(self.callback_encrypt)
            .callback_secret_key(Secret::new(self.callback_key.as_str()));
        if self.callback_cipher == CipherArg::Cbc || self.callback_iv.is_some() {
            let iv = self.callback_iv.as_deref().unwrap_or(&self.callback_key);
            let cipher = Cipher::cbc(iv.as_bytes())
                .map_err(|_| "--callback-iv must be 16 bytes".to_owned())?;
            builder = builder.callback_cipher(cipher);
        }
        if let Some(url) = &self.callback_url {
            builder = builder.callback_url(url);
        }
        if let Some(token) = &self.control_token {
            if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err("--control-token: 1 or more visible ASCII characters".to_owned());
            }
            builder = builder.control_token(token.as_str());
        }
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            let read = |p: &PathBuf| {
                std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
            };
            builder = builder.tls(read(cert)?, read(key)?);
        }
        Ok(builder)
    }
}

/// The banner: everything a client in any language needs to talk to this sandbox. These are
/// the sandbox's own test credentials and key, printed on purpose.
fn banner(sandbox: &Sandbox) {
    let f = sandbox.fixtures();
    let app = sandbox.credentials();
    let agent = sandbox.agent_credentials();
    let encrypted = sandbox.callback_encrypt();
    let cipher = sandbox.callback_cipher();
    println!("qys-sandbox listening on {}", sandbox.base_url());
    println!();
    println!("base URL          {}", sandbox.base_url());
    println!("app token         {}", app.token());
    println!("app secret        {}", app.secret().expose());
    println!("agent token       {}", agent.token());
    println!("agent secret      {}", agent.secret().expose());
    println!();
    println!(
        "callback key      {}",
        sandbox.callback_secret_key().expose()
    );
    println!(
        "callbacks         {}",
        match (encrypted, &cipher) {
            (false, _) => "unsigned plain forms (encrypt off)".to_owned(),
            (true, Cipher::AesCbc { iv }) => format!(
                "signed, content AES-128-CBC (IV {})",
                String::from_utf8_lossy(iv)
            ),
            (true, _) => "signed, content AES-128-ECB".to_owned(),
        }
    );
    println!(
        "callback URL      {}",
        sandbox
            .callback_url()
            .unwrap_or_else(|| "(none: each flow's callbackUrl)".to_owned())
    );
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
    println!("company seal      {}", f.company_seal_id);
    println!(
        "SaaS tenant       {} ({}, app {})",
        f.saas_company_id, f.saas_company_name, f.saas_app_id
    );
    println!();
    println!("control API       {}/__sandbox/api/", sandbox.base_url());
    match sandbox.control_token() {
        // Printed on purpose: whoever starts the sandbox needs it to drive the controls.
        Some(token) => println!("control token     {}", token.expose()),
        None => println!("control token     (none: open on loopback)"),
    }
    println!("dashboard         {}/__sandbox/", sandbox.base_url());
    println!();
    println!("Ctrl-C to stop.");
}

fn main() -> ExitCode {
    let args = Args::parse();
    let started = args.builder().and_then(|b| {
        b.start()
            .map_err(|e| format!("cannot start on {}:{}: {e}", args.host, args.port))
    });
    let sandbox = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qys-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !args.host.is_loopback() {
        eprintln!(
            "qys-sandbox: WARNING: listening on {}, not loopback: anyone who can reach it can use the credentials below",
            args.host
        );
    }
    banner(&sandbox);
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
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("qys-sandbox").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn arguments() {
        let a = parse(&["--port", "8080"]).unwrap();
        assert_eq!(a.port, 8080);
        assert!(a.host.is_loopback());
        assert!(a.callback_encrypt, "callbacks are signed by default");
        let a = parse(&["--host=::1", "--port=1", "--callback-encrypt", "false"]).unwrap();
        assert_eq!(a.host.to_string(), "::1");
        assert!(!a.callback_encrypt);
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--host", "localhost"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
        assert!(parse(&["--tls-cert", "a.pem"]).is_err(), "needs --tls-key");
        let a = parse(&["--callback-cipher", "cbc", "--callback-iv", "short"]).unwrap();
        assert!(a.builder().unwrap_err().contains("16 bytes"));
        let a = parse(&["--callback-cipher", "cbc"]).unwrap();
        assert!(a.builder().is_ok());
    }
}
