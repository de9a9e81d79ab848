//! Ordering operations as a DAG (petgraph): parents before children, teams and roles before
//! the users and assets on them, users moved off a team or role before it is deleted, child
//! teams before their parents, teams moved top-down in the tree they end in. Among the ready operations, a fixed phase order and then the
//! policy order keep plans stable and readable.

use crate::op::{Action, Op, parse_placeholder};
use foldhash::HashMap;
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use teamform_portal::{Change, Kind, LiveState};

fn phase(op: &Op) -> u8 {
    match (op.kind, op.action) {
        (Kind::Team, Action::Create) => 0,
        (Kind::Role, Action::Create) => 1,
        (Kind::Team, Action::Update) => 2,
        (Kind::Role, Action::Update) => 3,
        (Kind::User, Action::Create) => 4,
        (Kind::User, Action::Update) => 5,
        (Kind::Asset, Action::Create) => 6,
        (Kind::Asset, Action::Update) => 7,
        (Kind::User, Action::Delete) => 8,
        (Kind::Asset, Action::Delete) => 9,
        (Kind::Team, Action::Delete) => 10,
        (Kind::Role, Action::Delete) => 11,
    }
}

/// The ids a change refers to (placeholders included).
fn references(change: &Change) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    match change {
        Change::CreateTeam { parent_id, .. } => out.extend(parent_id.as_deref()),
        Change::UpdateTeam { parent_id, .. } => {
            out.extend(parent_id.iter().flatten().map(String::as_str))
        }
        Change::CreateUser {
            role_id,
            primary_team_id,
            additional_team_ids,
            ..
        } => {
            out.extend(role_id.as_deref());
            out.extend(primary_team_id.as_deref());
            out.extend(additional_team_ids.iter().map(String::as_str));
        }
        Change::UpdateUser {
            role_id,
            primary_team_id,
            additional_team_ids,
            ..
        } => {
            out.extend(role_id.iter().flatten().map(String::as_str));
            out.extend(primary_team_id.iter().flatten().map(String::as_str));
            out.extend(additional_team_ids.iter().flatten().map(String::as_str));
        }
        Change::CreateAsset { team_ids, .. } => out.extend(team_ids.iter().map(String::as_str)),
        Change::UpdateAsset { team_ids, .. } => {
            out.extend(team_ids.iter().flatten().map(String::as_str))
        }
        _ => {}
    }
    out
}

/// Re-parenting: a team moved under another waits for the nearest team above its new place
/// that moves too, so that teams move top-down in the tree they end in. Otherwise a portal
/// could see a team put under its own descendant for a moment (swapping a parent and its
/// child) and refuse it. When a team moves, every team above its new place has its final
/// parent already, so the new parent is not below it.
fn reparenting(ops: &[Op], live: &LiveState, edge: &mut impl FnMut(usize, usize)) {
    // The team ids whose parent changes, with their operation, and the parent every team
    // ends with (placeholders for the teams the plan creates).
    let mut moves: HashMap<String, usize> = HashMap::default();
    let mut parent: HashMap<String, Option<String>> = HashMap::default();
    for (i, o) in ops.iter().enumerate() {
        match &o.change {
            Change::UpdateTeam {
                id,
                parent_id: Some(p),
                ..
            } => {
                moves.insert(id.clone(), i);
                parent.insert(id.clone(), p.clone());
            }
            Change::CreateTeam { parent_id, .. } => {
                parent.insert(
                    crate::op::placeholder(Kind::Team, &o.key),
                    parent_id.clone(),
                );
            }
            _ => {}
        }
    }
    if moves.is_empty() {
        return;
    }
    for t in &live.teams {
        parent
            .entry(t.id.clone())
            .or_insert_with(|| t.parent_id.clone());
    }
    for (team, &i) in &moves {
        let mut above = parent.get(team).cloned().flatten();
        // A loop of parents (a portal out of shape) ends the walk.
        for _ in 0..parent.len() {
            let Some(p) = above else {
                break;
            };
            if let Some(&j) = moves.get(&p) {
                edge(j, i);
                break;
            }
            above = parent.get(&p).cloned().flatten();
        }
    }
}

