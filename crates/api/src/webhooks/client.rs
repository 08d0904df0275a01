//! The one HTTP client webhooks are sent with: no redirects followed (a 3xx is an answer), a
//! 10 s limit on each call, no proxy from the environment, and every host name resolved through
//! the SSRF guard, so that a connection goes only to an address the guard has just checked (DNS
//! that changes between a check and the connection cannot lead it inside).

use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mailroom_domain::webhook::EndpointUrl;
use mailroom_domain::webhook_delivery::{Answer, TIMEOUT};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::guard;

/// Sends signed calls; cheap to clone.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
    allow_private: bool,
}

/// A call's answer, and how long it took.
pub struct Called {
    pub answer: Answer,
    pub took: Duration,
}

impl WebhookClient {
    pub fn new(allow_private: bool) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .no_proxy()
            .dns_resolver(Arc::new(Guarded { allow_private }))
            .user_agent(concat!("Mailroom-Webhooks/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Self {
            http,
            allow_private,
        })
    }

    /// POSTs `body` with `headers`; the answer's status (never its body) or why there was none.
    pub async fn post(
        &self,
        url: &EndpointUrl,
        headers: &[(&str, String)],
        body: String,
    ) -> Called {
        let started = Instant::now();
        // An address in the URL itself is never looked up: the guard checks it here.
        if let Err(refused) = guard::resolve(url, self.allow_private).await {
            return Called {
                answer: Answer::Error(format!("not sent: {refused}")),
                took: started.elapsed(),
            };
        }
        let mut request = self
            .http
            .post(&url.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let answer = match request.body(body).send().await {
            Ok(response) => Answer::Status {
                code: response.status().as_u16(),
                retry_after: response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
            },
            Err(error) => Answer::Error(describe(&error)),
        };
        Called {
            answer,
            took: started.elapsed(),
        }
    }
}

/// Why a call got no answer, in words a person acts on.
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s", TIMEOUT.as_secs());
    }
    // reqwest's own text is generic ("error sending request"); the cause says what happened.
    let mut cause = String::new();
    let mut source = error.source();
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    if cause.is_empty() {
        cause = error.to_string();
    }
    if error.is_connect() {
        format!("cannot connect: {cause}")
    } else {
        format!("the call failed: {cause}")
    }
}

/// Host names resolved by the guard.
struct Guarded {
    allow_private: bool,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            // Port 0: the client puts the URL's port on each address.
            let addresses: Vec<SocketAddr> = guard::resolve_host(name.as_str(), 0, allow_private)
                .await
                .map_err(|refused| Box::new(refused) as Box<dyn std::error::Error + Send + Sync>)?;
            let addresses: Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}
