//! `POST /init_payout.php`: starts a payout to a phone's mobile balance.

use crate::declare::amount_to_send;
use crate::{Amount, DateTime, Description, OrderId, PaymentId, SecretKind, Status};

operation! {
    /// Starts a payout to a mobile phone's balance (`/init_payout.php`, payout secret; seed 002):
    /// the first of two steps. When the answer's status is `ok`, continue with
    /// [`MobilePayout`](super::MobilePayout) and the phone number.
    ///
    /// Seed 002 names Tele2 and Altel as the operators that accept such payouts. The payout
    /// secret follows docs/protocol.md §2.6 (inferred: it is a payout). Never resent after a failure
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
    pub struct MobilePayoutInit => MobilePayoutInitResult {
        name: "mobile_payout_init",
        path: "/init_payout.php",
        secret: SecretKind::Payout,
        moves_money: true,
        order_id: order_id;
        /// A payout of `amount` to a phone (given in the next step), valid until
        /// `order_time_limit` (gateway local time).
        pub fn new(
            order_id: OrderId,
            amount: Amount,
            description: Description,
            order_time_limit: DateTime,
        );
        "pg_order_id" => order_id,
        "pg_amount" => amount [check amount_to_send],
        "pg_description" => description,
        "pg_order_time_limit" => order_time_limit,
    }
}

reply! {
    /// A mobile payout, started.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct MobilePayoutInitResult {
        /// `pg_status`: `ok` to continue with [`MobilePayout`](super::MobilePayout).
        status: Status = "pg_status",
        /// `pg_payment_id`: what [`MobilePayout`](super::MobilePayout) continues.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_merchant` (so named in this reply), as echoed.
        merchant_id: Option<String> = "pg_merchant",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

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
}
