//! The `Exchange` state machine over closure transports: verification, error mapping, and
//! the retry rules that keep a payout from being sent twice.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use freedompay_core::payout::{Balance, PayoutToCard};
use freedompay_core::{
    Amount, CardNumber, Config, Description, Error, ErrorCode, ErrorKind, Exchange, Operation,
    OrderId, RetryPolicy, Step, Url,
};
use freedompay_sign::{Fields, SIG_FIELD, Salt, ScriptName, SecretKey, sign};
use freedompay_transport::{
    HttpRequest, HttpResponse, SendState, Transport, TransportError, TransportErrorKind,
    blocking_fn,
};

const PAYOUT_SECRET: &str = "PAYOUT_SECRET";

fn config() -> Config {
    Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_key(PAYOUT_SECRET)
        .base_url("https://gateway.test")
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        })
        .build()
        .unwrap()
}

fn payout() -> PayoutToCard {
    PayoutToCard::new(
        OrderId::new("payout-42").unwrap(),
        Amount::parse("1500.50").unwrap(),
        CardNumber::parse("4671593866478252").unwrap(),
        Description::new("Reward").unwrap(),
        Url::new("https://shop.kz/freedompay/payout-notify").unwrap(),
    )
}

/// A reply signed as the gateway signs it.
fn signed(script: &str, secret: &str, pairs: &[(&str, &str)]) -> HttpResponse {
    let mut fields: Fields = pairs.iter().map(|(n, v)| (*n, *v)).collect();
    let sig = sign(
        &ScriptName::new(script).unwrap(),
        &fields,
        &SecretKey::new(secret).unwrap(),
    )
    .unwrap();
    fields.push(SIG_FIELD, sig.as_str());
    HttpResponse::new(200, freedompay_xml::write(&fields).unwrap().into_bytes())
}

fn balance_ok() -> HttpResponse {
    signed(
        "balance_status",
        PAYOUT_SECRET,
        &[
            ("pg_status", "ok"),
            ("pg_balance", "2500.00"),
            ("pg_salt", "r1"),
        ],
    )
}

fn payout_ok() -> HttpResponse {
    signed(
        "p2p2nonreg",
        PAYOUT_SECRET,
        &[
            ("pg_status", "ok"),
            ("pg_payment_id", "777"),
            ("pg_order_id", "payout-42"),
            ("pg_salt", "r2"),
        ],
    )
}

fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a blocking closure transport completes on the first poll"),
    }
}

/// What the driver saw: every request sent and every wait.
#[derive(Default)]
struct Log {
    sent: Vec<HttpRequest>,
    waits: Vec<Duration>,
}

/// The few-line driver every client is: next, send, handle.
fn run<O: Operation>(op: O, transport: &impl Transport) -> (Result<O::Output, Error>, Log) {
    let config = config();
    let mut exchange = Exchange::new(&config, op, Salt::new("s4lt").unwrap());
    let mut log = Log::default();
    loop {
        match exchange.next() {
            Step::Send(request) => {
                log.sent.push(request.clone());
                exchange.handle(poll_once(transport.send(request)));
            }
            Step::Wait(delay) => log.waits.push(delay),
            Step::Done(result) => return (result, log),
        }
    }
}

/// A transport answering from a script, one outcome per request.
fn scripted(outcomes: Vec<Result<HttpResponse, TransportError>>) -> impl Transport {
    let outcomes = std::sync::Mutex::new(RefCell::new(outcomes.into_iter()));
    blocking_fn(move |_request: HttpRequest| {
        outcomes
            .lock()
            .unwrap()
            .borrow_mut()
            .next()
            .expect("no more scripted outcomes: a request too many was sent")
    })
}

fn maybe_sent_timeout() -> TransportError {
    TransportError::new(TransportErrorKind::Timeout, SendState::MaybeSent)
}

