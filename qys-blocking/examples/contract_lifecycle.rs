//! A contract's whole life with the blocking client: draft (the company as sponsor, a person
//! as signer) → a PDF document uploaded from a file → send (with signing positions) → the
//! company's seal → the person's signature → detail → download → the contract list, page by
//! page.
//!
//! ```text
//! cargo run -p qys-blocking --example contract_lifecycle
//! ```
//!
//! Without credentials it starts an embedded `qys-sandbox` on loopback and runs the whole flow
//! there in a second or so, the person signing silently. With `QYS_ACCESS_TOKEN` and
//! `QYS_ACCESS_SECRET` set it talks to the real Open Platform:
//!
//! - `QYS_ENV=test|prod` picks the test (default) or production platform; `QYS_BASE_URL`
//!   overrides it with any base URL (plain `http://` only when that URL is http).
//! - `QYS_COMPANY_NAME` (required there): the full name of your platform company, the sponsor
//!   that seals by API. `QYS_SEAL_ID` (optional): the seal it uses (else its default seal).
//! - `QYS_SIGNER_NAME` and `QYS_SIGNER_MOBILE`: the person who signs (defaults: 张三,
//!   13800000001). On the real platform a person signs in a page, so instead of signing for
//!   them the example prints their signing page's URL, and the contract stays `SIGNING`.
//! - `QYS_OUT_DIR`: where the example writes the PDF it uploads and the ZIP it downloads
//!   (default: a new directory under the system's temporary directory).
//!
//! Each step prints one line. Any error ends the program with a non-zero status after printing
//! the typed error (secrets are never printed).

use std::error::Error as StdError;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use qys_blocking::api::contract::{
    ContractDetailRequest, ContractDownloadRequest, ContractDraftRequest, ContractListRequest,
    ContractSendRequest,
};
use qys_blocking::api::document::DocumentAddByFileRequest;
use qys_blocking::api::signing::{
    CompanySignRequest, ContractPageUrlRequest, PersonalSignRequest, SignParam,
};
use qys_blocking::types::{
    ActionDraft, ActionType, ContractDraft, ContractStatus, SignatoryDraft, Stamper, StamperType,
    TenantType, User,
};
use qys_blocking::{Client, Credentials, Environment, SealId, open_file};
use qys_sandbox::Sandbox;

