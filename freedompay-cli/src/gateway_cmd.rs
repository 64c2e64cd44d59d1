//! `freedompay gateway ...`: the Gateway API (`/g2g/...`, docs/protocol.md §11) for merchants
//! that collect card data themselves (PCI DSS).
//!
//! # Card data on the command line
//!
//! The payer's card number (PAN), security code (CVC) and expiry are never taken as plain
//! flags, which end up in shell history and in `ps`:
//!
//! * from the environment: `FREEDOMPAY_CARD_PAN`, `FREEDOMPAY_CARD_EXPIRY` (`MM/YY`),
//!   `FREEDOMPAY_CARD_CVC` (and `FREEDOMPAY_WALLET_CRYPTOGRAM` for a wallet payment);
//! * or from standard input: `--card-stdin` reads the PAN, the expiry and the CVC, one a line
//!   (the CVC line is not read by `wallet-pay`); `--cvc-stdin` reads the CVC only;
//!   `--cryptogram-stdin` reads a wallet's cryptogram (after the card lines, if any).
//!
//! `--expiry MM/YY` is accepted as a flag too (an expiry alone pays nothing). The card holder's
//! name is a flag (`--card-name`). A recipient's card number (`transfer --recipient-card`) is a
//! flag, as for `payout card --card`: it receives money and cannot pay.
//!
//! What was read is wiped from memory once parsed (the core's card types wipe their own copy
//! when dropped). Nothing of it is ever printed: card numbers show masked (`4405 64** **** 6150`), the CVC,
//! the expiry and the cryptogram never; error messages name the source, never the value.

use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use freedompay_core::gateway::{
    AcsRedirect, CancelCardPayment, CardPayment, CardPaymentInfo, CardPaymentStatus, CardTransfer,
    CardTransferResult, CardTransferStatus, ClearCardPayment, CompleteCardPayment,
    CompleteCardTransfer, CompleteStoreCard, ListStoredCards, RefundCardPayment, RemoveStoredCard,
    StoreCard, TokenPayment, TokenPaymentResult, TransferRecipient, TransferSender, Wallet,
    WalletPayment, WalletPaymentData,
};
use freedompay_core::payment::Language;
use freedompay_core::{
    Amount, CardData, CardHolder, CardNumber, Currency, Cvc, Description, Expiry, Lookup, NotFound,
    OrderId, PaymentId, Phone, Url, UserId,
};
use serde_json::{Map, Value, json};
use zeroize::Zeroize;

use crate::output::{Reconcile, Report, arg, call_failure};
use crate::payout_cmd::money;
use crate::{Failure, Global, settings};

/// The payer's card number.
pub(crate) const PAN_ENV: &str = "FREEDOMPAY_CARD_PAN";
/// The card's expiry, `MM/YY`.
pub(crate) const EXPIRY_ENV: &str = "FREEDOMPAY_CARD_EXPIRY";
/// The card's security code.
pub(crate) const CVC_ENV: &str = "FREEDOMPAY_CARD_CVC";
/// A wallet's online payment cryptogram.
pub(crate) const CRYPTOGRAM_ENV: &str = "FREEDOMPAY_WALLET_CRYPTOGRAM";

const CARD_HELP: &str = "\
Card data (PCI DSS) is never a plain flag: give the card number, expiry and CVC in
FREEDOMPAY_CARD_PAN, FREEDOMPAY_CARD_EXPIRY (MM/YY) and FREEDOMPAY_CARD_CVC, or on standard
input: --card-stdin reads the PAN, the expiry and the CVC, one a line; --cvc-stdin only the
CVC. --expiry MM/YY may be a flag. Card numbers print masked; the CVC and expiry never print.";

/// Gateway API commands.
#[derive(Subcommand, Debug)]
pub(crate) enum GatewayCommand {
    /// Card payments with card data: pay (with its 3-D Secure step), complete, cancel, clear, refund, status (status_v2).
    #[command(subcommand)]
    Pay(PayCommand),
    /// Cards stored from their data: add (with its 3-D Secure step), complete, list, remove.
    #[command(subcommand)]
    Card(CardCommand),
    /// Transfer from one card to another (/g2g/p2p/transfer); may answer with a 3-D Secure step.
    #[command(after_help = CARD_HELP)]
    Transfer(Box<TransferArgs>),
    /// Finish a transfer after the payer's 3-D Secure (/g2g/p2p/transfer_acs).
    TransferComplete(AcsArgs),
    /// A transfer's state (/g2g/p2p/status).
    TransferStatus(TransferStatusArgs),
    /// Pay with a stored card's token (/g2g/payment with pg_card_token).
    TokenPay(TokenPayArgs),
    /// Pay with Apple Pay, Google Pay or Samsung Pay data (/g2g/payment).
    #[command(after_help = WALLET_HELP)]
    WalletPay(Box<WalletPayArgs>),
}

const WALLET_HELP: &str = "\
The wallet's decrypted data is card data (PCI DSS), never a plain flag: the device card
number and its expiry in FREEDOMPAY_CARD_PAN and FREEDOMPAY_CARD_EXPIRY (MM/YY) or on standard
input with --card-stdin (two lines: PAN, expiry); the cryptogram in
FREEDOMPAY_WALLET_CRYPTOGRAM or with --cryptogram-stdin (the next line). None of it prints.";

/// `gateway pay ...`.
#[derive(Subcommand, Debug)]
pub(crate) enum PayCommand {
    /// Pay with the payer's card data (/g2g/payment); prints the 3-D Secure step when the issuer asks for one.
    #[command(after_help = CARD_HELP)]
    Card(Box<PayCardArgs>),
    /// Finish a card payment after the payer's 3-D Secure (/g2g/paymentAcs).
    Complete(AcsArgs),
    /// Release the hold of a two-step payment (/g2g/cancel).
    Cancel(PaymentIdArgs),
    /// Charge the hold of a two-step payment, fully or partly (/g2g/clearing).
    Clear(AmountArgs),
    /// Refund a charged payment, fully or partly (/g2g/refund).
    Refund(AmountArgs),
    /// A payment's state, with its card and refunds (/g2g/status_v2), by payment id or order id.
    Status(StatusArgs),
}

/// `gateway card ...`.
#[derive(Subcommand, Debug)]
pub(crate) enum CardCommand {
    /// Store a payer's card from its data (/g2g/cardstorage/add); prints its token, or the 3-D Secure step.
    #[command(after_help = CARD_HELP)]
    Add(AddCardArgs),
    /// Finish storing a card after the payer's 3-D Secure (/g2g/cardstorage/payment_acs).
    Complete(AcsArgs),
    /// A payer's stored cards (/g2g/cardstorage/list).
    List(UserArgs),
    /// Remove a payer's stored card (/g2g/cardstorage/remove).
    Remove(RemoveArgs),
}

