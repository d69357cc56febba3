//! Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): the service
//! catalogue heatdesk offers, the requests other systems post and read, and
//! their documents in JSON and XML. Rules only; the HTTP side is the
//! server's.

mod catalogue;
mod requests;
mod xml;

pub use catalogue::{
    case_kind, definition, definition_xml, discovery, discovery_xml, service_code, services,
    services_xml, Attribute, AttributeValue, Discovery, Endpoint, Service, ServiceDefinition,
    REPAIR, RESUME, SUSPEND, TEMPERATURE,
};
pub use requests::{
    parse_post, parse_query, parse_w3c, posted_xml, requests_xml, tokens_xml, w3c, PostedAnswer,
    PostedDetails, PostedRequest, PublicFacts, RequestStatus, RequestsQuery, ServiceRequest,
    TokenAnswer, DEFAULT_WINDOW_DAYS, MAX_REQUESTS, MAX_WINDOW_DAYS,
};
pub use xml::{errors_xml, xml_escape};

use serde::{Deserialize, Serialize};

/// The two formats the spec defines, chosen by the path's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// "services.json" → ("services", Json); no or another extension: None.
    pub fn split(file: &str) -> Option<(&str, Self)> {
        let (stem, extension) = file.rsplit_once('.')?;
        let format = match extension {
            "json" => Self::Json,
            "xml" => Self::Xml,
            _ => return None,
        };
        Some((stem, format))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// An error as the spec writes it: the HTTP status as `code`, and what is
/// wrong (English first for other systems' logs, then Chinese).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

impl Open311Error {
    pub fn new(code: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }

    /// 400, naming the parameter.
    pub fn bad(parameter: &str, what: &str) -> Self {
        Self::new(400, format!("{parameter}: {what}"))
    }
}

/// The spec this implements, and when the catalogue last changed.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
pub const CHANGESET: &str = "2026-11-29T00:00:00+08:00";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            Format::split("heating-repair.xml"),
            Some(("heating-repair", Format::Xml))
        );
        assert_eq!(Format::split("services"), None);
        assert_eq!(Format::split("services.html"), None);
    }
}
