//! Bounces and complaints that come back by mail, in the shapes real mail servers send them
//! (Postfix's bounce, RFC 3464's delay notice, RFC 5965's abuse report), through both doors:
//! `mailroom bounce` on standard input, and the stored-mail job the SMTP listener hands mail to.

use std::io::Write;
use std::process::{Command, Stdio};

use mailroom_api::bounces::inbound::{self, Received};
use mailroom_domain::bounce::Door;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{client, open_mailing, read, send};
use crate::helpers::{TestApp, spawn_sending_app, spawn_sending_app_with};
use crate::smtp::ReceivedMail;

const BOUNCE_ADDRESS: &str = "bounces@bounce.example.org";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/api/reports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A report about `mail`, sent back to the address its bounces go to.
fn report_about(name: &str, mail: &ReceivedMail, recipient: &str) -> String {
    fixture(name)
        .replace("{{TO}}", &mail.mail_from)
        .replace("{{RECIPIENT}}", recipient)
        .replace(
            "{{MESSAGE_ID}}",
            mail.message_id.as_deref().expect("a Message-ID"),
        )
}

/// `mailroom bounce` with the app's database and settings, `mail` on its standard input: its
/// exit code and what it printed.
fn pipe(app: &TestApp, recipient: &str, mail: &str) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailroom"));
    command
        .arg("bounce")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", app.settings.database_url.expose())
        .env("JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .env("MAIL_FROM", "Mailroom <mailroom@example.org>")
        .env("CACHE_PREFIX", &app.settings.cache.prefix)
        .env("RECIPIENT", recipient)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if app.settings.bounce_address.is_some() {
        command.env("BOUNCE_ADDRESS", BOUNCE_ADDRESS);
    }
    if app.settings.redis_url().is_some() {
        command.env("REDIS_URL", crate::helpers::redis_url());
    }
    let mut child = command.spawn().expect("mailroom bounce starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(mail.as_bytes())
        .expect("mail written");
    let out = child.wait_with_output().expect("mailroom bounce ends");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), printed)
}

/// Hands `mail` to the stored-mail door (the SMTP listener's) and runs the jobs due.
async fn through_the_listener_door(app: &TestApp, to: &str, mail: &str) {
    let mut conn = app.pool.get().expect("connection");
    inbound::store(
        &mut conn,
        Received {
            door: Door::Smtp,
            envelope_from: "",
            envelope_to: to,
            raw: mail.as_bytes(),
        },
        app.clock_now(),
    )
    .expect("stored");
    drop(conn);
    // The report's job, and the webhook calls it may have written.
    assert!(app.run_jobs().await >= 1);
}

/// Ann's mailing sent once to `emails`: the mail each received, in their order.
async fn sent_to(app: &TestApp, ann: &Session, emails: &[&str]) -> (i64, Vec<ReceivedMail>) {
    let mut ids = Vec::new();
    for email in emails {
        ids.push(client(app, ann, email, "Fay").await);
    }
    let id = open_mailing(app, ann, &ids).await;
    send(app, ann, id).await;
    app.drain().await;
    let mut mails = Vec::new();
    for email in emails {
        mails.push(app.mail().nth(email, 1).await);
    }
    (id, mails)
}

async fn suppressed(app: &TestApp, who: &Session) -> Vec<Value> {
    read(app, who, "/api/v1/suppressions").await["items"]
        .as_array()
        .expect("items")
        .clone()
}

