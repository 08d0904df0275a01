//! Texts with figures or names in them, and the words for the domain's enums.

use mailroom_domain::delivery::RunTrigger;
use mailroom_domain::template::TemplateError;
use mailroom_domain::wire::{DailyAttempts, Run, RunOutcome};
use mailroom_domain::{Role, Schedule, UserState};

use super::{Lang, Text};

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

/// An audience's size now, and how many of it a run leaves out.
pub fn audience_size_line(lang: Lang, clients: u64, unsubscribed: u64) -> String {
    let (n, gone) = (number(lang, clients), number(lang, unsubscribed));
    match (lang, clients, unsubscribed) {
        (Lang::En, 1, 0) => "1 client now".into(),
        (Lang::En, 1, _) => "1 client now, who unsubscribed and is left out".into(),
        (Lang::En, _, 0) => format!("{n} clients now"),
        (Lang::En, _, _) => format!("{n} clients now; {gone} unsubscribed, who are left out"),
        (Lang::Ru, _, 0) => format!("Сейчас клиентов: {n}"),
        (Lang::Ru, _, _) => format!("Сейчас клиентов: {n}; отписались и не получат: {gone}"),
    }
}

/// After the named chosen clients: how many more are chosen (not on the pages seen).
pub fn more_line(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("and {count} more"),
        Lang::Ru => format!("и ещё {count}"),
    }
}

/// `n` as the language writes numbers: "1,234" or "1 234".
pub fn number(lang: Lang, n: u64) -> String {
    js_sys::Number::from(n as f64)
        .to_locale_string(lang.code())
        .as_string()
        .unwrap_or_else(|| n.to_string())
}

/// The question before Send now: to how many.
pub fn send_question(lang: Lang, clients: u64) -> String {
    let n = number(lang, clients);
    match (lang, clients) {
        (Lang::En, 1) => "Send to 1 client now?".into(),
        (Lang::En, _) => format!("Send to {n} clients now?"),
        (Lang::Ru, _) => format!("Отправить сейчас? Клиентов: {n}"),
    }
}

/// What follows from Send now (`next`: the pending scheduled send, in the reader's time). A
/// one-time mailing sent by hand is not sent again at its start time; a repeating one keeps its
/// next send.
pub fn send_consequence(lang: Lang, schedule: Schedule, next: Option<&str>) -> String {
    let repeating = schedule != Schedule::Once;
    match lang {
        Lang::En => {
            let rest = match (repeating, next) {
                (false, Some(next)) => format!(" Its scheduled send on {next} is then skipped."),
                (true, Some(next)) => format!(" Its schedule goes on: the next send is on {next}."),
                (_, None) => String::new(),
            };
            format!("It goes out at once; clients who unsubscribed are left out.{rest}")
        }
        Lang::Ru => {
            let rest = match (repeating, next) {
                (false, Some(next)) => format!(" Запланированной отправки {next} тогда не будет."),
                (true, Some(next)) => format!(" Расписание сохранится: следующая отправка {next}."),
                (_, None) => String::new(),
            };
            format!("Рассылка уйдёт сразу; отписавшиеся клиенты её не получат.{rest}")
        }
    }
}

/// "Delete bob@example.net?"
pub fn delete_client_question(lang: Lang, email: &str) -> String {
    match lang {
        Lang::En => format!("Delete {email}?"),
        Lang::Ru => format!("Удалить {email}?"),
    }
}

/// How many clients are chosen for a bulk change; `all`: every one the list matches.
pub fn selected_line(lang: Lang, count: u64, all: bool) -> String {
    let n = number(lang, count);
    match (lang, all) {
        (Lang::En, true) => format!("All {n} matching clients chosen."),
        (Lang::En, false) => format!("{n} chosen."),
        (Lang::Ru, true) => format!("Выбраны все подходящие клиенты: {n}."),
        (Lang::Ru, false) => format!("Выбрано: {n}."),
    }
}

/// The offer to choose every client the list matches, beyond the page shown.
pub fn select_all_matching_line(lang: Lang, count: u64) -> String {
    let n = number(lang, count);
    match lang {
        Lang::En => format!("Choose all {n} matching"),
        Lang::Ru => format!("Выбрать все подходящие ({n})"),
    }
}

/// The question before deleting chosen clients.
pub fn delete_clients_question(lang: Lang, count: u64) -> String {
    let n = number(lang, count);
    match (lang, count) {
        (Lang::En, 1) => "Delete 1 client?".into(),
        (Lang::En, _) => format!("Delete {n} clients?"),
        (Lang::Ru, _) => format!("Удалить клиентов: {n}?"),
    }
}

/// What a bulk change did.
pub fn bulk_changed_line(lang: Lang, count: u64) -> String {
    let n = number(lang, count);
    match (lang, count) {
        (Lang::En, 1) => "1 client changed.".into(),
        (Lang::En, _) => format!("{n} clients changed."),
        (Lang::Ru, _) => format!("Изменено клиентов: {n}."),
    }
}

