//! `multipart/form-data` bodies, read with `multer`: each part's `name` and text, in order.
//! File parts (with a `filename`) are left out, as PHP puts them in `$_FILES`, not among the
//! signed fields. What the names mean (PHP's brackets) is `php.rs`'s business.

use std::convert::Infallible;

use bytes::Bytes;

/// Why a multipart body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MultipartError {
    /// The content type has no usable `boundary`.
    NoBoundary,
    /// The body does not follow the multipart syntax.
    Malformed,
}

/// The `(name, value)` pairs of the form fields of a body sent with `content_type`. Values
/// that are not UTF-8 are replaced (the signature then fails, as it would for a client that
/// sent them).
pub(crate) async fn parse_multipart(
    content_type: &str,
    body: Bytes,
) -> Result<Vec<(String, String)>, MultipartError> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| MultipartError::NoBoundary)?;
    let stream = futures_util::stream::once(std::future::ready(Ok::<_, Infallible>(body)));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| MultipartError::Malformed)?
    {
        let name = field.name().map(str::to_owned);
        let is_file = field.file_name().is_some();
        let content = field.bytes().await.map_err(|_| MultipartError::Malformed)?;
        if let Some(name) = name
            && !is_file
        {
            pairs.push((name, String::from_utf8_lossy(&content).into_owned()));
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        content_type: &str,
        body: &'static [u8],
    ) -> Result<Vec<(String, String)>, MultipartError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(parse_multipart(content_type, Bytes::from_static(body)))
    }

    #[test]
    fn reads_fields_and_skips_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"pg_amount\"\r\n\r\n10\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"a[0][b]\"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nfile\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--XyZ--\r\n";
        let pairs = parse("multipart/form-data; boundary=\"XyZ\"", body).unwrap();
        assert_eq!(
            pairs,
            [
                ("pg_amount".into(), "10".into()),
                ("a[0][b]".into(), "line1\r\nline2".into()),
                ("empty".into(), String::new()),
            ]
        );
        assert_eq!(
            parse("multipart/form-data; boundary=XyZ", b"--XyZ\r\nno end"),
            Err(MultipartError::Malformed)
        );
        assert_eq!(
            parse("multipart/form-data", b""),
            Err(MultipartError::NoBoundary)
        );
    }
}
