//! Every endpoint of the Open Platform, one file per menu group of the vendor's documentation.
//!
//! | module | menu |
//! | --- | --- |
//! | [`miniapp`] | 小程序插件 (WeChat mini-program plugin tickets) |
//!
//! [`catalogue`] lists every endpoint type with its method and path, read from the trait
//! constants; `ENDPOINTS.md` at the repository root is checked against it.

use http::Method;

pub mod miniapp;

/// How an endpoint travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON body.
    Json,
    /// A query string (or nothing).
    Query,
    /// A `multipart/form-data` body with files.
    Multipart,
    /// A download.
    Download,
}

/// One endpoint as the catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The Rust type (without module path or generics).
    pub type_name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path.
    pub path: &'static str,
    /// How it travels.
    pub shape: Shape,
}

fn short_name<T: ?Sized>() -> &'static str {
    let full = std::any::type_name::<T>();
    let no_generics = full.split('<').next().unwrap_or(full);
    no_generics.rsplit("::").next().unwrap_or(no_generics)
}

fn call<E: crate::endpoint::Endpoint>(shape: Shape) -> EndpointInfo {
    EndpointInfo {
        type_name: short_name::<E>(),
        method: E::METHOD,
        path: E::PATH,
        shape,
    }
}

/// Every endpoint type of qys.
pub fn catalogue() -> Vec<EndpointInfo> {
    use miniapp::*;
    vec![
        call::<ContractSignTicketRequest>(Shape::Json),
        call::<ContractViewTicketRequest>(Shape::Json),
        call::<PersonalAuthTicketRequest>(Shape::Json),
        call::<CompanyAuthTicketRequest>(Shape::Json),
        call::<CompanyAuthLicenseTicketRequest<()>>(Shape::Multipart),
        call::<PersonalSignAuthTicketRequest>(Shape::Json),
        call::<SaasPersonalSignAuthTicketRequest>(Shape::Json),
        call::<SaasSealSignAuthTicketRequest>(Shape::Json),
        call::<SaasCompanyAuthTicketRequest<()>>(Shape::Multipart),
        call::<SaasPersonalAuthTicketRequest>(Shape::Json),
        call::<SaasPrivilegeTicketRequest>(Shape::Json),
    ]
}
