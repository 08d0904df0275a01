//! Mailroom's own mail (confirmations, password resets) and mailings share the process's SMTP
//! transport; its own mail has connections of its own, so it never waits behind a campaign.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::fixtures::{client, open_mailing, send};
use crate::helpers::spawn_app_with;
use crate::smtp::SmtpServer;

#[tokio::test]
async fn a_password_reset_mail_goes_out_while_a_slow_mailing_holds_every_mailing_connection() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    // One connection for mailings, and a server that takes seconds per mailing recipient.
    let mut app = spawn_app_with(|c| {
        c.smtp_url = Some(url);
        c.sending.smtp_pool_size = 1;
    })
    .await;
    app.smtp = Some(smtp);
    let ann = app.confirmed_user("ann@example.org").await;
    let mut slow = Vec::new();
    for n in 0..3 {
        slow.push(client(&app, &ann, &format!("slow-{n}@example.net"), "Slow").await);
    }
    let mailing = open_mailing(&app, &ann, &slow).await;
    send(&app, &ann, mailing).await;
    // The in-process worker has taken the mailing connection and queued the rest behind it.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let asked = Instant::now();
    let reset = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "ann@example.org"}),
        )
        .await;
    assert_eq!(reset.status().as_u16(), 202);
    app.mail().wait_for("ann@example.org", 2).await;
    let took = asked.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "the reset mail waited {took:?} behind the mailing"
    );
    assert!(
        app.mail()
            .all()
            .iter()
            .filter(|m| m.to.starts_with("slow-"))
            .count()
            < 3,
        "the mailing was still sending"
    );
}
