//! The rules the server checks on request fields, stated in the OpenAPI document's schemas, so
//! that a client generated from the document refuses what the server refuses and sends nothing
//! the server would refuse for its form alone. The rules are the domain's (`validation`, `tag`,
//! `password`, `email`); each pattern below says in JSON Schema what one of its checks takes.
//!
//! Rules that join two fields (`ends_at` after `starts_at`, a segment naming at least one tag)
//! cannot be a field's schema; the operations' descriptions and 422 answers state them.

use mailroom_domain::password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use mailroom_domain::selection::MAX_FILTER_IDS;
use mailroom_domain::tag::{MAX_TAG_CHARS, MAX_TAGS_PER_CLIENT};
use mailroom_domain::{account, audience, client, mailing, message, webhook};
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaFormat};
use utoipa::openapi::{Object, ObjectBuilder, OpenApi, RefOr, Type};

/// What a field takes.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// `validation::required_text`: some character that is not white space, no NUL, at most
    /// this many characters.
    Text(usize),
    /// `validation::optional_text`: no NUL, at most this many characters.
    OptionalText(usize),
    /// `validation::required_line`: as `Text`, and no control character but line breaks and
    /// tabs (which fold into spaces).
    Line(usize),
    /// `validation::optional_line`.
    OptionalLine(usize),
    /// `tag::TagName`: a line of at most 50 characters without a comma.
    Tag,
    /// A list of tags: at most this many.
    Tags(usize),
    /// `email::EmailAddress`: at most 254 characters, ASCII, with a dotted domain.
    Email,
    /// `password::Password`: 10 to 128 characters.
    Password,
    /// A list of ids, at least `min` and at most `max` of them.
    Ids { min: usize, max: usize },
    /// `webhook::EndpointUrl`: an http(s) URL of at most 2,000 characters.
    Url,
}

/// The schemas of a message's subject and body, both templates.
const MESSAGE_SCHEMAS: [&str; 3] = ["MessageRequest", "MessagePatch", "MessagePreviewRequest"];

/// Each request schema's fields with their rule: `(schema, field, rule)`. A schema that is a
/// `oneOf` (an audience) has the rule on each variant that has the field.
fn rules() -> Vec<(&'static str, &'static str, Rule)> {
    use Rule::*;
    let tags = Tags(MAX_TAGS_PER_CLIENT);
    let mut rules = vec![
        ("RegisterRequest", "email", Email),
        ("EmailRequest", "email", Email),
        ("RegisterRequest", "password", Password),
        (
            "RegisterRequest",
            "full_name",
            Line(account::MAX_NAME_CHARS),
        ),
        ("PasswordResetConfirm", "new_password", Password),
        ("ChangePasswordRequest", "new_password", Password),
        (
            "UpdateMeRequest",
            "full_name",
            Line(account::MAX_NAME_CHARS),
        ),
        (
            "NewApiTokenRequest",
            "name",
            Line(account::MAX_TOKEN_NAME_CHARS),
        ),
        ("BulkClientsRequest", "add_tags", tags),
        ("BulkClientsRequest", "remove_tags", tags),
        ("ClientFilter", "tags_any", tags),
        ("ClientFilter", "tags_all", tags),
        ("ClientFilter", "exclude_tags", tags),
        (
            "ClientFilter",
            "ids",
            Ids {
                min: 0,
                max: MAX_FILTER_IDS,
            },
        ),
        (
            "MailingClients",
            "client_ids",
            Ids {
                min: 1,
                max: MAX_FILTER_IDS,
            },
        ),
        ("Audience", "tags_any", tags),
        ("Audience", "tags_all", tags),
        ("Audience", "exclude_tags", tags),
        (
            "Audience",
            "client_ids",
            Ids {
                min: 1,
                max: audience::MAX_CLIENTS,
            },
        ),
        ("TagRename", "name", Tag),
        ("NewSuppression", "email", Email),
        (
            "NewSuppression",
            "detail",
            OptionalText(crate::bounces::DETAIL_CHARS),
        ),
    ];
    for schema in ["ClientRequest", "ClientPatch"] {
        rules.extend([
            (schema, "email", Email),
            (
                schema,
                "full_name",
                OptionalLine(client::MAX_FULL_NAME_CHARS),
            ),
            (schema, "comment", OptionalText(client::MAX_COMMENT_CHARS)),
            (schema, "tags", tags),
        ]);
    }
    for schema in ["MailingRequest", "MailingPatch"] {
        rules.extend([
            (schema, "name", Line(mailing::MAX_NAME_CHARS)),
            // Blank: the owner's name.
            (
                schema,
                "from_name",
                OptionalLine(mailing::MAX_FROM_NAME_CHARS),
            ),
            (
                schema,
                "client_ids",
                Ids {
                    min: 1,
                    max: audience::MAX_CLIENTS,
                },
            ),
        ]);
    }
    for schema in MESSAGE_SCHEMAS {
        rules.extend([
            (schema, "subject", Line(message::MAX_SUBJECT_CHARS)),
            (schema, "body", Text(message::MAX_BODY_CHARS)),
        ]);
    }
    for schema in ["NewWebhook", "WebhookPatch"] {
        rules.extend([
            (schema, "url", Url),
            (
                schema,
                "description",
                OptionalLine(webhook::MAX_DESCRIPTION_CHARS),
            ),
        ]);
    }
    rules
}

