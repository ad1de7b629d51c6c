//! The minimal loopback server (see `qys_bench::server`), on one current-thread runtime.
//!
//! `server --port 0 --seconds 600`: prints `http://127.0.0.1:<port>` on its first line, serves
//! for at most `--seconds`, then exits.

fn main() -> std::io::Result<()> {
    let port = qys_bench::num_arg("port", 0);
    let seconds = qys_bench::num_arg("seconds", 600);
    let port = u16::try_from(port).expect("--port fits in u16");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        println!("http://{}", listener.local_addr()?);
        qys_bench::server::serve(listener, std::time::Duration::from_secs(seconds)).await;
        Ok(())
    })
}
