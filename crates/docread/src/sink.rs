//! `Sink`: where both readers put their text. It trims and cleans each paragraph, counts
//! characters against `max_chars` (cutting the last paragraph to fit), and turns "nothing
//! readable" into [`ReadError::NoText`].

use crate::{ReadError, Text};

pub(crate) struct Sink {
    text: Text,
    chars: usize,
    table_chars: usize,
    max_chars: usize,
}

impl Sink {
    pub(crate) fn new(max_chars: usize) -> Self {
        Sink {
            text: Text::default(),
            chars: 0,
            table_chars: 0,
            max_chars,
        }
    }

    /// The character budget is spent: the reader should stop.
    pub(crate) fn is_full(&self) -> bool {
        self.text.truncated
    }

    /// No paragraph yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.text.paragraphs.is_empty()
    }

    /// Marks the text as cut short by a limit other than `max_chars`.
    pub(crate) fn truncate(&mut self) {
        self.text.truncated = true;
    }

    /// Adds one paragraph (cleaned and trimmed; dropped if empty). Returns `false` once the
    /// character budget is spent.
    pub(crate) fn paragraph(&mut self, raw: &str) -> bool {
        if self.is_full() {
            return false;
        }
        let cleaned = clean(raw);
        if cleaned.is_empty() {
            return true;
        }
        let n = cleaned.chars().count();
        let room = self.max_chars.saturating_sub(self.chars);
        if n <= room {
            self.chars += n;
            self.text.paragraphs.push(cleaned);
            return true;
        }
        let cut: String = cleaned.chars().take(room).collect();
        let cut = cut.trim_end();
        if !cut.is_empty() {
            self.chars += room;
            self.text.paragraphs.push(cut.to_owned());
        }
        self.text.truncated = true;
        false
    }

    /// Adds a table (cells cleaned). Tables count against their own `max_chars` budget, as
    /// their text is also in the paragraphs; a table past it is dropped and the text marked
    /// truncated.
    pub(crate) fn table(&mut self, rows: Vec<Vec<String>>) {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|row| row.iter().map(|cell| clean(cell)).collect::<Vec<_>>())
            .filter(|row| row.iter().any(|cell| !cell.is_empty()))
            .collect();
        if rows.is_empty() {
            return;
        }
        let n: usize = rows.iter().flatten().map(|cell| cell.chars().count()).sum();
        if self.table_chars.saturating_add(n) > self.max_chars {
            self.text.truncated = true;
            return;
        }
        self.table_chars += n;
        self.text.tables.push(rows);
    }

    /// The text, or [`ReadError::NoText`] if not one paragraph had a visible character.
    pub(crate) fn finish(self) -> Result<Text, ReadError> {
        if self.text.paragraphs.is_empty() {
            return Err(ReadError::NoText);
        }
        Ok(self.text)
    }
}

/// Trims each line of `raw`, drops control characters (keeping `\t` and `\n`) and the
/// replacement character, and drops empty lines at the ends.
fn clean(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .filter(|&c| c == '\t' || c == '\n' || !(c.is_control() || c == '\u{fffd}'))
        .collect();
    let lines: Vec<&str> = kept.split('\n').map(str::trim).collect();
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_drops_empty_paragraphs() {
        let mut sink = Sink::new(100);
        assert!(sink.paragraph("\u{3000}\u{3000}一、主要工作 "));
        assert!(sink.paragraph(" \t "));
        assert!(sink.paragraph("第一行\u{0}\n 第二行"));
        let text = sink.finish();
        assert_eq!(
            text.map(|t| t.paragraphs),
            Ok(vec!["一、主要工作".to_owned(), "第一行\n第二行".to_owned()])
        );
    }

    #[test]
    fn cuts_at_max_chars_and_marks_truncated() {
        let mut sink = Sink::new(5);
        assert!(sink.paragraph("一二三"));
        assert!(!sink.paragraph("四五六七"));
        assert!(sink.is_full());
        assert!(!sink.paragraph("八"));
        let text = sink.finish();
        assert_eq!(
            text,
            Ok(Text {
                paragraphs: vec!["一二三".to_owned(), "四五".to_owned()],
                tables: vec![],
                truncated: true,
            })
        );
    }

    #[test]
    fn nothing_visible_is_no_text() {
        let mut sink = Sink::new(5);
        sink.paragraph("  ");
        sink.table(vec![vec!["表".to_owned()]]);
        assert_eq!(sink.finish(), Err(ReadError::NoText));
    }
}
