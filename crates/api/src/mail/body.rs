//! A message as its recipients get it: the subject, a plain-text part and, for Markdown and HTML
//! messages, an HTML part in a simple layout with its CSS inlined.
//!
//! The expensive part (Markdown, sanitising, the layout, inlining, the plain-text version of the
//! HTML) is done once per message by [`Prepared::new`], with each placeholder replaced by a
//! marker that every one of those steps keeps as it is. Each recipient's copy only puts the
//! values where the markers are ([`Prepared::fill`]): as they are in the subject and the text,
//! HTML-escaped in the HTML, so a client named `<b>Ann & Co</b>` is text there, never markup.
//! Sending and the preview both go through here, so a preview shows what is sent.

use std::collections::HashSet;

use mailroom_domain::message::MessageFormat;
use mailroom_domain::template::{PLACEHOLDERS, render};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Where a placeholder stands while its message is prepared: lower-case letters only, which
/// Markdown, the sanitiser, URLs, the CSS inliner and the text conversion all leave alone.
const MARKER: &str = "mailroomplaceholder";

/// The markers, one per placeholder; none is the start of another.
fn marker(name: &str) -> String {
    format!("{MARKER}{}", name.replace('_', ""))
}

/// A placeholder's marker inside a link's or an image's address (set by the sanitiser): its value
/// goes in percent-encoded, so that a client named `javascript:…` is a harmless relative address,
/// never a scheme, and `&` or spaces keep the address whole.
fn url_marker(name: &str) -> String {
    format!("{MARKER}url{}", name.replace('_', ""))
}

/// Columns of the plain-text version of an HTML message.
const TEXT_WIDTH: usize = 78;

/// What one recipient's placeholders are filled with.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub full_name: &'a str,
    pub email: &'a str,
    pub unsubscribe_url: &'a str,
}

impl Recipient<'_> {
    fn value(&self, placeholder: usize) -> &str {
        match PLACEHOLDERS[placeholder] {
            "full_name" => self.full_name,
            "email" => self.email,
            _ => self.unsubscribe_url,
        }
    }
}

/// One recipient's copy of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    /// Markdown and HTML messages only.
    pub html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    /// The placeholder at this index of `PLACEHOLDERS`.
    Value(usize),
    /// The same, inside an address.
    UrlValue(usize),
}

/// A text with markers, split once into what stays and where values go.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filled(Vec<Piece>);

impl Filled {
    fn split(text: &str) -> Self {
        // Addresses first: their markers are longer and begin like the others.
        let markers: Vec<(Piece, String)> = (0..PLACEHOLDERS.len())
            .map(|i| (Piece::UrlValue(i), url_marker(PLACEHOLDERS[i])))
            .chain((0..PLACEHOLDERS.len()).map(|i| (Piece::Value(i), marker(PLACEHOLDERS[i]))))
            .collect();
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(MARKER) {
            let found = markers
                .iter()
                .find(|(_, m)| rest[start..].starts_with(m.as_str()));
            let Some((piece, m)) = found else {
                // Not one of ours (a word that merely starts like one): kept as it is.
                pieces.push(Piece::Literal(rest[..start + MARKER.len()].to_owned()));
                rest = &rest[start + MARKER.len()..];
                continue;
            };
            if start > 0 {
                pieces.push(Piece::Literal(rest[..start].to_owned()));
            }
            pieces.push(piece.clone());
            rest = &rest[start + m.len()..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_owned()));
        }
        Filled(pieces)
    }

    fn fill(&self, recipient: &Recipient<'_>, escape: bool) -> String {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Value(index) if escape => {
                    out.push_str(&html_escape::encode_safe(recipient.value(*index)))
                }
                Piece::Value(index) => out.push_str(recipient.value(*index)),
                // Our own unsubscribe address goes in whole; anything else is data in an address.
                Piece::UrlValue(index) if PLACEHOLDERS[*index] == "unsubscribe_url" => out
                    .push_str(&html_escape::encode_double_quoted_attribute(
                        recipient.value(*index),
                    )),
                Piece::UrlValue(index) => out.extend(utf8_percent_encode(
                    recipient.value(*index),
                    NON_ALPHANUMERIC,
                )),
            }
        }
        out
    }
}