/// Every character `str::trim` removes: Unicode's White_Space, as a regex class body. (Not `\s`:
/// ECMAScript's and Python's differ from it and from each other.)
const WHITE_SPACE: &str = r"\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// The control characters a line refuses: all but tab, line feed, carriage return and NEL,
/// which fold into spaces.
const LINE_CONTROLS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F";

fn text_pattern(rule: Rule) -> Option<String> {
    let pattern = match rule {
        Rule::Text(_) => format!(r"^[^\u0000]*[^\u0000{WHITE_SPACE}][^\u0000]*$"),
        Rule::OptionalText(_) => r"^[^\u0000]*$".to_owned(),
        Rule::Line(_) => format!(
            r"^[^{LINE_CONTROLS}]*[^\u0000-\u001F\u007F-\u009F{WHITE_SPACE}][^{LINE_CONTROLS}]*$"
        ),
        Rule::OptionalLine(_) => format!(r"^[^{LINE_CONTROLS}]*$"),
        Rule::Tag => format!(
            r"^[^,{LINE_CONTROLS}]*[^,\u0000-\u001F\u007F-\u009F{WHITE_SPACE}][^,{LINE_CONTROLS}]*$"
        ),
        // A dot-atom, and a domain of host-name labels with a top-level one; the server trims
        // white space around it.
        Rule::Email => {
            let atom = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
            let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
            format!(r"^[{WHITE_SPACE}]*{atom}(\.{atom})*@{label}(\.{label})+[{WHITE_SPACE}]*$")
        }
        Rule::Url => r"^[Hh][Tt][Tt][Pp][Ss]?://".to_owned(),
        Rule::Password | Rule::Tags(_) | Rule::Ids { .. } => return None,
    };
    Some(pattern)
}

/// A query parameter listing tags comma-separated (`tags_any=vip,fair 2026`): at most 50 of
/// them, each a tag or blank (skipped); `meaning` says what it selects.
pub fn tag_list_query(meaning: &str) -> Object {
    let item = format!("[^,{LINE_CONTROLS}]{{0,{MAX_TAG_CHARS}}}");
    let more = MAX_TAGS_PER_CLIENT - 1;
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(meaning))
        .pattern(Some(format!("^{item}(,{item}){{0,{more}}}$")))
        .build()
}

/// A query parameter listing ids comma-separated (`ids=12,15`): at most
/// [`MAX_FILTER_IDS`] items, each an id or blank (skipped); `meaning` says what it selects.
pub fn id_list_query(meaning: &str) -> Object {
    let item = " *(-?[0-9]{1,18})? *";
    let more = MAX_FILTER_IDS - 1;
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(meaning))
        .pattern(Some(format!("^{item}(,{item}){{0,{more}}}$")))
        .build()
}