/// Where the card data comes from.
#[derive(Args, Debug, Default)]
pub(crate) struct CardSource {
    /// Read the card number, the expiry (MM/YY) and the CVC from standard input, one a line.
    #[arg(long, conflicts_with = "cvc_stdin")]
    card_stdin: bool,
    /// Read the CVC from standard input (the card number from FREEDOMPAY_CARD_PAN).
    #[arg(long)]
    cvc_stdin: bool,
    /// The expiry, MM/YY or MM/YYYY (or FREEDOMPAY_CARD_EXPIRY, or --card-stdin; with this flag --card-stdin reads the PAN and the CVC only).
    #[arg(long, value_name = "MM/YY")]
    expiry: Option<String>,
    /// The card holder's name as on the card (Latin letters) (pg_card_name).
    #[arg(long, value_name = "NAME")]
    card_name: String,
}

/// `gateway pay card`.
#[derive(Args, Debug)]
pub(crate) struct PayCardArgs {
    /// Your unique id of this payment (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50.
    #[arg(long)]
    amount: String,
    /// What the payer pays for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    #[command(flatten)]
    card: CardSource,
    /// The currency of the amount (ISO 4217, e.g. KZT); the merchant's by default.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// The payer's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// The payer's e-mail (pg_user_email).
    #[arg(long, value_name = "EMAIL")]
    user_email: Option<String>,
    /// The payer's phone (pg_user_phone).
    #[arg(long, value_name = "PHONE")]
    user_phone: Option<String>,
    /// A two-step payment: the money is only held until `gateway pay clear` or `gateway pay cancel` (pg_auto_clearing=0).
    #[arg(long, alias = "two-step", conflicts_with = "auto_clearing")]
    no_auto_clearing: bool,
    /// Charge at once (pg_auto_clearing=1); the shop's setting without either flag.
    #[arg(long)]
    auto_clearing: bool,
    /// A test payment (pg_testing_mode=1).
    #[arg(long)]
    testing: bool,
    /// Ask the issuer for a 3-D Secure challenge (pg_3ds_challenge=1).
    #[arg(long)]
    require_3ds: bool,
    /// Your page that receives the issuer's PaRes and MD: shown as the TermUrl of the 3-D Secure form.
    #[arg(long, value_name = "URL")]
    term_url: Option<String>,
}

/// The continuation after 3-D Secure.
#[derive(Args, Debug)]
pub(crate) struct AcsArgs {
    /// The payment (or transfer, or card-storing) id the 3-D Secure step named.
    #[arg(long, value_name = "N")]
    payment_id: String,
    /// The MD the issuer posted to your TermUrl.
    #[arg(long, value_name = "MD")]
    md: String,
    /// The PaRes the issuer posted to your TermUrl.
    #[arg(long, value_name = "PARES", required_unless_present = "pares_stdin")]
    pares: Option<String>,
    /// Read the PaRes from standard input instead.
    #[arg(long, conflicts_with = "pares")]
    pares_stdin: bool,
}

/// A payment id.
#[derive(Args, Debug)]
pub(crate) struct PaymentIdArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: String,
}

/// A payment id and an optional amount.
#[derive(Args, Debug)]
pub(crate) struct AmountArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: String,
    /// The amount; the whole payment (or hold) without it.
    #[arg(long)]
    amount: Option<String>,
}

/// `gateway pay status`.
#[derive(Args, Debug)]
#[group(required = true, multiple = true)]
pub(crate) struct StatusArgs {
    /// The payment's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: Option<String>,
    /// Your order id (finds the parent payment only).
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// When the payment request was last sent (unix seconds, 2026-01-01T05:00:00Z, or
    /// 90s-ago): a "not found" proves it never arrived only a minute or more after it.
    #[arg(long, value_name = "TIME")]
    last_attempt: Option<String>,
}

/// `gateway card add`.
#[derive(Args, Debug)]
pub(crate) struct AddCardArgs {
    /// The payer's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: String,
    #[command(flatten)]
    card: CardSource,
    /// Your unique id of this request (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// Your page that receives the issuer's PaRes and MD: shown as the TermUrl of the 3-D Secure form.
    #[arg(long, value_name = "URL")]
    term_url: Option<String>,
}

/// A payer.
#[derive(Args, Debug)]
pub(crate) struct UserArgs {
    /// The payer's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: String,
}

/// `gateway card remove`.
#[derive(Args, Debug)]
pub(crate) struct RemoveArgs {
    /// The payer's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: String,
    /// The stored card's token (pg_card_token).
    #[arg(long, value_name = "TOKEN")]
    card_token: String,
}

/// `gateway transfer`.
#[derive(Args, Debug)]
pub(crate) struct TransferArgs {
    /// Your unique id of this transfer (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount debited, like 5000 or 5000.50, in --currency-from.
    #[arg(long)]
    amount: String,
    /// What the transfer is for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// The currency debited (default KZT).
    #[arg(long, value_name = "CODE", default_value = "KZT")]
    currency_from: String,
    /// The currency credited (default KZT).
    #[arg(long, value_name = "CODE", default_value = "KZT")]
    currency_to: String,
    /// The amount credited, in --currency-to (pg_amount_to).
    #[arg(long, value_name = "AMOUNT")]
    amount_to: Option<String>,
    /// The commission charged to the payer (pg_commission_amount).
    #[arg(long, value_name = "AMOUNT")]
    commission: Option<String>,
    /// Debit a stored card by its token instead of card data.
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["card_stdin", "cvc_stdin", "expiry", "card_name"])]
    sender_token: Option<String>,
    /// Read the sender's card number, expiry and CVC from standard input, one a line.
    #[arg(long, conflicts_with = "cvc_stdin")]
    card_stdin: bool,
    /// Read the sender's CVC from standard input.
    #[arg(long)]
    cvc_stdin: bool,
    /// The sender card's expiry, MM/YY (or FREEDOMPAY_CARD_EXPIRY).
    #[arg(long, value_name = "MM/YY")]
    expiry: Option<String>,
    /// The sender's name as on the card (required with card data).
    #[arg(long, value_name = "NAME")]
    card_name: Option<String>,
    /// No sender card: a payout to the recipient only (the documented "no card" token; needs --recipient-name).
    #[arg(long, conflicts_with_all = ["sender_token", "card_stdin", "cvc_stdin", "expiry", "card_name"])]
    no_sender: bool,
    /// The card credited, by its number (pg_card_recipient).
    #[arg(long, value_name = "PAN", conflicts_with_all = ["recipient_token", "no_recipient"])]
    recipient_card: Option<String>,
    /// The card credited, a stored card by its token (pg_card_recipient_token).
    #[arg(long, value_name = "TOKEN", conflicts_with = "no_recipient")]
    recipient_token: Option<String>,
    /// No recipient card: a debit of the sender only (the documented "no card" token).
    #[arg(long)]
    no_recipient: bool,
    /// The recipient's name (pg_card_recipient_name).
    #[arg(long, value_name = "NAME")]
    recipient_name: Option<String>,
    /// The payer's id in your system (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// The pages' language: ru, en, kk... (pg_language).
    #[arg(long, value_name = "CODE")]
    language: Option<String>,
    /// Your page that receives the issuer's PaRes and MD: shown as the TermUrl of the 3-D Secure form.
    #[arg(long, value_name = "URL")]
    term_url: Option<String>,
}

