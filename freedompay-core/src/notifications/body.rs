//! Decoding a callback's request into fields: the query (GET), an urlencoded form, a
//! `pg_xml` field or XML body, or a `multipart/form-data` body.
//!
//! Multipart is parsed by `multer`, driven to completion over the body already in memory (no
//! I/O, no runtime); its types stay inside this module.

use core::convert::Infallible;
use core::fmt;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use freedompay_sign::Fields;

use crate::form::{self, FormError, MAX_FIELDS};

use super::callback::{CallbackError, CallbackForm, CallbackRequest};

/// Why a `multipart/form-data` body could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MultipartError {
    /// The `Content-Type` names `multipart/form-data` without a usable `boundary`.
    Boundary,
    /// The body is not a well-formed multipart body for that boundary (a missing closing
    /// delimiter, a part without headers, a truncated body).
    Malformed,
}

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MultipartError::Boundary => "the Content-Type has no multipart boundary",
            MultipartError::Malformed => "the body is not well-formed multipart/form-data",
        })
    }
}

impl std::error::Error for MultipartError {}

/// The fields of a callback request and the form they came in.
pub(crate) fn decode(
    request: &CallbackRequest<'_>,
) -> Result<(Fields, CallbackForm), CallbackError> {
    let trimmed = request.body.trim_ascii();
    if trimmed.is_empty() {
        let fields = form::decode(request.query.as_bytes()).map_err(CallbackError::Form)?;
        return Ok((fields, CallbackForm::Query));
    }
    let boundary: Option<String> = match request.content_type {
        Some(value) if is_multipart(value) => Some(
            multer::parse_boundary(value)
                .map_err(|_| CallbackError::Multipart(MultipartError::Boundary))?,
        ),
        Some(_) => None,
        None => sniff_boundary(request.body).map(str::to_owned),
    };
    if let Some(boundary) = boundary {
        let fields = multipart(request.body, &boundary)?;
        return Ok((fields, CallbackForm::Multipart));
    }
    if trimmed.first() == Some(&b'<') {
        let document = freedompay_xml::parse(trimmed).map_err(CallbackError::Xml)?;
        return Ok((document.into_fields(), CallbackForm::Xml));
    }
    let fields = form::decode(request.body).map_err(CallbackError::Form)?;
    Ok((fields, CallbackForm::Form))
}

/// Whether a `Content-Type` value names `multipart/form-data`.
fn is_multipart(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("multipart/form-data")
}

/// The boundary of a body that opens with a multipart delimiter line (`--boundary` then a
/// line end; RFC 2046 §5.1.1: 1 to 70 characters), when no `Content-Type` was given.
fn sniff_boundary(body: &[u8]) -> Option<&str> {
    let rest = body.strip_prefix(b"--")?;
    let end = rest.iter().position(|&b| b == b'\r' || b == b'\n')?;
    let boundary = core::str::from_utf8(&rest[..end])
        .ok()?
        .trim_end_matches(' ');
    let allowed = |c: char| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c);
    if !(1..=70).contains(&boundary.len()) || !boundary.chars().all(allowed) {
        return None;
    }
    let closing = [b"--", boundary.as_bytes(), b"--"].concat();
    body.windows(closing.len())
        .any(|w| w == closing.as_slice())
        .then_some(boundary)
}

/// The text fields of a multipart body, in order, as PHP's `$_POST` holds them: parts with a
/// file name are uploads (`$_FILES`), not fields, and parts without a name are skipped.
fn multipart(body: &[u8], boundary: &str) -> Result<Fields, CallbackError> {
    let malformed = || CallbackError::Multipart(MultipartError::Malformed);
    let chunk = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::iter([Ok::<_, Infallible>(chunk)]);
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut pairs = Vec::new();
    while let Some(field) = complete(parts.next_field())
        .ok_or_else(malformed)?
        .map_err(|_| malformed())?
    {
        let name = field.name().map(str::to_owned);
        let upload = field.file_name().is_some();
        let value = complete(field.bytes())
            .ok_or_else(malformed)?
            .map_err(|_| malformed())?;
        let Some(name) = name.filter(|_| !upload) else {
            continue;
        };
        if pairs.len() == MAX_FIELDS {
            return Err(CallbackError::Form(FormError::TooManyFields));
        }
        let value = String::from_utf8(value.to_vec())
            .map_err(|_| CallbackError::Form(FormError::NotUtf8))?;
        pairs.push((name, value));
    }
    form::decode_pairs(pairs).map_err(CallbackError::Form)
}

