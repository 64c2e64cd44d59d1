//! The routes of the pages a payer or recipient sees: the payment page (`pg_redirect_url`),
//! the payout page of `reg2nonreg`, the card-add page, and the saved-card confirmation of
//! `card/pay`. Submitting one runs its flow, callbacks included; the HTML is in `html.rs`.
//! The test cards work in every form.

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
use crate::flow;
use crate::flow::card::CardAdded;
use crate::flow::payment::{Funding, Next, Paid, PayError};
use crate::flow::payout::PagePaid;
use crate::html;
use crate::money::parse_amount;
use crate::reply::html_response;
use crate::state::{PaymentKind, PaymentStatus, PayoutStatus};
use crate::wire::parse_urlencoded;

/// The page routes.
pub(crate) fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/pay/{id}", get(payment_page).post(payment_submit))
        .route("/payout/{id}", get(payout_page).post(payout_submit))
        .route("/card/add/{id}", get(card_add_page).post(card_add_submit))
        .route("/card/confirm/{id}", post(card_confirm))
        .merge(crate::endpoints::gateway::acs::router())
}

fn form_fields(body: &[u8]) -> Fields {
    crate::wire::PhpArray::from_pairs(parse_urlencoded(body)).into_fields()
}

fn message(title: &str, text: &str) -> Response {
    html_response(html::message(title, text))
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
    html_response(html::payment_page(p))
}

/// Where the payer goes after paying.
fn after_payment(paid: Paid) -> Response {
    match paid.next {
        Next::Redirect(url) => Redirect::to(&url).into_response(),
        Next::Post { url, fields } => html_response(html::return_form(&url, &fields)),
        Next::Stay => match paid.failure {
            Some((code, description)) if paid.status != PaymentStatus::Success => message(
                "Payment failed",
                &format!("The payment failed ({code}): {description}"),
            ),
            _ => message(
                "Payment",
                &format!("The payment is {}.", paid.status.status3()),
            ),
        },
    }
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
        flow::payment::card_data(
            &app,
            &mut state,
            &pan,
            form.text("pg_card_exp").unwrap_or(""),
            form.text("pg_card_holder").unwrap_or(""),
        )
    };
    match flow::payment::pay(&app, id, Funding::Card(card), amount).await {
        Ok(paid) => after_payment(paid),
        Err(e) => pay_error(e),
    }
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
    match flow::payment::pay(&app, id, Funding::Card(card), None).await {
        Ok(paid) => after_payment(paid),
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
    html_response(html::payout_page(p))
}

async fn payout_submit(
    AxumState(app): AxumState<Arc<App>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    let pan = cards::normalize(form.text("pg_card_number").unwrap_or(""));
    match flow::payout::pay_page(&app, id, &pan) {
        Ok(PagePaid { notify, payout }) => {
            callbacks::spawn_all(&app, notify.into_iter().collect());
            match payout.back_link {
                Some(url) => Redirect::to(&url).into_response(),
                None => message(
                    "Payout",
                    &format!("The payout is {}.", payout.simple_status()),
                ),
            }
        }
        Err(why) => message("Payout", &why.to_string()),
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
    html_response(html::card_add_page(id, session))
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
    match flow::card::add_card(&app, id, &pan, exp, holder) {
        Ok(CardAdded {
            callback,
            back_link,
            ..
        }) => {
            callbacks::spawn_all(&app, callback.into_iter().collect());
            match back_link {
                Some(url) => Redirect::to(&url).into_response(),
                None => message("Add a card", "The card was saved."),
            }
        }
        Err(why) => message("Add a card", &why.to_string()),
    }
}
