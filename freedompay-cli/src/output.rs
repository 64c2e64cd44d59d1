//! What the operations print: a readable report or one JSON object, and the failures of a
//! call turned into messages and exit codes; colour and progress where a person watches.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::time::Duration;

use freedompay_core::{Error, ErrorKind, InvalidInput};
use serde_json::{Map, Value, json};

use crate::Failure;

/// Writes a line to standard output; a closed pipe is not an error worth a panic.
pub(crate) fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// Writes a line to standard error.
pub(crate) fn eprint_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Prints a JSON value on standard output.
pub(crate) fn print_json(value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    print_line(&text);
}

/// How output is shown: colour and progress only where a person watches it.
///
/// Colour when standard output is a terminal, `--json` is not given and `NO_COLOR` is unset
/// or empty (no-color.org); a spinner on standard error for long waits when both standard
/// output and standard error are terminals and `--json` is not given. Piped or redirected
/// output is plain text, byte for byte the same as before colour existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Look {
    colour: bool,
    progress: bool,
}

/// The look of this run, set once by `main` from `--json` and the terminal.
static LOOK: OnceLock<Look> = OnceLock::new();

/// Sets the look of this run (the first call wins).
pub(crate) fn init_look(json: bool) {
    let _ = LOOK.set(Look::detect(json));
}

/// The look of this run (plain until [`init_look`] is called).
pub(crate) fn look() -> Look {
    LOOK.get().copied().unwrap_or(Look::PLAIN)
}

/// The tone of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Green: a check that passed.
    Good,
    /// Red and bold: a failure.
    Bad,
    /// Yellow: skipped, or worth a look.
    Warn,
    /// Dimmed: details.
    Dim,
}

impl Look {
    /// No colour, no progress.
    pub(crate) const PLAIN: Look = Look {
        colour: false,
        progress: false,
    };

    /// From the real standard output, standard error and environment.
    pub(crate) fn detect(json: bool) -> Look {
        Look::decide(
            json,
            std::io::stdout().is_terminal(),
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
        )
    }

    /// The rule, for given facts.
    pub(crate) fn decide(
        json: bool,
        stdout_terminal: bool,
        stderr_terminal: bool,
        no_color: Option<OsString>,
    ) -> Look {
        let watched = !json && stdout_terminal;
        let no_color = no_color.is_some_and(|v| !v.is_empty());
        Look {
            colour: watched && !no_color,
            progress: watched && stderr_terminal,
        }
    }

    /// `text` in a tone (as it is without colour).
    pub(crate) fn paint(self, tone: Tone, text: &str) -> String {
        if !self.colour {
            return text.to_owned();
        }
        let style = match tone {
            Tone::Good => anstyle::AnsiColor::Green.on_default(),
            Tone::Bad => anstyle::AnsiColor::Red.on_default().bold(),
            Tone::Warn => anstyle::AnsiColor::Yellow.on_default(),
            Tone::Dim => anstyle::Style::new().dimmed(),
        };
        format!("{style}{text}{style:#}")
    }

    /// A mark (`✓`, `✗`, `-`, `!`) in its tone.
    pub(crate) fn mark(self, mark: &str) -> String {
        let tone = match mark {
            "✓" => Tone::Good,
            "✗" => Tone::Bad,
            _ => Tone::Warn,
        };
        self.paint(tone, mark)
    }

    /// A spinner with `message` on standard error until it is dropped; nothing at all
    /// unless a person watches.
    pub(crate) fn spinner(self, message: impl Into<String>) -> Spinner {
        if !self.progress {
            return Spinner(None);
        }
        let template = if self.colour {
            "{spinner:.cyan} {msg} {elapsed:.dim}"
        } else {
            "{spinner} {msg} {elapsed}"
        };
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(Some(bar))
    }
}

/// A spinner on standard error (see [`Look::spinner`]); cleared when dropped.
#[derive(Debug)]
pub(crate) struct Spinner(Option<indicatif::ProgressBar>);

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

/// A refused value given on the command line: exit 2, nothing was sent.
pub(crate) fn bad_arg(flag: &str, error: InvalidInput) -> Failure {
    Failure::input(format!("{flag}: {error} (nothing was sent)"))
}

/// Parses a command-line value with a core parser, naming the flag when it is refused.
pub(crate) fn arg<T>(flag: &str, parsed: Result<T, InvalidInput>) -> Result<T, Failure> {
    parsed.map_err(|e| bad_arg(flag, e))
}

