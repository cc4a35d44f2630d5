//! PDF: the text layer, in content-stream order, as lines and paragraphs.
//!
//! lopdf parses the file (xref, objects, filters, encryption) with its per-stream
//! decompression bound. The text is ours: a small content-stream interpreter
//! (`q Q cm BT Tf Tc Tw Tz TL Ts Td TD Tm T* Tj TJ ' " Do`) that
//! 1. splits each shown string into character codes the way the font's encoding says
//!    (one byte for simple fonts; two for `Identity-H` and the `UCS2` CMaps; GBK/GB18030
//!    and Big5 byte patterns for those CMaps),
//! 2. maps each code to text through the font's `/ToUnicode` CMap (parsed by lopdf), or
//!    else through what the encoding itself implies (UCS-2, GBK, Big5, or lopdf's simple
//!    encodings for one-byte fonts); a CID font without `/ToUnicode` under `Identity-H`
//!    has no recoverable text, and yields none,
//! 3. places each glyph with the text and graphics matrices and the font's widths (`/W`,
//!    `/Widths`, or one em for CJK and half an em for the rest when the font has none),
//! 4. breaks lines where the baseline moves, inserts a space at a gap in a line (not between
//!    two CJK characters unless the gap is a full em), and joins the lines of one paragraph
//!    when the page's lines show a wrapped text block (`paragraphs`).
//!
//! Bounds: pages by `max_pages`; each page's content (and each form XObject) by
//! `PAGE_CONTENT_LIMIT` and by what is left of `max_uncompressed`; streams decoded while
//! loading by `LOAD_STREAM_LIMIT` each.

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use lopdf::content::{Content, Operation};
use lopdf::{DecompressError, Dictionary, Document, Encoding, LoadOptions, Object, ObjectId};

use crate::sink::Sink;
use crate::{Limits, ReadError, Text};

/// Each object or xref stream decoded while loading: 8 MiB. Real object streams hold a few
/// hundred small objects (tens of KiB); lopdf decodes them all up front, so this is what
/// stops a crafted one from inflating before any page is read.
const LOAD_STREAM_LIMIT: u64 = 8 * 1024 * 1024;
/// One page's content streams, or one form XObject: 8 MiB. A dense page of text is under
/// 100 KiB; a page over this is a vector drawing and is skipped (the text is `truncated`).
const PAGE_CONTENT_LIMIT: u64 = 8 * 1024 * 1024;
/// One `/ToUnicode` CMap: 4 MiB (a full CJK font's map is under 1 MiB).
const CMAP_LIMIT: usize = 4 * 1024 * 1024;
/// Form XObjects drawn inside form XObjects: a cycle or a deep nest stops here.
const MAX_FORM_DEPTH: usize = 8;
/// Form XObjects drawn on one page: a tiny form drawn a thousand times at each of eight
/// levels would otherwise run forever while spending almost no budget. Real pages draw a
/// handful (logos, headers, stamps).
const MAX_FORMS_PER_PAGE: usize = 1000;
/// Where `%PDF-` may start (after junk some servers prepend).
const HEADER_WINDOW: usize = 1024;

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Text, ReadError> {
    let head = bytes
        .get(..bytes.len().min(HEADER_WINDOW))
        .unwrap_or_default();
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ReadError::Corrupt("no %PDF- header".to_owned()));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(to_usize(limits.max_uncompressed.min(LOAD_STREAM_LIMIT))),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(load_error)?;
    // An /Encrypt entry left in the trailer means the empty user password did not open it
    // (lopdf removes the entry once it has decrypted the objects).
    if doc.trailer.has(b"Encrypt") {
        return Err(ReadError::Encrypted);
    }
    let mut reader = PageReader {
        doc: &doc,
        budget: limits.max_uncompressed,
        fonts: HashMap::new(),
        forms_left: MAX_FORMS_PER_PAGE,
        truncated: false,
    };
    let mut sink = Sink::new(limits.max_chars);
    let pages = doc.get_pages();
    for (index, page_id) in pages.values().enumerate() {
        if index >= limits.max_pages {
            sink.truncate();
            break;
        }
        let lines = match reader.page(*page_id) {
            Ok(lines) => lines,
            Err(Stop::Budget) if sink.is_empty() => {
                return Err(ReadError::TooLarge(format!(
                    "page content decompresses past the {}-byte limit",
                    limits.max_uncompressed
                )));
            }
            Err(Stop::Budget) => {
                sink.truncate();
                break;
            }
        };
        for paragraph in paragraphs(&lines) {
            if !sink.paragraph(&paragraph) {
                break;
            }
        }
        if sink.is_full() {
            break;
        }
    }
    if reader.truncated {
        sink.truncate();
    }
    sink.finish()
}

