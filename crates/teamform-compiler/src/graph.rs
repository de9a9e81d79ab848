//! The org graph: teams, users, roles and assets as petgraph nodes, with the edges parent-of,
//! member-of (primary or additional), holds-role and partitioned-to. Cycles in the team tree
//! are reported here and broken, so that everything downstream walks a forest.

use crate::resolve::{AssetId, Index, RoleId, TeamId, UserId};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
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
    /// The team forest in depth-first order, made when first asked for ([`OrgGraph::tour`]).
    tour: std::sync::OnceLock<Tour>,
}

/// The team forest in depth-first order (children in the order of [`OrgGraph::descendants`]):
/// each team's subtree is one range of positions, so "is this team below that one" and "how
/// many teams are below it" are answered without walking the tree.
#[derive(Debug, Default)]
pub struct Tour {
    /// Per team, its position.
    position: Vec<u32>,
    /// Per team, the position after its last descendant.
    end: Vec<u32>,
}

impl Tour {
    /// The tour of `g`'s forest: roots in team order, then any team no root reaches (a team
    /// of a broken cycle), each alone.
    fn of(g: &OrgGraph) -> Tour {
        let n = g.children.len();
        let mut tour = Tour {
            position: vec![u32::MAX; n],
            end: vec![0; n],
        };
        let mut next = 0u32;
        // (team, whether its children were pushed)
        let mut stack: Vec<(TeamId, bool)> = Vec::new();
        let roots = (0..n).filter(|t| g.parent[*t].is_none());
        for start in roots.chain(0..n) {
            if tour.position[start] != u32::MAX {
                continue;
            }
            stack.push((TeamId(start as u32), false));
            while let Some((t, done)) = stack.pop() {
                if done {
                    tour.end[t.index()] = next;
                    continue;
                }
                if tour.position[t.index()] != u32::MAX {
                    continue;
                }
                tour.position[t.index()] = next;
                next += 1;
                stack.push((t, true));
                for c in g.children[t.index()].iter().rev() {
                    if tour.position[c.index()] == u32::MAX {
                        stack.push((*c, false));
                    }
                }
            }
        }
        tour
    }

    /// The position of `team`.
    pub fn position(&self, team: TeamId) -> u32 {
        self.position[team.index()]
    }

    /// Whether `team` is `root` or below it.
    pub fn contains(&self, root: TeamId, team: TeamId) -> bool {
        let at = self.position[team.index()];
        self.position[root.index()] <= at && at < self.end[root.index()]
    }

    /// How many teams the subtree of `root` has, itself included.
    pub fn size(&self, root: TeamId) -> usize {
        (self.end[root.index()] - self.position[root.index()]) as usize
    }
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

