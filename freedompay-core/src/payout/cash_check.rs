//! `POST /api/cbc/check`: creates a cash-by-code payout (cash from an ATM).

use freedompay_sign::Fields;

use crate::{
    Amount, Config, InvalidInput, Operation, OrderId, PaymentId, Phone, ReadError, Response,
    SecretKind, Status, Url,
};

/// Creates a cash-by-code payout (`/api/cbc/check`, payout secret; seed 002): the first of
/// three steps of paying out cash at an ATM.
///
/// 1. [`CashByCodeCheck`] creates the payout for a phone number and an amount.
/// 2. [`CashByCodeExec`](super::CashByCodeExec) executes it: FreedomPay sends the recipient
///    two SMS with the codes to type at the ATM, with the amount.
/// 3. [`CashByCodeStatus`](super::CashByCodeStatus) tells whether the cash was withdrawn; the
///    recipient has 24 hours, after which the amount returns to the merchant's balance. Ask
///    **at most once every 3 hours**.
///
/// The documentation says the method "does not contain any callbacks", yet the request takes
/// a `pg_post_link`: should FreedomPay call it, read the call with
/// [`PayoutNotification`](super::PayoutNotification) (or
/// [`VerifiedCallback`](crate::callback::VerifiedCallback) with the payout secret), and do
/// not rely on it. Never resent after a failure that may have reached the gateway.
///
/// (Seed 002's sample signature leaves `pg_post_link` out; it is sent, so it is signed:
/// docs/protocol.md §6.)
///
/// **The phone goes without the country code**: seed 002 sends `pg_phone=7073175200`, the
/// 10 digits of a Kazakh number after `+7`. A [`Phone`] of any other length (`+7 707 317 52
/// 00` is 11 digits) is refused before anything is sent. The amount is sent as given; the
/// documentation's sample is a whole number of tenge (`2000`), and it states no other rule.
///
/// ```
/// use freedompay_core::{Amount, OrderId, Phone, Url, payout::CashByCodeCheck};
///
/// let check = CashByCodeCheck::new(
///     Phone::new("707 317 52 00")?,
///     Amount::parse("2000")?,
///     OrderId::new("cash-00102")?,
///     Url::new("https://shop.kz/freedompay/payout-notify")?,
/// );
/// # let _ = check;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CashByCodeCheck {
    phone: Phone,
    amount: Amount,
    order_id: OrderId,
    post_link: Url,
}

impl CashByCodeCheck {
    /// A cash payout of `amount` to the holder of `phone`.
    pub fn new(phone: Phone, amount: Amount, order_id: OrderId, post_link: Url) -> Self {
        Self {
            phone,
            amount,
            order_id,
            post_link,
        }
    }
}

/// The digits of the phone of `cbc/check`: a number without its country code (seed 002).
const NATIONAL_DIGITS: usize = 10;

/// A cash-by-code payout, created.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CashByCodeCreated {
    /// `pg_payment_id`: execute it with [`CashByCodeExec`](super::CashByCodeExec).
    pub payment_id: PaymentId,
    /// `pg_status`: `ok`.
    pub status: Status,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for CashByCodeCheck {
    type Output = CashByCodeCreated;
    const NAME: &'static str = "cash_by_code_check";
    const PATH: &'static str = "/api/cbc/check";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        if self.phone.as_str().len() != NATIONAL_DIGITS {
            return Err(InvalidInput::new(
                "pg_phone",
                "cash by code takes the phone without the country code: the 10 digits after +7, like 7073175200",
            ));
        }
        fields.push("pg_phone", self.phone.as_str());
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_post_link", self.post_link.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<CashByCodeCreated, ReadError> {
        Ok(CashByCodeCreated {
            payment_id: reply.require("pg_payment_id")?,
            status: reply.require("pg_status")?,
            order_id: reply.get("pg_order_id")?,
            merchant_id: reply.get("pg_merchant_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    /// Seed 002's request.
    fn check() -> CashByCodeCheck {
        CashByCodeCheck::new(
            Phone::new("7073175200").unwrap(),
            Amount::parse("2000").unwrap(),
            OrderId::new("00102").unwrap(),
            Url::new("http://site.kz/post").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&check()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&check(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_seed_reply() {
        let created = reply(&check(), "payout/cbc_check.xml").expect("reads");
        assert_eq!(created.payment_id.get(), 765_432);
        assert_eq!(created.status, Status::Ok);
        assert_eq!(created.order_id.as_deref(), Some("1234"));
        assert_eq!(created.merchant_id.as_deref(), Some("500001"));
    }

    /// Seed 002 sends `pg_phone=7073175200`: a number with its country code is refused
    /// before anything is signed or sent.
    #[test]
    fn the_phone_goes_without_the_country_code() {
        let with_code = CashByCodeCheck::new(
            Phone::new("+7 707 317 52 00").unwrap(),
            Amount::parse("2000").unwrap(),
            OrderId::new("00102").unwrap(),
            Url::new("http://site.kz/post").unwrap(),
        );
        let error = crate::prepare(
            &crate::testing::config(),
            &with_code,
            &crate::testing::salt(),
        )
        .unwrap_err();
        assert!(!error.may_have_been_sent());
        match error.kind() {
            ErrorKind::InvalidInput(e) => {
                assert_eq!(e.field(), "pg_phone");
                assert!(e.rule().contains("without the country code"), "{e}");
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_error_reply_is_a_gateway_error() {
        match reply(&check(), "payout/cbc_check_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => {
                assert_eq!(e.code(), Some(ErrorCode::MerchantNotIdentified));
                assert_eq!(e.description(), Some("Empty merchant"));
            }
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
