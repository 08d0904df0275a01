//! DKIM: mail signed with an RSA or an Ed25519 key verifies with dkimpy, an implementation that
//! shares no code with Mailroom (the key's TXT record given as its DNS answer), and fails once
//! its body is altered. Mailings and Mailroom's own mail alike.

use std::process::{Command, Stdio};

use mailroom_api::mail::dkim::{KeyAlgorithm, generate};
use serde_json::json;

use crate::fixtures::{client, mailing_of, send};
use crate::helpers::{TestApp, spawn_sending_app_with};

/// What dkimpy says of `raw` given `record` as the key's TXT record: "pass" or "fail".
fn dkimpy(record: &str, raw: &[u8]) -> String {
    use std::io::Write as _;
    let python = std::env::var("MAILROOM_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/dkim_verify.py");
    let mut child = Command::new(&python)
        .args([script, record])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(raw)
        .expect("mail written");
    let out = child.wait_with_output().expect("dkimpy ran");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        said == "pass" || said == "fail",
        "dkimpy did not answer (is it installed for {python}? `cargo xtask setup` installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    said
}

/// A sending app signing with a new key of `algorithm`; the app and the key's TXT record.
async fn signing_app(algorithm: KeyAlgorithm) -> (TestApp, String, tempfile::TempDir) {
    let key = generate(algorithm).expect("a key");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("dkim.pem");
    std::fs::write(&path, &key.pem).expect("key written");
    let app = spawn_sending_app_with(|config| {
        config.dkim_private_key_file = Some(path);
        config.dkim_selector = Some("s1".into());
    })
    .await;
    (app, key.record, dir)
}

async fn signed_mail_verifies_and_fails_once_altered(algorithm: KeyAlgorithm) {
    let (app, record, _key) = signing_app(algorithm).await;
    let ann = app.user("ann@example.org").await;
    let co = client(&app, &ann, "co@example.net", "Co Client").await;
    let mailing = mailing_of(
        &app,
        &ann,
        &json!({"subject": "News for {{full_name}}", "body": "# Hello {{full_name}}\n\nOur **sale** is on.", "format": "markdown"}),
        &[co],
    )
    .await;
    send(&app, &ann, mailing).await;
    app.drain().await;

    let mail = app.mail().nth("co@example.net", 1).await;
    let raw = String::from_utf8_lossy(&mail.raw).into_owned();
    let signature = raw
        .lines()
        .skip_while(|l| !l.starts_with("DKIM-Signature:"))
        .take_while(|l| l.starts_with("DKIM-Signature:") || l.starts_with([' ', '\t']))
        .collect::<Vec<_>>()
        .join("");
    assert!(
        signature.contains("d=example.org"),
        "MAIL_FROM's domain: {signature}"
    );
    assert!(signature.contains("s=s1"), "{signature}");
    assert!(signature.contains("c=relaxed/relaxed"), "{signature}");
    let signed: String = signature.split_whitespace().collect();
    for header in [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "list-unsubscribe",
        "list-unsubscribe-post",
    ] {
        assert!(
            signed.contains(&format!(":{header}:"))
                || signed.contains(&format!("h={header}:"))
                || signed.contains(&format!(":{header};")),
            "{header} signed: {signature}"
        );
    }
    assert_eq!(dkimpy(&record, &mail.raw), "pass", "{raw}");
    let altered = raw.replacen("sale", "SALE", 1);
    assert_ne!(altered, raw);
    assert_eq!(dkimpy(&record, altered.as_bytes()), "fail");

    // A plain-text message (one part, its own branch of the MIME headers) with non-ASCII in its
    // subject, its body and its recipient's name.
    let zoe = client(&app, &ann, "zoe@example.net", "Zoë Ünïcode").await;
    let mailing = mailing_of(
        &app,
        &ann,
        &json!({"subject": "Привет, {{full_name}} — скидки", "body": "Здравствуйте, {{full_name}}!\n\nНовые цены: 10 € и 1000 ₽.\n"}),
        &[zoe],
    )
    .await;
    send(&app, &ann, mailing).await;
    app.drain().await;
    let unicode = app.mail().nth("zoe@example.net", 1).await;
    assert!(unicode.subject.contains("Zoë"), "{}", unicode.subject);
    assert!(unicode.text.contains("Новые цены"), "{}", unicode.text);
    assert_eq!(dkimpy(&record, &unicode.raw), "pass");

    // Mailroom's own mail (a password reset link) is signed by the same transport.
    let asked = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "ann@example.org"}),
        )
        .await;
    assert_eq!(asked.status().as_u16(), 202);
    // Account mail is a background job: this app runs its jobs when told.
    app.run_jobs().await;
    let own = app.mail().nth("ann@example.org", 1).await;
    assert_eq!(dkimpy(&record, &own.raw), "pass");
}

#[tokio::test]
async fn mail_signed_with_an_rsa_key_verifies_independently_and_fails_once_altered() {
    signed_mail_verifies_and_fails_once_altered(KeyAlgorithm::Rsa).await;
}

#[tokio::test]
async fn mail_signed_with_an_ed25519_key_verifies_independently_and_fails_once_altered() {
    signed_mail_verifies_and_fails_once_altered(KeyAlgorithm::Ed25519).await;
}
