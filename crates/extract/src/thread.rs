//! Forum threads: the first post and every reply are the content, the per-post chrome is
//! not (user cards, signatures, floor numbers, post headers, button rows, quoted replies).
//!
//! The best-scoring element of a thread page is one post's body, so the ordinary content
//! choice keeps a single post. A thread is recognised by structure, with no site names:
//! 1. a *post list*: an element whose children include a group (≥ [`rules::THREAD_MIN_POSTS`])
//!    of siblings with a similar signature (tag, id with digits stripped, class tokens),
//!    and either the page's best element lies inside one of them, or they hold nearly all
//!    of the best element's prose (the best element is the list or its wrapper);
//! 2. a *body* per post: in the post with the most prose, descend to the child holding
//!    [`rules::THREAD_BODY_SHARE`] of the prose until none does, then back up to the
//!    nearest element with a class or id (the editor's plain `<div>` is not the body);
//!    the other posts' bodies are found along the same signature path;
//! 3. *evidence*: at least half of the posts show per-post chrome outside their body
//!    (floor numbers, `发表于`, button rows, user-card statistics: [`rules::FORUM_LINE`],
//!    or a date-time line). A news page's comment list fails step 1 (the article is
//!    outside it); repeated article cards fail step 3 (nothing outside their text).
//!
//! Inside the bodies, quoted replies and signatures ([`rules::FORUM_SKIP_CLASS`],
//! `<blockquote>`) are skipped and forum lines (edit notes, quote headings, attachment
//! lines) are dropped by the caller.

use super::content::{link_heavy, Block};
use super::dom::{roll_up, Dom, Kind, Tag};
use super::rules;

/// A detected thread.
#[derive(Debug, Clone, Default)]
pub struct Thread {
    /// Element index of every post body, in document order.
    pub bodies: Vec<usize>,
    /// Sub-trees `(start, end)` inside the bodies that are not post text (quotes, signatures).
    pub skip: Vec<(usize, usize)>,
}

impl Thread {
    /// Is node `i` inside a skipped sub-tree?
    pub fn skipped(&self, i: usize) -> bool {
        self.skip.iter().any(|&(lo, hi)| i >= lo && i < hi)
    }
}

/// Per-post chrome by text (see [`rules::FORUM_LINE`]); `folded` is the folded line
/// ([`Block::folded`]).
pub fn forum_line(folded: &str, weight: u32) -> bool {
    weight <= rules::FORUM_LINE_MAX && rules::FORUM_LINE.is_match(folded)
}

/// The comparable shape of one element.
#[derive(Debug)]
struct Sig<'a> {
    tag: &'a str,
    /// The id with every digit run replaced by `#` (`post_123` → `post_#`).
    id: Option<String>,
    /// Sorted, deduplicated class tokens.
    classes: Vec<&'a str>,
}

impl Sig<'_> {
    fn marked(&self) -> bool {
        self.id.is_some() || !self.classes.is_empty()
    }
}

fn id_pattern(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut digit = false;
    for c in id.chars() {
        if c.is_ascii_digit() {
            if !digit {
                out.push('#');
            }
            digit = true;
        } else {
            out.push(c);
            digit = false;
        }
    }
    out
}

fn sig<'a>(dom: &Dom<'a>, i: usize) -> Option<Sig<'a>> {
    let e = dom.element(i)?;
    Some(Sig {
        tag: e.name(),
        id: e
            .id()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(id_pattern),
        classes: e.classes().collect(),
    })
}

/// Class token sets overlap enough (Dice coefficient ≥ 0.5); two empty sets are similar.
fn classes_similar(a: &[&str], b: &[&str]) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.is_empty() && b.is_empty();
    }
    let common = a.iter().filter(|c| b.contains(c)).count();
    4 * common >= a.len() + b.len()
}

fn similar(a: &Sig<'_>, b: &Sig<'_>) -> bool {
    if a.tag != b.tag {
        return false;
    }
    match (&a.id, &b.id) {
        // `post_123` / `post_124`: the same kind whatever the (alternating) classes.
        (Some(x), Some(y)) if x == y => true,
        (None, None) => classes_similar(&a.classes, &b.classes),
        // Different ids (`read_tpc` / `read_123`) or one post without an id (a deleted or
        // moved post): the classes must carry it.
        _ => !a.classes.is_empty() && classes_similar(&a.classes, &b.classes),
    }
}

