//! The Gateway API (`/g2g/…`, docs/protocol.md §11): FreedomPay's host-to-host API for
//! merchants that collect card data themselves, with the same `pg_*` fields, MD5 `pg_sig` and
//! XML replies as the Merchant API.
//!
//! **PCI DSS.** The card calls here ([`CardPayment`], [`StoreCard`]) send the payer's card
//! number, security code, expiry and name ([`CardData`](crate::CardData)). FreedomPay opens
//! them only to merchants that are PCI DSS compliant (and after the manager's permission):
//! an integration that builds a [`CardData`](crate::CardData) is in the scope of PCI DSS. The
//! SDK never prints card data (`Debug` is masked; the security code is never shown at all),
//! never puts it in an error, and wipes it from memory when it is dropped.
//!
//! Every operation here is signed with the **payment secret**.
//!
//! | Operation | Endpoint | Moves money |
//! |---|---|---|
//! | [`CardPayment`] | `/g2g/payment` (card data; may answer with a 3-D Secure step) | yes |
//! | [`CompleteCardPayment`] | `/g2g/paymentAcs` (after the payer's 3-D Secure) | yes |
//! | [`CancelCardPayment`] | `/g2g/cancel` (release a hold) | yes |
//! | [`ClearCardPayment`] | `/g2g/clearing` (charge a hold) | yes |
//! | [`RefundCardPayment`] | `/g2g/refund` | yes |
//! | [`CardPaymentStatus`] | `/g2g/status_v2` | no |
//! | [`StoreCard`] | `/g2g/cardstorage/add` (card data; may answer with a 3-D Secure step) | yes [?] |
//! | [`CompleteStoreCard`] | `/g2g/cardstorage/payment_acs` | yes [?] |
//! | [`ListStoredCards`] | `/g2g/cardstorage/list` | no |
//! | [`RemoveStoredCard`] | `/g2g/cardstorage/remove` | no |
//! | [`CardTransfer`] | `/g2g/p2p/transfer` (card to card; may answer with a 3-D Secure step) | yes |
//! | [`CompleteCardTransfer`] | `/g2g/p2p/transfer_acs` (after the payer's 3-D Secure) | yes |
//! | [`CardTransferStatus`] | `/g2g/p2p/status` | no |
//! | [`TokenPayment`] | `/g2g/payment` with a saved card's `pg_card_token` | yes |
//! | [`WalletPayment`] | `/g2g/payment` with Apple Pay, Google Pay or Samsung Pay data | yes |
//!
//! The Gateway navigation's Payout › Card, IBAN, Balance and Status, and Token › Token Payout,
//! are the operations of [`payout`](crate::payout) (`PayoutToCard`, `PayoutToIban`,
//! `Balance`, `PayoutStatus`, `PayoutToSavedCard`): the Gateway pages document the same
//! endpoints (docs/protocol.md §11). Payout › StatusV2 and Pay › Status are both
//! `/g2g/status_v2`: [`CardPaymentStatus`].
//!
//! # 3-D Secure
//!
//! A card payment (or a card being stored) whose issuer asks for 3-D Secure answers with
//! [`AcsRedirect`]: the payer's browser must POST [`AcsRedirect::form_fields`] to
//! [`AcsRedirect::acs_url`] (the issuer's page, where the payer types the code). The issuer
//! then POSTs `PaRes` and `MD` to the `TermUrl` you gave; pass them to
//! [`CompleteCardPayment`] (or [`CompleteStoreCard`]), which finishes the payment.
//!
//! # Wire snapshots and card data
//!
//! The wire snapshots of the card calls use the card of FreedomPay's documentation examples
//! (`4405645000006150`, public test data, freedompay.kz /docs-en/gateway-api/save-card) and
//! show its security code as `***`: no snapshot file holds a CVC.
//!
//! Pages of the navigation not modelled here, and why, are in docs/protocol.md §11.1.

use core::time::Duration;

use crate::{InvalidInput, Lookup, NotFound, NotFoundEvidence, PaymentId, ReadError, Response};

mod card;
mod pay;
#[cfg(feature = "serde")]
mod serde_impls;
mod token;
mod transfer;

