//! Running a plan's operations through a provider, in order, in batches, journaled.

use crate::journal::Journal;
use std::collections::{HashMap, HashSet};
use teamform_plan::{Plan, parse_placeholder};
use teamform_portal::{Change, ObjectKind, PortalError, Provider};

/// How an apply ended.
#[derive(Debug, Default)]
pub struct Report {
    /// Operations performed in this run.
    pub performed: usize,
    /// Operations found done by an interrupted earlier run.
    pub resumed: usize,
    /// Manual operations left to a person.
    pub manual: Vec<String>,
    /// Operations that wait for a manual step (they refer to an object not yet created).
    pub blocked: Vec<String>,
}

/// Why an apply stopped.
#[derive(Debug)]
pub enum ApplyError {
    /// The portal failed; the journal holds what was done.
    Portal(PortalError, Report),
    /// The journal could not be written.
    Journal(std::io::Error, Report),
}

/// Receives progress.
pub trait Progress {
    /// `done` of `total` operations are complete.
    fn update(&mut self, done: usize, total: usize);
}

impl<F: FnMut(usize, usize)> Progress for F {
    fn update(&mut self, done: usize, total: usize) {
        self(done, total);
    }
}

/// Calls `f` on every id field of a change that refers to another object.
fn for_each_ref(change: &mut Change, f: &mut dyn FnMut(&mut String)) {
    match change {
        Change::CreateTeam { parent_id, .. } => parent_id.iter_mut().for_each(f),
        Change::UpdateTeam { parent_id, .. } => parent_id.iter_mut().flatten().for_each(f),
        Change::CreateUser {
            role_id,
            primary_team_id,
            additional_team_ids,
            ..
        } => {
            role_id.iter_mut().for_each(&mut *f);
            primary_team_id.iter_mut().for_each(&mut *f);
            additional_team_ids.iter_mut().for_each(f);
        }
        Change::UpdateUser {
            role_id,
            primary_team_id,
            additional_team_ids,
            ..
        } => {
            role_id.iter_mut().flatten().for_each(&mut *f);
            primary_team_id.iter_mut().flatten().for_each(&mut *f);
            additional_team_ids.iter_mut().flatten().for_each(f);
        }
        Change::CreateAsset { team_ids, .. } => team_ids.iter_mut().for_each(f),
        Change::UpdateAsset { team_ids, .. } => team_ids.iter_mut().flatten().for_each(f),
        Change::ReassignRecords { to_id, .. } => f(to_id),
        _ => {}
    }
}

/// Replaces placeholders in a change with created ids; `None` if one is not created yet.
fn resolve(change: &Change, created: &HashMap<(ObjectKind, String), String>) -> Option<Change> {
    let mut missing = false;
    let mut c = change.clone();
    for_each_ref(&mut c, &mut |id: &mut String| {
        if let Some((kind, key)) = parse_placeholder(id) {
            match created.get(&(kind, key.to_string())) {
                Some(real) => *id = real.clone(),
                None => missing = true,
            }
        }
    });
    (!missing).then_some(c)
}

/// Whether a change refers to an object that the unsent batch creates.
fn refers_to_pending(change: &Change, pending: &HashSet<(ObjectKind, String)>) -> bool {
    if pending.is_empty() {
        return false;
    }
    let mut found = false;
    let mut c = change.clone();
    for_each_ref(&mut c, &mut |id: &mut String| {
        if let Some((kind, key)) = parse_placeholder(id) {
            found |= pending.contains(&(kind, key.to_string()));
        }
    });
    found
}

/// Performs the plan's automatic operations not yet in the journal.
pub fn execute(
    provider: &mut dyn Provider,
    plan: &Plan,
    journal: &mut Journal,
    progress: &mut dyn Progress,
) -> Result<Report, ApplyError> {
    let mut report = Report::default();
    let mut created: HashMap<(ObjectKind, String), String> = HashMap::new();
    for (i, id) in &journal.done {
        if let (Some(op), Some(id)) = (plan.changes.get(*i), id) {
            created.insert((op.kind, op.key.clone()), id.clone());
        }
        report.resumed += 1;
    }
    let total = plan.changes.len();
    let mut done_count = report.resumed;
    progress.update(done_count, total);
    let mut batch: Vec<(usize, Change)> = Vec::new();
    // Placeholders that the current, unsent batch will create.
    let mut pending: HashSet<(ObjectKind, String)> = HashSet::new();
    let batch_size = provider.batch_size().max(1);
    let mut i = 0;
    while i <= total {
        let op = plan.changes.get(i);
        let needs_flush = match op {
            None => true,
            Some(op) => batch.len() >= batch_size || refers_to_pending(&op.change, &pending),
        };
        if needs_flush && !batch.is_empty() {
            let changes: Vec<Change> = batch.iter().map(|(_, c)| c.clone()).collect();
            let indexes: Vec<usize> = batch.iter().map(|(i, _)| *i).collect();
            if let Err(e) = journal.intend(&indexes) {
                return Err(ApplyError::Journal(e, report));
            }
            let (outcomes, error) = provider.apply(&changes);
            let entries: Vec<(usize, Option<String>)> = batch
                .iter()
                .zip(&outcomes)
                .map(|((index, _), outcome)| (*index, outcome.created_id.clone()))
                .collect();
            for (index, id) in &entries {
                if let Some(id) = id {
                    let o = &plan.changes[*index];
                    created.insert((o.kind, o.key.clone()), id.clone());
                }
            }
            report.performed += entries.len();
            done_count += entries.len();
            if let Err(e) = journal.record(&entries) {
                return Err(ApplyError::Journal(e, report));
            }
            progress.update(done_count, total);
            if let Some(e) = error {
                return Err(ApplyError::Portal(e, report));
            }
            batch.clear();
            pending.clear();
        }
        let Some(op) = op else { break };
        i += 1;
        if journal.done.contains_key(&(i - 1)) {
            continue;
        }
        if !op.automatic {
            report.manual.push(op.address().to_string());
            done_count += 1;
            continue;
        }
        match resolve(&op.change, &created) {
            Some(change) => {
                if matches!(
                    change,
                    Change::CreateTeam { .. }
                        | Change::CreateRole { .. }
                        | Change::CreateUser { .. }
                        | Change::CreateAsset { .. }
                ) {
                    pending.insert((op.kind, op.key.clone()));
                }
                batch.push((i - 1, change));
            }
            None if refers_to_pending(&op.change, &pending) => {
                // Unreachable: a flush happens first; kept for safety.
                report.blocked.push(op.address().to_string());
            }
            None => {
                report.blocked.push(op.address().to_string());
                done_count += 1;
            }
        }
    }
    Ok(report)
}
