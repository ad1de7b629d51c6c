//! `qys ticket <kind>`: mint a mini-program plugin ticket of every kind and print the URL the
//! mini-program opens.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use qys_blocking::api::miniapp::{
    CompanyAuthLicenseTicketRequest, CompanyAuthTicketRequest, CompanyTicketOptions,
    ContractSignTicketRequest, ContractViewTicketRequest, PersonalAuthOptions,
    PersonalAuthTicketRequest, PersonalSignAuth, PersonalSignAuthTicketRequest,
    SaasCompanyAuthTicketRequest, SaasPersonalAuthTicketRequest, SaasPersonalSignAuthTicketRequest,
    SaasPrivilegeTicketRequest, SaasSealSignAuthTicketRequest, SignAuthOptions, Ticket,
};
use qys_blocking::api::saas::PrivilegeGrant;
use qys_blocking::types::{Company, ContactType, ContractRef, User};
use qys_blocking::{Client, CompanyId, ContractId};
use serde_json::json;

use crate::fail::Failure;
use crate::output::{open_upload, print_json, print_line};

/// Who the ticket is for: exactly one of `--mobile`, `--email`, `--contact`.
#[derive(Debug, Args)]
pub(crate) struct UserArgs {
    /// The person's mobile number (contact type MOBILE).
    #[arg(long, value_name = "MOBILE")]
    mobile: Option<String>,
    /// The person's e-mail address (contact type EMAIL).
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// Any contact, with --contact-type (EMPLOYEEID, NUMBER, BIZID, ...).
    #[arg(long, value_name = "CONTACT", requires = "contact_type")]
    contact: Option<String>,
    /// What --contact is.
    #[arg(long, value_name = "TYPE")]
    contact_type: Option<String>,
    /// The person's name (checked against real-name data where the platform has it).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

impl UserArgs {
    fn user(&self) -> Result<User, Failure> {
        let user = match (&self.mobile, &self.email, &self.contact) {
            (Some(m), None, None) => User::mobile(m),
            (None, Some(e), None) => User::email(e),
            (None, None, Some(c)) => {
                let kind = self.contact_type.as_deref().unwrap_or_default();
                User::new(c, ContactType::from(kind.to_ascii_uppercase().as_str()))
            }
            _ => {
                return Err(Failure::usage(
                    "name the person with exactly one of --mobile, --email or --contact",
                ));
            }
        };
        Ok(match &self.name {
            Some(name) => user.with_name(name),
            None => user,
        })
    }
}

/// Which contract: `--contract ID` or `--biz-id B` (with `--tenant` for a sub-company's).
#[derive(Debug, Args)]
pub(crate) struct ContractArgs {
    /// The contract ID.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "biz_id",
        conflicts_with = "biz_id"
    )]
    contract: Option<String>,
    /// The integrator's business ID of the contract, instead of its ID.
    #[arg(long, value_name = "BIZ_ID")]
    biz_id: Option<String>,
    /// With --biz-id: the sub-company the contract belongs to.
    #[arg(long, value_name = "NAME", requires = "biz_id")]
    tenant: Option<String>,
}

impl ContractArgs {
    /// The contract reference.
    pub(crate) fn contract(&self) -> ContractRef {
        contract_ref(
            self.contract.as_deref(),
            self.biz_id.as_deref(),
            self.tenant.as_deref(),
        )
    }
}

/// A contract by ID, else by business ID (of the sub-company `tenant` when given).
pub(crate) fn contract_ref(
    id: Option<&str>,
    biz_id: Option<&str>,
    tenant: Option<&str>,
) -> ContractRef {
    match (id, biz_id, tenant) {
        (Some(id), _, _) => ContractRef::from(ContractId::new(id)),
        (None, Some(biz), Some(tenant)) => ContractRef::biz_id_of(biz, tenant),
        // clap requires an ID or a business ID; an empty one is refused when the request is built.
        (None, biz, _) => ContractRef::biz_id(biz.unwrap_or_default()),
    }
}

/// A SaaS tenant company: `--company-id` or `--company-name`.
#[derive(Debug, Args)]
pub(crate) struct CompanyArgs {
    /// The tenant company's ID.
    #[arg(long, value_name = "ID", required_unless_present = "company_name")]
    company_id: Option<String>,
    /// The tenant company's full name.
    #[arg(long, value_name = "NAME")]
    company_name: Option<String>,
}

