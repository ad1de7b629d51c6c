//! qys-sandbox (in progress).
