//! What an operation is: its endpoint, its secret, its fields, and how to read its reply.

use core::marker::PhantomData;
use std::sync::Arc;

use freedompay_sign::{
    Fields, SALT_FIELD, SIG_FIELD, Salt, ScriptName, ScriptNameError, Signature, sign,
};
use freedompay_transport::{HttpRequest, Method};

use crate::wire::{ReadError, Response};
use freedompay_sign::SecretKey;

use crate::{Config, Error, ErrorKind, InvalidInput, NotFoundEvidence, SecretKind, form};

/// One call of the FreedomPay API, as a value: it knows its path, which secret signs it,
/// whether it moves money, its fields, and how to read the verified reply into its output.
///
/// Every operation of the SDK implements it (`PayoutToCard`, `PaymentStatus`, ...); implement
/// it yourself for an endpoint the SDK does not cover, and every client can call it.
///
/// ```
/// use freedompay_core::{Config, InvalidInput, Operation, ReadError, Response, SecretKind};
/// use freedompay_sign::Fields;
///
/// /// `POST /api/balance_status`, written by hand.
/// struct MyBalance;
///
/// impl Operation for MyBalance {
///     type Output = String;
///     const NAME: &'static str = "my_balance";
///     const PATH: &'static str = "/api/balance_status";
///     const MOVES_MONEY: bool = false;
///     fn secret(&self, _config: &Config) -> SecretKind {
///         SecretKind::Payout
///     }
///     fn write_fields(&self, _fields: &mut Fields) -> Result<(), InvalidInput> {
///         Ok(())
///     }
///     fn read(&self, reply: &Response<'_>) -> Result<String, ReadError> {
///         Ok(reply.required("pg_balance")?.to_owned())
///     }
/// }
/// ```
pub trait Operation {
    /// What a successful call returns.
    type Output;

    /// The operation's name in errors and traces (`payout_to_card`).
    const NAME: &'static str;

    /// The path below the base URL (`/g2g/p2p2nonreg`). `{merchant_id}` is replaced by the
    /// merchant id. Its last segment is the script name the request and reply are signed with.
    const PATH: &'static str;

    /// Whether the call moves money (payment init, payout, refund, clearing, recurring
    /// charge). Such a call is never resent after a failure that may have reached the gateway.
    const MOVES_MONEY: bool;

    /// Whether a signed reply with `pg_status` = `error` is this operation's output rather than
    /// a [`GatewayError`](crate::GatewayError) (the cash-by-code status, for one, reports a
    /// failed withdrawal that way). Default: no.
    const ERROR_STATUS_IS_OUTPUT: bool = false;

    /// The secret that signs the request and verifies the reply (docs/protocol.md §2.6).
    fn secret(&self, config: &Config) -> SecretKind;

    /// The order id, for errors and traces (and for reconciling an unknown outcome).
    fn order_id(&self) -> Option<&str> {
        None
    }

    /// Writes the operation's own fields; `pg_merchant_id`, `pg_salt` and `pg_sig` are added
    /// around them.
    fn write_fields(&self, fields: &mut Fields) -> Result<(), InvalidInput>;

    /// Reads the verified reply.
    fn read(&self, reply: &Response<'_>) -> Result<Self::Output, ReadError>;

    /// For status queries: the output that stands for the gateway's "not found" error reply
    /// (code 340, signed or not), so that "not found" has one shape whichever way the
    /// gateway says it (see [`Lookup`](crate::Lookup)). `None`, the default, keeps such a
    /// reply an error.
    fn not_found(&self, evidence: NotFoundEvidence) -> Option<Self::Output> {
        let _ = evidence;
        None
    }
}

/// What a call is signed with, computed once per call: the script name of its path and the
/// secret of its kind.
pub(crate) struct Endpoint<'c> {
    pub(crate) script: ScriptName,
    pub(crate) secret_kind: SecretKind,
    pub(crate) secret: &'c SecretKey,
}

impl<'c> Endpoint<'c> {
    pub(crate) fn of<O: Operation>(config: &'c Config, op: &O) -> Result<Self, InvalidInput> {
        // The name was found and checked when the operation's type was compiled: it is the
        // `'static` segment itself, nothing is copied.
        let script = Script::<O>::NAME.map_err(|_| bad_path())?;
        let secret_kind = op.secret(config);
        let secret = config.try_secret(secret_kind)?;
        Ok(Self {
            script,
            secret_kind,
            secret,
        })
    }
}

/// The script name of a path: its last segment.
#[cfg(test)]
pub(crate) fn script_of(path: &str) -> Result<ScriptName, InvalidInput> {
    ScriptName::from_url(path).map_err(|_| bad_path())
}

fn bad_path() -> InvalidInput {
    InvalidInput::new("path", "the operation's path must end in a script name")
}

/// An operation's script name, found once per operation type at compile time.
struct Script<O>(PhantomData<O>);

impl<O: Operation> Script<O> {
    /// The last segment of [`Operation::PATH`], as [`ScriptName::from_url`] finds it.
    const SEGMENT: &'static str = script_segment(O::PATH);

