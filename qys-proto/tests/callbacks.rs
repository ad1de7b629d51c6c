//! Callbacks: known-answer vectors (`testdata/callbacks/vectors.json`), every rejection, every
//! plain form kind (`testdata/callbacks/*.form`), replies, and proptest properties.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderValue};
use proptest::prelude::*;
use qys_proto::callback::{
    Callback, CallbackRequest, CallbackType, CallbackVerifier, Cipher, CompanyAuthAction,
    CompanyAuthStatus, ContractStatus, PersonalAuthStatus, Reply, SealReviewResult, SignAuthItem,
    SignAuthUserType, TenantType, decrypt_content, encrypt_content, fuzzing, sign_timestamp,
    signed_callback_form,
};
use qys_proto::query::to_query_string;
use qys_proto::types::PersonalAuthMode;
use qys_proto::{CallbackErrorKind, Error, Secret};
use serde_json::{Value, json};

const KEY: &str = "5f6db7ec8325aAGF";
const NOW: u64 = 1_700_000_000_000;
const CONTRACT_JSON: &str =
    r#"{"contractId":"2591540368898105360","contractStatus":"COMPLETE","callbackType":"COMPLETE"}"#;

fn key() -> Secret {
    Secret::new(KEY)
}

fn fixture(name: &str) -> String {
    let path = format!("{}/testdata/callbacks/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn form_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded; charset=UTF-8"),
    );
    h
}

fn kind(result: Result<Callback, Error>) -> CallbackErrorKind {
    match result {
        Err(Error::Callback(e)) => e.kind(),
        other => panic!("expected a callback error, got {other:?}"),
    }
}

fn verify_body(v: &CallbackVerifier, body: &str, now: u64) -> Result<Callback, Error> {
    v.verify(&CallbackRequest::new(None, body.as_bytes()), now)
}

fn cipher_of(name: &str) -> Cipher {
    Cipher::from_encrypt_type(name, None).unwrap()
}

// ---------------------------------------------------------------- known answers

#[test]
fn known_answer_vectors() {
    let vectors: Value = serde_json::from_str(&fixture("vectors.json")).unwrap();
    for case in vectors["decrypt"].as_array().unwrap() {
        let key = Secret::new(case["key"].as_str().unwrap());
        let cipher = cipher_of(case["cipher"].as_str().unwrap());
        assert_eq!(
            decrypt_content(&key, &cipher, case["content"].as_str().unwrap()).unwrap(),
            case["plaintext"].as_str().unwrap()
        );
    }
    for case in vectors["encrypt"].as_array().unwrap() {
        let key = Secret::new(case["key"].as_str().unwrap());
        let cipher = cipher_of(case["cipher"].as_str().unwrap());
        let plaintext = case["plaintext"].as_str().unwrap();
        let content = case["content"].as_str().unwrap();
        assert_eq!(encrypt_content(&key, &cipher, plaintext).unwrap(), content);
        assert_eq!(decrypt_content(&key, &cipher, content).unwrap(), plaintext);
    }
    for case in vectors["signature"].as_array().unwrap() {
        let key = Secret::new(case["key"].as_str().unwrap());
        assert_eq!(
            sign_timestamp(&key, case["timestamp"].as_str().unwrap()),
            case["signature"].as_str().unwrap()
        );
    }
}

#[test]
fn the_vendor_ciphertext_arrives_as_a_signed_contract_callback() {
    // The encrypt vector's ciphertext, in a form signed by hand (not by signed_callback_form).
    let vectors: Value = serde_json::from_str(&fixture("vectors.json")).unwrap();
    let content = vectors["encrypt"][0]["content"].as_str().unwrap();
    let ts = (NOW - 1_000).to_string();
    let signature = sign_timestamp(&key(), &ts);
    let body = to_query_string([
        ("signature", signature.as_str()),
        ("timestamp", ts.as_str()),
        ("content", content),
    ]);
    assert!(body.contains("content=mCvx%2FYtoh4"), "{body}");
    let headers = form_headers();
    let request = CallbackRequest::new(None, body.as_bytes()).with_headers(&headers);
    let callback = CallbackVerifier::new(KEY).verify(&request, NOW).unwrap();
    let Callback::ContractStatus(event) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(event.contract_id.as_str(), "2591540368898105360");
    assert_eq!(event.status, ContractStatus::Complete);
    assert_eq!(event.callback_type, Some(CallbackType::Complete));
    assert!(event.extra.is_empty(), "{:?}", event.extra);
    assert_eq!(callback.reply().body(), "success");
}

