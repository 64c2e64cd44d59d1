//! The client's configuration, from the global flags and the environment.

use std::time::Duration;

use freedompay_blocking::BlockingClient;
use freedompay_core::{Config, InvalidInput, Region};

use crate::{Failure, Global, secrets};

/// The base URL's environment variable.
pub(crate) const BASE_URL_ENV: &str = "FREEDOMPAY_BASE_URL";

/// A non-empty environment variable.
pub(crate) fn env_text(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Where the calls go, as the user chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `--base-url`, or FREEDOMPAY_BASE_URL.
    BaseUrl(String, &'static str),
    /// `--region` (and `--test`).
    Region(Region, bool),
    /// Nothing chosen: the production host of Kazakhstan.
    Default,
}

/// The target of the calls: `--base-url` first, then `--region`, then FREEDOMPAY_BASE_URL.
pub(crate) fn target(global: &Global) -> Result<Target, Failure> {
    if let Some(url) = &global.base_url {
        return Ok(Target::BaseUrl(url.clone(), "--base-url"));
    }
    if let Some(region) = &global.region {
        let region = Region::parse(region).map_err(|e| Failure::input(format!("--region: {e}")))?;
        return Ok(Target::Region(region, global.test));
    }
    if global.test {
        return Err(Failure::input(
            "--test needs --region (kz, uz, kg or money); with --base-url, give the test host's URL",
        ));
    }
    Ok(match env_text(BASE_URL_ENV) {
        Some(url) => Target::BaseUrl(url, BASE_URL_ENV),
        None => Target::Default,
    })
}

/// `--timeout`: seconds, a decimal number above zero, at most 600.
pub(crate) fn timeout(global: &Global) -> Result<Option<Duration>, Failure> {
    let Some(text) = &global.timeout else {
        return Ok(None);
    };
    let bad =
        || Failure::input("--timeout: give seconds, more than 0 and at most 600 (e.g. 30 or 2.5)");
    let seconds: f64 = text.trim().parse().map_err(|_| bad())?;
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 600.0 {
        return Err(bad());
    }
    Duration::try_from_secs_f64(seconds)
        .map(Some)
        .map_err(|_| bad())
}

/// The merchant id, required.
pub(crate) fn merchant_id(global: &Global) -> Result<String, Failure> {
    global
        .merchant_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            Failure::input("no merchant id: give --merchant-id or set FREEDOMPAY_MERCHANT_ID")
        })
}

pub(crate) fn config_error(e: InvalidInput) -> Failure {
    let hint = match e.field() {
        "merchant_id" => " (--merchant-id / FREEDOMPAY_MERCHANT_ID)",
        "base_url" => " (--base-url / FREEDOMPAY_BASE_URL)",
        "timeout" => " (--timeout)",
        "payout_secret_key" => {
            " (FREEDOMPAY_PAYOUT_SECRET_KEY / --payout-secret-key-file, or --payout-secret-same-as-payment)"
        }
        _ => "",
    };
    Failure::input(format!("{e}{hint}"))
}

/// The configuration of the operations.
pub(crate) fn config(global: &Global) -> Result<Config, Failure> {
    builder(global)?.build().map_err(config_error)
}

/// The configuration's builder, for commands that add settings (the JSON APIs' keys).
pub(crate) fn builder(global: &Global) -> Result<freedompay_core::ConfigBuilder, Failure> {
    let merchant = merchant_id(global)?;
    let secret = secrets::require(global.secret_key_file.as_deref(), secrets::SECRET_ENV)?;
    let payout = secrets::read(
        global.payout_secret_key_file.as_deref(),
        secrets::PAYOUT_SECRET_ENV,
    )?;
    let mut builder = Config::builder().merchant_id(merchant).secret(secret);
    match payout {
        Some(_) if global.payout_secret_same_as_payment => {
            return Err(Failure::input(
                "--payout-secret-same-as-payment: a payout secret is set too (FREEDOMPAY_PAYOUT_SECRET_KEY); give one or the other",
            ));
        }
        Some(payout) => builder = builder.payout_secret(payout),
        None if global.payout_secret_same_as_payment => {
            builder = builder.payout_secret_same_as_payment();
        }
        None => {}
    }
    builder = match target(global)? {
        Target::BaseUrl(url, _) => builder.base_url(url),
        Target::Region(region, test) => builder.region(region).test(test),
        Target::Default => builder,
    };
    if let Some(timeout) = timeout(global)? {
        builder = builder.timeout(timeout);
    }
    Ok(builder)
}

/// The blocking client of the operations.
pub(crate) fn client(global: &Global) -> Result<BlockingClient, Failure> {
    Ok(BlockingClient::new(config(global)?))
}
