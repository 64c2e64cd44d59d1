//! Replies as the gateway writes them: XML with a `<response>` root, a fresh `pg_salt`, and
//! `pg_sig` over everything with the request's script name and secret; unsigned errors for
//! an unknown merchant.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use freedompay_sign::{Fields, ScriptName, SecretKey};
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
    // Nearly every reply has neither: one scan finds that out, instead of one per name.
    if fields
        .iter()
        .any(|f| matches!(f.name(), "pg_salt" | "pg_sig"))
    {
        fields.remove("pg_salt");
        fields.remove("pg_sig");
    }
    if trace {
        fields.push_static(TRACE_ELEMENT, format!("reply-{n}"));
    }
    fields.push_static("pg_salt", app.salt());
    match freedompay_sign::sign(script, &fields, secret) {
        Ok(sig) => {
            fields.push_static("pg_sig", sig.as_str());
            freedompay_xml::write(&fields)
                .unwrap_or_else(|_| unsigned_error(9999, "The reply could not be written"))
        }
        Err(_) => unsigned_error(9999, "The reply could not be signed"),
    }
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
