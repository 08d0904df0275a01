use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn an_unknown_api_route_is_a_404_problem_naming_the_request() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/no-such-thing").await;

    let body = problem(response, 404).await;
    assert_eq!(body["type"], "urn:mailroom:problem:not-found");
    assert_eq!(body["detail"], "no route for GET /api/v1/no-such-thing");
}

#[tokio::test]
async fn a_post_with_a_json_body_to_an_unknown_api_route_is_a_404_problem() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/clients-typo"))
        .json(&serde_json::json!({"email": "a@b.io"}))
        .send()
        .await
        .expect("sent");

    let body = problem(response, 404).await;
    assert_eq!(body["detail"], "no route for POST /api/v1/clients-typo");
}

#[tokio::test]
async fn an_unknown_path_under_health_is_a_404_problem_not_the_web_app() {
    let app = spawn_app().await;

    let response = app.get("/health/nope").await;

    problem(response, 404).await;
}

#[tokio::test]
async fn a_wrong_method_on_a_known_route_is_a_405_problem() {
    let app = spawn_app().await;

    let response = app
        .client
        .delete(app.url("/health/ready"))
        .send()
        .await
        .expect("sent");

    let body = problem(response, 405).await;
    assert_eq!(body["detail"], "DELETE is not allowed on /health/ready");
}

#[tokio::test]
async fn a_wrong_method_on_a_named_path_beside_an_id_path_is_a_405_not_a_404() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    for path in ["/api/v1/clients/export", "/api/v1/clients/bulk"] {
        let response = app
            .client
            .put(app.url(path))
            .bearer_auth(&ann.access)
            .json(&serde_json::json!({"email": "x@example.org"}))
            .send()
            .await
            .expect("sent");
        let allow = response.headers().get("allow").cloned();
        let body = problem(response, 405).await;
        assert_eq!(body["detail"], format!("PUT is not allowed on {path}"));
        assert!(allow.is_some(), "{path}: an Allow header");
    }
    let response = app
        .client
        .put(app.url("/api/v1/clients/abc"))
        .bearer_auth(&ann.access)
        .json(&serde_json::json!({"email": "x@example.org"}))
        .send()
        .await
        .expect("sent");
    problem(response, 404).await;
}

#[tokio::test]
async fn every_response_carries_its_own_request_id() {
    let app = spawn_app().await;

    let first = app.get("/health/live").await;
    let second = app.get("/api/v1/nope").await;

    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("an X-Request-Id header")
    };
    let (a, b) = (id(&first), id(&second));
    assert_eq!(a.len(), 36, "a UUID: {a}");
    assert_ne!(a, b);
}

/// Registers with an invalid address and a short password, asking for `language`.
async fn bad_registration(
    app: &crate::helpers::TestApp,
    language: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/v1/auth/register")).json(
        &serde_json::json!({"email": "not an address", "password": "short", "full_name": "Ann"}),
    );
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    request.send().await.expect("sent")
}

fn codes(body: &serde_json::Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (text("field"), text("code"))
        })
        .collect()
}

#[tokio::test]
async fn a_422_for_a_russian_speaker_is_in_russian_with_the_same_codes() {
    let app = spawn_app().await;
    let russian = bad_registration(&app, Some("ru-RU,ru;q=0.9,en;q=0.5")).await;
    assert_eq!(
        russian
            .headers()
            .get("content-language")
            .and_then(|v| v.to_str().ok()),
        Some("ru")
    );
    let ru = problem(russian, 422).await;
    let english = problem(bad_registration(&app, None).await, 422).await;

    let expected = [
        ("email".to_owned(), "invalid_email".to_owned()),
        ("password".to_owned(), "too_short".to_owned()),
    ];
    assert_eq!(codes(&ru), expected, "{ru}");
    assert_eq!(codes(&english), expected, "{english}");
    assert_eq!(
        ru["type"], english["type"],
        "the type does not depend on the language"
    );
    assert_eq!(ru["title"], "В запросе есть неверные поля");
    assert_eq!(ru["detail"], "неверных полей: 2");
    assert_eq!(
        ru["errors"][0]["message"],
        "«not an address» — недопустимый адрес электронной почты"
    );
    assert_eq!(
        ru["errors"][1]["message"],
        "пароль должен содержать не меньше 10 символов"
    );
    assert_eq!(english["title"], "The request has invalid fields");
    assert_eq!(english["detail"], "2 fields are invalid");
    assert_eq!(
        english["errors"][1]["message"],
        "a password needs at least 10 characters"
    );
}