fn load_error(e: lopdf::Error) -> ReadError {
    match e {
        lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { limit }) => {
            ReadError::TooLarge(format!("a PDF stream decompresses past {limit} bytes"))
        }
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ReadError::Encrypted,
        other => ReadError::Corrupt(format!("PDF: {other}")),
    }
}

fn is_budget_error(e: &lopdf::Error) -> bool {
    matches!(
        e,
        lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })
    )
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Why a page read stopped the document read.
enum Stop {
    /// `max_uncompressed` is spent.
    Budget,
}

/// A 2-D affine matrix `[a b c d e f]`, PDF's row-vector convention.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// `self × other`: first `self`, then `other`.
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let mut m = [0.0; 6];
        if operands.len() < 6 {
            return None;
        }
        for (slot, operand) in m.iter_mut().zip(operands) {
            *slot = number(operand)?;
        }
        m.iter().all(|v| v.is_finite()).then_some(Matrix(m))
    }
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// How a font's strings split into character codes, and what the codes mean when there is
/// no `/ToUnicode`.
enum Codes<'a> {
    /// A simple font: one byte a code, decoded by lopdf's encoding (standard, WinAnsi,
    /// MacRoman, `/Differences`).
    OneByte(Option<Encoding<'a>>),
    /// `Identity-H`/`-V` or an embedded CMap: two bytes a code, which is the CID.
    Identity,
    /// `Uni*-UCS2-*` and `Uni*-UTF16-*`: the codes are UTF-16BE.
    Utf16,
    /// `GBK-EUC`, `GBpc-EUC`, `GBK2K`, `GB-EUC`: GB18030 byte sequences.
    Gb,
    /// `B5pc`, `ETen-B5`, `HKscs-B5`: Big5 byte sequences.
    Big5,
    /// Another predefined CMap: two bytes a code, text only through `/ToUnicode`.
    OtherCmap,
}

/// Glyph widths in thousandths of an em.
enum Widths {
    /// A simple font's `/FirstChar` and `/Widths`.
    Simple {
        first: u32,
        widths: Vec<f64>,
        missing: Option<f64>,
    },
    /// A CID font's `/DW` and `/W` ranges `(first, last, width)`, sorted.
    Cid {
        default: f64,
        ranges: Vec<(u32, u32, f64)>,
    },
    /// None given: estimated from the text.
    Estimated,
}

struct Font<'a> {
    codes: Codes<'a>,
    to_unicode: Option<Encoding<'static>>,
    widths: Widths,
}

/// One decoded character code.
struct Glyph {
    text: String,
    /// Advance in thousandths of an em.
    width: f64,
    /// The single-byte code 32, to which word spacing applies.
    is_space: bool,
}

