//! Payments end to end, for both client flavours: every payment operation against the
//! sandbox, and the whole payment flow with its check and result callbacks verified and
//! answered by the merchant server.

mod support;

use freedompay_core::notifications::CallbackForm;
use freedompay_core::notifications::PaymentResult;
use freedompay_core::payment::{
    AddCard, AnyAmountPayment, ApproveMobilePayment, CancelPayment, CapturePayment, CardRef,
    DirectCardPayment, InitCardPayment, InitPayment, ListCards, MobileOperator, MobilePayment,
    PaymentMethod, PaymentState, PaymentStatus, RecurringPayment, RecurringProfileId,
    RefundPayment, RemoveCard, RequestMethod,
};
use freedompay_core::{Amount, Currency, ErrorCode, PaymentId, Phone, Status};
use serde_json::json;
use support::{
    Env, Flavour, MERCHANT_ID, amount, cards, description, for_both_flavours, gateway_code, masked,
    minor, order, user,
};

for_both_flavours!(
    payment_flow_with_check_and_result,
    declined_card,
    any_amount_payment,
    two_step_payment_captured_then_refunded,
    two_step_payment_cancelled,
    recurring_payment,
    saved_card_payment,
    mobile_payment_with_approval,
);

/// Creates a payment of `value` whose callbacks go to the merchant server.
fn init(env: &Env, order_id: &str, value: &str) -> InitPayment {
    InitPayment::new(
        order(order_id),
        amount(value),
        description("Order, end-to-end test"),
    )
    .check_url(env.merchant.url("check"))
    .result_url(env.merchant.url("result"))
}

/// The payment's state by its id.
fn status_of(env: &Env, id: PaymentId) -> freedompay_core::payment::PaymentStatusInfo {
    let info = env
        .client
        .payment_status(PaymentStatus::by_payment_id(id))
        .expect("the status query succeeds")
        .found()
        .expect("the payment is found");
    assert_eq!(info.status, Status::Ok);
    assert_eq!(info.payment_id, id);
    info
}

