//! `freedompay sign`, `verify-response`, `verify-callback`: the signature tools.

use std::io::Read;

use freedompay_core::notifications::{
    CallbackError, CallbackForm, CallbackRequest, VerifiedCallback,
};
use freedompay_sign::{ScriptName, SecretKey, explain, sign};
use freedompay_xml::{ResponseError, parse, verify_response};

use crate::{Failure, json};

/// `println!` without the panic on a closed standard output.
macro_rules! out {
    ($($arg:tt)*) => {
        crate::output::print_line(&format!($($arg)*))
    };
}

fn read_stdin(limit: u64) -> Result<Vec<u8>, Failure> {
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
    Ok(input)
}

fn script(name: &str) -> Result<ScriptName, Failure> {
    // A URL or a bare script name both work: the last path segment is taken.
    ScriptName::from_url(name).map_err(|e| Failure::input(format!("bad --script {name:?}: {e}")))
}

/// Signs a JSON object of parameters; prints the canonical string first with `--explain`,
/// the signature last.
pub(crate) fn sign_command(
    script_name: &str,
    secret: &SecretKey,
    show: bool,
) -> Result<(), Failure> {
    let script = script(script_name)?;
    let input = read_stdin(16 << 20)?;
    let text = std::str::from_utf8(&input).map_err(|_| Failure::input("the input is not UTF-8"))?;
    let fields = json::object_to_fields(text)
        .map_err(|e| Failure::input(format!("the input is not a JSON object: {e}")))?;
    let signature =
        sign(&script, &fields, secret).map_err(|e| Failure::input(format!("cannot sign: {e}")))?;
    if show {
        let canonical =
            explain(&script, &fields).map_err(|e| Failure::input(format!("cannot sign: {e}")))?;
        out!("canonical (secret masked): {canonical}");
    }
    out!("{}", signature.as_str());
    Ok(())
}

/// Verifies an XML reply read from standard input.
pub(crate) fn verify_response_command(
    script_name: &str,
    secret: &SecretKey,
) -> Result<(), Failure> {
    let script = script(script_name)?;
    let input = read_stdin(4 << 20)?;
    let document = parse(&input)
        .map_err(|e| Failure::input(format!("the response is not acceptable XML: {e}")))?;
    let canonical = explain(&script, document.fields()).ok();
    match verify_response(document, &script, secret) {
        Ok(verified) => {
            out!("valid: the signature matches (script {})", script.as_str());
            if let Some(status) = verified.text("pg_status") {
                out!("pg_status: {status}");
            }
            Ok(())
        }
        Err(ResponseError::Unsigned(reply)) => {
            let mut message = String::from("the response is not signed (no pg_sig)");
            if let Some(code) = reply.error_code() {
                message.push_str(&format!(
                    "; it is an unsigned error reply, pg_error_code {code}"
                ));
            }
            Err(Failure::rejected(message))
        }
        Err(ResponseError::Mismatch) => {
            let mut message = String::from(
                "the signature does NOT match: a wrong secret, a wrong script name, or an altered response",
            );
            if let Some(canonical) = canonical {
                message.push_str(&format!("\nwhat was hashed (secret masked): {canonical}"));
            }
            Err(Failure::rejected(message))
        }
        Err(e) => Err(Failure::rejected(e.to_string())),
    }
}

/// Verifies a callback body read from standard input, for the callback URL and the
/// `Content-Type` given.
pub(crate) fn verify_callback_command(
    url: &str,
    content_type: &str,
    secret: &SecretKey,
) -> Result<(), Failure> {
    let input = read_stdin(4 << 20)?;
    // A URL with a query and an empty body is a GET callback.
    let query = url
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(""))
        .unwrap_or("");
    let request = CallbackRequest::new(url, query, &input).content_type(content_type);
    match VerifiedCallback::verify(request, secret) {
        Ok(callback) => {
            out!(
                "valid: the callback's signature matches (script {})",
                callback.script_name().as_str()
            );
            let form = match callback.form() {
                CallbackForm::Query => "query string",
                CallbackForm::Form => "form body",
                CallbackForm::Xml => "pg_xml document",
                CallbackForm::Multipart => "multipart body",
                _ => "body",
            };
            out!("form: {form}, {} fields", callback.fields().len());
            for name in [
                "pg_order_id",
                "pg_payment_id",
                "pg_amount",
                "pg_currency",
                "pg_result",
                "pg_status",
                "pg_can_reject",
            ] {
                if let Some(value) = callback.fields().text(name) {
                    out!("{name}: {value}");
                }
            }
            Ok(())
        }
        Err(
            e @ (CallbackError::Form(_)
            | CallbackError::Multipart(_)
            | CallbackError::Xml(_)
            | CallbackError::Empty
            | CallbackError::Url),
        ) => Err(Failure::input(e.to_string())),
        Err(e) => Err(Failure::rejected(e.to_string())),
    }
}
