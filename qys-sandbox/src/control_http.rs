//! The control API over HTTP, under `/__sandbox/api/`, and the dashboard at `/__sandbox/`:
//! every control of the Rust API for tools in any language. Each route calls the `control`
//! module, as the Rust methods do. The routes, bodies and answers are documented in
//! `PROTOCOL.md` ("The sandbox's control API").
//!
//! Answers are the platform's envelope, `{code, message, responseCode, result}`: `code` 0 on
//! success; a refusal the platform would answer (e.g. 1107 `NOT SIGN STEP` when signing out of
//! turn) with HTTP 200 and the platform's code; a malformed control request with HTTP 400 and
//! 1005 `INVALID PARAM`; an unknown route 404; a missing or wrong control token 401.

use std::time::Duration;

use http::{Method, Response};
use hyper::body::Incoming;
use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq;

use crate::control::{self, Console};
use crate::reply::{Body, Failure};
use crate::server::{Shared, lock};
use crate::{Fault, pages};

/// The largest control request body.
const MAX_CONTROL_BODY: usize = 1024 * 1024;

/// The header carrying the control token (`Authorization: Bearer …` works too).
pub(crate) const TOKEN_HEADER: &str = "x-qys-sandbox-token";

/// How deeply fault wrappers may nest in a control request.
const MAX_FAULT_DEPTH: usize = 8;

pub(crate) async fn serve(
    shared: &Shared,
    head: &http::request::Parts,
    body: &mut Option<Incoming>,
) -> Response<Body> {
    let path = head.uri.path();
    let query = qys_proto::query::parse_query_string(head.uri.query().unwrap_or(""));
    if !authorized(&shared.console, &head.headers, &query) {
        return Failure::gateway(
            401,
            "11990401",
            format!(
                "CONTROL TOKEN REQUIRED: send the token the sandbox printed in {TOKEN_HEADER} \
                 (or ?token= for the dashboard)"
            ),
        )
        .into_response();
    }
    if path == "/__sandbox" || path == "/__sandbox/" {
        return if head.method == Method::GET {
            crate::dashboard::render(shared, &query)
        } else {
            method_not_allowed(&head.method, path)
        };
    }
    let Some(route) = path.strip_prefix("/__sandbox/api/") else {
        return not_found(path);
    };
    let input = if head.method == Method::POST {
        match pages::read_limited(body.take(), MAX_CONTROL_BODY).await {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Map::new(),
            Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(m)) => m,
                _ => return bad("the body must be a JSON object").into_response(),
            },
            Err(413) => {
                return Failure::gateway(
                    413,
                    "11990413",
                    format!("REQUEST BODY TOO LARGE: the limit is {MAX_CONTROL_BODY} bytes"),
                )
                .into_response();
            }
            Err(_) => return bad("the body could not be read").into_response(),
        }
    } else {
        Map::new()
    };
    let segments: Vec<&str> = route.split('/').collect();
    let answer = match (&head.method, segments.as_slice()) {
        (&Method::GET, ["state"]) => Ok(control::state_json(shared)),
        (&Method::POST, ["reset"]) => {
            control::reset(shared, &crate::Fixtures::standard());
            Ok(Value::Null)
        }
        (&Method::POST, ["contracts", id, step @ ("sign" | "reject")]) => {
            contract_step(shared, id, step, &input)
        }
        (&Method::POST, ["company-auths", id, "complete"]) => success_flag(&input).and_then(|ok| {
            let done = control::apply(shared, |s| {
                crate::state_identity::complete_company_auth(s, id, ok)
            });
            pending_or_not(done, "company authentication", id)
        }),
        (&Method::POST, ["personal-auths", id, "complete"]) => {
            success_flag(&input).and_then(|ok| {
                let done = control::apply(shared, |s| {
                    crate::state_identity::complete_personal_auth(s, id, ok)
                });
                pending_or_not(done, "personal authentication", id)
            })
        }
        (&Method::POST, ["sign-auths", step @ ("grant" | "revoke")]) => {
            sign_auth_step(shared, step, &input)
        }
        (&Method::POST, ["callbacks"]) => owe_callback(shared, &input),
        (&Method::GET, ["deliveries"]) => Ok(Value::Array(
            shared
                .callbacks
                .log
                .snapshot()
                .iter()
                .map(control::delivery_json)
                .collect(),
        )),
        (&Method::POST, ["faults"]) => inject(shared, &input),
        (&Method::GET, ["requests"]) => Ok(requests(shared, &query)),
        (&Method::GET, ["tickets"]) => {
            let state = lock(&shared.state);
            let base = state.contract_book.base_url.clone();
            Ok(Value::Array(
                state
                    .tickets
                    .recent(usize::MAX)
                    .map(|(v, t)| control::ticket_json(&base, v, t))
                    .collect(),
            ))
        }
        (&Method::GET, ["tickets", value]) => {
            let state = lock(&shared.state);
            let base = state.contract_book.base_url.clone();
            state
                .tickets
                .get(value)
                .map(|t| control::ticket_json(&base, value, t))
                .ok_or_else(|| {
                    Failure::gateway(404, "11990404", format!("NOT FOUND: no ticket {value}"))
                })
        }
        (&Method::POST, ["clock", "advance"]) => advance_clock(shared, &input),
        (
            _,
            ["state" | "reset" | "callbacks" | "deliveries" | "faults" | "requests" | "tickets"],
        )
        | (_, ["contracts", _, "sign" | "reject"] | ["clock", "advance"]) => {
            return method_not_allowed(&head.method, path);
        }
        _ => return not_found(path),
    };
    match answer {
        Ok(result) => crate::reply::success(result),
        Err(f) => f.into_response(),
    }
}

