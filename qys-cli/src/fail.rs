//! How `qys` fails: one error type whose kind is the exit status.

use std::fmt;
use std::process::ExitCode;

use qys_blocking::Error;

/// The exit statuses, as `qys --help` documents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 1: the platform answered with an error envelope (its code and message are printed).
    Api = 1,
    /// 2: bad arguments, configuration or input; a request qys refuses to build (nothing was
    /// sent).
    Usage = 2,
    /// 3: the platform could not be reached or did not answer as the platform: connection,
    /// TLS, timeout, or an HTTP error page without an envelope.
    Transport = 3,
    /// 4: a success answer of an unexpected shape.
    Decode = 4,
    /// 5: reading or writing a local file failed.
    File = 5,
    /// 6: a callback was refused: not authentic, not fresh, or not readable.
    Callback = 6,
}

/// The `--help` text of the exit statuses.
pub(crate) const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success
  1  API error: the platform answered with an error code (code and message on stderr)
  2  usage error: bad arguments, configuration or input; nothing was sent
  3  transport error: connection, TLS, timeout, or an HTTP error without an API answer
  4  unexpected answer: a success whose result has another shape
  5  local file error: reading an upload or writing a download failed
  6  callback refused: bad signature, stale timestamp, or content that does not decrypt";

/// A failure: what to print on stderr and the exit status.
#[derive(Debug)]
pub(crate) struct Failure {
    exit: Exit,
    message: String,
}

impl Failure {
    /// A usage error.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// A local file error.
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::File,
            message: message.into(),
        }
    }

    /// The process exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit as u8)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let exit = match &e {
            Error::Api(_) => Exit::Api,
            Error::Build(_) => Exit::Usage,
            Error::Transport(_) | Error::Status(_) => Exit::Transport,
            Error::Decode(_) => Exit::Decode,
            Error::Body(_) => Exit::File,
            Error::Callback(_) => Exit::Callback,
            // The error type is non-exhaustive: a new kind is at least not a success.
            _ => Exit::Transport,
        };
        // The error's Display never holds a secret (qys-proto's rule); its sources add the
        // underlying cause (an I/O error, a TLS alert).
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let text = s.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = s.source();
        }
        Self { exit, message }
    }
}
