//! The `/v5` JSON APIs from the command line: `freedompay invoice init`, the generic
//! `freedompay call --api … --path … < body.json`, and `freedompay sign --jws` for debugging a
//! token (docs/protocol.md §12).
//!
//! Keys: the Invoice and Async APIs use the merchant id and the payment secret (as every
//! other command); the Card and Partner APIs (and the Async API, when it has its own) take an
//! id and a secret from `FREEDOMPAY_<API>_API_ID` and `FREEDOMPAY_<API>_API_SECRET` (or
//! `--<api>-api-secret-file`), never from a flag.

use std::io::Read;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::{Args, Subcommand};
use freedompay_core::json::invoice::{InitInvoice, InvoiceMethod, RequestMethod};
use freedompay_core::json::{JsonApi, JsonCall, RequestId, prepare_json};
use freedompay_core::transport::Method;
use freedompay_core::{Amount, Config, Currency, Description, OrderId, Url};
use freedompay_sign::SecretKey;
use freedompay_sign::jws;

use crate::output::{Reconcile, Report, arg, call_failure};
use crate::{Failure, Global, secrets, settings};

/// `println!` without the panic on a closed standard output.
macro_rules! out {
    ($($arg:tt)*) => {
        crate::output::print_line(&format!($($arg)*))
    };
}

/// `freedompay invoice …`.
#[derive(Subcommand, Debug)]
pub(crate) enum InvoiceCommand {
    /// Issue an invoice paid by QR code or link (POST /v5/merchant/invoice/init; moves money:
    /// never resent once it may have left).
    Init(InitArgs),
}

/// `freedompay invoice init`.
#[derive(Args, Debug)]
pub(crate) struct InitArgs {
    /// The shop's order id.
    #[arg(long)]
    order_id: String,
    /// The amount, a decimal (1500 or 1500.50).
    #[arg(long)]
    amount: String,
    /// What is paid for (shown to the payer).
    #[arg(long)]
    description: String,
    /// The currency (ISO 4217).
    #[arg(long, default_value = "KZT")]
    currency: String,
    /// How the invoice is offered (comma separated; documented: qr).
    #[arg(long, default_value = "qr")]
    method: String,
    /// check_url: asked before the payment goes ahead.
    #[arg(long, value_name = "URL")]
    check_url: Option<String>,
    /// result_url: told the result.
    #[arg(long, value_name = "URL")]
    result_url: Option<String>,
    /// request_method of those calls: GET or POST.
    #[arg(long, value_name = "GET|POST")]
    request_method: Option<String>,
}

/// `freedompay call`: any path of a `/v5` JSON API, the body read from standard input.
#[derive(Args, Debug)]
pub(crate) struct CallArgs {
    /// The API: invoice, async, card or partner (its key, JWS header and host).
    #[arg(long)]
    api: String,
    /// The path, e.g. /v5/g2g/read.
    #[arg(long)]
    path: String,
    /// The Async API's X-Action.
    #[arg(long)]
    action: Option<String>,
    /// The call only reads (a status, a list): it may be retried. Without it the call counts
    /// as moving money and is never resent once it may have left.
    #[arg(long)]
    query: bool,
    #[command(flatten)]
    keys: ApiKeyArgs,
}

/// The files of the JSON APIs' own secrets.
#[derive(Args, Debug)]
pub(crate) struct ApiKeyArgs {
    /// Read the API's own secret from this file instead of `FREEDOMPAY_<API>_API_SECRET`.
    #[arg(long, value_name = "PATH")]
    api_secret_file: Option<PathBuf>,
}

/// `freedompay sign --jws`.
#[derive(Args, Debug)]
pub(crate) struct SignJwsArgs {
    /// The API: invoice, async, card or partner.
    #[arg(long)]
    pub(crate) api: Option<String>,
    /// The path written into the header.
    #[arg(long)]
    pub(crate) path: Option<String>,
    /// Verify this token against the body instead of making one.
    #[arg(long)]
    pub(crate) token: Option<String>,
}

