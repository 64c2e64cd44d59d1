//! The Card API and the Partner API against the sandbox, for both client flavours
//! (docs/protocol.md §12.4, §12.5): every declared operation through the clients' `call_json`,
//! signed with each API's own key as the SDK signs it and checked by the sandbox; the sandbox's
//! issuing state read back through its control API.

mod support;

use std::time::Duration;

use freedompay_core::json::JsonApi;
use freedompay_core::json::card_api::gift::ConfirmGiftCard;
use freedompay_core::json::card_api::{
    CardReplyStatus, CardRequestStatus, CloseCard, LinkCard, UnblockCard,
};
use freedompay_core::json::partner_api::{AddRates, AddUser, BlockWallet, Rate, WalletStatement};
use freedompay_core::{Amount, Currency};
use freedompay_sandbox::{DEFAULT_CARD_API_KEY, DEFAULT_PARTNER_API_KEY, GIFT_CARD_TEST_OTP};
use serde_json::Value;
use support::{Env, Flavour, for_both_flavours};

for_both_flavours!(
    card_api_operations_change_the_cards,
    a_gift_card_is_confirmed,
    partner_api_operations,
    a_wrong_card_key_is_refused,
);

/// The sandbox with the clients' Card and Partner keys set to the sandbox's defaults.
fn start(flavour: Flavour) -> Env {
    Env::start_with(
        flavour,
        |sandbox| sandbox,
        |client| {
            client
                .json_api_key(
                    JsonApi::Card,
                    DEFAULT_CARD_API_KEY.auth_id,
                    DEFAULT_CARD_API_KEY.secret,
                )
                .json_api_key(
                    JsonApi::Partner,
                    DEFAULT_PARTNER_API_KEY.auth_id,
                    DEFAULT_PARTNER_API_KEY.secret,
                )
        },
    )
}

/// `GET /_sandbox/issuing/{kind}`.
fn issuing(env: &Env, kind: &str) -> Vec<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let text = agent
        .get(&env.sandbox_url(&format!("/_sandbox/issuing/{kind}")))
        .call()
        .expect("the control API answers")
        .body_mut()
        .read_to_string()
        .expect("a body");
    serde_json::from_str::<Value>(&text)
        .expect("JSON")
        .as_array()
        .expect("a list")
        .clone()
}

fn record<'a>(records: &'a [Value], member: &str, value: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r[member].as_str() == Some(value))
        .unwrap_or_else(|| panic!("{member}={value} in {records:?}"))
}

fn card_api_operations_change_the_cards(flavour: Flavour) {
    let env = start(flavour);
    let unblocked = env
        .client
        .call_json(UnblockCard::new("card-1002", "found").unwrap())
        .expect("unblocked");
    assert_eq!(unblocked.status.as_deref(), Some("ok"));
    assert_eq!(unblocked.request_status.as_deref(), Some("completed"));
    let linked = env
        .client
        .call_json(LinkCard::new("client-2002", "card-1003").unwrap())
        .expect("linked");
    assert_eq!(linked.status.as_deref(), Some("ok"));
    let closed = env
        .client
        .call_json(CloseCard::new("card-1003", "reissue").unwrap())
        .expect("closed");
    assert_eq!(closed.status.as_deref(), Some("ok"));
    let cards = issuing(&env, "cards");
    assert_eq!(record(&cards, "card_id", "card-1002")["status"], "active");
    let card = record(&cards, "card_id", "card-1003");
    assert_eq!(card["status"], "closed");
    assert_eq!(card["client_id"], "client-2002");
    assert_eq!(card["balance"], "0.00");

    // The link's request id is the client's own draw (a UUID v7 in the body's request_id): the
    // sandbox kept it, and request status finds it.
    let requests = issuing(&env, "requests");
    let link = requests
        .iter()
        .find(|r| r["client_id"] == "client-2002")
        .expect("the link request");
    let request_id = link["request_id"].as_str().unwrap();
    assert_eq!(request_id.len(), 36, "{request_id}");
    let status = env
        .client
        .call_json(CardRequestStatus::new(request_id).unwrap())
        .expect("its status");
    assert_eq!(status.status, Some(CardReplyStatus::Ok));
    assert_eq!(status.request_status.as_deref(), Some("completed"));
    assert_eq!(status.cards.len(), 1);
    assert_eq!(status.cards[0].card_id, "card-1003");
    assert_eq!(status.client_id.as_deref(), Some("client-2002"));
    let unknown = env
        .client
        .call_json(CardRequestStatus::new("never-sent").unwrap())
        .unwrap_err();
    assert!(!unknown.outcome_unknown(), "{unknown}");
    // A refused close (a closed card) is an error of the call; the SDK cannot tell whether a
    // refused money-moving call moved money.
    let again = env
        .client
        .call_json(CloseCard::new("card-1003", "again").unwrap())
        .unwrap_err();
    assert!(again.outcome_unknown(), "{again}");
}

