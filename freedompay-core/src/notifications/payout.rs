//! The payout notification: FreedomPay's call to a payout's `pg_post_link`, and the answer.

use crate::{Amount, Config, ErrorCode, PaymentId, Response};

use super::reply::{documented_reply, notification_common};
use super::{CallbackReply, NotificationError, ReplyBody, ReplyError, VerifiedCallback};

wire_enum! {
    /// `pg_status` of a payout notification (seed 003).
    NotificationStatus {
        /// `ok`: paid out.
        Ok = "ok",
        /// `error`: the payout failed; see the error code.
        Error = "error",
    }
}

/// FreedomPay's notification of a payout's outcome, sent to the payout's `pg_post_link`
/// (docs.freedompay.kz api-11622162): [`PayoutPage`](crate::payout::PayoutPage),
/// [`PayoutToSavedCard`](crate::payout::PayoutToSavedCard),
/// [`PayoutToCard`](crate::payout::PayoutToCard), [`PayoutToIban`](crate::payout::PayoutToIban) (and
/// [`CashByCodeCheck`](crate::payout::CashByCodeCheck), should one arrive: the documentation says
/// cash by code sends none).
///
/// It is verified with [`Config::payout_notification_secret`] (the **payout secret** by
/// default, as the documentation's payout page says) and the script name of your
/// `pg_post_link` (its last path segment). The documentation shows it as a
/// `multipart/form-data` POST (docs.freedompay.kz api-11622162); an urlencoded form, a
/// `pg_xml` form field or a GET query verify the same way. Answer HTTP 200
/// with [`PayoutNotification::reply`] (the documented body) or
/// [`PayoutNotification::signed_reply`] (a signed `<response>`, as the old PayBox SDK
/// answered); both give the same bytes when the same notification is replayed. The post link
/// must be reachable without authentication.
///
/// ```
/// use freedompay_core::Config;
/// use freedompay_core::notifications::{CallbackRequest, NotificationStatus, PayoutNotification};
/// use freedompay_core::notifications::testing::signed_multipart;
/// use freedompay_sign::SecretKey;
///
/// let config = Config::builder().merchant_id("123456").secret_key("pay").payout_secret_key("PAYOUT").build()?;
/// let url = "https://shop.kz/freedompay/payout-notify";
/// // What FreedomPay posts (built here with the SDK's test helper), and its Content-Type.
/// let body = signed_multipart(url, &[
///     ("pg_payment_id", "98728768"), ("pg_order_id", "payout-42"), ("pg_status", "ok"),
///     ("pg_payment_amount", "1500.50"), ("pg_merchant_id", "123456"), ("pg_salt", "s4lt"),
/// ], &SecretKey::new("PAYOUT")?, "xYzZY");
/// let content_type = "multipart/form-data; boundary=xYzZY";
///
/// let request = CallbackRequest::new(url, "", &body).content_type(content_type);
/// let notification = PayoutNotification::verify_request(request, &config)?;
/// assert_eq!(notification.status, Some(NotificationStatus::Ok));
/// assert_eq!(notification.order_id.as_deref(), Some("payout-42"));
/// let reply = notification.reply();
/// assert_eq!(reply.body(), r#"<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PayoutNotification {
    /// `pg_payment_id`: the payout's id at FreedomPay.
    pub payment_id: PaymentId,
    /// `pg_merchant_id`.
    pub merchant_id: String,
    /// `pg_order_id`: the payout's order id in your system.
    pub order_id: Option<String>,
    /// `pg_status`: `ok` or `error` (the documentation marks it optional; it is called "in
    /// case of successful payment").
    pub status: Option<NotificationStatus>,
    /// `pg_payment_amount`: the amount paid out.
    pub payment_amount: Option<Amount>,
    /// `pg_to_pay`: the amount with FreedomPay's commission.
    pub to_pay: Option<Amount>,
    /// `pg_balance`: the payout balance after the payout.
    pub balance: Option<Amount>,
    /// `pg_card_hash`: the card's masked number.
    pub card_hash: Option<String>,
    /// `pg_card_token`: the card's token, when the gateway sends it.
    pub card_token: Option<String>,
    /// `pg_card_id`: the card's legacy id, when the gateway sends it (saved-card payouts).
    pub card_id: Option<String>,
    /// `pg_payment_date`, as written by the gateway.
    pub payment_date: Option<String>,
    /// `pg_error_code`, when it failed.
    pub error_code: Option<ErrorCode>,
    /// `pg_error_description`, when it failed.
    pub error_description: Option<String>,
    #[cfg_attr(feature = "serde", serde(skip))]
    callback: VerifiedCallback,
}

