//! The notification that a card was saved for payouts (the `pg_post_link` of
//! `cardstoragepayout/add`).

use crate::payout::PayoutCard;
use crate::{Config, PaymentId, Status};

use super::reply::{documented_reply, notification_common};
use super::{CallbackReply, NotificationError, ReplyBody, ReplyError, VerifiedCallback};

/// FreedomPay's notification that a card was saved for payouts, sent to the `pg_post_link`
/// of [`AddPayoutCard`](crate::payout::AddPayoutCard).
///
/// Its fields are those of the card-storage callback (docs/protocol.md §1.5, from the PayBox SDK's
/// example): `pg_type` (`approve`), `pg_status` (`success`), the card's token, legacy id,
/// masked number and expiry. Verified with [`Config::card_storage_payout_secret`] (the
/// payment secret by default) and your post link's script name. Answer HTTP 200 with
/// [`PayoutCardAdded::reply`] or [`PayoutCardAdded::signed_reply`].
///
/// ```
/// use freedompay_core::Config;
/// use freedompay_core::notifications::PayoutCardAdded;
/// use freedompay_core::notifications::testing::signed_form;
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    /// `pg_card_token`: what [`PayoutToSavedCard`](crate::payout::PayoutToSavedCard) pays out to.
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
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(PayoutCardAdded, |config| config
    .card_storage_payout_secret());

impl PayoutCardAdded {
    /// `pg_status` is required.
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
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

    /// The documented answer, unsigned:
    /// `<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>`.
    pub fn reply(&self) -> ReplyBody {
        documented_reply()
    }

    /// A signed `<response>` with `pg_status` = `ok` and the incoming salt, signed with your
    /// post link's script name and [`Config::card_storage_payout_secret`].
    pub fn signed_reply(&self, config: &Config) -> Result<ReplyBody, ReplyError> {
        CallbackReply::ok().sign(&self.callback, config.secret(Self::secret_kind(config)))
    }
}

#[cfg(test)]
mod tests {
    use freedompay_sign::{ScriptName, verify};

    use super::*;
    use crate::SecretKind;
    use crate::notifications::CallbackError;
    use crate::notifications::payout::test_support::{form, pg_xml, sign_fields, signed_fields};
    use crate::testing::{PAYMENT_SECRET, PAYOUT_SECRET, config};

    const URL: &str = "https://shop.kz/freedompay/payout-card-added";
    const FIXTURE: &str = "payout/payout_card_added.xml";

    fn payout_secret_config() -> Config {
        Config::builder()
            .merchant_id("123456")
            .secret_key(PAYMENT_SECRET)
            .payout_secret_key(PAYOUT_SECRET)
            .card_storage_payout_secret(SecretKind::Payout)
            .build()
            .unwrap()
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
        let fields = sign_fields(unsigned, URL, SecretKind::Payment);
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