type AnyResult<T> = Result<T, Box<dyn StdError>>;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Who the contract is between, and where it runs.
struct Setup {
    client: Client,
    /// The embedded sandbox, kept alive until the end (`None` on the real platform).
    sandbox: Option<Sandbox>,
    company: String,
    seal_id: Option<SealId>,
    signer_name: String,
    signer: User,
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

fn set_up() -> AnyResult<Setup> {
    let signer_name = env("QYS_SIGNER_NAME").unwrap_or_else(|| "张三".to_owned());
    let signer = User::mobile(env("QYS_SIGNER_MOBILE").unwrap_or_else(|| "13800000001".to_owned()))
        .with_name(signer_name.clone());
    let seal_id = env("QYS_SEAL_ID").map(SealId::new);
    if let (Some(token), Some(secret)) = (env("QYS_ACCESS_TOKEN"), env("QYS_ACCESS_SECRET")) {
        let (environment, allow_http) = match env("QYS_BASE_URL") {
            Some(url) => {
                let http = url.trim_start().to_ascii_lowercase().starts_with("http://");
                (Environment::custom(&url)?, http)
            }
            None => match env("QYS_ENV").as_deref() {
                None | Some("test") => (Environment::test(), false),
                Some("prod" | "production") => (Environment::production(), false),
                Some(other) => {
                    return Err(format!("QYS_ENV must be test or prod, not {other:?}").into());
                }
            },
        };
        let company = env("QYS_COMPANY_NAME")
            .ok_or("QYS_COMPANY_NAME must name your platform company on the real platform")?;
        println!("# Open Platform at {}", environment.base_url());
        let client = Client::builder(environment, Credentials::new(token, secret))
            .allow_http(allow_http)
            .build()?;
        return Ok(Setup {
            client,
            sandbox: None,
            company,
            seal_id,
            signer_name,
            signer,
        });
    }
    let sandbox = Sandbox::start()?;
    println!("# embedded qys-sandbox at {}", sandbox.base_url());
    let client = Client::builder(sandbox.environment(), sandbox.signer())
        .allow_http(true)
        .build()?;
    Ok(Setup {
        client,
        company: env("QYS_COMPANY_NAME")
            .unwrap_or_else(|| sandbox.fixtures().authenticated_company.clone()),
        sandbox: Some(sandbox),
        seal_id,
        signer_name,
        signer,
    })
}

/// A small one-page PDF with the contract's text.
fn contract_pdf(subject: &str) -> Vec<u8> {
    let text = format!("BT /F1 14 Tf 72 720 Td ({subject}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

fn out_dir() -> AnyResult<PathBuf> {
    let dir = match env("QYS_OUT_DIR") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("qys-contract-lifecycle-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn run() -> AnyResult<()> {
    let started = Instant::now();
    let s = set_up()?;
    let client = &s.client;
    let on_sandbox = s.sandbox.is_some();
    let dir = out_dir()?;

    // 1. The draft: the platform company seals, then the person signs.
    let subject = "qys 合同生命周期示例";
    let draft = client.execute(&ContractDraftRequest::new(ContractDraft::new(
        subject,
        [
            SignatoryDraft::company(s.company.clone(), [ActionDraft::new(ActionType::Company)]),
            SignatoryDraft::personal(s.signer_name.clone(), s.signer.clone()),
        ],
    )))?;
    let id = draft
        .id
        .clone()
        .ok_or("the draft came back without an ID")?;
    println!(
        "draft      {id}  status {}",
        status_text(draft.status.as_ref())
    );
    let action_id = draft
        .signatories
        .iter()
        .filter(|g| g.tenant_type == Some(TenantType::Company))
        .flat_map(|g| &g.actions)
        .find(|a| a.action_type == Some(ActionType::Company))
        .and_then(|a| a.id.clone())
        .ok_or("the draft came back without the company's action ID")?;
    let signatory_id = draft
        .signatories
        .iter()
        .find(|g| g.tenant_type == Some(TenantType::Personal))
        .and_then(|g| g.id.clone())
        .ok_or("the draft came back without the person's signatory ID")?;

    // 2. The document, uploaded from a file.
    let pdf_path = dir.join("合同正文.pdf");
    std::fs::write(&pdf_path, contract_pdf("qys contract lifecycle"))?;
    let file = open_file(&pdf_path)?;
    let length = file.length();
    let document_id = client
        .upload(&mut DocumentAddByFileRequest::new(
            id.clone(),
            "合同正文",
            file,
        ))?
        .document_id;
    println!(
        "document   {document_id}  {length} bytes from {}",
        pdf_path.display()
    );

    // 3. Send, placing the company's seal and the person's signature on page 1.
    client.execute(&ContractSendRequest::new(id.clone()).stampers([
        Stamper::at(StamperType::Company, document_id.clone(), 1, 0.6, 0.15).for_action(action_id),
        Stamper::at(StamperType::Personal, document_id, 1, 0.2, 0.15).for_signatory(signatory_id),
    ]))?;
    println!("sent       {id}");

    // 4. The company seals by API.
    let mut seal = SignParam::new(id.clone());
    if let Some(seal_id) = &s.seal_id {
        seal = seal.seal_id(seal_id.clone());
    }
    let seal = CompanySignRequest::from(seal);
    client.execute(&seal)?;
    println!("sealed     by {}", s.company);

    // 5. The person signs: silently on the sandbox, in a page on the real platform.
    if on_sandbox {
        client.execute(&PersonalSignRequest::new(id.clone(), s.signer.clone()))?;
        println!("signed     by {} ({})", s.signer_name, s.signer.contact);
    } else {
        let page = client.execute(&ContractPageUrlRequest::new(id.clone(), s.signer.clone()))?;
        println!("sign page  for {}: {}", s.signer_name, page.url);
    }

    // 6. The detail.
    let detail = client.execute(&ContractDetailRequest::new(id.clone()))?;
    println!(
        "detail     {id}  status {}  {} document(s)",
        status_text(detail.status.as_ref()),
        detail.documents.len()
    );
    if on_sandbox && detail.status != Some(ContractStatus::Complete) {
        return Err(format!(
            "the contract should be COMPLETE, it is {}",
            status_text(detail.status.as_ref())
        )
        .into());
    }

    // 7. The signed contract and its signing log, as a ZIP written all or nothing.
    let zip_path = dir.join(format!("{id}.zip"));
    let meta = client.download_to_path(&ContractDownloadRequest::new(id.clone()), &zip_path)?;
    let size = std::fs::metadata(&zip_path)?.len();
    println!(
        "download   {} ({size} bytes, {}) as {}",
        meta.file_name().unwrap_or("(unnamed)"),
        meta.content_type().unwrap_or("?"),
        zip_path.display()
    );

    // 8. The contract list, 5 per page (at most 50 contracts shown).
    let mut pages = client.pages(&ContractListRequest::new().select_limit(5));
    let mut shown = 0;
    for page in pages.by_ref() {
        let page = page?;
        for c in &page {
            let mark = if c.id.as_ref() == Some(&id) {
                "  ← this one"
            } else {
                ""
            };
            println!(
                "list       {}  {}  {}{mark}",
                c.id.as_ref().map_or("?", |i| i.as_str()),
                status_text(c.status.as_ref()),
                c.subject.as_deref().unwrap_or("")
            );
        }
        shown += page.len();
        if shown >= 50 {
            break;
        }
    }
    println!(
        "listed     {shown} contract(s) in {} page(s); done in {:.2?}",
        pages.pages_fetched(),
        started.elapsed()
    );
    Ok(())
}

fn status_text(status: Option<&ContractStatus>) -> &str {
    status.map_or("?", ContractStatus::as_str)
}
