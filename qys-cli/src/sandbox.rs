//! `qys sandbox`: the embedded qys-sandbox, until the process is stopped.

use std::net::{IpAddr, Ipv4Addr};

use clap::Args;
use qys_sandbox::{
    DEFAULT_AGENT_SECRET, DEFAULT_AGENT_TOKEN, DEFAULT_APP_SECRET, DEFAULT_APP_TOKEN, Sandbox,
};
use serde_json::json;

use crate::fail::Failure;
use crate::output::print_line;

/// `qys sandbox`.
#[derive(Debug, Args)]
pub(crate) struct SandboxCommand {
    /// The port to listen on (default 0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The address to listen on. Anything but loopback exposes the sandbox and its
    /// well-known credentials.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Prints the banner as one line of JSON instead (for scripts).
    #[arg(long)]
    json: bool,
}

impl SandboxCommand {
    /// Starts the sandbox, prints its banner and serves until the process is stopped.
    pub(crate) fn run(&self) -> Result<(), Failure> {
        let sandbox = Sandbox::builder()
            .host(self.host)
            .port(self.port)
            .start()
            .map_err(|e| {
                Failure::file(format!(
                    "the sandbox cannot listen on {}:{}: {e}",
                    self.host, self.port
                ))
            })?;
        if !self.host.is_loopback() {
            crate::output::note(&format!(
                "WARNING: listening on {}, not loopback: anyone who can reach it can use the well-known credentials below",
                self.host
            ));
        }
        self.banner(&sandbox)?;
        // Serve until killed (Ctrl-C): the sandbox keeps nothing that needs saving.
        loop {
            std::thread::park();
        }
    }

    fn banner(&self, sandbox: &Sandbox) -> Result<(), Failure> {
        let f = sandbox.fixtures();
        let url = sandbox.base_url();
        // The sandbox's fixed, documented test credentials and key: not real secrets.
        let key = sandbox.callback_secret_key();
        let key = key.expose();
        let encrypted = sandbox.callback_encrypt();
        if self.json {
            // One line, so that a script can read it while the sandbox keeps running.
            return print_line(
                &json!({
                    "baseUrl": url,
                    "accessToken": DEFAULT_APP_TOKEN,
                    "accessSecret": DEFAULT_APP_SECRET,
                    "agentToken": DEFAULT_AGENT_TOKEN,
                    "agentSecret": DEFAULT_AGENT_SECRET,
                    "callbackSecretKey": key,
                    "callbackEncrypted": encrypted,
                    "contractId": f.contract_id,
                    "contractBizId": f.contract_biz_id,
                    "documentId": f.document_id,
                    "signer": f.signer.contact,
                    "authenticatedCompany": f.authenticated_company,
                    "saasCompanyId": f.saas_company_id,
                    "saasCompanyName": f.saas_company_name,
                    "saasAppId": f.saas_app_id,
                })
                .to_string(),
            );
        }
        print_line(&format!(
            "qys-sandbox listening on {url}

Point qys (or any SDK quickstart) at it:
  export QYS_BASE_URL={url}
  export QYS_ACCESS_TOKEN={DEFAULT_APP_TOKEN}
  export QYS_ACCESS_SECRET={DEFAULT_APP_SECRET}
  export QYS_AGENT_TOKEN={DEFAULT_AGENT_TOKEN}
  export QYS_AGENT_SECRET={DEFAULT_AGENT_SECRET}

contract          {} (bizId {}, SIGNING)
document          {}
signer            {} ({})
authed company    {}
SaaS tenant       {} ({}, app {})
callback key      {key} (callbacks {})

Ctrl-C to stop.",
            f.contract_id,
            f.contract_biz_id,
            f.document_id,
            f.signer.contact,
            f.signer.contact_type.as_str(),
            f.authenticated_company,
            f.saas_company_id,
            f.saas_company_name,
            f.saas_app_id,
            if encrypted {
                "signed and encrypted"
            } else {
                "not encrypted"
            },
        ))
    }
}
