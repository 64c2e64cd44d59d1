//! Replies as the gateway writes them: XML with a `<response>` root, a fresh `pg_salt`, and
//! `pg_sig` over everything with the request's script name and secret; unsigned errors for
//! an unknown merchant.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use freedompay_sign::{Fields, Level, Node, SALT_FIELD, SIG_FIELD, ScriptName, SecretKey};
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

use crate::app::{App, ReplyNumber};
use crate::money::push_minor;

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
    let number = app.next_reply();
    signed_xml_with(script, secret, fields, number, app.salt())
}

/// [`signed_xml`] with this reply number and salt.
fn signed_xml_with(
    script: &ScriptName,
    secret: &SecretKey,
    fields: Fields,
    number: ReplyNumber,
    salt: String,
) -> String {
    let ReplyNumber {
        n,
        with_unknown_element: trace,
    } = number;
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
    fields.push_static("pg_salt", salt);
    match freedompay_sign::sign(script, &fields, secret) {
        Ok(sig) => {
            fields.push_static("pg_sig", sig.as_str());
            freedompay_xml::write(&fields)
                .unwrap_or_else(|_| unsigned_error(9999, "The reply could not be written"))
        }
        Err(_) => unsigned_error(9999, "The reply could not be signed"),
    }
}

/// The most fields a [`Reply`] holds, without the signing's ([`SIGNING_ROOM`]).
const REPLY_ROOM: usize = 13;

/// A flat reply without a [`Fields`] tree, for the busiest endpoints: the names are static,
/// the values are written once, one after the other, into one buffer. [`signed_reply`] signs
/// ([`freedompay_sign::sign_tree`]) and writes ([`freedompay_xml::write_tree`]) it where it
/// is, with the bytes [`signed_xml`] gives for the same fields.
///
/// It holds up to [`REPLY_ROOM`] fields; one more is not kept, and the reply is then answered
/// as a reply that could not be written (a bug: every reply made this way has a known number
/// of fields). Its `Debug` shows the names only: a value may be a card's masked number.
pub(crate) struct Reply {
    /// Every value, one after the other.
    values: String,
    /// Each field's name and the place of its value in `values`.
    fields: [(&'static str, u32, u32); REPLY_ROOM],
    len: usize,
    /// Whether a field did not fit.
    overflow: bool,
}

impl Reply {
    /// An empty reply with room for `bytes` bytes of values.
    pub(crate) fn new(bytes: usize) -> Reply {
        Reply {
            values: String::with_capacity(bytes),
            fields: [("", 0, 0); REPLY_ROOM],
            len: 0,
            overflow: false,
        }
    }

    /// Appends field `name` whose value `write` appends to the values.
    #[inline]
    pub(crate) fn push_with(
        &mut self,
        name: &'static str,
        write: impl FnOnce(&mut String),
    ) -> &mut Reply {
        let start = self.values.len();
        write(&mut self.values);
        let end = self.values.len();
        match (
            self.fields.get_mut(self.len),
            u32::try_from(start),
            u32::try_from(end),
        ) {
            (Some(field), Ok(start), Ok(end)) => {
                *field = (name, start, end);
                self.len += 1;
            }
            _ => {
                self.values.truncate(start);
                self.overflow = true;
            }
        }
        self
    }

    /// Appends a text field.
    pub(crate) fn text(&mut self, name: &'static str, text: &str) -> &mut Reply {
        self.push_with(name, |out| out.push_str(text))
    }

    /// Appends an integer field, in decimal (as `to_string` writes it).
    pub(crate) fn decimal(&mut self, name: &'static str, n: impl itoa::Integer) -> &mut Reply {
        self.push_with(name, |out| out.push_str(itoa::Buffer::new().format(n)))
    }

    /// Appends an amount in minor units, with two fraction digits
    /// ([`format_minor`](crate::money::format_minor)).
    pub(crate) fn money(&mut self, name: &'static str, minor: i64) -> &mut Reply {
        self.push_with(name, |out| push_minor(out, minor))
    }

    /// The fields, in order.
    fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.fields[..self.len.min(REPLY_ROOM)]
            .iter()
            .map(|&(name, start, end)| {
                let value = self.values.get(start as usize..end as usize);
                (name, value.unwrap_or_default())
            })
    }

    /// The same reply as a tree (what the idempotency store keeps).
    pub(crate) fn to_fields(&self) -> Fields {
        let mut fields = reply_fields(self.len);
        for (name, value) in self.iter() {
            fields.push_static(name, value);
        }
        fields
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: a value may be a card's masked number.
        f.debug_list()
            .entries(self.iter().map(|(name, _)| name))
            .finish()
    }
}

/// A reply's fields and its signing's as pairs of slices, for signing and writing: each name
/// and value found by an index, without a look at where it is kept.
#[derive(Clone, Copy)]
struct Pairs<'a>(&'a [(&'static str, &'a str)]);

