//! The optional fields shared by the requests that open a payment page (`init_payment.php`,
//! `payment.php`, `g2g/any_amount`, `card/init`): one holder, one writer, and setters that
//! each request type picks from by name.

use std::net::IpAddr;

use freedompay_sign::Fields;

use crate::declare::WriteFields;
use crate::{Amount, Currency, IdempotencyKey, InvalidInput, Phone, Url, UserId};

use super::checks::{self, flag};
use super::custom::CustomFields;
use super::options::{Language, PaymentMethod, RedirectMethod, RequestMethod};
use super::receipt::ReceiptPosition;

/// Every optional field of the payment-page family (PROTOCOL.md §1.1 table); unset ones are
/// not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageFields {
    pub(crate) currency: Option<Currency>,
    pub(crate) testing_mode: Option<bool>,
    pub(crate) lifetime: Option<u32>,
    pub(crate) language: Option<Language>,
    pub(crate) auto_clearing: Option<bool>,
    pub(crate) recurring_start: Option<bool>,
    pub(crate) recurring_lifetime: Option<u16>,
    pub(crate) timeout_after_payment: Option<u32>,
    pub(crate) challenge_3ds: Option<bool>,
    pub(crate) user_id: Option<UserId>,
    pub(crate) user_ip: Option<IpAddr>,
    pub(crate) user_phone: Option<Phone>,
    pub(crate) user_contact_email: Option<String>,
    pub(crate) user_email: Option<String>,
    pub(crate) payment_method: Option<PaymentMethod>,
    pub(crate) payment_system: Option<String>,
    pub(crate) request_method: Option<RequestMethod>,
    pub(crate) check_url: Option<Url>,
    pub(crate) result_url: Option<Url>,
    pub(crate) refund_url: Option<Url>,
    pub(crate) capture_url: Option<Url>,
    pub(crate) success_url: Option<Url>,
    pub(crate) success_url_method: Option<RedirectMethod>,
    pub(crate) failure_url: Option<Url>,
    pub(crate) failure_url_method: Option<RedirectMethod>,
    pub(crate) state_url: Option<Url>,
    pub(crate) state_url_method: Option<RedirectMethod>,
    pub(crate) site_url: Option<String>,
    pub(crate) postpone_payment: Option<bool>,
    pub(crate) params: [Option<String>; 3],
    pub(crate) frame: bool,
    pub(crate) receipt_positions: Vec<ReceiptPosition>,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
    pub(crate) generate_qr: Option<bool>,
    pub(crate) commission_discount: Option<bool>,
    pub(crate) loyalty_id: Option<String>,
    pub(crate) loyalty_amount: Option<Amount>,
    pub(crate) freedom_id: Option<String>,
    pub(crate) custom: CustomFields,
}

const PARAM_NAMES: [&str; 3] = ["pg_param1", "pg_param2", "pg_param3"];

