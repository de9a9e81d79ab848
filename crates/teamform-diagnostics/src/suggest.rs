//! "Did you mean" suggestions from fuzzy matching, and applying suggestions to a file's text
//! (`validate --fix`).

use crate::{FileId, Suggestion};

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(input, candidate);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `text`, the text of `file`, with the suggestions for that file applied, and how many were.
/// They are applied from the end of the file so that earlier spans stay where they were; one
/// that overlaps a suggestion already applied, or the same span twice, is left out.
pub fn apply_suggestions<'a>(
    text: &str,
    file: FileId,
    suggestions: impl IntoIterator<Item = &'a Suggestion>,
) -> (String, usize) {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = suggestions
        .into_iter()
        .filter(|s| s.span.file == file)
        .map(|s| s.edit(text))
        .filter(|(range, _)| text.get(range.clone()).is_some())
        .collect();
    edits.sort_by(|a, b| b.0.start.cmp(&a.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = text.to_string();
    let mut applied = 0;
    let mut limit = usize::MAX;
    for (range, replacement) in edits {
        if range.end > limit {
            continue;
        }
        out.replace_range(range.clone(), &replacement);
        limit = range.start;
        applied += 1;
    }
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::{apply_suggestions, did_you_mean};
    use crate::{FileId, Span, Suggestion};

    #[test]
    fn suggestions_are_applied_from_the_end_and_overlaps_left_out() {
        let text = "team = \"sales-fra\"\nparnet = \"x\"\n";
        let at = |start, end, replacement: &str| Suggestion {
            span: Span {
                file: FileId(0),
                start,
                end,
            },
            replacement: replacement.to_string(),
        };
        let fixes = [
            at(7, 18, "sales-fr"),
            at(19, 25, "parent"),
            at(18, 21, "overlapping"),
            Suggestion {
                span: Span {
                    file: FileId(1),
                    start: 0,
                    end: 4,
                },
                replacement: "other file".to_string(),
            },
        ];
        let (fixed, n) = apply_suggestions(text, FileId(0), &fixes);
        assert_eq!(fixed, "team = \"sales-fr\"\nparent = \"x\"\n");
        assert_eq!(n, 2);
    }

    #[test]
    fn suggests_a_near_miss_and_nothing_for_a_stranger() {
        let keys = ["parent", "name", "description"];
        assert_eq!(did_you_mean("parnet", keys), Some("parent"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(
            did_you_mean("sales-fra", ["sales-fr", "sales-de"]),
            Some("sales-fr")
        );
    }
}
