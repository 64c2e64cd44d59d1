//! Checks of the free texts payouts send that have no value type of their own.

use crate::InvalidInput;

/// The longest free parameter the gateway documents (URLs, `pg_param*`: docs/protocol.md §5). Used
/// for texts whose own limit is not published.
pub(super) const MAX_PARAM_LEN: usize = 255;

/// A text of 1 to `max` characters with no control characters.
pub(super) fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), InvalidInput> {
    let len = text.chars().count();
    if len == 0 || len > max {
        return Err(InvalidInput::new(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// An e-mail address as far as it can be checked without a list of domains: at most 255
/// characters, one `@` between a non-empty local part and a domain with a dot, no spaces or
/// control characters.
pub(super) fn check_email(field: &'static str, text: &str) -> Result<(), InvalidInput> {
    let bad = || InvalidInput::new(field, "must be an e-mail address like name@example.kz");
    if text.chars().count() > MAX_PARAM_LEN
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let (local, domain) = text.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits() {
        assert!(check_text("f", "a", 3).is_ok());
        assert!(check_text("f", "абв", 3).is_ok());
        assert!(check_text("f", "", 3).is_err());
        assert!(check_text("f", "abcd", 3).is_err());
        assert!(check_text("f", "a\nb", 3).is_err());
    }

    #[test]
    fn emails() {
        assert!(check_email("f", "mail@customer.kz").is_ok());
        for bad in [
            "",
            "mail",
            "@customer.kz",
            "mail@customer",
            "mail@.kz",
            "mail@customer.",
            "a@b@c.kz",
            "ma il@customer.kz",
        ] {
            assert!(check_email("f", bad).is_err(), "{bad}");
        }
        let long = format!("{}@customer.kz", "m".repeat(243));
        assert_eq!(long.len(), 255);
        assert!(check_email("f", &long).is_ok());
        assert!(check_email("f", &format!("m{long}")).is_err());
    }
}
