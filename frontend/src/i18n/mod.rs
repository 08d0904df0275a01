//! Every text the app shows, in English and Russian, through one place. The chosen language is
//! remembered in this browser (localStorage); the first visit follows the browser's language.

use leptos::prelude::*;

mod phrases;
mod texts;

pub use phrases::*;
pub use texts::{Text, tr};

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
    let lang = initial();
    // Set now, not only by the effect (which runs after the first render): the first requests
    // (the session's renewal) already name the page's language to the server.
    mark_page(lang);
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    provide_context(i18n);
    Effect::new(move |_| mark_page(i18n.lang.get()));
    i18n
}

fn mark_page(lang: Lang) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
