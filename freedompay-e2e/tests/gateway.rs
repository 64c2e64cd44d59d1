//! The Gateway API end to end, for both client flavours: every `gateway_*` operation against
//! the sandbox, with the 3-D Secure round trip played as a payer's browser plays it (the
//! sandbox's ACS page, the code typed, the auto-submitted form posted to the merchant's
//! `TermUrl`, which the merchant server receives) and the continuation.

mod support;

use std::time::Duration;

use freedompay_core::gateway::{
    CancelCardPayment, CardPayment, CardPaymentStatus, CardTransfer, CardTransferStatus,
    ClearCardPayment, CompleteCardPayment, CompleteCardTransfer, CompleteStoreCard,
    ListStoredCards, RefundCardPayment, RemoveStoredCard, StoreCard, TokenPayment,
    TransferRecipient, TransferSender, Wallet, WalletPayment, WalletPaymentData,
};
use freedompay_core::payment::PaymentState;
use freedompay_core::{
    CardData, CardHolder, CardNumber, Currency, Cvc, ErrorCode, Expiry, Lookup, PaymentId, Status,
    Url,
};
use freedompay_sign::Fields;
use support::{
    Env, Flavour, amount, card, cards, description, for_both_flavours, gateway_code, minor, order,
    user,
};

for_both_flavours!(
    card_payment_through_3ds,
    card_payment_3ds_failed,
    card_payment_without_3ds_declined_card,
    two_step_card_payment_cleared_then_refunded,
    two_step_card_payment_cancelled,
    status_v2_not_found,
    stored_card_through_3ds_pays_by_token_and_is_removed,
    stored_card_without_3ds,
    wallet_payments,
    card_transfer,
    card_transfer_through_3ds,
    transfer_status_not_found,
);

/// The card of the Gateway pages' examples: approved, and the sandbox's issuer always asks for
/// 3-D Secure.
const EXAMPLE_CARD: &str = "4405645000006150";
/// The code that passes the sandbox's ACS page.
const ACS_CODE: &str = "123456";

fn card_data(pan: &str) -> CardData {
    CardData::new(
        card(pan),
        Cvc::parse("653").expect("a CVC"),
        Expiry::new(9, 27).expect("an expiry"),
        CardHolder::new("TEST TESTOV").expect("a name"),
    )
}

