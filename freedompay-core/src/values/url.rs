//! URLs sent to the gateway (callback, return and back links).

use freedompay_sign::ScriptName;

use crate::InvalidInput;

/// An absolute `http`/`https` URL of at most 255 characters (docs/protocol.md §1.1), as the
/// gateway takes for `pg_result_url`, `pg_post_link`, `pg_success_url` and the like.
///
/// A URL whose path ends in `/` is refused: FreedomPay signs callbacks with the URL's last
/// path segment as the script name, and an empty one cannot be verified reliably.
///
/// ```
/// use freedompay_core::Url;
///
/// let url = Url::new("https://shop.kz/freedompay/result?shop=7")?;
/// assert_eq!(url.script_name().as_str(), "result");
/// assert!(Url::new("ftp://shop.kz/result").is_err());
/// assert!(Url::new("https://shop.kz/result/").is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url {
    text: String,
    script: ScriptName,
}

impl Url {
    /// The longest URL, in characters.
    pub const MAX_LEN: usize = 255;

    /// Checks and takes a URL.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidInput> {
        Self::new_for("url", text)
    }

    pub(crate) fn new_for(
        field: &'static str,
        text: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let text = text.into();
        if text.chars().count() > Self::MAX_LEN {
            return Err(InvalidInput::new(
                field,
                "a URL must be at most 255 characters",
            ));
        }
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| InvalidInput::new(field, "a URL must start with https:// or http://"))?;
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if host_end == 0 {
            return Err(InvalidInput::new(field, "a URL must have a host"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidInput::new(
                field,
                "a URL must not contain spaces or control characters",
            ));
        }
        let script = ScriptName::from_url(&text).map_err(|_| {
            InvalidInput::new(
                field,
                "the URL's path must end in a name (no trailing '/'), FreedomPay signs with it",
            )
        })?;
        Ok(Self { text, script })
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The script name FreedomPay signs requests to this URL with: its last path segment.
    pub fn script_name(&self) -> &ScriptName {
        &self.script
    }
}

text_value!(Url => new);
