//! The payment callbacks against the vectors of `tests/vectors/callbacks/`: each file holds
//! the fields FreedomPay sends, the script name, and the signature computed by the PHP
//! reference (`tools/php-reference/check-vectors.php --fill`), plus how the request is
//! delivered (POST form, GET query, `pg_xml`), what is altered on the way, and what the SDK
//! must conclude. Then the merchant's signed replies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use freedompay_core::notifications::{
    CallbackError, CallbackForm, CallbackRequest, CaptureNotification, CardAddedNotification,
    CheckNotification, NotificationError, PaymentResult, RedirectNotification, RefundNotification,
    RejectNotAllowed, ReplyBody, ResultNotification, VerifiedCallback,
};
use freedompay_core::payment::PaymentMethod;
use freedompay_core::{Amount, Config, Currency, ErrorCode, Status, form};
use freedompay_sign::{Fields, SIG_FIELD, ScriptName, SecretKey, sign, verify};

const SECRET: &str = "TESTSECRET";

fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key(SECRET)
        .payout_secret_key("ANOTHER_SECRET")
        .build()
        .unwrap()
}

fn secret() -> SecretKey {
    SecretKey::new(SECRET).unwrap()
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/callbacks")
}

/// One vector file.
struct Vector {
    name: String,
    header: BTreeMap<String, String>,
    fields: Vec<(String, String)>,
}

impl Vector {
    fn load(name: &str) -> Self {
        let path = dir().join(format!("{name}.vector"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut header = BTreeMap::new();
        let mut fields = Vec::new();
        let mut in_fields = false;
        for line in text.lines() {
            if in_fields {
                let (n, v) = line.split_once('=').expect("name=value");
                fields.push((n.to_owned(), v.to_owned()));
            } else if line == "fields:" {
                in_fields = true;
            } else if !line.is_empty() && !line.starts_with('#') {
                let (k, v) = line.split_once(": ").unwrap_or((line, ""));
                header.insert(k.trim_end_matches(':').to_owned(), v.to_owned());
            }
        }
        Self {
            name: name.to_owned(),
            header,
            fields,
        }
    }

    fn all() -> Vec<Self> {
        let mut names: Vec<String> = std::fs::read_dir(dir())
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".vector").map(str::to_owned)
            })
            .collect();
        names.sort();
        names.iter().map(|n| Self::load(n)).collect()
    }

    fn get(&self, key: &str) -> &str {
        self.header
            .get(key)
            .unwrap_or_else(|| panic!("{}: no `{key}`", self.name))
    }

    fn url(&self) -> &str {
        self.get("url")
    }

    fn signed_fields(&self) -> Fields {
        let mut fields: Fields = self
            .fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        fields.push(SIG_FIELD, self.get("signature"));
        fields
    }

    /// The fields as delivered: signed, then altered as the vector says.
    fn delivered_fields(&self) -> Fields {
        let mut fields = self.signed_fields();
        let tamper = self.get("tamper");
        if let Some(rest) = tamper.strip_prefix("set ") {
            let (n, v) = rest.split_once('=').unwrap();
            assert!(fields.contains(n), "{}: nothing to set", self.name);
            fields.set(n, v);
        } else if let Some(name) = tamper.strip_prefix("drop ") {
            assert!(
                fields.remove(name).is_some(),
                "{}: nothing to drop",
                self.name
            );
        } else if let Some(rest) = tamper.strip_prefix("add ") {
            let (n, v) = rest.split_once('=').unwrap();
            fields.push(n, v);
        } else {
            assert_eq!(tamper, "none", "{}: unknown tamper", self.name);
        }
        fields
    }

    /// `(query, body)` as a web framework hands them over.
    fn request(&self) -> (String, Vec<u8>) {
        let fields = self.delivered_fields();
        match self.get("transport") {
            "POST" => (String::new(), form::encode(&fields).into_bytes()),
            "GET" => (form::encode(&fields), Vec::new()),
            "XML" => {
                let xml = freedompay_xml::write_with_root("request", &fields).unwrap();
                let mut wrapper = Fields::new();
                wrapper.push("pg_xml", xml);
                (String::new(), form::encode(&wrapper).into_bytes())
            }
            other => panic!("{}: unknown transport {other}", self.name),
        }
    }

    /// The same body fields (a POST form's, or the `pg_xml` wrapper) as a
    /// `multipart/form-data` body: `(body, Content-Type)`. `None` for a GET vector.
    fn multipart_request(&self) -> Option<(Vec<u8>, String)> {
        let (query, body) = self.request();
        if body.is_empty() {
            assert!(!query.is_empty());
            return None;
        }
        let fields = form::decode(&body).unwrap();
        let boundary = "----FreedomPayBoundary7MA4YWxkTrZu0gW";
        Some((
            multipart(&fields, boundary),
            format!("multipart/form-data; boundary={boundary}"),
        ))
    }

    /// Verifies the request as its kind of notification.
    fn verify(&self) -> Result<(), NotificationError> {
        let (query, body) = self.request();
        self.verify_as(CallbackRequest::new(self.url(), &query, &body))
    }

    /// Verifies `request` as this vector's kind of notification.
    fn verify_as(&self, request: CallbackRequest<'_>) -> Result<(), NotificationError> {
        let config = &config();
        match self.get("kind") {
            "check" => CheckNotification::verify_request(request, config).map(drop),
            "result" => ResultNotification::verify_request(request, config).map(drop),
            "refund" => RefundNotification::verify_request(request, config).map(drop),
            "capture" => CaptureNotification::verify_request(request, config).map(drop),
            "card_added" => CardAddedNotification::verify_request(request, config).map(drop),
            "redirect" => RedirectNotification::verify_request(request, config).map(drop),
            other => panic!("{}: unknown kind {other}", self.name),
        }
    }

    fn result(&self) -> ResultNotification {
        let (query, body) = self.request();
        ResultNotification::verify(self.url(), &query, &body, &config()).expect("verifies")
    }

    fn check(&self) -> CheckNotification {
        let (query, body) = self.request();
        CheckNotification::verify(self.url(), &query, &body, &config()).expect("verifies")
    }
}