#[test]
fn personal_sign_auth_signed_in_the_query_with_plain_content() {
    // Signature vector of qys-sdks.md §14: md5("1565753984643AppSecret456").
    let query = "signature=404e8fa6edd47095c216e353dfaee49d&timestamp=1565753984643";
    let payload = fixture("personal_sign_auth.json");
    let body = to_query_string([("content", payload.trim())]);
    let headers = form_headers();
    let request = CallbackRequest::new(Some(query), body.as_bytes()).with_headers(&headers);
    let verifier = CallbackVerifier::new("AppSecret456").with_cipher(Cipher::Plain);
    let callback = verifier
        .verify(&request, 1_565_753_984_643 + 30_000)
        .unwrap();
    let Callback::PersonalSignAuth(event) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(event.item, SignAuthItem::Authorize);
    assert_eq!(
        event.user_type,
        Some(SignAuthUserType::Mobile),
        "MOBLIE [sic]"
    );
    assert_eq!(
        event.company_id.as_ref().unwrap().as_str(),
        "2735450000000000001"
    );
    assert_eq!(event.user.as_deref(), Some("13800000000"));
    assert_eq!(event.auth_deadline.as_deref(), Some("2027-12-31"));
    assert_eq!(event.remark.as_deref(), Some("年度授权"));
    assert_eq!(event.deauthorize_date, None);
    assert_eq!(callback.reply(), Reply::SUCCESS);

    // The same request with a changed digit in the signature is refused.
    let forged = query.replace("404e8", "404e9");
    let request = CallbackRequest::new(Some(&forged), body.as_bytes()).with_headers(&headers);
    assert_eq!(
        kind(verifier.verify(&request, 1_565_753_984_643)),
        CallbackErrorKind::BadSignature
    );
}

// ---------------------------------------------------------------- signed and encrypted

#[test]
fn cbc_callbacks_verify_only_with_their_iv() {
    let cbc = Cipher::cbc(b"0102030405060708").unwrap();
    let body = signed_callback_form(&key(), &cbc, NOW, CONTRACT_JSON).unwrap();
    let ok = verify_body(&CallbackVerifier::new(KEY).with_cipher(cbc), &body, NOW).unwrap();
    assert!(matches!(ok, Callback::ContractStatus(_)), "{ok:?}");
    // ECB cannot read it, nor CBC with an unrelated IV (the first block decrypts to garbage).
    assert!(verify_body(&CallbackVerifier::new(KEY), &body, NOW).is_err());
    let other_iv = Cipher::cbc([0xA5; 16]).unwrap();
    assert!(
        verify_body(
            &CallbackVerifier::new(KEY).with_cipher(other_iv),
            &body,
            NOW
        )
        .is_err()
    );
    // CBC is not authenticated: an IV off by one bit flips one bit of the first block, which
    // here is a digit of the contract ID. The event parses, with another ID.
    let near_iv = Cipher::cbc(b"0102030405060709").unwrap();
    let Callback::ContractStatus(e) =
        verify_body(&CallbackVerifier::new(KEY).with_cipher(near_iv), &body, NOW).unwrap()
    else {
        panic!()
    };
    assert_eq!(e.contract_id.as_str(), "3591540368898105360");
}