impl<'a> Font<'a> {
    fn load(doc: &'a Document, dict: &'a Dictionary) -> Result<Font<'a>, lopdf::Error> {
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or_default();
        let to_unicode = to_unicode(doc, dict)?;
        if subtype == b"Type0" {
            let descendant = dict
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok());
            let codes = match dict.get_deref(b"Encoding", doc) {
                Ok(Object::Name(name)) => cid_codes(name),
                _ => Codes::Identity,
            };
            let widths = match (&codes, descendant) {
                (Codes::Identity, Some(cid)) => cid_widths(doc, cid),
                _ => Widths::Estimated,
            };
            return Ok(Font {
                codes,
                to_unicode,
                widths,
            });
        }
        // lopdf's encoding: for the codes `/ToUnicode` lacks, or all of them without it.
        let encoding = match dict.get_font_encoding_with_limit(doc, CMAP_LIMIT) {
            Ok(encoding) => Some(encoding),
            Err(e) if is_budget_error(&e) => return Err(e),
            Err(_) => None,
        };
        Ok(Font {
            codes: Codes::OneByte(encoding),
            to_unicode,
            widths: simple_widths(doc, dict),
        })
    }

    /// Splits `bytes` into codes and decodes each one.
    fn glyphs(&self, bytes: &[u8]) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let len = self.code_len(rest).min(rest.len()).max(1);
            let (code, tail) = rest.split_at(len);
            rest = tail;
            let text = self.text(code);
            let value = code.iter().fold(0u32, |v, b| (v << 8) | u32::from(*b));
            let width = self.width(value, &text);
            out.push(Glyph {
                text,
                width,
                is_space: len == 1 && value == 32,
            });
        }
        out
    }

    fn code_len(&self, rest: &[u8]) -> usize {
        let first = rest.first().copied().unwrap_or_default();
        match self.codes {
            Codes::OneByte(_) => 1,
            Codes::Identity | Codes::OtherCmap => 2,
            Codes::Utf16 => {
                let unit = u16::from_be_bytes([first, rest.get(1).copied().unwrap_or_default()]);
                if (0xD800..0xDC00).contains(&unit) {
                    4
                } else {
                    2
                }
            }
            Codes::Gb => match (first, rest.get(1)) {
                (0..=0x80, _) => 1,
                (_, Some(0x30..=0x39)) => 4,
                _ => 2,
            },
            Codes::Big5 => {
                if first < 0x81 {
                    1
                } else {
                    2
                }
            }
        }
    }

    fn text(&self, code: &[u8]) -> String {
        if let Some(cmap) = &self.to_unicode {
            if let Ok(s) = cmap.bytes_to_string(code) {
                if !s.is_empty() && !s.contains('\u{fffd}') {
                    return s;
                }
            }
        }
        match &self.codes {
            Codes::OneByte(Some(encoding)) => encoding.bytes_to_string(code).unwrap_or_default(),
            Codes::Utf16 => encoding_rs::UTF_16BE
                .decode_without_bom_handling(code)
                .0
                .into_owned(),
            Codes::Gb => encoding_rs::GB18030
                .decode_without_bom_handling(code)
                .0
                .into_owned(),
            Codes::Big5 => encoding_rs::BIG5
                .decode_without_bom_handling(code)
                .0
                .into_owned(),
            Codes::OneByte(None) | Codes::Identity | Codes::OtherCmap => String::new(),
        }
        .replace('\u{fffd}', "")
    }

    fn width(&self, code: u32, text: &str) -> f64 {
        let given = match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|i| widths.get(usize::try_from(i).ok()?))
                .copied()
                .or(*missing),
            Widths::Cid { default, ranges } => {
                let at = ranges.partition_point(|(lo, _, _)| *lo <= code);
                let found = at
                    .checked_sub(1)
                    .and_then(|i| ranges.get(i))
                    .filter(|(_, hi, _)| code <= *hi)
                    .map(|(_, _, w)| *w);
                Some(found.unwrap_or(*default))
            }
            Widths::Estimated => None,
        };
        match given {
            Some(w) if w.is_finite() && w > 0.0 => w,
            _ => estimated_width(text),
        }
    }
}

/// One em for CJK and full-width characters, a quarter for a space, half for the rest.
fn estimated_width(text: &str) -> f64 {
    match text.chars().next() {
        Some(c) if is_wide(c) => 1000.0,
        Some(' ') => 250.0,
        _ => 500.0,
    }
}

/// CJK ideographs, kana, hangul, CJK punctuation and full-width forms.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