/// `gateway transfer-status`.
#[derive(Args, Debug)]
pub(crate) struct TransferStatusArgs {
    /// The transfer's id at FreedomPay.
    #[arg(long, value_name = "N")]
    payment_id: String,
    /// When the transfer was last sent (unix seconds, RFC 3339 UTC, or 90s-ago).
    #[arg(long, value_name = "TIME")]
    last_attempt: Option<String>,
}

/// `gateway token-pay`.
#[derive(Args, Debug)]
pub(crate) struct TokenPayArgs {
    /// Your unique id of this payment (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50.
    #[arg(long)]
    amount: String,
    /// What the payer pays for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// The payer's id in your system, whose card it is (pg_user_id).
    #[arg(long, value_name = "ID")]
    user_id: String,
    /// The stored card's token (pg_card_token).
    #[arg(long, value_name = "TOKEN")]
    card_token: String,
    /// The currency of the amount (ISO 4217); the merchant's by default.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// Your page that receives the issuer's PaRes and MD: shown as the TermUrl of the 3-D Secure form.
    #[arg(long, value_name = "URL")]
    term_url: Option<String>,
}

/// `gateway wallet-pay`.
#[derive(Args, Debug)]
pub(crate) struct WalletPayArgs {
    /// The wallet: apple_pay, google_pay or samsung_pay.
    #[arg(long, value_name = "WALLET")]
    wallet: String,
    /// Your unique id of this payment (pg_order_id).
    #[arg(long, value_name = "ID")]
    order_id: String,
    /// The amount, like 1500 or 1500.50.
    #[arg(long)]
    amount: String,
    /// What the payer pays for (pg_description).
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// The currency of the amount (default KZT).
    #[arg(long, value_name = "CODE", default_value = "KZT")]
    currency: String,
    /// Read the device card number and its expiry from standard input, one a line.
    #[arg(long)]
    card_stdin: bool,
    /// Read the cryptogram from standard input (after the card lines with --card-stdin).
    #[arg(long)]
    cryptogram_stdin: bool,
    /// The device card's expiry, MM/YY (or FREEDOMPAY_CARD_EXPIRY).
    #[arg(long, value_name = "MM/YY")]
    expiry: Option<String>,
    /// The card holder's name (pg_card_name).
    #[arg(long, value_name = "NAME")]
    card_name: String,
    /// The ECI the wallet gave (pg_eci_indicator), 1 or 2 digits.
    #[arg(long)]
    eci: Option<String>,
    /// Only hold the money (pg_auto_clearing=0).
    #[arg(long)]
    hold_only: bool,
    /// A test payment (pg_testing_mode=1).
    #[arg(long)]
    testing: bool,
    /// Your page that receives the issuer's PaRes and MD: shown as the TermUrl of the 3-D Secure form.
    #[arg(long, value_name = "URL")]
    term_url: Option<String>,
}

/// Runs a gateway subcommand.
pub(crate) fn run(global: &Global, command: &GatewayCommand) -> Result<(), Failure> {
    let mut stdin = Stdin::default();
    match command {
        GatewayCommand::Pay(PayCommand::Card(args)) => pay_card(global, args, &mut stdin),
        GatewayCommand::Pay(PayCommand::Complete(args)) => pay_complete(global, args, &mut stdin),
        GatewayCommand::Pay(PayCommand::Cancel(args)) => cancel(global, args),
        GatewayCommand::Pay(PayCommand::Clear(args)) => clear(global, args),
        GatewayCommand::Pay(PayCommand::Refund(args)) => refund(global, args),
        GatewayCommand::Pay(PayCommand::Status(args)) => status(global, args),
        GatewayCommand::Card(CardCommand::Add(args)) => card_add(global, args, &mut stdin),
        GatewayCommand::Card(CardCommand::Complete(args)) => {
            card_complete(global, args, &mut stdin)
        }
        GatewayCommand::Card(CardCommand::List(args)) => card_list(global, args),
        GatewayCommand::Card(CardCommand::Remove(args)) => card_remove(global, args),
        GatewayCommand::Transfer(args) => transfer(global, args, &mut stdin),
        GatewayCommand::TransferComplete(args) => transfer_complete(global, args, &mut stdin),
        GatewayCommand::TransferStatus(args) => transfer_status(global, args),
        GatewayCommand::TokenPay(args) => token_pay(global, args),
        GatewayCommand::WalletPay(args) => wallet_pay(global, args, &mut stdin),
    }
}

// ---------------------------------------------------------------------------------------------
// Card data.

/// Standard input, read once when a flag asks for it, then handed out a line at a time.
#[derive(Default)]
pub(crate) struct Stdin {
    lines: Option<std::vec::IntoIter<String>>,
}

impl Stdin {
    /// Lines given directly (tests).
    #[cfg(test)]
    fn of(text: &str) -> Self {
        Self {
            lines: Some(
                text.lines()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
                    .into_iter(),
            ),
        }
    }

    /// The next line (without its line end), naming `what` when there is none.
    fn line(&mut self, what: &str) -> Result<String, Failure> {
        if self.lines.is_none() {
            let mut text = String::new();
            std::io::stdin()
                .lock()
                .take(1 << 20)
                .read_to_string(&mut text)
                .map_err(|_| Failure::input("cannot read standard input as UTF-8 text"))?;
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            text.zeroize();
            self.lines = Some(lines.into_iter());
        }
        self.lines
            .as_mut()
            .and_then(Iterator::next)
            .map(|mut line| {
                let trimmed = line.trim().to_owned();
                line.zeroize();
                trimmed
            })
            .filter(|l| !l.is_empty())
            .ok_or_else(|| {
                Failure::input(format!(
                    "standard input ended before {what} (nothing was sent)"
                ))
            })
    }
}

impl Drop for Stdin {
    /// Lines not read (card data, perhaps) are wiped.
    fn drop(&mut self) {
        if let Some(lines) = &mut self.lines {
            lines.for_each(|mut line| line.zeroize());
        }
    }
}

/// An environment variable, required (its value never appears in a message).
fn env_required(name: &str, what: &str, alternative: &str) -> Result<String, Failure> {
    settings::env_text(name).ok_or_else(|| {
        Failure::input(format!(
            "no {what}: set {name}{alternative} (card data is never a plain flag; nothing was sent)"
        ))
    })
}

/// A card-data value refused: the source is named, never the value.
fn bad_card(source: &str, error: freedompay_core::InvalidInput) -> Failure {
    Failure::input(format!("{source}: {error} (nothing was sent)"))
}

/// Today's year and month (UTC), for the expiry check.
pub(crate) fn this_month(now: SystemTime) -> (u16, u8) {
    let days = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        u16::try_from(year).unwrap_or(u16::MAX),
        u8::try_from(month).unwrap_or(1),
    )
}

/// The card number, expiry and (when `with_cvc`) CVC, from standard input or the
/// environment, in that order of lines: PAN, expiry, CVC.
struct RawCard {
    pan: CardNumber,
    expiry: Expiry,
    cvc: Option<Cvc>,
}

