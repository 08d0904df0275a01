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

catalogue! {
    // Text a person types.
    Blank: "required", "must not be blank", "не может быть пустым";
    TooLong: "too_long", "may have at most {0} characters", "может содержать не больше {0} символов";
    Nul: "invalid_character", "must not contain a NUL character", "не может содержать символ NUL";
    Control: "not_one_line", "must be plain text on one line, without control characters",
        "должно быть обычным текстом в одну строку, без управляющих символов";
    // Email addresses.
    EmailRequired: "required", "an email address is required", "нужен адрес электронной почты";
    EmailTooLong: "too_long", "an email address may have at most {0} characters",
        "адрес электронной почты может содержать не больше {0} символов";
    EmailInvalid: "invalid_email", "'{0}' is not a valid email address",
        "«{0}» — недопустимый адрес электронной почты";
    EmailNotAscii: "invalid_email",
        "'{0}' has characters outside ASCII; write the domain in its ASCII (xn--) form",
        "в «{0}» есть символы вне ASCII; запишите домен в форме ASCII (xn--)";
    EmailNotMailable: "invalid_email",
        "'{0}' cannot be mailed: write the part before the @ without quotes, and the domain as a host name (letters, digits and inner hyphens), not an [address]",
        "на «{0}» нельзя отправить письмо: пишите часть до @ без кавычек, а домен — именем хоста (буквы, цифры и дефисы внутри), а не [IP-адресом]";
    // Passwords.
    PasswordTooShort: "too_short", "a password needs at least {0} characters",
        "пароль должен содержать не меньше {0} символов";
    PasswordTooLong: "too_long", "a password may have at most {0} characters",
        "пароль может содержать не больше {0} символов";
    NotCurrentPassword: "wrong_password", "is not your current password",
        "не совпадает с вашим текущим паролем";
    // Tags.
    TagBlank: "required", "a tag must not be blank", "тег не может быть пустым";
    TagTooLong: "too_long", "a tag may have at most {0} characters",
        "тег может содержать не больше {0} символов";
    TagNul: "invalid_character", "a tag must not contain a NUL character",
        "тег не может содержать символ NUL";
    TagControl: "not_one_line", "a tag must be plain text on one line, without control characters",
        "тег должен быть обычным текстом в одну строку, без управляющих символов";
    TagComma: "invalid_tag", "a tag may not contain a comma: '{0}'",
        "в теге не может быть запятой: «{0}»";
    TooManyTags: "too_many", "a client may have at most {0} tags (repeats in the list count)",
        "у клиента может быть не больше {0} тегов (повторы в списке считаются)";
    BulkTooManyTags: "too_many",
        "{0} of these clients would carry more than {1} tags; nothing was changed",
        "у {0} из этих клиентов было бы больше {1} тегов; ничего не изменено";
    TooManyTagsAtOnce: "too_many", "name at most {0} tags at once (every item counts, repeats too)",
        "укажите не больше {0} тегов за раз (считается каждый элемент, и повторы тоже)";
    // Lists and queries.
    SortInvalid: "invalid_sort",
        "sort must be one of {0}, each optionally preceded by - for descending order",
        "sort должен быть одним из: {0}; знак - перед полем сортирует по убыванию";
    PageOutOfRange: "out_of_range", "page must be between 1 and {0}", "page должен быть от 1 до {0}";
    PerPageOutOfRange: "out_of_range", "per_page must be between 1 and {0}",
        "per_page должен быть от 1 до {0}";
    RangeReversed: "ends_before_start", "`from` must not be after `to`",
        "`from` не может быть позже `to`";
    RangeTooLong: "too_long", "a series covers at most {0} days", "период может охватывать не больше {0} дней";
    UnknownValue: "invalid_value", "'{0}' is not a valid {1}", "«{0}» — недопустимое значение {1}";
    FormatUnknown: "invalid_value", "'{0}' is not a format; use text, markdown or html",
        "«{0}» — не формат; используйте text, markdown или html";
    TargetInvalid: "invalid_target", "'{0}' is not a target: write user:<id> or mailing:<id>",
        "«{0}» — неверный объект: укажите user:<id> или mailing:<id>";
    ActorInvalid: "out_of_range", "must be an account id, 1 or more",
        "должен быть id аккаунта: 1 или больше";
    ToBeforeFrom: "ends_before_start", "must be after from", "должно быть позже from";
    IdsTooMany: "too_many", "list at most {0} ids; select more with tags",
        "перечислите не больше {0} id; больше — выбирайте тегами";
    IdsNotNumbers: "invalid_value", "list client ids as numbers separated by commas",
        "перечислите id клиентов числами через запятую";
    // Messages.
    PlaceholderUnknown: "unknown_placeholder",
        "unknown placeholder {{{0}}}; the known ones are {{full_name}}, {{email}} and {{unsubscribe_url}}",
        "неизвестная подстановка {{{0}}}; известны {{full_name}}, {{email}} и {{unsubscribe_url}}";
    PlaceholderUnclosed: "unclosed_placeholder",
        "a placeholder is opened with {{ but never closed with }}",
        "подстановка открыта {{, но не закрыта }}";
    NotYourMessage: "not_found", "message {0} is not one of your messages",
        "сообщение {0} — не ваше";
    // Mailings and audiences.
    EndsBeforeStart: "ends_before_start", "must be after starts_at", "должно быть позже starts_at";
    EndPassed: "in_the_past", "is already past: a mailing must end in the future",
        "уже прошло: рассылка должна закончиться в будущем";
    ClientsTwice: "contradictory", "send the clients once: in the audience or beside it",
        "передайте клиентов один раз: в audience или рядом с ним";
    ClientsOnlyInClientsAudience: "invalid_value", "only an audience of kind clients lists clients",
        "клиентов перечисляет только audience вида clients";
    AudienceRequired: "required", "say who receives the mailing: all, a segment, or client_ids",
        "укажите, кто получит рассылку: all, сегмент или client_ids";
    SegmentEmpty: "required",
        "a segment names tags to include or exclude; to reach everyone, choose all",
        "в сегменте укажите теги, которые включить или исключить; чтобы охватить всех, выберите all";
    MailingTooManyClients: "too_many", "a mailing may name at most {0} clients",
        "в рассылке можно указать не больше {0} клиентов";
    MailingWouldHave: "too_many", "a mailing may have at most {0} clients; it would have {1}",
        "у рассылки может быть не больше {0} клиентов, а стало бы {1}";
    MailingNeedsClient: "required", "a mailing needs at least one client",
        "рассылке нужен хотя бы один клиент";
    NameAClient: "required", "name at least one client", "укажите хотя бы одного клиента";
    ClientsTooManyAtOnce: "too_many", "name at most {0} clients at once",
        "укажите не больше {0} клиентов за раз";
    PreviewTooManyClients: "too_many", "preview at most {0} chosen clients",
        "для предпросмотра выберите не больше {0} клиентов";
    NotYourClients: "not_found", "not your clients: {0}", "не ваши клиенты: {0}";
    NotYourClientsAndMore: "not_found", "not your clients: {0} and {1} more",
        "не ваши клиенты: {0} и ещё {1}";
    DeleteOrTag: "contradictory", "delete the clients or change their tags, not both at once",
        "удалите клиентов или измените их теги, но не то и другое сразу";
    NothingToChange: "required", "name tags to add or remove, or set delete to true",
        "укажите теги, которые добавить или убрать, или задайте delete: true";
    AddedAndRemoved: "contradictory", "'{0}' is both added and removed",
        "«{0}» и добавляется, и убирается";
    // Webhooks.
    UrlNotHttp: "invalid_url", "must be an absolute http or https address",
        "должен быть полным адресом http или https";
    UrlNotHttps: "invalid_url", "must be https in production", "в рабочем режиме должен быть https";
    UrlNoHost: "invalid_url", "must name a host", "должен содержать имя хоста";
    UrlCredentials: "invalid_url", "must not hold a user name or password (they would be logged)",
        "не должен содержать имя пользователя или пароль (они попали бы в журнал)";
    UrlFragment: "invalid_url", "must not hold a fragment", "не должен содержать фрагмент (#…)";
    UrlTooLong: "too_long", "must be at most {0} characters", "может содержать не больше {0} символов";
    UrlNotCallable: "unreachable_url", "cannot be called: {0}", "по этому адресу не удаётся обратиться: {0}";
    NoEvents: "required", "must name at least one event type", "укажите хотя бы один тип события";
    UnknownEvents: "invalid_value", "unknown event type(s): {0}; known: {1}",
        "неизвестные типы событий: {0}; известны: {1}";
    // API tokens.
    NotInFuture: "not_in_future", "must be in the future", "должно быть в будущем";
    // Idempotency keys.
    KeyEmpty: "required", "the key is empty", "ключ пуст";
    KeyTooLong: "too_long", "the key is longer than {0} characters", "ключ длиннее {0} символов";
    KeyNotPrintable: "invalid_character", "the key holds a character other than printable ASCII",
        "ключ может содержать только печатные символы ASCII";
    // Problem documents.
    FieldInvalid: "validation", "{0}: {1}", "{0}: {1}";
    FieldsInvalid: "validation", "{0} fields are invalid", "неверных полей: {0}";
    WrongCredentials: "invalid-credentials", "the email address or the password is wrong",
        "неверный адрес электронной почты или пароль";
    Unconfirmed: "account-unconfirmed",
        "this account's email address is not confirmed yet: follow the link in the confirmation mail, or ask for a new one",
        "адрес электронной почты этого аккаунта ещё не подтверждён: перейдите по ссылке из письма с подтверждением или запросите новую";
    Blocked: "account-blocked", "this account is blocked by a manager; it cannot sign in or use the API",
        "этот аккаунт заблокирован менеджером: с ним нельзя ни войти, ни пользоваться API";
    SessionEnded: "session-ended", "the session has ended because the password changed; sign in again",
        "сеанс завершён, потому что пароль изменился; войдите снова";
    SessionRequired: "session-required",
        "API tokens act on the account's data; managing API tokens, the password and the profile needs a signed-in session: sign in and use its access token",
        "API-токены работают с данными аккаунта; для управления токенами, паролем и профилем нужен вход: войдите и используйте полученный токен доступа";
    LinkConfirmation: "link", "confirmation", "подтверждения";
    LinkPasswordReset: "link", "password reset", "сброса пароля";
    LinkUnknown: "token-unknown", "this {0} link is not valid; check that it was copied whole",
        "эта ссылка {0} недействительна; проверьте, что она скопирована целиком";
    LinkUsed: "token-used", "this {0} link was already used", "эта ссылка {0} уже использована";
    LinkExpired: "token-expired", "this {0} link has expired; ask for a new one",
        "срок действия этой ссылки {0} истёк; запросите новую";
    RefreshReused: "refresh-token-reused",
        "this refresh token was already used, so it may have been stolen: every session started from the same sign-in has been ended; sign in again",
        "этот токен обновления уже использовался — возможно, его украли: все сеансы, начатые с этого входа, завершены; войдите снова";
    RefreshSuperseded: "refresh-token-superseded",
        "this refresh token was renewed a moment ago (by another tab or window, or a repeated request): use the newer one",
        "этот токен обновления только что заменён новым (в другой вкладке или окне либо повторным запросом): используйте новый";
    TooManyAttempts: "too-many-requests", "too many attempts; try again in {0} seconds",
        "слишком много попыток; повторите через {0} с";
    TooManyOfThese: "too-many-requests", "too many of these; try again in {0} seconds",
        "слишком много таких запросов; повторите через {0} с";
    InternalError: "internal",
        "an unexpected error occurred; the X-Request-Id header identifies it in the server's log",
        "произошла непредвиденная ошибка; по заголовку X-Request-Id её можно найти в журнале сервера";
    TitleBadRequest: "bad-request", "The request is malformed", "Запрос составлен неверно";
    TitleUnauthorized: "unauthorized", "Authentication is required", "Нужна аутентификация";
    TitleForbidden: "forbidden", "This action is not allowed", "Это действие запрещено";
    TitleNotFound: "not-found", "Not found", "Не найдено";
    TitleMethodNotAllowed: "method-not-allowed", "Method not allowed", "Метод не разрешён";
    TitleNotAcceptable: "not-acceptable", "Not acceptable", "Неприемлемый формат ответа";
    TitleConflict: "conflict", "The request conflicts with the current state",
        "Запрос противоречит текущему состоянию";
    TitlePayloadTooLarge: "payload-too-large", "The request body is too large",
        "Тело запроса слишком велико";
    TitleUnsupportedMediaType: "unsupported-media-type", "Unsupported content type",
        "Неподдерживаемый тип содержимого";
    TitleValidation: "validation", "The request has invalid fields", "В запросе есть неверные поля";
    TitleTooManyRequests: "too-many-requests", "Too many requests", "Слишком много запросов";
    TitleInternal: "internal", "Internal server error", "Внутренняя ошибка сервера";
    TitleUnavailable: "unavailable", "Service unavailable", "Сервис недоступен";
    TitleOther: "other", "Request failed", "Запрос не выполнен";
}

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
