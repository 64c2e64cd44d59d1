//! Failures end to end, for both client flavours: every fault the sandbox injects, on a payout
//! (never resent; the outcome is unknown when the request may have reached the gateway) and on
//! a query (retried where that is safe), plus a wrong merchant id, wrong secrets and a refused
//! connection.
//!
//! A fault is set with `count: Some(n)`: how many uses are left afterwards tells how many
//! requests reached the sandbox.

mod support;

use std::time::Duration;

use freedompay_core::payment::InitPayment;
use freedompay_core::payout::{self, Balance, PayoutStatusByOrder, PayoutToCard};
use freedompay_core::sign::Fields;
use freedompay_core::transport::{SendState, TransportError, TransportErrorKind};
use freedompay_core::{
    Config, Error, ErrorCode, ErrorKind, InvalidInput, Lookup, Operation, OrderId, ReadError,
    Response, SecretKind,
};
use freedompay_sandbox::Fault;
use support::{
    Client, Env, Flavour, amount, card, cards, client_config, closed_port, description,
    for_both_flavours, order,
};

for_both_flavours!(
    latency_beyond_the_timeout_on_a_payout,
    latency_beyond_the_timeout_on_a_query,
    dropped_connection,
    html_5xx_page,
    truncated_body,
    unreadable_body,
    wrong_signature,
    unsigned_error,
    wrong_merchant_id,
    wrong_secret_answered_with_a_signed_9998,
    wrong_secret_answered_with_an_unsigned_9998,
    connection_refused,
);

const PAYOUT_PATH: &str = "/g2g/p2p2nonreg";
const BALANCE_PATH: &str = "/api/balance_status";
/// The client timeout of the latency tests, and the latency that exceeds it.
const SHORT_TIMEOUT: Duration = Duration::from_millis(500);
const LATENCY_MS: u64 = 1500;

/// A payout of 10 to the success test card.
fn payout(env: &Env, order_id: &OrderId) -> PayoutToCard {
    PayoutToCard::new(
        order_id.clone(),
        amount("10"),
        card(cards::PAYOUT_SUCCESS),
        description("Payout, fault test"),
        env.merchant.url("payout_notify"),
    )
}

/// A fault for the next `count` requests.
fn counted(count: u32) -> Fault {
    Fault {
        count: Some(count),
        ..Fault::default()
    }
}

/// The transport failure inside an error, failing the test on any other error.
fn transport(error: &Error) -> &TransportError {
    match error.kind() {
        ErrorKind::Transport(transport) => transport,
        other => panic!("expected a transport error, got {other:?} ({error})"),
    }
}

/// What a payout system must see after a payout that may have reached the gateway and got no
/// trustworthy answer: not resent, the outcome unknown, the order to reconcile.
fn assert_unknown_outcome(error: &Error, order_id: &OrderId) {
    assert!(error.may_have_been_sent(), "{error:?}");
    assert!(error.outcome_unknown(), "{error:?}");
    assert_eq!(error.order_id(), Some(order_id.as_str()));
    assert_eq!(error.attempts(), 1, "a payout is never resent: {error:?}");
    let text = error.to_string();
    assert!(
        text.contains("UNKNOWN") && text.contains(order_id.as_str()),
        "{text}"
    );
}

/// Reconciles a payout by its order id: whether the gateway did it.
fn payout_done(env: &Env, order_id: &OrderId) -> bool {
    match env
        .client
        .payout_status_by_order(PayoutStatusByOrder::new(order_id.clone()))
    {
        Ok(Lookup::Found(info)) => {
            assert_eq!(info.payment_status, payout::PayoutState::Success);
            true
        }
        Ok(Lookup::NotFound(_)) => false,
        Err(error) => panic!("the status query failed: {error:?}"),
    }
}

/// A reply later than the client's timeout. The payout is not resent (the sandbox saw one
/// request); a query is retried, and fails only when every attempt timed out.
fn latency_beyond_the_timeout_on_a_payout(flavour: Flavour) {
    let env = Env::start_with(flavour, |s| s, |c| c.timeout(SHORT_TIMEOUT));
    let order_id = order("late-payout");
    env.set_fault(
        PAYOUT_PATH,
        Fault {
            latency_ms: LATENCY_MS,
            ..counted(2)
        },
    );
    let error = env
        .client
        .payout_to_card(payout(&env, &order_id))
        .unwrap_err();
    let failure = transport(&error);
    assert_eq!(failure.kind(), TransportErrorKind::Timeout);
    assert_eq!(failure.send_state(), SendState::MaybeSent);
    assert_unknown_outcome(&error, &order_id);
    assert_eq!(
        env.fault_uses_left(PAYOUT_PATH),
        Some(1),
        "one request reached the sandbox"
    );
    // The gateway finished what it received: once the latency has passed, reconciling by
    // order id finds the payout done, whichever way the client hung up.
    env.clear_faults();
    std::thread::sleep(Duration::from_millis(LATENCY_MS + 500));
    assert!(
        payout_done(&env, &order_id),
        "the late payout was carried out"
    );
}