fn term_url(env: &Env) -> Url {
    env.merchant.url("3ds_return")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// The hidden fields and the action of the first form of an HTML page.
fn form_of(html: &str) -> (String, Vec<(String, String)>) {
    fn attr(tag: &str, name: &str) -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(
            tag[start..end]
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    }
    let form_at = html.find("<form").expect("a form");
    let form_tag = &html[form_at..form_at + html[form_at..].find('>').expect("a tag")];
    let action = attr(form_tag, "action").expect("an action");
    let mut fields = Vec::new();
    for input in html[form_at..].split("<input").skip(1) {
        let tag = &input[..input.find('>').unwrap_or(input.len())];
        if let (Some(name), Some(value)) = (attr(tag, "name"), attr(tag, "value")) {
            fields.push((name, value));
        }
    }
    (action, fields)
}

/// POSTs a form; the status and the page.
fn post_form(url: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = Fields::new();
    for (name, value) in fields {
        form.push(*name, *value);
    }
    let mut response = agent()
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(freedompay_core::form::encode(&form))
        .expect("the page answers");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("a page");
    (status, body)
}

/// The payer's browser through 3-D Secure: posts `PaReq`, `MD` and `TermUrl` to the ACS page,
/// types `code`, submits the page's answer to the `TermUrl`; returns the `PaRes` the merchant
/// received there.
fn pass_3ds(env: &Env, acs_url: &str, md: &str, pareq: &str, code: &str) -> String {
    let term = term_url(env);
    let fields = [("PaReq", pareq), ("MD", md), ("TermUrl", term.as_str())];
    let (status, page) = post_form(acs_url, &fields);
    assert_eq!(status, 200, "{page}");
    let (action, hidden) = form_of(&page);
    let mut typed: Vec<(&str, &str)> = hidden
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    typed.push(("code", code));
    let action = if action.starts_with('/') {
        env.sandbox_url(&action)
    } else {
        action
    };
    let (status, page) = post_form(&action, &typed);
    assert_eq!(status, 200, "{page}");
    // The page auto-submits PaRes and MD to the TermUrl, as the browser would.
    let (back, returned) = form_of(&page);
    assert_eq!(back, term.as_str());
    let returned: Vec<(&str, &str)> = returned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let (status, page) = post_form(&back, &returned);
    assert_eq!(status, 200, "{page}");
    env.merchant.acs_return(md)
}

fn status_of(env: &Env, id: PaymentId) -> freedompay_core::gateway::CardPaymentInfo {
    match env
        .client
        .gateway_payment_status(CardPaymentStatus::by_payment_id(id))
        .expect("status_v2 answers")
    {
        Lookup::Found(info) => info,
        Lookup::NotFound(answer) => panic!("payment {id} not found: {answer}"),
    }
}

/// Card data → 3-D Secure step → the payer passes the ACS page → the TermUrl receives PaRes
/// and MD → paymentAcs pays → status_v2 shows it paid, by id and by order id.
fn card_payment_through_3ds(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let pay = CardPayment::new(
        order("g-3ds-1"),
        amount("1500.50"),
        description("Gateway 3-D Secure"),
        card_data(EXAMPLE_CARD),
    )
    .auto_clearing(true);
    let result = env
        .client
        .gateway_card_payment(pay)
        .expect("the payment starts");
    let acs = result
        .three_ds
        .clone()
        .expect("the issuer asks for 3-D Secure");
    assert_eq!(result.status, Status::Ok);
    assert!(acs.acs_url().starts_with(&env.sandbox_url("/")));
    let pares = pass_3ds(&env, acs.acs_url(), acs.md(), acs.pa_req(), ACS_CODE);
    let done = env
        .client
        .gateway_complete_card_payment(CompleteCardPayment::new(
            result.payment_id,
            acs.md(),
            pares.as_str(),
        ))
        .expect("the payment completes");
    assert_eq!(done.payment_id, result.payment_id);
    assert_eq!(done.status, Status::Ok);
    assert!(done.auth_code.is_some());
    let info = status_of(&env, result.payment_id);
    assert!(
        info.payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid),
        "{info:?}"
    );
    assert_eq!(info.amount, Some(amount("1500.50")));
    assert_eq!(info.order_id.as_deref(), Some("g-3ds-1"));
    let masked = info.card_pan.expect("the masked card").to_string();
    assert!(!masked.contains(EXAMPLE_CARD), "{masked}");
    assert!(masked.ends_with("6150"), "{masked}");
    let by_order = env
        .client
        .gateway_payment_status(CardPaymentStatus::by_order_id(order("g-3ds-1")))
        .expect("status_v2 by order")
        .found()
        .expect("found by order id");
    assert_eq!(by_order.payment_id, result.payment_id);
    assert_eq!(env.balance(), before + minor("1500.50"));
    // The same PaRes again changes nothing.
    let again = env
        .client
        .gateway_complete_card_payment(CompleteCardPayment::new(
            result.payment_id,
            acs.md(),
            pares.as_str(),
        ))
        .expect("the same answer again");
    assert_eq!(again.payment_id, result.payment_id);
    assert_eq!(env.balance(), before + minor("1500.50"));
    env.merchant.assert_nothing_refused();
}

/// A wrong code on the ACS page: the continuation is declined, no money moves.
fn card_payment_3ds_failed(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let result = env
        .client
        .gateway_card_payment(CardPayment::new(
            order("g-3ds-bad"),
            amount("700"),
            description("Gateway 3-D Secure, wrong code"),
            card_data(EXAMPLE_CARD),
        ))
        .expect("the payment starts");
    let acs = result.three_ds.expect("3-D Secure");
    let pares = pass_3ds(&env, acs.acs_url(), acs.md(), acs.pa_req(), "000000");
    let error = env
        .client
        .gateway_complete_card_payment(CompleteCardPayment::new(result.payment_id, acs.md(), pares))
        .expect_err("the authentication failed");
    assert!(!error.outcome_unknown(), "{error}");
    let _ = gateway_code(&error);
    let info = status_of(&env, result.payment_id);
    assert!(
        !info
            .payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid),
        "{info:?}"
    );
    assert_eq!(env.balance(), before);
}

