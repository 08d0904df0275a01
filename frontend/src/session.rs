//! Who is signed in. The access token lives in memory only; on load, a minute before it expires
//! and after a 401, the app asks for a new one with the HttpOnly refresh cookie, so a reload keeps
//! the person signed in and a long visit never meets an expired token.

use std::time::Duration;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mailroom_domain::Role;
use mailroom_domain::wire::{TokenResponse, User};

use gloo_net::http::Response;
use serde::de::DeserializeOwned;

use crate::api;
use crate::http::{ApiError, Call, is_blocked, is_password_changed, problem_of};

/// Renew this long before the access token expires.
const RENEW_AHEAD_MS: f64 = 60_000.0;

/// Why a session ended without the person signing out; the sign-in page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The session could not be renewed (expired, or ended elsewhere).
    Expired,
    /// A manager blocked the account.
    Blocked,
    /// The password was changed (elsewhere), which ends every other session.
    PasswordChanged,
}

impl Ended {
    pub fn code(self) -> &'static str {
        match self {
            Ended::Expired => "expired",
            Ended::Blocked => "blocked",
            Ended::PasswordChanged => "password-changed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "expired" => Some(Ended::Expired),
            "blocked" => Some(Ended::Blocked),
            "password-changed" => Some(Ended::PasswordChanged),
            _ => None,
        }
    }
}

type Renewal = LocalBoxFuture<'static, Option<String>>;

#[derive(Debug, Clone, Copy)]
pub struct Session {
    access: RwSignal<Option<String>>,
    pub user: RwSignal<Option<User>>,
    /// False until the first refresh has answered: pages wait before sending anyone to sign in.
    pub known: RwSignal<bool>,
    /// Set when the session ends by itself; the guard in the app sends the person to sign in.
    pub ended: RwSignal<Option<Ended>>,
    /// When to renew the access token, in milliseconds since the epoch: a minute before it
    /// expires, or halfway through a shorter life.
    renew_at: StoredValue<f64>,
    /// The renewal in flight: every caller waits for the same one, because a refresh token used
    /// twice ends the whole session.
    renewing: StoredValue<Option<Shared<Renewal>>, LocalStorage>,
    /// The timer of the next renewal, replaced by each new token.
    timer: StoredValue<Option<TimeoutHandle>>,
}

impl Session {
    pub fn is_manager(&self) -> bool {
        self.user
            .with(|u| u.as_ref().is_some_and(|u| u.role == Role::Manager))
    }

    /// The signed-in account's id (reactive): pages load again only when the person changes, not
    /// when the token is renewed.
    pub fn user_id(&self) -> Option<i64> {
        self.user.with(|u| u.as_ref().map(|u| u.id))
    }

    /// Takes a fresh session: keeps the token and loads the account.
    pub async fn start(&self, tokens: TokenResponse) -> Result<(), ApiError> {
        let user = api::auth::me(&tokens.access_token).await?;
        self.keep(tokens);
        self.user.set(Some(user));
        self.ended.set(None);
        self.known.set(true);
        Ok(())
    }

    fn keep(&self, tokens: TokenResponse) {
        let lifetime_ms = tokens.expires_in as f64 * 1000.0;
        let ahead = (lifetime_ms - RENEW_AHEAD_MS).max(lifetime_ms / 2.0);
        self.renew_at.set_value(js_sys::Date::now() + ahead);
        self.access.set(Some(tokens.access_token));
        let session = *self;
        let timer = set_timeout_with_handle(
            move || {
                if session.access.get_untracked().is_some() {
                    spawn_local(async move {
                        session.renew().await;
                    });
                }
            },
            Duration::from_millis(ahead as u64),
        )
        .ok();
        if let Some(previous) = self.timer.get_value() {
            previous.clear();
        }
        self.timer.set_value(timer);
    }

    /// The token to send now: renewed first when it is about to expire.
    pub async fn token(&self) -> Option<String> {
        let access = self.access.get_untracked()?;
        if js_sys::Date::now() < self.renew_at.get_value() {
            return Some(access);
        }
        self.renew().await
    }

