//! The suppression list: hard refusals put addresses on it while sending, runs leave its
//! addresses out (when queued, and again just before each send), people add and remove entries,
//! and every owner sees and changes only their own.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{client, open_mailing, read, send};
use crate::helpers::{problem, spawn_app, spawn_sending_app, spawn_sending_app_with};

async fn run_of(
    app: &crate::helpers::TestApp,
    who: &crate::accounts::Session,
    run: &Value,
) -> Value {
    read(
        app,
        who,
        &format!("/api/v1/mailings/{}/runs/{}", run["mailing_id"], run["id"]),
    )
    .await
}

fn emails(page: &Value) -> Vec<String> {
    let mut emails: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["email"].as_str().expect("email").to_owned())
        .collect();
    emails.sort();
    emails
}

#[tokio::test]
async fn a_bad_mailbox_refused_while_sending_is_suppressed_and_the_next_run_leaves_it_out() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let fine = client(&app, &ann, "fay@example.net", "Fay").await;
    let gone = client(&app, &ann, "reject-zed@example.net", "Zed").await;
    let policy = client(&app, &ann, "policy-pat@example.net", "Pat").await;
    let id = open_mailing(&app, &ann, &[fine, gone, policy]).await;

    let first = send(&app, &ann, id).await;
    app.drain().await;
    let first = run_of(&app, &ann, &first).await;
    assert_eq!(
        (&first["sent"], &first["failed"], &first["suppressed"]),
        (&json!(1), &json!(2), &json!(0))
    );

    // 550 5.1.1 condemns the address; 554 5.7.1 is a failure of this mail only.
    let list = read(&app, &ann, "/api/v1/suppressions").await;
    assert_eq!(emails(&list), ["reject-zed@example.net"]);
    let entry = &list["items"][0];
    assert_eq!(entry["reason"], "hard_bounce");
    assert_eq!(entry["mailing_id"], id);
    let detail = entry["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("550 5.1.1"), "{detail}");

    // The refused attempt carries the bounce.
    let attempts = read(&app, &ann, &format!("/api/v1/mailings/{id}/attempts")).await;
    for attempt in attempts["items"].as_array().expect("items") {
        let events = attempt["events"].as_array().expect("events");
        if attempt["client_email"] == "reject-zed@example.net" {
            assert_eq!(events.len(), 1, "{attempt}");
            assert_eq!(events[0]["kind"], "hard_bounce");
            assert_eq!(events[0]["source"], "smtp");
        } else {
            assert!(events.is_empty(), "{attempt}");
        }
    }
    let stats = read(&app, &ann, &format!("/api/v1/mailings/{id}/stats")).await;
    assert_eq!(
        (&stats["bounced"], &stats["complained"]),
        (&json!(1), &json!(0))
    );
    let me = read(&app, &ann, "/api/v1/stats/me").await;
    assert_eq!(me["bounced"], 1);
    let today = me["daily"]
        .as_array()
        .and_then(|d| d.last())
        .expect("today");
    assert_eq!(today["bounced"], 1);

    let tries_before = app.mail().all().len();
    let second = send(&app, &ann, id).await;
    assert_eq!(
        (&second["total"], &second["suppressed"]),
        (&json!(3), &json!(1))
    );
    app.drain().await;
    let second = run_of(&app, &ann, &second).await;
    assert_eq!(
        (
            &second["sent"],
            &second["failed"],
            &second["suppressed"],
            &second["pending"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(0))
    );
    assert!(second["finished_at"].is_string(), "{second}");
    let delivered: Vec<String> = app.mail().all()[tries_before..]
        .iter()
        .map(|m| m.to.clone())
        .collect();
    assert!(
        !delivered.iter().any(|to| to.contains("reject-zed")),
        "{delivered:?}"
    );
}

#[tokio::test]
async fn a_mail_to_an_address_refused_a_moment_ago_in_the_same_batch_is_not_sent() {
    // One send at a time, so that the second mail's turn comes after the first one's refusal.
    let app = spawn_sending_app_with(|c| c.sending.send_concurrency = 1).await;
    let ann = app.user("ann@example.org").await;
    let gone = client(&app, &ann, "reject-zed@example.net", "Zed").await;
    let spring = open_mailing(&app, &ann, &[gone]).await;
    let summer = open_mailing(&app, &ann, &[gone]).await;
    let first = send(&app, &ann, spring).await;
    let second = send(&app, &ann, summer).await;
    app.drain().await;

    let (first, second) = (
        run_of(&app, &ann, &first).await,
        run_of(&app, &ann, &second).await,
    );
    let outcome = |run: &Value| (run["failed"].clone(), run["suppressed"].clone());
    assert_eq!(
        [outcome(&first), outcome(&second)],
        [(json!(1), json!(0)), (json!(0), json!(1))],
        "one refusal, then nothing more to that address"
    );
    let attempts = read(&app, &ann, &format!("/api/v1/mailings/{summer}/attempts")).await;
    assert_eq!(attempts["total"], 0, "{attempts}");
}

#[tokio::test]
async fn an_address_suppressed_after_its_run_was_queued_gets_nothing_when_its_turn_comes() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let fay = client(&app, &ann, "fay@example.net", "Fay").await;
    let gus = client(&app, &ann, "Gus@Example.net", "Gus").await;
    let id = open_mailing(&app, &ann, &[fay, gus]).await;
    let run = send(&app, &ann, id).await;
    assert_eq!(run["suppressed"], 0);

    let added = app
        .post_as(
            "/api/v1/suppressions",
            &ann.access,
            &json!({"email": "gus@example.NET", "detail": "asked by phone"}),
        )
        .await;
    assert_eq!(added.status().as_u16(), 201);
    app.drain().await;

    let run = run_of(&app, &ann, &run).await;
    assert_eq!(
        (&run["sent"], &run["suppressed"], &run["pending"]),
        (&json!(1), &json!(1), &json!(0))
    );
    let to: Vec<String> = app.mail().all().iter().map(|m| m.to.clone()).collect();
    assert_eq!(to.len(), 1, "{to:?}");
    assert!(to[0].contains("fay@example.net"), "{to:?}");
}