/// Whether the request carries the console's token (always, when there is none).
fn authorized(console: &Console, headers: &http::HeaderMap, query: &[(String, String)]) -> bool {
    let Some(token) = &console.token else {
        return true;
    };
    let from_header = headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get(http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
        });
    let given = from_header.or_else(|| {
        query
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.as_str())
    });
    given.is_some_and(|g| bool::from(g.as_bytes().ct_eq(token.expose().as_bytes())))
}

fn bad(detail: impl std::fmt::Display) -> Failure {
    let mut f = Failure::invalid_param(detail);
    f.status = 400;
    f
}

fn not_found(path: &str) -> Response<Body> {
    Failure::gateway(404, "11990404", format!("NOT FOUND {path}")).into_response()
}

fn method_not_allowed(method: &Method, path: &str) -> Response<Body> {
    Failure::gateway(
        405,
        "11990405",
        format!("METHOD NOT ALLOWED {method} {path}"),
    )
    .into_response()
}

fn text<'a>(input: &'a Map<String, Value>, name: &str) -> Result<&'a str, Failure> {
    input
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(format!("{name} is required (a non-empty string)")))
}

fn optional_text<'a>(
    input: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(bad(format!("{name} must be a string"))),
    }
}

fn success_flag(input: &Map<String, Value>) -> Result<bool, Failure> {
    match input.get("success") {
        None => Ok(true),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad("success must be true or false")),
    }
}

fn pending_or_not(done: bool, what: &str, id: &str) -> Result<Value, Failure> {
    if done {
        Ok(Value::Null)
    } else {
        Err(Failure::invalid_param(format!(
            "no pending {what} has the ID {id}"
        )))
    }
}

fn contract_step(
    shared: &Shared,
    id: &str,
    step: &str,
    input: &Map<String, Value>,
) -> Result<Value, Failure> {
    let contact = text(input, "contact")?;
    let result = if step == "sign" {
        control::apply(shared, |s| control::sign_as(s, id, contact))
    } else {
        let reason = optional_text(input, "reason")?.unwrap_or("退回");
        control::apply(shared, |s| control::reject_as(s, id, contact, reason))
    };
    result.map(|step| step.to_json())
}

fn sign_auth_step(
    shared: &Shared,
    step: &str,
    input: &Map<String, Value>,
) -> Result<Value, Failure> {
    let contact = text(input, "contact")?;
    let done = if step == "grant" {
        control::apply(shared, |s| {
            crate::state_identity::complete_personal_sign_auth(s, contact)
        })
    } else {
        let company = optional_text(input, "company")?;
        control::apply(shared, |s| {
            control::revoke_personal_sign_auth(s, contact, company)
        })
    };
    if done {
        Ok(Value::Null)
    } else {
        let what = if step == "grant" { "pending" } else { "valid" };
        Err(Failure::invalid_param(format!(
            "{contact} has no {what} silent-signing authorization"
        )))
    }
}

fn owe_callback(shared: &Shared, input: &Map<String, Value>) -> Result<Value, Failure> {
    let kind_text = text(input, "kind")?;
    let kind = control::kind_of(kind_text).ok_or_else(|| {
        bad(format!(
            "kind {kind_text:?} is none of CONTRACT_STATUS, COMPANY_AUTH, PERSONAL_AUTH, \
             SEAL_REVIEW, PERSONAL_SIGN_AUTH"
        ))
    })?;
    let url = optional_text(input, "url")?.map(str::to_owned);
    let fields = match input.get("fields") {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(bad("fields must be a JSON object")),
    };
    control::owe_callback(shared, kind, url, fields);
    Ok(Value::Null)
}

