//! What answers when no route matched: a 405 with `Allow` when the path exists under another method,
//! otherwise a 404 — both as problem documents.
//!
//! actix's method macros guard whole resources, so a wrong method falls through to the default
//! service like an unknown path would; the OpenAPI document knows every path and its methods, so it
//! tells the two apart.

use actix_web::dev::ResourceDef;
use actix_web::error::InternalError;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use mailroom_domain::catalogue::{Msg, Said};
use mailroom_domain::wire::{Problem, ProblemKind};
use utoipa::openapi::OpenApi;

use super::problem::{ProblemError, problem_response};

/// Every documented path with the methods it answers.
pub struct KnownRoutes(Vec<(ResourceDef, Vec<&'static str>)>);

impl KnownRoutes {
    pub fn from_openapi(api: &OpenApi) -> Self {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                for (name, present) in [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ] {
                    if present {
                        methods.push(name);
                    }
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods `path` answers, when some route has this path.
    pub fn allowed(&self, path: &str) -> Option<&[&'static str]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

pub async fn no_route(
    req: HttpRequest,
    known: web::Data<KnownRoutes>,
) -> Result<HttpResponse, ProblemError> {
    if let Some(allowed) = known.allowed(req.path()) {
        return Ok(method_not_allowed(&req, allowed));
    }
    Err(ProblemError::new(
        ProblemKind::NotFound,
        Said::with(Msg::NoRoute, [req.method().as_str(), req.path()]),
    ))
}

fn method_not_allowed(req: &HttpRequest, allowed: &[&str]) -> HttpResponse {
    let problem = Problem::said(
        ProblemKind::MethodNotAllowed,
        Said::with(Msg::MethodRefused, [req.method().as_str(), req.path()]),
    );
    let mut response = problem_response(&problem);
    if let Ok(value) = header::HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Path parameters that do not parse. `PUT /clients/export` reaches `PUT /clients/{id}` and
/// fails there, but `/clients/export` is a path of its own that takes only GET: a 405 naming it,
/// as for any other wrong method. What names nothing that can exist (`/clients/abc`) is a 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, req| {
        let literal = req
            .app_data::<web::Data<KnownRoutes>>()
            .and_then(|known| known.allowed(req.path()))
            .filter(|methods| !methods.contains(&req.method().as_str()));
        match literal {
            Some(allowed) => {
                InternalError::from_response(err, method_not_allowed(req, allowed)).into()
            }
            None => ProblemError::new(
                ProblemKind::NotFound,
                Said::with(
                    Msg::NothingAtBecause,
                    [req.path().to_owned(), err.to_string()],
                ),
            )
            .into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_paths_and_their_templates_are_known() {
        let known = KnownRoutes::from_openapi(&crate::http::openapi::document());
        assert_eq!(known.allowed("/health/ready"), Some(&["GET"][..]));
        assert_eq!(known.allowed("/api/v1/nothing-here"), None);
    }
}
