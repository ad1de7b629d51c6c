//! `qys api`: sign and send any call, like `gh api`.
//!
//! This module is the only place that knows the generic call of qys-proto
//! (`qys_proto::generic`); the rest of `qys` uses typed endpoints.

use std::path::{Path, PathBuf};

use clap::Args;
use http::Method;
use qys_blocking::Client;
use qys_proto::api::catalogue;
use qys_proto::endpoint::{Call, Check, Endpoint, Paged, Payload};
use qys_proto::generic::{GenericAnswer, GenericCall, GenericUpload};
use qys_proto::{BuildError, Context};
use serde_json::{Map, Value};

use crate::fail::Failure;
use crate::output::{Sink, download, open_upload, print_json, read_input};

/// The largest `--input` read (the platform's JSON bodies are small; files go as `-F`).
const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// `qys api`.
#[derive(Debug, Args)]
pub(crate) struct ApiCommand {
    /// The path, e.g. /v2/contract/detail (appended to the base URL).
    #[arg(value_name = "PATH")]
    path: String,
    /// The HTTP method. Default: the method qys knows for the path; else POST when there is
    /// a body (--input, -F, --form), else GET.
    #[arg(short = 'X', long, value_name = "METHOD")]
    method: Option<String>,
    /// A field (repeatable): in the query string of a GET, in the JSON body of a POST (added
    /// to the --input object), a text part of a multipart call. `key:=JSON` gives a JSON
    /// value (a number, a list, an object) instead of a string.
    #[arg(short = 'f', long = "field", value_name = "KEY=VALUE")]
    fields: Vec<String>,
    /// The JSON body, from a file or `-` for stdin.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["files", "form"])]
    input: Option<PathBuf>,
    /// A file part (repeatable): makes the call a multipart upload, the file streamed.
    #[arg(short = 'F', long = "file", value_name = "PART=@FILE")]
    files: Vec<String>,
    /// Sends the fields as multipart text parts without a file (what the vendor SDKs do for
    /// some POST calls).
    #[arg(long)]
    form: bool,
    /// Prints the whole answer (code, message, responseCode, result), not only the result.
    #[arg(long, conflicts_with_all = ["raw", "typed"])]
    envelope: bool,
    /// The answer is a file (a download): written to -o FILE, or to stdout.
    #[arg(long)]
    raw: bool,
    /// With --raw: where to write the file (written to a temporary file, renamed into place
    /// when complete); `-` for stdout.
    #[arg(short, long, value_name = "FILE", requires = "raw")]
    output: Option<PathBuf>,
    /// Decodes the result through qys's type for this path and prints it encoded again: what
    /// the typed layer keeps.
    #[arg(long, conflicts_with = "raw")]
    typed: bool,
    /// Walks a paged list (a GET answering {totalCount, list}, paged by selectOffset and
    /// selectLimit) to its end and prints all the items as one JSON array (an answer without
    /// `list` is printed as the array's only item).
    #[arg(long, conflicts_with_all = ["raw", "envelope", "typed", "input", "files", "form"])]
    paginate: bool,
    /// Lets a failed call be retried (for calls that change nothing, or change it once only).
    /// Default: GET calls and calls qys knows to be idempotent.
    #[arg(long)]
    idempotent: bool,
}

/// A `-f` field: a string, or a JSON value with `key:=JSON`.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    key: String,
    value: Value,
}

impl Field {
    fn parse(arg: &str) -> Result<Self, Failure> {
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            Failure::usage(format!("-f {arg:?}: expected KEY=VALUE or KEY:=JSON"))
        })?;
        let (key, value) = match key.strip_suffix(':') {
            Some(key) => (
                key,
                serde_json::from_str(value).map_err(|e| {
                    Failure::usage(format!("-f {key}:=…: the value is not JSON ({e})"))
                })?,
            ),
            None => (key, Value::String(value.to_owned())),
        };
        if key.is_empty() {
            return Err(Failure::usage(format!("-f {arg:?}: the key is empty")));
        }
        Ok(Self {
            key: key.to_owned(),
            value,
        })
    }

    /// The value as text: strings as they are, anything else as JSON (how the vendor SDKs
    /// send objects and lists in query strings and text parts).
    fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// A `-F part=@file`.
#[derive(Debug, Clone, PartialEq)]
struct FileArg {
    part: String,
    path: PathBuf,
}

