//! The `freedompay-sandbox` binary: a local FreedomPay gateway on loopback.

use std::process::ExitCode;

use clap::Parser;
use freedompay_sandbox::{ArgsError, Sandbox, SandboxArgs, SandboxConfig};

/// mimalloc (feature `mimalloc`, on by default): every request makes many small allocations,
/// which it serves faster than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A local FreedomPay (ex-PayBox.money) merchant API: signed XML, payments, payouts, test
/// cards, callbacks, faults. Prints its base URL on stdout and logs one line per request to
/// stderr.
#[derive(Debug, Parser)]
#[command(name = "freedompay-sandbox", version)]
struct Args {
    /// The merchant id (pg_merchant_id).
    #[arg(long)]
    merchant_id: String,
    #[command(flatten)]
    sandbox: SandboxArgs,
}

fn config(args: &Args) -> Result<SandboxConfig, ArgsError> {
    let sandbox = &args.sandbox;
    let key = sandbox.required_secret_key()?;
    let payout = sandbox.payout_secret_key()?;
    sandbox.config(args.merchant_id.clone(), key, payout)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("freedompay-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let addr = args.sandbox.addr().to_owned();
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
        let sandbox = match Sandbox::bind(config, &addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("freedompay-sandbox: cannot start on {addr}: {e}");
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
