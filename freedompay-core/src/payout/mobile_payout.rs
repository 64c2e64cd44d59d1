//! `POST /mfs/payout`: the second step of a payout to a mobile balance.

use crate::{Config, InvalidInput, PaymentId, Phone, SecretKind, Status};

/// The operator codes are those of mobile commerce: one type for both directions.
pub use crate::payment::MobileOperator;

operation! {
    /// Sends a mobile payout started by [`MobilePayoutInit`](super::MobilePayoutInit) to a
    /// phone (`POST /mfs/payout`, script `payout`).
    ///
    /// **Assumption.** FreedomPay does not publish this call's fields (seed 002 stops at its
    /// URL). They are taken by analogy with the documented `POST /mfs/pay` of mobile commerce
    /// (docs/protocol.md §1.7): `pg_payment_id`, `pg_abonent_phone`, `pg_payment_system_code`; so is
    /// the reply (`pg_status`, `pg_payment_id`). The secret is assumed to be the payout secret,
    /// like the [`MobilePayoutInit`](super::MobilePayoutInit) it continues; switch with
    /// [`MobilePayout::signed_with`] if your gateway wants the payment secret (mobile commerce
    /// uses it). Never resent after a failure that may have reached the gateway.
    ///
    /// ```
    /// use freedompay_core::{PaymentId, Phone, payout::{MobileOperator, MobilePayout}};
    ///
    /// let payout = MobilePayout::new(
    ///     PaymentId::new(4567788)?,
    ///     Phone::new("+7 707 777 77 77")?,
    ///     MobileOperator::Tele2Kzt,
    /// );
    /// # let _ = payout;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct MobilePayout => MobilePayoutResult {
        name: "mobile_payout",
        path: "/mfs/payout",
        secret: |op: &MobilePayout, _: &Config| op.secret,
        moves_money: true;
        /// Pays the started payout `payment_id` to `phone`, served by `operator`.
        pub fn new(payment_id: PaymentId, phone: Phone, operator: MobileOperator);
        "pg_payment_id" => payment_id,
        "pg_abonent_phone" => phone,
        "pg_payment_system_code" => operator [check operator_code],
        _ => secret: SecretKind = SecretKind::Payout,
    }
}

impl MobilePayout {
    /// Signs the request (and verifies its reply) with this secret instead of the payout
    /// secret.
    pub fn signed_with(mut self, secret: SecretKind) -> Self {
        self.secret = secret;
        self
    }
}

/// A known operator, or an unknown code of 1 to 50 Latin capitals, digits and `_`.
fn operator_code(field: &'static str, operator: &MobileOperator) -> Result<(), InvalidInput> {
    if let MobileOperator::Unknown(code) = operator
        && (code.is_empty()
            || code.len() > 50
            || !code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
    {
        return Err(InvalidInput::new(
            field,
            "an operator code is 1 to 50 Latin capitals, digits and '_'",
        ));
    }
    Ok(())
}

reply! {
    /// The answer to a mobile payout.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct MobilePayoutResult {
        /// `pg_status`: `ok`, or `process`/`pending` (query the status later).
        status: Status = "pg_status",
        /// `pg_payment_id`, as echoed.
        payment_id: Option<PaymentId> = "pg_payment_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_signed_with, config, reply, salt, wire};
    use crate::{ErrorKind, prepare};

    fn payout() -> MobilePayout {
        MobilePayout::new(
            PaymentId::new(4_567_788).unwrap(),
            Phone::new("+77077777777").unwrap(),
            MobileOperator::Tele2Kzt,
        )
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&payout()));
    }

    #[test]
    fn signed_with_the_payment_secret_when_asked() {
        let payout = payout().signed_with(SecretKind::Payment);
        assert_signed_with(&payout, SecretKind::Payment);
        assert!(reply(&payout, "payout/mfs_payout.xml").is_ok());
    }

    #[test]
    fn an_unknown_operator_code_is_sent_when_well_formed() {
        let other = MobilePayout::new(
            PaymentId::new(1).unwrap(),
            Phone::new("77077777777").unwrap(),
            MobileOperator::Unknown("IZI_KZT".into()),
        );
        assert!(prepare(&config(), &other, &salt()).is_ok());
        for bad in ["", "izikzt", "IZI KZT", &"A".repeat(51)] {
            let bad = MobilePayout::new(
                PaymentId::new(1).unwrap(),
                Phone::new("77077777777").unwrap(),
                MobileOperator::Unknown(bad.into()),
            );
            let error = prepare(&config(), &bad, &salt()).unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "pg_payment_system_code")
            );
        }
    }
}