/// Init with check and result URLs → pay with a purchase test card (control API) → check and
/// result callbacks verified and answered `ok` → status paid → balance increased. Once per
/// callback method: a form (`POST`), a query (`GET`) and `pg_xml` (`XML`).
fn payment_flow_with_check_and_result(flavour: Flavour) {
    let env = Env::start(flavour);
    for (i, (method, form)) in [
        (RequestMethod::Post, CallbackForm::Form),
        (RequestMethod::Get, CallbackForm::Query),
        (RequestMethod::Xml, CallbackForm::Xml),
    ]
    .into_iter()
    .enumerate()
    {
        let order_id = format!("shop-order-{i}");
        let before = env.balance();
        let created = env
            .client
            .init_payment(
                init(&env, &order_id, "12500.75")
                    .request_method(method.clone())
                    .currency(Currency::Kzt)
                    .success_url(env.merchant.url("success"))
                    .failure_url(env.merchant.url("failure"))
                    .user_phone(Phone::new("+77011112233").unwrap())
                    .user_contact_email("buyer@example.kz")
                    .language(freedompay_core::payment::Language::Ru)
                    .testing_mode(true)
                    .custom_field("basket_id", "B-42"),
            )
            .unwrap();
        let id = created.payment_id;
        assert_eq!(created.status, Status::Ok);
        assert_eq!(created.redirect_url, env.sandbox_url(&format!("/pay/{id}")));
        assert_eq!(created.redirect_url_type.as_deref(), Some("need data"));
        assert_eq!(created.redirect_qr, None);
        let fresh = status_of(&env, id);
        assert_eq!(fresh.payment_status, Some(PaymentState::New));
        assert_eq!(fresh.amount, Some(amount("12500.75")));
        assert_eq!(env.balance(), before);

        let paid = env.pay_payment(id, cards::PURCHASE);
        assert_eq!(paid["status"], "success", "{method:?}: {paid:#}");
        let redirect = paid["redirect_url"].as_str().expect("a redirect");
        assert!(
            redirect.starts_with(env.merchant.url("success").as_str()),
            "{redirect}"
        );

        let check = env.merchant.check(id);
        assert_eq!(check.callback().form(), form);
        assert_eq!(check.amount, amount("12500.75"));
        assert_eq!(check.order_id.as_deref(), Some(order_id.as_str()));
        assert_eq!(check.currency, Some(Currency::Kzt));
        assert_eq!(check.custom_field("basket_id"), Some("B-42"));
        env.assert_delivered("check", id);

        let result = env.merchant.result(id);
        assert_eq!(result.callback().form(), form);
        assert_eq!(result.result, PaymentResult::Success);
        assert!(result.is_success());
        assert_eq!(result.amount, amount("12500.75"));
        assert_eq!(result.order_id.as_deref(), Some(order_id.as_str()));
        assert_eq!(result.currency, Some(Currency::Kzt));
        assert!(!result.can_reject());
        assert_eq!(result.captured, Some(true));
        assert_eq!(result.testing_mode, Some(true));
        assert_eq!(
            result.card_pan.as_ref().map(|p| p.as_received()),
            Some(masked(cards::PURCHASE).as_str())
        );
        assert_eq!(result.user_phone.as_deref(), Some("77011112233"));
        assert_eq!(result.custom_field("basket_id"), Some("B-42"));
        assert_eq!(result.failure_code, None);
        env.assert_delivered("result", id);

        let info = status_of(&env, id);
        assert_eq!(info.payment_status, Some(PaymentState::Success));
        assert!(
            info.payment_status
                .as_ref()
                .is_some_and(PaymentState::is_paid)
        );
        assert_eq!(info.order_id.as_deref(), Some(order_id.as_str()));
        assert_eq!(info.amount, Some(amount("12500.75")));
        assert_eq!(info.currency, Some(Currency::Kzt));
        assert_eq!(info.captured, Some(true));
        assert_eq!(info.clearing_amount, Some(amount("12500.75")));
        assert_eq!(info.payment_method, Some(PaymentMethod::BankCard));
        assert_eq!(
            info.card_pan.as_ref().and_then(|p| p.last4()),
            Some(&cards::PURCHASE[12..])
        );
        assert_eq!(info.card_token, result.card_token);

        let by_order = env
            .client
            .payment_status(PaymentStatus::by_order_id(order(&order_id)))
            .unwrap()
            .found()
            .expect("found by order id");
        assert_eq!(by_order.payment_id, id);
        assert_eq!(by_order.payment_status, Some(PaymentState::Success));

        assert_eq!(env.balance(), before + 1_250_075);
    }
    env.merchant.assert_nothing_refused();
}

/// A valid card that is no test card: declined; no check callback, a failed result, status
/// `error` with code 5, the balance untouched.
fn declined_card(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let id = env
        .client
        .init_payment(init(&env, "declined-1", "990"))
        .unwrap()
        .payment_id;

    let paid = env.pay_payment(id, cards::DECLINED);
    assert_eq!(paid["status"], "error");
    assert_eq!(paid["failure_code"], 5);

    let result = env.merchant.result(id);
    assert_eq!(result.result, PaymentResult::Failure);
    assert_eq!(result.failure_code, Some(ErrorCode::Declined));
    assert!(!env.merchant.has_check(id));

    let info = status_of(&env, id);
    assert_eq!(info.payment_status, Some(PaymentState::Error));
    assert!(
        !info
            .payment_status
            .as_ref()
            .is_some_and(PaymentState::is_paid)
    );
    assert_eq!(info.failure_code, Some(ErrorCode::Declined));
    assert_eq!(env.balance(), before);
    env.merchant.assert_nothing_refused();
}

/// `g2g/any_amount`: the payer picks 750 within 100…1000.
fn any_amount_payment(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let created = env
        .client
        .any_amount_payment(
            AnyAmountPayment::new(order("any-1"), amount("500"), description("Donation"))
                .amount_interval(amount("100"), amount("1000"))
                .result_url(env.merchant.url("result")),
        )
        .unwrap();
    let id = created.payment_id;
    assert_eq!(created.status, Status::Ok);
    assert_eq!(created.redirect_url, env.sandbox_url(&format!("/pay/{id}")));
    assert!(created.redirect_qr.is_some_and(|qr| !qr.is_empty()));

    let paid = env.pay_payment_with(id, json!({ "card": cards::PURCHASE, "amount": "750" }));
    assert_eq!(paid["status"], "success");
    assert_eq!(env.merchant.result(id).amount, amount("750"));
    let info = status_of(&env, id);
    assert_eq!(info.payment_status, Some(PaymentState::Success));
    assert_eq!(info.amount, Some(amount("750")));
    assert_eq!(env.balance(), before + 75_000);
    env.merchant.assert_nothing_refused();
}

