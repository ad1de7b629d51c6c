//! Secrets never show: `Debug` (and `Display`, where there is one) of every type that holds
//! the AppSecret, the agent secret, a signature or the callback key is searched for them.
//! The secrets are distinctive strings that appear nowhere else.

use http::StatusCode;
use proptest::prelude::*;
use qys_proto::api::app::AppInfo;
use qys_proto::api::miniapp::ContractViewTicketRequest;
use qys_proto::callback::{CallbackRequest, CallbackVerifier, Cipher};
use qys_proto::{
    ContractId, Core, Credentials, Environment, Nonce, Secret, Signer, SigningParams, signature,
};

const APP_SECRET: &str = "APPSECRET-q7Zr2xWv9Lk3";
const AGENT_SECRET: &str = "AGENTSECRET-m4Tn8bPc1Hs6";
/// 16 characters: an AES-128 key.
const CALLBACK_KEY: &str = "CbKey-J5w8Rq2Ynx";
const IV: &[u8; 16] = b"IV-not-shown-16b";

/// Fails if `shown` contains any of `needles`.
fn assert_hidden(what: &str, shown: &str, needles: &[&str]) {
    for needle in needles {
        assert!(!shown.contains(needle), "{what} shows {needle:?}: {shown}");
    }
}

fn secrets() -> Vec<&'static str> {
    vec![APP_SECRET, AGENT_SECRET, CALLBACK_KEY, "IV-not-shown-16b"]
}

fn signer() -> Signer {
    Signer::new(Credentials::new("app-token-0001", APP_SECRET))
        .with_agent(Credentials::new("agent-token-0001", AGENT_SECRET))
}

fn params() -> SigningParams {
    SigningParams::new(1_700_000_000_000, Nonce::new("nonce-0001").unwrap())
}

/// The signature hex the request below carries.
fn signature_hex() -> String {
    let p = params();
    signature(
        &Credentials::new("app-token-0001", APP_SECRET),
        p.timestamp_ms(),
        Some(p.nonce()),
    )
    .to_hex()
}

#[test]
fn credentials_secret_signer_core_and_builder_hide_the_secrets() {
    let all = secrets();
    let credentials = Credentials::new("app-token-0001", APP_SECRET);
    assert_hidden("Credentials", &format!("{credentials:?}"), &all);
    assert_hidden("Credentials {:#?}", &format!("{credentials:#?}"), &all);
    assert_hidden("Secret", &format!("{:?}", Secret::new(APP_SECRET)), &all);
    assert_hidden("Signer", &format!("{:?}", signer()), &all);
    assert_hidden("Signer {:#?}", &format!("{:#?}", signer()), &all);
    let builder = Core::builder(Environment::test(), signer());
    assert_hidden("CoreBuilder", &format!("{builder:?}"), &all);
    let core = builder.build().unwrap();
    assert_hidden("Core", &format!("{core:?}"), &all);
    assert_hidden("Core {:#?}", &format!("{core:#?}"), &all);
}

#[test]
fn a_prepared_request_hides_the_signature_and_the_secret() {
    let core = Core::new(Environment::test(), signer()).unwrap();
    let request = core
        .prepare(
            &ContractViewTicketRequest::by_id(ContractId::new("2591540368898105360")),
            &params(),
        )
        .unwrap();
    let hex = signature_hex();
    // The header carries it (this is what goes on the wire) ...
    assert_eq!(request.headers()["x-qys-open-signature"], hex.as_str());
    assert!(request.headers()["x-qys-open-signature"].is_sensitive());
    // ... but no Debug shows it.
    let mut needles = secrets();
    needles.push(&hex);
    assert_hidden("Request", &format!("{request:?}"), &needles);
    assert_hidden("HeaderMap", &format!("{:?}", request.headers()), &needles);
    let (parts, _) = request.into_parts();
    assert_hidden("Parts", &format!("{parts:?}"), &needles);
    // A signature's Debug is redacted too (it has no Display; `to_hex` gives the wire value).
    let p = params();
    let sig = signature(
        &Credentials::new("app-token-0001", APP_SECRET),
        p.timestamp_ms(),
        Some(p.nonce()),
    );
    assert_hidden("Signature", &format!("{sig:?}"), &needles);
}

