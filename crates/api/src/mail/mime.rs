//! Messages with every header at the top, where DKIM can sign it.
//!
//! lettre keeps a MIME body's own headers (`Content-Type`, `Content-Transfer-Encoding`) with the
//! body and writes them after the message's headers; its DKIM signer only hashes the message's
//! headers, so a signature that lists `Content-Type` (as RFC 6376 recommends) never verifies.
//! Each message is therefore built with the body's formatted headers moved up among the
//! message's, and the body itself as already-encoded bytes: the bytes sent are the same, and
//! the signature covers what is sent.

use std::str::FromStr;

use lettre::message::header::{ContentTransferEncoding, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::{Body, MessageBuilder, MultiPart, SinglePart};
use lettre::{Message, error::Error as EmailError};

/// A body of a message: one part, or several.
pub enum Content {
    Single(SinglePart),
    Multi(MultiPart),
}

/// Builds the message with `content`, its MIME headers among the message's.
pub fn build(builder: MessageBuilder, content: Content) -> Result<Message, EmailError> {
    let formatted = match &content {
        Content::Single(part) => part.formatted(),
        Content::Multi(part) => part.formatted(),
    };
    let Some(end) = formatted.windows(4).position(|w| w == b"\r\n\r\n") else {
        // lettre always writes headers then a blank line; should it ever not, the message is
        // built its own way (and signed as lettre signs it).
        return match content {
            Content::Single(part) => builder.singlepart(part),
            Content::Multi(part) => builder.multipart(part),
        };
    };
    let head = String::from_utf8_lossy(&formatted[..end]).into_owned();
    let body = formatted[end + 4..].to_vec();
    let mut builder = builder.header(MIME_VERSION_1_0);
    // A multipart body is 7-bit lines (its parts are encoded each on their own).
    let mut encoding = ContentTransferEncoding::SevenBit;
    for (name, value) in unfolded(&head) {
        if name.eq_ignore_ascii_case("Content-Transfer-Encoding") {
            encoding = ContentTransferEncoding::from_str(value.trim())
                .unwrap_or(ContentTransferEncoding::SevenBit);
            continue;
        }
        let Ok(name) = HeaderName::new_from_ascii(name.to_owned()) else {
            continue;
        };
        builder = builder.raw_header(HeaderValue::dangerous_new_pre_encoded(
            name,
            value.trim().to_owned(),
            value.trim().to_owned(),
        ));
    }
    // Without its last line break: the message adds one after the body, as for MIME bodies.
    let body = body
        .strip_suffix(b"\r\n")
        .map(<[u8]>::to_vec)
        .unwrap_or(body);
    builder.body(Body::dangerous_pre_encoded(body, encoding))
}

/// The header lines of `head`, folded lines joined, as (name, value).
fn unfolded(head: &str) -> Vec<(&str, String)> {
    let mut headers: Vec<(&str, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push_str("\r\n");
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name, value.to_owned()));
        }
    }
    headers
}