#[tokio::test]
async fn english_is_answered_when_it_is_preferred_or_nothing_we_speak_is_asked_for() {
    let app = spawn_app().await;
    for language in ["en-GB, ru;q=0.5", "de, fr", "*"] {
        let body = problem(bad_registration(&app, Some(language)).await, 422).await;
        assert_eq!(body["detail"], "2 fields are invalid", "{language}");
    }
}

#[tokio::test]
async fn a_refused_sign_in_is_explained_in_russian_too() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("Accept-Language", "ru")
        .json(&serde_json::json!({"email": "ann@example.org", "password": "wrong password!"}))
        .send()
        .await
        .expect("sent");
    let body = problem(response, 401).await;
    assert_eq!(body["type"], "urn:mailroom:problem:invalid-credentials");
    assert_eq!(body["title"], "Нужна аутентификация");
    assert_eq!(
        body["detail"],
        "неверный адрес электронной почты или пароль"
    );
}

/// Whether `text` is written in Russian: it has Cyrillic words and no English ones of its own
/// (what the person sent, a path or a header name, may be quoted in it).
fn in_russian(text: &str) -> bool {
    text.chars()
        .any(|c| ('а'..='я').contains(&c.to_ascii_lowercase()) || c == 'ё')
        && !["the ", " is ", " not ", " must ", " a ", " no "]
            .iter()
            .any(|word| format!(" {text} ").to_lowercase().contains(word))
}

/// Sends `request` asking for Russian; its problem's detail and every message are in Russian.
async fn said_in_russian(request: reqwest::RequestBuilder, status: u16) -> serde_json::Value {
    let response = request
        .header("Accept-Language", "ru")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        response
            .headers()
            .get("content-language")
            .and_then(|v| v.to_str().ok()),
        Some("ru")
    );
    let body = problem(response, status).await;
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(in_russian(detail), "not in Russian: {body}");
    for error in body["errors"].as_array().into_iter().flatten() {
        let message = error["message"].as_str().unwrap_or_default();
        assert!(in_russian(message), "not in Russian: {error}");
    }
    body
}

