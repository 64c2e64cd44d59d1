//! Every operation against the fixture replies listed in `tests/fixtures/conformance.txt`:
//! the secret that signs the request, and what the reply reads as (an output, a gateway
//! error, or a malformed reply). A new operation is a sample request here and a line there.

use std::collections::BTreeSet;
use std::fmt::Debug;

use freedompay_core::gateway::{
    CancelCardPayment, CardPayment, CardPaymentStatus, CardTransfer, CardTransferStatus,
    ClearCardPayment, CompleteCardPayment, CompleteCardTransfer, CompleteStoreCard,
    ListStoredCards, RefundCardPayment, RemoveStoredCard, StoreCard, TokenPayment, TransferSender,
    Wallet, WalletPayment, WalletPaymentData,
};
use freedompay_core::payment::{
    AddCard, AnyAmountPayment, ApproveMobilePayment, CancelPayment, CapturePayment, CardRef,
    DirectCardPayment, InitCardPayment, InitPayment, ListCards, MobileOperator, MobilePayment,
    RecurringPayment, RecurringProfileId, RefundPayment, RemoveCard,
};
use freedompay_core::payout::{
    AddPayoutCard, Balance, BankRecipient, Bik, Iban, Iin, Kbe, Knp, MobilePayout,
    MobilePayoutInit, PayoutCard, PayoutPage, PayoutToCard, PayoutToIban, PayoutToSavedCard,
};
use freedompay_core::sign::{SIG_FIELD, Salt, ScriptName, verify};
use freedompay_core::transport::HttpResponse;
use freedompay_core::{
    Amount, CardData, CardHolder, CardNumber, Config, Currency, Cvc, DateTime, Description,
    ErrorKind, Expiry, Operation, OrderId, PaymentId, Phone, SecretKind, Url, UserId, form,
    prepare, read_reply,
};

/// Operations whose table lines are still to be written (converted by their owners later).
const NOT_YET_IN_THE_TABLE: &[&str] = &[
    "payout_status",
    "payout_status_by_order",
    "payout_status_by_order_legacy",
    "cash_by_code_check",
    "cash_by_code_exec",
    "cash_by_code_status",
    "payment_status",
];

fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_key("PAYOUT_SECRET")
        .build()
        .unwrap()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// One operation, its output erased to its `Debug` text.
trait Case {
    fn secret(&self, config: &Config) -> SecretKind;
    fn verifies_with(&self, config: &Config, secret: SecretKind) -> bool;
    fn script(&self) -> ScriptName;
    fn read(&self, config: &Config, response: &HttpResponse) -> Result<String, ErrorKind>;
}

impl<O: Operation> Case for O
where
    O::Output: Debug,
{
    fn secret(&self, config: &Config) -> SecretKind {
        Operation::secret(self, config)
    }

    fn verifies_with(&self, config: &Config, secret: SecretKind) -> bool {
        let request = prepare(config, self, &Salt::new("conformance").unwrap()).unwrap();
        let fields = form::decode(request.body()).unwrap();
        verify(&self.script(), &fields, config.secret(secret)).is_ok()
    }

    fn script(&self) -> ScriptName {
        ScriptName::from_url(O::PATH).unwrap()
    }

    fn read(&self, config: &Config, response: &HttpResponse) -> Result<String, ErrorKind> {
        read_reply(config, self, response).map(|output| format!("{output:?}"))
    }
}