/// The question before deleting a tag: which, and from how many clients it comes off.
pub fn delete_tag_question(lang: Lang, name: &str, clients: u64) -> String {
    let n = number(lang, clients);
    match (lang, clients) {
        (Lang::En, 1) => format!("Delete the tag {name} from 1 client?"),
        (Lang::En, _) => format!("Delete the tag {name} from {n} clients?"),
        (Lang::Ru, _) => format!("Удалить метку {name}? Клиентов с ней: {n}"),
    }
}

/// Under a tag's new name when another tag has it: saving merges the two.
pub fn merge_tags_hint(lang: Lang, into: &str) -> String {
    match lang {
        Lang::En => format!("You already have the tag {into}: saving merges the two into one."),
        Lang::Ru => format!("Метка {into} уже есть: при сохранении метки объединятся в одну."),
    }
}

/// "Revoke the token “CRM sync”?"
pub fn revoke_question(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("Revoke the token “{name}”?"),
        Lang::Ru => format!("Отозвать токен «{name}»?"),
    }
}

/// "Block ann@example.org?"
pub fn block_question(lang: Lang, email: &str) -> String {
    match lang {
        Lang::En => format!("Block {email}?"),
        Lang::Ru => format!("Заблокировать {email}?"),
    }
}

/// A mailing's last run in a few words: "Sending · 45%", "Last run finished".
pub fn last_run_line(lang: Lang, outcome: RunOutcome) -> String {
    match (lang, outcome) {
        (Lang::En, RunOutcome::Sending(p)) => format!("Sending · {p}%"),
        (Lang::En, RunOutcome::Paused(p)) => format!("Paused · {p}%"),
        (Lang::En, RunOutcome::Delivered) => "Last run finished".into(),
        (Lang::En, RunOutcome::SomeFailed(n)) => format!("Last run: {n} failed"),
        (Lang::En, RunOutcome::AllFailed) => "Last run: all failed".into(),
        (Lang::En, RunOutcome::Stopped) => "Last run stopped".into(),
        (Lang::En, RunOutcome::AllSuppressed) => "Last run: every address suppressed".into(),
        (Lang::Ru, RunOutcome::Sending(p)) => format!("Отправляется · {p}%"),
        (Lang::Ru, RunOutcome::Paused(p)) => format!("Приостановлено · {p}%"),
        (Lang::Ru, RunOutcome::Delivered) => "Последний запуск завершён".into(),
        (Lang::Ru, RunOutcome::SomeFailed(n)) => format!("Последний запуск: не доставлено {n}"),
        (Lang::Ru, RunOutcome::AllFailed) => "Последний запуск: всё не доставлено".into(),
        (Lang::Ru, RunOutcome::Stopped) => "Последний запуск остановлен".into(),
        (Lang::Ru, RunOutcome::AllSuppressed) => "Последний запуск: все адреса исключены".into(),
    }
}

/// "92% delivered" on a mailing's card.
pub fn delivered_line(lang: Lang, percent: u64) -> String {
    match lang {
        Lang::En => format!("{percent}% delivered"),
        Lang::Ru => format!("доставлено {percent}%"),
    }
}

/// "8% failed" on a mailing's card.
pub fn failed_line(lang: Lang, percent: u64) -> String {
    match lang {
        Lang::En => format!("{percent}% failed"),
        Lang::Ru => format!("не доставлено {percent}%"),
    }
}

/// A run's progress under its bar: "45% — 40 sent, 2 failed, 3 suppressed of 100", naming
/// the suppressed and the stopped only when there are some.
pub fn progress_line(lang: Lang, percent: u64, run: &Run) -> String {
    let n = |count: u64| number(lang, count);
    let (sent, failed, total) = (n(run.sent), n(run.failed), n(run.total));
    let mut parts = match lang {
        Lang::En => vec![format!("{sent} sent"), format!("{failed} failed")],
        Lang::Ru => vec![format!("отправлено {sent}"), format!("не удалось {failed}")],
    };
    if run.suppressed > 0 {
        let suppressed = n(run.suppressed);
        parts.push(match lang {
            Lang::En => format!("{suppressed} suppressed"),
            Lang::Ru => format!("исключено {suppressed}"),
        });
    }
    if run.cancelled > 0 {
        let stopped = n(run.cancelled);
        parts.push(match lang {
            Lang::En => format!("{stopped} not sent (stopped)"),
            Lang::Ru => format!("не отправлено (остановлено) {stopped}"),
        });
    }
    let parts = parts.join(", ");
    match lang {
        Lang::En => format!("{percent}% — {parts} of {total}"),
        Lang::Ru => format!("{percent}% — {parts} из {total}"),
    }
}

/// A day's (or a range's) figures, `[succeeded, failed, bounced, complained]`: "5 succeeded,
/// 1 failed", then "2 bounced, 1 complaint" when there were some.
pub type Figures = [u64; 4];

