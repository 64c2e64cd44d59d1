//! `POST /v1/merchant/{merchant_id}/cardstoragepayout/add`: saving a card for payouts, and
//! the notification that it was saved.

use super::PayoutCard;
use super::notification::{NotificationError, documented_reply, signed_reply};
use crate::callback::{ReplyBody, ReplyError, VerifiedCallback};
use crate::{Config, OrderId, PaymentId, Status, Url, UserId};

operation! {
    /// Starts saving a card for payouts (`/v1/merchant/{merchant_id}/cardstoragepayout/add`,
    /// script `add`; PROTOCOL.md §1.6): FreedomPay answers a page where the user enters their
    /// card; when it is saved, FreedomPay notifies `post_link` (read it with
    /// [`PayoutCardAdded`]) and sends the user back to `back_link`. Then pay out to it with
    /// [`PayoutToSavedCard`](super::PayoutToSavedCard).
    ///
    /// **Secret.** [`Config::card_storage_payout_secret`]: the **payment** secret by default,
    /// which is what an integration reports the gateway accepts here (anything else got error
    /// 1100); PROTOCOL.md §2.6 marks it uncertain, so the config can switch it
    /// (`Config::builder().card_storage_payout_secret(SecretKind::Payout)`). The same secret
    /// verifies [`PayoutCardAdded`]. It moves no money.
    ///
    /// ```
    /// use freedompay_core::{Url, UserId, payout::AddPayoutCard};
    ///
    /// let add = AddPayoutCard::new(
    ///     UserId::new("user-7")?,
    ///     Url::new("https://shop.kz/freedompay/payout-card-added")?,
    ///     Url::new("https://shop.kz/account/cards")?,
    /// );
    /// # let _ = add;
    /// # Ok::<(), freedompay_core::InvalidInput>(())
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AddPayoutCard => AddPayoutCardResult {
        name: "add_payout_card",
        path: "/v1/merchant/{merchant_id}/cardstoragepayout/add",
        secret: |_: &AddPayoutCard, config: &Config| config.card_storage_payout_secret(),
        moves_money: false,
        order_id: order_id;
        /// Saving a card for `user_id`; FreedomPay notifies `post_link` and sends the user back
        /// to `back_link`.
        pub fn new(user_id: UserId, post_link: Url, back_link: Url);
        "pg_user_id" => user_id,
        "pg_post_link" => post_link,
        "pg_back_link" => back_link,
        /// `pg_order_id`: your id of this request.
        "pg_order_id" => order_id: Option<OrderId>,
    }
}

reply! {
    /// The page where the user enters the card to save.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct AddPayoutCardResult {
        /// `pg_status`: `ok`.
        status: Status = "pg_status",
        /// `pg_payment_id`: the id of the saving operation.
        payment_id: PaymentId = "pg_payment_id",
        /// `pg_redirect_url`: where to send the user.
        redirect_url: String = "pg_redirect_url",
        /// `pg_order_id`, as echoed.
        order_id: Option<String> = "pg_order_id",
        /// `pg_merchant_id`, as echoed.
        merchant_id: Option<String> = "pg_merchant_id",
    }
}

/// FreedomPay's notification that a card was saved for payouts, sent to the `pg_post_link`
/// of [`AddPayoutCard`].
///
/// Its fields are those of the card-storage callback (PROTOCOL.md §1.5, from the PayBox SDK's
/// example): `pg_type` (`approve`), `pg_status` (`success`), the card's token, legacy id,
/// masked number and expiry. Verified with [`Config::card_storage_payout_secret`] (the
/// payment secret by default) and your post link's script name. Answer HTTP 200 with
/// [`PayoutCardAdded::reply`] or [`PayoutCardAdded::signed_reply`].
///
/// ```
/// use freedompay_core::{Config, payout::PayoutCardAdded};
/// use freedompay_core::callback::testing::signed_form;
/// use freedompay_sign::SecretKey;
///
/// let config = Config::builder().merchant_id("123456").secret_key("PAY").payout_secret_key("PAYOUT").build()?;
/// let url = "https://shop.kz/freedompay/payout-card-added";
/// let body = signed_form(url, &[
///     ("pg_type", "approve"), ("pg_status", "success"), ("pg_user_id", "user-7"),
///     ("pg_card_token", "c92741d9-ddd7-4bad-abd0-5594a79eea1a"), ("pg_salt", "s4lt"),
/// ], &SecretKey::new("PAY")?);
///
/// let added = PayoutCardAdded::verify(url, "", &body, &config)?;
/// let card = added.payout_card().expect("a token");
/// assert_eq!(card.as_token(), Some("c92741d9-ddd7-4bad-abd0-5594a79eea1a"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PayoutCardAdded {
    /// `pg_status`: `success` when the card was saved.
    pub status: Status,
    /// `pg_type`: `approve` in the example.
    pub kind: Option<String>,
    /// `pg_user_id`: whose card it is.
    pub user_id: Option<String>,
    /// `pg_payment_id`: the id of the saving operation.
    pub payment_id: Option<PaymentId>,
    /// `pg_order_id`, when the request had one.
    pub order_id: Option<String>,
    /// `pg_card_token`: what [`PayoutToSavedCard`](super::PayoutToSavedCard) pays out to.
    pub card_token: Option<String>,
    /// `pg_card_id`: the legacy id of the card.
    pub card_id: Option<String>,
    /// `pg_card_hash`: the card's masked number.
    pub card_hash: Option<String>,
    /// `pg_card_month`: the expiry month, as written.
    pub card_month: Option<String>,
    /// `pg_card_year`: the expiry year, as written.
    pub card_year: Option<String>,
    /// `pg_card_3ds`: whether 3-D Secure was passed.
    pub card_3ds: Option<bool>,
    callback: VerifiedCallback,
}