/// Flat fields as a `multipart/form-data` body, one part each, CRLF line ends (as curl,
/// PHP's cURL and Guzzle write them).
fn multipart(fields: &Fields, boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for field in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n",
                field.name(),
                field.text().expect("flat fields")
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[test]
fn every_vector_is_signed_as_the_php_reference_signs_it() {
    let vectors = Vector::all();
    assert!(vectors.len() >= 20);
    for v in &vectors {
        let fields: Fields = v
            .fields
            .iter()
            .map(|(n, val)| (n.as_str(), val.as_str()))
            .collect();
        let ours = sign(
            &ScriptName::new(v.get("script")).unwrap(),
            &fields,
            &secret(),
        )
        .unwrap();
        assert_eq!(ours.as_str(), v.get("signature"), "{}", v.name);
        let explained =
            freedompay_sign::explain(&ScriptName::new(v.get("script")).unwrap(), &fields).unwrap();
        assert_eq!(
            explained.replace(";***", &format!(";{SECRET}")),
            v.get("canonical"),
            "{}",
            v.name
        );
    }
}

#[test]
fn every_vector_verifies_as_expected() {
    for v in Vector::all() {
        let outcome = v.verify();
        let expect = v.get("expect");
        match (expect, &outcome) {
            ("ok", Ok(())) => {}
            ("mismatch", Err(NotificationError::Callback(CallbackError::Mismatch))) => {}
            ("unsigned", Err(NotificationError::Callback(CallbackError::Unsigned))) => {}
            (missing, Err(NotificationError::Field(e)))
                if missing.strip_prefix("missing ") == Some(e.field()) && e.is_missing() =>
            {
                assert!(outcome.as_ref().unwrap_err().is_authentic());
            }
            _ => panic!("{}: expected {expect}, got {outcome:?}", v.name),
        }
    }
}

/// The documentation sends the payout notification as `multipart/form-data`
/// (docs.freedompay.kz api-11622162): every kind of callback is read from one, with its
/// Content-Type or without (the opening boundary line tells), to the same conclusion as the
/// urlencoded form.
#[test]
fn every_posted_vector_concludes_the_same_as_multipart() {
    let mut checked = 0;
    for v in Vector::all() {
        let Some((body, content_type)) = v.multipart_request() else {
            continue;
        };
        let expected = format!("{:?}", v.verify());
        let with_type = CallbackRequest::new(v.url(), "", &body).content_type(&content_type);
        assert_eq!(
            format!("{:?}", v.verify_as(with_type)),
            expected,
            "{}",
            v.name
        );
        let sniffed = CallbackRequest::new(v.url(), "", &body);
        assert_eq!(
            format!("{:?}", v.verify_as(sniffed)),
            expected,
            "{}",
            v.name
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} posted vectors");
}

#[test]
fn a_multipart_result_is_typed_as_the_form_is() {
    let v = Vector::load("result_post_valid");
    let (body, content_type) = v.multipart_request().unwrap();
    let request = CallbackRequest::new(v.url(), "", &body).content_type(&content_type);
    let multipart = ResultNotification::verify_request(request, &config()).unwrap();
    let form = v.result();
    assert_eq!(multipart.callback().form(), CallbackForm::Multipart);
    assert_eq!(multipart.callback().fields(), form.callback().fields());
    assert_eq!(multipart.description.as_deref(), Some("Оплата заказа №1"));
    assert_eq!(multipart.reply_ok(&config()), form.reply_ok(&config()));
}

/// A raw HTTP request from the `fixtures/payout` folder: `(path, Content-Type, body)`.
fn captured(name: &str) -> (String, String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/payout")
        .join(name);
    let raw = std::fs::read(&path).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let target = head.lines().next().unwrap().split(' ').nth(1).unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap();
    (
        target.to_owned(),
        content_type.to_owned(),
        raw[split + 4..].to_vec(),
    )
}

/// The payout notification of seed 003 (docs.freedompay.kz api-11622162) as its curl sample
/// sends it (`--form` per field, the sample's values filled in, captured from curl 7.88),
/// signed with the payout secret `PAYOUT_SECRET` for `/freedompay/payout-notify`.
#[test]
fn the_documented_multipart_payout_notification() {
    use freedompay_core::notifications::{NotificationStatus, PayoutNotification};
    let (path, content_type, body) = captured("payout_notify_multipart.http");
    let url = format!("https://shop.kz{path}");
    assert!(content_type.starts_with("multipart/form-data; boundary="));
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key(SECRET)
        .payout_secret_key("PAYOUT_SECRET")
        .build()
        .unwrap();
    let request = CallbackRequest::new(&url, "", &body).content_type(&content_type);
    let n = PayoutNotification::verify_request(request, &config).unwrap();
    assert_eq!(n.callback().form(), CallbackForm::Multipart);
    assert_eq!(n.callback().script_name().as_str(), "payout-notify");
    assert_eq!(n.payment_id.get(), 98_728_768);
    assert_eq!(n.merchant_id, "123456");
    assert_eq!(n.order_id.as_deref(), Some("payout-42"));
    assert_eq!(n.status, Some(NotificationStatus::Ok));
    assert_eq!(n.payment_amount, Amount::from_gateway("1500.50"));
    assert_eq!(n.to_pay, Amount::from_gateway("1530.50"));
    assert_eq!(n.balance, Amount::from_gateway("14284689"));
    assert_eq!(n.card_hash.as_deref(), Some("4405-64XX-XXXX-1234"));
    assert_eq!(n.payment_date.as_deref(), Some("2026-11-30 15:00:00"));
    assert_eq!(
        n.reply().body(),
        r#"<?xml version="1.0" encoding="utf-8"?><pg_status>ok</pg_status>"#
    );
    // Without the Content-Type the body is recognised by its opening boundary line.
    let sniffed = PayoutNotification::verify(&url, "", &body, &config).unwrap();
    assert_eq!(sniffed.callback().fields(), n.callback().fields());
    // The generic layer reads it too.
    let secret = SecretKey::new("PAYOUT_SECRET").unwrap();
    let request = CallbackRequest::new(&url, "", &body).content_type(&content_type);
    let callback = VerifiedCallback::verify(request, &secret).unwrap();
    assert_eq!(callback.salt(), Some("Ab3dE5gH7jK9"));
    // The payment secret does not verify it, unless the config says so.
    let request = CallbackRequest::new(&url, "", &body).content_type(&content_type);
    assert!(matches!(
        PayoutNotification::verify_request(request, &self::config()),
        Err(NotificationError::Callback(CallbackError::Mismatch))
    ));
}

#[test]
fn a_multipart_body_that_does_not_parse_is_a_callback_error() {
    use freedompay_core::notifications::MultipartError;
    let url = "https://shop.kz/freedompay/result";
    let v = Vector::load("result_post_valid");
    let (body, content_type) = v.multipart_request().unwrap();
    let cases: [(&[u8], &str, MultipartError); 3] = [
        (&body, "multipart/form-data", MultipartError::Boundary),
        (
            &body,
            "multipart/form-data; boundary=another",
            MultipartError::Malformed,
        ),
        (
            &body[..body.len() / 2],
            &content_type,
            MultipartError::Malformed,
        ),
    ];
    for (body, content_type, expected) in cases {
        let request = CallbackRequest::new(url, "", body).content_type(content_type);
        match ResultNotification::verify_request(request, &config()) {
            Err(NotificationError::Callback(CallbackError::Multipart(e))) => {
                assert_eq!(e, expected, "{content_type}");
                assert!(!e.to_string().is_empty());
            }
            other => panic!("{content_type}: expected a multipart error, got {other:?}"),
        }
    }
}

/// FreedomPay always sends `pg_salt` (the reply must echo it): a signed callback without one
/// is refused by every typed notification and by the generic layer alike.
#[test]
fn a_callback_without_salt_is_refused_everywhere() {
    use freedompay_core::notifications::{PayoutCardAdded, PayoutNotification, testing};
    let url = "https://shop.kz/freedompay/notify";
    let pairs = [
        ("pg_payment_id", "1"),
        ("pg_amount", "10"),
        ("pg_result", "1"),
        ("pg_status", "ok"),
        ("pg_merchant_id", "123456"),
    ];
    let same_secret = Config::builder()
        .merchant_id("123456")
        .secret_key(SECRET)
        .build()
        .unwrap();
    for salt in [None, Some("")] {
        let mut pairs = pairs.to_vec();
        if let Some(salt) = salt {
            pairs.push(("pg_salt", salt));
        }
        let body = testing::signed_form(url, &pairs, &secret());
        let config = &same_secret;
        let outcomes = [
            CheckNotification::verify(url, "", &body, config).map(drop),
            ResultNotification::verify(url, "", &body, config).map(drop),
            RefundNotification::verify(url, "", &body, config).map(drop),
            CaptureNotification::verify(url, "", &body, config).map(drop),
            CardAddedNotification::verify(url, "", &body, config).map(drop),
            RedirectNotification::verify(url, "", &body, config).map(drop),
            PayoutNotification::verify(url, "", &body, config).map(drop),
            PayoutCardAdded::verify(url, "", &body, config).map(drop),
        ];
        for outcome in outcomes {
            match outcome {
                Err(NotificationError::Field(e)) => {
                    assert_eq!(e.field(), "pg_salt");
                    assert!(e.is_missing());
                }
                other => panic!("salt {salt:?}: expected a missing pg_salt, got {other:?}"),
            }
        }
        match VerifiedCallback::from_request(url, "", &body, &secret()) {
            Err(e @ CallbackError::Salt(_)) => {
                assert_eq!(
                    e.to_string(),
                    "the callback is authentic but has no pg_salt"
                );
            }
            other => panic!("expected a salt error, got {other:?}"),
        }
    }
}

#[test]
fn a_result_notification_is_typed_the_same_in_every_form() {
    let forms = [
        ("result_post_valid", CallbackForm::Form),
        ("result_get_valid", CallbackForm::Query),
        ("result_xml_valid", CallbackForm::Xml),
    ];
    for (name, form) in forms {
        let r = Vector::load(name).result();
        assert_eq!(r.callback().form(), form, "{name}");
        assert_eq!(r.callback().script_name().as_str(), "result");
        assert_eq!(r.payment_id.get(), 123_456_789);
        assert_eq!(r.order_id.as_deref(), Some("order-42"));
        assert_eq!(r.result, PaymentResult::Success);
        assert!(r.is_success());
        assert_eq!(r.amount.minor_units(), 150_000);
        assert_eq!(r.currency, Some(Currency::Kzt));
        assert_eq!(r.net_amount, Amount::from_gateway("1455.50"));
        assert_eq!(r.ps_amount, Amount::from_gateway("1500"));
        assert_eq!(r.ps_full_amount, Amount::from_gateway("1500"));
        assert_eq!(r.ps_currency, Some(Currency::Kzt));
        assert_eq!(r.description.as_deref(), Some("Оплата заказа №1"));
        assert_eq!(r.payment_date.as_deref(), Some("2026-03-01 10:15:00"));
        assert!(!r.can_reject());
        assert_eq!(r.user_phone.as_deref(), Some("77017777777"));
        assert_eq!(r.user_contact_email, None, "`undefined` reads as absent");
        assert_eq!(r.need_phone_notification, Some(false));
        assert_eq!(r.need_email_notification, Some(false));
        assert_eq!(r.testing_mode, Some(true));
        assert_eq!(r.captured, Some(true));
        assert_eq!(r.card_id.as_deref(), Some("1001"));
        assert_eq!(
            r.card_token.as_deref(),
            Some("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e")
        );
        let pan = r.card_pan.as_ref().unwrap();
        assert_eq!(pan.as_received(), "4405-64XX-XXXX-6150");
        assert_eq!(pan.last4(), Some("6150"));
        assert_eq!(r.card_exp.as_deref(), Some("09/27"));
        assert_eq!(r.card_owner, None, "`undefined` reads as absent");
        assert_eq!(r.card_brand.as_deref(), Some("VI"));
        assert_eq!(r.payment_method, Some(PaymentMethod::BankCard));
        assert_eq!(r.payment_system.as_deref(), Some("EPAYWEBKZT"));
        assert_eq!(r.recurring_profile_id.as_deref(), Some("35768492"));
        assert_eq!(r.failure_code, None);
        assert_eq!(r.custom_fields().collect::<Vec<_>>(), [("cart_id", "c-17")]);
        assert_eq!(r.custom_field("cart_id"), Some("c-17"));
        assert_eq!(r.custom_field("pg_amount"), None);
    }
}

#[test]
fn a_failed_result_carries_its_failure() {
    let r = Vector::load("result_failed").result();
    assert_eq!(r.result, PaymentResult::Failure);
    assert!(!r.is_success());
    assert_eq!(r.failure_code, Some(ErrorCode::Declined));
    assert_eq!(
        r.failure_description.as_deref(),
        Some("Transaction declined")
    );
}

#[test]
fn a_get_check_signs_and_exposes_the_urls_own_parameters() {
    let c = Vector::load("check_get_index_php").check();
    assert_eq!(c.callback().script_name().as_str(), "index.php");
    assert_eq!(c.callback().form(), CallbackForm::Query);
    assert_eq!(c.payment_id.get(), 123_456_789);
    assert_eq!(c.amount, Amount::parse("1500").unwrap());
    assert_eq!(c.ps_currency, Some(Currency::Kzt));
    assert_eq!(
        c.custom_fields().collect::<Vec<_>>(),
        [
            ("dispatch", "payment_notification.check"),
            ("payment", "freedompay")
        ]
    );
}

#[test]
fn refund_capture_card_added_and_redirects_are_typed() {
    let v = Vector::load("refund_post_valid");
    let (query, body) = v.request();
    let refund = RefundNotification::verify(v.url(), &query, &body, &config()).unwrap();
    assert_eq!(refund.payment_id.get(), 123_456_789);
    assert_eq!(refund.amount, Amount::from_gateway("300.50"));
    assert_eq!(refund.refund_id.as_deref(), Some("123456792"));
    assert_eq!(refund.refund_date.as_deref(), Some("2026-03-02 09:00:00"));
    assert_eq!(refund.refund_type.as_deref(), Some("refund"));
    assert_eq!(refund.refund_system.as_deref(), Some("EPAYWEBKZT"));
    assert_eq!(refund.refund_amount, None);

    let v = Vector::load("capture_xml_valid");
    let (query, body) = v.request();
    let capture = CaptureNotification::verify(v.url(), &query, &body, &config()).unwrap();
    assert_eq!(capture.callback().form(), CallbackForm::Xml);
    assert_eq!(capture.clearing_amount, Amount::from_gateway("1200.50"));
    assert_eq!(capture.amount, Amount::from_gateway("1500"));
    assert_eq!(capture.captured, Some(true));

    let v = Vector::load("card_added_post_valid");
    let (query, body) = v.request();
    let card = CardAddedNotification::verify(v.url(), &query, &body, &config()).unwrap();
    assert_eq!(card.callback().script_name().as_str(), "card-added");
    assert!(card.is_saved());
    assert_eq!(card.status, Status::Success);
    assert_eq!(card.kind.as_deref(), Some("approve"));
    assert_eq!(card.user_id.as_deref(), Some("user-7"));
    assert_eq!(
        card.card_token.as_deref(),
        Some("b2e4f7a0-6a0c-4f4e-9d4b-1f2a3b4c5d6e")
    );
    assert_eq!(
        card.card_hash.as_ref().map(|h| h.to_string()).as_deref(),
        Some("4405-64XX-XXXX-6150")
    );
    assert_eq!(card.card_3ds, Some(true));
    assert_eq!(
        (card.card_month.as_deref(), card.card_year.as_deref()),
        (Some("09"), Some("27"))
    );

    let v = Vector::load("success_redirect_get");
    let (query, body) = v.request();
    let back = RedirectNotification::verify(v.url(), &query, &body, &config()).unwrap();
    assert_eq!(back.order_id.as_deref(), Some("order-42"));
    assert_eq!(back.payment_id.map(|p| p.get()), Some(123_456_789));
    assert_eq!(back.status, None);
}

#[test]
fn a_verified_callback_can_be_typed_afterwards() {
    let v = Vector::load("result_post_valid");
    let (query, body) = v.request();
    let callback = VerifiedCallback::from_request(v.url(), &query, &body, &secret()).unwrap();
    let result = ResultNotification::from_callback(callback).unwrap();
    assert_eq!(result.payment_id.get(), 123_456_789);
}

#[test]
fn the_payout_secret_does_not_verify_payment_callbacks() {
    let v = Vector::load("result_post_valid");
    let (query, body) = v.request();
    let payout_only = Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_key(SECRET)
        .build()
        .unwrap();
    assert!(matches!(
        ResultNotification::verify(v.url(), &query, &body, &payout_only),
        Err(NotificationError::Callback(CallbackError::Mismatch))
    ));
}

/// The reply, its bytes snapshot-tested, and its signature checked back with the callback's
/// script name and the secret.
fn assert_reply(name: &str, url: &str, reply: &ReplyBody) {
    assert_eq!(reply.content_type(), "application/xml; charset=utf-8");
    let fields = freedompay_xml::parse(reply.body().as_bytes())
        .unwrap()
        .into_fields();
    verify(&ScriptName::from_url(url).unwrap(), &fields, &secret())
        .unwrap_or_else(|e| panic!("{name}: the reply does not verify: {e}"));
    insta::with_settings!({
        snapshot_path => "vectors/callbacks/snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, reply.body());
    });
}

#[test]
fn the_reply_vector_of_protocol_2_9() {
    let v = Vector::load("result_reply_vector");
    let reply = v.result().reply_ok_with("Order paid", &config());
    assert!(
        reply
            .body()
            .contains("<pg_sig>bc9ba7f85644b9079d7ddaa2e65e88f4</pg_sig>"),
        "{}",
        reply.body()
    );
    assert_reply("reply_result_ok_order_paid", v.url(), &reply);
}

#[test]
fn check_replies() {
    let v = Vector::load("check_post_valid");
    let check = v.check();
    assert_reply("reply_check_ok", v.url(), &check.reply_ok(&config()));
    let rejected = check.reply_rejected("The order was cancelled", &config());
    assert!(rejected.body().contains("<pg_error_description>"));
    assert_reply("reply_check_rejected", v.url(), &rejected);
    assert_reply(
        "reply_check_error",
        v.url(),
        &check.reply_error("Try again later", &config()),
    );

    let v = Vector::load("check_get_index_php");
    assert_reply(
        "reply_check_index_php_ok",
        v.url(),
        &v.check().reply_ok(&config()),
    );
}

#[test]
fn result_replies() {
    let v = Vector::load("result_post_valid");
    let result = v.result();
    assert_reply("reply_result_ok", v.url(), &result.reply_ok(&config()));
    let error = result.reply_error("Database unavailable", &config());
    assert!(
        error
            .body()
            .contains("<pg_description>Database unavailable</pg_description>")
    );
    assert_reply("reply_result_error", v.url(), &error);
    // pg_can_reject=0: the payment counts as completed; a rejection is refused.
    assert_eq!(
        result.reply_rejected("Out of stock", &config()),
        Err(RejectNotAllowed)
    );

    let v = Vector::load("result_can_reject");
    let result = v.result();
    assert!(result.can_reject());
    let rejected = result.reply_rejected("Out of stock", &config()).unwrap();
    assert_reply("reply_result_rejected", v.url(), &rejected);
}

#[test]
fn refund_capture_and_card_added_replies() {
    for (name, vector) in [
        ("reply_refund_ok", "refund_post_valid"),
        ("reply_capture_ok", "capture_xml_valid"),
        ("reply_card_added_ok", "card_added_post_valid"),
    ] {
        let v = Vector::load(vector);
        let (query, body) = v.request();
        let reply = match v.get("kind") {
            "refund" => RefundNotification::verify(v.url(), &query, &body, &config())
                .unwrap()
                .reply_ok(&config()),
            "capture" => CaptureNotification::verify(v.url(), &query, &body, &config())
                .unwrap()
                .reply_ok(&config()),
            _ => CardAddedNotification::verify(v.url(), &query, &body, &config())
                .unwrap()
                .reply_ok(&config()),
        };
        assert_reply(name, v.url(), &reply);
    }
    let v = Vector::load("refund_post_valid");
    let (query, body) = v.request();
    let refund = RefundNotification::verify(v.url(), &query, &body, &config()).unwrap();
    assert_reply(
        "reply_refund_error",
        v.url(),
        &refund.reply_error("Try again later", &config()),
    );
}

#[test]
fn a_replayed_callback_gets_the_same_bytes() {
    for name in ["result_post_valid", "result_xml_valid", "result_can_reject"] {
        let v = Vector::load(name);
        let (first, second) = (v.result(), v.result());
        assert_eq!(first.reply_ok(&config()), second.reply_ok(&config()));
        assert_eq!(
            first.reply_rejected("Out of stock", &config()),
            second.reply_rejected("Out of stock", &config())
        );
    }
    let v = Vector::load("check_post_valid");
    assert_eq!(
        v.check().reply_rejected("No", &config()),
        v.check().reply_rejected("No", &config())
    );
}

#[test]
fn reply_texts_lose_only_what_xml_cannot_carry() {
    let v = Vector::load("result_post_valid");
    let reply = v
        .result()
        .reply_error("Ошибка\u{1} базы\tданных", &config());
    assert!(
        reply
            .body()
            .contains("<pg_description>Ошибка базы\tданных</pg_description>")
    );
    assert_reply("reply_result_error_cleaned", v.url(), &reply);
}

#[test]
fn a_salt_that_cannot_be_echoed_is_refused_as_a_field_error() {
    let url = "https://shop.kz/freedompay/result";
    let body = freedompay_core::notifications::testing::signed_form(
        url,
        &[
            ("pg_payment_id", "1"),
            ("pg_amount", "10"),
            ("pg_result", "1"),
            ("pg_salt", "bad\u{1}salt"),
        ],
        &secret(),
    );
    match ResultNotification::verify(url, "", &body, &config()) {
        Err(NotificationError::Field(e)) => assert_eq!(e.field(), "pg_salt"),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn unreadable_required_fields_are_field_errors() {
    let url = "https://shop.kz/freedompay/check";
    let body = freedompay_core::notifications::testing::signed_form(
        url,
        &[
            ("pg_payment_id", "123"),
            ("pg_amount", "12,50"),
            ("pg_salt", "s"),
        ],
        &secret(),
    );
    let error = CheckNotification::verify(url, "", &body, &config()).unwrap_err();
    assert!(error.is_authentic());
    assert!(error.to_string().contains("pg_amount"), "{error}");
}

#[test]
fn a_full_card_number_never_reaches_debug() {
    let url = "https://shop.kz/freedompay/result";
    let body = freedompay_core::notifications::testing::signed_form(
        url,
        &[
            ("pg_payment_id", "1"),
            ("pg_amount", "10"),
            ("pg_result", "1"),
            ("pg_card_pan", "4405640000006150"),
            ("pg_salt", "s"),
        ],
        &secret(),
    );
    let result = ResultNotification::verify(url, "", &body, &config()).unwrap();
    let debug = format!("{result:?}");
    assert!(!debug.contains("4405640000006150"), "{debug}");
    assert!(debug.contains("440564******6150"), "{debug}");
}
