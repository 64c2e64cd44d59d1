//! Payouts end to end, for both client flavours: every payout operation against the sandbox,
//! the whole flow with its notification verified by the merchant server, and every payout
//! test card.

mod support;

use freedompay_core::notifications::{CallbackForm, NotificationStatus};
use freedompay_core::payout::{
    AddPayoutCard, Balance, BankRecipient, Bik, CashByCodeCheck, CashByCodeExec, CashByCodeStatus,
    CashOutcome, Iban, Iin, Kbe, Knp, MobileOperator, MobilePayout, MobilePayoutInit, PayoutPage,
    PayoutState, PayoutStatus, PayoutStatusByOrder, PayoutStatusByOrderLegacy, PayoutToCard,
    PayoutToIban, PayoutToSavedCard, TransactionStatus,
};
use freedompay_core::{Amount, ErrorCode, NotFound, OrderId, PaymentId, Phone, Status};
use serde_json::json;
use std::time::Duration;
use support::{
    Env, Flavour, MERCHANT_ID, PROCESS_DELAY, START_LOCAL, amount, card, cards, description,
    for_both_flavours, gateway_code, masked, minor, order, time_limit, user,
};

for_both_flavours!(
    balance_is_read,
    payout_to_card_flow,
    payout_notification_as_multipart_or_urlencoded,
    payout_page_paid_by_the_recipient,
    payout_to_a_saved_payout_card,
    payout_to_iban_after_the_process_delay,
    status_queries_of_an_unknown_payout,
    cash_by_code_withdrawn,
    cash_by_code_not_withdrawn_in_24_hours,
    mobile_payout,
    payout_test_cards_refused_at_once,
    payout_test_card_process_then_success,
    payout_test_card_process_then_error,
);

/// A payout to `pan` with its notification to the merchant server.
fn payout_to(env: &Env, order_id: &OrderId, value: &str, pan: &str) -> PayoutToCard {
    PayoutToCard::new(
        order_id.clone(),
        amount(value),
        card(pan),
        description("Payout, end-to-end test"),
        env.merchant.url("payout_notify"),
    )
}

/// The sandbox posts payout notifications as `multipart/form-data`, as the documentation
/// shows them (docs.freedompay.kz api-11622162), or urlencoded when told; the merchant server
/// hands the Content-Type to `PayoutNotification::verify_request` and reads both alike.
fn payout_notification_as_multipart_or_urlencoded(flavour: Flavour) {
    for (multipart, form) in [(true, CallbackForm::Multipart), (false, CallbackForm::Form)] {
        let env = Env::start_with(
            flavour,
            |sandbox| sandbox.payout_notify_multipart(multipart),
            |client| client,
        );
        let order_id = order("notify-form-1");
        let paid = env
            .client
            .payout_to_card(payout_to(&env, &order_id, "250.00", cards::PAYOUT_SUCCESS))
            .unwrap();
        let note = env.merchant.payout_notification("notify-form-1");
        assert_eq!(note.callback().form(), form, "multipart: {multipart}");
        assert_eq!(note.callback().script_name().as_str(), "payout_notify");
        assert_eq!(note.payment_id, paid.payment_id);
        assert_eq!(note.merchant_id, MERCHANT_ID);
        assert_eq!(note.status, Some(NotificationStatus::Ok));
        assert_eq!(note.payment_amount, Some(amount("250.00")));
        assert!(note.callback().salt().is_some_and(|s| !s.is_empty()));
        // The merchant's signed reply was accepted: delivered at the first attempt.
        env.assert_delivered("payout_notify", paid.payment_id);
    }
}

/// The payout of `order_id` by the status query by order id (found).
fn state_by_order(env: &Env, order_id: &OrderId) -> (PaymentId, PayoutState) {
    let info = env
        .client
        .payout_status_by_order(PayoutStatusByOrder::new(order_id.clone()))
        .expect("the status query succeeds")
        .found()
        .expect("the payout is found");
    assert_eq!(info.status, Status::Ok);
    assert_eq!(info.order_id.as_deref(), Some(order_id.as_str()));
    assert_eq!(info.merchant_id.as_deref(), Some(MERCHANT_ID));
    (info.payment_id, info.payment_status)
}

