//! 外部客户: adding external customers (spec §9b), with the sandbox's own field table.

use serde_json::json;

use super::auth::{required_text, user, user_json};
use super::{Answer, BodyKind, Input, Route};
use crate::fields::{Schema, Ty, USER, opt, req};
use crate::reply::Failure;
use crate::state::State;
use crate::state_identity::push_capped;

/// `POST /v2/customer/add` (§9b): `tenantType` required; `companyName` required for a
/// `COMPANY` customer (checked by the handler).
pub(super) const CUSTOMER_ADD: Schema = Schema {
    fields: &[
        req("tenantType", Ty::Enum(&["COMPANY", "PERSONAL"])),
        opt("companyName", Ty::Str),
        opt("user", Ty::Object(&USER)),
        opt("alternateContact", Ty::Str),
    ],
    rules: &[],
};

pub(super) static ROUTES: &[Route] =
    &[route!(Post "/v2/customer/add", BodyKind::Json, CUSTOMER_ADD, customer_add)];

/// Records the customer and answers `{customerId}` (⚠ the platform's answer is undocumented).
fn customer_add(state: &mut State, input: Input) -> Result<Answer, Failure> {
    let tenant_type = required_text(&input, "tenantType")?;
    let company_name = input.text("companyName");
    if tenant_type == "COMPANY" && company_name.is_none() {
        return Err(Failure::invalid_param(
            "companyName is required for a COMPANY customer",
        ));
    }
    let contact = user(&input, "user");
    if tenant_type == "PERSONAL" && contact.is_none() {
        return Err(Failure::invalid_param(
            "user is required for a PERSONAL customer",
        ));
    }
    let id = state.identity.next_id();
    let record = json!({
        "customerId": id,
        "tenantType": tenant_type,
        "companyName": company_name,
        "user": contact.as_ref().map(user_json),
        "alternateContact": input.text("alternateContact"),
    });
    push_capped(&mut state.identity.customers, record);
    Ok(Answer::Result(json!({ "customerId": id })))
}
