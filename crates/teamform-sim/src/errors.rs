//! HubSpot's error answers: the `Error` schema of the specifications (`status`, `message`,
//! `correlationId`, `category`, and `errors` details naming the offending field), with the
//! status codes HubSpot uses for each category.

use crate::clock::correlation_id;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// An error answer, turned into HubSpot's JSON body when returned from a handler.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    category: &'static str,
    message: String,
    errors: Vec<Value>,
}

impl ApiError {
    fn new(status: StatusCode, category: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            category,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// A 400: the request is invalid.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
    }

    /// A 400 about one field or parameter, named in the `errors` detail's `in`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::validation(message.clone());
        e.errors.push(json!({
            "message": message,
            "in": field,
            "code": "INVALID_INPUT",
        }));
        e
    }

    /// A 401: no or a wrong bearer token.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "INVALID_AUTHENTICATION", message)
    }

    /// A 403: the portal's subscription does not include the API.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    /// A 403 for a token without the scopes a call needs.
    pub fn missing_scopes(scopes: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "MISSING_SCOPES",
            format!(
                "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes. One of the following scopes is required: {scopes}"
            ),
        )
    }

    /// A 404: no such object.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND", message)
    }

    /// A 405: the path exists, not with this method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "VALIDATION_ERROR",
            "HTTP method not allowed for this path",
        )
    }

    /// A 409: the object conflicts with an existing one.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "CONFLICT", message)
    }

    /// A 500: the portal failed (the sandbox file could not be written).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", message)
    }

    /// An injected server fault with the given status (500, 502 or 503).
    pub fn fault(status: StatusCode) -> Self {
        let message = match status {
            StatusCode::BAD_GATEWAY => "Bad gateway: the upstream service did not answer",
            StatusCode::SERVICE_UNAVAILABLE => "Service temporarily unavailable, try again later",
            _ => "internal error",
        };
        Self::new(status, "INTERNAL_ERROR", message)
    }

    /// The error as a JSON value, for a batch answer's `errors`.
    pub fn to_standard_error(&self) -> Value {
        json!({
            "status": "error",
            "category": self.category,
            "message": self.message,
            "context": {},
            "errors": self.errors,
            "links": {},
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("status".into(), json!("error"));
        body.insert("message".into(), json!(self.message));
        body.insert("correlationId".into(), json!(correlation_id()));
        body.insert("category".into(), json!(self.category));
        if !self.errors.is_empty() {
            body.insert("errors".into(), Value::Array(self.errors));
        }
        (self.status, Json(Value::Object(body))).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError::validation(format!("Invalid input JSON: {}", rejection.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::validation(format!(
            "Invalid query parameters: {}",
            rejection.body_text()
        ))
    }
}

/// Reads a JSON body into `T`, turning a type mismatch into HubSpot's 400.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    serde_json::from_value(body)
        .map_err(|e| ApiError::validation(format!("Invalid input JSON: {e}")))
}
