//! Mints every kind of mini-program plugin ticket and prints the URL each one opens.
//!
//! ```text
//! cargo run -p qys-blocking --example quickstart
//! ```
//!
//! Without credentials it starts an embedded `qys-sandbox` on loopback and talks to it. With
//! `QYS_ACCESS_TOKEN` and `QYS_ACCESS_SECRET` set it talks to the real Open Platform:
//!
//! - `QYS_ENV=test|prod` picks the test (default) or production platform; `QYS_BASE_URL`
//!   overrides it with any base URL (plain `http://` is allowed only when that URL is http).
//! - `QYS_AGENT_TOKEN` / `QYS_AGENT_SECRET`, with `QYS_SAAS_COMPANY_ID` and `QYS_SAAS_APP_ID`,
//!   enable the SaaS tickets; without them those are skipped with a note.
//! - `QYS_CONTRACT_ID`, `QYS_SIGNER_MOBILE` and `QYS_COMPANY_NAME` supply real IDs (the
//!   defaults are the sandbox's fixtures).
//!
//! Each line is `<endpoint path>  <plugin URL>`. Any error ends the program with a non-zero
//! status after printing the typed error.

use std::io::Cursor;
use std::process::ExitCode;

use qys_blocking::api::miniapp::{
    CompanyAuthLicenseTicketRequest, CompanyAuthTicketRequest, ContractSignTicketRequest,
    ContractViewTicketRequest, PersonalAuthTicketRequest, PersonalSignAuthTicketRequest,
    SaasCompanyAuthTicketRequest, SaasPersonalAuthTicketRequest, SaasPersonalSignAuthTicketRequest,
    SaasPrivilegeTicketRequest, SaasSealSignAuthTicketRequest, Ticket,
};
use qys_blocking::endpoint::{Endpoint, Route, Upload};
use qys_blocking::types::{Company, User};
use qys_blocking::{
    Client, CompanyId, ContractId, Credentials, Environment, Error, Signer, Source, UploadFile,
};
use qys_sandbox::Sandbox;

/// What the tickets are minted for.
struct Subjects {
    contract_id: ContractId,
    signer_mobile: String,
    company_name: String,
    /// The SaaS tenant (company ID, app ID), when SaaS tickets can be minted.
    saas: Option<(CompanyId, String)>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("{e:?}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    // Keep the sandbox alive (if one is used) until the end.
    let (client, subjects, _sandbox) = match (env("QYS_ACCESS_TOKEN"), env("QYS_ACCESS_SECRET")) {
        (Some(token), Some(secret)) => {
            let (client, subjects) = real_platform(Credentials::new(token, secret))?;
            (client, subjects, None)
        }
        _ => {
            let sandbox = Sandbox::start().map_err(|e| {
                qys_blocking::TransportError::new(
                    qys_blocking::TransportErrorKind::Io,
                    "the embedded sandbox did not start",
                    Some(Box::new(e)),
                )
            })?;
            println!("# embedded qys-sandbox at {}", sandbox.base_url());
            let f = sandbox.fixtures();
            let subjects = Subjects {
                contract_id: env("QYS_CONTRACT_ID")
                    .map(ContractId::new)
                    .unwrap_or_else(|| f.contract_id.clone()),
                signer_mobile: env("QYS_SIGNER_MOBILE").unwrap_or_else(|| f.signer.contact.clone()),
                company_name: env("QYS_COMPANY_NAME")
                    .unwrap_or_else(|| "契约锁快速入门示例有限公司".to_owned()),
                saas: Some((f.saas_company_id.clone(), f.saas_app_id.clone())),
            };
            let client = Client::builder(sandbox.environment(), sandbox.signer())
                .allow_http(true)
                .build()?;
            (client, subjects, Some(sandbox))
        }
    };
    mint_all(&client, &subjects)
}

fn real_platform(app: Credentials) -> Result<(Client, Subjects), Error> {
    let (environment, allow_http) = match env("QYS_BASE_URL") {
        Some(url) => {
            let environment = Environment::custom(&url)?;
            let http = url.trim_start().to_ascii_lowercase().starts_with("http://");
            (environment, http)
        }
        None => match env("QYS_ENV").as_deref() {
            Some("prod" | "production") => (Environment::production(), false),
            _ => (Environment::test(), false),
        },
    };
    let agent = match (env("QYS_AGENT_TOKEN"), env("QYS_AGENT_SECRET")) {
        (Some(token), Some(secret)) => Some(Credentials::new(token, secret)),
        _ => None,
    };
    let saas = match (&agent, env("QYS_SAAS_COMPANY_ID"), env("QYS_SAAS_APP_ID")) {
        (Some(_), Some(company), Some(app_id)) => Some((CompanyId::new(company), app_id)),
        _ => {
            println!(
                "# note: SaaS tickets skipped (set QYS_AGENT_TOKEN, QYS_AGENT_SECRET, \
                 QYS_SAAS_COMPANY_ID and QYS_SAAS_APP_ID to mint them)"
            );
            None
        }
    };
    let mut signer = Signer::new(app);
    if let Some(agent) = agent {
        signer = signer.with_agent(agent);
    }
    println!("# Open Platform at {}", environment.base_url());
    let client = Client::builder(environment, signer)
        .allow_http(allow_http)
        .build()?;
    let subjects = Subjects {
        contract_id: ContractId::new(
            env("QYS_CONTRACT_ID").unwrap_or_else(|| "3076583214958469120".to_owned()),
        ),
        signer_mobile: env("QYS_SIGNER_MOBILE").unwrap_or_else(|| "13800000001".to_owned()),
        company_name: env("QYS_COMPANY_NAME")
            .unwrap_or_else(|| "契约锁快速入门示例有限公司".to_owned()),
        saas,
    };
    Ok((client, subjects))
}

/// A small PNG-like buffer standing in for a scanned business licence.
fn licence() -> UploadFile<Cursor<Vec<u8>>> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..2048u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    UploadFile::new("营业执照.png", png.len() as u64, Cursor::new(png))
}

