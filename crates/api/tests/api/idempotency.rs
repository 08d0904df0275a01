//! `Idempotency-Key` on POST and PATCH: a retried create creates once and gets the first answer
//! back; the same key with another request, a key too long, a repeat while the first runs, and
//! keys of different users.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::read;
use crate::helpers::{TestApp, problem, spawn_sending_app};

async fn keyed(
    app: &TestApp,
    who: &Session,
    method: Method,
    path: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(&who.access)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

async fn client_count(app: &TestApp, who: &Session) -> u64 {
    read(app, who, "/api/v1/clients").await["total"]
        .as_u64()
        .expect("a total")
}

#[tokio::test]
async fn a_create_retried_with_its_key_creates_once_and_gets_the_first_answer_again() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let body = json!({"email": "fay@example.net", "full_name": "Fay"});
    let first = keyed(&app, &ann, Method::POST, "/api/v1/clients", "k-1", &body).await;
    assert_eq!(first.status().as_u16(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let location = first.headers().get("location").cloned();
    let created: Value = first.json().await.expect("JSON");

    let again = keyed(&app, &ann, Method::POST, "/api/v1/clients", "k-1", &body).await;
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert_eq!(again.headers().get("location").cloned(), location);
    assert!(
        again.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("application/json"))
    );
    let replayed: Value = again.json().await.expect("JSON");
    assert_eq!(replayed, created, "the same body, not a second client");
    assert_eq!(client_count(&app, &ann).await, 1);

    // A refusal is an answer too: kept and given back, and nothing is written either time.
    let bad = json!({"email": "not an address", "full_name": "X"});
    let refused = keyed(&app, &ann, Method::POST, "/api/v1/clients", "k-2", &bad).await;
    let first_problem = problem(refused, 422).await;
    let refused = keyed(&app, &ann, Method::POST, "/api/v1/clients", "k-2", &bad).await;
    assert_eq!(refused.headers()["idempotent-replayed"], "true");
    assert_eq!(problem(refused, 422).await, first_problem);
    assert_eq!(client_count(&app, &ann).await, 1);

    // A day later the key is forgotten: the same request runs again (and is refused, a duplicate).
    app.clock.advance(Duration::hours(25));
    let later = keyed(&app, &ann, Method::POST, "/api/v1/clients", "k-1", &body).await;
    assert!(later.headers().get("idempotent-replayed").is_none());
    assert_eq!(later.status().as_u16(), 409, "the address is taken");
}

#[tokio::test]
async fn a_patch_retried_with_its_key_is_answered_without_running_again() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let created: Value = keyed(
        &app,
        &ann,
        Method::POST,
        "/api/v1/clients",
        "create",
        &json!({"email": "fay@example.net", "full_name": "Fay"}),
    )
    .await
    .json()
    .await
    .expect("JSON");
    let path = format!("/api/v1/clients/{}", created["id"]);
    let rename = json!({"full_name": "Fay Lee"});
    let first = keyed(&app, &ann, Method::PATCH, &path, "rename", &rename).await;
    assert_eq!(first.status().as_u16(), 200);
    // Renamed again since, by another request: the retry must not undo that.
    let other = keyed(
        &app,
        &ann,
        Method::PATCH,
        &path,
        "other",
        &json!({"full_name": "Fay B"}),
    )
    .await;
    assert_eq!(other.status().as_u16(), 200);
    let retry = keyed(&app, &ann, Method::PATCH, &path, "rename", &rename).await;
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(
        retry.json::<Value>().await.expect("JSON")["full_name"],
        "Fay Lee"
    );
    assert_eq!(read(&app, &ann, &path).await["full_name"], "Fay B");
}