/// The result of an operation: a headline, named values and notes.
#[derive(Debug)]
pub(crate) struct Report {
    operation: &'static str,
    mark: &'static str,
    headline: String,
    fields: Vec<(&'static str, Value)>,
    notes: Vec<String>,
}

impl Report {
    /// A report of `operation` (its SDK name), headed by `headline`.
    pub(crate) fn new(operation: &'static str, headline: impl Into<String>) -> Self {
        Self {
            operation,
            mark: "✓",
            headline: headline.into(),
            fields: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A headline mark other than ✓ (`-` for an answer that found nothing).
    pub(crate) fn mark(mut self, mark: &'static str) -> Self {
        self.mark = mark;
        self
    }

    /// A named value (null values are shown in JSON only).
    pub(crate) fn field(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    /// An optional value: `null` in JSON when absent.
    pub(crate) fn opt<T: Into<Value>>(self, name: &'static str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.field(name, v),
            None => self.field(name, Value::Null),
        }
    }

    /// A sentence for the reader (in JSON, under `notes`).
    pub(crate) fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    /// The JSON object of the report.
    pub(crate) fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("ok".into(), Value::Bool(true));
        map.insert("operation".into(), Value::from(self.operation));
        for (name, value) in &self.fields {
            map.insert((*name).to_owned(), value.clone());
        }
        if !self.notes.is_empty() {
            map.insert("notes".into(), json!(self.notes));
        }
        Value::Object(map)
    }

    /// The readable text of the report.
    pub(crate) fn to_text(&self) -> String {
        let mut text = format!("{} {}", self.mark, self.headline);
        let shown: Vec<(String, String)> = self
            .fields
            .iter()
            .filter_map(|(name, value)| {
                if value.is_null() {
                    return None;
                }
                Some((name.replace('_', " "), readable(value)))
            })
            .collect();
        let width = shown.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, value) in shown {
            // A list shows one item a line, under its name.
            let value = value.replace('\n', &format!("\n  {:width$}  ", ""));
            text.push_str(&format!("\n  {name:<width$}  {value}"));
        }
        for note in &self.notes {
            text.push_str(&format!("\n  {note}"));
        }
        text
    }

