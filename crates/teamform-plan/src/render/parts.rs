//! Parts of a JSON document serialized on another thread while the document is written:
//! a first plan of a large org is tens of megabytes of JSON, and one thread writing it all
//! would leave the other idle. The text is the same as the document serialized on one thread.

use serde::Serialize;
use serde::ser::{Error, SerializeSeq};
use serde_json::value::RawValue;
use std::sync::mpsc::Receiver;
use std::sync::{Condvar, Mutex};

/// A part of a document made on another thread, as JSON text: written when the writer
/// reaches it (it waits for it then). A part that was not made (its thread panicked) fails
/// the writing.
pub(super) struct Beside(Mutex<Receiver<serde_json::Result<Box<RawValue>>>>);

impl Beside {
    pub(super) fn new(made: Receiver<serde_json::Result<Box<RawValue>>>) -> Self {
        Beside(Mutex::new(made))
    }
}

impl Serialize for Beside {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let made = self
            .0
            .lock()
            .map_err(|_| S::Error::custom("a part of the plan was not made"))?
            .recv();
        match made {
            Ok(Ok(text)) => text.serialize(s),
            Ok(Err(e)) => Err(S::Error::custom(e)),
            Err(_) => Err(S::Error::custom("a part of the plan was not made")),
        }
    }
}

/// How many items a chunk of a [`Split`] list holds.
const CHUNK: usize = 1024;

/// A list serialized by two threads: the writer serializes chunks from the first while it
/// writes them, and a helper ([`Split::help`]) serializes chunks from the last, each item as
/// JSON text, until the two meet; the writer then writes the helper's texts. Each chunk is
/// taken by one of the two, under a lock, so none is serialized twice or skipped.
pub(super) struct Split<'p, T, F> {
    items: &'p [T],
    /// The document of an item, given its position.
    make: F,
    claims: Mutex<Claims>,
    made: Condvar,
}

/// Which chunks each thread has taken, and the helper's texts.
struct Claims {
    /// The chunks before it are the writer's.
    front: usize,
    /// The chunks from it on are the helper's.
    back: usize,
    /// The helper's chunks, each item as JSON text, once made.
    texts: Vec<Option<serde_json::Result<Vec<Box<RawValue>>>>>,
    /// Whether the helper has stopped: a chunk it took and did not make (it panicked) is
    /// then made by the writer.
    stopped: bool,
}

impl<'p, T, D, F> Split<'p, T, F>
where
    F: Fn(usize, &'p T) -> D,
    D: Serialize,
{
    /// `items`, each serialized as `make` of its position and itself.
    pub(super) fn new(items: &'p [T], make: F) -> Self {
        let chunks = items.len().div_ceil(CHUNK);
        Split {
            items,
            make,
            claims: Mutex::new(Claims {
                front: 0,
                back: chunks,
                texts: (0..chunks).map(|_| None).collect(),
                stopped: false,
            }),
            made: Condvar::new(),
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

    /// Serializes chunks from the last, as JSON text, until the writer has taken the rest.
    pub(super) fn help(&self) {
        // However the helper stops, the writer stops waiting for it.
        let _stop = Stop(self);
        loop {
            let n = {
                let Ok(mut claims) = self.claims.lock() else {
                    return;
                };
                if claims.back <= claims.front {
                    return;
                }
                claims.back -= 1;
                claims.back
            };
            let texts = self
                .chunk(n)
                .map(|d| serde_json::value::to_raw_value(&d))
                .collect();
            let Ok(mut claims) = self.claims.lock() else {
                return;
            };
            claims.texts[n] = Some(texts);
            self.made.notify_all();
        }
    }
}

/// Marks the helper stopped when it returns or unwinds.
struct Stop<'s, 'p, T, F>(&'s Split<'p, T, F>);

impl<T, F> Drop for Stop<'_, '_, T, F> {
    fn drop(&mut self) {
        if let Ok(mut claims) = self.0.claims.lock() {
            claims.stopped = true;
        }
        self.0.made.notify_all();
    }
}

impl<'p, T, D, F> Serialize for Split<'p, T, F>
where
    F: Fn(usize, &'p T) -> D,
    D: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let broken = || S::Error::custom("the operations were not serialized");
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        let chunks = self.items.len().div_ceil(CHUNK);
        for n in 0..chunks {
            let mut claims = self.claims.lock().map_err(|_| broken())?;
            let helpers = if n < claims.back {
                claims.front = n + 1;
                None
            } else {
                while claims.texts[n].is_none() && !claims.stopped {
                    claims = self.made.wait(claims).map_err(|_| broken())?;
                }
                claims.texts[n].take()
            };
            drop(claims);
            match helpers {
                Some(texts) => {
                    for text in texts.map_err(S::Error::custom)? {
                        seq.serialize_element(&text)?;
                    }
                }
                // The writer's own chunk, or one the helper took and did not make.
                None => {
                    for d in self.chunk(n) {
                        seq.serialize_element(&d)?;
                    }
                }
            }
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_split_between_two_threads_is_the_list_serialized_on_one() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 7 * CHUNK + 13] {
            let items: Vec<String> = (0..len).map(|i| format!("item \"{i}\"")).collect();
            let make = |i: usize, s: &String| (i, s.clone());
            let expected: Vec<(usize, String)> =
                items.iter().enumerate().map(|(i, s)| make(i, s)).collect();
            let split = Split::new(&items, make);
            let text = std::thread::scope(|s| {
                s.spawn(|| split.help());
                serde_json::to_string(&split)
            });
            assert_eq!(
                text.ok(),
                serde_json::to_string(&expected).ok(),
                "{len} items"
            );
        }
    }

    #[test]
    fn a_chunk_the_helper_took_and_did_not_make_is_made_by_the_writer() {
        let items: Vec<u32> = (0..3 * CHUNK as u32).collect();
        let split = Split::new(&items, |_, v: &u32| *v);
        // The helper takes the last chunk and stops, as if it had panicked.
        if let Ok(mut claims) = split.claims.lock() {
            claims.back -= 1;
        }
        drop(Stop(&split));
        assert_eq!(
            serde_json::to_string(&split).ok(),
            serde_json::to_string(&items).ok()
        );
    }
}
