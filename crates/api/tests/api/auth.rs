use serde_json::{Value, json};

use crate::accounts::PASSWORD;
use crate::helpers::{TestApp, problem, spawn_app, spawn_app_with_smtp};

#[tokio::test]
async fn sign_up_confirm_sign_in_refresh_and_sign_out_work_end_to_end() {
    let app = spawn_app_with_smtp().await;

    let registered = app.register("ann@example.org", PASSWORD).await;
    assert_eq!(registered.status().as_u16(), 202);

    let mail = app.mail().nth("ann@example.org", 1).await;
    assert_eq!(mail.subject, "Confirm your address for Mailroom");
    assert_eq!(mail.from, "Mailroom <mailroom@example.org>");
    assert!(mail.message_id.is_some(), "the mail has a Message-ID");
    assert!(
        mail.html
            .contains("href=\"http://mailroom.test/confirm?token="),
        "{}",
        mail.html
    );
    let token = mail
        .token_for("/confirm")
        .expect("a link to the web app's confirm page");

    // Not yet confirmed: signing in is refused with its own message.
    let early = app.login("ann@example.org", PASSWORD).await;
    let body = problem(early, 403).await;
    assert_eq!(body["type"], "urn:mailroom:problem:account-unconfirmed");

    let confirmed = app
        .post_json("/api/v1/auth/confirm", &json!({"token": token}))
        .await;
    assert_eq!(confirmed.status().as_u16(), 200);

    let login = app.login("Ann@Example.org", PASSWORD).await;
    assert_eq!(login.status().as_u16(), 200);
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a refresh cookie")
        .to_owned();
    assert!(cookie.starts_with("mailroom_refresh="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "no Secure flag over plain http: {cookie}"
    );
    let session: Value = login.json().await.expect("JSON");
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["expires_in"], 900);
    let access = session["access_token"].as_str().expect("access token");
    let refresh = session["refresh_token"].as_str().expect("refresh token");

    let me: Value = app
        .get_as("/api/v1/me", access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["email"], "ann@example.org");
    assert_eq!(me["role"], "user");
    assert_eq!(me["state"], "active");

    let renewed = app.refresh_with(refresh).await;
    assert_eq!(renewed.status().as_u16(), 200);
    let renewed: Value = renewed.json().await.expect("JSON");
    let new_refresh = renewed["refresh_token"].as_str().expect("rotated");
    assert_ne!(new_refresh, refresh, "refresh tokens rotate");
    let new_access = renewed["access_token"].as_str().expect("access");
    assert_eq!(
        app.get_as("/api/v1/me", new_access).await.status().as_u16(),
        200
    );

    let logout = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": new_refresh}),
        )
        .await;
    assert_eq!(logout.status().as_u16(), 204);
    let after = app.refresh_with(new_refresh).await;
    problem(after, 401).await;
}

#[tokio::test]
async fn the_refresh_cookie_alone_renews_a_browser_session() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;

    let renewed = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", format!("mailroom_refresh={}", session.refresh))
        .send()
        .await
        .expect("sent");

    assert_eq!(renewed.status().as_u16(), 200);
}

/// Renews the session of `refresh` and returns the new refresh token.
async fn renewed(app: &TestApp, refresh: &str) -> String {
    let renewed: Value = app.refresh_with(refresh).await.json().await.expect("JSON");
    renewed["refresh_token"]
        .as_str()
        .expect("rotated")
        .to_owned()
}

/// Moves every recorded renewal `seconds` into the past.
fn backdate_rotations(app: &TestApp, seconds: i64) {
    use diesel::prelude::*;
    use mailroom_api::db::schema::refresh_tokens;
    let mut conn = app.pool.get().expect("connection");
    let earlier = (chrono::Utc::now() - chrono::Duration::seconds(seconds)).naive_utc();
    diesel::update(refresh_tokens::table.filter(refresh_tokens::rotated_at.is_not_null()))
        .set(refresh_tokens::rotated_at.eq(earlier))
        .execute(&mut *conn)
        .expect("renewals backdated");
}