    /// Prints it, as JSON or as text (its mark coloured where a person watches).
    pub(crate) fn emit(&self, json: bool) {
        if json {
            print_json(&self.to_json());
        } else {
            let text = self.to_text();
            let rest = text.strip_prefix(self.mark).unwrap_or(&text);
            print_line(&format!("{}{rest}", look().mark(self.mark)));
        }
    }
}

/// A value as text: strings as they are, yes/no, a list one item a line, an object as
/// `name value` pairs.
fn readable(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::Array(items) => items.iter().map(readable).collect::<Vec<_>>().join("\n"),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{} {}", k.replace('_', " "), readable(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// What the user is told to do when a money-moving call's outcome is unknown.
#[derive(Debug, Clone)]
pub(crate) struct Reconcile {
    /// What the call was about: `order payout-42`, `payment 123`.
    pub(crate) subject: String,
    /// The command that finds out what happened.
    pub(crate) status_command: String,
}

impl Reconcile {
    /// For a payout by its order id.
    pub(crate) fn payout(order_id: &str) -> Self {
        Self {
            subject: format!("order {order_id}"),
            status_command: format!(
                "freedompay payout reconcile {order_id} --last-attempt <when it was sent>"
            ),
        }
    }

    /// For a payment by its order id.
    pub(crate) fn payment_order(order_id: &str) -> Self {
        Self {
            subject: format!("order {order_id}"),
            status_command: format!(
                "freedompay payment reconcile {order_id} --last-attempt <when it was sent>"
            ),
        }
    }

    /// For an operation on an existing payment.
    pub(crate) fn payment(payment_id: u64) -> Self {
        Self {
            subject: format!("payment {payment_id}"),
            status_command: format!("freedompay payment status --payment-id {payment_id}"),
        }
    }
}

fn kind_name(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput(_) => "invalid_input",
        ErrorKind::Transport(_) => "transport",
        ErrorKind::HttpStatus(_) => "http_status",
        ErrorKind::Malformed(_) => "malformed_response",
        ErrorKind::SignatureInvalid { .. } => "signature_invalid",
        ErrorKind::Unsigned(_) => "unsigned_error",
        ErrorKind::Gateway(_) => "gateway_error",
        ErrorKind::AlreadyDone { .. } => "already_done",
        _ => "other",
    }
}

/// A failed call as a message and an exit code: 3 when a money-moving call's outcome is
/// unknown, 2 for a value refused before sending, 1 otherwise.
pub(crate) fn call_failure(error: &Error, reconcile: Option<&Reconcile>) -> Failure {
    let unknown = error.outcome_unknown();
    let message = if unknown {
        let subject = match (error.order_id(), reconcile) {
            (Some(order), _) => format!("order {order}"),
            (None, Some(r)) => r.subject.clone(),
            (None, None) => "this call".to_owned(),
        };
        let mut message = format!(
            "OUTCOME UNKNOWN for {subject} ({}): {}. The request may have reached FreedomPay and was not resent, so money may have moved: do NOT resend; check its status before trying again (a \"not found\" proves nothing until a minute after this attempt)",
            error.operation(),
            error.kind()
        );
        if let Some(r) = reconcile {
            message.push_str(&format!(" ({})", r.status_command));
        }
        message
    } else {
        let mut message = error.to_string();
        if matches!(error.kind(), ErrorKind::InvalidInput(e) if e.field() == "payout_secret_key") {
            message.push_str(
                ". Set FREEDOMPAY_PAYOUT_SECRET_KEY (or --payout-secret-key-file), or give --payout-secret-same-as-payment if your shop has one key for both",
            );
        }
        if let ErrorKind::SignatureInvalid { .. } = error.kind() {
            message.push_str(
                ". Check the secret (FREEDOMPAY_SECRET_KEY; FREEDOMPAY_PAYOUT_SECRET_KEY for payouts and the balance) and the base URL",
            );
        }
        message
    };
    let (code, description) = match error.kind() {
        ErrorKind::Gateway(e) => (e.code().map(|c| c.code()), e.description()),
        ErrorKind::Unsigned(e) => (e.code().map(|c| c.code()), None),
        _ => (None, None),
    };
    let failure = if unknown {
        Failure::unknown(message)
    } else if matches!(error.kind(), ErrorKind::InvalidInput(_)) {
        Failure::input(message)
    } else {
        Failure::rejected(message)
    };
    let json = json!({
        "ok": false,
        "exit_code": failure.code(),
        "error": failure.message(),
        "operation": error.operation(),
        "kind": kind_name(error.kind()),
        "order_id": error.order_id(),
        "outcome_unknown": unknown,
        "may_have_been_sent": error.may_have_been_sent(),
        "error_code": code,
        "error_description": description,
        "status_command": reconcile.filter(|_| unknown).map(|r| r.status_command.clone()),
    });
    failure.with_json(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_where_a_person_watches() {
        let watched = Look::decide(false, true, true, None);
        assert!(watched.colour);
        assert!(watched.paint(Tone::Good, "ok").contains('\x1b'));
        assert_eq!(watched.paint(Tone::Good, "ok").matches("ok").count(), 1);
        for plain in [
            Look::decide(true, true, true, None),
            Look::decide(false, false, true, None),
            Look::decide(false, true, true, Some("1".into())),
            Look::PLAIN,
        ] {
            assert!(!plain.colour, "{plain:?}");
            assert_eq!(plain.paint(Tone::Bad, "✗"), "✗");
            assert_eq!(plain.mark("✓"), "✓");
        }
        // NO_COLOR set but empty does not count (no-color.org).
        assert!(Look::decide(false, true, true, Some("".into())).colour);
        // No progress when stderr is not a terminal, nor under --json.
        assert!(!Look::decide(false, true, false, None).progress);
        assert!(!Look::decide(true, true, true, None).progress);
        assert!(Look::decide(false, true, true, Some("1".into())).progress);
        // A spinner that does not draw is nothing at all.
        assert!(Look::PLAIN.spinner("waiting").0.is_none());
    }

    #[test]
    fn text_skips_nulls_and_aligns() {
        let report = Report::new("balance", "balance")
            .field("balance", "10.00")
            .opt::<String>("missing", None)
            .field("payment_id", 7)
            .field("list", json!([{"a_b": 1, "c": null}, {"d": "x"}]))
            .note("a note");
        let text = report.to_text();
        assert!(text.starts_with("✓ balance"));
        assert!(text.contains("balance     10.00"));
        assert!(text.contains("payment id  7"));
        assert!(!text.contains("missing"));
        assert!(
            text.contains("list        a b 1\n              d x"),
            "{text}"
        );
        let json = report.to_json();
        assert_eq!(json["missing"], Value::Null);
        assert_eq!(json["payment_id"], 7);
        assert_eq!(json["operation"], "balance");
    }
}
