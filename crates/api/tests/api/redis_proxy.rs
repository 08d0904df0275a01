//! A TCP relay in front of the shared Redis that a test can cut and restore, to see the app
//! without its cache (the real Redis keeps serving every other test).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::redis_url;

pub struct RedisProxy {
    port: u16,
    up: Arc<AtomicBool>,
    /// Connections are taken and held, never answered: a Redis that hangs.
    stalled: Arc<AtomicBool>,
    relays: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl RedisProxy {
    pub async fn start() -> Self {
        let target = redis_url()
            .trim_start_matches("redis://")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let up = Arc::new(AtomicBool::new(true));
        let stalled = Arc::new(AtomicBool::new(false));
        let relays: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accept = {
            let (up, stalled, relays) = (up.clone(), stalled.clone(), relays.clone());
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        // Down: the connection is closed at once, as by a stopped server.
                        continue;
                    }
                    let target = target.clone();
                    let stalled = stalled.load(Ordering::SeqCst);
                    let relay = tokio::spawn(async move {
                        if stalled {
                            // Held open, never read: the client waits for an answer.
                            std::future::pending::<()>().await;
                        }
                        if let Ok(mut outbound) = TcpStream::connect(&target).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    relays.lock().expect("relays").push(relay);
                }
            })
        };
        Self {
            port,
            up,
            stalled,
            relays,
            accept,
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Redis "stops": open connections break, new ones are closed on arrival.
    pub fn stop(&self) {
        self.up.store(false, Ordering::SeqCst);
        for relay in self.relays.lock().expect("relays").drain(..) {
            relay.abort();
        }
    }

    pub fn restart(&self) {
        self.stalled.store(false, Ordering::SeqCst);
        self.up.store(true, Ordering::SeqCst);
    }

    /// Redis "hangs": open connections break, new ones are accepted and never answered.
    pub fn stall(&self) {
        self.stalled.store(true, Ordering::SeqCst);
        for relay in self.relays.lock().expect("relays").drain(..) {
            relay.abort();
        }
    }
}

impl Drop for RedisProxy {
    fn drop(&mut self) {
        self.stop();
        self.accept.abort();
    }
}