/// Runs a future whose input is all in memory: it completes without waiting on anything, so a
/// few polls with a waker that does nothing finish it; `None` should it ever wait.
fn complete<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..4 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_body(body: &[u8], content_type: Option<&str>) -> Result<Fields, CallbackError> {
        let mut request = CallbackRequest::new("https://shop.kz/notify", "", body);
        if let Some(value) = content_type {
            request = request.content_type(value);
        }
        let (fields, form) = decode(&request)?;
        assert_eq!(form, CallbackForm::Multipart);
        Ok(fields)
    }

    #[test]
    fn parts_keep_their_order_and_a_parts_own_content_type_is_ignored() {
        // The documentation's sample gives some parts a `type=` (a Content-Type header).
        let body = b"--b1\r\nContent-Disposition: form-data; name=\"pg_order_id\"\r\nContent-Type: * Order ID in the merchant system.\r\n\r\npayout-42\r\n--b1\r\nContent-Disposition: form-data; name=\"pg_payment_id\"\r\n\r\n98728768\r\n--b1\r\nContent-Disposition: form-data; name=\"pg_description\"\r\n\r\nline one\r\nline two\r\n--b1--\r\n";
        for content_type in [Some("multipart/form-data; boundary=b1"), None] {
            let fields = decode_body(body, content_type).unwrap();
            let names: Vec<_> = fields.iter().map(|f| f.name()).collect();
            assert_eq!(names, ["pg_order_id", "pg_payment_id", "pg_description"]);
            assert_eq!(fields.text("pg_order_id"), Some("payout-42"));
            assert_eq!(fields.text("pg_description"), Some("line one\r\nline two"));
        }
    }

    #[test]
    fn brackets_nest_and_uploads_are_not_fields_as_in_php() {
        let body = b"--X\r\nContent-Disposition: form-data; name=\"items[0][name]\"\r\n\r\nCable\r\n--X\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"r.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--X\r\nContent-Disposition: form-data; name=\"pg_salt\"\r\n\r\ns1\r\n--X--\r\n";
        let fields = decode_body(body, Some("Multipart/Form-Data; boundary=\"X\"")).unwrap();
        assert!(!fields.contains("receipt"));
        let items = fields.get("items").and_then(|v| v.as_list()).unwrap();
        assert_eq!(
            items[0].as_map().and_then(|m| m.text("name")),
            Some("Cable")
        );
        assert_eq!(fields.text("pg_salt"), Some("s1"));
    }

    #[test]
    fn a_value_that_is_not_utf8_is_a_form_error() {
        let body = b"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--X--\r\n";
        assert_eq!(
            decode_body(body, None).unwrap_err(),
            CallbackError::Form(FormError::NotUtf8)
        );
    }

    #[test]
    fn an_urlencoded_body_is_not_taken_for_multipart() {
        for body in [&b"--a=1&b=2"[..], b"pg_salt=--X--", b"--\r\n--"] {
            let request = CallbackRequest::new("https://shop.kz/notify", "", body);
            assert_eq!(decode(&request).unwrap().1, CallbackForm::Form, "{body:?}");
        }
        // An explicit urlencoded Content-Type is believed.
        let body = b"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--X--\r\n";
        let request = CallbackRequest::new("https://shop.kz/notify", "", body)
            .content_type("application/x-www-form-urlencoded");
        assert_eq!(decode(&request).unwrap().1, CallbackForm::Form);
    }
}
