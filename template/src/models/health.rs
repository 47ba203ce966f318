use serde::Serialize;
use utoipa::ToSchema;

/// `GET /health/live`: the process is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Liveness {
    pub status: Status,
}

/// `GET /health/ready`: the process can serve, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    pub status: Status,
    pub database: DatabaseStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseStatus {
    Ok,
    Unreachable,
}

impl Readiness {
    pub const READY: Self = Self {
        status: Status::Ok,
        database: DatabaseStatus::Ok,
    };
    pub const UNREACHABLE: Self = Self {
        status: Status::Unavailable,
        database: DatabaseStatus::Unreachable,
    };
}

impl Liveness {
    pub const UP: Self = Self { status: Status::Ok };
}
