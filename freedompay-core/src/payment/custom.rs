//! The merchant's own fields: names without the `pg_` prefix, echoed to the check and result
//! URLs and signed like every other field (docs/protocol.md §0, §2.4).

use freedompay_sign::Fields;

use crate::InvalidInput;

/// The merchant's own fields of a request, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub(crate) struct CustomFields(Vec<(String, String)>);

impl CustomFields {
    pub(crate) fn push(&mut self, name: String, value: String) {
        self.0.push((name, value));
    }

    /// Checks every name (alone and against the others), then appends the fields.
    pub(crate) fn write(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        for (i, (name, _)) in self.0.iter().enumerate() {
            check_name(name)?;
            for (other, _) in &self.0[..i] {
                if other == name {
                    return Err(InvalidInput::new(
                        name.clone(),
                        "a custom field name must be unique",
                    ));
                }
                if extends_with_digit(name, other) || extends_with_digit(other, name) {
                    return Err(InvalidInput::new(
                        name.clone(),
                        format!(
                            "custom fields `{other}` and `{name}`: one is the other followed by a digit, which makes the signature order ambiguous"
                        ),
                    ));
                }
            }
        }
        for (name, value) in &self.0 {
            fields.push(name.as_str(), value.as_str());
        }
        Ok(())
    }
}

/// `longer` is `shorter` followed by a digit (`item` and `item2`).
fn extends_with_digit(longer: &str, shorter: &str) -> bool {
    longer
        .strip_prefix(shorter)
        .and_then(|rest| rest.bytes().next())
        .is_some_and(|b| b.is_ascii_digit())
}

/// A custom field name: `[a-z][a-z0-9_]*`, at most 64 bytes, not starting with `pg_`
/// (docs/protocol.md §2.4: names the gateway's PHP would treat as numbers, or rewrite, cannot be
/// signed predictably).
pub(crate) fn check_name(name: &str) -> Result<(), InvalidInput> {
    let field = || {
        if name.is_empty() {
            "custom field".to_owned()
        } else {
            name.chars().take(64).collect()
        }
    };
    let mut bytes = name.bytes();
    let well_formed = matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
        && name.len() <= 64;
    if !well_formed {
        return Err(InvalidInput::new(
            field(),
            "a custom field name is a lower-case letter followed by lower-case letters, digits or '_' (at most 64)",
        ));
    }
    if name.starts_with("pg_") {
        return Err(InvalidInput::new(
            field(),
            "a custom field name must not start with pg_ (reserved for FreedomPay's fields)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(pairs: &[(&str, &str)]) -> Result<Fields, InvalidInput> {
        let mut custom = CustomFields::default();
        for (n, v) in pairs {
            custom.push((*n).to_owned(), (*v).to_owned());
        }
        let mut fields = Fields::new();
        custom.write(&mut fields).map(|()| fields)
    }

    #[test]
    fn good_names_are_written_in_order() {
        let fields = write(&[("shop_order", "7"), ("cart2", "x"), ("pg", "")]).unwrap();
        let names: Vec<_> = fields.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["shop_order", "cart2", "pg"]);
    }

    #[test]
    fn bad_names_are_refused() {
        for bad in [
            "", "pg_extra", "Shop", "1st", "_x", "a-b", "a.b", "a b", "я", "item[0]",
        ] {
            assert!(write(&[(bad, "v")]).is_err(), "{bad:?} accepted");
        }
        assert!(write(&[(&"a".repeat(64), "v")]).is_ok());
        assert!(write(&[(&"a".repeat(65), "v")]).is_err());
    }

    #[test]
    fn duplicates_and_digit_extensions_are_refused() {
        assert!(write(&[("item", "1"), ("item", "2")]).is_err());
        let error = write(&[("item", "1"), ("item2", "2")]).unwrap_err();
        assert_eq!(error.field(), "item2");
        assert!(write(&[("item2", "1"), ("item", "2")]).is_err());
        assert!(write(&[("item", "1"), ("item_2", "2")]).is_ok());
        assert!(write(&[("item", "1"), ("items", "2")]).is_ok());
    }
}