#[tokio::test]
async fn a_key_reused_for_another_request_or_too_long_is_refused_and_nothing_is_written() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let fay = json!({"email": "fay@example.net", "full_name": "Fay"});
    keyed(&app, &ann, Method::POST, "/api/v1/clients", "k", &fay).await;

    let gus = json!({"email": "gus@example.net", "full_name": "Gus"});
    let reused = keyed(&app, &ann, Method::POST, "/api/v1/clients", "k", &gus).await;
    let body = problem(reused, 422).await;
    assert_eq!(body["type"], "urn:mailroom:problem:idempotency-key-reused");
    let elsewhere = keyed(&app, &ann, Method::POST, "/api/v1/messages", "k", &fay).await;
    problem(elsewhere, 422).await;

    let long = "k".repeat(256);
    let too_long = keyed(&app, &ann, Method::POST, "/api/v1/clients", &long, &gus).await;
    let body = problem(too_long, 400).await;
    assert_eq!(body["type"], "urn:mailroom:problem:idempotency-key-invalid");
    assert_eq!(client_count(&app, &ann).await, 1, "only Fay");
}

#[tokio::test]
async fn a_repeat_while_the_first_request_still_runs_is_a_conflict_until_it_is_taken_for_dead() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let body = json!({"email": "fay@example.net", "full_name": "Fay"});
    // The first request is in another process, mid-way: it holds the key.
    let fingerprint = mailroom_api::http::idempotency::fingerprint(
        "POST",
        "/api/v1/clients",
        &serde_json::to_vec(&body).expect("JSON"),
    );
    {
        let mut conn = app.pool.get().expect("connection");
        let claim = mailroom_api::db::queries::idempotency::claim(
            &mut conn,
            mailroom_api::db::queries::idempotency::Held {
                user_id: ann.id,
                key: "busy",
                lease: 7,
            },
            &fingerprint,
            app.clock_now(),
            Duration::hours(24),
            Duration::minutes(5),
        )
        .expect("claimed");
        assert_eq!(claim, mailroom_api::db::queries::idempotency::Claim::Run);
    }
    let waiting = keyed(&app, &ann, Method::POST, "/api/v1/clients", "busy", &body).await;
    let problem_body = problem(waiting, 409).await;
    assert_eq!(
        problem_body["type"],
        "urn:mailroom:problem:idempotency-key-in-use"
    );

    assert_eq!(client_count(&app, &ann).await, 0);

    // Its process died: after a while the key is free for the retry, which runs.
    app.clock.advance(Duration::minutes(6));
    let retried = keyed(&app, &ann, Method::POST, "/api/v1/clients", "busy", &body).await;
    assert_eq!(retried.status().as_u16(), 201);
    assert_eq!(client_count(&app, &ann).await, 1);
}

#[tokio::test]
async fn a_csv_import_retried_with_its_key_imports_once() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let csv = "email,full_name\nfay@example.net,Fay\ngus@example.net,Gus\n";
    let import = || {
        app.client
            .post(app.url("/api/v1/clients/import"))
            .bearer_auth(&ann.access)
            .header("Idempotency-Key", "import-1")
            .header("content-type", "text/csv")
            .body(csv)
            .send()
    };
    let first = import().await.expect("sent");
    assert!(first.status().is_success(), "{}", first.status());
    let first_body = first.text().await.expect("body");
    let again = import().await.expect("sent");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.expect("body"), first_body);
    assert_eq!(client_count(&app, &ann).await, 2);
}

#[tokio::test]
async fn two_people_may_use_the_same_key_without_meeting() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    let body = json!({"email": "fay@example.net", "full_name": "Fay"});
    let anns = keyed(&app, &ann, Method::POST, "/api/v1/clients", "same", &body).await;
    let bobs = keyed(&app, &bob, Method::POST, "/api/v1/clients", "same", &body).await;
    assert_eq!(anns.status().as_u16(), 201);
    assert_eq!(bobs.status().as_u16(), 201);
    assert!(bobs.headers().get("idempotent-replayed").is_none());
    assert_eq!(client_count(&app, &bob).await, 1);
}

