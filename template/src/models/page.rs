use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ValidationErrors;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// `?limit=&offset=` as the client sent it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// How many items to return (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// How many items to skip (default 0).
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    pub offset: Option<i64>,
}

/// A checked page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub offset: u64,
}

impl TryFrom<ListQuery> for PageRequest {
    type Error = ValidationErrors;

    fn try_from(query: ListQuery) -> Result<Self, Self::Error> {
        let mut errors = ValidationErrors::new();
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        let offset = query.offset.unwrap_or(0);
        let limit = u32::try_from(limit)
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(&i64::from(*limit)));
        if limit.is_none() {
            errors.add("limit", format!("must be between 1 and {MAX_LIMIT}"));
        }
        let offset = u64::try_from(offset).ok();
        if offset.is_none() {
            errors.add("offset", "must be 0 or greater");
        }
        match (limit, offset) {
            (Some(limit), Some(offset)) => Ok(Self { limit, offset }),
            _ => Err(errors),
        }
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items there are in all.
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
}