impl WriteFields for PageFields {
    /// Checks the limits and writes the set fields, in the order of the documentation's table.
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput> {
        if let Some(currency) = &self.currency {
            fields.push("pg_currency", currency.code());
        }
        if let Some(testing) = self.testing_mode {
            fields.push("pg_testing_mode", flag(testing));
        }
        if let Some(seconds) = self.lifetime {
            if !checks::LIFETIME_SECONDS.contains(&seconds) {
                return Err(InvalidInput::new(
                    "pg_lifetime",
                    "must be 300 to 604800 seconds (5 minutes to 7 days)",
                ));
            }
            fields.push("pg_lifetime", seconds.to_string());
        }
        if let Some(language) = &self.language {
            fields.push("pg_language", language.checked()?);
        }
        if let Some(auto) = self.auto_clearing {
            fields.push("pg_auto_clearing", flag(auto));
        }
        if let Some(start) = self.recurring_start {
            fields.push("pg_recurring_start", flag(start));
        }
        if let Some(months) = self.recurring_lifetime {
            if !checks::RECURRING_LIFETIME_MONTHS.contains(&months) {
                return Err(InvalidInput::new(
                    "pg_recurring_lifetime",
                    "must be 1 to 156 months",
                ));
            }
            fields.push("pg_recurring_lifetime", months.to_string());
        }
        if let Some(seconds) = self.timeout_after_payment {
            if seconds == 0 {
                return Err(InvalidInput::new(
                    "pg_timeout_after_payment",
                    "must be at least 1 second",
                ));
            }
            fields.push("pg_timeout_after_payment", seconds.to_string());
        }
        if let Some(challenge) = self.challenge_3ds {
            fields.push("pg_3ds_challenge", flag(challenge));
        }
        if let Some(user_id) = &self.user_id {
            fields.push("pg_user_id", user_id.as_str());
        }
        if let Some(ip) = &self.user_ip {
            fields.push("pg_user_ip", ip.to_string());
        }
        if let Some(phone) = &self.user_phone {
            fields.push("pg_user_phone", phone.as_str());
        }
        if let Some(email) = &self.user_contact_email {
            checks::email("pg_user_contact_email", email)?;
            fields.push("pg_user_contact_email", email.as_str());
        }
        if let Some(email) = &self.user_email {
            checks::email("pg_user_email", email)?;
            fields.push("pg_user_email", email.as_str());
        }
        if let Some(method) = &self.payment_method {
            fields.push("pg_payment_method", method.checked()?);
        }
        if let Some(system) = &self.payment_system {
            super::options::check_token("pg_payment_system", system)?;
            fields.push("pg_payment_system", system.as_str());
        }
        if let Some(method) = &self.request_method {
            fields.push("pg_request_method", method.checked("pg_request_method")?);
        }
        let urls = [
            ("pg_check_url", &self.check_url),
            ("pg_result_url", &self.result_url),
            ("pg_refund_url", &self.refund_url),
            ("pg_capture_url", &self.capture_url),
        ];
        for (name, url) in urls {
            if let Some(url) = url {
                fields.push(name, url.as_str());
            }
        }
        let redirects = [
            (
                "pg_success_url",
                &self.success_url,
                "pg_success_url_method",
                &self.success_url_method,
            ),
            (
                "pg_failure_url",
                &self.failure_url,
                "pg_failure_url_method",
                &self.failure_url_method,
            ),
            (
                "pg_state_url",
                &self.state_url,
                "pg_state_url_method",
                &self.state_url_method,
            ),
        ];
        for (name, url, method_name, method) in redirects {
            if let Some(url) = url {
                fields.push(name, url.as_str());
            }
            if let Some(method) = method {
                fields.push(method_name, method.checked(method_name)?);
            }
        }
        if let Some(site) = &self.site_url {
            checks::page_url("pg_site_url", site)?;
            fields.push("pg_site_url", site.as_str());
        }
        if let Some(postpone) = self.postpone_payment {
            fields.push("pg_postpone_payment", flag(postpone));
        }
        for (name, param) in PARAM_NAMES.into_iter().zip(&self.params) {
            if let Some(param) = param {
                checks::text(name, param, checks::PARAM_MAX_CHARS)?;
                fields.push(name, param.as_str());
            }
        }
        if self.frame {
            fields.push("pg_payment_route", "frame");
        }
        if !self.receipt_positions.is_empty() {
            fields.push_list(
                "pg_receipt_positions",
                self.receipt_positions
                    .iter()
                    .map(ReceiptPosition::to_fields),
            );
        }
        if let Some(key) = &self.idempotency_key {
            fields.push("pg_idempotency_key", key.as_str());
        }
        if let Some(qr) = self.generate_qr {
            fields.push("pg_generate_qr", flag(qr));
        }
        if let Some(discount) = self.commission_discount {
            fields.push("pg_commission_discount", flag(discount));
        }
        if let Some(id) = &self.loyalty_id {
            checks::text("pg_loyalty_id", id, checks::PARAM_MAX_CHARS)?;
            fields.push("pg_loyalty_id", id.as_str());
        }
        if let Some(amount) = &self.loyalty_amount {
            fields.push("pg_loyalty_amount", amount.to_string());
        }
        if let Some(id) = &self.freedom_id {
            checks::text("pg_freedom_id", id, checks::PARAM_MAX_CHARS)?;
            fields.push("pg_freedom_id", id.as_str());
        }
        self.custom.write(fields)
    }
}

