//! `freedompay payment ...`.

use clap::{Args, Subcommand};
use freedompay_core::payment::{
    AnyAmountPayment, CancelPayment, CapturePayment, InitPayment, InitPaymentResult, Language,
    PaymentState, PaymentStatus, PaymentStatusInfo, RefundPayment, RelatedPayment, RequestMethod,
};
use freedompay_core::{
    Amount, Currency, Description, IdempotencyKey, Lookup, OrderId, PaymentId, Phone, Url, UserId,
};
use serde_json::{Value, json};

use crate::output::{Reconcile, Report, arg, call_failure};
use crate::payout_cmd::money;
use crate::{Failure, Global, settings};

/// Payment commands.
#[derive(Subcommand, Debug)]
pub(crate) enum PaymentCommand {
    /// Create a payment (/init_payment.php, or /g2g/any_amount with --any-amount); prints the payment id and the payer's page.
    Init(Box<InitArgs>),
    /// A payment's state (/get_status3.php), by payment id or by order id.
    Status(StatusArgs),
    /// What became of a payment request whose outcome is unknown: polls /get_status3.php by its order id until it is paid, failed or never arrived (a minute or more after the last attempt), or the deadline.
    Reconcile(crate::reconcile_cmd::ReconcileArgs),
    /// Refund a cleared payment, fully or partly (/revoke.php).
    Refund(RefundArgs),
    /// Clear (capture) a held two-step payment, fully or partly (/do_capture.php).
    #[command(alias = "capture")]
    Clear(ClearArgs),
    /// Cancel a held two-step payment: release the hold (/cancel.php).
    Cancel(CancelArgs),
}

/// `payment init`.
#[derive(Args, Debug)]
pub(crate) struct InitArgs {
    /// Your unique id of this payment (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50 (with --any-amount: the amount proposed to the payer).
    #[arg(long)]
    amount: String,
    /// What the payer pays for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// A page where the payer may change the amount (/g2g/any_amount), within --min and --max.
    #[arg(long)]
    any_amount: bool,
    /// With --any-amount: the lowest amount the payer may choose (a whole amount).
    #[arg(long, value_name = "AMOUNT", requires = "any_amount")]
    min: Option<String>,
    /// With --any-amount: the highest amount the payer may choose (a whole amount).
    #[arg(long, value_name = "AMOUNT", requires = "any_amount")]
    max: Option<String>,
    /// The currency of the amount (ISO 4217, e.g. KZT); the merchant's by default.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// Where FreedomPay asks whether the payment may go ahead (pg_check_url).
    #[arg(long, value_name = "URL")]
    check_url: Option<String>,
    /// Where FreedomPay reports the payment's result (pg_result_url).
    #[arg(long, value_name = "URL")]
    result_url: Option<String>,
    /// Where the payer goes after paying (pg_success_url).
    #[arg(long, value_name = "URL")]
    success_url: Option<String>,
    /// Where the payer goes after a failure (pg_failure_url).
    #[arg(long, value_name = "URL")]
    failure_url: Option<String>,
    /// How FreedomPay calls the check and result URLs: GET, POST or XML (pg_request_method).
    #[arg(long, value_name = "METHOD")]
    request_method: Option<String>,
    /// A test payment (pg_testing_mode=1): test cards only, no money moves.
    #[arg(long, alias = "testing-mode")]
    testing: bool,
    /// How long the payer has to pay, in seconds (300 to 604800; pg_lifetime).
    #[arg(long, value_name = "SECONDS")]
    lifetime: Option<String>,
    /// The page's language: ru, en, kk, kz, kg, uz (pg_language).
    #[arg(long, value_name = "CODE")]
    language: Option<String>,
    /// The payer's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// The payer's e-mail, for notifications (pg_user_contact_email).
    #[arg(long, value_name = "EMAIL", alias = "email")]
    user_email: Option<String>,
    /// The payer's phone (pg_user_phone).
    #[arg(long, value_name = "PHONE")]
    user_phone: Option<String>,
    /// A two-step payment: the money is only held until `payment clear` or `payment cancel` (pg_auto_clearing=0).
    #[arg(long, alias = "two-step", conflicts_with_all = ["any_amount", "auto_clearing"])]
    no_auto_clearing: bool,
    /// pg_auto_clearing explicitly: 1 (clear at once) or 0 (hold: a two-step payment), also true/false.
    #[arg(long, value_name = "0|1", conflicts_with = "any_amount")]
    auto_clearing: Option<String>,
    /// A key that makes a repeated request return the first one's answer (pg_idempotency_key).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
}

