//! Which part of an HTTP request carries the message, and the message tree it holds.

use bytes::Bytes;
use freedompay_sign::{Fields, Value};

#[cfg(test)]
use super::form::parse_flat;
use super::form::{FLAT_MOST, FlatForm, known_place, parse_flat_form, parse_urlencoded};
use super::multipart::parse_multipart;
use super::php::PhpArray;

/// The most form fields read from one request (PHP's `max_input_vars` is 1,000; the gateway's
/// setting is not known, so the sandbox is generous).
const MAX_PAIRS: usize = 10_000;

/// Why a request's message could not be read. The merchant is then unknown, so the reply is
/// an unsigned error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WireError {
    /// A `multipart/form-data` body that does not parse.
    Multipart,
    /// A `pg_xml` field that is not an acceptable XML document.
    Xml,
    /// More than [`MAX_PAIRS`] fields.
    TooManyFields,
}

impl WireError {
    /// A short English explanation for the error reply.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            WireError::Multipart => "the multipart/form-data body could not be parsed",
            WireError::Xml => "pg_xml is not a well-formed XML document",
            WireError::TooManyFields => "too many fields",
        }
    }
}

/// [`request_message`] as a tree.
#[cfg(test)]
pub(crate) async fn request_fields(
    method: &str,
    query: Option<&str>,
    content_type: Option<&str>,
    body: &Bytes,
) -> Result<Fields, WireError> {
    request_message(method, query, content_type, body)
        .await
        .map(Message::into_fields)
}

/// A request's message (see [`request_message`]): a flat form (nearly every request) kept as
/// it was read, its values borrowed, or else the tree.
pub(crate) enum Message<'a> {
    /// A form of plain, distinct names ([`parse_flat_form`]).
    Flat(FlatForm<'a>),
    /// Any other message.
    Tree(Fields),
}

impl Message<'_> {
    /// The message as a tree.
    pub(crate) fn into_fields(self) -> Fields {
        match self {
            Message::Flat(form) => form.into_fields(),
            Message::Tree(fields) => fields,
        }
    }

    /// The message as a tree, the message kept.
    pub(crate) fn to_fields(&self) -> Fields {
        match self {
            Message::Flat(form) => form.to_fields(),
            Message::Tree(fields) => fields.clone(),
        }
    }
}

/// The message of a request, as the gateway reads it:
///
/// * `GET` (and `HEAD`): the query string;
/// * `POST` with `application/x-www-form-urlencoded` or `multipart/form-data`: the body; any
///   other content type (JSON, XML, none) gives no fields, as PHP's `$_POST` would. A `POST`
///   whose body gives no field at all falls back to its query string;
/// * then, if the message has a `pg_xml` text field, the message is that XML document's
///   content (other fields are ignored).
///
/// A flat form (plain, distinct names: nearly every request) is kept as it was read.
pub(crate) async fn request_message<'a>(
    method: &str,
    query: Option<&'a str>,
    content_type: Option<&str>,
    body: &'a Bytes,
) -> Result<Message<'a>, WireError> {
    let from_query = || urlencoded(query.unwrap_or("").as_bytes());
    // A `POST` (what nearly every request is) is seen at once not to be a `GET` or `HEAD`.
    let get_or_head = method != "POST"
        && (method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD"));
    let decoded = if get_or_head {
        from_query()
    } else {
        const URLENCODED: &str = "application/x-www-form-urlencoded";
        let mime = || {
            content_type
                .map(|ct| ct.split_once(';').map_or(ct, |(mime, _)| mime))
                .map_or("", str::trim)
        };
        // The usual content type, exactly as it is nearly always sent, is seen at once.
        let from_body =
            if content_type == Some(URLENCODED) || mime().eq_ignore_ascii_case(URLENCODED) {
                urlencoded(body)
            } else if mime().eq_ignore_ascii_case("multipart/form-data") {
                Decoded::Pairs(
                    parse_multipart(content_type.unwrap_or_default(), body.clone())
                        .await
                        .map_err(|_| WireError::Multipart)?,
                )
            } else {
                Decoded::Pairs(Vec::new())
            };
        if from_body.is_empty() {
            from_query()
        } else {
            from_body
        }
    };
    let message = match decoded {
        Decoded::Flat(form) => Message::Flat(form),
        Decoded::Pairs(pairs) if pairs.len() > MAX_PAIRS => {
            return Err(WireError::TooManyFields);
        }
        Decoded::Pairs(pairs) => Message::Tree(match flat_fields(pairs) {
            Ok(fields) => fields,
            Err(pairs) => PhpArray::from_pairs(pairs).into_fields(),
        }),
    };
    let xml = match &message {
        Message::Flat(form) => form.known(const { known_place("pg_xml") }),
        Message::Tree(fields) => match fields.get("pg_xml") {
            Some(Value::Text(xml)) => Some(xml.as_str()),
            _ => None,
        },
    };
    match xml {
        Some(xml) => freedompay_xml::parse_pg_xml(xml)
            .map(|document| Message::Tree(document.into_fields()))
            .map_err(|_| WireError::Xml),
        None => Ok(message),
    }
}