/// A purchase test card pays at once (no 3-D Secure); a card that is no test card is declined
/// with a signed error.
fn card_payment_without_3ds_declined_card(flavour: Flavour) {
    let env = Env::start(flavour);
    let paid = env
        .client
        .gateway_card_payment(
            CardPayment::new(
                order("g-direct"),
                amount("250"),
                description("Gateway direct"),
                card_data(cards::PURCHASE),
            )
            .currency(Currency::Kzt)
            .auto_clearing(true),
        )
        .expect("the payment");
    assert!(!paid.needs_3ds());
    assert_eq!(paid.status, Status::Ok);
    let error = env
        .client
        .gateway_card_payment(CardPayment::new(
            order("g-declined"),
            amount("250"),
            description("Gateway declined"),
            card_data(cards::DECLINED),
        ))
        .expect_err("declined");
    assert!(!error.outcome_unknown(), "{error}");
    assert_eq!(gateway_code(&error), ErrorCode::Declined);
}

fn hold(env: &Env, order_id: &str, value: &str) -> PaymentId {
    let result = env
        .client
        .gateway_card_payment(
            CardPayment::new(
                order(order_id),
                amount(value),
                description("Gateway two-step"),
                card_data(cards::PURCHASE_2),
            )
            .auto_clearing(false),
        )
        .expect("the hold");
    assert!(!result.needs_3ds());
    let info = status_of(env, result.payment_id);
    assert_eq!(info.captured, Some(false), "{info:?}");
    result.payment_id
}

/// A hold, cleared in part, then refunded in part: status_v2 lists the refund.
fn two_step_card_payment_cleared_then_refunded(flavour: Flavour) {
    let env = Env::start(flavour);
    let id = hold(&env, "g-hold-1", "1000");
    let cleared = env
        .client
        .gateway_clear_payment(ClearCardPayment::new(id).amount(amount("800")))
        .expect("cleared");
    assert_eq!(cleared.status, Status::Ok);
    let info = status_of(&env, id);
    assert_eq!(info.captured, Some(true), "{info:?}");
    assert_eq!(info.clearing_amount, Some(amount("800")), "{info:?}");
    let refunded = env
        .client
        .gateway_refund_payment(RefundCardPayment::new(id).amount(amount("300")))
        .expect("refunded");
    assert_eq!(refunded.status, Status::Ok);
    let info = status_of(&env, id);
    assert_eq!(info.refunds.len(), 1, "{info:?}");
    // Refunds are listed with the sign of get_status3.php's sample (a negative amount).
    assert_eq!(
        info.refunds[0].amount.map(|a| a.minor_units().abs()),
        Some(minor("300")),
        "{info:?}"
    );
}

/// A hold released: no money stays with the merchant.
fn two_step_card_payment_cancelled(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let id = hold(&env, "g-hold-2", "450");
    let cancelled = env
        .client
        .gateway_cancel_payment(CancelCardPayment::new(id))
        .expect("cancelled");
    assert_eq!(cancelled.status, Status::Ok);
    let info = status_of(&env, id);
    assert!(
        !info
            .payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid),
        "{info:?}"
    );
    assert_eq!(env.balance(), before);
}

fn status_v2_not_found(flavour: Flavour) {
    let env = Env::start(flavour);
    let answer = env
        .client
        .gateway_payment_status(
            CardPaymentStatus::by_order_id(order("g-never-sent"))
                .since_last_attempt(Duration::from_secs(120)),
        )
        .expect("status_v2 answers");
    match answer {
        Lookup::NotFound(not_found) => assert!(not_found.is_conclusive()),
        Lookup::Found(info) => panic!("found {info:?}"),
    }
}

