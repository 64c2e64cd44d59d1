//! The command-line flags of a sandbox, shared by the `freedompay-sandbox` binary and the
//! `freedompay sandbox` command of `freedompay-cli` (feature `cli`), so that the two stay the
//! same flags with the same names, defaults and meanings.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use freedompay_sign::SecretKey;

use crate::config::{RetrySchedule, SandboxConfig, SecretChoice};
use crate::money::parse_minor;
use crate::time::ClockMode;

/// The environment variable of the sandbox's payment secret.
pub const SECRET_ENV: &str = "FREEDOMPAY_SANDBOX_SECRET_KEY";
/// The environment variable of the sandbox's payout secret.
pub const PAYOUT_SECRET_ENV: &str = "FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY";

/// The flags of a sandbox (all but the merchant id, which each program takes its own way), as
/// a clap [`Args`] to flatten into a command.
///
/// ```
/// use clap::Parser;
/// use freedompay_sandbox::{SandboxArgs, SecretKey};
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     sandbox: SandboxArgs,
/// }
///
/// let cli = Cli::parse_from(["prog", "--addr", "localhost:8080", "--quiet"]);
/// assert_eq!(cli.sandbox.addr(), "localhost:8080");
/// let config = cli.sandbox.config("545000", SecretKey::new("TESTSECRET")?, None)?;
/// assert_eq!(config.merchant_id(), "545000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Args, Debug, Clone)]
#[group(id = "freedompay_sandbox_args")]
pub struct SandboxArgs {
    /// Address to listen on, HOST:PORT; the host may be a name (localhost) or an IP (port 0
    /// picks a free port).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,
    /// The sandbox's payment secret [env: FREEDOMPAY_SANDBOX_SECRET_KEY].
    #[arg(long, value_name = "KEY")]
    secret_key: Option<String>,
    /// The sandbox's payout secret (default: the payment secret) [env: FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY].
    #[arg(long, value_name = "KEY")]
    payout_secret_key: Option<String>,
    /// The merchant balance at start.
    #[arg(long, value_name = "AMOUNT", default_value = "1000000.00")]
    starting_balance: String,
    /// Time between callback attempts, in milliseconds (the gateway: 30 minutes).
    #[arg(long, value_name = "MS", default_value_t = 1_800_000)]
    callback_retry_interval_ms: u64,
    /// Callback attempts after the first one (the gateway: 4, for 2 hours).
    #[arg(long, value_name = "N", default_value_t = 4)]
    callback_retries: u32,
    /// Every N-th signed reply carries an unknown element (0: never).
    #[arg(long, value_name = "N", default_value_t = 5)]
    unknown_element_every: u64,
    /// Seconds of sandbox time a payout stays in `process`.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    payout_process_delay_secs: u64,
    /// The secret of cardstoragepayout/add and its callback: payment or payout.
    #[arg(long, value_name = "WHICH", default_value = "payment")]
    cardstoragepayout_secret: String,
    /// Answer bad signatures (error 9998) unsigned instead of signed.
    #[arg(long)]
    unsigned_signature_errors: bool,
    /// Start sandbox time at this Unix time; it then moves only by /_sandbox/advance.
    #[arg(long, value_name = "UNIX_SECS")]
    fixed_clock: Option<i64>,
    /// Post payout notifications as an urlencoded form instead of multipart/form-data (the
    /// documented form).
    #[arg(long)]
    payout_notify_urlencoded: bool,
    /// Finished records of each kind (payments, payouts, callbacks, idempotent replies) kept
    /// in memory; past it the oldest finished ones are forgotten.
    #[arg(long, value_name = "N", default_value_t = crate::config::DEFAULT_RETENTION)]
    retention: usize,
    /// Keep the state in this SQLite file (created if missing), so that payments, payouts,
    /// cards, callbacks, the balance and the clock survive a restart; in memory without it.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// The Card API key's auth_id (default: the sandbox's test key, sandbox-card).
    #[arg(long, value_name = "ID")]
    card_api_auth_id: Option<String>,
    /// The Card API key's secret (default: the sandbox's test key).
    #[arg(long, value_name = "KEY")]
    card_api_secret: Option<String>,
    /// The Partner API key's auth_id (default: the sandbox's test key, sandbox-partner).
    #[arg(long, value_name = "ID")]
    partner_api_auth_id: Option<String>,
    /// The Partner API key's secret (default: the sandbox's test key).
    #[arg(long, value_name = "KEY")]
    partner_api_secret: Option<String>,
    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
}

/// A JSON API key from its two flags, each defaulting to the default key's part.
fn json_key(
    auth_id: Option<&str>,
    secret: Option<&str>,
    default: crate::config::JsonApiKeyText,
    flag: &str,
) -> Result<(String, SecretKey), ArgsError> {
    let auth_id = auth_id.map(str::trim).unwrap_or(default.auth_id);
    if auth_id.is_empty() || auth_id.chars().any(char::is_control) {
        return Err(ArgsError::new(format!(
            "--{flag}-auth-id: a non-empty id without control characters"
        )));
    }
    let secret = SecretKey::new(secret.unwrap_or(default.secret))
        .map_err(|e| ArgsError::new(format!("--{flag}-secret: {e}")))?;
    Ok((auth_id.to_owned(), secret))
}

/// A flag with a value the sandbox cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgsError {
    message: String,
}

impl ArgsError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArgsError {}

/// A secret from its flag, else its environment variable; `None` when neither is set (or
/// empty).
fn secret_text(flag: Option<&str>, env: &str) -> Option<String> {
    flag.map(str::to_owned)
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var(env).ok().filter(|s| !s.is_empty()))
}