/// Creates and pays a two-step payment of 1000 (a hold: nothing credited yet).
fn paid_hold(env: &Env, order_id: &str) -> PaymentId {
    let before = env.balance();
    let id = env
        .client
        .init_payment(
            init(env, order_id, "1000")
                .auto_clearing(false)
                .capture_url(env.merchant.url("capture"))
                .refund_url(env.merchant.url("refund")),
        )
        .unwrap()
        .payment_id;
    assert_eq!(env.pay_payment(id, cards::PURCHASE)["status"], "success");
    let result = env.merchant.result(id);
    assert!(result.is_success());
    assert!(result.can_reject());
    assert_eq!(result.captured, Some(false));
    let info = status_of(env, id);
    assert_eq!(info.payment_status, Some(PaymentState::Success));
    assert_eq!(info.captured, Some(false));
    assert_eq!(info.can_reject, Some(true));
    assert_eq!(env.balance(), before);
    id
}

/// A hold captured in part (600 of 1000), then refunded in part (100), with their callbacks;
/// a refund beyond what is left and a cancel after clearing are refused.
fn two_step_payment_captured_then_refunded(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let id = paid_hold(&env, "hold-1");

    let captured = env
        .client
        .capture_payment(CapturePayment::new(id).amount(amount("600")))
        .unwrap();
    assert_eq!(captured.status, Status::Ok);
    assert_eq!(captured.amount, Some(amount("1000")));
    assert_eq!(captured.clearing_amount, Some(amount("600")));
    let capture = env.merchant.capture(id);
    assert_eq!(capture.clearing_amount, Some(amount("600")));
    assert_eq!(capture.amount, Some(amount("1000")));
    assert_eq!(capture.order_id.as_deref(), Some("hold-1"));
    env.assert_delivered("capture", id);
    assert_eq!(env.balance(), before + 60_000);

    let refunded = env
        .client
        .refund_payment(RefundPayment::new(id).amount(amount("100")))
        .unwrap();
    assert_eq!(refunded.status, Status::Ok);
    let refund_id = refunded.revoke_payment_id.expect("a refund id");
    let refund = env.merchant.refund(id);
    assert_eq!(refund.refund_amount, Some(amount("100")));
    assert_eq!(refund.order_id.as_deref(), Some("hold-1"));
    env.assert_delivered("refund", id);
    assert_eq!(env.balance(), before + 50_000);

    let info = status_of(&env, id);
    assert_eq!(info.payment_status, Some(PaymentState::Success));
    assert_eq!(info.captured, Some(true));
    assert_eq!(info.clearing_amount, Some(amount("600")));
    assert_eq!(info.refund_amount, Amount::from_gateway("-100"));
    assert_eq!(info.refunds.len(), 1);
    assert_eq!(info.refunds[0].payment_id, Some(refund_id));
    assert_eq!(info.refunds[0].amount, Amount::from_gateway("-100"));

    let too_much = env
        .client
        .refund_payment(RefundPayment::new(id).amount(amount("600")))
        .unwrap_err();
    assert_eq!(gateway_code(&too_much), ErrorCode::Validation);
    assert!(!too_much.outcome_unknown());
    let cancel = env
        .client
        .cancel_payment(CancelPayment::new(id))
        .unwrap_err();
    assert_eq!(gateway_code(&cancel), ErrorCode::Validation);
    assert_eq!(env.balance(), before + 50_000);
    env.merchant.assert_nothing_refused();
}

/// A hold cancelled: `revoked`, nothing credited, and it can no longer be captured.
fn two_step_payment_cancelled(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let id = paid_hold(&env, "hold-2");

    let cancelled = env.client.cancel_payment(CancelPayment::new(id)).unwrap();
    assert_eq!(cancelled.status, Status::Ok);
    assert!(cancelled.cancel_payment_id.is_some());
    assert_eq!(
        status_of(&env, id).payment_status,
        Some(PaymentState::Revoked)
    );

    let capture = env
        .client
        .capture_payment(CapturePayment::new(id))
        .unwrap_err();
    assert_eq!(gateway_code(&capture), ErrorCode::Validation);
    assert_eq!(env.balance(), before);
    env.merchant.assert_nothing_refused();
}

