//! Every text the app shows, in English and Russian, through one place. The chosen language is
//! remembered in this browser (localStorage); the first visit follows the browser's language.

use leptos::prelude::*;
use mailroom_domain::delivery::RunTrigger;
use mailroom_domain::template::TemplateError;
use mailroom_domain::{Role, Schedule, UserState};

const STORAGE_KEY: &str = "mailroom.lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        let code = code.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| code.starts_with(l.code()))
    }
}

/// A text of the app; `tr` gives it in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    SkipToContent,
    Home,
    ApiDocs,
    Language,
    Tagline,
    AcrossMailroom,
    Counting,
    Mailings,
    RunningNow,
    UniqueRecipients,
    FiguresUnavailable,
    Server,
    CheckingServer,
    ApiDocumentedAt,
    Ready,
    NotReady,
    Unreachable,
    Database,
    Redis,
    Up,
    Down,
    NotConfigured,
    PageNotFound,
    NothingAt,
    BackHome,
    Unsubscribe,
    UnsubscribeQuestion,
    Unsubscribing,
    UnsubscribeDone,
    UnsubscribeDoneRest,
    SignIn,
    SigningIn,
    SignOut,
    Email,
    Password,
    Dashboard,
    MyFigures,
    Clients,
    MessagesSent,
    AttemptsSucceeded,
    AttemptsFailed,
    CreateAccount,
    FullName,
    PasswordRule,
    ConfirmAddress,
    Confirming,
    Confirmed,
    ForgotPassword,
    SendResetLink,
    ChooseNewPassword,
    NewPassword,
    SetPassword,
    ResendConfirmation,
    ConfirmBlock,
    ConfirmDisable,
    CannotReachServer,
    UnexpectedAnswer,
    MainNav,
    AddClientsFirst,
    ClearChoice,
    Actions,
    Added,
    AllClients,
    AllMailings,
    AllOutcomes,
    ApiTokens,
    ApiTokensHint,
    Attempts,
    AttemptsPerDay,
    Block,
    Body,
    Cancel,
    ChangePassword,
    Changed,
    ChooseAllShown,
    ChooseMessage,
    ClientDeleted,
    ClientSaved,
    Comment,
    Copied,
    Copy,
    CreateToken,
    CsvFormat,
    CurrentPassword,
    Delete,
    DeleteClientQuestion,
    DeleteMailingQuestion,
    DeleteMessageQuestion,
    Disable,
    Disabled,
    Edit,
    EditClient,
    EditMailing,
    EditMessage,
    Enable,
    EndTime,
    Ends,
    EnterTime,
    Expires,
    ExpiresOptional,
    ExportCsv,
    Failed,
    Finished,
    FirstSend,
    ImportCsv,
    ImportExport,
    Importing,
    LastUsed,
    Line,
    Loading,
    Message,
    MessageSaved,
    Messages,
    MyAccount,
    Never,
    NewClient,
    NewMailing,
    NewMessage,
    Next,
    NextSend,
    NoAttemptsYet,
    NoClientsYet,
    NoMailingsYet,
    NoMessagesYet,
    NoRunsYet,
    NoTokensYet,
    NothingFound,
    Outcome,
    Owner,
    Pages,
    PasswordChanged,
    Pending,
    PlaceholdersHint,
    Prefix,
    Preview,
    PreviewFor,
    Previous,
    Profile,
    Progress,
    Reason,
    Remove,
    Revoke,
    RevokeQuestion,
    Role,
    Runs,
    Save,
    Saved,
    Saving,
    Schedule,
    SearchAddress,
    SearchClients,
    SearchMailings,
    SearchMessages,
    SearchUsers,
    SendNow,
    Sending,
    SendingNow,
    ServerReply,
    SessionBlocked,
    SessionExpired,
    Started,
    Starts,
    State,
    Status,
    StatusCompleted,
    StatusCreated,
    StatusRunning,
    Subject,
    Succeeded,
    TimesAreLocal,
    TokenName,
    TokenShownOnce,
    Trigger,
    Unblock,
    Unsubscribed,
    Users,
    When,
    ScheduleOnce,
    ScheduleDaily,
    ScheduleWeekly,
    ScheduleMonthly,
    TriggerManual,
    TriggerSchedule,
    RoleUser,
    RoleManager,
    StateUnconfirmed,
    StateActive,
    StateBlocked,
}

