//! `POST /api/cbc/exec`: executes a cash-by-code payout.

use freedompay_sign::Fields;

use crate::{Config, InvalidInput, Operation, PaymentId, ReadError, Response, SecretKind, Status};

/// Executes a cash-by-code payout created by [`CashByCodeCheck`](super::CashByCodeCheck)
/// (`/api/cbc/exec`, payout secret; seed 002): FreedomPay sends the recipient the codes to
/// withdraw the cash. Then poll [`CashByCodeStatus`](super::CashByCodeStatus), at most once
/// every 3 hours.
///
/// Never resent after a failure that may have reached the gateway: ask
/// [`CashByCodeStatus`](super::CashByCodeStatus) instead.
///
/// ```
/// use freedompay_core::{PaymentId, payout::CashByCodeExec};
///
/// let exec = CashByCodeExec::new(PaymentId::new(765432)?);
/// # let _ = exec;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CashByCodeExec {
    payment_id: PaymentId,
}

impl CashByCodeExec {
    /// Executes the cash payout `payment_id`.
    pub fn new(payment_id: PaymentId) -> Self {
        Self { payment_id }
    }
}

/// A cash-by-code payout, executed: the recipient has the codes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CashByCodeExecuted {
    /// `pg_status`: `ok`.
    pub status: Status,
    /// `pg_payment_id`, as echoed.
    pub payment_id: Option<PaymentId>,
    /// `pg_merchant_id`, as echoed.
    pub merchant_id: Option<String>,
}

impl Operation for CashByCodeExec {
    type Output = CashByCodeExecuted;
    const NAME: &'static str = "cash_by_code_exec";
    const PATH: &'static str = "/api/cbc/exec";
    const MOVES_MONEY: bool = true;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payout
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<CashByCodeExecuted, ReadError> {
        Ok(CashByCodeExecuted {
            status: reply.require("pg_status")?,
            payment_id: reply.get("pg_payment_id")?,
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
    fn exec() -> CashByCodeExec {
        CashByCodeExec::new(PaymentId::new(486_456_456).unwrap())
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&exec()));
    }

    #[test]
    fn signed_with_the_payout_secret() {
        assert_signed_with(&exec(), SecretKind::Payout);
    }

    #[test]
    fn reads_the_seed_reply() {
        let executed = reply(&exec(), "payout/cbc_exec.xml").expect("reads");
        assert_eq!(executed.status, Status::Ok);
        assert_eq!(executed.payment_id, PaymentId::new(765_432).ok());
        assert_eq!(executed.merchant_id.as_deref(), Some("500001"));
    }

    #[test]
    fn the_seed_error_reply_is_a_gateway_error() {
        match reply(&exec(), "payout/cbc_exec_error.xml").unwrap_err() {
            ErrorKind::Gateway(e) => assert_eq!(e.code(), Some(ErrorCode::MerchantNotIdentified)),
            other => panic!("expected a gateway error, got {other:?}"),
        }
    }
}
