//! Detached JWS (`X-JWS-Signature`): golden vectors from `tests/vectors/jws/`, refusals, the
//! header builder's exact bytes, and properties.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use freedompay_sign::SecretKey;
use freedompay_sign::jws::{
    self, Algorithm, Header, JwsError, sign_detached, verify_detached, verify_detached_with,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Vectors

/// One `tests/vectors/jws/*.txt` file: `name: value` lines, `#` comments.
#[derive(Debug)]
struct Vector {
    file: String,
    provenance: String,
    alg: Algorithm,
    key: Vec<u8>,
    header: Vec<u8>,
    payload: Vec<u8>,
    token: String,
}

impl Vector {
    fn secret(&self) -> SecretKey {
        SecretKey::from_bytes(self.key.clone()).unwrap()
    }
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/jws")
}

fn b64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

fn parse_vector(file: &str, text: &str) -> Vector {
    let mut fields = std::collections::HashMap::new();
    let mut sources = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("{file}: not `name: value`: {line}"));
        let value = value.trim();
        if name == "source" {
            sources += 1;
            continue;
        }
        let previous = fields.insert(name.to_owned(), value.to_owned());
        assert!(previous.is_none(), "{file}: `{name}` given twice");
    }
    assert!(sources > 0, "{file}: no source");
    let mut take = |name: &str| {
        if name == "key" {
            // The key is given as text or, when not printable, as base64url.
            return fields.remove(name).unwrap_or_default();
        }
        fields
            .remove(name)
            .unwrap_or_else(|| panic!("{file}: no `{name}`"))
    };
    let alg = match take("alg").as_str() {
        "HS256" => Algorithm::Hs256,
        "HS512" => Algorithm::Hs512,
        other => panic!("{file}: unknown alg {other}"),
    };
    let provenance = take("provenance");
    assert!(
        ["documented", "rfc", "computed"].contains(&provenance.as_str()),
        "{file}: provenance {provenance}"
    );
    let key = match take("key").as_str() {
        "" => b64(&take("key_b64url")),
        text => text.as_bytes().to_vec(),
    };
    let vector = Vector {
        file: file.to_owned(),
        provenance,
        alg,
        key,
        header: b64(&take("header_b64url")),
        payload: b64(&take("payload_b64url")),
        token: take("token"),
    };
    assert!(fields.is_empty(), "{file}: unknown fields {fields:?}");
    vector
}

fn vectors() -> Vec<Vector> {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            parse_vector(&name, &std::fs::read_to_string(path).unwrap())
        })
        .collect()
}

fn vector(file: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.file == file)
        .unwrap_or_else(|| panic!("no vector {file}"))
}

#[test]
fn the_vector_set_is_complete() {
    let all = vectors();
    let names: Vec<&str> = all.iter().map(|v| v.file.as_str()).collect();
    for expected in [
        "invoice_hs512.txt",
        "card_api_hs512.txt",
        "rfc7515_a1_hs256.txt",
        "partner_wallet_hs256_computed.txt",
        "empty_payload_hs512_computed.txt",
    ] {
        assert!(names.contains(&expected), "missing {expected} in {names:?}");
    }
    let documented = all.iter().filter(|v| v.provenance == "documented").count();
    assert!(
        documented >= 2,
        "the documented FreedomPay examples are gone"
    );
}

#[test]
fn every_vector_signs_to_its_token() {
    for v in vectors() {
        let token = sign_detached(v.alg, &v.header, &v.payload, &v.secret());
        assert_eq!(token, v.token, "{}", v.file);
    }
}

#[test]
fn every_vector_verifies() {
    for v in vectors() {
        let secret = v.secret();
        let header = verify_detached(&v.token, &v.payload, &secret)
            .unwrap_or_else(|e| panic!("{}: {e}", v.file));
        assert_eq!(header.algorithm(), v.alg, "{}", v.file);
        assert_eq!(header.json(), v.header.as_slice(), "{}", v.file);

        let header = verify_detached_with(v.alg, &v.token, &v.payload, &secret)
            .unwrap_or_else(|e| panic!("{}: {e}", v.file));
        assert_eq!(header.into_json(), v.header, "{}", v.file);
    }
}

