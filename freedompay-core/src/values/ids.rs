//! Identifiers: the merchant's order and user ids, the gateway's payment ids, idempotency keys.

use core::fmt;

use crate::InvalidInput;

fn no_control(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

/// The merchant's order id (`pg_order_id`): 1 to 50 characters, no control characters.
/// It should be unique per payment or payout; it is what you reconcile by when the outcome of
/// a call is unknown.
///
/// ```
/// use freedompay_core::OrderId;
///
/// let id = OrderId::new("order-2026-0042")?;
/// assert_eq!(id.as_str(), "order-2026-0042");
/// assert!(OrderId::new("").is_err());
/// assert!(OrderId::new("x".repeat(51)).is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderId(pub(super) String);

impl OrderId {
    /// The longest order id the gateway accepts, in characters.
    pub const MAX_LEN: usize = 50;

    /// Checks and takes an order id.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        let len = id.chars().count();
        if len == 0 {
            return Err(InvalidInput::new("pg_order_id", "must not be empty"));
        }
        if len > Self::MAX_LEN {
            return Err(InvalidInput::new(
                "pg_order_id",
                "must be at most 50 characters",
            ));
        }
        if !no_control(&id) {
            return Err(InvalidInput::new(
                "pg_order_id",
                "must not contain control characters",
            ));
        }
        Ok(Self(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(OrderId => new);

/// The merchant's id of a customer (`pg_user_id`): 1 to 50 characters of
/// `[A-Za-z0-9_-]` (docs/protocol.md §1.1; the official Android SDK checks the same).
///
/// ```
/// use freedompay_core::UserId;
///
/// assert!(UserId::new("user_42-a").is_ok());
/// assert!(UserId::new("user 42").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    /// The longest user id, in characters.
    pub const MAX_LEN: usize = 50;

    /// Checks and takes a user id.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        if id.is_empty() || id.len() > Self::MAX_LEN {
            return Err(InvalidInput::new(
                "pg_user_id",
                "must be 1 to 50 characters",
            ));
        }
        if !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(InvalidInput::new(
                "pg_user_id",
                "may contain only A-Z, a-z, 0-9, '_' and '-'",
            ));
        }
        Ok(Self(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(UserId => new);

/// The gateway's id of a payment or payout (`pg_payment_id`): a positive integer.
///
/// ```
/// use freedompay_core::PaymentId;
///
/// let id: PaymentId = "123456789".parse()?;
/// assert_eq!(id.get(), 123_456_789);
/// assert!(PaymentId::new(0).is_err());
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentId(u64);

impl PaymentId {
    /// A payment id from its number; zero is refused (the gateway uses 0 for "not found").
    pub fn new(id: u64) -> Result<Self, InvalidInput> {
        if id == 0 {
            return Err(InvalidInput::new(
                "pg_payment_id",
                "must be a positive number",
            ));
        }
        Ok(Self(id))
    }

    /// Parses decimal digits.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new(
                "pg_payment_id",
                "must be a positive number",
            ));
        }
        text.parse::<u64>()
            .map_err(|_| InvalidInput::new("pg_payment_id", "must be a positive number"))
            .and_then(Self::new)
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for PaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

from_text!(PaymentId, parse);

/// A JSON number (`123456789`).
#[cfg(feature = "serde")]
impl serde::Serialize for PaymentId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

/// From a positive number; zero is refused as by [`PaymentId::new`].
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PaymentId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = <u64 as serde::Deserialize>::deserialize(deserializer)?;
        PaymentId::new(id).map_err(serde::de::Error::custom)
    }
}

/// A `pg_idempotency_key`: 1 to 255 visible ASCII characters, unique per merchant. The gateway
/// answers a repeated key with the first call's result instead of acting twice.
///
/// ```
/// use freedompay_core::IdempotencyKey;
///
/// assert!(IdempotencyKey::new("payout-7f3a9c").is_ok());
/// assert!(IdempotencyKey::new("").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(pub(super) String);

impl IdempotencyKey {
    /// The longest key, in bytes.
    pub const MAX_LEN: usize = 255;

    /// Checks and takes a key.
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidInput> {
        let key = key.into();
        if key.is_empty() || key.len() > Self::MAX_LEN {
            return Err(InvalidInput::new(
                "pg_idempotency_key",
                "must be 1 to 255 characters",
            ));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidInput::new(
                "pg_idempotency_key",
                "must be visible ASCII characters",
            ));
        }
        Ok(Self(key))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_value!(IdempotencyKey => new);