/// `payment status`.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub(crate) struct StatusArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: Option<String>,
    /// Your order id: the last payment made with it.
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// When the payment request was last sent (unix seconds, 2026-01-01T05:00:00Z, or
    /// 90s-ago): a "not found" proves it never arrived only a minute or more after it.
    #[arg(long, value_name = "TIME")]
    last_attempt: Option<String>,
}

/// `payment refund`.
#[derive(Args, Debug)]
pub(crate) struct RefundArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: String,
    /// The amount to refund; the whole payment without it.
    #[arg(long)]
    amount: Option<String>,
    /// A key that makes a repeated request return the first one's answer (pg_idempotency_key).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
}

/// `payment clear`.
#[derive(Args, Debug)]
pub(crate) struct ClearArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: String,
    /// The amount to clear (at most the held amount); the whole hold without it.
    #[arg(long)]
    amount: Option<String>,
    /// A key that makes a repeated request return the first one's answer (pg_idempotency_key).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
}

/// `payment cancel`.
#[derive(Args, Debug)]
pub(crate) struct CancelArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: String,
    /// A key that makes a repeated request return the first one's answer (pg_idempotency_key).
    #[arg(long, value_name = "KEY")]
    idempotency_key: Option<String>,
}

/// Runs a payment subcommand.
pub(crate) fn run(global: &Global, command: &PaymentCommand) -> Result<(), Failure> {
    match command {
        PaymentCommand::Init(args) => init(global, args),
        PaymentCommand::Status(args) => status(global, args),
        PaymentCommand::Reconcile(args) => {
            crate::reconcile_cmd::run(global, args, crate::reconcile_cmd::Flow::Payment)
        }
        PaymentCommand::Refund(args) => refund(global, args),
        PaymentCommand::Clear(args) => clear(global, args),
        PaymentCommand::Cancel(args) => cancel(global, args),
    }
}

fn url(flag: &str, text: &Option<String>) -> Result<Option<Url>, Failure> {
    text.as_deref().map(|t| arg(flag, Url::new(t))).transpose()
}

fn payment_id(text: &str) -> Result<PaymentId, Failure> {
    arg("--payment-id", PaymentId::parse(text.trim()))
}

fn idempotency_key(text: &Option<String>) -> Result<Option<IdempotencyKey>, Failure> {
    text.as_deref()
        .map(|k| arg("--idempotency-key", IdempotencyKey::new(k)))
        .transpose()
}

/// The options both kinds of payment page take, checked.
struct PageOptions {
    currency: Option<Currency>,
    check_url: Option<Url>,
    result_url: Option<Url>,
    success_url: Option<Url>,
    failure_url: Option<Url>,
    request_method: Option<RequestMethod>,
    lifetime: Option<u32>,
    language: Option<Language>,
    user_id: Option<UserId>,
    user_phone: Option<Phone>,
    idempotency_key: Option<IdempotencyKey>,
}

