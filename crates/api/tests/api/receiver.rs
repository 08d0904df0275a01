//! A webhook receiver for the tests: a real HTTP server (actix-web) on loopback that keeps every
//! call and answers what the test scripted, and the check of its calls' signatures by the
//! Standard Webhooks reference library (`webhook_verify.py`), not by Mailroom's code.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

/// One call as it arrived.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Call {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    pub fn event(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_owned()
    }
}

#[derive(Default)]
struct State {
    calls: Mutex<Vec<Call>>,
    /// Answers to give, in order; 204 once they run out.
    script: Mutex<VecDeque<u16>>,
    delay: Mutex<Duration>,
    /// Where a 3xx points.
    location: Mutex<Option<String>>,
    in_flight: AtomicUsize,
    most_at_once: AtomicUsize,
}

pub struct Receiver {
    pub port: u16,
    state: Arc<State>,
    handle: ServerHandle,
}

async fn take(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<State>>,
) -> HttpResponse {
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.most_at_once.fetch_max(now, Ordering::SeqCst);
    let delay = *state.delay.lock().expect("lock");
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    state.calls.lock().expect("lock").push(Call {
        path: request.path().to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let status = state
        .script
        .lock()
        .expect("lock")
        .pop_front()
        .unwrap_or(204);
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    let status = actix_web::http::StatusCode::from_u16(status).expect("a status");
    let mut answer = HttpResponse::build(status);
    if status.as_u16() == 429 {
        answer.insert_header(("Retry-After", "600"));
    }
    if status.is_redirection()
        && let Some(location) = state.location.lock().expect("lock").clone()
    {
        answer.insert_header(("Location", location));
    }
    answer.finish()
}

impl Receiver {
    pub async fn start() -> Self {
        Self::on(0).await
    }

    /// On a given port (a receiver that comes back where it was).
    pub async fn on(port: u16) -> Self {
        Self::with_state(port, Arc::new(State::default()))
    }

    fn with_state(port: u16, state: Arc<State>) -> Self {
        let shared = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .default_service(web::to(take))
        })
        .workers(2)
        .bind(("127.0.0.1", port))
        .expect("the receiver binds")
        .disable_signals();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            port,
            state,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next calls are answered with these statuses, in order.
    pub fn answer(&self, statuses: &[u16]) {
        self.state.script.lock().expect("lock").extend(statuses);
    }

    /// A 3xx answer points there.
    pub fn redirect_to(&self, url: &str) {
        *self.state.location.lock().expect("lock") = Some(url.to_owned());
    }

    /// Every call takes this long to answer.
    pub fn slow(&self, delay: Duration) {
        *self.state.delay.lock().expect("lock") = delay;
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().expect("lock").clone()
    }

    /// The most calls it was answering at one moment.
    pub fn most_at_once(&self) -> usize {
        self.state.most_at_once.load(Ordering::SeqCst)
    }

    /// Stops listening (the port is closed until a receiver starts on it again).
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

/// What the reference library says of each call, signed with `secret`, checked as if it were
/// `now` (Unix seconds): "ok", or its error.
pub fn verify(calls: &[Call], secret: &str, now: i64) -> Vec<String> {
    let python = std::env::var("MAILROOM_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/webhook_verify.py");
    let input: Vec<Value> = calls
        .iter()
        .map(|call| {
            json!({"secret": secret, "headers": call.headers, "body": call.body, "now": now})
        })
        .collect();
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::to_string(&input).expect("JSON").as_bytes())
        .expect("written");
    let output = child.wait_with_output().expect("the verifier ran");
    assert!(
        output.status.success(),
        "the verifier failed (is standardwebhooks installed for {python}? `cargo xtask setup` \
         installs it): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the verifier's answer")
}
