//! `POST /g2g/cardstorage/add` and `/g2g/cardstorage/payment_acs`: storing a card from its
//! data, and the 3-D Secure step that may follow.

use crate::declare::FromReply;
use crate::gateway::{AcsRedirect, not_empty};
use crate::payment::MaskedPan;
use crate::{CardData, OrderId, PaymentId, ReadError, Response, SecretKind, Status, UserId};

operation! {
    /// Stores a payer's card from the card data typed on the merchant's own form
    /// (`/g2g/cardstorage/add`, payment secret; freedompay.kz /docs-en/gateway-api/save-card
    /// "Adding a card", docs.freedompay.kz api-9888280, docs.freedompay.uz api-13679462).
    /// The card's token then pays and pays out (the Token family).
    ///
    /// **PCI DSS**: this call carries card data ([`CardData`]); only a PCI DSS compliant
    /// merchant may make it ("to use this request, you should contact your manager").
    ///
    /// If the card has 3-D Secure, the reply carries an [`AcsRedirect`]
    /// ([`StoreCardResult::three_ds`]); finish with [`CompleteStoreCard`].
    ///
    /// Counted as moving money [?]: the documentation does not say whether the card is
    /// verified by a charge or a hold, and a resent call would store the card twice; it is
    /// never resent after a failure that may have reached the gateway (list the payer's cards
    /// with [`ListStoredCards`](crate::gateway::ListStoredCards) to find out).
    ///
    /// Not modelled [?]: `pg_card_token` instead of `pg_card_pan`, to "enrich the data" of a
    /// card saved with `is_sender=0` (the documentation does not say which other fields go
    /// with it).
    ///
    /// ```
    /// use freedompay_core::gateway::StoreCard;
    /// use freedompay_core::{CardData, CardHolder, CardNumber, Cvc, Expiry, UserId};
    ///
    /// let card = CardData::new(
    ///     CardNumber::parse("4405645000006150")?, // the documentation's example card
    ///     Cvc::parse("653")?,
    ///     Expiry::new(9, 27)?,
    ///     CardHolder::new("TEST TESTOV")?,
    /// );
    /// let store = StoreCard::new(UserId::new("1234")?, card);
    /// assert!(!format!("{store:?}").contains("4405645000006150"));
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StoreCard => StoreCardResult {
        name: "gateway_store_card",
        path: "/g2g/cardstorage/add",
        secret: SecretKind::Payment,
        moves_money: true,
        order_id: order_id;
        /// Stores `card` for the payer `user_id` (the documentation's type for `pg_user_id`
        /// is an integer; any [`UserId`] is sent [?]).
        pub fn new(user_id: UserId, card: CardData);
        "pg_user_id" => user_id,
        /// `pg_order_id`: the merchant's id of this request, unique.
        "pg_order_id" => order_id: Option<OrderId>,
        .. => card,
    }
}

/// The gateway's answer to storing a card.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreCardResult {
    /// `pg_status` (`ok`/`success`).
    pub status: Status,
    /// `pg_payment_id`: the id of the storing transaction (the continuation after 3-D
    /// Secure names it) [?: optional here, the documentation's table was not captured whole].
    pub payment_id: Option<PaymentId>,
    /// The issuer's 3-D Secure step when it asks for one: the card is not stored until
    /// [`CompleteStoreCard`].
    pub three_ds: Option<AcsRedirect>,
    /// `pg_card_token`: the stored card's token [?].
    pub card_token: Option<String>,
    /// `pg_card_id`: the stored card's id (deprecated) [?].
    pub card_id: Option<String>,
    /// `pg_card_hash`: the masked card number [?].
    pub card_hash: Option<MaskedPan>,
    /// `pg_order_id`, as echoed [?].
    pub order_id: Option<String>,
}

