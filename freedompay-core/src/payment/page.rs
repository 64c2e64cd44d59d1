//! The optional fields shared by the requests that open a payment page (`init_payment.php`,
//! `payment.php`, `g2g/any_amount`, `card/init`): one declared group, one writer, and setters
//! that each request type picks from by name.

use freedompay_sign::Fields;

use crate::InvalidInput;
use crate::declare::within;

use super::checks;
use super::custom::CustomFields;
use super::options::{check_token, checked_token};
use super::receipt::ReceiptPosition;

// The types of the setters, named from here where they expand.
pub(crate) use super::options::{Language, PaymentMethod, RedirectMethod, RequestMethod};
pub(crate) use crate::{Amount, Currency, IdempotencyKey, Phone, Url, UserId};
pub(crate) use std::net::IpAddr;

field_group! {
    /// Every optional field of the payment-page family (docs/protocol.md §1.1 table), in the order
    /// of the documentation's table; unset ones are not sent.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub(crate) struct PageFields, setters page_setter in crate::payment::page {
        /// `pg_currency`: the currency of the amount (the merchant's default otherwise).
        "pg_currency" => currency: Option<Currency>,
        /// `pg_testing_mode`: create a test payment (cards and mobile commerce only,
        /// docs/protocol.md §5).
        "pg_testing_mode" => testing_mode: Option<bool>,
        /// `pg_lifetime`: how long the payer has to pay, 300 to 604 800 seconds (the
        /// gateway's default is 86 400). Checked when the request is prepared.
        "pg_lifetime" => lifetime_seconds: Option<u32>
            [check within(300..=604_800, "must be 300 to 604800 seconds (5 minutes to 7 days)")],
        /// `pg_language`: the payment page's language (Russian by default).
        "pg_language" => language: Option<Language> [check checked_token],
        /// `pg_auto_clearing`: `false` makes a two-step payment: the money is held until
        /// [`CapturePayment`](crate::payment::CapturePayment) or
        /// [`CancelPayment`](crate::payment::CancelPayment) (a hold is cleared by itself
        /// after 5 days).
        "pg_auto_clearing" => auto_clearing: Option<bool>,
        /// `pg_recurring_start`: create a recurring profile with this payment; its id comes
        /// in the result notification (`pg_recurring_profile_id`), for
        /// [`RecurringPayment`](crate::payment::RecurringPayment).
        "pg_recurring_start" => recurring_start: Option<bool>,
        /// `pg_recurring_lifetime`: how long the recurring profile lives, 1 to 156 months
        /// (docs/protocol.md §1.1; a 2026 integration reports a cap of 12 in current
        /// documentation, unconfirmed, so the documented 156 is enforced). Checked when the
        /// request is prepared.
        "pg_recurring_lifetime" => recurring_lifetime_months: Option<u16>
            [check within(1..=156, "must be 1 to 156 months")],
        /// `pg_timeout_after_payment`: seconds before the payer is redirected after paying,
        /// at least 1 (the gateway's default is 10).
        "pg_timeout_after_payment" => timeout_after_payment: Option<u32>
            [check within(1..=u32::MAX, "must be at least 1 second")],
        /// `pg_3ds_challenge`: ask for a 3-D Secure challenge.
        "pg_3ds_challenge" => challenge_3ds: Option<bool>,
        /// `pg_user_id`: the payer's id in the merchant's system.
        "pg_user_id" => user_id: Option<UserId>,
        /// `pg_user_ip`: the payer's IP address.
        "pg_user_ip" => user_ip: Option<IpAddr>,
        /// `pg_user_phone`: the payer's phone, with the country code.
        "pg_user_phone" => user_phone: Option<Phone>,
        /// `pg_user_contact_email`: the payer's e-mail for notifications. Checked when the
        /// request is prepared (name@domain, no spaces, at most 255 characters).
        "pg_user_contact_email" => user_contact_email: Option<String> [check checks::email],
        /// `pg_user_email`: the payer's e-mail. Checked when the request is prepared
        /// (name@domain, no spaces, at most 255 characters).
        "pg_user_email" => user_email: Option<String> [check checks::email],
        /// `pg_payment_method`: pre-select the payment method.
        "pg_payment_method" => payment_method: Option<PaymentMethod> [check checked_token],
        /// `pg_payment_system` (legacy): a payment system code such as `EPAYWEBKZT`.
        "pg_payment_system" => payment_system: Option<String> [check check_token],
        /// `pg_request_method`: how FreedomPay calls the check and result URLs.
        "pg_request_method" => request_method: Option<RequestMethod> [check checked_token],
        /// `pg_check_url`: asked whether the payment may go ahead
        /// ([`CheckNotification`](crate::payment::notifications::CheckNotification)).
        "pg_check_url" => check_url: Option<Url>,
        /// `pg_result_url`: told the payment's outcome
        /// ([`ResultNotification`](crate::payment::notifications::ResultNotification)).
        "pg_result_url" => result_url: Option<Url>,
        /// `pg_refund_url`: told of refunds
        /// ([`RefundNotification`](crate::payment::notifications::RefundNotification)).
        "pg_refund_url" => refund_url: Option<Url>,
        /// `pg_capture_url`: told of clearings
        /// ([`CaptureNotification`](crate::payment::notifications::CaptureNotification)).
        "pg_capture_url" => capture_url: Option<Url>,
        /// `pg_success_url`: where the payer goes after paying
        /// ([`RedirectNotification`](crate::payment::notifications::RedirectNotification)).
        "pg_success_url" => success_url: Option<Url>,
        /// `pg_success_url_method`: how the payer is sent to the success URL.
        "pg_success_url_method" => success_url_method: Option<RedirectMethod> [check checked_token],
        /// `pg_failure_url`: where the payer goes when the payment fails.
        "pg_failure_url" => failure_url: Option<Url>,
        /// `pg_failure_url_method`: how the payer is sent to the failure URL.
        "pg_failure_url_method" => failure_url_method: Option<RedirectMethod> [check checked_token],
        /// `pg_state_url`: where the payer goes while the payment is still pending.
        "pg_state_url" => state_url: Option<Url>,
        /// `pg_state_url_method`: how the payer is sent to the state URL.
        "pg_state_url_method" => state_url_method: Option<RedirectMethod> [check checked_token],
        /// `pg_site_url`: the shop's site, for the payer's way back. Any `http(s)` URL of
        /// at most 255 characters (a bare host is fine: nothing is signed with it). Checked
        /// when the request is prepared.
        "pg_site_url" => site_url: Option<String> [check checks::page_url],
        /// `pg_postpone_payment`: postpone the payment (docs/protocol.md §1.1, UZ page).
        "pg_postpone_payment" => postpone_payment: Option<bool>,
        /// `pg_param1`: a value of the merchant's, at most 255 characters, echoed back.
        /// Checked when the request is prepared.
        "pg_param1" => param1: Option<String> [check param],
        /// `pg_param2`: as [`param1`](Self::param1).
        "pg_param2" => param2: Option<String> [check param],
        /// `pg_param3`: as [`param1`](Self::param1).
        "pg_param3" => param3: Option<String> [check param],
        /// `pg_payment_route=frame`: the page is shown in an iframe (the merchant's manager
        /// must enable it).
        "pg_payment_route" => in_frame: flag = "frame",
        .. => with write_receipt,
        /// `pg_idempotency_key`: a repeated call with the same key gets the first call's
        /// result instead of a second payment.
        "pg_idempotency_key" => idempotency_key: Option<IdempotencyKey>,
        /// `pg_generate_qr`: also return a QR code of the payment link (base64, in
        /// `redirect_qr`).
        "pg_generate_qr" => generate_qr: Option<bool>,
        /// `pg_commission_discount`: apply the merchant's commission discount (0/1).
        "pg_commission_discount" => commission_discount: Option<bool>,
        /// `pg_loyalty_id`: the payer's id in the loyalty system (at most 255 characters).
        "pg_loyalty_id" => loyalty_id: Option<String> [check param],
        /// `pg_loyalty_amount`: units accrued in the loyalty system.
        "pg_loyalty_amount" => loyalty_amount: Option<Amount>,
        /// `pg_freedom_id`: the payer's id in the Freedom ecosystem (at most 255 characters).
        "pg_freedom_id" => freedom_id: Option<String> [check param],
        .. => with |page: &PageFields, fields: &mut Fields| page.custom.write(fields),
        _ => receipt_positions: Vec<ReceiptPosition>,
        _ => custom: CustomFields,
    }
    extra {
        (receipt_position) => {
            /// Adds a fiscal receipt position (`pg_receipt_positions[i][...]`), in order.
            pub fn receipt_position(mut self, position: crate::payment::ReceiptPosition) -> Self {
                self.page.receipt_positions.push(position);
                self
            }
        };
        (custom_field) => {
            /// Adds a field of the merchant's own, echoed to the check and result URLs and signed
            /// with the rest (docs/protocol.md §0). The name must match `[a-z][a-z0-9_]*` (at most 64),
            /// must not start with `pg_`, must be unique, and must not be another custom name
            /// followed by a digit (`item` and `item2`), which would make the signature's order
            /// ambiguous (§2.4). Checked when the request is prepared.
            pub fn custom_field(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.page.custom.push(name.into(), value.into());
                self
            }
        };
    }
}

fn param(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    checks::text(field, value, checks::PARAM_MAX_CHARS)
}

fn write_receipt(page: &PageFields, fields: &mut Fields) -> Result<(), InvalidInput> {
    if !page.receipt_positions.is_empty() {
        fields.push_list(
            "pg_receipt_positions",
            page.receipt_positions
                .iter()
                .map(ReceiptPosition::to_fields),
        );
    }
    Ok(())
}

/// Builder methods of the page family, by name: `page_setters!(currency, testing_mode);`.
macro_rules! page_setters {
    ($($name:ident),* $(,)?) => {
        $( $crate::payment::page::page_setter!($name); )*
    };
}

pub(crate) use {page_setter, page_setters};
