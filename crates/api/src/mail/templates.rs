//! The mails Mailroom itself sends about accounts.

use html_escape::{encode_double_quoted_attribute, encode_text};

use super::Email;

fn greeting(full_name: &str) -> String {
    if full_name.trim().is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Hello {},", full_name.trim())
    }
}

/// Plain text and HTML from the same paragraphs and one call to action.
fn compose(
    subject: &str,
    full_name: &str,
    paragraphs: &[&str],
    action: Option<(&str, &str)>,
) -> Email {
    let greeting = greeting(full_name);
    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\"><p>{}</p>",
        encode_text(&greeting)
    );
    for paragraph in paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", encode_text(paragraph)));
    }
    if let Some((label, link)) = action {
        text.push_str(&format!("{label}: {link}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p><p style=\"color:#666\">{}</p>",
            encode_double_quoted_attribute(link),
            encode_text(label),
            encode_text(link)
        ));
    }
    text.push_str("— Mailroom\n");
    html.push_str("<p>— Mailroom</p></body></html>");
    Email {
        subject: subject.to_owned(),
        text,
        html,
    }
}

pub fn confirm_address(full_name: &str, link: &str) -> Email {
    compose(
        "Confirm your address for Mailroom",
        full_name,
        &[
            "Thank you for signing up. Please confirm that this address is yours; the link works \
             once, for 24 hours.",
            "If you did not sign up, ignore this mail: nothing happens without the confirmation.",
        ],
        Some(("Confirm your address", link)),
    )
}

pub fn already_registered(full_name: &str, login_link: &str, reset_link: &str) -> Email {
    compose(
        "You already have a Mailroom account",
        full_name,
        &[
            "Someone, probably you, tried to sign up with this address, which already has an \
             account. You can sign in as usual.",
            &format!("Forgot the password? Choose a new one at {reset_link}"),
            "If it was not you, ignore this mail: your account is unchanged.",
        ],
        Some(("Sign in", login_link)),
    )
}

pub fn password_reset(full_name: &str, link: &str) -> Email {
    compose(
        "Reset your Mailroom password",
        full_name,
        &[
            "Someone asked to reset the password of this account. The link works once, for one \
             hour; choosing a new password signs out every session and revokes the account's API \
             tokens.",
            "If it was not you, ignore this mail: the password stays as it is.",
        ],
        Some(("Choose a new password", link)),
    )
}

/// Mailroom stopped calling one of the owner's webhook endpoints.
pub fn webhook_disabled(full_name: &str, url: &str, reason: &str, link: &str) -> Email {
    compose(
        "Mailroom disabled one of your webhook endpoints",
        full_name,
        &[
            &format!("Mailroom no longer sends events to {url}: {reason}."),
            "Events that happen while it is disabled are not kept for it. Once its receiver \
             works again, enable the endpoint on the Integrations page; the calls it missed \
             can be sent again from its delivery log.",
        ],
        Some(("Open your integrations", link)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_link_and_names_are_escaped_in_html() {
        let email = confirm_address(
            "Ann <b>Lee</b>",
            "https://m.example.org/confirm?token=a&b=c",
        );
        assert!(
            email
                .text
                .contains("https://m.example.org/confirm?token=a&b=c")
        );
        assert!(email.text.starts_with("Hello Ann <b>Lee</b>,"));
        assert!(
            email
                .html
                .contains("href=\"https://m.example.org/confirm?token=a&amp;b=c\"")
        );
        assert!(email.html.contains("Ann &lt;b&gt;Lee&lt;/b&gt;"));
    }
}
