//! `POST /g2g/p2p/status`: the state of a transfer.

use core::time::Duration;

use freedompay_sign::Fields;

use crate::payment::PaymentState;
use crate::{
    Amount, Config, Currency, InvalidInput, Lookup, NotFound, NotFoundEvidence, Operation,
    PaymentId, ReadError, Response, SecretKind, Status,
};

/// Asks for the state of a transfer (`/g2g/p2p/status`, payment secret [?] as
/// [`CardTransfer`](super::CardTransfer); freedompay.kz/docs-en/gateway-api/transfer
/// "Getting the transfer status"; docs/protocol.md §11).
///
/// The page gives the address but its field tables were not published with it [?]: the
/// query sends the transfer's `pg_payment_id` (what the transfer's reply gives), and the
/// reply is read leniently: only `pg_status` and `pg_payment_id` are required.
///
/// The answer is a [`Lookup`]: `pg_payment_id` 0 or an error coded 340 is
/// [`Lookup::NotFound`], which proves the transfer never arrived only when asked a minute or
/// more after its last attempt ([`CardTransferStatus::since_last_attempt`]).
///
/// ```
/// use freedompay_core::gateway::CardTransferStatus;
/// use freedompay_core::PaymentId;
///
/// let query = CardTransferStatus::new(PaymentId::new(1_234_567_890)?);
/// # let _ = query;
/// # Ok::<(), freedompay_core::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardTransferStatus {
    payment_id: PaymentId,
    since_last_attempt: Option<Duration>,
}

impl CardTransferStatus {
    /// The state of the transfer with this id.
    pub fn new(payment_id: PaymentId) -> Self {
        Self {
            payment_id,
            since_last_attempt: None,
        }
    }

    /// How long after the transfer's last attempt this query is made: a "not found" is
    /// conclusive only a minute or more after it.
    pub fn since_last_attempt(mut self, elapsed: Duration) -> Self {
        self.since_last_attempt = Some(elapsed);
        self
    }
}

/// The state of a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardTransferStatusInfo {
    /// `pg_status` of the request (`ok`).
    pub status: Status,
    /// `pg_payment_id`.
    pub payment_id: PaymentId,
    /// `pg_order_id`.
    pub order_id: Option<String>,
    /// `pg_payment_status`: where the transfer stands.
    pub payment_status: Option<PaymentState>,
    /// `pg_amount`: the amount debited.
    pub amount: Option<Amount>,
    /// `pg_currency`.
    pub currency: Option<Currency>,
    /// `pg_failure_code`, as received.
    pub failure_code: Option<String>,
    /// `pg_failure_description`.
    pub failure_description: Option<String>,
}

impl Operation for CardTransferStatus {
    /// [`Lookup::NotFound`] when FreedomPay knows no such transfer.
    type Output = Lookup<CardTransferStatusInfo>;
    const NAME: &'static str = "gateway_transfer_status";
    const PATH: &'static str = "/g2g/p2p/status";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        fields.push("pg_payment_id", self.payment_id.to_string());
        Ok(())
    }

    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Self::Output> {
        Some(Lookup::NotFound(NotFound::new(
            evidence,
            self.since_last_attempt,
        )))
    }

    fn read(&self, reply: &Response<'_>) -> Result<Self::Output, ReadError> {
        super::super::lookup(reply, self.since_last_attempt, |payment_id| {
            Ok(CardTransferStatusInfo {
                status: reply.require("pg_status")?,
                payment_id,
                order_id: reply.get("pg_order_id")?,
                payment_status: reply.get("pg_payment_status")?,
                amount: reply.get("pg_amount")?,
                currency: reply.get("pg_currency")?,
                failure_code: reply.get("pg_failure_code")?,
                failure_description: reply.get("pg_failure_description")?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&CardTransferStatus::new(
            PaymentId::new(1_234_567_890).unwrap()
        )));
    }
}
