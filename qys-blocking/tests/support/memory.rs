//! The shared part of the 100 MiB memory tests of both frontends (included by `#[path]` in
//! `qys-blocking/tests/memory.rs` and `qys-async/tests/memory.rs`): the counting allocator,
//! the generated file and its checks, the requests, and the final assertions. Each test only
//! makes the client calls.
#![allow(dead_code, unreachable_pub)]

use std::alloc::System;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::Duration;

use qys_proto::ContractId;
use qys_proto::api::contract::{
    ContractDownloadRequest, ContractDraftRequest, ContractForceEndAttachmentRequest, DownloadItem,
};
use qys_proto::download::DownloadMeta;
use qys_proto::multipart::UploadFile;
use qys_proto::types::{ActionDraft, ActionType, ContractDraft, SignatoryDraft, User};
use qys_sandbox::Sandbox;
use tracking_allocator::{
    AllocationGroupId, AllocationGroupToken, AllocationRegistry, AllocationTracker, Allocator,
};

#[global_allocator]
static GLOBAL: Allocator<System> = Allocator::system();

/// The file's size.
pub const FILE_LEN: u64 = 100 * 1024 * 1024;

/// The most the client may hold at once beyond what it held before the transfer.
pub const BUDGET: isize = 16 * 1024 * 1024;

/// Bytes held and their peak, for one allocation group.
pub struct Counter {
    group: AtomicUsize,
    current: AtomicIsize,
    peak: AtomicIsize,
}

pub static COUNTER: Counter = Counter {
    group: AtomicUsize::new(0),
    current: AtomicIsize::new(0),
    peak: AtomicIsize::new(0),
};

/// Forwards the allocator's reports to [`COUNTER`].
struct Tracker;

impl AllocationTracker for Tracker {
    fn allocated(&self, _addr: usize, _size: usize, wrapped: usize, group: AllocationGroupId) {
        let c = &COUNTER;
        if group.as_usize().get() == c.group.load(Ordering::Relaxed) {
            let size = isize::try_from(wrapped).unwrap_or(isize::MAX);
            let now = c.current.fetch_add(size, Ordering::Relaxed) + size;
            c.peak.fetch_max(now, Ordering::Relaxed);
        }
    }

    fn deallocated(
        &self,
        _addr: usize,
        _size: usize,
        wrapped: usize,
        source: AllocationGroupId,
        _current: AllocationGroupId,
    ) {
        let c = &COUNTER;
        if source.as_usize().get() == c.group.load(Ordering::Relaxed) {
            let size = isize::try_from(wrapped).unwrap_or(isize::MAX);
            c.current.fetch_sub(size, Ordering::Relaxed);
        }
    }
}

/// Installs the tracker and registers the allocation group to count (entered by the caller,
/// on the thread whose allocations count, after any thread not to be counted is spawned).
pub fn start_tracking() -> AllocationGroupToken {
    AllocationRegistry::set_global_tracker(Tracker).expect("the only tracker");
    let token = AllocationGroupToken::register().expect("an allocation group");
    COUNTER
        .group
        .store(token.id().as_usize().get(), Ordering::SeqCst);
    AllocationRegistry::enable_tracking();
    token
}

/// Stops counting.
pub fn stop_tracking() {
    AllocationRegistry::disable_tracking();
}

/// Checks that the counter is live (a 1 MiB buffer made on this thread shows up in full), then
/// starts measuring the peak from the current level, which it returns.
pub fn start_measuring() -> isize {
    let before = COUNTER.current.load(Ordering::SeqCst);
    let probe = std::hint::black_box(vec![1u8; 1 << 20]);
    let probed = COUNTER.current.load(Ordering::SeqCst) - before;
    drop(probe);
    assert!(
        probed >= 1 << 20,
        "the counter saw {probed} bytes of a 1 MiB buffer"
    );
    let base = COUNTER.current.load(Ordering::SeqCst);
    COUNTER.peak.store(base, Ordering::SeqCst);
    base
}

/// The peak growth over `base` so far.
pub fn peak_since(base: isize) -> isize {
    COUNTER.peak.load(Ordering::SeqCst) - base
}

/// The file: a PDF header, then a deterministic pseudo-random pattern where byte `i` depends
/// only on `i` (so any stretch can be regenerated to check it).
pub struct Pattern;

impl Pattern {
    const HEADER: &'static [u8] = b"%PDF-1.7\n";

    fn word(index: u64) -> [u8; 8] {
        // splitmix64
        let mut z = index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)).to_le_bytes()
    }

    /// Fills `buf` with the bytes from position `pos` on.
    pub fn fill(pos: u64, buf: &mut [u8]) {
        let mut at = 0usize;
        let mut p = pos;
        while at < buf.len() {
            if let Some(&h) = usize::try_from(p).ok().and_then(|i| Self::HEADER.get(i)) {
                buf[at] = h;
                at += 1;
                p += 1;
                continue;
            }
            let word = Self::word(p / 8);
            let skip = (p % 8) as usize;
            let n = (8 - skip).min(buf.len() - at);
            buf[at..at + n].copy_from_slice(&word[skip..skip + n]);
            at += n;
            p += n as u64;
        }
    }
}

