//! `freedompay balance` and `freedompay payout ...`.

use clap::{Args, Subcommand};
use freedompay_core::payout::{
    AddPayoutCard, Balance, BankRecipient, Bik, Iban, Iin, Kbe, Knp, PayoutCard, PayoutPage,
    PayoutStatus, PayoutStatusByOrder, PayoutToCard, PayoutToIban, PayoutToSavedCard,
};
use freedompay_core::{
    Amount, CardNumber, Currency, DateTime, Description, Lookup, NotFound, OrderId, PaymentId,
    Status, Url, UserId,
};

use crate::output::{Reconcile, Report, arg, call_failure};
use crate::reconcile_cmd::{Flow, not_found_report, parse_last_attempt};
use crate::{Failure, Global, settings};

/// Payout commands.
#[derive(Subcommand, Debug)]
pub(crate) enum PayoutCommand {
    /// Pay out to a card by its number (/g2g/p2p2nonreg, payout secret).
    Card(CardArgs),
    /// A payout's state: by order id (/api/payment_status2) or by payment id (/api/payment_status).
    Status(StatusArgs),
    /// What became of a payout whose outcome is unknown: polls its status by order id until it is paid, failed or never arrived (a minute or more after the last attempt), or the deadline.
    Reconcile(crate::reconcile_cmd::ReconcileArgs),
    /// Create a payout page where the recipient types their card (/api/reg2nonreg); prints the page's URL.
    Page(PageArgs),
    /// Pay out to a bank account by IBAN, in tenge (/api/to_iban).
    Iban(IbanArgs),
    /// Pay out to a card saved for payouts, by its token (/api/reg2reg).
    Token(TokenArgs),
    /// Open a page where a recipient saves a card for payouts (/v1/merchant/{id}/cardstoragepayout/add); prints its URL.
    AddCard(AddCardArgs),
}

/// `payout card`.
#[derive(Args, Debug)]
pub(crate) struct CardArgs {
    /// Your unique id of this payout (pg_order_id): reconcile by it if the outcome is unknown.
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50.
    #[arg(long)]
    amount: String,
    /// The recipient's card number (13 to 20 digits; spaces and dashes are ignored).
    #[arg(long, value_name = "PAN")]
    card: String,
    /// What the payout is for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// Where FreedomPay notifies the outcome (pg_post_link).
    #[arg(long, value_name = "URL")]
    post_link: String,
    /// The currency of the amount (ISO 4217, e.g. KZT); the merchant's by default.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// The recipient's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// The card holder's name (pg_card_name).
    #[arg(long, value_name = "NAME")]
    card_name: Option<String>,
}

/// `payout status`.
#[derive(Args, Debug)]
#[group(required = true, multiple = true)]
pub(crate) struct StatusArgs {
    /// The payout's order id (/api/payment_status2).
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// The payout's payment id at FreedomPay: alone, /api/payment_status; with --order-id, narrows it.
    #[arg(long, value_name = "N")]
    payment_id: Option<String>,
    /// When the payout was last sent (unix seconds, 2026-01-01T05:00:00Z, or 90s-ago): a
    /// "not found" proves it never arrived only a minute or more after it.
    #[arg(long, value_name = "TIME")]
    last_attempt: Option<String>,
}

/// `payout page`.
#[derive(Args, Debug)]
pub(crate) struct PageArgs {
    /// Your unique id of this payout (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50.
    #[arg(long)]
    amount: String,
    /// What the payout is for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// Where the recipient returns after the page (pg_back_link).
    #[arg(long, value_name = "URL")]
    back_link: String,
    /// Where FreedomPay notifies the outcome (pg_post_link).
    #[arg(long, value_name = "URL")]
    post_link: String,
    /// Until when the page is open, in the gateway's local time: "YYYY-MM-DD HH:MM:SS".
    #[arg(long, value_name = "DATETIME")]
    time_limit: String,
    /// The recipient's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// The recipient's e-mail (pg_user_email).
    #[arg(long, value_name = "EMAIL", alias = "user-email")]
    email: Option<String>,
}

/// `payout iban`.
#[derive(Args, Debug)]
pub(crate) struct IbanArgs {
    /// Your unique id of this payout (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount in tenge, like 350000 or 1500.50.
    #[arg(long)]
    amount: String,
    /// The recipient's IBAN (KZ...).
    #[arg(long)]
    iban: String,
    /// The recipient's IIN or BIN (12 digits).
    #[arg(long)]
    iin: String,
    /// The account holder's full name (pg_recipient_name).
    #[arg(long, value_name = "NAME", alias = "name")]
    recipient_name: String,
    /// The beneficiary code (Kbe, 2 digits, e.g. 19).
    #[arg(long)]
    kbe: String,
    /// The bank's identifier code (BIC, e.g. KCJBKZKX).
    #[arg(long)]
    bik: String,
    /// The purpose code of the payment (KNP, 3 digits, e.g. 311).
    #[arg(long)]
    knp: String,
    /// What the payout is for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// Where FreedomPay notifies the outcome (pg_post_link).
    #[arg(long, value_name = "URL")]
    post_link: String,
}

