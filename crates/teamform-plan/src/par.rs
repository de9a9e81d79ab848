//! Work split over the machine's threads, results kept in input order: the per-user pieces
//! of a plan (the diff of users, the access lines of the changed users) scale with the org.

/// The number of threads to use.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `f` of consecutive chunks of `items` (with the position of each chunk's first item),
/// concatenated in order; one chunk, on this thread, when there are few items or one thread.
pub(crate) fn chunks<'a, T: Sync, R: Send>(
    items: &'a [T],
    min_chunk: usize,
    f: impl Fn(usize, &'a [T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let mut parts = parts(items, min_chunk, f);
    if parts.len() == 1 {
        return parts.pop().unwrap_or_default();
    }
    let mut out = Vec::new();
    append(&mut out, parts);
    out
}

/// Appends `parts` to `out` in order, `out` grown once: the results of a large org are not
/// moved each time the list grows.
pub(crate) fn append<R>(out: &mut Vec<R>, parts: Vec<Vec<R>>) {
    out.reserve(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend(part);
    }
}

/// [`chunks`], each chunk's results apart, in order: for a caller that appends them to a
/// list of its own (moving them once).
pub(crate) fn parts<'a, T: Sync, R: Send>(
    items: &'a [T],
    min_chunk: usize,
    f: impl Fn(usize, &'a [T]) -> Vec<R> + Sync,
) -> Vec<Vec<R>> {
    let threads = threads();
    let chunk = items.len().div_ceil(threads * 4).max(min_chunk);
    if threads == 1 || items.len() <= chunk {
        return vec![f(0, items)];
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(n, c)| s.spawn(move || f(n * chunk, c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `f` of each item, in order.
pub(crate) fn map<'a, T: Sync, R: Send>(items: &'a [T], f: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    chunks(items, 16, |_, c| c.iter().map(&f).collect())
}

/// `f` of each item with its position, in order.
pub(crate) fn map_indexed<'a, T: Sync, R: Send>(
    items: &'a [T],
    f: impl Fn((usize, &'a T)) -> R + Sync,
) -> Vec<R> {
    chunks(items, 16, |at, c| {
        c.iter().enumerate().map(|(i, x)| f((at + i, x))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_the_order_and_the_positions() {
        let items: Vec<usize> = (0..10_000).collect();
        let out = chunks(&items, 7, |at, c| {
            c.iter().enumerate().map(|(i, v)| (at + i, *v)).collect()
        });
        assert_eq!(out.len(), items.len());
        assert!(out.iter().all(|(at, v)| at == v));
        assert_eq!(map(&items, |v| v * 2)[9_999], 19_998);
    }
}