#[test]
fn json_bodies_and_http_requests_are_read_too() {
    let form = signed_callback_form(&key(), &Cipher::AesEcb, NOW, CONTRACT_JSON).unwrap();
    let pairs = qys_proto::query::parse_query_string(&form);
    let object: serde_json::Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let request = http::Request::builder()
        .method("POST")
        .uri("https://partner.example/qys/callback?company=A")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&object).unwrap())
        .unwrap();
    let incoming = CallbackRequest::from(&request);
    assert_eq!(incoming.param("company").as_deref(), Some("A"));
    let callback = CallbackVerifier::new(KEY).verify(&incoming, NOW).unwrap();
    assert!(
        matches!(callback, Callback::ContractStatus(_)),
        "{callback:?}"
    );
}

#[test]
fn ten_digit_second_timestamps_are_accepted() {
    let ts = (NOW / 1000).to_string();
    let content = encrypt_content(&key(), &Cipher::AesEcb, CONTRACT_JSON).unwrap();
    let signature = sign_timestamp(&key(), &ts);
    let body = to_query_string([
        ("content", content.as_str()),
        ("signature", signature.as_str()),
        ("timestamp", ts.as_str()),
    ]);
    assert!(verify_body(&CallbackVerifier::new(KEY), &body, NOW + 5_000).is_ok());
    assert_eq!(
        kind(verify_body(
            &CallbackVerifier::new(KEY),
            &body,
            NOW + 700_000
        )),
        CallbackErrorKind::StaleTimestamp
    );
}

