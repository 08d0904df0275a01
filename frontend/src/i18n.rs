//! Every text the app shows, in English and Russian, through one place. The chosen language is
//! remembered in this browser (localStorage); the first visit follows the browser's language.

use leptos::prelude::*;

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
    };
    match lang {
        Lang::En => en,
        Lang::Ru => ru,
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