#[test]
fn every_vector_is_refused_under_the_other_algorithm() {
    for v in vectors() {
        let other = match v.alg {
            Algorithm::Hs256 => Algorithm::Hs512,
            Algorithm::Hs512 => Algorithm::Hs256,
        };
        assert_eq!(
            verify_detached_with(other, &v.token, &v.payload, &v.secret()),
            Err(JwsError::AlgorithmMismatch {
                expected: other,
                found: v.alg
            }),
            "{}",
            v.file
        );
    }
}

#[test]
fn a_changed_payload_fails() {
    for v in vectors() {
        let secret = v.secret();
        let mut longer = v.payload.clone();
        longer.push(b' ');
        assert_eq!(
            verify_detached(&v.token, &longer, &secret),
            Err(JwsError::SignatureMismatch),
            "{}",
            v.file
        );
        if let Some(first) = v.payload.first() {
            let mut changed = v.payload.clone();
            changed[0] = first ^ 0x01;
            assert_eq!(
                verify_detached(&v.token, &changed, &secret),
                Err(JwsError::SignatureMismatch),
                "{}",
                v.file
            );
            assert_eq!(
                verify_detached(&v.token, &v.payload[1..], &secret),
                Err(JwsError::SignatureMismatch),
                "{}",
                v.file
            );
        }
    }
}

#[test]
fn a_changed_header_fails() {
    for v in vectors() {
        let (_, signature) = v.token.split_once("..").unwrap();
        // The same header with one more space before its closing brace: still valid JSON with
        // the same `alg`, so only the signature can catch it.
        let mut header = v.header.clone();
        let brace = header.iter().rposition(|&b| b == b'}').unwrap();
        header.insert(brace, b' ');
        let forged = format!("{}..{signature}", URL_SAFE_NO_PAD.encode(&header));
        assert_eq!(
            verify_detached(&forged, &v.payload, &v.secret()),
            Err(JwsError::SignatureMismatch),
            "{}",
            v.file
        );
    }
}

#[test]
fn a_changed_signature_fails() {
    for v in vectors() {
        let secret = v.secret();
        let (header, signature) = v.token.split_once("..").unwrap();
        let mut raw = b64(signature);

        raw[0] ^= 0x80;
        let flipped = format!("{header}..{}", URL_SAFE_NO_PAD.encode(&raw));
        assert_eq!(
            verify_detached(&flipped, &v.payload, &secret),
            Err(JwsError::SignatureMismatch),
            "{}",
            v.file
        );

        raw[0] ^= 0x80;
        raw.pop();
        let truncated = format!("{header}..{}", URL_SAFE_NO_PAD.encode(&raw));
        assert_eq!(
            verify_detached(&truncated, &v.payload, &secret),
            Err(JwsError::SignatureMismatch),
            "{}",
            v.file
        );
    }
}

