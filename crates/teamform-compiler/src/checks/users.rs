//! Checks of users: the email, the primary team, a primary team repeated, a missing role and
//! expired access.

use super::Ctx;
use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::User;

/// The checks of one user.
pub(super) fn check(cx: &Ctx<'_>, user: &User, diags: &mut Vec<Diagnostic>) {
    let email = &user.key.value;
    if !is_email(email) {
        diags.push(
            Diagnostic::new(
                Code::InvalidEmail,
                format!("`{email}` is not an email address"),
            )
            .primary(user.key.span, "a user's key is their email")
            .help("write the user's login email, such as `[user.\"alice@acme.example\"]`"),
        );
    }
    match &user.team {
        None => diags.push(
            Diagnostic::new(
                Code::MissingPrimaryTeam,
                format!("user `{email}` has no primary team"),
            )
            .primary(user.span, "no `team`")
            .help("add `team = \"...\"` with the key of the user's main team"),
        ),
        Some(primary) => {
            for extra in user.teams.iter().filter(|t| t.value == primary.value) {
                diags.push(
                    Diagnostic::new(
                        Code::PrimaryTeamRepeated,
                        format!(
                            "user `{email}` lists their primary team `{}` again in `teams`",
                            primary.value
                        ),
                    )
                    .primary(extra.span, "already the primary team")
                    .secondary(primary.span, "primary team")
                    .help("remove it from `teams`: `teams` holds only additional teams"),
                );
            }
        }
    }
    if user.role.is_none() && !user.is_super_admin() {
        diags.push(
            Diagnostic::new(Code::MissingRole, format!("user `{email}` has no role"))
                .primary(user.span, "no `role`")
                .help("add `role = \"...\"` with the key of a permission set"),
        );
    }
    if let Some(expires) = &user.expires
        && expires.value < cx.options.today
    {
        diags.push(
            Diagnostic::new(
                Code::AccessExpired,
                format!(
                    "the access of `{email}` expired on {}: plan, apply and reconcile remove it",
                    expires.value
                ),
            )
            .primary(
                expires.span,
                format!("in the past (today is {})", cx.options.today),
            )
            .help("delete the user's table (an `[offboard]` table can say why), or extend `expires` if the access was renewed"),
        );
    }
    for (team, expires) in user
        .team_expires
        .iter()
        .filter(|(_, e)| e.value < cx.options.today)
    {
        diags.push(
            Diagnostic::new(
                Code::AccessExpired,
                format!(
                    "the membership of `{email}` in team `{team}` expired on {}: plan, apply and reconcile remove it",
                    expires.value
                ),
            )
            .primary(
                expires.span,
                format!("in the past (today is {})", cx.options.today),
            )
            .help("remove the membership from `teams`, or extend its `expires` if it was renewed"),
        );
    }
}

/// A practical check of an email address: one `@`, a non-empty local part without spaces,
/// and a domain with a dot between non-empty labels.
pub(crate) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let valid_chars = |s: &str| {
        s.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"@\\".contains(c))
    };
    !local.is_empty()
        && valid_chars(local)
        && valid_chars(domain)
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn emails() {
        assert!(is_email("amelie.durand@acme.example"));
        assert!(is_email("ștefan@acme.ro"));
        assert!(!is_email("bob-at-acme"));
        assert!(!is_email("bob@acme"));
        assert!(!is_email("bob@@acme.example"));
        assert!(!is_email("bob smith@acme.example"));
        assert!(!is_email("@acme.example"));
        assert!(!is_email("bob@acme..example"));
    }
}