#[tokio::test]
async fn a_postfix_bounce_piped_to_mailroom_bounce_suppresses_the_address_it_names() {
    let app =
        spawn_sending_app_with(|c| c.bounces.bounce_address = Some(BOUNCE_ADDRESS.into())).await;
    let ann = app.user("ann@example.org").await;
    let (id, mails) = sent_to(&app, &ann, &["fay@example.net", "gus@example.net"]).await;
    let fay = &mails[0];
    assert!(fay.mail_from.starts_with("bounces+"), "{}", fay.mail_from);

    let bounce = report_about("postfix-hard-bounce.eml", fay, "fay@example.net");
    let (code, printed) = pipe(&app, &fay.mail_from, &bounce);
    assert_eq!(code, 0, "{printed}");
    assert!(printed.contains("hard_bounce"), "{printed}");
    assert!(printed.contains("suppressed"), "{printed}");

    let list = suppressed(&app, &ann).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["email"], "fay@example.net");
    assert_eq!(list[0]["reason"], "hard_bounce");
    assert_eq!(list[0]["mailing_id"], id);
    let detail = list[0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("550 5.1.1 <fay@example.net>: Recipient address rejected"),
        "the diagnostic, unfolded and without its type: {detail}"
    );
    // The bounce shows on the attempt the server had accepted.
    let attempts = read(&app, &ann, &format!("/api/v1/mailings/{id}/attempts")).await;
    let fays: Vec<&Value> = attempts["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|a| a["client_email"] == "fay@example.net")
        .collect();
    assert_eq!(fays.len(), 1);
    assert_eq!(fays[0]["status"], "success");
    assert_eq!(fays[0]["events"][0]["kind"], "hard_bounce");
    assert_eq!(fays[0]["events"][0]["source"], "dsn");
    let stats = read(&app, &ann, &format!("/api/v1/mailings/{id}/stats")).await;
    assert_eq!(stats["bounced"], 1);

    // The same report again counts once.
    let (code, printed) = pipe(&app, &fay.mail_from, &bounce);
    assert_eq!(code, 0, "{printed}");
    assert!(printed.contains("known already"), "{printed}");
    let stats = read(&app, &ann, &format!("/api/v1/mailings/{id}/stats")).await;
    assert_eq!(stats["bounced"], 1);

    // The next run leaves Fay out.
    let next = send(&app, &ann, id).await;
    assert_eq!(
        (&next["total"], &next["suppressed"]),
        (&json!(2), &json!(1))
    );
}

#[tokio::test]
async fn a_forged_token_or_a_mail_that_is_no_report_is_kept_and_ignored() {
    let app =
        spawn_sending_app_with(|c| c.bounces.bounce_address = Some(BOUNCE_ADDRESS.into())).await;
    let ann = app.user("ann@example.org").await;
    let (_, mails) = sent_to(&app, &ann, &["fay@example.net"]).await;
    let fay = &mails[0];
    let (id, _) = fay
        .mail_from
        .trim_start_matches("bounces+")
        .split_once('-')
        .expect("a token");
    let forged_to = format!("bounces+{id}-{}@bounce.example.org", "0".repeat(24));
    let mut forged = fay.clone();
    forged.mail_from = forged_to.clone();
    let bounce = report_about("postfix-hard-bounce.eml", &forged, "fay@example.net");
    let (code, printed) = pipe(&app, &forged_to, &bounce);
    assert_eq!(code, 0, "an MTA must not bounce a bounce: {printed}");
    assert!(
        printed.contains("ignored: its delivery token is forged"),
        "{printed}"
    );

    // With tokens, the quoted Message-ID alone names nothing: ids are sequential.
    let untokened = report_about("postfix-hard-bounce.eml", fay, "fay@example.net");
    let (code, printed) = pipe(&app, BOUNCE_ADDRESS, &untokened);
    assert_eq!(code, 0, "{printed}");
    assert!(
        printed.contains("ignored: a report about no delivery"),
        "{printed}"
    );

    let away = report_about("auto-reply.eml", fay, "fay@example.net");
    let (code, printed) = pipe(&app, &fay.mail_from, &away);
    assert_eq!(code, 0, "{printed}");
    assert!(
        printed.contains("ignored: no report: a mail with the subject \"Out of office: News\""),
        "{printed}"
    );
    let (code, printed) = pipe(&app, &fay.mail_from, "not a mail at all");
    assert_eq!(code, 0, "{printed}");
    assert!(printed.contains("ignored"), "{printed}");
    assert!(suppressed(&app, &ann).await.is_empty());
}