/// `text` in `lang`.
pub fn tr(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    let (en, ru) = match text {
        SkipToContent => ("Skip to content", "Перейти к содержимому"),
        Home => ("Home", "Главная"),
        ApiDocs => ("API docs", "Документация API"),
        Language => ("Language", "Язык"),
        Tagline => (
            "Keep your recipients and messages, schedule mailings, send them on demand or on \
             time, and see every delivery attempt with the mail server's own answer.",
            "Храните получателей и сообщения, планируйте рассылки, отправляйте их сразу или по \
             расписанию и смотрите каждую попытку доставки с ответом почтового сервера.",
        ),
        AcrossMailroom => ("Across Mailroom", "Во всём Mailroom"),
        Counting => ("Counting…", "Считаем…"),
        Mailings => ("Mailings", "Рассылки"),
        RunningNow => ("Running now", "Запущены сейчас"),
        UniqueRecipients => ("Unique recipients", "Уникальные получатели"),
        FiguresUnavailable => ("The figures are unavailable", "Цифры недоступны"),
        Server => ("Server", "Сервер"),
        CheckingServer => ("Checking the server…", "Проверяем сервер…"),
        ApiDocumentedAt => (
            "Integrating? The REST API is documented at ",
            "Интеграция? REST API описан на странице ",
        ),
        Ready => ("Ready", "Готов"),
        NotReady => ("Not ready", "Не готов"),
        Unreachable => ("Unreachable", "Недоступен"),
        Database => ("Database", "База данных"),
        Redis => ("Redis", "Redis"),
        Up => ("up", "работает"),
        Down => ("down", "не работает"),
        NotConfigured => (
            "not configured (in-process cache)",
            "не настроен (кэш в процессе)",
        ),
        PageNotFound => ("Page not found", "Страница не найдена"),
        NothingAt => ("There is nothing at ", "Здесь ничего нет: "),
        BackHome => ("Back to the home page", "На главную"),
        Unsubscribe => ("Unsubscribe", "Отписаться"),
        UnsubscribeQuestion => (
            "Stop receiving mailings from this sender at this address?",
            "Больше не получать рассылки этого отправителя на этот адрес?",
        ),
        Unsubscribing => ("Unsubscribing…", "Отписываем…"),
        UnsubscribeDone => ("Done: ", "Готово: "),
        UnsubscribeDoneRest => (
            " will get no more mailings from this sender.",
            " больше не будет получать рассылки этого отправителя.",
        ),
        SignIn => ("Sign in", "Войти"),
        SigningIn => ("Signing in…", "Входим…"),
        SignOut => ("Sign out", "Выйти"),
        Email => ("Email", "Эл. почта"),
        Password => ("Password", "Пароль"),
        Dashboard => ("Dashboard", "Обзор"),
        MyFigures => ("My figures", "Мои цифры"),
        Clients => ("Clients", "Клиенты"),
        MessagesSent => ("Messages sent", "Отправлено сообщений"),
        AttemptsSucceeded => ("Successful attempts", "Успешные попытки"),
        AttemptsFailed => ("Failed attempts", "Неудачные попытки"),
        CreateAccount => ("Create an account", "Создать аккаунт"),
        FullName => ("Full name", "Имя и фамилия"),
        PasswordRule => ("10 to 128 characters", "От 10 до 128 символов"),
        ConfirmAddress => ("Confirm your address", "Подтверждение адреса"),
        Confirming => ("Confirming…", "Подтверждаем…"),
        Confirmed => (
            "Your address is confirmed. You can sign in now.",
            "Адрес подтверждён. Теперь можно войти.",
        ),
        ForgotPassword => ("Forgot your password?", "Забыли пароль?"),
        SendResetLink => ("Send me a link", "Прислать ссылку"),
        ChooseNewPassword => ("Choose a new password", "Новый пароль"),
        NewPassword => ("New password", "Новый пароль"),
        SetPassword => ("Set the password", "Сохранить пароль"),
        ResendConfirmation => (
            "Mail me a new confirmation link",
            "Прислать новую ссылку для подтверждения",
        ),
        ConfirmBlock => (
            "Block this account? It is signed out at once and its mailings stop sending.",
            "Заблокировать аккаунт? Он сразу выйдет из системы, а его рассылки перестанут отправляться.",
        ),
        ConfirmDisable => (
            "Disable this mailing? It will not send until it is enabled again.",
            "Отключить рассылку? Она не будет отправляться, пока её снова не включат.",
        ),
        CannotReachServer => ("Cannot reach the server", "Нет связи с сервером"),
        UnexpectedAnswer => (
            "Unexpected answer from the server",
            "Непонятный ответ сервера",
        ),
        MainNav => ("Main", "Основное меню"),
        AddClientsFirst => ("No clients yet:", "Клиентов пока нет:"),
        ClearChoice => ("Clear", "Очистить"),
        Actions => ("Actions", "Действия"),
        Added => ("Added", "Добавлен"),
        AllClients => ("All clients", "Все клиенты"),
        AllMailings => ("All mailings", "Все рассылки"),
        AllOutcomes => ("All outcomes", "Все исходы"),
        ApiTokens => ("API tokens", "API-токены"),
        ApiTokensHint => (
            "Integrations call the REST API with a bearer token. A token acts as you; revoke it when it is no longer needed.",
            "Интеграции вызывают REST API с bearer-токеном. Токен действует от вашего имени; отзовите его, когда он больше не нужен.",
        ),
        Attempts => ("Attempts", "Попытки"),
        AttemptsPerDay => ("Attempts per day", "Попытки по дням"),
        Block => ("Block", "Заблокировать"),
        Body => ("Body", "Текст"),
        Cancel => ("Cancel", "Отмена"),
        ChangePassword => ("Change the password", "Сменить пароль"),
        Changed => ("Changed", "Изменено"),
        ChooseAllShown => ("Choose all shown", "Выбрать всех показанных"),
        ChooseMessage => ("Choose a message", "Выберите сообщение"),
        ClientDeleted => ("The client is deleted.", "Клиент удалён."),
        ClientSaved => ("The client is saved.", "Клиент сохранён."),
        Comment => ("Comment", "Комментарий"),
        Copied => ("Copied", "Скопировано"),
        Copy => ("Copy", "Копировать"),
        CreateToken => ("Create a token", "Создать токен"),
        CsvFormat => (
            "CSV with the header email,full_name,comment; an address already in your list is updated.",
            "CSV с заголовком email,full_name,comment; адрес, который уже есть в списке, обновляется.",
        ),
        CurrentPassword => ("Current password", "Текущий пароль"),
        Delete => ("Delete", "Удалить"),
        DeleteClientQuestion => ("Delete the client", "Удалить клиента"),
        DeleteMailingQuestion => (
            "Delete this mailing and its history?",
            "Удалить эту рассылку и её историю?",
        ),
        DeleteMessageQuestion => ("Delete this message?", "Удалить это сообщение?"),
        Disable => ("Disable", "Отключить"),
        Disabled => ("Disabled", "Отключена"),
        Edit => ("Edit", "Изменить"),
        EditClient => ("Edit the client", "Изменить клиента"),
        EditMailing => ("Edit the mailing", "Изменить рассылку"),
        EditMessage => ("Edit the message", "Изменить сообщение"),
        Enable => ("Enable", "Включить"),
        EndTime => ("End time", "Время окончания"),
        Ends => ("Ends", "Окончание"),
        EnterTime => ("Enter a date and time", "Укажите дату и время"),
        Expires => ("Expires", "Истекает"),
        ExpiresOptional => ("Expires (optional)", "Истекает (необязательно)"),
        ExportCsv => ("Export CSV", "Экспорт CSV"),
        Failed => ("Failed", "Неудачно"),
        Finished => ("Finished", "Завершён"),
        FirstSend => ("First send", "Первая отправка"),
        ImportCsv => ("Import CSV", "Импорт CSV"),
        ImportExport => ("Import and export", "Импорт и экспорт"),
        Importing => ("Importing…", "Импортируем…"),
        LastUsed => ("Last used", "Последнее использование"),
        Line => ("Line", "Строка"),
        Loading => ("Loading…", "Загрузка…"),
        Message => ("Message", "Сообщение"),
        MessageSaved => ("The message is saved.", "Сообщение сохранено."),
        Messages => ("Messages", "Сообщения"),
        MyAccount => ("My account", "Мой аккаунт"),
        Never => ("Never", "Никогда"),
        NewClient => ("New client", "Новый клиент"),
        NewMailing => ("New mailing", "Новая рассылка"),
        NewMessage => ("New message", "Новое сообщение"),
        Next => ("Next", "Дальше"),
        NextSend => ("Next send", "Следующая отправка"),
        NoAttemptsYet => ("No attempts yet.", "Попыток пока нет."),
        NoClientsYet => (
            "No clients yet: add one, or import a CSV file.",
            "Клиентов пока нет: добавьте клиента или импортируйте CSV-файл.",
        ),
        NoMailingsYet => ("No mailings yet.", "Рассылок пока нет."),
        NoMessagesYet => ("No messages yet.", "Сообщений пока нет."),
        NoRunsYet => ("Not sent yet.", "Ещё не отправлялась."),
        NoTokensYet => ("No tokens yet.", "Токенов пока нет."),
        NothingFound => (
            "Nothing matches the search.",
            "По запросу ничего не найдено.",
        ),
        Outcome => ("Outcome", "Исход"),
        Owner => ("Owner", "Владелец"),
        Pages => ("Pages", "Страницы"),
        PasswordChanged => (
            "The password is changed; your other sessions have ended.",
            "Пароль изменён; другие ваши сеансы завершены.",
        ),
        Pending => ("Pending", "В очереди"),
        PlaceholdersHint => (
            "Placeholders: {{full_name}}, {{email}}, {{unsubscribe_url}} — filled in for each client.",
            "Подстановки: {{full_name}}, {{email}}, {{unsubscribe_url}} — заполняются для каждого клиента.",
        ),
        Prefix => ("Begins with", "Начало"),
        Preview => ("Preview", "Предпросмотр"),
        PreviewFor => ("As received by", "Как увидит"),
        Previous => ("Previous", "Назад"),
        Profile => ("Profile", "Профиль"),
        Progress => ("Progress", "Ход отправки"),
        Reason => ("Reason", "Причина"),
        Remove => ("Remove", "Убрать"),
        Revoke => ("Revoke", "Отозвать"),
        RevokeQuestion => ("Revoke the token", "Отозвать токен"),
        Role => ("Role", "Роль"),
        Runs => ("Runs", "Запуски"),
        Save => ("Save", "Сохранить"),
        Saved => ("Saved.", "Сохранено."),
        Saving => ("Saving…", "Сохраняем…"),
        Schedule => ("Schedule", "Расписание"),
        SearchAddress => ("Search by address", "Поиск по адресу"),
        SearchClients => ("Search clients", "Поиск клиентов"),
        SearchMailings => ("Search by subject", "Поиск по теме"),
        SearchMessages => ("Search messages", "Поиск сообщений"),
        SearchUsers => ("Search accounts", "Поиск аккаунтов"),
        SendNow => ("Send now", "Отправить сейчас"),
        Sending => ("Sending", "Отправка"),
        SendingNow => ("Sending…", "Отправляем…"),
        ServerReply => ("Server reply", "Ответ сервера"),
        SessionBlocked => (
            "Your account is blocked by a manager: you were signed out.",
            "Ваш аккаунт заблокирован менеджером: вы вышли из системы.",
        ),
        SessionExpired => (
            "Your session has ended; sign in again to go on.",
            "Сеанс завершён; войдите снова, чтобы продолжить.",
        ),
        Started => ("Started", "Начат"),
        Starts => ("Starts", "Начало"),
        State => ("State", "Состояние"),
        Status => ("Status", "Статус"),
        StatusCompleted => ("Completed", "Завершена"),
        StatusCreated => ("Created", "Создана"),
        StatusRunning => ("Running", "Запущена"),
        Subject => ("Subject", "Тема"),
        Succeeded => ("Succeeded", "Успешно"),
        TimesAreLocal => (
            "Times are in your time zone.",
            "Время указано в вашем часовом поясе.",
        ),
        TokenName => ("Name", "Название"),
        TokenShownOnce => (
            "Copy the token now: it is shown only this once.",
            "Скопируйте токен сейчас: он показывается только один раз.",
        ),
        Trigger => ("Started by", "Запуск"),
        Unblock => ("Unblock", "Разблокировать"),
        Unsubscribed => ("unsubscribed", "отписан"),
        Users => ("Users", "Пользователи"),
        When => ("When", "Когда"),
        ScheduleOnce => ("Once", "Однократно"),
        ScheduleDaily => ("Daily", "Ежедневно"),
        ScheduleWeekly => ("Weekly", "Еженедельно"),
        ScheduleMonthly => ("Monthly", "Ежемесячно"),
        TriggerManual => ("By hand", "Вручную"),
        TriggerSchedule => ("Schedule", "По расписанию"),
        RoleUser => ("User", "Пользователь"),
        RoleManager => ("Manager", "Менеджер"),
        StateUnconfirmed => ("Unconfirmed", "Не подтверждён"),
        StateActive => ("Active", "Активен"),
        StateBlocked => ("Blocked", "Заблокирован"),
    };
    match lang {
        Lang::En => en,
        Lang::Ru => ru,
    }
}