/// Quoted replies and signatures: `<blockquote>` or a class/id token of
/// [`rules::FORUM_SKIP_CLASS`].
fn skip_element(dom: &Dom<'_>, i: usize) -> bool {
    let Some(e) = dom.element(i) else {
        return false;
    };
    if dom.tag(i) == Some(Tag::Blockquote) {
        return true;
    }
    e.classes().any(|c| rules::FORUM_SKIP_CLASS.is_match(c))
        || e.id()
            .is_some_and(|id| rules::FORUM_SKIP_CLASS.is_match(&id_pattern(id)))
}

/// Element children of `p`, in order.
fn children<'d>(dom: &'d Dom<'_>, p: usize) -> impl Iterator<Item = usize> + 'd {
    let end = dom.end(p);
    let mut c = p + 1;
    std::iter::from_fn(move || {
        while c < end {
            let here = c;
            c = dom.end(here).max(here + 1);
            if matches!(dom.nodes.get(here).map(|n| n.kind), Some(Kind::Elem(..))) {
                return Some(here);
            }
        }
        None
    })
}

/// Prose of a block for body finding: short unpunctuated lines and link lists count 0.
fn prose_value(b: &Block) -> f64 {
    if link_heavy(b) {
        return 0.0;
    }
    let punct = b
        .text
        .contains(|c: char| rules::is_sentence_punct(c) && c != ':' && c != '：');
    if b.weight < rules::SHORT_BLOCK && !punct {
        return 0.0;
    }
    f64::from(b.weight.saturating_sub(b.link))
}

/// Sub-tree sums the detection reads.
struct Sums {
    /// Prose outside quotes/signatures and forum lines.
    prose: Vec<f64>,
    /// Text weight of lines that are neither chrome nor forum lines.
    text: Vec<u32>,
    /// Forum lines and date-time lines.
    evidence: Vec<u32>,
    /// Inside a quote or signature (inherited).
    skipped: Vec<bool>,
}

/// Per block: is it a forum line, is it a post header's date-time line? (Judged once.)
fn marks(blocks: &[Block]) -> Vec<(bool, bool)> {
    blocks
        .iter()
        .map(|b| {
            (
                forum_line(b.folded(), b.weight),
                b.weight <= rules::FORUM_LINE_MAX && rules::FORUM_DATETIME.is_match(&b.text),
            )
        })
        .collect()
}

fn sums(dom: &Dom<'_>, blocks: &[Block], marks: &[(bool, bool)]) -> Sums {
    let n = dom.nodes.len();
    let mut skipped = vec![false; n];
    for i in 0..n {
        let p = dom.nodes[i].parent as usize;
        let inherited = p != i && p < n && skipped[p];
        skipped[i] = inherited || skip_element(dom, i);
    }
    let mut prose = vec![0f64; n];
    let mut text = vec![0u32; n];
    let mut evidence = vec![0u32; n];
    for (b, &(forum, dated)) in blocks.iter().zip(marks) {
        let o = b.owner as usize;
        if o >= n {
            continue;
        }
        if forum || dated {
            evidence[o] += 1;
        }
        if skipped[o] || forum || b.chrome {
            continue;
        }
        text[o] += b.weight;
        // A post header's date line is not what makes the body.
        if !dated {
            prose[o] += prose_value(b);
        }
    }
    roll_up(&dom.nodes, &mut prose, |a, b| a + b);
    roll_up(&dom.nodes, &mut text, u32::saturating_add);
    roll_up(&dom.nodes, &mut evidence, u32::saturating_add);
    Sums {
        prose,
        text,
        evidence,
        skipped,
    }
}

/// Detects a thread around the page's best element `best`; `None` on ordinary pages.
pub fn detect(dom: &Dom<'_>, blocks: &[Block], best: usize) -> Option<Thread> {
    let n = dom.nodes.len();
    if best >= n || blocks.is_empty() {
        return None;
    }
    // Every post counted as a thread's needs a forum or date-time line of its own outside
    // its body: a page with fewer such lines than THREAD_MIN_POSTS is no thread, and the
    // structural work below (run on every page) is skipped.
    let marks = marks(blocks);
    let evidence = marks.iter().filter(|&&(f, d)| f || d).count();
    if evidence < rules::THREAD_MIN_POSTS {
        return None;
    }
    let s = sums(dom, blocks, &marks);
    let mut found: Option<(f64, Vec<usize>)> = None;
    let mut consider = |cand: Option<(f64, Vec<usize>)>| {
        if let Some((score, bodies)) = cand {
            if found.as_ref().is_none_or(|(f, _)| score > *f) {
                found = Some((score, bodies));
            }
        }
    };
    // The best element inside a post: the lists on its ancestor chain.
    let mut child = best;
    let mut guard = 0;
    loop {
        let p = dom.nodes[child].parent as usize;
        if p == child || guard > 256 {
            break;
        }
        consider(post_list(dom, &s, p, Some(child), 0.0));
        child = p;
        guard += 1;
    }
    // The best element is the list or wraps it.
    let min = rules::THREAD_LIST_SHARE * s.prose[best];
    for p in best..dom.end(best) {
        if matches!(dom.nodes[p].kind, Kind::Elem(..)) {
            consider(post_list(dom, &s, p, None, min));
        }
    }
    let (_, bodies) = found?;
    let mut skip = Vec::new();
    for &b in &bodies {
        let mut i = b + 1;
        let end = dom.end(b);
        while i < end {
            if skip_element(dom, i) {
                skip.push((i, dom.end(i)));
                i = dom.end(i).max(i + 1);
            } else {
                i += 1;
            }
        }
    }
    Some(Thread { bodies, skip })
}

