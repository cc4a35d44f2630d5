//! DOCX: the zip container and the WordprocessingML body.
//!
//! 1. The input must be a zip (an OLE file is a legacy `.doc` or an encrypted DOCX).
//! 2. The declared uncompressed sizes of all entries are added up against
//!    `max_uncompressed` before anything is inflated: a zip bomb stops here.
//! 3. The main part is found through `_rels/.rels` (`officeDocument`), falling back to
//!    `word/document.xml`, and streamed through quick-xml from a reader that stops at the
//!    budget left, so an entry that lies about its size stops there too.
//! 4. The body is walked in order: `w:p` → one paragraph (`w:t` runs joined, `w:tab` → a
//!    space, `w:br`/`w:cr` → a newline); `w:tbl` → a table, and one line per row (cells
//!    joined by a tab) in the paragraph stream where the table stands.

use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};
use zip::result::ZipError;
use zip::ZipArchive;

use crate::sink::Sink;
use crate::{Limits, ReadError, Text};

/// WordprocessingML main namespace: transitional and strict.
const W_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
/// Markup compatibility: `mc:Fallback` repeats a `mc:Choice` (text boxes) for old readers.
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const DEFAULT_MAIN_PART: &str = "word/document.xml";
/// `_rels/.rels` is a few hundred bytes; more is not a package relationship part.
const MAX_RELS_BYTES: u64 = 64 * 1024;
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Text, ReadError> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ole(bytes));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    let declared = declared_size(&archive)?;
    if declared > limits.max_uncompressed {
        return Err(ReadError::TooLarge(format!(
            "zip entries declare {declared} uncompressed bytes, over the {}-byte limit",
            limits.max_uncompressed
        )));
    }
    let mut budget = limits.max_uncompressed;
    let main = main_part(&mut archive, &mut budget)?;
    let Some(index) = archive.index_for_name(&main) else {
        return Err(missing_main_part(&archive, &main));
    };
    let entry = archive.by_index(index).map_err(zip_error)?;
    let mut sink = Sink::new(limits.max_chars);
    let mut input = Budgeted::new(entry, budget);
    let walked = walk(&mut input, &mut sink, limits.max_chars);
    if input.exceeded {
        return Err(ReadError::TooLarge(format!(
            "{main} inflates past the {}-byte uncompressed limit",
            limits.max_uncompressed
        )));
    }
    walked?;
    sink.finish()
}

/// The sum of the sizes the central directory declares, directories excluded.
fn declared_size(archive: &ZipArchive<Cursor<&[u8]>>) -> Result<u64, ReadError> {
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i).map_err(zip_error)?;
        total = total.saturating_add(entry.size());
    }
    Ok(total)
}

/// The main document part named by the package relationships, or `word/document.xml`.
fn main_part(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    budget: &mut u64,
) -> Result<String, ReadError> {
    let Some(index) = archive.index_for_name("_rels/.rels") else {
        return Ok(DEFAULT_MAIN_PART.to_owned());
    };
    let entry = archive.by_index(index).map_err(zip_error)?;
    let mut xml = Vec::new();
    let limit = (*budget).min(MAX_RELS_BYTES);
    let read = entry
        .take(limit + 1)
        .read_to_end(&mut xml)
        .map_err(|e| ReadError::Corrupt(format!("_rels/.rels: {e}")))?;
    let read = u64::try_from(read).unwrap_or(u64::MAX);
    if read > limit {
        // Too big to be a relationship part; the default path still has a chance.
        return Ok(DEFAULT_MAIN_PART.to_owned());
    }
    *budget = budget.saturating_sub(read);
    Ok(office_document_target(&xml).unwrap_or_else(|| DEFAULT_MAIN_PART.to_owned()))
}

