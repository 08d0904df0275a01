//! Account mail as background jobs: it survives an SMTP outage, waits between tries as mailings
//! do, keeps no secret in the queue, and is not sent once it no longer applies.

use chrono::Duration;
use diesel::prelude::*;
use mailroom_api::db::schema::background_jobs;
use serde_json::json;

use crate::accounts::PASSWORD;
use crate::helpers::{TestApp, spawn_sending_app_with};
use crate::smtp::{SmtpServer, unused_smtp_port};

/// Each queued account mail job's type, payload, tries and last error.
fn queued(app: &TestApp) -> Vec<(String, String, i32, Option<String>)> {
    let mut conn = app.pool.get().expect("connection");
    background_jobs::table
        .filter(background_jobs::job_type.eq("account_mail"))
        .select((
            background_jobs::job_type,
            background_jobs::payload,
            background_jobs::attempts,
            background_jobs::last_error,
        ))
        .load(&mut conn)
        .expect("jobs")
}

#[tokio::test]
async fn a_sign_up_while_the_smtp_server_is_down_gets_its_mail_once_it_is_back() {
    let port = unused_smtp_port();
    // A sending app runs jobs only when told, at the time its clock says; its mail goes to a
    // port where nothing listens yet.
    let app =
        spawn_sending_app_with(|c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let registered = app.register("ann@example.org", PASSWORD).await;
    assert_eq!(
        registered.status().as_u16(),
        202,
        "the answer does not wait for SMTP"
    );

    assert_eq!(app.run_jobs().await, 1);
    let jobs = queued(&app);
    assert_eq!(jobs.len(), 1, "kept after the failed try: {jobs:?}");
    let (job_type, payload, attempts, error) = &jobs[0];
    assert_eq!(job_type, "account_mail");
    assert_eq!(*attempts, 1);
    assert!(
        error.as_deref().unwrap_or_default().contains("not sent"),
        "{error:?}"
    );
    assert!(
        !payload.contains("token"),
        "no link in the queue: {payload}"
    );
    // SEND_RETRY_BASE_SECS is 60 in the tests: nothing is tried again before.
    app.clock.advance(Duration::seconds(30));
    assert_eq!(app.run_jobs().await, 0);

    let smtp = SmtpServer::start_on(port).await;
    app.clock.advance(Duration::seconds(31));
    assert_eq!(app.run_jobs().await, 1);
    assert!(queued(&app).is_empty(), "done once sent");
    let mail = smtp.nth("ann@example.org", 1).await;
    assert_eq!(mail.subject, "Confirm your address for Mailroom");
    let token = mail.token_for("/confirm").expect("a confirmation link");
    // The link's day counts from the send: it works although the sign-up was a minute earlier.
    let confirmed = app
        .post_json("/api/v1/auth/confirm", &json!({"token": token}))
        .await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert_eq!(smtp.all().len(), 1, "one mail, not one per try");
}

#[tokio::test]
async fn a_confirmation_queued_for_an_account_confirmed_meanwhile_is_not_sent() {
    let app = spawn_sending_app_with(|_| {}).await;
    app.register("ann@example.org", PASSWORD).await;
    assert_eq!(app.run_jobs().await, 1);
    let first = app.mail().nth("ann@example.org", 1).await;
    let token = first.token_for("/confirm").expect("a link");

    // A second link is asked for, and the first one used before the second mail goes out.
    app.post_json(
        "/api/v1/auth/resend-confirmation",
        &json!({"email": "ann@example.org"}),
    )
    .await;
    let confirmed = app
        .post_json("/api/v1/auth/confirm", &json!({"token": token}))
        .await;
    assert_eq!(confirmed.status().as_u16(), 200);
    assert_eq!(app.run_jobs().await, 1);
    assert!(queued(&app).is_empty(), "the job is done");
    assert_eq!(
        app.mail().all().len(),
        1,
        "no second link for a confirmed account"
    );
}

#[tokio::test]
async fn registering_an_address_that_has_an_account_queues_the_notice_not_a_link() {
    let app = spawn_sending_app_with(|_| {}).await;
    app.user("ann@example.org").await;
    let answer = app.register("ann@example.org", PASSWORD).await;
    assert_eq!(answer.status().as_u16(), 202);
    assert_eq!(app.run_jobs().await, 1);
    let mail = app.mail().nth("ann@example.org", 1).await;
    assert_eq!(mail.subject, "You already have a Mailroom account");
    assert_eq!(mail.token_for("/confirm"), None);
}

#[tokio::test]
async fn a_mail_the_server_refuses_for_good_is_not_tried_again_and_one_it_defers_is() {
    let app = spawn_sending_app_with(|_| {}).await;
    app.register("reject-ann@example.org", PASSWORD).await;
    app.register("tempfail-1-bob@example.org", PASSWORD).await;
    assert_eq!(app.run_jobs().await, 2);
    let left = queued(&app);
    assert_eq!(left.len(), 1, "only the deferred one waits: {left:?}");
    assert!(
        left[0].3.as_deref().unwrap_or_default().contains("451"),
        "{left:?}"
    );

    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.run_jobs().await, 1);
    assert!(queued(&app).is_empty());
    app.mail().nth("tempfail-1-bob@example.org", 1).await;
    let refused = app
        .mail()
        .all()
        .into_iter()
        .filter(|m| m.to.starts_with("reject-"));
    assert_eq!(
        refused.count(),
        0,
        "the server kept none of the refused one"
    );
}