impl PayoutCardAdded {
    /// Verifies the notification from what a web framework hands over (see
    /// [`PayoutNotification::verify`](super::PayoutNotification::verify)) with
    /// [`Config::card_storage_payout_secret`], then reads its fields.
    pub fn verify(
        url: &str,
        query: &str,
        body: &[u8],
        config: &Config,
    ) -> Result<Self, NotificationError> {
        let secret = config.secret(config.card_storage_payout_secret());
        Self::from_callback(VerifiedCallback::from_request(url, query, body, secret)?)
    }

    /// Reads a callback you verified yourself. `pg_status` is required.
    pub fn from_callback(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let r = callback.response();
        Ok(Self {
            status: r.require("pg_status")?,
            kind: r.get("pg_type")?,
            user_id: r.get("pg_user_id")?,
            payment_id: r.lenient("pg_payment_id"),
            order_id: r.get("pg_order_id")?,
            card_token: r.get("pg_card_token")?,
            card_id: r.get("pg_card_id")?,
            card_hash: r.get("pg_card_hash")?,
            card_month: r.get("pg_card_month")?,
            card_year: r.get("pg_card_year")?,
            card_3ds: r.lenient("pg_card_3ds"),
            callback,
        })
    }

    /// The saved card, to pay out to: by its token when the notification has one, by its
    /// legacy id otherwise; `None` when it has neither (the card was not saved).
    pub fn payout_card(&self) -> Option<PayoutCard> {
        self.card_token
            .as_deref()
            .and_then(|t| PayoutCard::token(t).ok())
            .or_else(|| {
                self.card_id
                    .as_deref()
                    .and_then(|id| PayoutCard::legacy_id(id).ok())
            })
    }

    /// The verified callback: every field, the merchant's own included.
    pub fn callback(&self) -> &VerifiedCallback {
        &self.callback
    }

    /// The documented answer, unsigned:
    /// `<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>`.
    pub fn reply(&self) -> ReplyBody {
        documented_reply()
    }

    /// A signed `<response>` with `pg_status` = `ok` and the incoming salt, signed with your
    /// post link's script name and [`Config::card_storage_payout_secret`].
    pub fn signed_reply(&self, config: &Config) -> Result<ReplyBody, ReplyError> {
        signed_reply(&self.callback, config, config.card_storage_payout_secret())
    }
}

#[cfg(test)]
mod tests {
    use freedompay_sign::{ScriptName, verify};

    use super::*;
    use crate::SecretKind;
    use crate::callback::CallbackError;
    use crate::payout::notification::test_support::{form, pg_xml, signed_fields};
    use crate::testing::{PAYMENT_SECRET, PAYOUT_SECRET, assert_signed_under, config, salt, wire};
    use crate::{ErrorKind, prepare};

    const URL: &str = "https://shop.kz/freedompay/payout-card-added";
    const FIXTURE: &str = "payout/payout_card_added.xml";

    fn add() -> AddPayoutCard {
        AddPayoutCard::new(
            UserId::new("user-7").unwrap(),
            Url::new(URL).unwrap(),
            Url::new("https://shop.kz/account/cards").unwrap(),
        )
    }

    fn payout_secret_config() -> Config {
        Config::builder()
            .merchant_id("123456")
            .secret_key(PAYMENT_SECRET)
            .payout_secret_key(PAYOUT_SECRET)
            .card_storage_payout_secret(SecretKind::Payout)
            .build()
            .unwrap()
    }

