//! The async client in an axum app: a route that queries the payout balance, the result
//! callback FreedomPay calls after a payment, and the payout notification it posts to a
//! payout's `pg_post_link` (as `multipart/form-data`, as documented), each verified with the
//! typed notifications of `freedompay_async::notifications` and answered with their reply.
//!
//! ```text
//! FREEDOMPAY_BASE_URL=http://127.0.0.1:8080 FREEDOMPAY_MERCHANT_ID=123456 \
//! FREEDOMPAY_SECRET=payment-secret FREEDOMPAY_PAYOUT_SECRET=payout-secret \
//!     cargo run -p freedompay-async --example async_axum_app
//! curl http://127.0.0.1:3000/balance
//! ```
//!
//! At start it prints `curl` commands that post a correctly signed result callback and
//! payout notification, as FreedomPay would.

use std::env;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use freedompay_async::notifications::{
    CallbackRequest, NotificationError, PayoutNotification, ReplyBody, ResultNotification,
};
use freedompay_async::payout::Balance;
use freedompay_async::{AsyncClient, Config, SecretKind};

/// The result callback's address as FreedomPay sees it (`pg_result_url`): its last path
/// segment, `result`, is the script name the callback is signed with.
const RESULT_PATH: &str = "/freedompay/result";
/// The payouts' `pg_post_link`: script name `payout-notify`.
const PAYOUT_PATH: &str = "/freedompay/payout-notify";

#[derive(Clone)]
struct App {
    client: AsyncClient,
    /// The secrets that verify callbacks (and sign their replies).
    config: Config,
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
    let app = App {
        client: AsyncClient::new(config.clone())?,
        config,
    };

    let address = setting("LISTEN", "127.0.0.1:3000");
    print_sample_callbacks(&address, &app.config);
    let router = Router::new()
        .route("/balance", get(balance))
        // FreedomPay calls with GET or POST, as set in the merchant's cabinet.
        .route(RESULT_PATH, get(result_callback).post(result_callback))
        .route(PAYOUT_PATH, post(payout_notification))
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

/// What FreedomPay sent: the URL it called (its path is enough: the script name is the last
/// segment), the raw query, the `Content-Type` and the raw body.
fn callback_request<'a>(
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
) -> CallbackRequest<'a> {
    let request = CallbackRequest::new(uri.path(), uri.query().unwrap_or(""), body);
    match headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(content_type) => request.content_type(content_type),
        None => request,
    }
}

/// A verification failure: not from FreedomPay (or not for these secrets), or authentic
/// but unusable; either way nothing is recorded, and the error text holds no secret.
fn refused(error: &NotificationError) -> Response {
    (StatusCode::BAD_REQUEST, format!("{error}\n")).into_response()
}

fn reply(reply: ReplyBody) -> Response {
    (
        [(header::CONTENT_TYPE, reply.content_type())],
        reply.into_body(),
    )
        .into_response()
}

/// The result callback: verify, act once per order, answer with a signed `ok`.
async fn result_callback(
    State(app): State<App>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = callback_request(&uri, &headers, &body);
    let result = match ResultNotification::verify_request(request, &app.config) {
        Ok(result) => result,
        Err(error) => return refused(&error),
    };
    // Record the outcome in your database here, idempotently: FreedomPay may call again.
    let order = result.order_id.as_deref().unwrap_or("?");
    let outcome = if result.is_success() {
        "paid"
    } else {
        "not paid"
    };
    eprintln!("order {order}: {outcome} ({})", result.amount);
    reply(result.reply_ok_with("Order accepted", &app.config))
}

/// The payout notification (checked with the payout secret): record it, answer the
/// documented `<pg_status>ok</pg_status>`.
async fn payout_notification(
    State(app): State<App>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = callback_request(&uri, &headers, &body);
    let notification = match PayoutNotification::verify_request(request, &app.config) {
        Ok(notification) => notification,
        Err(error) => return refused(&error),
    };
    let order = notification.order_id.as_deref().unwrap_or("?");
    let status = notification.status.as_ref().map_or("?", |s| s.as_str());
    eprintln!("payout {order}: {status}");
    reply(notification.reply())
}

/// Prints `curl` commands posting a result callback and a payout notification signed as
/// FreedomPay would.
fn print_sample_callbacks(address: &str, config: &Config) {
    use freedompay_async::notifications::testing::{signed_form, signed_multipart};

    let url = format!("http://{address}{RESULT_PATH}");
    let body = signed_form(
        &url,
        &[
            ("pg_order_id", "order-42"),
            ("pg_payment_id", "123456789"),
            ("pg_amount", "1500.50"),
            ("pg_result", "1"),
            ("pg_salt", "sampleSalt1"),
        ],
        config.secret(SecretKind::Payment),
    );
    eprintln!(
        "try: curl -s -X POST {url} -H 'Content-Type: application/x-www-form-urlencoded' --data '{}'",
        String::from_utf8_lossy(&body)
    );

    let url = format!("http://{address}{PAYOUT_PATH}");
    let boundary = "sampleBoundary42";
    let body = signed_multipart(
        &url,
        &[
            ("pg_payment_id", "98728768"),
            ("pg_order_id", "payout-42"),
            ("pg_status", "ok"),
            ("pg_payment_amount", "1500.50"),
            ("pg_merchant_id", config.merchant_id()),
            ("pg_salt", "sampleSalt2"),
        ],
        config.secret(config.payout_notification_secret()),
        boundary,
    );
    eprintln!(
        "try: printf '%b' '{}' | curl -s -X POST {url} -H 'Content-Type: multipart/form-data; boundary={boundary}' --data-binary @-",
        String::from_utf8_lossy(&body).replace("\r\n", "\\r\\n")
    );
}