fn cid_codes<'a>(cmap: &[u8]) -> Codes<'a> {
    let name = String::from_utf8_lossy(cmap);
    if name.starts_with("Identity") {
        Codes::Identity
    } else if name.contains("UCS2") || name.contains("UTF16") {
        Codes::Utf16
    } else if name.starts_with("GB") {
        Codes::Gb
    } else if name.contains("B5") {
        Codes::Big5
    } else {
        Codes::OtherCmap
    }
}

/// The font's `/ToUnicode` CMap, parsed by lopdf (bounded by `CMAP_LIMIT`). lopdf only
/// reaches it through a font's encoding lookup, so it is asked about a stand-in font that
/// has nothing but this CMap.
fn to_unicode(
    doc: &Document,
    dict: &Dictionary,
) -> Result<Option<Encoding<'static>>, lopdf::Error> {
    let Ok(cmap) = dict.get(b"ToUnicode") else {
        return Ok(None);
    };
    let mut stand_in = Dictionary::new();
    stand_in.set("Type", Object::Name(b"Font".to_vec()));
    stand_in.set("ToUnicode", cmap.clone());
    match stand_in.get_font_encoding_with_limit(doc, CMAP_LIMIT) {
        Ok(Encoding::UnicodeMapEncoding(map)) => Ok(Some(Encoding::UnicodeMapEncoding(map))),
        Ok(_) => Ok(None),
        Err(e) if is_budget_error(&e) => Err(e),
        Err(_) => Ok(None),
    }
}

fn numbers(doc: &Document, o: &Object) -> Vec<f64> {
    match doc.dereference(o) {
        Ok((_, Object::Array(items))) => items
            .iter()
            .map(|i| {
                doc.dereference(i)
                    .ok()
                    .and_then(|(_, o)| number(o))
                    .unwrap_or(0.0)
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn simple_widths(doc: &Document, dict: &Dictionary) -> Widths {
    let first = dict
        .get_deref(b"FirstChar", doc)
        .ok()
        .and_then(number)
        .filter(|v| (0.0..=255.0).contains(v));
    let widths = dict
        .get(b"Widths")
        .map(|w| numbers(doc, w))
        .unwrap_or_default();
    let missing = dict
        .get_deref(b"FontDescriptor", doc)
        .and_then(Object::as_dict)
        .and_then(|d| d.get_deref(b"MissingWidth", doc))
        .ok()
        .and_then(number);
    match first {
        Some(first) if !widths.is_empty() => Widths::Simple {
            first: first as u32,
            widths,
            missing,
        },
        _ => Widths::Estimated,
    }
}

fn cid_widths(doc: &Document, cid: &Dictionary) -> Widths {
    let default = cid
        .get_deref(b"DW", doc)
        .ok()
        .and_then(number)
        .unwrap_or(1000.0);
    let mut ranges = Vec::new();
    let items = match cid.get_deref(b"W", doc) {
        Ok(Object::Array(items)) => items.as_slice(),
        _ => &[],
    };
    let mut i = 0;
    while let Some(first) = items.get(i).and_then(number) {
        let first = first.max(0.0) as u32;
        match items.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(list))) => {
                for (k, w) in list.iter().enumerate() {
                    let code = first.saturating_add(u32::try_from(k).unwrap_or(u32::MAX));
                    ranges.push((code, code, number(w).unwrap_or(default)));
                }
                i += 2;
            }
            Some(Ok(last)) => {
                let (Some(last), Some(w)) = (number(last), items.get(i + 2).and_then(number))
                else {
                    break;
                };
                ranges.push((first, last.max(0.0) as u32, w));
                i += 3;
            }
            _ => break,
        }
    }
    ranges.sort_by_key(|(lo, _, _)| *lo);
    Widths::Cid { default, ranges }
}

/// Where a font dictionary lives: an object, or written inline in a resource dictionary.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Inline(usize),
}

/// The resource dictionaries in force, nearest first.
#[derive(Clone)]
struct Resources<'a>(Vec<&'a Dictionary>);

