//! Helpers for tests that sign people up and in.

use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::smtp::SmtpServer;

pub const PASSWORD: &str = "correct horse battery";

/// A signed-in person: their account id, access token and refresh token.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub fn mail(&self) -> &SmtpServer {
        self.smtp
            .as_ref()
            .expect("this test needs spawn_app_with_smtp()")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_as(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Any request as the holder of `token`, with a JSON body when given.
    pub async fn send_as(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request sent")
    }

    pub async fn register(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/register",
            &json!({"email": email, "password": password, "full_name": "Ann Lee"}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs in and returns the session, failing the test if sign-in fails.
    pub async fn session(&self, email: &str, password: &str) -> Session {
        let response = self.login(email, password).await;
        assert_eq!(response.status().as_u16(), 200, "sign-in of {email} works");
        let body: Value = response.json().await.expect("JSON");
        let access = body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned();
        let me: Value = self
            .get_as("/api/v1/me", &access)
            .await
            .json()
            .await
            .expect("JSON");
        Session {
            id: me["id"].as_i64().expect("an id"),
            access,
            refresh: body["refresh_token"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
        }
    }

    /// Registers `email`, follows the confirmation link from the mail, signs in.
    pub async fn confirmed_user(&self, email: &str) -> Session {
        assert_eq!(self.register(email, PASSWORD).await.status().as_u16(), 202);
        if !self.settings.sending.in_process {
            self.run_jobs().await;
        }
        let mail = self.mail().nth(email, 1).await;
        let token = mail.token_for("/confirm").expect("a confirmation link");
        let confirmed = self
            .post_json("/api/v1/auth/confirm", &json!({"token": token}))
            .await;
        assert_eq!(confirmed.status().as_u16(), 200);
        self.session(email, PASSWORD).await
    }

    /// A manager created the way an operator does (`mailroom create-manager`), signed in.
    pub async fn manager(&self, email: &str) -> Session {
        mailroom_api::auth::admin::create_manager(
            &self.pool,
            email,
            "Mia Manager",
            PASSWORD,
            self.clock_now(),
        )
        .await
        .expect("manager created");
        let session = self.session(email, PASSWORD).await;
        self.lasting(session).await
    }

    /// On an app whose clock the test moves, an access token would expire 15 minutes of that
    /// clock later: there, the people of data tests act through an API token, which does not.
    async fn lasting(&self, session: Session) -> Session {
        if !self.moves_its_clock {
            return session;
        }
        let created: Value = self
            .post_as(
                "/api/v1/me/tokens",
                &session.access,
                &json!({"name": "test"}),
            )
            .await
            .json()
            .await
            .expect("JSON");
        Session {
            access: created["token"].as_str().expect("a token").to_owned(),
            ..session
        }
    }

    /// Every mail the app has sent so far. A marker mail the app is made to send now (a sign-up
    /// confirmation, a background job like all account mail) is waited for, and then for the
    /// queue to hold no account mail: nothing earlier is still on its way, without guessing how
    /// long to wait. An app without a worker of its own has its jobs run here.
    pub async fn mail_so_far(&self) -> Vec<crate::smtp::ReceivedMail> {
        let marker = format!("marker-{}@example.org", uuid::Uuid::new_v4().simple());
        assert_eq!(
            self.register(&marker, PASSWORD).await.status().as_u16(),
            202
        );
        if !self.settings.sending.in_process {
            self.run_jobs().await;
        }
        self.mail().wait_for(&marker, 1).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.account_mail_queued() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "account mail is still queued after 10 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.mail()
            .all()
            .into_iter()
            .filter(|m| !m.to.eq_ignore_ascii_case(&marker))
            .collect()
    }

    /// Account mail jobs not done yet (waiting, running or to be tried again).
    fn account_mail_queued(&self) -> i64 {
        use diesel::prelude::*;
        use mailroom_api::db::schema::background_jobs;
        background_jobs::table
            .filter(background_jobs::job_type.eq("account_mail"))
            .filter(background_jobs::failed_at.is_null())
            .count()
            .get_result(&mut self.pool.get().expect("connection"))
            .expect("a count")
    }

    pub async fn refresh_with(&self, refresh_token: &str) -> Response {
        self.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": refresh_token}),
        )
        .await
    }
}

impl TestApp {
    /// A plain, active user without going through mail (the operator commands create it), for
    /// tests about data rather than sign-up.
    pub async fn user(&self, email: &str) -> Session {
        mailroom_api::auth::admin::create_manager(
            &self.pool,
            email,
            "Test User",
            PASSWORD,
            self.clock_now(),
        )
        .await
        .expect("account created");
        mailroom_api::auth::admin::set_role(
            &self.pool,
            &self.cache,
            email,
            mailroom_domain::Role::User,
            self.clock_now(),
        )
        .await
        .expect("demoted to user");
        let session = self.session(email, PASSWORD).await;
        self.lasting(session).await
    }
}
