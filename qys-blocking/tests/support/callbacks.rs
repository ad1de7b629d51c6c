//! The shared part of the callback end-to-end tests of both frontends (included by `#[path]`
//! in `qys-blocking/tests/callbacks_e2e.rs` and `qys-async/tests/callbacks_e2e.rs`): the
//! sandboxes and verifiers of each case, the requests, and the checks on what arrived. Each
//! test only drives its frontend's client and its example's receiver.
#![allow(dead_code, unreachable_pub)]

use std::net::{Ipv4Addr, SocketAddr};

use qys_proto::Secret;
use qys_proto::api::app::{AppCallbackUpdateRequest, AppInfo, EncryptType};
use qys_proto::api::signing::PersonalSignRequest;
use qys_proto::callback::{Callback, CallbackType, CallbackVerifier, Cipher, ContractStatus};
use qys_sandbox::{Delivery, DeliveryOutcome, Sandbox};

/// A free loopback port.
pub fn loopback() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// Whether `callback` says the contract `contract` completed.
pub fn is_completion(callback: &Callback, contract: &str) -> bool {
    matches!(callback, Callback::ContractStatus(e)
        if e.contract_id.as_str() == contract
            && e.status == ContractStatus::Complete
            && e.callback_type == Some(CallbackType::Complete))
}

/// The demo's callbacks are contract callbacks ending with the fixture contract's completion.
pub fn check_demo_events(events: &[Callback]) {
    let fixture = Sandbox::start().unwrap().fixtures().contract_id.clone();
    assert!(
        is_completion(events.last().unwrap(), fixture.as_str()),
        "{events:?}"
    );
    for event in events {
        assert!(matches!(event, Callback::ContractStatus(_)), "{event:?}");
    }
}

/// Signs the fixture contract as its last signer: it completes.
pub fn sign_fixture_contract(sandbox: &Sandbox) -> PersonalSignRequest {
    let fixtures = sandbox.fixtures();
    PersonalSignRequest::new(fixtures.contract_id.clone(), fixtures.signer.clone())
}

const CBC_KEY: &str = "k3y-0f-16-bytes!";
const CBC_IV: [u8; 16] = *b"iv-of-16-bytes!!";

/// A sandbox whose callbacks are encrypted with AES-CBC.
pub fn cbc_sandbox() -> Sandbox {
    Sandbox::builder()
        .callback_secret_key(CBC_KEY)
        .callback_cipher(Cipher::AesCbc { iv: CBC_IV })
        .start()
        .unwrap()
}

/// The verifier of [`cbc_sandbox`]'s callbacks.
pub fn cbc_verifier() -> CallbackVerifier {
    CallbackVerifier::new(Secret::new(CBC_KEY)).with_cipher(Cipher::AesCbc { iv: CBC_IV })
}

/// The app's callback settings: `url`, encrypted.
pub fn encrypted_to(url: String) -> AppCallbackUpdateRequest {
    AppCallbackUpdateRequest::new()
        .callback_url(url)
        .encrypt(true)
}

/// The settings took the sandbox's cipher.
pub fn check_cbc_settings(info: &AppInfo) {
    assert_eq!(info.encrypt_type, Some(EncryptType::AesCbc));
}

/// Whether the callbacks `seen` so far include the fixture contract's completion.
pub fn completed(seen: &[Callback], sandbox: &Sandbox) -> bool {
    let contract = sandbox.fixtures().contract_id.as_str();
    seen.iter().any(|c| is_completion(c, contract))
}

/// The completion carries the fixture contract's business ID, and the sandbox saw every
/// callback accepted with the body the example answers.
pub fn check_cbc_completion(seen: &[Callback], sandbox: &Sandbox, deliveries: &[Delivery]) {
    let Some(Callback::ContractStatus(done)) = seen.last() else {
        unreachable!()
    };
    assert_eq!(
        done.biz_id.as_deref(),
        Some(sandbox.fixtures().contract_biz_id.as_str())
    );
    assert!(deliveries.len() >= seen.len());
    for d in deliveries {
        assert!(d.delivered() && d.signed && d.encrypted, "{d:?}");
        assert_eq!(d.last_reply.as_deref(), Some("success"));
    }
}

const RECEIVERS_KEY: &str = "the-receivers-k!";

/// A verifier with another key than [`other_key_sandbox`]'s.
pub fn other_key_verifier() -> CallbackVerifier {
    CallbackVerifier::new(Secret::new(RECEIVERS_KEY))
}

/// A sandbox signing with another key than the receiver's, never retrying a delivery.
pub fn other_key_sandbox() -> Sandbox {
    Sandbox::builder()
        .callback_secret_key("the-sandboxs-key")
        .callback_encrypt(true)
        .callback_retry_schedule(Vec::new())
        .start()
        .unwrap()
}

/// Every delivery was refused with 400 and the typed error's text, which never shows the key.
pub fn check_refused(deliveries: Vec<Delivery>) {
    assert!(!deliveries.is_empty());
    for d in deliveries {
        assert_eq!(d.outcome, DeliveryOutcome::GaveUp);
        assert_eq!(d.last_status, Some(400));
        let reply = d.last_reply.unwrap();
        assert!(reply.contains("signature"), "{reply}");
        assert!(!reply.contains(RECEIVERS_KEY), "{reply}");
    }
}
