//! The request id, and the serde helpers of the JSON kind.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::JsonContext;
use crate::{InvalidInput, ReadError};

/// The id of one call (`X-Request-Id`, or the body's `request_id` for the Card and Partner
/// APIs): the same on every attempt of the call, so that a gateway that deduplicates by it
/// (the Async API says it does, docs/protocol.md §12.3) answers a resent request with the
/// original reply.
///
/// The clients draw a fresh UUID v7 per call ([`RequestId::uuid_v7`]); tests and the wire
/// snapshots give a fixed one ([`RequestId::new`]).
///
/// ```
/// use freedompay_core::json::RequestId;
///
/// let id = RequestId::uuid_v7(0x0190_b3c2_7d1e, [0x11; 10]);
/// assert_eq!(id.as_str(), "0190b3c2-7d1e-7111-9111-111111111111");
/// assert!(RequestId::new("not an id").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    /// A request id given as text: 1 to 64 characters of `0-9`, `A-Z`, `a-z`, `-`, `_`.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        if id.is_empty()
            || id.len() > 64
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(InvalidInput::new(
                "X-Request-Id",
                "must be 1 to 64 characters of 0-9, A-Z, a-z, - and _",
            ));
        }
        Ok(Self(id))
    }

    /// A UUID v7 (RFC 9562) from a Unix time in milliseconds (its low 48 bits) and 10 random
    /// bytes (74 of their bits are used): what the Partner API asks for, and what the clients
    /// send to every API.
    pub fn uuid_v7(unix_millis: u64, random: [u8; 10]) -> Self {
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&unix_millis.to_be_bytes()[2..]);
        bytes[6..].copy_from_slice(&random);
        bytes[6] = 0x70 | (bytes[6] & 0x0f);
        bytes[8] = 0x80 | (bytes[8] & 0x3f);
        Self(uuid_text(&bytes))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn uuid_text(bytes: &[u8; 16]) -> String {
    let mut text = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{b:02x}"));
    }
    text
}

/// The body of a serde request: its compact JSON, with the request id as the first member
/// named `id_member` when one is given.
pub fn to_body<T: Serialize + ?Sized>(
    value: &T,
    id_member: Option<&str>,
    context: &JsonContext<'_>,
) -> Result<Vec<u8>, InvalidInput> {
    let body = serde_json::to_vec(value)
        .map_err(|_| InvalidInput::new("body", "cannot be written as JSON"))?;
    let Some(member) = id_member else {
        return Ok(body);
    };
    if body.first() != Some(&b'{') {
        return Err(InvalidInput::new(
            "body",
            "must be a JSON object to carry the request id",
        ));
    }
    let mut with_id = serde_json::to_vec(
        &[(member, context.request_id().as_str())]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>(),
    )
    .map_err(|_| InvalidInput::new("body", "cannot be written as JSON"))?;
    // `{"request_id":"..."}` + the object's members.
    with_id.pop();
    if body.len() > 2 {
        with_id.push(b',');
        with_id.extend_from_slice(&body[1..]);
    } else {
        with_id.push(b'}');
    }
    Ok(with_id)
}

/// Reads a reply body into a serde type; a body that does not fit names the member serde
/// names (never a value).
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ReadError> {
    serde_json::from_slice(body).map_err(|e| {
        // serde_json's message names the member (`missing field `x``) and may quote a
        // value; keep only what names a member.
        let text = e.to_string();
        match text
            .split('`')
            .nth(1)
            .filter(|_| text.starts_with("missing field"))
        {
            Some(member) => ReadError::missing(member.to_owned()),
            None => ReadError::invalid(format!("body (line {}, column {})", e.line(), e.column())),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_id_goes_first() {
        #[derive(Serialize)]
        struct Body {
            card: &'static str,
        }
        let id = RequestId::new("abc").unwrap();
        let context = JsonContext::new(&id, "1");
        let body = to_body(&Body { card: "x" }, Some("request_id"), &context).unwrap();
        assert_eq!(body, br#"{"request_id":"abc","card":"x"}"#);
        #[derive(Serialize)]
        struct Empty {}
        let body = to_body(&Empty {}, Some("request_id"), &context).unwrap();
        assert_eq!(body, br#"{"request_id":"abc"}"#);
    }

    #[test]
    fn a_missing_member_is_named() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Reply {
            status: String,
        }
        let error = parse_body::<Reply>(b"{}").unwrap_err();
        assert_eq!(error.field(), "status");
        assert!(error.is_missing());
        let error = parse_body::<Reply>(b"{\"status\": 4111111111111111}").unwrap_err();
        assert!(!error.to_string().contains("4111"));
    }
}

/// An amount as a JSON number with its exact decimal text (`100`, `1500.50`): never a float.
pub(crate) fn amount_number(amount: &crate::Amount) -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string(amount.to_string())
        .unwrap_or_else(|_| unreachable!("an amount's text is a JSON number"))
}

/// An integer member when the text is all digits (`"merchant_id":123456`, as the documented
/// Invoice example), else a string.
pub(crate) fn id_value(id: &str) -> Box<serde_json::value::RawValue> {
    let digits = !id.is_empty()
        && id.len() <= 18
        && id.bytes().all(|b| b.is_ascii_digit())
        && !(id.len() > 1 && id.starts_with('0'));
    let text = if digits {
        id.to_owned()
    } else {
        serde_json::to_string(id).unwrap_or_else(|_| unreachable!("a string serialises"))
    };
    serde_json::value::RawValue::from_string(text)
        .unwrap_or_else(|_| unreachable!("a JSON number or string"))
}

/// A member the documentation shows as a string or a number (`invoice_id`: `0` in one
/// sample, a string elsewhere), read as its text.
pub(crate) mod text_or_number {
    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<serde_json::Value>::deserialize(d)? {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    }
}

/// An amount the gateway sends as a JSON number or a string, parsed as a decimal from the
/// number's text (serde_json's shortest round-trip text, exact for amounts of up to two
/// fraction digits): never kept as a float.
#[allow(dead_code)]
pub(crate) mod amount_text {
    use serde::{Deserialize, Deserializer, de::Error};

    use crate::Amount;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
        let text = match Option::<serde_json::Value>::deserialize(d)? {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => return Ok(None),
        };
        Amount::from_gateway(text.trim())
            .map(Some)
            .ok_or_else(|| D::Error::custom("an amount of at most two fraction digits"))
    }
}
