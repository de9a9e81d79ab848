//! Positions as the Language Server Protocol speaks them: a 0-based line and a 0-based column
//! counted in UTF-16 code units. The model's spans are byte offsets into a [`SourceFile`];
//! every conversion between the two goes through this module.

use lsp_types::{Position, Range};
use teamform_diagnostics::{SourceFile, Span};

/// The LSP position of the byte offset `offset` in `file`. An offset past the end clamps to
/// the end, and an offset inside a multi-byte character moves back to its first byte.
pub fn position(file: &SourceFile, offset: u32) -> Position {
    let text = &*file.text;
    let mut offset = (offset as usize).min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file
        .line_col(u32::try_from(offset).unwrap_or(u32::MAX))
        .line
        .saturating_sub(1);
    // The byte offset of the line's start: the offset of its column 0.
    let start = (file.offset_of_utf16(line, 0) as usize).min(offset);
    let units = text[start..offset].encode_utf16().count();
    Position {
        line,
        character: u32::try_from(units).unwrap_or(u32::MAX),
    }
}

/// The LSP range of a span of `file`.
pub fn range(file: &SourceFile, span: Span) -> Range {
    Range {
        start: position(file, span.start),
        end: position(file, span.end),
    }
}

/// The byte offset of an LSP position in `file`. A column past the end of its line clamps to
/// the line's end, and a line past the end of the file to the end of the file.
pub fn offset(file: &SourceFile, position: Position) -> u32 {
    file.offset_of_utf16(position.line, position.character)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn accents_count_one_unit_and_astral_characters_two() {
        // `é` is two bytes and one UTF-16 unit; `😀` is four bytes and two units.
        let f = SourceFile::new("a.toml", "a = 1\nname = \"Zoé 😀\" # x\n");
        let hash = f.text.find('#').unwrap_or_default() as u32;
        assert_eq!(position(&f, hash), pos(1, 16));
        assert_eq!(offset(&f, pos(1, 16)), hash);
        let smiley = f.text.find('😀').unwrap_or_default() as u32;
        assert_eq!(position(&f, smiley), pos(1, 12));
        assert_eq!(position(&f, smiley + 4), pos(1, 14));
        assert_eq!(offset(&f, pos(1, 14)), smiley + 4);
    }

    #[test]
    fn every_char_boundary_round_trips() {
        let text =
            "[user.\"zoé@x.example\"]\nname = \"Zoë 😀 Ørsted\"\r\nteam = \"ventes\"\n\n𝄞é\n";
        let f = SourceFile::new("a.toml", text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let p = position(&f, i as u32);
            // A position on the `\n` of a CRLF line comes back to the `\r` before it at worst.
            let back = offset(&f, p) as usize;
            assert!(
                back == i || (text[back..].starts_with('\r') && back + 1 == i),
                "{i}"
            );
        }
    }

    #[test]
    fn offsets_inside_a_character_and_past_the_end_are_clamped() {
        let f = SourceFile::new("a.toml", "x = \"é\"");
        let e = f.text.find('é').unwrap_or_default() as u32;
        assert_eq!(position(&f, e + 1), position(&f, e));
        assert_eq!(position(&f, 1000), pos(0, 7));
        assert_eq!(offset(&f, pos(0, 99)), 8);
        assert_eq!(offset(&f, pos(5, 0)), 8);
    }

    #[test]
    fn range_of_a_span_covers_its_text() {
        let f = SourceFile::new("a.toml", "a = \"😀\"\nb = \"c\"\n");
        let start = f.text.find("\"c\"").unwrap_or_default();
        let span = Span::new(teamform_diagnostics::FileId(0), start..start + 3);
        let r = range(&f, span);
        assert_eq!((r.start, r.end), (pos(1, 4), pos(1, 7)));
    }
}
