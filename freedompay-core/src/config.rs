//! The merchant's configuration: who is calling, with which secrets, where to.

use core::fmt;
use core::time::Duration;

use freedompay_sign::SecretKey;

use crate::InvalidInput;
use crate::error::PAYOUT_SECRET_SETTING;

/// A FreedomPay region (brand host). docs/protocol.md §0.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// Kazakhstan: `api.freedompay.kz`, test `test-api.freedompay.kz`.
    Kz,
    /// Uzbekistan: `api.freedompay.uz`; no test host is published.
    Uz,
    /// Kyrgyzstan: `api.freedompay.kg`; test `test-api.freedompay.kg` (seen only in
    /// third-party code).
    Kg,
    /// The international host `api.freedompay.money`, test `test-api.freedompay.money`.
    Money,
}

impl Region {
    /// The production API base URL.
    pub fn production_url(self) -> &'static str {
        match self {
            Region::Kz => "https://api.freedompay.kz",
            Region::Uz => "https://api.freedompay.uz",
            Region::Kg => "https://api.freedompay.kg",
            Region::Money => "https://api.freedompay.money",
        }
    }

    /// The test API base URL, where one is known. Uzbekistan publishes none.
    pub fn test_url(self) -> Option<&'static str> {
        match self {
            Region::Kz => Some("https://test-api.freedompay.kz"),
            Region::Uz => None,
            Region::Kg => Some("https://test-api.freedompay.kg"),
            Region::Money => Some("https://test-api.freedompay.money"),
        }
    }

    /// Parses `kz`, `uz`, `kg` or `money`.
    pub fn parse(name: &str) -> Result<Self, InvalidInput> {
        match name.to_ascii_lowercase().as_str() {
            "kz" => Ok(Region::Kz),
            "uz" => Ok(Region::Uz),
            "kg" => Ok(Region::Kg),
            "money" => Ok(Region::Money),
            _ => Err(InvalidInput::new(
                "region",
                "must be one of kz, uz, kg, money",
            )),
        }
    }
}

/// Which of the merchant's two secrets signs a call (docs/protocol.md §2.6). With the `serde`
/// feature it is `"payment"` or `"payout"` (the kind, never the secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum SecretKind {
    /// The payment ("receiving") secret: payments, statuses, refunds, card storage.
    Payment,
    /// The payout secret: payouts, payout statuses, balance, cash by code.
    Payout,
}

/// How queries are retried. Money-moving calls are never resent once they may have been
/// sent, whatever this says; they are resent only after failures that certainly happened
/// before the request left (a refused connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most times a request is handed to the transport, the first included (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles after each further failure.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    };

    /// The wait before attempt `next_attempt` (2 for the first retry).
    pub fn backoff(&self, next_attempt: u32) -> Duration {
        let doublings = next_attempt.saturating_sub(2).min(16);
        self.initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff)
    }
}

impl Default for RetryPolicy {
    /// Three attempts, waiting 250 ms then 500 ms (at most 4 s).
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        }
    }
}

/// Everything a call needs besides its own fields: the merchant id, the two secrets, the base
/// URL, the timeout and the retry policy. Built with [`Config::builder`].
///
/// `Debug` shows no secret.
///
/// ```
/// use freedompay_core::{Config, Region};
///
/// let config = Config::builder()
///     .merchant_id("123456")
///     .secret_key("payment-secret")
///     .payout_secret_key("payout-secret")
///     .region(Region::Kz)
///     .test(true)
///     .build()?;
/// assert_eq!(config.base_url(), "https://test-api.freedompay.kz");
/// assert!(!format!("{config:?}").contains("secret-"));
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct Config {
    merchant_id: String,
    payment_secret: SecretKey,
    payout_secret: PayoutSecret,
    base_url: String,
    timeout: Duration,
    retry: RetryPolicy,
    card_storage_payout_secret: SecretKind,
    payout_notification_secret: SecretKind,
    /// The `/v5` JSON APIs' own credentials and JWS header shapes, by API.
    json: crate::json::JsonSettings,
    /// The request URLs of the operations called with this configuration (shared by its
    /// clones): made once each, then shared by every request.
    urls: std::sync::Arc<freedompay_transport::Prepared<&'static str, std::sync::Arc<str>>>,
}

/// How many operation URLs a configuration keeps (more than the SDK has operations); past
/// it, the oldest is dropped.
const OPERATION_URLS: usize = 128;

