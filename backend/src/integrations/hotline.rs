//! The 12345 hotline platform: request signatures both ways, and the client
//! that posts an order's news (sign-for, progress, extension, return, reply)
//! to the platform's callback URL.
//!
//! A signature is HMAC-SHA256, hex, over
//! `"{METHOD}\n{path}\n{timestamp}\n{body}"` with the shared secret (the
//! path with its query, as the request line has it), so a signature for one
//! order cannot be replayed on another; the timestamp (Unix seconds) and
//! signature travel in the `X-Hotline-Timestamp` and `X-Hotline-Signature`
//! headers. A receiver accepts a signature once while it is fresh.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::sms::{describe_error, http_client, read_body, SendFailure};

pub const TIMESTAMP_HEADER: &str = "x-hotline-timestamp";
pub const SIGNATURE_HEADER: &str = "x-hotline-signature";
/// How long one callback may take, connection included.
pub const HOTLINE_DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a signature covers: the request's method, its path (with the
/// query, if any), the timestamp and the body.
#[derive(Clone, Copy, Debug)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub timestamp: i64,
    pub body: &'a [u8],
}

impl SignedRequest<'_> {
    fn mac(&self, secret: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(self.method.to_ascii_uppercase().as_bytes());
        mac.update(b"\n");
        mac.update(self.path.as_bytes());
        mac.update(b"\n");
        mac.update(self.timestamp.to_string().as_bytes());
        mac.update(b"\n");
        mac.update(self.body);
        mac
    }

    /// The hex HMAC-SHA256 of `"{METHOD}\n{path}\n{timestamp}\n{body}"`.
    pub fn sign(&self, secret: &str) -> String {
        hex::encode(self.mac(secret).finalize().into_bytes())
    }

    /// Whether `signature` (hex) signs this request, compared in constant time.
    pub fn verify(&self, secret: &str, signature: &str) -> bool {
        let Ok(given) = hex::decode(signature.trim()) else {
            return false;
        };
        self.mac(secret).verify_slice(&given).is_ok()
    }
}

/// The path (and query) of a URL, as a request to it names it: what a
/// signature of a request to that URL covers.
pub fn request_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(slash) => rest[slash..].split('#').next().unwrap_or("/").to_string(),
        None => "/".to_string(),
    }
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
                SignedRequest {
                    method: "POST",
                    path: &request_path(url),
                    timestamp: now,
                    body: body.as_bytes(),
                }
                .sign(&self.settings.secret),
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

    const KNOWN_ANSWER: &str = "842f34e8086bb9c5db1e5c7bd9acdc5d6a55ca1273d053beb4e2be6bd088ca32";

    #[test]
    fn signatures_cover_method_path_timestamp_and_body() {
        let secret = "a-shared-secret-of-the-platform";
        let request = SignedRequest {
            method: "POST",
            path: "/hotline/v1/orders/A1/satisfaction",
            timestamp: 1_700_000_000,
            body: br#"{"satisfied":false}"#,
        };
        let signature = request.sign(secret);
        assert_eq!(signature.len(), 64);
        assert!(request.verify(secret, &signature));
        assert!(SignedRequest {
            method: "post",
            ..request
        }
        .verify(secret, &signature));
        for other in [
            SignedRequest {
                path: "/hotline/v1/orders/A2/satisfaction",
                ..request
            },
            SignedRequest {
                method: "PUT",
                ..request
            },
            SignedRequest {
                timestamp: 1_700_000_001,
                ..request
            },
            SignedRequest {
                body: br#"{"satisfied":true}"#,
                ..request
            },
        ] {
            assert!(!other.verify(secret, &signature), "{other:?}");
        }
        assert!(!request.verify("another-secret-entirely", &signature));
        assert!(!request.verify(secret, "not hex"));
        // Known answer: HMAC-SHA256("key", "POST\n/p\n1\nbody"), computed
        // with Python's hmac.
        assert_eq!(
            SignedRequest {
                method: "POST",
                path: "/p",
                timestamp: 1,
                body: b"body"
            }
            .sign("key"),
            KNOWN_ANSWER
        );
    }

    #[test]
    fn a_callback_url_is_signed_by_its_path_and_query() {
        assert_eq!(
            request_path("https://12345.example.cn/cb/heat?x=1"),
            "/cb/heat?x=1"
        );
        assert_eq!(request_path("http://127.0.0.1:9/"), "/");
        assert_eq!(request_path("http://127.0.0.1:9"), "/");
        assert_eq!(request_path("https://h/p#frag"), "/p");
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