/// The `Target` of the relationship whose `Type` ends in `/officeDocument`.
fn office_document_target(xml: &[u8]) -> Option<String> {
    let mut reader = NsReader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let kind = attribute(&e, "Type")?;
                if kind.ends_with("/officeDocument") {
                    let target = attribute(&e, "Target")?;
                    let target = target.trim_start_matches('/');
                    return (!target.is_empty()).then(|| target.to_owned());
                }
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

fn attribute(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn missing_main_part(archive: &ZipArchive<Cursor<&[u8]>>, main: &str) -> ReadError {
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        ReadError::Unsupported("a spreadsheet (xlsx), not a Word document".to_owned())
    } else if has("ppt/presentation.xml") {
        ReadError::Unsupported("a presentation (pptx), not a Word document".to_owned())
    } else {
        ReadError::Corrupt(format!("the zip has no {main}"))
    }
}

/// An OLE compound file: an encrypted OOXML package, or a legacy binary `.doc`.
fn ole(bytes: &[u8]) -> ReadError {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes.windows(name.len()).any(|w| w == name.as_slice()) {
        ReadError::Encrypted
    } else {
        ReadError::Unsupported("an OLE compound file (a legacy .doc), not a DOCX".to_owned())
    }
}

fn zip_error(e: ZipError) -> ReadError {
    match e {
        ZipError::UnsupportedArchive(what) if what == ZipError::PASSWORD_REQUIRED => {
            ReadError::Encrypted
        }
        ZipError::InvalidPassword => ReadError::Encrypted,
        ZipError::UnsupportedArchive(what) => ReadError::Unsupported(format!("zip: {what}")),
        ZipError::CompressionMethodNotSupported(method) => {
            ReadError::Unsupported(format!("zip compression method {method}"))
        }
        other => ReadError::Corrupt(format!("not a readable zip: {other}")),
    }
}

/// A reader that yields at most `limit` bytes of `inner` (`Read::take`) and, if `inner` had
/// more, fails and remembers it: an entry inflating past the budget, whatever it declared.
struct Budgeted<R> {
    inner: io::Take<R>,
    limit: u64,
    read: u64,
    exceeded: bool,
}

impl<R: Read> Budgeted<R> {
    fn new(inner: R, limit: u64) -> Self {
        Budgeted {
            inner: inner.take(limit.saturating_add(1)),
            limit,
            read: 0,
            exceeded: false,
        }
    }
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read = self
            .read
            .saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        if self.read > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("uncompressed size limit exceeded"));
        }
        Ok(n)
    }
}

/// What a WordprocessingML element means to the walker.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Paragraph,
    Run,
    Text,
    Tab,
    Break,
    Table,
    Row,
    Cell,
    /// `w:delText`, `w:instrText`, `mc:Fallback`: text that is not the document's.
    Skip,
    Other,
}

fn tag(ns: &ResolveResult<'_>, local: &str) -> Tag {
    match ns {
        ResolveResult::Bound(ns) if W_NS.contains(&ns.as_ref()) => match local {
            "p" => Tag::Paragraph,
            "r" => Tag::Run,
            "t" => Tag::Text,
            "tab" | "ptab" => Tag::Tab,
            "br" | "cr" => Tag::Break,
            "tbl" => Tag::Table,
            "tr" => Tag::Row,
            "tc" => Tag::Cell,
            "delText" | "instrText" | "delInstrText" => Tag::Skip,
            _ => Tag::Other,
        },
        ResolveResult::Bound(ns) if ns.as_ref() == MC_NS && local == "Fallback" => Tag::Skip,
        _ => Tag::Other,
    }
}

#[derive(Default)]
struct TableBuilder {
    rows: Vec<Vec<String>>,
    row: Option<Vec<String>>,
    cell: Option<String>,
}

/// The body walker's state: open paragraphs (a text box nests one inside another), open
/// tables (a table can nest in a cell), and how deep we are in runs, `w:t` and skipped
/// subtrees.
#[derive(Default)]
struct Body {
    /// Bytes a paragraph keeps: past `max_chars` the sink cuts it anyway, so a huge text
    /// node does not also grow a huge paragraph.
    cap: usize,
    paragraphs: Vec<String>,
    tables: Vec<TableBuilder>,
    runs: u32,
    texts: u32,
    skipped: u32,
}

