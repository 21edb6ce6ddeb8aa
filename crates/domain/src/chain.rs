//! The tamper-evident record (DESIGN §12): every event carries `hash = SHA-256(prev_hash ‖
//! canonical event)`, chained per complaint. Anyone can recompute it with `sha256sum`-grade tools:
//! the canonical form is plain text lines, the payload JSON with sorted keys.
//!
//! Free-text fields enter the hash by their digest, not their text, so that a later
//! anonymisation (PIPL erasure) can replace the words while the chain still verifies against the
//! digest kept beside them.

use crate::actor::ActorRef;
use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of a complaint's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Payload keys whose string values are personal free text and enter the hash by digest.
pub const FREE_TEXT_KEYS: &[&str] = &[
    "summary",
    "content",
    "customer_request",
    "reason",
    "text",
    "comment",
    "note",
    "result",
    "explanation",
    "description",
];

/// Drops sub-microsecond precision: PostgreSQL stores microseconds, SQLite would keep
/// nanoseconds, and a hash over a time must see the same value after a round trip.
pub fn truncate_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}

/// SHA-256 of a text, hex.
pub fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Replaces free-text strings by `sha256:<hex>` (recursively), leaving the rest as is.
pub fn hashed_form(payload: &Value) -> Value {
    match payload {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) if FREE_TEXT_KEYS.contains(&k.as_str()) => {
                            Value::String(format!("sha256:{}", digest(s)))
                        }
                        other => hashed_form(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(hashed_form).collect()),
        other => other.clone(),
    }
}

/// The fields of one stored event that the hash covers.
#[derive(Debug, Clone, Copy)]
pub struct ChainLink<'a> {
    /// The complaint's database id.
    pub complaint_id: i64,
    /// Position in the complaint's chain.
    pub seq: u32,
    /// Event time.
    pub at: DateTime<Utc>,
    /// Who caused it.
    pub actor: &'a ActorRef,
    /// Event kind.
    pub kind: &'a str,
    /// The payload as stored.
    pub payload: &'a Value,
}

/// Computes an event's hash from the previous one.
pub fn event_hash(prev_hash: &str, link: &ChainLink<'_>) -> String {
    let actor = match link.actor {
        ActorRef::User { id } => format!("user:{id}"),
        other => other.kind().to_owned(),
    };
    // serde_json's map is ordered by key (no `preserve_order` feature), so this is canonical.
    let payload = serde_json::to_string(&hashed_form(link.payload)).expect("JSON values serialize");
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &link.complaint_id.to_string(),
        &link.seq.to_string(),
        &link.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        &actor,
        link.kind,
        &payload,
    ] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use chrono::TimeZone;
    use serde_json::json;

    fn link<'a>(actor: &'a ActorRef, payload: &'a Value) -> ChainLink<'a> {
        ChainLink {
            complaint_id: 7,
            seq: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
            actor,
            kind: "note_added",
            payload,
        }
    }

    #[test]
    fn any_change_to_an_event_changes_its_hash() {
        let actor = ActorRef::User { id: UserId(3) };
        let payload = json!({"kind": "note_added", "text": "已联系客户", "visibility": "internal"});
        let base = event_hash(GENESIS, &link(&actor, &payload));
        let edited = json!({"kind": "note_added", "text": "已联系客户。", "visibility": "internal"});
        assert_ne!(base, event_hash(GENESIS, &link(&actor, &edited)));
        let other_actor = ActorRef::User { id: UserId(4) };
        assert_ne!(base, event_hash(GENESIS, &link(&other_actor, &payload)));
        assert_ne!(base, event_hash(&"1".repeat(64), &link(&actor, &payload)));
    }

    #[test]
    fn free_text_enters_the_hash_by_digest() {
        let v = hashed_form(&json!({"text": "abc", "visibility": "internal", "remedy": {"explanation": "x"}}));
        assert_eq!(v["text"], json!(format!("sha256:{}", digest("abc"))));
        assert_eq!(v["visibility"], json!("internal"));
        assert!(v["remedy"]["explanation"].as_str().unwrap().starts_with("sha256:"));
    }

    #[test]
    fn times_are_truncated_to_microseconds() {
        let t = Utc.timestamp_nanos(1_700_000_000_123_456_789);
        assert_eq!(truncate_micros(t).timestamp_subsec_nanos(), 123_456_000);
    }
}
