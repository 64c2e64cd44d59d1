//! The Gateway API's decisions (docs/protocol.md §11): which cards pay, which ask for 3-D
//! Secure, the sandbox's own ACS (the issuer's 3-D Secure page), and the check of the `PaRes`
//! a continuation (`paymentAcs`, `cardstorage/payment_acs`, `p2p/transfer_acs`) brings back.
//!
//! The rules, as the sandbox's README and docs/protocol.md §11.7 state them:
//!
//! * A purchase (card payment, wallet payment, token payment, transfer debit) is approved with
//!   a Gateway test card (the purchase cards of docs.freedompay.kz doc-741636) or the
//!   documentation's example card `4405645000006150`; any other valid card is declined
//!   (failure code 5).
//! * The issuer asks for 3-D Secure for the example card `4405645000006150`, and for every
//!   card when the request says `pg_3ds_challenge=1`. Token payments never ask (the card was
//!   authenticated when it was stored).
//! * On the ACS page the code [`ACS_CODE`] (`123456`) authenticates the payer; any other code
//!   fails the authentication, and the continuation then declines.

use freedompay_sign::Fields;

use crate::app::App;
use crate::cards;
use crate::error::ApiError;
use crate::state::{AcsSession, AcsSubject, State};
use crate::validate;

/// The card number of the Gateway pages' examples (freedompay.kz/docs-en/gateway-api/pay,
/// /save-card): approved, and always asks for 3-D Secure.
pub(crate) const EXAMPLE_CARD: &str = "4405645000006150";
/// The code that passes the sandbox's ACS page (the sandbox's choice: the documentation names
/// none).
pub(crate) const ACS_CODE: &str = "123456";
/// The path of the sandbox's ACS page (`pg_3d_acsurl`).
pub(crate) const ACS_PATH: &str = "/_sandbox/acs";
/// The "no card" token of a transfer (freedompay.kz/docs-en/gateway-api/transfer): as the
/// sender's token the transfer is a payout only, as the recipient's a debit only.
pub(crate) const NO_CARD_TOKEN: &str = "2d0b504c-b95d-4cf6-b782-5a7d13ab2c85";
/// The failure code of a declined Gateway purchase (as the Merchant API's, seed 002).
pub(crate) const DECLINED: u32 = 5;

/// Whether a Gateway purchase with this card is approved.
pub(crate) fn approved(pan: &str) -> bool {
    cards::purchase_approved(pan) || pan == EXAMPLE_CARD
}

/// Whether the issuer asks for 3-D Secure.
pub(crate) fn needs_3ds(pan: &str, challenge: bool) -> bool {
    challenge || pan == EXAMPLE_CARD
}

/// Opens a 3-D Secure session for `subject`; the reply fields `pg_3ds`, `pg_3d_acsurl`,
/// `pg_3d_md`, `pg_3d_pareq`.
pub(crate) fn open_acs(app: &App, state: &mut State, subject: AcsSubject) -> Fields {
    let md = app.random_hex(32);
    let pareq = format!("sbxPaReq{}", app.random_hex(40));
    state.gateway.acs.insert(
        md.clone(),
        AcsSession {
            subject,
            pareq: pareq.clone(),
            answer: None,
        },
    );
    let mut f = Fields::new();
    f.push_static("pg_3ds", "1")
        .push_static("pg_3d_acsurl", app.url(ACS_PATH))
        .push_static("pg_3d_md", md)
        .push_static("pg_3d_pareq", pareq);
    f
}

/// Why the ACS page refused a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AcsError {
    /// No session has this `MD`, or its `PaReq` differs.
    UnknownSession,
    /// The session already has its answer.
    AlreadyAnswered,
}

impl AcsError {
    /// Text for the page.
    pub(crate) fn text(self) -> &'static str {
        match self {
            AcsError::UnknownSession => "Unknown 3-D Secure session (MD and PaReq do not match).",
            AcsError::AlreadyAnswered => "This 3-D Secure session was already answered.",
        }
    }
}

/// Checks that the session of `md` exists with this `pareq`.
pub(crate) fn acs_session(state: &State, md: &str, pareq: &str) -> Result<(), AcsError> {
    match state.gateway.acs.get(md) {
        Some(s) if s.pareq == pareq && s.answer.is_none() => Ok(()),
        Some(s) if s.pareq == pareq => Err(AcsError::AlreadyAnswered),
        _ => Err(AcsError::UnknownSession),
    }
}

/// The payer typed `code` on the ACS page: the `PaRes` to post back to the `TermUrl`.
pub(crate) fn acs_answer(
    app: &App,
    state: &mut State,
    md: &str,
    pareq: &str,
    code: &str,
) -> Result<String, AcsError> {
    acs_session(state, md, pareq)?;
    let ok = code.trim() == ACS_CODE;
    let pares = format!(
        "sbxPaRes{}{}",
        if ok { "Y" } else { "N" },
        app.random_hex(40)
    );
    if let Some(session) = state.gateway.acs.get_mut(md) {
        session.answer = Some((pares.clone(), ok));
    }
    Ok(pares)
}

/// Checks the `pg_md` and `pg_pares` of a continuation against `subject`: `Ok(true)` when the
/// payer passed the ACS page, `Ok(false)` when the page failed them; an error (nothing
/// happens to the transaction) when the fields are not this transaction's or the payer has
/// not answered yet. The session is used up on success.
pub(crate) fn check_pares(
    state: &mut State,
    subject: AcsSubject,
    fields: &Fields,
) -> Result<bool, ApiError> {
    let md = validate::required(fields, "pg_md")?;
    let pares = validate::required(fields, "pg_pares")?;
    let session = state
        .gateway
        .acs
        .get(md)
        .filter(|s| s.subject == subject)
        .ok_or_else(|| {
            ApiError::validation("pg_md: not the 3-D Secure session of this transaction")
        })?;
    let Some((expected, ok)) = &session.answer else {
        return Err(ApiError::validation(
            "pg_pares: the payer has not passed the 3-D Secure page yet",
        ));
    };
    if expected != pares {
        return Err(ApiError::validation(
            "pg_pares: not the answer of the issuer's 3-D Secure page",
        ));
    }
    let ok = *ok;
    state.gateway.acs.remove(md);
    Ok(ok)
}
