//! The language of a request's answers: what its `Accept-Language` prefers among Mailroom's
//! (English, Russian). Problem documents are written in it wherever they are made, so the
//! language travels with the request as a task-local rather than through every function.

use actix_web::HttpResponseBuilder;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, VARY};
use actix_web::middleware::Next;
use mailroom_domain::catalogue::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered; English outside of one.
pub fn current() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// Marks an answer written in the request's language: which one, and that another
/// `Accept-Language` may get other words (for caches).
pub fn mark(answer: &mut HttpResponseBuilder) -> &mut HttpResponseBuilder {
    answer
        .insert_header((CONTENT_LANGUAGE, current().as_str()))
        .insert_header((VARY, "Accept-Language"))
}

pub async fn scope(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let lang = req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    LANG.scope(lang, next.call(req)).await
}