    #[test]
    fn wire_request() {
        insta::assert_snapshot!(wire(&add()));
    }

    #[test]
    fn wire_request_with_order_id() {
        insta::assert_snapshot!(wire(&add().order_id(OrderId::new("card-7-1").unwrap())));
    }

    #[test]
    fn signed_with_the_payout_secret_when_configured() {
        assert_signed_under(&payout_secret_config(), &add(), SecretKind::Payout);
    }

    #[test]
    fn the_path_carries_the_merchant_id() {
        let request = prepare(&config(), &add(), &salt()).unwrap();
        assert_eq!(
            request.url(),
            "https://api.freedompay.kz/v1/merchant/123456/cardstoragepayout/add"
        );
    }

    #[test]
    fn the_reply_is_verified_with_the_configured_secret() {
        // Signed with the payment secret (the default): refused under the payout setting.
        let body = crate::testing::signed_xml(
            &crate::testing::fixture("payout/cardstoragepayout_add.xml"),
            "add",
            SecretKind::Payment,
        );
        let response = freedompay_transport::HttpResponse::new(200, body.into_bytes());
        assert!(crate::read_reply(&config(), &add(), &response).is_ok());
        assert!(matches!(
            crate::read_reply(&payout_secret_config(), &add(), &response),
            Err(ErrorKind::SignatureInvalid { .. })
        ));
    }

    fn assert_card(added: &PayoutCardAdded) {
        assert_eq!(added.status, Status::Success);
        assert_eq!(added.kind.as_deref(), Some("approve"));
        assert_eq!(added.user_id.as_deref(), Some("user-7"));
        assert_eq!(added.payment_id, PaymentId::new(555_001).ok());
        assert_eq!(added.card_hash.as_deref(), Some("4405-64XX-XXXX-1234"));
        assert_eq!(added.card_month.as_deref(), Some("09"));
        assert_eq!(added.card_year.as_deref(), Some("28"));
        assert_eq!(added.card_3ds, Some(true));
        assert_eq!(
            added.payout_card(),
            PayoutCard::token("c92741d9-ddd7-4bad-abd0-5594a79eea1a").ok()
        );
    }

    #[test]
    fn the_card_added_notification_verifies_with_the_payment_secret_by_default() {
        let fields = signed_fields(FIXTURE, URL, SecretKind::Payment);
        assert_card(&PayoutCardAdded::verify(URL, "", &form(&fields), &config()).unwrap());
        assert_card(&PayoutCardAdded::verify(URL, "", &pg_xml(&fields), &config()).unwrap());
        assert!(matches!(
            PayoutCardAdded::verify(URL, "", &form(&fields), &payout_secret_config()),
            Err(NotificationError::Callback(CallbackError::Mismatch))
        ));
    }

    #[test]
    fn the_card_added_notification_verifies_with_the_payout_secret_when_configured() {
        let fields = signed_fields(FIXTURE, URL, SecretKind::Payout);
        let added = PayoutCardAdded::verify(URL, "", &form(&fields), &payout_secret_config());
        assert_card(&added.unwrap());
        assert!(matches!(
            PayoutCardAdded::verify(URL, "", &form(&fields), &config()),
            Err(NotificationError::Callback(CallbackError::Mismatch))
        ));
    }

    #[test]
    fn a_legacy_card_id_is_the_fallback() {
        let mut unsigned = signed_fields(FIXTURE, URL, SecretKind::Payment);
        unsigned.remove("pg_sig");
        unsigned.remove("pg_card_token");
        let fields = crate::payout::notification::test_support::sign_fields(
            unsigned,
            URL,
            SecretKind::Payment,
        );
        let added = PayoutCardAdded::verify(URL, "", &form(&fields), &config()).unwrap();
        assert_eq!(added.payout_card(), PayoutCard::legacy_id("1234567").ok());
    }

    #[test]
    fn replies_are_signed_with_the_card_storage_secret() {
        let fields = signed_fields(FIXTURE, URL, SecretKind::Payment);
        let added = PayoutCardAdded::verify(URL, "", &form(&fields), &config()).unwrap();
        assert_eq!(
            added.reply().body(),
            r#"<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>"#
        );
        let signed = added.signed_reply(&config()).unwrap();
        let fields = freedompay_xml::parse(signed.body().as_bytes())
            .unwrap()
            .into_fields();
        let script = ScriptName::new("payout-card-added").unwrap();
        assert!(verify(&script, &fields, config().secret(SecretKind::Payment)).is_ok());
    }
}