fn amount(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

fn url(text: &str) -> Url {
    Url::new(text).unwrap()
}

fn order(text: &str) -> OrderId {
    OrderId::new(text).unwrap()
}

fn text(text: &str) -> Description {
    Description::new(text).unwrap()
}

fn payment_id(id: u64) -> PaymentId {
    PaymentId::new(id).unwrap()
}

fn user() -> UserId {
    UserId::new("user-7").unwrap()
}

fn time() -> DateTime {
    DateTime::parse("2026-12-31 12:00:00").unwrap()
}

/// The card of FreedomPay's documentation examples (public test data).
fn card() -> CardData {
    CardData::new(
        CardNumber::parse("4405645000006150").unwrap(),
        Cvc::parse("653").unwrap(),
        Expiry::new(9, 27).unwrap(),
        CardHolder::new("TEST TESTOV").unwrap(),
    )
}

/// The sample request of each operation, by its `Operation::NAME`.
fn sample(name: &str) -> Box<dyn Case> {
    let notify = || url("https://shop.kz/freedompay/notify");
    match name {
        "balance" => Box::new(Balance::new()),
        "payout_to_card" => Box::new(PayoutToCard::new(
            order("ORD12345"),
            amount("1000"),
            CardNumber::parse("4671593866478252").unwrap(),
            text("Reward"),
            notify(),
        )),
        "payout_page" => Box::new(PayoutPage::new(
            order("order_1234"),
            amount("10"),
            text("Payout"),
            url("https://shop.kz/back"),
            notify(),
            time(),
        )),
        "payout_to_saved_card" => Box::new(PayoutToSavedCard::new(
            order("1234"),
            amount("10"),
            user(),
            PayoutCard::token("c92741d9-ddd7-4bad-abd0-5594a79eea1a").unwrap(),
            text("Payout"),
            notify(),
            time(),
        )),
        "payout_to_iban" => Box::new(PayoutToIban::new(
            order("salary-2026-11-7"),
            amount("350000.50"),
            BankRecipient::new(
                Iban::parse("KZ86125KZT5004100100").unwrap(),
                Iin::parse("900101301234").unwrap(),
                "Иванов Иван Иванович",
                Kbe::parse("19").unwrap(),
                Bik::parse("KCJBKZKX").unwrap(),
            )
            .unwrap(),
            Knp::parse("311").unwrap(),
            text("Salary"),
            notify(),
        )),
        "mobile_payout_init" => Box::new(MobilePayoutInit::new(
            order("23"),
            amount("25"),
            text("test"),
            time(),
        )),
        "mobile_payout" => Box::new(MobilePayout::new(
            payment_id(4_567_788),
            Phone::new("+77077777777").unwrap(),
            MobileOperator::Tele2Kzt,
        )),
        "add_payout_card" => Box::new(AddPayoutCard::new(
            user(),
            notify(),
            url("https://shop.kz/cards"),
        )),
        "init_payment" => Box::new(InitPayment::new(
            order("order-42"),
            amount("1500"),
            text("Order"),
        )),
        "any_amount_payment" => Box::new(AnyAmountPayment::new(
            order("donation-7"),
            amount("1000"),
            text("Donation"),
        )),
        "cancel_payment" => Box::new(CancelPayment::new(payment_id(123_456_789))),
        "capture_payment" => Box::new(CapturePayment::new(payment_id(123_456_789))),
        "refund_payment" => Box::new(RefundPayment::new(payment_id(123_456_789))),
        "recurring_payment" => Box::new(RecurringPayment::new(
            RecurringProfileId::new("35768492").unwrap(),
            order("subscription-2026-04"),
            amount("2990"),
            text("Subscription"),
        )),
        "add_card" => Box::new(AddCard::new(user(), notify(), url("https://shop.kz/cards"))),
        "list_cards" => Box::new(ListCards::new(user())),
        "remove_card" => Box::new(RemoveCard::new(user(), CardRef::token("b2e4f7a0").unwrap())),
        "init_card_payment" => Box::new(InitCardPayment::new(
            order("order-44"),
            amount("990"),
            text("Order 44"),
            user(),
            CardRef::token("b2e4f7a0").unwrap(),
        )),
        "direct_card_payment" => Box::new(DirectCardPayment::new(payment_id(123_457_100))),
        "mobile_payment" => Box::new(MobilePayment::new(
            payment_id(123_456),
            Phone::new("+77017777777").unwrap(),
            MobileOperator::KcellKzt,
        )),
        "approve_mobile_payment" => {
            Box::new(ApproveMobilePayment::new(payment_id(123_456), "111111").unwrap())
        }
        // Gateway API (g2g), Pay: the documentation's example card (public test data).
        "gateway_card_payment" => Box::new(CardPayment::new(
            order("order-42"),
            amount("1500"),
            text("Order 42"),
            card(),
        )),
        "gateway_complete_card_payment" => Box::new(CompleteCardPayment::new(
            payment_id(1_234_567_890),
            "abc123456",
            "eJzVWNmyo7gS",
        )),
        "gateway_cancel_payment" => Box::new(CancelCardPayment::new(payment_id(1_234_567_890))),
        "gateway_clear_payment" => Box::new(ClearCardPayment::new(payment_id(1_234_567_890))),
        "gateway_refund_payment" => Box::new(RefundCardPayment::new(payment_id(1_234_567_890))),
        "gateway_payment_status" => {
            Box::new(CardPaymentStatus::by_payment_id(payment_id(1_234_567_890)))
        }
        // Gateway API (g2g), Card.
        "gateway_store_card" => Box::new(StoreCard::new(user(), card())),
        "gateway_complete_store_card" => Box::new(CompleteStoreCard::new(
            payment_id(555_001),
            "md-555001",
            "pares-555001",
        )),
        "gateway_list_cards" => Box::new(ListStoredCards::new(user())),
        "gateway_remove_card" => Box::new(RemoveStoredCard::new(
            user(),
            "ef741cfc-f85e-41a0-84e6-2ba964912182",
        )),
        // Gateway API (g2g), Transfer and Token.
        "gateway_card_transfer" => Box::new(CardTransfer::new(
            order("p2p-42"),
            amount("5000"),
            Currency::Kzt,
            Currency::Kzt,
            text("Gift"),
            TransferSender::card(
                CardNumber::parse("4405645000006150").unwrap(),
                Cvc::parse("653").unwrap(),
                Expiry::new(9, 2030).unwrap(),
                "TEST TESTOV",
            )
            .unwrap(),
            CardNumber::parse("4671593866478252").unwrap().into(),
        )),
        "gateway_complete_card_transfer" => Box::new(
            CompleteCardTransfer::new(payment_id(1_234_567_892), "abc123456", "eJxVUt1ugjAU")
                .unwrap(),
        ),
        "gateway_transfer_status" => Box::new(CardTransferStatus::new(payment_id(1_234_567_892))),
        "gateway_token_payment" => Box::new(
            TokenPayment::new(
                order("order-77"),
                amount("2500"),
                text("Order 77"),
                user(),
                "c92741d9-ddd7-4bad-abd0-5594a79eea1a",
            )
            .unwrap(),
        ),
        "gateway_wallet_payment" => Box::new(WalletPayment::new(
            order("order-78"),
            amount("990"),
            Currency::Kzt,
            text("Order 78"),
            WalletPaymentData::new(
                Wallet::ApplePay,
                CardNumber::parse("4405645000006150").unwrap(),
                Expiry::new(12, 2029).unwrap(),
                "TEST TESTOV",
                "AgAAAAAABk4DWZ4C28yUQAAAAAA=",
            )
            .unwrap(),
        )),
        other => panic!("no sample request for `{other}`: add one to `sample`"),
    }
}

/// The fixture, its `pg_sig` replaced by the gateway's signature with this secret.
fn signed_reply(
    xml: &str,
    script: &ScriptName,
    secret: &freedompay_core::sign::SecretKey,
) -> HttpResponse {
    let document = freedompay_xml::parse(xml.as_bytes()).expect("the fixture parses");
    let root = document.root_name().to_owned();
    let mut fields = document.into_fields();
    fields.remove(SIG_FIELD);
    let signature = freedompay_core::sign::sign(script, &fields, secret).unwrap();
    fields.push(SIG_FIELD, signature.as_str());
    let body = freedompay_xml::write_with_root(&root, &fields).unwrap();
    HttpResponse::new(200, body.into_bytes())
}

fn check(line: &str) -> Result<&str, String> {
    let parts: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
    let [name, secret, fixture_name, expected] = parts[..] else {
        return Err("not four `|`-separated columns".into());
    };
    let config = config();
    let op = sample(name);
    let (secret, other) = match secret {
        "payment" => (SecretKind::Payment, SecretKind::Payout),
        "payout" => (SecretKind::Payout, SecretKind::Payment),
        other => return Err(format!("unknown secret `{other}`")),
    };
    if op.secret(&config) != secret
        || !op.verifies_with(&config, secret)
        || op.verifies_with(&config, other)
    {
        return Err(format!(
            "the request is not signed with the {secret:?} secret alone"
        ));
    }
    let reply = signed_reply(&fixture(fixture_name), &op.script(), config.secret(secret));
    let outcome = op.read(&config, &reply);
    let verdict = if let Some(checks) = expected.strip_prefix("ok:") {
        let debug = outcome.map_err(|e| format!("expected an output, got {e:?}"))?;
        let missing: Vec<&str> = checks
            .split("; ")
            .map(str::trim)
            .filter(|c| !debug.contains(c))
            .collect();
        missing
            .is_empty()
            .then_some(())
            .ok_or(format!("{missing:?} not in {debug}"))
    } else if let Some(exact) = expected.strip_prefix("ok =") {
        let debug = outcome.map_err(|e| format!("expected an output, got {e:?}"))?;
        (debug == exact.trim()).then_some(()).ok_or(debug)
    } else if let Some(error) = expected.strip_prefix("error ") {
        let (code, description) = error.split_once(' ').unwrap_or((error, ""));
        match outcome {
            Err(ErrorKind::Gateway(e))
                if e.code().map(|c| c.code().to_string()).as_deref() == Some(code)
                    && (description.is_empty() || e.description() == Some(description)) =>
            {
                Ok(())
            }
            other => Err(format!("expected gateway error {error}, got {other:?}")),
        }
    } else if let Some(field) = expected.strip_prefix("malformed ") {
        match outcome {
            Err(ErrorKind::Malformed(m)) if m.reason().contains(field) => Ok(()),
            other => Err(format!(
                "expected a malformed reply naming {field}, got {other:?}"
            )),
        }
    } else {
        Err(format!("unknown expectation `{expected}`"))
    };
    verdict.map(|()| name)
}

#[test]
fn every_operation_reads_its_fixtures() {
    let table = fixture("conformance.txt");
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for (number, line) in table.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match check(line) {
            Ok(name) => {
                covered.insert(name.to_owned());
            }
            Err(why) => failures.push(format!("conformance.txt:{}: {why}", number + 1)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The lists the clients' methods are generated from: every method is named after its
    // operation's NAME (errors and traces name what the user called), and has a line here.
    macro_rules! names {
        ($($method:ident => $ty:ty => $output:ty,)*) => {
            vec![$((stringify!($method), <$ty as Operation>::NAME),)*]
        };
    }
    let mut listed = freedompay_core::for_each_payout_operation!(names);
    listed.extend(freedompay_core::for_each_payment_operation!(names));
    listed.extend(freedompay_core::for_each_gateway_operation!(names));
    assert_eq!(listed.len(), 28 + 15);
    for (method, name) in listed {
        assert_eq!(method, name, "the method name is the operation's NAME");
        assert!(
            covered.contains(name) || NOT_YET_IN_THE_TABLE.contains(&name),
            "`{name}` has no line in conformance.txt"
        );
    }
}