#[tokio::test]
async fn mailroom_bounce_exits_zero_every_time_not_only_most_times() {
    // Its exit code is all an MTA reads: one crash at exit (libpq's OpenSSL tearing itself down
    // under a pooled connection, one exit in ten or so) bounces a bounce or queues it again.
    let app =
        spawn_sending_app_with(|c| c.bounces.bounce_address = Some(BOUNCE_ADDRESS.into())).await;
    let codes: Vec<i32> = (0..25)
        .map(|_| pipe(&app, BOUNCE_ADDRESS, "not a mail at all").0)
        .collect();
    assert!(codes.iter().all(|&c| c == 0), "exit codes: {codes:?}");
}

#[tokio::test]
async fn mailroom_bounce_asks_the_mta_to_try_again_when_the_database_is_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let out = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .arg("bounce")
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("postgres://postgres@127.0.0.1:{closed}/mailroom"),
        )
        .env("JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .stdin(Stdio::null())
        .output()
        .expect("mailroom bounce runs");
    assert_eq!(
        out.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_feedback_report_is_a_complaint_that_suppresses_and_unsubscribes() {
    // No BOUNCE_ADDRESS: the report is matched by the Message-ID it quotes and the address.
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let (id, mails) = sent_to(&app, &ann, &["fay@example.net"]).await;
    let fay = &mails[0];
    assert_eq!(fay.mail_from, "mailroom@example.org");

    // A Message-ID alone is no proof: the report must name the delivery's address.
    let elsewhere = report_about("rfc5965-complaint.eml", fay, "someone@example.net");
    through_the_listener_door(&app, "abuse@example.org", &elsewhere).await;
    assert!(suppressed(&app, &ann).await.is_empty());

    // Not every feedback report is a complaint (RFC 6430's not-spam is the opposite).
    let not_spam = report_about("rfc5965-complaint.eml", fay, "fay@example.net")
        .replace("Feedback-Type: abuse", "Feedback-Type: not-spam");
    through_the_listener_door(&app, "abuse@example.org", &not_spam).await;
    assert!(suppressed(&app, &ann).await.is_empty());

    let complaint = report_about("rfc5965-complaint.eml", fay, "fay@example.net");
    through_the_listener_door(&app, "abuse@example.org", &complaint).await;
    let list = suppressed(&app, &ann).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["reason"], "complaint");
    assert_eq!(list[0]["detail"], "abuse");
    let clients = read(&app, &ann, "/api/v1/clients").await;
    assert!(
        clients["items"][0]["unsubscribed_at"].is_string(),
        "a complaint unsubscribes: {clients}"
    );
    let stats = read(&app, &ann, &format!("/api/v1/mailings/{id}/stats")).await;
    assert_eq!(
        (&stats["complained"], &stats["bounced"]),
        (&json!(1), &json!(0))
    );
    let me = read(&app, &ann, "/api/v1/stats/me").await;
    assert_eq!(me["complained"], 1);
}

/// A sending app with a bounce address where two soft bounces in a row suppress.
async fn two_soft_bounces_suppress() -> TestApp {
    spawn_sending_app_with(|c| {
        c.bounces.bounce_address = Some(BOUNCE_ADDRESS.into());
        c.bounces.bounce_soft_limit = 2;
    })
    .await
}

/// RFC 3464's soft-bounce example about `mail` to fay, with this action, status and diagnostic.
fn soft(mail: &ReceivedMail, action: &str, status: &str, diagnostic: &str) -> String {
    report_about("rfc3464-soft.eml", mail, "fay@example.net")
        .replace("{{ACTION}}", action)
        .replace("{{STATUS}}", status)
        .replace("{{DIAGNOSTIC}}", diagnostic)
}

#[tokio::test]
async fn soft_bounces_suppress_at_the_limit_and_an_accepted_mail_or_a_removal_starts_the_count_again()
 {
    let app = two_soft_bounces_suppress().await;
    let ann = app.user("ann@example.org").await;
    let fay = client(&app, &ann, "fay@example.net", "Fay").await;
    let id = open_mailing(&app, &ann, &[fay]).await;
    let mut nth = 0;
    let mut next_mail = async || {
        app.clock.advance(chrono::Duration::minutes(1));
        send(&app, &ann, id).await;
        app.drain().await;
        nth += 1;
        app.mail().nth("fay@example.net", nth).await
    };

    let first = next_mail().await;
    let full = soft(&first, "failed", "5.2.2", "552 5.2.2 Mailbox full");
    through_the_listener_door(&app, &first.mail_from, &full).await;
    assert!(suppressed(&app, &ann).await.is_empty(), "one soft bounce");

    // Accepted and never bounced: the count starts again.
    let _clean = next_mail().await;
    let third = next_mail().await;
    let delayed = soft(
        &third,
        "delayed",
        "4.4.7",
        "450 4.4.7 Delivery time expired",
    );
    through_the_listener_door(&app, &third.mail_from, &delayed).await;
    assert!(
        suppressed(&app, &ann).await.is_empty(),
        "one soft bounce since the clean one"
    );

    let fourth = next_mail().await;
    let policy = soft(&fourth, "failed", "5.7.1", "554 5.7.1 Message refused");
    through_the_listener_door(&app, &fourth.mail_from, &policy).await;
    let list = suppressed(&app, &ann).await;
    assert_eq!(list.len(), 1, "two in a row: {list:?}");
    assert_eq!(list[0]["reason"], "soft_bounce");
    assert_eq!(list[0]["detail"], "554 5.7.1 Message refused");
    let stats = read(&app, &ann, &format!("/api/v1/mailings/{id}/stats")).await;
    assert_eq!(stats["bounced"], 3);

    // Fay fixed her mailbox and Ann took her off the list: the old streak counts no more.
    let entry = list[0]["id"].as_i64().expect("an id");
    let removed = app
        .send_as(
            reqwest::Method::DELETE,
            &format!("/api/v1/suppressions/{entry}"),
            &ann.access,
            None,
        )
        .await;
    assert_eq!(removed.status().as_u16(), 204);
    let fifth = next_mail().await;
    let full_again = soft(&fifth, "failed", "5.2.2", "552 5.2.2 Mailbox full");
    through_the_listener_door(&app, &fifth.mail_from, &full_again).await;
    assert!(
        suppressed(&app, &ann).await.is_empty(),
        "one soft bounce since she was taken off the list"
    );
    let sixth = next_mail().await;
    let full_still = soft(&sixth, "failed", "5.2.2", "552 5.2.2 Mailbox full");
    through_the_listener_door(&app, &sixth.mail_from, &full_still).await;
    assert_eq!(suppressed(&app, &ann).await.len(), 1, "two in a row again");
}

#[tokio::test]
async fn soft_bounces_that_come_back_after_the_next_mail_went_out_still_count_in_a_row() {
    let app = two_soft_bounces_suppress().await;
    let ann = app.user("ann@example.org").await;
    let fay = client(&app, &ann, "fay@example.net", "Fay").await;
    let id = open_mailing(&app, &ann, &[fay]).await;
    let mut mails = Vec::new();
    for nth in 1..=3 {
        app.clock.advance(chrono::Duration::minutes(1));
        send(&app, &ann, id).await;
        app.drain().await;
        mails.push(app.mail().nth("fay@example.net", nth).await);
    }
    // A relay kept the first two for days; their reports come once the third is out (and, for
    // now, looks delivered), the second's first.
    for mail in [&mails[1], &mails[0]] {
        let delayed = soft(mail, "failed", "4.4.7", "450 4.4.7 Delivery time expired");
        through_the_listener_door(&app, &mail.mail_from, &delayed).await;
    }
    let list = suppressed(&app, &ann).await;
    assert_eq!(list.len(), 1, "two in a row in the order sent: {list:?}");
    assert_eq!(list[0]["reason"], "soft_bounce");
}

#[tokio::test]
async fn the_smtp_listener_takes_bounces_for_the_bounce_address_only_and_stores_them_first() {
    let app = spawn_sending_app_with(|c| {
        c.bounces.bounce_address = Some(BOUNCE_ADDRESS.into());
        c.bounces.bounce_smtp_bind = Some("127.0.0.1:0".into());
    })
    .await;
    let ann = app.user("ann@example.org").await;
    let (_, mails) = sent_to(&app, &ann, &["fay@example.net"]).await;
    let fay = &mails[0];
    let bounce = report_about("postfix-hard-bounce.eml", fay, "fay@example.net");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bounce.eml");
    std::fs::write(&file, &bounce).expect("written");
    let port = app.bounce_port.expect("the listener listens");

    // Python's own SMTP client, as a mail server returning a bounce.
    let python = std::env::var("MAILROOM_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/smtp_client.py");
    let recipient = fay.mail_from.clone();
    // Off the runtime: the listener answering it runs there.
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&python)
            .arg(script)
            .arg(port.to_string())
            .arg(&recipient)
            .arg(&file)
            .output()
    })
    .await
    .expect("joined")
    .expect("the SMTP client runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(answers["ehlo"], 250);
    assert_eq!(answers["size"], inbound::MAX_MAIL_BYTES);
    assert_eq!(answers["stranger"][0], 550, "{answers}");
    assert_eq!(answers["bounce"], json!({}), "every recipient accepted");
    assert_eq!(answers["too_big"], 552);
    assert_eq!(answers["quit"], 221);
    assert_eq!(answers["chatty"], 421, "{answers}");

    // Stored first; this app sends nothing itself, so its jobs run when the test says.
    assert!(suppressed(&app, &ann).await.is_empty());
    assert_eq!(app.run_jobs().await, 1);
    let list = suppressed(&app, &ann).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["reason"], "hard_bounce");
}