notification_common!(PayoutNotification, |config| config
    .payout_notification_secret());

impl PayoutNotification {
    /// `pg_payment_id`, `pg_merchant_id` and a readable `pg_payment_amount` are required;
    /// the other informational fields are read when present and readable.
    fn read(callback: VerifiedCallback) -> Result<Self, NotificationError> {
        let r = callback.response();
        Ok(Self {
            payment_id: r.require("pg_payment_id")?,
            merchant_id: r.required("pg_merchant_id")?.to_owned(),
            order_id: r.get("pg_order_id")?,
            status: r.get("pg_status")?,
            payment_amount: r.get("pg_payment_amount")?,
            to_pay: r.lenient("pg_to_pay"),
            balance: r.lenient("pg_balance"),
            card_hash: r.get("pg_card_hash")?,
            card_token: r.get("pg_card_token")?,
            card_id: r.get("pg_card_id")?,
            payment_date: r.get("pg_payment_date")?,
            error_code: r.lenient::<u32>("pg_error_code").map(ErrorCode::from_code),
            error_description: r.get("pg_error_description")?,
            callback,
        })
    }

    /// The fields with typed accessors.
    pub fn response(&self) -> Response<'_> {
        self.callback.response()
    }

    /// The documented answer, with HTTP 200:
    /// `<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>`, unsigned.
    pub fn reply(&self) -> ReplyBody {
        documented_reply()
    }

    /// A signed answer instead, as the old PayBox SDK sent: a `<response>` with
    /// `pg_status` = `ok` and the incoming `pg_salt`, signed with your post link's script name
    /// and [`Config::payout_notification_secret`].
    pub fn signed_reply(&self, config: &Config) -> Result<ReplyBody, ReplyError> {
        CallbackReply::ok().sign(&self.callback, config.secret(Self::secret_kind(config)))
    }
}

/// Test support for the callbacks of this module: what FreedomPay would send.
#[cfg(test)]
pub(crate) mod test_support {
    use freedompay_sign::{Fields, SIG_FIELD, ScriptName, sign};

    use crate::SecretKind;
    use crate::testing::{config, fixture};

    /// The fields of an XML fixture, signed for a callback to `url` with the secret of `kind`.
    pub(crate) fn signed_fields(name: &str, url: &str, kind: SecretKind) -> Fields {
        let document = freedompay_xml::parse(fixture(name).as_bytes()).expect("fixture parses");
        let mut fields = document.into_fields();
        fields.remove(SIG_FIELD);
        sign_fields(fields, url, kind)
    }

    /// `fields` (without `pg_sig`) signed for `url` with the secret of `kind`.
    pub(crate) fn sign_fields(mut fields: Fields, url: &str, kind: SecretKind) -> Fields {
        let script = ScriptName::from_url(url).expect("script");
        let signature = sign(&script, &fields, config().secret(kind)).expect("signs");
        fields.push(SIG_FIELD, signature.as_str());
        fields
    }

    /// The fields as a POST form body.
    pub(crate) fn form(fields: &Fields) -> Vec<u8> {
        crate::form::encode(fields).into_bytes()
    }

    /// The fields as one `pg_xml` form field.
    pub(crate) fn pg_xml(fields: &Fields) -> Vec<u8> {
        let xml =
            freedompay_xml::write_with_root(freedompay_xml::REQUEST_ROOT, fields).expect("writes");
        let mut wrapper = Fields::new();
        wrapper.push("pg_xml", xml);
        form(&wrapper)
    }
}