fn api(name: &str) -> Result<JsonApi, Failure> {
    JsonApi::parse(name).map_err(|e| Failure::input(format!("--api {name:?}: {}", e.rule())))
}

fn env_prefix(api: JsonApi) -> String {
    format!("FREEDOMPAY_{}_API", api.name().to_ascii_uppercase())
}

/// The config with the API's own key, when one is set (required for card and partner).
fn config_for(global: &Global, api: JsonApi, keys: Option<&ApiKeyArgs>) -> Result<Config, Failure> {
    let mut builder = settings::builder(global)?;
    let prefix = env_prefix(api);
    let secret = api_secret(
        keys.and_then(|k| k.api_secret_file.as_deref()),
        &format!("{prefix}_SECRET"),
    )?;
    let id = settings::env_text(&format!("{prefix}_ID"));
    match (id, secret) {
        (Some(id), Some(secret)) => {
            builder = builder.json_api_key(api, id, secret);
        }
        (None, None) if matches!(api, JsonApi::Invoice | JsonApi::Async) => {}
        _ => {
            return Err(Failure::input(format!(
                "the {api} API is signed with its own key: set {prefix}_ID and {prefix}_SECRET (or --api-secret-file)"
            )));
        }
    }
    builder.build().map_err(settings::config_error)
}

/// An API's own secret, from a file (one line) or the environment; never printed.
fn api_secret(file: Option<&std::path::Path>, env: &str) -> Result<Option<String>, Failure> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::input(format!(
                "cannot read the secret file {}: {e}",
                path.display()
            ))
        })?;
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            return Err(Failure::input(format!(
                "the secret file {} is empty",
                path.display()
            )));
        }
        return Ok(Some(text.to_owned()));
    }
    Ok(settings::env_text(env))
}

fn read_body() -> Result<Vec<u8>, Failure> {
    let limit: u64 = 16 << 20;
    let mut input = Vec::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_end(&mut input)
        .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
    if input.len() as u64 > limit {
        return Err(Failure::input(format!(
            "the input is larger than {limit} bytes"
        )));
    }
    // Sent as given, byte for byte (the JWS signs these bytes); only checked to be JSON.
    if !input.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_slice::<serde_json::Value>(&input)
            .map_err(|e| Failure::input(format!("the body is not JSON: {e}")))?;
    }
    Ok(input)
}

/// `freedompay invoice …`.
pub(crate) fn invoice(global: &Global, command: &InvoiceCommand) -> Result<(), Failure> {
    match command {
        InvoiceCommand::Init(args) => invoice_init(global, args),
    }
}

fn invoice_init(global: &Global, args: &InitArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.clone()))?;
    let methods = args
        .method
        .split(',')
        .map(|m| InvoiceMethod::from_wire_str(m.trim()))
        .collect();
    let mut op = InitInvoice::new(
        order_id.clone(),
        arg("--amount", Amount::parse(&args.amount))?,
        arg("--description", Description::new(args.description.clone()))?,
        methods,
        Currency::from_code(&args.currency),
    );
    if let Some(url) = &args.check_url {
        op = op.check_url(arg("--check-url", Url::new(url.clone()))?);
    }
    if let Some(url) = &args.result_url {
        op = op.result_url(arg("--result-url", Url::new(url.clone()))?);
    }
    if let Some(method) = &args.request_method {
        op = op.request_method(RequestMethod::from_wire_str(&method.to_ascii_uppercase()));
    }
    let client =
        freedompay_blocking::BlockingClient::new(config_for(global, JsonApi::Invoice, None)?);
    let reconcile = Reconcile {
        subject: format!("order {}", order_id.as_str()),
        status_command:
            "ask FreedomPay about this order id (the invoice status call's path is not published)"
                .to_owned(),
    };
    let created = client
        .invoice_init(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    Report::new(
        "invoice_init",
        format!("invoice issued for order {}", order_id.as_str()),
    )
    .opt("invoice_id", created.invoice_id)
    .opt(
        "invoice_status",
        created.invoice_status.map(|s| s.to_string()),
    )
    .opt("qr", created.qr)
    .opt("dt", created.dt)
    .emit(global.json);
    Ok(())
}

