//! Signing: known-answer vectors from `testdata/signing/cases.json`, and proptest properties
//! over the public strategies (`qys_proto::strategies`) and properties
//! (`qys_proto::properties`) that users run on their own signers.

use http::request::Parts;
use proptest::prelude::*;
use qys_proto::properties;
use qys_proto::strategies::{self, signing_case, signing_params, tamper};
use qys_proto::{Credentials, Nonce, Scheme, Signer, SigningParams, headers, signature};
use serde_json::Value;

fn head(method: &str, uri: &str) -> Parts {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json;charset=UTF-8")
        .header("x-custom", "keep me")
        .body(())
        .unwrap()
        .into_parts()
        .0
}

fn credentials(v: &Value) -> Option<Credentials> {
    v.as_object()
        .map(|o| Credentials::new(o["token"].as_str().unwrap(), o["secret"].as_str().unwrap()))
}

#[test]
fn known_answer_vectors() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("../testdata/signing/cases.json")).unwrap();
    assert!(cases.len() >= 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let app = credentials(&case["app"]);
        let agent = credentials(&case["agent"]);
        let mut signer = match (app, agent.clone()) {
            (Some(app), _) => Signer::new(app),
            (None, Some(agent)) => Signer::agent(agent),
            (None, None) => unreachable!("{name}: no credentials"),
        };
        if let (Some(agent), true) = (agent, signer.app().is_some()) {
            signer = signer.with_agent(agent);
        }
        if case["scheme"] == "legacy" {
            signer = signer.with_scheme(Scheme::Legacy);
        }
        let params = SigningParams::new(
            case["timestamp_ms"].as_u64().unwrap(),
            Nonce::new(case["nonce"].as_str().unwrap()).unwrap(),
        );
        let path = case["path"].as_str().unwrap();
        let mut parts = head("POST", &format!("https://openapi.qiyuesuo.cn{path}"));
        signer.sign(&mut parts, path, &params).unwrap();

        let expect = case["expect"].as_object().unwrap();
        let got: Vec<(String, String)> = parts
            .headers
            .iter()
            .filter(|(k, _)| k.as_str().starts_with("x-qys-open-"))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        assert_eq!(got.len(), expect.len(), "{name}: {got:?}");
        for (k, v) in expect {
            assert_eq!(
                parts.headers.get(k).map(|h| h.to_str().unwrap()),
                v.as_str(),
                "{name}: header {k}"
            );
        }
        for sensitive in [
            headers::SIGNATURE,
            headers::ACCESS_TOKEN,
            headers::AGENT_SIGNATURE,
        ] {
            if let Some(h) = parts.headers.get(sensitive) {
                assert!(h.is_sensitive(), "{name}: {sensitive} must be sensitive");
            }
        }
        assert_eq!(parts.headers["x-custom"], "keep me", "{name}");
    }
}

/// An independent MD5 (RFC 1321, written from the RFC for this test) as the oracle.
fn reference_md5(input: &[u8]) -> String {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4294967296.0) as u32)
        .collect();
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) =
        (0x67452301u32, 0xefcdab89u32, 0x98badcfeu32, 0x10325476u32);
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    [a0, b0, c0, d0]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_oracle_itself_is_right() {
    assert_eq!(reference_md5(b""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(
        reference_md5(b"The quick brown fox jumps over the lazy dog"),
        "9e107d9d372bb6826bd81d3542a419d6"
    );
}

proptest! {
    /// Oracle equivalence and format: md5(token‖secret‖ts‖nonce), 32 lowercase hex digits,
    /// for ASCII and non-ASCII secrets and tokens with separators.
    #[test]
    fn signature_matches_the_oracle(creds in strategies::credentials(), params in signing_params()) {
        let (token, secret, ts, nonce) = (creds.token(), creds.secret().expose(), params.timestamp_ms(), params.nonce());
        let hex = signature(&creds, ts, Some(nonce)).to_hex();
        prop_assert_eq!(&hex, &reference_md5(format!("{token}{secret}{ts}{nonce}").as_bytes()));
        prop_assert!(hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        let legacy = signature(&creds, ts, None).to_hex();
        prop_assert_eq!(legacy, reference_md5(format!("{token}{secret}{ts}").as_bytes()));
    }

    /// Changing the secret, the timestamp or the nonce changes the signature.
    #[test]
    fn every_input_matters(creds in strategies::credentials(), params in signing_params()) {
        let (ts, n) = (params.timestamp_ms(), params.nonce());
        let base = signature(&creds, ts, Some(n));
        let other_secret = Credentials::new(creds.token(), format!("{}x", creds.secret().expose()));
        prop_assert_ne!(base, signature(&other_secret, ts, Some(n)));
        prop_assert_ne!(base, signature(&creds, ts.wrapping_add(1), Some(n)));
        let longer = Nonce::new(format!("{}x", &n.as_str()[..n.as_str().len().min(127)])).unwrap();
        prop_assert_ne!(base, signature(&creds, ts, Some(&longer)));
    }

    /// qys's signer passes the public properties: its requests verify, every tampered byte of
    /// a signed header is refused, and the same inputs sign to the same bytes.
    #[test]
    fn the_signer_passes_the_public_properties(case in signing_case(), tamper in tamper()) {
        let signer = case.signer();
        let verified = properties::signed_request_verifies(&case, &signer)?;
        prop_assert_eq!(verified.timestamp_ms(), case.params().timestamp_ms());
        properties::tampering_is_rejected(&case, &signer, &tamper)?;
        properties::signing_is_deterministic(&case, &signer)?;
    }

    /// Signing never panics; it fails exactly when the token is not a header value, and then
    /// leaves the head untouched; it only ever changes x-qys-open-* headers; signing twice leaves
    /// one of each header; Debug of the signed head never shows the secret or the signature.
    #[test]
    fn commit_boundary_and_redaction(token in prop_oneof![strategies::token(), any::<String>()], secret in "[a-zA-Z0-9]{12,40}", params in signing_params(), path in "/(v2|saas/v2)/[a-z]{1,10}") {
        let creds = Credentials::new(token.clone(), secret.clone());
        let signer = Signer::new(creds.clone()).with_agent(creds.clone());
        let ts = params.timestamp_ms();
        let mut parts = head("GET", "https://openapi.qiyuesuo.cn/v2/a?x=1");
        let before = format!("{:?} {:?} {:?}", parts.method, parts.uri, parts.headers);
        let token_ok = !token.is_empty() && http::HeaderValue::from_str(&token).is_ok();
        match signer.sign(&mut parts, &path, &params) {
            Ok(()) => {
                prop_assert!(token_ok);
                prop_assert_eq!(&parts.method, &http::Method::GET);
                prop_assert_eq!(parts.uri.to_string(), "https://openapi.qiyuesuo.cn/v2/a?x=1");
                prop_assert_eq!(&parts.headers["x-custom"], "keep me");
                signer.sign(&mut parts, &path, &params).unwrap();
                for (name, _) in parts.headers.iter() {
                    prop_assert_eq!(parts.headers.get_all(name).iter().count(), 1);
                }
                let shown = format!("{:?}", parts.headers);
                let sig = signature(&creds, ts, Some(params.nonce())).to_hex();
                prop_assert!(!shown.contains(&sig));
                prop_assert!(!shown.contains(&secret));
                let shown_creds = format!("{:?} {:?}", creds, signer);
                prop_assert!(!shown_creds.contains(&secret));
            }
            Err(_) => {
                prop_assert!(!token_ok);
                prop_assert_eq!(before, format!("{:?} {:?} {:?}", parts.method, parts.uri, parts.headers));
            }
        }
    }
}