#[tokio::test]
async fn a_refresh_token_used_again_right_after_its_renewal_is_refused_and_the_session_lives_on() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;
    let current = renewed(&app, &session.refresh).await;

    // A second tab of the same browser renews with the cookie the first one just used.
    let late_tab = app.refresh_with(&session.refresh).await;
    let body = problem(late_tab, 401).await;
    assert_eq!(
        body["type"],
        "urn:mailroom:problem:refresh-token-superseded"
    );
    assert_eq!(
        app.refresh_with(&current).await.status().as_u16(),
        200,
        "the session goes on with the newer token"
    );
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_ends_every_session_of_that_sign_in() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;
    let current = renewed(&app, &session.refresh).await;

    // A thief replays the old token, later than another tab of the same browser could have.
    backdate_rotations(&app, 31);
    let replay = app.refresh_with(&session.refresh).await;
    let body = problem(replay, 401).await;
    assert_eq!(body["type"], "urn:mailroom:problem:refresh-token-reused");

    // The legitimate holder's current token was revoked with the family.
    let legit = app.refresh_with(&current).await;
    problem(legit, 401).await;
    // Another sign-in is a separate family and keeps working.
    let other = app.session("ann@example.org", PASSWORD).await;
    assert_eq!(
        app.refresh_with(&other.refresh).await.status().as_u16(),
        200
    );
}

#[tokio::test]
async fn registering_an_existing_address_answers_the_same_and_mails_a_notice_instead() {
    let app = spawn_app_with_smtp().await;
    app.confirmed_user("ann@example.org").await;

    let again = app
        .register("ANN@example.org", "another password 123")
        .await;

    assert_eq!(again.status().as_u16(), 202);
    let body: Value = again.json().await.expect("JSON");
    assert_eq!(
        body["message"],
        "Check your inbox: a link to confirm the address is on its way."
    );
    let notice = app.mail().nth("ann@example.org", 2).await;
    assert_eq!(notice.subject, "You already have a Mailroom account");
    assert!(notice.token_for("/confirm").is_none());
    // The original password still works: nothing about the account changed.
    app.session("ann@example.org", PASSWORD).await;
}