impl FileArg {
    fn parse(arg: &str) -> Result<Self, Failure> {
        match arg.split_once("=@") {
            Some((part, path)) if !part.is_empty() && !path.is_empty() => Ok(Self {
                part: part.to_owned(),
                path: PathBuf::from(path),
            }),
            _ => Err(Failure::usage(format!(
                "-F {arg:?}: expected PART=@FILE (a text field is -f KEY=VALUE)"
            ))),
        }
    }
}

impl ApiCommand {
    /// Sends the call and prints the answer.
    pub(crate) fn run(&self, client: &Client) -> Result<(), Failure> {
        let fields = self
            .fields
            .iter()
            .map(|f| Field::parse(f))
            .collect::<Result<Vec<_>, _>>()?;
        let files = self
            .files
            .iter()
            .map(|f| FileArg::parse(f))
            .collect::<Result<Vec<_>, _>>()?;
        let method = self.method(!files.is_empty())?;
        let known = catalogue::find(&method, &self.path);
        let idempotent =
            self.idempotent || method == Method::GET || known.is_some_and(|route| route.idempotent);

        if !files.is_empty() {
            let mut upload = GenericUpload::new(method, &self.path);
            for field in &fields {
                upload = upload.field(&field.key, field.text());
            }
            for file in &files {
                upload = upload.file(&file.part, open_upload(&file.path)?);
            }
            let answer = client.upload(&mut upload.idempotent(idempotent))?;
            return self.print(answer, known);
        }

        if self.paginate {
            return paginate(client, method, &self.path, &fields);
        }
        let mut call = GenericCall::new(method.clone(), &self.path).idempotent(idempotent);
        if let Some(input) = &self.input {
            // A call carries one body: the fields join the --input object.
            let mut body = read_json(input)?;
            if !fields.is_empty() {
                let Value::Object(map) = &mut body else {
                    return Err(Failure::usage(
                        "-f fields go into the --input object, but --input is not a JSON object",
                    ));
                };
                map.extend(fields.into_iter().map(|f| (f.key, f.value)));
            }
            call = call.json(body);
        } else if self.form {
            for field in &fields {
                call = call.form(&field.key, field.text());
            }
        } else if method == Method::GET || method == Method::DELETE || method == Method::HEAD {
            for field in &fields {
                call = call.query(&field.key, field.text());
            }
        } else if !fields.is_empty() {
            let body: Map<String, Value> = fields.into_iter().map(|f| (f.key, f.value)).collect();
            call = call.json(Value::Object(body));
        }

        if self.raw {
            let sink = self.output.as_deref().map_or(Sink::Stdout, Sink::from_arg);
            return download(client, &call, &sink);
        }
        let answer = client.execute(&call)?;
        self.print(answer, known)
    }

    /// The method: as given, else the one qys knows for the path, else POST with a body and
    /// GET without.
    fn method(&self, has_files: bool) -> Result<Method, Failure> {
        if let Some(m) = &self.method {
            return Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| Failure::usage(format!("-X {m:?} is not an HTTP method")));
        }
        let known: Vec<&Method> = catalogue::catalogue()
            .iter()
            .filter(|r| r.path == self.path)
            .map(|r| &r.method)
            .collect();
        Ok(match known.as_slice() {
            [only] => (*only).clone(),
            _ if has_files || self.input.is_some() || self.form => Method::POST,
            _ => Method::GET,
        })
    }

    fn print(
        &self,
        answer: GenericAnswer,
        known: Option<&catalogue::RouteInfo>,
    ) -> Result<(), Failure> {
        if self.envelope {
            return print_json(&answer.envelope());
        }
        let result = answer.result;
        if !self.typed {
            return print_json(&result);
        }
        let route = known.ok_or_else(|| {
            Failure::usage(format!(
                "qys has no type for {} {} (drop --typed to see the answer as sent)",
                self.method(false)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                self.path
            ))
        })?;
        let reencode = route.reencode.ok_or_else(|| {
            Failure::usage(format!(
                "{} answers a file, not a result: use --raw",
                route.path
            ))
        })?;
        print_json(&reencode(result)?)
    }
}

/// The page size asked for when the fields do not say: the platform's largest.
const PAGE_SIZE: u64 = 1000;

