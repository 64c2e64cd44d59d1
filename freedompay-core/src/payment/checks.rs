//! The documented limits of payment fields (docs/protocol.md §1.1, §5), checked before signing.

use crate::InvalidInput;

/// `pg_param1..3`, URLs: at most 255 characters.
pub(crate) const PARAM_MAX_CHARS: usize = 255;

/// A free text of 1 to `max` characters without control characters.
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> Result<(), InvalidInput> {
    let len = value.chars().count();
    if len == 0 {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if len > max {
        return Err(InvalidInput::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// An e-mail address: an `@` with text on both sides, no spaces or control characters,
/// at most 255 characters. The gateway documents no stricter form.
pub(crate) fn email(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    text(field, value, 255)?;
    let ok = match value.split_once('@') {
        Some((local, domain)) => !local.is_empty() && !domain.is_empty() && !domain.contains('@'),
        None => false,
    };
    if !ok || value.chars().any(char::is_whitespace) {
        return Err(InvalidInput::new(
            field,
            "must be an e-mail address (name@domain, no spaces)",
        ));
    }
    Ok(())
}

/// A URL that is not a callback (the shop's home page): `http(s)://host...`, at most 255
/// characters, no spaces. Unlike [`Url`](crate::Url) it may end in `/`, since nothing is
/// signed with its last segment.
pub(crate) fn page_url(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    text(field, value, PARAM_MAX_CHARS)?;
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with(['/', '?', '#']) => {}
        _ => {
            return Err(InvalidInput::new(
                field,
                "must be an http:// or https:// URL with a host",
            ));
        }
    }
    if value.chars().any(char::is_whitespace) {
        return Err(InvalidInput::new(field, "a URL must not contain spaces"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert!(text("pg_param1", &"я".repeat(255), 255).is_ok());
        assert!(text("pg_param1", &"я".repeat(256), 255).is_err());
        assert!(text("pg_param1", "", 255).is_err());
        assert!(text("pg_param1", "a\u{0}b", 255).is_err());
    }

    #[test]
    fn emails() {
        assert!(email("pg_user_email", "payer@example.kz").is_ok());
        for bad in [
            "payer",
            "@example.kz",
            "payer@",
            "pa yer@example.kz",
            "a@b@c",
        ] {
            assert!(email("pg_user_email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_urls() {
        assert!(page_url("pg_site_url", "https://shop.kz").is_ok());
        assert!(page_url("pg_site_url", "https://shop.kz/").is_ok());
        assert!(page_url("pg_site_url", "https://").is_err());
        assert!(page_url("pg_site_url", "shop.kz").is_err());
        assert!(page_url("pg_site_url", "https://shop.kz/a b").is_err());
        let long = format!("https://shop.kz/{}", "a".repeat(240));
        assert!(page_url("pg_site_url", &long).is_err());
    }
}