impl<'a> Resources<'a> {
    fn lookup(&self, doc: &'a Document, category: &[u8], name: &[u8]) -> Option<&'a Object> {
        self.0.iter().find_map(|res| {
            res.get_deref(category, doc)
                .and_then(Object::as_dict)
                .and_then(|d| d.get(name))
                .ok()
        })
    }
}

/// The graphics state the text cares about.
#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    font: Option<Rc<Font<'a>>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
}

impl State<'_> {
    fn new(ctm: Matrix) -> Self {
        State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

struct PageReader<'a> {
    doc: &'a Document,
    /// What is left of `max_uncompressed`.
    budget: u64,
    fonts: HashMap<FontKey, Option<Rc<Font<'a>>>>,
    /// Form XObjects the current page may still draw.
    forms_left: usize,
    /// A page or form was skipped for its size or count.
    truncated: bool,
}

impl<'a> PageReader<'a> {
    /// The text lines of one page. A damaged page yields what was read before the damage.
    fn page(&mut self, page_id: ObjectId) -> Result<Vec<Line>, Stop> {
        let doc = self.doc;
        let mut resources = Vec::new();
        if let Ok((direct, ids)) = doc.get_page_resources(page_id) {
            resources.extend(direct);
            resources.extend(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
        }
        let content = match doc.get_page_content_with_limit(page_id, self.content_limit()) {
            Ok(content) => content,
            Err(e) if is_budget_error(&e) => return self.over_limit().map(|()| Vec::new()),
            Err(_) => return Ok(Vec::new()),
        };
        self.spend(content.len());
        self.forms_left = MAX_FORMS_PER_PAGE;
        let mut layout = Layout::default();
        self.run(
            &content,
            &Resources(resources),
            State::new(Matrix::IDENTITY),
            0,
            &mut layout,
        )?;
        Ok(layout.finish())
    }

    fn content_limit(&self) -> usize {
        to_usize(self.budget.min(PAGE_CONTENT_LIMIT))
    }

    fn spend(&mut self, n: usize) {
        self.budget = self.budget.saturating_sub(n as u64);
    }

    /// A stream over the content limit: the budget is spent if it was the tighter bound,
    /// else the stream is just too big and skipped.
    fn over_limit(&mut self) -> Result<(), Stop> {
        if self.budget <= PAGE_CONTENT_LIMIT {
            return Err(Stop::Budget);
        }
        self.truncated = true;
        Ok(())
    }

    fn font(
        &mut self,
        resources: &Resources<'a>,
        name: &[u8],
    ) -> Result<Option<Rc<Font<'a>>>, Stop> {
        let doc = self.doc;
        let Some(object) = resources.lookup(doc, b"Font", name) else {
            return Ok(None);
        };
        let (key, dict) = match object {
            Object::Reference(id) => (FontKey::Object(*id), doc.get_dictionary(*id).ok()),
            Object::Dictionary(d) => (FontKey::Inline(d as *const Dictionary as usize), Some(d)),
            _ => return Ok(None),
        };
        if let Some(font) = self.fonts.get(&key) {
            return Ok(font.clone());
        }
        let font = match dict.map(|d| Font::load(doc, d)) {
            Some(Ok(font)) => Some(Rc::new(font)),
            Some(Err(e)) if is_budget_error(&e) => {
                self.truncated = true;
                None
            }
            _ => None,
        };
        self.fonts.insert(key, font.clone());
        Ok(font)
    }