/// Walks the list at `path` page by page (the client's page walk: it stops at a short or
/// empty page, at `totalCount`, or at the page cap) and prints every item as one array.
fn paginate(client: &Client, method: Method, path: &str, fields: &[Field]) -> Result<(), Failure> {
    let number = |name: &str, default: u64| -> Result<u64, Failure> {
        fields
            .iter()
            .rfind(|f| f.key == name)
            .map_or(Ok(default), |f| {
                f.text()
                    .parse()
                    .map_err(|_| Failure::usage(format!("-f {name}: not a whole number")))
            })
    };
    let first = PagedCall::new(
        method,
        path,
        fields
            .iter()
            .filter(|f| f.key != "selectOffset" && f.key != "selectLimit")
            .map(|f| (f.key.clone(), f.text()))
            .collect(),
        number("selectOffset", 0)?,
        number("selectLimit", PAGE_SIZE)?.max(1),
    );
    let mut items = Vec::new();
    for page in client.pages(&first) {
        items.extend(page?);
    }
    print_json(&items)
}

/// A generic GET of one page of a list answering `{totalCount, list}`: a [`Paged`] endpoint,
/// so that the client's page walk drives it.
#[derive(Debug, Clone)]
struct PagedCall {
    method: Method,
    path: String,
    fields: Vec<(String, String)>,
    offset: u64,
    limit: u64,
    call: GenericCall,
}

impl PagedCall {
    fn new(
        method: Method,
        path: &str,
        fields: Vec<(String, String)>,
        offset: u64,
        limit: u64,
    ) -> Self {
        let mut call = GenericCall::new(method.clone(), path).idempotent(true);
        for (k, v) in &fields {
            call = call.query(k, v);
        }
        call = call
            .query("selectOffset", offset.to_string())
            .query("selectLimit", limit.to_string());
        Self {
            method,
            path: path.to_owned(),
            fields,
            offset,
            limit,
            call,
        }
    }
}

impl Check for PagedCall {
    fn check(&self) -> Result<(), BuildError> {
        self.call.check()
    }
}

impl Call for PagedCall {
    type Result = Value;
    type Response = GenericAnswer;
    const KEEPS_ENVELOPE: bool = GenericCall::KEEPS_ENVELOPE;

    fn method(&self) -> Method {
        self.call.method()
    }

    fn path(&self) -> &str {
        self.call.path()
    }

    fn idempotent(&self) -> bool {
        true
    }

    fn response(result: Value, context: &Context) -> GenericAnswer {
        GenericCall::response(result, context)
    }
}

impl Endpoint for PagedCall {
    fn payload(&self) -> Result<Payload, BuildError> {
        self.call.payload()
    }
}

impl Paged for PagedCall {
    type Item = Value;

    fn offset(&self) -> u64 {
        self.offset
    }

    fn limit(&self) -> u64 {
        self.limit
    }

    fn with_offset(&self, offset: u64) -> Self {
        Self::new(
            self.method.clone(),
            &self.path,
            self.fields.clone(),
            offset,
            self.limit,
        )
    }

    fn items(response: GenericAnswer) -> (Vec<Value>, Option<u64>) {
        let mut result = response.result;
        let total = result.get("totalCount").and_then(|t| match t {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        });
        match result.get_mut("list").map(Value::take) {
            Some(Value::Array(list)) => (list, total),
            // Not a page: the whole result is the one item, so that nothing is dropped.
            _ => (vec![result], None),
        }
    }
}

/// Reads the JSON body from `path` (`-`: stdin).
fn read_json(path: &Path) -> Result<Value, Failure> {
    let bytes = read_input(Some(path), MAX_INPUT, "--input")?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Failure::usage(format!(
            "--input is not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_file_parts() {
        let f = Field::parse("contractId=123").unwrap();
        assert_eq!((f.key.as_str(), f.text().as_str()), ("contractId", "123"));
        let f = Field::parse("a=b=c").unwrap();
        assert_eq!(f.text(), "b=c");
        let f = Field::parse("n:=42").unwrap();
        assert_eq!(f.value, serde_json::json!(42));
        let f = Field::parse("list:=[\"x\"]").unwrap();
        assert_eq!(f.text(), "[\"x\"]");
        assert!(Field::parse("novalue").is_err());
        assert!(Field::parse("=x").is_err());
        assert!(Field::parse("j:={").is_err());
        let p = FileArg::parse("file=@a b.pdf").unwrap();
        assert_eq!(
            (p.part.as_str(), p.path.to_str()),
            ("file", Some("a b.pdf"))
        );
        assert!(FileArg::parse("file=a.pdf").is_err());
        assert!(FileArg::parse("=@a.pdf").is_err());
    }
}
