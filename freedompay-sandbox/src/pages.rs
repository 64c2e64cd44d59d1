//! The pages a payer or recipient sees: the payment page (`pg_redirect_url`), the payout page
//! of `reg2nonreg`, the card-add page, and the saved-card confirmation of `card/pay`.
//! Submitting one completes the flow, callbacks included. The test cards work in every form.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use freedompay_sign::Fields;

use crate::app::App;
use crate::callbacks;
use crate::cards;
use crate::endpoints;
use crate::money::{format_minor, parse_amount};
use crate::payflow::{self, Funding, Next, PayError};
use crate::reply::html_response;
use crate::state::{CardData, Payment, PaymentKind, PaymentStatus, PayoutStatus};
use crate::wire::parse_urlencoded;

/// The page routes.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/pay/{id}", get(payment_page).post(payment_submit))
        .route("/payout/{id}", get(payout_page).post(payout_submit))
        .route("/card/add/{id}", get(card_add_page).post(card_add_submit))
        .route("/card/confirm/{id}", post(card_confirm))
}

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · FreedomPay sandbox</title>\
<style>body{{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}}label{{display:block;margin:.6em 0}}\
input{{width:100%;padding:.4em;box-sizing:border-box}}button{{padding:.5em 1.5em;margin-top:.8em}}.note{{color:#666;font-size:.9em}}\
.error{{color:#b00}}</style></head><body><h1>{t}</h1>{body}<p class=\"note\">FreedomPay sandbox: nothing here is real money.</p></body></html>\n",
        t = esc(title)
    )
}

fn card_inputs() -> String {
    let cards: Vec<String> = cards::PURCHASE_TEST_CARDS
        .iter()
        .map(|c| format!("<code>{c}</code>"))
        .collect();
    format!(
        "<label>Card number <input name=\"pg_card_number\" inputmode=\"numeric\" autocomplete=\"cc-number\" required></label>\
<label>Expiry (MM/YY) <input name=\"pg_card_exp\" value=\"12/30\"></label>\
<label>CVC <input name=\"pg_card_cvc\" value=\"123\"></label>\
<label>Card holder <input name=\"pg_card_holder\" value=\"CARD HOLDER\"></label>\
<p class=\"note\">Test cards that pay: {}. Any other valid card is declined.</p>",
        cards.join(", ")
    )
}

fn form_fields(body: &[u8]) -> Fields {
    crate::wire::PhpArray::from_pairs(parse_urlencoded(body)).into_fields()
}

fn message(title: &str, text: &str) -> Response {
    html_response(page(title, &format!("<p>{}</p>", esc(text))))
}

fn payment_summary(p: &Payment) -> String {
    format!(
        "<p>Payment <b>{}</b>{}<br>{}</p><p>Amount: <b>{} {}</b></p>",
        p.id,
        p.order_id
            .as_deref()
            .map(|o| format!(", order {}", esc(o)))
            .unwrap_or_default(),
        esc(&p.description),
        format_minor(p.amount),
        esc(&p.currency)
    )
}

async fn payment_page(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>) -> Response {
    let now = app.clock.now_ms();
    let state = app.state();
    let Some(p) = state.payments.get(&id) else {
        return message("Payment not found", "There is no such payment.");
    };
    if !p.payable(now) {
        return message(
            "Payment",
            &format!("This payment is {}.", p.status.status3()),
        );
    }
    let amount = match p.kind {
        PaymentKind::AnyAmount { from, to } => format!(
            "<label>Amount ({} … {}) <input name=\"pg_amount\" value=\"{}\"></label>",
            format_minor(from),
            format_minor(to),
            format_minor(p.amount)
        ),
        _ => String::new(),
    };
    let body = format!(
        "{}<form method=\"post\" action=\"/pay/{id}\">{amount}{}<button type=\"submit\">Pay</button></form>",
        payment_summary(p),
        card_inputs()
    );
    html_response(page("Payment", &body))
}

/// Where the payer goes after paying.
fn after_payment(next: Next, status: PaymentStatus, failure: Option<(u32, String)>) -> Response {
    match next {
        Next::Redirect(url) => Redirect::to(&url).into_response(),
        Next::Post(url, fields) => {
            let inputs: String = fields
                .iter()
                .filter_map(|f| {
                    f.text().map(|v| {
                        format!(
                            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                            esc(f.name()),
                            esc(v)
                        )
                    })
                })
                .collect();
            html_response(page(
                "Returning to the shop",
                &format!(
                    "<form id=\"back\" method=\"post\" action=\"{}\">{inputs}<button type=\"submit\">Continue</button></form>\
<script>document.getElementById('back').submit()</script>",
                    esc(&url)
                ),
            ))
        }
        Next::Stay => match failure {
            Some((code, description)) if status != PaymentStatus::Success => message(
                "Payment failed",
                &format!("The payment failed ({code}): {description}"),
            ),
            _ => message(
                "Payment",
                &format!("The payment is {}.", status_word(status)),
            ),
        },
    }
}

fn status_word(status: PaymentStatus) -> &'static str {
    status.status3()
}

fn pay_error(error: PayError) -> Response {
    match error {
        PayError::NotFound => message("Payment not found", "There is no such payment."),
        PayError::NotPayable(why) => message("Payment", why),
        PayError::Amount(why) => message("Payment", &why),
    }
}

async fn payment_submit(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    let pan = cards::normalize(form.text("pg_card_number").unwrap_or(""));
    if !cards::valid_pan(&pan) {
        return message(
            "Payment",
            "The card number is not valid (13 to 20 digits, Luhn).",
        );
    }
    let amount = match form.text("pg_amount") {
        Some(text) => match parse_amount(text) {
            Some(a) => Some(a),
            None => return message("Payment", "The amount is not valid."),
        },
        None => None,
    };
    let card = {
        let mut state = app.state();
        payflow::card_data(
            &app,
            &mut state,
            &pan,
            form.text("pg_card_exp").unwrap_or(""),
            form.text("pg_card_holder").unwrap_or(""),
        )
    };
    match payflow::pay(&app, id, Funding::Card(card), amount).await {
        Ok(paid) => after_payment(paid.next, paid.status, paid.failure),
        Err(e) => pay_error(e),
    }
}

/// The confirmation page of `card/pay` (a saved card; only the CVC is asked).
pub(crate) fn confirm_page(p: &Payment, card: &CardData) -> String {
    let body = format!(
        "{}<p>Card {}</p><form method=\"post\" action=\"/card/confirm/{}\">\
<label>CVC <input name=\"pg_card_cvc\" value=\"123\"></label><button type=\"submit\">Pay</button></form>",
        payment_summary(p),
        esc(&card.pan_masked),
        p.id
    );
    page("Confirm the payment", &body)
}

async fn card_confirm(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>) -> Response {
    let card = {
        let state = app.state();
        let Some(p) = state.payments.get(&id) else {
            return message("Payment not found", "There is no such payment.");
        };
        let PaymentKind::Token { card_token } = &p.kind else {
            return message("Payment", "This is not a saved-card payment.");
        };
        let user = p.user_id.as_deref().unwrap_or("");
        match state.cards.iter().find(|c| {
            c.user_id == user
                && !c.for_payouts
                && c.deleted_at.is_none()
                && &c.card.token == card_token
        }) {
            Some(saved) => saved.card.clone(),
            None => return message("Payment", "The saved card was removed."),
        }
    };
    let mut card = card;
    card.reference = app.digits(12);
    card.auth_code = app.digits(6);
    match payflow::pay(&app, id, Funding::Card(card), None).await {
        Ok(paid) => after_payment(paid.next, paid.status, paid.failure),
        Err(e) => pay_error(e),
    }
}

async fn payout_page(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>) -> Response {
    let state = app.state();
    let Some(p) = state.payouts.get(&id) else {
        return message("Payout not found", "There is no such payout.");
    };
    if p.status != PayoutStatus::Created {
        return message("Payout", &format!("This payout is {}.", p.simple_status()));
    }
    let body = format!(
        "<p>Payout <b>{}</b><br>{}</p><p>Amount: <b>{} {}</b></p><form method=\"post\" action=\"/payout/{id}\">\
<label>Your card number <input name=\"pg_card_number\" inputmode=\"numeric\" required></label>\
<button type=\"submit\">Receive</button></form><p class=\"note\">Payout test cards: 4671593866478252 success, \
5325349472901311 error 10000, 4556046085041740 error 10001, 5543974702876045 error 8888, 5507841999732294 \
process then success, 4532676596620704 process then error 10001; any other valid card succeeds.</p>",
        p.id,
        esc(&p.description),
        format_minor(p.amount),
        esc(&p.currency)
    );
    html_response(page("Receive a payout", &body))
}

async fn payout_submit(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    let pan = cards::normalize(form.text("pg_card_number").unwrap_or(""));
    match endpoints::pay_page(&app, id, &pan) {
        Ok((notify, payout)) => {
            callbacks::spawn_all(&app, notify);
            match payout.back_link {
                Some(url) => Redirect::to(&url).into_response(),
                None => message(
                    "Payout",
                    &format!("The payout is {}.", payout.simple_status()),
                ),
            }
        }
        Err(why) => message("Payout", &why),
    }
}

async fn card_add_page(AxumState(app): AxumState<Arc<App>>, Path(id): Path<i64>) -> Response {
    let state = app.state();
    let Some(session) = state.card_sessions.get(&id) else {
        return message("Not found", "There is no such card-add page.");
    };
    if session.done.is_some() {
        return message("Add a card", "This card was already added.");
    }
    let body = format!(
        "<p>Save a card for user <b>{}</b>{}.</p><form method=\"post\" action=\"/card/add/{id}\">{}<button type=\"submit\">Save</button></form>",
        esc(&session.user_id),
        if session.for_payouts {
            " (for payouts)"
        } else {
            ""
        },
        card_inputs()
    );
    html_response(page("Add a card", &body))
}

async fn card_add_submit(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    let pan = cards::normalize(form.text("pg_card_number").unwrap_or(""));
    let exp = form.text("pg_card_exp").unwrap_or("");
    let holder = form.text("pg_card_holder").unwrap_or("");
    match endpoints::add_card(&app, id, &pan, exp, holder) {
        Ok((callback, back_link, _token)) => {
            callbacks::spawn_all(&app, callback.into_iter().collect());
            match back_link {
                Some(url) => Redirect::to(&url).into_response(),
                None => message("Add a card", "The card was saved."),
            }
        }
        Err(why) => message("Add a card", &why),
    }
}
