//! Snapshot's `rejection` quorum type: the proposal is rejected iff the
//! Against turnout *exceeds* the quorum; with no votes it passes (nobody
//! rejected it), as on Snapshot.

use std::sync::Arc;

use super::registry::{named, NoOptions};
use super::{Judging, PassTest, QuorumRole, Verdict};
use super::{PassRule, PassRulePlugin};
use crate::error::{Error, Result};

/// Rejected iff Against > quorum.
#[derive(Debug)]
pub(super) struct SnapshotRejection;

impl PassTest for SnapshotRejection {
    fn label(&self) -> String {
        "snapshot-rejection".into()
    }

    fn needs_roles(&self) -> bool {
        false
    }

    fn quorum_role(&self) -> QuorumRole {
        QuorumRole::Read
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let q = j
            .quorum
            .ok_or_else(|| Error::invalid("quorum_type = \"rejection\" needs a quorum"))?;
        let (counted, required) = (
            j.show_tokens(q.counted.as_rational()),
            j.show_tokens(&q.required),
        );
        Ok(if q.reached {
            Verdict::rejected(format!(
                "Against ({counted}) exceeds the rejection quorum ({required})"
            ))
        } else {
            Verdict::passed(
                format!("Against ({counted}) does not exceed the rejection quorum ({required})"),
                j.roles.map(|r| r.for_choice),
            )
        })
    }
}

/// The registry entry: `pass = "snapshot-rejection"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<NoOptions>(
        "snapshot-rejection",
        "rejected iff Against exceeds the quorum (Snapshot quorum_type = \"rejection\")",
        &[],
        |_, _| Ok(PassRule::snapshot_rejection()),
    )
}
