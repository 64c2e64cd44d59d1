//! `freedompay sandbox`: the `freedompay-sandbox` emulator, run from this command.
//!
//! The flags are the sandbox crate's own [`freedompay_sandbox::SandboxArgs`], flattened here,
//! so that `freedompay sandbox` and the `freedompay-sandbox` binary take the same flags with
//! the same names, defaults and environment variables; only the merchant id (the global
//! `--merchant-id`) and the secrets' further fallbacks are this command's.

use clap::Args;
use freedompay_sandbox::{Sandbox, SandboxConfig};

use crate::output::{eprint_line, print_line};
use crate::{Failure, Global, secrets, settings};

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
    #[command(flatten)]
    flags: freedompay_sandbox::SandboxArgs,
}

fn config(global: &Global, args: &SandboxArgs) -> Result<SandboxConfig, Failure> {
    let flags = &args.flags;
    let merchant = settings::merchant_id(global)?;
    if merchant.len() > 20 || !merchant.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::input("--merchant-id: 1 to 20 digits"));
    }
    let secret = match flags.secret_key().map_err(|e| Failure::input(e.to_string()))? {
        Some(key) => key,
        None => secrets::read(global.secret_key_file.as_deref(), secrets::SECRET_ENV)?.ok_or_else(
            || {
                Failure::input(
                    "give --secret-key (or FREEDOMPAY_SANDBOX_SECRET_KEY, or FREEDOMPAY_SECRET_KEY)",
                )
            },
        )?,
    };
    let payout = match flags
        .payout_secret_key()
        .map_err(|e| Failure::input(e.to_string()))?
    {
        Some(key) => Some(key),
        None => secrets::read(
            global.payout_secret_key_file.as_deref(),
            secrets::PAYOUT_SECRET_ENV,
        )?,
    };
    flags
        .config(merchant, secret, payout)
        .map_err(|e| Failure::input(e.to_string()))
}

/// Runs the sandbox until Ctrl-C.
pub(crate) fn run(global: &Global, args: &SandboxArgs) -> Result<(), Failure> {
    let config = config(global, args)?;
    let addr = args.flags.addr().to_owned();
    let merchant = config.merchant_id().to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::rejected(format!("cannot start the sandbox's runtime: {e}")))?;
    runtime.block_on(async move {
        let sandbox = Sandbox::bind(config, &addr)
            .await
            .map_err(|e| Failure::rejected(format!("the sandbox cannot start on {addr}: {e}")))?;
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::SandboxArgs;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        sandbox: SandboxArgs,
    }

    #[test]
    fn takes_the_sandbox_binarys_flags_and_host_names() {
        let parsed = Wrapper::try_parse_from([
            "freedompay",
            "--addr",
            "localhost:8080",
            "--starting-balance",
            "10.00",
            "--callback-retry-interval-ms",
            "200",
            "--callback-retries",
            "1",
            "--unknown-element-every",
            "0",
            "--payout-process-delay-secs",
            "5",
            "--cardstoragepayout-secret",
            "payout",
            "--unsigned-signature-errors",
            "--fixed-clock",
            "1767225600",
            "--quiet",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.sandbox.flags.addr(), "localhost:8080");
        assert!(parsed.sandbox.flags.quiet());
    }
}