/// `payout token`.
#[derive(Args, Debug)]
pub(crate) struct TokenArgs {
    /// Your unique id of this payout (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50.
    #[arg(long)]
    amount: String,
    /// What the payout is for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// The user the card was saved for (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: String,
    /// The saved card's token (pg_card_token_to).
    #[arg(
        long,
        value_name = "TOKEN",
        required_unless_present = "card_id",
        conflicts_with = "card_id"
    )]
    card_token: Option<String>,
    /// Instead of a token: the card's legacy id (pg_card_id_to).
    #[arg(long, value_name = "ID")]
    card_id: Option<String>,
    /// Where FreedomPay notifies the outcome (pg_post_link).
    #[arg(long, value_name = "URL")]
    post_link: String,
    /// How long the gateway may take, in its local time: "YYYY-MM-DD HH:MM:SS".
    #[arg(long, value_name = "DATETIME")]
    time_limit: String,
    /// Where a recipient who sees a page returns (pg_back_link).
    #[arg(long, value_name = "URL")]
    back_link: Option<String>,
}

/// `payout add-card`.
#[derive(Args, Debug)]
pub(crate) struct AddCardArgs {
    /// The user the card is saved for (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: String,
    /// Where FreedomPay notifies the saved card (pg_post_link).
    #[arg(long, value_name = "URL")]
    post_link: String,
    /// Where the user returns after the page (pg_back_link).
    #[arg(long, value_name = "URL")]
    back_link: String,
    /// Your id of this operation (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
}

