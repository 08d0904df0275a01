//! The catalogue itself: each message's name, its stable code, its English and its Russian,
//! grouped by what they are about.

use super::Lang;

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
    TagBlank: "required", "a tag must not be blank", "метка не может быть пустой";
    TagTooLong: "too_long", "a tag may have at most {0} characters",
        "метка может содержать не больше {0} символов";
    TagNul: "invalid_character", "a tag must not contain a NUL character",
        "метка не может содержать символ NUL";
    TagControl: "not_one_line", "a tag must be plain text on one line, without control characters",
        "метка должна быть обычным текстом в одну строку, без управляющих символов";
    TagComma: "invalid_tag", "a tag may not contain a comma: '{0}'",
        "в метке не может быть запятой: «{0}»";
    TooManyTags: "too_many", "a client may have at most {0} tags (repeats in the list count)",
        "у клиента может быть не больше {0} меток (повторы в списке считаются)";
    BulkTooManyTags: "too_many",
        "{0} of these clients would carry more than {1} tags; nothing was changed",
        "у {0} из этих клиентов было бы больше {1} меток; ничего не изменено";
    TooManyTagsAtOnce: "too_many", "name at most {0} tags at once (every item counts, repeats too)",
        "укажите не больше {0} меток за раз (считается каждый элемент, и повторы тоже)";
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
    UnknownValue: "invalid_value", "'{0}' is not one of {1}", "«{0}» — недопустимое значение; допустимы: {1}";
    FormatUnknown: "invalid_value", "'{0}' is not a format; use text, markdown or html",
        "«{0}» — не формат; используйте text, markdown или html";
    TargetInvalid: "invalid_target", "'{0}' is not a target: write user:<id> or mailing:<id>",
        "«{0}» — неверный объект: укажите user:<id> или mailing:<id>";
    ActorInvalid: "out_of_range", "must be an account id, 1 or more",
        "должен быть id аккаунта: 1 или больше";
    ToBeforeFrom: "ends_before_start", "must be after from", "должно быть позже from";
    IdsTooMany: "too_many", "list at most {0} ids; select more with tags",
        "перечислите не больше {0} id; больше — выбирайте метками";
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
        "в сегменте укажите метки, которые включить или исключить; чтобы охватить всех, выберите all";
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
        "удалите клиентов или измените их метки, но не то и другое сразу";
    NothingToChange: "required", "name tags to add or remove, or set delete to true",
        "укажите метки, которые добавить или убрать, или задайте delete: true";
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
    // What an answer is about, named in other messages.
    ThingClient: "thing", "client {0}", "клиент {0}";
    ThingMessage: "thing", "message {0}", "сообщение {0}";
    ThingMailing: "thing", "mailing {0}", "рассылка {0}";
    ThingWebhook: "thing", "webhook {0}", "вебхук {0}";
    ThingSuppression: "thing", "suppression {0}", "запись {0} списка исключений";
    ThingUser: "thing", "user {0}", "пользователь {0}";
    ThingRun: "thing", "run {0} of mailing {1}", "запуск {0} рассылки {1}";
    ThingDelivery: "thing", "delivery {0}", "доставка {0}";
    ThingApiToken: "thing", "API token {0}", "API-токен {0}";
    ThingTag: "thing", "tag '{0}'", "метка «{0}»";
    // Rows that are not there or not the caller's.
    NoSuch: "not_found", "no {0}", "не найдено: {0}";
    ReadOnly: "read_only", "{0} belongs to someone else: managers see it but cannot change it",
        "{0} принадлежит другому пользователю: менеджеры видят чужие данные, но не могут их изменять";
    AccountGone: "account_gone", "the account no longer exists", "этого аккаунта больше нет";
    UnsubscribeInvalid: "not_found", "this unsubscribe link is not valid",
        "эта ссылка для отписки недействительна";
    // What managers may do.
    NotAManager: "not_a_manager", "only managers may do this", "это могут делать только менеджеры";
    BlockThemself: "block_self", "managers cannot block themselves",
        "менеджер не может заблокировать самого себя";
    BlockManager: "block_manager", "managers cannot block other managers",
        "менеджер не может заблокировать другого менеджера";
    // Sending and runs.
    MailingEnded: "mailing_ended", "the mailing ended; extend its end time to send it again",
        "рассылка закончилась; чтобы отправить её снова, перенесите время окончания на более позднее";
    MailingDisabled: "mailing_disabled", "the mailing was disabled by a manager",
        "рассылка отключена менеджером";
    OwnerBlocked: "owner_blocked", "the mailing's owner is blocked", "владелец рассылки заблокирован";
    RunBusy: "run_in_progress", "run {0} of this mailing is still sending; wait for it to finish",
        "запуск {0} этой рассылки ещё отправляет письма; дождитесь его окончания";
    RunOver: "run_finished", "run {0} is over: nothing is left to pause, resume or cancel",
        "запуск {0} завершён: приостанавливать, возобновлять или отменять нечего";
    RunPausedAlready: "run_paused", "run {0} is paused already", "запуск {0} уже приостановлен";
    RunNotPaused: "run_not_paused", "run {0} is not paused", "запуск {0} не приостановлен";
    MailingCompleted: "mailing_completed",
        "the mailing is completed: only its name and its end time can change, the end only to a later time",
        "рассылка завершена: можно изменить только её название и время окончания, причём окончание — только на более позднее";
    AudienceAll: "audience", "all clients", "все клиенты";
    AudienceSegment: "audience", "a segment", "сегмент";
    AudienceClients: "audience", "chosen clients", "выбранные клиенты";
    AudienceNotChosen: "audience_not_clients",
        "the mailing's audience is {0}, not chosen clients: change its audience to add or remove clients",
        "аудитория рассылки — {0}, а не выбранные клиенты: чтобы добавлять или убирать клиентов, измените аудиторию";
    CopyOfDisabled: "mailing_disabled",
        "mailing {0} is disabled by a manager: a copy of it would send what they stopped",
        "рассылка {0} отключена менеджером: её копия отправила бы то, что он остановил";
    MailNotTaken: "mail_not_sent", "the mail server did not take the mail: {0}",
        "почтовый сервер не принял письмо: {0}";
    // Clients, tags, messages and suppressions in use or taken.
    ClientExists: "duplicate", "you already have a client with the address {0}",
        "у вас уже есть клиент с адресом {0}";
    SuppressedAlready: "duplicate", "{0} is on your suppression list already",
        "{0} уже есть в вашем списке исключений";
    TagInUse: "tag_in_use", "the tag '{0}' is in the audience of mailing {1}; change their audience first",
        "метка «{0}» входит в аудиторию рассылок {1}; сначала измените их аудиторию";
    TagsWouldMerge: "tag_conflict",
        "mailing {0} names both '{1}' and '{2}' in its segment: as one tag, its audience would change; change it first",
        "в сегменте рассылок {0} есть и «{1}», и «{2}»: если они станут одной меткой, аудитория изменится; сначала измените её";
    MessageInUse: "message_in_use",
        "message {0} is used by mailing(s) {1}; delete those or give them another message first",
        "сообщение {0} используется в рассылках {1}; сначала удалите их или назначьте им другое сообщение";
    // Webhook endpoints.
    HostUnresolved: "unresolved_host", "its host {0} could not be looked up",
        "не удалось найти адрес хоста {0}";
    HostPrivate: "private_address", "its host {0} leads to an address inside a private network",
        "хост {0} указывает на адрес внутри частной сети";
    EndpointDisabledResend: "endpoint_disabled", "the endpoint is disabled: enable it first, then resend",
        "вебхук выключен: сначала включите его, потом отправьте снова";
    EndpointDisabledTest: "endpoint_disabled", "the endpoint is disabled: enable it to test it",
        "вебхук выключен: включите его, чтобы проверить";
    DeliveryUnderWay: "try_in_progress", "a try of this delivery is under way; look again in a moment",
        "попытка этой доставки уже идёт; посмотрите снова чуть позже";
    // Importing clients.
    ImportNotCsv: "unsupported_media_type",
        "send the file as the body with Content-Type: text/csv, or as the `file` part of multipart/form-data",
        "отправьте файл телом запроса с Content-Type: text/csv или частью `file` формы multipart/form-data";
    FormUnreadable: "invalid_form", "the form could not be read: {0}", "не удалось прочитать форму: {0}";
    FormNoFile: "missing_file", "the form has no `file` part: send the CSV as the part named file",
        "в форме нет части `file`: отправьте CSV в части с именем file";
    CsvEmpty: "empty_file",
        "the file is empty; its first line must be the header email,full_name,comment,tags",
        "файл пуст; его первой строкой должен быть заголовок email,full_name,comment,tags";
    CsvHeader: "invalid_header",
        "the header must name the column email and may name full_name, comment and tags (found: {0})",
        "в заголовке должен быть столбец email, а также могут быть full_name, comment и tags (найдено: {0})";
    CsvUnreadable: "invalid_csv", "the file is not readable CSV: {0}", "файл не читается как CSV: {0}";
    RowUnreadable: "invalid_csv", "unreadable CSV: {0}", "строка не читается как CSV: {0}";
    RowFieldCount: "field_count", "expected {0} fields, found {1}", "ожидалось полей: {0}, найдено: {1}";
    RowNotUtf8: "invalid_encoding", "the row is not valid UTF-8", "строка не в кодировке UTF-8";
    RowRepeated: "duplicate", "{0} already appears on line {1}", "{0} уже есть в строке {1}";
    RowTooManyTags: "too_many", "tags: {0} would carry more than {1} tags",
        "tags: у {0} было бы больше {1} меток";
    // Requests the server cannot read.
    BodyTooLargeHere: "payload_too_large", "the body is larger than this route accepts",
        "тело запроса больше, чем принимает этот адрес";
    BodyNotJson: "unsupported_media_type",
        "the body must be JSON, sent with Content-Type: application/json",
        "тело запроса должно быть JSON с Content-Type: application/json";
    BodyHasBytes: "payload_too_large", "the body has {0} bytes; at most {1} are accepted",
        "в теле запроса {0} байт, а принимается не больше {1}";
    BodyOverLimit: "payload_too_large", "the body is larger than the {0} bytes accepted",
        "тело запроса больше допустимых {0} байт";
    BodyOverRouteLimit: "payload_too_large", "the body is over {0} bytes, the most this route takes",
        "тело запроса больше {0} байт — больше, чем принимает этот адрес";
    BodyShape: "invalid_shape", "the JSON body does not have the expected shape: {0}",
        "у тела JSON неожиданная структура: {0}";
    BodyNotObject: "invalid_shape", "the JSON body does not have the expected shape: it must be an object",
        "у тела JSON неожиданная структура: оно должно быть объектом";
    BodyNotValidJson: "invalid_json", "the body is not valid JSON: {0}", "тело запроса — некорректный JSON: {0}";
    BodyUnreadable: "unreadable_body", "the body could not be read: {0}",
        "не удалось прочитать тело запроса: {0}";
    QueryInvalid: "invalid_query", "invalid query string: {0}", "неверная строка запроса: {0}";
    NoRoute: "no_route", "no route for {0} {1}", "нет маршрута {0} {1}";
    MethodRefused: "method_not_allowed", "{0} is not allowed on {1}", "метод {0} не разрешён для {1}";
    NothingAt: "not_found", "nothing at {0}", "по адресу {0} ничего нет";
    RequestFailed: "failed", "the request failed: {0}", "запрос не выполнен: {0}";
    NothingAtBecause: "not_found", "nothing at {0}: {1}", "по адресу {0} ничего нет: {1}";
    SpaNotBuilt: "not_built",
        "the web app is not built; run `cargo xtask run` (or `cargo xtask spa`) to build it. The API answers under /api/v1, its documentation is at /docs.",
        "веб-приложение не собрано; соберите его командой `cargo xtask run` (или `cargo xtask spa`). API отвечает по адресам /api/v1, документация — на /docs.";
    KeyInvalid: "invalid_idempotency_key",
        "Idempotency-Key: {0} (it takes 1 to 255 printable ASCII characters)",
        "Idempotency-Key: {0} (допустимо от 1 до 255 печатных символов ASCII)";
    KeyReused: "idempotency_key_reused",
        "this Idempotency-Key was used with another request (method, path or body); use a new key",
        "этот Idempotency-Key уже использован с другим запросом (метод, путь или тело); возьмите новый ключ";
    KeyRunning: "idempotency_key_running",
        "a request with this Idempotency-Key is still running; retry once it has answered",
        "запрос с этим Idempotency-Key ещё выполняется; повторите, когда он ответит";
    // Signing in.
    AuthMissing: "unauthenticated", "sign in first: this needs an Authorization: Bearer header",
        "сначала войдите: нужен заголовок Authorization: Bearer";
    AuthUnreadable: "unauthenticated", "the Authorization header is not readable text",
        "заголовок Authorization не читается как текст";
    AuthNotBearer: "unauthenticated", "the Authorization header must be `Bearer <token>`",
        "заголовок Authorization должен иметь вид `Bearer <токен>`";
    AccessExpired: "token_expired", "the access token has expired; renew it at POST /api/v1/auth/refresh",
        "срок действия токена доступа истёк; обновите его через POST /api/v1/auth/refresh";
    AccessInvalid: "token_invalid", "the access token is not valid", "токен доступа недействителен";
    ApiTokenInvalid: "token_invalid", "the API token is not valid (revoked or mistyped)",
        "API-токен недействителен (отозван или набран с ошибкой)";
    ApiTokenExpired: "token_expired", "the API token has expired", "срок действия API-токена истёк";
    RefreshMissing: "refresh_token_missing", "no refresh token: send it in the body or the cookie",
        "нет токена обновления: передайте его в теле запроса или в cookie";
    RefreshInvalid: "refresh_token_invalid", "the refresh token is not valid; sign in again",
        "токен обновления недействителен; войдите снова";
    RefreshEnded: "session_ended", "this session has ended; sign in again", "этот сеанс завершён; войдите снова";
    RefreshExpired: "refresh_token_expired", "the refresh token has expired; sign in again",
        "срок действия токена обновления истёк; войдите снова";
    // Answers that are not errors.
    PasswordChanged: "password_changed",
        "Your password is changed and every session has ended. Sign in with the new password.",
        "Пароль изменён, все сеансы завершены. Войдите с новым паролем.";
    AddressConfirmed: "confirmed", "Your address is confirmed. You can sign in now.",
        "Адрес подтверждён. Теперь можно войти.";
    ConfirmationSent: "accepted", "Check your inbox: a link to confirm the address is on its way.",
        "Проверьте почту: ссылка для подтверждения адреса уже в пути.";
    ConfirmationResent: "accepted",
        "If this address has an account waiting for confirmation, a new link is on its way.",
        "Если с этим адресом есть аккаунт, ожидающий подтверждения, новая ссылка уже в пути.";
    ResetSent: "accepted",
        "If this address has an account, a link to choose a new password is on its way.",
        "Если с этим адресом есть аккаунт, ссылка для выбора нового пароля уже в пути.";
    // Problem documents.
    FieldInvalid: "validation", "{0}: {1}", "{0}: {1}";
    Both: "several", "{0}; {1}", "{0}; {1}";
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