/// The document with every field's rule in its schema.
pub fn with_constraints(mut api: OpenApi) -> OpenApi {
    let Some(components) = api.components.as_mut() else {
        return api;
    };
    for (name, field, rule) in rules() {
        let schema = components
            .schemas
            .get_mut(name)
            .unwrap_or_else(|| panic!("constraints name schema {name}, which is not there"));
        let mut found = false;
        for_each_object(schema, &mut |object| {
            if let Some(property) = object.properties.get_mut(field) {
                constrain(property, rule);
                found = true;
            }
        });
        assert!(found, "constraints name {name}.{field}, which is not there");
    }
    for name in MESSAGE_SCHEMAS {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) else {
            panic!("constraints name schema {name}, which is not an object");
        };
        for field in ["subject", "body"] {
            let Some(RefOr::T(Schema::Object(text))) = object.properties.get_mut(field) else {
                panic!("constraints name {name}.{field}, which is not a text");
            };
            let said = text.description.take().unwrap_or_default();
            text.description = Some(format!("{said}\n\n{PLACEHOLDER_RULE}").trim().to_owned());
        }
    }
    api
}

/// What `template::placeholders` refuses, which no pattern can say in a way every generator
/// reads.
const PLACEHOLDER_RULE: &str = "Placeholders are `{{full_name}}`, `{{email}}` and \
                                `{{unsubscribe_url}}` (spaces inside the braces allowed); any \
                                other name between `{{` and `}}`, or a `{{` never closed, is \
                                refused (422).";

/// `schema` itself when it is an object, or each object it is one of.
fn for_each_object(
    schema: &mut RefOr<Schema>,
    f: &mut impl FnMut(&mut utoipa::openapi::schema::Object),
) {
    match schema {
        RefOr::T(Schema::Object(object)) => f(object),
        RefOr::T(Schema::OneOf(one_of)) => {
            for item in &mut one_of.items {
                for_each_object(item, f);
            }
        }
        _ => {}
    }
}

