//! The `/v5` JSON APIs against the sandbox, for both client flavours (docs/protocol.md §12):
//! the clients' `call_json` with `InitInvoice` (the invoice then paid) and the Gateway Async
//! API's create, read and reverse, signed as the SDK signs them and checked by the sandbox.

mod support;

use freedompay_core::json::gateway_async::{CreatePayment, ReadPayment, ReversePayment};
use freedompay_core::json::invoice::{InitInvoice, InvoiceMethod, InvoiceStatus};
use freedompay_core::{
    Amount, CardData, CardHolder, CardNumber, Currency, Cvc, Description, Expiry, OrderId,
    PaymentId,
};
use serde_json::{Value, json};
use support::{Env, Flavour, cards, for_both_flavours};

for_both_flavours!(
    an_invoice_is_created_and_paid,
    an_async_payment_is_created_read_and_reversed,
);

fn an_invoice_is_created_and_paid(flavour: Flavour) {
    let env = Env::start(flavour);
    let invoice = InitInvoice::new(
        OrderId::new("inv-e2e-1").unwrap(),
        Amount::parse("1500.25").unwrap(),
        Description::new("Счет за услуги").unwrap(),
        vec![InvoiceMethod::Qr],
        Currency::Kzt,
    );
    let created = env
        .client
        .call_json(invoice)
        .expect("the invoice is created");
    assert_eq!(created.invoice_status, Some(InvoiceStatus::Process));
    assert!(created.qr.as_deref().is_some_and(|qr| !qr.is_empty()));
    let id = PaymentId::parse(created.invoice_id.as_deref().unwrap()).unwrap();
    let paid = env.pay_payment(id, cards::PURCHASE);
    assert_eq!(paid["status"], "success", "{paid}");
    let payment = env.sandbox_payment(id);
    assert_eq!(payment["amount"], "1500.25");
    assert_eq!(payment["order_id"], "inv-e2e-1");
}

fn an_async_payment_is_created_read_and_reversed(flavour: Flavour) {
    let env = Env::start(flavour);
    let card = CardData::new(
        CardNumber::parse(cards::PURCHASE).unwrap(),
        Cvc::parse("123").unwrap(),
        Expiry::new(5, 30).unwrap(),
        CardHolder::new("IVAN IVANOV").unwrap(),
    );
    let create = CreatePayment::new(
        OrderId::new("async-e2e-1").unwrap(),
        Amount::whole(700).unwrap(),
        Currency::Kzt,
        Description::new("async").unwrap(),
        card,
    )
    .auto_clearing(false);
    let created = env.client.call_json(create).expect("created");
    let created: Value = serde_json::from_slice(&created.body).unwrap();
    assert_eq!(created["status"], "ok", "{created}");
    let id = created["payment_id"].as_str().unwrap().to_owned();

    let read = env
        .client
        .call_json(ReadPayment::by_id(id.as_str()))
        .expect("read");
    let read: Value = serde_json::from_slice(&read.body).unwrap();
    assert_eq!(read["payment_status"], "success", "{read}");
    assert_eq!(read["amount"], "700.00");

    let body = json!({ "id": id }).to_string().into_bytes();
    let reversed = env
        .client
        .call_json(ReversePayment::new(body))
        .expect("reversed");
    let reversed: Value = serde_json::from_slice(&reversed.body).unwrap();
    assert_eq!(reversed["status"], "ok", "{reversed}");
    let payment = env.sandbox_payment(PaymentId::parse(&id).unwrap());
    assert_ne!(payment["status"], "success", "{payment}");
}