    /// The script name of that segment, checked at compile time.
    const NAME: Result<ScriptName, ScriptNameError> = ScriptName::from_static(Self::SEGMENT);
}

/// The segment [`ScriptName::from_url`] signs with, found by a `const fn`: the query and
/// fragment dropped, the scheme and authority too if there are any, then what follows the
/// last `/`. Empty when there is none (which [`ScriptName::new`] refuses, as `from_url` does).
const fn script_segment(url: &str) -> &str {
    let bytes = url.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end] != b'?' && bytes[end] != b'#' {
        end += 1;
    }
    let mut start = 0;
    let mut i = 0;
    while i + 3 <= end {
        if bytes[i] == b':' && bytes[i + 1] == b'/' && bytes[i + 2] == b'/' {
            // The path begins at the first `/` after the authority; without one, it is empty.
            start = i + 3;
            while start < end && bytes[start] != b'/' {
                start += 1;
            }
            break;
        }
        i += 1;
    }
    let mut segment = end;
    while segment > start && bytes[segment - 1] != b'/' {
        segment -= 1;
    }
    // Every cut is next to an ASCII byte or at an end, so the slice is UTF-8.
    match core::str::from_utf8(bytes.split_at(end).0.split_at(segment).1) {
        Ok(segment) => segment,
        Err(_) => "",
    }
}

/// Builds the signed fields of an operation: `pg_merchant_id`, the operation's fields,
/// `pg_salt`, `pg_sig`.
///
/// ```
/// use freedompay_core::{Config, operation_fields, payout::Balance};
/// use freedompay_sign::Salt;
///
/// let config = Config::builder().merchant_id("123456").secret_key("TESTSECRET").payout_secret_key("PAYOUTSECRET").build()?;
/// let fields = operation_fields(&config, &Balance::new(), &Salt::new("abc")?)?;
/// assert_eq!(fields.text("pg_merchant_id"), Some("123456"));
/// assert_eq!(fields.text("pg_salt"), Some("abc"));
/// assert_eq!(fields.text("pg_sig").map(str::len), Some(32));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn operation_fields<O: Operation>(
    config: &Config,
    op: &O,
    salt: &Salt,
) -> Result<Fields, Error> {
    let endpoint = Endpoint::of(config, op).map_err(|e| input_error(op, e))?;
    fields_for(config, op, salt.clone(), &endpoint)
}

fn input_error<O: Operation>(op: &O, e: InvalidInput) -> Error {
    Error::new(ErrorKind::InvalidInput(e), O::NAME).with_context(op.order_id(), O::MOVES_MONEY, 0)
}

fn fields_for<O: Operation>(
    config: &Config,
    op: &O,
    salt: Salt,
    endpoint: &Endpoint<'_>,
) -> Result<Fields, Error> {
    let (mut fields, signature) = unsigned_fields(config, op, salt, endpoint)?;
    fields.push_static(SIG_FIELD, signature.as_str());
    Ok(fields)
}

/// The fields of [`fields_for`] but `pg_sig`, and that signature. The salt's text is moved
/// into its field.
fn unsigned_fields<O: Operation>(
    config: &Config,
    op: &O,
    salt: Salt,
    endpoint: &Endpoint<'_>,
) -> Result<(Fields, Signature), Error> {
    let fail = |e: InvalidInput| input_error(op, e).with_secret(endpoint.secret_kind);
    let mut fields = Fields::with_capacity(12);
    fields.push_static("pg_merchant_id", config.merchant_id());
    op.write_fields(&mut fields).map_err(fail)?;
    fields.push_static(SALT_FIELD, salt.into_string());
    let signature = sign(&endpoint.script, &fields, endpoint.secret).map_err(|e| {
        fail(InvalidInput::new(
            "fields",
            format!("cannot be signed: {e}"),
        ))
    })?;
    Ok((fields, signature))
}

/// Builds the complete signed HTTP request of an operation, with the salt given: what
/// [`Exchange`](crate::Exchange) sends, and what the wire snapshot tests compare.
pub fn prepare<O: Operation>(config: &Config, op: &O, salt: &Salt) -> Result<HttpRequest, Error> {
    let endpoint = Endpoint::of(config, op).map_err(|e| input_error(op, e))?;
    prepare_for(config, op, salt.clone(), &endpoint)
}

pub(crate) fn prepare_for<O: Operation>(
    config: &Config,
    op: &O,
    salt: Salt,
    endpoint: &Endpoint<'_>,
) -> Result<HttpRequest, Error> {
    let (fields, signature) = unsigned_fields(config, op, salt, endpoint)?;
    // `pg_sig` last, as `fields_for` puts it, written straight after the other fields
    // (hex digits: nothing to escape).
    let signature = signature.as_str();
    let mut body = form::encode_reserving(&fields, 1 + SIG_FIELD.len() + 1 + signature.len());
    if !body.is_empty() {
        body.push('&');
    }
    body.push_str(SIG_FIELD);
    body.push('=');
    body.push_str(signature);
    // The headers are the same for every call: one `'static` list, never copied.
    Ok(
        HttpRequest::with_shared_url(Method::Post, url_of::<O>(config))
            .with_static_headers(HEADERS)
            .with_body(body.into_bytes())
            .with_timeout(config.timeout()),
    )
}

