//! API keys other systems hold: what each opens (Open311 requests, or the
//! telemetry API), how a key reads, and what the admin's list shows of it.

use crate::account::Choice;
use serde::{Deserialize, Serialize};
use translations::{text, StaticText};

/// What a key opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    /// Posting Open311 GeoReport v2 requests (`/open311/v2`).
    Open311,
    /// Sending readings to the telemetry API (`/telemetry/v1`).
    Telemetry,
}

impl KeyScope {
    pub const ALL: [KeyScope; 2] = [Self::Open311, Self::Telemetry];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open311 => "open311",
            Self::Telemetry => "telemetry",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == text.trim())
    }

    /// Keys read as this prefix and 43 random characters, so a key sent to
    /// the wrong API is told apart before any lookup.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Open311 => "hd311_",
            Self::Telemetry => "hdtel_",
        }
    }

    /// Whether `key` could be a key of this scope (its prefix, a sane length).
    pub fn could_be(self, key: &str) -> bool {
        key.starts_with(self.prefix()) && key.len() <= 100
    }
}

/// An API key as the admin's list shows it (the key itself is shown once,
/// when issued, and never kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    pub id: i64,
    pub scope: KeyScope,
    /// Who holds it.
    pub label: String,
    /// The company whose data it may send (telemetry keys of a company's
    /// platform); None for the city's platform and Open311 keys.
    pub company: Option<String>,
    /// Its first characters, to tell keys apart.
    pub hint: String,
    pub issued_by: String,
    pub issued_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The admin's keys page: every key, and the companies a telemetry key
/// may be bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyDirectory {
    pub keys: Vec<ApiKeySummary>,
    pub companies: Vec<Choice>,
}

/// The name an admin gives a key's holder ("12345 政务服务平台").
pub fn check_api_key_label(label: &str) -> Result<String, StaticText> {
    let label = label.trim();
    match label.chars().count() {
        2..=40 => Ok(label.to_string()),
        _ => Err(text::api_key_label_invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_labels_are_names() {
        assert_eq!(check_api_key_label(" 12345 平台 ").unwrap(), "12345 平台");
        assert!(check_api_key_label("x").is_err());
        assert!(check_api_key_label(&"长".repeat(41)).is_err());
    }

    #[test]
    fn scopes_have_their_own_prefix() {
        for scope in KeyScope::ALL {
            assert_eq!(KeyScope::parse(scope.as_str()), Some(scope));
            assert_eq!(scope.prefix().len(), 6);
            let key = format!("{}{}", scope.prefix(), "a".repeat(43));
            assert!(scope.could_be(&key));
            let other = KeyScope::ALL.into_iter().find(|s| *s != scope).unwrap();
            assert!(!other.could_be(&key), "a key opens one API");
        }
        assert!(!KeyScope::Telemetry.could_be(&format!("hdtel_{}", "a".repeat(100))));
        assert_eq!(KeyScope::parse("billing"), None);
    }
}