fn latency_beyond_the_timeout_on_a_query(flavour: Flavour) {
    let env = Env::start_with(flavour, |s| s, |c| c.timeout(SHORT_TIMEOUT));
    let late = Fault {
        latency_ms: LATENCY_MS,
        ..Fault::default()
    };

    // The first attempt times out, the second is answered.
    env.set_fault(
        BALANCE_PATH,
        Fault {
            count: Some(1),
            ..late.clone()
        },
    );
    let info = env.client.balance(Balance::new()).unwrap();
    assert_eq!(info.balance, amount("1000000"));
    assert_eq!(env.fault_uses_left(BALANCE_PATH), None);

    // Every attempt times out: three requests, then the error.
    env.set_fault(
        BALANCE_PATH,
        Fault {
            count: Some(10),
            ..late
        },
    );
    let error = env.client.balance(Balance::new()).unwrap_err();
    assert_eq!(transport(&error).kind(), TransportErrorKind::Timeout);
    assert!(error.may_have_been_sent());
    assert!(!error.outcome_unknown(), "a query moves no money");
    assert_eq!(error.attempts(), 3);
    assert_eq!(env.fault_uses_left(BALANCE_PATH), Some(7));
}

/// The connection closed after the work was done: the payout's outcome is unknown, and the
/// status query finds it paid (with its notification sent); a query is retried.
fn dropped_connection(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("dropped-payout");
    env.set_fault(
        PAYOUT_PATH,
        Fault {
            drop_connection: true,
            ..counted(1)
        },
    );
    let error = env
        .client
        .payout_to_card(payout(&env, &order_id))
        .unwrap_err();
    let failure = transport(&error);
    assert_eq!(failure.kind(), TransportErrorKind::Io);
    assert_eq!(failure.send_state(), SendState::MaybeSent);
    assert_unknown_outcome(&error, &order_id);
    assert!(
        payout_done(&env, &order_id),
        "the gateway did the work before the drop"
    );
    assert_eq!(
        env.merchant
            .payout_notification("dropped-payout")
            .payment_amount,
        Some(amount("10"))
    );
    assert_eq!(env.balance(), before - 1_000);

    env.set_fault(
        BALANCE_PATH,
        Fault {
            drop_connection: true,
            ..counted(1)
        },
    );
    let info = env.client.balance(Balance::new()).unwrap();
    assert_eq!(info.balance.minor_units(), before - 1_000);
    assert_eq!(env.fault_uses_left(BALANCE_PATH), None);
}

/// A proxy's 5xx HTML page instead of the gateway's reply: `HttpStatus`. The page came instead
/// of the work (the status query finds nothing), but the client cannot know that: the payout's
/// outcome is unknown. A query is retried.
fn html_5xx_page(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("proxy-error-payout");
    env.set_fault(
        PAYOUT_PATH,
        Fault {
            status_5xx: Some(502),
            ..counted(1)
        },
    );
    let error = env
        .client
        .payout_to_card(payout(&env, &order_id))
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(502)),
        "{error:?}"
    );
    assert_unknown_outcome(&error, &order_id);
    assert!(!payout_done(&env, &order_id));
    assert_eq!(env.balance(), before);

    env.set_fault(
        BALANCE_PATH,
        Fault {
            status_5xx: Some(503),
            ..counted(1)
        },
    );
    assert_eq!(
        env.client.balance(Balance::new()).unwrap().balance,
        amount("1000000")
    );

    env.set_fault(
        BALANCE_PATH,
        Fault {
            status_5xx: Some(503),
            ..counted(10)
        },
    );
    let error = env.client.balance(Balance::new()).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(503)),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(env.fault_uses_left(BALANCE_PATH), Some(7));
}

/// Half the reply, with a `Content-Length` promising the whole, then the connection closes:
/// the HTTP message itself is incomplete, so both transports report an I/O failure after
/// sending (not a `Malformed` reply). The work was done: the payout is found paid. A query is
/// retried.
fn truncated_body(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    let order_id = order("truncated-payout");
    env.set_fault(
        PAYOUT_PATH,
        Fault {
            truncate_body: true,
            ..counted(1)
        },
    );
    let error = env
        .client
        .payout_to_card(payout(&env, &order_id))
        .unwrap_err();
    let failure = transport(&error);
    assert_eq!(failure.kind(), TransportErrorKind::Io);
    assert_eq!(failure.send_state(), SendState::MaybeSent);
    assert_unknown_outcome(&error, &order_id);
    assert!(payout_done(&env, &order_id));
    assert_eq!(env.balance(), before - 1_000);

    env.set_fault(
        BALANCE_PATH,
        Fault {
            truncate_body: true,
            ..counted(1)
        },
    );
    let info = env.client.balance(Balance::new()).unwrap();
    assert_eq!(info.balance.minor_units(), before - 1_000);
    assert_eq!(env.fault_uses_left(BALANCE_PATH), None);
}