impl PageOptions {
    fn parse(args: &InitArgs) -> Result<Self, Failure> {
        let request_method = match args.request_method.as_deref().map(str::to_ascii_uppercase) {
            None => None,
            Some(m) if m == "GET" => Some(RequestMethod::Get),
            Some(m) if m == "POST" => Some(RequestMethod::Post),
            Some(m) if m == "XML" => Some(RequestMethod::Xml),
            Some(_) => {
                return Err(Failure::input(
                    "--request-method: GET, POST or XML (nothing was sent)",
                ));
            }
        };
        let lifetime = match &args.lifetime {
            None => None,
            Some(text) => Some(text.trim().parse::<u32>().map_err(|_| {
                Failure::input("--lifetime: whole seconds, 300 to 604800 (nothing was sent)")
            })?),
        };
        let language = match args.language.as_deref().map(str::trim) {
            None => None,
            Some(code)
                if !code.is_empty()
                    && code.len() <= 8
                    && code.bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                Some(Language::from_code(&code.to_ascii_lowercase()))
            }
            Some(_) => {
                return Err(Failure::input(
                    "--language: a language code such as ru, en, kk, kz, kg or uz (nothing was sent)",
                ));
            }
        };
        Ok(Self {
            currency: args
                .currency
                .as_deref()
                .map(|c| arg("--currency", Currency::parse(c.trim())))
                .transpose()?,
            check_url: url("--check-url", &args.check_url)?,
            result_url: url("--result-url", &args.result_url)?,
            success_url: url("--success-url", &args.success_url)?,
            failure_url: url("--failure-url", &args.failure_url)?,
            request_method,
            lifetime,
            language,
            user_id: args
                .user_id
                .as_deref()
                .map(|u| arg("--user-id", UserId::new(u)))
                .transpose()?,
            user_phone: args
                .user_phone
                .as_deref()
                .map(|p| arg("--user-phone", Phone::new(p)))
                .transpose()?,
            idempotency_key: idempotency_key(&args.idempotency_key)?,
        })
    }
}

/// Applies the options to `InitPayment` or `AnyAmountPayment`, which have the same setters.
macro_rules! apply_page_options {
    ($op:expr, $options:expr, $args:expr) => {{
        let mut op = $op;
        let o = $options;
        if let Some(v) = o.currency {
            op = op.currency(v);
        }
        if let Some(v) = o.check_url {
            op = op.check_url(v);
        }
        if let Some(v) = o.result_url {
            op = op.result_url(v);
        }
        if let Some(v) = o.success_url {
            op = op.success_url(v);
        }
        if let Some(v) = o.failure_url {
            op = op.failure_url(v);
        }
        if let Some(v) = o.request_method {
            op = op.request_method(v);
        }
        if let Some(v) = o.lifetime {
            op = op.lifetime_seconds(v);
        }
        if let Some(v) = o.language {
            op = op.language(v);
        }
        if let Some(v) = o.user_id {
            op = op.user_id(v);
        }
        if let Some(v) = o.user_phone {
            op = op.user_phone(v);
        }
        if let Some(v) = o.idempotency_key {
            op = op.idempotency_key(v);
        }
        if let Some(email) = &$args.user_email {
            op = op.user_contact_email(email.as_str());
        }
        if $args.testing {
            op = op.testing_mode(true);
        }
        op
    }};
}

/// `--no-auto-clearing`, or `--auto-clearing 0|1`.
fn auto_clearing(args: &InitArgs) -> Result<Option<bool>, Failure> {
    if args.no_auto_clearing {
        return Ok(Some(false));
    }
    match args.auto_clearing.as_deref().map(str::trim) {
        None => Ok(None),
        Some("1" | "true" | "yes") => Ok(Some(true)),
        Some("0" | "false" | "no") => Ok(Some(false)),
        Some(_) => Err(Failure::input(
            "--auto-clearing: 1 or 0 (true or false) (nothing was sent)",
        )),
    }
}