#[cfg(test)]
mod tests {
    use freedompay_sign::{ScriptName, verify};

    use super::test_support::{form, pg_xml, sign_fields, signed_fields};
    use super::*;
    use crate::SecretKind;
    use crate::notifications::{CallbackError, CallbackForm};
    use crate::testing::config;

    const URL: &str = "https://shop.kz/freedompay/payout-notify";
    const FIXTURE: &str = "payout/payout_notify.xml";

    fn fields() -> freedompay_sign::Fields {
        signed_fields(FIXTURE, URL, SecretKind::Payout)
    }

    fn verify_body(body: &[u8]) -> Result<PayoutNotification, NotificationError> {
        PayoutNotification::verify(URL, "", body, &config())
    }

    fn assert_fields(n: &PayoutNotification) {
        assert_eq!(n.payment_id.get(), 98_728_768);
        assert_eq!(n.merchant_id, "123456");
        assert_eq!(n.order_id.as_deref(), Some("payout-42"));
        assert_eq!(n.status, Some(NotificationStatus::Ok));
        assert_eq!(n.payment_amount, Amount::from_gateway("1500.50"));
        assert_eq!(n.to_pay, Amount::from_gateway("1530.50"));
        assert_eq!(n.balance, Amount::from_gateway("14284689"));
        assert_eq!(n.card_hash.as_deref(), Some("4405-64XX-XXXX-1234"));
        assert_eq!(n.payment_date.as_deref(), Some("2026-11-30 15:00:00"));
        assert_eq!(n.card_token, None);
        assert_eq!(n.error_code, None);
    }

    fn mismatch(result: Result<PayoutNotification, NotificationError>) {
        match result {
            Err(NotificationError::Callback(CallbackError::Mismatch)) => {}
            other => panic!("expected a signature mismatch, got {other:?}"),
        }
    }

    #[test]
    fn a_form_notification_verifies_and_reads() {
        let n = verify_body(&form(&fields())).expect("verifies");
        assert_fields(&n);
        assert_eq!(n.callback().form(), CallbackForm::Form);
    }

    #[test]
    fn a_pg_xml_notification_verifies_and_reads() {
        let n = verify_body(&pg_xml(&fields())).expect("verifies");
        assert_fields(&n);
        assert_eq!(n.callback().form(), CallbackForm::Xml);
    }

    #[test]
    fn a_get_notification_verifies_from_the_query() {
        let query = String::from_utf8(form(&fields())).unwrap();
        let n = PayoutNotification::verify(URL, &query, b"", &config()).expect("verifies");
        assert_fields(&n);
        assert_eq!(n.callback().form(), CallbackForm::Query);
    }

    #[test]
    fn a_failed_payout_notification() {
        let fields = signed_fields("payout/payout_notify_error.xml", URL, SecretKind::Payout);
        let n = verify_body(&form(&fields)).expect("verifies");
        assert_eq!(n.status, Some(NotificationStatus::Error));
        assert_eq!(n.error_code, Some(ErrorCode::PayoutDeclined8888));
        assert_eq!(n.error_description.as_deref(), Some("Payout refused"));
        assert_eq!(n.card_id.as_deref(), Some("1234567"));
        assert_eq!(
            n.card_token.as_deref(),
            Some("c92741d9-ddd7-4bad-abd0-5594a79eea1a")
        );
    }

    #[test]
    fn a_tampered_value_is_refused() {
        let mut fields = fields();
        fields.set("pg_payment_amount", "15000.50");
        mismatch(verify_body(&form(&fields)));
    }

    #[test]
    fn a_dropped_field_is_refused() {
        let mut fields = fields();
        fields.remove("pg_balance");
        mismatch(verify_body(&form(&fields)));
    }

    #[test]
    fn an_added_field_is_refused() {
        let mut fields = fields();
        fields.push("pg_bonus", "1");
        mismatch(verify_body(&form(&fields)));
    }

    #[test]
    fn another_url_is_another_script_name() {
        mismatch(PayoutNotification::verify(
            "https://shop.kz/freedompay/result",
            "",
            &form(&fields()),
            &config(),
        ));
    }