/// Where the payout secret comes from.
#[derive(Clone)]
enum PayoutSecret {
    /// `payout_secret_key`.
    Own(SecretKey),
    /// `payout_secret_same_as_payment`: the shop has one key for both.
    SameAsPayment,
    /// Neither: payout calls are refused before anything is sent.
    Unset,
}

impl Config {
    /// A builder; see [`ConfigBuilder`].
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The merchant id (`pg_merchant_id`).
    pub fn merchant_id(&self) -> &str {
        &self.merchant_id
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The timeout of one HTTP exchange.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The retry policy for queries.
    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }

    /// The secret of this kind.
    ///
    /// When no payout secret was set (neither [`ConfigBuilder::payout_secret_key`] nor
    /// [`ConfigBuilder::payout_secret_same_as_payment`]), `secret(SecretKind::Payout)` is the
    /// payment secret, so that a callback check simply fails; the operations use
    /// [`Config::try_secret`] and refuse a payout call before sending it.
    pub fn secret(&self, kind: SecretKind) -> &SecretKey {
        match (kind, &self.payout_secret) {
            (SecretKind::Payout, PayoutSecret::Own(key)) => key,
            _ => &self.payment_secret,
        }
    }

    /// The secret of this kind, or an error when it is the payout secret and none was chosen:
    /// set [`ConfigBuilder::payout_secret_key`], or say the shop has one key for both with
    /// [`ConfigBuilder::payout_secret_same_as_payment`].
    ///
    /// ```
    /// use freedompay_core::{Config, SecretKind};
    ///
    /// let config = Config::builder().merchant_id("123456").secret_key("pay").build()?;
    /// let error = config.try_secret(SecretKind::Payout).unwrap_err();
    /// assert_eq!(error.field(), "payout_secret_key");
    /// assert!(config.try_secret(SecretKind::Payment).is_ok());
    ///
    /// let one_key = Config::builder().merchant_id("123456").secret_key("pay").payout_secret_same_as_payment().build()?;
    /// assert!(one_key.try_secret(SecretKind::Payout).is_ok());
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    pub fn try_secret(&self, kind: SecretKind) -> Result<&SecretKey, InvalidInput> {
        match (kind, &self.payout_secret) {
            (SecretKind::Payout, PayoutSecret::Unset) => Err(InvalidInput::new(
                PAYOUT_SECRET_SETTING,
                "this call is signed with the payout secret and none is configured: set payout_secret_key, or payout_secret_same_as_payment() if your shop has one key for both",
            )),
            _ => Ok(self.secret(kind)),
        }
    }

    /// Whether a payout secret was chosen (its own key, or the payment secret on purpose).
    pub fn has_payout_secret(&self) -> bool {
        !matches!(self.payout_secret, PayoutSecret::Unset)
    }

    /// The secret that signs `cardstoragepayout/add` and its callback; see
    /// [`ConfigBuilder::card_storage_payout_secret`].
    pub fn card_storage_payout_secret(&self) -> SecretKind {
        self.card_storage_payout_secret
    }

    /// The secret that verifies payout notifications (and signs their signed replies); see
    /// [`ConfigBuilder::payout_notification_secret`].
    pub fn payout_notification_secret(&self) -> SecretKind {
        self.payout_notification_secret
    }

    /// The settings of the `/v5` JSON APIs (their key ids, secrets, hosts and JWS headers).
    pub(crate) fn json(&self) -> &crate::json::JsonSettings {
        &self.json
    }

    /// The key id and secret that sign calls of a `/v5` JSON API: those set with
    /// [`ConfigBuilder::json_api_key`], else, for the Invoice and Async APIs, the merchant id
    /// and the payment secret; `None` for the Card and Partner APIs without their own key.
    pub fn json_key(&self, api: crate::json::JsonApi) -> Option<(&str, &SecretKey)> {
        use crate::json::JsonApi;
        match (self.json.key(api), api) {
            (Some(key), _) => Some(key),
            (None, JsonApi::Invoice | JsonApi::Async) => {
                Some((self.merchant_id.as_str(), &self.payment_secret))
            }
            (None, _) => None,
        }
    }

    /// The request URL of an operation's `'static` path, made with `make` the first time and
    /// shared after it (the configuration never changes once built).
    pub(crate) fn operation_url(
        &self,
        path: &'static str,
        make: impl FnOnce() -> String,
    ) -> std::sync::Arc<str> {
        self.urls.get_or_insert_with(
            |known| *known == path,
            || (path, std::sync::Arc::from(make())),
        )
    }