fn balance_is_read(flavour: Flavour) {
    let env = Env::start(flavour);
    let info = env.client.balance(Balance::new()).unwrap();
    assert_eq!(info.balance, amount("1000000"));
    assert_eq!(info.balance.minor_units(), env.balance());
}

/// Payout to a card → the notification received and verified by the merchant → every status
/// query → the balance decreased by the amount.
fn payout_to_card_flow(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("card-payout-1");

    let paid = env
        .client
        .payout_to_card(
            payout_to(&env, &order_id, "1500.50", cards::PAYOUT_SUCCESS)
                .user_id(user("worker-7"))
                .card_name("IVAN PETROV"),
        )
        .unwrap();
    assert_eq!(paid.status, Status::Ok);
    assert_eq!(paid.order_id.as_deref(), Some("card-payout-1"));
    assert_eq!(paid.payment_amount, Some(amount("1500.50")));
    assert_eq!(
        paid.balance.map(Amount::minor_units),
        Some(before - 150_050)
    );
    let reference = paid.reference.as_deref().expect("a reference (RRN)");
    assert!(reference.len() == 12 && reference.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(paid.payment_date.as_deref(), Some(START_LOCAL));

    let note = env.merchant.payout_notification("card-payout-1");
    assert_eq!(note.payment_id, paid.payment_id);
    assert_eq!(note.merchant_id, MERCHANT_ID);
    assert_eq!(note.status, Some(NotificationStatus::Ok));
    assert_eq!(note.payment_amount, Some(amount("1500.50")));
    assert_eq!(note.to_pay, Some(amount("1500.50")));
    assert_eq!(
        note.balance.map(Amount::minor_units),
        Some(before - 150_050)
    );
    assert_eq!(note.card_hash, Some(masked(cards::PAYOUT_SUCCESS)));
    assert_eq!(note.payment_date.as_deref(), Some(START_LOCAL));
    assert_eq!(note.error_code, None);
    env.assert_delivered("payout_notify", paid.payment_id);

    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Success)
    );
    let by_both = env
        .client
        .payout_status_by_order(
            PayoutStatusByOrder::new(order_id.clone()).payment_id(paid.payment_id),
        )
        .unwrap()
        .found()
        .expect("found");
    assert_eq!(by_both.payment_id, paid.payment_id);
    assert_eq!(by_both.payment_status, PayoutState::Success);

    let by_id = env
        .client
        .payout_status(PayoutStatus::new(paid.payment_id))
        .unwrap()
        .found()
        .expect("found");
    assert_eq!(by_id.payment_status, Some(PayoutState::Success));
    assert!(by_id.is_final());
    assert_eq!(by_id.payment_id, Some(paid.payment_id));
    assert_eq!(by_id.order_id.as_deref(), Some("card-payout-1"));
    assert_eq!(by_id.payment_date.as_deref(), Some(START_LOCAL));
    assert_eq!(by_id.failure_code, None);

    let legacy = env
        .client
        .payout_status_by_order_legacy(PayoutStatusByOrderLegacy::new(order_id))
        .unwrap()
        .found()
        .expect("found");
    assert_eq!(legacy.payment_id, paid.payment_id);
    assert_eq!(legacy.transaction_status, TransactionStatus::Ok);
    assert_eq!(legacy.captured, Some(true));
    assert_eq!(legacy.failure_code, None);

    let balance = env.client.balance(Balance::new()).unwrap().balance;
    assert_eq!(balance.minor_units(), before - 150_050);
    assert_eq!(env.balance(), before - 150_050);
    env.merchant.assert_nothing_refused();
}