fn figures(lang: Lang, counts: Figures) -> String {
    let [succeeded, failed, bounced, complained] = counts.map(|n| number(lang, n));
    let mut parts = match lang {
        Lang::En => vec![format!("{succeeded} succeeded"), format!("{failed} failed")],
        Lang::Ru => vec![format!("успешно {succeeded}"), format!("неудачно {failed}")],
    };
    if counts[2] > 0 {
        parts.push(match lang {
            Lang::En => format!("{bounced} bounced"),
            Lang::Ru => format!("отказов {bounced}"),
        });
    }
    if counts[3] > 0 {
        parts.push(match (lang, counts[3]) {
            (Lang::En, 1) => "1 complaint".to_owned(),
            (Lang::En, _) => format!("{complained} complaints"),
            (Lang::Ru, _) => format!("жалоб {complained}"),
        });
    }
    parts.join(", ")
}

/// One day of the chart: "27 Nov: 5 succeeded, 1 failed, 1 bounced".
pub fn day_figures(lang: Lang, day: &str, d: &DailyAttempts) -> String {
    let counts = [d.succeeded, d.failed, d.bounced, d.complained];
    format!("{day}: {}", figures(lang, counts))
}

/// What the daily chart shows, for screen readers: the range and its totals.
pub fn chart_summary(lang: Lang, from: &str, to: &str, totals: Figures) -> String {
    let figures = figures(lang, totals);
    match lang {
        Lang::En => format!("Attempts per day from {from} to {to}: {figures}"),
        Lang::Ru => format!("Попытки по дням с {from} по {to}: {figures}"),
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

/// "Rotate the secret of https://crm.example.com/hook?"
pub fn rotate_question(lang: Lang, url: &str) -> String {
    match lang {
        Lang::En => format!("Rotate the secret of {url}?"),
        Lang::Ru => format!("Сменить секрет вебхука {url}?"),
    }
}

/// "Delete the endpoint https://crm.example.com/hook?"
pub fn delete_endpoint_question(lang: Lang, url: &str) -> String {
    match lang {
        Lang::En => format!("Delete the endpoint {url}?"),
        Lang::Ru => format!("Удалить вебхук {url}?"),
    }
}

/// What a receiver answered a call: "HTTP 204", or why there was no answer.
pub fn answer_text(lang: Lang, status: Option<i32>, error: Option<&str>) -> String {
    match (status, error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(why)) => why.to_owned(),
        (None, None) => match lang {
            Lang::En => "Not tried yet".to_owned(),
            Lang::Ru => "Ещё не отправлялась".to_owned(),
        },
    }
}

/// How a test event to `url` went.
pub fn test_outcome(lang: Lang, url: &str, status: Option<i32>, error: Option<&str>) -> String {
    let answer = answer_text(lang, status, error);
    match (lang, status) {
        (Lang::En, Some(code)) if (200..300).contains(&code) => {
            format!("Test event delivered to {url}: the receiver answered {answer}.")
        }
        (Lang::Ru, Some(code)) if (200..300).contains(&code) => {
            format!("Тестовое событие доставлено на {url}: получатель ответил {answer}.")
        }
        (Lang::En, _) => format!(
            "Test event not delivered to {url} ({answer}); it is tried again, see its deliveries."
        ),
        (Lang::Ru, _) => format!(
            "Тестовое событие не доставлено на {url} ({answer}); оно будет повторено, см. доставки."
        ),
    }
}

/// What an action did to the endpoint at `url`.
pub fn endpoint_outcome(_lang: Lang, url: &str, said: &str) -> String {
    format!("{url}: {said}")
}

/// Above a secret: whose it is.
pub fn secret_for(lang: Lang, url: &str) -> String {
    match lang {
        Lang::En => format!("The signing secret of {url}"),
        Lang::Ru => format!("Секрет подписи вебхука {url}"),
    }
}

/// "Deliveries to https://crm.example.com/hook"
pub fn deliveries_heading(lang: Lang, url: &str) -> String {
    match lang {
        Lang::En => format!("Deliveries to {url}"),
        Lang::Ru => format!("Доставки на {url}"),
    }
}

/// "3 attempts" in a batch of attempt events.
pub fn attempts_in_call(lang: Lang, n: i32) -> String {
    match lang {
        Lang::En if n == 1 => "1 attempt".to_owned(),
        Lang::En => format!("{n} attempts"),
        Lang::Ru => {
            let word = match (n % 10, n % 100) {
                (1, r) if r != 11 => "попытка отправки",
                (2..=4, r) if !(12..=14).contains(&r) => "попытки отправки",
                _ => "попыток отправки",
            };
            format!("{n} {word}")
        }
    }
}

/// The summary of a delivery's tries: "Tries: 2".
pub fn tries_summary(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("Tries: {n}"),
        Lang::Ru => format!("Попытки: {n}"),
    }
}
