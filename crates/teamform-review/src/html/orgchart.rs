//! The org chart as inline SVG: one row per team in tree order (a parent above its children,
//! indented by depth, joined by elbow lines), with its members and reviewers counted. Laid
//! out with an explicit stack, so a tree of any depth draws without recursion.

use super::escape;
use crate::types::ReviewTeam;
use std::collections::HashMap;
use std::fmt::Write as _;

const ROW: usize = 28;
const INDENT: usize = 22;
const BOX_H: usize = 22;

/// The teams in tree order, each with its depth; teams whose parent is unknown are roots.
pub(crate) fn tree_order(teams: &[ReviewTeam]) -> Vec<(usize, usize)> {
    let position: HashMap<&str, usize> = teams
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key.as_str(), i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); teams.len()];
    let mut roots = Vec::new();
    for (i, t) in teams.iter().enumerate() {
        match t.parent.as_deref().and_then(|p| position.get(p)) {
            Some(&p) if p != i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(teams.len());
    let mut seen = vec![false; teams.len()];
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|r| (r, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        out.push((i, depth));
        for &c in children[i].iter().rev() {
            stack.push((c, depth + 1));
        }
    }
    // Teams on a cycle (reported by validate) are drawn as roots rather than left out.
    for (i, s) in seen.iter().enumerate() {
        if !s {
            out.push((i, 0));
        }
    }
    out
}

/// The SVG element.
pub(crate) fn svg(teams: &[ReviewTeam]) -> String {
    let order = tree_order(teams);
    let max_depth = order.iter().map(|(_, d)| *d).max().unwrap_or(0);
    let width = 520 + max_depth * INDENT;
    let height = order.len().max(1) * ROW + 8;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Org chart of {} teams" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#,
        order.len()
    );
    out.push_str("<title>Org chart</title>");
    let mut row_of = vec![0usize; teams.len()];
    for (row, (i, _)) in order.iter().enumerate() {
        row_of[*i] = row;
    }
    let position: HashMap<&str, usize> = teams
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key.as_str(), i))
        .collect();
    for (row, &(i, depth)) in order.iter().enumerate() {
        let t = &teams[i];
        let x = 4 + depth * INDENT;
        let y = 4 + row * ROW;
        if depth > 0
            && let Some(&p) = t.parent.as_deref().and_then(|p| position.get(p))
        {
            let px = 4 + (depth - 1) * INDENT + 8;
            let py = 4 + row_of[p] * ROW + BOX_H;
            let cy = y + BOX_H / 2;
            let _ = write!(
                out,
                r##"<path d="M{px} {py} V{cy} H{x}" fill="none" stroke="#8a94a6"/>"##
            );
        }
        let reviewers = if t.reviewers.is_empty() {
            "no reviewer".to_string()
        } else {
            format!("reviewed by {}", t.reviewers.join(", "))
        };
        let label = format!(
            "{} · {} member{} · {}",
            t.name,
            t.members.len(),
            if t.members.len() == 1 { "" } else { "s" },
            reviewers
        );
        let w = 500;
        let _ = write!(
            out,
            r##"<g><rect x="{x}" y="{y}" width="{w}" height="{BOX_H}" rx="4" fill="#eef2f8" stroke="#4a6fa5"/><text x="{}" y="{}" font-size="12" font-family="sans-serif" fill="#1b2a41">{}</text></g>"##,
            x + 6,
            y + 15,
            escape(&label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(key: &str, parent: Option<&str>) -> ReviewTeam {
        ReviewTeam {
            key: key.into(),
            name: key.into(),
            parent: parent.map(str::to_string),
            reviewers: Vec::new(),
            reviewers_from: None,
            members: Vec::new(),
        }
    }

    #[test]
    fn children_follow_their_parent_at_any_depth() {
        let mut teams = vec![team("b", Some("a")), team("a", None), team("c", Some("b"))];
        let order = tree_order(&teams);
        assert_eq!(order, vec![(1, 0), (0, 1), (2, 2)]);
        // A deep chain draws without recursion.
        teams = (0..50_000)
            .map(|i| {
                let parent = (i > 0).then(|| format!("t{}", i - 1));
                team(&format!("t{i}"), parent.as_deref())
            })
            .collect();
        assert_eq!(tree_order(&teams).last(), Some(&(49_999, 49_999)));
    }
}
