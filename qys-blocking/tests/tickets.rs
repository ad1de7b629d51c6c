//! Every mini-program ticket endpoint, over real HTTP to the loopback sandbox.

mod common;

use std::io::Cursor;

use qys_blocking::api::miniapp::{
    CompanyAuthLicenseTicketRequest, CompanyAuthTicketRequest, ContractSignTicketRequest,
    ContractViewTicketRequest, PersonalAuthTicketRequest, PersonalSignAuthTicketRequest,
    PluginPage, SaasCompanyAuthTicketRequest, SaasPersonalAuthTicketRequest,
    SaasPersonalSignAuthTicketRequest, SaasPrivilegeTicketRequest, SaasSealSignAuthTicketRequest,
    Ticket,
};
use qys_blocking::endpoint::Route;
use qys_blocking::types::{Company, User};
use qys_blocking::{OneShot, PluginEnv, UploadFile, open_file};

thread_local! {
    /// The sandbox of the running test, to look minted tickets up.
    static SANDBOX: std::cell::RefCell<Option<std::sync::Arc<qys_sandbox::Sandbox>>> =
        const { std::cell::RefCell::new(None) };
}

/// Starts a sandbox that [`check`] consults.
fn sandbox() -> std::sync::Arc<qys_sandbox::Sandbox> {
    let sandbox = std::sync::Arc::new(common::sandbox());
    SANDBOX.with(|s| *s.borrow_mut() = Some(sandbox.clone()));
    sandbox
}

/// The plugin URL a ticket must render, written out independently of the core.
fn expected_url(ticket: &Ticket, page: &str, type_param: Option<&str>, has_cb: bool) -> String {
    let mut url = format!(
        "plugin://qyssdk-plugin/{page}?ticket={}&env=cn",
        qys_blocking::proto::query::encode(ticket.value())
    );
    if has_cb {
        url.push_str("&hasCb=true");
    }
    if let Some(t) = type_param {
        url.push_str("&type=");
        url.push_str(t);
    }
    url
}

fn check(ticket: &Ticket, page: PluginPage, page_name: &str, type_param: Option<&str>) {
    assert!(!ticket.value().is_empty());
    if let Some(sandbox) = SANDBOX.with(|s| s.borrow().clone()) {
        let minted = sandbox
            .ticket(ticket.value())
            .expect("the sandbox minted this ticket");
        assert_eq!(minted.page, page, "the sandbox minted it for another page");
    }
    assert_eq!(ticket.page(), page);
    assert_eq!(ticket.env(), PluginEnv::Test);
    assert_eq!(
        ticket.plugin_url().to_string(),
        expected_url(ticket, page_name, type_param, false)
    );
    assert_eq!(
        ticket.plugin_url().with_callbacks(true).to_string(),
        expected_url(ticket, page_name, type_param, true)
    );
}

fn licence_bytes() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..4096u32).map(|i| (i * 31 % 251) as u8));
    png
}

#[test]
fn every_json_ticket_endpoint_answers_a_ticket_for_its_page() {
    let sandbox = sandbox();
    let client = common::client(&sandbox);
    let f = sandbox.fixtures();
    let applicant = User::mobile("13900000001").with_name("张三");

    let t = client
        .execute(&ContractSignTicketRequest::new(
            f.contract_id.clone(),
            f.signer.clone(),
        ))
        .expect("contract sign ticket");
    check(&t, PluginPage::ContractSign, "doc", None);

    let t = client
        .execute(&ContractViewTicketRequest::by_id(f.contract_id.clone()))
        .expect("contract view ticket");
    check(&t, PluginPage::ContractView, "doc", None);

    let t = client
        .execute(&PersonalAuthTicketRequest::new(applicant.clone()))
        .expect("personal auth ticket");
    check(&t, PluginPage::PersonalAuth, "personal-auth", None);

    let t = client
        .execute(&CompanyAuthTicketRequest::new(
            "青岛测试科技有限公司",
            applicant.clone(),
        ))
        .expect("company auth ticket");
    check(&t, PluginPage::CompanyAuth, "enterprise-auth", None);

    let t = client
        .execute(&PersonalSignAuthTicketRequest::new(applicant.clone()))
        .expect("personal sign auth ticket");
    check(
        &t,
        PluginPage::PersonalSignAuth,
        "signature",
        Some("personalSignatureOpen"),
    );

    let company = Company::by_id(f.saas_company_id.clone());
    let t = client
        .execute(&SaasPersonalSignAuthTicketRequest::new(
            applicant.clone(),
            company.clone(),
        ))
        .expect("saas personal sign auth ticket");
    check(
        &t,
        PluginPage::SaasPersonalSignAuth,
        "signature",
        Some("personalSignature"),
    );

    let t = client
        .execute(&SaasSealSignAuthTicketRequest::new(
            applicant.clone(),
            company,
        ))
        .expect("saas seal sign auth ticket");
    check(
        &t,
        PluginPage::SaasSealSignAuth,
        "signature",
        Some("sealSignature"),
    );

    let t = client
        .execute(&SaasPersonalAuthTicketRequest::new(applicant.clone()))
        .expect("saas personal auth ticket");
    check(&t, PluginPage::PersonalAuth, "personal-auth", None);

    let t = client
        .execute(&SaasPrivilegeTicketRequest::new(
            f.saas_app_id.clone(),
            f.saas_company_id.clone(),
            applicant,
        ))
        .expect("saas privilege ticket");
    check(&t, PluginPage::SaasPrivilege, "authority", None);
}