fn init(global: &Global, args: &InitArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let amount = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let options = PageOptions::parse(args)?;
    let client = settings::client(global)?;
    let reconcile = Reconcile::payment_order(order_id.as_str());
    let (operation, result): (&'static str, InitPaymentResult) = if args.any_amount {
        let mut op = AnyAmountPayment::new(order_id.clone(), amount, description);
        match (&args.min, &args.max) {
            (Some(min), Some(max)) => {
                op = op.amount_interval(
                    arg("--min", Amount::parse(min))?,
                    arg("--max", Amount::parse(max))?,
                );
            }
            (None, None) => {}
            _ => {
                return Err(Failure::input(
                    "give both --min and --max (nothing was sent)",
                ));
            }
        }
        let op = apply_page_options!(op, options, args);
        let result = client
            .any_amount_payment(op)
            .map_err(|e| call_failure(&e, Some(&reconcile)))?;
        ("any_amount_payment", result)
    } else {
        let mut op = InitPayment::new(order_id.clone(), amount, description);
        if let Some(auto) = auto_clearing(args)? {
            op = op.auto_clearing(auto);
        }
        let op = apply_page_options!(op, options, args);
        let result = client
            .init_payment(op)
            .map_err(|e| call_failure(&e, Some(&reconcile)))?;
        ("init_payment", result)
    };
    Report::new(
        operation,
        format!(
            "payment {} created for {}: send the payer to {}",
            result.payment_id.get(),
            money(amount),
            result.redirect_url
        ),
    )
    .field("order_id", order_id.as_str())
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .field("redirect_url", result.redirect_url.as_str())
    .opt("redirect_url_type", result.redirect_url_type)
    .field(
        "two_step",
        !args.any_amount && auto_clearing(args)? == Some(false),
    )
    .emit(global.json);
    Ok(())
}

fn related_json(items: &[RelatedPayment]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|r| {
                json!({
                    "payment_id": r.payment_id.map(PaymentId::get),
                    "payment_status": r.payment_status.as_ref().map(|s| s.as_str().to_owned()),
                    "amount": r.amount.map(money),
                    "payment_date": r.payment_date,
                    "reference": r.reference,
                })
            })
            .collect(),
    )
}

fn status_report(info: &PaymentStatusInfo) -> Report {
    let state = info
        .payment_status
        .as_ref()
        .map_or("(no pg_payment_status)", |s| s.as_str());
    let paid = info
        .payment_status
        .as_ref()
        .is_some_and(PaymentState::is_paid);
    let held = info.captured == Some(false) && paid;
    let headline = format!(
        "payment {}: {state}{}",
        info.payment_id.get(),
        if held {
            " (held, not cleared yet)"
        } else if paid {
            " (paid)"
        } else {
            ""
        }
    );
    let mut report = Report::new("payment_status", headline)
        .field("found", true)
        .field("payment_id", info.payment_id.get())
        .opt(
            "payment_status",
            info.payment_status.as_ref().map(|s| s.as_str().to_owned()),
        )
        .field("paid", paid)
        .opt("order_id", info.order_id.clone())
        .opt("amount", info.amount.map(money))
        .opt(
            "currency",
            info.currency.as_ref().map(|c| c.code().to_owned()),
        )
        .opt("captured", info.captured)
        .opt("can_reject", info.can_reject)
        .opt("clearing_amount", info.clearing_amount.map(money))
        .opt("refund_amount", info.refund_amount.map(money))
        .opt("revoked_amount", info.revoked_amount.map(money))
        .opt(
            "payment_method",
            info.payment_method.as_ref().map(|m| m.as_str().to_owned()),
        )
        .opt("card_pan", info.card_pan.as_ref().map(ToString::to_string))
        .opt("payment_date", info.payment_date.clone())
        .opt("reference", info.reference.clone())
        .opt("failure_code", info.failure_code.map(|c| c.code()))
        .opt("failure_description", info.failure_description.clone());
    if !info.refunds.is_empty() {
        report = report.field("refunds", related_json(&info.refunds));
    }
    if !info.revocations.is_empty() {
        report = report.field("revocations", related_json(&info.revocations));
    }
    report
}

