//! Replies as the gateway writes them: XML with a `<response>` root, a fresh `pg_salt`, and
//! `pg_sig` over everything with the request's script name and secret; unsigned errors for
//! an unknown merchant.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use freedompay_sign::{Fields, ScriptName, SecretKey, Value};
use hyper::header::{CONTENT_TYPE, HeaderValue};

use crate::app::{App, ReplyNumber};

/// The name of the unknown element some replies carry.
pub(crate) const TRACE_ELEMENT: &str = "pg_sandbox_trace";

/// The content type of every XML reply, byte for byte as the gateway sends it: some clients
/// written against the real gateway compare it literally.
pub(crate) const XML_CONTENT_TYPE: &str = "text/xml; charset=UTF-8";

/// The fields [`signed_xml`] may add to a reply: the unknown element of every n-th reply,
/// `pg_salt` and `pg_sig`. A reply's field list built with this much room beyond its own
/// fields never grows again on its way out.
pub(crate) const SIGNING_ROOM: usize = 3;

/// An empty reply field list with room for `fields` fields and the signing ([`SIGNING_ROOM`]).
pub(crate) fn reply_fields(fields: usize) -> Fields {
    Fields::with_capacity(fields + SIGNING_ROOM)
}

/// What `freedompay_xml::write` puts before the root element.
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// Signs `fields` (any `pg_salt` / `pg_sig` in them is replaced) and writes the document.
/// Every n-th reply gets the unknown element first.
pub(crate) fn signed_xml(
    app: &App,
    script: &ScriptName,
    secret: &SecretKey,
    fields: Fields,
) -> String {
    let ReplyNumber {
        n,
        with_unknown_element: trace,
    } = app.next_reply();
    let mut fields = fields;
    fields.remove("pg_salt");
    fields.remove("pg_sig");
    if trace {
        fields.push(TRACE_ELEMENT, format!("reply-{n}"));
    }
    fields.push_static("pg_salt", app.salt());
    match freedompay_sign::sign(script, &fields, secret) {
        Ok(sig) => match write_flat(&fields, sig.as_str()) {
            Some(xml) => xml,
            None => {
                fields.push_static("pg_sig", sig.as_str());
                freedompay_xml::write(&fields)
                    .unwrap_or_else(|_| unsigned_error(9999, "The reply could not be written"))
            }
        },
        Err(_) => unsigned_error(9999, "The reply could not be signed"),
    }
}

/// The document `freedompay_xml::write` writes for `fields` followed by `pg_sig`, in one pass
/// into a buffer of exactly its size, when the reply is what nearly every reply is: text
/// fields only, with plain names (`pg_status`) and texts that need no escaping and hold only
/// characters XML allows. `None` for anything else, which `freedompay_xml::write` handles.
fn write_flat(fields: &Fields, sig: &str) -> Option<String> {
    const ROOT_TAGS: usize = "<response></response>".len();
    let element = |name: &str, text: &str| 2 * name.len() + "<></>".len() + text.len();
    if !plain_text(sig) {
        return None;
    }
    let mut size = DECLARATION.len() + ROOT_TAGS + element("pg_sig", sig);
    for field in fields {
        let Value::Text(text) = field.value() else {
            return None;
        };
        if !plain_name(field.name()) || !plain_text(text) {
            return None;
        }
        size += element(field.name(), text);
    }
    let mut out = String::with_capacity(size);
    out.push_str(DECLARATION);
    out.push_str("<response>");
    let mut push = |name: &str, text: &str| {
        out.push('<');
        out.push_str(name);
        out.push('>');
        out.push_str(text);
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    };
    for field in fields {
        push(field.name(), field.text().unwrap_or_default());
    }
    push("pg_sig", sig);
    out.push_str("</response>");
    debug_assert_eq!(out.len(), size);
    Some(out)
}

/// A name made of ASCII letters, digits and `_`, not starting with a digit: an XML name.
fn plain_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// A text written as it is: no `&`, `<`, `>` or carriage return (which are escaped), no control
/// character but tab and line feed, and no `EF` byte (U+FFFE and U+FFFF, which XML forbids,
/// start with it; so do other characters of U+F000–U+FFFF, which are simply left to
/// `freedompay_xml::write`). One test per byte without an early exit, so it vectorises.
fn plain_text(text: &str) -> bool {
    !text.bytes().fold(false, |odd, b| {
        odd | matches!(b, b'&' | b'<' | b'>' | 0xef) | ((b < 0x20) & (b != b'\t') & (b != b'\n'))
    })
}

/// `<response><pg_status>error</pg_status><pg_error_code>…` without salt or signature.
pub(crate) fn unsigned_error(code: u32, description: &str) -> String {
    let mut fields = Fields::new();
    fields
        .push_static("pg_status", "error")
        .push_static("pg_error_code", code.to_string())
        .push_static("pg_error_description", description);
    freedompay_xml::write(&fields).unwrap_or_default()
}

/// An XML body with status 200, as the gateway answers even its errors. Built directly, with
/// a static header value: nothing is copied or checked per reply.
pub(crate) fn xml_response(body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(XML_CONTENT_TYPE));
    response
}

/// An HTML page.
pub(crate) fn html_response(body: String) -> Response {
    ([(CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A JSON body (control API).
pub(crate) fn json_response(status: hyper::StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [(CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass writer writes what `freedompay_xml::write` writes, byte for byte, and
    /// leaves every reply it cannot write so to it.
    #[test]
    fn write_flat_matches_freedompay_xml() {
        let texts = [
            "",
            "ok",
            "  spaced\tand\nlined  ",
            "Некорректная подпись запроса",
            "2026-12-02T09:00:00+05:00",
            "a & b",
            "<tag>",
            "x > y",
            "line\r\nbreak",
            "bell\u{7}",
            "\u{fffe}",
            "\u{f000} private use",
            "emoji 🙂",
        ];
        for text in texts {
            for name in ["pg_status", "_x1", "pg:status", "1pg", "pg-status"] {
                let mut fields = reply_fields(2);
                fields
                    .push_static("pg_merchant_id", "545000")
                    .push(name, text);
                let sig = "0123456789abcdef0123456789abcdef";
                let mut signed = fields.clone();
                signed.push_static("pg_sig", sig);
                match write_flat(&fields, sig) {
                    Some(xml) => {
                        let expected = freedompay_xml::write(&signed).ok();
                        assert_eq!(Some(xml), expected, "{name} {text:?}");
                    }
                    None => assert!(
                        !plain_name(name) || !plain_text(text),
                        "{name} {text:?} left to freedompay_xml"
                    ),
                }
            }
        }
        let mut nested = Fields::new();
        nested.push_static("pg_status", "ok");
        let mut fields = Fields::new();
        fields.push_map("pg_card", nested);
        assert_eq!(write_flat(&fields, "sig"), None);
    }
}
