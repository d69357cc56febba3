//! Open311 GeoReport v2 over HTTP: the public catalogue (discovery,
//! services, services/{code}), requests posted with an API key, the public
//! list of requests and one request, and tokens, each as `.json` or `.xml`,
//! with the spec's error lists. The rules are `domain::open311`'s, the use
//! cases `backend::services::open311`'s.

use app::context::{ClientAddr, Services};
use app::session::request_origin;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use backend::services::open311::{self as service, Open311Refusal};
use backend::BackendError;
use domain::open311::{
    definition, definition_xml, discovery, discovery_xml, errors_xml, posted_xml, requests_xml,
    services, services_xml, tokens_xml, Format, Open311Error,
};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Serialize;
use translations::Lang;

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

/// The spec's error list, in the asked format.
fn error(format: Format, error: Open311Error) -> Response {
    let status = StatusCode::from_u16(error.code).unwrap_or(StatusCode::BAD_REQUEST);
    let errors = vec![error];
    let xml = errors_xml(&errors);
    document(format, status, &errors, xml)
}

fn not_found(format: Format, what: &str) -> Response {
    error(format, Open311Error::new(404, what))
}

/// The 404 (in JSON) for a path with neither `.json` nor `.xml`.
fn unknown_format() -> Response {
    error(
        Format::Json,
        Open311Error::new(
            404,
            "unknown document; use .json or .xml 请以 .json 或 .xml 结尾",
        ),
    )
}

fn refusal(format: Format, refusal: Open311Refusal) -> Response {
    match refusal {
        Open311Refusal::Invalid(e) => error(format, e),
        Open311Refusal::Backend(e) => backend_error(format, e),
    }
}

fn backend_error(format: Format, e: BackendError) -> Response {
    let message = if e.is_server_fault() {
        tracing::error!(error = %e.log_detail(), "open311 request failed");
        format!("try again later: {}", e.public_message(Lang::Zh))
    } else {
        e.public_message(Lang::Zh).into_owned()
    };
    error(format, Open311Error::new(e.status(), message))
}

/// The query string's pairs (an unreadable one is 400).
fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, Open311Error> {
    serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|_| Open311Error::new(400, "the query string cannot be read 查询参数无法解析"))
}

/// GET /open311/v2/{discovery,services,requests}.{format}
pub async fn catalogue(
    State(shared): State<Services>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((stem, format)) = Format::split(&file) else {
        return unknown_format();
    };
    match stem {
        "discovery" => {
            let base = format!(
                "{}/open311/v2",
                shared.access.public_url.trim_end_matches('/')
            );
            let discovery = discovery(&base, "12345 潍坊市供热服务");
            let xml = discovery_xml(&discovery);
            document(format, StatusCode::OK, &discovery, xml)
        }
        "services" => {
            let catalogue = services();
            let xml = services_xml(&catalogue);
            document(format, StatusCode::OK, &catalogue, xml)
        }
        "requests" => {
            let fields = match query_pairs(query.as_deref()) {
                Ok(fields) => fields,
                Err(e) => return error(format, e),
            };
            match service::find(&shared.db, &fields, shared.now()).await {
                Ok(requests) => {
                    let xml = requests_xml(&requests);
                    document(format, StatusCode::OK, &requests, xml)
                }
                Err(e) => refusal(format, e),
            }
        }
        _ => not_found(format, "unknown document"),
    }
}

/// GET /open311/v2/services/{service_code}.{format}
pub async fn service_definition(Path(file): Path<String>) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return unknown_format();
    };
    match definition(code) {
        Some(definition) => {
            let xml = definition_xml(&definition);
            document(format, StatusCode::OK, &definition, xml)
        }
        None => not_found(format, &format!("service_code {code} is not provided")),
    }
}

/// GET /open311/v2/requests/{service_request_id}.{format}
pub async fn one_request(State(shared): State<Services>, Path(file): Path<String>) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return unknown_format();
    };
    match service::one(&shared.db, id).await {
        Ok(Some(request)) => {
            let requests = vec![request];
            let xml = requests_xml(&requests);
            document(format, StatusCode::OK, &requests, xml)
        }
        Ok(None) => not_found(
            format,
            &format!("service_request_id {id} not found 无此请求"),
        ),
        Err(e) => backend_error(format, e),
    }
}

/// GET /open311/v2/tokens/{token}.{format}
pub async fn token(State(shared): State<Services>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return unknown_format();
    };
    match service::by_token(&shared.db, token).await {
        Ok(Some(answer)) => {
            let answers = vec![answer];
            let xml = tokens_xml(&answers);
            document(format, StatusCode::OK, &answers, xml)
        }
        Ok(None) => not_found(format, &format!("token {token} not found 无此 token")),
        Err(e) => backend_error(format, e),
    }
}

/// POST /open311/v2/requests.{format}: a form (application/x-www-form-
/// urlencoded) with the api_key (in the form or the query string); 201
/// with the request's id, or the spec's 400, 403 or 404.
pub async fn post_request(
    State(shared): State<Services>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    client_addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let format = match Format::split(&file) {
        Some(("requests", format)) => format,
        Some((_, format)) => return not_found(format, "unknown document"),
        None => return unknown_format(),
    };
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return error(
            format,
            Open311Error::new(
                415,
                "send application/x-www-form-urlencoded 请以表单格式提交",
            ),
        );
    }
    let fields: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(fields) => fields,
        Err(_) => {
            return error(
                format,
                Open311Error::new(400, "the form cannot be read 表单无法解析"),
            )
        }
    };
    let query = match query_pairs(query.as_deref()) {
        Ok(query) => query,
        Err(e) => return error(format, e),
    };
    let api_key = fields
        .iter()
        .chain(query.iter())
        .find(|(name, _)| name == "api_key")
        .map(|(_, key)| key.trim().to_string())
        .unwrap_or_default();
    let now = shared.now();
    let client = match service::client(&shared.db, &api_key, now).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            return error(
                format,
                Open311Error::new(403, "api_key: missing, unknown or revoked 密钥无效"),
            )
        }
        Err(e) => return backend_error(format, e),
    };
    let origin = request_origin(&headers, client_addr.map(|Extension(a)| a.0), now);
    match service::submit(&shared.db, &shared.settings, &client, &fields, &origin).await {
        Ok(answer) => {
            let answers = vec![answer];
            let xml = posted_xml(&answers);
            document(format, StatusCode::CREATED, &answers, xml)
        }
        Err(e) => refusal(format, e),
    }
}
