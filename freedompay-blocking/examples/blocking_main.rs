//! The blocking client in a plain `main`: the payout balance, then one card payout, with the
//! decisions a payout system takes after a failure.
//!
//! Against the sandbox (or any FreedomPay-compatible URL):
//!
//! ```text
//! FREEDOMPAY_BASE_URL=http://127.0.0.1:8080 FREEDOMPAY_MERCHANT_ID=123456 \
//! FREEDOMPAY_SECRET=payment-secret FREEDOMPAY_PAYOUT_SECRET=payout-secret \
//!     cargo run -p freedompay-blocking --example blocking_main -- payout-42
//! ```

use std::env;
use std::time::Duration;

use freedompay_blocking::payout::{Balance, PayoutToCard};
use freedompay_blocking::{Amount, BlockingClient, CardNumber, Config, Description, OrderId, Url};

fn setting(name: &str, default: &str) -> String {
    env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::builder()
        .merchant_id(setting("FREEDOMPAY_MERCHANT_ID", "123456"))
        .secret_key(setting("FREEDOMPAY_SECRET", "TESTSECRET"))
        .payout_secret_key(setting("FREEDOMPAY_PAYOUT_SECRET", "TESTSECRET"))
        .base_url(setting("FREEDOMPAY_BASE_URL", "http://127.0.0.1:8080"))
        .timeout(Duration::from_secs(30))
        .build()?;
    let client = BlockingClient::new(config);

    match client.balance(Balance::new()) {
        Ok(info) => println!("payout balance: {}", info.balance),
        Err(error) => println!("balance query failed: {error}"),
    }

    let order_id = env::args()
        .nth(1)
        .unwrap_or_else(|| "payout-example-1".to_owned());
    let payout = PayoutToCard::new(
        OrderId::new(order_id)?,
        Amount::parse("1500.50")?,
        // FreedomPay's documented payout test card that succeeds.
        CardNumber::parse("4671593866478252")?,
        Description::new("Reward, November")?,
        Url::new("https://shop.example/freedompay/payout-notify")?,
    );
    match client.payout_to_card(payout) {
        Ok(result) => println!(
            "payout {}: status {:?} (FreedomPay id {})",
            result.order_id.as_deref().unwrap_or("?"),
            result.status,
            result.payment_id.get()
        ),
        // Money may have moved: never send it again blindly; reconcile first.
        Err(error) if error.outcome_unknown() => println!(
            "payout outcome UNKNOWN for order {}: check it with a payout status query before \
             trying again ({error})",
            error.order_id().unwrap_or("?")
        ),
        // Certainly not sent (refused input, connection refused): safe to try again later.
        Err(error) if !error.may_have_been_sent() => {
            println!("payout not sent, safe to retry: {error}")
        }
        // The gateway answered: a refusal with its code, or an unreadable reply.
        Err(error) => println!("payout failed: {error}"),
    }
    Ok(())
}
