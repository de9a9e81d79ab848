//! Source files, byte spans into them, and the conversion from byte offsets to lines and
//! columns.

use std::sync::Arc;

/// Identifies one file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span over `range` in `file`; offsets beyond `u32::MAX` are clamped.
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(range.start),
            end: clamp(range.end.max(range.start)),
        }
    }

    /// The byte range as `usize`s.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Follows an edit of `file` that replaced the bytes from `edit.start` to `edit.end` of the
    /// old text by `new_len` bytes: a span after the edited bytes moves with them, a span before
    /// them stays. Returns false, leaving the span as it was, for a span that overlaps them:
    /// whatever it pointed at was edited.
    pub fn follow_edit(&mut self, file: FileId, edit: std::ops::Range<u32>, new_len: u32) -> bool {
        if self.file != file || self.end <= edit.start {
            return true;
        }
        if self.start < edit.end {
            return false;
        }
        let moved = |n: u32| n - edit.end + edit.start + new_len;
        self.start = moved(self.start);
        self.end = moved(self.end);
        true
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1, in characters.
    pub column: u32,
}

/// One policy file: its path as the user reached it, and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as reached from the `--policies` argument (for example `policies/teams.toml`).
    pub path: String,
    /// The text, shared so that renderers can hold it cheaply.
    pub text: Arc<str>,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// A file with its line index computed.
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0u32];
        line_starts
            .extend(memchr_newlines(&text).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The byte offsets the 0-based lines `lines` span: from the start of the first to the
    /// start of the line after the last (or the end of the text).
    pub(crate) fn lines_span(&self, lines: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let at = |line: usize| {
            self.line_starts
                .get(line)
                .map_or(self.text.len(), |s| *s as usize)
        };
        at(lines.start)..at(lines.end)
    }

    /// The line and column of a byte offset (clamped to the text and to a char boundary).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts[line_index] as usize;
        let mut end = offset as usize;
        while end > line_start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[line_start..end].chars().count();
        LineCol {
            line: u32::try_from(line_index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a 0-based line and a 0-based column counted in UTF-16 code units,
    /// as editors speak; positions past the end of a line clamp to its end.
    pub fn offset_of_utf16(&self, line: u32, utf16_col: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        };
        let mut units = 0u32;
        let mut offset = start as usize;
        for ch in self.text[start as usize..].chars() {
            if ch == '\n' || units >= utf16_col {
                break;
            }
            units += u32::try_from(ch.len_utf16()).unwrap_or(2);
            offset += ch.len_utf8();
        }
        u32::try_from(offset).unwrap_or(u32::MAX)
    }

    /// The text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        let index = line.saturating_sub(1) as usize;
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
}

/// All the files of one policy, addressed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    /// Replaces the file with id `id` (used by editors when a buffer changes).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        if let Some(slot) = self.files.get_mut(id.0 as usize) {
            *slot = file;
        }
    }

    /// The file with id `id`, if any.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the map holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The path of a span's file and the line and column of its start.
    pub fn locate(&self, span: Span) -> Option<(&str, LineCol)> {
        let file = self.get(span.file)?;
        Some((&file.path, file.line_col(span.start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a.toml", "x = 1\nname = \"Amélie\" # é\n");
        // The `#` is after `name = "Amélie" ` which holds one two-byte character.
        let hash = f.text.find('#').unwrap_or_default() as u32;
        assert_eq!(
            f.line_col(hash),
            LineCol {
                line: 2,
                column: 17
            }
        );
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_text(2), "name = \"Amélie\" # é");
    }

    #[test]
    fn utf16_offsets_round_trip_through_astral_characters() {
        let f = SourceFile::new("a.toml", "a = \"😀x\"\n");
        // `😀` is two UTF-16 units: column 7 (0-based) is the `x`.
        let off = f.offset_of_utf16(0, 7);
        assert_eq!(&f.text[off as usize..off as usize + 1], "x");
    }

    #[test]
    fn crlf_lines_are_numbered_like_lf_lines() {
        let f = SourceFile::new("a.toml", "a = 1\r\nb = 2\r\n");
        let b = f.text.find('b').unwrap_or_default() as u32;
        assert_eq!(f.line_col(b), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_text(1), "a = 1");
    }
}
