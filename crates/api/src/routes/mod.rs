//! HTTP handlers, one module per resource. Each handler parses, calls, and maps the result.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub mod attempts;
pub mod audiences;
pub mod audit;
pub mod auth;
mod cached;
pub mod clients;
pub mod duplicate;
pub mod health;
mod listing;
pub mod mailings;
pub mod me;
pub mod messages;
mod owned;
pub mod previews;
pub mod run_control;
pub mod runs;
pub mod stats;
pub mod suppressions;
pub mod tags;
pub mod unsubscribe;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;

/// Registers every documented route; `startup` serves them and `http::openapi` documents them, so
/// the served API and its spec are built from the same list.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::live)
        .service(health::ready)
        .service(unsubscribe::unsubscribe)
        .service(
            scope::scope("/api/v1")
                .service(auth::register)
                .service(auth::confirm)
                .service(auth::resend_confirmation)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::password_reset)
                .service(auth::password_reset_confirm)
                .service(me::get_me)
                .service(me::update_me)
                .service(me::change_password)
                .service(me::list_tokens)
                .service(me::create_token)
                .service(me::delete_token)
                .service(users::list_users)
                .service(users::get_user)
                .service(users::block_user)
                .service(users::unblock_user)
                // export, import and bulk before {id}, which would otherwise match their names.
                .service(clients::transfer::export_clients)
                .service(clients::transfer::import_clients)
                .service(clients::bulk::bulk_clients)
                .service(clients::list_clients)
                .service(clients::create_client)
                .service(clients::get_client)
                .service(clients::replace_client)
                .service(clients::update_client)
                .service(clients::delete_client)
                .service(suppressions::export_suppressions)
                .service(suppressions::list_suppressions)
                .service(suppressions::add_suppression)
                .service(suppressions::delete_suppression)
                .service(webhooks::list_webhooks)
                .service(webhooks::create_webhook)
                .service(webhooks::get_webhook)
                .service(webhooks::update_webhook)
                .service(webhooks::delete_webhook)
                .service(webhooks::rotate_webhook_secret)
                .service(webhook_deliveries::list_webhook_deliveries)
                .service(webhook_deliveries::retry_webhook_delivery)
                .service(webhook_deliveries::test_webhook)
                .service(tags::list_tags)
                .service(tags::rename_tag)
                .service(tags::delete_tag)
                .service(messages::list_messages)
                .service(messages::create_message)
                .service(previews::preview_message)
                .service(previews::test_message)
                .service(messages::get_message)
                .service(messages::replace_message)
                .service(messages::update_message)
                .service(messages::delete_message)
                .service(mailings::list_mailings)
                .service(mailings::create_mailing)
                .service(mailings::get_mailing)
                .service(mailings::replace_mailing)
                .service(mailings::update_mailing)
                .service(mailings::delete_mailing)
                .service(mailings::disable_mailing)
                .service(mailings::enable_mailing)
                .service(audit::list_audit)
                .service(duplicate::duplicate_mailing)
                .service(audiences::mailing_clients)
                .service(audiences::add_mailing_clients)
                .service(audiences::remove_mailing_clients)
                .service(audiences::preview_audience)
                .service(runs::send_mailing)
                .service(runs::list_runs)
                .service(runs::get_run)
                .service(run_control::pause_run)
                .service(run_control::resume_run)
                .service(run_control::cancel_run)
                .service(attempts::mailing_attempts)
                .service(attempts::list_attempts)
                .service(stats::overview)
                .service(stats::my_stats)
                .service(stats::user_stats)
                .service(stats::mailing_stats),
        );
}