/// The bodies of the best group of similar children of `p` that forms a thread, with its
/// score (the bodies' prose). `through`: the group must contain this child. `min`: the
/// group's posts must hold at least this much prose.
fn post_list(
    dom: &Dom<'_>,
    s: &Sums,
    p: usize,
    through: Option<usize>,
    min: f64,
) -> Option<(f64, Vec<usize>)> {
    // Greedy grouping by signature, against each group's first member.
    let mut groups: Vec<(Sig<'_>, Vec<usize>)> = Vec::new();
    for c in children(dom, p) {
        let Some(sc) = sig(dom, c) else { continue };
        if let Some(g) = groups.iter_mut().find(|(r, _)| similar(r, &sc)) {
            g.1.push(c);
        } else if groups.len() < rules::THREAD_MAX_GROUPS {
            groups.push((sc, vec![c]));
        }
    }
    let mut best: Option<(f64, Vec<usize>)> = None;
    for (_, members) in groups {
        if members.len() < rules::THREAD_MIN_POSTS {
            continue;
        }
        if through.is_some_and(|t| !members.contains(&t)) {
            continue;
        }
        let held: f64 = members.iter().map(|&m| s.prose[m]).sum();
        if held <= 0.0 || held < min {
            continue;
        }
        if let Some((score, bodies)) = thread_of(dom, s, &members) {
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, bodies));
            }
        }
    }
    best
}

/// Finds every post's body; `None` unless the posts look like a thread.
fn thread_of(dom: &Dom<'_>, s: &Sums, posts: &[usize]) -> Option<(f64, Vec<usize>)> {
    let anchor = posts
        .iter()
        .copied()
        .max_by(|a, b| s.prose[*a].total_cmp(&s.prose[*b]))?;
    if s.prose[anchor] <= 0.0 {
        return None;
    }
    let body = body_of(dom, s, anchor);
    if body == anchor {
        return None;
    }
    // The signature path anchor → body.
    let mut path = Vec::new();
    let mut x = body;
    while x != anchor {
        path.push(sig(dom, x)?);
        let p = dom.nodes[x].parent as usize;
        if p == x {
            return None;
        }
        x = p;
    }
    path.reverse();
    let body_sig = sig(dom, body)?;
    let mut bodies = Vec::new();
    let (mut with_prose, mut with_evidence) = (0usize, 0usize);
    for &post in posts {
        let found = if post == anchor {
            Some(body)
        } else {
            follow(dom, s, post, &path).or_else(|| {
                body_sig
                    .marked()
                    .then(|| find_similar(dom, post, &body_sig))
                    .flatten()
            })
        };
        let Some(b) = found else { continue };
        if s.text[b] == 0 {
            continue;
        }
        if s.prose[b] > 0.0 {
            with_prose += 1;
        }
        if s.evidence[post] > s.evidence[b] {
            with_evidence += 1;
        }
        bodies.push(b);
    }
    let enough_evidence =
        with_evidence as f64 >= rules::THREAD_EVIDENCE_SHARE * bodies.len() as f64;
    if with_prose < rules::THREAD_MIN_POSTS
        || with_evidence < rules::THREAD_MIN_POSTS
        || !enough_evidence
    {
        return None;
    }
    let score = bodies.iter().map(|&b| s.prose[b]).sum();
    Some((score, bodies))
}

/// The body inside post `post`: descend while one child holds most of the prose, then
/// back up to the nearest element with a class or id (not above the post).
fn body_of(dom: &Dom<'_>, s: &Sums, post: usize) -> usize {
    let mut x = post;
    loop {
        let total = s.prose[x];
        let next = children(dom, x)
            .filter(|&c| !s.skipped[c])
            .find(|&c| s.prose[c] >= rules::THREAD_BODY_SHARE * total && s.prose[c] > 0.0);
        match next {
            Some(c) => x = c,
            None => break,
        }
    }
    let mut y = x;
    while y != post {
        if sig(dom, y).is_some_and(|g| g.marked()) {
            return y;
        }
        let p = dom.nodes[y].parent as usize;
        if p == y {
            break;
        }
        y = p;
    }
    x
}

