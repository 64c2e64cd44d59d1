//! The `freedompay-sandbox` binary: a local FreedomPay gateway on loopback.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use freedompay_sandbox::{
    ClockMode, RetrySchedule, Sandbox, SandboxConfig, SecretChoice, parse_minor_units,
};
use freedompay_sign::SecretKey;

/// A local FreedomPay (ex-PayBox.money) merchant API: signed XML, payments, payouts, test
/// cards, callbacks, faults. Prints its base URL on stdout and logs one line per request to
/// stderr.
#[derive(Debug, Parser)]
#[command(name = "freedompay-sandbox", version)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The merchant id (pg_merchant_id).
    #[arg(long)]
    merchant_id: String,
    /// The payment secret (or set FREEDOMPAY_SANDBOX_SECRET_KEY).
    #[arg(long)]
    secret_key: Option<String>,
    /// The payout secret (default: the payment secret; or set FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY).
    #[arg(long)]
    payout_secret_key: Option<String>,
    /// The merchant balance at start.
    #[arg(long, default_value = "1000000.00")]
    starting_balance: String,
    /// Time between callback attempts, in milliseconds (the gateway: 30 minutes).
    #[arg(long, default_value_t = 1_800_000)]
    callback_retry_interval_ms: u64,
    /// Callback attempts after the first one (the gateway: 4, for 2 hours).
    #[arg(long, default_value_t = 4)]
    callback_retries: u32,
    /// Every N-th signed reply carries an unknown element (0: never).
    #[arg(long, default_value_t = 5)]
    unknown_element_every: u64,
    /// Seconds of sandbox time a payout stays in `process`.
    #[arg(long, default_value_t = 60)]
    payout_process_delay_secs: u64,
    /// The secret of cardstoragepayout/add and its callback: payment or payout.
    #[arg(long, default_value = "payment")]
    cardstoragepayout_secret: String,
    /// Answer bad signatures (9998) unsigned instead of signed.
    #[arg(long)]
    unsigned_signature_errors: bool,
    /// Start sandbox time at this Unix time and move it only by /_sandbox/advance.
    #[arg(long)]
    fixed_clock: Option<i64>,
    /// Post payout notifications as an urlencoded form instead of multipart/form-data (the
    /// documented form).
    #[arg(long)]
    payout_notify_urlencoded: bool,
    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
}

fn secret(flag: Option<String>, env: &str) -> Option<String> {
    flag.or_else(|| std::env::var(env).ok())
        .filter(|s| !s.is_empty())
}

fn config(args: Args) -> Result<(SandboxConfig, SocketAddr), String> {
    let key = secret(args.secret_key, "FREEDOMPAY_SANDBOX_SECRET_KEY")
        .ok_or("give --secret-key (or FREEDOMPAY_SANDBOX_SECRET_KEY)")?;
    let key = SecretKey::new(key).map_err(|e| format!("--secret-key: {e}"))?;
    let balance = parse_minor_units(&args.starting_balance)
        .ok_or("--starting-balance: a decimal amount such as 1000000.00")?;
    let storage_secret = match args.cardstoragepayout_secret.as_str() {
        "payment" => SecretChoice::Payment,
        "payout" => SecretChoice::Payout,
        _ => return Err("--cardstoragepayout-secret: payment or payout".into()),
    };
    let mut config = SandboxConfig::new(args.merchant_id, key)
        .starting_balance_minor(balance)
        .callback_retry(RetrySchedule {
            interval: Duration::from_millis(args.callback_retry_interval_ms),
            retries: args.callback_retries,
        })
        .unknown_element_every(args.unknown_element_every)
        .payout_process_delay(Duration::from_secs(args.payout_process_delay_secs))
        .cardstoragepayout_secret(storage_secret)
        .signed_signature_errors(!args.unsigned_signature_errors)
        .payout_notify_multipart(!args.payout_notify_urlencoded)
        .log_requests(!args.quiet);
    if let Some(payout) = secret(
        args.payout_secret_key,
        "FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY",
    ) {
        config = config.payout_secret_key(
            SecretKey::new(payout).map_err(|e| format!("--payout-secret-key: {e}"))?,
        );
    }
    if let Some(start) = args.fixed_clock {
        config = config.clock(ClockMode::Fixed(start));
    }
    Ok((config, args.addr))
}

fn main() -> ExitCode {
    let (config, addr) = match config(Args::parse()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("freedompay-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("freedompay-sandbox: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let merchant = config.merchant_id().to_owned();
        let sandbox = match Sandbox::start(config, addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("freedompay-sandbox: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("{}", sandbox.base_url());
        eprintln!(
            "freedompay-sandbox: merchant {merchant} at {} (control API: {}/_sandbox/state); Ctrl-C stops",
            sandbox.base_url(),
            sandbox.base_url()
        );
        let _ = tokio::signal::ctrl_c().await;
        sandbox.shutdown().await;
        ExitCode::SUCCESS
    })
}
