//! Secrets come from the environment or from a file, never from a flag (flags end up in
//! shell history and `ps`).

use std::path::Path;

use freedompay_sign::SecretKey;

use crate::Failure;

/// The payment secret's environment variable.
pub(crate) const SECRET_ENV: &str = "FREEDOMPAY_SECRET_KEY";
/// The payout secret's environment variable.
pub(crate) const PAYOUT_SECRET_ENV: &str = "FREEDOMPAY_PAYOUT_SECRET_KEY";

/// Reads a secret from a file (one line; a trailing newline is dropped) or an environment
/// variable.
pub(crate) fn read(file: Option<&Path>, env: &str) -> Result<Option<SecretKey>, Failure> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::input(format!(
                "cannot read the secret file {}: {e}",
                path.display()
            ))
        })?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        return SecretKey::new(text)
            .map(Some)
            .map_err(|_| Failure::input(format!("the secret file {} is empty", path.display())));
    }
    match std::env::var(env) {
        Ok(value) if !value.is_empty() => Ok(Some(
            SecretKey::new(value).map_err(|_| Failure::input("empty secret"))?,
        )),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::input(format!("{env} is not valid UTF-8")))
        }
    }
}

/// As [`read`], but required.
pub(crate) fn require(file: Option<&Path>, env: &str) -> Result<SecretKey, Failure> {
    read(file, env)?
        .ok_or_else(|| Failure::input(format!("no secret: set {env} (or give the secret's file)")))
}