#[tokio::test]
async fn without_a_signed_in_user_a_key_changes_nothing() {
    let app = spawn_sending_app().await;
    let anonymous = app
        .client
        .post(app.url("/api/v1/clients"))
        .header("Idempotency-Key", "k")
        .json(&json!({"email": "fay@example.net", "full_name": "Fay"}))
        .send()
        .await
        .expect("sent");
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn fresh_credentials_are_never_kept_so_a_keyed_token_request_makes_a_token_each_time() {
    let app = spawn_sending_app().await;
    app.user("ann@example.org").await;
    // Tokens are made in a signed-in session, not with another token.
    let ann = app
        .session("ann@example.org", crate::accounts::PASSWORD)
        .await;
    let body = json!({"name": "CRM"});
    let first = keyed(&app, &ann, Method::POST, "/api/v1/me/tokens", "t", &body).await;
    let second = keyed(&app, &ann, Method::POST, "/api/v1/me/tokens", "t", &body).await;
    assert_eq!(first.status().as_u16(), 201);
    assert_eq!(second.status().as_u16(), 201);
    assert!(second.headers().get("idempotent-replayed").is_none());
    let (first, second): (Value, Value) = (
        first.json().await.expect("JSON"),
        second.json().await.expect("JSON"),
    );
    assert_ne!(first["token"], second["token"]);
}

#[tokio::test]
async fn of_two_retries_taking_over_a_dead_requests_key_one_runs_and_the_late_first_answer_is_ignored()
 {
    use mailroom_api::db::queries::idempotency::{Claim, Held, Kept, claim, finish};
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let mut conn = app.pool.get().expect("connection");
    let held = |lease| Held {
        user_id: ann.id,
        key: "k",
        lease,
    };
    let (day, five) = (Duration::hours(24), Duration::minutes(5));
    let at = app.clock_now();
    assert_eq!(
        claim(&mut conn, held(1), "f", at, day, five).expect("claim"),
        Claim::Run
    );
    // The first request's process seems dead: two retries come at once.
    let later = at + Duration::minutes(6);
    assert_eq!(
        claim(&mut conn, held(2), "f", later, day, five).expect("claim"),
        Claim::Run
    );
    assert_eq!(
        claim(&mut conn, held(3), "f", later, day, five).expect("claim"),
        Claim::Running
    );
    // The first was only slow: its answer comes last and must not replace the retry's.
    let answer = |status| Kept {
        status,
        content_type: None,
        location: None,
        content_language: None,
        body: Vec::new(),
    };
    assert_eq!(
        finish(&mut conn, held(2), Some(&answer(201))).expect("kept"),
        1
    );
    assert_eq!(
        finish(&mut conn, held(1), Some(&answer(409))).expect("ignored"),
        0
    );
    assert_eq!(
        claim(&mut conn, held(4), "f", later, day, five).expect("claim"),
        Claim::Replay(answer(201))
    );
}

#[tokio::test]
async fn a_method_the_path_does_not_take_is_a_405_with_a_key_too_and_the_key_stays_free() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let wrong = keyed(
        &app,
        &ann,
        Method::PATCH,
        "/api/v1/clients",
        "key-1",
        &json!({"email": "bob@example.net"}),
    )
    .await;
    assert_eq!(wrong.headers()["allow"], "GET, POST");
    problem(wrong, 405).await;
    let right = keyed(
        &app,
        &ann,
        Method::POST,
        "/api/v1/clients",
        "key-1",
        &json!({"email": "bob@example.net"}),
    )
    .await;
    assert_eq!(
        right.status().as_u16(),
        201,
        "the key was not taken by the 405"
    );
    assert_eq!(client_count(&app, &ann).await, 1);
}

#[tokio::test]
async fn a_kept_answer_comes_back_in_the_language_it_was_written_in() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bad = json!({"email": "not an address", "full_name": "Fay"});
    let send = |language: &'static str| {
        app.client
            .post(app.url("/api/v1/clients"))
            .bearer_auth(&ann.access)
            .header("Idempotency-Key", "k-ru")
            .header("Accept-Language", language)
            .json(&bad)
            .send()
    };
    let first = send("ru").await.expect("sent");
    let first_language = first.headers().get("content-language").cloned();
    let first = problem(first, 422).await;

    let again = send("en").await.expect("sent");
    assert!(again.headers().get("idempotent-replayed").is_some());
    assert_eq!(
        again.headers().get("content-language").cloned(),
        first_language,
        "the words kept are the first answer's"
    );
    assert!(
        again
            .headers()
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.contains("Accept-Language"))),
        "{:?}",
        again.headers()
    );
    assert_eq!(problem(again, 422).await, first);
    assert_eq!(
        first_language.as_ref().map(|v| v.as_bytes()),
        Some(&b"ru"[..])
    );
}