/// `reg2nonreg`: the page waits for the recipient (`process`, nothing taken), who types a card
/// through the control API; then the notification, `success`, and the balance.
fn payout_page_paid_by_the_recipient(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("page-payout-1");

    let page = env
        .client
        .payout_page(
            PayoutPage::new(
                order_id.clone(),
                amount("2500"),
                description("Refund of a deposit"),
                env.merchant.url("back"),
                env.merchant.url("payout_notify"),
                time_limit(),
            )
            .user_id(user("client-12"))
            .user_email("client12@example.kz"),
        )
        .unwrap();
    assert_eq!(page.status, Status::Ok);
    assert_eq!(
        page.redirect_url,
        env.sandbox_url(&format!("/payout/{}", page.payment_id))
    );
    assert_eq!(page.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert_eq!(
        state_by_order(&env, &order_id),
        (page.payment_id, PayoutState::Process)
    );
    assert_eq!(env.balance(), before);

    let paid = env.pay_payout_page(page.payment_id, cards::PAYOUT_SUCCESS);
    assert_eq!(paid["status"], "success");
    assert_eq!(paid["card_pan"], masked(cards::PAYOUT_SUCCESS));

    let note = env.merchant.payout_notification("page-payout-1");
    assert_eq!(note.payment_id, page.payment_id);
    assert_eq!(note.status, Some(NotificationStatus::Ok));
    assert_eq!(note.payment_amount, Some(amount("2500")));
    assert_eq!(
        state_by_order(&env, &order_id),
        (page.payment_id, PayoutState::Success)
    );
    assert_eq!(env.balance(), before - 250_000);
    env.merchant.assert_nothing_refused();
}

/// `cardstoragepayout/add` → the holder saves a card (control API) → the card-added callback
/// verified by the merchant → `reg2reg` to that card's token.
fn payout_to_a_saved_payout_card(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let holder = user("worker-42");

    let page = env
        .client
        .add_payout_card(
            AddPayoutCard::new(
                holder.clone(),
                env.merchant.url("payout_card_added"),
                env.merchant.url("back"),
            )
            .order_id(order("save-card-1")),
        )
        .unwrap();
    assert_eq!(page.status, Status::Ok);
    assert_eq!(
        page.redirect_url,
        env.sandbox_url(&format!("/card/add/{}", page.payment_id))
    );
    assert_eq!(page.order_id.as_deref(), Some("save-card-1"));
    assert_eq!(page.merchant_id.as_deref(), Some(MERCHANT_ID));

    let token = env.add_card_page(page.payment_id, cards::PAYOUT_SUCCESS);
    let added = env.merchant.payout_card_added("worker-42");
    assert_eq!(added.status, Status::Success);
    assert_eq!(added.payment_id, Some(page.payment_id));
    assert_eq!(added.order_id.as_deref(), Some("save-card-1"));
    assert_eq!(added.card_token.as_deref(), Some(token.as_str()));
    assert_eq!(added.card_hash, Some(masked(cards::PAYOUT_SUCCESS)));
    env.assert_delivered("card_added", page.payment_id);
    let saved = added.payout_card().expect("the callback names the card");
    assert_eq!(saved.as_token(), Some(token.as_str()));

    let order_id = order("saved-card-payout-1");
    let paid = env
        .client
        .payout_to_saved_card(PayoutToSavedCard::new(
            order_id.clone(),
            amount("300"),
            holder,
            saved.clone(),
            description("Bonus"),
            env.merchant.url("payout_notify"),
            time_limit(),
        ))
        .unwrap();
    assert_eq!(paid.status, Status::Ok);
    assert_eq!(paid.order_id.as_deref(), Some("saved-card-payout-1"));
    assert_eq!(paid.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert_eq!(paid.payment_amount, Some(amount("300")));
    assert_eq!(paid.balance.map(Amount::minor_units), Some(before - 30_000));
    assert_eq!(paid.card_token.as_deref(), Some(token.as_str()));
    assert_eq!(paid.card_hash, Some(masked(cards::PAYOUT_SUCCESS)));

    let note = env.merchant.payout_notification("saved-card-payout-1");
    assert_eq!(note.payment_id, paid.payment_id);
    assert_eq!(note.status, Some(NotificationStatus::Ok));
    assert_eq!(note.card_token.as_deref(), Some(token.as_str()));
    assert!(note.card_id.is_some());
    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Success)
    );
    assert_eq!(env.balance(), before - 30_000);

    // The token is bound to its holder.
    let error = env
        .client
        .payout_to_saved_card(PayoutToSavedCard::new(
            order("saved-card-payout-2"),
            amount("300"),
            user("someone-else"),
            saved,
            description("Bonus"),
            env.merchant.url("payout_notify"),
            time_limit(),
        ))
        .unwrap_err();
    assert_eq!(gateway_code(&error), ErrorCode::Validation);
    assert!(!error.outcome_unknown());
    assert_eq!(env.balance(), before - 30_000);
    env.merchant.assert_nothing_refused();
}

