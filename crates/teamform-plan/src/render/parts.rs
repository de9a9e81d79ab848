//! Lists of a JSON document serialized by two threads while the document is written: a first
//! plan of a large org is tens of megabytes of JSON, and one thread writing it all would leave
//! the other idle. The text is the same as the document serialized on one thread.
//!
//! The helper makes chunks a little ahead of the writer, every other one, and the writer
//! writes the ones it made as it reaches them: what the helper holds stays a few chunks, so
//! its texts reuse the memory of those already written (on a virtual machine that hands
//! freed memory back to its host, touching fresh memory costs more than serializing it).

use serde::Serialize;
use serde::ser::{Error, SerializeSeq};
use serde_json::value::RawValue;
use std::sync::{Condvar, Mutex, MutexGuard};

/// How many items a chunk holds.
const CHUNK: usize = 1024;

/// How far ahead of the writer's chunk the helper may make one.
const AHEAD: usize = 8;

/// A list serialized by two threads, in order: the writer serializes each chunk it reaches
/// unless the helper ([`Relay::help`]) took it, in which case it writes the helper's texts
/// (each item as JSON text). The helper takes every other chunk, up to [`AHEAD`] chunks past
/// the writer's. Each chunk is taken by one of the two, under a lock, so none is serialized
/// twice or skipped.
pub(super) struct Relay<'p, T, F> {
    items: &'p [T],
    /// The document of an item, given its position.
    make: F,
    state: Mutex<State>,
    /// Signalled when the writer moves on, the helper makes a chunk or either stops.
    moved: Condvar,
}

/// Where the two threads are.
struct State {
    /// Each chunk's state.
    chunks: Vec<Chunk>,
    /// The chunk the writer is at (it has written those before it).
    writing: usize,
    /// Whether the helper has stopped: a chunk it took and did not make (it panicked) is then
    /// made by the writer.
    helper_stopped: bool,
    /// Whether the writer has stopped (done, or failed to write): the helper stops too.
    closed: bool,
}

/// A chunk's state.
enum Chunk {
    /// Nobody has taken it.
    Free,
    /// The helper is making it.
    Making,
    /// The helper made it: each item as JSON text.
    Made(serde_json::Result<Vec<Box<RawValue>>>),
    /// The writer took it.
    Taken,
}

/// Work the helper can do for the writer, whatever the list's type.
pub(super) trait Help: Sync {
    /// Makes chunks ahead of the writer until the writer has reached the end or stopped.
    fn help(&self);
    /// Tells the helper the writer has stopped.
    fn close(&self);
}

impl<'p, T, D, F> Relay<'p, T, F>
where
    F: Fn(usize, &'p T) -> D,
    D: Serialize,
{
    /// `items`, each serialized as `make` of its position and itself.
    pub(super) fn new(items: &'p [T], make: F) -> Self {
        let chunks = items.len().div_ceil(CHUNK);
        Relay {
            items,
            make,
            state: Mutex::new(State {
                chunks: (0..chunks).map(|_| Chunk::Free).collect(),
                writing: 0,
                helper_stopped: false,
                closed: false,
            }),
            moved: Condvar::new(),
        }
    }

    /// The items of chunk `n` as documents.
    fn chunk(&self, n: usize) -> impl Iterator<Item = D> + '_ {
        let start = n * CHUNK;
        let end = (start + CHUNK).min(self.items.len());
        self.items[start..end]
            .iter()
            .enumerate()
            .map(move |(i, item)| (self.make)(start + i, item))
    }

    fn lock(&self) -> Option<MutexGuard<'_, State>> {
        self.state.lock().ok()
    }

    /// Whether the writer has stopped ([`Help::close`]).
    pub(super) fn is_closed(&self) -> bool {
        self.lock().is_none_or(|state| state.closed)
    }

    /// The next chunk for the helper to make, marked as being made; `None` once there is
    /// nothing left for it. Waits while the next one is too far ahead of the writer.
    fn next_for_helper(&self, mut from: usize) -> Option<usize> {
        let mut state = self.lock()?;
        loop {
            if state.closed {
                return None;
            }
            from = from.max(state.writing + 1) | 1;
            if from >= state.chunks.len() {
                return None;
            }
            if from < state.writing + AHEAD {
                if matches!(state.chunks[from], Chunk::Free) {
                    state.chunks[from] = Chunk::Making;
                    return Some(from);
                }
                from += 2;
                continue;
            }
            state = self.moved.wait(state).ok()?;
        }
    }

    /// Chunk `n` for the writer: the helper's texts once made, or `None` when the writer is
    /// to make it (nobody took it, or the helper stopped without making it).
    fn take(&self, n: usize) -> Result<Option<Vec<Box<RawValue>>>, String> {
        let broken = || "the plan's lists were not serialized".to_owned();
        let mut state = self.lock().ok_or_else(broken)?;
        state.writing = n;
        self.moved.notify_all();
        loop {
            match std::mem::replace(&mut state.chunks[n], Chunk::Taken) {
                Chunk::Free | Chunk::Taken => return Ok(None),
                Chunk::Made(texts) => return texts.map(Some).map_err(|e| e.to_string()),
                Chunk::Making if state.helper_stopped => return Ok(None),
                Chunk::Making => {
                    state.chunks[n] = Chunk::Making;
                    state = self.moved.wait(state).map_err(|_| broken())?;
                }
            }
        }
    }
}