#[test]
fn unknown_fields_and_values_are_kept() {
    let payload = json!({
        "contractId": 2591540368898105360u64,
        "contractStatus": "ARCHIVED",
        "callbackType": "SOMETHING_NEW",
        "tenantType": "GOVERNMENT",
        "newField": {"a": 1},
        "count": 3
    })
    .to_string();
    let body = signed_callback_form(&key(), &Cipher::AesEcb, NOW, &payload).unwrap();
    let callback = verify_body(&CallbackVerifier::new(KEY), &body, NOW).unwrap();
    let Callback::ContractStatus(event) = callback else {
        panic!("{callback:?}")
    };
    assert_eq!(event.contract_id.as_str(), "2591540368898105360");
    assert_eq!(event.status, ContractStatus::Other("ARCHIVED".into()));
    assert_eq!(
        event.callback_type,
        Some(CallbackType::Other("SOMETHING_NEW".into()))
    );
    assert_eq!(
        event.tenant_type,
        Some(TenantType::Other("GOVERNMENT".into()))
    );
    assert_eq!(event.extra["newField"], json!({"a": 1}));
    assert_eq!(event.extra["count"], json!(3));

    // A payload of no known kind is kept whole.
    let body = signed_callback_form(&key(), &Cipher::AesEcb, NOW, r#"{"hello":"world"}"#).unwrap();
    let callback = verify_body(&CallbackVerifier::new(KEY), &body, NOW).unwrap();
    let Callback::Unknown(map) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(map["hello"], "world");
    assert_eq!(callback.reply(), Reply::SUCCESS);
}

#[test]
fn a_form_string_content_is_tolerated() {
    let body = signed_callback_form(
        &key(),
        &Cipher::AesEcb,
        NOW,
        "contractId=1&contractStatus=SIGNING&tenantName=%E5%BC%A0%E4%B8%89",
    )
    .unwrap();
    let Callback::ContractStatus(event) =
        verify_body(&CallbackVerifier::new(KEY), &body, NOW).unwrap()
    else {
        panic!()
    };
    assert_eq!(event.status, ContractStatus::Signing);
    assert_eq!(event.tenant_name.as_deref(), Some("张三"));
}

// ---------------------------------------------------------------- rejections

#[test]
fn wrong_key_is_refused() {
    let body = signed_callback_form(&key(), &Cipher::AesEcb, NOW, CONTRACT_JSON).unwrap();
    let other = CallbackVerifier::new("5f6db7ec8325aAGG");
    assert_eq!(
        kind(verify_body(&other, &body, NOW)),
        CallbackErrorKind::BadSignature
    );
    // Decrypting with the wrong key never gives the plaintext back.
    let content = encrypt_content(&key(), &Cipher::AesEcb, CONTRACT_JSON).unwrap();
    let wrong = decrypt_content(&Secret::new("5f6db7ec8325aAGG"), &Cipher::AesEcb, &content);
    assert!(
        wrong.as_ref().map_or(true, |t| t != CONTRACT_JSON),
        "{wrong:?}"
    );
}

fn with_content(content: &str) -> String {
    let ts = NOW.to_string();
    let signature = sign_timestamp(&key(), &ts);
    to_query_string([
        ("content", content),
        ("signature", signature.as_str()),
        ("timestamp", ts.as_str()),
    ])
}

#[test]
fn tampered_content_is_refused() {
    let content = encrypt_content(&key(), &Cipher::AesEcb, CONTRACT_JSON).unwrap();
    let raw = STANDARD.decode(&content).unwrap();
    let verifier = CallbackVerifier::new(KEY);
    assert!(verify_body(&verifier, &with_content(&content), NOW).is_ok());
    for index in [0, 20, raw.len() - 1] {
        let mut flipped = raw.clone();
        flipped[index] ^= 0x01;
        let k = kind(verify_body(
            &verifier,
            &with_content(&STANDARD.encode(&flipped)),
            NOW,
        ));
        assert!(
            matches!(
                k,
                CallbackErrorKind::BadPadding
                    | CallbackErrorKind::NotUtf8
                    | CallbackErrorKind::Malformed
            ),
            "byte {index}: {k:?}"
        );
    }
    // Flipping the last byte always breaks the padding.
    let mut flipped = raw;
    *flipped.last_mut().unwrap() ^= 0x80;
    assert_eq!(
        kind(verify_body(
            &verifier,
            &with_content(&STANDARD.encode(&flipped)),
            NOW
        )),
        CallbackErrorKind::BadPadding
    );
}

#[test]
fn padding_is_checked_strictly() {
    // A 16-byte plaintext encrypts to two blocks, the second being pure padding. Dropping that
    // block leaves a ciphertext whose own last bytes act as the padding.
    let strip = |plaintext: &str| {
        let content = encrypt_content(&key(), &Cipher::AesEcb, plaintext).unwrap();
        let raw = STANDARD.decode(content).unwrap();
        assert_eq!(raw.len(), 32);
        decrypt_content(&key(), &Cipher::AesEcb, &STANDARD.encode(&raw[..16]))
    };
    // Control: ...\x02\x02 is valid padding.
    assert_eq!(strip("0123456789abcd\u{2}\u{2}").unwrap(), "0123456789abcd");
    // ...\x03\x02 claims 2 bytes of padding whose first is not 2: a lax unpadder accepts it.
    for bad in [
        "0123456789abcd\u{3}\u{2}",
        "0123456789abcdex",
        "0123456789abcde\u{0}",
    ] {
        match strip(bad) {
            Err(Error::Callback(e)) => assert_eq!(e.kind(), CallbackErrorKind::BadPadding),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
}

#[test]
fn bad_base64_and_bad_lengths_are_refused() {
    let verifier = CallbackVerifier::new(KEY);
    let cases = [
        ("!!!not base64!!!", CallbackErrorKind::BadBase64),
        ("mCvx/Ytoh4sfgeLZ\u{7f}", CallbackErrorKind::BadBase64),
        ("AAAAAAA=", CallbackErrorKind::BadCiphertext),
        (
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            CallbackErrorKind::BadCiphertext,
        ),
        (
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            CallbackErrorKind::BadPadding,
        ),
    ];
    for (content, expected) in cases {
        assert_eq!(
            kind(verify_body(&verifier, &with_content(content), NOW)),
            expected,
            "{content}"
        );
    }
    // An empty content is a missing one.
    assert_eq!(
        kind(verify_body(&verifier, &with_content(""), NOW)),
        CallbackErrorKind::MissingField("content")
    );
}

#[test]
fn stale_timestamps_are_refused_both_ways() {
    let verifier = CallbackVerifier::new(KEY);
    let window = 600_000;
    for (sent, ok) in [
        (NOW - window, true),
        (NOW + window, true),
        (NOW - window - 1, false),
        (NOW + window + 1, false),
        (NOW - 86_400_000, false),
    ] {
        let body = signed_callback_form(&key(), &Cipher::AesEcb, sent, CONTRACT_JSON).unwrap();
        let result = verify_body(&verifier, &body, NOW);
        if ok {
            assert!(result.is_ok(), "{sent}: {result:?}");
        } else {
            assert_eq!(kind(result), CallbackErrorKind::StaleTimestamp, "{sent}");
        }
    }
    // A wider window lets the day-old one through.
    let body =
        signed_callback_form(&key(), &Cipher::AesEcb, NOW - 86_400_000, CONTRACT_JSON).unwrap();
    let wide = CallbackVerifier::new(KEY).with_window(Duration::from_secs(2 * 86_400));
    assert!(verify_body(&wide, &body, NOW).is_ok());
    // A non-numeric timestamp, correctly signed, is its own kind.
    let signature = sign_timestamp(&key(), "yesterday");
    let body = to_query_string([
        ("content", "x"),
        ("signature", signature.as_str()),
        ("timestamp", "yesterday"),
    ]);
    assert_eq!(
        kind(verify_body(&verifier, &body, NOW)),
        CallbackErrorKind::BadTimestamp
    );
}

#[test]
fn missing_signature_timestamp_or_content_is_refused() {
    let plain = fixture("contract_status.form");
    let verifier = CallbackVerifier::new(KEY);
    assert_eq!(
        kind(verify_body(&verifier, &plain, NOW)),
        CallbackErrorKind::Unsigned
    );
    // Content without a signature is unsigned too.
    let content = encrypt_content(&key(), &Cipher::AesEcb, CONTRACT_JSON).unwrap();
    let body = to_query_string([
        ("content", content.as_str()),
        ("timestamp", "1700000000000"),
    ]);
    assert_eq!(
        kind(verify_body(&verifier, &body, NOW)),
        CallbackErrorKind::Unsigned
    );
    // A signature without a timestamp.
    let body = to_query_string([
        ("content", content.as_str()),
        ("signature", "404e8fa6edd47095c216e353dfaee49d"),
    ]);
    assert_eq!(
        kind(verify_body(&verifier, &body, NOW)),
        CallbackErrorKind::MissingField("timestamp")
    );
    // Signed, but the event in plain fields while encryption is expected: a captured
    // signature must not vouch for forged fields.
    let ts = NOW.to_string();
    let signature = sign_timestamp(&key(), &ts);
    let body = format!(
        "{plain}&signature={signature}&timestamp={ts}",
        plain = plain.trim()
    );
    assert_eq!(
        kind(verify_body(&verifier, &body, NOW)),
        CallbackErrorKind::MissingField("content")
    );
    // With Cipher::Plain the signed plain fields are the event.
    let plain_verifier = CallbackVerifier::new(KEY).with_cipher(Cipher::Plain);
    assert!(matches!(
        verify_body(&plain_verifier, &body, NOW).unwrap(),
        Callback::ContractStatus(_)
    ));
    // An encrypted payload without the contract status field is a different kind, not an error;
    // a contract payload with an empty id is a missing field.
    let body = signed_callback_form(
        &key(),
        &Cipher::AesEcb,
        NOW,
        r#"{"contractId":"","contractStatus":"SIGNING"}"#,
    )
    .unwrap();
    assert!(matches!(
        verify_body(&verifier, &body, NOW).unwrap(),
        Callback::Unknown(_)
    ));
}

#[test]
fn keys_that_are_not_aes_128_are_a_typed_error() {
    let long = Secret::new("this key is longer than sixteen bytes");
    assert!(matches!(
        encrypt_content(&long, &Cipher::AesEcb, "x"),
        Err(Error::Callback(e)) if e.kind() == CallbackErrorKind::BadKey
    ));
    // The signature is fine (any key length signs), the decryption is not.
    let ts = NOW.to_string();
    let signature = sign_timestamp(&long, &ts);
    let body = to_query_string([
        ("content", "UoYYii0CN0bJyDcdkgf/iA=="),
        ("signature", signature.as_str()),
        ("timestamp", ts.as_str()),
    ]);
    let verifier = CallbackVerifier::new(long);
    assert_eq!(
        kind(verify_body(&verifier, &body, NOW)),
        CallbackErrorKind::BadKey
    );
    assert!(matches!(
        Cipher::from_encrypt_type("AES_CBC", Some(b"short")),
        Err(Error::Callback(e)) if e.kind() == CallbackErrorKind::BadKey
    ));
    assert!(Cipher::from_encrypt_type("SM4", None).is_err());
}

#[test]
fn a_field_given_twice_must_agree() {
    let body = signed_callback_form(&key(), &Cipher::AesEcb, NOW, CONTRACT_JSON).unwrap();
    let verifier = CallbackVerifier::new(KEY);
    // The same timestamp in the query and the body is fine...
    let same = format!("timestamp={NOW}");
    let request = CallbackRequest::new(Some(&same), body.as_bytes());
    assert!(verifier.verify(&request, NOW).is_ok());
    // ...a different one is not.
    let other = format!("timestamp={}", NOW + 1);
    let request = CallbackRequest::new(Some(&other), body.as_bytes());
    assert_eq!(
        kind(verifier.verify(&request, NOW)),
        CallbackErrorKind::Malformed
    );
}

#[test]
fn error_messages_hold_no_secret_and_no_content() {
    let secret_payload = r#"{"contractId":"SECRET-CONTRACT-777","contractStatus":"SIGNING""#;
    let body = signed_callback_form(&key(), &Cipher::AesEcb, NOW, secret_payload).unwrap();
    let signature = sign_timestamp(&key(), &NOW.to_string());
    let verifier = CallbackVerifier::new(KEY);
    let mut errors = vec![
        verify_body(&verifier, &body, NOW).unwrap_err(),
        verify_body(&verifier, &body, NOW + 3_600_000).unwrap_err(),
        verify_body(&CallbackVerifier::new("AAAAAAAAAAAAAAAA"), &body, NOW).unwrap_err(),
    ];
    let not_object =
        signed_callback_form(&key(), &Cipher::AesEcb, NOW, r#"["SECRET-CONTRACT-777"]"#).unwrap();
    errors.push(verify_body(&verifier, &not_object, NOW).unwrap_err());
    for e in errors {
        let text = format!("{e} {e:?}");
        for leak in [KEY, signature.as_str(), "SECRET-CONTRACT-777"] {
            assert!(!text.contains(leak), "{text}");
        }
    }
}

// ---------------------------------------------------------------- plain forms

fn plain(name: &str) -> Callback {
    let body = fixture(name);
    let headers = form_headers();
    let request = CallbackRequest::new(None, body.as_bytes()).with_headers(&headers);
    CallbackVerifier::new(KEY)
        .allow_unsigned(true)
        .verify(&request, NOW)
        .unwrap()
}

#[test]
fn plain_contract_status_form() {
    let callback = plain("contract_status.form");
    let Callback::ContractStatus(e) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(e.contract_id.as_str(), "2591540368898105360");
    assert_eq!(e.status, ContractStatus::Signing);
    assert_eq!(e.callback_type, Some(CallbackType::Personal));
    assert_eq!(e.tenant_type, Some(TenantType::Personal));
    assert_eq!(e.tenant_name.as_deref(), Some("张三"));
    assert_eq!(e.contact.as_deref(), Some("13800000000"));
    assert_eq!(e.tenant_id.as_deref(), Some("2591540368898105361"));
    assert_eq!(e.business_data.as_deref(), Some(r#"{"order":42}"#));
    assert_eq!(e.biz_id.as_deref(), Some("order-42"));
    assert!(e.extra.is_empty());
    assert_eq!(callback.reply(), Reply::SUCCESS);
}

#[test]
fn plain_company_auth_form() {
    let callback = plain("company_auth.form");
    let Callback::CompanyAuth(e) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(e.status, CompanyAuthStatus::Success);
    assert_eq!(e.action_event, Some(CompanyAuthAction::Certified));
    assert_eq!(e.request_id.as_deref(), Some("2735427409925435392"));
    let info = e.auth_info.as_ref().unwrap();
    assert_eq!(info.name.as_deref(), Some("契约锁测试科技有限公司"));
    assert_eq!(info.register_no.as_deref(), Some("91330100MA2H0XXXXX"));
    assert_eq!(info.legal_person.as_deref(), Some("李四"));
    assert_eq!(info.applicant_name.as_deref(), Some("王五"));
    assert_eq!(info.applicant_phone.as_deref(), Some("13900000000"));
    assert_eq!(info.extra["authType"], "LEGAL_PERSON");
    assert_eq!(callback.reply().body(), r#"{"code":0}"#);
    assert_eq!(
        callback.reply().content_type(),
        "application/json;charset=UTF-8"
    );

    // Unknown codes are kept; an authInfo that is not JSON stays in extra.
    let body = "status=5&actionEvent=9&requestId=r&authInfo=not-json";
    let v = CallbackVerifier::new(KEY).allow_unsigned(true);
    let Callback::CompanyAuth(e) = verify_body(&v, body, NOW).unwrap() else {
        panic!()
    };
    assert_eq!(e.status, CompanyAuthStatus::Other(5));
    assert_eq!(e.action_event, Some(CompanyAuthAction::Other(9)));
    assert_eq!(e.auth_info, None);
    assert_eq!(e.extra["authInfo"], "not-json");
    // A status that is not a number is malformed; a missing one is missing.
    assert_eq!(
        kind(verify_body(&v, "status=ok&requestId=r", NOW)),
        CallbackErrorKind::Malformed
    );
    assert_eq!(
        kind(verify_body(&v, "requestId=r", NOW)),
        CallbackErrorKind::MissingField("status")
    );
}

#[test]
fn plain_personal_auth_form() {
    let callback = plain("personal_auth.form");
    let Callback::PersonalAuth(e) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(e.mode, Some(PersonalAuthMode::Face));
    assert_eq!(e.status, PersonalAuthStatus::ManualReview);
    assert_eq!(e.auth_id.as_deref(), Some("2735430000000000001"));
    assert_eq!(callback.reply(), Reply::CODE_ZERO);
}

#[test]
fn plain_seal_review_forms() {
    let callback = plain("seal_review_pass.form");
    let Callback::SealReview(e) = &callback else {
        panic!("{callback:?}")
    };
    assert_eq!(e.apply_id, "2735440000000000001");
    assert_eq!(e.result, SealReviewResult::Pass);
    assert_eq!(e.seal_type.as_deref(), Some("ENTERPRISE"));
    assert_eq!(e.seal_name.as_deref(), Some("合同专用章"));
    assert_eq!(e.seal_id.as_ref().unwrap().as_str(), "2735440000000000999");
    assert_eq!(callback.reply().body(), r#"{"responseCode":"00000000"}"#);
    // The reply is valid JSON (the page's unquoted 00000000 is not).
    let parsed: Value = serde_json::from_str(callback.reply().body()).unwrap();
    assert_eq!(parsed["responseCode"], "00000000");

    let Callback::SealReview(e) = plain("seal_review_reject.form") else {
        panic!()
    };
    assert_eq!(
        e.result,
        SealReviewResult::Reject {
            reason: Some("印章图片模糊".into())
        }
    );
    assert_eq!(e.seal_id, None);
}

#[test]
fn replies_become_http_responses() {
    let response: http::Response<String> = Reply::SUCCESS.into_response();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "success");
    assert_eq!(
        response.headers()["content-type"],
        "text/plain;charset=UTF-8"
    );
    let response: http::Response<Vec<u8>> = Reply::RESPONSE_CODE_SUCCESS.into_response();
    assert_eq!(response.body(), br#"{"responseCode":"00000000"}"#);
}

// ---------------------------------------------------------------- properties

fn any_cipher() -> impl Strategy<Value = Cipher> {
    prop_oneof![
        Just(Cipher::AesEcb),
        any::<[u8; 16]>().prop_map(|iv| Cipher::AesCbc { iv }),
    ]
}

proptest! {
    #[test]
    fn arbitrary_plaintexts_round_trip(text in any::<String>(), cipher in any_cipher()) {
        let content = encrypt_content(&key(), &cipher, &text).unwrap();
        let raw = STANDARD.decode(&content).unwrap();
        prop_assert_eq!(raw.len(), (text.len() / 16 + 1) * 16);
        prop_assert_eq!(decrypt_content(&key(), &cipher, &content).unwrap(), text);
    }

    #[test]
    fn arbitrary_events_round_trip_through_verify(
        id in "[0-9]{1,19}",
        status in "[A-Z_]{1,12}",
        name in any::<String>(),
        cipher in any_cipher(),
        ago in 0u64..600_000,
    ) {
        let payload = json!({"contractId": id, "contractStatus": status, "tenantName": name});
        let body = signed_callback_form(&key(), &cipher, NOW - ago, &payload.to_string()).unwrap();
        let verifier = CallbackVerifier::new(KEY).with_cipher(cipher);
        let Callback::ContractStatus(e) = verify_body(&verifier, &body, NOW).unwrap() else {
            panic!("not a contract event")
        };
        prop_assert_eq!(e.contract_id.as_str(), id.as_str());
        prop_assert_eq!(e.status.as_str(), status.as_str());
        prop_assert_eq!(e.tenant_name, (!name.is_empty()).then_some(name));
    }

    #[test]
    fn arbitrary_requests_never_panic(
        query in proptest::option::of(any::<String>()),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        content_type in proptest::option::of("[ -~]{0,40}"),
        allow in any::<bool>(),
        cipher in prop_oneof![Just(Cipher::Plain), any_cipher()],
        now in any::<u64>(),
    ) {
        let mut headers = HeaderMap::new();
        if let Some(ct) = content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
            headers.insert(CONTENT_TYPE, ct);
        }
        let request = CallbackRequest::new(query.as_deref(), &body).with_headers(&headers);
        let verifier = CallbackVerifier::new(KEY).with_cipher(cipher).allow_unsigned(allow);
        let _ = verifier.verify(&request, now);
        let _ = request.param("signature");
    }

    #[test]
    fn arbitrary_signed_fields_never_panic(
        signature in any::<String>(),
        timestamp in any::<String>(),
        content in any::<String>(),
    ) {
        let body = to_query_string([
            ("signature", signature.as_str()),
            ("timestamp", timestamp.as_str()),
            ("content", content.as_str()),
        ]);
        prop_assert!(verify_body(&CallbackVerifier::new(KEY), &body, NOW).is_err());
    }

    #[test]
    fn the_fuzz_entry_point_never_panics(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        fuzzing::fuzz_callback(&data);
    }
}

/// The integer codes of the company-auth callback read as the documented variants and give
/// the same code back; any other code is kept as `Other`.
#[test]
fn company_auth_codes_round_trip() {
    let statuses = [
        (0, CompanyAuthStatus::InProgress),
        (1, CompanyAuthStatus::Success),
        (2, CompanyAuthStatus::Failed),
        (3, CompanyAuthStatus::Other(3)),
        (-1, CompanyAuthStatus::Other(-1)),
    ];
    for (code, status) in statuses {
        assert_eq!(CompanyAuthStatus::from(code), status);
        assert_eq!(status.code(), code);
    }
    let actions = [
        (0, CompanyAuthAction::BasicInfoSubmitted),
        (1, CompanyAuthAction::BasicInfoApproved),
        (2, CompanyAuthAction::BasicInfoRejected),
        (3, CompanyAuthAction::Other(3)),
        (4, CompanyAuthAction::LetterRejected),
        (7, CompanyAuthAction::Certified),
        (8, CompanyAuthAction::Other(8)),
    ];
    for (code, action) in actions {
        assert_eq!(CompanyAuthAction::from(code), action);
        assert_eq!(action.code(), code);
    }
}
