#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod client;
mod download;
mod pages;
mod source;
mod transport;

qys_proto::frontend_exports!();