#[tokio::test]
async fn a_complaint_is_told_to_the_owners_endpoint_with_the_suppression_and_the_unsubscribe() {
    let app = spawn_sending_app_with(|c| c.webhooks.webhook_allow_private = true).await;
    let receiver = crate::receiver::Receiver::start().await;
    let ann = app.user("ann@example.org").await;
    let created = app
        .post_as(
            "/api/v1/webhooks",
            &ann.access,
            &json!({
                "url": receiver.url("/"),
                "events": ["complaint.received", "client.suppressed", "client.unsubscribed"]
            }),
        )
        .await;
    assert_eq!(created.status().as_u16(), 201);
    let (_, mails) = sent_to(&app, &ann, &["fay@example.net"]).await;
    let complaint = report_about("rfc5965-complaint.eml", &mails[0], "fay@example.net");
    // The report's job writes the events, and the same run of the jobs sends them.
    through_the_listener_door(&app, "abuse@example.org", &complaint).await;
    let calls = receiver.calls();
    let mut told: Vec<String> = calls.iter().map(|c| c.event()).collect();
    told.sort();
    assert_eq!(
        told,
        [
            "client.suppressed",
            "client.unsubscribed",
            "complaint.received"
        ]
    );
    let report = calls
        .iter()
        .find(|c| c.event() == "complaint.received")
        .expect("the complaint")
        .json();
    assert_eq!(report["data"]["kind"], "complaint");
    assert_eq!(report["data"]["source"], "arf");
    assert_eq!(report["data"]["email"], "fay@example.net");
    assert_eq!(report["data"]["diagnostic"], "abuse");
}