    /// Interprets one content stream (a page's, or a form XObject's at `depth`).
    fn run(
        &mut self,
        content: &[u8],
        resources: &Resources<'a>,
        state: State<'a>,
        depth: usize,
        layout: &mut Layout,
    ) -> Result<(), Stop> {
        let mut state = state;
        let mut saved: Vec<State<'a>> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(content) {
            let Ok(Operation { operator, operands }) = op else {
                break;
            };
            let n = |i: usize| operands.get(i).and_then(number);
            match operator.as_str() {
                "q" => saved.push(state.clone()),
                "Q" => {
                    if let Some(s) = saved.pop() {
                        state = s;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(&operands) {
                        state.ctm = m.then(state.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        state.font = self.font(resources, name)?;
                    }
                    state.size = n(1).unwrap_or(state.size);
                }
                "Tc" => state.char_spacing = n(0).unwrap_or(state.char_spacing),
                "Tw" => state.word_spacing = n(0).unwrap_or(state.word_spacing),
                "Tz" => state.h_scale = n(0).map_or(state.h_scale, |v| v / 100.0),
                "TL" => state.leading = n(0).unwrap_or(state.leading),
                "Ts" => state.rise = n(0).unwrap_or(state.rise),
                "Td" | "TD" => {
                    let (tx, ty) = (n(0).unwrap_or(0.0), n(1).unwrap_or(0.0));
                    if operator == "TD" {
                        state.leading = -ty;
                    }
                    tlm = Matrix::translate(tx, ty).then(tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = Matrix::from_operands(&operands) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -state.leading).then(tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if operator != "Tj" {
                        if operator == "\"" {
                            state.word_spacing = n(0).unwrap_or(state.word_spacing);
                            state.char_spacing = n(1).unwrap_or(state.char_spacing);
                        }
                        tlm = Matrix::translate(0.0, -state.leading).then(tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(bytes, _)) = operands.last() {
                        show(&state, &mut tm, bytes, layout);
                    }
                }
                "TJ" => {
                    let items = match operands.first() {
                        Some(Object::Array(items)) => items.as_slice(),
                        _ => &[],
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => show(&state, &mut tm, bytes, layout),
                            other => {
                                if let Some(adjust) = number(other) {
                                    let tx = -adjust / 1000.0 * state.size * state.h_scale;
                                    tm = Matrix::translate(tx, 0.0).then(tm);
                                }
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.form(resources, name, &state, depth, layout)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Draws a form XObject (an image XObject has no text and is passed over).
    fn form(
        &mut self,
        resources: &Resources<'a>,
        name: &[u8],
        state: &State<'a>,
        depth: usize,
        layout: &mut Layout,
    ) -> Result<(), Stop> {
        let doc = self.doc;
        let Some(stream) = resources
            .lookup(doc, b"XObject", name)
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_stream().ok())
        else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let Some(left) = self.forms_left.checked_sub(1) else {
            self.truncated = true;
            return Ok(());
        };
        self.forms_left = left;
        let content = match stream.get_plain_content_with_limit(self.content_limit()) {
            Ok(content) => content,
            Err(e) if is_budget_error(&e) => return self.over_limit(),
            Err(_) => return Ok(()),
        };
        self.spend(content.len());
        let matrix = stream
            .dict
            .get(b"Matrix")
            .and_then(Object::as_array)
            .ok()
            .and_then(|m| Matrix::from_operands(m))
            .unwrap_or(Matrix::IDENTITY);
        let mut inner = resources.clone();
        if let Ok(own) = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
        {
            inner.0.insert(0, own);
        }
        let mut form_state = state.clone();
        form_state.ctm = matrix.then(state.ctm);
        self.run(&content, &inner, form_state, depth + 1, layout)
    }
}

/// Shows one string: each glyph is placed, laid out, and the text matrix advanced.
fn show(state: &State<'_>, tm: &mut Matrix, bytes: &[u8], layout: &mut Layout) {
    let Some(font) = &state.font else {
        return;
    };
    for glyph in font.glyphs(bytes) {
        let scale = Matrix([
            state.size * state.h_scale,
            0.0,
            0.0,
            state.size,
            0.0,
            state.rise,
        ]);
        let trm = scale.then(*tm).then(state.ctm);
        let mut tx = glyph.width / 1000.0 * state.size + state.char_spacing;
        if glyph.is_space {
            tx += state.word_spacing;
        }
        tx *= state.h_scale;
        let end = Matrix::translate(tx, 0.0).then(*tm).then(state.ctm);
        layout.glyph(&glyph.text, &trm, (end.0[4], end.0[5]));
        *tm = Matrix::translate(tx, 0.0).then(*tm);
    }
}

/// One line of text, in the coordinates of its own baseline direction: `u` along it, `v`
/// across it.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    /// The baseline direction (a unit vector in device space).
    dir: (f64, f64),
    u0: f64,
    u1: f64,
    v: f64,
    size: f64,
}

/// Builds lines from placed glyphs.
#[derive(Default)]
struct Layout {
    lines: Vec<Line>,
    current: Option<Line>,
    /// The current line's latest glyphs (text, start), to drop the copies some producers
    /// overprint to fake bold: a glyph drawn again where the same glyph already is.
    recent: VecDeque<(String, f64)>,
}

/// A gap over this many ems in a line is a space (between non-CJK characters).
const SPACE_GAP_EM: f64 = 0.25;
/// Between two CJK characters only a gap this wide is a space (justified CJK text spreads
/// characters by fractions of an em).
const CJK_SPACE_GAP_EM: f64 = 1.0;
/// The baseline moving over this many ems starts a new line (a superscript moves less).
const NEW_LINE_EM: f64 = 0.5;
/// Glyphs of a line an overprinted copy is looked for among: a fake-bold producer redraws a
/// string or a word, not a whole line later.
const OVERPRINT_WINDOW: usize = 64;

impl Layout {
    fn glyph(&mut self, text: &str, trm: &Matrix, end: (f64, f64)) {
        let [a, b, c, d, x, y] = trm.0;
        let len = a.hypot(b);
        let size = c.hypot(d);
        if !(len.is_finite() && size.is_finite()) || len < 1e-9 || size < 1e-9 {
            return;
        }
        let dir = (a / len, b / len);
        let u = x * dir.0 + y * dir.1;
        let v = -x * dir.1 + y * dir.0;
        let u_end = end.0 * dir.0 + end.1 * dir.1;
        let same_line = self.current.as_ref().is_some_and(|line| {
            let aligned = line.dir.0 * dir.0 + line.dir.1 * dir.1 > 0.99;
            aligned && (v - line.v).abs() <= NEW_LINE_EM * size.max(line.size)
        });
        if !same_line {
            if text.trim().is_empty() {
                return;
            }
            self.end_line();
            self.current = Some(Line {
                text: text.to_owned(),
                dir,
                u0: u,
                u1: u_end,
                v,
                size,
            });
            self.recent.clear();
            self.remember(text, u);
            return;
        }
        let Some(line) = self.current.as_mut() else {
            return;
        };
        if text.is_empty() {
            line.u1 = line.u1.max(u_end);
            return;
        }
        if self
            .recent
            .iter()
            .any(|(seen, at)| seen == text && (u - at).abs() < 0.2 * size)
        {
            return;
        }
        let gap = u - line.u1;
        let prev = line.text.chars().last();
        let next = text.chars().next();
        let both_wide = prev.is_some_and(is_wide) && next.is_some_and(is_wide);
        let threshold = if both_wide {
            CJK_SPACE_GAP_EM
        } else {
            SPACE_GAP_EM
        };
        let spaced = prev.is_some_and(char::is_whitespace) || next.is_some_and(char::is_whitespace);
        if !spaced && (gap > threshold * size || gap < -2.0 * size) {
            line.text.push(' ');
        }
        line.text.push_str(text);
        line.u1 = u_end;
        line.size = line.size.max(size);
        self.remember(text, u);
    }

    fn remember(&mut self, text: &str, u: f64) {
        if self.recent.len() == OVERPRINT_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back((text.to_owned(), u));
    }

    fn end_line(&mut self) {
        if let Some(line) = self.current.take() {
            if !line.text.trim().is_empty() {
                self.lines.push(line);
            }
        }
    }

    fn finish(mut self) -> Vec<Line> {
        self.end_line();
        self.lines
    }
}

/// Characters that end a sentence or a heading: a line ending in one is not continued.
const CLOSERS: &[char] = &[
    '。', '！', '？', '：', '；', '…', '.', '!', '?', ':', ';', '」', '』', '”',
];

/// Joins the lines of a page into paragraphs. A line continues the one before it when that
/// one reaches the right edge of the page's text block (which at least two lines must share,
/// so a single long line proves nothing), does not end a sentence, and the new line starts at
/// the left edge (no first-line indent), directly below, in the same size and direction.
/// Every other line is a paragraph of its own.
fn paragraphs(lines: &[Line]) -> Vec<String> {
    let left = lines.iter().map(|l| l.u0).fold(f64::INFINITY, f64::min);
    let right = lines.iter().map(|l| l.u1).fold(f64::NEG_INFINITY, f64::max);
    let at_right = |l: &Line| l.u1 >= right - 1.5 * l.size;
    let block_has_edge = lines.iter().filter(|l| at_right(l)).count() >= 2;
    let mut out: Vec<String> = Vec::new();
    let mut prev: Option<&Line> = None;
    for line in lines {
        let joins = prev.is_some_and(|p| {
            let below = p.v - line.v;
            block_has_edge
                && at_right(p)
                && !p.text.trim_end().ends_with(CLOSERS)
                && line.u0 <= left + 0.5 * line.size
                && below > 0.0
                && below <= 2.0 * p.size
                && (p.size - line.size).abs() <= 0.15 * p.size
                && p.dir.0 * line.dir.0 + p.dir.1 * line.dir.1 > 0.99
        });
        match out.last_mut() {
            Some(last) if joins => {
                let tail = last.chars().last();
                let head = line.text.chars().next();
                if tail.is_some_and(|c| c.is_ascii_alphanumeric())
                    && head.is_some_and(|c| c.is_ascii_alphanumeric())
                {
                    last.push(' ');
                }
                last.push_str(line.text.trim());
            }
            _ => out.push(line.text.trim().to_owned()),
        }
        prev = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, u0: f64, u1: f64, v: f64) -> Line {
        Line {
            text: text.to_owned(),
            dir: (1.0, 0.0),
            u0,
            u1,
            v,
            size: 12.0,
        }
    }

    #[test]
    fn wrapped_lines_of_a_block_join_and_headings_do_not() {
        let lines = [
            line("一、主要工作", 72.0, 144.0, 700.0),
            line("全年完成投资约25万元，全面", 96.0, 540.0, 680.0),
            line("推进各项工作，接种率90.70%", 72.0, 540.0, 660.0),
            line("以上。", 72.0, 108.0, 640.0),
            line("二、存在问题", 72.0, 144.0, 620.0),
        ];
        assert_eq!(
            paragraphs(&lines),
            vec![
                "一、主要工作",
                "全年完成投资约25万元，全面推进各项工作，接种率90.70%以上。",
                "二、存在问题",
            ]
        );
    }

    #[test]
    fn one_long_line_does_not_swallow_the_next() {
        let lines = [
            line("一段很长的文字没有句号", 72.0, 600.0, 700.0),
            line("（一）强化组织领导", 72.0, 180.0, 680.0),
        ];
        assert_eq!(paragraphs(&lines).len(), 2);
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let m = Matrix::translate(10.0, 20.0).then(Matrix([2.0, 0.0, 0.0, 2.0, 5.0, 5.0]));
        assert_eq!(m, Matrix([2.0, 0.0, 0.0, 2.0, 25.0, 45.0]));
    }

    #[test]
    fn gb_and_big5_codes_split_by_lead_byte() {
        let gb = Font {
            codes: Codes::Gb,
            to_unicode: None,
            widths: Widths::Estimated,
        };
        let glyphs = gb.glyphs(b"A\xd6\xd0\x81\x30\x81\x30");
        let texts: Vec<&str> = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["A", "中", "\u{80}"]);
        let big5 = Font {
            codes: Codes::Big5,
            to_unicode: None,
            widths: Widths::Estimated,
        };
        let glyphs = big5.glyphs(b"\xa4\xa4a");
        let texts: Vec<&str> = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, vec!["中", "a"]);
    }
}