impl<'a> Level<'a> for Pairs<'a> {
    #[inline]
    fn len(self) -> usize {
        self.0.len()
    }

    #[inline]
    fn name(self, index: usize) -> &'a str {
        self.0[index].0
    }

    #[inline]
    fn value(self, index: usize) -> Node<'a, Self> {
        Node::Text(self.0[index].1)
    }
}

/// [`signed_xml`] for a [`Reply`]: the same document for the same fields (any `pg_salt` /
/// `pg_sig` replaced, the unknown element of every n-th reply, a fresh salt, the signature),
/// written without a tree.
pub(crate) fn signed_reply(
    app: &App,
    script: &ScriptName,
    secret: &SecretKey,
    reply: Reply,
) -> String {
    let number = app.next_reply();
    let salt = app.salt_bytes();
    // Only characters of the salt's alphabet, all ASCII: never refused.
    let salt = std::str::from_utf8(&salt).unwrap_or_default();
    signed_reply_with(script, secret, &reply, number, salt)
}

/// [`signed_reply`] with this reply number and salt.
fn signed_reply_with(
    script: &ScriptName,
    secret: &SecretKey,
    reply: &Reply,
    number: ReplyNumber,
    salt: &str,
) -> String {
    if reply.overflow {
        // A field was not kept: never answer a reply without it.
        return unsigned_error(9999, "The reply could not be written");
    }
    let ReplyNumber {
        n,
        with_unknown_element: trace,
    } = number;
    let mut trace_text = [0u8; 32];
    let mut pairs = [("", ""); REPLY_ROOM + SIGNING_ROOM];
    let mut len = 0;
    let mut push = |pair| {
        // Never more than the reply's fields and the signing's.
        if let Some(slot) = pairs.get_mut(len) {
            *slot = pair;
            len += 1;
        }
    };
    // A reply never carries a caller's salt or signature.
    for (name, value) in reply.iter() {
        if !matches!(name, SALT_FIELD | SIG_FIELD) {
            push((name, value));
        }
    }
    if trace {
        push((TRACE_ELEMENT, trace_of(n, &mut trace_text)));
    }
    push((SALT_FIELD, salt));
    let signed = len;
    match freedompay_sign::sign_tree(script, Pairs(&pairs[..signed]), secret) {
        Ok(sig) => {
            // At most the reply's fields, the unknown element and the salt so far: room left.
            pairs[signed] = (SIG_FIELD, sig.as_str());
            freedompay_xml::write_tree(Pairs(&pairs[..=signed]))
                .unwrap_or_else(|_| unsigned_error(9999, "The reply could not be written"))
        }
        Err(_) => unsigned_error(9999, "The reply could not be signed"),
    }
}

