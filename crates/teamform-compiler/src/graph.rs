//! The org graph: teams, users, roles and assets as petgraph nodes, with the edges parent-of,
//! member-of (primary or additional), holds-role and partitioned-to. Cycles in the team tree
//! are reported here and broken, so that everything downstream walks a forest.

use crate::resolve::{AssetId, Index, RoleId, TeamId, UserId};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::Policy;

/// A node of the org graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// A team.
    Team(TeamId),
    /// A user.
    User(UserId),
    /// A role.
    Role(RoleId),
    /// An asset.
    Asset(AssetId),
}

/// An edge of the org graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// From a parent team to a child team.
    ParentOf,
    /// From a user to a team; `primary` for the user's primary team.
    MemberOf {
        /// Whether this is the primary team.
        primary: bool,
    },
    /// From a user to their role.
    HoldsRole,
    /// From an asset to a team it is partitioned to.
    PartitionedTo,
}

/// The org graph, with the adjacency that queries need at hand.
#[derive(Debug, Default)]
pub struct OrgGraph {
    /// Every entity and relation.
    pub graph: DiGraph<Node, Edge>,
    /// Per team, its parent in the (acyclic) team forest.
    pub parent: Vec<Option<TeamId>>,
    /// Per team, its child teams.
    pub children: Vec<Vec<TeamId>>,
    /// Per team, its members: the user and whether it is their primary team.
    pub members: Vec<Vec<(UserId, bool)>>,
    /// Per role, the users holding it.
    pub holders: Vec<Vec<UserId>>,
    /// Per team, the assets partitioned to it.
    pub team_assets: Vec<Vec<AssetId>>,
    /// Assets partitioned to no team.
    pub unassigned: Vec<AssetId>,
    /// Per asset, whether it is partitioned to no team.
    pub asset_unassigned: Vec<bool>,
    /// Teams that were part of a cycle.
    pub in_cycle: Vec<bool>,
}

impl OrgGraph {
    /// The node of a team.
    pub fn team_node(&self, team: TeamId) -> NodeIndex {
        NodeIndex::new(team.index())
    }

    /// The team itself, then its parent, up to the root.
    pub fn ancestors(&self, team: TeamId) -> Vec<TeamId> {
        let mut chain = vec![team];
        let mut current = team;
        while let Some(p) = self.parent[current.index()] {
            chain.push(p);
            current = p;
        }
        chain
    }

    /// The team itself and all its descendants, depth first.
    pub fn descendants(&self, team: TeamId) -> Vec<TeamId> {
        let mut out = Vec::new();
        let mut stack = vec![team];
        while let Some(t) = stack.pop() {
            out.push(t);
            stack.extend(self.children[t.index()].iter().rev());
        }
        out
    }
}