fn refused() -> TransportError {
    TransportError::connect(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
}

#[test]
fn success_is_verified_and_typed() {
    let (result, log) = run(Balance::new(), &scripted(vec![Ok(balance_ok())]));
    assert_eq!(
        result.unwrap().balance,
        Amount::from_gateway("2500").unwrap()
    );
    assert_eq!(log.sent.len(), 1);
    assert_eq!(log.sent[0].url(), "https://gateway.test/api/balance_status");
}

#[test]
fn a_wrong_signature_is_refused_and_a_payout_outcome_is_unknown() {
    let forged = signed(
        "p2p2nonreg",
        "WRONG",
        &[
            ("pg_status", "ok"),
            ("pg_payment_id", "777"),
            ("pg_salt", "r"),
        ],
    );
    let (result, log) = run(payout(), &scripted(vec![Ok(forged)]));
    let error = result.unwrap_err();
    assert!(matches!(
        error.kind(),
        ErrorKind::SignatureInvalid { http_status: 200 }
    ));
    assert!(error.outcome_unknown());
    assert_eq!(log.sent.len(), 1);

    // Signed with the payment secret instead of the payout secret: just as wrong.
    let other_secret = signed(
        "balance_status",
        "PAYMENT_SECRET",
        &[("pg_status", "ok"), ("pg_balance", "1"), ("pg_salt", "r")],
    );
    let (result, log) = run(Balance::new(), &scripted(vec![Ok(other_secret)]));
    assert!(matches!(
        result.unwrap_err().kind(),
        ErrorKind::SignatureInvalid { .. }
    ));
    assert_eq!(log.sent.len(), 1, "a bad signature is not retried");
}

#[test]
fn an_unsigned_error_is_its_own_kind_and_is_definitive() {
    let body = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><response><pg_status>error</pg_status>\
                 <pg_error_code>101</pg_error_code><pg_error_description>Empty merchant</pg_error_description></response>";
    let (result, log) = run(
        payout(),
        &scripted(vec![Ok(HttpResponse::new(200, body.to_vec()))]),
    );
    let error = result.unwrap_err();
    match error.kind() {
        ErrorKind::Unsigned(e) => {
            assert_eq!(e.code(), Some(ErrorCode::MerchantNotIdentified));
            assert_eq!(e.description(), Some("Empty merchant"));
        }
        other => panic!("expected Unsigned, got {other:?}"),
    }
    assert!(error.may_have_been_sent());
    assert!(
        !error.outcome_unknown(),
        "an unsigned 101 means the gateway refused it"
    );
    assert_eq!(error.error_code(), Some(ErrorCode::MerchantNotIdentified));
    assert_eq!(log.sent.len(), 1);
}

#[test]
fn a_signed_error_is_a_gateway_error() {
    let reply = signed(
        "p2p2nonreg",
        PAYOUT_SECRET,
        &[
            ("pg_status", "error"),
            ("pg_error_code", "10001"),
            ("pg_error_description", "Payout refused"),
            ("pg_salt", "r"),
        ],
    );
    let (result, log) = run(payout(), &scripted(vec![Ok(reply)]));
    let error = result.unwrap_err();
    match error.kind() {
        ErrorKind::Gateway(e) => {
            assert_eq!(e.code(), Some(ErrorCode::PayoutDeclined10001));
            assert_eq!(e.description(), Some("Payout refused"));
        }
        other => panic!("expected Gateway, got {other:?}"),
    }
    assert!(!error.outcome_unknown());
    assert_eq!(log.sent.len(), 1);
}

#[test]
fn error_9999_on_a_payout_means_the_outcome_is_unknown() {
    let reply = signed(
        "p2p2nonreg",
        PAYOUT_SECRET,
        &[
            ("pg_status", "error"),
            ("pg_error_code", "9999"),
            ("pg_salt", "r"),
        ],
    );
    let (result, _) = run(payout(), &scripted(vec![Ok(reply)]));
    assert!(result.unwrap_err().outcome_unknown());
}

#[test]
fn an_html_502_page_is_an_http_status_error_and_a_query_retries_it() {
    let page = || {
        Ok(HttpResponse::new(
            502,
            b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
        ))
    };
    let (result, log) = run(Balance::new(), &scripted(vec![page(), page(), page()]));
    let error = result.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::HttpStatus(502)),
        "{error:?}"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(
        log.waits,
        [Duration::from_millis(250), Duration::from_millis(500)]
    );

    let (result, log) = run(Balance::new(), &scripted(vec![page(), Ok(balance_ok())]));
    assert!(result.is_ok());
    assert_eq!(log.sent.len(), 2);
}

#[test]
fn an_html_page_with_status_200_is_malformed() {
    let page = HttpResponse::new(
        200,
        b"<!DOCTYPE html><html><head><title>Maintenance</title></head></html>".to_vec(),
    );
    let (result, _) = run(payout(), &scripted(vec![Ok(page)]));
    let error = result.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Malformed(m) if m.reason().contains("HTML")),
        "{error:?}"
    );
    assert!(error.outcome_unknown());
}