    /// A new access token from the refresh cookie, or `None` when the session is over (and then
    /// it is ended, with the reason).
    pub async fn renew(&self) -> Option<String> {
        let flight = match self.renewing.get_value() {
            Some(flight) => flight,
            None => {
                let session = *self;
                // The flight clears its own slot: a waiter waking late must not clear a newer one.
                let flight = async move {
                    let access = session.exchange().await;
                    session.renewing.set_value(None);
                    access
                }
                .boxed_local()
                .shared();
                self.renewing.set_value(Some(flight.clone()));
                flight
            }
        };
        flight.await
    }

    async fn exchange(&self) -> Option<String> {
        match api::auth::refresh().await {
            Ok(Some(tokens)) => {
                let access = tokens.access_token.clone();
                self.keep(tokens);
                Some(access)
            }
            Ok(None) => {
                self.end_by_itself(Ended::Expired);
                None
            }
            Err(e) if is_password_changed(&e) => {
                self.end_by_itself(Ended::PasswordChanged);
                None
            }
            Err(e) if is_blocked(&e) => {
                self.end_by_itself(Ended::Blocked);
                None
            }
            // The server is unreachable: keep the session, the next request tries again.
            Err(_) => None,
        }
    }

    /// The server refused the session: forget it and say why.
    pub fn end_by_itself(&self, why: Ended) {
        if self.user.get_untracked().is_some() {
            self.ended.set(Some(why));
        }
        self.clear();
    }

    fn clear(&self) {
        if let Some(timer) = self.timer.get_value() {
            timer.clear();
        }
        self.timer.set_value(None);
        self.access.set(None);
        self.user.set(None);
    }

    /// Signs out: the server forgets the refresh token, the app everything else.
    pub async fn end(&self) {
        let _ = api::auth::logout().await;
        self.ended.set(None);
        self.clear();
    }
}

pub fn provide() -> Session {
    let session = Session {
        access: RwSignal::new(None),
        user: RwSignal::new(None),
        known: RwSignal::new(false),
        ended: RwSignal::new(None),
        renew_at: StoredValue::new(0.0),
        renewing: StoredValue::new_local(None),
        timer: StoredValue::new(None),
    };
    provide_context(session);
    spawn_local(async move {
        match api::auth::refresh().await {
            Ok(Some(tokens)) => {
                let _ = session.start(tokens).await;
            }
            // Blocked since the last visit: the sign-in page says so before the password is typed.
            Err(e) if is_blocked(&e) => session.ended.set(Some(Ended::Blocked)),
            Err(e) if is_password_changed(&e) => session.ended.set(Some(Ended::PasswordChanged)),
            _ => {}
        }
        session.known.set(true);
    });
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Requests made as the signed-in person: a 401 renews the session once and tries again; a
/// session the server refuses for good ends here, so the app can send the person to sign in.
pub trait SignedIn: Sized {
    /// The answer's JSON.
    async fn json_answer<T: DeserializeOwned>(self, session: Session) -> Result<T, ApiError>;
    /// For answers without a body (204).
    async fn done(self, session: Session) -> Result<(), ApiError>;
    /// The answer as text (CSV).
    async fn text_answer(self, session: Session) -> Result<String, ApiError>;
}

impl SignedIn for Call {
    async fn json_answer<T: DeserializeOwned>(self, session: Session) -> Result<T, ApiError> {
        send_signed_in(self, session)
            .await?
            .json::<T>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    }

    async fn done(self, session: Session) -> Result<(), ApiError> {
        send_signed_in(self, session).await.map(drop)
    }

    async fn text_answer(self, session: Session) -> Result<String, ApiError> {
        send_signed_in(self, session)
            .await?
            .text()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()))
    }
}

async fn send_signed_in(call: Call, session: Session) -> Result<Response, ApiError> {
    let mut response = call.send(session.token().await.as_deref()).await?;
    if response.status() == 401 {
        // No new token: the session ended (and the renewal said why), or the server could not
        // be reached, and then the session is kept for the next try.
        let Some(access) = session.renew().await else {
            return Err(problem_of(response).await);
        };
        response = call.send(Some(&access)).await?;
        if response.status() == 401 {
            session.end_by_itself(Ended::Expired);
        }
    }
    if response.ok() {
        return Ok(response);
    }
    let error = problem_of(response).await;
    if is_blocked(&error) {
        session.end_by_itself(Ended::Blocked);
    }
    Err(error)
}
