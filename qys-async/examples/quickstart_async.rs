//! Mints every kind of mini-program ticket with the async client and prints its plugin URL.
//!
//! Without credentials it starts an embedded qys sandbox and talks to it over loopback:
//!
//! ```text
//! cargo run -p qys-async --example quickstart_async
//! ```
//!
//! With `QYS_ACCESS_TOKEN` and `QYS_ACCESS_SECRET` it talks to the real Open Platform:
//! `QYS_ENV=test|prod` (default `test`) picks the platform, `QYS_BASE_URL` replaces it with any
//! base URL (plain `http://` is allowed only when that URL is http). `QYS_AGENT_TOKEN` and
//! `QYS_AGENT_SECRET` enable the SaaS tickets. `QYS_CONTRACT_ID`, `QYS_SIGNER_MOBILE`,
//! `QYS_COMPANY_NAME`, `QYS_SAAS_COMPANY_ID` and `QYS_SAAS_APP_ID` supply real IDs; the
//! defaults are the sandbox's fixtures (and a company name that is not yet authenticated).
//!
//! Prints one line per ticket, `<endpoint path>  <plugin URL>`, and exits non-zero with the
//! typed error on the first failure.

use std::env;
use std::io::Cursor;
use std::process::ExitCode;

use qys_async::api::miniapp::{
    CompanyAuthLicenseTicketRequest, CompanyAuthTicketRequest, ContractSignTicketRequest,
    ContractViewTicketRequest, PersonalAuthTicketRequest, PersonalSignAuthTicketRequest,
    SaasCompanyAuthTicketRequest, SaasPersonalAuthTicketRequest, SaasPersonalSignAuthTicketRequest,
    SaasPrivilegeTicketRequest, SaasSealSignAuthTicketRequest, Ticket,
};
use qys_async::endpoint::{Endpoint, Route, Upload};
use qys_async::types::{Company, User};
use qys_async::{
    Client, CompanyId, ContractId, Credentials, Environment, Error, Signer, Source, TransportError,
    TransportErrorKind, UploadFile,
};
use qys_sandbox::Sandbox;

/// What the tickets are minted for.
struct Ids {
    contract_id: ContractId,
    signer: User,
    company_name: String,
    saas_company_id: CompanyId,
    saas_app_id: String,
}

fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The client, the sandbox it talks to (if any, kept alive), whether SaaS credentials exist.
fn set_up() -> Result<(Client, Option<Sandbox>, bool), Error> {
    if let (Some(token), Some(secret)) = (var("QYS_ACCESS_TOKEN"), var("QYS_ACCESS_SECRET")) {
        let environment = match var("QYS_BASE_URL") {
            Some(url) => Environment::custom(&url)?,
            None => match var("QYS_ENV").as_deref() {
                None | Some("test") => Environment::test(),
                Some("prod" | "production") => Environment::production(),
                Some(other) => {
                    return Err(qys_async::BuildError::new(
                        qys_async::BuildErrorKind::InvalidArgument,
                        format!("QYS_ENV must be test or prod, not {other:?}"),
                    )
                    .into());
                }
            },
        };
        let mut signer = Signer::new(Credentials::new(token, secret));
        let has_agent = match (var("QYS_AGENT_TOKEN"), var("QYS_AGENT_SECRET")) {
            (Some(t), Some(s)) => {
                signer = signer.with_agent(Credentials::new(t, s));
                true
            }
            _ => false,
        };
        let allow_http = !environment.is_https();
        println!("platform: {}", environment.base_url());
        let client = Client::builder(environment, signer)
            .allow_http(allow_http)
            .build()?;
        Ok((client, None, has_agent))
    } else {
        let sandbox = start_sandbox()?;
        println!("sandbox: {}", sandbox.base_url());
        let client = Client::builder(sandbox.environment(), sandbox.signer())
            .allow_http(true)
            .build()?;
        Ok((client, Some(sandbox), true))
    }
}

fn start_sandbox() -> Result<Sandbox, Error> {
    Sandbox::start().map_err(|e| {
        TransportError::new(
            TransportErrorKind::Io,
            "could not start the embedded sandbox",
            Some(Box::new(e)),
        )
        .into()
    })
}

