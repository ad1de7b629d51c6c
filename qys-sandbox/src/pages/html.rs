//! The HTML the pages are made of: escaping, the page frame, forms, tables. No JavaScript.

use std::fmt::Write as _;

use http::Response;

use crate::reply::Body;

/// `text` with `& < > " '` escaped, safe inside element content and quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',sans-serif;\
margin:0;background:#f4f6f9;color:#1d2733}\
header{background:#1f6feb;color:#fff;padding:10px 24px;font-size:15px}\
header b{font-size:17px;margin-right:12px}\
main{max-width:960px;margin:24px auto;padding:0 16px}\
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:16px 20px;margin-bottom:16px}\
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:18px 0 10px}\
table{border-collapse:collapse;width:100%;font-size:14px}\
th,td{border-bottom:1px solid #e6eaef;padding:6px 8px;text-align:left;vertical-align:top}\
th{background:#f7f9fb;font-weight:600}\
.status{display:inline-block;padding:1px 8px;border-radius:10px;background:#e8eef7;font-size:13px}\
.turn{background:#fff4d6}.ok{color:#137333}.err{color:#b3261e}\
.notice{padding:10px 14px;border-radius:6px;margin-bottom:16px}\
.notice.ok{background:#e6f4ea}.notice.err{background:#fce8e6}\
form{display:inline-block;margin:6px 12px 6px 0}\
button{font-size:15px;padding:8px 20px;border-radius:6px;border:1px solid #1f6feb;\
background:#1f6feb;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#b3261e;border-color:#b3261e}\
input[type=text]{font-size:14px;padding:6px;border:1px solid #c4ccd6;border-radius:4px;width:220px}\
code{font-size:13px;background:#f0f2f5;padding:1px 4px;border-radius:3px}\
small{color:#5f6b7a}";

/// A whole page: `title` (escaped here) and `body` (HTML already escaped by the caller).
pub(crate) fn page(status: u16, title: &str, body: &str) -> Response<Body> {
    let title = escape(title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · qys-sandbox</title><style>{STYLE}</style></head>\
<body><header><b>契约锁 qys-sandbox</b>{title}</header><main>{body}</main></body></html>\n"
    );
    let mut response = crate::reply::raw(
        status,
        "text/html; charset=utf-8",
        Body::full(html.into_bytes()),
    );
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A page with one message (escaped here).
pub(crate) fn message_page(status: u16, title: &str, message: &str) -> Response<Body> {
    page(
        status,
        title,
        &format!(
            "<section><h1>{}</h1><p id=\"message\">{}</p></section>",
            escape(title),
            escape(message)
        ),
    )
}

/// `303 See Other` to `location`.
pub(crate) fn see_other(location: &str) -> Response<Body> {
    let mut response = crate::reply::raw(303, "text/plain; charset=utf-8", Body::full(""));
    if let Ok(v) = http::HeaderValue::from_str(location) {
        response.headers_mut().insert(http::header::LOCATION, v);
    }
    response
}

/// A form posting to `action` with hidden `fields`, optional text `inputs` (name, label),
/// and one submit button (`id`, label; `secondary` styles a negative step).
pub(crate) struct Form<'a> {
    pub(crate) action: &'a str,
    pub(crate) fields: Vec<(&'a str, String)>,
    pub(crate) inputs: Vec<(&'a str, &'a str)>,
    pub(crate) button_id: &'a str,
    pub(crate) label: &'a str,
    pub(crate) secondary: bool,
}

impl Form<'_> {
    pub(crate) fn render(&self) -> String {
        let mut out = format!("<form method=\"post\" action=\"{}\">", escape(self.action));
        for (name, value) in &self.fields {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(name),
                escape(value)
            );
        }
        for (name, label) in &self.inputs {
            let _ = write!(
                out,
                "<label>{} <input type=\"text\" name=\"{}\" id=\"{}\"></label> ",
                escape(label),
                escape(name),
                escape(name)
            );
        }
        let _ = write!(
            out,
            "<button type=\"submit\" id=\"{}\"{}>{}</button></form>",
            escape(self.button_id),
            if self.secondary {
                " class=\"secondary\""
            } else {
                ""
            },
            escape(self.label)
        );
        out
    }
}

/// A table: header cells (escaped here) and rows of cells (HTML, escaped by the caller).
pub(crate) fn table(id: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table id=\"{}\"><tr>", escape(id));
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    if rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\"><small>none</small></td></tr>",
            head.len()
        );
    }
    out.push_str("</table>");
    out
}

/// A person as the pages name them: `name contact`, or the contact alone (not escaped).
pub(crate) fn person(user: Option<&qys_proto::types::User>) -> String {
    user.map(|u| match &u.name {
        Some(name) => format!("{name} {}", u.contact),
        None => u.contact.clone(),
    })
    .unwrap_or_default()
}

/// A status badge (escaped here).
pub(crate) fn badge(text: &str) -> String {
    format!("<span class=\"status\">{}</span>", escape(text))
}

/// A notice at the top of a page: success or error (escaped here).
pub(crate) fn notice(ok: bool, text: &str) -> String {
    let class = if ok { "ok" } else { "err" };
    format!(
        "<div class=\"notice {class}\" id=\"notice\">{}</div>",
        escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("合同"), "合同");
    }
}
