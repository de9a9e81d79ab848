//! The CRM objects API (`crm-objects-v3.json`, `crm-objects-2026-03.json`) for the object types
//! whose records have an owner: `contacts`, `companies`, `deals` and `tickets`. Records are
//! created, read, updated and archived one at a time or in batches of at most
//! [`BATCH_LIMIT`], and searched (see [`crate::crm_search`]).
//!
//! A record's owner is its `hubspot_owner_id` property, an owner id as the owners API gives
//! it; the sandbox keeps the owning user's id, so that a removed user's records keep their
//! owner as in HubSpot. An owner id that names no user is refused, as HubSpot refuses it.

use crate::clock::now_iso;
use crate::crm_search;
use crate::errors::{ApiError, parse_body};
use crate::owners::{owner_id_of, user_id_of};
use crate::paging::{PageRequest, Params, collection};
use crate::state::{Shared, user};
use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use teamform_portal::sandbox::SandboxFile;
use teamform_portal::{LiveRecord, RecordObject};

/// The API's base paths.
pub const BASES: [&str; 2] = ["/crm/v3/objects", "/crm/objects/2026-03"];

/// The most inputs one batch request may carry.
pub const BATCH_LIMIT: usize = 100;

/// The property that holds a record's id.
pub const ID: &str = "hs_object_id";
/// The property that holds a record's owner (an owner id).
pub const OWNER: &str = "hubspot_owner_id";
/// The properties that hold the creation and last change times.
const CREATED: &str = "createdate";
const MODIFIED: &str = "hs_lastmodifieddate";

/// The routes under one base.
pub fn api(base: &str) -> Router<Shared> {
    let collection_routes = || get(list).post(create);
    Router::new()
        .route(&format!("{base}/{{object}}"), collection_routes())
        .route(&format!("{base}/{{object}}/"), collection_routes())
        .route(
            &format!("{base}/{{object}}/search"),
            post(crm_search::search),
        )
        .route(
            &format!("{base}/{{object}}/batch/create"),
            post(batch_create),
        )
        .route(&format!("{base}/{{object}}/batch/read"), post(batch_read))
        .route(
            &format!("{base}/{{object}}/batch/update"),
            post(batch_update),
        )
        .route(
            &format!("{base}/{{object}}/batch/archive"),
            post(batch_archive),
        )
        .route(
            &format!("{base}/{{object}}/{{id}}"),
            get(read).patch(update).delete(archive),
        )
}

/// The object type of a path, or HubSpot's 404 for one this portal does not keep.
pub fn object_of(name: &str) -> Result<RecordObject, ApiError> {
    RecordObject::parse(name).ok_or_else(|| {
        ApiError::not_found(format!(
            "Unable to infer object type from: {name} (contacts, companies, deals and tickets are served)"
        ))
    })
}

/// A property's value on a record, as the API shows it.
pub fn property<'a>(r: &'a LiveRecord, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    match name {
        ID => Some(r.id.as_str().into()),
        OWNER => r.owner.as_deref().map(|u| owner_id_of(u).into()),
        _ => r.properties.get(name).map(|v| v.as_str().into()),
    }
}

/// HubSpot's `SimplePublicObject` for a record, with the `wanted` properties (or all of them
/// when none are named).
pub fn public_object(r: &LiveRecord, wanted: &[String]) -> Value {
    let mut props = Map::new();
    let mut put = |name: &str| {
        if let Some(v) = property(r, name) {
            props.insert(name.to_string(), json!(v));
        }
    };
    if wanted.is_empty() {
        for name in r.properties.keys() {
            put(name);
        }
        put(OWNER);
    } else {
        for name in wanted {
            put(name);
        }
    }
    for name in [ID, CREATED, MODIFIED] {
        put(name);
    }
    let created = r.properties.get(CREATED).cloned().unwrap_or_default();
    let updated = r.properties.get(MODIFIED).cloned().unwrap_or_default();
    json!({
        "id": r.id,
        "properties": props,
        "createdAt": created,
        "updatedAt": updated,
        "archived": false,
    })
}

/// Properties as a request carries them: strings, or numbers and booleans written as text;
/// `null` clears a property.
#[derive(Deserialize, Default)]
struct Input {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    properties: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
struct Inputs {
    inputs: Vec<Input>,
    #[serde(default)]
    properties: Vec<String>,
}

/// Writes `props` onto `record`, checking the owner; `hs_object_id` is read-only.
fn write_properties(
    data: &SandboxFile,
    record: &mut LiveRecord,
    props: &BTreeMap<String, Value>,
) -> Result<(), ApiError> {
    for (name, value) in props {
        let text = match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                return Err(ApiError::invalid(
                    name,
                    format!("Property values must be strings; `{name}` is not"),
                ));
            }
        };
        match name.as_str() {
            ID | CREATED | MODIFIED => {}
            OWNER => record.owner = owner_of(data, text.as_deref())?,
            _ => match text {
                Some(t) => {
                    record.properties.insert(name.clone(), t);
                }
                None => {
                    record.properties.remove(name);
                }
            },
        }
    }
    record.properties.insert(MODIFIED.into(), now_iso());
    Ok(())
}

