//! Products of the Partner API (`/v5/partner/client/*`): docs.freedompay.kg api-13677907
//! (add user).

use serde::{Deserialize, Serialize};

use crate::InvalidInput;
use crate::json::JsonApi;
use crate::json::card_api::check_text;

/// The user of [`AddUser`]: `first_name`, `last_name`, `phone`, `email` (all required
/// strings). Personal data: `Debug` shows the names only.
#[derive(Clone, PartialEq, Eq, Serialize)]
struct UserInfo {
    first_name: String,
    last_name: String,
    phone: String,
    email: String,
}

/// `POST /v5/partner/client/user/add`: adds a user to a partner's client
/// (docs.freedompay.kg api-13677907). Body: `request_id` (the call's), `client_id` (integer),
/// `user_info` {`first_name`, `last_name`, `phone`, `email`}, all required. Moves no money.
/// The phone and e-mail are hidden in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AddUser {
    client_id: u64,
    user_info: UserInfo,
}

impl AddUser {
    /// Adds the user `first_name last_name` (with `phone` and `email`) to client `client_id`.
    pub fn new(
        client_id: u64,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        phone: impl Into<String>,
        email: impl Into<String>,
    ) -> Result<Self, InvalidInput> {
        let user_info = UserInfo {
            first_name: first_name.into(),
            last_name: last_name.into(),
            phone: phone.into(),
            email: email.into(),
        };
        check_text("first_name", &user_info.first_name)?;
        check_text("last_name", &user_info.last_name)?;
        check_text("phone", &user_info.phone)?;
        check_text("email", &user_info.email)?;
        Ok(Self {
            client_id,
            user_info,
        })
    }
}

impl core::fmt::Debug for AddUser {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AddUser")
            .field("client_id", &self.client_id)
            .field("first_name", &self.user_info.first_name)
            .field("last_name", &self.user_info.last_name)
            .field("phone", &"***")
            .field("email", &"***")
            .finish()
    }
}

/// The reply of [`AddUser`] (docs.freedompay.kg api-13677907): `status`, `client_id`,
/// `user_id`, `error_code`, `error_description`, `dt`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserAdded {
    /// `status`.
    #[serde(default)]
    pub status: Option<String>,
    /// `client_id`.
    #[serde(default)]
    pub client_id: Option<u64>,
    /// `user_id`: the new user.
    #[serde(default)]
    pub user_id: Option<u64>,
    /// `error_code` (an integer on this page), as text.
    #[serde(
        default,
        deserialize_with = "crate::json::values::text_or_number::deserialize"
    )]
    pub error_code: Option<String>,
    /// `error_description`.
    #[serde(default)]
    pub error_description: Option<String>,
    /// `dt`.
    #[serde(default)]
    pub dt: Option<String>,
}

crate::json_operation! {
    AddUser => UserAdded {
        name: "partner_user_add",
        api: JsonApi::Partner,
        path: "/v5/partner/client/user/add",
        moves_money: false,
        request_id: "request_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::card_api::wire_body;
    use crate::json::testing::{fixture, json_wire, read_fixture};

    #[test]
    fn add_user_writes_the_documented_members() {
        let op = AddUser::new(0, "string", "string", "string", "string").unwrap();
        let wire = json_wire(&op);
        let mut page: serde_json::Value =
            serde_json::from_slice(&fixture("partner_api/user_add_request.json")).unwrap();
        page["request_id"] = "01978c2b-f191-7b56-92f8-20c7c401d1fc".into();
        assert_eq!(wire_body(&wire), page, "{wire}");
        insta::assert_snapshot!(wire);
        let debug = format!(
            "{:?}",
            AddUser::new(7, "A", "B", "77011234567", "a@b.kz").unwrap()
        );
        assert!(
            !debug.contains("77011234567") && !debug.contains("a@b.kz"),
            "{debug}"
        );
    }

    #[test]
    fn the_documented_reply_parses() {
        let op = AddUser::new(0, "a", "b", "c", "d").unwrap();
        let added = read_fixture(&op, "partner_api/user_add_reply.json").unwrap();
        assert_eq!((added.client_id, added.user_id), (Some(0), Some(0)));
        assert_eq!(added.error_code.as_deref(), Some("0"));
    }
}