/// Builds the graph, reporting and breaking cycles in the team tree.
pub(crate) fn build(policy: &Policy, index: &Index, diags: &mut Vec<Diagnostic>) -> OrgGraph {
    let teams = policy.teams.len();
    let mut g = OrgGraph {
        graph: DiGraph::with_capacity(
            teams + policy.roles.len() + policy.users.len() + policy.assets.len(),
            teams + policy.users.len() * 3 + policy.assets.len(),
        ),
        parent: index.parent.clone(),
        children: vec![Vec::new(); teams],
        members: vec![Vec::new(); teams],
        holders: vec![Vec::new(); policy.roles.len()],
        team_assets: vec![Vec::new(); teams],
        unassigned: Vec::new(),
        asset_unassigned: vec![false; policy.assets.len()],
        in_cycle: vec![false; teams],
    };
    let team_nodes: Vec<NodeIndex> = (0..teams)
        .map(|i| g.graph.add_node(Node::Team(TeamId(i as u32))))
        .collect();
    let role_nodes: Vec<NodeIndex> = (0..policy.roles.len())
        .map(|i| g.graph.add_node(Node::Role(RoleId(i as u32))))
        .collect();
    for (t, parent) in index.parent.iter().enumerate() {
        if let Some(p) = parent {
            g.graph
                .add_edge(team_nodes[p.index()], team_nodes[t], Edge::ParentOf);
        }
    }
    break_cycles(policy, &mut g, diags);
    for (t, parent) in g.parent.iter().enumerate() {
        if let Some(p) = parent {
            g.children[p.index()].push(TeamId(t as u32));
        }
    }
    for u in 0..policy.users.len() {
        let user = UserId(u as u32);
        let node = g.graph.add_node(Node::User(user));
        if let Some(r) = index.user_role[u] {
            g.graph
                .add_edge(node, role_nodes[r.index()], Edge::HoldsRole);
            g.holders[r.index()].push(user);
        }
        if let Some(t) = index.user_team[u] {
            g.graph.add_edge(
                node,
                team_nodes[t.index()],
                Edge::MemberOf { primary: true },
            );
            g.members[t.index()].push((user, true));
        }
        for t in &index.user_teams[u] {
            g.graph.add_edge(
                node,
                team_nodes[t.index()],
                Edge::MemberOf { primary: false },
            );
            g.members[t.index()].push((user, false));
        }
    }
    for (a, teams) in index.asset_teams.iter().enumerate() {
        let asset = AssetId(a as u32);
        let node = g.graph.add_node(Node::Asset(asset));
        if policy.assets[a].teams.is_empty() {
            g.unassigned.push(asset);
            g.asset_unassigned[a] = true;
        }
        for t in teams {
            g.graph
                .add_edge(node, team_nodes[t.index()], Edge::PartitionedTo);
            g.team_assets[t.index()].push(asset);
        }
    }
    g
}

/// Finds the strongly connected components of the parent-of edges: each one larger than a
/// team, or a team that is its own parent, is a cycle. It is reported once, whole, and broken
/// by dropping the parents of its teams.
fn break_cycles(policy: &Policy, g: &mut OrgGraph, diags: &mut Vec<Diagnostic>) {
    let team_graph = g.graph.filter_map(
        |_, n| matches!(n, Node::Team(_)).then_some(*n),
        |_, e| (*e == Edge::ParentOf).then_some(()),
    );
    for component in tarjan_scc(&team_graph) {
        let ids: Vec<TeamId> = component
            .iter()
            .filter_map(|n| match team_graph[*n] {
                Node::Team(t) => Some(t),
                _ => None,
            })
            .collect();
        let self_loop = ids.len() == 1 && g.parent[ids[0].index()] == Some(ids[0]);
        if ids.len() < 2 && !self_loop {
            continue;
        }
        // Walk the cycle from its first team in file order, following parents.
        let Some(&start) = ids.iter().min() else {
            continue;
        };
        let mut order = vec![start];
        let mut current = start;
        while let Some(p) = g.parent[current.index()] {
            if p == start || order.contains(&p) {
                break;
            }
            order.push(p);
            current = p;
        }
        let names: Vec<String> = order
            .iter()
            .chain(std::iter::once(&start))
            .map(|t| format!("`{}`", policy.teams[t.index()].key.value))
            .collect();
        let first = &policy.teams[start.index()];
        let mut d = Diagnostic::new(
            Code::TeamCycle,
            format!("the team tree has a cycle: {}", names.join(" → ")),
        );
        for (i, t) in order.iter().enumerate() {
            let team = &policy.teams[t.index()];
            if let Some(parent) = &team.parent {
                let label = format!("`{}` is a child of `{}`", team.key.value, parent.value);
                d = if i == 0 {
                    d.primary(parent.span, label)
                } else {
                    d.secondary(parent.span, label)
                };
            }
        }
        if d.labels.is_empty() {
            d = d.primary(first.span, "");
        }
        diags.push(d.help("a team cannot be its own ancestor: remove one `parent` of the cycle"));
        for t in &ids {
            g.parent[t.index()] = None;
            g.in_cycle[t.index()] = true;
        }
    }
}
