//! `POST /v5/merchant/invoice/init` (docs/protocol.md §12.2; docs.freedompay.kg api-13677871,
//! freedompay.money/docs-en/merchant-api/bill): an invoice is a payment of the sandbox, paid
//! through its payment page (`/pay/{invoice_id}`), whose link the reply's `invoice_methods.qr`
//! encodes.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use freedompay_sign::Fields;
use freedompay_sign::jws::Algorithm;
use serde_json::{Map, Value};

use super::{KeyId, check_jws, copy, error_json, object, reply, run, text_of};
use crate::app::App;
use crate::endpoints::payment;
use crate::error::ApiError;
use crate::state::PaymentKind;
use crate::validate;

/// The path.
pub(super) const INIT: &str = "/v5/merchant/invoice/init";

/// The invoice methods the sandbox knows (the documentation names only `qr`).
const METHODS: &[&str] = &["qr"];

/// `POST /v5/merchant/invoice/init`: JWS HS512 with the payment secret and `merchant_id`.
pub(super) async fn init(
    AxumState(app): AxumState<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = check_jws(
        &app,
        &headers,
        &body,
        Algorithm::Hs512,
        INIT,
        KeyId::MerchantId,
    ) {
        return *refused;
    }
    let request = match object(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let members = match create(&app, &request) {
        Ok(members) => members,
        Err(error) => {
            let mut members = error_json(error);
            members.insert("invoice_status".to_owned(), "failed".into());
            members
        }
    };
    reply(
        StatusCode::OK,
        Value::Object(members).to_string().into_bytes(),
    )
}

/// Validates the documented members and creates the payment; the reply's members.
fn create(app: &Arc<App>, request: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let required = |name: &str| {
        text_of(request.get(name))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::validation(format!("{name}: required")))
    };
    if required("merchant_id")? != app.config.merchant_id {
        return Err(ApiError::validation(
            "merchant_id: must be the merchant of the signature",
        ));
    }
    if !matches!(
        request.get("amount"),
        Some(Value::Number(_) | Value::String(_))
    ) {
        return Err(ApiError::validation("amount: required, a number"));
    }
    let methods = match request.get("invoice_method") {
        None | Some(Value::Null) => vec!["qr".to_owned()],
        Some(Value::String(list)) => {
            let methods: Vec<String> = list.split(',').map(|m| m.trim().to_owned()).collect();
            if let Some(unknown) = methods.iter().find(|m| !METHODS.contains(&m.as_str())) {
                return Err(ApiError::validation(format!(
                    "invoice_method: {unknown:?} is not one of qr"
                )));
            }
            methods
        }
        Some(_) => return Err(ApiError::validation("invoice_method: a string")),
    };
    let mut fields = Fields::new();
    fields.push_static("pg_order_id", required("order_id")?);
    fields.push_static("pg_amount", required("amount")?);
    fields.push_static("pg_description", required("description")?);
    copy(&mut fields, request, "currency", "pg_currency");
    copy(&mut fields, request, "check_url", "pg_check_url");
    copy(&mut fields, request, "result_url", "pg_result_url");
    copy(&mut fields, request, "request_method", "pg_request_method");
    let id = run(app, &fields, |ctx, state| {
        let amount = validate::amount(ctx.fields(), "pg_amount").map_err(|_| {
            ApiError::validation("amount: a number from 0.01 to 99999999 with at most 2 decimals")
        })?;
        let id = payment::create(ctx, state, PaymentKind::Page, amount)?;
        Ok(super::Answer::Xml(super::super::ok(&[(
            "pg_payment_id",
            id.to_string(),
        )])))
    })?
    .text("pg_payment_id")
    .and_then(|id| id.parse::<i64>().ok())
    .ok_or_else(|| ApiError::new(crate::error::INTERNAL, "No invoice created"))?;

    let mut qr_methods = Map::new();
    if methods.iter().any(|m| m == "qr")
        && let Some(qr) = crate::qr::base64_png(&app.url(&format!("/pay/{id}")))
    {
        qr_methods.insert("qr".to_owned(), qr.into());
    }
    let mut members = Map::new();
    members.insert("status".to_owned(), "ok".into());
    members.insert("invoice_status".to_owned(), "process".into());
    members.insert("error_code".to_owned(), 0.into());
    members.insert("error_description".to_owned(), "".into());
    members.insert("invoice_id".to_owned(), id.into());
    members.insert("invoice_methods".to_owned(), Value::Object(qr_methods));
    members.insert(
        "dt".to_owned(),
        app.clock.format_iso(app.clock.now_ms()).into(),
    );
    Ok(members)
}
