//! `pg_redirect_qr`: the payment page's URL as a scannable QR code.
//!
//! The documentation says only that `pg_generate_qr=1` adds `pg_redirect_qr`, "a base64 QR
//! image" (docs/protocol.md §2.1; docs.freedompay.kz api-11620900 shows `<pg_redirect_qr>...`).
//! The sandbox sends the standard base64 (padded, no `data:` prefix) of a PNG: a black on
//! white grayscale image, 4 pixels a module and the 4-module quiet zone that scanners need,
//! which a shop shows as `<img src="data:image/png;base64,…">`. Which image format the real
//! gateway draws is not documented [?]: a client should treat the field as an opaque image.

use base64::Engine;
use qrcode::{Color, QrCode};

/// Pixels per module.
const SCALE: usize = 4;
/// Modules of white around the code.
const QUIET: usize = 4;

/// The base64 PNG of a QR code holding `text`, or `None` when it is too long for a QR code
/// (about 2,900 bytes; a payment URL never is).
pub(crate) fn base64_png(text: &str) -> Option<String> {
    let png = png_of(text)?;
    Some(base64::engine::general_purpose::STANDARD.encode(png))
}

/// The PNG bytes of a QR code holding `text`.
pub(crate) fn png_of(text: &str) -> Option<Vec<u8>> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            let row = y * side;
            pixels[row + mx * SCALE..row + (mx + 1) * SCALE].fill(0);
        }
    }
    let side = u32::try_from(side).ok()?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_becomes_a_png_with_a_quiet_zone() {
        let png = png_of("http://127.0.0.1:8080/pay/1000001").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(base64_png("x").unwrap().starts_with("iVBORw0KGgo"));
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert_eq!(base64_png(&"x".repeat(8000)), None);
    }
}