/// A running checksum (FNV-1a, 64-bit, over whole bytes in order, fed in any chunks).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Checksum(u64);

impl Checksum {
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub fn update(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The upload's source: generates the pattern, exactly `len` bytes, and checksums them. Each
/// frontend's test makes it a `Source` with [`produce`](Self::produce).
pub struct Generated {
    pub pos: u64,
    pub len: u64,
    pub sum: Checksum,
}

impl Generated {
    /// The whole file, from its start.
    pub fn file() -> Self {
        Self {
            pos: 0,
            len: FILE_LEN,
            sum: Checksum::new(),
        }
    }

    /// Writes the next bytes into `buf`; how many (0 at the end).
    pub fn produce(&mut self, buf: &mut [u8]) -> usize {
        let n = usize::try_from(self.len - self.pos)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        Pattern::fill(self.pos, &mut buf[..n]);
        self.sum.update(&buf[..n]);
        self.pos += n as u64;
        n
    }

    /// Back to the start.
    pub fn restart(&mut self) {
        self.pos = 0;
        self.sum = Checksum::new();
    }
}

/// The download's sink: counts, checksums and compares each byte with the pattern. Each
/// frontend's test makes it a writer with [`check`](Self::check).
pub struct Verifier {
    pub pos: u64,
    pub sum: Checksum,
    pub first_mismatch: Option<u64>,
    scratch: [u8; 8192],
}

impl Verifier {
    pub fn new() -> Self {
        Self {
            pos: 0,
            sum: Checksum::new(),
            first_mismatch: None,
            scratch: [0; 8192],
        }
    }

    pub fn check(&mut self, buf: &[u8]) {
        self.sum.update(buf);
        for (i, piece) in buf.chunks(self.scratch.len()).enumerate() {
            let at = self.pos + (i * self.scratch.len()) as u64;
            let expected = &mut self.scratch[..piece.len()];
            Pattern::fill(at, expected);
            if self.first_mismatch.is_none() && piece != expected {
                let off = piece.iter().zip(expected.iter()).position(|(a, b)| a != b);
                self.first_mismatch = Some(at + off.unwrap_or(0) as u64);
            }
        }
        self.pos += buf.len() as u64;
    }
}

/// The draft of the contract the file is attached to.
pub fn draft(sandbox: &Sandbox) -> ContractDraftRequest {
    ContractDraftRequest::new(ContractDraft::new(
        "百兆文件合同",
        [
            SignatoryDraft::company(
                sandbox.fixtures().authenticated_company.clone(),
                [ActionDraft::new(ActionType::Company)],
            ),
            SignatoryDraft::personal("王五", User::mobile("13800000099")),
        ],
    ))
}

/// A small document for the draft (documents are capped at the platform's 30 MB, by qys
/// before sending and by the sandbox; a force-ended contract takes an attachment of any size).
pub fn small_document() -> UploadFile<std::io::Cursor<Vec<u8>>> {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n".to_vec();
    UploadFile::new("正文.pdf", pdf.len() as u64, std::io::Cursor::new(pdf))
}

/// The 100 MiB upload.
pub fn attachment(contract_id: ContractId) -> ContractForceEndAttachmentRequest<Generated> {
    ContractForceEndAttachmentRequest::new(
        contract_id,
        "百兆附件",
        UploadFile::new("百兆附件.pdf", FILE_LEN, Generated::file()),
    )
}

/// The download of the attachment, not zipped.
pub fn attachment_download(contract_id: ContractId) -> ContractDownloadRequest {
    ContractDownloadRequest::new(contract_id)
        .download_items([DownloadItem::EndSignAttachment])
        .need_compress_for_one_file(false)
}

/// What a run measured.
pub struct Report {
    pub frontend: &'static str,
    pub sink: Verifier,
    pub sent: Generated,
    pub meta: DownloadMeta,
    pub upload_peak: isize,
    pub peak: isize,
    pub uploaded_in: Duration,
    pub elapsed: Duration,
}

fn mib(bytes: isize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Prints the figures and asserts: the whole file went up and came back, byte for byte, and
/// the client's peak growth stayed under [`BUDGET`].
pub fn check_report(report: &Report) {
    println!(
        "{}: 100 MiB up in {:?}, up and down in {:?}; client peak growth {:.2} MiB during the \
         upload, {:.2} MiB overall (budget {:.0} MiB)",
        report.frontend,
        report.uploaded_in,
        report.elapsed,
        mib(report.upload_peak),
        mib(report.peak),
        mib(BUDGET)
    );
    assert_eq!(report.sent.pos, FILE_LEN, "the whole file went up");
    assert_eq!(report.sink.pos, FILE_LEN, "the whole file came back");
    assert_eq!(
        report.sink.first_mismatch, None,
        "every byte is the one sent"
    );
    assert_eq!(report.sink.sum, report.sent.sum, "checksums match");
    if let Some(n) = report.meta.content_length() {
        assert_eq!(n, FILE_LEN);
    }
    assert!(
        report.peak < BUDGET,
        "the client held {:.2} MiB at its peak, over the {:.0} MiB budget",
        mib(report.peak),
        mib(BUDGET)
    );
}
