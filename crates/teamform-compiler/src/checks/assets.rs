//! Checks of assets: partitioning the tiers cannot do, and unassigned assets (a leak).

use super::Ctx;
use teamform_diagnostics::{Code, Diagnostic, Severity};
use teamform_model::partition_requirement;

pub(super) fn check(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let g = &cx.policy.guardrails;
    let strict = g.require_partition.as_ref().is_some_and(|r| r.value);
    let mut names = std::collections::HashMap::new();
    for asset in &cx.policy.assets {
        if let Some(name) = &asset.name {
            let kind = format!("{} asset", asset.kind);
            let key: &str = &asset.key.value;
            match names.get(&(asset.kind, name.value.as_str())) {
                Some((first, first_key)) => diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!(
                            "{kind}s `{first_key}` and `{key}` have the same name `{}`",
                            name.value
                        ),
                    )
                    .primary(name.span, "same name again")
                    .secondary(*first, "first used here")
                    .help(format!(
                        "the portal tells {kind}s apart by name: give each its own"
                    )),
                ),
                None => {
                    names.insert((asset.kind, name.value.as_str()), (name.span, key));
                }
            }
        }
        let reference = asset.reference();
        if let Some(portal) = &cx.policy.portal {
            let needs = partition_requirement(asset.kind);
            // A tier that could not be read is unknown: it may be the one that allows it.
            let unknown = needs
                .iter()
                .any(|(hub, _)| portal.unread_tiers.contains(hub));
            let allowed = needs.is_empty()
                || unknown
                || needs.iter().any(|(hub, tier)| portal.tier(*hub) >= *tier);
            if !allowed && !asset.teams.is_empty() {
                let wanted = needs
                    .iter()
                    .map(|(hub, tier)| format!("{hub} {tier}"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let current = needs
                    .iter()
                    .map(|(hub, _)| format!("{hub} is {}", portal.tier(*hub)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut d = Diagnostic::new(
                    Code::TierCannotPartition,
                    format!(
                        "the portal's tiers cannot partition `{}` assets such as `{reference}`",
                        asset.kind
                    ),
                )
                .primary(asset.span, format!("needs {wanted}"));
                if let Some((_, t)) = portal
                    .tiers
                    .iter()
                    .find(|(h, _)| needs.iter().any(|(n, _)| n == h))
                {
                    d = d.secondary(t.span, "the tier here");
                }
                diags.push(d.help(format!(
                    "partitioning `{}` needs {wanted} ({current}): upgrade, or leave the asset out of the policy",
                    asset.kind
                )));
            }
        }
        let public = g.public_assets.iter().any(|p| p.value == reference);
        if asset.teams.is_empty() && !public {
            let severity = if strict {
                Severity::Error
            } else {
                Severity::Warning
            };
            diags.push(
                Diagnostic::new(
                    Code::UnassignedAsset,
                    format!("asset `{reference}` is partitioned to no team: every team with content permissions sees it"),
                )
                .severity(severity)
                .primary(asset.span, "no `teams`")
                .help(format!(
                    "add `teams = [\"...\"]`, or list `\"{reference}\"` in `[guardrails] public_assets` if it is meant for everyone"
                )),
            );
        }
    }
}
