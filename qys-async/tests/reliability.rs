//! The fault suite of the async client: every row of the shared fault table
//! (`qys-blocking/tests/support/reliability_table.rs`) against a fresh sandbox, checking the
//! typed outcome and the attempts against RELIABILITY.md, the time against the row's bound,
//! that every attempt carried its own nonce, and that a failed `download_to_path` left no file.

use std::time::{Duration, Instant};

use qys_async::{Client, proto};

#[macro_use]
#[path = "../../qys-blocking/tests/support/reliability_table.rs"]
mod table;

use table::{Call, Case, Env, Observed};

async fn run(case: &Case, index: usize, env: &Env) -> Observed {
    let run = table::start_run(case, index, env, "async");
    let client = table_client!(Client, run.sandbox);
    let silent = proto::Environment::custom(env.silent_tls.as_str()).expect("an https URL");
    let silent = table_client!(Client, silent, run.sandbox);
    let started = Instant::now();
    let call = async {
        match case.call {
            Call::Ticket => client.execute(&run.view).await.map(drop),
            Call::IdempotentTicket => client
                .execute(&table::IdempotentView(run.view.clone()))
                .await
                .map(drop),
            Call::DownloadToPath => client
                .download_to_path(&table::FileDownload, &run.target)
                .await
                .map(drop),
            Call::SilentTls => silent.execute(&run.view).await.map(drop),
        }
    };
    // The outer bound only turns a hang into a failure; the row's own bound is checked after.
    let result = tokio::time::timeout(case.within + Duration::from_secs(10), call)
        .await
        .unwrap_or_else(|_| panic!("{}: hung", run.label));
    table::finish_run(case, run, &result, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_as_reliability_md_says() {
    let recorder = table::Recorder::start();
    let env = Env {
        elsewhere: recorder.base_url,
        silent_tls: table::silent_tls(),
    };
    let cases = table::cases();
    // Rows run concurrently, each with its own sandbox, client and directory.
    let observed: Vec<Observed> = futures_util::future::join_all(
        cases.iter().enumerate().map(|(i, case)| run(case, i, &env)),
    )
    .await;
    table::check_against_document("async", observed);
}

retry_tests!(tokio::test, [async], [.await]);
