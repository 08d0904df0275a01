//! Every message the server writes for a person, in English and Russian, beside the stable code a
//! program branches on. An error says which message it is and what fills its blanks (`Said`); the
//! language is chosen when the answer is written, from the request's `Accept-Language`.

use std::fmt;

/// The languages Mailroom speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    /// The language an `Accept-Language` header (RFC 9110 §12.5.4) prefers among ours: the
    /// highest `q` wins, the first listed among equals; English when it names neither.
    pub fn from_accept_language(header: &str) -> Self {
        // Each language's weight: as named, or else as `*` covers it; 0 refuses it.
        let (mut named, mut any): ([Option<f32>; 2], Option<f32>) = ([None, None], None);
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            if tag.is_empty() {
                continue;
            }
            let q = parts
                .find_map(|p| {
                    let (name, value) = p.split_once('=')?;
                    name.trim().eq_ignore_ascii_case("q").then(|| value.trim())
                })
                .map_or(Some(1.0), |q| q.parse::<f32>().ok())
                .filter(|q| (0.0..=1.0).contains(q));
            let Some(q) = q else {
                continue;
            };
            let slot = match tag.split('-').next().unwrap_or_default() {
                "en" => &mut named[0],
                "ru" => &mut named[1],
                "*" => &mut any,
                _ => continue,
            };
            if slot.is_none_or(|seen| q > seen) {
                *slot = Some(q);
            }
        }
        let weight = |i: usize| named[i].or(any).unwrap_or(0.0);
        let (en, ru) = (weight(0), weight(1));
        if ru > 0.0 && ru > en {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }
}

macro_rules! catalogue {
    ($($id:ident: $code:literal, $en:literal, $ru:literal;)+) => {
        /// A message of the catalogue. Its blanks are `{0}`, `{1}`…
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg {
            $($id),+
        }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$id),+];

            /// The stable code programs branch on; several messages may share one.
            pub fn code(self) -> &'static str {
                match self {
                    $(Msg::$id => $code),+
                }
            }

            pub fn template(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$id, Lang::En) => $en, (Msg::$id, Lang::Ru) => $ru,)+
                }
            }
        }
    };
}

mod messages;

pub use messages::Msg;

/// What fills a blank: text as it is, or another message in the same language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Said(Box<Said>),
}

/// A message with what fills its blanks, rendered in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub msg: Msg,
    pub args: Vec<Arg>,
}

impl Said {
    pub fn new(msg: Msg) -> Self {
        Self {
            msg,
            args: Vec::new(),
        }
    }

    /// The message with `args` in its blanks, in order.
    pub fn with<T: ToString>(msg: Msg, args: impl IntoIterator<Item = T>) -> Self {
        Self {
            msg,
            args: args.into_iter().map(|a| Arg::Text(a.to_string())).collect(),
        }
    }

    /// The message with another in its one blank ("no {0}" of "client 7").
    pub fn of(msg: Msg, inner: Said) -> Self {
        Self {
            msg,
            args: vec![Arg::Said(Box::new(inner))],
        }
    }

    pub fn code(&self) -> &'static str {
        self.msg.code()
    }

    /// The template with each `{n}` replaced by the n-th argument, in one pass: what an
    /// argument holds (text a person sent) is never read as a blank itself.
    pub fn render(&self, lang: Lang) -> String {
        let template = self.msg.template(lang);
        let mut text = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let arg = (digits > 0 && after[digits..].starts_with('}'))
                .then(|| after[..digits].parse::<usize>().ok())
                .flatten()
                .and_then(|i| self.args.get(i));
            match arg {
                Some(Arg::Text(value)) => text.push_str(value),
                Some(Arg::Said(said)) => text.push_str(&said.render(lang)),
                None => {
                    text.push('{');
                    rest = after;
                    continue;
                }
            }
            rest = &after[digits + 1..];
        }
        text.push_str(rest);
        text
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// An error a person is told about: which message of the catalogue it is.
pub trait Explain {
    fn said(&self) -> Said;
}

/// Errors whose text is their message in English (logs, the command line), and which are
/// `std::error::Error`s.
#[macro_export]
macro_rules! explained {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let said = $crate::catalogue::Explain::said(self);
                f.write_str(&said.render($crate::catalogue::Lang::En))
            }
        }

        impl ::std::error::Error for $ty {}
    )+};
}

impl Explain for Said {
    fn said(&self) -> Said {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_language_we_speak() {
        assert_eq!(Lang::from_accept_language("ru"), Lang::Ru);
        assert_eq!(
            Lang::from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"),
            Lang::Ru
        );
        assert_eq!(Lang::from_accept_language("en-GB, ru;q=0.5"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("de, ru;q=0.3, en;q=0.2"),
            Lang::Ru
        );
        assert_eq!(Lang::from_accept_language("de, fr"), Lang::En);
        assert_eq!(Lang::from_accept_language("ru;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language("ru;q=oops"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_accept_language("RU;Q=0.5, de"), Lang::Ru);
        assert_eq!(
            Lang::from_accept_language("ru;q=0.5, *"),
            Lang::En,
            "* covers en at 1"
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0, *"),
            Lang::Ru,
            "en refused"
        );
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_blanks() {
        let blanks = |text: &str| {
            (0..4)
                .filter(|i| text.contains(&format!("{{{i}}}")))
                .collect::<Vec<_>>()
        };
        for msg in Msg::ALL {
            let (en, ru) = (msg.template(Lang::En), msg.template(Lang::Ru));
            assert!(!en.is_empty() && !ru.is_empty(), "{msg:?}");
            let words = |t: &str| t.chars().any(char::is_alphabetic);
            assert!(en != ru || !words(en), "{msg:?} is translated");
            let cyrillic = ru.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
            assert!(cyrillic || !words(en), "{msg:?} is written in Russian");
            assert_eq!(blanks(en), blanks(ru), "{msg:?}");
            assert!(
                msg.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-'),
                "{msg:?}"
            );
        }
    }

    #[test]
    fn blanks_are_filled_in_the_language_asked_for_nested_ones_too() {
        let said = Said::with(Msg::TooLong, [50]);
        assert_eq!(said.render(Lang::En), "may have at most 50 characters");
        assert_eq!(
            said.render(Lang::Ru),
            "может содержать не больше 50 символов"
        );
        let placeholder = Said::with(Msg::PlaceholderUnknown, ["nmae"]);
        assert!(
            placeholder
                .render(Lang::En)
                .starts_with("unknown placeholder {{nmae}};")
        );
        let nested = Said {
            msg: Msg::FieldInvalid,
            args: vec![
                Arg::Text("password".into()),
                Arg::Said(Box::new(Said::with(Msg::PasswordTooShort, [10]))),
            ],
        };
        assert_eq!(
            nested.render(Lang::Ru),
            "password: пароль должен содержать не меньше 10 символов"
        );
        // What a person sent is never read as a blank.
        let sent = Said::with(Msg::UnknownEvents, ["{1}", "a, b"]);
        assert_eq!(
            sent.render(Lang::En),
            "unknown event type(s): {1}; known: a, b"
        );
    }
}
