//! Mobile commerce: `mfs/pay` sends a code to the payer's phone (`need_approve`),
//! `mfs/approve` confirms it. The test phones +77017777777 and +77027777777 with code 111111
//! pay; another phone with the right code is declined; a wrong code is refused and may be
//! tried again.

use super::{Answer, Ctx, ResultCallback, ok};
use crate::error::ApiError;
use crate::flow;
use crate::flow::payment::Funding;
use crate::state::{MobilePayer, PaymentStatus, State};
use crate::validate;

const SYSTEMS: [&str; 5] = ["TELE2KZT", "ALTELKZT", "BEELINEKZT", "KCELLKZT", "ACTIVKZT"];
const TEST_PHONES: [&str; 2] = ["77017777777", "77027777777"];
const TEST_CODE: &str = "111111";

/// `mfs/pay`.
pub(crate) fn pay(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let id = validate::id(f, "pg_payment_id")?;
    let phone = validate::phone(f, "pg_abonent_phone")?;
    let system = validate::required(f, "pg_payment_system_code")?;
    if !SYSTEMS.contains(&system) {
        return Err(ApiError::validation(format!(
            "pg_payment_system_code: one of {}",
            SYSTEMS.join(", ")
        )));
    }
    let payment = state
        .payments
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    if !payment.payable(ctx.now) {
        return Err(ApiError::validation(format!(
            "pg_payment_id: the payment is {}",
            payment.status.status3()
        )));
    }
    payment.status = PaymentStatus::Pending;
    payment.payment_method = "mobile_commerce".into();
    payment.payment_system = Some(system.to_owned());
    payment.user_phone = Some(phone.clone());
    payment.mfs = Some(MobilePayer { phone });
    let mut reply = ok(&[("pg_payment_id", id.to_string())]);
    reply.set("pg_status", "need_approve");
    Ok(Answer::Xml(reply))
}

/// `mfs/approve`.
pub(crate) fn approve(ctx: &mut Ctx<'_>, state: &mut State) -> Result<Answer, ApiError> {
    let f = ctx.fields();
    let id = validate::id(f, "pg_payment_id")?;
    let code = validate::required(f, "pg_approval_code")?;
    let payment = state
        .payments
        .get(&id)
        .ok_or_else(|| ApiError::not_found("Transaction not found"))?;
    let Some(MobilePayer { phone }) = payment.mfs.clone() else {
        return Err(ApiError::validation("pg_payment_id: call mfs/pay first"));
    };
    if !payment.payable(ctx.now) {
        return Err(ApiError::validation(format!(
            "pg_payment_id: the payment is {}",
            payment.status.status3()
        )));
    }
    if code != TEST_CODE {
        return Err(ApiError::validation("pg_approval_code: wrong code")
            .with("pg_payment_id", id.to_string()));
    }
    let approved = TEST_PHONES.contains(&phone.as_str());
    let failure = (!approved).then(|| (flow::payment::DECLINED, "Transaction declined".to_owned()));
    let result = flow::payment::settle(
        ctx.app,
        state,
        id,
        &Funding::Phone { approved },
        failure.clone(),
    )
    .map_err(|_| ApiError::not_found("Transaction not found"))?;
    if let Some(callback) = result {
        ctx.results.push(ResultCallback {
            callback,
            payment: id,
        });
    }
    let mut reply = ok(&[("pg_payment_id", id.to_string())]);
    if let Some((code, description)) = failure {
        reply.set("pg_status", "error");
        reply
            .push_static("pg_error_code", code.to_string())
            .push_static("pg_error_description", description);
    }
    Ok(Answer::Xml(reply))
}