/// `to_iban` stays in `process` (the money reserved) until the process delay has passed in
/// sandbox time, then succeeds with its notification.
fn payout_to_iban_after_the_process_delay(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("iban-payout-1");
    let recipient = BankRecipient::new(
        Iban::parse("KZ86 125K ZT50 0410 0100").unwrap(),
        Iin::parse("870412300123").unwrap(),
        "TOO Romashka",
        Kbe::parse("17").unwrap(),
        Bik::parse("KCJBKZKX").unwrap(),
    )
    .unwrap();

    let paid = env
        .client
        .payout_to_iban(PayoutToIban::new(
            order_id.clone(),
            amount("10000"),
            recipient,
            Knp::parse("311").unwrap(),
            description("Invoice 17"),
            env.merchant.url("payout_notify"),
        ))
        .unwrap();
    assert_eq!(paid.status, Status::Process);
    assert_eq!(paid.order_id.as_deref(), Some("iban-payout-1"));
    assert_eq!(paid.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert_eq!(paid.payment_amount, Some(amount("10000")));
    assert_eq!(paid.payment_date.as_deref(), Some(START_LOCAL));
    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Process)
    );
    assert_eq!(env.balance(), before - 1_000_000);
    assert_eq!(env.merchant.payout_notifications("iban-payout-1"), 0);

    assert_eq!(env.advance(PROCESS_DELAY), 1);
    let note = env.merchant.payout_notification("iban-payout-1");
    assert_eq!(note.payment_id, paid.payment_id);
    assert_eq!(note.status, Some(NotificationStatus::Ok));
    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Success)
    );
    assert_eq!(env.balance(), before - 1_000_000);
    env.merchant.assert_nothing_refused();
}

/// Every status query says "not found" in one shape for an order or a payment the gateway
/// does not know (the sandbox answers an error coded 340), conclusive only when asked a minute
/// or more after the last attempt.
fn status_queries_of_an_unknown_payout(flavour: Flavour) {
    let env = Env::start(flavour);
    let late = Duration::from_secs(61);
    let by_order = env
        .client
        .payout_status_by_order(PayoutStatusByOrder::new(order("no-such-order")))
        .unwrap();
    let not_found = by_order.not_found().expect("not found");
    assert!(!not_found.is_conclusive(), "no time of the last attempt");
    let by_order = env
        .client
        .payout_status_by_order(
            PayoutStatusByOrder::new(order("no-such-order")).since_last_attempt(late),
        )
        .unwrap();
    assert!(by_order.not_found().is_some_and(NotFound::is_conclusive));
    let early = env
        .client
        .payout_status_by_order(
            PayoutStatusByOrder::new(order("no-such-order"))
                .since_last_attempt(Duration::from_secs(2)),
        )
        .unwrap();
    assert!(early.not_found().is_some_and(|n| !n.is_conclusive()));

    let legacy = env
        .client
        .payout_status_by_order_legacy(
            PayoutStatusByOrderLegacy::new(order("no-such-order")).since_last_attempt(late),
        )
        .unwrap();
    assert!(legacy.not_found().is_some_and(NotFound::is_conclusive));

    let by_id = env
        .client
        .payout_status(PayoutStatus::new(PaymentId::new(424_242).unwrap()).since_last_attempt(late))
        .unwrap();
    assert!(by_id.not_found().is_some_and(NotFound::is_conclusive));
}