#[tokio::test]
async fn taking_an_address_off_the_list_lets_the_next_run_send_to_it_again() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let fay = client(&app, &ann, "fay@example.net", "Fay").await;
    let id = open_mailing(&app, &ann, &[fay]).await;
    let added: Value = app
        .post_as(
            "/api/v1/suppressions",
            &ann.access,
            &json!({"email": "fay@example.net"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(added["reason"], "manual");
    assert_eq!(added["detail"], "");

    let held_back = send(&app, &ann, id).await;
    assert_eq!(
        (&held_back["total"], &held_back["suppressed"]),
        (&json!(1), &json!(1))
    );
    app.drain().await;
    assert!(app.mail().all().is_empty());
    let held_back = run_of(&app, &ann, &held_back).await;
    assert!(held_back["finished_at"].is_string(), "{held_back}");

    let removed = app
        .send_as(
            Method::DELETE,
            &format!("/api/v1/suppressions/{}", added["id"]),
            &ann.access,
            None,
        )
        .await;
    assert_eq!(removed.status().as_u16(), 204);
    app.clock.advance(Duration::minutes(1));
    let again = send(&app, &ann, id).await;
    assert_eq!(again["suppressed"], 0);
    app.drain().await;
    assert_eq!(app.mail().all().len(), 1);
}

#[tokio::test]
async fn adding_a_bad_address_or_one_listed_already_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bad = app
        .post_as(
            "/api/v1/suppressions",
            &ann.access,
            &json!({"email": "not an address", "detail": "x".repeat(1001)}),
        )
        .await;
    let body = problem(bad, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["email", "detail"]);
    // A NUL, which PostgreSQL's text cannot hold, is refused rather than failing the write.
    let nul = app
        .post_as(
            "/api/v1/suppressions",
            &ann.access,
            &json!({"email": "old@example.com", "detail": "asked\u{0}by phone"}),
        )
        .await;
    assert_eq!(problem(nul, 422).await["errors"][0]["field"], "detail");
    assert_eq!(read(&app, &ann, "/api/v1/suppressions").await["total"], 0);

    let first = app
        .post_as(
            "/api/v1/suppressions",
            &ann.access,
            &json!({"email": "Old@Example.com"}),
        )
        .await;
    assert_eq!(first.status().as_u16(), 201);
    let again = app
        .post_as(
            "/api/v1/suppressions",
            &ann.access,
            &json!({"email": "old@example.COM"}),
        )
        .await;
    let body = problem(again, 409).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("old@example.COM"),
        "{body}"
    );
    assert_eq!(read(&app, &ann, "/api/v1/suppressions").await["total"], 1);

    let unsigned = app.get("/api/v1/suppressions").await;
    assert_eq!(unsigned.status().as_u16(), 401);
    let bad_sort = app
        .get_as("/api/v1/suppressions?sort=reason", &ann.access)
        .await;
    problem(bad_sort, 422).await;
}