impl FromReply for StoreCardResult {
    fn from_reply(reply: &Response<'_>) -> Result<Self, ReadError> {
        let three_ds = AcsRedirect::read(reply)?;
        let payment_id = match &three_ds {
            // The continuation needs the transaction's id.
            Some(_) => Some(reply.require("pg_payment_id")?),
            None => reply.get("pg_payment_id")?,
        };
        Ok(Self {
            status: reply.require("pg_status")?,
            payment_id,
            three_ds,
            card_token: reply.get("pg_card_token")?,
            card_id: reply.get("pg_card_id")?,
            card_hash: reply.get("pg_card_hash")?,
            order_id: reply.get("pg_order_id")?,
        })
    }
}

operation! {
    /// Finishes storing a card after the payer passed the issuer's 3-D Secure page
    /// (`/g2g/cardstorage/payment_acs`, payment secret; freedompay.kz
    /// /docs-en/gateway-api/save-card "Adding a card with 3DSecure").
    ///
    /// The fields are taken to be those of the card payment's 3-D Secure step
    /// (`pg_payment_id`, `pg_md`, `pg_pares`, docs.freedompay.kz api-9586999): the page's
    /// table was not captured [?].
    ///
    /// Counted as moving money, as [`StoreCard`] is [?]: never resent after a failure that may
    /// have reached the gateway.
    ///
    /// ```
    /// use freedompay_core::gateway::CompleteStoreCard;
    /// use freedompay_core::PaymentId;
    ///
    /// let finish = CompleteStoreCard::new(PaymentId::new(555_001)?, "md-from-acs", "pares-from-acs");
    /// # let _ = finish;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CompleteStoreCard => CardStored {
        name: "gateway_complete_store_card",
        path: "/g2g/cardstorage/payment_acs",
        secret: SecretKind::Payment,
        moves_money: true;
        fn checked(payment_id: PaymentId, md: String, pa_res: String);
        "pg_payment_id" => payment_id,
        "pg_md" => md [check not_empty],
        "pg_pares" => pa_res [check not_empty],
    }
}

impl CompleteStoreCard {
    /// Finishes storing the card of transaction `payment_id` with the issuer's `MD` and
    /// `PaRes`.
    pub fn new(payment_id: PaymentId, md: impl Into<String>, pa_res: impl Into<String>) -> Self {
        Self::checked(payment_id, md.into(), pa_res.into())
    }
}

reply! {
    /// The stored card, after 3-D Secure [?: the reply's fields were not captured; all but
    /// `pg_status` are read as optional].
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct CardStored {
        /// `pg_status` (`ok`/`success`).
        status: Status = "pg_status",
        /// `pg_payment_id`.
        payment_id: Option<PaymentId> = "pg_payment_id",
        /// `pg_card_token`: the stored card's token.
        card_token: Option<String> = "pg_card_token",
        /// `pg_card_id`: the stored card's id (deprecated).
        card_id: Option<String> = "pg_card_id",
        /// `pg_card_hash`: the masked card number.
        card_hash: Option<MaskedPan> = "pg_card_hash",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::assert_gateway_snapshot;
    use crate::gateway::testing::{card, card_wire};
    use crate::testing::wire;

    #[test]
    fn wire_store() {
        assert_gateway_snapshot!(card_wire(
            &StoreCard::new(UserId::new("1234").unwrap(), card())
                .order_id(OrderId::new("12345").unwrap())
        ));
    }

    #[test]
    fn wire_complete() {
        assert_gateway_snapshot!(wire(&CompleteStoreCard::new(
            PaymentId::new(555_001).unwrap(),
            "md-1",
            "pares-1"
        )));
    }

    #[test]
    fn never_printed() {
        let debug = format!("{:?}", StoreCard::new(UserId::new("1234").unwrap(), card()));
        assert!(
            !debug.contains("4405645000006150") && !debug.contains("653"),
            "{debug}"
        );
        assert!(!debug.contains("TESTOV"), "{debug}");
    }
}
