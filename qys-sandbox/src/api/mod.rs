//! The routes of the sandbox: method, path, body shape, field table and handler. One file per
//! menu group of the platform's documentation, as in qys-proto.

use qys_proto::types::{ContactType, User};
use serde_json::{Map, Value};

use crate::fields::{FileField, Schema};
use crate::reply::Failure;
use crate::state::{State, UploadedFile};

/// One [`Route`]: `route!(Post "/path", body kind, SCHEMA, handler)`.
macro_rules! route {
    ($verb:ident $path:literal, $body:expr, $schema:expr, $handler:expr) => {
        $crate::api::Route {
            verb: $crate::api::Verb::$verb,
            path: $path,
            body: $body,
            schema: &$schema,
            handler: $handler,
        }
    };
}

pub(crate) mod app;
mod attachment;
mod auth;
mod authorization;
mod category;
mod company;
mod contract;
mod customer;
mod document;
mod employee;
mod miniapp;
mod saas;
mod seal;
mod signatory;
mod signing;
mod template;
mod tools;
mod uniform;

pub(crate) use contract::{
    api_operator, bad_status, content_type_of, contract_json, emit, locate_by, not_found,
    not_sign_step, send_draft, settle,
};

/// The HTTP methods the platform uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // GET routes arrive with the contract and organization groups
pub(crate) enum Verb {
    Get,
    Post,
}

impl Verb {
    pub(crate) fn method(self) -> http::Method {
        match self {
            Self::Get => http::Method::GET,
            Self::Post => http::Method::POST,
        }
    }

    pub(crate) fn matches(self, method: &http::Method) -> bool {
        match self {
            Self::Get => method == http::Method::GET,
            Self::Post => method == http::Method::POST,
        }
    }
}

/// How a route's request carries its fields.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // query routes arrive with the contract and organization groups
pub(crate) enum BodyKind {
    /// A JSON object body (`Content-Type: application/json`), at most
    /// [`MAX_JSON_BODY`](crate::server::MAX_JSON_BODY) bytes.
    Json,
    /// A JSON object body that carries Base64 images (a seal image, an LP letter), at most
    /// [`MAX_IMAGE_JSON_BODY`](crate::server::MAX_IMAGE_JSON_BODY) bytes.
    ImageJson,
    /// A `multipart/form-data` body: text parts checked by the table, and these files.
    Multipart(&'static [FileField]),
    /// The query string (GET endpoints; an empty query is fine when the table requires
    /// nothing). Values are text; the table's types say how to read them (`true`, numbers,
    /// comma-joined lists).
    Query,
}

impl BodyKind {
    /// The largest body a request of this kind may send (HTTP 413 beyond).
    pub(crate) fn limit(self) -> usize {
        match self {
            Self::Json => crate::server::MAX_JSON_BODY,
            Self::ImageJson => crate::server::MAX_IMAGE_JSON_BODY,
            Self::Multipart(_) => crate::server::MAX_UPLOAD_BODY,
            // The fields are in the query; a body is not read.
            Self::Query => 0,
        }
    }
}

/// What a handler gets: the checked fields, and the files of a multipart body.
#[derive(Debug, Default)]
pub(crate) struct Input {
    pub(crate) fields: Map<String, Value>,
    pub(crate) files: Vec<(String, UploadedFile)>,
}

impl Input {
    /// A field as text (strings as they are, numbers in decimal); `None` when absent or empty.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        text_of(self.fields.get(name)?)
    }

    /// The file part `name`, if sent.
    pub(crate) fn take_file(&mut self, name: &str) -> Option<UploadedFile> {
        let at = self.files.iter().position(|(n, _)| n == name)?;
        Some(self.files.swap_remove(at).1)
    }
}

/// A JSON value as text, `None` when null, empty or not a scalar.
pub(crate) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The user object at `value` (already checked against its table).
pub(crate) fn user_of(value: Option<&Value>) -> Option<User> {
    let object = value?.as_object()?;
    let contact = object.get("contact").and_then(text_of)?;
    let contact_type = object.get("contactType").and_then(text_of)?;
    let mut user = User::new(contact, ContactType::from(contact_type.as_str()));
    if let Some(n) = object.get("name").and_then(text_of) {
        user = user.with_name(n);
    }
    Some(user)
}

/// `user` as the answers show it: `{contact, contactType, name}`.
pub(crate) fn user_json(user: &User) -> Value {
    let mut m = Map::new();
    m.insert("contact".into(), Value::from(user.contact.as_str()));
    m.insert(
        "contactType".into(),
        Value::from(user.contact_type.as_str()),
    );
    if let Some(n) = &user.name {
        m.insert("name".into(), Value::from(n.as_str()));
    }
    Value::Object(m)
}

/// What a handler answers on success.
#[derive(Debug)]
#[allow(dead_code)] // file answers arrive with the download endpoints
pub(crate) enum Answer {
    /// A success envelope around this `result`.
    Result(Value),
    /// A file (download endpoints): HTTP 200 with these bytes.
    File {
        /// The name sent in `Content-Disposition` (both `filename` and RFC 5987 `filename*`).
        file_name: String,
        /// The media type.
        content_type: &'static str,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

impl From<Value> for Answer {
    fn from(result: Value) -> Self {
        Self::Result(result)
    }
}

/// Handles a checked request: the answer, or the error to answer.
pub(crate) type Handler = fn(&mut State, Input) -> Result<Answer, Failure>;

/// One route of the platform.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) verb: Verb,
    pub(crate) path: &'static str,
    pub(crate) body: BodyKind,
    pub(crate) schema: &'static Schema,
    pub(crate) handler: Handler,
}

/// The route groups, one per menu group (each module adds its `ROUTES` here).
static GROUPS: &[&[Route]] = &[
    miniapp::ROUTES,
    contract::ROUTES,
    document::ROUTES,
    signatory::ROUTES,
    signing::ROUTES,
    attachment::ROUTES,
    app::ROUTES,
    company::ROUTES,
    employee::ROUTES,
    seal::ROUTES,
    template::ROUTES,
    category::ROUTES,
    auth::ROUTES,
    customer::ROUTES,
    authorization::ROUTES,
    tools::ROUTES,
    saas::ROUTES,
    uniform::ROUTES,
];

/// Every route the sandbox serves.
pub(crate) fn routes() -> impl Iterator<Item = &'static Route> {
    GROUPS.iter().flat_map(|group| group.iter())
}

/// The route for `path`: `Ok` when one takes this method, `Err(true)` when the path exists
/// with other methods only, `Err(false)` when it does not exist.
pub(crate) fn lookup(method: &http::Method, path: &str) -> Result<&'static Route, bool> {
    let mut path_known = false;
    for route in routes() {
        if route.path == path {
            path_known = true;
            if route.verb.matches(method) {
                return Ok(route);
            }
        }
    }
    Err(path_known)
}