pub fn schedule_text(schedule: Schedule) -> Text {
    match schedule {
        Schedule::Once => Text::ScheduleOnce,
        Schedule::Daily => Text::ScheduleDaily,
        Schedule::Weekly => Text::ScheduleWeekly,
        Schedule::Monthly => Text::ScheduleMonthly,
    }
}

pub fn run_trigger_text(trigger: RunTrigger) -> Text {
    match trigger {
        RunTrigger::Manual => Text::TriggerManual,
        RunTrigger::Schedule => Text::TriggerSchedule,
    }
}

pub fn role_text(role: Role) -> Text {
    match role {
        Role::User => Text::RoleUser,
        Role::Manager => Text::RoleManager,
    }
}

pub fn state_text(state: UserState) -> Text {
    match state {
        UserState::Unconfirmed => Text::StateUnconfirmed,
        UserState::Active => Text::StateActive,
        UserState::Blocked => Text::StateBlocked,
    }
}

/// "21–40 of 57" under a table.
pub fn range_line(lang: Lang, from: u64, to: u64, total: u64) -> String {
    match (lang, total) {
        (_, 0) => String::new(),
        (Lang::En, _) => format!("{from}–{to} of {total}"),
        (Lang::Ru, _) => format!("{from}–{to} из {total}"),
    }
}

