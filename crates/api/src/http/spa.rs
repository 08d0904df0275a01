//! Serves the built web app: its files as they are, and `index.html` for every other page address
//! so client-side routes survive a reload. Never for the API, the docs or the health checks, whose
//! unknown paths answer a 404 problem.

use std::path::Path;

use actix_files::{Files, NamedFile};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::guard::{self, GuardContext};
use actix_web::http::Method;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::ProblemKind;

use super::problem::ProblemError;

/// Paths that belong to the server, never to the web app.
const SERVER_PREFIXES: [&str; 4] = ["/api", "/api-docs", "/docs", "/health"];

pub fn is_server_path(path: &str) -> bool {
    SERVER_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

fn is_page_request(ctx: &GuardContext<'_>) -> bool {
    let head = ctx.head();
    (head.method == Method::GET || head.method == Method::HEAD) && !is_server_path(head.uri.path())
}

/// Mounts the web app at `/`; when it has not been built, page requests get a 503 problem saying
/// how to build it (and nothing else on disk is ever served in its place).
pub fn configure(cfg: &mut web::ServiceConfig, spa_dir: &Path) {
    let index = spa_dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(
            dir = %spa_dir.display(),
            "the web app is not built: `cargo xtask run` builds it (the API works without it)"
        );
        cfg.service(
            web::resource("/{tail:.*}")
                .guard(guard::fn_guard(is_page_request))
                .to(|| async { Err::<HttpResponse, _>(not_built()) }),
        );
        return;
    }
    cfg.service(
        Files::new("/", spa_dir)
            .index_file("index.html")
            .guard(guard::fn_guard(is_page_request))
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move { fallback(req, &index).await }
            })),
    );
}

/// Trunk names each built asset with a hash of its content (`app-0123456789abcdef.js`,
/// `app-0123456789abcdef_bg.wasm`): a new build is a new name, so a browser may keep one for a year
/// without asking. Anything else (`index.html`, which names the current assets) is revalidated on
/// every use.
pub async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let page = matches!(*req.method(), Method::GET | Method::HEAD) && !is_server_path(req.path());
    let immutable = is_fingerprinted(req.path().rsplit('/').next().unwrap_or_default());
    let mut res = next.call(req).await?;
    let fresh = matches!(res.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    if page && fresh {
        let value = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(res)
}

/// Whether a file name carries trunk's content hash: `-` then 16 hex digits, then `.` or `_`.
fn is_fingerprinted(name: &str) -> bool {
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        rest.len() > 16
            && rest.as_bytes()[..16].iter().all(u8::is_ascii_hexdigit)
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

fn not_built() -> ProblemError {
    ProblemError::new(ProblemKind::Unavailable, Said::new(Msg::SpaNotBuilt))
}

/// A page address with no file behind it gets `index.html`; a missing asset (a name with an
/// extension) stays a 404 so the browser reports it instead of parsing HTML as a script. Errors
/// are answered here, as responses, so the middleware around (the problem documents, the
/// security headers) sees them like any other answer.
async fn fallback(req: ServiceRequest, index: &Path) -> Result<ServiceResponse, actix_web::Error> {
    let last_segment = req.path().rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        let missing = ProblemError::new(
            ProblemKind::NotFound,
            Said::with(Msg::NothingAt, [req.path()]),
        );
        return Ok(req.error_response(missing));
    }
    let index = index.to_owned();
    let file = match web::block(move || NamedFile::open(index)).await {
        Ok(Ok(file)) => file,
        Ok(Err(_)) => return Ok(req.error_response(not_built())),
        Err(blocked) => return Ok(req.error_response(blocked)),
    };
    let (req, _) = req.into_parts();
    let res = file.into_response(&req);
    Ok(ServiceResponse::new(req, res))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_docs_and_health_paths_are_the_servers() {
        for path in [
            "/api",
            "/api/v1/x",
            "/api-docs/openapi.json",
            "/docs",
            "/docs/",
            "/health/ready",
        ] {
            assert!(is_server_path(path), "{path}");
        }
    }

    #[test]
    fn only_trunks_hashed_names_count_as_fingerprinted() {
        for name in [
            "mailroom-frontend-fb9de0eda90ea00c.js",
            "mailroom-frontend-fb9de0eda90ea00c_bg.wasm",
            "style-b75697932fd588d7.css",
        ] {
            assert!(is_fingerprinted(name), "{name}");
        }
        for name in [
            "index.html",
            "app-3f2a.js",
            "mailroom-frontend.js",
            "a-fb9de0eda90ea00c",
        ] {
            assert!(!is_fingerprinted(name), "{name}");
        }
    }

    #[test]
    fn page_addresses_that_only_start_like_a_server_path_are_the_apps() {
        for path in ["/", "/clients/4", "/apiary", "/docs-and-notes", "/healthy"] {
            assert!(!is_server_path(path), "{path}");
        }
    }
}
