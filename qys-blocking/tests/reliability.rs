//! The fault suite of the blocking client: every row of the shared fault table
//! (`tests/support/reliability_table.rs`) against a fresh sandbox, checking the typed outcome
//! and the attempts against RELIABILITY.md, the time against the row's bound, that every
//! attempt carried its own nonce, and that a failed `download_to_path` left no file.

use std::time::Instant;

use qys_blocking::{Client, proto};

#[macro_use]
#[path = "support/reliability_table.rs"]
mod table;

use table::{Call, Case, Env, Observed};

fn run(case: &Case, index: usize, env: &Env) -> Observed {
    let run = table::start_run(case, index, env, "blocking");
    let client = table_client!(Client, run.sandbox);
    let silent = proto::Environment::custom(env.silent_tls.as_str()).expect("an https URL");
    let silent = table_client!(Client, silent, run.sandbox);
    let started = Instant::now();
    let result = match case.call {
        Call::Ticket => client.execute(&run.view).map(drop),
        Call::IdempotentTicket => client
            .execute(&table::IdempotentView(run.view.clone()))
            .map(drop),
        Call::DownloadToPath => client
            .download_to_path(&table::FileDownload, &run.target)
            .map(drop),
        Call::SilentTls => silent.execute(&run.view).map(drop),
    };
    table::finish_run(case, run, &result, started.elapsed())
}

#[test]
fn every_fault_ends_as_reliability_md_says() {
    let recorder = table::Recorder::start();
    let env = Env {
        elsewhere: recorder.base_url,
        silent_tls: table::silent_tls(),
    };
    let cases = table::cases();
    // Rows run in parallel, each with its own sandbox, client and directory.
    let observed: Vec<Observed> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let env = &env;
                s.spawn(move || run(case, i, env))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a row panicked"))
            .collect()
    });
    table::check_against_document("blocking", observed);
}

retry_tests!(test, [], []);