/// What a CSV import did.
pub fn import_summary(lang: Lang, created: u64, updated: u64, rejected: u64) -> String {
    match lang {
        Lang::En => format!("Created {created}, updated {updated}, rejected {rejected}."),
        Lang::Ru => format!("Создано: {created}, обновлено: {updated}, отклонено: {rejected}."),
    }
}

/// What is wrong with a message's placeholders, as the preview says it.
pub fn template_problem(lang: Lang, problem: &TemplateError) -> String {
    match (lang, problem) {
        (Lang::En, TemplateError::Unknown(name)) => format!(
            "Unknown placeholder {{{{{name}}}}}: the known ones are {{{{full_name}}}}, {{{{email}}}} and {{{{unsubscribe_url}}}}"
        ),
        (Lang::Ru, TemplateError::Unknown(name)) => format!(
            "Неизвестная подстановка {{{{{name}}}}}: доступны {{{{full_name}}}}, {{{{email}}}} и {{{{unsubscribe_url}}}}"
        ),
        (Lang::En, TemplateError::Unclosed) => {
            "A placeholder is opened with {{ but never closed with }}".to_owned()
        }
        (Lang::Ru, TemplateError::Unclosed) => {
            "Подстановка открыта {{, но не закрыта }}".to_owned()
        }
    }
}

