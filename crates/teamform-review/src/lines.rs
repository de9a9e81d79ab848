//! `review.json` as the pack writes it: the review's own fields and its lists laid out as a
//! pretty printer would (two-space indent), and each item of a list (a user, a grant, a
//! finding, a team) compact on one line of its own. The file reads and diffs by line, and is
//! about half the size of the same JSON pretty-printed throughout (a user's grants would take
//! a line each). It is the same JSON value either way.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// Containers nested up to this depth (the review is at depth 1, its lists at depth 2) have
/// an item per line; deeper ones are compact.
const PRETTY: usize = 2;

/// Writes `value` to `w` in this layout, with a final line break.
pub(crate) fn write(w: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    // The serializer writes a few bytes at a time: into a buffer of its own type, so that
    // each write is a copy rather than a call through `dyn Write`.
    let mut buffered = io::BufWriter::with_capacity(BUFFER, w);
    let mut ser = serde_json::Serializer::with_formatter(&mut buffered, Lines::default());
    value.serialize(&mut ser).map_err(io::Error::other)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// The size of the serializer's buffer.
const BUFFER: usize = 64 * 1024;

/// The formatter: `serde_json`'s pretty one down to [`PRETTY`], its compact one below.
#[derive(Default)]
struct Lines {
    /// The depth of the container being written.
    depth: usize,
    /// Whether the container being written has a value yet.
    has_value: bool,
}

impl Lines {
    fn pretty(&self) -> bool {
        self.depth <= PRETTY
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, open: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        let pretty = self.pretty();
        self.depth -= 1;
        if pretty && self.has_value {
            line(w, self.depth)?;
        }
        w.write_all(close)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.pretty() {
            line(w, self.depth)?;
        }
        Ok(())
    }
}

/// A line break and the indent of `depth`.
fn line<W: ?Sized + Write>(w: &mut W, depth: usize) -> io::Result<()> {
    w.write_all(b"\n")?;
    for _ in 0..depth {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for Lines {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty() { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write(&mut out, value).unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn lists_have_an_item_per_line_and_items_are_compact() {
        // `json!` sorts the keys.
        let value = serde_json::json!({
            "format": "teamform-review",
            "empty": [],
            "none": {},
            "options": {"days": 90},
            "users": [{"email": "a@x", "grants": [1, 2], "events": []}, {"email": "b@x", "teams": {}}]
        });
        let out = text(&value);
        assert_eq!(
            out,
            "{\n  \"empty\": [],\n  \"format\": \"teamform-review\",\n  \"none\": {},\n  \"options\": {\n    \"days\": 90\n  },\n  \"users\": [\n    {\"email\":\"a@x\",\"events\":[],\"grants\":[1,2]},\n    {\"email\":\"b@x\",\"teams\":{}}\n  ]\n}\n"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&out).ok(),
            Some(value)
        );
    }
}