/// An amount with two decimals, as people read money.
pub(crate) fn money(amount: Amount) -> String {
    let minor = amount.minor_units();
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn status_note(status: &Status, order_id: &str) -> Option<String> {
    match status {
        Status::Process | Status::Pending => Some(format!(
            "The payout is being processed: its outcome comes to the post link, or ask with `freedompay payout status --order-id {order_id}`."
        )),
        _ => None,
    }
}

/// Runs a payout subcommand.
pub(crate) fn run(global: &Global, command: &PayoutCommand) -> Result<(), Failure> {
    match command {
        PayoutCommand::Card(args) => card(global, args),
        PayoutCommand::Status(args) => status(global, args),
        PayoutCommand::Reconcile(args) => {
            crate::reconcile_cmd::run(global, args, crate::reconcile_cmd::Flow::Payout)
        }
        PayoutCommand::Page(args) => page(global, args),
        PayoutCommand::Iban(args) => iban(global, args),
        PayoutCommand::Token(args) => token(global, args),
        PayoutCommand::AddCard(args) => add_card(global, args),
    }
}

/// `freedompay balance`.
pub(crate) fn balance(global: &Global) -> Result<(), Failure> {
    let client = settings::client(global)?;
    let info = client
        .balance(Balance::new())
        .map_err(|e| call_failure(&e, None))?;
    Report::new(
        "balance",
        format!("payout balance: {}", money(info.balance)),
    )
    .field("balance", money(info.balance))
    .emit(global.json);
    Ok(())
}

fn card(global: &Global, args: &CardArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let amount = arg("--amount", Amount::parse(&args.amount))?;
    let card = arg("--card", CardNumber::parse(&args.card))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let post_link = arg("--post-link", Url::new(args.post_link.as_str()))?;
    let masked = card.masked();
    let mut op = PayoutToCard::new(order_id.clone(), amount, card, description, post_link);
    if let Some(currency) = &args.currency {
        op = op.currency(arg("--currency", Currency::parse(currency))?);
    }
    if let Some(user) = &args.user_id {
        op = op.user_id(arg("--user-id", UserId::new(user.as_str()))?);
    }
    if let Some(name) = &args.card_name {
        op = op.card_name(name.as_str());
    }
    let client = settings::client(global)?;
    let reconcile = Reconcile::payout(order_id.as_str());
    let result = client
        .payout_to_card(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    let mut report = Report::new(
        "payout_to_card",
        format!(
            "payout of {} to card {masked}: {}",
            money(amount),
            result.status
        ),
    )
    .field("order_id", order_id.as_str())
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .field("card", masked)
    .opt("payment_amount", result.payment_amount.map(money))
    .opt("balance", result.balance.map(money))
    .opt("reference", result.reference)
    .opt("payment_date", result.payment_date);
    if let Some(note) = status_note(&result.status, order_id.as_str()) {
        report = report.note(note);
    }
    report.emit(global.json);
    Ok(())
}

fn not_found(order: Option<&str>, payment: Option<u64>, answer: &NotFound) -> Report {
    let what = match (order, payment) {
        (Some(o), _) => format!("order id {o}"),
        (None, Some(p)) => format!("payment id {p}"),
        (None, None) => "this id".to_owned(),
    };
    not_found_report("payout_status", Flow::Payout, &what, order, answer)
        .opt("order_id", order)
        .opt("payment_id", payment)
}

fn status(global: &Global, args: &StatusArgs) -> Result<(), Failure> {
    let order_id = args
        .order_id
        .as_deref()
        .map(|o| arg("--order-id", OrderId::new(o)))
        .transpose()?;
    let payment_id = args
        .payment_id
        .as_deref()
        .map(|p| arg("--payment-id", PaymentId::parse(p.trim())))
        .transpose()?;
    let since = args
        .last_attempt
        .as_deref()
        .map(|t| {
            let now = std::time::SystemTime::now();
            parse_last_attempt(t, now).map(|at| now.duration_since(at).unwrap_or_default())
        })
        .transpose()?;
    let client = settings::client(global)?;
    let report = match (order_id, payment_id) {
        (Some(order), payment) => {
            let mut op = PayoutStatusByOrder::new(order.clone());
            if let Some(since) = since {
                op = op.since_last_attempt(since);
            }
            if let Some(p) = payment {
                op = op.payment_id(p);
            }
            match client.payout_status_by_order(op) {
                Ok(Lookup::Found(info)) => Report::new(
                    "payout_status_by_order",
                    format!(
                        "payout order {}: {}{}",
                        order.as_str(),
                        info.payment_status,
                        if info.payment_status.is_final() {
                            " (final)"
                        } else {
                            " (not final yet)"
                        }
                    ),
                )
                .field("found", true)
                .field("order_id", order.as_str())
                .field("payment_id", info.payment_id.get())
                .field("payment_status", info.payment_status.as_str())
                .field("final", info.payment_status.is_final())
                .field("status", info.status.as_str()),
                Ok(Lookup::NotFound(answer)) => {
                    not_found(Some(order.as_str()), payment.map(PaymentId::get), &answer)
                }
                Err(e) => return Err(call_failure(&e, None)),
            }
        }
        (None, Some(payment)) => match client.payout_status(match since {
            Some(since) => PayoutStatus::new(payment).since_last_attempt(since),
            None => PayoutStatus::new(payment),
        }) {
            Ok(Lookup::Found(info)) => {
                let state = info.payment_status.as_ref().map_or_else(
                    || info.status.as_str().to_owned(),
                    |s| s.as_str().to_owned(),
                );
                Report::new(
                    "payout_status",
                    format!(
                        "payout {}: {state}{}",
                        payment.get(),
                        if info.is_final() {
                            " (final)"
                        } else {
                            " (not final yet)"
                        }
                    ),
                )
                .field("found", true)
                .field("payment_id", payment.get())
                .field("status", info.status.as_str())
                .opt(
                    "payment_status",
                    info.payment_status.as_ref().map(|s| s.as_str().to_owned()),
                )
                .field("final", info.is_final())
                .opt("order_id", info.order_id.clone())
                .opt("payment_amount", info.payment_amount.map(money))
                .opt("payment_date", info.payment_date.clone())
                .opt("failure_code", info.failure_code.map(|c| c.code()))
                .opt("failure_description", info.failure_description.clone())
            }
            Ok(Lookup::NotFound(answer)) => not_found(None, Some(payment.get()), &answer),
            Err(e) => return Err(call_failure(&e, None)),
        },
        (None, None) => return Err(Failure::input("give --order-id or --payment-id")),
    };
    report.emit(global.json);
    Ok(())
}

fn time_limit(text: &str) -> Result<DateTime, Failure> {
    arg("--time-limit", DateTime::parse(text.trim()))
}

fn page(global: &Global, args: &PageArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let amount = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let back_link = arg("--back-link", Url::new(args.back_link.as_str()))?;
    let post_link = arg("--post-link", Url::new(args.post_link.as_str()))?;
    let limit = time_limit(&args.time_limit)?;
    let mut op = PayoutPage::new(
        order_id.clone(),
        amount,
        description,
        back_link,
        post_link,
        limit,
    );
    if let Some(user) = &args.user_id {
        op = op.user_id(arg("--user-id", UserId::new(user.as_str()))?);
    }
    if let Some(email) = &args.email {
        op = op.user_email(email.as_str());
    }
    let client = settings::client(global)?;
    let reconcile = Reconcile::payout(order_id.as_str());
    let result = client
        .payout_page(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    Report::new(
        "payout_page",
        format!(
            "payout page for {} created: send the recipient to {}",
            money(amount),
            result.redirect_url
        ),
    )
    .field("order_id", order_id.as_str())
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .field("redirect_url", result.redirect_url.as_str())
    .note("The outcome comes to the post link once the recipient has entered a card.")
    .emit(global.json);
    Ok(())
}

fn iban(global: &Global, args: &IbanArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let amount = arg("--amount", Amount::parse(&args.amount))?;
    let iban = arg("--iban", Iban::parse(args.iban.trim()))?;
    let masked = iban.masked();
    let recipient = arg(
        "--recipient-name",
        BankRecipient::new(
            iban,
            arg("--iin", Iin::parse(args.iin.trim()))?,
            args.recipient_name.as_str(),
            arg("--kbe", Kbe::parse(args.kbe.trim()))?,
            arg("--bik", Bik::parse(args.bik.trim()))?,
        ),
    )?;
    let knp = arg("--knp", Knp::parse(args.knp.trim()))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let post_link = arg("--post-link", Url::new(args.post_link.as_str()))?;
    let op = PayoutToIban::new(
        order_id.clone(),
        amount,
        recipient,
        knp,
        description,
        post_link,
    );
    let client = settings::client(global)?;
    let reconcile = Reconcile::payout(order_id.as_str());
    let result = client
        .payout_to_iban(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    let mut report = Report::new(
        "payout_to_iban",
        format!(
            "payout of {} to account {masked}: {}",
            money(amount),
            result.status
        ),
    )
    .field("order_id", order_id.as_str())
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .field("iban", masked)
    .opt("payment_amount", result.payment_amount.map(money))
    .opt("payment_date", result.payment_date);
    if let Some(note) = status_note(&result.status, order_id.as_str()) {
        report = report.note(note);
    }
    report.emit(global.json);
    Ok(())
}

fn token(global: &Global, args: &TokenArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let amount = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let user_id = arg("--user-id", UserId::new(args.user_id.as_str()))?;
    let card = match (&args.card_token, &args.card_id) {
        (Some(token), _) => arg("--card-token", PayoutCard::token(token.trim()))?,
        (None, Some(id)) => arg("--card-id", PayoutCard::legacy_id(id.trim()))?,
        (None, None) => return Err(Failure::input("give --card-token or --card-id")),
    };
    let post_link = arg("--post-link", Url::new(args.post_link.as_str()))?;
    let limit = time_limit(&args.time_limit)?;
    let mut op = PayoutToSavedCard::new(
        order_id.clone(),
        amount,
        user_id,
        card,
        description,
        post_link,
        limit,
    );
    if let Some(back) = &args.back_link {
        op = op.back_link(arg("--back-link", Url::new(back.as_str()))?);
    }
    let client = settings::client(global)?;
    let reconcile = Reconcile::payout(order_id.as_str());
    let result = client
        .payout_to_saved_card(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    let card_text = result
        .card_hash
        .clone()
        .map_or_else(|| "the saved card".to_owned(), |h| format!("card {h}"));
    let mut report = Report::new(
        "payout_to_saved_card",
        format!(
            "payout of {} to {card_text}: {}",
            money(amount),
            result.status
        ),
    )
    .field("order_id", order_id.as_str())
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .opt("card_hash", result.card_hash)
    .opt("payment_amount", result.payment_amount.map(money))
    .opt("balance", result.balance.map(money))
    .opt("payment_date", result.payment_date);
    if let Some(note) = status_note(&result.status, order_id.as_str()) {
        report = report.note(note);
    }
    report.emit(global.json);
    Ok(())
}

fn add_card(global: &Global, args: &AddCardArgs) -> Result<(), Failure> {
    let user_id = arg("--user-id", UserId::new(args.user_id.as_str()))?;
    let post_link = arg("--post-link", Url::new(args.post_link.as_str()))?;
    let back_link = arg("--back-link", Url::new(args.back_link.as_str()))?;
    let mut op = AddPayoutCard::new(user_id, post_link, back_link);
    if let Some(order) = &args.order_id {
        op = op.order_id(arg("--order-id", OrderId::new(order.as_str()))?);
    }
    let client = settings::client(global)?;
    let result = client
        .add_payout_card(op)
        .map_err(|e| call_failure(&e, None))?;
    Report::new(
        "add_payout_card",
        format!(
            "card page opened: send the recipient to {}",
            result.redirect_url
        ),
    )
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .field("redirect_url", result.redirect_url.as_str())
    .opt("order_id", result.order_id)
    .note("The saved card's token comes to the post link; pay out to it with `freedompay payout token`.")
    .emit(global.json);
    Ok(())
}
