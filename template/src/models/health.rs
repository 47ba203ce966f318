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
    /// Left out while draining: a server shutting down does not ask its database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Unavailable,
    /// Shutting down: finishing in-flight requests, taking no new work.
    Draining,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseStatus {
    Ok,
    Unreachable,
}

impl Readiness {
    /// Whether the answer is 200 (ready) rather than 503.
    pub fn is_ready(&self) -> bool {
        self.status == Status::Ok
    }

    pub const READY: Self = Self {
        status: Status::Ok,
        database: Some(DatabaseStatus::Ok),
    };
    pub const UNREACHABLE: Self = Self {
        status: Status::Unavailable,
        database: Some(DatabaseStatus::Unreachable),
    };
    pub const DRAINING: Self = Self {
        status: Status::Draining,
        database: None,
    };
}

impl Liveness {
    pub const UP: Self = Self { status: Status::Ok };
    /// `UP` as JSON. Probes ask for it every few seconds and load balancers more often, and it
    /// never changes: it is answered as this text rather than serialized each time.
    pub const UP_JSON: &'static str = r#"{"status":"ok"}"#;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_liveness_text_is_up_as_json() {
        let serialized = serde_json::to_string(&Liveness::UP).expect("serializable");
        assert_eq!(serialized, Liveness::UP_JSON);
    }
}