    /// The absolute URL of a path (`/api/balance_status`); `{merchant_id}` in the path is
    /// replaced by the merchant id.
    pub fn url(&self, path: &str) -> String {
        let path = path.replace("{merchant_id}", &self.merchant_id);
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(&path);
        url
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("merchant_id", &self.merchant_id)
            .field("payment_secret", &self.payment_secret)
            .field(
                "payout_secret",
                &match &self.payout_secret {
                    PayoutSecret::Own(key) => format!("{key:?}"),
                    PayoutSecret::SameAsPayment => "same as the payment secret".to_owned(),
                    PayoutSecret::Unset => "unset".to_owned(),
                },
            )
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            // The JSON APIs' key ids only, never their secrets.
            .field("json_api_keys", &self.json)
            .finish()
    }
}

/// Builds a [`Config`], checking each setting.
#[derive(Default)]
pub struct ConfigBuilder {
    merchant_id: Option<String>,
    payment_secret: Option<Result<SecretKey, InvalidInput>>,
    payout_secret: Option<Result<SecretKey, InvalidInput>>,
    payout_same_as_payment: bool,
    base_url: Option<String>,
    region: Option<Region>,
    test: bool,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    card_storage_payout_secret: Option<SecretKind>,
    payout_notification_secret: Option<SecretKind>,
    json: crate::json::JsonSettings,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("merchant_id", &self.merchant_id)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The merchant id: digits, as in the merchant's cabinet. Required.
    pub fn merchant_id(mut self, id: impl Into<String>) -> Self {
        self.merchant_id = Some(id.into());
        self
    }

    /// The payment secret ("Секретный ключ для приема платежей"). Required.
    pub fn secret_key(mut self, key: impl Into<String>) -> Self {
        self.payment_secret = Some(
            SecretKey::new(key).map_err(|_| InvalidInput::new("secret_key", "must not be empty")),
        );
        self
    }

    /// The payment secret, already a [`SecretKey`].
    pub fn secret(mut self, key: SecretKey) -> Self {
        self.payment_secret = Some(Ok(key));
        self
    }

    /// The payout secret ("Секретный ключ для выплат"). Without it (or
    /// [`ConfigBuilder::payout_secret_same_as_payment`]) every call signed with the payout
    /// secret (payouts, their statuses, the balance, cash by code) is refused before it is
    /// sent, rather than signed with the wrong key.
    pub fn payout_secret_key(mut self, key: impl Into<String>) -> Self {
        self.payout_secret = Some(
            SecretKey::new(key)
                .map_err(|_| InvalidInput::new(PAYOUT_SECRET_SETTING, "must not be empty")),
        );
        self
    }

    /// Says the shop has one key for payments and payouts: payout calls are signed with the
    /// payment secret. An explicit choice: with a separate payout secret, such calls fail
    /// with FreedomPay's 9998 "wrong signature".
    pub fn payout_secret_same_as_payment(mut self) -> Self {
        self.payout_same_as_payment = true;
        self
    }

    /// The payout secret, already a [`SecretKey`].
    pub fn payout_secret(mut self, key: SecretKey) -> Self {
        self.payout_secret = Some(Ok(key));
        self
    }

    /// A known region's host (production unless [`ConfigBuilder::test`]). The default is
    /// [`Region::Kz`]. Ignored when [`ConfigBuilder::base_url`] is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Use the region's test host.
    pub fn test(mut self, test: bool) -> Self {
        self.test = test;
        self
    }

    /// Any base URL (`http://127.0.0.1:8080` for the sandbox, a proxy): `http` or `https`,
    /// with a host, no query; a trailing `/` is dropped.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The timeout of one HTTP exchange; default 30 s, at most 10 minutes.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How queries are retried; default [`RetryPolicy::default`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Which secret signs `cardstoragepayout/add` and verifies its callback. The default is
    /// [`SecretKind::Payment`], what an integration reports the gateway accepts (docs/protocol.md
    /// §2.6 marks it uncertain); switch it if your shop's gateway wants the payout secret.
    pub fn card_storage_payout_secret(mut self, kind: SecretKind) -> Self {
        self.card_storage_payout_secret = Some(kind);
        self
    }

    /// Which secret verifies payout notifications (FreedomPay's call to a payout's
    /// `pg_post_link`) and signs their signed replies. The default is [`SecretKind::Payout`]:
    /// the payout page of the documentation (freedompay.kz/docs/merchant-api/payout, whose
    /// post-link section is docs.freedompay.kz api-11622162) says the payout secret is the
    /// `secret_key` of payouts; switch it if your shop's gateway signs them otherwise.
    pub fn payout_notification_secret(mut self, kind: SecretKind) -> Self {
        self.payout_notification_secret = Some(kind);
        self
    }