/// A query of the user's own (through the generic `call`) whose path answers HTTP 200 with
/// something that is no FreedomPay reply: the sandbox's payment page (an HTML page saying the
/// card number is missing; nothing is paid).
struct PostToAPage;

impl Operation for PostToAPage {
    type Output = String;
    const NAME: &'static str = "post_to_a_page";
    const PATH: &'static str = "/pay/1";
    const MOVES_MONEY: bool = false;

    fn secret(&self, _config: &Config) -> SecretKind {
        SecretKind::Payment
    }

    fn write_fields(&self, _fields: &mut Fields) -> Result<(), InvalidInput> {
        Ok(())
    }

    fn read(&self, reply: &Response<'_>) -> Result<String, ReadError> {
        Ok(reply.required("pg_status")?.to_owned())
    }
}

/// A complete HTTP 200 response whose body is not a reply (an HTML page): `Malformed`,
/// retried (a query).
fn unreadable_body(flavour: Flavour) {
    let env = Env::start(flavour);
    let error = env.client.call(PostToAPage).unwrap_err();
    match error.kind() {
        ErrorKind::Malformed(malformed) => {
            assert_eq!(malformed.http_status(), 200);
            assert!(
                malformed.reason().contains("HTML"),
                "{}",
                malformed.reason()
            );
        }
        other => panic!("expected a malformed reply, got {other:?}"),
    }
    assert_eq!(error.operation(), "post_to_a_page");
    assert!(error.may_have_been_sent());
    assert_eq!(error.attempts(), 3);
}

/// The reply's `pg_sig` altered after the work was done: `SignatureInvalid`, nothing in it
/// trusted; the payout is found paid; a query is not retried (a bad signature is no
/// transient failure).
fn wrong_signature(flavour: Flavour) {
    let env = Env::start(flavour);
    let order_id = order("forged-payout");
    env.set_fault(
        PAYOUT_PATH,
        Fault {
            wrong_signature: true,
            ..counted(1)
        },
    );
    let error = env
        .client
        .payout_to_card(payout(&env, &order_id))
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::SignatureInvalid { http_status: 200 }
        ),
        "{error:?}"
    );
    assert_unknown_outcome(&error, &order_id);
    assert!(payout_done(&env, &order_id));

    env.set_fault(
        BALANCE_PATH,
        Fault {
            wrong_signature: true,
            ..counted(2)
        },
    );
    let error = env.client.balance(Balance::new()).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::SignatureInvalid { .. }),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 1);
    assert_eq!(env.fault_uses_left(BALANCE_PATH), Some(1));
}

/// An unsigned error reply instead of the work: `Unsigned` with its code; not retried. An
/// unsigned 101 proves the gateway refused it (outcome known); an unsigned 9999 proves
/// nothing (issue 12: outcome unknown, whatever the sandbox did).
fn unsigned_error(flavour: Flavour) {
    let env = Env::start(flavour);
    let before = env.balance();
    for (code, expected, unknown) in [
        (None, ErrorCode::CheckStatus, true),
        (Some(101), ErrorCode::MerchantNotIdentified, false),
    ] {
        let order_id = order(&format!("unsigned-{}", expected.code()));
        env.set_fault(
            PAYOUT_PATH,
            Fault {
                unsigned_error: true,
                error_code: code,
                ..counted(1)
            },
        );
        let error = env
            .client
            .payout_to_card(payout(&env, &order_id))
            .unwrap_err();
        match error.kind() {
            ErrorKind::Unsigned(unsigned) => {
                assert_eq!(unsigned.code(), Some(expected));
                assert_eq!(unsigned.http_status(), 200);
            }
            other => panic!("expected an unsigned error, got {other:?}"),
        }
        assert_eq!(error.error_code(), Some(expected));
        assert!(error.may_have_been_sent());
        assert_eq!(error.outcome_unknown(), unknown, "{error:?}");
        if unknown {
            assert!(error.to_string().contains("do NOT resend"), "{error}");
        }
        assert_eq!(error.attempts(), 1);
        assert!(!payout_done(&env, &order_id));
    }
    assert_eq!(env.balance(), before);

    env.set_fault(
        BALANCE_PATH,
        Fault {
            unsigned_error: true,
            ..counted(2)
        },
    );
    let error = env.client.balance(Balance::new()).unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::CheckStatus));
    assert_eq!(error.attempts(), 1);
    assert_eq!(env.fault_uses_left(BALANCE_PATH), Some(1));
}