impl Body {
    fn open(&mut self, tag: Tag) {
        if self.skipped > 0 {
            if tag == Tag::Skip {
                self.skipped += 1;
            }
            return;
        }
        match tag {
            Tag::Skip => self.skipped = 1,
            Tag::Paragraph => self.paragraphs.push(String::new()),
            Tag::Run => self.runs += 1,
            Tag::Text => self.texts += 1,
            Tag::Table => self.tables.push(TableBuilder::default()),
            Tag::Row => {
                if let Some(table) = self.tables.last_mut() {
                    table.row = Some(Vec::new());
                }
            }
            Tag::Cell => {
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some(String::new());
                }
            }
            Tag::Tab | Tag::Break | Tag::Other => {}
        }
    }

    /// An element's end (an empty element is opened, then closed).
    fn close(&mut self, tag: Tag, sink: &mut Sink) {
        if self.skipped > 0 {
            if tag == Tag::Skip {
                self.skipped -= 1;
            }
            return;
        }
        match tag {
            // `w:tab` also defines tab stops in `w:pPr/w:tabs`: only a run's tab is text.
            Tag::Tab if self.runs > 0 => self.push_str(" "),
            Tag::Break if self.runs > 0 => self.push_str("\n"),
            Tag::Tab | Tag::Break | Tag::Other | Tag::Skip => {}
            Tag::Run => self.runs = self.runs.saturating_sub(1),
            Tag::Text => self.texts = self.texts.saturating_sub(1),
            Tag::Paragraph => {
                if let Some(text) = self.paragraphs.pop() {
                    self.end_paragraph(&text, sink);
                }
            }
            Tag::Cell => {
                if let Some(table) = self.tables.last_mut() {
                    let cell = table.cell.take().unwrap_or_default();
                    table.row.get_or_insert_with(Vec::new).push(cell);
                }
            }
            Tag::Row => {
                let outermost = self.tables.len() == 1;
                if let Some(table) = self.tables.last_mut() {
                    let row = table.row.take().unwrap_or_default();
                    if outermost {
                        let line: Vec<String> = row.iter().map(|c| c.replace('\n', " ")).collect();
                        sink.paragraph(&line.join("\t"));
                    }
                    table.rows.push(row);
                }
            }
            Tag::Table => {
                if let Some(table) = self.tables.pop() {
                    let flat: Vec<String> = table
                        .rows
                        .iter()
                        .map(|row| {
                            let cells: Vec<String> =
                                row.iter().map(|c| c.replace('\n', " ")).collect();
                            cells.join(" ")
                        })
                        .collect();
                    sink.table(table.rows);
                    // A nested table's text belongs to the cell holding it.
                    if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        append_line(cell, &flat.join("\n"));
                    }
                }
            }
        }
    }

    fn end_paragraph(&mut self, text: &str, sink: &mut Sink) {
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            append_line(cell, text);
        } else {
            sink.paragraph(text);
        }
    }

    fn text(&mut self, s: &str) {
        if self.skipped == 0 && self.texts > 0 {
            self.push_str(s);
        }
    }

    fn push_str(&mut self, s: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            if p.len() < self.cap {
                p.push_str(s);
            }
        }
    }

    /// Text left open when the walk stopped early (at `max_chars`): the rows read so far of
    /// the outermost open table.
    fn flush(mut self, sink: &mut Sink) {
        if let Some(table) = self.tables.drain(..).next() {
            sink.table(table.rows);
        }
    }
}

fn append_line(cell: &mut String, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    if !cell.is_empty() {
        cell.push('\n');
    }
    cell.push_str(text);
}

/// Streams `document.xml` from `input` into `sink`.
fn walk<R: Read>(input: R, sink: &mut Sink, max_chars: usize) -> Result<(), ReadError> {
    let mut reader = NsReader::from_reader(BufReader::new(input));
    let mut buf = Vec::new();
    let mut body = Body {
        cap: max_chars.saturating_mul(4).saturating_add(4),
        ..Body::default()
    };
    loop {
        if sink.is_full() {
            body.flush(sink);
            return Ok(());
        }
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| ReadError::Corrupt(format!("document XML: {e}")))?;
        match event {
            Event::Start(e) => body.open(tag(&ns, e.local_name().as_ref())),
            Event::Empty(e) => {
                let tag = tag(&ns, e.local_name().as_ref());
                body.open(tag);
                body.close(tag, sink);
            }
            Event::End(e) => body.close(tag(&ns, e.local_name().as_ref()), sink),
            Event::Text(t) => body.text(&t.xml10_content()),
            Event::CData(t) => body.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    body.text(c.encode_utf8(&mut [0; 4]));
                } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                    body.text(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    body.flush(sink);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgeted_reader_fails_past_its_limit_and_remembers() {
        let mut exact = Budgeted::new(Cursor::new(b"12345".to_vec()), 5);
        let mut out = Vec::new();
        assert!(exact.read_to_end(&mut out).is_ok());
        assert!(!exact.exceeded);
        let mut over = Budgeted::new(Cursor::new(b"123456".to_vec()), 5);
        assert!(over.read_to_end(&mut Vec::new()).is_err());
        assert!(over.exceeded);
    }

    #[test]
    fn body_walk_keeps_order_of_paragraphs_and_table_rows() {
        let xml = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
            <w:p><w:r><w:t>一、</w:t></w:r><w:r><w:t>主要工作</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>结束</w:t></w:r></w:p></w:body></w:document>"#;
        let mut sink = Sink::new(100);
        assert!(walk(Cursor::new(xml.as_bytes()), &mut sink, 100).is_ok());
        let text = sink.finish().unwrap_or_default();
        assert_eq!(text.paragraphs, vec!["一、主要工作", "甲\t乙", "结束"]);
        assert_eq!(
            text.tables,
            vec![vec![vec!["甲".to_owned(), "乙".to_owned()]]]
        );
    }

    #[test]
    fn malformed_xml_is_corrupt() {
        let xml = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p></w:r>"#;
        let mut sink = Sink::new(100);
        let walked = walk(Cursor::new(xml.as_bytes()), &mut sink, 100);
        assert!(
            matches!(walked, Err(ReadError::Corrupt(_))),
            "{:?}",
            walked.err()
        );
    }
}
