//! Messages in Markdown and HTML: the format kept and checked, the preview, and the mail as it
//! arrives at a real SMTP server (text and HTML as alternatives, values escaped in the HTML).

use chrono::Duration;
use serde_json::{Value, json};

use crate::fixtures::{at, client, mailing_of, message_of, send};
use crate::helpers::{TestApp, problem, spawn_app, spawn_sending_app};

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn a_message_keeps_its_format_and_an_unknown_one_is_refused_by_name_with_nothing_saved() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;

    let plain = message_of(&app, &ann, &json!({"subject": "S", "body": "B"})).await;
    assert_eq!(plain["format"], "text", "text when left out");
    let created = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "S", "body": "**B**", "format": "markdown"}),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let markdown: Value = created.json().await.expect("JSON");
    assert_eq!(markdown["format"], "markdown");
    let path = format!("/api/v1/messages/{}", markdown["id"]);
    let read: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(read["format"], "markdown");

    let kept: Value = patch(&app, &ann.access, &path, json!({"subject": "T"}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        kept["format"], "markdown",
        "a patch without format keeps it"
    );
    let html: Value = patch(&app, &ann.access, &path, json!({"format": "html"}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(html["format"], "html");

    let bad = app
        .post_as(
            "/api/v1/messages",
            &ann.access,
            &json!({"subject": "S", "body": "B", "format": "rtf"}),
        )
        .await;
    let body = problem(bad, 422).await;
    assert_eq!(body["errors"][0]["field"], "format", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("rtf")),
        "{body}"
    );
    problem(
        patch(&app, &ann.access, &path, json!({"format": "pdf"})).await,
        422,
    )
    .await;
    let list: Value = app
        .get_as("/api/v1/messages", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["total"], 2, "nothing made by the refused request");
    let after: Value = app
        .get_as(&path, &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        after["format"], "html",
        "nothing changed by the refused patch"
    );
}

#[tokio::test]
async fn a_preview_renders_for_an_example_or_ones_own_client_and_never_for_anothers() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    let co = client(&app, &ann, "co@example.net", "<b>Ann & Co</b>").await;
    let bobs = client(&app, &bob, "bobs@example.net", "Bob's client").await;
    let message = json!({
        "subject": "News for {{full_name}}",
        "body": "# Hello {{full_name}}\n\nWrite to {{email}}.",
        "format": "markdown",
    });

    let example: Value = app
        .post_as("/api/v1/messages/preview", &ann.access, &message)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(example["subject"], "News for Ann Lee");
    let html = example["html"].as_str().expect("an HTML part");
    assert!(html.contains("<h1>Hello Ann Lee</h1>"), "{html}");
    assert!(html.contains("Unsubscribe"), "{html}");

    let mut for_co = message.clone();
    for_co["client_id"] = json!(co);
    let own: Value = app
        .post_as("/api/v1/messages/preview", &ann.access, &for_co)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(own["subject"], "News for <b>Ann & Co</b>");
    let html = own["html"].as_str().expect("an HTML part");
    assert!(
        html.contains("Hello &lt;b&gt;Ann &amp; Co&lt;&#x2F;b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>Ann"), "{html}");
    let text = own["text"].as_str().expect("a text part");
    assert!(text.contains("Hello <b>Ann & Co</b>"), "{text}");
    assert!(text.contains("co@example.net"), "{text}");

    let plain: Value = app
        .post_as(
            "/api/v1/messages/preview",
            &ann.access,
            &json!({"subject": "S", "body": "Hi {{full_name}}"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(plain["text"], "Hi Ann Lee");
    assert!(plain["html"].is_null(), "a text message has no HTML part");

    let mut for_bobs = message.clone();
    for_bobs["client_id"] = json!(bobs);
    let hidden = problem(
        app.post_as("/api/v1/messages/preview", &ann.access, &for_bobs)
            .await,
        404,
    )
    .await;
    assert!(!hidden.to_string().contains("Bob's client"), "{hidden}");
    let bad = problem(
        app.post_as(
            "/api/v1/messages/preview",
            &ann.access,
            &json!({"subject": " ", "body": "{{first_name}}", "format": "docx"}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["format", "subject", "body"], "{bad}");
}

#[tokio::test]
async fn a_markdown_mailing_arrives_as_text_and_html_alternatives_exactly_as_previewed() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let co = client(&app, &ann, "co@example.net", "<b>Ann & Co</b>").await;
    let message = json!({
        "subject": "News for {{full_name}}",
        "body": "# Hello {{full_name}}\n\nOur **sale** is on: [see it](https://shop.example/sale).\n\n[Leave]({{unsubscribe_url}})",
        "format": "markdown",
    });
    let mut for_co = message.clone();
    for_co["client_id"] = json!(co);
    let preview: Value = app
        .post_as("/api/v1/messages/preview", &ann.access, &for_co)
        .await
        .json()
        .await
        .expect("JSON");
    let mailing = mailing_of(&app, &ann, &message, &[co]).await;
    send(&app, &ann, mailing).await;
    app.drain().await;

    let mail = app.mail().nth("co@example.net", 1).await;
    let parsed = mailparse::parse_mail(&mail.raw).expect("a MIME message");
    assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
    let parts: Vec<(String, String)> = parsed
        .subparts
        .iter()
        .map(|p| (p.ctype.mimetype.clone(), p.ctype.charset.to_lowercase()))
        .collect();
    assert_eq!(
        parts,
        [
            ("text/plain".to_owned(), "utf-8".to_owned()),
            ("text/html".to_owned(), "utf-8".to_owned())
        ],
        "text first, then HTML"
    );
    // Equal but for the line ends SMTP carries (CRLF).
    let unwired = |part: &str| part.replace("\r\n", "\n").trim_end().to_owned();
    assert_eq!(mail.subject, preview["subject"]);
    assert_eq!(
        unwired(&mail.text),
        unwired(preview["text"].as_str().expect("text"))
    );
    assert_eq!(
        unwired(&mail.html),
        unwired(preview["html"].as_str().expect("html"))
    );
    assert!(
        mail.html
            .contains("Hello &lt;b&gt;Ann &amp; Co&lt;&#x2F;b&gt;"),
        "{}",
        mail.html
    );
    assert!(mail.text.contains("Hello <b>Ann & Co</b>"), "{}", mail.text);
    // The body's own unsubscribe link is the client's, and no footer link is added.
    let unsubscribe = mail.list_unsubscribe.clone().expect("List-Unsubscribe");
    let url = unsubscribe.trim_matches(['<', '>']);
    assert!(mail.text.contains(url), "{}", mail.text);
    assert!(!mail.html.contains(">Unsubscribe<"), "{}", mail.html);
}

#[tokio::test]
async fn a_mailing_goes_out_under_its_sender_name_with_its_list_and_feedback_ids() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let co = client(&app, &ann, "co@example.net", "Co").await;
    let message = message_of(&app, &ann, &json!({"subject": "News", "body": "Hello"})).await;
    let now = app.clock_now();
    let request = |from_name: Value| {
        json!({
            "message_id": message["id"], "client_ids": [co], "from_name": from_name,
            "starts_at": at(now + Duration::days(1)), "ends_at": at(now + Duration::days(2)),
        })
    };
    let refused = app
        .post_as(
            "/api/v1/mailings",
            &ann.access,
            &request(json!("n".repeat(101))),
        )
        .await;
    assert_eq!(
        problem(refused, 422).await["errors"][0]["field"],
        "from_name"
    );
    let created = app
        .post_as(
            "/api/v1/mailings",
            &ann.access,
            &request(json!("Ann's Shop")),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let mailing: Value = created.json().await.expect("JSON");
    assert_eq!(mailing["from_name"], "Ann's Shop");
    let id = mailing["id"].as_i64().expect("id");
    send(&app, &ann, id).await;
    app.drain().await;

    let mail = app.mail().nth("co@example.net", 1).await;
    assert_eq!(mail.from, "Ann's Shop <mailroom@example.org>");
    let parsed = mailparse::parse_mail(&mail.raw).expect("a MIME message");
    use mailparse::MailHeaderMap;
    assert_eq!(
        parsed.headers.get_first_value("List-Id"),
        Some(format!("<{}.owners.example.org>", ann.id))
    );
    assert_eq!(
        parsed.headers.get_first_value("Feedback-ID"),
        Some(format!("{id}:{}:mailroom", ann.id))
    );

    // Cleared, the mailing goes out under its owner's name again.
    let cleared: Value = patch(
        &app,
        &ann.access,
        &format!("/api/v1/mailings/{id}"),
        json!({"from_name": " "}),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert!(cleared["from_name"].is_null(), "{cleared}");
    send(&app, &ann, id).await;
    app.drain().await;
    let again = app.mail().nth("co@example.net", 2).await;
    assert!(
        again.from.ends_with("<mailroom@example.org>"),
        "{}",
        again.from
    );
    assert!(!again.from.contains("Ann's Shop"), "{}", again.from);
}

#[tokio::test]
async fn a_test_send_reaches_its_owner_marked_as_a_test_and_counts_for_nothing() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    let co = client(&app, &ann, "co@example.net", "Co Client").await;
    let bobs = client(&app, &bob, "bobs@example.net", "Bob's client").await;
    let message = message_of(&app, &ann, &json!({"subject": "News for {{full_name}}", "body": "**Hello** {{full_name}}", "format": "markdown"})).await;
    let path = format!("/api/v1/messages/{}/test", message["id"]);
    let before: Value = app
        .get_as("/api/v1/stats/me", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");

    let sent = app.post_as(&path, &ann.access, &json!({})).await;
    assert_eq!(sent.status().as_u16(), 200);
    let sent: Value = sent.json().await.expect("JSON");
    assert_eq!(sent["to"], "ann@example.org");
    assert_eq!(sent["subject"], "[Test] News for Ann Lee");
    let mail = app.mail().nth("ann@example.org", 1).await;
    assert_eq!(mail.subject, "[Test] News for Ann Lee");
    assert!(
        mail.html.contains("<strong>Hello</strong> Ann Lee"),
        "{}",
        mail.html
    );
    let parsed = mailparse::parse_mail(&mail.raw).expect("a MIME message");
    use mailparse::MailHeaderMap;
    assert_eq!(
        parsed.headers.get_first_value("X-Mailroom-Test").as_deref(),
        Some("yes")
    );

    let for_co = app
        .post_as(&path, &ann.access, &json!({"client_id": co}))
        .await;
    assert_eq!(for_co.status().as_u16(), 200);
    let mail = app.mail().nth("ann@example.org", 2).await;
    assert_eq!(mail.subject, "[Test] News for Co Client");
    assert!(
        app.mail()
            .all()
            .iter()
            .all(|m| !m.to.eq_ignore_ascii_case("co@example.net")),
        "the client gets nothing"
    );

    let after: Value = app
        .get_as("/api/v1/stats/me", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(before, after, "no attempt, no statistic");

    // Another's message or client is not there; a body that is no request is refused.
    problem(app.post_as(&path, &bob.access, &json!({})).await, 404).await;
    problem(
        app.post_as(&path, &ann.access, &json!({"client_id": bobs}))
            .await,
        404,
    )
    .await;
    let bad = app
        .client
        .post(app.url(&path))
        .bearer_auth(&ann.access)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    problem(bad, 400).await;
}

#[tokio::test]
async fn the_eleventh_test_send_within_an_hour_waits_and_says_how_long() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let message = message_of(&app, &ann, &json!({"subject": "S", "body": "B"})).await;
    let path = format!("/api/v1/messages/{}/test", message["id"]);
    for n in 0..10 {
        let sent = app.post_as(&path, &ann.access, &json!({})).await;
        assert_eq!(sent.status().as_u16(), 200, "test send {n}");
    }
    let refused = app.post_as(&path, &ann.access, &json!({})).await;
    assert_eq!(refused.status().as_u16(), 429);
    let wait: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=3600).contains(&wait), "{wait}");
    problem(refused, 429).await;
}