    /// The key id and secret of a `/v5` JSON API (docs/protocol.md §12.1): the Card and
    /// Partner APIs' `auth_id` and their own secret, issued with their access. The Invoice and
    /// Async APIs use the merchant id and the payment secret ([`ConfigBuilder::secret_key`])
    /// unless set here.
    ///
    /// ```
    /// use freedompay_core::{Config, json::JsonApi};
    ///
    /// let config = Config::builder()
    ///     .merchant_id("123456")
    ///     .secret_key("pay-secret")
    ///     .json_api_key(JsonApi::Card, "654321", "card-api-secret")
    ///     .build()?;
    /// # let _ = config;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    pub fn json_api_key(
        mut self,
        api: crate::json::JsonApi,
        key_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.json.set_key(api, key_id.into(), secret.into());
        self
    }

    /// The base URL of a `/v5` JSON API when it is not the config's
    /// ([`ConfigBuilder::base_url`]): `https://...`, no trailing path.
    pub fn json_api_base_url(mut self, api: crate::json::JsonApi, url: impl Into<String>) -> Self {
        self.json.set_base_url(api, url.into());
        self
    }

    /// The JWS header shape of a `/v5` JSON API, replacing the SDK's reading of the
    /// documentation ([`JwsProfile`](crate::json::JwsProfile)): for when FreedomPay tells
    /// you the gateway expects another one (the published examples disagree, docs/protocol.md
    /// §12.1).
    pub fn json_api_profile(
        mut self,
        api: crate::json::JsonApi,
        profile: crate::json::JwsProfile,
    ) -> Self {
        self.json.set_profile(api, profile);
        self
    }

    /// Checks the settings and builds the config.
    pub fn build(self) -> Result<Config, InvalidInput> {
        let merchant_id = self
            .merchant_id
            .ok_or_else(|| InvalidInput::new("merchant_id", "is required"))?;
        if merchant_id.is_empty()
            || merchant_id.len() > 20
            || !merchant_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(InvalidInput::new("merchant_id", "must be 1 to 20 digits"));
        }
        let payment_secret = self
            .payment_secret
            .ok_or_else(|| InvalidInput::new("secret_key", "is required"))??;
        let payout_secret = match (self.payout_secret, self.payout_same_as_payment) {
            (Some(_), true) => {
                return Err(InvalidInput::new(
                    PAYOUT_SECRET_SETTING,
                    "give either a payout secret or payout_secret_same_as_payment(), not both",
                ));
            }
            (Some(key), false) => PayoutSecret::Own(key?),
            (None, true) => PayoutSecret::SameAsPayment,
            (None, false) => PayoutSecret::Unset,
        };
        let base_url = match self.base_url {
            Some(url) => check_base_url(url)?,
            None => {
                let region = self.region.unwrap_or(Region::Kz);
                if self.test {
                    region
                        .test_url()
                        .ok_or_else(|| {
                            InvalidInput::new(
                                "base_url",
                                "this region publishes no test host; give the base URL",
                            )
                        })?
                        .to_owned()
                } else {
                    region.production_url().to_owned()
                }
            }
        };
        let timeout = self.timeout.unwrap_or(Duration::from_secs(30));
        if timeout.is_zero() || timeout > Duration::from_secs(600) {
            return Err(InvalidInput::new(
                "timeout",
                "must be more than zero and at most 600 seconds",
            ));
        }
        let retry = self.retry.unwrap_or_default();
        if retry.max_attempts == 0 || retry.max_attempts > 10 {
            return Err(InvalidInput::new("retry.max_attempts", "must be 1 to 10"));
        }
        Ok(Config {
            merchant_id,
            payment_secret,
            payout_secret,
            base_url,
            timeout,
            retry,
            card_storage_payout_secret: self
                .card_storage_payout_secret
                .unwrap_or(SecretKind::Payment),
            payout_notification_secret: self
                .payout_notification_secret
                .unwrap_or(SecretKind::Payout),
            json: self.json.checked()?,
            urls: std::sync::Arc::new(freedompay_transport::Prepared::new(OPERATION_URLS)),
        })
    }
}

pub(crate) fn check_base_url(url: String) -> Result<String, InvalidInput> {
    let url = url.trim_end_matches('/').to_owned();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| InvalidInput::new("base_url", "must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(InvalidInput::new("base_url", "must have a host"));
    }
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InvalidInput::new(
            "base_url",
            "must have no query, fragment or spaces",
        ));
    }
    Ok(url)
}