pub use card::{
    CardStored, CompleteStoreCard, ListStoredCards, RemoveStoredCard, StoreCard, StoreCardResult,
};
pub use pay::{
    CancelCardPayment, CancelCardPaymentResult, CardPayment, CardPaymentCompleted, CardPaymentInfo,
    CardPaymentResult, CardPaymentStatus, ClearCardPayment, ClearCardPaymentResult,
    CompleteCardPayment, RefundCardPayment, RefundCardPaymentResult,
};
pub use token::{TokenPayment, TokenPaymentResult, Wallet, WalletPayment, WalletPaymentData};
pub use transfer::{
    CardTransfer, CardTransferResult, CardTransferStatus, CardTransferStatusInfo,
    CompleteCardTransfer, TransferRecipient, TransferSender,
};

/// `insta::assert_snapshot!` storing in `src/gateway/snapshots/` from nested modules too.
#[cfg(test)]
macro_rules! assert_gateway_snapshot {
    ($($arg:tt)*) => {
        insta::with_settings!(
            { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/src/gateway/snapshots") },
            { insta::assert_snapshot!($($arg)*) }
        )
    };
}
#[cfg(test)]
pub(crate) use assert_gateway_snapshot;

/// The issuer's 3-D Secure page the payer must be sent to (`pg_3ds` = 1 in a reply of
/// `g2g/payment` or `g2g/cardstorage/add`): its URL and the fields to POST to it.
///
/// The reply fields are `pg_3d_acsurl`, `pg_3d_md` and `pg_3d_pareq` (docs.freedompay.kz
/// api-9856298's sample; freedompay.kz /docs-en/gateway-api/pay: "the server url can be
/// obtained from the pg_3d_acsurl parameter"). The documentation shows the 3-D Secure 1 form
/// only (`PaReq`, `MD`, `TermUrl`); it says nothing of 3-D Secure 2 fields (`creq`,
/// `threeDSSessionData`) [?]: a reply with `pg_3ds` = 1 but without these three fields is
/// refused as malformed, never read as "no 3-D Secure needed".
///
/// The same step follows a card payment (`g2g/payment`), a card stored with 3-D Secure
/// (`cardstorage/add`), a card-to-card transfer and a token or wallet payment. `Debug` shows
/// the address only (the posted values are opaque bank data).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AcsRedirect {
    acs_url: String,
    md: String,
    pa_req: String,
}

impl AcsRedirect {
    /// `pg_3d_acsurl`: the issuer's page (POST the payer's browser to it).
    pub fn acs_url(&self) -> &str {
        &self.acs_url
    }

    /// `pg_3d_md`: the transaction's reference, posted as `MD` and returned by the issuer.
    pub fn md(&self) -> &str {
        &self.md
    }

    /// `pg_3d_pareq`: the authentication request, posted as `PaReq`.
    pub fn pa_req(&self) -> &str {
        &self.pa_req
    }

    /// The form the payer's browser POSTs to [`AcsRedirect::acs_url`]: `PaReq`, `MD`, and
    /// `TermUrl`, your page that receives the issuer's `PaRes` and `MD` when the payer is done
    /// (the names of 3-D Secure 1; the documentation names no others [?]).
    pub fn form_fields<'a>(&'a self, term_url: &'a crate::Url) -> [(&'static str, &'a str); 3] {
        [
            ("PaReq", self.pa_req.as_str()),
            ("MD", self.md.as_str()),
            ("TermUrl", term_url.as_str()),
        ]
    }

    /// Reads the 3-D Secure step of a reply: `None` when `pg_3ds` is absent or `0` and there
    /// is no `pg_3d_acsurl`; the three fields are required otherwise.
    pub(crate) fn read(reply: &Response<'_>) -> Result<Option<Self>, ReadError> {
        let flagged = reply.text("pg_3ds").map(str::trim) == Some("1");
        if !flagged && reply.text("pg_3d_acsurl").is_none() {
            return Ok(None);
        }
        let acs_url: String = reply.require("pg_3d_acsurl")?;
        let acs_url = acs_url.trim().to_owned();
        if !(acs_url.starts_with("https://") || acs_url.starts_with("http://")) {
            return Err(ReadError::invalid("pg_3d_acsurl"));
        }
        Ok(Some(Self {
            acs_url,
            md: reply.require("pg_3d_md")?,
            pa_req: reply.require("pg_3d_pareq")?,
        }))
    }
}