impl CompanyArgs {
    fn company(&self) -> Company {
        Company {
            id: self.company_id.as_deref().map(CompanyId::new),
            name: self.company_name.clone(),
            ..Company::default()
        }
    }
}

/// Options of the company authentication tickets.
#[derive(Debug, Args)]
pub(crate) struct CompanyAuthArgs {
    /// The company's full registered name.
    #[arg(long = "company", value_name = "NAME")]
    company_name: String,
    /// The unified social credit code, prefilled.
    #[arg(long, value_name = "CODE")]
    register_no: Option<String>,
    /// The legal representative's name, prefilled.
    #[arg(long, value_name = "NAME")]
    legal_person: Option<String>,
    /// Where the platform posts the authentication result.
    #[arg(long, value_name = "URL")]
    callback_url: Option<String>,
}

impl CompanyAuthArgs {
    /// The optional company fields of a company authentication ticket.
    fn options(&self) -> CompanyTicketOptions {
        let mut options = CompanyTicketOptions::new();
        if let Some(v) = &self.register_no {
            options = options.register_no(v);
        }
        if let Some(v) = &self.legal_person {
            options = options.legal_person(v);
        }
        if let Some(v) = &self.callback_url {
            options = options.callback_url(v);
        }
        options
    }
}

/// `qys ticket`: the options every kind shares, and the kind.
#[derive(Debug, Args)]
pub(crate) struct TicketCommand {
    /// Adds `hasCb=true`: the mini-program handles the plugin's success and failure events.
    #[arg(long, global = true, help_heading = "Output")]
    with_callbacks: bool,
    /// Prints {ticket, page, type, env, pluginUrl} as JSON instead of the URL alone.
    #[arg(long, global = true, help_heading = "Output")]
    json: bool,
    #[command(subcommand)]
    kind: TicketKind,
}

