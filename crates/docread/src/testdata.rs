//! Builders of small DOCX and PDF files with Chinese text, for tests: this crate's and the
//! worker's, which serve them from a local HTTP server. Compiled with the `testdata`
//! feature only. They build bytes in memory; nothing is read from or written to disk.
//!
//! - [`docx`] / [`docx_blocks`]: a minimal WordprocessingML package (content types, package
//!   relationships, `word/document.xml`), deflated with the `zip` crate.
//! - [`pdf`] / [`pdf_pages`]: a PDF whose text is shown in a Type0 font (`/Identity-H`,
//!   a `CIDFontType2` descendant, no embedded font program) with a `/ToUnicode` CMap, the
//!   way Word, WPS and LibreOffice write CJK text. Each distinct character gets a two-byte
//!   code in order of first use, so the codes are not the characters' Unicode values: only
//!   the CMap can recover the text.
//! - [`image_only_pdf`]: a page that only paints an image, like a scan.
//! - [`raw_pdf`]: any objects, with the cross-reference table computed.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// One block of a DOCX body.
#[derive(Debug, Clone, Copy)]
pub enum Block<'a> {
    /// A paragraph; a `\t` in it becomes `<w:tab/>`, a `\n` `<w:br/>`.
    Paragraph(&'a str),
    /// A table, rows of cells (each cell one paragraph).
    Table(&'a [&'a [&'a str]]),
}

/// A DOCX whose body is `paragraphs`, one `w:p` each.
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let blocks: Vec<Block<'_>> = paragraphs.iter().map(|p| Block::Paragraph(p)).collect();
    docx_blocks(&blocks)
}

/// A DOCX whose body is `blocks`, in order.
pub fn docx_blocks(blocks: &[Block<'_>]) -> Vec<u8> {
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(text) => body.push_str(&paragraph_xml(text)),
            Block::Table(rows) => {
                body.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>");
                for row in rows.iter() {
                    body.push_str("<w:tr>");
                    for cell in row.iter() {
                        let _ = write!(
                            body,
                            "<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
                            paragraph_xml(cell)
                        );
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
        }
    }
    docx_document_xml(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr/></w:body></w:document>"
    ))
}

/// A DOCX package around a `word/document.xml` given verbatim.
pub fn docx_document_xml(document_xml: &str) -> Vec<u8> {
    let parts: [(&str, &[u8]); 3] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("word/document.xml", document_xml.as_bytes()),
    ];
    zip_of(&parts)
}

/// A zip of `(name, bytes)` entries, deflated. Empty if the writer fails (it cannot, in
/// memory).
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        if zip.start_file(*name, options).is_err() || zip.write_all(bytes).is_err() {
            return Vec::new();
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

fn paragraph_xml(text: &str) -> String {
    let mut runs = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            runs.push_str("<w:r><w:br/></w:r>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                runs.push_str("<w:r><w:tab/></w:r>");
            }
            if !piece.is_empty() {
                let _ = write!(
                    runs,
                    "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    escape_xml(piece)
                );
            }
        }
    }
    format!(
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>{runs}</w:p>"
    )
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Lines a page of [`pdf`] holds before the next page starts.
pub const PDF_LINES_PER_PAGE: usize = 30;

/// A PDF showing `lines` top to bottom, [`PDF_LINES_PER_PAGE`] to a page: 12-point text at
/// x = 72, from y = 760 down in steps of 20 (`0 -20 Td`). An empty line leaves a gap.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let pages: Vec<&[&str]> = lines.chunks(PDF_LINES_PER_PAGE).collect();
    pdf_pages(&pages)
}

/// A PDF with one page per entry of `pages`, each showing its lines as [`pdf`] does. No
/// pages gives a PDF with one empty page.
pub fn pdf_pages(pages: &[&[&str]]) -> Vec<u8> {
    let mut codes = Codes::default();
    let contents: Vec<Vec<u8>> = if pages.is_empty() {
        vec![Vec::new()]
    } else {
        pages
            .iter()
            .map(|lines| page_content(lines, &mut codes))
            .collect()
    };
    let mut pdf = PdfWriter::new();
    // 1 catalog, 2 page tree, 3 font, 4 CID font, 5 descriptor, 6 ToUnicode, then pages.
    let first_page = 7;
    let kids: Vec<String> = (0..contents.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            kids.len()
        )
        .as_bytes(),
    );
    pdf.object(
        3,
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
          /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
    );
    pdf.object(
        4,
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 5 0 R /DW 1000 /W [{}] /CIDToGIDMap /Identity >>",
            codes.widths()
        )
        .as_bytes(),
    );
    pdf.object(
        5,
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] \
          /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>",
    );
    pdf.stream(6, "", codes.to_unicode().as_bytes());
    for (i, content) in contents.iter().enumerate() {
        let page = first_page + 2 * i;
        pdf.object(
            page,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                page + 1
            )
            .as_bytes(),
        );
        pdf.stream(page + 1, "", content);
    }
    pdf.finish(1)
}