/// Creates and executes a cash-by-code payout of 5000; its payment id.
fn cash_by_code(env: &Env, order_id: &str) -> PaymentId {
    let created = env
        .client
        .cash_by_code_check(CashByCodeCheck::new(
            Phone::new("701 123 45 67").unwrap(),
            amount("5000"),
            order(order_id),
            env.merchant.url("payout_notify"),
        ))
        .unwrap();
    assert_eq!(created.status, Status::Ok);
    assert_eq!(created.order_id.as_deref(), Some(order_id));
    assert_eq!(created.merchant_id.as_deref(), Some(MERCHANT_ID));
    let before = env.balance();

    let executed = env
        .client
        .cash_by_code_exec(CashByCodeExec::new(created.payment_id))
        .unwrap();
    assert_eq!(executed.status, Status::Ok);
    assert_eq!(executed.payment_id, Some(created.payment_id));
    assert_eq!(executed.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert_eq!(env.balance(), before - 500_000);

    let waiting = env
        .client
        .cash_by_code_status(CashByCodeStatus::new(created.payment_id))
        .unwrap()
        .found()
        .expect("found");
    assert_eq!(waiting.outcome, CashOutcome::Waiting);
    assert_eq!(waiting.payment_id, Some(created.payment_id));
    assert_eq!(waiting.order_id.as_deref(), Some(order_id));
    created.payment_id
}

/// check → exec (the money leaves) → `process` → the recipient withdraws (control API) → the
/// notification and `success`.
fn cash_by_code_withdrawn(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let id = cash_by_code(&env, "cash-1");

    let completed = env.complete_payout(id, json!({ "status": "success" }));
    assert_eq!(completed["status"], "success");
    let note = env.merchant.payout_notification("cash-1");
    assert_eq!(note.payment_id, id);
    assert_eq!(note.status, Some(NotificationStatus::Ok));

    let state = env
        .client
        .cash_by_code_status(CashByCodeStatus::new(id))
        .unwrap()
        .found()
        .expect("found");
    assert_eq!(state.outcome, CashOutcome::Withdrawn);
    assert!(state.outcome.is_final());
    assert_eq!(env.balance(), before - 500_000);
    env.merchant.assert_nothing_refused();
}

/// 24 hours (sandbox time) without a withdrawal: error 75, its notification, the money back.
fn cash_by_code_not_withdrawn_in_24_hours(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let id = cash_by_code(&env, "cash-2");

    assert_eq!(env.advance(CashByCodeStatus::WITHDRAWAL_WINDOW), 1);
    let note = env.merchant.payout_notification("cash-2");
    assert_eq!(note.status, Some(NotificationStatus::Error));
    assert_eq!(note.error_code, Some(ErrorCode::CashNotWithdrawn));

    let state = env
        .client
        .cash_by_code_status(CashByCodeStatus::new(id))
        .unwrap()
        .found()
        .expect("found");
    match &state.outcome {
        CashOutcome::NotWithdrawn { description } => assert!(description.is_some()),
        other => panic!("expected not withdrawn, got {other:?}"),
    }
    assert_eq!(env.balance(), before);
    env.merchant.assert_nothing_refused();
}

/// `init_payout.php` then `mfs/payout`: paid at once.
fn mobile_payout(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("mobile-payout-1");

    let init = env
        .client
        .mobile_payout_init(MobilePayoutInit::new(
            order_id.clone(),
            amount("700"),
            description("Cashback"),
            time_limit(),
        ))
        .unwrap();
    assert_eq!(init.status, Status::Ok);
    assert_eq!(init.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert_eq!(init.order_id.as_deref(), Some("mobile-payout-1"));
    assert_eq!(
        state_by_order(&env, &order_id),
        (init.payment_id, PayoutState::Process)
    );
    assert_eq!(env.balance(), before);

    let paid = env
        .client
        .mobile_payout(MobilePayout::new(
            init.payment_id,
            Phone::new("+77071234567").unwrap(),
            MobileOperator::Tele2Kzt,
        ))
        .unwrap();
    assert_eq!(paid.status, Status::Ok);
    assert_eq!(paid.payment_id, Some(init.payment_id));
    assert_eq!(
        state_by_order(&env, &order_id),
        (init.payment_id, PayoutState::Success)
    );
    assert_eq!(env.balance(), before - minor("700"));
}

/// The cards refused at once: a signed gateway error with the card's code (the outcome is
/// known: nothing moved), an error notification, the status `error`.
fn payout_test_cards_refused_at_once(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    for (pan, code) in [
        (cards::PAYOUT_ERROR_10000, ErrorCode::PayoutDeclined10000),
        (cards::PAYOUT_ERROR_10001, ErrorCode::PayoutDeclined10001),
        (cards::PAYOUT_ERROR_8888, ErrorCode::PayoutDeclined8888),
    ] {
        let order_id = order(&format!("refused-{}", code.code()));
        let error = env
            .client
            .payout_to_card(payout_to(&env, &order_id, "100", pan))
            .unwrap_err();
        assert_eq!(gateway_code(&error), code, "{error}");
        assert_eq!(error.error_code(), Some(code));
        assert!(error.may_have_been_sent());
        assert!(!error.outcome_unknown());
        assert_eq!(error.order_id(), Some(order_id.as_str()));
        assert_eq!(error.attempts(), 1);

        let note = env.merchant.payout_notification(order_id.as_str());
        assert_eq!(note.status, Some(NotificationStatus::Error));
        assert_eq!(note.error_code, Some(code));
        assert!(note.error_description.is_some());

        let (_, state) = state_by_order(&env, &order_id);
        assert_eq!(state, PayoutState::Error);
        let legacy = env
            .client
            .payout_status_by_order_legacy(PayoutStatusByOrderLegacy::new(order_id))
            .unwrap()
            .found()
            .expect("found");
        assert_eq!(legacy.transaction_status, TransactionStatus::Failed);
        assert_eq!(legacy.failure_code, Some(code));
    }
    assert_eq!(env.balance(), before);
    env.merchant.assert_nothing_refused();
}

/// 5507 84…: `process` (the money reserved), then, once the delay has passed, success with its
/// notification.
fn payout_test_card_process_then_success(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("process-success");

    let paid = env
        .client
        .payout_to_card(payout_to(
            &env,
            &order_id,
            "800",
            cards::PAYOUT_PROCESS_SUCCESS,
        ))
        .unwrap();
    assert_eq!(paid.status, Status::Process);
    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Process)
    );
    let pending = env
        .client
        .payout_status(PayoutStatus::new(paid.payment_id))
        .unwrap()
        .found()
        .expect("found");
    assert!(!pending.is_final());
    assert_eq!(env.balance(), before - 80_000);

    assert_eq!(env.advance(PROCESS_DELAY), 1);
    let note = env.merchant.payout_notification("process-success");
    assert_eq!(note.payment_id, paid.payment_id);
    assert_eq!(note.status, Some(NotificationStatus::Ok));
    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Success)
    );
    assert_eq!(env.balance(), before - 80_000);
    env.merchant.assert_nothing_refused();
}