#[test]
fn a_wrong_key_fails() {
    for v in vectors() {
        let mut key = v.key.clone();
        key.push(b'x');
        let wrong = SecretKey::from_bytes(key).unwrap();
        assert_eq!(
            verify_detached(&v.token, &v.payload, &wrong),
            Err(JwsError::SignatureMismatch),
            "{}",
            v.file
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The header builder against the documented header bytes

#[test]
fn the_builder_writes_the_invoice_example_header() {
    let v = vector("invoice_hs512.txt");
    let header = Header::new(Algorithm::Hs512)
        .string("path", "/v5/merchant/invoice/init")
        .number("merchant_id", 123456)
        .string("method", "POST")
        .string("params", "");
    assert_eq!(header.to_json(), v.header);
    assert_eq!(header.sign_detached(&v.payload, &v.secret()), v.token);
}

#[test]
fn the_builder_writes_the_card_api_example_header() {
    let v = vector("card_api_hs512.txt");
    let header = Header::new(Algorithm::Hs512)
        .string("uri", "/v5/card-api/request/status")
        .string("auth_id", "123456")
        .string("method", "POST")
        .string("params", "");
    assert_eq!(header.to_json(), v.header);
    assert_eq!(header.sign_detached(&v.payload, &v.secret()), v.token);
}

#[test]
fn the_builder_places_alg_where_asked() {
    let header = Header::new(Algorithm::Hs256)
        .alg()
        .string("auth_id", "13989")
        .alg();
    assert_eq!(header.to_json(), br#"{"alg":"HS256","auth_id":"13989"}"#);
    assert_eq!(header.algorithm(), Algorithm::Hs256);

    let middle = Header::new(Algorithm::Hs512)
        .string("a", "1")
        .alg()
        .number("b", -2);
    assert_eq!(middle.to_json(), br#"{"a":"1","alg":"HS512","b":-2}"#);

    assert_eq!(
        Header::new(Algorithm::Hs512).to_json(),
        br#"{"alg":"HS512"}"#
    );
}

#[test]
fn the_builder_drops_a_member_named_alg() {
    let header = Header::new(Algorithm::Hs512)
        .string("alg", "none")
        .number("alg", 1)
        .string("uri", "/x");
    assert_eq!(header.to_json(), br#"{"uri":"/x","alg":"HS512"}"#);
}

#[test]
fn the_builder_escapes_json_strings() {
    let header = Header::new(Algorithm::Hs256)
        .string("quote\"d", "a \"b\" c")
        .string("back\\slash", "C:\\path\\")
        .string("controls", "\u{0}\u{8}\t\n\u{c}\r\u{1b}\u{1f}")
        .string("kept", "/ \u{7f} Счёт 😀 \u{2028}");
    let expected = concat!(
        r#"{"quote\"d":"a \"b\" c","#,
        r#""back\\slash":"C:\\path\\","#,
        r#""controls":"\u0000\u0008\u0009\u000a\u000c\u000d\u001b\u001f","#,
        "\"kept\":\"/ \u{7f} Счёт 😀 \u{2028}\",",
        r#""alg":"HS256"}"#
    );
    assert_eq!(String::from_utf8(header.to_json()).unwrap(), expected);

    // The verifier reads the same bytes back.
    let secret = SecretKey::new("k").unwrap();
    let token = header.sign_detached(b"", &secret);
    let verified = verify_detached_with(Algorithm::Hs256, &token, b"", &secret).unwrap();
    assert_eq!(verified.json(), expected.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Headers the verifier must read correctly or refuse

/// Signs `header` with a correct HMAC, so that only the header's content can make it fail.
fn token_for(alg: Algorithm, header: &str) -> (String, SecretKey) {
    let secret = SecretKey::new("secret_key").unwrap();
    (
        sign_detached(alg, header.as_bytes(), b"{}", &secret),
        secret,
    )
}

fn verify_header(alg: Algorithm, header: &str) -> Result<Algorithm, JwsError> {
    let (token, secret) = token_for(alg, header);
    verify_detached(&token, b"{}", &secret).map(|h| h.algorithm())
}

#[test]
fn alg_none_is_refused() {
    let (token, secret) = token_for(Algorithm::Hs256, r#"{"alg":"none"}"#);
    assert_eq!(
        verify_detached(&token, b"{}", &secret),
        Err(JwsError::UnsupportedAlgorithm)
    );
    assert_eq!(
        verify_detached_with(Algorithm::Hs256, &token, b"{}", &secret),
        Err(JwsError::UnsupportedAlgorithm)
    );

    // An unsecured JWS has an empty signature: not even a token.
    let (header, _) = token.split_once("..").unwrap();
    assert_eq!(
        verify_detached(&format!("{header}.."), b"{}", &secret),
        Err(JwsError::MalformedToken)
    );
}

#[test]
fn unknown_algorithms_are_refused() {
    for header in [
        r#"{"alg":"HS384"}"#,
        r#"{"alg":"RS256"}"#,
        r#"{"alg":"hs256"}"#,
        r#"{"alg":"HS256 "}"#,
        r#"{"alg":""}"#,
        r#"{"alg":null}"#,
        r#"{"alg":256}"#,
        r#"{"alg":["HS256"]}"#,
        r#"{"alg":{"name":"HS256"}}"#,
    ] {
        assert_eq!(
            verify_header(Algorithm::Hs256, header),
            Err(JwsError::UnsupportedAlgorithm),
            "{header}"
        );
    }
}

#[test]
fn a_header_without_alg_is_refused() {
    for header in [
        r#"{}"#,
        r#"{"uri":"/v5/x"}"#,
        r#"{"typ":"JWT","ALG":"HS256"}"#,
        r#"{"x":"alg","y":"HS256"}"#,
        r#"{"nested":{"alg":"HS256"}}"#,
        r#"{"list":[{"alg":"HS256"}]}"#,
    ] {
        assert_eq!(
            verify_header(Algorithm::Hs256, header),
            Err(JwsError::MissingAlgorithm),
            "{header}"
        );
    }
}

#[test]
fn alg_inside_other_values_does_not_fool_the_scan() {
    for header in [
        r#"{"note":"\"alg\":\"HS256\"","alg":"HS512"}"#,
        r#"{"note":"{\"alg\":\"HS256\"}","alg":"HS512"}"#,
        r#"{"x":{"alg":"HS256"},"alg":"HS512"}"#,
        r#"{"x":[1,{"alg":"HS256","y":[[],{}]},-0.5e+3],"alg":"HS512"}"#,
        r#"{"alg\"":"HS256","alg":"HS512"}"#,
        "{ \"typ\" : \"JWT\" ,\r\n\t\"alg\" : \"HS512\" }",
    ] {
        assert_eq!(
            verify_header(Algorithm::Hs512, header),
            Ok(Algorithm::Hs512),
            "{header}"
        );
    }
}

#[test]
fn an_escaped_alg_key_and_value_are_read() {
    assert_eq!(
        verify_header(Algorithm::Hs256, r#"{"\u0061lg":"HS\u0032\u0035\u0036"}"#),
        Ok(Algorithm::Hs256)
    );
}

#[test]
fn a_second_alg_is_refused() {
    for header in [
        r#"{"alg":"HS512","alg":"HS256"}"#,
        r#"{"alg":"HS256","alg":"HS256"}"#,
        r#"{"alg":"HS256","\u0061lg":"HS512"}"#,
        r#"{"alg":null,"alg":"HS256"}"#,
    ] {
        assert_eq!(
            verify_header(Algorithm::Hs256, header),
            Err(JwsError::MalformedHeader),
            "{header}"
        );
    }
}

#[test]
fn malformed_headers_are_refused() {
    let deep = format!(
        r#"{{"x":{}1{},"alg":"HS256"}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for header in [
        " ",
        "null",
        r#"["alg","HS256"]"#,
        r#""alg""#,
        r#"{"alg":"HS256"} x"#,
        r#"{"alg":"HS256"}{}"#,
        r#"{"alg":"HS256",}"#,
        r#"{,"alg":"HS256"}"#,
        r#"{"alg":"HS256""x":1}"#,
        r#"{"alg" "HS256"}"#,
        r#"{alg:"HS256"}"#,
        r#"{'alg':'HS256'}"#,
        r#"{"alg":"HS256""#,
        r#"{"alg":"HS256"#,
        r#"{"x":[1,],"alg":"HS256"}"#,
        r#"{"x":01,"alg":"HS256"}"#,
        r#"{"x":1.,"alg":"HS256"}"#,
        r#"{"x":.5,"alg":"HS256"}"#,
        r#"{"x":+1,"alg":"HS256"}"#,
        r#"{"x":1e,"alg":"HS256"}"#,
        r#"{"x":tru,"alg":"HS256"}"#,
        r#"{"x":"\x","alg":"HS256"}"#,
        r#"{"x":"\u12","alg":"HS256"}"#,
        r#"{"x":"\ud800","alg":"HS256"}"#,
        r#"{"x":"\udc00","alg":"HS256"}"#,
        "{\"x\":\"tab\tinside\",\"alg\":\"HS256\"}",
        r#"{"x":{"a":1]},"alg":"HS256"}"#,
        r#"{"x":[1}],"alg":"HS256"}"#,
        &deep,
    ] {
        assert_eq!(
            verify_header(Algorithm::Hs256, header),
            Err(JwsError::MalformedHeader),
            "{header:.80}"
        );
    }
}

#[test]
fn a_header_that_is_not_utf8_is_refused() {
    let secret = SecretKey::new("secret_key").unwrap();
    let header = b"{\"alg\":\"HS256\",\"x\":\"\xff\"}";
    let token = sign_detached(Algorithm::Hs256, header, b"", &secret);
    assert_eq!(
        verify_detached(&token, b"", &secret),
        Err(JwsError::MalformedHeader)
    );
}

#[test]
fn a_header_naming_the_other_algorithm_fails_the_signature() {
    // Signed with HS256 although the header says HS512.
    let (token, secret) = token_for(Algorithm::Hs256, r#"{"alg":"HS512"}"#);
    assert_eq!(
        verify_detached(&token, b"{}", &secret),
        Err(JwsError::SignatureMismatch)
    );
}

#[test]
fn an_hs256_token_is_refused_where_hs512_is_required() {
    let v = vector("partner_wallet_hs256_computed.txt");
    assert_eq!(
        verify_detached_with(Algorithm::Hs512, &v.token, &v.payload, &v.secret()),
        Err(JwsError::AlgorithmMismatch {
            expected: Algorithm::Hs512,
            found: Algorithm::Hs256
        })
    );
    assert!(verify_detached_with(Algorithm::Hs256, &v.token, &v.payload, &v.secret()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Malformed tokens

#[test]
fn malformed_tokens_give_typed_errors() {
    let v = vector("card_api_hs512.txt");
    let secret = v.secret();
    let (header, signature) = v.token.split_once("..").unwrap();
    let (full_header, rest) = {
        // The documented full JWT: header.payload.signature.
        let payload = URL_SAFE_NO_PAD.encode(&v.payload);
        (format!("{header}.{payload}.{signature}"), payload)
    };
    let cases: Vec<(String, JwsError)> = vec![
        (String::new(), JwsError::MalformedToken),
        ("..".into(), JwsError::MalformedToken),
        (".".into(), JwsError::MalformedToken),
        (header.into(), JwsError::MalformedToken),
        (format!("{header}."), JwsError::MalformedToken),
        (format!("{header}.."), JwsError::MalformedToken),
        (format!("..{signature}"), JwsError::MalformedToken),
        (format!("{header}.{signature}"), JwsError::MalformedToken),
        (full_header, JwsError::MalformedToken),
        (
            format!("{header}.{rest}..{signature}"),
            JwsError::MalformedToken,
        ),
        (format!("{header}...{signature}"), JwsError::MalformedToken),
        (format!("{header}..{signature}."), JwsError::MalformedToken),
        (
            format!("{header}..{signature}..{signature}"),
            JwsError::MalformedToken,
        ),
        (format!("{header}=..{signature}"), JwsError::InvalidBase64),
        (format!("{header}..{signature}=="), JwsError::InvalidBase64),
        (
            format!("{header}..{}", signature.replace('_', "/")),
            JwsError::InvalidBase64,
        ),
        (
            format!("{header}..{}", signature.replace('-', "+")),
            JwsError::InvalidBase64,
        ),
        (format!(" {header}..{signature}"), JwsError::InvalidBase64),
        (format!("{header}..{signature}\n"), JwsError::InvalidBase64),
        (format!("{header}..a"), JwsError::InvalidBase64),
        (format!("a..{signature}"), JwsError::InvalidBase64),
        (format!("{header}..é"), JwsError::InvalidBase64),
        // Valid base64url, but not a JSON object.
        (
            format!("{}..{signature}", URL_SAFE_NO_PAD.encode("x")),
            JwsError::MalformedHeader,
        ),
    ];
    for (token, expected) in cases {
        assert_eq!(
            verify_detached(&token, &v.payload, &secret),
            Err(expected),
            "{token:?}"
        );
        assert_eq!(
            verify_detached_with(Algorithm::Hs512, &token, &v.payload, &secret),
            Err(expected),
            "{token:?}"
        );
    }
}

#[test]
fn errors_never_show_the_secret_or_the_signature() {
    let v = vector("card_api_hs512.txt");
    let (_, signature) = v.token.split_once("..").unwrap();
    let errors = [
        JwsError::MalformedToken,
        JwsError::InvalidBase64,
        JwsError::MalformedHeader,
        JwsError::MissingAlgorithm,
        JwsError::UnsupportedAlgorithm,
        JwsError::AlgorithmMismatch {
            expected: Algorithm::Hs256,
            found: Algorithm::Hs512,
        },
        verify_detached(&v.token, b"tampered", &v.secret()).unwrap_err(),
    ];
    assert_eq!(errors[6], JwsError::SignatureMismatch);
    for error in errors {
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.is_empty());
            assert!(!shown.contains("secret"), "{shown}");
            assert!(!shown.contains(&signature[..8]), "{shown}");
        }
    }
    assert_eq!(
        JwsError::AlgorithmMismatch {
            expected: Algorithm::Hs512,
            found: Algorithm::Hs256
        }
        .to_string(),
        "the JWS is signed with HS256, HS512 is required"
    );
    let _: &dyn std::error::Error = &JwsError::SignatureMismatch;
}

#[test]
fn algorithm_names() {
    assert_eq!(Algorithm::Hs256.as_str(), "HS256");
    assert_eq!(Algorithm::Hs512.as_str(), "HS512");
    assert_eq!(Algorithm::Hs512.to_string(), "HS512");
}

// ---------------------------------------------------------------------------------------------
// Properties

fn any_alg() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Hs256), Just(Algorithm::Hs512)]
}

fn any_secret() -> impl Strategy<Value = SecretKey> {
    proptest::collection::vec(any::<u8>(), 1..200)
        .prop_map(|bytes| SecretKey::from_bytes(bytes).unwrap())
}

fn any_header() -> impl Strategy<Value = Header> {
    (
        any_alg(),
        proptest::collection::vec((any::<String>(), any::<String>(), any::<i64>()), 0..4),
        any::<bool>(),
    )
        .prop_map(|(alg, members, alg_first)| {
            let mut header = Header::new(alg);
            if alg_first {
                header = header.alg();
            }
            for (name, text, number) in members {
                header = header
                    .string(&name, &text)
                    .number(&format!("{name}#"), number);
            }
            header
        })
}

proptest! {
    #[test]
    fn sign_then_verify_holds(
        header in any_header(),
        payload in proptest::collection::vec(any::<u8>(), 0..600),
        secret in any_secret(),
    ) {
        let token = header.sign_detached(&payload, &secret);
        let verified = verify_detached_with(header.algorithm(), &token, &payload, &secret);
        let verified = verified.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(verified.algorithm(), header.algorithm());
        let json = header.to_json();
        prop_assert_eq!(verified.json(), json.as_slice());
        prop_assert!(verify_detached(&token, &payload, &secret).is_ok());
        // Signing is deterministic and equal to signing the header's bytes.
        prop_assert_eq!(
            token,
            sign_detached(header.algorithm(), &header.to_json(), &payload, &secret)
        );
    }

    #[test]
    fn flipping_any_payload_byte_breaks_verification(
        alg in any_alg(),
        payload in proptest::collection::vec(any::<u8>(), 1..600),
        index in any::<prop::sample::Index>(),
        mask in 1..=u8::MAX,
        secret in any_secret(),
    ) {
        let token = Header::new(alg).string("uri", "/v5/x").sign_detached(&payload, &secret);
        let mut changed = payload.clone();
        let i = index.index(changed.len());
        changed[i] ^= mask;
        prop_assert_eq!(
            verify_detached(&token, &changed, &secret),
            Err(JwsError::SignatureMismatch)
        );
    }

    #[test]
    fn arbitrary_tokens_never_panic(token in any::<String>(), payload in any::<Vec<u8>>()) {
        let secret = SecretKey::new("secret_key").unwrap();
        prop_assert!(verify_detached(&token, &payload, &secret).is_err());
    }

    #[test]
    fn arbitrary_header_bytes_never_panic(
        header in proptest::collection::vec(any::<u8>(), 0..200),
        signature in proptest::collection::vec(any::<u8>(), 1..80),
    ) {
        let secret = SecretKey::new("secret_key").unwrap();
        let token = format!(
            "{}..{}",
            URL_SAFE_NO_PAD.encode(&header),
            URL_SAFE_NO_PAD.encode(&signature)
        );
        prop_assert!(verify_detached(&token, b"", &secret).is_err());
    }

    #[test]
    fn jsonish_headers_never_panic(
        header in r#"[{}\[\]",:\\ a-z0-9.eE+\-]{0,60}"#,
        alg in any_alg(),
    ) {
        // Correctly signed, so the header scan decides; it must answer, not panic.
        let secret = SecretKey::new("secret_key").unwrap();
        let token = sign_detached(alg, header.as_bytes(), b"", &secret);
        let _ = jws::verify_detached(&token, b"", &secret);
    }
}