/// Whether `addr` has the `HOST:PORT` shape: a non-empty host (a name, an IPv4 literal or a
/// bracketed IPv6 literal) and a port number.
fn host_port(addr: &str) -> bool {
    let Some((host, port)) = addr.rsplit_once(':') else {
        return false;
    };
    let host_ok = match host.strip_prefix('[') {
        Some(inner) => inner
            .strip_suffix(']')
            .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok()),
        None => !host.is_empty() && !host.contains(':') && !host.contains(char::is_whitespace),
    };
    host_ok && port.parse::<u16>().is_ok()
}

impl SandboxArgs {
    /// `--addr`, trimmed: `HOST:PORT` for [`Sandbox::bind`](crate::Sandbox::bind).
    pub fn addr(&self) -> &str {
        self.addr.trim()
    }

    /// Whether `--quiet` was given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// The payment secret from `--secret-key`, else `FREEDOMPAY_SANDBOX_SECRET_KEY`; `None`
    /// when neither is set.
    pub fn secret_key(&self) -> Result<Option<SecretKey>, ArgsError> {
        secret_text(self.secret_key.as_deref(), SECRET_ENV)
            .map(|text| {
                SecretKey::new(text).map_err(|e| ArgsError::new(format!("--secret-key: {e}")))
            })
            .transpose()
    }

    /// The payment secret like [`SandboxArgs::secret_key`], required: an error that says how
    /// to give it when neither is set.
    pub fn required_secret_key(&self) -> Result<SecretKey, ArgsError> {
        self.secret_key()?
            .ok_or_else(|| ArgsError::new("give --secret-key (or FREEDOMPAY_SANDBOX_SECRET_KEY)"))
    }

    /// The payout secret from `--payout-secret-key`, else
    /// `FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY`; `None` when neither is set.
    pub fn payout_secret_key(&self) -> Result<Option<SecretKey>, ArgsError> {
        secret_text(self.payout_secret_key.as_deref(), PAYOUT_SECRET_ENV)
            .map(|text| {
                SecretKey::new(text)
                    .map_err(|e| ArgsError::new(format!("--payout-secret-key: {e}")))
            })
            .transpose()
    }

    /// The configuration these flags describe, for `merchant_id` with its secrets (the
    /// payout secret defaults to the payment secret).
    pub fn config(
        &self,
        merchant_id: impl Into<String>,
        secret: SecretKey,
        payout_secret: Option<SecretKey>,
    ) -> Result<SandboxConfig, ArgsError> {
        if !host_port(self.addr()) {
            return Err(ArgsError::new(
                "--addr: HOST:PORT, such as 127.0.0.1:8080 or localhost:8080 (port 0 picks a free one)",
            ));
        }
        let balance = parse_minor(self.starting_balance.trim()).ok_or_else(|| {
            ArgsError::new("--starting-balance: a decimal amount such as 1000000.00")
        })?;
        let storage_secret = match self.cardstoragepayout_secret.trim() {
            "payment" => SecretChoice::Payment,
            "payout" => SecretChoice::Payout,
            _ => {
                return Err(ArgsError::new(
                    "--cardstoragepayout-secret: payment or payout",
                ));
            }
        };
        let mut config = SandboxConfig::new(merchant_id, secret)
            .starting_balance_minor(balance)
            .callback_retry(RetrySchedule {
                interval: Duration::from_millis(self.callback_retry_interval_ms),
                retries: self.callback_retries,
            })
            .unknown_element_every(self.unknown_element_every)
            .payout_process_delay(Duration::from_secs(self.payout_process_delay_secs))
            .cardstoragepayout_secret(storage_secret)
            .signed_signature_errors(!self.unsigned_signature_errors)
            .payout_notify_multipart(!self.payout_notify_urlencoded)
            .retention(self.retention)
            .log_requests(!self.quiet);
        if let Some(payout) = payout_secret {
            config = config.payout_secret_key(payout);
        }
        if let Some(start) = self.fixed_clock {
            config = config.clock(ClockMode::Fixed(start));
        }
        if let Some(path) = &self.data {
            config = config.data_file(path);
        }
        let (auth_id, secret) = json_key(
            self.card_api_auth_id.as_deref(),
            self.card_api_secret.as_deref(),
            crate::config::DEFAULT_CARD_API_KEY,
            "card-api",
        )?;
        config = config.card_api_key(auth_id, secret);
        let (auth_id, secret) = json_key(
            self.partner_api_auth_id.as_deref(),
            self.partner_api_secret.as_deref(),
            crate::config::DEFAULT_PARTNER_API_KEY,
            "partner-api",
        )?;
        config = config.partner_api_key(auth_id, secret);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::host_port;

    #[test]
    fn json_api_keys_from_flags_or_defaults() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            sandbox: super::SandboxArgs,
        }
        let secret = || freedompay_sign::SecretKey::new("s").unwrap();
        let cli = Cli::parse_from(["p", "--card-api-auth-id", "77", "--partner-api-secret", "x"]);
        let config = cli.sandbox.config("1", secret(), None).unwrap();
        assert_eq!(config.card_api_auth_id(), "77");
        assert_eq!(
            config.partner_api_auth_id(),
            crate::DEFAULT_PARTNER_API_KEY.auth_id
        );
        let cli = Cli::parse_from(["p", "--card-api-auth-id", " "]);
        assert!(cli.sandbox.config("1", secret(), None).is_err());
    }

    #[test]
    fn addr_shapes() {
        for good in [
            "127.0.0.1:8080",
            "localhost:0",
            "[::1]:8080",
            "sandbox.test:80",
        ] {
            assert!(host_port(good), "{good}");
        }
        for bad in [
            "nowhere",
            "localhost",
            ":8080",
            "localhost:http",
            "::1:80",
            "[::1]",
            "a b:1",
        ] {
            assert!(!host_port(bad), "{bad}");
        }
    }
}
