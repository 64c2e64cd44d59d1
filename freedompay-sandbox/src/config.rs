//! What a sandbox is started with.

use std::path::PathBuf;
use std::time::Duration;

use freedompay_sign::SecretKey;

use crate::time::ClockMode;

/// How many finished records of each kind a sandbox keeps unless told otherwise
/// ([`SandboxConfig::retention`]).
pub const DEFAULT_RETENTION: usize = 10_000;

/// A key of a JSON API that has its own (docs/protocol.md §12.4, §12.5): the `auth_id` its
/// JWS header names and the secret that signs it. The text of a default key; `Debug` hides the
/// secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JsonApiKeyText {
    /// `auth_id`.
    pub auth_id: &'static str,
    /// The secret.
    pub secret: &'static str,
}

impl std::fmt::Debug for JsonApiKeyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonApiKeyText")
            .field("auth_id", &self.auth_id)
            .field("secret", &"***")
            .finish()
    }
}

/// The Card API key a sandbox takes unless given one ([`SandboxConfig::card_api_key`]): a
/// test key, public like the sandbox.
pub const DEFAULT_CARD_API_KEY: JsonApiKeyText = JsonApiKeyText {
    auth_id: "sandbox-card",
    secret: "sandbox-card-secret",
};

/// The Partner API key a sandbox takes unless given one ([`SandboxConfig::partner_api_key`]).
pub const DEFAULT_PARTNER_API_KEY: JsonApiKeyText = JsonApiKeyText {
    auth_id: "sandbox-partner",
    secret: "sandbox-partner-secret",
};

/// A JSON API key as configured.
#[derive(Debug, Clone)]
pub(crate) struct JsonApiKey {
    pub(crate) auth_id: String,
    pub(crate) secret: SecretKey,
}

impl JsonApiKey {
    fn of(text: JsonApiKeyText) -> Self {
        Self {
            auth_id: text.auth_id.to_owned(),
            secret: SecretKey::new(text.secret).expect("a default key is a valid secret"),
        }
    }
}

/// Which of the merchant's two secrets signs something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretChoice {
    /// The payment ("receiving") secret.
    Payment,
    /// The payout secret.
    Payout,
}

/// When undelivered callbacks are sent again: `retries` more attempts, `interval` apart, in
/// sandbox time. The gateway's documented schedule is every 30 minutes for 2 hours
/// ([`RetrySchedule::DOCUMENTED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    /// Time between two attempts.
    pub interval: Duration,
    /// Attempts after the first one.
    pub retries: u32,
}

impl RetrySchedule {
    /// Every 30 minutes for 2 hours: the first attempt and 4 retries.
    pub const DOCUMENTED: RetrySchedule = RetrySchedule {
        interval: Duration::from_secs(30 * 60),
        retries: 4,
    };
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self::DOCUMENTED
    }
}

/// The configuration of a sandbox: the one merchant it knows, its secrets, and how it
/// behaves. Built with [`SandboxConfig::new`] and the chained setters.
///
/// ```
/// use std::time::Duration;
/// use freedompay_sandbox::{RetrySchedule, SandboxConfig};
/// use freedompay_sign::SecretKey;
///
/// let config = SandboxConfig::new("545000", SecretKey::new("payment-secret")?)
///     .payout_secret_key(SecretKey::new("payout-secret")?)
///     .starting_balance_minor(5_000_000)
///     .callback_retry(RetrySchedule { interval: Duration::from_millis(200), retries: 4 })
///     .unknown_element_every(0);
/// assert_eq!(config.merchant_id(), "545000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub(crate) merchant_id: String,
    pub(crate) secret_key: SecretKey,
    pub(crate) payout_secret_key: Option<SecretKey>,
    pub(crate) starting_balance: i64,
    pub(crate) retry: RetrySchedule,
    pub(crate) unknown_element_every: u64,
    pub(crate) cardstoragepayout_secret: SecretChoice,
    pub(crate) clock: ClockMode,
    pub(crate) utc_offset_secs: i64,
    pub(crate) payout_process_delay: Duration,
    pub(crate) callback_timeout: Duration,
    pub(crate) signed_signature_errors: bool,
    pub(crate) log_requests: bool,
    pub(crate) tick: Duration,
    pub(crate) payout_notify_multipart: bool,
    pub(crate) retention: usize,
    pub(crate) data_file: Option<PathBuf>,
    pub(crate) card_api_key: JsonApiKey,
    pub(crate) partner_api_key: JsonApiKey,
}