/// 4532 67…: `process`, then error 10001 with its notification, and the money back.
fn payout_test_card_process_then_error(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("process-error");

    let paid = env
        .client
        .payout_to_card(payout_to(
            &env,
            &order_id,
            "800",
            cards::PAYOUT_PROCESS_ERROR,
        ))
        .unwrap();
    assert_eq!(paid.status, Status::Process);
    assert_eq!(env.balance(), before - 80_000);

    assert_eq!(env.advance(PROCESS_DELAY), 1);
    let note = env.merchant.payout_notification("process-error");
    assert_eq!(note.payment_id, paid.payment_id);
    assert_eq!(note.status, Some(NotificationStatus::Error));
    assert_eq!(note.error_code, Some(ErrorCode::PayoutDeclined10001));
    assert_eq!(
        state_by_order(&env, &order_id),
        (paid.payment_id, PayoutState::Error)
    );
    let by_id = env
        .client
        .payout_status(PayoutStatus::new(paid.payment_id))
        .unwrap()
        .found()
        .expect("found");
    assert_eq!(by_id.payment_status, Some(PayoutState::Error));
    assert_eq!(by_id.failure_code, Some(ErrorCode::PayoutDeclined10001));
    assert_eq!(env.balance(), before);
    env.merchant.assert_nothing_refused();
}
