//! A 100 MiB upload and download through the blocking client, with the client's peak memory
//! checked: the file is streamed, never held whole.
//!
//! # How memory is measured
//!
//! The test binary's global allocator is `tracking_allocator::Allocator<System>` (the
//! workspace forbids `unsafe`, so the `GlobalAlloc` shim is that crate's); it reports every
//! allocation and deallocation to `Counter` (in `support/memory.rs`, shared with the async
//! test), written in safe code, which keeps the
//! bytes currently held and their peak in atomics. Only allocations made while this test's
//! allocation group is entered count, and it is entered on the test thread only: ureq does
//! all of its work on the calling thread, while the sandbox (which keeps the uploaded file in
//! memory, its own business) runs on its own thread and is not counted. A deallocation counts
//! against the group that made the allocation, whichever thread frees it.
//!
//! The counted sizes are those of the underlying allocations (a small header included), so
//! the figure is if anything an overestimate. A 1 MiB probe buffer first checks that the
//! counter sees this thread's allocations; the test then asserts that the peak growth over the
//! level before the upload stays under `BUDGET`, for a 100 MiB file.
//!
//! # Which endpoints
//!
//! Contract documents are capped at the platform's documented 30 MB (refused by qys before
//! sending, and by the sandbox), so the 100 MiB file goes up as the attachment of a
//! force-ended contract (`ContractForceEndAttachmentRequest`, which has no documented cap)
//! and comes back with `ContractDownloadRequest` (`ENDSIGN_ATTACHMENT`, not zipped): the
//! sandbox answers the stored bytes. The file is generated as it is read (a deterministic
//! pattern of exactly 100 MiB) and the download is compared byte for byte with the pattern
//! as it arrives, plus a checksum of each side; neither side is ever in the test's memory.

mod common;
#[path = "support/memory.rs"]
mod memory;

use std::io::{self, Read, Write};
use std::time::Instant;

use memory::{Generated, Report, Verifier};
use qys_blocking::Source;
use qys_blocking::api::contract::{ContractForceEndRequest, ContractSendRequest};
use qys_blocking::api::document::DocumentAddByFileRequest;
use qys_blocking::endpoint::Upload;

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.produce(buf))
    }
}

impl Source for Generated {
    fn rewind(&mut self) -> io::Result<bool> {
        self.restart();
        Ok(true)
    }
}

impl Write for Verifier {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.check(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_100_mib_file_goes_up_and_comes_back_in_bounded_memory() {
    let mut token = memory::start_tracking();
    // The sandbox's thread is spawned before the group is entered: it is never counted.
    let sandbox = common::sandbox();
    let guard = token.enter();

    let client = common::client(&sandbox);
    let draft = client
        .execute(&memory::draft(&sandbox))
        .expect("the draft is created");
    let contract_id = draft.id.expect("a contract ID");
    client
        .upload(&mut DocumentAddByFileRequest::new(
            contract_id.clone(),
            "正文",
            memory::small_document(),
        ))
        .expect("a document is added");
    client
        .execute(&ContractSendRequest::new(contract_id.clone()))
        .expect("the contract is sent");
    client
        .execute(&ContractForceEndRequest::new(contract_id.clone()).reason("百兆附件测试"))
        .expect("the contract is force-ended");

    let base = memory::start_measuring();
    let started = Instant::now();
    let mut request = memory::attachment(contract_id.clone());
    client
        .upload(&mut request)
        .expect("the 100 MiB upload succeeds");
    let sent = std::mem::replace(
        request.sources_mut().pop().expect("one source"),
        Generated::file(),
    );
    let upload_peak = memory::peak_since(base);
    let uploaded_in = started.elapsed();

    let mut sink = Verifier::new();
    let meta = client
        .download_to(&memory::attachment_download(contract_id), &mut sink)
        .expect("the 100 MiB download succeeds");
    let peak = memory::peak_since(base);
    let elapsed = started.elapsed();
    drop(guard);
    memory::stop_tracking();

    memory::check_report(&Report {
        frontend: "blocking",
        sink,
        sent,
        meta,
        upload_peak,
        peak,
        uploaded_in,
        elapsed,
    });
}