/// How many clients a mailing goes to.
pub fn chosen_line(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("{count} chosen"),
        Lang::Ru => format!("Выбрано: {count}"),
    }
}

/// After the named chosen clients: how many more are chosen (not on the pages seen).
pub fn more_line(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("and {count} more"),
        Lang::Ru => format!("и ещё {count}"),
    }
}

/// The question before Send now: to how many, and what becomes of the schedule (`next`: the
/// pending scheduled send, in the reader's time). A one-time mailing sent by hand is not sent
/// again at its start time; a repeating one keeps its next send.
pub fn send_question(lang: Lang, clients: u64, schedule: Schedule, next: Option<&str>) -> String {
    let repeating = schedule != Schedule::Once;
    match lang {
        Lang::En => {
            let ask = format!(
                "Send this mailing now to its {clients} client(s)? Clients who unsubscribed are left out."
            );
            match (repeating, next) {
                (false, Some(next)) => {
                    format!("{ask} It sends once: its scheduled send on {next} will not happen.")
                }
                (true, Some(next)) => {
                    format!("{ask} Its schedule goes on: the next send is on {next}.")
                }
                (_, None) => ask,
            }
        }
        Lang::Ru => {
            let ask = format!(
                "Отправить эту рассылку сейчас её клиентам ({clients})? Отписавшиеся клиенты не получат её."
            );
            match (repeating, next) {
                (false, Some(next)) => format!(
                    "{ask} Она отправляется один раз: запланированной отправки {next} не будет."
                ),
                (true, Some(next)) => {
                    format!("{ask} Расписание сохранится: следующая отправка {next}.")
                }
                (_, None) => ask,
            }
        }
    }
}

