//! `qys contract`: what people ask about a contract every day.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use qys_blocking::Client;
use qys_blocking::api::contract::{ContractDetailRequest, ContractDownloadRequest, DownloadItem};

use crate::fail::Failure;
use crate::output::{Sink, download, print_json};
use crate::ticket::contract_ref;

/// Which contract: its ID, or `--biz-id` (with `--tenant` for a sub-company's).
#[derive(Debug, Args)]
pub(crate) struct ContractTarget {
    /// The contract ID.
    #[arg(
        value_name = "ID",
        required_unless_present = "biz_id",
        conflicts_with = "biz_id"
    )]
    id: Option<String>,
    /// The integrator's business ID of the contract, instead of its ID.
    #[arg(long, value_name = "BIZ_ID")]
    biz_id: Option<String>,
    /// With --biz-id: the sub-company the contract belongs to.
    #[arg(long, value_name = "NAME", requires = "biz_id")]
    tenant: Option<String>,
}

impl ContractTarget {
    fn contract(&self) -> qys_blocking::types::ContractRef {
        contract_ref(
            self.id.as_deref(),
            self.biz_id.as_deref(),
            self.tenant.as_deref(),
        )
    }
}

/// `qys contract <show|download>`.
#[derive(Debug, Subcommand)]
pub(crate) enum ContractCommand {
    /// The contract's detail (GET /v2/contract/detail) as JSON: status, signatories,
    /// documents.
    #[command(
        after_help = "Examples:\n  qys contract show 3076583214958469120\n  qys contract show --biz-id order-2024-0001 | jq -r .status"
    )]
    Show {
        #[command(flatten)]
        contract: ContractTarget,
    },
    /// Downloads the contract's files (GET /v2/contract/download): a ZIP of the documents and
    /// the signing log by default. The file appears only once complete.
    #[command(
        after_help = "Examples:\n  qys contract download 3076583214958469120 -o contract.zip\n  qys contract download 3076583214958469120 --item CONTRACT --single -o contract.pdf"
    )]
    Download {
        #[command(flatten)]
        contract: ContractTarget,
        /// Where to write the file; `-` for stdout.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Which files (repeatable): CONTRACT, SIGNLOG, ATTACHMENT, NOTARY,
        /// ENDSIGN_ATTACHMENT, CERT (default CONTRACT and SIGNLOG).
        #[arg(long = "item", value_name = "ITEM")]
        items: Vec<String>,
        /// A single file is sent as it is, not zipped.
        #[arg(long)]
        single: bool,
    },
}

impl ContractCommand {
    /// Runs the command.
    pub(crate) fn run(&self, client: &Client) -> Result<(), Failure> {
        match self {
            Self::Show { contract } => {
                let detail = client.execute(&ContractDetailRequest::new(contract.contract()))?;
                print_json(&detail)
            }
            Self::Download {
                contract,
                output,
                items,
                single,
            } => {
                let mut request = ContractDownloadRequest::new(contract.contract()).download_items(
                    items
                        .iter()
                        .map(|i| DownloadItem::from(i.to_ascii_uppercase().as_str())),
                );
                if *single {
                    request = request.need_compress_for_one_file(false);
                }
                download(client, &request, &Sink::from_arg(output))
            }
        }
    }
}
