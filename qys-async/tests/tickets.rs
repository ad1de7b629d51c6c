//! Every mini-program ticket endpoint, minted through the async client against the sandbox
//! over loopback HTTP.

mod common;

use std::io::Cursor;

use qys_async::api::miniapp::{
    CompanyAuthLicenseTicketRequest, CompanyAuthTicketRequest, ContractSignTicketRequest,
    ContractViewTicketRequest, PersonalAuthTicketRequest, PersonalSignAuthTicketRequest,
    PluginPage, SaasCompanyAuthTicketRequest, SaasPersonalAuthTicketRequest,
    SaasPersonalSignAuthTicketRequest, SaasPrivilegeTicketRequest, SaasSealSignAuthTicketRequest,
    Ticket,
};
use qys_async::endpoint::Route;
use qys_async::types::{Company, ContractRef};
use qys_async::{OneShot, UploadFile};

/// Checks the ticket's page and renders the URL the plugin expects, written out by hand here
/// (not with the core's code) so the two check each other.
fn assert_url(ticket: &Ticket, page: PluginPage, expected_prefix: &str, expected_suffix: &str) {
    assert_eq!(ticket.page(), page);
    let value = ticket.value();
    assert!(!value.is_empty());
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
        "ticket {value:?} needs no escaping, so the URL below is exact"
    );
    assert_eq!(
        ticket.plugin_url().to_string(),
        format!("{expected_prefix}{value}{expected_suffix}")
    );
}

fn licence_bytes() -> Vec<u8> {
    b"\x89PNG\r\n\x1a\n"
        .iter()
        .copied()
        .chain((0..200_000u32).map(|i| (i % 251) as u8))
        .collect()
}

fn licence() -> UploadFile<Cursor<Vec<u8>>> {
    let bytes = licence_bytes();
    UploadFile::new("营业执照.png", bytes.len() as u64, Cursor::new(bytes))
}

#[tokio::test]
async fn contract_sign_and_view_tickets_open_the_doc_page() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();

    let sign = ContractSignTicketRequest::new(f.contract_id.clone(), f.signer.clone());
    let ticket = client.execute(&sign).await.expect("sign ticket");
    let minted = sb.ticket(ticket.value()).expect("the sandbox minted it");
    assert_eq!(minted.subject, f.contract_id.to_string());
    assert_eq!(minted.user.as_ref(), Some(&f.signer));
    assert_url(
        &ticket,
        PluginPage::ContractSign,
        "plugin://qyssdk-plugin/doc?ticket=",
        "&env=cn",
    );
    assert_eq!(
        ticket.plugin_url().with_callbacks(true).to_string(),
        format!(
            "plugin://qyssdk-plugin/doc?ticket={}&env=cn&hasCb=true",
            ticket.value()
        )
    );

    let by_biz_id = ContractSignTicketRequest::new(
        ContractRef::biz_id(f.contract_biz_id.clone()),
        f.signer.clone(),
    );
    let ticket = client
        .execute(&by_biz_id)
        .await
        .expect("sign ticket by bizId");
    assert_eq!(ticket.page(), PluginPage::ContractSign);

    let view = ContractViewTicketRequest::by_id(f.contract_id.clone());
    let ticket = client.execute(&view).await.expect("view ticket");
    assert_url(
        &ticket,
        PluginPage::ContractView,
        "plugin://qyssdk-plugin/doc?ticket=",
        "&env=cn",
    );
    assert_eq!(sb.requests_seen(ContractSignTicketRequest::PATH), 2);
    assert_eq!(sb.requests_seen(ContractViewTicketRequest::PATH), 1);
}

#[tokio::test]
async fn auth_tickets_open_their_pages() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();

    let personal = PersonalAuthTicketRequest::new(f.signer.clone());
    let ticket = client.execute(&personal).await.expect("personal auth");
    assert_url(
        &ticket,
        PluginPage::PersonalAuth,
        "plugin://qyssdk-plugin/personal-auth?ticket=",
        "&env=cn",
    );

    let company = CompanyAuthTicketRequest::new("杭州测试科技有限公司", f.signer.clone());
    let ticket = client.execute(&company).await.expect("company auth");
    assert_url(
        &ticket,
        PluginPage::CompanyAuth,
        "plugin://qyssdk-plugin/enterprise-auth?ticket=",
        "&env=cn",
    );

    let sign_auth = PersonalSignAuthTicketRequest::new(f.signer.clone());
    let ticket = client
        .execute(&sign_auth)
        .await
        .expect("personal sign auth");
    assert_url(
        &ticket,
        PluginPage::PersonalSignAuth,
        "plugin://qyssdk-plugin/signature?ticket=",
        "&env=cn&type=personalSignatureOpen",
    );
}

