//! Photos and documents: checked by content, decoded, turned upright,
//! scaled down and re-encoded as JPEG (which drops EXIF, GPS included), then
//! written under the upload directory and read back only by those who may
//! read the case.

use crate::db::Database;
use crate::error::{BackendError, BackendResult};
use crate::services::identity::Viewer;
use crate::store::attachments::{self, NewAttachment};
use domain::limits::DECODING_WORKERS;
use domain::uploads::{
    check_canvas, check_upload, display_name, AttachmentPurpose, ImageKind, UploadRefusal,
    MAX_DECODED_BYTES, MAX_FILES_PER_FORM, STORED_LONG_SIDE,
};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use translations::text;

/// A file as a form sent it.
#[derive(Clone, Debug)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A photo ready to store: re-encoded, without metadata.
#[derive(Clone, Debug)]
pub struct PreparedImage {
    pub jpeg: Vec<u8>,
    pub sha256: String,
}

/// The content type of every stored image.
pub const STORED_CONTENT_TYPE: &str = "image/jpeg";

fn format_of(kind: ImageKind) -> ImageFormat {
    match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::WebP => ImageFormat::WebP,
    }
}

/// Checks one upload without decoding it: size, content, and the canvas
/// its header declares.
pub fn inspect(upload: &Upload) -> Result<ImageKind, UploadRefusal> {
    let kind = check_upload(&upload.name, &upload.bytes)?;
    let unreadable = || UploadRefusal::Unreadable(display_name(&upload.name));
    let decoder = ImageReader::with_format(Cursor::new(&upload.bytes), format_of(kind))
        .into_decoder()
        .map_err(|_| unreadable())?;
    let (width, height) = decoder.dimensions();
    check_canvas(
        &upload.name,
        width,
        height,
        decoder.color_type().bytes_per_pixel().into(),
    )?;
    Ok(kind)
}

/// Checks, decodes and re-encodes one upload.
pub fn prepare(upload: &Upload) -> Result<PreparedImage, UploadRefusal> {
    let kind = inspect(upload)?;
    let unreadable = || UploadRefusal::Unreadable(display_name(&upload.name));
    let mut reader = ImageReader::with_format(Cursor::new(&upload.bytes), format_of(kind));
    let mut limits = image::Limits::default();
    // The canvas is checked; this bounds what the decoder allocates besides.
    limits.max_alloc = Some(MAX_DECODED_BYTES + 32 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > STORED_LONG_SIDE {
        // The integer thumbnail filter: a filtered resize keeps a float copy
        // of the whole photo (another 80 MB for 24 MP) while it works.
        picture = picture.thumbnail(STORED_LONG_SIDE, STORED_LONG_SIDE);
    }
    let mut jpeg = Vec::new();
    // 16-bit and alpha channels end here: JPEG takes 8-bit RGB.
    JpegEncoder::new_with_quality(&mut jpeg, 82)
        .encode_image(&picture.to_rgb8())
        .map_err(|_| unreadable())?;
    let sha256 = hex::encode(Sha256::digest(&jpeg));
    Ok(PreparedImage { jpeg, sha256 })
}

/// Prepares every upload of a form: all of them are checked (size,
/// content, canvas) before any is decoded; then each is decoded off the
/// async threads, [`DECODING_WORKERS`] at a time in the whole process. The
/// first refusal when one is not acceptable.
pub async fn prepare_all(uploads: Vec<Upload>) -> BackendResult<Vec<PreparedImage>> {
    static TURNS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let uploads: Vec<Upload> = uploads
        .into_iter()
        .filter(|u| !u.bytes.is_empty())
        .collect();
    if uploads.len() > MAX_FILES_PER_FORM {
        return Err(BackendError::invalid(&UploadRefusal::TooMany));
    }
    for upload in &uploads {
        inspect(upload).map_err(|e| BackendError::invalid(&e))?;
    }
    let turns = TURNS.get_or_init(|| tokio::sync::Semaphore::new(DECODING_WORKERS));
    let mut prepared = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let _turn = turns
            .acquire()
            .await
            .map_err(|e| BackendError::Internal(e.to_string()))?;
        let image = tokio::task::spawn_blocking(move || prepare(&upload))
            .await
            .map_err(|e| BackendError::Internal(format!("image preparation stopped: {e}")))?
            .map_err(|e| BackendError::invalid(&e))?;
        prepared.push(image);
    }
    Ok(prepared)
}

