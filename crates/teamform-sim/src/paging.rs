//! HubSpot's forward paging: `limit` and `after` query parameters, and `paging.next.after` in
//! the answer while there is more. The cursor is the id of the last object of the page, so
//! pages stay consistent when objects are created or removed between requests.

use crate::errors::ApiError;
use crate::state::id_key;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The query parameters of a list request.
pub type Params = HashMap<String, String>;

/// A requested page.
#[derive(Debug, Clone)]
pub struct PageRequest {
    limit: usize,
    after: Option<String>,
}

impl PageRequest {
    /// Reads `limit` (default `default`, at most `max`) and `after` from the query.
    pub fn from_params(params: &Params, default: usize, max: usize) -> Result<Self, ApiError> {
        let limit = match params.get("limit") {
            None => default,
            Some(text) => {
                let n: i64 = text.trim().parse().map_err(|_| {
                    ApiError::invalid("limit", format!("limit must be an integer, not `{text}`"))
                })?;
                if n < 1 {
                    return Err(ApiError::invalid(
                        "limit",
                        format!("limit must be at least 1, not {n}"),
                    ));
                }
                usize::try_from(n).unwrap_or(max).min(max)
            }
        };
        let after = params.get("after").filter(|a| !a.is_empty()).cloned();
        Ok(PageRequest { limit, after })
    }

    /// The number of items asked for.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The cursor after which the page starts.
    pub fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// The page of `items` (in any order; each with its id), and HubSpot's `paging` value
    /// when more follow.
    pub fn page<T>(&self, mut items: Vec<(String, T)>) -> (Vec<T>, Option<Value>) {
        items.sort_by(|a, b| id_key(&a.0).cmp(&id_key(&b.0)));
        let start = match &self.after {
            Some(after) => items.partition_point(|(id, _)| id_key(id) <= id_key(after)),
            None => 0,
        };
        let rest: Vec<(String, T)> = items.into_iter().skip(start).collect();
        let more = rest.len() > self.limit;
        let page: Vec<(String, T)> = rest.into_iter().take(self.limit).collect();
        let paging = match (more, page.last()) {
            (true, Some((last, _))) => Some(json!({ "next": { "after": last } })),
            _ => None,
        };
        (page.into_iter().map(|(_, item)| item).collect(), paging)
    }
}

/// A collection answer: `{"results": [...], "paging": {...}}`.
pub fn collection(results: Vec<Value>, paging: Option<Value>) -> Value {
    let mut body = json!({ "results": results });
    if let (Some(paging), Some(map)) = (paging, body.as_object_mut()) {
        map.insert("paging".into(), paging);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pages_follow_the_cursor() {
        let items: Vec<(String, u32)> = (1..=5).map(|i| (format!("10{i}"), i)).collect();
        let first = PageRequest::from_params(&params(&[("limit", "2")]), 100, 100).unwrap();
        let (page, paging) = first.page(items.clone());
        assert_eq!(page, vec![1, 2]);
        let after = paging.unwrap()["next"]["after"]
            .as_str()
            .unwrap()
            .to_string();
        let next =
            PageRequest::from_params(&params(&[("limit", "2"), ("after", &after)]), 100, 100)
                .unwrap();
        assert_eq!(next.page(items.clone()).0, vec![3, 4]);
        let last = PageRequest::from_params(&params(&[("limit", "2"), ("after", "104")]), 100, 100)
            .unwrap();
        let (page, paging) = last.page(items);
        assert_eq!(page, vec![5]);
        assert!(paging.is_none());
    }

    #[test]
    fn a_bad_limit_is_refused() {
        assert!(PageRequest::from_params(&params(&[("limit", "x")]), 100, 100).is_err());
        assert!(PageRequest::from_params(&params(&[("limit", "0")]), 100, 100).is_err());
    }
}