#[test]
fn the_saas_agent_signature_is_hidden_too() {
    let core = Core::new(Environment::test(), signer()).unwrap();
    let request = core
        .prepare(
            &qys_proto::api::miniapp::SaasPersonalAuthTicketRequest::new(
                qys_proto::types::User::mobile("13800000001"),
            ),
            &params(),
        )
        .unwrap();
    let agent_sig = request.headers()["x-qys-open-agentsignature"]
        .to_str()
        .unwrap()
        .to_owned();
    let mut needles = secrets();
    needles.push(&agent_sig);
    assert_hidden("SaaS request", &format!("{request:?}"), &needles);
}

#[test]
fn callback_verifier_cipher_and_app_info_hide_the_key() {
    let all = secrets();
    let cipher = Cipher::cbc(IV).unwrap();
    assert_hidden("Cipher", &format!("{cipher:?}"), &all);
    let verifier = CallbackVerifier::new(CALLBACK_KEY).with_cipher(cipher);
    assert_hidden("CallbackVerifier", &format!("{verifier:?}"), &all);
    assert_hidden("CallbackVerifier {:#?}", &format!("{verifier:#?}"), &all);
    let info: AppInfo = serde_json::from_str(&format!(
        r#"{{"appName":"x","accessToken":"app-token-0001","callbackSecretKey":"{CALLBACK_KEY}","encrypt":true,"encryptType":"AES_CBC"}}"#
    ))
    .unwrap();
    assert_eq!(info.callback_secret_key.as_deref(), Some(CALLBACK_KEY));
    assert_hidden("AppInfo", &format!("{info:?}"), &all);
    assert_hidden("AppInfo {:#?}", &format!("{info:#?}"), &all);
}

#[test]
fn errors_of_failed_callbacks_and_calls_hide_the_secrets() {
    let all = secrets();
    let verifier = CallbackVerifier::new(CALLBACK_KEY);
    let form = format!(
        "timestamp=1700000000000&signature={}&content=AAAA",
        "0".repeat(32)
    );
    let request = CallbackRequest::new(None, form.as_bytes());
    let err = verifier.verify(&request, 1_700_000_000_000).unwrap_err();
    assert_hidden("callback error", &format!("{err:?} / {err}"), &all);
    // The correct signature of that timestamp is not shown either.
    let right = qys_proto::callback::sign_timestamp(&Secret::new(CALLBACK_KEY), "1700000000000");
    assert_hidden("callback error", &format!("{err:?} / {err}"), &[&right]);

    let core = Core::new(Environment::test(), signer()).unwrap();
    let answer = http::Response::builder()
        .status(StatusCode::from_u16(443).unwrap())
        .header("content-type", "application/json")
        .body(&br#"{"code":443,"responseCode":"11990443","message":"INVALID SIGNATURE"}"#[..])
        .unwrap();
    let err = core.parse::<ContractViewTicketRequest>(answer).unwrap_err();
    let mut needles = all.clone();
    let hex = signature_hex();
    needles.push(&hex);
    assert_hidden("443 error", &format!("{err:?} / {err}"), &needles);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever the secret, Debug of the credentials, the signer, the core and a prepared
    /// request never contains it, nor the signature.
    #[test]
    fn no_debug_output_contains_an_arbitrary_secret(
        secret in "[A-Za-z0-9!#%&*+/=?^_~-]{12,48}",
        timestamp in 1u64..4_000_000_000_000,
    ) {
        let credentials = Credentials::new("tok-abcdef-123", secret.as_str());
        let core = Core::new(Environment::test(), credentials.clone()).unwrap();
        let params = SigningParams::new(timestamp, Nonce::new("n-1").unwrap());
        let request = core
            .prepare(&ContractViewTicketRequest::by_id(ContractId::new("1")), &params)
            .unwrap();
        let hex = signature(&credentials, timestamp, Some(params.nonce())).to_hex();
        let shown = format!("{credentials:?} {core:?} {:?} {request:?}", Signer::new(credentials.clone()));
        prop_assert!(!shown.contains(&secret), "{}", shown);
        prop_assert!(!shown.contains(&hex), "{}", shown);
    }
}