/// cardstorage/add with 3-D Secure → the ACS → payment_acs stores it → list shows it →
/// it pays by token → remove → the list is empty.
fn stored_card_through_3ds_pays_by_token_and_is_removed(flavour: Flavour) {
    let env = Env::start(flavour);
    let added = env
        .client
        .gateway_store_card(
            StoreCard::new(user("g-user-1"), card_data(EXAMPLE_CARD)).order_id(order("g-add-1")),
        )
        .expect("the card is being stored");
    let acs = added.three_ds.clone().expect("3-D Secure");
    let id = added.payment_id.expect("the transaction id");
    assert!(added.card_token.is_none());
    let pares = pass_3ds(&env, acs.acs_url(), acs.md(), acs.pa_req(), ACS_CODE);
    let stored = env
        .client
        .gateway_complete_store_card(CompleteStoreCard::new(id, acs.md(), pares))
        .expect("stored");
    let token = stored.card_token.clone().expect("the card's token");
    let cards = env
        .client
        .gateway_list_cards(ListStoredCards::new(user("g-user-1")))
        .expect("the list");
    assert_eq!(cards.len(), 1, "{cards:?}");
    assert_eq!(cards[0].card_token.as_deref(), Some(token.as_str()));
    let before = env.balance();
    let paid = env
        .client
        .gateway_token_payment(
            TokenPayment::new(
                order("g-token-1"),
                amount("990"),
                description("Gateway token payment"),
                user("g-user-1"),
                token.as_str(),
            )
            .expect("a token payment"),
        )
        .expect("paid by token");
    assert!(paid.three_ds.is_none());
    assert_eq!(paid.status, Status::Ok);
    assert_eq!(env.balance(), before + minor("990"));
    let info = status_of(&env, paid.payment_id);
    assert!(
        info.payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid)
    );
    let removed = env
        .client
        .gateway_remove_card(RemoveStoredCard::new(user("g-user-1"), token.as_str()))
        .expect("removed");
    assert!(removed.card_hash.is_some());
    let cards = env
        .client
        .gateway_list_cards(ListStoredCards::new(user("g-user-1")))
        .expect("the list");
    assert!(cards.is_empty(), "{cards:?}");
    // A removed card no longer pays.
    let error = env
        .client
        .gateway_token_payment(
            TokenPayment::new(
                order("g-token-2"),
                amount("10"),
                description("Gateway token payment"),
                user("g-user-1"),
                token.as_str(),
            )
            .expect("a token payment"),
        )
        .expect_err("the card is gone");
    assert!(!error.outcome_unknown(), "{error}");
    env.merchant.assert_nothing_refused();
}

/// A card whose issuer asks for no 3-D Secure is stored at once.
fn stored_card_without_3ds(flavour: Flavour) {
    let env = Env::start(flavour);
    let added = env
        .client
        .gateway_store_card(StoreCard::new(user("g-user-2"), card_data(cards::PURCHASE)))
        .expect("stored");
    assert!(added.three_ds.is_none());
    assert!(added.card_token.is_some(), "{added:?}");
    let cards = env
        .client
        .gateway_list_cards(ListStoredCards::new(user("g-user-2")))
        .expect("the list");
    assert_eq!(cards.len(), 1);
}

fn wallet_data(wallet: Wallet, pan: &str, eci: &str) -> WalletPaymentData {
    WalletPaymentData::new(
        wallet,
        card(pan),
        Expiry::new(12, 2029).expect("an expiry"),
        "TEST TESTOV",
        "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
    )
    .expect("wallet data")
    .eci(eci)
    .expect("an ECI")
}

