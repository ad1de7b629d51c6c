//! A throw-away PKI for the HTTPS sandbox tests (included by `#[path]` in the TLS tests of both
//! frontends): a CA, and leaf certificates it signs for chosen names.
#![allow(dead_code, unreachable_pub)]

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// A CA that signs leaf certificates.
pub struct Ca {
    /// The CA certificate, PEM.
    pub pem: String,
    params: CertificateParams,
    key: KeyPair,
}

/// A leaf certificate and its key, PEM.
pub struct Leaf {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The private key, PEM (PKCS#8).
    pub key_pem: String,
}

impl Ca {
    /// A new self-signed CA.
    pub fn new() -> Self {
        let key = KeyPair::generate().expect("a CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("the CA certificate");
        Self {
            pem: cert.pem(),
            params,
            key,
        }
    }

    /// A leaf certificate for exactly these names (DNS names or IP addresses).
    pub fn leaf(&self, names: &[&str]) -> Leaf {
        let key = KeyPair::generate().expect("a leaf key");
        let params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .expect("leaf params");
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params
            .signed_by(&key, &issuer)
            .expect("the leaf certificate");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A sandbox serving HTTPS with `leaf`.
pub fn https_sandbox(leaf: &Leaf) -> qys_sandbox::Sandbox {
    qys_sandbox::Sandbox::builder()
        .tls(leaf.cert_pem.as_bytes(), leaf.key_pem.as_bytes())
        .start()
        .expect("the HTTPS sandbox starts")
}

/// `https://{host}:{port of the sandbox}`.
pub fn url(host: &str, sandbox: &qys_sandbox::Sandbox) -> String {
    format!("https://{host}:{}", sandbox.local_addr().port())
}
