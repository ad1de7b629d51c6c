//! `qys`: the command line of the 契约锁 (Qiyuesuo) Open Platform, on qys-blocking.
//!
//! Any call (`qys api`), the contract questions of every day (`qys contract`), every
//! mini-program ticket (`qys ticket`), callback verification (`qys callback verify`) and the
//! embedded sandbox (`qys sandbox`). JSON goes to stdout, messages to stderr; the exit status
//! says what kind of failure happened (see `qys --help`).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod api;
mod callback;
mod config;
mod contract;
mod endpoints;
mod fail;
mod output;
mod sandbox;
mod ticket;

use crate::config::{Overrides, Settings};
use crate::fail::{EXIT_STATUS_HELP, Failure};

const AFTER_HELP: &str = "\
Credentials and platform (as the SDK quickstarts read them):
  QYS_ACCESS_TOKEN, QYS_ACCESS_SECRET   the app's AppToken and AppSecret
  QYS_AGENT_TOKEN, QYS_AGENT_SECRET     the SaaS agent pair (for /saas/... paths)
  QYS_ENV=test|prod                     the test (default) or production platform
  QYS_BASE_URL=URL                      any base URL (a private gateway, the sandbox);
                                        plain http:// is allowed when the URL says so
  QYS_PROFILE=NAME, --profile NAME      a profile of the configuration file instead
  QYS_CONFIG=FILE                       the configuration file (default:
                                        $XDG_CONFIG_HOME/qys/config.toml or
                                        ~/.config/qys/config.toml)

A profile holds the same settings, lower-case without QYS_:
  [profiles.test]
  access_token = \"...\"
  access_secret = \"...\"
  env = \"test\"            # or base_url = \"http://127.0.0.1:9000\"
The file is refused when group or others may read or change it (chmod 600). A chosen
profile is used whole; without one, the QYS_* variables are used, or the profile `default`
when they hold no credentials. Secrets are never printed.

Output: JSON on stdout, messages on stderr; colour (not with NO_COLOR) and progress only on
a terminal.

";

const API_HELP: &str = "\
Fields (-f KEY=VALUE, or KEY:=JSON for a number, list or object) go in the query string of a
GET, in the JSON body of a POST, and become text parts when a file part (-F PART=@FILE) makes
the call a multipart upload. Without -X the method is the one qys knows for the path, else
POST when there is a body and GET when there is none.

Examples:
  qys api /v2/contract/detail -f contractId=3076583214958469120
  qys api /v2/contract/detail -f contractId=3076583214958469120 --typed
  qys api -X POST /v2/contract/draft --input draft.json --envelope
  qys api -X POST /v2/document/addbyfile -f contractId=3076583214958469120 -f title=附件 \\
      -f fileSuffix=pdf -F file=@annex.pdf
  qys api /v2/contract/download -f contractId=3076583214958469120 --raw -o contract.zip
  qys api /v2/employee/list --paginate | jq length";

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "qys",
    version,
    about = "The command line of the 契约锁 (Qiyuesuo) Open Platform: any call, any ticket, any callback",
    after_help = format!("{AFTER_HELP}{EXIT_STATUS_HELP}\n\nExamples:\n  qys api /v2/contract/detail -f contractId=3076583214958469120\n  qys ticket contract-sign --contract 3076583214958469120 --mobile 13800000000\n  qys callback verify --key \"$KEY\" request.txt"),
)]
struct Cli {
    /// Use this profile of the configuration file.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    profile: Option<String>,
    /// The platform: test or prod (overrides QYS_ENV and the profile's).
    #[arg(
        long = "env",
        global = true,
        value_name = "ENV",
        help_heading = "Global options"
    )]
    env: Option<String>,
    /// Any base URL (overrides QYS_BASE_URL and the profile's).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    base_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Signs and sends any call and prints its result as JSON (like `gh api`).
    #[command(after_help = API_HELP)]
    Api(api::ApiCommand),
    /// A contract's detail, or its files.
    #[command(subcommand)]
    Contract(contract::ContractCommand),
    /// Mints a mini-program plugin ticket and prints the URL the mini-program opens.
    #[command(
        after_help = "Examples:\n  qys ticket contract-sign --contract 3076583214958469120 --mobile 13800000000\n  qys ticket personal-auth --mobile 13800000000 --json"
    )]
    Ticket(ticket::TicketCommand),
    /// Callbacks from the platform.
    #[command(subcommand)]
    Callback(CallbackCommand),
    /// Lists the endpoints qys has types for (method, path, shape, request and result types)
    /// as JSON: the paths `qys api --typed` can decode.
    #[command(
        after_help = "Examples:\n  qys endpoints\n  qys endpoints miniappexchange | jq -r '.[].path'"
    )]
    Endpoints(endpoints::EndpointsCommand),
    /// Starts the embedded qys-sandbox (a local stand-in for the platform) and prints its
    /// banner: base URL, credentials, fixture IDs, callback key.
    #[command(
        after_help = "Examples:\n  qys sandbox --port 9000\n  qys sandbox --json | head -n 1"
    )]
    Sandbox(sandbox::SandboxCommand),
}

#[derive(Debug, Subcommand)]
enum CallbackCommand {
    /// Verifies, decrypts and parses a callback request (query string and form body) from a
    /// file or stdin; prints {kind, event, reply} as JSON.
    #[command(
        after_help = "Examples:\n  qys callback verify --key-env QYS_CALLBACK_KEY request.txt\n  printf 'content=...&signature=...&timestamp=...' | qys callback verify --key 5f6db7ec8325aAGF --any-age"
    )]
    Verify(callback::VerifyCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output::report(&failure);
            failure.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let overrides = Overrides {
        profile: cli.profile.clone(),
        env: cli.env.clone(),
        base_url: cli.base_url.clone(),
    };
    let client = || Settings::resolve(&overrides)?.client();
    match &cli.command {
        Command::Api(a) => a.run(&client()?),
        Command::Contract(c) => c.run(&client()?),
        Command::Ticket(t) => t.run(&client()?),
        Command::Callback(CallbackCommand::Verify(v)) => v.run(),
        Command::Endpoints(e) => e.run(),
        Command::Sandbox(s) => s.run(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