impl core::fmt::Debug for AcsRedirect {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AcsRedirect")
            .field("acs_url", &self.acs_url)
            .finish_non_exhaustive()
    }
}

/// A `[check ..]` of a text that must not be empty (the ACS's `MD` and `PaRes`, a token).
pub(crate) fn not_empty(field: &'static str, text: &str) -> Result<(), crate::InvalidInput> {
    match text.trim().is_empty() {
        true => Err(crate::InvalidInput::new(field, "must not be empty")),
        false => Ok(()),
    }
}

/// A status reply as a [`Lookup`]: `pg_payment_id` 0 is the gateway's "not found"; any other
/// value is read by `found`.
fn lookup<T>(
    reply: &Response<'_>,
    since_last_attempt: Option<Duration>,
    found: impl FnOnce(PaymentId) -> Result<T, ReadError>,
) -> Result<Lookup<T>, ReadError> {
    if reply.text("pg_payment_id").map(str::trim) == Some("0") {
        return Ok(Lookup::NotFound(NotFound::new(
            NotFoundEvidence::PaymentIdZero,
            since_last_attempt,
        )));
    }
    found(reply.require("pg_payment_id")?).map(Lookup::Found)
}

/// A card holder's name: 1 to 255 characters.
pub(crate) fn holder_name(field: &'static str, name: &str) -> Result<(), InvalidInput> {
    if name.trim().is_empty() || name.chars().count() > 255 {
        return Err(InvalidInput::new(field, "must be 1 to 255 characters"));
    }
    Ok(())
}