/// The `User-Agent` of every request.
const USER_AGENT: &str = concat!("freedompay-rs/", env!("CARGO_PKG_VERSION"));

/// The headers of every request.
const HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "application/x-www-form-urlencoded"),
    ("Accept", "application/xml, text/xml"),
    ("User-Agent", USER_AGENT),
];

/// The request URL of an operation: [`Config::url`] of its path, made once per
/// configuration and operation path and shared by every request after it.
fn url_of<O: Operation>(config: &Config) -> Arc<str> {
    config.operation_url(O::PATH, || url_string::<O>(config))
}

/// [`Config::url`] of an operation's path, built in one allocation (the path is copied as it
/// is unless it has a `{merchant_id}` to fill in).
fn url_string<O: Operation>(config: &Config) -> String {
    const MERCHANT_ID: &str = "{merchant_id}";
    let (base, id) = (config.base_url(), config.merchant_id());
    if !O::PATH.as_bytes().contains(&b'{') {
        let mut url = String::with_capacity(base.len() + O::PATH.len());
        url.push_str(base);
        url.push_str(O::PATH);
        return url;
    }
    let marks = O::PATH.matches(MERCHANT_ID).count();
    let mut url = String::with_capacity(base.len() + O::PATH.len() + marks * id.len());
    url.push_str(base);
    for (i, part) in O::PATH.split(MERCHANT_ID).enumerate() {
        if i > 0 {
            url.push_str(id);
        }
        url.push_str(part);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    struct At<const CARDS: bool>;

    impl<const CARDS: bool> Operation for At<CARDS> {
        type Output = ();
        const NAME: &'static str = "at";
        const PATH: &'static str = if CARDS {
            "/v1/merchant/{merchant_id}/cardstorage/list"
        } else {
            "/g2g/p2p2nonreg"
        };
        const MOVES_MONEY: bool = false;
        fn secret(&self, _config: &Config) -> SecretKind {
            SecretKind::Payment
        }
        fn write_fields(&self, _fields: &mut Fields) -> Result<(), InvalidInput> {
            Ok(())
        }
        fn read(&self, _reply: &Response<'_>) -> Result<(), ReadError> {
            Ok(())
        }
    }

    /// The segment found at compile time is the one `ScriptName::from_url` finds.
    #[test]
    fn the_compile_time_segment_is_the_script_name_of_the_path() {
        for url in [
            "/g2g/p2p2nonreg",
            "/init_payment.php",
            "/v1/merchant/{merchant_id}/cardstorage/list",
            "init_payment.php",
            "/a/b.php?x=1/y#z/w",
            "/a/b#frag",
            "/a/",
            "/",
            "",
            "?q",
            "https://host",
            "https://host/",
            "https://host/a/b.php?q=c://d/e",
            "https://host?x=/y",
            "s://h/é/мой.php",
            "/a/b://c",
        ] {
            assert_eq!(
                ScriptName::new(script_segment(url)).ok(),
                ScriptName::from_url(url).ok(),
                "{url}"
            );
        }
        assert_eq!(Script::<At<true>>::SEGMENT, "list");
        assert_eq!(Script::<At<true>>::NAME, ScriptName::new("list"));
        assert_eq!(Script::<At<false>>::SEGMENT, "p2p2nonreg");
    }

    /// The URL built in one allocation is the config's URL of the path, merchant id filled in.
    #[test]
    fn the_request_url_is_the_configs_url_of_the_path() {
        let config = Config::builder()
            .merchant_id("123456")
            .secret_key("secret")
            .base_url("https://api.example.kz")
            .build()
            .unwrap();
        for (url, path) in [
            (url_of::<At<true>>(&config), At::<true>::PATH),
            (url_of::<At<false>>(&config), At::<false>::PATH),
        ] {
            assert_eq!(*url, config.url(path));
        }
        // Made once: the second request shares the first one's URL.
        let (first, again) = (url_of::<At<true>>(&config), url_of::<At<true>>(&config));
        assert!(Arc::ptr_eq(&first, &again));
        // A clone of the configuration shares them too; another configuration has its own.
        assert!(Arc::ptr_eq(&first, &url_of::<At<true>>(&config.clone())));
        let other = Config::builder()
            .merchant_id("654321")
            .secret_key("secret")
            .base_url("https://api.example.kz")
            .build()
            .unwrap();
        assert_eq!(
            &*url_of::<At<true>>(&other),
            "https://api.example.kz/v1/merchant/654321/cardstorage/list"
        );
        assert_eq!(
            &*url_of::<At<true>>(&config),
            "https://api.example.kz/v1/merchant/123456/cardstorage/list"
        );
    }
}