/// A merchant id the gateway does not know: the unsigned error 101; nothing done.
fn wrong_merchant_id(flavour: Flavour) {
    let env = Env::start(flavour);
    let client = env.client_with(|c| c.merchant_id("999999"));

    let error = client.balance(Balance::new()).unwrap_err();
    match error.kind() {
        ErrorKind::Unsigned(unsigned) => {
            assert_eq!(unsigned.code(), Some(ErrorCode::MerchantNotIdentified));
            assert_eq!(unsigned.description(), Some("Merchant not found"));
        }
        other => panic!("expected an unsigned error, got {other:?}"),
    }
    assert!(
        error.to_string().contains("check the merchant id"),
        "{error}"
    );

    let order_id = order("stranger-payout");
    let error = client.payout_to_card(payout(&env, &order_id)).unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::MerchantNotIdentified));
    assert!(matches!(error.kind(), ErrorKind::Unsigned(_)));
    assert!(!error.outcome_unknown());
    assert!(env.sandbox_payouts("stranger-payout").is_empty());
}

/// Wrong secrets, the sandbox answering 9998 signed with the merchant's real secret (its
/// default): the client cannot verify the answer, so it is `SignatureInvalid`, and a
/// money-moving call's outcome is unknown (the sandbox did nothing).
fn wrong_secret_answered_with_a_signed_9998(flavour: Flavour) {
    let env = Env::start(flavour);
    let client = env.client_with(|c| {
        c.secret_key("not-the-payment-secret")
            .payout_secret_key("not-the-payout-secret")
    });

    let error = client.balance(Balance::new()).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::SignatureInvalid { .. }),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 1);

    let order_id = order("bad-secret-payout");
    let error = client.payout_to_card(payout(&env, &order_id)).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::SignatureInvalid { .. }),
        "{error:?}"
    );
    assert_unknown_outcome(&error, &order_id);
    assert!(env.sandbox_payouts("bad-secret-payout").is_empty());

    let error = client
        .init_payment(InitPayment::new(
            order("bad-secret-order"),
            amount("10"),
            description("x"),
        ))
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::SignatureInvalid { .. }),
        "{error:?}"
    );
    assert!(error.outcome_unknown());
}

/// Wrong secrets, the sandbox answering 9998 unsigned: `Unsigned` 9998; the request was
/// refused, so the outcome is known.
fn wrong_secret_answered_with_an_unsigned_9998(flavour: Flavour) {
    let env = Env::start_with(flavour, |s| s.signed_signature_errors(false), |c| c);
    let client = env.client_with(|c| {
        c.secret_key("not-the-payment-secret")
            .payout_secret_key("not-the-payout-secret")
    });

    let error = client.balance(Balance::new()).unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::InvalidSignature));
    assert!(matches!(error.kind(), ErrorKind::Unsigned(_)), "{error:?}");
    assert!(error.to_string().contains("the secret"), "{error}");

    let order_id = order("bad-secret-payout");
    let error = client.payout_to_card(payout(&env, &order_id)).unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::InvalidSignature));
    assert!(!error.outcome_unknown());
    assert!(error.is_configuration());
    assert!(error.to_string().contains("payout secret"), "{error}");
    assert!(env.sandbox_payouts("bad-secret-payout").is_empty());

    // The right secrets still work against this sandbox.
    assert_eq!(
        env.client.balance(Balance::new()).unwrap().balance,
        amount("1000000")
    );
}

/// Nothing listens on the port: the request certainly never left (`NotSent`), so even a
/// payout is retried, and its outcome is known (nothing happened).
fn connection_refused(flavour: Flavour) {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let client = Client::new(flavour, client_config(&base).build().unwrap());
    let merchant_url = freedompay_core::Url::new("http://127.0.0.1:9/shop/payout_notify").unwrap();
    let order_id = order("refused-payout");

    let error = client
        .payout_to_card(PayoutToCard::new(
            order_id.clone(),
            amount("10"),
            card(cards::PAYOUT_SUCCESS),
            description("Payout, fault test"),
            merchant_url,
        ))
        .unwrap_err();
    let failure = transport(&error);
    assert_eq!(failure.kind(), TransportErrorKind::Connect);
    assert_eq!(failure.send_state(), SendState::NotSent);
    assert!(!error.may_have_been_sent());
    assert!(!error.outcome_unknown());
    assert_eq!(error.order_id(), Some(order_id.as_str()));
    assert_eq!(
        error.attempts(),
        3,
        "a request that never left may be sent again"
    );

    let error = client.balance(Balance::new()).unwrap_err();
    assert_eq!(transport(&error).send_state(), SendState::NotSent);
    assert!(!error.may_have_been_sent());
    assert_eq!(error.attempts(), 3);
}