fn ids(sandbox: Option<&Sandbox>) -> Result<Ids, Error> {
    // The sandbox's fixture values are fixed; they are the defaults in both modes (against the
    // real platform a throwaway sandbox is started just to read them).
    let fixtures = match sandbox {
        Some(s) => s.fixtures().clone(),
        None => start_sandbox()?.fixtures().clone(),
    };
    Ok(Ids {
        contract_id: var("QYS_CONTRACT_ID")
            .map(ContractId::new)
            .unwrap_or(fixtures.contract_id),
        signer: var("QYS_SIGNER_MOBILE")
            .map(User::mobile)
            .unwrap_or(fixtures.signer),
        company_name: var("QYS_COMPANY_NAME")
            .unwrap_or_else(|| "契约锁示例科技有限公司".to_owned()),
        saas_company_id: var("QYS_SAAS_COMPANY_ID")
            .map(CompanyId::new)
            .unwrap_or(fixtures.saas_company_id),
        saas_app_id: var("QYS_SAAS_APP_ID").unwrap_or(fixtures.saas_app_id),
    })
}

type Line = (&'static str, String);

async fn mint<E: Endpoint<Response = Ticket> + Route>(
    client: &Client,
    endpoint: E,
) -> Result<Line, Error> {
    let ticket = client.execute(&endpoint).await?;
    Ok((E::PATH, ticket.plugin_url().to_string()))
}

async fn mint_upload<E>(client: &Client, mut endpoint: E) -> Result<Line, Error>
where
    E: Upload<Response = Ticket> + Route + Send,
    E::Source: Source,
{
    let ticket = client.upload(&mut endpoint).await?;
    Ok((E::PATH, ticket.plugin_url().to_string()))
}

/// A small generated image to stand in for a business licence scan.
fn licence() -> UploadFile<Cursor<Vec<u8>>> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..4096u32).map(|i| (i * 31 % 256) as u8));
    UploadFile::new("营业执照.png", bytes.len() as u64, Cursor::new(bytes))
}

async fn run() -> Result<(), Error> {
    let (client, sandbox, has_agent) = set_up()?;
    let ids = ids(sandbox.as_ref())?;
    let signer = ids.signer.clone();

    let app = tokio::try_join!(
        mint(
            &client,
            ContractSignTicketRequest::new(ids.contract_id.clone(), signer.clone())
        ),
        mint(
            &client,
            ContractViewTicketRequest::by_id(ids.contract_id.clone())
        ),
        mint(&client, PersonalAuthTicketRequest::new(signer.clone())),
        mint(
            &client,
            CompanyAuthTicketRequest::new(ids.company_name.clone(), signer.clone())
        ),
        mint_upload(
            &client,
            CompanyAuthLicenseTicketRequest::new(
                ids.company_name.clone(),
                signer.clone(),
                licence()
            )
        ),
        mint(&client, PersonalSignAuthTicketRequest::new(signer.clone())),
    )?;
    for (path, url) in [app.0, app.1, app.2, app.3, app.4, app.5] {
        println!("{path}  {url}");
    }

    if !has_agent {
        println!("note: QYS_AGENT_TOKEN/QYS_AGENT_SECRET not set; skipping the 5 SaaS tickets");
        return Ok(());
    }
    let company = Company::by_id(ids.saas_company_id.clone());
    let saas = tokio::try_join!(
        mint(
            &client,
            SaasPersonalSignAuthTicketRequest::new(signer.clone(), company.clone())
        ),
        mint(
            &client,
            SaasSealSignAuthTicketRequest::new(signer.clone(), company.clone())
        ),
        mint_upload(
            &client,
            SaasCompanyAuthTicketRequest::new(ids.company_name.clone(), signer.clone())
                .license(licence())
        ),
        mint(&client, SaasPersonalAuthTicketRequest::new(signer.clone())),
        mint(
            &client,
            SaasPrivilegeTicketRequest::new(
                ids.saas_app_id.clone(),
                ids.saas_company_id.clone(),
                signer.clone()
            )
        ),
    )?;
    for (path, url) in [saas.0, saas.1, saas.2, saas.3, saas.4] {
        println!("{path}  {url}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("  {error:?}");
            ExitCode::FAILURE
        }
    }
}