/// A first payment starts a recurring profile (its id in the result callback); a recurring
/// charge on it is paid at once, with its own result callback.
fn recurring_payment(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let first = env
        .client
        .init_payment(
            init(&env, "subscription-1", "1990")
                .recurring_start(true)
                .recurring_lifetime_months(12)
                .user_id(user("subscriber-1")),
        )
        .unwrap()
        .payment_id;
    let paid = env.pay_payment(first, cards::PURCHASE);
    assert_eq!(paid["status"], "success");
    let profile = env
        .merchant
        .result(first)
        .recurring_profile_id
        .expect("the result callback carries the recurring profile");
    assert_eq!(
        paid["payment"]["recurring_profile"].to_string(),
        profile,
        "{paid:#}"
    );

    let charge = env
        .client
        .recurring_payment(
            RecurringPayment::new(
                RecurringProfileId::new(profile.clone()).unwrap(),
                order("subscription-2"),
                amount("1990"),
                description("Subscription, month 2"),
            )
            .result_url(env.merchant.url("result")),
        )
        .unwrap();
    assert_eq!(charge.status, Status::Ok);
    assert_ne!(charge.payment_id, first);
    assert_eq!(charge.amount, Some(amount("1990")));
    assert_eq!(charge.currency, Some(Currency::Kzt));
    assert_eq!(charge.recurring_profile.as_deref(), Some(profile.as_str()));
    assert!(charge.recurring_profile_expiry_date.is_some());

    let result = env.merchant.result(charge.payment_id);
    assert!(result.is_success());
    assert_eq!(result.order_id.as_deref(), Some("subscription-2"));
    assert_eq!(
        status_of(&env, charge.payment_id).payment_status,
        Some(PaymentState::Success)
    );
    assert_eq!(env.balance(), before + 2 * minor("1990"));

    let unknown = env
        .client
        .recurring_payment(RecurringPayment::new(
            RecurringProfileId::new("987654").unwrap(),
            order("subscription-3"),
            amount("1990"),
            description("Subscription"),
        ))
        .unwrap_err();
    assert_eq!(gateway_code(&unknown), ErrorCode::TransactionNotFound);
    env.merchant.assert_nothing_refused();
}