/// The user behind an owner id written to `hubspot_owner_id` (empty: no owner).
fn owner_of(data: &SandboxFile, owner: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(owner) = owner.map(str::trim).filter(|o| !o.is_empty()) else {
        return Ok(None);
    };
    match user_id_of(owner).filter(|id| user(data, id).is_some()) {
        Some(id) => Ok(Some(id)),
        None => Err(ApiError::invalid(
            OWNER,
            format!("{owner} was not a valid owner ID"),
        )),
    }
}

/// A new record of `object` with `props`.
fn new_record(
    data: &mut SandboxFile,
    object: RecordObject,
    props: &BTreeMap<String, Value>,
) -> Result<LiveRecord, ApiError> {
    let now = now_iso();
    let mut record = LiveRecord {
        id: String::new(),
        object,
        owner: None,
        properties: BTreeMap::from([(CREATED.to_string(), now)]),
    };
    write_properties(data, &mut record, props)?;
    record.id = data.new_id();
    Ok(record)
}

/// The positions of the records of `object`, by id.
fn positions(data: &SandboxFile, object: RecordObject) -> HashMap<&str, usize> {
    data.records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.object == object)
        .map(|(i, r)| (r.id.as_str(), i))
        .collect()
}

/// The position of each input's record, and the ids of the inputs that name none.
fn find<'i>(
    data: &SandboxFile,
    object: RecordObject,
    inputs: &'i [Input],
) -> (Vec<(usize, &'i Input)>, Vec<String>) {
    let at = positions(data, object);
    let mut found = Vec::with_capacity(inputs.len());
    let mut missing = Vec::new();
    for input in inputs {
        let id = input.id.as_deref().unwrap_or_default();
        match at.get(id) {
            Some(&i) => found.push((i, input)),
            None => missing.push(id.to_string()),
        }
    }
    (found, missing)
}

fn not_found(object: RecordObject, id: &str) -> ApiError {
    ApiError::not_found(format!("No {} with id {id} exists", object.as_str()))
}

/// The names listed in a `properties` query parameter.
fn listed(params: &Params) -> Vec<String> {
    params
        .get("properties")
        .map(|p| {
            p.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// A batch's inputs, refused beyond [`BATCH_LIMIT`].
fn batch(body: Result<Json<Value>, JsonRejection>) -> Result<Inputs, ApiError> {
    let Json(body) = body?;
    let inputs: Inputs = parse_body(body)?;
    if inputs.inputs.len() > BATCH_LIMIT {
        return Err(ApiError::invalid(
            "inputs",
            format!(
                "Batch requests may carry at most {BATCH_LIMIT} inputs, not {}",
                inputs.inputs.len()
            ),
        ));
    }
    Ok(inputs)
}

/// A batch's answer: 200/201 when everything was done, 207 naming the `missing` ids
/// otherwise.
fn batch_answer(
    ok: StatusCode,
    object: RecordObject,
    results: Vec<Value>,
    missing: &[String],
) -> (StatusCode, Json<Value>) {
    let now = now_iso();
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": now,
        "completedAt": now,
    });
    if missing.is_empty() {
        return (ok, Json(body));
    }
    if let Some(map) = body.as_object_mut() {
        map.insert("numErrors".into(), json!(1));
        map.insert("errors".into(), json!([missing_error(object, missing)]));
    }
    (StatusCode::MULTI_STATUS, Json(body))
}

fn missing_error(object: RecordObject, ids: &[String]) -> Value {
    json!({
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": format!("Could not get some {} objects, they may be deleted or not exist.", object.as_str()),
        "context": { "ids": ids },
        "errors": [],
        "links": {},
    })
}

/// `GET /{objectType}`: one page of records (`limit` at most 100).
async fn list(
    State(app): State<Shared>,
    Path(object): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let object = object_of(&object)?;
    let Query(params) = query?;
    let page = PageRequest::from_params(&params, 10, 100)?;
    let wanted = listed(&params);
    let (results, paging) = app.store.read(|data| {
        let items = data
            .records
            .iter()
            .filter(|r| r.object == object)
            .map(|r| (r.id.clone(), public_object(r, &wanted)))
            .collect();
        page.page(items)
    });
    Ok(Json(collection(results, paging)))
}

/// `POST /{objectType}`: one new record.
async fn create(
    State(app): State<Shared>,
    Path(object): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let object = object_of(&object)?;
    let Json(body) = body?;
    let input: Input = parse_body(body)?;
    let record = app.store.write(|data| {
        let record = new_record(data, object, &input.properties)?;
        data.records.push(record.clone());
        Ok(record)
    })?;
    Ok((StatusCode::CREATED, Json(public_object(&record, &[]))))
}

/// `GET /{objectType}/{id}`.
async fn read(
    State(app): State<Shared>,
    Path((object, id)): Path<(String, String)>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let object = object_of(&object)?;
    let Query(params) = query?;
    let wanted = listed(&params);
    app.store.read(|data| {
        data.records
            .iter()
            .find(|r| r.object == object && r.id == id)
            .map(|r| Json(public_object(r, &wanted)))
            .ok_or_else(|| not_found(object, &id))
    })
}

/// `PATCH /{objectType}/{id}`.
async fn update(
    State(app): State<Shared>,
    Path((object, id)): Path<(String, String)>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let object = object_of(&object)?;
    let Json(body) = body?;
    let input: Input = parse_body(body)?;
    let record = app.store.write(|data| {
        let at = positions(data, object)
            .get(id.as_str())
            .copied()
            .ok_or_else(|| not_found(object, &id))?;
        let mut record = data.records[at].clone();
        write_properties(data, &mut record, &input.properties)?;
        data.records[at] = record.clone();
        Ok(record)
    })?;
    Ok(Json(public_object(&record, &[])))
}

/// `DELETE /{objectType}/{id}`: archives the record (a missing one counts as archived).
async fn archive(
    State(app): State<Shared>,
    Path((object, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let object = object_of(&object)?;
    app.store.write(|data| {
        data.records.retain(|r| !(r.object == object && r.id == id));
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /{objectType}/batch/create`.
async fn batch_create(
    State(app): State<Shared>,
    Path(object): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let object = object_of(&object)?;
    let inputs = batch(body)?;
    let records = app.store.write(|data| {
        let mut made = Vec::with_capacity(inputs.inputs.len());
        for input in &inputs.inputs {
            made.push(new_record(data, object, &input.properties)?);
        }
        data.records.extend(made.iter().cloned());
        Ok(made)
    })?;
    let results = records.iter().map(|r| public_object(r, &[])).collect();
    Ok(batch_answer(StatusCode::CREATED, object, results, &[]))
}

/// `POST /{objectType}/batch/read`.
async fn batch_read(
    State(app): State<Shared>,
    Path(object): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let object = object_of(&object)?;
    let inputs = batch(body)?;
    let (results, missing) = app.store.read(|data| {
        let (found, missing) = find(data, object, &inputs.inputs);
        let results = found
            .into_iter()
            .map(|(i, _)| public_object(&data.records[i], &inputs.properties))
            .collect::<Vec<_>>();
        (results, missing)
    });
    Ok(batch_answer(StatusCode::OK, object, results, &missing))
}

/// `POST /{objectType}/batch/update`: every input's record changed, all or nothing when a
/// value is invalid; ids that do not exist are reported in a 207.
async fn batch_update(
    State(app): State<Shared>,
    Path(object): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let object = object_of(&object)?;
    let inputs = batch(body)?;
    let (records, missing) = app.store.write(|data| {
        let (found, missing) = find(data, object, &inputs.inputs);
        let mut changed = Vec::with_capacity(found.len());
        for (i, input) in found {
            let mut record = data.records[i].clone();
            write_properties(data, &mut record, &input.properties)?;
            changed.push((i, record));
        }
        for (i, record) in &changed {
            data.records[*i] = record.clone();
        }
        let records: Vec<LiveRecord> = changed.into_iter().map(|(_, r)| r).collect();
        Ok((records, missing))
    })?;
    let results = records.iter().map(|r| public_object(r, &[])).collect();
    Ok(batch_answer(StatusCode::OK, object, results, &missing))
}

/// `POST /{objectType}/batch/archive`: 204, also for ids that do not exist.
async fn batch_archive(
    State(app): State<Shared>,
    Path(object): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let object = object_of(&object)?;
    let inputs = batch(body)?;
    let ids: std::collections::HashSet<String> =
        inputs.inputs.into_iter().filter_map(|i| i.id).collect();
    app.store.write(|data| {
        data.records
            .retain(|r| !(r.object == object && ids.contains(&r.id)));
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
