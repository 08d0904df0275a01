//! Reading a mail that came back: a delivery status notification (RFC 3464,
//! `multipart/report; report-type=delivery-status`), a feedback report (RFC 5965,
//! `report-type=feedback-report`), or anything else. mail-parser reads the MIME tree; the
//! report parts' fields (a header-like block per message and per recipient) are read with its
//! header parser, block by block.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use mailroom_domain::bounce::{DsnAction, EnhancedStatus};

/// Recipients of one DSN read at most.
pub const MAX_RECIPIENTS: usize = 50;

/// What one recipient's block of a DSN says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsnRecipient {
    /// The address, without its type (`rfc822;`): the final recipient, or the original one.
    pub address: String,
    pub action: DsnAction,
    pub status: Option<EnhancedStatus>,
    /// `Diagnostic-Code`, else the status, for the record.
    pub diagnostic: String,
}

/// What a report quotes of the mail it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Original {
    pub message_id: Option<String>,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Dsn {
        recipients: Vec<DsnRecipient>,
        original: Original,
    },
    Feedback {
        /// `abuse`, `fraud`, `virus`, `other`…
        feedback_type: String,
        original_rcpt_to: Option<String>,
        original: Original,
    },
    /// No report: what it is instead, in words.
    Other(String),
}

/// Reads a raw mail; never fails (what cannot be read is `Other`).
pub fn read(raw: &[u8]) -> Report {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Report::Other("not a mail message".into());
    };
    let report_type = message
        .root_part()
        .content_type()
        .filter(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .and_then(|ct| ct.attribute("report-type"))
        .map(str::to_ascii_lowercase);
    match report_type.as_deref() {
        Some("delivery-status") => dsn(&message),
        Some("feedback-report") => feedback(&message),
        Some(other) => Report::Other(format!("a report of type {other}")),
        None => Report::Other(match message.subject() {
            Some(subject) => format!("no report: a mail with the subject {subject:?}"),
            None => "no report: a mail with no subject".into(),
        }),
    }
}

/// The bytes of the first part of this content type (`message/delivery-status`…).
fn part_body<'a>(message: &'a Message<'a>, ctype: &str, subtype: &str) -> Option<&'a [u8]> {
    message.parts.iter().find_map(|part| {
        let ct = part.content_type()?;
        let matches = ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype));
        if !matches {
            return None;
        }
        match &part.body {
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => Some(bytes.as_ref()),
            PartType::Text(text) | PartType::Html(text) => Some(text.as_bytes()),
            PartType::Message(_) | PartType::Multipart(_) => None,
        }
    })
}

/// The first `most` header-like blocks of a report part, separated by blank lines, each read as
/// headers. Only those are parsed: a stranger's part may hold millions of tiny blocks.
fn blocks(body: &[u8], most: usize) -> Vec<Message<'static>> {
    // A stray Latin-1 byte in a diagnostic must not hide the whole report.
    let normalized = String::from_utf8_lossy(body).replace("\r\n", "\n");
    normalized
        .split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .take(most)
        .filter_map(|block| {
            let block = format!("{}\n\n", block.trim_matches('\n'));
            MessageParser::default()
                .parse_headers(block.as_bytes())
                .map(Message::into_owned)
        })
        .collect()
}

fn field(block: &Message<'_>, name: &str) -> Option<String> {
    block
        .header_raw(name)
        .map(|value| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|value| !value.is_empty())
}

