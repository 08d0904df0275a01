//! The answers every operation can give whatever its handler says, added to the OpenAPI
//! document so that a client generated from it expects them: 401 without a valid token, 400 for a
//! body that is not JSON or a query string that does not parse, 415 for a body of another type,
//! 413 for one too large, 422 for JSON of the wrong shape, 404 for a path whose id names nothing
//! that can exist. The texts say where each comes from (`http::problem`).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// Adds `meaning` to the operation's answer `code`: a new problem answer, or one more reason
/// for the answer it has.
pub fn add_problem(op: &mut Operation, code: &str, meaning: &str) {
    match op.responses.responses.get_mut(code) {
        Some(RefOr::T(response)) => {
            if !response.description.contains(meaning) {
                response.description = format!("{}; or {meaning}", response.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let mut first = meaning.chars();
            let meaning: String = first
                .next()
                .map(|c| c.to_uppercase().chain(first).collect())
                .unwrap_or_default();
            let response = ResponseBuilder::new()
                .description(meaning)
                .content(
                    mailroom_domain::wire::PROBLEM_CONTENT_TYPE,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build();
            op.responses.responses.insert(code.into(), response.into());
        }
    }
}

/// Documents answer `code` as `meaning` when the operation says nothing of it yet (its own
/// description of a 404 or a 422 says more than the generic one).
fn ensure_problem(op: &mut Operation, code: &str, meaning: &str) {
    if !op.responses.responses.contains_key(code) {
        add_problem(op, code, meaning);
    }
}

/// Every operation's common answers (see the module's comment).
pub fn with_common_answers(mut api: OpenApi) -> OpenApi {
    for (path, item) in api.paths.paths.iter_mut() {
        let in_path = path.contains('{');
        let ops = [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ];
        for op in ops.into_iter().flatten() {
            let signed_in = op.security.as_ref().is_some_and(|s| !s.is_empty());
            // An optional body (logout's, a test send's) is read as strictly as a required
            // one when it is there (http::json::OptionalJson).
            let json_body = op
                .request_body
                .as_ref()
                .is_some_and(|b| b.content.contains_key("application/json"));
            let query = op.parameters.as_ref().is_some_and(|ps| {
                ps.iter()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query))
            });
            if signed_in {
                add_problem(
                    op,
                    "401",
                    "no valid token: sign in (POST /api/v1/auth/login) or use an API token",
                );
            }
            if json_body {
                add_problem(op, "400", "the body is not valid JSON");
                add_problem(
                    op,
                    "415",
                    "the body is not sent as Content-Type: application/json",
                );
                add_problem(op, "413", "the body is larger than this operation takes");
                ensure_problem(
                    op,
                    "422",
                    "the JSON body does not have the expected shape, or a field is invalid",
                );
            }
            if query {
                add_problem(op, "400", "the query string does not parse");
            }
            if in_path {
                ensure_problem(op, "404", "the path names nothing that can exist");
            }
        }
    }
    api
}
