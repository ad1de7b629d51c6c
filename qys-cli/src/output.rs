//! Output for scripts and people: JSON on stdout, messages on stderr, colour and progress
//! only when stderr is a terminal (and colour only without `NO_COLOR`).

use std::io::{self, IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::fail::Failure;

/// Prints `value` as pretty JSON and a newline on stdout; keys and strings in colour when
/// stdout is a terminal and `NO_COLOR` is not set.
///
/// # Errors
/// A file failure when stdout is closed (a broken pipe is not worth a panic).
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let mut text = Vec::new();
    let encoded = if io::stdout().is_terminal() && no_color_unset() {
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, Colours::default());
        value.serialize(&mut serializer)
    } else {
        value.serialize(&mut serde_json::Serializer::pretty(&mut text))
    };
    encoded.map_err(|e| Failure::usage(format!("the answer does not encode as JSON: {e}")))?;
    print_line(&String::from_utf8_lossy(&text))
}

/// Pretty JSON with keys in blue and string values in green (ANSI).
#[derive(Default)]
struct Colours {
    pretty: serde_json::ser::PrettyFormatter<'static>,
    in_key: bool,
}

impl serde_json::ser::Formatter for Colours {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_object_key(w, first)?;
        self.in_key = true;
        w.write_all(b"\x1b[34m")
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.in_key = false;
        w.write_all(b"\x1b[0m")?;
        self.pretty.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if !self.in_key {
            w.write_all(b"\x1b[32m")?;
        }
        w.write_all(b"\"")
    }
    fn end_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\"")?;
        if !self.in_key {
            w.write_all(b"\x1b[0m")?;
        }
        Ok(())
    }
}

/// Prints a line on stdout.
///
/// # Errors
/// A file failure when stdout cannot be written.
pub(crate) fn print_line(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| Failure::file(format!("writing to stdout failed: {e}")))
}