/// A form as decoded: a flat form (plain names, nearly every request), or pairs to read by
/// PHP's rules.
enum Decoded<'a> {
    Flat(FlatForm<'a>),
    Pairs(Vec<(String, String)>),
}

impl Decoded<'_> {
    /// Whether the form had no field at all.
    fn is_empty(&self) -> bool {
        match self {
            Decoded::Flat(form) => form.is_empty(),
            Decoded::Pairs(pairs) => pairs.is_empty(),
        }
    }
}

/// A urlencoded body or query string, read as a flat form when its names are plain
/// ([`parse_flat_form`]), else as pairs.
fn urlencoded(input: &[u8]) -> Decoded<'_> {
    match parse_flat_form(input) {
        Some(form) => Decoded::Flat(form),
        None => Decoded::Pairs(parse_urlencoded(input)),
    }
}

/// The message of pairs whose names are all plain and distinct (`pg_amount`: a letter or `_`,
/// then letters, digits and `_`), as PHP reads it, without building PHP arrays: what nearly
/// every request is. The pairs back for anything else (brackets, dots, spaces, a repeated
/// name), which [`PhpArray`] decodes.
fn flat_fields(pairs: Vec<(String, String)>) -> Result<Fields, Vec<(String, String)>> {
    if pairs.len() > FLAT_MOST {
        return Err(pairs);
    }
    let plain = |name: &str| {
        let bytes = name.as_bytes();
        bytes
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    for (i, (name, _)) in pairs.iter().enumerate() {
        if !plain(name) || pairs[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(pairs);
        }
    }
    let mut fields = Fields::with_capacity(pairs.len());
    for (name, value) in pairs {
        fields.push(name, value);
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_fields(
        method: &str,
        query: Option<&str>,
        content_type: Option<&str>,
        body: &'static [u8],
    ) -> Result<Fields, WireError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(super::request_fields(
                method,
                query,
                content_type,
                &Bytes::from_static(body),
            ))
    }

    #[test]
    fn plain_forms_read_as_php_reads_them() {
        for body in [
            &b"pg_merchant_id=1&pg_amount=5&pg_salt=x"[..],
            b"a=1&a=2&b=3",
            b"a[b]=1&c=2",
            b"a.b=1&c d=2&1=x",
            b"_x=1&x1=2",
            b"pg_a=x+y%26z&&pg_b&pg_c=%D0%B0%zz",
            b"pg%5Fa=1&b=2",
            b"",
            b"a=b=c&d&&e=",
            b"&a=%&b=%4&c=+",
            b"a=\xff&b=1",
        ] {
            let pairs = parse_urlencoded(body);
            let php = PhpArray::from_pairs(pairs.clone()).into_fields();
            if let Ok(flat) = flat_fields(pairs) {
                assert_eq!(flat, php, "{}", String::from_utf8_lossy(body));
            }
            if let Some(flat) = parse_flat(body) {
                assert_eq!(flat, php, "{}", String::from_utf8_lossy(body));
            }
        }
        assert!(flat_fields(parse_urlencoded(b"pg_a=1&pg_b=2")).is_ok());
        assert!(flat_fields(parse_urlencoded(b"a=1&a=2")).is_err());
        assert!(parse_flat(b"pg_a=1&pg_b=x+y%26").is_some());
        for not_flat in [&b"a=1&a=2"[..], b"a[b]=1", b"a%5Fb=1", b"1=x", b"a b=1"] {
            assert!(parse_flat(not_flat).is_none());
        }
        let many: Vec<String> = (0..=FLAT_MOST).map(|i| format!("f{i}=v")).collect();
        assert!(parse_flat(many[..FLAT_MOST].join("&").as_bytes()).is_some());
        assert!(parse_flat(many.join("&").as_bytes()).is_none());
    }

    #[test]
    fn flat_forms_of_every_shape_read_as_php_reads_them() {
        // Values long and short, with `&`, `+` and `%` at every place in a word of eight.
        let alphabet = b"abcdef_Z19=&&++%%2F.[] \xd0";
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        let mut flat = 0;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 48) as usize;
            let mut body = Vec::with_capacity(len);
            let mut y = x;
            for i in 0..len {
                if i % 10 == 0 {
                    y = y.rotate_left(17).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ x;
                }
                body.push(alphabet[(y % alphabet.len() as u64) as usize]);
                y /= alphabet.len() as u64;
            }
            let php = PhpArray::from_pairs(parse_urlencoded(&body)).into_fields();
            if let Some(fields) = parse_flat(&body) {
                flat += 1;
                assert_eq!(fields, php, "{}", String::from_utf8_lossy(&body));
            }
        }
        assert!(flat > 500, "{flat}");
        for body in [
            &b"pg_description=load+test+payout&pg_salt=0123456789abcdef"[..],
            b"a=12345678&b=1234567&c=123456789&d=%41%42%43%44%45%46%47%48%49",
            b"a=1234567+&b=12345678%2&c=%",
        ] {
            let php = PhpArray::from_pairs(parse_urlencoded(body)).into_fields();
            assert_eq!(parse_flat(body), Some(php));
        }
    }

    #[test]
    fn forms_of_usual_names_read_as_php_reads_them() {
        // The usual names (kept uncopied, a repeat found by its place), mixed with others,
        // repeated, cut short or lengthened, with values of every length.
        let names = [
            "pg_merchant_id",
            "pg_salt",
            "pg_sig",
            "pg_amount",
            "pg_order_id",
            "pg_description",
            "pg_payment_to",
            "pg_user_contact_email",
            "pg_order_time_limit",
            "pg_xml",
            "pg_amoun",
            "pg_amountt",
            "g_salt",
            "pg_salT",
            "x",
            "pg_param1",
            "pg_param2",
        ];
        let values = [
            "",
            "1",
            "1.00",
            "a+b",
            "%41%zz",
            "12345678",
            "123456789abcdef0+",
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let mut flat = 0;
        for _ in 0..5_000 {
            let mut body = String::new();
            for _ in 0..(x % 9) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if !body.is_empty() {
                    body.push('&');
                }
                body.push_str(names[(x % names.len() as u64) as usize]);
                let value = values[((x >> 20) % values.len() as u64) as usize];
                if !(x >> 40).is_multiple_of(5) {
                    body.push('=');
                    body.push_str(value);
                }
            }
            let php = PhpArray::from_pairs(parse_urlencoded(body.as_bytes())).into_fields();
            if let Some(form) = parse_flat_form(body.as_bytes()) {
                flat += 1;
                // The form as read signs as its tree does.
                let script = freedompay_sign::ScriptName::new("p2p2nonreg").unwrap();
                let key = freedompay_sign::SecretKey::new("k").unwrap();
                let signed = freedompay_sign::sign_tree(&script, &form, &key).ok();
                assert_eq!(
                    signed.map(|s| s.as_str().to_owned()),
                    freedompay_sign::sign(&script, &php, &key)
                        .ok()
                        .map(|s| s.as_str().to_owned()),
                    "{body}"
                );
                for name in ["pg_xml", "pg_salt", "pg_amount", "pg_sig"] {
                    let place = known_place(name);
                    assert_eq!(form.known(place), php.text(name), "{body}");
                }
                assert_eq!(form.into_fields(), php, "{body}");
            }
            x = x.wrapping_add(1);
        }
        assert!(flat > 1_000, "{flat}");
    }

    #[test]
    fn picks_the_carrier() {
        let get = request_fields("GET", Some("a=1"), None, b"b=2").unwrap();
        assert_eq!(get.text("a"), Some("1"));
        let post = request_fields(
            "POST",
            Some("a=1"),
            Some("application/x-www-form-urlencoded"),
            b"b=2",
        )
        .unwrap();
        assert_eq!((post.text("a"), post.text("b")), (None, Some("2")));
        let json = request_fields("POST", None, Some("application/json"), b"{\"b\":2}").unwrap();
        assert!(json.is_empty());
        let xml = request_fields(
            "POST",
            None,
            Some("application/x-www-form-urlencoded"),
            b"pg_xml=%3Crequest%3E%3Cpg_amount%3E5%3C%2Fpg_amount%3E%3C%2Frequest%3E",
        )
        .unwrap();
        assert_eq!(xml.text("pg_amount"), Some("5"));
    }
}