fn read_card(
    card_stdin: bool,
    cvc_stdin: bool,
    expiry_flag: Option<&str>,
    with_cvc: bool,
    stdin: &mut Stdin,
) -> Result<RawCard, Failure> {
    let (pan, pan_source) = if card_stdin {
        (stdin.line("the card number")?, "--card-stdin (card number)")
    } else {
        (
            env_required(PAN_ENV, "card number", " or give --card-stdin")?,
            PAN_ENV,
        )
    };
    let mut pan = pan;
    let parsed = CardNumber::parse(&pan);
    pan.zeroize();
    let pan = parsed.map_err(|e| bad_card(pan_source, e))?;
    let (expiry, expiry_source) = match (card_stdin, expiry_flag) {
        (_, Some(flag)) => (flag.to_owned(), "--expiry"),
        (true, None) => (stdin.line("the expiry (MM/YY)")?, "--card-stdin (expiry)"),
        (false, None) => (
            env_required(
                EXPIRY_ENV,
                "card expiry",
                ", give --expiry MM/YY or --card-stdin",
            )?,
            EXPIRY_ENV,
        ),
    };
    let mut expiry = expiry;
    let parsed = Expiry::parse(&expiry);
    expiry.zeroize();
    let expiry = parsed.map_err(|e| bad_card(expiry_source, e))?;
    let (year, month) = this_month(SystemTime::now());
    expiry
        .check_not_expired_at(year, month)
        .map_err(|e| bad_card(expiry_source, e))?;
    let cvc = if with_cvc {
        let (cvc, source) = if card_stdin {
            (stdin.line("the CVC")?, "--card-stdin (CVC)")
        } else if cvc_stdin {
            (stdin.line("the CVC")?, "--cvc-stdin")
        } else {
            (
                env_required(CVC_ENV, "CVC", ", or give --cvc-stdin or --card-stdin")?,
                CVC_ENV,
            )
        };
        let mut cvc = cvc;
        let parsed = Cvc::parse(&cvc);
        cvc.zeroize();
        Some(parsed.map_err(|e| bad_card(source, e))?)
    } else {
        None
    };
    Ok(RawCard { pan, expiry, cvc })
}

fn card_data(source: &CardSource, stdin: &mut Stdin) -> Result<(CardData, String), Failure> {
    let raw = read_card(
        source.card_stdin,
        source.cvc_stdin,
        source.expiry.as_deref(),
        true,
        stdin,
    )?;
    let holder = arg("--card-name", CardHolder::new(&source.card_name))?;
    let masked = raw.pan.masked();
    let cvc = raw
        .cvc
        .ok_or_else(|| Failure::input("no CVC (nothing was sent)"))?;
    Ok((CardData::new(raw.pan, cvc, raw.expiry, holder), masked))
}

// ---------------------------------------------------------------------------------------------
// Values.

fn payment_id(text: &str) -> Result<PaymentId, Failure> {
    arg("--payment-id", PaymentId::parse(text.trim()))
}

fn amount(flag: &str, text: Option<&str>) -> Result<Option<Amount>, Failure> {
    text.map(|a| arg(flag, Amount::parse(a))).transpose()
}

fn currency(flag: &str, text: &str) -> Result<Currency, Failure> {
    arg(flag, Currency::parse(text.trim()))
}

fn term_url(text: Option<&str>) -> Result<Option<Url>, Failure> {
    text.map(|t| arg("--term-url", Url::new(t))).transpose()
}

fn user_id(text: &str) -> Result<UserId, Failure> {
    arg("--user-id", UserId::new(text))
}

fn pares(args: &AcsArgs, stdin: &mut Stdin) -> Result<String, Failure> {
    match (&args.pares, args.pares_stdin) {
        (Some(p), _) => Ok(p.clone()),
        (None, true) => stdin.line("the PaRes"),
        (None, false) => Err(Failure::input("give --pares or --pares-stdin")),
    }
}

/// The unknown-outcome advice of a `/g2g/payment` call by order id.
fn reconcile_order(order_id: &str) -> Reconcile {
    Reconcile {
        subject: format!("order {order_id}"),
        status_command: format!(
            "freedompay gateway pay status --order-id {order_id} --last-attempt <when it was sent>"
        ),
    }
}

/// The unknown-outcome advice of a call about an existing payment.
fn reconcile_payment(id: PaymentId) -> Reconcile {
    Reconcile {
        subject: format!("payment {}", id.get()),
        status_command: format!("freedompay gateway pay status --payment-id {}", id.get()),
    }
}

// ---------------------------------------------------------------------------------------------
// 3-D Secure.

/// The 3-D Secure step's values, whichever reply type carried them.
struct Acs<'a> {
    url: &'a str,
    md: &'a str,
    pareq: &'a str,
}

impl<'a> From<&'a AcsRedirect> for Acs<'a> {
    fn from(a: &'a AcsRedirect) -> Self {
        Self {
            url: a.acs_url(),
            md: a.md(),
            pareq: a.pa_req(),
        }
    }
}

/// Adds the 3-D Secure step to a report: the ACS URL, the form to POST there, and the command
/// that continues.
fn with_acs(
    report: Report,
    acs: Option<Acs<'_>>,
    term: Option<&Url>,
    id: PaymentId,
    continue_with: &str,
) -> Report {
    let Some(acs) = acs else {
        return report.field("three_ds", false);
    };
    let mut form = Map::new();
    form.insert("PaReq".into(), Value::from(acs.pareq));
    form.insert("MD".into(), Value::from(acs.md));
    if let Some(term) = term {
        form.insert("TermUrl".into(), Value::from(term.as_str()));
    }
    let mut report = report
        .field("three_ds", true)
        .field("acs_url", acs.url)
        .field("acs_method", "POST")
        .field("acs_form", Value::Object(form))
        .note(format!(
            "3-D Secure: the payer's browser must POST the form (PaReq, MD, TermUrl) to {}; the issuer then POSTs PaRes and MD to your TermUrl.",
            acs.url
        ));
    if term.is_none() {
        report = report.note("Give --term-url to include your TermUrl in the form.");
    }
    report.note(format!(
        "Then: freedompay gateway {continue_with} --payment-id {} --md <MD> --pares-stdin (the PaRes on standard input)",
        id.get()
    ))
}

// ---------------------------------------------------------------------------------------------
// Pay.