fn a_gift_card_is_confirmed(flavour: Flavour) {
    let env = start(flavour);
    let confirmed = env
        .client
        .call_json(
            ConfirmGiftCard::new(GIFT_CARD_TEST_OTP)
                .unwrap()
                .card_id(557),
        )
        .expect("confirmed");
    assert_eq!(confirmed.card_balance, Some(Amount::whole(100).unwrap()));
    assert_eq!(confirmed.card_currency.as_deref(), Some("USD"));
    assert_eq!(
        (confirmed.status, confirmed.card_status),
        (Some(0), Some(1))
    );
    assert_eq!(confirmed.card_mask.as_deref(), Some("1234********5635"));
    let wrong = env
        .client
        .call_json(ConfirmGiftCard::new("0000").unwrap().card_id(556))
        .unwrap_err();
    assert!(!format!("{wrong}").contains("0000"), "{wrong}");
    let gifts = issuing(&env, "gift_cards");
    let confirmed: Vec<u64> = gifts
        .iter()
        .filter(|g| g["confirmed"] == true)
        .map(|g| g["card_id"].as_u64().unwrap())
        .collect();
    assert_eq!(confirmed, vec![557]);
}

fn partner_api_operations(flavour: Flavour) {
    let env = start(flavour);
    let rates = AddRates::new(vec![
        Rate::new(Currency::Usd, Currency::Kzt, "441.507")
            .unwrap()
            .rate_type("p2p")
            .valid("2025-01-01 00:00:00", "2025-01-02 00:00:00"),
    ])
    .unwrap();
    let added = env.client.call_json(rates).expect("rates added");
    assert_eq!(added.status.as_deref(), Some("ok"));
    let stored = issuing(&env, "rates");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["rate"], "441.507");
    assert_eq!(stored[0]["currency_to"], "KZT");

    let user = env
        .client
        .call_json(AddUser::new(3001, "Aigerim", "Test", "77001112233", "a@example.com").unwrap())
        .expect("user added");
    assert_eq!(user.status.as_deref(), Some("ok"));
    assert_eq!(user.client_id, Some(3001));
    assert!(user.user_id.is_some());

    let statement = env
        .client
        .call_json(WalletStatement::new("77001234567").unwrap())
        .expect("a statement");
    assert_eq!(statement.operations.len(), 2);
    assert_eq!(
        statement.operations[1].amount,
        Some(Amount::parse("1200.50").unwrap())
    );
    assert_eq!(
        statement.operations[1].commission,
        Some(Amount::parse("12.50").unwrap())
    );

    let blocked = env
        .client
        .call_json(BlockWallet::new("77007654321", "fraud").unwrap())
        .expect("blocked");
    assert_eq!(blocked.status.as_deref(), Some("ok"));
    let wallets = issuing(&env, "wallets");
    assert_eq!(
        record(&wallets, "identifier", "77007654321")["blocked"],
        true
    );
    let unknown = env
        .client
        .call_json(BlockWallet::new("77000000000", "fraud").unwrap())
        .unwrap_err();
    assert!(format!("{unknown}").contains("340"), "{unknown}");
}

fn a_wrong_card_key_is_refused(flavour: Flavour) {
    let env = start(flavour);
    let client = env.client_with(|config| {
        config.json_api_key(JsonApi::Card, DEFAULT_CARD_API_KEY.auth_id, "not-the-key")
    });
    let error = client
        .call_json(UnblockCard::new("card-1002", "found").unwrap())
        .unwrap_err();
    assert!(!error.outcome_unknown(), "{error}");
    let cards = issuing(&env, "cards");
    assert_eq!(record(&cards, "card_id", "card-1002")["status"], "blocked");
}
