//! RSA keys as providers hand them out (PEM with or without its armour,
//! PKCS#8 or PKCS#1, lines of any length), and SHA256withRSA (PKCS#1 v1.5)
//! signatures in Base64, which both WeChat Pay API v3 and Alipay's RSA2 use.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
pub use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;

/// The DER inside a PEM text, or the text itself when it is bare Base64
/// (Alipay's console shows keys without the `-----BEGIN` lines).
fn der_of(text: &str) -> Result<Vec<u8>, String> {
    // "-----BEGIN X-----body-----END X-----", on one line or many: the
    // parts between the dashes that are not armour make the body.
    let body: String = text
        .split("-----")
        .filter(|part| !part.starts_with("BEGIN ") && !part.starts_with("END "))
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect();
    BASE64
        .decode(body.as_bytes())
        .map_err(|_| "the key is not PEM or Base64".to_string())
}

/// A private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA
/// PRIVATE KEY`).
pub fn private_key(text: &str) -> Result<RsaPrivateKey, String> {
    let der = der_of(text)?;
    RsaPrivateKey::from_pkcs8_der(&der)
        .or_else(|_| RsaPrivateKey::from_pkcs1_der(&der))
        .map_err(|_| "the private key is neither PKCS#8 nor PKCS#1 RSA".to_string())
}

/// A public key: SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`) or PKCS#1.
pub fn public_key(text: &str) -> Result<RsaPublicKey, String> {
    let der = der_of(text)?;
    RsaPublicKey::from_public_key_der(&der)
        .or_else(|_| RsaPublicKey::from_pkcs1_der(&der))
        .map_err(|_| "the public key is neither SPKI nor PKCS#1 RSA".to_string())
}

/// SHA256withRSA over `message`, Base64. Blinded (a random factor per
/// signature), so the time it takes tells nothing of the key; PKCS#1 v1.5
/// signatures are deterministic all the same.
pub fn sign(key: &RsaPrivateKey, message: &[u8]) -> String {
    let signer = SigningKey::<Sha256>::new(key.clone());
    let signature = signer.sign_with_rng(&mut rand::thread_rng(), message);
    BASE64.encode(signature.to_bytes())
}

/// Whether `signature` (Base64) is SHA256withRSA over `message` by `key`.
pub fn verify(key: &RsaPublicKey, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = BASE64.decode(signature.trim().as_bytes()) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(bytes.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(message, &signature)
        .is_ok()
}

#[cfg(test)]
pub(crate) mod fixtures {
    pub const WECHATPAY_GO_MERCHANT_KEY: &str =
        include_str!("../../../tests/fixtures/payments/wechatpay-go-merchant-key.pem");
    pub const WECHATPAY_GO_PLATFORM_PUBLIC_KEY: &str =
        include_str!("../../../tests/fixtures/payments/wechatpay-go-platform-public-key.pem");
    pub const ALIPAY_SDK_APP_PRIVATE_KEY: &str =
        include_str!("../../../tests/fixtures/payments/alipay-sdk-app-private-key.pem");
    pub const ALIPAY_SDK_APP_PUBLIC_KEY: &str =
        include_str!("../../../tests/fixtures/payments/alipay-sdk-app-public-key.pem");
    pub const AES256GCM_VECTOR: &str =
        include_str!("../../../tests/fixtures/payments/aes256gcm-vector.json");
    pub const ALIPAY_RSA2_VECTOR: &str =
        include_str!("../../../tests/fixtures/payments/alipay-rsa2-vector.json");
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    /// wechatpay-go's `TestSha256WithRSASigner_Sign`: the signature of
    /// "source" with its test key.
    #[test]
    fn signs_as_the_wechat_pay_sdk_expects() {
        let key = private_key(WECHATPAY_GO_MERCHANT_KEY).unwrap();
        let expected = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6\
pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOh\
uH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwf\
LpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";
        assert_eq!(sign(&key, b"source"), expected);
        let public = public_key(WECHATPAY_GO_PLATFORM_PUBLIC_KEY).unwrap();
        assert!(verify(&public, b"source", expected));
        assert!(!verify(&public, b"sourcE", expected));
        assert!(!verify(&public, b"source", "not base64!"));
    }

    /// The Alipay SDK's app key is PKCS#1 on a single line; its public key
    /// likewise. A signature made by Python's `cryptography` matches ours.
    #[test]
    fn reads_one_line_pkcs1_keys_and_matches_an_independent_signer() {
        let key = private_key(ALIPAY_SDK_APP_PRIVATE_KEY).unwrap();
        let public = public_key(ALIPAY_SDK_APP_PUBLIC_KEY).unwrap();
        let vector: serde_json::Value = serde_json::from_str(ALIPAY_RSA2_VECTOR).unwrap();
        let content = vector["content"].as_str().unwrap();
        let expected = vector["sign"].as_str().unwrap();
        assert_eq!(sign(&key, content.as_bytes()), expected);
        assert!(verify(&public, content.as_bytes(), expected));
        // Bare Base64, as Alipay's console shows a key.
        let bare: String = ALIPAY_SDK_APP_PUBLIC_KEY
            .split("-----")
            .map(str::trim)
            .find(|part| part.starts_with("MII"))
            .unwrap()
            .to_string();
        assert_eq!(public_key(&bare).unwrap(), public);
        assert!(private_key("not a key").is_err());
        assert!(public_key(WECHATPAY_GO_MERCHANT_KEY).is_err());
    }
}