/// A message made ready to be filled in for each recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    subject: Filled,
    text: Filled,
    html: Option<Filled>,
}

impl Prepared {
    pub fn new(subject: &str, body: &str, format: MessageFormat) -> Self {
        let markers: Vec<(&str, String)> = PLACEHOLDERS.iter().map(|p| (*p, marker(p))).collect();
        let values: Vec<(&str, &str)> = markers.iter().map(|(p, m)| (*p, m.as_str())).collect();
        let subject = render(subject, &values);
        let body = render(body, &values);
        let html = match format {
            MessageFormat::Text => None,
            MessageFormat::Markdown => Some(markdown_to_html(&body)),
            MessageFormat::Html => Some(body.clone()),
        };
        let Some(html) = html else {
            return Self {
                subject: Filled::split(&subject),
                text: Filled::split(&body),
                html: None,
            };
        };
        let html = sanitised(&html);
        // A link of its own that survived the sanitiser, not just the placeholder's mention.
        let unsubscribes = html.contains(&url_marker("unsubscribe_url"));
        let document = laid_out(&subject, &html, !unsubscribes);
        // Links are not wrapped: a long address cut in two is dead, and so is a marker.
        let text = html2text::config::plain()
            .no_link_wrapping()
            .allow_width_overflow()
            .string_from_read(document.as_bytes(), TEXT_WIDTH)
            .unwrap_or_else(|_| ammonia::clean_text(&document));
        Self {
            subject: Filled::split(&subject),
            text: Filled::split(text.trim_end()),
            html: Some(Filled::split(&inlined(&document))),
        }
    }

    pub fn fill(&self, recipient: &Recipient<'_>) -> Rendered {
        Rendered {
            subject: self.subject.fill(recipient, false),
            text: self.text.fill(recipient, false),
            html: self.html.as_ref().map(|h| h.fill(recipient, true)),
        }
    }
}

/// CommonMark with tables, strikethrough and task lists; raw HTML in it goes through the
/// sanitiser like everything else.
fn markdown_to_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// What a mail's HTML may keep: no scripts, forms, frames, event handlers or `javascript:` links
/// (ammonia's rules), plus the presentational attributes mail layouts are written with.
fn sanitised(html: &str) -> String {
    let presentational: HashSet<&str> = [
        "style",
        "align",
        "valign",
        "width",
        "height",
        "bgcolor",
        "border",
        "cellpadding",
        "cellspacing",
        "color",
    ]
    .into_iter()
    .collect();
    let markers: Vec<(String, String)> = PLACEHOLDERS
        .iter()
        .map(|p| (marker(p), url_marker(p)))
        .collect();
    ammonia::Builder::default()
        .add_generic_attributes(presentational)
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .attribute_filter(move |_element, attribute, value| {
            if !value.contains(MARKER) {
                return Some(value.into());
            }
            Some(match attribute {
                // A value in an address is data: marked so that it is percent-encoded.
                "href" | "src" => markers
                    .iter()
                    .fold(value.to_owned(), |v, (text, url)| v.replace(text, url))
                    .into(),
                // Nor may values write CSS.
                "style" => markers
                    .iter()
                    .fold(value.to_owned(), |v, (text, _)| v.replace(text, ""))
                    .into(),
                _ => value.into(),
            })
        })
        .clean(html)
        .to_string()
}