#[test]
fn a_truncated_reply_is_malformed_and_never_panics() {
    let full = String::from_utf8(payout_ok().into_body()).unwrap();
    for cut in [0, 1, 10, full.len() / 2, full.len() - 3] {
        let truncated = HttpResponse::new(200, full.as_bytes()[..cut].to_vec());
        let (result, log) = run(payout(), &scripted(vec![Ok(truncated)]));
        let error = result.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Malformed(_)),
            "cut {cut}: {error:?}"
        );
        assert_eq!(log.sent.len(), 1, "a payout is never resent");
    }
}

#[test]
fn a_timeout_before_sending_is_retried_even_for_a_payout() {
    let (result, log) = run(payout(), &scripted(vec![Err(refused()), Ok(payout_ok())]));
    assert_eq!(result.unwrap().payment_id.get(), 777);
    assert_eq!(log.sent.len(), 2);
    assert_eq!(
        log.sent[0].body(),
        log.sent[1].body(),
        "the same signed bytes"
    );
}

#[test]
fn a_payout_is_never_retried_after_it_may_have_been_sent() {
    let (result, log) = run(payout(), &scripted(vec![Err(maybe_sent_timeout())]));
    let error = result.unwrap_err();
    assert_eq!(log.sent.len(), 1, "sent once, never again");
    assert!(log.waits.is_empty());
    assert!(error.may_have_been_sent());
    assert!(error.outcome_unknown());
    assert_eq!(error.order_id(), Some("payout-42"));
    assert_eq!(error.operation(), "payout_to_card");
    let message = error.to_string();
    assert!(message.contains("UNKNOWN"), "{message}");
    assert!(message.contains("payout-42"), "{message}");
    assert!(!message.contains("4671593866478252"), "{message}");
    assert!(!format!("{error:?}").contains("4671593866478252"));
}

#[test]
fn a_status_query_is_retried_and_succeeds() {
    let (result, log) = run(
        Balance::new(),
        &scripted(vec![Err(maybe_sent_timeout()), Ok(balance_ok())]),
    );
    assert!(result.is_ok());
    assert_eq!(log.sent.len(), 2);
    assert_eq!(log.waits, [Duration::from_millis(250)]);
}

#[test]
fn a_query_that_keeps_failing_stops_at_the_retry_limit() {
    let (result, log) = run(
        Balance::new(),
        &scripted(vec![
            Err(maybe_sent_timeout()),
            Err(refused()),
            Err(maybe_sent_timeout()),
        ]),
    );
    let error = result.unwrap_err();
    assert_eq!(log.sent.len(), 3);
    assert_eq!(error.attempts(), 3);
    assert!(!error.outcome_unknown(), "a query moves no money");
    assert!(
        matches!(error.kind(), ErrorKind::Transport(e) if e.kind() == TransportErrorKind::Timeout)
    );
}

#[test]
fn refused_input_ends_the_exchange_before_anything_is_sent() {
    // An ambiguous pair of custom names cannot be signed reliably.
    struct Ambiguous;
    impl Operation for Ambiguous {
        type Output = ();
        const NAME: &'static str = "ambiguous";
        const PATH: &'static str = "/api/balance_status";
        const MOVES_MONEY: bool = true;
        fn secret(&self, _: &Config) -> freedompay_core::SecretKind {
            freedompay_core::SecretKind::Payout
        }
        fn write_fields(&self, fields: &mut Fields) -> Result<(), freedompay_core::InvalidInput> {
            fields.push("key", "a").push("key1", "b");
            Ok(())
        }
        fn read(
            &self,
            _: &freedompay_core::Response<'_>,
        ) -> Result<(), freedompay_core::ReadError> {
            Ok(())
        }
    }
    let (result, log) = run(Ambiguous, &scripted(vec![]));
    let error = result.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::InvalidInput(_)));
    assert!(!error.may_have_been_sent());
    assert!(!error.outcome_unknown());
    assert!(log.sent.is_empty());
}

#[test]
fn a_lost_answer_is_never_sent_twice() {
    let config = config();
    let mut exchange = Exchange::new(&config, payout(), Salt::new("s4lt").unwrap());
    assert!(matches!(exchange.next(), Step::Send(_)));
    // The driver asks again without handing back the outcome.
    match exchange.next() {
        Step::Done(Err(error)) => {
            assert!(error.outcome_unknown());
            assert_eq!(error.order_id(), Some("payout-42"));
        }
        other => panic!("expected Done(Err), got {other:?}"),
    }
    assert!(matches!(exchange.next(), Step::Done(Err(_))));
    assert_eq!(exchange.attempts(), 1);
}

