//! The async client in an axum app: a route that queries the payout balance, and the result
//! callback FreedomPay calls after a payment, verified and answered with a signed reply.
//!
//! ```text
//! FREEDOMPAY_BASE_URL=http://127.0.0.1:8080 FREEDOMPAY_MERCHANT_ID=123456 \
//! FREEDOMPAY_SECRET=payment-secret FREEDOMPAY_PAYOUT_SECRET=payout-secret \
//!     cargo run -p freedompay-async --example async_axum_app
//! curl http://127.0.0.1:3000/balance
//! ```
//!
//! At start it prints a `curl` command that posts a correctly signed result callback, as
//! FreedomPay would.

use std::env;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use freedompay_async::callback::{CallbackReply, VerifiedCallback};
use freedompay_async::payout::Balance;
use freedompay_async::{AsyncClient, Config, SecretKey, SecretKind};

/// The callback's address as FreedomPay sees it (`pg_result_url`): its last path segment,
/// `result`, is the script name the callback is signed with.
const RESULT_PATH: &str = "/freedompay/result";

#[derive(Clone)]
struct App {
    client: AsyncClient,
    /// The payment secret: it signs pay-in callbacks and their replies.
    payment_secret: SecretKey,
}

fn setting(name: &str, default: &str) -> String {
    env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::builder()
        .merchant_id(setting("FREEDOMPAY_MERCHANT_ID", "123456"))
        .secret_key(setting("FREEDOMPAY_SECRET", "TESTSECRET"))
        .payout_secret_key(setting("FREEDOMPAY_PAYOUT_SECRET", "TESTSECRET"))
        .base_url(setting("FREEDOMPAY_BASE_URL", "http://127.0.0.1:8080"))
        .build()?;
    let payment_secret = config.secret(SecretKind::Payment).clone();
    let app = App {
        client: AsyncClient::new(config)?,
        payment_secret,
    };

    let address = setting("LISTEN", "127.0.0.1:3000");
    print_sample_callback(&address, &app.payment_secret);
    let router = Router::new()
        .route("/balance", get(balance))
        // FreedomPay calls with GET or POST, as set in the merchant's cabinet.
        .route(RESULT_PATH, get(result_callback).post(result_callback))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(&address).await?;
    eprintln!("listening on http://{address}");
    axum::serve(listener, router).await?;
    Ok(())
}

async fn balance(State(app): State<App>) -> Response {
    match app.client.balance(Balance::new()).await {
        Ok(info) => format!("payout balance: {}\n", info.balance).into_response(),
        // The error's text has no secret, card number or body in it: fine for a log.
        Err(error) => (StatusCode::BAD_GATEWAY, format!("{error}\n")).into_response(),
    }
}

/// The result callback: verify, act once per order, answer with a signed `ok`.
async fn result_callback(State(app): State<App>, uri: Uri, body: Bytes) -> Response {
    let query = uri.query().unwrap_or("");
    let callback =
        match VerifiedCallback::from_request(uri.path(), query, &body, &app.payment_secret) {
            Ok(callback) => callback,
            // Not from FreedomPay (or not for this secret): nothing in it is trusted.
            Err(error) => return (StatusCode::BAD_REQUEST, format!("{error}\n")).into_response(),
        };
    let order = callback.fields().text("pg_order_id").unwrap_or("?");
    let paid = callback.fields().text("pg_result") == Some("1");
    // Record the outcome in your database here, idempotently: FreedomPay may call again.
    eprintln!("order {order}: {}", if paid { "paid" } else { "not paid" });

    match CallbackReply::ok()
        .description("Order accepted")
        .sign(&callback, &app.payment_secret)
    {
        Ok(reply) => (
            [(header::CONTENT_TYPE, reply.content_type())],
            reply.into_body(),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Prints a `curl` command posting a result callback signed as FreedomPay would.
fn print_sample_callback(address: &str, secret: &SecretKey) {
    let url = format!("http://{address}{RESULT_PATH}");
    let body = freedompay_async::callback::testing::signed_form(
        &url,
        &[
            ("pg_order_id", "order-42"),
            ("pg_payment_id", "123456789"),
            ("pg_amount", "1500.50"),
            ("pg_result", "1"),
            ("pg_salt", "sampleSalt1"),
        ],
        secret,
    );
    eprintln!(
        "try: curl -s -X POST {url} -H 'Content-Type: application/x-www-form-urlencoded' --data '{}'",
        String::from_utf8_lossy(&body)
    );
}
