//! A JSON object of parameters turned into the message tree, for `freedompay sign`.
//!
//! `serde_json` reads it, with `preserve_order` (the keys stay in the order written: `pg_sig`
//! depends on it) and `arbitrary_precision` (a number keeps the text it was written with:
//! `25.50` is signed as `25.50`, not `25.5`; only an exponent's `E` comes out as `e`). Send
//! amounts as JSON strings and nothing is rewritten at all.

use std::collections::HashSet;
use std::fmt;

use freedompay_sign::{Fields, Value};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

/// Parses a JSON object into fields. Leaves become texts the way PHP casts them (docs/protocol.md
/// §2.5): strings as they are, numbers as written, `true` as `1`, `false` and `null` as
/// empty strings. A key that appears twice in one object is refused: the tree would not say
/// which of the two was meant.
pub(crate) fn object_to_fields(input: &str) -> Result<Fields, String> {
    // `serde_json`'s map keeps the last of two equal keys silently; this pass refuses them.
    serde_json::from_str::<UniqueKeys>(input).map_err(|e| e.to_string())?;
    match serde_json::from_str::<Json>(input).map_err(|e| e.to_string())? {
        Json::Object(members) => Ok(to_fields(members)),
        _ => Err("the input must be a JSON object of parameters".to_owned()),
    }
}

fn to_fields(members: Map<String, Json>) -> Fields {
    let mut fields = Fields::with_capacity(members.len());
    for (name, value) in members {
        fields.push_value(name, to_value(value));
    }
    fields
}

fn to_value(json: Json) -> Value {
    match json {
        Json::String(text) => Value::Text(text),
        // With `arbitrary_precision` this is the number's text as written.
        Json::Number(number) => Value::Text(number.to_string()),
        Json::Bool(true) => Value::Text("1".to_owned()),
        Json::Bool(false) | Json::Null => Value::Text(String::new()),
        Json::Object(members) => Value::Map(to_fields(members)),
        Json::Array(items) => Value::List(items.into_iter().map(to_value).collect()),
    }
}

/// Any JSON value whose objects have no key twice; nothing is kept.
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeys)
    }
}

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self, A::Error> {
        while items.next_element::<UniqueKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Self, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = members.next_key::<String>()? {
            members.next_value::<UniqueKeys>()?;
            if let Some(key) = seen.replace(key) {
                return Err(de::Error::custom(format!("the key {key:?} appears twice")));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_nesting_and_number_text() {
        let fields = object_to_fields(
            r#"{"b": "1", "a": 25.50, "e": -1.0E+2, "big": 123456789012345678901234567890, "n": {"z": true, "y": null, "x": false}, "l": ["x", {"k": "v"}]}"#,
        )
        .unwrap();
        let names: Vec<_> = fields.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["b", "a", "e", "big", "n", "l"]);
        assert_eq!(fields.text("a"), Some("25.50"));
        // serde_json writes an exponent's `E` as `e`; the digits stay as written.
        assert_eq!(fields.text("e"), Some("-1.0e+2"));
        assert_eq!(fields.text("big"), Some("123456789012345678901234567890"));
        let n = fields.get("n").unwrap().as_map().unwrap();
        let inner: Vec<_> = n.iter().map(|f| f.name()).collect();
        assert_eq!(inner, ["z", "y", "x"]);
        assert_eq!(n.text("z"), Some("1"));
        assert_eq!(n.text("y"), Some(""));
        assert_eq!(n.text("x"), Some(""));
        assert_eq!(fields.get("l").unwrap().as_list().unwrap().len(), 2);
    }

    #[test]
    fn strings_and_escapes() {
        let fields = object_to_fields(
            r#"{"d": "\u041e\u043f\u043b\u0430\u0442\u0430 \"x\"\n\ud83d\ude00"}"#,
        )
        .unwrap();
        assert_eq!(fields.text("d"), Some("Оплата \"x\"\n😀"));
    }

    #[test]
    fn refuses_bad_input_without_panicking() {
        for bad in [
            "",
            "[]",
            "\"x\"",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":1} x",
            "{\"a\":\"\\q\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":01x}",
            "{\"a\":-}",
            "{\"a\":1.}",
            "{\"a\":1e}",
            "{\"a\":\"x",
            "{\"a\":1,\"a\":2}",
            "{\"n\":{\"a\":1,\"a\":2}}",
            "{\"l\":[{\"a\":1,\"a\":2}]}",
            "{\"a\":tru}",
            "{\"a\":\"\u{1}\"}",
        ] {
            assert!(object_to_fields(bad).is_err(), "{bad:?} accepted");
        }
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(1000), "]".repeat(1000));
        assert!(object_to_fields(&deep).is_err());
    }

    #[test]
    fn says_which_key_appears_twice() {
        let error = object_to_fields(r#"{"pg_amount": "1", "pg_amount": "2"}"#).unwrap_err();
        assert!(error.contains("\"pg_amount\" appears twice"), "{error}");
    }
}
