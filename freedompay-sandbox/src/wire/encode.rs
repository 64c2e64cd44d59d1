//! Writing the message tree as a urlencoded form (bracket notation for nested levels): the
//! body of POST callbacks and the query of GET callbacks and redirects.

use freedompay_sign::{Fields, Value};

/// Percent-encodes everything but `A-Z a-z 0-9 - _ . ~` (a space becomes `%20`, which every
/// form decoder reads as a space).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `a=1&b%5B0%5D%5Bx%5D=2`: every leaf with its bracketed path, in tree order.
pub(crate) fn encode_form(fields: &Fields) -> String {
    let mut pairs = Vec::new();
    for field in fields {
        push_value(&mut pairs, field.name().to_owned(), field.value());
    }
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn push_value(pairs: &mut Vec<(String, String)>, name: String, value: &Value) {
    match value {
        Value::Text(text) => pairs.push((name, text.clone())),
        Value::Map(map) => {
            for field in map {
                push_value(pairs, format!("{name}[{}]", field.name()), field.value());
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                push_value(pairs, format!("{name}[{i}]"), item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_with_brackets() {
        let mut item = Fields::new();
        item.push_static("name", "Mouse pad");
        let mut fields = Fields::new();
        fields.push_static("pg_a", "x y&").push_list("p", [item]);
        assert_eq!(
            encode_form(&fields),
            "pg_a=x%20y%26&p%5B0%5D%5Bname%5D=Mouse%20pad"
        );
    }
}
