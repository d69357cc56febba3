//! Open311 GeoReport v2, its public catalogue: GET discovery, services and
//! services/{code}, each as `.json` or `.xml`, with the spec's errors.

use app::portal::Portal;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::open311::{
    definition, definition_xml, discovery, discovery_xml, errors_xml, services, services_xml,
    Format, Open311Error,
};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

fn document(format: Format, status: StatusCode, json: &impl Serialize, xml: String) -> Response {
    let body = match format {
        Format::Json => serde_json::to_string(json).unwrap_or_else(|_| "[]".to_string()),
        Format::Xml => xml,
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

/// The spec's error list, in the asked format (JSON when it is unreadable).
fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let errors = vec![Open311Error {
        code: status.as_u16(),
        description: description.to_string(),
    }];
    let xml = errors_xml(&errors);
    document(format, status, &errors, xml)
}

/// GET /open311/v2/discovery.{format} and /open311/v2/services.{format}
pub async fn catalogue(State(portal): State<Portal>, Path(file): Path<String>) -> Response {
    let Some((stem, format)) = Format::split(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "unknown document; use .json or .xml",
        );
    };
    match stem {
        "discovery" => {
            let base = format!(
                "{}/open311/v2",
                portal.access.public_url.trim_end_matches('/')
            );
            let discovery = discovery(&base, "12345 潍坊市供热服务");
            let xml = discovery_xml(&discovery);
            document(format, StatusCode::OK, &discovery, xml)
        }
        "services" => {
            let services = services();
            let xml = services_xml(&services);
            document(format, StatusCode::OK, &services, xml)
        }
        _ => error(format, StatusCode::NOT_FOUND, "unknown document"),
    }
}

/// GET /open311/v2/services/{service_code}.{format}
pub async fn service_definition(Path(file): Path<String>) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "unknown document; use .json or .xml",
        );
    };
    match definition(code) {
        Some(definition) => {
            let xml = definition_xml(&definition);
            document(format, StatusCode::OK, &definition, xml)
        }
        None => error(
            format,
            StatusCode::NOT_FOUND,
            &format!("service_code {code} is not provided"),
        ),
    }
}
