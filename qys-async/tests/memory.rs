//! A 100 MiB upload and download through the async client, with the client's peak memory
//! checked: the file is streamed, never held whole.
//!
//! # How memory is measured
//!
//! The test binary's global allocator is `tracking_allocator::Allocator<System>` (the
//! workspace forbids `unsafe`, so the `GlobalAlloc` shim is that crate's); it reports every
//! allocation and deallocation to `Counter` (in `qys-blocking/tests/support/memory.rs`, shared
//! with the blocking test), written in safe code, which keeps the
//! bytes currently held and their peak in atomics. Only allocations made while this test's
//! allocation group is entered count, and it is entered on the test thread only, which
//! drives a current-thread tokio runtime: the client's futures and the connection tasks hyper
//! spawns all run there (a loopback address needs no resolver thread), while the sandbox
//! (which keeps the uploaded file in memory, its own business) runs its own runtime on its own
//! thread and is not counted. A deallocation counts against the group that made the
//! allocation, whichever thread frees it.
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
#[path = "../../qys-blocking/tests/support/memory.rs"]
mod memory;

use std::io;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use memory::{Generated, Report, Verifier};
use qys_async::Source;
use qys_async::api::contract::{ContractForceEndRequest, ContractSendRequest};
use qys_async::api::document::DocumentAddByFileRequest;
use qys_async::endpoint::Upload;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

impl AsyncRead for Generated {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = self.get_mut().produce(buf.initialize_unfilled());
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl Source for Generated {}

impl AsyncWrite for Verifier {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().check(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_100_mib_file_goes_up_and_comes_back_in_bounded_memory() {
    let mut token = memory::start_tracking();
    // The sandbox's thread is spawned before the group is entered: it is never counted.
    let sandbox = common::sandbox();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let guard = token.enter();

    let client = common::client(&sandbox);
    let report = runtime.block_on(async {
        let draft = client
            .execute(&memory::draft(&sandbox))
            .await
            .expect("the draft is created");
        let contract_id = draft.id.expect("a contract ID");
        client
            .upload(&mut DocumentAddByFileRequest::new(
                contract_id.clone(),
                "正文",
                memory::small_document(),
            ))
            .await
            .expect("a document is added");
        client
            .execute(&ContractSendRequest::new(contract_id.clone()))
            .await
            .expect("the contract is sent");
        client
            .execute(&ContractForceEndRequest::new(contract_id.clone()).reason("百兆附件测试"))
            .await
            .expect("the contract is force-ended");

        let base = memory::start_measuring();
        let started = Instant::now();
        let mut request = memory::attachment(contract_id.clone());
        client
            .upload(&mut request)
            .await
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
            .await
            .expect("the 100 MiB download succeeds");
        Report {
            frontend: "async",
            sink,
            sent,
            meta,
            upload_peak,
            peak: memory::peak_since(base),
            uploaded_in,
            elapsed: started.elapsed(),
        }
    });
    drop(guard);
    memory::stop_tracking();
    memory::check_report(&report);
}