fn print_ticket<E: Route>(ticket: &Ticket, callbacks: bool) {
    println!(
        "{}  {}",
        E::PATH,
        ticket.plugin_url().with_callbacks(callbacks)
    );
}

fn mint<E: Endpoint<Response = Ticket> + Route>(
    client: &Client,
    endpoint: &E,
) -> Result<(), Error> {
    let ticket = client.execute(endpoint)?;
    print_ticket::<E>(&ticket, false);
    Ok(())
}

fn mint_upload<E>(client: &Client, endpoint: &mut E) -> Result<(), Error>
where
    E: Upload<Response = Ticket> + Route,
    E::Source: Source,
{
    let ticket = client.upload(endpoint)?;
    print_ticket::<E>(&ticket, false);
    Ok(())
}

fn mint_all(client: &Client, s: &Subjects) -> Result<(), Error> {
    let signer = User::mobile(&s.signer_mobile);

    // The signing page, opened with the plugin's event callbacks (`hasCb=true`).
    let sign = ContractSignTicketRequest::new(s.contract_id.clone(), signer.clone());
    let ticket = client.execute(&sign)?;
    print_ticket::<ContractSignTicketRequest>(&ticket, true);

    mint(
        client,
        &ContractViewTicketRequest::by_id(s.contract_id.clone()),
    )?;
    mint(client, &PersonalAuthTicketRequest::new(signer.clone()))?;
    mint(
        client,
        &CompanyAuthTicketRequest::new(&s.company_name, signer.clone()),
    )?;
    mint_upload(
        client,
        &mut CompanyAuthLicenseTicketRequest::new(&s.company_name, signer.clone(), licence()),
    )?;
    mint(client, &PersonalSignAuthTicketRequest::new(signer.clone()))?;

    let Some((company_id, app_id)) = &s.saas else {
        return Ok(());
    };
    let tenant = Company::by_id(company_id.clone());
    mint(
        client,
        &SaasPersonalSignAuthTicketRequest::new(signer.clone(), tenant.clone()),
    )?;
    mint(
        client,
        &SaasSealSignAuthTicketRequest::new(signer.clone(), tenant),
    )?;
    mint_upload(
        client,
        &mut SaasCompanyAuthTicketRequest::new(&s.company_name, signer.clone()).license(licence()),
    )?;
    mint(client, &SaasPersonalAuthTicketRequest::new(signer.clone()))?;
    mint(
        client,
        &SaasPrivilegeTicketRequest::new(app_id.clone(), company_id.clone(), signer),
    )?;
    Ok(())
}
