//! Content: 篇N article headings, pagination text, block scoring, duplicates, JSON-LD and
//! data tables.

use std::sync::LazyLock;

use regex::Regex;

use super::re;

/// 篇1…篇N headings that split a page into several articles, in the shapes essay sites
/// use: `…篇3` / `…（篇3）` at the end of a line, `第三篇` / `【第3篇】` / `（第三篇）` at
/// its start, `【篇一】` / `篇一：` / `范文一：` / `例文2.` opening it.
pub static PIAN_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^.*篇\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[)）】\]〗]?\s*[:：]?$|^\s*[【\[〖(（]?\s*第\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*篇([^章]|$)|^\s*[【\[〖(（]?\s*(篇|范文|例文)\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*([】\]〗)）]|[:：.、．]|$)",
    )
});

/// Words every [`PIAN_HEADING`] contains (a cheap test before the regex).
pub const PIAN_WORDS: [&str; 3] = ["篇", "范文", "例文"];

/// 篇N headings are short lines (weight).
pub const PIAN_HEADING_MAX: u32 = 200;

/// Pagination text: `共2页` / `当前第1页` / `第1页/共2页`.
pub static PAGE_TOTAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"共\s*(\d{1,4})\s*页|第\s*\d{1,4}\s*页\s*[/／]\s*共\s*(\d{1,4})"));
/// The current page number in pagination text.
pub static PAGE_CURRENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"当前第\s*(\d{1,4})\s*页|第\s*(\d{1,4})\s*页\s*[/／]"));
/// Link texts of next/previous page links.
pub static NEXT_TEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(下一页|下页|后一页|Next|next|›|»|>)\s*$"));
/// See [`NEXT_TEXT`].
pub static PREV_TEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(上一页|上页|前一页|Prev|Previous|prev|‹|«|<)\s*$"));
/// A page number in the URL (`1523871_2.html`, `?page=2`, `/page/2/`).
pub static URL_PAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:_|-|/page/|[?&]page=|[?&]p=)(\d{1,4})(?:\.s?html?|/|$|&)"));

/// A block whose linked text is more than this share of its text is navigation.
pub const LINK_DENSITY_MAX: f64 = 0.5;
/// …unless it still has this much unlinked text (weight): prose that cites many links
/// (news sites wrap names in hover-card links) is a paragraph, not a menu.
pub const PROSE_UNLINKED_MIN: u32 = 80;
/// Blocks lighter than this without sentence punctuation count as furniture when
/// scoring containers (menu items, labels); they are still output inside the content.
pub const SHORT_BLOCK: u32 = 30;
/// Penalty (weight units) of one short unpunctuated block when scoring containers.
pub const SHORT_PENALTY: f64 = 6.0;
/// Chrome lines count this many times their weight against a container.
pub const CHROME_PENALTY: f64 = 1.0;
/// Ancestor levels a block's value reaches (owner, parent, grandparent, …).
pub const SCORE_LEVELS: usize = 5;
/// Siblings of the best container scoring at least this share of it join the content
/// (readability's 0.2): bodies split by an ad or an inline widget.
pub const SIBLING_SHARE: f64 = 0.2;
/// Prose value an `itemprop="articleBody"` element needs to be taken as the content over
/// the best-scoring element (about two sentences: an empty or teaser-only body is not).
pub const MARKED_ARTICLE_MIN: f64 = 150.0;
/// …and at least this absolute score (weight units, ≈ one sentence).
pub const SIBLING_MIN: f64 = 30.0;
/// How far up from the best element repeated same-class paragraph containers are looked for.
pub const REPEAT_LEVELS: usize = 3;
/// Sentence punctuation: blocks with it are prose.
pub fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '，' | ',' | '.' | '!' | '?' | ';' | '：' | ':'
    )
}

/// Sub-trees whose normalized text repeats an earlier sibling of at least this weight are
/// dropped (sites that print the body twice, e.g. a hidden mobile copy).
pub const DUPLICATE_MIN: u32 = 300;

/// JSON-LD `articleBody` replaces the DOM text when the DOM found less than this share of it.
pub const JSONLD_PREFER_RATIO: f64 = 0.5;
/// Minimum weight for a JSON-LD articleBody to be considered.
pub const JSONLD_MIN: u32 = 300;

/// Data tables (rows of cells) versus layout tables: a table is data when it has no
/// nested table, at least 2 rows, at least 2 cells in a row, and no cell heavier than this.
pub const DATA_CELL_MAX: u32 = 300;
/// A "data" table whose text is mostly links is a link grid (navigation), not statistics.
pub const DATA_LINK_MAX: f64 = 0.5;
