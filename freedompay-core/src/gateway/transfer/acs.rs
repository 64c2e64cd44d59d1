//! `POST /g2g/p2p/transfer_acs`: the transfer's continuation after 3-D Secure.

use super::CardTransferResult;
use crate::{InvalidInput, PaymentId, SecretKind};

operation! {
    /// Completes a transfer after the payer passed the issuer's 3-D Secure page
    /// (`/g2g/p2p/transfer_acs`, payment secret [?] as [`CardTransfer`](super::CardTransfer);
    /// freedompay.kz/docs-en/gateway-api/transfer "Making a transfer with 3DSecure";
    /// docs/protocol.md §11).
    ///
    /// `md` and `pares` are the `MD` and `PaRes` the ACS posted back to the merchant's
    /// `TermUrl`. The transfer page does not list this call's fields [?]: they are those of
    /// the Gateway payment's own 3-D Secure continuation (`pg_payment_id`, `pg_md`,
    /// `pg_pares`; docs.freedompay.kz api-9586999).
    ///
    /// Moves money (the debit happens now): never resent after a failure that may have
    /// reached the gateway; find out with [`CardTransferStatus`](super::CardTransferStatus).
    ///
    /// ```
    /// use freedompay_core::gateway::CompleteCardTransfer;
    /// use freedompay_core::PaymentId;
    ///
    /// let done = CompleteCardTransfer::new(PaymentId::new(1_234_567_890)?, "abc123456", "eJxVUt1ugjAU")?;
    /// # let _ = done;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CompleteCardTransfer => CardTransferResult {
        name: "gateway_complete_card_transfer",
        path: "/g2g/p2p/transfer_acs",
        secret: SecretKind::Payment,
        moves_money: true;
        fn checked(payment_id: PaymentId, md: String, pares: String);
        "pg_payment_id" => payment_id,
        "pg_md" => md,
        "pg_pares" => pares,
    }
}

impl CompleteCardTransfer {
    /// The continuation of the transfer `payment_id` with the ACS's `MD` and `PaRes`
    /// (neither may be empty).
    pub fn new(
        payment_id: PaymentId,
        md: impl Into<String>,
        pares: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let (md, pares) = (md.into(), pares.into());
        if md.trim().is_empty() {
            return Err(InvalidInput::new("pg_md", "the ACS's MD is required"));
        }
        if pares.trim().is_empty() {
            return Err(InvalidInput::new("pg_pares", "the ACS's PaRes is required"));
        }
        Ok(Self::checked(payment_id, md, pares))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::wire;

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(
            &CompleteCardTransfer::new(
                PaymentId::new(1_234_567_890).unwrap(),
                "abc123456",
                "eJxVUt1ugjAU"
            )
            .unwrap()
        ));
    }

    #[test]
    fn the_acs_values_are_required() {
        let id = PaymentId::new(1).unwrap();
        assert_eq!(
            CompleteCardTransfer::new(id, "", "x").unwrap_err().field(),
            "pg_md"
        );
        assert_eq!(
            CompleteCardTransfer::new(id, "x", " ").unwrap_err().field(),
            "pg_pares"
        );
    }
}
