//! qys-blocking (in progress).