fn status(global: &Global, args: &StatusArgs) -> Result<(), Failure> {
    let (op, what) = match (&args.payment_id, &args.order_id) {
        (Some(id), _) => {
            let id = payment_id(id)?;
            (
                PaymentStatus::by_payment_id(id),
                format!("payment id {}", id.get()),
            )
        }
        (None, Some(order)) => {
            let order = arg("--order-id", OrderId::new(order.as_str()))?;
            let what = format!("order id {}", order.as_str());
            (PaymentStatus::by_order_id(order), what)
        }
        (None, None) => return Err(Failure::input("give --payment-id or --order-id")),
    };
    let op = match args.last_attempt.as_deref() {
        Some(text) => {
            let now = std::time::SystemTime::now();
            let at = crate::reconcile_cmd::parse_last_attempt(text, now)?;
            op.since_last_attempt(now.duration_since(at).unwrap_or_default())
        }
        None => op,
    };
    let client = settings::client(global)?;
    let report = match client.payment_status(op) {
        Ok(Lookup::Found(info)) => status_report(&info),
        Ok(Lookup::NotFound(answer)) => crate::reconcile_cmd::not_found_report(
            "payment_status",
            crate::reconcile_cmd::Flow::Payment,
            &what,
            args.order_id.as_deref(),
            &answer,
        ),
        Err(e) => return Err(call_failure(&e, None)),
    };
    report.emit(global.json);
    Ok(())
}

fn refund(global: &Global, args: &RefundArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let mut op = RefundPayment::new(id);
    let amount = args
        .amount
        .as_deref()
        .map(|a| arg("--amount", Amount::parse(a)))
        .transpose()?;
    if let Some(amount) = amount {
        op = op.amount(amount);
    }
    if let Some(key) = idempotency_key(&args.idempotency_key)? {
        op = op.idempotency_key(key);
    }
    let client = settings::client(global)?;
    let result = client
        .refund_payment(op)
        .map_err(|e| call_failure(&e, Some(&Reconcile::payment(id.get()))))?;
    let how_much = amount.map_or_else(|| "in full".to_owned(), money);
    Report::new(
        "refund_payment",
        format!(
            "payment {} refunded ({how_much}): {}",
            id.get(),
            result.status
        ),
    )
    .field("payment_id", id.get())
    .field("status", result.status.as_str())
    .opt("refund_amount", amount.map(money))
    .opt(
        "revoke_payment_id",
        result.revoke_payment_id.map(PaymentId::get),
    )
    .emit(global.json);
    Ok(())
}

fn clear(global: &Global, args: &ClearArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let mut op = CapturePayment::new(id);
    let amount = args
        .amount
        .as_deref()
        .map(|a| arg("--amount", Amount::parse(a)))
        .transpose()?;
    if let Some(amount) = amount {
        op = op.amount(amount);
    }
    if let Some(key) = idempotency_key(&args.idempotency_key)? {
        op = op.idempotency_key(key);
    }
    let client = settings::client(global)?;
    let result = client
        .capture_payment(op)
        .map_err(|e| call_failure(&e, Some(&Reconcile::payment(id.get()))))?;
    let cleared = result.clearing_amount.or(amount).or(result.amount);
    Report::new(
        "capture_payment",
        format!(
            "payment {} cleared{}: {}",
            id.get(),
            cleared.map_or_else(String::new, |a| format!(" ({})", money(a))),
            result.status
        ),
    )
    .field("payment_id", id.get())
    .field("status", result.status.as_str())
    .opt("amount", result.amount.map(money))
    .opt("clearing_amount", result.clearing_amount.map(money))
    .emit(global.json);
    Ok(())
}

fn cancel(global: &Global, args: &CancelArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let mut op = CancelPayment::new(id);
    if let Some(key) = idempotency_key(&args.idempotency_key)? {
        op = op.idempotency_key(key);
    }
    let client = settings::client(global)?;
    let result = client
        .cancel_payment(op)
        .map_err(|e| call_failure(&e, Some(&Reconcile::payment(id.get()))))?;
    Report::new(
        "cancel_payment",
        format!(
            "payment {} cancelled (hold released): {}",
            id.get(),
            result.status
        ),
    )
    .field("payment_id", id.get())
    .field("status", result.status.as_str())
    .opt(
        "cancel_payment_id",
        result.cancel_payment_id.map(PaymentId::get),
    )
    .emit(global.json);
    Ok(())
}