impl SandboxConfig {
    /// A sandbox for one merchant. Defaults: the payout secret is the payment secret, the
    /// balance starts at 1 000 000.00, callbacks are retried on the documented schedule,
    /// every 5th signed reply carries an unknown element, `cardstoragepayout/add` uses the
    /// payment secret, the clock is the wall clock in UTC+5, `process` payouts finish after
    /// 60 seconds of sandbox time, callbacks time out after 10 seconds, a bad signature is
    /// answered with a signed 9998 error, and requests are not logged.
    pub fn new(merchant_id: impl Into<String>, secret_key: SecretKey) -> Self {
        Self {
            merchant_id: merchant_id.into(),
            secret_key,
            payout_secret_key: None,
            starting_balance: 100_000_000,
            retry: RetrySchedule::DOCUMENTED,
            unknown_element_every: 5,
            cardstoragepayout_secret: SecretChoice::Payment,
            clock: ClockMode::Real,
            utc_offset_secs: 5 * 3600,
            payout_process_delay: Duration::from_secs(60),
            callback_timeout: Duration::from_secs(10),
            signed_signature_errors: true,
            log_requests: false,
            tick: Duration::from_millis(50),
            payout_notify_multipart: true,
            retention: DEFAULT_RETENTION,
            data_file: None,
            card_api_key: JsonApiKey::of(DEFAULT_CARD_API_KEY),
            partner_api_key: JsonApiKey::of(DEFAULT_PARTNER_API_KEY),
        }
    }

    /// The payout secret (defaults to the payment secret).
    pub fn payout_secret_key(mut self, key: SecretKey) -> Self {
        self.payout_secret_key = Some(key);
        self
    }

    /// The merchant balance at start, in minor units (`100_000_000` is 1 000 000.00).
    pub fn starting_balance_minor(mut self, minor: i64) -> Self {
        self.starting_balance = minor;
        self
    }

    /// When callbacks are sent again after a non-200 or unverifiable reply.
    pub fn callback_retry(mut self, schedule: RetrySchedule) -> Self {
        self.retry = schedule;
        self
    }

    /// Every `n`-th signed reply carries an extra `<pg_sandbox_trace>` element (signed with
    /// the rest), as a newer gateway might send; `0` never.
    pub fn unknown_element_every(mut self, n: u64) -> Self {
        self.unknown_element_every = n;
        self
    }

    /// The secret of `cardstoragepayout/add` and of its card-added callback (docs/protocol.md §2.6
    /// marks it uncertain; the payment secret by default).
    pub fn cardstoragepayout_secret(mut self, which: SecretChoice) -> Self {
        self.cardstoragepayout_secret = which;
        self
    }

    /// Where sandbox time starts ([`ClockMode::Real`] by default).
    pub fn clock(mut self, mode: ClockMode) -> Self {
        self.clock = mode;
        self
    }

    /// The offset of the gateway's local time from UTC, in minutes (300, UTC+5, by default).
    pub fn utc_offset_minutes(mut self, minutes: i32) -> Self {
        self.utc_offset_secs = i64::from(minutes) * 60;
        self
    }

    /// How long (sandbox time) a payout stays in `process` before it finishes.
    pub fn payout_process_delay(mut self, delay: Duration) -> Self {
        self.payout_process_delay = delay;
        self
    }

