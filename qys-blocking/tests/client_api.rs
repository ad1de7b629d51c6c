//! The client's API: clients cross threads, downloads move between them.

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>() {}

#[test]
fn clients_cross_threads_and_downloads_move() {
    send_sync::<qys_blocking::Client>();
    send_sync::<qys_blocking::ClientBuilder>();
    send::<qys_blocking::Download>();
}