/// Whether stderr is a terminal a person watches.
fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Whether messages get colour: stderr is a terminal and `NO_COLOR` is unset or empty
/// (<https://no-color.org>).
fn colour() -> bool {
    stderr_is_terminal() && no_color_unset()
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints the failure on stderr: `qys: error: …`, the prefix in red on a terminal.
pub(crate) fn report(failure: &Failure) {
    let prefix = if colour() {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    let _ = writeln!(io::stderr().lock(), "qys: {prefix} {failure}");
}

/// Prints a note on stderr: `qys: …`, dimmed on a terminal.
pub(crate) fn note(text: &str) {
    let line = if colour() {
        format!("\x1b[2mqys: {text}\x1b[0m")
    } else {
        format!("qys: {text}")
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// A progress line on stderr for an upload or a download, drawn only on a terminal and at
/// most ten times a second; cleared when dropped.
#[derive(Debug)]
pub(crate) struct Progress {
    label: String,
    total: Option<u64>,
    done: u64,
    shown: bool,
    last: Option<Instant>,
    enabled: bool,
}

impl Progress {
    /// A progress line for `label`, of `total` bytes when known.
    pub(crate) fn new(label: impl Into<String>, total: Option<u64>) -> Self {
        Self {
            label: label.into(),
            total,
            done: 0,
            shown: false,
            last: None,
            enabled: stderr_is_terminal(),
        }
    }

    /// Counts `n` more bytes.
    pub(crate) fn add(&mut self, n: u64) {
        self.done = self.done.saturating_add(n);
        self.draw(false);
    }

    /// Starts over (an upload rewound for a retry).
    pub(crate) fn restart(&mut self) {
        self.done = 0;
        self.draw(true);
    }

    fn draw(&mut self, force: bool) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if !force
            && self
                .last
                .is_some_and(|t| now.duration_since(t) < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let line = match self.total {
            Some(total) if total > 0 => {
                const WIDTH: u64 = 30;
                let filled = (self.done.min(total) * WIDTH / total) as usize;
                format!(
                    "{} [{}{}] {} / {} ({}%)",
                    self.label,
                    "#".repeat(filled),
                    "-".repeat(WIDTH as usize - filled),
                    bytes(self.done),
                    bytes(total),
                    self.done.min(total) * 100 / total
                )
            }
            _ => format!("{} {}", self.label, bytes(self.done)),
        };
        let _ = write!(io::stderr().lock(), "\r\x1b[2K{line}");
        self.shown = true;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            let _ = write!(io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// A byte count for people: `512 B`, `1.5 KiB`, `12.0 MiB`.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A reader or writer that counts what passes through it on a [`Progress`] line.
#[derive(Debug)]
pub(crate) struct Counted<R> {
    inner: R,
    progress: Progress,
}

impl<R> Counted<R> {
    /// Counts the bytes read from `inner` on `progress`.
    pub(crate) fn new(inner: R, progress: Progress) -> Self {
        Self { inner, progress }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: qys_blocking::Source> qys_blocking::Source for Counted<R> {
    fn rewind(&mut self) -> io::Result<bool> {
        let rewound = self.inner.rewind()?;
        if rewound {
            self.progress.restart();
        }
        Ok(rewound)
    }
}

/// Opens `path` as an upload whose reading shows progress on a terminal.
///
/// # Errors
/// A file failure naming the path.
pub(crate) fn open_upload(
    path: &std::path::Path,
) -> Result<qys_blocking::UploadFile<Counted<std::fs::File>>, Failure> {
    let file = qys_blocking::open_file(path)
        .map_err(|e| Failure::file(format!("cannot open {}: {e}", path.display())))?;
    let (name, content_type, length) = (
        file.file_name().to_owned(),
        file.content_type().to_owned(),
        file.length(),
    );
    let progress = Progress::new(format!("uploading {name}"), Some(length));
    Ok(
        qys_blocking::UploadFile::new(name, length, Counted::new(file.into_source(), progress))
            .with_content_type(content_type),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coloured_json_is_the_same_json() {
        let value = serde_json::json!({"a": "x", "b": [1, {"c": null}], "d": true});
        let mut text = Vec::new();
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut text,
                Colours::default(),
            ))
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("\x1b[34m\"a\"\x1b[0m: \x1b[32m\"x\"\x1b[0m"),
            "{text}"
        );
        let plain = text
            .replace("\x1b[34m", "")
            .replace("\x1b[32m", "")
            .replace("\x1b[0m", "");
        assert_eq!(plain, serde_json::to_string_pretty(&value).unwrap());
    }

    #[test]
    fn byte_counts() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(12 * 1024 * 1024), "12.0 MiB");
    }

    #[test]
    fn counted_reads_pass_bytes_through() {
        let mut r = Counted::new(&b"hello"[..], Progress::new("t", Some(5)));
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"hello");
        assert_eq!(r.progress.done, 5);
    }
}

/// Reads `path` (stdin when `None` or `-`) whole, refusing more than `limit` bytes; `what`
/// names the input in the message.
///
/// # Errors
/// A file failure when reading fails; a usage failure when the input is too large.
pub(crate) fn read_input(
    path: Option<&std::path::Path>,
    limit: u64,
    what: &str,
) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    match path {
        Some(p) if p.as_os_str() != "-" => std::fs::File::open(p)
            .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
            .map_err(|e| Failure::file(format!("cannot read {}: {e}", p.display()))),
        _ => io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::file(format!("cannot read stdin: {e}"))),
    }?;
    if bytes.len() as u64 > limit {
        return Err(Failure::usage(format!(
            "{what} is larger than {limit} bytes"
        )));
    }
    Ok(bytes)
}

/// Where a download goes: a file written atomically, or stdout.
#[derive(Debug, Clone)]
pub(crate) enum Sink {
    /// A file, written to a temporary file and renamed into place when complete.
    File(std::path::PathBuf),
    /// Standard output (refused when it is a terminal).
    Stdout,
}

impl Sink {
    /// `-` is stdout, anything else a file.
    pub(crate) fn from_arg(path: &std::path::Path) -> Self {
        if path.as_os_str() == "-" {
            Self::Stdout
        } else {
            Self::File(path.to_owned())
        }
    }
}

/// Downloads `endpoint` into `sink`, with progress on a terminal, and notes on stderr what was
/// written.
///
/// # Errors
/// The call's failure; a usage failure for binary output to a terminal.
pub(crate) fn download<E: qys_blocking::endpoint::Download>(
    client: &qys_blocking::Client,
    endpoint: &E,
    sink: &Sink,
) -> Result<(), Failure> {
    match sink {
        Sink::File(path) => {
            // The client writes a temporary file and renames it into place only once the
            // whole file arrived; the bytes are not seen here, so a terminal gets a timer.
            let meta = while_waiting(&format!("downloading to {}", path.display()), || {
                client.download_to_path(endpoint, path)
            })?;
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            note(&format!(
                "wrote {} to {}{}",
                bytes(size),
                path.display(),
                meta.content_type()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            ));
            Ok(())
        }
        Sink::Stdout => {
            let stdout = io::stdout();
            if stdout.is_terminal() {
                return Err(Failure::usage(
                    "refusing to write a file to the terminal: use -o FILE, or redirect stdout",
                ));
            }
            // The total is in the answer's head, which `download_to` reads: count bytes only.
            let mut out = Counted::new(stdout.lock(), Progress::new("downloading", None));
            client.download_to(endpoint, &mut out)?;
            Ok(())
        }
    }
}

/// Runs `work`, showing `label` and the time spent on a terminal until it ends.
fn while_waiting<T>(label: &str, work: impl FnOnce() -> T) -> T {
    if !stderr_is_terminal() {
        return work();
    }
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let label = label.to_owned();
    let ticker = std::thread::spawn(move || {
        let start = Instant::now();
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            wait.recv_timeout(Duration::from_millis(200))
        {
            let _ = write!(
                io::stderr().lock(),
                "\r\x1b[2K{label} … {:.1} s",
                start.elapsed().as_secs_f64()
            );
        }
        let _ = write!(io::stderr().lock(), "\r\x1b[2K");
    });
    let result = work();
    drop(done);
    let _ = ticker.join();
    result
}