/// Every kind of mini-program ticket.
#[derive(Debug, Subcommand)]
pub(crate) enum TicketKind {
    /// Sign a contract: POST /v2/contract/miniappexchange (plugin page `doc`).
    #[command(
        after_help = "Example:\n  qys ticket contract-sign --contract 3076583214958469120 --mobile 13800000000"
    )]
    ContractSign {
        #[command(flatten)]
        contract: ContractArgs,
        #[command(flatten)]
        user: UserArgs,
        /// Lets the signer sign by password for 30 minutes after a first SMS signing.
        #[arg(long)]
        allow_password_sign: bool,
    },
    /// View a contract: POST /v2/contract/miniappexchange/view (plugin page `doc`).
    #[command(after_help = "Example:\n  qys ticket contract-view --contract 3076583214958469120")]
    ContractView {
        #[command(flatten)]
        contract: ContractArgs,
    },
    /// Personal authentication: POST /v2/personalauth/miniappexchange (`personal-auth`).
    #[command(after_help = "Example:\n  qys ticket personal-auth --mobile 13800000000 --name 张三")]
    PersonalAuth {
        #[command(flatten)]
        user: UserArgs,
        /// Where the platform posts the authentication result.
        #[arg(long, value_name = "URL")]
        callback_url: Option<String>,
    },
    /// Company authentication: POST /companyauth/miniappexchange (`enterprise-auth`); the
    /// person named is the applicant.
    #[command(
        after_help = "Example:\n  qys ticket company-auth --company 某某科技有限公司 --mobile 13800000000 --name 张三"
    )]
    CompanyAuth {
        #[command(flatten)]
        company: CompanyAuthArgs,
        #[command(flatten)]
        user: UserArgs,
    },
    /// Company authentication with the business licence uploaded:
    /// POST /companyauth/miniappexchangewithlicense (`enterprise-auth`).
    #[command(
        after_help = "Example:\n  qys ticket company-auth-license --company 某某科技有限公司 --mobile 13800000000 --name 张三 --license licence.jpg"
    )]
    CompanyAuthLicense {
        #[command(flatten)]
        company: CompanyAuthArgs,
        #[command(flatten)]
        user: UserArgs,
        /// The business licence image.
        #[arg(long, value_name = "FILE")]
        license: PathBuf,
    },
    /// Personal silent-sign authorization: POST /v2/personalsign/authurl/miniappexchange
    /// (`signature`, type personalSignatureOpen).
    #[command(
        after_help = "Example:\n  qys ticket personal-sign-auth --mobile 13800000000 --deadline 2027-12-31"
    )]
    PersonalSignAuth {
        #[command(flatten)]
        user: UserArgs,
        #[command(flatten)]
        options: SignAuthArgs,
        /// The sub-company the authorization is for (default: the integrating company).
        #[arg(long, value_name = "NAME")]
        tenant: Option<String>,
    },
    /// SaaS personal silent-sign authorization for a tenant company:
    /// POST /saas/v2/personalsign/authurl/miniappexchange (`signature`, type personalSignature).
    #[command(
        after_help = "Example:\n  qys ticket saas-personal-sign-auth --mobile 13800000000 --company-id 3076583215398871040"
    )]
    SaasPersonalSignAuth {
        #[command(flatten)]
        user: UserArgs,
        #[command(flatten)]
        company: CompanyArgs,
        #[command(flatten)]
        options: SignAuthArgs,
        /// The tenant's app ID.
        #[arg(long, value_name = "APP_ID")]
        app_id: Option<String>,
    },
    /// SaaS seal auto-sign authorization; the person named is the seal administrator:
    /// POST /saas/v2/sealsign/authurl/miniappexchange (`signature`, type sealSignature).
    #[command(
        after_help = "Example:\n  qys ticket saas-seal-sign-auth --mobile 13800000000 --company-name 某某租户有限公司"
    )]
    SaasSealSignAuth {
        #[command(flatten)]
        user: UserArgs,
        #[command(flatten)]
        company: CompanyArgs,
        #[command(flatten)]
        options: SignAuthArgs,
        /// The tenant's app ID.
        #[arg(long, value_name = "APP_ID")]
        app_id: Option<String>,
    },
    /// SaaS company authentication of a tenant, optionally with its licence:
    /// POST /saas/v2/companyauth/miniappexchange (`enterprise-auth`).
    #[command(
        after_help = "Example:\n  qys ticket saas-company-auth --company 某某租户有限公司 --mobile 13800000000 --name 张三"
    )]
    SaasCompanyAuth {
        #[command(flatten)]
        company: CompanyAuthArgs,
        #[command(flatten)]
        user: UserArgs,
        /// The business licence image.
        #[arg(long, value_name = "FILE")]
        license: Option<PathBuf>,
    },
    /// SaaS personal authentication: POST /saas/v2/personalauth/miniappexchange
    /// (`personal-auth`).
    #[command(after_help = "Example:\n  qys ticket saas-personal-auth --mobile 13800000000")]
    SaasPersonalAuth {
        #[command(flatten)]
        user: UserArgs,
        /// Where the platform posts the authentication result.
        #[arg(long, value_name = "URL")]
        callback_url: Option<String>,
    },
    /// SaaS enterprise authorization of the agent's app by a tenant's administrator:
    /// POST /saas/v2/privilege/miniappexchange (`authority`).
    #[command(
        after_help = "Example:\n  qys ticket saas-privilege --app-id 3076583215667306496 --company-id 3076583215398871040 --mobile 13800000000"
    )]
    SaasPrivilege {
        /// The agent's app ID to grant privileges to.
        #[arg(long, value_name = "APP_ID")]
        app_id: String,
        /// The tenant company's ID.
        #[arg(long, value_name = "ID")]
        company_id: String,
        #[command(flatten)]
        user: UserArgs,
        /// Where the platform posts the result.
        #[arg(long, value_name = "URL")]
        callback_url: Option<String>,
    },
}

/// Options of the silent-sign authorization tickets.
#[derive(Debug, Args)]
pub(crate) struct SignAuthArgs {
    /// Until when the authorization holds (yyyy-MM-dd).
    #[arg(long, value_name = "DATE")]
    deadline: Option<String>,
    /// A remark shown to the user.
    #[arg(long, value_name = "TEXT")]
    remark: Option<String>,
    /// Where the platform posts the authorization result.
    #[arg(long, value_name = "URL")]
    callback_url: Option<String>,
}

impl SignAuthArgs {
    fn options(&self) -> SignAuthOptions {
        SignAuthOptions {
            auth_deadline: self.deadline.clone(),
            remark: self.remark.clone(),
            callback_url: self.callback_url.clone(),
            ..SignAuthOptions::default()
        }
    }
}

