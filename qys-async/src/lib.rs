//! qys-async (in progress).