/// A fixture of `tests/fixtures/exchange/`, as a 200 reply.
fn fixture_reply(name: &str) -> HttpResponse {
    HttpResponse::new(200, fixture(name))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/exchange/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Issue 12: an unsigned 9999 proves nothing; the code, the flag and the message agree, and
/// the message names the status query and the order id.
#[test]
fn an_unsigned_9999_on_a_payout_is_an_unknown_outcome() {
    let (result, log) = run(
        payout(),
        &scripted(vec![Ok(fixture_reply("unsigned_9999.xml"))]),
    );
    let error = result.unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::CheckStatus));
    assert!(error.outcome_unknown());
    let message = error.to_string();
    assert!(message.contains("UNKNOWN"), "{message}");
    assert!(message.contains("do NOT resend"), "{message}");
    assert!(message.contains("payout-42"), "{message}");
    assert!(message.contains("PayoutStatusByOrder"), "{message}");
    assert_eq!(log.sent.len(), 1);
}

/// An unsigned error with a code that does not prove a refusal is unknown on a payout.
#[test]
fn an_unsigned_decline_on_a_payout_is_an_unknown_outcome() {
    let (result, _) = run(
        payout(),
        &scripted(vec![Ok(fixture_reply("unsigned_other.xml"))]),
    );
    let error = result.unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::PayoutDeclined10001));
    assert!(error.outcome_unknown(), "unauthenticated: proves nothing");
}

/// A 5xx page after the request may have left is unknown for a payout, and says what to do.
#[test]
fn a_5xx_page_on_a_payout_is_an_unknown_outcome() {
    let (result, log) = run(
        payout(),
        &scripted(vec![Ok(HttpResponse::new(503, fixture("html_503.html")))]),
    );
    let error = result.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::HttpStatus(503)));
    assert!(error.outcome_unknown());
    assert_eq!(error.error_code(), None);
    assert!(error.to_string().contains("payout-42"));
    assert_eq!(log.sent.len(), 1, "never resent");
}

/// 9998 (signed or not) proves nothing moved: a configuration error that says to check the
/// payout secret.
#[test]
fn a_9998_reply_is_a_configuration_error_naming_the_payout_secret() {
    let (result, _) = run(
        payout(),
        &scripted(vec![Ok(fixture_reply("unsigned_9998.xml"))]),
    );
    let error = result.unwrap_err();
    assert_eq!(error.error_code(), Some(ErrorCode::InvalidSignature));
    assert!(!error.outcome_unknown());
    assert!(error.is_configuration());
    let message = error.to_string();
    assert!(message.contains("payout secret"), "{message}");
    assert!(!message.contains("UNKNOWN"), "{message}");

    let signed_9998 = signed(
        "p2p2nonreg",
        PAYOUT_SECRET,
        &[
            ("pg_status", "error"),
            ("pg_error_code", "9998"),
            ("pg_salt", "r"),
        ],
    );
    let (result, _) = run(payout(), &scripted(vec![Ok(signed_9998)]));
    let error = result.unwrap_err();
    assert!(error.is_configuration() && !error.outcome_unknown());
}

/// 4004 is documented unsigned: a refused refund, not an unknown outcome.
#[test]
fn error_4004_is_known_and_final() {
    assert_eq!(
        ErrorCode::from_code(4004),
        ErrorCode::RefundAlreadyInitiated
    );
    assert_eq!(
        ErrorCode::RefundAlreadyInitiated.class(),
        freedompay_core::ErrorClass::Final
    );
    let (result, _) = run(
        payout(),
        &scripted(vec![Ok(fixture_reply("unsigned_4004.xml"))]),
    );
    assert!(!result.unwrap_err().outcome_unknown());
}

/// A reply whose signature does not verify on a payout stays unknown, and the message says
/// the secret may be wrong.
#[test]
fn a_mismatched_signature_on_a_payout_says_the_secret_may_be_wrong() {
    let forged = signed(
        "p2p2nonreg",
        "PAYMENT_SECRET",
        &[
            ("pg_status", "ok"),
            ("pg_payment_id", "7"),
            ("pg_salt", "r"),
        ],
    );
    let (result, _) = run(payout(), &scripted(vec![Ok(forged)]));
    let error = result.unwrap_err();
    assert!(error.outcome_unknown());
    let message = error.to_string();
    assert!(message.contains("payout secret"), "{message}");
    assert!(message.contains("UNKNOWN"), "{message}");
}