/// A run's progress under its bar.
pub fn progress_line(lang: Lang, percent: u64, sent: u64, failed: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("{percent}% — {sent} sent, {failed} failed of {total}"),
        Lang::Ru => format!("{percent}% — отправлено {sent}, не удалось {failed} из {total}"),
    }
}

/// What the daily chart shows, for screen readers.
pub fn chart_summary(lang: Lang, from: &str, to: &str, succeeded: u64, failed: u64) -> String {
    match lang {
        Lang::En => {
            format!("Attempts per day from {from} to {to}: {succeeded} succeeded, {failed} failed")
        }
        Lang::Ru => {
            format!("Попытки по дням с {from} по {to}: успешно {succeeded}, неудачно {failed}")
        }
    }
}

/// "Server ready (version 1.2.3)", and its variants, in `lang`.
pub fn server_line(lang: Lang, ready: Option<bool>, version: &str) -> String {
    match (lang, ready) {
        (Lang::En, Some(true)) => format!("Server ready (version {version})"),
        (Lang::En, Some(false)) => format!("Server ready without its cache (version {version})"),
        (Lang::En, None) => "Server not ready".into(),
        (Lang::Ru, Some(true)) => format!("Сервер готов (версия {version})"),
        (Lang::Ru, Some(false)) => format!("Сервер готов, но без кэша (версия {version})"),
        (Lang::Ru, None) => "Сервер не готов".into(),
    }
}

/// The app's language, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// A text in the current language (reactive: read it inside a closure in views).
    pub fn t(&self, text: Text) -> &'static str {
        tr(self.lang.get(), text)
    }

    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(STORAGE_KEY, lang.code());
        }
    }
}

/// The remembered language, else the browser's, else English.
fn initial() -> Lang {
    let remembered = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|code| Lang::from_code(&code));
    remembered
        .or_else(|| {
            window()
                .navigator()
                .language()
                .and_then(|l| Lang::from_code(&l))
        })
        .unwrap_or(Lang::En)
}

/// Makes the language available to every component and keeps `<html lang>` in step.
pub fn provide() -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(initial()),
    };
    provide_context(i18n);
    Effect::new(move |_| {
        let code = i18n.lang.get().code();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
    });
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