/// `freedompay call`.
pub(crate) fn call(global: &Global, args: &CallArgs) -> Result<(), Failure> {
    let api = api(&args.api)?;
    let body = read_body()?;
    let mut op = JsonCall::new(api, args.path.clone(), body).moves_money(!args.query);
    if let Some(action) = &args.action {
        op = op.action(action.clone());
    }
    let client =
        freedompay_blocking::BlockingClient::new(config_for(global, api, Some(&args.keys))?);
    let reply = client.call_json(op).map_err(|e| call_failure(&e, None))?;
    let body: serde_json::Value =
        serde_json::from_slice(&reply.body).unwrap_or(serde_json::Value::Null);
    Report::new(
        "call_json",
        format!("{} {} answered HTTP {}", api, args.path, reply.status),
    )
    .field("signed", reply.signed)
    .opt("request_id", reply.request_id)
    .field("reply", body)
    .emit(global.json);
    Ok(())
}

/// `freedompay sign --jws`: makes the token of a body (read from standard input) for an API
/// and path, or checks `--token`; shows the header, the payload and the key masked.
pub(crate) fn sign_jws(global: &Global, args: &SignJwsArgs) -> Result<(), Failure> {
    let api = api(args
        .api
        .as_deref()
        .ok_or_else(|| Failure::input("--jws needs --api"))?)?;
    let body = read_body()?;
    let config = config_for(global, api, None)?;
    let (key_id, secret) = config
        .json_key(api)
        .ok_or_else(|| Failure::input("no key for this API"))?;
    let (token, made) = match &args.token {
        Some(token) => (token.trim().to_owned(), false),
        None => {
            let path = args
                .path
                .as_deref()
                .ok_or_else(|| Failure::input("--jws needs --path (or --token)"))?;
            let call = JsonCall::new(api, path, body.clone()).method(Method::Post);
            let request = prepare_json(
                &config,
                &call,
                &RequestId::new("sign").map_err(|e| Failure::input(e.to_string()))?,
            )
            .map_err(|e| call_failure(&e, None))?;
            let token = request
                .headers()
                .get("X-JWS-Signature")
                .unwrap_or_default()
                .to_owned();
            (token, true)
        }
    };
    let header_b64 = token.split_once("..").map(|(h, _)| h).unwrap_or(&token);
    let header = URL_SAFE_NO_PAD
        .decode(header_b64)
        .map(|h| String::from_utf8_lossy(&h).into_owned())
        .unwrap_or_else(|_| "(not base64url)".to_owned());
    let alg = api.default_profile().algorithm();
    let verified = jws::verify_detached_with(alg, &token, &body, secret);
    out!("api:     {api} ({alg})");
    out!("key id:  {key_id}");
    out!("key:     {}", masked(api, secret));
    out!("header:  {header}");
    out!("payload: {}", String::from_utf8_lossy(&body));
    if !made {
        match verified {
            Ok(_) => out!("verified: yes"),
            Err(e) => {
                out!("verified: NO ({e})");
                return Err(Failure::rejected(
                    "the token does not verify with this key and body",
                ));
            }
        }
    }
    out!("{token}");
    Ok(())
}

/// The key, masked: only where it came from.
fn masked(api: JsonApi, _secret: &SecretKey) -> String {
    match api {
        JsonApi::Invoice | JsonApi::Async => format!(
            "******** (the API's own secret if {}_SECRET is set, else the payment secret, {})",
            env_prefix(api),
            secrets::SECRET_ENV
        ),
        _ => format!("******** ({}_SECRET)", env_prefix(api)),
    }
}
