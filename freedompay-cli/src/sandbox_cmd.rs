//! `freedompay sandbox`: the `freedompay-sandbox` emulator, run from this command.
//!
//! The sandbox crate exposes its configuration (`SandboxConfig`) but not its binary's
//! argument struct, so the flags are mirrored here, with the same names, defaults and
//! environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use freedompay_sandbox::{
    ClockMode, RetrySchedule, Sandbox, SandboxConfig, SecretChoice, SecretKey, parse_minor_units,
};

use crate::output::{eprint_line, print_line};
use crate::{Failure, Global, secrets, settings};

/// The sandbox's environment variable for its payment secret.
const SANDBOX_SECRET_ENV: &str = "FREEDOMPAY_SANDBOX_SECRET_KEY";
/// The sandbox's environment variable for its payout secret.
const SANDBOX_PAYOUT_SECRET_ENV: &str = "FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY";

/// The flags of `freedompay sandbox`, those of the `freedompay-sandbox` binary. The merchant
/// id is the global `--merchant-id` (or FREEDOMPAY_MERCHANT_ID).
#[derive(Args, Debug)]
#[command(after_help = "\
The merchant id is the global --merchant-id (or FREEDOMPAY_MERCHANT_ID).
The sandbox's secrets are test keys of the emulator, so they may be given as flags. Without
--secret-key: FREEDOMPAY_SANDBOX_SECRET_KEY, then FREEDOMPAY_SECRET_KEY (or --secret-key-file),
so that a client configured from the same environment matches it. The payout secret likewise:
--payout-secret-key, FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY, FREEDOMPAY_PAYOUT_SECRET_KEY (or
--payout-secret-key-file), else the payment secret.

The base URL is printed on standard output; one line per request goes to standard error
(unless --quiet). The control API is under BASE_URL/_sandbox/ (state, payments/{id}/pay,
advance, callbacks, faults); see the freedompay-sandbox README. Ctrl-C stops it.")]
pub(crate) struct SandboxArgs {
    /// Address to listen on, HOST:PORT (port 0 picks a free port).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    addr: String,
    /// The sandbox's payment secret [env: FREEDOMPAY_SANDBOX_SECRET_KEY].
    #[arg(long, value_name = "KEY")]
    secret_key: Option<String>,
    /// The sandbox's payout secret (default: the payment secret) [env: FREEDOMPAY_SANDBOX_PAYOUT_SECRET_KEY].
    #[arg(long, value_name = "KEY")]
    payout_secret_key: Option<String>,
    /// The merchant balance at start.
    #[arg(long, value_name = "AMOUNT", default_value = "1000000.00")]
    starting_balance: String,
    /// Time between callback attempts, in milliseconds (the gateway: 30 minutes).
    #[arg(long, value_name = "MS", default_value_t = 1_800_000)]
    callback_retry_interval_ms: u64,
    /// Callback attempts after the first one (the gateway: 4, for 2 hours).
    #[arg(long, value_name = "N", default_value_t = 4)]
    callback_retries: u32,
    /// Every N-th signed reply carries an unknown element (0: never).
    #[arg(long, value_name = "N", default_value_t = 5)]
    unknown_element_every: u64,
    /// Seconds of sandbox time a payout stays in `process`.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    payout_process_delay_secs: u64,
    /// The secret of cardstoragepayout/add and its callback: payment or payout.
    #[arg(long, value_name = "WHICH", default_value = "payment")]
    cardstoragepayout_secret: String,
    /// Answer bad signatures (error 9998) unsigned instead of signed.
    #[arg(long)]
    unsigned_signature_errors: bool,
    /// Start sandbox time at this Unix time; it then moves only by /_sandbox/advance.
    #[arg(long, value_name = "UNIX_SECS")]
    fixed_clock: Option<i64>,
    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
}

fn key(
    flag: &Option<String>,
    flag_name: &str,
    sandbox_env: &str,
) -> Result<Option<SecretKey>, Failure> {
    let text = flag
        .clone()
        .filter(|k| !k.is_empty())
        .or_else(|| settings::env_text(sandbox_env));
    text.map(|t| {
        SecretKey::new(t).map_err(|_| Failure::input(format!("{flag_name}: empty secret")))
    })
    .transpose()
}

fn config(global: &Global, args: &SandboxArgs) -> Result<(SandboxConfig, SocketAddr), Failure> {
    let merchant = settings::merchant_id(global)?;
    if merchant.len() > 20 || !merchant.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::input("--merchant-id: 1 to 20 digits"));
    }
    let addr: SocketAddr = args.addr.trim().parse().map_err(|_| {
        Failure::input("--addr: HOST:PORT, such as 127.0.0.1:8080 (port 0 picks a free one)")
    })?;
    let secret = match key(&args.secret_key, "--secret-key", SANDBOX_SECRET_ENV)? {
        Some(key) => key,
        None => secrets::read(global.secret_key_file.as_deref(), secrets::SECRET_ENV)?.ok_or_else(
            || {
                Failure::input(
                    "give --secret-key (or FREEDOMPAY_SANDBOX_SECRET_KEY, or FREEDOMPAY_SECRET_KEY)",
                )
            },
        )?,
    };
    let payout = match key(
        &args.payout_secret_key,
        "--payout-secret-key",
        SANDBOX_PAYOUT_SECRET_ENV,
    )? {
        Some(key) => Some(key),
        None => secrets::read(
            global.payout_secret_key_file.as_deref(),
            secrets::PAYOUT_SECRET_ENV,
        )?,
    };
    let balance = parse_minor_units(args.starting_balance.trim())
        .ok_or_else(|| Failure::input("--starting-balance: a decimal amount such as 1000000.00"))?;
    let storage = match args.cardstoragepayout_secret.trim() {
        "payment" => SecretChoice::Payment,
        "payout" => SecretChoice::Payout,
        _ => {
            return Err(Failure::input(
                "--cardstoragepayout-secret: payment or payout",
            ));
        }
    };
    let mut config = SandboxConfig::new(merchant, secret)
        .starting_balance_minor(balance)
        .callback_retry(RetrySchedule {
            interval: Duration::from_millis(args.callback_retry_interval_ms),
            retries: args.callback_retries,
        })
        .unknown_element_every(args.unknown_element_every)
        .payout_process_delay(Duration::from_secs(args.payout_process_delay_secs))
        .cardstoragepayout_secret(storage)
        .signed_signature_errors(!args.unsigned_signature_errors)
        .log_requests(!args.quiet);
    if let Some(payout) = payout {
        config = config.payout_secret_key(payout);
    }
    if let Some(start) = args.fixed_clock {
        config = config.clock(ClockMode::Fixed(start));
    }
    Ok((config, addr))
}

/// Runs the sandbox until Ctrl-C.
pub(crate) fn run(global: &Global, args: &SandboxArgs) -> Result<(), Failure> {
    let (config, addr) = config(global, args)?;
    let merchant = config.merchant_id().to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::rejected(format!("cannot start the sandbox's runtime: {e}")))?;
    runtime.block_on(async move {
        let sandbox = Sandbox::start(config, addr)
            .await
            .map_err(|e| Failure::rejected(format!("the sandbox cannot listen on {addr}: {e}")))?;
        print_line(sandbox.base_url());
        eprint_line(&format!(
            "freedompay sandbox: merchant {merchant} at {base} (control API: {base}/_sandbox/state); Ctrl-C stops it",
            base = sandbox.base_url()
        ));
        let _ = tokio::signal::ctrl_c().await;
        eprint_line("freedompay sandbox: stopping");
        sandbox.shutdown().await;
        Ok(())
    })
}