#[tokio::test]
async fn each_owner_sees_and_changes_only_their_list_and_managers_read_all_of_them() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = app.user("bob@example.org").await;
    let boss = app.manager("boss@example.org").await;
    for (who, email) in [
        (&ann, "a1@example.com"),
        (&ann, "a2@example.net"),
        (&bob, "b1@example.com"),
    ] {
        let added = app
            .post_as(
                "/api/v1/suppressions",
                &who.access,
                &json!({"email": email}),
            )
            .await;
        assert_eq!(added.status().as_u16(), 201);
    }
    // The same address may be on two owners' lists.
    let shared = app
        .post_as(
            "/api/v1/suppressions",
            &bob.access,
            &json!({"email": "a1@example.com"}),
        )
        .await;
    assert_eq!(shared.status().as_u16(), 201);

    let anns = read(&app, &ann, "/api/v1/suppressions").await;
    assert_eq!(emails(&anns), ["a1@example.com", "a2@example.net"]);
    let bobs = read(&app, &bob, "/api/v1/suppressions?owner_id=1").await;
    assert_eq!(
        emails(&bobs),
        ["a1@example.com", "b1@example.com"],
        "a user's owner_id is ignored"
    );
    let searched = read(&app, &ann, "/api/v1/suppressions?q=EXAMPLE.NET").await;
    assert_eq!(emails(&searched), ["a2@example.net"]);
    let sorted = read(&app, &ann, "/api/v1/suppressions?sort=-email").await;
    assert_eq!(sorted["items"][0]["email"], "a2@example.net");

    let everyone = read(&app, &boss, "/api/v1/suppressions").await;
    assert_eq!(everyone["total"], 4);
    let anns_id = anns["items"][0]["owner_id"].as_i64().expect("owner");
    let one_owner = read(
        &app,
        &boss,
        &format!("/api/v1/suppressions?owner_id={anns_id}"),
    )
    .await;
    assert_eq!(emails(&one_owner), ["a1@example.com", "a2@example.net"]);

    let entry = &anns["items"][0]["id"];
    let by_bob = app
        .send_as(
            Method::DELETE,
            &format!("/api/v1/suppressions/{entry}"),
            &bob.access,
            None,
        )
        .await;
    let body = problem(by_bob, 404).await;
    assert!(!body.to_string().contains("a1@example.com"), "{body}");
    let by_boss = app
        .send_as(
            Method::DELETE,
            &format!("/api/v1/suppressions/{entry}"),
            &boss.access,
            None,
        )
        .await;
    problem(by_boss, 403).await;
    assert_eq!(read(&app, &ann, "/api/v1/suppressions").await["total"], 2);

    let csv = app.get_as("/api/v1/suppressions/export", &ann.access).await;
    assert_eq!(csv.status().as_u16(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "email,reason,detail,mailing_id,created_at");
    assert_eq!(lines.len(), 3, "{csv}");
    // In the list's own order: newest first.
    assert!(lines[1].starts_with("a2@example.net,manual,,,"), "{csv}");
    assert!(lines[2].starts_with("a1@example.com,manual,,,"), "{csv}");
    assert!(!csv.contains("b1@example.com"));
}