/// `cardstorage/add2` → the buyer saves a card (control API, card-added callback verified) →
/// `list` → `card/init` + `card/direct` (paid at once, result callback) → `remove` → `list`
/// is empty.
fn saved_card_payment(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let buyer = user("buyer-1");

    let page = env
        .client
        .add_card(AddCard::new(
            buyer.clone(),
            env.merchant.url("card_added"),
            env.merchant.url("back"),
        ))
        .unwrap();
    assert_eq!(page.status, Status::Ok);
    let page_id = page.payment_id.expect("the card-add page's id");
    assert_eq!(
        page.redirect_url,
        env.sandbox_url(&format!("/card/add/{page_id}"))
    );
    assert_eq!(page.merchant_id.as_deref(), Some(MERCHANT_ID));

    let token = env.add_card_page(page_id, cards::PURCHASE_2);
    let added = env.merchant.card_added("buyer-1");
    assert!(added.is_saved());
    assert_eq!(added.card_token.as_deref(), Some(token.as_str()));
    assert_eq!(
        added.card_hash.as_ref().map(|h| h.as_received()),
        Some(masked(cards::PURCHASE_2).as_str())
    );
    env.assert_delivered("card_added", page_id);

    let saved = env
        .client
        .list_cards(ListCards::new(buyer.clone()))
        .unwrap();
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(saved[0].card_token.as_deref(), Some(token.as_str()));
    assert_eq!(
        saved[0].card_hash.as_ref().and_then(|h| h.last4()),
        Some(&cards::PURCHASE_2[12..])
    );
    assert_eq!(saved[0].merchant_id.as_deref(), Some(MERCHANT_ID));
    assert!(saved[0].card_id.is_some());
    assert!(saved[0].created_at.is_some());

    let created = env
        .client
        .init_card_payment(
            InitCardPayment::new(
                order("token-order-1"),
                amount("4200"),
                description("Order paid with a saved card"),
                buyer.clone(),
                CardRef::token(token.clone()).unwrap(),
            )
            .result_url(env.merchant.url("result")),
        )
        .unwrap();
    assert_eq!(created.status, Status::Ok);
    assert_eq!(created.order_id.as_deref(), Some("token-order-1"));
    assert_eq!(created.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert_eq!(
        status_of(&env, created.payment_id).payment_status,
        Some(PaymentState::New)
    );

    let direct = env
        .client
        .direct_card_payment(DirectCardPayment::new(created.payment_id))
        .unwrap();
    assert_eq!(direct.status, Status::Ok);
    assert_eq!(direct.payment_id, created.payment_id);
    assert_eq!(direct.order_id.as_deref(), Some("token-order-1"));
    let result = env.merchant.result(created.payment_id);
    assert!(result.is_success());
    assert_eq!(result.card_token.as_deref(), Some(token.as_str()));
    assert_eq!(
        status_of(&env, created.payment_id).payment_status,
        Some(PaymentState::Success)
    );
    assert_eq!(env.balance(), before + 420_000);

    let again = env
        .client
        .direct_card_payment(DirectCardPayment::new(created.payment_id))
        .unwrap_err();
    assert_eq!(gateway_code(&again), ErrorCode::Validation);

    let removed = env
        .client
        .remove_card(RemoveCard::new(
            buyer.clone(),
            CardRef::token(token).unwrap(),
        ))
        .unwrap();
    assert_eq!(removed.status, Status::Deleted);
    assert_eq!(
        removed.card_hash.as_ref().and_then(|h| h.last4()),
        Some(&cards::PURCHASE_2[12..])
    );
    assert_eq!(removed.merchant_id.as_deref(), Some(MERCHANT_ID));
    assert!(removed.deleted_at.is_some());
    assert!(
        env.client
            .list_cards(ListCards::new(buyer))
            .unwrap()
            .is_empty()
    );
    assert_eq!(env.balance(), before + 420_000);
    env.merchant.assert_nothing_refused();
}

/// Mobile commerce: init with the test phone → `mfs/pay` asks for the code → a wrong code is
/// refused and may be retried → the right code pays.
fn mobile_payment_with_approval(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let phone = Phone::new("+77017777777").unwrap();
    let id = env
        .client
        .init_payment(
            InitPayment::mobile_commerce(
                order("mobile-1"),
                amount("1500"),
                description("Top-up"),
                phone.clone(),
            )
            .result_url(env.merchant.url("result")),
        )
        .unwrap()
        .payment_id;

    let asked = env
        .client
        .mobile_payment(MobilePayment::new(id, phone, MobileOperator::KcellKzt))
        .unwrap();
    assert_eq!(asked.status, Status::NeedApprove);
    assert!(asked.needs_approval());
    assert_eq!(asked.payment_id, Some(id));
    assert_eq!(
        status_of(&env, id).payment_status,
        Some(PaymentState::Pending)
    );

    let wrong = env
        .client
        .approve_mobile_payment(ApproveMobilePayment::new(id, "000000").unwrap())
        .unwrap_err();
    assert_eq!(gateway_code(&wrong), ErrorCode::Validation);
    assert!(!wrong.outcome_unknown());

    let approved = env
        .client
        .approve_mobile_payment(ApproveMobilePayment::new(id, "111111").unwrap())
        .unwrap();
    assert_eq!(approved.status, Status::Ok);
    assert_eq!(approved.payment_id, Some(id));

    let result = env.merchant.result(id);
    assert!(result.is_success());
    assert_eq!(result.payment_method, Some(PaymentMethod::MobileCommerce));
    assert_eq!(result.user_phone.as_deref(), Some("77017777777"));
    let info = status_of(&env, id);
    assert_eq!(info.payment_status, Some(PaymentState::Success));
    assert_eq!(info.payment_method, Some(PaymentMethod::MobileCommerce));
    assert_eq!(env.balance(), before + 150_000);
    env.merchant.assert_nothing_refused();
}
