//! The 12345 hotline platform: request signatures both ways, and the client
//! that posts an order's news (sign-for, progress, extension, return, reply)
//! to the platform's callback URL.
//!
//! A signature is HMAC-SHA256, hex, over `"{timestamp}\n{body}"` with the
//! shared secret; the timestamp (Unix seconds) and signature travel in the
//! `X-Hotline-Timestamp` and `X-Hotline-Signature` headers.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::sms::{describe_error, http_client, read_body, SendFailure};

pub const TIMESTAMP_HEADER: &str = "x-hotline-timestamp";
pub const SIGNATURE_HEADER: &str = "x-hotline-signature";
/// How long one callback may take, connection included.
pub const HOTLINE_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The hex HMAC-SHA256 of `"{timestamp}\n{body}"`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b"\n");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `signature` (hex) signs `timestamp` and `body`, compared in
/// constant time.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], signature: &str) -> bool {
    let Ok(given) = hex::decode(signature.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b"\n");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// The shared secret and where the platform takes our news.
#[derive(Clone)]
pub struct HotlineSettings {
    pub secret: String,
    /// Without it, news is kept in the outbox and given up as undeliverable.
    pub callback_url: Option<String>,
    pub timeout: Duration,
}

/// Never prints the secret.
impl fmt::Debug for HotlineSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HotlineSettings")
            .field("secret", &"<redacted>")
            .field("callback_url", &self.callback_url)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Posts signed news to the platform.
#[derive(Clone, Debug)]
pub struct HotlineCallbacks {
    settings: HotlineSettings,
    client: reqwest::Client,
}

impl HotlineCallbacks {
    pub fn new(settings: HotlineSettings) -> Result<Self, String> {
        if settings.secret.len() < 16 {
            return Err("the shared secret needs at least 16 characters".to_string());
        }
        if let Some(url) = &settings.callback_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err("the callback URL must start with https:// or http://".to_string());
            }
        }
        let client = http_client(settings.timeout)?;
        Ok(Self { settings, client })
    }

    pub fn secret(&self) -> &str {
        &self.settings.secret
    }

    /// Sends one piece of news (a JSON body). 2xx: taken. 4xx other than
    /// 408/429: refused for good. Anything else: try again later.
    pub async fn post(&self, body: &str, now: i64) -> Result<(), SendFailure> {
        let Some(url) = &self.settings.callback_url else {
            return Err(SendFailure::Refused {
                code: "not-configured".to_string(),
                message: "HEATDESK_HOTLINE_CALLBACK_URL is not set".to_string(),
            });
        };
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(
                SIGNATURE_HEADER,
                sign(&self.settings.secret, now, body.as_bytes()),
            )
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| SendFailure::Unavailable(describe_error(e)))?;
        let status = response.status();
        let answer = read_body(response).await.unwrap_or_default();
        let answer: String = answer.chars().take(200).collect();
        if status.is_success() {
            Ok(())
        } else if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(SendFailure::Refused {
                code: status.as_u16().to_string(),
                message: answer,
            })
        } else {
            Err(SendFailure::Unavailable(format!("HTTP {status}: {answer}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        let secret = "a-shared-secret-of-the-platform";
        let body = br#"{"order_id":"A1"}"#;
        let signature = sign(secret, 1_700_000_000, body);
        assert_eq!(signature.len(), 64);
        assert!(verify(secret, 1_700_000_000, body, &signature));
        assert!(!verify(secret, 1_700_000_001, body, &signature));
        assert!(!verify(
            secret,
            1_700_000_000,
            br#"{"order_id":"A2"}"#,
            &signature
        ));
        assert!(!verify(
            "another-secret-entirely",
            1_700_000_000,
            body,
            &signature
        ));
        assert!(!verify(secret, 1_700_000_000, body, "not hex"));
        // Known answer: HMAC-SHA256("key", "1\nbody"), computed with Python's hmac.
        assert_eq!(
            sign("key", 1, b"body"),
            "0e06bcf4fc8003b1b2e7c640606ff14a7d23ca65e2dc118808734ddb00852b46"
        );
    }

    #[test]
    fn settings_are_checked_and_the_secret_never_printed() {
        let settings = HotlineSettings {
            secret: "s3cret-s3cret-s3cret".to_string(),
            callback_url: Some("ftp://x".to_string()),
            timeout: HOTLINE_DEFAULT_TIMEOUT,
        };
        assert!(HotlineCallbacks::new(settings.clone()).is_err());
        let short = HotlineSettings {
            secret: "short".to_string(),
            ..settings.clone()
        };
        assert!(HotlineCallbacks::new(short).is_err());
        assert!(!format!("{settings:?}").contains("s3cret"));
    }
}