/// One builder method of the page family, by the field's name. Used through
/// [`page_setters!`] inside an `impl` block of a type with a `page: PageFields` field.
macro_rules! page_setter {
    (currency) => {
        /// `pg_currency`: the currency of the amount (the merchant's default otherwise).
        pub fn currency(mut self, currency: $crate::Currency) -> Self {
            self.page.currency = Some(currency);
            self
        }
    };
    (testing_mode) => {
        /// `pg_testing_mode`: create a test payment (cards and mobile commerce only,
        /// PROTOCOL.md §5).
        pub fn testing_mode(mut self, testing: bool) -> Self {
            self.page.testing_mode = Some(testing);
            self
        }
    };
    (lifetime_seconds) => {
        /// `pg_lifetime`: how long the payer has to pay, 300 to 604 800 seconds (the
        /// gateway's default is 86 400). Checked when the request is prepared.
        pub fn lifetime_seconds(mut self, seconds: u32) -> Self {
            self.page.lifetime = Some(seconds);
            self
        }
    };
    (language) => {
        /// `pg_language`: the payment page's language (Russian by default).
        pub fn language(mut self, language: $crate::payment::Language) -> Self {
            self.page.language = Some(language);
            self
        }
    };
    (auto_clearing) => {
        /// `pg_auto_clearing`: `false` makes a two-step payment: the money is held until
        /// [`CapturePayment`](crate::payment::CapturePayment) or
        /// [`CancelPayment`](crate::payment::CancelPayment) (a hold is cleared by itself
        /// after 5 days).
        pub fn auto_clearing(mut self, auto: bool) -> Self {
            self.page.auto_clearing = Some(auto);
            self
        }
    };
    (recurring_start) => {
        /// `pg_recurring_start`: create a recurring profile with this payment; its id comes
        /// in the result notification (`pg_recurring_profile_id`), for
        /// [`RecurringPayment`](crate::payment::RecurringPayment).
        pub fn recurring_start(mut self, start: bool) -> Self {
            self.page.recurring_start = Some(start);
            self
        }
    };
    (recurring_lifetime_months) => {
        /// `pg_recurring_lifetime`: how long the recurring profile lives, 1 to 156 months
        /// (PROTOCOL.md §1.1; a 2026 integration reports a cap of 12 in current
        /// documentation, unconfirmed, so the documented 156 is enforced). Checked when the
        /// request is prepared.
        pub fn recurring_lifetime_months(mut self, months: u16) -> Self {
            self.page.recurring_lifetime = Some(months);
            self
        }
    };
    (timeout_after_payment) => {
        /// `pg_timeout_after_payment`: seconds before the payer is redirected after paying,
        /// at least 1 (the gateway's default is 10).
        pub fn timeout_after_payment(mut self, seconds: u32) -> Self {
            self.page.timeout_after_payment = Some(seconds);
            self
        }
    };
    (challenge_3ds) => {
        /// `pg_3ds_challenge`: ask for a 3-D Secure challenge.
        pub fn challenge_3ds(mut self, challenge: bool) -> Self {
            self.page.challenge_3ds = Some(challenge);
            self
        }
    };
    (user_id) => {
        /// `pg_user_id`: the payer's id in the merchant's system.
        pub fn user_id(mut self, user_id: $crate::UserId) -> Self {
            self.page.user_id = Some(user_id);
            self
        }
    };
    (user_ip) => {
        /// `pg_user_ip`: the payer's IP address.
        pub fn user_ip(mut self, ip: ::std::net::IpAddr) -> Self {
            self.page.user_ip = Some(ip);
            self
        }
    };
    (user_phone) => {
        /// `pg_user_phone`: the payer's phone, with the country code.
        pub fn user_phone(mut self, phone: $crate::Phone) -> Self {
            self.page.user_phone = Some(phone);
            self
        }
    };
    (user_contact_email) => {
        /// `pg_user_contact_email`: the payer's e-mail for notifications. Checked when the
        /// request is prepared (name@domain, no spaces, at most 255 characters).
        pub fn user_contact_email(mut self, email: impl Into<String>) -> Self {
            self.page.user_contact_email = Some(email.into());
            self
        }
    };
    (user_email) => {
        /// `pg_user_email`: the payer's e-mail. Checked when the request is prepared
        /// (name@domain, no spaces, at most 255 characters).
        pub fn user_email(mut self, email: impl Into<String>) -> Self {
            self.page.user_email = Some(email.into());
            self
        }
    };
    (payment_method) => {
        /// `pg_payment_method`: pre-select the payment method.
        pub fn payment_method(mut self, method: $crate::payment::PaymentMethod) -> Self {
            self.page.payment_method = Some(method);
            self
        }
    };
    (payment_system) => {
        /// `pg_payment_system` (legacy): a payment system code such as `EPAYWEBKZT`.
        pub fn payment_system(mut self, system: impl Into<String>) -> Self {
            self.page.payment_system = Some(system.into());
            self
        }
    };
    (request_method) => {
        /// `pg_request_method`: how FreedomPay calls the check and result URLs.
        pub fn request_method(mut self, method: $crate::payment::RequestMethod) -> Self {
            self.page.request_method = Some(method);
            self
        }
    };
    (check_url) => {
        /// `pg_check_url`: asked whether the payment may go ahead
        /// ([`CheckNotification`](crate::payment::notifications::CheckNotification)).
        pub fn check_url(mut self, url: $crate::Url) -> Self {
            self.page.check_url = Some(url);
            self
        }
    };
    (result_url) => {
        /// `pg_result_url`: told the payment's outcome
        /// ([`ResultNotification`](crate::payment::notifications::ResultNotification)).
        pub fn result_url(mut self, url: $crate::Url) -> Self {
            self.page.result_url = Some(url);
            self
        }
    };
    (refund_url) => {
        /// `pg_refund_url`: told of refunds
        /// ([`RefundNotification`](crate::payment::notifications::RefundNotification)).
        pub fn refund_url(mut self, url: $crate::Url) -> Self {
            self.page.refund_url = Some(url);
            self
        }
    };
    (capture_url) => {
        /// `pg_capture_url`: told of clearings
        /// ([`CaptureNotification`](crate::payment::notifications::CaptureNotification)).
        pub fn capture_url(mut self, url: $crate::Url) -> Self {
            self.page.capture_url = Some(url);
            self
        }
    };
    (success_url) => {
        /// `pg_success_url`: where the payer goes after paying
        /// ([`RedirectNotification`](crate::payment::notifications::RedirectNotification)).
        pub fn success_url(mut self, url: $crate::Url) -> Self {
            self.page.success_url = Some(url);
            self
        }
    };
    (success_url_method) => {
        /// `pg_success_url_method`: how the payer is sent to the success URL.
        pub fn success_url_method(mut self, method: $crate::payment::RedirectMethod) -> Self {
            self.page.success_url_method = Some(method);
            self
        }
    };
    (failure_url) => {
        /// `pg_failure_url`: where the payer goes when the payment fails.
        pub fn failure_url(mut self, url: $crate::Url) -> Self {
            self.page.failure_url = Some(url);
            self
        }
    };
    (failure_url_method) => {
        /// `pg_failure_url_method`: how the payer is sent to the failure URL.
        pub fn failure_url_method(mut self, method: $crate::payment::RedirectMethod) -> Self {
            self.page.failure_url_method = Some(method);
            self
        }
    };
    (state_url) => {
        /// `pg_state_url`: where the payer goes while the payment is still pending.
        pub fn state_url(mut self, url: $crate::Url) -> Self {
            self.page.state_url = Some(url);
            self
        }
    };
    (state_url_method) => {
        /// `pg_state_url_method`: how the payer is sent to the state URL.
        pub fn state_url_method(mut self, method: $crate::payment::RedirectMethod) -> Self {
            self.page.state_url_method = Some(method);
            self
        }
    };
    (site_url) => {
        /// `pg_site_url`: the shop's site, for the payer's way back. Any `http(s)` URL of
        /// at most 255 characters (a bare host is fine: nothing is signed with it). Checked
        /// when the request is prepared.
        pub fn site_url(mut self, url: impl Into<String>) -> Self {
            self.page.site_url = Some(url.into());
            self
        }
    };
    (postpone_payment) => {
        /// `pg_postpone_payment`: postpone the payment (PROTOCOL.md §1.1, UZ page).
        pub fn postpone_payment(mut self, postpone: bool) -> Self {
            self.page.postpone_payment = Some(postpone);
            self
        }
    };
    (params) => {
        /// `pg_param1`: a value of the merchant's, at most 255 characters, echoed back.
        /// Checked when the request is prepared.
        pub fn param1(mut self, value: impl Into<String>) -> Self {
            self.page.params[0] = Some(value.into());
            self
        }

        /// `pg_param2`: as [`param1`](Self::param1).
        pub fn param2(mut self, value: impl Into<String>) -> Self {
            self.page.params[1] = Some(value.into());
            self
        }

        /// `pg_param3`: as [`param1`](Self::param1).
        pub fn param3(mut self, value: impl Into<String>) -> Self {
            self.page.params[2] = Some(value.into());
            self
        }
    };
    (in_frame) => {
        /// `pg_payment_route=frame`: the page is shown in an iframe (the merchant's manager
        /// must enable it).
        pub fn in_frame(mut self) -> Self {
            self.page.frame = true;
            self
        }
    };
    (receipt_position) => {
        /// Adds a fiscal receipt position (`pg_receipt_positions[i][...]`), in order.
        pub fn receipt_position(mut self, position: $crate::payment::ReceiptPosition) -> Self {
            self.page.receipt_positions.push(position);
            self
        }
    };
    (idempotency_key) => {
        /// `pg_idempotency_key`: a repeated call with the same key gets the first call's
        /// result instead of a second payment.
        pub fn idempotency_key(mut self, key: $crate::IdempotencyKey) -> Self {
            self.page.idempotency_key = Some(key);
            self
        }
    };
    (generate_qr) => {
        /// `pg_generate_qr`: also return a QR code of the payment link (base64, in
        /// `redirect_qr`).
        pub fn generate_qr(mut self, generate: bool) -> Self {
            self.page.generate_qr = Some(generate);
            self
        }
    };
    (commission_discount) => {
        /// `pg_commission_discount`: apply the merchant's commission discount (0/1).
        pub fn commission_discount(mut self, discount: bool) -> Self {
            self.page.commission_discount = Some(discount);
            self
        }
    };
    (loyalty) => {
        /// `pg_loyalty_id`: the payer's id in the loyalty system (at most 255 characters).
        pub fn loyalty_id(mut self, id: impl Into<String>) -> Self {
            self.page.loyalty_id = Some(id.into());
            self
        }

        /// `pg_loyalty_amount`: units accrued in the loyalty system.
        pub fn loyalty_amount(mut self, amount: $crate::Amount) -> Self {
            self.page.loyalty_amount = Some(amount);
            self
        }

        /// `pg_freedom_id`: the payer's id in the Freedom ecosystem (at most 255 characters).
        pub fn freedom_id(mut self, id: impl Into<String>) -> Self {
            self.page.freedom_id = Some(id.into());
            self
        }
    };
    (custom_field) => {
        /// Adds a field of the merchant's own, echoed to the check and result URLs and signed
        /// with the rest (PROTOCOL.md §0). The name must match `[a-z][a-z0-9_]*` (at most 64),
        /// must not start with `pg_`, must be unique, and must not be another custom name
        /// followed by a digit (`item` and `item2`), which would make the signature's order
        /// ambiguous (§2.4). Checked when the request is prepared.
        pub fn custom_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.page.custom.push(name.into(), value.into());
            self
        }
    };
}

/// Builder methods of the page family, by name: `page_setters!(currency, testing_mode);`.
macro_rules! page_setters {
    ($($name:ident),* $(,)?) => {
        $( $crate::payment::page::page_setter!($name); )*
    };
}

pub(crate) use {page_setter, page_setters};
