//! `read` on files built here (`report_docread::testdata`): DOCX paragraphs and tables in
//! order, CJK PDFs through ToUnicode, the error kinds, the limits, and garbage that must
//! come back as an `Err` and never a panic.

use report_docread::testdata::{self, Block, PdfObject};
use report_docread::{read, Kind, Limits, ReadError, Text};

const HEADING: &str = "一、主要工作";
const FIGURES: &str = "全年完成投资约25万元，接种率90.70%。";

fn docx_text(bytes: &[u8]) -> Result<Text, ReadError> {
    read(Kind::Docx, bytes, &Limits::default())
}

fn pdf_text(bytes: &[u8]) -> Result<Text, ReadError> {
    read(Kind::Pdf, bytes, &Limits::default())
}

fn paragraphs(result: Result<Text, ReadError>) -> Vec<String> {
    match result {
        Ok(text) => text.paragraphs,
        Err(e) => vec![format!("error: {e}")],
    }
}

#[test]
fn docx_paragraphs_and_table_in_reading_order() {
    let rows: &[&[&str]] = &[
        &["指标", "完成值"],
        &["投资", "25万元"],
        &["接种率", "90.70%"],
    ];
    let bytes = testdata::docx_blocks(&[
        Block::Paragraph(HEADING),
        Block::Paragraph(FIGURES),
        Block::Table(rows),
        Block::Paragraph("二、存在问题"),
    ]);
    let text = docx_text(&bytes);
    assert_eq!(
        text,
        Ok(Text {
            paragraphs: vec![
                HEADING.to_owned(),
                FIGURES.to_owned(),
                "指标\t完成值".to_owned(),
                "投资\t25万元".to_owned(),
                "接种率\t90.70%".to_owned(),
                "二、存在问题".to_owned(),
            ],
            tables: vec![vec![
                vec!["指标".to_owned(), "完成值".to_owned()],
                vec!["投资".to_owned(), "25万元".to_owned()],
                vec!["接种率".to_owned(), "90.70%".to_owned()],
            ]],
            truncated: false,
        })
    );
}

#[test]
fn docx_tabs_breaks_and_entities() {
    // The tab stop in w:pPr/w:tabs that testdata writes into every paragraph is no text.
    let bytes = testdata::docx(&["序号\t名称", "第一行\n第二行", "A&B <一>"]);
    assert_eq!(
        paragraphs(docx_text(&bytes)),
        vec!["序号 名称", "第一行\n第二行", "A&B <一>"]
    );
}

#[test]
fn docx_skips_fallback_copies_deleted_text_and_field_codes() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
<w:body>
  <w:p><w:r><w:t>正文&#x4E00;</w:t></w:r>
    <w:r><mc:AlternateContent>
      <mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>
    </mc:AlternateContent></w:r>
    <w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>
    <w:r><w:instrText> PAGE </w:instrText></w:r>
    <w:r><w:t xml:space="preserve">结尾</w:t></w:r></w:p>
  <w:p/>
  <w:p><w:r><w:t>后一段</w:t></w:r></w:p>
</w:body></w:document>"#;
    let bytes = testdata::docx_document_xml(xml);
    assert_eq!(
        paragraphs(docx_text(&bytes)),
        vec!["文本框", "正文一结尾", "后一段"]
    );
}

#[test]
fn docx_nested_table_text_stays_in_its_cell() {
    let xml = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:tbl><w:tr>
  <w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p></w:tc>
  <w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>
</w:tr></w:tbl></w:body></w:document>"#;
    let text = docx_text(&testdata::docx_document_xml(xml));
    let text = text.unwrap_or_default();
    assert_eq!(text.paragraphs, vec!["外\t内1 内2"]);
    assert_eq!(
        text.tables,
        vec![
            vec![vec!["内1".to_owned(), "内2".to_owned()]],
            vec![vec!["外".to_owned(), "内1 内2".to_owned()]],
        ]
    );
}

#[test]
fn truncated_docx_is_corrupt() {
    let bytes = testdata::docx(&[HEADING, FIGURES]);
    for cut in [bytes.len() / 2, bytes.len() - 30, 10, 0] {
        let result = docx_text(bytes.get(..cut).unwrap_or_default());
        assert!(
            matches!(result, Err(ReadError::Corrupt(_))),
            "cut at {cut}: {result:?}"
        );
    }
}

#[test]
fn docx_without_document_xml_is_corrupt_and_a_workbook_unsupported() {
    let other = testdata::zip_of(&[("readme.txt", "你好".as_bytes())]);
    assert!(matches!(docx_text(&other), Err(ReadError::Corrupt(_))));
    let workbook = testdata::zip_of(&[("xl/workbook.xml", b"<workbook/>".as_slice())]);
    assert!(matches!(
        docx_text(&workbook),
        Err(ReadError::Unsupported(_))
    ));
}