fn pay_card(global: &Global, args: &PayCardArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let value = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let term = term_url(args.term_url.as_deref())?;
    let (card, masked) = card_data(&args.card, stdin)?;
    let mut op = CardPayment::new(order_id.clone(), value, description, card);
    if let Some(c) = &args.currency {
        op = op.currency(currency("--currency", c)?);
    }
    if let Some(u) = &args.user_id {
        op = op.user_id(user_id(u)?);
    }
    if let Some(email) = &args.user_email {
        op = op.user_email(email.as_str());
    }
    if let Some(phone) = &args.user_phone {
        op = op.user_phone(arg("--user-phone", Phone::new(phone))?);
    }
    if args.no_auto_clearing {
        op = op.auto_clearing(false);
    } else if args.auto_clearing {
        op = op.auto_clearing(true);
    }
    if args.testing {
        op = op.testing_mode();
    }
    if args.require_3ds {
        op = op.require_3ds_challenge();
    }
    let client = settings::client(global)?;
    let result = client
        .gateway_card_payment(op)
        .map_err(|e| call_failure(&e, Some(&reconcile_order(order_id.as_str()))))?;
    let headline = if result.needs_3ds() {
        format!(
            "payment {} of {} by card {masked}: 3-D Secure required, send the payer to the issuer",
            result.payment_id.get(),
            money(value)
        )
    } else {
        format!(
            "payment {} of {} by card {masked}: {}",
            result.payment_id.get(),
            money(value),
            result.status
        )
    };
    let report = Report::new("gateway_card_payment", headline)
        .field("order_id", order_id.as_str())
        .field("payment_id", result.payment_id.get())
        .field("status", result.status.as_str())
        .field("card", masked)
        .opt("auth_code", result.auth_code.clone())
        .opt("reference", result.reference.clone())
        .opt("datetime", result.datetime.clone());
    with_acs(
        report,
        result.three_ds.as_ref().map(Acs::from),
        term.as_ref(),
        result.payment_id,
        "pay complete",
    )
    .emit(global.json);
    Ok(())
}

fn pay_complete(global: &Global, args: &AcsArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let pares = pares(args, stdin)?;
    let op = CompleteCardPayment::new(id, args.md.as_str(), pares);
    let client = settings::client(global)?;
    let result = client
        .gateway_complete_card_payment(op)
        .map_err(|e| call_failure(&e, Some(&reconcile_payment(id))))?;
    Report::new(
        "gateway_complete_card_payment",
        format!(
            "payment {} after 3-D Secure: {}",
            result.payment_id.get(),
            result.status
        ),
    )
    .field("payment_id", result.payment_id.get())
    .field("status", result.status.as_str())
    .opt("auth_code", result.auth_code.clone())
    .opt("reference", result.reference.clone())
    .opt("datetime", result.datetime.clone())
    .opt("card_token", result.card_token.clone())
    .emit(global.json);
    Ok(())
}

fn cancel(global: &Global, args: &PaymentIdArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let client = settings::client(global)?;
    let result = client
        .gateway_cancel_payment(CancelCardPayment::new(id))
        .map_err(|e| call_failure(&e, Some(&reconcile_payment(id))))?;
    Report::new(
        "gateway_cancel_payment",
        format!(
            "payment {} cancelled (hold released): {}",
            id.get(),
            result.status
        ),
    )
    .field("payment_id", id.get())
    .field("status", result.status.as_str())
    .emit(global.json);
    Ok(())
}

fn clear(global: &Global, args: &AmountArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let value = amount("--amount", args.amount.as_deref())?;
    let mut op = ClearCardPayment::new(id);
    if let Some(v) = value {
        op = op.amount(v);
    }
    let client = settings::client(global)?;
    let result = client
        .gateway_clear_payment(op)
        .map_err(|e| call_failure(&e, Some(&reconcile_payment(id))))?;
    let cleared = result.clearing_amount.or(value).or(result.amount);
    Report::new(
        "gateway_clear_payment",
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
    .opt("clearing_amount", cleared.map(money))
    .emit(global.json);
    Ok(())
}

fn refund(global: &Global, args: &AmountArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let value = amount("--amount", args.amount.as_deref())?;
    let mut op = RefundCardPayment::new(id);
    if let Some(v) = value {
        op = op.amount(v);
    }
    let client = settings::client(global)?;
    let result = client
        .gateway_refund_payment(op)
        .map_err(|e| call_failure(&e, Some(&reconcile_payment(id))))?;
    let refunded = result.refund_amount.or(value);
    Report::new(
        "gateway_refund_payment",
        format!(
            "payment {} refunded ({}): {}",
            id.get(),
            refunded.map_or_else(|| "in full".to_owned(), money),
            result.status
        ),
    )
    .field("payment_id", id.get())
    .field("status", result.status.as_str())
    .opt("refund_amount", refunded.map(money))
    .opt(
        "refund_payment_id",
        result.refund_payment_id.map(PaymentId::get),
    )
    .emit(global.json);
    Ok(())
}

fn related(items: &[freedompay_core::payment::RelatedPayment]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|r| {
                json!({
                    "payment_id": r.payment_id.map(PaymentId::get),
                    "payment_status": r.payment_status.as_ref().map(|s| s.as_str().to_owned()),
                    "amount": r.amount.map(money),
                    "payment_date": r.payment_date,
                })
            })
            .collect(),
    )
}

fn status_report(info: &CardPaymentInfo) -> Report {
    let state = info
        .payment_status
        .as_ref()
        .map_or("(no pg_payment_status)", |s| s.as_str());
    let mut report = Report::new(
        "gateway_payment_status",
        format!("payment {}: {state}", info.payment_id.get()),
    )
    .field("found", true)
    .field("payment_id", info.payment_id.get())
    .opt("order_id", info.order_id.clone())
    .opt(
        "payment_status",
        info.payment_status.as_ref().map(|s| s.as_str().to_owned()),
    )
    .opt("amount", info.amount.map(money))
    .opt(
        "currency",
        info.currency.as_ref().map(|c| c.code().to_owned()),
    )
    .opt("captured", info.captured)
    .opt("clearing_amount", info.clearing_amount.map(money))
    .opt("refund_amount", info.refund_amount.map(money))
    .opt("card_pan", info.card_pan.as_ref().map(ToString::to_string))
    .opt("card_brand", info.card_brand.clone())
    .opt("card_id", info.card_id.clone())
    .opt("card_token", info.card_token.clone())
    .opt("payment_date", info.payment_date.clone())
    .opt("reference", info.reference.clone());
    if !info.refunds.is_empty() {
        report = report.field("refunds", related(&info.refunds));
    }
    if !info.revocations.is_empty() {
        report = report.field("revocations", related(&info.revocations));
    }
    report
}

/// The time since `--last-attempt`, if given.
fn since(last_attempt: Option<&str>) -> Result<Option<std::time::Duration>, Failure> {
    last_attempt
        .map(|text| {
            let now = SystemTime::now();
            let at = crate::reconcile_cmd::parse_last_attempt(text, now)?;
            Ok(now.duration_since(at).unwrap_or_default())
        })
        .transpose()
}

fn not_found(operation: &'static str, what: &str, answer: &NotFound) -> Report {
    let report = Report::new(
        operation,
        format!("not found: FreedomPay knows nothing with {what} ({answer})"),
    )
    .mark("-")
    .field("found", false)
    .field("conclusive", answer.is_conclusive())
    .opt(
        "seconds_since_last_attempt",
        answer.since_last_attempt().map(|d| d.as_secs()),
    );
    if answer.is_conclusive() {
        report.note("Asked a minute or more after the last attempt: the request never reached FreedomPay and may be sent again.")
    } else {
        report.note("This proves nothing unless asked a minute or more after the last attempt (give --last-attempt): do NOT send it again yet.")
    }
}