impl<'p, T, D, F> Help for Relay<'p, T, F>
where
    T: Sync,
    F: Fn(usize, &'p T) -> D + Sync,
    D: Serialize,
{
    fn help(&self) {
        // However the helper stops, the writer stops waiting for it.
        let _stop = Stopped(self);
        let mut from = 1;
        while let Some(n) = self.next_for_helper(from) {
            let texts = self
                .chunk(n)
                .map(|d| serde_json::value::to_raw_value(&d))
                .collect();
            let Some(mut state) = self.lock() else {
                return;
            };
            state.chunks[n] = Chunk::Made(texts);
            self.moved.notify_all();
            from = n + 2;
        }
    }

    fn close(&self) {
        if let Some(mut state) = self.lock() {
            state.closed = true;
        }
        self.moved.notify_all();
    }
}

/// Marks the helper stopped when it returns or unwinds.
struct Stopped<'s, 'p, T, F>(&'s Relay<'p, T, F>);

impl<T, F> Drop for Stopped<'_, '_, T, F> {
    fn drop(&mut self) {
        if let Ok(mut state) = self.0.state.lock() {
            state.helper_stopped = true;
        }
        self.0.moved.notify_all();
    }
}

/// Closes the lists when the writer stops, however it stops, so the helper does not wait for
/// it forever: the closure closes those made by then.
pub(super) struct Closing<F: FnMut()>(pub(super) F);

impl<F: FnMut()> Drop for Closing<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// A part of the document made when the writer reaches it, unless the helper made it before
/// (the closure gives it, made once).
pub(super) struct Later<F>(pub(super) F);

impl<F, T> Serialize for Later<F>
where
    F: Fn() -> T,
    T: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.0)().serialize(s)
    }
}

impl<'p, T, D, F> Serialize for Relay<'p, T, F>
where
    F: Fn(usize, &'p T) -> D,
    D: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        let chunks = self.items.len().div_ceil(CHUNK);
        for n in 0..chunks {
            match self.take(n).map_err(S::Error::custom)? {
                Some(texts) => {
                    for text in texts {
                        seq.serialize_element(&text)?;
                    }
                }
                None => {
                    for d in self.chunk(n) {
                        seq.serialize_element(&d)?;
                    }
                }
            }
        }
        // The helper has nothing left to make here.
        if let Some(mut state) = self.lock() {
            state.writing = chunks;
        }
        self.moved.notify_all();
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `items` serialized by a writer and a helper, as `write_json` does.
    fn relayed<T: Sync + Serialize>(items: &[T]) -> Option<String> {
        let list = Relay::new(items, |_, v: &T| v);
        std::thread::scope(|s| {
            s.spawn(|| list.help());
            let _closing = Closing(|| list.close());
            serde_json::to_string(&list).ok()
        })
    }

    #[test]
    fn a_list_relayed_between_two_threads_is_the_list_serialized_on_one() {
        for len in [
            0,
            1,
            CHUNK - 1,
            CHUNK,
            CHUNK + 1,
            7 * CHUNK + 13,
            40 * CHUNK,
        ] {
            let items: Vec<String> = (0..len).map(|i| format!("item \"{i}\"")).collect();
            assert_eq!(
                relayed(&items),
                serde_json::to_string(&items).ok(),
                "{len} items"
            );
        }
    }

    #[test]
    fn the_helper_makes_every_other_chunk_a_little_ahead_of_the_writer() {
        let items: Vec<u32> = (0..30 * CHUNK as u32).collect();
        let list = Relay::new(&items, |_, v: &u32| *v);
        // The writer is at chunk 4: the helper may take 5, 7, 9 and 11, not 13.
        if let Some(mut state) = list.lock() {
            state.writing = 4;
        }
        let taken: Vec<usize> = std::iter::successors(list.next_for_helper(1), |n| {
            let next = n + 2;
            (next < 4 + AHEAD)
                .then(|| list.next_for_helper(next))
                .flatten()
        })
        .collect();
        assert_eq!(taken, [5, 7, 9, 11]);
    }

    #[test]
    fn a_chunk_the_helper_took_and_did_not_make_is_made_by_the_writer() {
        let items: Vec<u32> = (0..3 * CHUNK as u32).collect();
        let list = Relay::new(&items, |_, v: &u32| *v);
        // The helper takes chunk 1 and stops, as if it had panicked.
        assert_eq!(list.next_for_helper(1), Some(1));
        drop(Stopped(&list));
        assert_eq!(
            serde_json::to_string(&list).ok(),
            serde_json::to_string(&items).ok()
        );
    }

    #[test]
    fn a_helper_waiting_for_the_writer_stops_when_the_writer_does() {
        let items: Vec<u32> = (0..30 * CHUNK as u32).collect();
        let list = Relay::new(&items, |_, v: &u32| *v);
        std::thread::scope(|s| {
            let helper = s.spawn(|| list.help());
            // The writer fails before writing anything: the helper, which made what it could
            // ahead of chunk 0 and waits, returns.
            drop(Closing(|| list.close()));
            assert!(helper.join().is_ok());
        });
    }
}