#[tokio::test]
async fn licence_upload_with_a_chinese_file_name_mints_a_company_auth_ticket() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();

    let mut request =
        CompanyAuthLicenseTicketRequest::new("杭州执照科技有限公司", f.signer.clone(), licence());
    let ticket = client.upload(&mut request).await.expect("licence upload");
    assert_url(
        &ticket,
        PluginPage::CompanyAuth,
        "plugin://qyssdk-plugin/enterprise-auth?ticket=",
        "&env=cn",
    );
    assert_eq!(
        sb.requests_seen(CompanyAuthLicenseTicketRequest::<()>::PATH),
        1
    );
    let minted = sb.ticket(ticket.value()).expect("the sandbox minted it");
    assert_eq!(minted.subject, "杭州执照科技有限公司");
    let received = minted.license.expect("the licence arrived");
    assert_eq!(received.file_name, "营业执照.png");
    assert_eq!(received.content_type.as_deref(), Some("image/png"));
    assert!(received.bytes == licence_bytes(), "the file arrived intact");

    // A one-shot reader works the same on a first (and only) attempt.
    let bytes = b"not really a png".to_vec();
    let mut request = CompanyAuthLicenseTicketRequest::new(
        "杭州单次科技有限公司",
        f.signer.clone(),
        UploadFile::new(
            "执照 副本.png",
            bytes.len() as u64,
            OneShot(Cursor::new(bytes)),
        ),
    );
    client.upload(&mut request).await.expect("one-shot upload");
}

#[tokio::test]
async fn saas_tickets_are_signed_by_the_agent_and_open_their_pages() {
    let sb = common::sandbox();
    let client = common::client(&sb);
    let f = sb.fixtures();
    let company = Company::by_id(f.saas_company_id.clone());

    let ticket = client
        .execute(&SaasPersonalSignAuthTicketRequest::new(
            f.signer.clone(),
            company.clone(),
        ))
        .await
        .expect("saas personal sign auth");
    assert_url(
        &ticket,
        PluginPage::SaasPersonalSignAuth,
        "plugin://qyssdk-plugin/signature?ticket=",
        "&env=cn&type=personalSignature",
    );

    let ticket = client
        .execute(&SaasSealSignAuthTicketRequest::new(
            f.signer.clone(),
            company.clone(),
        ))
        .await
        .expect("saas seal sign auth");
    assert_url(
        &ticket,
        PluginPage::SaasSealSignAuth,
        "plugin://qyssdk-plugin/signature?ticket=",
        "&env=cn&type=sealSignature",
    );

    let ticket = client
        .execute(&SaasPersonalAuthTicketRequest::new(f.signer.clone()))
        .await
        .expect("saas personal auth");
    assert_url(
        &ticket,
        PluginPage::PersonalAuth,
        "plugin://qyssdk-plugin/personal-auth?ticket=",
        "&env=cn",
    );

    let ticket = client
        .execute(&SaasPrivilegeTicketRequest::new(
            f.saas_app_id.clone(),
            f.saas_company_id.clone(),
            f.signer.clone(),
        ))
        .await
        .expect("saas privilege");
    assert_url(
        &ticket,
        PluginPage::SaasPrivilege,
        "plugin://qyssdk-plugin/authority?ticket=",
        "&env=cn",
    );

    // Multipart, with and without the licence.
    let mut with_licence =
        SaasCompanyAuthTicketRequest::new("杭州租户科技有限公司", f.signer.clone())
            .license(licence());
    let ticket = client
        .upload(&mut with_licence)
        .await
        .expect("saas company auth with licence");
    assert_url(
        &ticket,
        PluginPage::CompanyAuth,
        "plugin://qyssdk-plugin/enterprise-auth?ticket=",
        "&env=cn",
    );
    let received = sb
        .ticket(ticket.value())
        .and_then(|m| m.license)
        .expect("the licence arrived");
    assert_eq!(received.file_name, "营业执照.png");
    assert!(received.bytes == licence_bytes());
    let mut without = SaasCompanyAuthTicketRequest::<&'static [u8]>::new(
        "杭州无照科技有限公司",
        f.signer.clone(),
    );
    let ticket = client
        .upload(&mut without)
        .await
        .expect("saas company auth without licence");
    assert_eq!(ticket.page(), PluginPage::CompanyAuth);
}