#[tokio::test]
async fn registering_with_invalid_fields_lists_each_one_and_creates_nothing() {
    let app = spawn_app_with_smtp().await;

    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "not-an-address", "password": "short", "full_name": " "}),
        )
        .await;

    let body = problem(response, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("field errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["email", "password", "full_name"]);
    assert_eq!(
        body["errors"][1]["message"],
        "a password needs at least 10 characters"
    );
    let too_long = app.register("bob@example.org", &"x".repeat(129)).await;
    let body = problem(too_long, 422).await;
    assert_eq!(body["errors"][0]["field"], "password");

    assert!(app.mail_so_far().await.is_empty(), "no mail was sent");
    let login = app.login("bob@example.org", &"x".repeat(129)).await;
    problem(login, 401).await;
}

#[tokio::test]
async fn a_confirmation_link_works_once_and_unknown_or_expired_ones_are_refused_clearly() {
    let app = spawn_app_with_smtp().await;
    app.register("ann@example.org", PASSWORD).await;
    let token = app
        .mail()
        .nth("ann@example.org", 1)
        .await
        .token_for("/confirm")
        .expect("link");
    let confirm = |token: String| {
        let app = &app;
        async move {
            app.post_json("/api/v1/auth/confirm", &json!({"token": token}))
                .await
        }
    };

    assert_eq!(confirm(token.clone()).await.status().as_u16(), 200);
    let used = problem(confirm(token).await, 400).await;
    assert_eq!(used["type"], "urn:mailroom:problem:token-used");
    let unknown = problem(confirm("nonsense".into()).await, 400).await;
    assert_eq!(unknown["type"], "urn:mailroom:problem:token-unknown");

    // An expired link: register someone else and age their token past 24 hours.
    app.register("bob@example.org", PASSWORD).await;
    let token = app
        .mail()
        .nth("bob@example.org", 1)
        .await
        .token_for("/confirm")
        .expect("link");
    {
        use diesel::prelude::*;
        use mailroom_api::db::schema::one_time_tokens;
        let mut conn = app.pool.get().expect("connection");
        diesel::update(one_time_tokens::table)
            .set(
                one_time_tokens::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
            )
            .execute(&mut *conn)
            .expect("aged");
    }
    let expired = problem(confirm(token).await, 400).await;
    assert_eq!(expired["type"], "urn:mailroom:problem:token-expired");
    assert!(
        expired["detail"]
            .as_str()
            .is_some_and(|d| d.contains("expired")),
        "{expired}"
    );
}

#[tokio::test]
async fn a_new_confirmation_link_can_be_requested_and_works() {
    let app = spawn_app_with_smtp().await;
    app.register("ann@example.org", PASSWORD).await;
    app.mail().wait_for("ann@example.org", 1).await;

    let resend = app
        .post_json(
            "/api/v1/auth/resend-confirmation",
            &json!({"email": "ann@example.org"}),
        )
        .await;
    assert_eq!(resend.status().as_u16(), 202);
    let token = app
        .mail()
        .nth("ann@example.org", 2)
        .await
        .token_for("/confirm")
        .expect("new link");

    let confirmed = app
        .post_json("/api/v1/auth/confirm", &json!({"token": token}))
        .await;
    assert_eq!(confirmed.status().as_u16(), 200);
    app.session("ann@example.org", PASSWORD).await;

    // For unknown or already confirmed addresses the answer is the same and nothing is sent.
    for email in ["nobody@example.org", "ann@example.org"] {
        let resend = app
            .post_json("/api/v1/auth/resend-confirmation", &json!({"email": email}))
            .await;
        assert_eq!(resend.status().as_u16(), 202);
    }
    assert_eq!(app.mail_so_far().await.len(), 2);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app_with_smtp().await;
    app.confirmed_user("ann@example.org").await;

    let wrong = problem(app.login("ann@example.org", "wrong password!").await, 401).await;
    let unknown = problem(app.login("nobody@example.org", PASSWORD).await, 401).await;

    assert_eq!(wrong, unknown);
    assert_eq!(wrong["type"], "urn:mailroom:problem:invalid-credentials");
    let nul = problem(app.login("ann\u{0}@example.org", PASSWORD).await, 401).await;
    assert_eq!(nul, wrong);
}

#[tokio::test]
async fn protected_endpoints_want_a_valid_bearer_token() {
    let app = spawn_app().await;

    let none = app.get("/api/v1/me").await;
    assert_eq!(
        none.headers().get("www-authenticate").map(|v| v.as_bytes()),
        Some(&b"Bearer realm=\"mailroom\""[..])
    );
    problem(none, 401).await;
    let garbage = app.get_as("/api/v1/me", "not.a.jwt").await;
    let body = problem(garbage, 401).await;
    assert_eq!(body["detail"], "the access token is not valid");
    let unknown_api_token = app.get_as("/api/v1/me", "mr_unknown").await;
    problem(unknown_api_token, 401).await;
    let basic = app
        .client
        .get(app.url("/api/v1/me"))
        .basic_auth("ann", Some("pw"))
        .send()
        .await
        .expect("sent");
    problem(basic, 401).await;
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address_with_retry_after() {
    let app = spawn_app().await;

    for _ in 0..5 {
        let response = app.login("ann@example.org", "wrong password!").await;
        assert_eq!(response.status().as_u16(), 401);
    }
    let limited = app.login("ann@example.org", "wrong password!").await;

    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = problem(limited, 429).await;
    assert_eq!(body["type"], "urn:mailroom:problem:too-many-requests");
    // Another address is not affected.
    assert_eq!(
        app.login("bob@example.org", "wrong password!")
            .await
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn registrations_and_reset_requests_are_limited_per_address() {
    let app = spawn_app_with_smtp().await;

    for _ in 0..3 {
        let response = app
            .post_json(
                "/api/v1/auth/password-reset",
                &json!({"email": "ann@example.org"}),
            )
            .await;
        assert_eq!(response.status().as_u16(), 202);
    }
    let limited = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "ann@example.org"}),
        )
        .await;
    problem(limited, 429).await;
    let register = app.register("ann@example.org", PASSWORD).await;
    problem(register, 429).await;
}

#[tokio::test]
async fn behind_https_the_refresh_cookie_is_secure() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.public_base_url = Some("https://mailroom.example.org".into());
    })
    .await;
    app.manager("mia@example.org").await;

    let login = app.login("mia@example.org", PASSWORD).await;

    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn signing_out_clears_the_cookie_and_ends_the_session_it_names() {
    let app = spawn_app().await;
    let session = app.manager("mia@example.org").await;

    let logout = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", format!("mailroom_refresh={}", session.refresh))
        .send()
        .await
        .expect("sent");

    assert_eq!(logout.status().as_u16(), 204);
    let cookie = logout
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.starts_with("mailroom_refresh=;") && cookie.contains("Max-Age=0"),
        "{cookie}"
    );
    problem(app.refresh_with(&session.refresh).await, 401).await;
    let again = app.post_json("/api/v1/auth/logout", &json!({})).await;
    assert_eq!(again.status().as_u16(), 204, "signing out twice is fine");
}