/// Follows a signature path down from `post`, taking at each step the matching child
/// with the most text.
fn follow(dom: &Dom<'_>, s: &Sums, post: usize, path: &[Sig<'_>]) -> Option<usize> {
    let mut x = post;
    for step in path {
        x = children(dom, x)
            .filter(|&c| sig(dom, c).is_some_and(|g| similar(&g, step)))
            .max_by(|a, b| s.text[*a].cmp(&s.text[*b]).then(b.cmp(a)))?;
    }
    Some(x)
}

/// The first element inside `post` similar to `target`.
fn find_similar(dom: &Dom<'_>, post: usize, target: &Sig<'_>) -> Option<usize> {
    (post + 1..dom.end(post)).find(|&i| sig(dom, i).is_some_and(|g| similar(&g, target)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// The whole pipeline on one page.
    fn extract_html(html: &str) -> crate::Report {
        crate::extract(
            &crate::Input {
                bytes: html.as_bytes(),
                ..Default::default()
            },
            &crate::Options::default(),
        )
        .unwrap()
    }

    const LONG: &str = "小区门口的路灯坏了快一个月，晚上接孩子放学一片漆黑，希望物业尽快安排人来修一下，大家觉得呢？";
    const REPLY: &str = "我也发现了，上周已经给物业打过电话，说是线路老化要等材料。";

    /// Bodies found on `html` (as text of each body), or `None`.
    fn bodies(html: &str) -> Option<Vec<String>> {
        let parsed = scraper::Html::parse_document(html);
        let dom = Dom::build(&parsed, 512);
        let chrome = crate::chrome::mark(&dom);
        let (blocks, _, _) = crate::content::blocks(&dom, &chrome);
        let (_, best) = crate::content::best_container(&dom, &blocks);
        let t = detect(&dom, &blocks, best?)?;
        Some(
            t.bodies
                .iter()
                .map(|&b| {
                    let end = dom.end(b);
                    blocks
                        .iter()
                        .filter(|x| {
                            let o = x.owner as usize;
                            o >= b && o < end && !t.skipped(o)
                        })
                        .map(|x| x.text.as_str())
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect(),
        )
    }

    fn post(n: usize, floor: &str, user: &str, body: &str) -> String {
        format!(
            "<div id=\"post_{n}\"><table class=\"plhin\"><tr>\
             <td class=\"pls\"><div class=\"authi\">{user}</div><dl><dt>积分</dt><dd>{n}0</dd></dl></td>\
             <td class=\"plc\"><div class=\"pi\"><strong>{floor}</strong>\
             <em id=\"authorposton{n}\">发表于 2023-5-{n} 10:00</em></div>\
             <div class=\"pct\"><table><tr><td class=\"t_f\" id=\"postmessage_{n}\">{body}</td></tr></table></div>\
             <div class=\"sign\">签名：生活就是这样，慢慢来。</div>\
             <div class=\"po\"><a>回复</a> <a>举报</a></div></td></tr></table></div>"
        )
    }

    #[test]
    fn posts_with_user_cards_are_a_thread_and_quotes_are_skipped() {
        let quote = format!(
            "<div class=\"quote\"><blockquote>楼主 发表于 2023-5-1 10:00<br>{}</blockquote></div>{REPLY}",
            &LONG[..30]
        );
        let html = format!(
            "<html><body><div class=\"nav\"><a href=\"/\">首页</a></div><div id=\"postlist\">{}{}{}</div></body></html>",
            post(1, "楼主", "老邻居", &format!("{LONG}<br>{LONG}")),
            post(2, "沙发", "路人甲", &quote),
            post(3, "板凳", "路人乙", "顶"),
        );
        let got = bodies(&html).expect("a thread");
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].starts_with(LONG), "{got:?}");
        assert_eq!(got[1], REPLY);
        assert_eq!(got[2], "顶");
        // End to end: every post body, none of the chrome.
        let r = extract_html(&html);
        let text = &r.articles[0].main_text;
        assert!(text.contains(REPLY) && text.contains("顶"), "{text}");
        for chrome in ["发表于", "积分", "沙发", "签名", "举报", "老邻居"] {
            assert!(!text.contains(chrome), "{chrome} in {text}");
        }
        assert_eq!(text.matches(&LONG[..30]).count(), 2, "{text}");
    }

    #[test]
    fn table_posts_with_alternating_classes_are_a_thread() {
        // vBulletin-shaped: the cells alternate alt1/alt2 between posts, the ids repeat.
        let post = |n: usize, alt: &str, body: &str| {
            format!(
                "<div id=\"edit{n}\"><table id=\"post{n}\" class=\"tborder\">\
                 <tr><td class=\"thead\">#{n} 2023-06-0{n} 21:15</td></tr>\
                 <tr><td class=\"{alt}\"><a class=\"bigusername\">user{n}</a><div>Join Date: Mar 2015</div><div>Posts: 1{n}4</div></td>\
                 <td class=\"{alt}\" id=\"td_post_{n}\"><div id=\"post_message_{n}\">{body}</div>\
                 <div>__________________<br>my signature line</div></td></tr>\
                 <tr><td class=\"{alt}\"><a>Quote</a> <a>Reply</a></td></tr></table></div>"
            )
        };
        let html = format!(
            "<html><body><div id=\"posts\">{}{}</div></body></html>",
            post(1, "alt1", &format!("{LONG}<br>{LONG}<br>{LONG}")),
            post(2, "alt2", &format!("{REPLY}<br>{REPLY}<br>{REPLY}"))
        );
        let got = bodies(&html).expect("a thread");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], format!("{REPLY}|{REPLY}|{REPLY}"));
    }

    #[test]
    fn news_with_a_comment_list_is_not_a_thread() {
        let item = |n: usize, body: &str| {
            format!(
                "<div class=\"item\" id=\"c{n}\"><div class=\"who\">网友{n} 发表于 2023-5-{n} 10:00</div>\
                 <div class=\"txt\">{body}</div><div class=\"ops\"><a>回复</a> <a>举报</a></div></div>"
            )
        };
        let html = format!(
            "<html><body><div class=\"article\"><h1>路灯维修</h1><div class=\"content\">\
             <p>{LONG}</p><p>{LONG}</p><p>{LONG}</p></div></div>\
             <div class=\"talk\">{}{}{}</div></body></html>",
            item(1, REPLY),
            item(2, REPLY),
            item(3, "希望早点修好，晚上走路太不安全了。")
        );
        assert_eq!(bodies(&html), None);
        let r = extract_html(&html);
        assert!(!r.articles[0].main_text.contains("线路老化"));
    }

    #[test]
    fn repeated_article_cards_without_post_chrome_are_not_a_thread() {
        let card = |t: &str| {
            format!("<div class=\"card\"><div class=\"bd\"><p>{t}</p><p>{t}</p></div></div>")
        };
        let html = format!(
            "<html><body><div class=\"main\">{}{}{}</div></body></html>",
            card(LONG),
            card(REPLY),
            card(LONG)
        );
        assert_eq!(bodies(&html), None);
    }

    #[test]
    fn signatures_tolerate_ids_and_extra_classes() {
        assert_eq!(id_pattern("post_12345"), "post_#");
        assert_eq!(id_pattern("p2b17"), "p#b#");
        let s = |tag, id: Option<&str>, classes: &[&'static str]| Sig {
            tag,
            id: id.map(id_pattern),
            classes: classes.to_vec(),
        };
        let a = s("div", Some("p101"), &["bg2", "has-profile", "post"]);
        let b = s(
            "div",
            Some("p102"),
            &["bg1", "has-profile", "online", "post"],
        );
        assert!(similar(&a, &b));
        let c = s("div", Some("postlistreply"), &[]);
        assert!(!similar(&s("div", Some("post_7"), &[]), &c));
        assert!(similar(
            &s("div", Some("post_7"), &[]),
            &s("div", Some("post_8"), &[])
        ));
        assert!(!similar(&a, &s("li", Some("p103"), &["post"])));
        // Alternating row classes under one id pattern; a first post's own id.
        assert!(similar(
            &s("td", Some("td_post_1"), &["alt1"]),
            &s("td", Some("td_post_2"), &["alt2"])
        ));
        assert!(similar(
            &s("div", Some("read_tpc"), &["f14"]),
            &s("div", Some("read_88"), &["f14"])
        ));
        assert!(!similar(
            &s("div", Some("read_tpc"), &[]),
            &s("div", Some("read_88"), &[])
        ));
        assert!(!similar(
            &s("div", None, &["l_post", "j_l_post"]),
            &s("div", None, &["ad_box"])
        ));
        assert!(similar(
            &s("div", None, &["j_l_post", "l_post", "l_post_bright"]),
            &s(
                "div",
                None,
                &["j_l_post", "l_post", "l_post_bright", "noborder"]
            )
        ));
    }
}