/// `reply-N`, written into `out`.
fn trace_of(n: u64, out: &mut [u8; 32]) -> &str {
    const PREFIX: &[u8] = b"reply-";
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n).as_bytes();
    let len = PREFIX.len() + digits.len();
    out[..PREFIX.len()].copy_from_slice(PREFIX);
    out[PREFIX.len()..len].copy_from_slice(digits);
    // ASCII only: never refused.
    std::str::from_utf8(&out[..len]).unwrap_or_default()
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
    // A map of room for its one header, not the default eight.
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(XML_CONTENT_TYPE));
    *response.headers_mut() = headers;
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

    const SALT: &str = "Kq3PzT0mYb8xWc1N";

    fn keys() -> (ScriptName, SecretKey) {
        (
            ScriptName::new("p2p2nonreg").unwrap(),
            SecretKey::new("TESTSECRET").unwrap(),
        )
    }

    /// What `signed_reply` and `signed_xml` write for the same fields, numbered `n` (the
    /// unknown element when `trace`), with the same salt.
    fn both(reply: impl Fn() -> Reply, n: u64, trace: bool) -> (String, String) {
        let (script, secret) = keys();
        let number = ReplyNumber {
            n,
            with_unknown_element: trace,
        };
        let fields = reply().to_fields();
        let tree = signed_xml_with(&script, &secret, fields, number, SALT.to_owned());
        let flat = signed_reply_with(&script, &secret, &reply(), number, SALT);
        (flat, tree)
    }

    /// A payout's reply, its error text with characters to escape.
    fn payout() -> Reply {
        let mut r = Reply::new(8);
        r.decimal("pg_payment_id", 1_000_017_i64)
            .text("pg_merchant_id", "545000")
            .text("pg_status", "error")
            .text("pg_order_id", "order-7")
            .money("pg_balance", -123_456)
            .text("pg_card_hash", "4405-63XX-XXXX-5096")
            .text("pg_card_token", "")
            .money("pg_payment_amount", 2_500)
            .text("pg_reference", "012345678901")
            .text("pg_payment_date", "2024-09-02 12:19:01")
            .text("pg_datetime", "2024-09-02T12:19:01+05:00")
            .decimal("pg_error_code", 9100_u32)
            .text(
                "pg_error_description",
                "Недостаточно <средств> & \"так\"\r\n",
            );
        r
    }

    #[test]
    fn a_reply_is_written_as_its_tree_is() {
        let balance = || {
            let mut r = Reply::new(0);
            r.money("pg_balance", 100_000_000).text("pg_status", "ok");
            r
        };
        let salted = || {
            let mut r = balance();
            r.text("pg_sig", "forged")
                .text("pg_salt", "theirs")
                .text("pg_x", "1");
            r
        };
        for (reply, name) in [
            (&payout as &dyn Fn() -> Reply, "payout"),
            (&balance, "balance"),
            (&salted, "salted"),
            (&|| Reply::new(0), "empty"),
        ] {
            for (n, trace) in [(1, false), (6, true), (u64::MAX, true)] {
                let (flat, tree) = both(reply, n, trace);
                assert_eq!(flat, tree, "{name} {n}");
                assert!(
                    flat.contains(&format!("<pg_salt>{SALT}</pg_salt><pg_sig>")),
                    "{flat}"
                );
                assert!(
                    !flat.contains("forged") && !flat.contains("theirs"),
                    "{flat}"
                );
                assert_eq!(
                    flat.contains(&format!("<pg_sandbox_trace>reply-{n}<")),
                    trace
                );
            }
        }
        // A text XML cannot carry: what `signed_xml` answers.
        let unwritable = || {
            let mut r = Reply::new(0);
            r.text("pg_status", "ok").text("pg_order_id", "a\u{1}b");
            r
        };
        let (flat, tree) = both(unwritable, 3, true);
        assert_eq!(flat, tree);
        assert_eq!(flat, unsigned_error(9999, "The reply could not be written"));

        let (flat, _) = both(payout, 1, false);
        assert!(flat.contains("<pg_balance>-1234.56</pg_balance>"), "{flat}");
        assert!(
            flat.contains("&lt;средств&gt; &amp; \"так\"&#13;\n<"),
            "{flat}"
        );
    }

    #[test]
    fn a_reply_too_long_is_refused_not_cut() {
        let long = || {
            let mut r = Reply::new(0);
            for _ in 0..=REPLY_ROOM {
                r.text("pg_x", "1");
            }
            r
        };
        let (flat, _) = both(long, 1, false);
        assert_eq!(flat, unsigned_error(9999, "The reply could not be written"));
        let fits = || {
            let mut r = Reply::new(0);
            for _ in 0..REPLY_ROOM {
                r.text("pg_x", "1");
            }
            r
        };
        let (flat, tree) = both(fits, 3, true);
        assert_eq!(flat, tree);
        assert!(flat.contains("<pg_sig>"));
    }

    #[test]
    fn a_reply_shows_its_names_only() {
        let shown = format!("{:?}", payout());
        assert!(shown.contains("pg_card_hash"), "{shown}");
        assert!(
            !shown.contains("4405") && !shown.contains("545000"),
            "{shown}"
        );
        let fields = payout().to_fields();
        assert_eq!(fields.text("pg_card_hash"), Some("4405-63XX-XXXX-5096"));
        assert_eq!(fields.len(), 13);
    }
}
