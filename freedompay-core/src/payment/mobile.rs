//! Payments from the payer's mobile phone balance (PROTOCOL.md §1.7): after
//! [`InitPayment::mobile_commerce`](super::InitPayment::mobile_commerce), `POST /mfs/pay`
//! and, when the operator asks for a code, `POST /mfs/approve`.

use core::fmt;

use freedompay_sign::Fields;

use crate::{
    Config, InvalidInput, Operation, PaymentId, Phone, ReadError, Response, SecretKind, Status,
};

/// The payer's mobile operator (`pg_payment_system_code`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MobileOperator {
    /// `TELE2KZT`: Tele2, Kazakhstan.
    Tele2Kzt,
    /// `ALTELKZT`: Altel, Kazakhstan.
    AltelKzt,
    /// `BEELINEKZT`: Beeline, Kazakhstan.
    BeelineKzt,
    /// `KCELLKZT`: Kcell, Kazakhstan.
    KcellKzt,
    /// `ACTIVKZT`: Activ, Kazakhstan.
    ActivKzt,
    /// Another code, sent as given.
    Unknown(String),
}

impl MobileOperator {
    /// The operator of a code, or [`MobileOperator::Unknown`].
    pub fn from_code(code: &str) -> Self {
        match code {
            "TELE2KZT" => MobileOperator::Tele2Kzt,
            "ALTELKZT" => MobileOperator::AltelKzt,
            "BEELINEKZT" => MobileOperator::BeelineKzt,
            "KCELLKZT" => MobileOperator::KcellKzt,
            "ACTIVKZT" => MobileOperator::ActivKzt,
            other => MobileOperator::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            MobileOperator::Tele2Kzt => "TELE2KZT",
            MobileOperator::AltelKzt => "ALTELKZT",
            MobileOperator::BeelineKzt => "BEELINEKZT",
            MobileOperator::KcellKzt => "KCELLKZT",
            MobileOperator::ActivKzt => "ACTIVKZT",
            MobileOperator::Unknown(code) => code,
        }
    }
}

impl fmt::Display for MobileOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
pub struct MobilePayment {
    payment_id: PaymentId,
    phone: Phone,
    operator: MobileOperator,
}

impl MobilePayment {
    /// Charges `phone`'s balance at `operator` for the payment.
    pub fn new(payment_id: PaymentId, phone: Phone, operator: MobileOperator) -> Self {
        Self {
            payment_id,
            phone,
            operator,
        }
    }
}

/// The gateway's answer to a mobile balance charge or its approval.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MobilePaymentResult {
    /// `pg_status`: `ok`, `need_approve` (send the code with [`ApproveMobilePayment`]) or
    /// `process`.
    pub status: Status,
    /// `pg_payment_id`.
    pub payment_id: Option<PaymentId>,
}

impl MobilePaymentResult {
    /// Whether the payer's code must be sent with [`ApproveMobilePayment`].
    pub fn needs_approval(&self) -> bool {
        self.status == Status::NeedApprove
    }
}

fn read_result(reply: &Response<'_>) -> Result<MobilePaymentResult, ReadError> {
    Ok(MobilePaymentResult {
        status: reply.require("pg_status")?,
        payment_id: reply.get("pg_payment_id")?,
    })
}

impl Operation for MobilePayment {
    type Output = MobilePaymentResult;
    const NAME: &'static str = "mobile_payment";
    const PATH: &'static str = "/mfs/pay";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        fields.push("pg_abonent_phone", self.phone.as_str());
        super::options::check_token("pg_payment_system_code", self.operator.as_str())?;
        fields.push("pg_payment_system_code", self.operator.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<MobilePaymentResult, ReadError> {
        read_result(reply)
    }
}

/// Sends the code the operator gave the payer (`mfs/approve`, script `approve`, payment
/// secret), after a [`MobilePayment`] answered `need_approve`. The reply is `ok` or
/// `process`; a refused code is a [`GatewayError`](crate::GatewayError).
///
/// Moves money: never resent after a failure that may have reached the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApproveMobilePayment {
    payment_id: PaymentId,
    code: String,
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
        Ok(Self { payment_id, code })
    }
}

impl Operation for ApproveMobilePayment {
    type Output = MobilePaymentResult;
    const NAME: &'static str = "approve_mobile_payment";
    const PATH: &'static str = "/mfs/approve";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        fields.push("pg_approval_code", self.code.as_str());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<MobilePaymentResult, ReadError> {
        read_result(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::testing::{assert_signed_with, reply, wire};

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
    fn signed_with_the_payment_secret() {
        assert_signed_with(&pay(), SecretKind::Payment);
        assert_signed_with(&approve(), SecretKind::Payment);
    }

    #[test]
    fn reads_need_approve_then_ok() {
        let first = reply(&pay(), "payment/mfs_pay_need_approve.xml").expect("reads");
        assert_eq!(first.status, Status::NeedApprove);
        assert!(first.needs_approval());
        assert_eq!(first.payment_id.map(PaymentId::get), Some(123_456));
        let second = reply(&approve(), "payment/mfs_approve.xml").expect("reads");
        assert_eq!(second.status, Status::Ok);
        assert!(!second.needs_approval());
    }

    #[test]
    fn a_refused_code_is_a_gateway_error() {
        assert!(matches!(
            reply(&approve(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
        assert!(matches!(
            reply(&pay(), "payment/error.xml"),
            Err(ErrorKind::Gateway(_))
        ));
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