fn inject(shared: &Shared, input: &Map<String, Value>) -> Result<Value, Failure> {
    let path = text(input, "path")?;
    if !path.starts_with('/') {
        return Err(bad("path must start with /"));
    }
    let times = match input.get("times") {
        None => 1,
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| bad("times must be a whole number from 1 to 1000000"))?,
    };
    let fault = input
        .get("fault")
        .ok_or_else(|| bad("fault is required"))
        .and_then(|f| fault_of(f, 0))?;
    lock(&shared.gateway).inject(path, fault, times);
    Ok(Value::Null)
}

/// A [`Fault`] from its JSON form (`{"type": "html", "status": 502}`, ...; see PROTOCOL.md).
fn fault_of(value: &Value, depth: usize) -> Result<Fault, Failure> {
    if depth > MAX_FAULT_DEPTH {
        return Err(bad("fault wrappers nest too deeply"));
    }
    let m = value
        .as_object()
        .ok_or_else(|| bad("fault must be a JSON object with a type"))?;
    let num = |name: &str| -> Result<u64, Failure> {
        m.get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(format!("fault.{name} is required (a whole number)")))
    };
    let status = |name: &str| -> Result<u16, Failure> {
        num(name).and_then(|n| {
            u16::try_from(n)
                .ok()
                .filter(|s| (100..=999).contains(s))
                .ok_or_else(|| bad(format!("fault.{name} must be an HTTP status")))
        })
    };
    let size = |name: &str| -> Result<usize, Failure> {
        num(name).and_then(|n| {
            usize::try_from(n)
                .ok()
                .filter(|&n| n <= crate::server::MAX_IMAGE_JSON_BODY)
                .ok_or_else(|| bad(format!("fault.{name} is too large")))
        })
    };
    let answer = || -> Result<Option<Box<Fault>>, Failure> {
        m.get("answer")
            .filter(|a| !a.is_null())
            .map(|a| fault_of(a, depth + 1).map(Box::new))
            .transpose()
    };
    let string = |name: &str| -> Result<String, Failure> {
        m.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("fault.{name} is required (a string)")))
    };
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("");
    Ok(match kind {
        "delay" => Fault::Delay(Duration::from_millis(num("ms")?.min(600_000))),
        "html" => Fault::Html(status("status")?),
        "truncated" => Fault::TruncatedBody,
        "reset" => Fault::Reset,
        "oversized" => Fault::Oversized(size("bytes")?),
        "status" => Fault::Status(status("status")?, string("body")?),
        "tooManyRequests" => {
            Fault::TooManyRequests(optional_text(m, "retryAfter")?.map(str::to_owned))
        }
        "invalidUtf8" => Fault::InvalidUtf8,
        "file" => Fault::file(string("fileName")?, string("contentType")?, string("text")?),
        "redirect" => Fault::Redirect(string("location")?),
        "trickle" => Fault::Trickle {
            chunk: size("chunk")?.max(1),
            interval: Duration::from_millis(num("intervalMs")?.min(60_000)),
            answer: answer()?,
        },
        "cut" => Fault::CutBody {
            keep: size("keep")?,
            answer: answer()?,
        },
        "contentType" => Fault::ContentType {
            content_type: string("contentType")?,
            answer: answer()?,
        },
        other => {
            return Err(bad(format!(
                "fault.type {other:?} is none of delay, html, truncated, reset, oversized, \
                 status, tooManyRequests, invalidUtf8, file, redirect, trickle, cut, contentType"
            )));
        }
    })
}

fn requests(shared: &Shared, query: &[(String, String)]) -> Value {
    let recent: Vec<Value> = shared
        .console
        .recent()
        .iter()
        .map(control::SeenRequest::to_json)
        .collect();
    let accepted = shared.accepted.load(std::sync::atomic::Ordering::SeqCst);
    let mut out = json!({ "recent": recent, "connectionsAccepted": accepted });
    if let Some((_, path)) = query.iter().find(|(k, _)| k == "path") {
        let gateway = lock(&shared.gateway);
        out["path"] = json!(path);
        out["count"] = json!(gateway.seen(path));
        out["nonces"] = json!(gateway.nonces(path));
    }
    out
}

fn advance_clock(shared: &Shared, input: &Map<String, Value>) -> Result<Value, Failure> {
    let seconds = input
        .get("seconds")
        .and_then(Value::as_u64)
        .filter(|&s| s <= 100 * 365 * 86_400)
        .ok_or_else(|| bad("seconds must be a whole number from 0 to 3153600000 (100 years)"))?;
    let now = control::advance_clock(shared, Duration::from_secs(seconds));
    Ok(json!({ "nowMs": now }))
}