#[tokio::test]
async fn with_a_bounce_address_each_delivery_has_its_own_signed_envelope_sender() {
    let app = crate::helpers::spawn_sending_app_with(|c| {
        c.bounces.bounce_address = Some("bounces@bounce.example.org".into());
    })
    .await;
    let ann = app.user("ann@example.org").await;
    let fay = client(&app, &ann, "fay@example.net", "Fay").await;
    let gus = client(&app, &ann, "gus@example.net", "Gus").await;
    let id = open_mailing(&app, &ann, &[fay, gus]).await;
    send(&app, &ann, id).await;
    app.drain().await;

    let verp = mailroom_api::bounces::verp::Verp::new(
        &"bounces@bounce.example.org".parse().expect("address"),
        &app.settings.jwt_secret,
    );
    let mut named = Vec::new();
    for mail in app.mail().all() {
        assert!(mail.mail_from.starts_with("bounces+"), "{}", mail.mail_from);
        assert!(
            mail.from.ends_with("<mailroom@example.org>"),
            "the From stays the sender's: {}",
            mail.from
        );
        match verp.read(&mail.mail_from) {
            mailroom_api::bounces::verp::Token::Delivery(token) => {
                assert!(verp.vouches(&token, &mail.to), "signed for {}", mail.to);
                named.push(token.delivery_id);
            }
            other => panic!("{} reads as {other:?}", mail.mail_from),
        }
    }
    named.sort_unstable();
    named.dedup();
    assert_eq!(named.len(), 2, "one token per delivery: {named:?}");

    // Without the setting, bounces go back to MAIL_FROM's address.
    let plain = spawn_sending_app().await;
    let bob = plain.user("bob@example.org").await;
    let hal = client(&plain, &bob, "hal@example.net", "Hal").await;
    let id = open_mailing(&plain, &bob, &[hal]).await;
    send(&plain, &bob, id).await;
    plain.drain().await;
    assert_eq!(plain.mail().all()[0].mail_from, "mailroom@example.org");
}

#[tokio::test]
async fn an_export_of_more_than_a_page_holds_every_entry_once_in_the_lists_order() {
    use diesel::{Connection, RunQueryDsl};
    use mailroom_api::db::rows::NewSuppressionRow;
    use mailroom_api::db::schema::suppressions;
    use mailroom_domain::bounce::SuppressionReason;

    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let now = app.clock_now();
    // 2,500 entries over three pages; a few share a time, so the id must break ties.
    let emails: Vec<String> = (0..2_500)
        .map(|n| format!("r{:04}@example.com", (n * 7919) % 2_500))
        .collect();
    let rows: Vec<NewSuppressionRow<'_>> = emails
        .iter()
        .enumerate()
        .map(|(n, email)| NewSuppressionRow {
            owner_id: ann.id,
            email,
            reason: SuppressionReason::Manual,
            detail: "",
            mailing_id: None,
            created_at: now - Duration::seconds((n / 3) as i64),
        })
        .collect();
    let mut conn = app.pool.get().expect("connection");
    // One row a statement: the multi-connection has no batch insert.
    conn.transaction(|conn| {
        for row in &rows {
            diesel::insert_into(suppressions::table)
                .values(row)
                .execute(conn)?;
        }
        diesel::QueryResult::Ok(())
    })
    .expect("inserted");
    drop(conn);

    let export = |sort: &'static str| {
        let app = &app;
        let ann = &ann;
        async move {
            let csv = app
                .get_as(
                    &format!("/api/v1/suppressions/export?sort={sort}"),
                    &ann.access,
                )
                .await;
            assert_eq!(csv.status().as_u16(), 200);
            let csv = csv.text().await.expect("text");
            csv.lines()
                .skip(1)
                .map(|line| line.split(',').next().unwrap_or_default().to_owned())
                .collect::<Vec<String>>()
        }
    };
    let mut by_email = emails.clone();
    by_email.sort();
    assert_eq!(export("email").await, by_email);
    by_email.reverse();
    assert_eq!(export("-email").await, by_email);
    // Oldest first: the last inserted; within one second, in the order inserted.
    let mut oldest_first: Vec<(i64, usize)> =
        (0..emails.len()).map(|n| (-((n / 3) as i64), n)).collect();
    oldest_first.sort();
    let oldest_first: Vec<String> = oldest_first
        .into_iter()
        .map(|(_, n)| emails[n].clone())
        .collect();
    assert_eq!(export("created_at").await, oldest_first);
    let newest = export("-created_at").await;
    assert_eq!(newest.len(), emails.len());
    assert_eq!(
        newest[..3],
        emails[..3].iter().rev().cloned().collect::<Vec<_>>()[..]
    );
}