const LAYOUT_CSS: &str = "\
body { margin: 0; padding: 0; background: #f4f4f5; }
.outer { width: 100%; background: #f4f4f5; padding: 24px 0; }
.column { max-width: 600px; margin: 0 auto; background: #ffffff; padding: 24px; \
font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; font-size: 16px; \
line-height: 1.5; color: #18181b; }
.column img { max-width: 100%; height: auto; }
.column a { color: #1d4ed8; }
.footer { max-width: 600px; margin: 0 auto; padding: 12px 24px; font-family: Helvetica, Arial, \
sans-serif; font-size: 13px; color: #71717a; text-align: center; }
.footer a { color: #71717a; }
";

/// The body in a centred, readable column; the unsubscribe link in a footer when the body has
/// none of its own.
fn laid_out(subject: &str, body: &str, footer: bool) -> String {
    let footer = if footer {
        format!(
            "<p class=\"footer\"><a href=\"{}\">Unsubscribe</a></p>",
            url_marker("unsubscribe_url")
        )
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{LAYOUT_CSS}</style></head>\
         <body><div class=\"outer\"><div class=\"column\">{body}</div>{footer}</div></body></html>",
        html_escape::encode_text(subject),
    )
}

/// The layout's CSS moved into `style` attributes, as mail programs want it. Nothing is fetched:
/// the crate is built without its network features.
fn inlined(document: &str) -> String {
    css_inline::inline(document).unwrap_or_else(|_| document.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANN: Recipient<'static> = Recipient {
        full_name: "<b>Ann & Co</b>",
        email: "ann@example.org",
        unsubscribe_url: "https://mail.example.org/u/abc",
    };

    #[test]
    fn a_text_message_is_one_text_part_with_its_values_as_they_are() {
        let prepared = Prepared::new(
            "Hi {{full_name}}",
            "Dear {{full_name}} <{{email}}>",
            MessageFormat::Text,
        );
        let mail = prepared.fill(&ANN);
        assert_eq!(mail.subject, "Hi <b>Ann & Co</b>");
        assert_eq!(mail.text, "Dear <b>Ann & Co</b> <ann@example.org>");
        assert_eq!(mail.html, None);
    }

    #[test]
    fn markdown_becomes_html_with_values_escaped_and_text_with_them_as_they_are() {
        let prepared = Prepared::new(
            "News",
            "# Hello {{full_name}}\n\nOur **sale** is on: [see it](https://shop.example/sale).",
            MessageFormat::Markdown,
        );
        let mail = prepared.fill(&ANN);
        let html = mail.html.expect("an HTML part");
        assert!(
            html.contains("Hello &lt;b&gt;Ann &amp; Co&lt;&#x2F;b&gt;"),
            "{html}"
        );
        assert!(!html.contains("<b>Ann"), "{html}");
        assert!(html.contains("<strong"), "{html}");
        assert!(
            html.contains("href=\"https://shop.example/sale\""),
            "{html}"
        );
        assert!(html.contains("style=\""), "the CSS is inlined: {html}");
        assert!(!html.contains("<style"), "{html}");
        assert!(mail.text.contains("Hello <b>Ann & Co</b>"), "{}", mail.text);
        assert!(
            mail.text.contains("https://shop.example/sale"),
            "{}",
            mail.text
        );
        assert!(!mail.text.contains("<strong"), "{}", mail.text);
    }

    #[test]
    fn raw_html_in_markdown_and_in_html_loses_scripts_and_handlers() {
        for (body, format) in [
            (
                "Hi <script>alert(1)</script><a href=\"javascript:alert(2)\" onclick=\"x()\">x</a>",
                MessageFormat::Markdown,
            ),
            (
                "<p style=\"color: red\">Hi</p><script>alert(1)</script><img src=x onerror=alert(3)>",
                MessageFormat::Html,
            ),
        ] {
            let html = Prepared::new("S", body, format)
                .fill(&ANN)
                .html
                .expect("an HTML part");
            for bad in ["<script", "alert(", "javascript:", "onclick", "onerror"] {
                assert!(!html.contains(bad), "{bad} in {html}");
            }
        }
        let html = Prepared::new("S", "<p style=\"color: red\">Hi</p>", MessageFormat::Html)
            .fill(&ANN)
            .html
            .expect("an HTML part");
        assert!(
            html.contains("color: red"),
            "presentational styles stay: {html}"
        );
    }

    #[test]
    fn the_unsubscribe_link_goes_in_a_footer_unless_the_body_has_its_own() {
        let footer = Prepared::new("S", "Hello", MessageFormat::Markdown).fill(&ANN);
        let html = footer.html.expect("an HTML part");
        assert!(
            html.contains("href=\"https://mail.example.org/u/abc\""),
            "{html}"
        );
        assert!(
            footer.text.contains("https://mail.example.org/u/abc"),
            "{}",
            footer.text
        );

        let own = Prepared::new(
            "S",
            "Hello. [Leave this list]({{unsubscribe_url}})",
            MessageFormat::Markdown,
        )
        .fill(&ANN);
        let html = own.html.expect("an HTML part");
        assert!(html.contains("Leave this list"), "{html}");
        assert!(!html.contains(">Unsubscribe<"), "no second link: {html}");
        assert!(
            own.text.contains("https://mail.example.org/u/abc"),
            "{}",
            own.text
        );
    }

    #[test]
    fn a_value_in_an_address_is_percent_encoded_and_never_a_scheme_or_css() {
        let evil = Recipient {
            full_name: "javascript:alert(1) & co",
            ..ANN
        };
        let body = "<a href=\"{{full_name}}\">x</a> <a href=\"https://shop.example/?n={{full_name}}\">y</a> \
                    <img src=\"https://img.example/{{email}}.png\"> <p style=\"color: {{full_name}}\">z</p> \
                    <a href=\"mailto:{{email}}\">me</a>";
        let html = Prepared::new("S", body, MessageFormat::Html)
            .fill(&evil)
            .html
            .expect("an HTML part");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("href=\"javascript%3Aalert%281%29%20%26%20co\""),
            "{html}"
        );
        assert!(html.contains("?n=javascript%3Aalert"), "{html}");
        assert!(
            html.contains("img.example/ann%40example%2Eorg.png"),
            "{html}"
        );
        assert!(html.contains("mailto:ann%40example%2Eorg"), "{html}");
        assert!(
            !html.contains("color: javascript"),
            "no CSS from values: {html}"
        );
        let markdown = Prepared::new("S", "[x]({{full_name}})", MessageFormat::Markdown)
            .fill(&evil)
            .html
            .expect("an HTML part");
        assert!(!markdown.contains("javascript:"), "{markdown}");
    }

    #[test]
    fn a_placeholder_the_sanitiser_drops_still_gets_the_footer_link() {
        // Not an autolink in CommonMark (no scheme): raw HTML, which the sanitiser removes.
        let mail =
            Prepared::new("S", "Leave: <{{unsubscribe_url}}>", MessageFormat::Markdown).fill(&ANN);
        let html = mail.html.expect("an HTML part");
        assert!(html.contains(">Unsubscribe</a>"), "{html}");
        assert!(
            mail.text.contains("https://mail.example.org/u/abc"),
            "{}",
            mail.text
        );
    }

    #[test]
    fn long_links_in_the_text_part_stay_whole() {
        let body = "[Your preferences](https://shop.example.com/preferences?utm_source=newsletter&utm_medium=email&email={{email}})";
        let text = Prepared::new("S", body, MessageFormat::Markdown)
            .fill(&ANN)
            .text;
        assert!(
            text.lines().any(|l| l.contains(
                "https://shop.example.com/preferences?utm_source=newsletter&utm_medium=email&email=ann%40example%2Eorg"
            )),
            "{text}"
        );
    }

    #[test]
    fn a_value_that_looks_like_a_marker_is_put_in_as_it_is() {
        let sneaky = Recipient {
            full_name: "mailroomplaceholderemail",
            ..ANN
        };
        let mail = Prepared::new(
            "{{full_name}}",
            "{{full_name}} {{email}}",
            MessageFormat::Text,
        )
        .fill(&sneaky);
        assert_eq!(mail.subject, "mailroomplaceholderemail");
        assert_eq!(mail.text, "mailroomplaceholderemail ann@example.org");
    }
}