/// Orders `ops` and fills each one's `depends_on` with indexes into the returned list.
pub fn order(ops: Vec<Op>, live: &LiveState) -> Vec<Op> {
    let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(ops.len(), ops.len());
    let nodes: Vec<NodeIndex> = (0..ops.len()).map(|i| graph.add_node(i)).collect();
    let creates: HashMap<(Kind, &str), usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.action == Action::Create)
        .map(|(i, o)| ((o.kind, o.key.as_str()), i))
        .collect();
    let mut by_id: HashMap<(Kind, &str), Vec<usize>> = HashMap::default();
    for (i, o) in ops.iter().enumerate() {
        if let Some(id) = &o.portal_id {
            by_id.entry((o.kind, id.as_str())).or_default().push(i);
        }
    }
    // Each edge once: petgraph's `update_edge` looks through the source's edges, which for
    // a role created with thousands of users on it made ordering quadratic.
    let mut edges: foldhash::HashSet<(usize, usize)> = foldhash::HashSet::default();
    let mut edge = |from: usize, to: usize| {
        if from != to && edges.insert((from, to)) {
            graph.add_edge(nodes[from], nodes[to], ());
        }
    };
    for (i, o) in ops.iter().enumerate() {
        for r in references(&o.change) {
            if let Some((kind, key)) = parse_placeholder(r)
                && let Some(&c) = creates.get(&(kind, key))
            {
                edge(c, i);
            }
        }
    }
    reparenting(&ops, live, &mut edge);
    // Whatever still refers to an object must be changed before the object is deleted.
    for (i, o) in ops.iter().enumerate() {
        if o.action != Action::Delete {
            continue;
        }
        let Some(id) = o.portal_id.as_deref() else {
            continue;
        };
        let mut before = |kind: Kind, other: &str| {
            for &j in by_id.get(&(kind, other)).into_iter().flatten() {
                edge(j, i);
            }
        };
        match o.kind {
            Kind::Team => {
                for u in &live.users {
                    if u.primary_team_id.as_deref() == Some(id)
                        || u.additional_team_ids.iter().any(|t| t == id)
                    {
                        before(Kind::User, &u.id);
                    }
                }
                for t in live
                    .teams
                    .iter()
                    .filter(|t| t.parent_id.as_deref() == Some(id))
                {
                    before(Kind::Team, &t.id);
                }
                for a in &live.assets {
                    if a.team_ids.iter().flatten().any(|t| t == id) {
                        before(Kind::Asset, &a.id);
                    }
                }
            }
            Kind::Role => {
                for u in live
                    .users
                    .iter()
                    .filter(|u| u.role_id.as_deref() == Some(id))
                {
                    before(Kind::User, &u.id);
                }
            }
            Kind::User | Kind::Asset => {}
        }
    }
    // Kahn's algorithm, taking the ready operation with the lowest (phase, policy order).
    let mut indegree: Vec<usize> = nodes
        .iter()
        .map(|n| {
            graph
                .neighbors_directed(*n, petgraph::Direction::Incoming)
                .count()
        })
        .collect();
    let mut ready: BinaryHeap<Reverse<(u8, usize)>> = (0..ops.len())
        .filter(|i| indegree[*i] == 0)
        .map(|i| Reverse((phase(&ops[i]), i)))
        .collect();
    let mut sequence = Vec::with_capacity(ops.len());
    while let Some(Reverse((_, i))) = ready.pop() {
        sequence.push(i);
        for next in graph.neighbors_directed(nodes[i], petgraph::Direction::Outgoing) {
            let j = graph[next];
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(Reverse((phase(&ops[j]), j)));
            }
        }
    }
    // A cycle cannot arise from a valid policy; should one appear, keep its operations at the
    // end in phase order rather than dropping them.
    let mut placed = vec![false; ops.len()];
    for &i in &sequence {
        placed[i] = true;
    }
    let mut rest: Vec<usize> = (0..ops.len()).filter(|i| !placed[*i]).collect();
    rest.sort_by_key(|i| (phase(&ops[*i]), *i));
    sequence.extend(rest);
    let mut position = vec![0usize; ops.len()];
    for (pos, &i) in sequence.iter().enumerate() {
        position[i] = pos;
    }
    let deps: Vec<Vec<usize>> = (0..ops.len())
        .map(|i| {
            let mut d: Vec<usize> = graph
                .neighbors_directed(nodes[i], petgraph::Direction::Incoming)
                .map(|n| position[graph[n]])
                .collect();
            d.sort_unstable();
            d
        })
        .collect();
    let mut slots: Vec<Option<Op>> = ops.into_iter().map(Some).collect();
    sequence
        .iter()
        .filter_map(|&i| {
            let mut op = slots[i].take()?;
            op.depends_on = deps[i].clone();
            Some(op)
        })
        .collect()
}
