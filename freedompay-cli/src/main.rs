//! `freedompay`: the command for people who run FreedomPay payments. Sign and verify messages
//! (and see why a signature is refused), call the gateway's operations, run the local
//! sandbox, and watch a whole payment and payout flow with `freedompay demo`.

#![forbid(unsafe_code)]

mod demo;
mod gateway_cmd;
mod json;
mod json_cmd;
mod merchant;
mod output;
mod payment_cmd;
mod payout_cmd;
mod reconcile_cmd;
mod sandbox_cmd;
mod secrets;
mod settings;
mod signing;
mod trigger_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc (feature `mimalloc`, on by default): the embedded sandbox's many small
/// allocations per request are cheaper than through the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What ends a command other than success; each kind has its exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    code: u8,
    /// With `--json`: what is printed on standard output about the failure.
    json: Option<serde_json::Value>,
}

impl Failure {
    /// Bad input or usage (exit 2): malformed JSON, XML or form, a missing setting.
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 2,
            json: None,
        }
    }

    /// Refused: a signature that does not match, an error from the gateway, a call that
    /// failed (exit 1).
    pub(crate) fn rejected(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 1,
            json: None,
        }
    }

    /// The outcome of a money-moving call is unknown (exit 3).
    pub(crate) fn unknown(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 3,
            json: None,
        }
    }

    /// Attaches the JSON printed with `--json`.
    pub(crate) fn with_json(mut self, json: serde_json::Value) -> Self {
        self.json = Some(json);
        self
    }

    /// The exit code.
    pub(crate) fn code(&self) -> u8 {
        self.code
    }

    /// The message.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

const AFTER_HELP: &str = "\
Configuration of the operations (balance, payout, payment), as flags (before or after the
subcommand) or in the environment:
  --merchant-id ID       or FREEDOMPAY_MERCHANT_ID
  (payment secret)       FREEDOMPAY_SECRET_KEY, or --secret-key-file PATH
  (payout secret)        FREEDOMPAY_PAYOUT_SECRET_KEY, or --payout-secret-key-file PATH
                         (defaults to the payment secret)
  --base-url URL         or FREEDOMPAY_BASE_URL; or --region kz|uz|kg|money [--test];
                         the default is https://api.freedompay.kz
  --timeout SECONDS      of one HTTP exchange (default 30)
Secrets are read from the environment or from files, never from flags.

Start with `freedompay demo`: a payment and a payout against the embedded sandbox, nothing
to set up.

Exit codes: 0 success; 1 refused or failed (a gateway error, a signature mismatch, a call that
did not go through); 2 bad input or usage (nothing was sent); 3 the outcome of a money-moving
call is UNKNOWN (it may have reached FreedomPay: check its status before trying again).";

#[derive(Parser, Debug)]
#[command(
    name = "freedompay",
    version,
    about = "Call the FreedomPay (ex-PayBox.money) API, sign and verify its messages, run a local sandbox",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Settings shared by every command.
