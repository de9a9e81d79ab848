//! The diff of asset partitions: new assets, renames and moves between teams. Assets only
//! the portal has are left alone (teamform does not manage them).

use super::{Diff, DiffContext, change, list, op, sorted_list};
use crate::desired::DesiredAsset;
use crate::field::Field;
use crate::op::Action;
use std::borrow::Cow;
use teamform_portal::{Change, ObjectKind};

/// Whether the live asset already is as desired (and its teams can be read), so that the
/// diff has nothing for it: the comparisons of [`assets`], made on borrowed strings.
fn asset_unchanged(
    cx: &DiffContext<'_>,
    a: &DesiredAsset<'_>,
    l: &teamform_portal::LiveAsset,
) -> bool {
    let Some(ids) = &l.team_ids else {
        return false;
    };
    if l.name != a.name || ids.len() != a.teams.len() {
        return false;
    }
    let mut want: Vec<Cow<'_, str>> = a.teams.iter().map(|t| cx.team_ref_str(t)).collect();
    want.sort();
    let live = sorted_list(ids);
    want.iter()
        .map(|w| w.as_ref())
        .eq(live.iter().map(String::as_str))
}

/// The operations on assets, in policy order: diffed in chunks on several threads (a large
/// org has tens of thousands of assets).
pub(super) fn assets(cx: &DiffContext<'_>, out: &mut Diff) {
    // A portal that cannot read partitions is overlaid with what is known before the diff
    // (`crate::known`), so every asset compared here has been read or stands in for it.
    let live: foldhash::HashMap<&str, &teamform_portal::LiveAsset> =
        cx.live.assets.iter().map(|a| (a.id.as_str(), a)).collect();
    let parts = crate::par::parts(&cx.desired.assets, 4096, |_, chunk| {
        let mut part = Diff::default();
        part.ops.reserve(chunk.len());
        for a in chunk {
            let bound = cx
                .matching
                .bound
                .assets
                .get(&a.reference)
                .and_then(|id| live.get(id.as_str()));
            asset(cx, a, bound.copied(), &mut part);
        }
        vec![part]
    });
    for part in parts.into_iter().flatten() {
        out.ops.extend(part.ops);
        out.unverifiable.extend(part.unverifiable);
    }
}

/// The operations on the desired asset `a`, bound to the live asset `bound`.
fn asset(
    cx: &DiffContext<'_>,
    a: &DesiredAsset<'_>,
    bound: Option<&teamform_portal::LiveAsset>,
    out: &mut Diff,
) {
    let caps = cx.caps.of(ObjectKind::Asset);
    if bound.is_some_and(|l| asset_unchanged(cx, a, l)) {
        return;
    }
    let mut team_ids: Vec<String> = a.teams.iter().map(|t| cx.team_ref(t)).collect();
    team_ids.sort();
    let names: Vec<String> = a.teams.iter().map(|t| cx.team_name_of_key(t)).collect();
    match bound {
        None => out.ops.push(op(
            (ObjectKind::Asset, Action::Create),
            &a.reference,
            a.name,
            None,
            vec![
                change(Field::Name, None, Some(a.name.to_string())),
                change(Field::Teams, None, Some(list(&names))),
            ],
            Change::CreateAsset {
                kind: a.kind.to_string(),
                name: a.name.to_string(),
                team_ids,
            },
            caps.create,
        )),
        Some(l) => {
            let mut changes = Vec::new();
            let name = (l.name != a.name).then(|| a.name.to_string());
            if name.is_some() {
                changes.push(change(
                    Field::Name,
                    Some(l.name.clone()),
                    Some(a.name.to_string()),
                ));
            }
            let teams = match &l.team_ids {
                None => {
                    out.unverifiable
                        .push(format!("asset:{} teams", a.reference));
                    None
                }
                Some(ids) => {
                    let mut ids = ids.clone();
                    ids.sort();
                    (ids != team_ids).then(|| {
                        let before: Vec<String> =
                            ids.iter().map(|i| cx.team_name_of_id(i)).collect();
                        changes.push(change(
                            Field::Teams,
                            Some(list(&before)),
                            Some(list(&names)),
                        ));
                        team_ids.clone()
                    })
                }
            };
            if !changes.is_empty() {
                out.ops.push(op(
                    (ObjectKind::Asset, Action::Update),
                    &a.reference,
                    a.name,
                    Some(&l.id),
                    changes,
                    Change::UpdateAsset {
                        id: l.id.clone(),
                        name,
                        team_ids: teams,
                    },
                    caps.update,
                ));
            }
        }
    }
}