/// Writes prepared images for one timeline entry and records them, inside
/// the transaction that creates the entry. A file written for a transaction
/// that then fails is left behind unreferenced, never the other way round.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    tx: &mut Transaction<'_, Any>,
    upload_dir: &Path,
    case_id: i64,
    event_id: i64,
    uploaded_by: Option<i64>,
    purpose: AttachmentPurpose,
    images: &[PreparedImage],
    now: i64,
) -> BackendResult<()> {
    for (index, image) in images.iter().enumerate() {
        let key = format!("{case_id}/{event_id}-{index}-{}.jpg", &image.sha256[..16]);
        write_file(&upload_dir.join(&key), &image.jpeg)
            .await
            .map_err(|e| match BackendError::from(e) {
                BackendError::Storage(e) => {
                    BackendError::Storage(format!("writing upload {key}: {e}"))
                }
                e => BackendError::Internal(format!("writing upload {key}: {e:?}")),
            })?;
        attachments::insert(
            tx,
            &NewAttachment {
                case_id,
                event_id,
                uploaded_by,
                purpose: purpose.as_str(),
                content_type: STORED_CONTENT_TYPE,
                byte_size: image.jpeg.len() as i64,
                sha256: &image.sha256,
                storage_key: &key,
                now,
            },
        )
        .await?;
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
async fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let partial: PathBuf = path.with_extension("partial");
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, path).await
}

/// An attachment's bytes and content type, if the viewer may read its case.
pub async fn read(
    db: &Database,
    upload_dir: &Path,
    viewer: &Viewer,
    attachment_id: i64,
) -> BackendResult<(String, Vec<u8>)> {
    let (content_type, key) =
        attachments::visible_file(db.reader(), viewer.person_id, attachment_id)
            .await?
            .ok_or(BackendError::NotFound(text::attachment_not_found))?;
    if key.contains("..") || key.starts_with('/') {
        return Err(BackendError::Internal(format!("bad storage key {key}")));
    }
    let bytes = tokio::fs::read(upload_dir.join(&key))
        .await
        .map_err(|e| BackendError::Internal(format!("reading upload {key}: {e}")))?;
    Ok((content_type, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = DynamicImage::new_rgb8(width, height);
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn images_are_re_encoded_as_small_jpegs() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let upload = Upload {
                name: "温度计".into(),
                bytes: sample(format, 3200, 1000),
            };
            let prepared = prepare(&upload).unwrap();
            assert_eq!(ImageKind::sniff(&prepared.jpeg), Some(ImageKind::Jpeg));
            let back = image::load_from_memory(&prepared.jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (1600, 500), "{format:?}");
        }
    }

    #[test]
    fn exif_does_not_survive() {
        // A JPEG with an APP1 Exif segment carrying a GPS tag marker.
        let plain = sample(ImageFormat::Jpeg, 40, 30);
        let mut tagged = plain[..2].to_vec();
        let exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude31.2304";
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(exif);
        tagged.extend_from_slice(&plain[2..]);
        let prepared = prepare(&Upload {
            name: "gps.jpg".into(),
            bytes: tagged.clone(),
        })
        .unwrap();
        let contains =
            |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
        assert!(contains(&tagged, b"GPSLatitude"));
        assert!(!contains(&prepared.jpeg, b"Exif"));
        assert!(!contains(&prepared.jpeg, b"GPSLatitude"));
    }

    #[test]
    fn huge_canvases_are_refused_from_their_header() {
        // A 6001 × 4000 PNG: refused before a pixel is decoded.
        let big = Upload {
            name: "big.png".into(),
            bytes: sample(ImageFormat::Png, 6001, 4000),
        };
        assert!(matches!(
            inspect(&big),
            Err(UploadRefusal::TooManyPixels(_))
        ));
        // 16-bit RGB, converted to an ordinary JPEG.
        let deep = DynamicImage::new_rgb16(300, 200);
        let mut bytes = Vec::new();
        deep.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        let prepared = prepare(&Upload {
            name: "deep.png".into(),
            bytes,
        })
        .unwrap();
        let back = image::load_from_memory(&prepared.jpeg).unwrap();
        assert_eq!(back.color(), image::ColorType::Rgb8);
    }

    #[test]
    fn disguised_and_broken_files_are_refused() {
        let script = Upload {
            name: "photo.jpg".into(),
            bytes: b"#!/bin/sh\nrm -rf /\n".to_vec(),
        };
        assert!(matches!(
            prepare(&script),
            Err(UploadRefusal::NotAnImage(_))
        ));
        let mut truncated = sample(ImageFormat::Png, 50, 50);
        truncated.truncate(40);
        let broken = Upload {
            name: "broken.png".into(),
            bytes: truncated,
        };
        assert!(matches!(
            prepare(&broken),
            Err(UploadRefusal::Unreadable(_))
        ));
    }
}