/// A one-page PDF whose content only paints a 2×2 grey image XObject: no text layer.
pub fn image_only_pdf() -> Vec<u8> {
    let mut pdf = PdfWriter::new();
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.object(
        3,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
          /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
    );
    pdf.stream(4, "", b"q 144 0 0 144 72 600 cm /Im1 Do Q");
    pdf.stream(
        5,
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray \
         /BitsPerComponent 8",
        &[0x00, 0x80, 0x80, 0xff],
    );
    pdf.finish(1)
}

/// One object of [`raw_pdf`].
#[derive(Debug, Clone, Copy)]
pub enum PdfObject<'a> {
    /// Written verbatim between `N 0 obj` and `endobj`.
    Body(&'a str),
    /// A stream: the entries of its dictionary (without `<< >>` and `/Length`) and its data.
    Stream(&'a str, &'a [u8]),
}

/// A PDF of `objects`, numbered from 1, with a correct cross-reference table and object 1
/// as the catalog: for tests that need fonts, operators or structures [`pdf`] does not write.
pub fn raw_pdf(objects: &[PdfObject<'_>]) -> Vec<u8> {
    let mut pdf = PdfWriter::new();
    for (i, object) in objects.iter().enumerate() {
        match object {
            PdfObject::Body(body) => pdf.object(i + 1, body.as_bytes()),
            PdfObject::Stream(dict, data) => pdf.stream(i + 1, dict, data),
        }
    }
    pdf.finish(1)
}

/// Two-byte glyph codes, one per distinct character, in order of first use.
#[derive(Default)]
struct Codes {
    chars: Vec<char>,
}

impl Codes {
    fn code(&mut self, c: char) -> Option<u16> {
        let index = match self.chars.iter().position(|&k| k == c) {
            Some(i) => i,
            None => {
                self.chars.push(c);
                self.chars.len() - 1
            }
        };
        u16::try_from(index + 1).ok().filter(|&code| code < 0xFFFF)
    }

    /// `/W`: CJK characters one em, the rest half.
    fn widths(&self) -> String {
        let widths: Vec<&str> = self
            .chars
            .iter()
            .map(|&c| if c.len_utf8() >= 3 { "1000" } else { "500" })
            .collect();
        format!("1 [{}]", widths.join(" "))
    }

    fn to_unicode(&self) -> String {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<(usize, char)> = self.chars.iter().copied().enumerate().collect();
        for chunk in entries.chunks(100) {
            let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
            for (i, c) in chunk {
                let mut units = [0u16; 2];
                let utf16: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                let _ = writeln!(cmap, "<{:04X}> <{utf16}>", i + 1);
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        cmap
    }
}

fn page_content(lines: &[&str], codes: &mut Codes) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 760 Td");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            content.push_str(" 0 -20 Td");
        }
        let hex: String = line
            .chars()
            .filter_map(|c| codes.code(c))
            .map(|code| format!("{code:04X}"))
            .collect();
        if !hex.is_empty() {
            let _ = write!(content, " <{hex}> Tj");
        }
    }
    content.push_str(" ET");
    content.into_bytes()
}

/// Writes numbered objects and a cross-reference table with their true byte offsets.
struct PdfWriter {
    out: Vec<u8>,
    offsets: Vec<(usize, usize)>,
}

impl PdfWriter {
    fn new() -> Self {
        PdfWriter {
            out: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            offsets: Vec::new(),
        }
    }

    fn object(&mut self, id: usize, body: &[u8]) {
        self.offsets.push((id, self.out.len()));
        self.out
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, id: usize, dict: &str, data: &[u8]) {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object(id, &body);
    }

    fn finish(mut self, root: usize) -> Vec<u8> {
        self.offsets.sort_unstable();
        let size = self.offsets.last().map_or(1, |(id, _)| id + 1);
        let xref = self.out.len();
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f \n");
        let mut next = 1;
        for (id, offset) in &self.offsets {
            while next < *id {
                table.push_str("0000000000 65535 f \n");
                next += 1;
            }
            let _ = writeln!(table, "{offset:010} 00000 n ");
            next = id + 1;
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let bytes = pdf(&["一、主要工作"]);
        let text = String::from_utf8_lossy(&bytes);
        let xref_at = text.rfind("startxref\n").map(|i| i + "startxref\n".len());
        let xref: usize = xref_at
            .and_then(|i| text.get(i..))
            .and_then(|s| s.lines().next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_default();
        assert!(bytes.get(xref..).is_some_and(|s| s.starts_with(b"xref\n")));
        let entries = text.get(xref..).unwrap_or_default().lines().skip(3);
        for (id, entry) in (1..).zip(entries.take_while(|l| l.ends_with(" n "))) {
            let offset: usize = entry.get(..10).and_then(|s| s.parse().ok()).unwrap_or(0);
            let expected = format!("{id} 0 obj");
            assert!(
                bytes
                    .get(offset..)
                    .is_some_and(|s| s.starts_with(expected.as_bytes())),
                "object {id} at {offset}"
            );
        }
    }

    #[test]
    fn codes_are_not_unicode() {
        let bytes = pdf(&["一"]);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("<0001> Tj"));
        assert!(text.contains("<0001> <4E00>"));
    }
}