    #[test]
    fn the_payment_secret_does_not_verify_a_payout_notification() {
        let fields = signed_fields(FIXTURE, URL, SecretKind::Payment);
        mismatch(verify_body(&form(&fields)));
    }

    #[test]
    fn an_unsigned_notification_is_refused() {
        let mut fields = fields();
        fields.remove("pg_sig");
        assert!(matches!(
            verify_body(&form(&fields)),
            Err(NotificationError::Callback(CallbackError::Unsigned))
        ));
    }

    #[test]
    fn a_verified_notification_without_payment_id_is_a_field_error() {
        let mut unsigned = fields();
        unsigned.remove("pg_sig");
        unsigned.remove("pg_payment_id");
        let fields = sign_fields(unsigned, URL, SecretKind::Payout);
        let error = verify_body(&form(&fields)).unwrap_err();
        assert_eq!(error.field(), Some("pg_payment_id"));
        assert_eq!(
            error.to_string(),
            "the callback is authentic but has no pg_payment_id"
        );
    }

    #[test]
    fn a_verified_notification_with_an_unreadable_amount_is_a_field_error() {
        let mut unsigned = fields();
        unsigned.remove("pg_sig");
        unsigned.set("pg_payment_amount", "1,500.50");
        let fields = sign_fields(unsigned, URL, SecretKind::Payout);
        let error = verify_body(&form(&fields)).unwrap_err();
        assert_eq!(error.field(), Some("pg_payment_amount"));
    }

    #[test]
    fn the_payout_notification_secret_is_configurable() {
        assert_eq!(config().payout_notification_secret(), SecretKind::Payout);
        let payment = Config::builder()
            .merchant_id("123456")
            .secret_key(crate::testing::PAYMENT_SECRET)
            .payout_secret_key(crate::testing::PAYOUT_SECRET)
            .payout_notification_secret(SecretKind::Payment)
            .build()
            .unwrap();
        let by_payment = signed_fields(FIXTURE, URL, SecretKind::Payment);
        let n = PayoutNotification::verify(URL, "", &form(&by_payment), &payment).unwrap();
        assert_fields(&n);
        mismatch(verify_body(&form(&by_payment)));
        // Its signed reply uses the same secret.
        let reply = n.signed_reply(&payment).unwrap();
        let fields = freedompay_xml::parse(reply.body().as_bytes())
            .unwrap()
            .into_fields();
        let script = ScriptName::new("payout-notify").unwrap();
        assert!(verify(&script, &fields, payment.secret(SecretKind::Payment)).is_ok());
    }

    #[test]
    fn the_documented_reply() {
        let n = verify_body(&form(&fields())).unwrap();
        let reply = n.reply();
        assert_eq!(reply.content_type(), "application/xml; charset=utf-8");
        insta::assert_snapshot!(reply.body());
        // The documented shape reads back as a lone pg_status element.
        let document = freedompay_xml::parse(reply.body().as_bytes()).unwrap();
        assert_eq!(document.root_name(), "pg_status");
        assert_eq!(document.root_text(), Some("ok"));
    }

    #[test]
    fn the_signed_reply_verifies_and_is_the_same_on_replay() {
        let body = form(&fields());
        let first = verify_body(&body).unwrap().signed_reply(&config()).unwrap();
        let replay = verify_body(&body).unwrap().signed_reply(&config()).unwrap();
        assert_eq!(first, replay);
        insta::assert_snapshot!(first.body());

        let document = freedompay_xml::parse(first.body().as_bytes()).unwrap();
        assert_eq!(document.root_name(), "response");
        let fields = document.into_fields();
        assert_eq!(
            fields.text("pg_salt"),
            Some("Ab3dE5gH7jK9"),
            "the incoming salt"
        );
        let script = ScriptName::new("payout-notify").unwrap();
        assert!(verify(&script, &fields, config().secret(SecretKind::Payout)).is_ok());
        assert!(verify(&script, &fields, config().secret(SecretKind::Payment)).is_err());
    }
}
