//! Photos residents and crews attach (a thermometer, a leak, a repaired
//! valve) and application documents: what is accepted, judged by content.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize};

/// The largest file accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The most files one form may carry.
pub const MAX_FILES_PER_FORM: usize = 6;
/// Images larger than this many pixels are refused before they are decoded
/// (a small file can still claim a huge canvas). A phone's main camera
/// takes 12 MP, some 48 MP binned to 12; 24 MP leaves room for both.
pub const MAX_PIXELS: u64 = 24_000_000;
/// The most memory one decoded image may take: 24 MP at 8 bits for each
/// of four channels. A 16-bit image is decoded (and converted) only when it
/// fits this too; larger ones are refused.
pub const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;
/// Stored photos are scaled down to this many pixels on the long side.
pub const STORED_LONG_SIDE: u32 = 1600;

/// The image formats accepted, known by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImageKind {
    Jpeg,
    Png,
    WebP,
}

impl ImageKind {
    /// What the bytes are, whatever the file's name or declared type says.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::WebP)
        } else {
            None
        }
    }
}

/// Why a file was refused, in words for the person who chose it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadRefusal {
    TooLarge(String),
    NotAnImage(String),
    Unreadable(String),
    TooMany,
    TooManyPixels(String),
}

impl Localize for UploadRefusal {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::TooLarge(file) => text::upload_too_large(lang, file).into(),
            Self::NotAnImage(file) => text::upload_not_an_image(lang, file).into(),
            Self::Unreadable(file) => text::upload_unreadable(lang, file).into(),
            Self::TooMany => text::upload_too_many(lang).into(),
            Self::TooManyPixels(file) => text::upload_too_many_pixels(lang, file).into(),
        }
    }
}

translations::localized_error!(UploadRefusal);

/// Checks an image's canvas, read from its header before anything is
/// decoded: `width × height` within [`MAX_PIXELS`], and its decoded bytes
/// (`bytes_per_pixel`, 8 for 16-bit RGBA) within [`MAX_DECODED_BYTES`].
pub fn check_canvas(
    name: &str,
    width: u32,
    height: u32,
    bytes_per_pixel: u16,
) -> Result<(), UploadRefusal> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(UploadRefusal::Unreadable(display_name(name)));
    }
    if pixels > MAX_PIXELS || pixels * u64::from(bytes_per_pixel) > MAX_DECODED_BYTES {
        return Err(UploadRefusal::TooManyPixels(display_name(name)));
    }
    Ok(())
}

/// Checks one file before it is decoded: size, then content.
pub fn check_upload(name: &str, bytes: &[u8]) -> Result<ImageKind, UploadRefusal> {
    let name = display_name(name);
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadRefusal::TooLarge(name));
    }
    ImageKind::sniff(bytes).ok_or(UploadRefusal::NotAnImage(name))
}

/// A file name fit to show back: its last path part, at most 40 characters,
/// without control characters.
pub fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(40).collect();
    if clean.is_empty() {
        "照片".to_string()
    } else {
        clean
    }
}

/// What an attachment is for, on a case page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentPurpose {
    /// A photo of the thermometer, the fault or the repair.
    Photo,
    /// A document an application needs.
    Document,
}

impl AttachmentPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Document => "document",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Photo, Self::Document]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

/// An attachment as a case page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLink {
    pub id: i64,
    pub purpose: AttachmentPurpose,
    pub uploaded_at: i64,
}

impl AttachmentLink {
    pub fn href(&self) -> String {
        format!("/attachments/{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            check_upload("a.jpg", b"\xFF\xD8\xFF\xE0rest"),
            Ok(ImageKind::Jpeg)
        );
        assert_eq!(
            check_upload("a.txt", b"\x89PNG\r\n\x1a\nrest"),
            Ok(ImageKind::Png)
        );
        assert_eq!(
            check_upload("x", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Ok(ImageKind::WebP)
        );
        assert_eq!(
            check_upload("photo.jpg", b"<?php echo 1; ?>"),
            Err(UploadRefusal::NotAnImage("photo.jpg".into()))
        );
        assert_eq!(
            check_upload("RIFF.webp", b"RIFF\x10\x00\x00\x00AVI "),
            Err(UploadRefusal::NotAnImage("RIFF.webp".into()))
        );
    }

    #[test]
    fn size_is_checked_first() {
        let big = vec![0xFFu8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(
            check_upload("big.jpg", &big),
            Err(UploadRefusal::TooLarge("big.jpg".into()))
        );
        let limit = {
            let mut bytes = vec![0u8; MAX_UPLOAD_BYTES];
            bytes[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
            bytes
        };
        assert!(check_upload("ok.jpg", &limit).is_ok());
    }

    #[test]
    fn canvases_are_judged_before_decoding() {
        assert_eq!(check_canvas("a.jpg", 4000, 3000, 3), Ok(()));
        assert_eq!(check_canvas("a.png", 6000, 4000, 4), Ok(()));
        assert_eq!(
            check_canvas("a.png", 6000, 4001, 3),
            Err(UploadRefusal::TooManyPixels("a.png".into()))
        );
        // 16-bit: converted when it fits the memory of an 8-bit canvas.
        assert_eq!(check_canvas("deep.png", 4000, 3000, 6), Ok(()));
        assert_eq!(
            check_canvas("deep.png", 6000, 4000, 8),
            Err(UploadRefusal::TooManyPixels("deep.png".into()))
        );
        assert_eq!(
            check_canvas("empty.png", 0, 10, 3),
            Err(UploadRefusal::Unreadable("empty.png".into()))
        );
    }

    #[test]
    fn names_are_shown_safely() {
        assert_eq!(display_name("C:\\Users\\wang\\温度计.jpg"), "温度计.jpg");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("\u{7}"), "照片");
        assert_eq!(display_name(&"长".repeat(60)).chars().count(), 40);
    }
}
