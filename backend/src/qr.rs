//! QR codes as SVG: an authenticator app's enrolment, a lobby notice's link.

/// A QR code of `text` as an SVG document, black on white, scaled by the page.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_becomes_an_svg_code() {
        let svg = super::qr_svg("https://heat.example.cn/outages/42").unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("<path"));
    }
}