/// A config without a payout secret refuses payout calls before anything is sent.
#[test]
fn a_payout_without_a_payout_secret_is_refused_before_sending() {
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .build()
        .unwrap();
    let mut exchange = Exchange::new(&config, payout(), Salt::new("s4lt").unwrap());
    match exchange.next() {
        Step::Done(Err(error)) => {
            assert!(!error.may_have_been_sent());
            assert!(!error.outcome_unknown());
            assert!(error.is_configuration());
            assert!(error.to_string().contains("payout_secret"), "{error}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(exchange.attempts(), 0);
    let same = Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .payout_secret_same_as_payment()
        .build()
        .unwrap();
    let mut exchange = Exchange::new(&same, payout(), Salt::new("s4lt").unwrap());
    assert!(matches!(exchange.next(), Step::Send(_)));
}

/// Issue 13: `next()` after the end keeps the facts of the real outcome.
#[test]
fn next_after_done_stays_truthful() {
    let config = config();
    let mut exchange = Exchange::new(&config, payout(), Salt::new("s4lt").unwrap());
    let Step::Send(_) = exchange.next() else {
        panic!("expected a request")
    };
    exchange.handle(Err(maybe_sent_timeout()));
    let Step::Done(Err(first)) = exchange.next() else {
        panic!("expected the error")
    };
    assert!(first.outcome_unknown());
    for _ in 0..2 {
        match exchange.next() {
            Step::Done(Err(again)) => {
                assert!(matches!(again.kind(), ErrorKind::AlreadyDone { .. }));
                assert!(again.may_have_been_sent(), "a sent payout stays sent");
                assert!(again.outcome_unknown());
            }
            other => panic!("expected Done(Err), got {other:?}"),
        }
    }

    // A payout that succeeded: asked again, it is not "nothing was sent" either.
    let mut exchange = Exchange::new(&config, payout(), Salt::new("s4lt").unwrap());
    let Step::Send(_) = exchange.next() else {
        panic!("expected a request")
    };
    exchange.handle(Ok(payout_ok()));
    assert!(matches!(exchange.next(), Step::Done(Ok(_))));
    let Step::Done(Err(again)) = exchange.next() else {
        panic!("expected Done(Err)")
    };
    assert!(again.may_have_been_sent());
    assert!(again.outcome_unknown());

    // Refused input: still nothing sent.
    let unset = Config::builder()
        .merchant_id("123456")
        .secret_key("PAYMENT_SECRET")
        .build()
        .unwrap();
    let mut exchange = Exchange::new(&unset, payout(), Salt::new("s4lt").unwrap());
    assert!(matches!(exchange.next(), Step::Done(Err(_))));
    let Step::Done(Err(again)) = exchange.next() else {
        panic!("expected Done(Err)")
    };
    assert!(!again.may_have_been_sent());
}

/// Issue 13: a retry hands out the same body buffer, not a copy.
#[test]
fn a_retry_shares_the_body_buffer() {
    let (result, log) = run(
        Balance::new(),
        &scripted(vec![Err(maybe_sent_timeout()), Ok(balance_ok())]),
    );
    assert!(result.is_ok());
    assert_eq!(log.sent.len(), 2);
    assert_eq!(log.sent[0].body(), log.sent[1].body());
    assert_eq!(
        log.sent[0].body().as_ptr(),
        log.sent[1].body().as_ptr(),
        "one buffer for every attempt"
    );
}

/// Issue 13: a verified reply missing a field keeps the `ReadError` as a typed source.
#[test]
fn a_missing_field_is_a_typed_source() {
    let reply = signed(
        "balance_status",
        PAYOUT_SECRET,
        &[("pg_status", "ok"), ("pg_salt", "r")],
    );
    let (result, _) = run(
        Balance::new(),
        &scripted(vec![Ok(reply.clone()), Ok(reply.clone()), Ok(reply)]),
    );
    let error = result.unwrap_err();
    let ErrorKind::Malformed(malformed) = error.kind() else {
        panic!("expected Malformed, got {error:?}")
    };
    let read = malformed.read_error().expect("a typed read error");
    assert_eq!(read.field(), "pg_balance");
    assert!(read.is_missing());
    let source = std::error::Error::source(&error).expect("a source");
    assert!(
        source
            .downcast_ref::<freedompay_core::ReadError>()
            .is_some()
    );
}