    /// How long one callback attempt may take.
    pub fn callback_timeout(mut self, timeout: Duration) -> Self {
        self.callback_timeout = timeout;
        self
    }

    /// Whether a bad or missing signature (error 9998) is answered with a signed reply
    /// (`true`, the default) or an unsigned one.
    pub fn signed_signature_errors(mut self, signed: bool) -> Self {
        self.signed_signature_errors = signed;
        self
    }

    /// Whether each request is logged to stderr in one line (method, path, status, time;
    /// never a body, a secret or a card number).
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// The granularity of time-based transitions and due callback retries (50 ms by
    /// default): the scheduler sleeps until the next due instant, rounded up to a multiple of
    /// this, and does not wake at all while nothing is due.
    pub fn tick(mut self, tick: Duration) -> Self {
        self.tick = tick.max(Duration::from_millis(1));
        self
    }

    /// Whether payout notifications are posted as `multipart/form-data` (`true`, the default:
    /// what the documentation shows, docs.freedompay.kz api-11622162) or as an urlencoded
    /// form (`false`).
    pub fn payout_notify_multipart(mut self, multipart: bool) -> Self {
        self.payout_notify_multipart = multipart;
        self
    }

    /// How many finished records of each kind (payments, payouts, callbacks, idempotent
    /// replies) are kept ([`DEFAULT_RETENTION`] by default, at least 1): past it the oldest
    /// finished ones are forgotten, so that a long-running sandbox stays within bounded
    /// memory. A record still in progress is never forgotten. A forgotten payment or payout is
    /// answered as one that never existed.
    pub fn retention(mut self, records: usize) -> Self {
        self.retention = records.max(1);
        self
    }

    /// Keeps the state in this SQLite database file (created if missing): payments,
    /// payouts, saved cards, recurring profiles, callbacks, the balance and the sandbox clock
    /// survive a restart, and callbacks still pending are sent after it. Without it the
    /// state lives in memory only. A file that holds a state wins over
    /// [`starting_balance_minor`](Self::starting_balance_minor). Idempotent replies and
    /// faults are not kept.
    pub fn data_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.data_file = Some(path.into());
        self
    }

    /// The Card API's key (`/v5/card-api/*`, `/v5/cards/*`; JWS HS512): its `auth_id` and
    /// secret ([`DEFAULT_CARD_API_KEY`] unless set).
    pub fn card_api_key(mut self, auth_id: impl Into<String>, secret: SecretKey) -> Self {
        self.card_api_key = JsonApiKey {
            auth_id: auth_id.into(),
            secret,
        };
        self
    }

    /// The Partner API's key (`/v5/partner/*`; JWS HS256): its `auth_id` and secret
    /// ([`DEFAULT_PARTNER_API_KEY`] unless set).
    pub fn partner_api_key(mut self, auth_id: impl Into<String>, secret: SecretKey) -> Self {
        self.partner_api_key = JsonApiKey {
            auth_id: auth_id.into(),
            secret,
        };
        self
    }

    /// The `auth_id` of the Card API's key.
    pub fn card_api_auth_id(&self) -> &str {
        &self.card_api_key.auth_id
    }

    /// The `auth_id` of the Partner API's key.
    pub fn partner_api_auth_id(&self) -> &str {
        &self.partner_api_key.auth_id
    }

    /// The merchant id.
    pub fn merchant_id(&self) -> &str {
        &self.merchant_id
    }

    /// The payment secret.
    pub(crate) fn payment_secret(&self) -> &SecretKey {
        &self.secret_key
    }

    /// The payout secret (the payment secret when none was given).
    pub(crate) fn payout_secret(&self) -> &SecretKey {
        self.payout_secret_key.as_ref().unwrap_or(&self.secret_key)
    }

    /// The secret for a choice.
    pub(crate) fn secret(&self, which: SecretChoice) -> &SecretKey {
        match which {
            SecretChoice::Payment => self.payment_secret(),
            SecretChoice::Payout => self.payout_secret(),
        }
    }
}
