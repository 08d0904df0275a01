//! Who is signed in. The access token lives in memory only; on load the app asks for a new one
//! with the HttpOnly refresh cookie, so a reload keeps the person signed in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mailroom_domain::wire::{TokenResponse, User};

use crate::api;

#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub access: RwSignal<Option<String>>,
    pub user: RwSignal<Option<User>>,
    /// False until the first refresh has answered: pages wait before sending anyone to sign in.
    pub known: RwSignal<bool>,
}

impl Session {
    /// Takes a fresh session: keeps the token and loads the account.
    pub async fn start(&self, tokens: TokenResponse) -> Result<(), api::ApiError> {
        let user = api::auth::me(&tokens.access_token).await?;
        self.access.set(Some(tokens.access_token));
        self.user.set(Some(user));
        self.known.set(true);
        Ok(())
    }

    pub async fn end(&self) {
        let _ = api::auth::logout().await;
        self.access.set(None);
        self.user.set(None);
    }
}

pub fn provide() -> Session {
    let session = Session {
        access: RwSignal::new(None),
        user: RwSignal::new(None),
        known: RwSignal::new(false),
    };
    provide_context(session);
    spawn_local(async move {
        if let Ok(Some(tokens)) = api::auth::refresh().await {
            let _ = session.start(tokens).await;
        }
        session.known.set(true);
    });
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
