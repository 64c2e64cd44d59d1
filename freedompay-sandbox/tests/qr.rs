//! `pg_redirect_qr` is a real QR code: a base64 PNG that a scanner reads back to the payment
//! page's URL.

mod support;

use base64::Engine;
use support::{config, start, text};

/// Decodes a base64 PNG and reads the QR code in it.
fn read_qr(base64_png: &str) -> String {
    let png = base64::engine::general_purpose::STANDARD
        .decode(base64_png)
        .expect("pg_redirect_qr is standard base64");
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("a readable QR code").1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_redirect_qr_reads_back_to_the_redirect_url() {
    let env = start(config()).await;
    let api = &env.api;
    for path in ["/init_payment.php", "/g2g/any_amount"] {
        let reply = api
            .call(
                path,
                &[
                    ("pg_amount", "150"),
                    ("pg_description", "QR"),
                    ("pg_amount_interval_from", "100"),
                    ("pg_amount_interval_to", "500"),
                    ("pg_generate_qr", "1"),
                ],
            )
            .await;
        let url = text(&reply, "pg_redirect_url");
        assert_eq!(read_qr(text(&reply, "pg_redirect_qr")), url, "{path}");
    }
    let reply = api
        .call(
            "/init_payment.php",
            &[("pg_amount", "150"), ("pg_description", "no QR")],
        )
        .await;
    assert_eq!(reply.text("pg_redirect_qr"), None);
}
