//! The headers that tell a browser what Mailroom's responses may do: every response is never
//! sniffed into another type and sends no referrer off the site; the web app's pages also carry a
//! Content-Security-Policy and a Permissions-Policy, and with an https `PUBLIC_BASE_URL` every
//! response asks for https from then on.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    CONTENT_SECURITY_POLICY, HeaderName, HeaderValue, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use actix_web::middleware::Next;
use actix_web::web;

use super::spa::is_server_path;
use crate::config::PublicBaseUrl;

/// The web app's policy: its own scripts (no inline script, no eval; wasm compiled from its own
/// file) and its own files for everything else; no plugins, no framing, no `<base>` elsewhere.
///
/// The message preview shows a message's HTML in a sandboxed `srcdoc` frame, which inherits this
/// policy; mail carries its styles inline and its pictures from anywhere on the web, so styles
/// may be inline and images come over https. The app itself needs neither: it sets styles
/// through the style object, which no policy governs. Inline styles and images run no code;
/// scripts stay strict.
pub const PAGE_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: https:; \
     connect-src 'self'; \
     object-src 'none'; \
     base-uri 'self'; \
     form-action 'self'; \
     frame-ancestors 'none'";

/// Browser features the web app never uses, turned off for it and anything it might embed.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), browsing-topics=(), \
     camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), \
     microphone=(), midi=(), payment=(), publickey-credentials-get=(), serial=(), usb=()";

/// A year, as browsers' preload lists expect; without subdomains, which may be other services.
const HSTS: &str = "max-age=31536000";

pub const PERMISSIONS_POLICY_HEADER: HeaderName = HeaderName::from_static("permissions-policy");

/// Services answer their errors as responses (the web app's fallback included), so every answer
/// passes here; only a middleware's own error would not.
pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let page = !is_server_path(req.path());
    let https = req
        .app_data::<web::Data<PublicBaseUrl>>()
        .is_some_and(|base| base.is_https());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    if page {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        );
        headers.insert(
            PERMISSIONS_POLICY_HEADER,
            HeaderValue::from_static(PERMISSIONS_POLICY),
        );
        // For browsers older than frame-ancestors.
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(res)
}