/// A card token: 1 to 255 visible ASCII characters.
pub(crate) fn card_token(field: &'static str, token: &str) -> Result<(), InvalidInput> {
    if token.is_empty() || token.len() > 255 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(
            field,
            "a card token is 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}

/// Calls the macro `$m` with every Gateway API operation, as `method_name => Type => Output`
/// triples, grouped by family: the one list the client crates generate their methods from.
/// (`Output` must be the operation's `Operation::Output`.)
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_gateway_operation {
    ($m:ident) => {
        $m! {
            // Pay: card payments with card data, 3-D Secure, after the payment.
            gateway_card_payment => $crate::gateway::CardPayment => $crate::gateway::CardPaymentResult,
            gateway_complete_card_payment => $crate::gateway::CompleteCardPayment => $crate::gateway::CardPaymentCompleted,
            gateway_cancel_payment => $crate::gateway::CancelCardPayment => $crate::gateway::CancelCardPaymentResult,
            gateway_clear_payment => $crate::gateway::ClearCardPayment => $crate::gateway::ClearCardPaymentResult,
            gateway_refund_payment => $crate::gateway::RefundCardPayment => $crate::gateway::RefundCardPaymentResult,
            gateway_payment_status => $crate::gateway::CardPaymentStatus => $crate::Lookup<$crate::gateway::CardPaymentInfo>,
            // Card: storing a card with its data, 3-D Secure, list, remove.
            gateway_store_card => $crate::gateway::StoreCard => $crate::gateway::StoreCardResult,
            gateway_complete_store_card => $crate::gateway::CompleteStoreCard => $crate::gateway::CardStored,
            gateway_list_cards => $crate::gateway::ListStoredCards => Vec<$crate::payment::SavedCard>,
            gateway_remove_card => $crate::gateway::RemoveStoredCard => $crate::payment::RemovedCard,
            // Transfer: card to card (P2P), 3-D Secure, status.
            gateway_card_transfer => $crate::gateway::CardTransfer => $crate::gateway::CardTransferResult,
            gateway_complete_card_transfer => $crate::gateway::CompleteCardTransfer => $crate::gateway::CardTransferResult,
            gateway_transfer_status => $crate::gateway::CardTransferStatus => $crate::Lookup<$crate::gateway::CardTransferStatusInfo>,
            // Token: a saved card's token, wallets (Apple Pay, Google Pay, Samsung Pay).
            gateway_token_payment => $crate::gateway::TokenPayment => $crate::gateway::TokenPaymentResult,
            gateway_wallet_payment => $crate::gateway::WalletPayment => $crate::gateway::TokenPaymentResult,
        }
    };
}

#[cfg(test)]
pub(crate) mod testing {
    //! The wire of a card call with its security code hidden.

    use crate::Operation;

    /// The documented example card (public test data).
    pub(crate) fn card() -> crate::CardData {
        crate::CardData::new(
            crate::CardNumber::parse("4405645000006150").unwrap(),
            crate::Cvc::parse("653").unwrap(),
            crate::Expiry::new(9, 27).unwrap(),
            crate::CardHolder::new("TEST TESTOV").unwrap(),
        )
    }

    /// [`crate::testing::wire`] with the values of the card security code and of a wallet's
    /// cryptogram replaced by `***`, in the body and in the decoded fields (the signature is
    /// over the real values): no snapshot file holds a CVC or a cryptogram.
    pub(crate) fn card_wire<O: Operation>(op: &O) -> String {
        let mut hidden = crate::testing::wire(op);
        for field in ["pg_card_cvc", "pg_online_payment_cryptogram"] {
            hidden = redact(&hidden, &format!("{field}="), b'&');
            hidden = redact(&hidden, &format!("{field} = "), b'\n');
        }
        assert!(
            !hidden.contains("pg_card_cvc=653") && !hidden.contains("pg_card_cvc = 653"),
            "the security code must not reach a snapshot"
        );
        hidden
    }

    fn redact(text: &str, prefix: &str, end: u8) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let value_start = at + prefix.len();
            out.push_str(&rest[..value_start]);
            out.push_str("***");
            let tail = &rest[value_start..];
            let value_len = tail
                .bytes()
                .position(|b| b == end || b == b'\n')
                .unwrap_or(tail.len());
            rest = &tail[value_len..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Url;
    use freedompay_sign::Fields;

    fn reply(fields: &[(&str, &str)]) -> Fields {
        let mut out = Fields::new();
        for (name, value) in fields {
            out.push(*name, *value);
        }
        out
    }

    #[test]
    fn acs_step_is_read_when_flagged() {
        let fields = reply(&[
            ("pg_3ds", "1"),
            ("pg_3d_acsurl", "https://bank.example/acs"),
            ("pg_3d_md", "md-1"),
            ("pg_3d_pareq", "pareq-1"),
        ]);
        let acs = AcsRedirect::read(&Response::new(&fields)).unwrap().unwrap();
        let term = Url::new("https://shop.kz/3ds/return").unwrap();
        assert_eq!(
            acs.form_fields(&term),
            [
                ("PaReq", "pareq-1"),
                ("MD", "md-1"),
                ("TermUrl", "https://shop.kz/3ds/return")
            ]
        );
    }

    #[test]
    fn a_flagged_reply_without_its_fields_is_malformed() {
        let fields = reply(&[
            ("pg_3ds", "1"),
            ("pg_3d_acsurl", "https://bank.example/acs"),
        ]);
        let error = AcsRedirect::read(&Response::new(&fields)).unwrap_err();
        assert_eq!(error.field(), "pg_3d_md");
        let bad_url = reply(&[
            ("pg_3d_acsurl", "javascript:alert(1)"),
            ("pg_3d_md", "m"),
            ("pg_3d_pareq", "p"),
        ]);
        assert!(AcsRedirect::read(&Response::new(&bad_url)).is_err());
    }

    /// The calls that may move money are never resent after they may have left; the queries
    /// are retried.
    #[test]
    fn money_moving_calls_are_marked() {
        use crate::Operation;
        macro_rules! moves {
            ($($method:ident => $ty:ty => $output:ty,)*) => {
                vec![$((stringify!($method), <$ty as Operation>::MOVES_MONEY),)*]
            };
        }
        let queries = [
            "gateway_payment_status",
            "gateway_list_cards",
            "gateway_remove_card",
            "gateway_transfer_status",
        ];
        for (method, moves_money) in crate::for_each_gateway_operation!(moves) {
            if method.starts_with("gateway_") && !queries.contains(&method) {
                assert!(moves_money, "{method} must count as moving money");
            }
            if queries.contains(&method) {
                assert!(!moves_money, "{method} is a query");
            }
        }
    }

    #[test]
    fn no_acs_step_without_the_flag() {
        let fields = reply(&[("pg_3ds", "0")]);
        assert_eq!(AcsRedirect::read(&Response::new(&fields)).unwrap(), None);
    }
}
