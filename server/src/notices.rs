//! The printable lobby notice of an outage (`/outages/{id}/notice`): one A4
//! page in the heating company's name with a QR code of the outage's page.
//! Plain HTML and print CSS, no script: it prints from any browser, and a
//! grid worker can share its address in the building's chat group.

use app::context::Services;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use domain::print_notice::PrintedNotice;
use domain::xml::xml_escape;
use http::{HeaderMap, StatusCode};
use translations::{text, Lang};

pub async fn outage_notice(
    State(services): State<Services>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = app::session::language_of(&headers);
    let not_found = || (StatusCode::NOT_FOUND, text::outage_not_found(lang)).into_response();
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let page_url = format!("{}/outages/{id}", services.access.public_url);
    match backend::services::public::printed_notice(
        &services.db,
        services.now(),
        id,
        &page_url,
        lang,
    )
    .await
    {
        Ok(Some((words, qr))) => Html(document(&words, &qr, &page_url, lang)).into_response(),
        Ok(None) => not_found(),
        Err(error) => crate::backend_answer::plain_answer(&error, "outage notice", lang),
    }
}

/// The notice as one HTML document; every text is escaped, the QR code is
/// the SVG the qrcode crate wrote (its XML declaration dropped).
fn document(words: &PrintedNotice, qr_svg: &str, page_url: &str, lang: Lang) -> String {
    let e = xml_escape;
    let svg = qr_svg.find("<svg").map_or(qr_svg, |at| &qr_svg[at..]);
    let areas: String = words
        .areas
        .iter()
        .map(|area| format!("<li>{}</li>", e(area)))
        .collect();
    let facts: String = words
        .facts
        .iter()
        .map(|(label, value)| format!("<dt>{}</dt><dd>{}</dd>", e(label), e(value)))
        .collect();
    let short_notice = words
        .short_notice
        .as_deref()
        .map(|reason| format!("<p class=\"notice__short\">{}</p>", e(reason)))
        .unwrap_or_default();
    let ended = words
        .ended
        .as_deref()
        .map(|ended| format!("<p class=\"notice__ended\">{}</p>", e(ended)))
        .unwrap_or_default();
    let html_lang = if lang == Lang::En { "en" } else { "zh-CN" };
    format!(
        "<!DOCTYPE html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{heading}</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/notice.css\"></head>\
         <body><p class=\"screen-only\">{hint} <a href=\"{url}\">{url}</a></p>\
         <article class=\"notice\"><h1>{heading}</h1>{ended}\
         <p>{greeting}</p><p class=\"notice__body\">{body}</p>{short_notice}\
         <ul class=\"notice__areas\">{areas}</ul><dl class=\"notice__facts\">{facts}</dl>\
         <figure class=\"notice__qr\">{svg}<figcaption>{qr_hint}</figcaption></figure>\
         <p class=\"notice__signed\">{signed}<br>{dated}</p></article></body></html>",
        heading = e(&words.heading),
        hint = e(text::print_notice_page_hint(lang)),
        url = e(page_url),
        greeting = e(&words.greeting),
        body = e(&words.body),
        qr_hint = e(&words.qr_hint),
        signed = e(&words.signed),
        dated = e(&words.dated),
    )
}