#[test]
fn licence_tickets_upload_a_chinese_named_file() {
    let sandbox = sandbox();
    let client = common::client(&sandbox);
    let applicant = User::mobile("13900000002");
    let png = licence_bytes();

    let mut request = CompanyAuthLicenseTicketRequest::new(
        "青岛测试科技有限公司",
        applicant.clone(),
        UploadFile::new("营业执照.png", png.len() as u64, Cursor::new(png.clone())),
    );
    let t = client.upload(&mut request).expect("licence ticket");
    check(&t, PluginPage::CompanyAuth, "enterprise-auth", None);
    let minted = sandbox.ticket(t.value()).expect("the sandbox minted it");
    let licence = minted.license.expect("the licence arrived");
    assert_eq!(licence.file_name, "营业执照.png");
    assert_eq!(licence.bytes, png);
    assert_eq!(
        sandbox.requests_seen(CompanyAuthLicenseTicketRequest::<Cursor<Vec<u8>>>::PATH),
        1
    );

    let mut request =
        SaasCompanyAuthTicketRequest::new("上海测试有限公司", applicant.clone()).license(
            UploadFile::new("营业执照 副本.png", png.len() as u64, OneShot(&png[..])),
        );
    let t = client.upload(&mut request).expect("saas licence ticket");
    check(&t, PluginPage::CompanyAuth, "enterprise-auth", None);
    let licence = sandbox
        .ticket(t.value())
        .and_then(|m| m.license)
        .expect("licence");
    assert_eq!(licence.file_name, "营业执照 副本.png");
    assert_eq!(licence.bytes, png);

    // The SaaS form also goes without a licence.
    let mut request =
        SaasCompanyAuthTicketRequest::<Cursor<Vec<u8>>>::new("深圳测试有限公司", applicant);
    let t = client
        .upload(&mut request)
        .expect("saas ticket without licence");
    check(&t, PluginPage::CompanyAuth, "enterprise-auth", None);
}

#[test]
fn open_file_streams_a_file_from_disk() {
    let sandbox = sandbox();
    let client = common::client(&sandbox);
    let dir = std::env::temp_dir().join(format!("qys-blocking-open-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("营业执照.png");
    std::fs::write(&path, licence_bytes()).unwrap();

    let licence = open_file(&path).expect("open");
    assert_eq!(licence.file_name(), "营业执照.png");
    assert_eq!(licence.length(), licence_bytes().len() as u64);
    assert_eq!(licence.content_type(), "image/png");
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "青岛测试科技有限公司",
        User::mobile("13900000003"),
        licence,
    );
    let t = client.upload(&mut request).expect("licence from disk");
    check(&t, PluginPage::CompanyAuth, "enterprise-auth", None);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_cloned_client_shares_its_agent_and_debug_shows_no_secret() {
    let sandbox = sandbox();
    let client = common::client(&sandbox);
    let clone = client.clone();
    let f = sandbox.fixtures();
    let t = clone
        .execute(&ContractViewTicketRequest::by_id(f.contract_id.clone()))
        .expect("ticket through a clone");
    check(&t, PluginPage::ContractView, "doc", None);

    let secret = sandbox.credentials().secret().expose().to_owned();
    let agent_secret = sandbox.agent_credentials().secret().expose().to_owned();
    for text in [
        format!("{client:?}"),
        format!("{:?}", common::builder(&sandbox)),
        format!("{t:?}"),
    ] {
        assert!(!text.contains(&secret), "secret in {text}");
        assert!(!text.contains(&agent_secret), "agent secret in {text}");
    }
}
