//! The OpenAPI 3.1 description of the API, served at `/api/openapi.json`. A test checks
//! that every API route of the router is described here.

use axum::Json;
use serde_json::{Value, json};

/// (method, path, summary, roles) of every API operation.
pub const OPERATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "get",
        "/api/requests",
        "List requests with their status (an association: its own; a coordinator: its cluster's)",
        "coordinator, association",
    ),
    (
        "post",
        "/api/requests",
        "Submit a course request",
        "coordinator, association",
    ),
    (
        "post",
        "/api/requests/{id}/withdraw",
        "Withdraw a request",
        "coordinator, association",
    ),
    (
        "get",
        "/api/runs",
        "List runs with their key figures",
        "coordinator",
    ),
    (
        "post",
        "/api/runs",
        "Plan the current requests now; stores a proposed run",
        "coordinator",
    ),
    (
        "post",
        "/api/runs/{id}/approve",
        "Approve a proposed run (409 if it is not proposed)",
        "coordinator",
    ),
    (
        "post",
        "/api/runs/{id}/publish",
        "Publish a run; the run published before it is superseded",
        "coordinator",
    ),
    (
        "get",
        "/api/assignments",
        "Assignments of the newest run (an instructor: their own)",
        "coordinator, instructor",
    ),
    (
        "post",
        "/api/assignments/{run}/{request}/{answer}",
        "Accept or decline an assignment (answer: accept | decline); a decline is repaired at once into a new proposed run",
        "instructor",
    ),
    (
        "post",
        "/api/feed",
        "Make a new personal calendar feed URL (the old one stops working)",
        "instructor",
    ),
    (
        "get",
        "/calendar/{secret}",
        "An instructor's published rota as iCalendar (by the feed's secret, no token)",
        "anyone with the secret",
    ),
];

pub async fn spec() -> Json<Value> {
    Json(document())
}

pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, summary, roles) in OPERATIONS {
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        let mut op = json!({
            "summary": summary,
            "description": format!("Roles: {roles}."),
            "parameters": params,
            "responses": {
                "200": { "description": "OK" },
                "201": { "description": "Created" },
                "400": { "description": "Invalid input, with the reason (per field for submissions)" },
                "401": { "description": "No valid token" },
                "403": { "description": "Not allowed for the caller's role" },
                "404": { "description": "Not found (or not the caller's)" },
                "413": { "description": "Body too large" }
            }
        });
        if *path != "/calendar/{secret}" {
            op["security"] = json!([{ "bearer": [] }]);
        }
        if *method == "post" && *path == "/api/requests" {
            op["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Submission" } } }
            });
        }
        paths
            .entry(path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert(method.to_string(), op);
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "klynge", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Instructor coverage for clusters of seniors' digital-skills associations. Add ?lang=en for English messages (bokmål is the default)." },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Submission": {
                    "type": "object",
                    "required": ["topic", "language"],
                    "additionalProperties": false,
                    "properties": {
                        "association": { "type": "string", "description": "required from coordinators" },
                        "topic": { "type": "string", "examples": ["smarttelefon"] },
                        "language": { "type": "string", "description": "ISO 639-1", "examples": ["nb"] },
                        "instructors_needed": { "type": "integer", "minimum": 1, "default": 1 },
                        "priority": { "type": "integer", "minimum": 1, "maximum": 5, "default": 3 },
                        "series": { "type": "object", "properties": {
                            "first_date": { "type": "string", "format": "date" },
                            "start": { "type": "string", "examples": ["10:00"] },
                            "end": { "type": "string", "examples": ["12:00"] },
                            "count": { "type": "integer" },
                            "interval_days": { "type": "integer" } } },
                        "sessions": { "type": "array", "items": { "type": "object", "properties": {
                            "date": { "type": "string", "format": "date" },
                            "start": { "type": "string" }, "end": { "type": "string" } } } },
                        "venue_lat": { "type": "number" },
                        "venue_lon": { "type": "number" },
                        "note": { "type": "string", "maxLength": 1000 }
                    }
                }
            }
        }
    })
}
