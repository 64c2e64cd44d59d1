//! `POST /init_payout.php`: starts a payout to a phone's mobile balance.

use freedompay_sign::Fields;

use crate::{
    Amount, Config, DateTime, Description, InvalidInput, Operation, OrderId, PaymentId, ReadError,
    Response, SecretKind, Status,
};

/// Starts a payout to a mobile phone's balance (`/init_payout.php`, payout secret; seed 002):
/// the first of two steps. When the answer's status is `ok`, continue with
/// [`MobilePayout`](super::MobilePayout) and the phone number.
///
/// Seed 002 names Tele2 and Altel as the operators that accept such payouts. The payout
/// secret follows PROTOCOL.md §2.6 (inferred: it is a payout). Never resent after a failure
/// that may have reached the gateway.
///
/// ```
/// use freedompay_core::{Amount, DateTime, Description, OrderId, payout::MobilePayoutInit};
///
/// let init = MobilePayoutInit::new(
///     OrderId::new("23")?,
///     Amount::parse("25")?,
///     Description::new("Bonus")?,
///     DateTime::parse("2026-12-31 12:00:00")?,
/// );
/// # let _ = init;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobilePayoutInit {
    order_id: OrderId,
    amount: Amount,
    description: Description,
    order_time_limit: DateTime,
}

impl MobilePayoutInit {
    /// A payout of `amount` to a phone (given in the next step), valid until
    /// `order_time_limit` (gateway local time).
    pub fn new(
        order_id: OrderId,
        amount: Amount,
        description: Description,
        order_time_limit: DateTime,
    ) -> Self {
        Self {
            order_id,
            amount,
            description,
            order_time_limit,
        }
    }
}

/// A mobile payout, started.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MobilePayoutInitResult {
    /// `pg_status`: `ok` to continue with [`MobilePayout`](super::MobilePayout).
    pub status: Status,
    /// `pg_payment_id`: what [`MobilePayout`](super::MobilePayout) continues.
    pub payment_id: PaymentId,
    /// `pg_merchant` (so named in this reply), as echoed.
    pub merchant_id: Option<String>,
    /// `pg_order_id`, as echoed.
    pub order_id: Option<String>,
}

impl Operation for MobilePayoutInit {
    type Output = MobilePayoutInitResult;
    const NAME: &'static str = "mobile_payout_init";
    const PATH: &'static str = "/init_payout.php";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn order_id(&self) -> Option<&str> {
        Some(self.order_id.as_str())
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_order_id", self.order_id.as_str());
        fields.push("pg_amount", self.amount.to_string());
        fields.push("pg_description", self.description.as_str());
        fields.push("pg_order_time_limit", self.order_time_limit.to_string());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<MobilePayoutInitResult, ReadError> {
        Ok(MobilePayoutInitResult {
            status: reply.require("pg_status")?,
            payment_id: reply.require("pg_payment_id")?,
            merchant_id: reply.get("pg_merchant")?,
            order_id: reply.get("pg_order_id")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, reply, wire};
    use crate::{ErrorCode, ErrorKind};

    /// Seed 002's request.
    fn init() -> MobilePayoutInit {
        MobilePayoutInit::new(
            OrderId::new("23").unwrap(),
            Amount::parse("25").unwrap(),
            Description::new("test").unwrap(),
            DateTime::parse("2020-12-31 12:00:00").unwrap(),
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&init()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&init(), SecretKind::Payout);
    }

    /// Seed 002's sample signature string, with its placeholders filled and the salt
    /// `molbulak`: `init_payout.php;25;test;123456;23;2020-12-31 12:00:00;molbulak;SECRET`.
    #[test]
    fn signs_the_seed_string() {
        let config = crate::testing::config();
        let fields = crate::operation_fields(
            &config,
            &init(),
            &freedompay_sign::Salt::new("molbulak").unwrap(),
        )
        .unwrap();
        let script = freedompay_sign::ScriptName::new("init_payout.php").unwrap();
        let explained = freedompay_sign::explain(&script, &fields).unwrap();
        assert_eq!(
            explained,
            "init_payout.php;25;test;123456;23;2020-12-31 12:00:00;molbulak;***"
        );
    }

    #[test]
    fn reads_the_seed_reply() {
        let result = reply(&init(), "payout/init_payout.xml").expect("reads");
        assert_eq!(result.status, Status::Ok);
        assert_eq!(result.payment_id.get(), 4_567_788);
        assert_eq!(result.merchant_id.as_deref(), Some("123456"));
        assert_eq!(result.order_id.as_deref(), Some("23"));
    }

    #[test]
    fn an_error_reply_is_a_gateway_error() {
        match reply(&init(), "payout/init_payout_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::Validation)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