fn personal_auth_options(callback_url: Option<&String>) -> PersonalAuthOptions {
    PersonalAuthOptions {
        callback_url: callback_url.cloned(),
        ..PersonalAuthOptions::default()
    }
}

impl TicketCommand {
    /// Mints the ticket and prints its plugin URL (or the JSON with `--json`).
    pub(crate) fn run(&self, client: &Client) -> Result<(), Failure> {
        let ticket = self.kind.mint(client)?;
        let url = ticket
            .plugin_url()
            .with_callbacks(self.with_callbacks)
            .to_string();
        if self.json {
            print_json(&json!({
                "ticket": ticket.value(),
                "page": ticket.page().page(),
                "type": ticket.page().type_param(),
                "env": ticket.env().as_str(),
                "pluginUrl": url,
            }))
        } else {
            print_line(&url)
        }
    }
}

impl TicketKind {
    fn mint(&self, client: &Client) -> Result<Ticket, Failure> {
        Ok(match self {
            Self::ContractSign {
                contract,
                user,
                allow_password_sign,
            } => {
                let mut r = ContractSignTicketRequest::new(contract.contract(), user.user()?);
                if *allow_password_sign {
                    r = r.allow_password_sign(true);
                }
                client.execute(&r)?
            }
            Self::ContractView { contract } => {
                client.execute(&ContractViewTicketRequest::new(contract.contract()))?
            }
            Self::PersonalAuth { user, callback_url } => client.execute(
                &PersonalAuthTicketRequest::new(user.user()?)
                    .with_options(personal_auth_options(callback_url.as_ref())),
            )?,
            Self::CompanyAuth { company, user } => client.execute(
                &CompanyAuthTicketRequest::new(&company.company_name, user.user()?)
                    .with_options(company.options()),
            )?,
            Self::CompanyAuthLicense {
                company,
                user,
                license,
            } => {
                let file = open_upload(license)?;
                let mut r =
                    CompanyAuthLicenseTicketRequest::new(&company.company_name, user.user()?, file)
                        .with_options(company.options());
                client.upload(&mut r)?
            }
            Self::PersonalSignAuth {
                user,
                options,
                tenant,
            } => {
                let mut auth = PersonalSignAuth::new(user.user()?).with_options(options.options());
                if let Some(t) = tenant {
                    auth = auth.tenant_name(t);
                }
                client.execute(&PersonalSignAuthTicketRequest::from(auth))?
            }
            Self::SaasPersonalSignAuth {
                user,
                company,
                options,
                app_id,
            } => {
                let mut r = SaasPersonalSignAuthTicketRequest::new(user.user()?, company.company())
                    .with_options(options.options());
                if let Some(a) = app_id {
                    r = r.app_id(a);
                }
                client.execute(&r)?
            }
            Self::SaasSealSignAuth {
                user,
                company,
                options,
                app_id,
            } => {
                let mut r = SaasSealSignAuthTicketRequest::new(user.user()?, company.company());
                if let Some(v) = &options.deadline {
                    r = r.auth_deadline(v);
                }
                if let Some(v) = &options.remark {
                    r = r.remark(v);
                }
                if let Some(v) = &options.callback_url {
                    r = r.callback_url(v);
                }
                if let Some(a) = app_id {
                    r = r.app_id(a);
                }
                client.execute(&r)?
            }
            Self::SaasCompanyAuth {
                company,
                user,
                license,
            } => {
                let mut r = SaasCompanyAuthTicketRequest::new(&company.company_name, user.user()?)
                    .with_options(company.options());
                if let Some(path) = license {
                    r = r.license(open_upload(path)?);
                }
                client.upload(&mut r)?
            }
            Self::SaasPersonalAuth { user, callback_url } => client.execute(
                &SaasPersonalAuthTicketRequest::new(user.user()?)
                    .with_options(personal_auth_options(callback_url.as_ref())),
            )?,
            Self::SaasPrivilege {
                app_id,
                company_id,
                user,
                callback_url,
            } => {
                let mut grant =
                    PrivilegeGrant::new(app_id, CompanyId::new(company_id.as_str()), user.user()?);
                if let Some(v) = callback_url {
                    grant = grant.callback_url(v);
                }
                client.execute(&SaasPrivilegeTicketRequest::from(grant))?
            }
        })
    }
}
