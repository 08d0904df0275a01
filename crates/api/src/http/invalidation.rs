//! Every successful write makes the cached reads it may have changed stale: the signed-in
//! writer's own (their lists and figures) and everyone-wide ones (the overview, managers' views).
//! Done here, once, so that no write path can forget it; handlers add the owners they change
//! besides the writer (a manager blocking someone, an unsubscribe link).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use mailroom_domain::permissions::Actor;

use crate::cache::Cache;

/// Marks a request that uses an unsafe method but writes nothing (a preview sent by POST).
#[derive(Debug, Clone, Copy)]
pub struct WritesNothing;

pub async fn after_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !req.method().is_safe();
    let res = next.call(req).await?;
    let writes = writes && res.request().extensions().get::<WritesNothing>().is_none();
    if writes && res.status().is_success() {
        let writer = res.request().extensions().get::<Actor>().map(|a| a.id);
        if let Some(cache) = res.request().app_data::<web::Data<Cache>>() {
            cache.changed(writer).await;
        }
    }
    Ok(res)
}