#[test]
fn ole_files_are_legacy_doc_or_encrypted_docx() {
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(512, 0);
    assert!(matches!(docx_text(&ole), Err(ReadError::Unsupported(_))));
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    ole.extend_from_slice(&name);
    assert_eq!(docx_text(&ole), Err(ReadError::Encrypted));
}

#[test]
fn docx_text_stops_at_max_chars() {
    let bytes = testdata::docx(&["一二三四五", "六七八九十", "十一"]);
    let limits = Limits {
        max_chars: 7,
        ..Limits::default()
    };
    let text = read(Kind::Docx, &bytes, &limits);
    assert_eq!(
        text,
        Ok(Text {
            paragraphs: vec!["一二三四五".to_owned(), "六七".to_owned()],
            tables: vec![],
            truncated: true,
        })
    );
}

#[test]
fn empty_docx_has_no_text() {
    assert_eq!(docx_text(&testdata::docx(&[])), Err(ReadError::NoText));
    assert_eq!(
        docx_text(&testdata::docx(&["  ", ""])),
        Err(ReadError::NoText)
    );
}

#[test]
fn cjk_pdf_lines_come_out_in_order() {
    let bytes = testdata::pdf(&[HEADING, FIGURES]);
    assert_eq!(
        pdf_text(&bytes),
        Ok(Text {
            paragraphs: vec![HEADING.to_owned(), FIGURES.to_owned()],
            tables: vec![],
            truncated: false,
        })
    );
}

#[test]
fn pdf_pages_read_in_order_and_max_pages_truncates() {
    let pages: &[&[&str]] = &[&["第一页"], &["第二页"], &["第三页"]];
    let bytes = testdata::pdf_pages(pages);
    assert_eq!(
        paragraphs(pdf_text(&bytes)),
        vec!["第一页", "第二页", "第三页"]
    );
    let limits = Limits {
        max_pages: 2,
        ..Limits::default()
    };
    let text = read(Kind::Pdf, &bytes, &limits);
    assert_eq!(
        text,
        Ok(Text {
            paragraphs: vec!["第一页".to_owned(), "第二页".to_owned()],
            tables: vec![],
            truncated: true,
        })
    );
}

#[test]
fn image_only_and_empty_pdfs_have_no_text() {
    assert_eq!(
        pdf_text(&testdata::image_only_pdf()),
        Err(ReadError::NoText)
    );
    assert_eq!(pdf_text(&testdata::pdf_pages(&[])), Err(ReadError::NoText));
    assert_eq!(pdf_text(&testdata::pdf(&["", " "])), Err(ReadError::NoText));
}

/// A one-page PDF: 1 catalog, 2 page tree, 3 `content`, 4 Helvetica (WinAnsi), 5 `object5`
/// (a font or a form XObject, named `/Fm1` in the page's resources), 6 the page, whose
/// fonts are `fonts` (`/F1 4 0 R …`).
fn one_page(fonts: &str, content: &[u8], object5: Option<PdfObject<'_>>) -> Vec<u8> {
    let page = format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << {fonts} >> \
         /XObject << /Fm1 5 0 R >> >> /Contents 3 0 R >>"
    );
    testdata::raw_pdf(&[
        PdfObject::Body("<< /Type /Catalog /Pages 2 0 R >>"),
        PdfObject::Body("<< /Type /Pages /Kids [6 0 R] /Count 1 >>"),
        PdfObject::Stream("", content),
        PdfObject::Body(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ),
        object5.unwrap_or(PdfObject::Body("null")),
        PdfObject::Body(&page),
    ])
}

#[test]
fn latin_words_split_by_positions_and_tj_gaps() {
    let content = b"BT /F1 12 Tf 72 700 Td (Hello) Tj 40 0 Td (world) Tj \
                    0 -20 Td [(Total)-300(spend)] TJ 0 -20 Td (tight) Tj (ly) Tj ET";
    let bytes = one_page("/F1 4 0 R", content, None);
    assert_eq!(
        paragraphs(pdf_text(&bytes)),
        vec!["Hello world", "Total spend", "tightly"]
    );
}

#[test]
fn pdf_text_in_form_xobjects_is_read() {
    let form = PdfObject::Stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>",
        b"BT /F1 12 Tf 72 600 Td (inside the form) Tj ET",
    );
    let content = b"BT /F1 12 Tf 72 700 Td (before) Tj ET /Fm1 Do";
    let bytes = one_page("/F1 4 0 R", content, Some(form));
    assert_eq!(
        paragraphs(pdf_text(&bytes)),
        vec!["before", "inside the form"]
    );
}

#[test]
fn self_drawing_forms_stop() {
    // The form draws itself three times: 3^8 runs at the depth limit, past the per-page
    // cap. Every copy lands on the same spot, so the overprint check keeps one.
    let form = PdfObject::Stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] \
         /Resources << /Font << /F1 4 0 R >> /XObject << /Fm1 5 0 R >> >>",
        b"BT /F1 12 Tf 72 600 Td (loop) Tj ET /Fm1 Do /Fm1 Do /Fm1 Do",
    );
    let bytes = one_page("/F1 4 0 R", b"/Fm1 Do", Some(form));
    let started = std::time::Instant::now();
    let text = pdf_text(&bytes);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let first = text.map(|t| (t.truncated, t.paragraphs.first().cloned()));
    assert_eq!(first, Ok((true, Some("loop".to_owned()))));
}