/// Apple Pay and Google Pay with a test card pay; an ECI of 07 (not authenticated) and a card
/// that is no test card are declined.
fn wallet_payments(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    for (i, wallet) in [Wallet::ApplePay, Wallet::GooglePay, Wallet::SamsungPay]
        .into_iter()
        .enumerate()
    {
        let paid = env
            .client
            .gateway_wallet_payment(WalletPayment::new(
                order(&format!("g-wallet-{i}")),
                amount("120"),
                Currency::Kzt,
                description("Gateway wallet"),
                wallet_data(wallet, cards::PURCHASE, "05"),
            ))
            .expect("paid by wallet");
        assert_eq!(paid.status, Status::Ok);
        assert!(paid.three_ds.is_none());
    }
    assert_eq!(env.balance(), before + 3 * minor("120"));
    for (name, data) in [
        (
            "g-wallet-eci07",
            wallet_data(Wallet::ApplePay, cards::PURCHASE, "07"),
        ),
        (
            "g-wallet-declined",
            wallet_data(Wallet::GooglePay, cards::DECLINED, "05"),
        ),
    ] {
        let error = env
            .client
            .gateway_wallet_payment(WalletPayment::new(
                order(name),
                amount("120"),
                Currency::Kzt,
                description("Gateway wallet"),
                data,
            ))
            .expect_err("declined");
        assert!(!error.outcome_unknown(), "{name}: {error}");
        assert_eq!(gateway_code(&error), ErrorCode::Declined, "{name}");
    }
    assert_eq!(env.balance(), before + 3 * minor("120"));
}

fn sender(pan: &str) -> TransferSender {
    TransferSender::card(
        card(pan),
        Cvc::parse("653").expect("a CVC"),
        Expiry::new(9, 2030).expect("an expiry"),
        "TEST TESTOV",
    )
    .expect("a sender")
}

fn transfer(order_id: &str, from: TransferSender, to: TransferRecipient) -> CardTransfer {
    CardTransfer::new(
        order(order_id),
        amount("5000"),
        Currency::Kzt,
        Currency::Kzt,
        description("Gateway transfer"),
        from,
        to,
    )
}

fn transfer_info(env: &Env, id: PaymentId) -> freedompay_core::gateway::CardTransferStatusInfo {
    env.client
        .gateway_transfer_status(CardTransferStatus::new(id))
        .expect("the transfer status")
        .found()
        .expect("the transfer is found")
}

/// Card to card without 3-D Secure: the transfer succeeds and its status says so; the
/// sandbox's ledger shows the recipient credited.
fn card_transfer(flavour: Flavour) {
    let env = Env::start(flavour);
    let result = env
        .client
        .gateway_card_transfer(
            transfer(
                "g-p2p-1",
                sender(cards::PURCHASE),
                CardNumber::parse(cards::PAYOUT_SUCCESS)
                    .expect("a card")
                    .into(),
            )
            .commission_amount(amount("50")),
        )
        .expect("the transfer");
    assert!(result.three_ds.is_none());
    assert_eq!(result.status, Status::Ok);
    let info = transfer_info(&env, result.payment_id);
    assert_eq!(info.payment_id, result.payment_id);
    assert!(
        info.payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid),
        "{info:?}"
    );
}

/// Card to card with 3-D Secure: the ACS round trip, then transfer_acs completes it.
fn card_transfer_through_3ds(flavour: Flavour) {
    let env = Env::start(flavour);
    let result = env
        .client
        .gateway_card_transfer(transfer(
            "g-p2p-3ds",
            sender(EXAMPLE_CARD),
            CardNumber::parse(cards::PAYOUT_SUCCESS)
                .expect("a card")
                .into(),
        ))
        .expect("the transfer starts");
    let challenge = result.three_ds.clone().expect("3-D Secure");
    let pares = pass_3ds(
        &env,
        challenge.acs_url(),
        challenge.md(),
        challenge.pa_req(),
        ACS_CODE,
    );
    let done = env
        .client
        .gateway_complete_card_transfer(
            CompleteCardTransfer::new(result.payment_id, challenge.md(), pares)
                .expect("a continuation"),
        )
        .expect("the transfer completes");
    assert_eq!(done.payment_id, result.payment_id);
    assert!(done.three_ds.is_none());
    let info = transfer_info(&env, result.payment_id);
    assert!(
        info.payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid),
        "{info:?}"
    );
    env.merchant.assert_nothing_refused();
}

fn transfer_status_not_found(flavour: Flavour) {
    let env = Env::start(flavour);
    let answer = env
        .client
        .gateway_transfer_status(CardTransferStatus::new(
            PaymentId::new(987_654_321).expect("an id"),
        ))
        .expect("the status answers");
    assert!(matches!(answer, Lookup::NotFound(_)), "{answer:?}");
}
