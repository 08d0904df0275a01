//! A test send: one copy of a message, rendered as its recipients get it, to the person who
//! asked, marked as a test (a subject prefix and a header), at most ten an hour per person. It
//! is no mailing: no run, no attempt, no statistic.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use super::MailError;
use super::body::Rendered;
use super::mime::{self, Content};

/// Test sends one person may make in an hour: ten at once, then one every six minutes.
pub const PER_HOUR: u32 = 10;

/// The subject's prefix of a test copy.
pub const SUBJECT_PREFIX: &str = "[Test] ";

const TEST_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Mailroom-Test");

/// How many test sends each person has left (in this process).
pub struct TestSendLimit(DefaultKeyedRateLimiter<i64>);

impl Default for TestSendLimit {
    fn default() -> Self {
        let quota = Quota::per_hour(NonZeroU32::new(PER_HOUR).expect("not zero"));
        Self(RateLimiter::keyed(quota))
    }
}

impl TestSendLimit {
    /// Counts one test send of `user_id`'s; `Err` holds how long until the next is allowed.
    pub fn check(&self, user_id: i64) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        self.0
            .check_key(&user_id)
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    /// Forgets people back to their full allowance, so memory stays bounded.
    pub fn prune(&self) {
        self.0.retain_recent();
    }
}

/// The test copy of `copy`, from `from` to `to`.
pub fn message(from: Mailbox, to: Mailbox, copy: Rendered) -> Result<Message, MailError> {
    let builder = Message::builder()
        .from(from)
        .reply_to(to.clone())
        .to(to)
        .subject(format!("{SUBJECT_PREFIX}{}", copy.subject))
        .message_id(None)
        .raw_header(HeaderValue::new(TEST_HEADER, "yes".to_owned()));
    let content = match copy.html {
        Some(html) => Content::Multi(MultiPart::alternative_plain_html(copy.text, html)),
        None => Content::Single(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(copy.text),
        ),
    };
    Ok(mime::build(builder, content)?)
}