fn constrain(property: &mut RefOr<Schema>, rule: Rule) {
    match (property, rule) {
        (RefOr::T(Schema::Array(array)), Rule::Tags(max)) => {
            array.max_items = Some(max);
            if let ArrayItems::RefOrSchema(item) = &mut array.items {
                constrain(item, Rule::Tag);
            }
        }
        (RefOr::T(Schema::Array(array)), Rule::Ids { min, max }) => {
            array.min_items = (min > 0).then_some(min);
            array.max_items = Some(max);
        }
        (RefOr::T(Schema::Object(text)), rule) => {
            let (min, max) = match rule {
                Rule::Text(max) | Rule::Line(max) => (1, max),
                Rule::OptionalText(max) | Rule::OptionalLine(max) => (0, max),
                Rule::Tag => (1, MAX_TAG_CHARS),
                Rule::Email => (1, mailroom_domain::email::MAX_LEN),
                Rule::Password => (MIN_PASSWORD_CHARS, MAX_PASSWORD_CHARS),
                Rule::Url => (1, webhook::MAX_URL_LEN),
                Rule::Tags(_) | Rule::Ids { .. } => {
                    panic!("constraints: a list rule on a field that is not a list")
                }
            };
            text.min_length = (min > 0).then_some(min);
            text.max_length = Some(max);
            text.pattern = text_pattern(rule);
            match rule {
                Rule::Email => {
                    // Not `format: email`: the server trims the address, and the format's
                    // validators refuse one sent with white space around it.
                    text.format = None;
                    // What the pattern cannot count.
                    let said = text.description.take().unwrap_or_default();
                    text.description = Some(
                        format!("{said}\n\nAt most 64 characters before the `@`.")
                            .trim()
                            .to_owned(),
                    );
                }
                Rule::Password => text.format = Some(SchemaFormat::Custom("password".into())),
                Rule::Url => text.format = Some(SchemaFormat::Custom("uri".into())),
                _ => {}
            }
        }
        (_, rule) => panic!("constraints: {rule:?} on a field of another type"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(rule: Rule, text: &str) -> bool {
        let pattern = text_pattern(rule).expect("a pattern");
        // The document's patterns are ECMAScript's; `regex` reads these the same way once its
        // `\uXXXX` escapes are written `\x{XXXX}`.
        let pattern = pattern.replace(r"\u", r"\x").replace(r"\x", r"\x{");
        let pattern = close_escapes(&pattern);
        regex::Regex::new(&pattern).expect("a regex").is_match(text)
    }

    /// `\x{0085` → `\x{0085}`: four hex digits follow each escape.
    fn close_escapes(pattern: &str) -> String {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(at) = rest.find(r"\x{") {
            out.push_str(&rest[..at + 3]);
            out.push_str(&rest[at + 3..at + 7]);
            out.push('}');
            rest = &rest[at + 7..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn each_text_pattern_takes_what_the_domain_takes() {
        use mailroom_domain::validation::{
            optional_line, optional_text, required_line, required_text,
        };
        let samples = [
            "Hello",
            "  padded  ",
            "",
            " ",
            "\u{3000}",
            "two\nlines",
            "\n",
            "tab\there",
            "bell\u{7}",
            "nul\0",
            "a,b",
            "\u{85}",
            "x\u{9f}",
            "Привет",
        ];
        for sample in samples {
            assert_eq!(
                matches(Rule::Text(100), sample),
                required_text(sample, 100).is_ok(),
                "text {sample:?}"
            );
            assert_eq!(
                matches(Rule::OptionalText(100), sample),
                optional_text(sample, 100).is_ok(),
                "optional text {sample:?}"
            );
            assert_eq!(
                matches(Rule::Line(100), sample),
                required_line(sample, 100).is_ok(),
                "line {sample:?}"
            );
            assert_eq!(
                matches(Rule::OptionalLine(100), sample),
                optional_line(sample, 100).is_ok(),
                "optional line {sample:?}"
            );
            assert_eq!(
                matches(Rule::Tag, sample),
                mailroom_domain::tag::TagName::parse(sample).is_ok(),
                "tag {sample:?}"
            );
        }
    }

    #[test]
    fn the_address_pattern_takes_what_the_domain_takes() {
        use mailroom_domain::EmailAddress;
        let samples = [
            "ann@example.org",
            " ann@example.org\u{3000}",
            "o'neil+news@mail-1.example.org",
            "!#$%&'*/=?^_`{|}~-@example.com",
            "a.b@x.io",
            "a..b@x.io",
            ".a@x.io",
            "a.@x.io",
            "ann@localhost",
            "ann@b_c.example.org",
            "ann@-b.example.org",
            "ann@b-.example.org",
            "ann@[192.0.2.1]",
            "\"ann lee\"@example.org",
            "ann@example..org",
            "ann@example.org.",
            "Ann <ann@example.org>",
            "ann lee@example.org",
            "ünal@example.org",
            "ann@@example.org",
        ];
        for sample in samples {
            assert_eq!(
                matches(Rule::Email, sample),
                EmailAddress::parse(sample).is_ok(),
                "{sample:?}"
            );
        }
        let label = "a".repeat(63);
        let long_label = format!("ann@{label}a.example.org");
        assert!(!matches(Rule::Email, &long_label));
        assert!(EmailAddress::parse(&long_label).is_err());
        assert!(matches(Rule::Email, &format!("ann@{label}.org")));
    }

    #[test]
    fn every_rule_names_a_field_of_the_document() {
        // Panics, naming it, when a schema or a field is not there.
        let doc = crate::http::openapi::document();
        let pattern = |schema: &str, field: &str| {
            let json = serde_json::to_value(&doc).expect("JSON");
            json["components"]["schemas"][schema]["properties"][field]["pattern"].clone()
        };
        assert!(pattern("MessageRequest", "subject").is_string());
    }
}
