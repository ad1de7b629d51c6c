//! 组织架构 (employee part): list, add, update, look up and remove employees, and manage their
//! seal and template administrator roles.
//!
//! ⚠ None of these doc pages was retrieved; fields follow the vendor Go SDK 3.1.1 and the
//! documentation digest. Answers are read permissively ([`Employee`] keeps unknown fields).
//!
//! Rate limit the platform documents: the same create request five times within an hour locks
//! it for six hours (accumulating).

use serde::{Deserialize, Serialize};

use crate::answer;
use crate::api::org_types::{
    ListQuery, MemberOperate, Page, Role, invalid, require_non_empty, require_user,
};
use crate::endpoint::{Check, endpoint, paged, setters};
use crate::error::BuildError;
use crate::id::EmployeeId;
use crate::types::{Ack, ContactType, User};

/// An employee as the organization calls describe it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Employee {
    /// The employee ID.
    pub id: Option<EmployeeId>,
    /// The name.
    pub name: Option<String>,
    /// The mobile number.
    pub mobile: Option<String>,
    /// The e-mail address.
    pub email: Option<String>,
    /// The employee number (`number`).
    pub number: Option<String>,
    /// The state, as sent.
    pub status: Option<String>,
    /// The roles, as sent (⚠ undocumented shape: a list of names is read).
    #[serde(deserialize_with = "answer::vec")]
    pub roles: Vec<serde_json::Value>,
    /// Fields qys does not know, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// 组织架构-员工列表 — `GET /v2/employee/list`: one page of employees, optionally of one role
/// or one sub-company. See [`crate::endpoint::Paged`] to walk every page.
///
/// ⚠ The answer is read as `{totalCount, list}` or a bare list.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeListRequest {
    #[serde(flatten)]
    page: ListQuery,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
}

impl EmployeeListRequest {
    setters! {
        /// Only employees with this role.
        role: Role;
    }
}
endpoint!(EmployeeListRequest: GET "/v2/employee/list", query, idempotent = true => Page<Employee>);
paged!(EmployeeListRequest => Employee, "employees");

/// 组织架构-添加员工 — `POST /v2/employee/create`: adds an employee (the name must match a
/// verified identity: 1703 / 11041703 otherwise).
///
/// ⚠ The answer is undocumented; an employee object is read when one comes (`None` for `null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeCreateRequest {
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
}

impl EmployeeCreateRequest {
    /// Adds `user`, who must carry a name.
    pub fn new(user: User) -> Self {
        Self {
            user,
            number: None,
            tenant_name: None,
        }
    }

    setters! {
        /// The employee number.
        number: String;
        /// Adds the employee to this sub-company.
        tenant_name: String;
    }
}

impl Check for EmployeeCreateRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")?;
        match self.user.name.as_deref() {
            Some(n) if !n.trim().is_empty() => Ok(()),
            _ => Err(invalid("user.name is required to add an employee")),
        }
    }
}
endpoint!(EmployeeCreateRequest: POST "/v2/employee/create", json, idempotent = false => Option<Employee>);

/// 组织架构-更新员工 — `POST /v2/employee/update`: changes an employee's name or number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeUpdateRequest {
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
}

impl EmployeeUpdateRequest {
    /// Updates the employee `user` (with its new name, if any).
    pub fn new(user: User) -> Self {
        Self {
            user,
            number: None,
            tenant_name: None,
        }
    }

    setters! {
        /// The new employee number.
        number: String;
        /// The sub-company of the employee.
        tenant_name: String;
    }
}

impl Check for EmployeeUpdateRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")
    }
}
endpoint!(EmployeeUpdateRequest: POST "/v2/employee/update", json, idempotent = false => Ack);

/// 组织架构-员工详情 — `POST /v2/employee/detail` (a POST that only reads): one employee.
///
/// ⚠ The answer is undocumented; `None` when the result is `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeDetailRequest {
    user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
}

impl EmployeeDetailRequest {
    /// The employee `user`.
    pub fn new(user: User) -> Self {
        Self {
            user,
            tenant_name: None,
        }
    }

    setters! {
        /// The sub-company of the employee.
        tenant_name: String;
    }
}

impl Check for EmployeeDetailRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_user(&self.user, "user")
    }
}
endpoint!(EmployeeDetailRequest: POST "/v2/employee/detail", json, idempotent = true => Option<Employee>);

/// 组织架构-移除员工 — `POST /v2/employee/remove`: removes an employee, optionally handing
/// their permissions to another (the body is flat: `contact`, `contactType`, ...).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeRemoveRequest {
    contact: String,
    contact_type: ContactType,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transfer_employee: Option<String>,
}

impl EmployeeRemoveRequest {
    /// Removes the employee `user` (contact type `MOBILE`, `EMAIL` or `EMPLOYEEID`).
    pub fn new(user: User) -> Self {
        Self {
            contact: user.contact,
            contact_type: user.contact_type,
            tenant_name: None,
            transfer_employee: None,
        }
    }

    setters! {
        /// The sub-company of the employee.
        tenant_name: String;
        /// The employee who inherits the removed employee's permissions.
        transfer_employee: String;
    }
}

impl Check for EmployeeRemoveRequest {
    fn check(&self) -> Result<(), BuildError> {
        require_non_empty(&self.contact, "contact")?;
        match self.contact_type {
            ContactType::Mobile | ContactType::Email | ContactType::EmployeeId => Ok(()),
            _ => Err(invalid("contactType must be MOBILE, EMAIL or EMPLOYEEID")),
        }
    }
}
endpoint!(EmployeeRemoveRequest: POST "/v2/employee/remove", json, idempotent = false => Ack);

/// 组织架构-管理员工角色 — `POST /v2/role/manage`: grants or withdraws the seal or template
/// administrator role (the users must be registered employees).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleManageRequest {
    role: Role,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    users: Vec<User>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operate: Option<MemberOperate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_name: Option<String>,
}

impl RoleManageRequest {
    /// Grants `role` (`SEAL_ADMIN` or `TEMPLATE_ADMIN`) to `users`; see
    /// [`operate`](Self::operate) to withdraw it.
    pub fn new(role: Role, users: impl IntoIterator<Item = User>) -> Self {
        Self {
            role,
            users: users.into_iter().collect(),
            operate: None,
            tenant_name: None,
        }
    }

    setters! {
        /// `ADD` (default) or `REMOVE`.
        operate: MemberOperate;
        /// The sub-company.
        tenant_name: String;
    }
}

/// `role` is `SEAL_ADMIN` or `TEMPLATE_ADMIN` (契约锁 doc page 管理员工角色, as summarised in
/// the vendor's skill notes); each user has a contact (用户: `contact` 必填). An empty `users`
/// list is the platform's to judge: nothing marks it required.
impl Check for RoleManageRequest {
    fn check(&self) -> Result<(), BuildError> {
        if self.role == Role::SystemAdmin {
            return Err(invalid("role must be SEAL_ADMIN or TEMPLATE_ADMIN"));
        }
        for (i, u) in self.users.iter().enumerate() {
            require_user(u, &format!("users[{i}]"))?;
        }
        Ok(())
    }
}
endpoint!(RoleManageRequest: POST "/v2/role/manage", json, idempotent = false => Ack);
