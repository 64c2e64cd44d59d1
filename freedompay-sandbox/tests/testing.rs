//! The test helpers of the `testing` feature, used as an integration's tests use them: the
//! README's "Testing your integration" test, paying a payment, finishing a payout, and the
//! errors of the control API.
#![cfg(feature = "testing")]

use std::time::Duration;

use freedompay_blocking::BlockingClient;
use freedompay_core::notifications::NotificationStatus;
use freedompay_core::payment::InitPayment;
use freedompay_core::payout::PayoutToCard;
use freedompay_core::{
    Amount, CardNumber, Description, ErrorCode, FixedSalt, OrderId, PaymentId, Status,
};
use freedompay_sandbox::SandboxThread;
use freedompay_sandbox::testing::{self, MerchantServer, PayoutOutcome, Received, cards};

/// The README's test, word for word but for the test harness.
#[test]
fn a_payout_is_paid_and_its_notification_verified() -> Result<(), Box<dyn std::error::Error>> {
    // A sandbox with a fixed clock, and the merchant's callback endpoints.
    let sandbox = SandboxThread::start(testing::sandbox_config())?;
    let config = testing::client_config(sandbox.base_url()).build()?;
    let merchant = MerchantServer::start(config.clone())?;
    let client = BlockingClient::new(config).with_salt_source(FixedSalt::counting("test")?);

    // The code under test pays out...
    let payout = client.payout_to_card(PayoutToCard::new(
        OrderId::new("payout-42")?,
        Amount::parse("1500.50")?,
        CardNumber::parse(cards::PAYOUT_SUCCESS)?,
        Description::new("Salary, November")?,
        merchant.url("payout_notify"),
    ))?;
    assert_eq!(payout.status, Status::Ok);

    // ...and FreedomPay (the sandbox) notifies it; the server verified the signature.
    let notification = merchant.payout_notification("payout-42");
    assert_eq!(notification.status, Some(NotificationStatus::Ok));
    assert_eq!(notification.payment_id, payout.payment_id);
    assert_eq!(notification.payment_amount, Some(Amount::parse("1500.50")?));
    assert!(merchant.refused().is_empty());
    Ok(())
}

#[test]
fn a_payment_is_paid_with_a_test_card_and_both_callbacks_arrive() {
    let sandbox = SandboxThread::start(testing::sandbox_config()).unwrap();
    let config = testing::client_config(sandbox.base_url()).build().unwrap();
    let merchant = MerchantServer::start(config.clone()).unwrap();
    let client = BlockingClient::new(config);
    let payment = client
        .init_payment(
            InitPayment::new(
                OrderId::new("order-1").unwrap(),
                Amount::parse("250").unwrap(),
                Description::new("Order 1").unwrap(),
            )
            .check_url(merchant.url("check"))
            .result_url(merchant.url("result")),
        )
        .unwrap();

    let paid = sandbox.pay(payment.payment_id, cards::PURCHASE).unwrap();
    assert_eq!(paid.status, "success");
    assert_eq!(paid.failure_code, None);
    assert_eq!(
        merchant.check(payment.payment_id).payment_id,
        payment.payment_id
    );
    let result = merchant.result(payment.payment_id);
    assert!(result.is_success());
    assert_eq!(result.amount, Amount::parse("250").unwrap());

    // The same payment cannot be paid twice: the control API says why.
    let again = sandbox
        .pay(payment.payment_id, cards::PURCHASE)
        .unwrap_err();
    assert_eq!(again.status(), Some(409), "{again}");
}

#[test]
fn a_payout_in_process_is_completed_now_or_by_advancing_time() {
    let sandbox = SandboxThread::start(
        testing::sandbox_config().payout_process_delay(Duration::from_secs(60)),
    )
    .unwrap();
    let config = testing::client_config(sandbox.base_url()).build().unwrap();
    let merchant = MerchantServer::start(config.clone()).unwrap();
    let client = BlockingClient::new(config);
    let payout = |order: &str| {
        client
            .payout_to_card(PayoutToCard::new(
                OrderId::new(order).unwrap(),
                Amount::parse("100").unwrap(),
                CardNumber::parse(cards::PAYOUT_PROCESS_SUCCESS).unwrap(),
                Description::new("Refund of order 7").unwrap(),
                merchant.url("payout_notify"),
            ))
            .unwrap()
    };

    // Completed at once, as an error.
    let first = payout("process-1");
    assert_eq!(first.status, Status::Process);
    let kept = sandbox
        .complete_payout(first.payment_id, PayoutOutcome::Error(10001))
        .unwrap();
    assert_eq!(kept["status"], "error", "{kept}");
    let failed = merchant.payout_notification("process-1");
    assert_eq!(failed.status, Some(NotificationStatus::Error));
    assert_eq!(
        failed.error_code.map(ErrorCode::code),
        Some(10001),
        "{failed:?}"
    );

    // Or by moving the fixed clock past the process delay.
    let second = payout("process-2");
    assert_eq!(sandbox.advance(Duration::from_secs(61)), 1);
    let paid = merchant.payout_notification("process-2");
    assert_eq!(paid.payment_id, second.payment_id);
    assert_eq!(paid.status, Some(NotificationStatus::Ok));

    assert!(matches!(merchant.received()[0], Received::Payout(_)));
    assert!(merchant.refused().is_empty());
}

#[test]
fn the_control_api_refuses_unknown_ids_and_the_merchant_refuses_forged_callbacks() {
    let sandbox = SandboxThread::start(testing::sandbox_config()).unwrap();
    let unknown = PaymentId::new(999_999).unwrap();
    let error = sandbox.pay(unknown, cards::PURCHASE).unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.path(), "/_sandbox/payments/999999/pay");
    assert!(error.to_string().contains("not found"), "{error}");
    let error = sandbox
        .complete_payout(unknown, PayoutOutcome::Success)
        .unwrap_err();
    assert_eq!(error.status(), Some(404));

    // A merchant with another secret refuses what the sandbox signs.
    let wrong = testing::client_config(sandbox.base_url())
        .secret_key("not-the-sandbox-secret")
        .payout_secret_key("not-the-payout-secret")
        .build()
        .unwrap();
    let merchant = MerchantServer::start(wrong).unwrap();
    let client = BlockingClient::new(testing::client_config(sandbox.base_url()).build().unwrap());
    client
        .payout_to_card(PayoutToCard::new(
            OrderId::new("forged").unwrap(),
            Amount::parse("1").unwrap(),
            CardNumber::parse(cards::PAYOUT_SUCCESS).unwrap(),
            Description::new("x").unwrap(),
            merchant.url("payout_notify"),
        ))
        .unwrap();
    let refused = merchant
        .wait_for(testing::WAIT, |received| {
            received
                .iter()
                .find_map(|r| matches!(r, Received::Refused { .. }).then_some(()))
        })
        .map(|()| merchant.refused());
    let refused = refused.expect("the callback was refused");
    assert_eq!(refused[0].0, "/shop/payout_notify");
}