fn status(global: &Global, args: &StatusArgs) -> Result<(), Failure> {
    let id = args.payment_id.as_deref().map(payment_id).transpose()?;
    let order = args
        .order_id
        .as_deref()
        .map(|o| arg("--order-id", OrderId::new(o)))
        .transpose()?;
    let (op, what) = match (id, order) {
        (Some(id), Some(order)) => (
            CardPaymentStatus::by_both(id, order.clone()),
            format!("payment id {} and order id {}", id.get(), order.as_str()),
        ),
        (Some(id), None) => (
            CardPaymentStatus::by_payment_id(id),
            format!("payment id {}", id.get()),
        ),
        (None, Some(order)) => {
            let what = format!("order id {}", order.as_str());
            (CardPaymentStatus::by_order_id(order), what)
        }
        (None, None) => return Err(Failure::input("give --payment-id or --order-id")),
    };
    let op = match since(args.last_attempt.as_deref())? {
        Some(elapsed) => op.since_last_attempt(elapsed),
        None => op,
    };
    let client = settings::client(global)?;
    let report = match client.gateway_payment_status(op) {
        Ok(Lookup::Found(info)) => status_report(&info),
        Ok(Lookup::NotFound(answer)) => not_found("gateway_payment_status", &what, &answer),
        Err(e) => return Err(call_failure(&e, None)),
    };
    report.emit(global.json);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Card.

fn card_add(global: &Global, args: &AddCardArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let user = user_id(&args.user_id)?;
    let order = args
        .order_id
        .as_deref()
        .map(|o| arg("--order-id", OrderId::new(o)))
        .transpose()?;
    let term = term_url(args.term_url.as_deref())?;
    let (card, masked) = card_data(&args.card, stdin)?;
    let mut op = StoreCard::new(user.clone(), card);
    if let Some(order) = order {
        op = op.order_id(order);
    }
    let client = settings::client(global)?;
    let reconcile = Reconcile {
        subject: format!("the card {masked} of user {}", user.as_str()),
        status_command: format!("freedompay gateway card list --user-id {}", user.as_str()),
    };
    let result = client
        .gateway_store_card(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    let headline = match (&result.three_ds, &result.card_token) {
        (Some(_), _) => format!(
            "card {masked} of user {}: 3-D Secure required, send the payer to the issuer",
            user.as_str()
        ),
        (None, Some(token)) => format!(
            "card {masked} stored for user {}: token {token}",
            user.as_str()
        ),
        (None, None) => format!("card {masked} of user {}: {}", user.as_str(), result.status),
    };
    let report = Report::new("gateway_store_card", headline)
        .field("user_id", user.as_str())
        .field("status", result.status.as_str())
        .field("card", masked)
        .opt("payment_id", result.payment_id.map(PaymentId::get))
        .opt("card_token", result.card_token.clone())
        .opt("card_id", result.card_id.clone())
        .opt(
            "card_hash",
            result.card_hash.as_ref().map(ToString::to_string),
        );
    let report = match (result.three_ds.as_ref(), result.payment_id) {
        (Some(acs), Some(id)) => with_acs(
            report,
            Some(Acs::from(acs)),
            term.as_ref(),
            id,
            "card complete",
        ),
        _ => report.field("three_ds", false),
    };
    report.emit(global.json);
    Ok(())
}

fn card_complete(global: &Global, args: &AcsArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let pares = pares(args, stdin)?;
    let op = CompleteStoreCard::new(id, args.md.as_str(), pares);
    let client = settings::client(global)?;
    let reconcile = Reconcile {
        subject: format!("the card-storing transaction {}", id.get()),
        status_command: "freedompay gateway card list --user-id <the payer>".to_owned(),
    };
    let result = client
        .gateway_complete_store_card(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    Report::new(
        "gateway_complete_store_card",
        match &result.card_token {
            Some(token) => format!("card stored after 3-D Secure: token {token}"),
            None => format!("card after 3-D Secure: {}", result.status),
        },
    )
    .field("status", result.status.as_str())
    .opt("payment_id", result.payment_id.map(PaymentId::get))
    .opt("card_token", result.card_token.clone())
    .opt("card_id", result.card_id.clone())
    .opt(
        "card_hash",
        result.card_hash.as_ref().map(ToString::to_string),
    )
    .emit(global.json);
    Ok(())
}

fn card_list(global: &Global, args: &UserArgs) -> Result<(), Failure> {
    let user = user_id(&args.user_id)?;
    let client = settings::client(global)?;
    let cards = client
        .gateway_list_cards(ListStoredCards::new(user.clone()))
        .map_err(|e| call_failure(&e, None))?;
    let items: Vec<Value> = cards
        .iter()
        .map(|c| {
            json!({
                "card_hash": c.card_hash.as_ref().map(ToString::to_string),
                "card_token": c.card_token,
                "status": c.status.as_ref().map(|s| s.as_str().to_owned()),
                "created_at": c.created_at,
            })
        })
        .collect();
    let mut report = Report::new(
        "gateway_list_cards",
        format!("{} stored card(s) of user {}", cards.len(), user.as_str()),
    )
    .field("user_id", user.as_str())
    .field("count", cards.len());
    report = report.field("cards", Value::Array(items));
    report.emit(global.json);
    Ok(())
}

fn card_remove(global: &Global, args: &RemoveArgs) -> Result<(), Failure> {
    let user = user_id(&args.user_id)?;
    if args.card_token.trim().is_empty() {
        return Err(Failure::input(
            "--card-token: must not be empty (nothing was sent)",
        ));
    }
    let client = settings::client(global)?;
    let removed = client
        .gateway_remove_card(RemoveStoredCard::new(user.clone(), args.card_token.trim()))
        .map_err(|e| call_failure(&e, None))?;
    Report::new(
        "gateway_remove_card",
        format!(
            "card {} of user {} removed: {}",
            removed
                .card_hash
                .as_ref()
                .map_or_else(|| args.card_token.clone(), ToString::to_string),
            user.as_str(),
            removed.status
        ),
    )
    .field("user_id", user.as_str())
    .field("status", removed.status.as_str())
    .opt(
        "card_hash",
        removed.card_hash.as_ref().map(ToString::to_string),
    )
    .opt("deleted_at", removed.deleted_at.clone())
    .emit(global.json);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Transfer.

fn transfer_reconcile(order_id: &str) -> Reconcile {
    Reconcile {
        subject: format!("transfer order {order_id}"),
        status_command: format!(
            "freedompay gateway pay status --order-id {order_id} --last-attempt <when it was sent>; with the transfer's payment id, freedompay gateway transfer-status --payment-id <id>"
        ),
    }
}

fn transfer_report(
    operation: &'static str,
    result: &CardTransferResult,
    lead: String,
    term: Option<&Url>,
) -> Report {
    let headline = if result.three_ds.is_some() {
        format!(
            "{lead} → transfer {}: 3-D Secure required, send the payer to the issuer",
            result.payment_id.get()
        )
    } else {
        format!(
            "{lead} → transfer {}: {}",
            result.payment_id.get(),
            result.status
        )
    };
    let report = Report::new(operation, headline)
        .field("payment_id", result.payment_id.get())
        .field("status", result.status.as_str())
        .opt("order_id", result.order_id.clone());
    with_acs(
        report,
        result.three_ds.as_ref().map(Acs::from),
        term,
        result.payment_id,
        "transfer-complete",
    )
}

fn transfer(global: &Global, args: &TransferArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let value = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let from = currency("--currency-from", &args.currency_from)?;
    let to = currency("--currency-to", &args.currency_to)?;
    let term = term_url(args.term_url.as_deref())?;
    let recipient = match (&args.recipient_card, &args.recipient_token) {
        (Some(pan), _) => TransferRecipient::from(arg("--recipient-card", CardNumber::parse(pan))?),
        (None, Some(token)) => arg("--recipient-token", TransferRecipient::token(token.trim()))?,
        (None, None) if args.no_recipient => TransferRecipient::none(),
        (None, None) => {
            return Err(Failure::input(
                "give --recipient-card, --recipient-token, or --no-recipient for a debit only (nothing was sent)",
            ));
        }
    };
    let recipient_text = match &recipient {
        TransferRecipient::Card(pan) => format!("card {}", pan.masked()),
        _ if args.recipient_token.is_some() => "a stored card".to_owned(),
        _ => "no recipient (debit only)".to_owned(),
    };
    let (sender, sender_text) = match &args.sender_token {
        None if args.no_sender => (
            TransferSender::none(),
            "no sender (a payout only)".to_owned(),
        ),
        Some(token) => (
            arg("--sender-token", TransferSender::token(token.trim()))?,
            "a stored card".to_owned(),
        ),
        None => {
            let raw = read_card(
                args.card_stdin,
                args.cvc_stdin,
                args.expiry.as_deref(),
                true,
                stdin,
            )?;
            let name = args.card_name.as_deref().ok_or_else(|| {
                Failure::input(
                    "--card-name: the sender's name as on the card is required with card data (nothing was sent)",
                )
            })?;
            let masked = raw.pan.masked();
            let cvc = raw
                .cvc
                .ok_or_else(|| Failure::input("no CVC (nothing was sent)"))?;
            (
                arg(
                    "--card-name",
                    TransferSender::card(raw.pan, cvc, raw.expiry, name),
                )?,
                format!("card {masked}"),
            )
        }
    };
    let mut op = CardTransfer::new(
        order_id.clone(),
        value,
        from,
        to,
        description,
        sender,
        recipient,
    );
    if let Some(v) = amount("--amount-to", args.amount_to.as_deref())? {
        op = op.amount_to(v);
    }
    if let Some(v) = amount("--commission", args.commission.as_deref())? {
        op = op.commission_amount(v);
    }
    if let Some(name) = &args.recipient_name {
        op = op.recipient_name(name.as_str());
    }
    if let Some(u) = &args.user_id {
        op = op.user_id(user_id(u)?);
    }
    if let Some(code) = &args.language {
        op = op.language(Language::from_code(&code.trim().to_ascii_lowercase()));
    }
    let client = settings::client(global)?;
    let result = client
        .gateway_card_transfer(op)
        .map_err(|e| call_failure(&e, Some(&transfer_reconcile(order_id.as_str()))))?;
    transfer_report(
        "gateway_card_transfer",
        &result,
        format!(
            "order {}: {} from {sender_text} to {recipient_text}",
            order_id.as_str(),
            money(value)
        ),
        term.as_ref(),
    )
    .field("from", sender_text)
    .field("to", recipient_text)
    .emit(global.json);
    Ok(())
}

fn transfer_complete(global: &Global, args: &AcsArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let pares = pares(args, stdin)?;
    let op = arg(
        "--md",
        CompleteCardTransfer::new(id, args.md.as_str(), pares),
    )?;
    let client = settings::client(global)?;
    let reconcile = Reconcile {
        subject: format!("transfer {}", id.get()),
        status_command: format!(
            "freedompay gateway transfer-status --payment-id {}",
            id.get()
        ),
    };
    let result = client
        .gateway_complete_card_transfer(op)
        .map_err(|e| call_failure(&e, Some(&reconcile)))?;
    transfer_report(
        "gateway_complete_card_transfer",
        &result,
        "after 3-D Secure".to_owned(),
        None,
    )
    .emit(global.json);
    Ok(())
}

fn transfer_status(global: &Global, args: &TransferStatusArgs) -> Result<(), Failure> {
    let id = payment_id(&args.payment_id)?;
    let mut op = CardTransferStatus::new(id);
    if let Some(elapsed) = since(args.last_attempt.as_deref())? {
        op = op.since_last_attempt(elapsed);
    }
    let client = settings::client(global)?;
    let report = match client.gateway_transfer_status(op) {
        Ok(Lookup::Found(info)) => {
            let state = info
                .payment_status
                .as_ref()
                .map_or("(no pg_payment_status)", |s| s.as_str());
            Report::new(
                "gateway_transfer_status",
                format!("transfer {}: {state}", info.payment_id.get()),
            )
            .field("found", true)
            .field("payment_id", info.payment_id.get())
            .opt("order_id", info.order_id.clone())
            .opt(
                "payment_status",
                info.payment_status.as_ref().map(|s| s.as_str().to_owned()),
            )
            .opt("amount", info.amount.map(money))
            .opt(
                "currency",
                info.currency.as_ref().map(|c| c.code().to_owned()),
            )
            .opt("failure_code", info.failure_code.clone())
            .opt("failure_description", info.failure_description.clone())
        }
        Ok(Lookup::NotFound(answer)) => not_found(
            "gateway_transfer_status",
            &format!("transfer id {}", id.get()),
            &answer,
        ),
        Err(e) => return Err(call_failure(&e, None)),
    };
    report.emit(global.json);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Token.

fn token_report(
    operation: &'static str,
    result: &TokenPaymentResult,
    lead: String,
    term: Option<&Url>,
) -> Report {
    let headline = if result.three_ds.is_some() {
        format!(
            "{lead} → payment {}: 3-D Secure required, send the payer to the issuer",
            result.payment_id.get()
        )
    } else {
        format!(
            "{lead} → payment {}: {}",
            result.payment_id.get(),
            result.status
        )
    };
    let report = Report::new(operation, headline)
        .field("payment_id", result.payment_id.get())
        .field("status", result.status.as_str())
        .opt("order_id", result.order_id.clone());
    with_acs(
        report,
        result.three_ds.as_ref().map(Acs::from),
        term,
        result.payment_id,
        "pay complete",
    )
}

fn token_pay(global: &Global, args: &TokenPayArgs) -> Result<(), Failure> {
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let value = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let user = user_id(&args.user_id)?;
    let term = term_url(args.term_url.as_deref())?;
    let mut op = arg(
        "--card-token",
        TokenPayment::new(
            order_id.clone(),
            value,
            description,
            user,
            args.card_token.trim(),
        ),
    )?;
    if let Some(c) = &args.currency {
        op = op.currency(currency("--currency", c)?);
    }
    let client = settings::client(global)?;
    let result = client
        .gateway_token_payment(op)
        .map_err(|e| call_failure(&e, Some(&reconcile_order(order_id.as_str()))))?;
    token_report(
        "gateway_token_payment",
        &result,
        format!(
            "order {}: {} by stored card",
            order_id.as_str(),
            money(value)
        ),
        term.as_ref(),
    )
    .emit(global.json);
    Ok(())
}

fn wallet(text: &str) -> Result<Wallet, Failure> {
    match Wallet::from_wire_str(&text.trim().to_ascii_lowercase().replace('-', "_")) {
        Wallet::Unknown(_) => Err(Failure::input(
            "--wallet: apple_pay, google_pay or samsung_pay (nothing was sent)",
        )),
        known => Ok(known),
    }
}

fn wallet_pay(global: &Global, args: &WalletPayArgs, stdin: &mut Stdin) -> Result<(), Failure> {
    let kind = wallet(&args.wallet)?;
    let order_id = arg("--order-id", OrderId::new(args.order_id.as_str()))?;
    let value = arg("--amount", Amount::parse(&args.amount))?;
    let description = arg("--description", Description::new(args.description.as_str()))?;
    let cur = currency("--currency", &args.currency)?;
    let term = term_url(args.term_url.as_deref())?;
    let raw = read_card(args.card_stdin, false, args.expiry.as_deref(), false, stdin)?;
    let (cryptogram, source) = if args.cryptogram_stdin {
        (stdin.line("the cryptogram")?, "--cryptogram-stdin")
    } else {
        (
            env_required(CRYPTOGRAM_ENV, "cryptogram", " or give --cryptogram-stdin")?,
            CRYPTOGRAM_ENV,
        )
    };
    let masked = raw.pan.masked();
    let mut data = WalletPaymentData::new(
        kind.clone(),
        raw.pan,
        raw.expiry,
        args.card_name.as_str(),
        cryptogram,
    )
    .map_err(|e| bad_card(source, e))?;
    if let Some(eci) = &args.eci {
        data = arg("--eci", data.eci(eci.trim()))?;
    }
    let mut op = WalletPayment::new(order_id.clone(), value, cur, description, data);
    if args.hold_only {
        op = op.hold_only();
    }
    if args.testing {
        op = op.testing_mode();
    }
    let client = settings::client(global)?;
    let result = client
        .gateway_wallet_payment(op)
        .map_err(|e| call_failure(&e, Some(&reconcile_order(order_id.as_str()))))?;
    token_report(
        "gateway_wallet_payment",
        &result,
        format!(
            "order {}: {} by {} (card {masked})",
            order_id.as_str(),
            money(value),
            kind.as_str()
        ),
        term.as_ref(),
    )
    .field("wallet", kind.as_str())
    .field("card", masked)
    .emit(global.json);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAN: &str = "4405645000006150";

    fn source(card_stdin: bool, cvc_stdin: bool, expiry: Option<&str>) -> CardSource {
        CardSource {
            card_stdin,
            cvc_stdin,
            expiry: expiry.map(str::to_owned),
            card_name: "TEST TESTOV".to_owned(),
        }
    }

    #[test]
    fn this_month_is_the_utc_calendar_month() {
        let at = |secs: u64| UNIX_EPOCH + std::time::Duration::from_secs(secs);
        assert_eq!(this_month(at(0)), (1970, 1));
        // 2026-01-01T00:00:00Z and the second before it.
        assert_eq!(this_month(at(1_767_225_600)), (2026, 1));
        assert_eq!(this_month(at(1_767_225_599)), (2025, 12));
        // 2028-02-29T12:00:00Z (a leap day).
        assert_eq!(this_month(at(1_835_438_400)), (2028, 2));
    }

    #[test]
    fn card_from_stdin_reads_pan_expiry_cvc_and_never_shows_them() {
        let mut stdin = Stdin::of(&format!("{PAN}\n12/99\n653\n"));
        let (card, masked) = card_data(&source(true, false, None), &mut stdin).unwrap();
        assert_eq!(masked, "4405 64** **** 6150");
        let debug = format!("{card:?}");
        assert!(!debug.contains(PAN) && !debug.contains("653") && !debug.contains("99"));
    }

    #[test]
    fn a_short_stdin_is_refused_naming_what_is_missing() {
        let mut stdin = Stdin::of(&format!("{PAN}\n12/99\n"));
        let failure = card_data(&source(true, false, None), &mut stdin).unwrap_err();
        assert_eq!(failure.code(), 2);
        assert!(
            failure.message().contains("the CVC"),
            "{}",
            failure.message()
        );
    }

    #[test]
    fn refusals_name_the_source_never_the_value() {
        // A Luhn error in the card number.
        let mut stdin = Stdin::of("4405645000006151\n12/99\n653\n");
        let failure = card_data(&source(true, false, None), &mut stdin).unwrap_err();
        assert!(failure.message().starts_with("--card-stdin (card number)"));
        assert!(!failure.message().contains("4405645000006151"));
        // A bad CVC.
        let mut stdin = Stdin::of(&format!("{PAN}\n12/99\n65x\n"));
        let failure = card_data(&source(true, false, None), &mut stdin).unwrap_err();
        assert!(!failure.message().contains("65x"), "{}", failure.message());
        // An expired card.
        let mut stdin = Stdin::of(&format!("{PAN}\n01/20\n653\n"));
        let failure = card_data(&source(true, false, None), &mut stdin).unwrap_err();
        assert_eq!(failure.code(), 2);
        assert!(
            !failure.message().contains("01/20"),
            "{}",
            failure.message()
        );
    }

    #[test]
    fn expiry_flag_and_cvc_stdin() {
        // With --expiry the stdin of --card-stdin is PAN then CVC.
        let mut stdin = Stdin::of(&format!("{PAN}\n653\n"));
        let (_, masked) = card_data(&source(true, false, Some("12/2099")), &mut stdin).unwrap();
        assert_eq!(masked, "4405 64** **** 6150");
    }

    #[test]
    fn acs_step_shows_the_form_and_the_next_command() {
        let acs = Acs {
            url: "https://acs.example/3ds",
            md: "md-1",
            pareq: "pareq-1",
        };
        let term = Url::new("https://shop.example/3ds-return").unwrap();
        let report = with_acs(
            Report::new("gateway_card_payment", "x"),
            Some(acs),
            Some(&term),
            PaymentId::new(77).unwrap(),
            "pay complete",
        );
        let json = report.to_json();
        assert_eq!(json["three_ds"], true);
        assert_eq!(json["acs_url"], "https://acs.example/3ds");
        assert_eq!(json["acs_form"]["MD"], "md-1");
        assert_eq!(json["acs_form"]["PaReq"], "pareq-1");
        assert_eq!(
            json["acs_form"]["TermUrl"],
            "https://shop.example/3ds-return"
        );
        let text = report.to_text();
        assert!(text.contains("freedompay gateway pay complete --payment-id 77"));
    }

    #[test]
    fn wallets_by_name() {
        assert_eq!(wallet("apple_pay").unwrap(), Wallet::ApplePay);
        assert_eq!(wallet("Google-Pay").unwrap(), Wallet::GooglePay);
        assert!(wallet("paypal").is_err());
    }
}