    /// The team forest in depth-first order (see [`Tour`]).
    pub fn tour(&self) -> &Tour {
        self.tour.get_or_init(|| Tour::of(self))
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
        tour: std::sync::OnceLock::new(),
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
        if let Some(r) = index.resolved_users[u].role {
            g.graph
                .add_edge(node, role_nodes[r.index()], Edge::HoldsRole);
            g.holders[r.index()].push(user);
        }
        if let Some(t) = index.resolved_users[u].team {
            g.graph.add_edge(
                node,
                team_nodes[t.index()],
                Edge::MemberOf { primary: true },
            );
            g.members[t.index()].push((user, true));
        }
        for t in &index.resolved_users[u].teams {
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

/// A user's resolved role, primary team and additional teams.
pub(crate) type Placement<'a> = (Option<RoleId>, Option<TeamId>, &'a [TeamId]);

/// Moves `user` from where `old` placed them to where `new` does: their edges, the holders of
/// their role and the members of their teams, leaving every list as [`build`] makes it (in
/// user order, a user's primary membership before their additional ones).
pub(crate) fn move_user(
    g: &mut OrgGraph,
    policy: &Policy,
    user: UserId,
    old: Placement<'_>,
    new: Placement<'_>,
) {
    let node = NodeIndex::new(policy.teams.len() + policy.roles.len() + user.index());
    // Removing an edge moves the last one into its place: removing in descending order leaves
    // the indices still to remove valid.
    let mut edges: Vec<_> = g.graph.edges(node).map(|e| e.id()).collect();
    edges.sort_unstable_by(|a, b| b.cmp(a));
    for e in edges {
        g.graph.remove_edge(e);
    }
    if let Some(r) = old.0 {
        g.holders[r.index()].retain(|u| *u != user);
    }
    for t in old.1.iter().chain(old.2) {
        g.members[t.index()].retain(|(u, _)| *u != user);
    }
    let (role, team, teams) = new;
    if let Some(r) = role {
        g.graph.add_edge(
            node,
            NodeIndex::new(policy.teams.len() + r.index()),
            Edge::HoldsRole,
        );
        let holders = &mut g.holders[r.index()];
        let at = holders.partition_point(|u| *u < user);
        holders.insert(at, user);
    }
    for (t, primary) in team
        .iter()
        .map(|t| (t, true))
        .chain(teams.iter().map(|t| (t, false)))
    {
        g.graph
            .add_edge(node, NodeIndex::new(t.index()), Edge::MemberOf { primary });
        let members = &mut g.members[t.index()];
        let at = members.partition_point(|(u, _)| *u <= user);
        members.insert(at, (user, primary));
    }
}

/// Finds the cycles of the team tree, reports each once, whole, and breaks it by dropping the
/// parents of its teams. Every team has at most one parent, so the cycles are found by
/// following parents from each team in turn: linear time, and no recursion, so that a tree
/// thousands deep cannot overflow the stack (petgraph's `tarjan_scc` recurses).
fn break_cycles(policy: &Policy, g: &mut OrgGraph, diags: &mut Vec<Diagnostic>) {
    for order in find_cycles(&g.parent) {
        let Some(&start) = order.first() else {
            continue;
        };
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
        for t in &order {
            g.parent[t.index()] = None;
            g.in_cycle[t.index()] = true;
        }
    }
}

/// The cycles of the forest given by `parent`, each listed from its first team in file order
/// and following parents; the cycles come in the order of their first team.
fn find_cycles(parent: &[Option<TeamId>]) -> Vec<Vec<TeamId>> {
    const UNSEEN: usize = usize::MAX;
    // The walk that first reached each team, named by the team it started from.
    let mut walk = vec![UNSEEN; parent.len()];
    let mut cycles = Vec::new();
    for start in 0..parent.len() {
        if walk[start] != UNSEEN {
            continue;
        }
        let mut path = Vec::new();
        let mut current = start;
        loop {
            if walk[current] == UNSEEN {
                walk[current] = start;
                path.push(current);
                match parent[current] {
                    Some(p) => current = p.index(),
                    None => break,
                }
            } else {
                // Back on this walk's own path: the path from that team on is a cycle. A team
                // reached by an earlier walk leads to a root or to a cycle already found.
                if walk[current] == start
                    && let Some(at) = path.iter().position(|&t| t == current)
                {
                    let mut cycle: Vec<TeamId> =
                        path[at..].iter().map(|&t| TeamId(t as u32)).collect();
                    if let Some(first) = (0..cycle.len()).min_by_key(|&i| cycle[i]) {
                        cycle.rotate_left(first);
                    }
                    cycles.push(cycle);
                }
                break;
            }
        }
    }
    cycles.sort();
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parents(list: &[Option<u32>]) -> Vec<Option<TeamId>> {
        list.iter().map(|p| p.map(TeamId)).collect()
    }

    #[test]
    fn find_cycles_finds_self_loops_long_cycles_and_ignores_their_tails() {
        // 0 is its own parent; 1 → 2 → 3 → 1 with 4 hanging below 2; 5 is a root.
        let p = parents(&[Some(0), Some(2), Some(3), Some(1), Some(2), None]);
        assert_eq!(
            find_cycles(&p),
            vec![vec![TeamId(0)], vec![TeamId(1), TeamId(2), TeamId(3)]]
        );
    }

    /// A forest of `n` teams where each team's parent, if any, comes before it.
    fn forest(n: usize, seed: u64) -> OrgGraph {
        let mut x = seed;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize
        };
        let mut g = OrgGraph {
            parent: vec![None; n],
            children: vec![Vec::new(); n],
            ..OrgGraph::default()
        };
        for t in 1..n {
            if next() % 5 != 0 {
                let p = next() % t;
                g.parent[t] = Some(TeamId(p as u32));
                g.children[p].push(TeamId(t as u32));
            }
        }
        g
    }

    #[test]
    fn the_tour_agrees_with_descendants_and_ancestors() {
        for seed in 0..50 {
            let g = forest(60, seed);
            let tour = g.tour();
            for r in 0..60 {
                let root = TeamId(r);
                let below = g.descendants(root);
                assert_eq!(tour.size(root), below.len(), "seed {seed}, team {r}");
                for t in 0..60 {
                    let team = TeamId(t);
                    assert_eq!(
                        tour.contains(root, team),
                        g.ancestors(team).contains(&root),
                        "seed {seed}: {r} above {t}"
                    );
                }
            }
        }
    }

    #[test]
    fn find_cycles_starts_each_cycle_at_its_first_team() {
        // 3 → 1 → 2 → 3: listed from 1, following parents.
        let p = parents(&[None, Some(2), Some(3), Some(1)]);
        assert_eq!(find_cycles(&p), vec![vec![TeamId(1), TeamId(2), TeamId(3)]]);
    }

    #[test]
    fn find_cycles_on_a_chain_thousands_deep_does_not_recurse() {
        let n = 100_000u32;
        let mut list: Vec<Option<u32>> = (0..n).map(|i| i.checked_sub(1)).collect();
        assert!(find_cycles(&parents(&list)).is_empty());
        list[0] = Some(n - 1);
        let cycles = find_cycles(&parents(&list));
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n as usize);
    }
}
