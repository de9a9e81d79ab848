//! "Did you mean" suggestions from fuzzy matching.

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

#[cfg(test)]
mod tests {
    use super::did_you_mean;

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