#[test]
fn gbk_cmap_fonts_without_to_unicode_decode_as_gbk() {
    let font = PdfObject::Body(
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /GBK-EUC-H \
         /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /SimSun \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>] >>",
    );
    // 主要工作 in GBK, then ASCII digits.
    let content = b"BT /F2 12 Tf 72 700 Td <D6F7D2AAB9A4D7F7> Tj (2023) Tj ET";
    let bytes = one_page("/F2 5 0 R", content, Some(font));
    assert_eq!(paragraphs(pdf_text(&bytes)), vec!["主要工作2023"]);
}

#[test]
fn identity_font_without_to_unicode_has_no_text() {
    let font = PdfObject::Body(
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
         /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>",
    );
    let bytes = one_page(
        "/F2 5 0 R",
        b"BT /F2 12 Tf 72 700 Td <00010002> Tj ET",
        Some(font),
    );
    assert_eq!(pdf_text(&bytes), Err(ReadError::NoText));
}

#[test]
fn pdf_with_a_user_password_is_encrypted_and_owner_only_is_read() {
    let encrypt = |user: &str| -> Option<Vec<u8>> {
        let mut doc = lopdf::Document::load_mem(&testdata::pdf(&[HEADING])).ok()?;
        // The key derivation needs the file identifier.
        let id = lopdf::Object::String(
            b"0123456789abcdef".to_vec(),
            lopdf::StringFormat::Hexadecimal,
        );
        doc.trailer
            .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
        let version = lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: lopdf::Permissions::PRINTABLE,
        };
        let state = lopdf::EncryptionState::try_from(version).ok()?;
        doc.encrypt(&state).ok()?;
        let mut out = Vec::new();
        doc.save_to(&mut out).ok()?;
        Some(out)
    };
    let locked = encrypt("secret").unwrap_or_default();
    assert_eq!(pdf_text(&locked), Err(ReadError::Encrypted));
    let owner_only = encrypt("").unwrap_or_default();
    assert_eq!(paragraphs(pdf_text(&owner_only)), vec![HEADING]);
}

#[test]
fn not_a_pdf_is_corrupt() {
    assert!(matches!(
        pdf_text(b"<html></html>"),
        Err(ReadError::Corrupt(_))
    ));
    let bytes = testdata::pdf(&[HEADING]);
    let half = bytes.get(..bytes.len() / 3).unwrap_or_default();
    assert!(pdf_text(half).is_err());
}

/// xorshift64*: deterministic bytes for the garbage tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// `read` returned (no panic escaped) and, if a parser panicked inside, said so.
fn survives(kind: Kind, bytes: &[u8], panics: &mut Vec<String>) -> Result<Text, ReadError> {
    let result = read(kind, bytes, &Limits::default());
    if let Err(ReadError::Corrupt(message)) = &result {
        if message.contains("panicked") {
            panics.push(message.clone());
        }
    }
    result
}

#[test]
fn garbage_is_an_error_never_a_panic() {
    let mut panics = Vec::new();
    for seed in 1..=200u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let len = rng.below(4096);
        let noise = rng.bytes(len);
        for kind in [Kind::Docx, Kind::Pdf] {
            assert!(survives(kind, &noise, &mut panics).is_err(), "seed {seed}");
        }
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend_from_slice(&noise);
        assert!(
            survives(Kind::Pdf, &pdf, &mut panics).is_err(),
            "seed {seed}"
        );
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&noise);
        assert!(
            survives(Kind::Docx, &zip, &mut panics).is_err(),
            "seed {seed}"
        );
    }
    println!("parser panics caught: {}", panics.len());
}

#[test]
fn damaged_files_never_panic_out() {
    let docx = testdata::docx_blocks(&[
        Block::Paragraph(HEADING),
        Block::Table(&[&["投资", "25万元"]]),
        Block::Paragraph(FIGURES),
    ]);
    let pdf = testdata::pdf(&[HEADING, FIGURES]);
    let mut panics = Vec::new();
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03));
        for (kind, original) in [(Kind::Docx, &docx), (Kind::Pdf, &pdf)] {
            let mut bytes = original.clone();
            for _ in 0..=rng.below(8) {
                let at = rng.below(bytes.len());
                if let Some(b) = bytes.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
            if rng.below(4) == 0 {
                bytes.truncate(rng.below(bytes.len()));
            }
            // Ok or Err are both fine for a damaged file; a panic escaping is not.
            let _ = survives(kind, &bytes, &mut panics);
        }
    }
    println!("parser panics caught: {}", panics.len());
    for p in panics.iter().take(5) {
        println!("  {p}");
    }
}