#[derive(Args, Debug)]
pub(crate) struct Global {
    /// Read the payment secret from this file instead of FREEDOMPAY_SECRET_KEY.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub(crate) secret_key_file: Option<PathBuf>,
    /// Read the payout secret from this file instead of FREEDOMPAY_PAYOUT_SECRET_KEY.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub(crate) payout_secret_key_file: Option<PathBuf>,
    /// Sign payout calls with the payment secret (for shops with one key for both); without it
    /// and without a payout secret, payout calls are refused before anything is sent.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        conflicts_with = "payout_secret_key_file"
    )]
    pub(crate) payout_secret_same_as_payment: bool,
    /// The merchant id (pg_merchant_id) [env: FREEDOMPAY_MERCHANT_ID].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "ID",
        env = "FREEDOMPAY_MERCHANT_ID",
        hide_env = true
    )]
    pub(crate) merchant_id: Option<String>,
    /// The gateway's base URL, e.g. http://127.0.0.1:8080 for a sandbox [env: FREEDOMPAY_BASE_URL].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL",
        conflicts_with = "region"
    )]
    pub(crate) base_url: Option<String>,
    /// The gateway of a region instead of a base URL: kz, uz, kg or money.
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "REGION"
    )]
    pub(crate) region: Option<String>,
    /// With --region: the region's test host.
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) test: bool,
    /// The timeout of one HTTP exchange, in seconds (default 30, at most 600).
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "SECONDS"
    )]
    pub(crate) timeout: Option<String>,
    /// Print the result of an operation (or its error) as one JSON object on standard output.
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) json: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show the payout balance (/api/balance_status, payout secret).
    Balance,
    /// Pay out money: to a card number, through a payout page, to an IBAN, to a saved card; query a payout's status.
    #[command(subcommand)]
    Payout(payout_cmd::PayoutCommand),
    /// Take payments: create one (init), query, refund, clear (capture) or cancel it.
    #[command(subcommand)]
    Payment(payment_cmd::PaymentCommand),
    /// The Gateway API (/g2g/..., PCI DSS): card payments with 3-D Secure, stored cards, transfers, token and wallet payments.
    #[command(subcommand)]
    Gateway(gateway_cmd::GatewayCommand),
    /// Invoices paid by QR code or link (the /v5 Invoice API, JWS-signed JSON).
    #[command(subcommand)]
    Invoice(json_cmd::InvoiceCommand),
    /// Call any path of a /v5 JSON API (invoice, async, card, partner) with the JSON body on
    /// stdin: signs it (X-JWS-Signature), sends it, verifies and prints the reply.
    Call(json_cmd::CallArgs),
    /// Run the local FreedomPay sandbox (the freedompay-sandbox emulator) until Ctrl-C; prints its base URL.
    Sandbox(sandbox_cmd::SandboxArgs),
    /// A whole payment and payout flow, and the Gateway API (3-D Secure, a stored card, a wallet, a transfer), against the embedded sandbox, step by step. With
    /// FREEDOMPAY_BASE_URL (or --base-url/--region) and credentials set, only read-only calls
    /// against that gateway.
    Demo,
    /// Sign a JSON object of parameters read from stdin; prints pg_sig as the last line. With
    /// --jws: the X-JWS-Signature of a /v5 JSON body (header and payload shown, key masked),
    /// or --token checked against it.
    Sign {
        /// The script name: the last path segment of the URL (init_payment.php, reg2nonreg), or the URL.
        #[arg(long, required_unless_present = "jws")]
        script: Option<String>,
        /// Make (or with --token, check) the detached JWS of a /v5 JSON API instead.
        #[arg(long, conflicts_with_all = ["script", "explain"])]
        jws: bool,
        #[command(flatten)]
        jws_args: json_cmd::SignJwsArgs,
        /// Take the secret from this environment variable instead of FREEDOMPAY_SECRET_KEY.
        #[arg(long, value_name = "NAME")]
        secret_env: Option<String>,
        /// Also print the canonical string that is hashed, with the secret masked.
        #[arg(long)]
        explain: bool,
    },
    /// Verify the signature of an XML response read from stdin.
    VerifyResponse {
        /// The script name of the request (the last path segment of its URL), or the URL.
        #[arg(long)]
        script: String,
        /// Use the payout secret (for payout endpoints).
        #[arg(long)]
        payout: bool,
        /// Take the secret from this environment variable.
        #[arg(long, value_name = "NAME")]
        secret_env: Option<String>,
    },
    /// Send a signed callback of any kind (check, result, refund, capture, card-added,
    /// payout-notification, payout-card-added) to your handler, as FreedomPay would, and check
    /// its reply: HTTP 200, XML, an allowed pg_status, the salt echoed, the signature.
    Trigger(trigger_cmd::TriggerArgs),
    /// Verify a callback body read from stdin (form-urlencoded by default; a pg_xml field or
    /// an XML body is understood; multipart/form-data with --content-type).
    VerifyCallback {
        /// Your callback URL as FreedomPay calls it: its last path segment is the script name.
        /// For a GET callback, give the whole URL with its query and an empty stdin.
        #[arg(long)]
        url: String,
        /// The request's Content-Type header, as received: give
        /// "multipart/form-data; boundary=..." for a saved multipart body (payout
        /// notifications are documented as multipart).
        #[arg(long, default_value = "application/x-www-form-urlencoded")]
        content_type: String,
        /// Use the payout secret (payout notifications to pg_post_link).
        #[arg(long)]
        payout: bool,
        /// Take the secret from this environment variable.
        #[arg(long, value_name = "NAME")]
        secret_env: Option<String>,
    },
}

fn secret_for(
    global: &Global,
    payout: bool,
    env: Option<&str>,
) -> Result<freedompay_sign::SecretKey, Failure> {
    if let Some(name) = env {
        return secrets::require(None, name);
    }
    if payout
        && let Some(key) = secrets::read(
            global.payout_secret_key_file.as_deref(),
            secrets::PAYOUT_SECRET_ENV,
        )?
    {
        return Ok(key);
    }
    secrets::require(global.secret_key_file.as_deref(), secrets::SECRET_ENV)
}

fn run(cli: Cli) -> Result<(), Failure> {
    let global = &cli.global;
    match &cli.command {
        Command::Balance => payout_cmd::balance(global),
        Command::Payout(command) => payout_cmd::run(global, command),
        Command::Payment(command) => payment_cmd::run(global, command),
        Command::Gateway(command) => gateway_cmd::run(global, command),
        Command::Sandbox(args) => sandbox_cmd::run(global, args),
        Command::Demo => demo::run(global),
        Command::Invoice(command) => json_cmd::invoice(global, command),
        Command::Call(args) => json_cmd::call(global, args),
        Command::Sign {
            jws: true,
            jws_args,
            ..
        } => json_cmd::sign_jws(global, jws_args),
        Command::Trigger(args) => trigger_cmd::run(global, args),
        Command::Sign {
            script,
            secret_env,
            explain,
            ..
        } => {
            let secret = secret_for(global, false, secret_env.as_deref())?;
            let script = script.as_deref().unwrap_or_default();
            signing::sign_command(script, &secret, *explain)
        }
        Command::VerifyResponse {
            script,
            payout,
            secret_env,
        } => {
            let secret = secret_for(global, *payout, secret_env.as_deref())?;
            signing::verify_response_command(script, &secret)
        }
        Command::VerifyCallback {
            url,
            content_type,
            payout,
            secret_env,
        } => {
            let secret = secret_for(global, *payout, secret_env.as_deref())?;
            signing::verify_callback_command(url, content_type, &secret)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.global.json;
    output::init_look(json);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if json {
                let value = failure.json.clone().unwrap_or_else(|| {
                    serde_json::json!({
                        "ok": false,
                        "exit_code": failure.code,
                        "error": failure.message,
                    })
                });
                output::print_json(&value);
            }
            output::eprint_line(&format!("freedompay: {}", failure.message));
            ExitCode::from(failure.code)
        }
    }
}
