//! Time-based one-time codes (RFC 6238) through `totp-rs`, the secret's
//! `otpauth://` address for authenticator apps, and its QR code as SVG.
//! The rules (digits, step, skew, who needs it) are `domain::second_factor`'s.

use domain::second_factor::{TOTP_DIGITS, TOTP_SKEW_STEPS, TOTP_STEP_SECONDS};
use rand::rngs::OsRng;
use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Bytes of a new secret: 160 bits, as RFC 4226 recommends for HMAC-SHA1.
const SECRET_BYTES: usize = 20;

/// A fresh secret, as base32 (what authenticator apps take typed in).
pub fn new_secret() -> String {
    let mut bytes = vec![0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

fn totp(secret_base32: &str, digits: u8, account: Option<(&str, &str)>) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    let mut builder = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(TOTP_SKEW_STEPS)
        .with_step_duration(TOTP_STEP_SECONDS)
        .with_secret(secret);
    if let Some((issuer, account)) = account {
        builder = builder.with_issuer(Some(issuer)).with_account_name(account);
    }
    builder.build().ok()
}

/// The code for `time` (Unix seconds), with `digits` digits.
pub fn code_at(secret_base32: &str, time: u64, digits: u8) -> Option<String> {
    Some(
        totp(secret_base32, digits, None)?
            .generate(time)
            .to_string(),
    )
}

/// The time step `code` belongs to, if it is the code of a step within the
/// skew of `time`: the step is what makes each code usable once.
pub fn matching_step(secret_base32: &str, code: &str, time: u64) -> Option<u64> {
    totp(secret_base32, TOTP_DIGITS, None)?.check(code, time)
}

/// The `otpauth://totp/…` address an authenticator app scans.
pub fn otpauth_url(secret_base32: &str, issuer: &str, account: &str) -> Option<String> {
    totp(secret_base32, TOTP_DIGITS, Some((issuer, account)))?
        .to_url()
        .ok()
}

/// A QR code of `text` as an SVG document (see [`crate::qr`]).
pub fn qr_svg(text: &str) -> Option<String> {
    crate::qr::qr_svg(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc_6238_test_vectors() {
        // Appendix B, SHA-1, eight digits.
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, time, 8).as_deref(),
                Some(code),
                "{time}"
            );
            // Six digits are the same code's last six.
            assert_eq!(
                code_at(RFC_SECRET, time, 6).as_deref(),
                Some(&code[2..]),
                "{time}"
            );
        }
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours() {
        let time = 1_111_111_111;
        let code = code_at(RFC_SECRET, time, 6).unwrap();
        let step = time / TOTP_STEP_SECONDS;
        assert_eq!(matching_step(RFC_SECRET, &code, time), Some(step));
        assert_eq!(matching_step(RFC_SECRET, &code, time + 30), Some(step));
        assert_eq!(matching_step(RFC_SECRET, &code, time + 90), None);
        assert_eq!(matching_step(RFC_SECRET, "000000", time), None);
        assert_eq!(matching_step("not base32!", &code, time), None);
    }

    #[test]
    fn secrets_addresses_and_qr_codes() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
        let url = otpauth_url(&secret, "heatdesk", "dispatch_demo").unwrap();
        assert!(
            url.starts_with("otpauth://totp/heatdesk:dispatch_demo?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