/// `rfc822; ann@example.org` → `ann@example.org`.
fn address_of(field: &str) -> String {
    let address = match field.split_once(';') {
        Some((_, address)) => address,
        None => field,
    };
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

fn dsn(message: &Message<'_>) -> Report {
    let Some(body) = part_body(message, "message", "delivery-status") else {
        return Report::Other("a delivery report without its message/delivery-status part".into());
    };
    // The first block is about the message; each one after it about one recipient. A report of
    // ours names one recipient; a stranger's may name thousands.
    let blocks = blocks(body, 1 + MAX_RECIPIENTS);
    let recipients = blocks
        .iter()
        .skip(1)
        .filter_map(|block| {
            let address = field(block, "Final-Recipient")
                .or_else(|| field(block, "Original-Recipient"))
                .map(|f| address_of(&f))?;
            let action = DsnAction::parse(&field(block, "Action")?)?;
            let status_field = field(block, "Status");
            let status = status_field.as_deref().and_then(EnhancedStatus::parse);
            let diagnostic = field(block, "Diagnostic-Code")
                .map(|d| address_of_diagnostic(&d))
                .or(status_field)
                .unwrap_or_default();
            Some(DsnRecipient {
                address,
                action,
                status,
                diagnostic,
            })
        })
        .collect::<Vec<_>>();
    if recipients.is_empty() {
        return Report::Other("a delivery report naming no recipient it could read".into());
    }
    Report::Dsn {
        recipients,
        original: original(message),
    }
}

/// `smtp; 550 5.1.1 …` → `550 5.1.1 …`: the diagnostic without its type.
fn address_of_diagnostic(field: &str) -> String {
    match field.split_once(';') {
        Some((kind, text)) if !kind.contains(' ') => text.trim().to_owned(),
        _ => field.trim().to_owned(),
    }
}

fn feedback(message: &Message<'_>) -> Report {
    let Some(body) = part_body(message, "message", "feedback-report") else {
        return Report::Other("a feedback report without its message/feedback-report part".into());
    };
    let Some(block) = blocks(body, 1).into_iter().next() else {
        return Report::Other("an empty feedback report".into());
    };
    let Some(feedback_type) = field(&block, "Feedback-Type") else {
        return Report::Other("a feedback report without a Feedback-Type".into());
    };
    Report::Feedback {
        feedback_type: feedback_type.to_ascii_lowercase(),
        original_rcpt_to: field(&block, "Original-Rcpt-To").map(|f| address_of(&f)),
        original: original(message),
    }
}

/// The Message-ID and recipients of the mail a report is about: from its `message/rfc822` part
/// (the whole mail) or its `text/rfc822-headers` part (the headers only).
fn original(message: &Message<'_>) -> Original {
    let quoted = message.parts.iter().find_map(|part| match &part.body {
        PartType::Message(inner) => Some(inner.clone().into_owned()),
        _ => None,
    });
    let quoted = quoted.or_else(|| {
        let headers = part_body(message, "text", "rfc822-headers")?;
        MessageParser::default()
            .parse_headers(headers)
            .map(Message::into_owned)
    });
    let Some(quoted) = quoted else {
        return Original::default();
    };
    let to = quoted
        .to()
        .map(|to| {
            to.iter()
                .filter_map(|a| a.address().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Original {
        message_id: quoted.message_id().map(str::to_owned),
        to,
    }
}

/// The run and delivery a Mailroom Message-ID names: `mailroom.<run>.<delivery>@<domain>` (the
/// angle brackets already taken off by the parser), if the domain is ours.
pub fn delivery_of_message_id(message_id: &str, our_domain: &str) -> Option<(i64, i64)> {
    let (local, domain) = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(our_domain) {
        return None;
    }
    let mut parts = local.split('.');
    if parts.next()? != "mailroom" {
        return None;
    }
    let run: i64 = parts.next()?.parse().ok()?;
    let delivery: i64 = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((run, delivery))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DSN: &str = "From: MAILER-DAEMON@mx.example.net\r\n\
        To: bounces@example.org\r\n\
        Subject: Undelivered\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\
        \r\n\
        --b\r\n\
        Content-Type: text/plain\r\n\
        \r\n\
        Sorry.\r\n\
        --b\r\n\
        Content-Type: message/delivery-status\r\n\
        \r\n\
        Reporting-MTA: dns; mx.example.net\r\n\
        \r\n\
        Final-Recipient: rfc822; fay@example.net\r\n\
        Action: failed\r\n\
        Status: 5.1.1\r\n\
        Diagnostic-Code: smtp; 550 5.1.1 Benutzer unbekannt ä\r\n\
        --b--\r\n";

    #[test]
    fn a_stray_latin1_byte_in_a_diagnostic_keeps_the_report_readable() {
        let mut raw = DSN.as_bytes().to_vec();
        // The ä above, in UTF-8, made the Latin-1 byte an old server sends.
        let at = raw.windows(2).position(|w| w == "ä".as_bytes()).expect("ä");
        raw.splice(at..at + 2, [0xE4]);
        let Report::Dsn { recipients, .. } = read(&raw) else {
            panic!("a DSN");
        };
        assert_eq!(recipients.len(), 1);
        assert_eq!(recipients[0].address, "fay@example.net");
        assert_eq!(recipients[0].action, DsnAction::Failed);
        assert!(
            recipients[0]
                .diagnostic
                .starts_with("550 5.1.1 Benutzer unbekannt"),
            "{:?}",
            recipients[0].diagnostic
        );
    }

    #[test]
    fn a_report_of_a_million_recipients_is_read_as_its_first_fifty() {
        let block =
            "Final-Recipient: rfc822; x@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n";
        let huge = DSN.replace(
            "Final-Recipient: rfc822; fay@example.net",
            &format!(
                "{}Final-Recipient: rfc822; fay@example.net",
                block.repeat(1_000_000)
            ),
        );
        let Report::Dsn { recipients, .. } = read(huge.as_bytes()) else {
            panic!("a DSN");
        };
        assert_eq!(recipients.len(), MAX_RECIPIENTS);
    }

    #[test]
    fn a_report_of_another_type_or_a_plain_mail_is_no_bounce() {
        let other = DSN.replace("delivery-status;", "disposition-notification;");
        assert_eq!(
            read(other.as_bytes()),
            Report::Other("a report of type disposition-notification".into())
        );
        assert!(matches!(
            read(b"Subject: Hi\r\n\r\nHello"),
            Report::Other(_)
        ));
        assert!(matches!(read(b""), Report::Other(_)));
    }

    #[test]
    fn a_mailroom_message_id_names_its_run_and_delivery_on_our_domain_only() {
        assert_eq!(
            delivery_of_message_id("<mailroom.7.42@example.org>", "example.org"),
            Some((7, 42))
        );
        assert_eq!(
            delivery_of_message_id("mailroom.7.42@EXAMPLE.org", "example.org"),
            Some((7, 42))
        );
        assert_eq!(
            delivery_of_message_id("mailroom.7.42@evil.example", "example.org"),
            None
        );
        assert_eq!(
            delivery_of_message_id("other.7.42@example.org", "example.org"),
            None
        );
        assert_eq!(
            delivery_of_message_id("mailroom.7.42.1@example.org", "example.org"),
            None
        );
    }
}