#[tokio::test]
async fn every_error_a_russian_speaker_can_cause_is_explained_in_russian() {
    let app = crate::helpers::spawn_app_with_smtp().await;
    let ann = app.confirmed_user("ann@example.org").await;
    let bob = app.confirmed_user("bob@example.org").await;
    let url = |path: &str| app.url(path);
    let as_ann = |request: reqwest::RequestBuilder| request.bearer_auth(&ann.access);
    let bobs = crate::fixtures::client(&app, &bob, "cid@example.org", "Cid").await;
    crate::fixtures::client(&app, &ann, "dan@example.org", "Dan").await;

    let c = &app.client;
    // Someone else's row, a row that is not there, a route that is not there, a wrong method.
    // Someone else's client reads as one that is not there: the same words, nothing more.
    let hidden = said_in_russian(as_ann(c.get(url(&format!("/api/v1/clients/{bobs}")))), 404).await;
    assert_eq!(hidden["detail"], format!("не найдено: клиент {bobs}"));
    let missing = said_in_russian(as_ann(c.get(url("/api/v1/clients/999999"))), 404).await;
    assert_eq!(missing["detail"], "не найдено: клиент 999999");
    said_in_russian(as_ann(c.get(url("/api/v1/mailings/999999"))), 404).await;
    said_in_russian(c.get(url("/api/v1/no-such-thing")), 404).await;
    said_in_russian(c.delete(url("/api/v1/auth/login")), 405).await;
    // Bodies the server cannot read, and a query it cannot.
    said_in_russian(as_ann(c.post(url("/api/v1/clients")).body("{}")), 415).await;
    let json = |body: &'static str| {
        as_ann(c.post(url("/api/v1/clients")))
            .header("Content-Type", "application/json")
            .body(body)
    };
    said_in_russian(json("{"), 400).await;
    said_in_russian(json("[]"), 422).await;
    said_in_russian(as_ann(c.get(url("/api/v1/clients?page=abc"))), 400).await;
    // Signing in.
    said_in_russian(c.get(url("/api/v1/me")), 401).await;
    said_in_russian(c.get(url("/api/v1/me")).bearer_auth("nonsense"), 401).await;
    said_in_russian(c.post(url("/api/v1/auth/refresh")), 401).await;
    said_in_russian(
        c.post(url("/api/v1/auth/confirm"))
            .json(&serde_json::json!({"token": "not-a-token"})),
        400,
    )
    .await;
    // Rules: a duplicate, a manager's page, an idempotency key that is no key.
    let dan = serde_json::json!({"email": "dan@example.org", "full_name": "Dan"});
    said_in_russian(as_ann(c.post(url("/api/v1/clients")).json(&dan)), 409).await;
    said_in_russian(as_ann(c.get(url("/api/v1/users"))), 403).await;
    let mia = app.manager("mia@example.org").await;
    let theirs = said_in_russian(
        c.patch(url(&format!("/api/v1/clients/{bobs}")))
            .bearer_auth(&mia.access)
            .json(&serde_json::json!({"full_name": "Cid Lee"})),
        403,
    )
    .await;
    assert!(
        theirs["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with(&format!("клиент {bobs} принадлежит"))),
        "{theirs}"
    );
    let keyed = |body: serde_json::Value| {
        as_ann(c.post(url("/api/v1/clients")))
            .header("Idempotency-Key", "k-1")
            .json(&body)
    };
    let eve = serde_json::json!({"email": "eve@example.org", "full_name": "Eve"});
    assert_eq!(
        keyed(eve).send().await.expect("sent").status().as_u16(),
        201
    );
    said_in_russian(keyed(dan.clone()), 422).await;
    said_in_russian(
        as_ann(c.post(url("/api/v1/clients")))
            .header("Idempotency-Key", "key with é")
            .json(&dan),
        400,
    )
    .await;
    // Imports: not CSV, no header; a bad row's reason is in Russian too.
    said_in_russian(
        as_ann(c.post(url("/api/v1/clients/import")).json(&dan)),
        415,
    )
    .await;
    let csv = |body: &'static str| {
        as_ann(c.post(url("/api/v1/clients/import")))
            .header("Content-Type", "text/csv")
            .body(body)
    };
    said_in_russian(csv(""), 400).await;
    let report = csv("email,full_name\nnot-an-email,X\neve@example.org\n")
        .header("Accept-Language", "ru")
        .send()
        .await
        .expect("sent");
    assert_eq!(report.status().as_u16(), 200);
    let report: serde_json::Value = report.json().await.expect("JSON");
    let reasons: Vec<&str> = report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .filter_map(|row| row["reason"].as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{report}");
    assert!(reasons.iter().all(|r| in_russian(r)), "{reasons:?}");
}

#[tokio::test]
async fn an_accepted_sign_up_is_answered_in_the_language_asked_for() {
    let app = crate::helpers::spawn_app_with_smtp().await;
    let sign_up = |email: &str, language: &str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("Accept-Language", language)
            .json(&serde_json::json!({"email": email, "password": crate::accounts::PASSWORD, "full_name": "Ann"}))
            .send()
    };
    let russian = sign_up("ann@example.org", "ru").await.expect("sent");
    assert_eq!(russian.status().as_u16(), 202);
    let russian: serde_json::Value = russian.json().await.expect("JSON");
    assert!(
        in_russian(russian["message"].as_str().unwrap_or_default()),
        "{russian}"
    );
    let english = sign_up("bob@example.org", "en").await.expect("sent");
    let english: serde_json::Value = english.json().await.expect("JSON");
    assert!(
        english["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Check your inbox"),
        "{english}"
    );
}
