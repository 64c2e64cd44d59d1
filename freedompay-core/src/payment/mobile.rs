//! Payments from the payer's mobile phone balance (docs/protocol.md §1.7): after
//! [`InitPayment::mobile_commerce`](super::InitPayment::mobile_commerce), `POST /mfs/pay`
//! and, when the operator asks for a code, `POST /mfs/approve`.

use super::options::check_token;
use crate::{InvalidInput, PaymentId, Phone, SecretKind, Status};

wire_enum! {
    /// The payer's mobile operator (`pg_payment_system_code`).
    MobileOperator {
        /// `TELE2KZT`: Tele2, Kazakhstan.
        Tele2Kzt = "TELE2KZT",
        /// `ALTELKZT`: Altel, Kazakhstan.
        AltelKzt = "ALTELKZT",
        /// `BEELINEKZT`: Beeline, Kazakhstan.
        BeelineKzt = "BEELINEKZT",
        /// `KCELLKZT`: Kcell, Kazakhstan.
        KcellKzt = "KCELLKZT",
        /// `ACTIVKZT`: Activ, Kazakhstan.
        ActivKzt = "ACTIVKZT",
    }
}

impl MobileOperator {
    /// The operator of a code, or [`MobileOperator::Unknown`] (sent as given).
    pub fn from_code(code: &str) -> Self {
        Self::from_wire_str(code)
    }
}

operation! {
    /// Charges the payer's phone balance for a payment created with
    /// [`InitPayment::mobile_commerce`](super::InitPayment::mobile_commerce) (`mfs/pay`, script
    /// `pay`, payment secret). The reply is `ok`, or `need_approve`: the operator sent the payer
    /// a code, to pass on with [`ApproveMobilePayment`].
    ///
    /// Moves money: never resent after a failure that may have reached the gateway.
    ///
    /// ```
    /// use freedompay_core::payment::{MobileOperator, MobilePayment};
    /// use freedompay_core::{PaymentId, Phone};
    ///
    /// let pay = MobilePayment::new(PaymentId::new(123_456)?, Phone::new("+7 701 777 77 77")?, MobileOperator::KcellKzt);
    /// # let _ = pay;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct MobilePayment => MobilePaymentResult {
        name: "mobile_payment",
        path: "/mfs/pay",
        secret: SecretKind::Payment,
        moves_money: true;
        /// Charges `phone`'s balance at `operator` for the payment.
        pub fn new(payment_id: PaymentId, phone: Phone, operator: MobileOperator);
        "pg_payment_id" => payment_id,
        "pg_abonent_phone" => phone,
        "pg_payment_system_code" => operator [check |f, o: &MobileOperator| check_token(f, o.as_str())],
    }
}

reply! {
    /// The gateway's answer to a mobile balance charge or its approval.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct MobilePaymentResult {
        /// `pg_status`: `ok`, `need_approve` (send the code with [`ApproveMobilePayment`]) or
        /// `process`.
        status: Status = "pg_status",
        /// `pg_payment_id`.
        payment_id: Option<PaymentId> = "pg_payment_id",
    }
}

impl MobilePaymentResult {
    /// Whether the payer's code must be sent with [`ApproveMobilePayment`].
    pub fn needs_approval(&self) -> bool {
        self.status == Status::NeedApprove
    }
}

operation! {
    /// Sends the code the operator gave the payer (`mfs/approve`, script `approve`, payment
    /// secret), after a [`MobilePayment`] answered `need_approve`. The reply is `ok` or
    /// `process`; a refused code is a [`GatewayError`](crate::GatewayError).
    ///
    /// Moves money: never resent after a failure that may have reached the gateway.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ApproveMobilePayment => MobilePaymentResult {
        name: "approve_mobile_payment",
        path: "/mfs/approve",
        secret: SecretKind::Payment,
        moves_money: true;
        fn checked(payment_id: PaymentId, code: ApprovalCode);
        "pg_payment_id" => payment_id,
        "pg_approval_code" => code,
    }
}

impl ApproveMobilePayment {
    /// Approves the payment with the payer's code: 1 to 32 ASCII letters or digits.
    pub fn new(payment_id: PaymentId, code: impl Into<String>) -> Result<Self, InvalidInput> {
        let code = code.into();
        if code.is_empty() || code.len() > 32 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(InvalidInput::new(
                "pg_approval_code",
                "must be 1 to 32 ASCII letters or digits",
            ));
        }
        Ok(Self::checked(payment_id, ApprovalCode(code)))
    }
}

/// The payer's one-time code: on the wire only; `Debug` and `Serialize` show `***`.
#[derive(Clone, PartialEq, Eq)]
struct ApprovalCode(String);

impl ApprovalCode {
    fn reveal(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Debug for ApprovalCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ApprovalCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("***")
    }
}

to_wire!(ApprovalCode => reveal);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{reply, wire};

    fn pay() -> MobilePayment {
        MobilePayment::new(
            PaymentId::new(123_456).unwrap(),
            Phone::new("+7 701 777 77 77").unwrap(),
            MobileOperator::KcellKzt,
        )
    }

    fn approve() -> ApproveMobilePayment {
        ApproveMobilePayment::new(PaymentId::new(123_456).unwrap(), "111111").unwrap()
    }

    #[test]
    fn wire_requests() {
        insta::assert_snapshot!("mobile_pay", wire(&pay()));
        insta::assert_snapshot!("mobile_approve", wire(&approve()));
    }

    #[test]
    fn the_approval_code_is_on_the_wire_only() {
        assert!(!format!("{:?}", approve()).contains("111111"));
        assert!(wire(&approve()).contains("pg_approval_code=111111"));
    }

    #[test]
    fn need_approve_asks_for_the_code() {
        let first = reply(&pay(), "payment/mfs_pay_need_approve.xml").expect("reads");
        assert!(first.needs_approval());
        let second = reply(&approve(), "payment/mfs_approve.xml").expect("reads");
        assert!(!second.needs_approval());
    }

    #[test]
    fn operators_and_codes() {
        for code in [
            "TELE2KZT",
            "ALTELKZT",
            "BEELINEKZT",
            "KCELLKZT",
            "ACTIVKZT",
            "NEWKZT",
        ] {
            assert_eq!(MobileOperator::from_code(code).as_str(), code);
        }
        assert!(ApproveMobilePayment::new(PaymentId::new(1).unwrap(), "").is_err());
        assert!(ApproveMobilePayment::new(PaymentId::new(1).unwrap(), "11 11").is_err());
    }
}