/// A failed sign-in for `email`, sent through a proxy that says it forwards `client`.
async fn sign_in_forwarded_for(app: &TestApp, header: &str, client: &str, email: &str) -> u16 {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header(header, client)
        .json(&json!({"email": email, "password": "wrong password!"}))
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

/// Signs in from `client` with new addresses (so only the per-client limit applies) until that
/// limit answers; how many tries that took.
async fn exhaust_from(app: &TestApp, header: &str, client: &str) -> usize {
    for n in 0..40 {
        let email = format!("guess{n}@example.org");
        if sign_in_forwarded_for(app, header, client, &email).await == 429 {
            return n;
        }
    }
    panic!("40 sign-ins from {client} were never limited");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_sign_in_limit() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.trusted_proxies =
            mailroom_api::http::client_addr::TrustedProxies::parse("127.0.0.1/32, 10.0.0.0/8")
                .expect("valid");
    })
    .await;
    let tries = exhaust_from(&app, "X-Forwarded-For", "203.0.113.9, 10.0.0.2").await;
    assert!(tries >= 20, "the burst is 20; limited after {tries}");
    // Another client behind the same proxy is not; one that claims a forged first hop before
    // the limited client's real one is still the limited client.
    let other = sign_in_forwarded_for(&app, "X-Forwarded-For", "198.51.100.4", "x@example.org");
    assert_eq!(other.await, 401);
    let forged = sign_in_forwarded_for(
        &app,
        "X-Forwarded-For",
        "198.51.100.77, 203.0.113.9",
        "y@example.org",
    );
    assert_eq!(forged.await, 429);
    let same_in_forwarded = sign_in_forwarded_for(
        &app,
        "Forwarded",
        "for=\"203.0.113.9:5122\";proto=https",
        "z@example.org",
    );
    assert_eq!(same_in_forwarded.await, 429);
}

#[tokio::test]
async fn without_trusted_proxies_forwarding_headers_are_ignored_and_the_peer_counts() {
    let app = spawn_app().await;
    exhaust_from(&app, "X-Forwarded-For", "203.0.113.9").await;
    let other = sign_in_forwarded_for(&app, "X-Forwarded-For", "198.51.100.4", "x@example.org");
    assert_eq!(
        other.await,
        429,
        "the header changed nothing: the peer is limited"
    );
}

/// The limits shared through Redis (these tests need it, whatever the backend).
mod redis {
    use serde_json::json;

    use crate::helpers::{TestApp, problem, redis_url, spawn_app_with};
    use crate::redis_proxy::RedisProxy;

    /// A failed sign-in for `email` at the server at `base`.
    async fn wrong_password_at(app: &TestApp, base: &str, email: &str) -> u16 {
        app.client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": email, "password": "wrong password!"}))
            .send()
            .await
            .expect("sent")
            .status()
            .as_u16()
    }

    #[tokio::test]
    async fn two_servers_on_one_redis_enforce_one_sign_in_limit_between_them() {
        let app = spawn_app_with(|c| c.redis_url = Some(redis_url())).await;
        let other = app.another_server().await;
        // Five tries per address a minute, alternating between the servers: each counted three times
        // on its own would still allow the sixth.
        for n in 0..5 {
            let base = if n % 2 == 0 { &app.address } else { &other };
            assert_eq!(
                wrong_password_at(&app, base, "ann@example.org").await,
                401,
                "try {n}"
            );
        }
        assert_eq!(
            wrong_password_at(&app, &other, "ann@example.org").await,
            429
        );
        assert_eq!(
            wrong_password_at(&app, &app.address, "ann@example.org").await,
            429
        );
        assert_eq!(
            wrong_password_at(&app, &other, "bob@example.org").await,
            401
        );
    }

    #[tokio::test]
    async fn while_redis_is_down_the_sign_in_limit_holds_in_each_server_and_nothing_fails() {
        let proxy = RedisProxy::start().await;
        let url = proxy.url();
        let app = spawn_app_with(|c| c.redis_url = Some(url)).await;
        assert_eq!(
            wrong_password_at(&app, &app.address, "ann@example.org").await,
            401
        );

        proxy.stop();
        // The try counted in Redis is not counted in memory: five more are allowed, then none.
        for n in 0..5 {
            assert_eq!(
                wrong_password_at(&app, &app.address, "ann@example.org").await,
                401,
                "try {n}"
            );
        }
        let limited = app.login("ann@example.org", "wrong password!").await;
        assert!(limited.headers().contains_key("retry-after"));
        problem(limited, 429).await;

        proxy.restart();
        // Memory allows no more this minute, so a 401 means Redis counts again (once its second of
        // rest is over). It saw one try before the outage and this one: three are left there.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while wrong_password_at(&app, &app.address, "ann@example.org").await != 401 {
            assert!(
                std::time::Instant::now() < deadline,
                "Redis is used again once it is back"
            );
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        for n in 0..3 {
            assert_eq!(
                wrong_password_at(&app, &app.address, "ann@example.org").await,
                401,
                "try {n}"
            );
        }
        assert_eq!(
            wrong_password_at(&app, &app.address, "ann@example.org").await,
            429
        );
    }
}
