//! The HTML the sandbox shows a payer or recipient: the payment page, the saved-card
//! confirmation, the payout page, the card-add page, the auto-submitting return form and the
//! one-line messages. Text in, text out: no routes and no state changes (those are in
//! `pages.rs`, the endpoints and the flows).

use freedompay_sign::Fields;

use crate::cards;
use crate::money::format_minor;
use crate::state::{CardData, CardSession, Payment, PaymentKind, Payout};

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A whole page with its title and body.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · FreedomPay sandbox</title>\
<style>body{{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}}label{{display:block;margin:.6em 0}}\
input{{width:100%;padding:.4em;box-sizing:border-box}}button{{padding:.5em 1.5em;margin-top:.8em}}.note{{color:#666;font-size:.9em}}\
.error{{color:#b00}}</style></head><body><h1>{t}</h1>{body}<p class=\"note\">FreedomPay sandbox: nothing here is real money.</p></body></html>\n",
        t = esc(title)
    )
}

/// A page with one line of text.
pub(crate) fn message(title: &str, text: &str) -> String {
    page(title, &format!("<p>{}</p>", esc(text)))
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

/// The payment page of `pg_redirect_url`: a card form (and an amount for any-amount
/// payments).
pub(crate) fn payment_page(p: &Payment) -> String {
    let id = p.id;
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
    page("Payment", &body)
}

/// The auto-submitting form that takes the payer back to the shop by POST.
pub(crate) fn return_form(url: &str, fields: &Fields) -> String {
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
    page(
        "Returning to the shop",
        &format!(
            "<form id=\"back\" method=\"post\" action=\"{}\">{inputs}<button type=\"submit\">Continue</button></form>\
<script>document.getElementById('back').submit()</script>",
            esc(url)
        ),
    )
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

/// The `reg2nonreg` page where the recipient types a card number.
pub(crate) fn payout_page(p: &Payout) -> String {
    let id = p.id;
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
    page("Receive a payout", &body)
}

/// The card-add page of `cardstorage/add2` and `cardstoragepayout/add`.
pub(crate) fn card_add_page(id: i64, session: &CardSession) -> String {
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
    page("Add a card", &body)
}

/// The sandbox's 3-D Secure ACS page: the payer types the code that the issuer "sent"
/// (`123456` passes, docs/protocol.md §11.7).
pub(crate) fn acs_page(pareq: &str, md: &str, term_url: &str) -> String {
    let body = format!(
        "<p>Your bank asks you to confirm the payment with the code it sent you.</p>\
<form method=\"post\" action=\"{path}\">\
<input type=\"hidden\" name=\"PaReq\" value=\"{}\"><input type=\"hidden\" name=\"MD\" value=\"{}\">\
<input type=\"hidden\" name=\"TermUrl\" value=\"{}\">\
<label>Code <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required></label>\
<button type=\"submit\">Confirm</button></form>\
<p class=\"note\">Sandbox: the code {code} passes; any other code fails the authentication.</p>",
        esc(pareq),
        esc(md),
        esc(term_url),
        path = crate::flow::gateway::ACS_PATH,
        code = crate::flow::gateway::ACS_CODE,
    );
    page("3-D Secure", &body)
}
