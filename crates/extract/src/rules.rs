//! Every selector, pattern, keyword list and threshold of the extractor, in one place
//! (trafilatura's `xpaths.py` + `settings.cfg`). Regexes are compiled once (`LazyLock`).
//!
//! Text lengths are *weights*: an ASCII letter/digit counts 1, a CJK character counts
//! [`CJK_WEIGHT`] (about one English word), so thresholds work for both scripts.
//!
//! Calibration: thresholds were set on the dev corpus (15 report pages) and the
//! 181-page article-extraction-benchmark, preferring round values in flat regions of
//! the score, never per-page tuning; the chrome text patterns are the generic labels
//! Chinese CMS templates print (they are what a reader sees, not class names).

use std::sync::LazyLock;

use regex::Regex;

// ---------------------------------------------------------------- bytes and charset

/// Magic numbers of formats that are never HTML, whatever the server claims.
pub const BINARY_MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x89PNG", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xFF\xD8\xFF", "jpeg"),
    (b"RIFF", "riff"),
    (b"\x1F\x8B", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xFD7zXZ", "xz"),
    (b"7z\xBC\xAF", "7z"),
    (b"Rar!", "rar"),
    (b"\x7FELF", "elf"),
    (b"\xD0\xCF\x11\xE0", "ole"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"wOFF", "woff"),
    (b"wOF2", "woff2"),
];

/// Bytes inspected for control characters (binary data) before parsing.
pub const SNIFF_WINDOW: usize = 8192;
/// Above this share of C0 control bytes (other than tab/LF/CR/FF/ESC) the body is binary.
/// Text in any ASCII-compatible encoding has none; binary formats have 10–40 %.
pub const MAX_CONTROL_RATIO: f64 = 0.02;
/// Bytes fed to the charset detector when nothing is declared (enough for a verdict,
/// bounded cost on huge pages).
pub const GUESS_WINDOW: usize = 256 * 1024;
/// How far `<meta charset>` is searched for when `</head>`/`<body>` does not come first.
pub const META_SCAN_LIMIT: usize = 512 * 1024;
/// The WHATWG prescan window: a declaration after it is reported as `late-meta`.
pub const PRESCAN_BYTES: usize = 1024;

// ---------------------------------------------------------------- text weights

/// Weight of one CJK character relative to one ASCII letter (≈ letters per English word
/// + space; a CJK character carries about a word).
pub const CJK_WEIGHT: u32 = 3;

// ---------------------------------------------------------------- element classes

/// class/id tokens of page furniture (readability's `unlikelyCandidates`, plus share
/// and recommendation widgets). A matching element is chrome unless [`OK_MAYBE`] also
/// matches or it holds a large share of the page's text.
pub static UNLIKELY_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)-ad-|^ad-|-ads(?-u:\b)|(?-u:\b)ads?(?-u:\b)|adsbygoogle|advert|ai2html|banner|breadcrumb|crumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|share|sharing|newsletter|subscri|promo|recommend|copyright|toolbar|widget|cookie|modal|signup|login|outbrain|taboola|nav(?-u:\b)|navbar|masthead|tags(?-u:\b)|byline|author-bio|more-stories|read-more|trending|most-popular|sponsored|hidden-print|caption|credit|gallery|slideshow|carousel",
    )
});
/// Tokens that rescue an [`UNLIKELY_CLASS`] match (readability's `okMaybeItsACandidate`).
pub static OK_MAYBE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)and|article|body|column|content|main|shadow"));
/// An unlikely-looking element is still kept when it holds at least this share of the
/// page's text weight (whole-page wrappers with a stray `header` token in their class).
pub const UNLIKELY_MAX_SHARE: f64 = 0.35;
/// `hidden` / `aria-hidden` sub-trees below this share of the page text are widgets;
/// larger hidden sub-trees are lazy-loaded content and kept.
pub const HIDDEN_MAX_SHARE: f64 = 0.05;
/// Inline styles that hide an element.
pub static HIDDEN_STYLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)display\s*:\s*none|visibility\s*:\s*hidden"));
/// schema.org microdata properties that carry metadata, not prose (`<div
/// itemprop="datePublished">2019-…</div>`); small sub-trees with them are not content.
pub static META_ITEMPROP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(datePublished|dateModified|dateCreated|author|publisher|image|keywords|mainEntityOfPage|logo|url|width|height|name|thumbnailUrl|interactionStatistic|contentLocation)\s*$",
    )
});

// ---------------------------------------------------------------- chrome text patterns

/// A block (line) of site chrome when the whole line is short: meta lines, buttons,
/// breadcrumbs, pagination, footers, download/share boxes, doc info boxes. Only tested on
/// lines of weight ≤ [`CHROME_LINE_MAX`]: a long paragraph that mentions 下载 is content.
pub static CHROME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)",
        // breadcrumbs
        r"^\s*[【\[]?\s*(当前位置|您现在的位置|您的位置|你的位置|你现在的位置|您所在的位置|您当前的位置|所在位置|现在位置|位置|當前位置|您現在的位置|您的位置|位置)\s*[:：]",
        r"|(首页|首頁|主页|Home)\s*(>|＞|»|›|→|>>|/|\|)",
        // print/close/font-size/share/favourite buttons
        r"|打印本页|打印此页|打印文章|[【\[]\s*打印\s*[】\]]|[【\[]\s*关闭\s*[】\]]|关闭窗口|關閉視窗|列印本頁|文字大小|字级大小|字级\s*[:：]|字号\s*[:：]|^\s*(回上页|回上一页|返回上页|返回上一页)\s*$|字體\s*[:：]|字体\s*[:：]|背景色\s*[:：]|[【\[]\s*大\s*中\s*小\s*[】\]]",
        r"|分享到|分享赚钱|一键分享|扫一扫|扫描二维码|微信扫|加入收藏|收藏本页|设为首页|設為首頁|加入最爱",
        // footers
        r"|版权所有|版權所有|版权声明|免责声明|免責聲明|Copyright|©|ICP备|ICP證|ICP证|公网安备|公網安備|网站标识码|網站標識碼|主办单位|主辦單位|承办单位|承辦單位|技术支持\s*[:：]|建议使用.*分辨率|最佳浏览|网站地图|網站地圖|联系我们|關於我們|关于我们|站长统计|不良信息举报",
        // download, doc-share boxes, customer service
        r"|点击下载|立即下载|下载文档|下载本文|下载此文档|免费下载|文档为\s*[A-Za-z0-9]+\s*格式|下载收益|此文档由|下载积分|开通VIP|网站客服|在线客服|客服\s*QQ|客服电话|^\s*ID\s*[:：]\s*\d+|^\s*大小\s*[:：]\s*[\d.]+\s*[KMG]?B|^\s*页数\s*[:：]\s*\d+|^\s*格式\s*[:：]\s*(DOCX?|PDF|PPTX?|XLSX?|TXT|WPS)(?-u:\b)",
        // pagination, prev/next links
        r"|上一篇|下一篇|上一頁|下一頁|上一页|下一页|^\s*(首页|尾页|末页)\s*$|共\s*\d+\s*页|当前第\s*\d+\s*页|第\s*\d+\s*页\s*[/／]\s*共",
        // keyword and tag lines
        r"|^\s*(关键词|关键字|標籤|标签|Tags?)\s*[:：]",
        // feedback forms
        r"|验\s*证\s*码|^\s*姓\s*名\s*[:：]|^\s*联系方式\s*[:：]|^\s*(电子邮箱|邮箱|手机号码|留言内容|提交|重置)\s*[:：]?\s*$",
        // counters and ratings
        r"|推荐度\s*[:：]|浏览次数\s*[:：]|点阅次数\s*[:：]|点阅率\s*[:：]|点击数\s*[:：]|点击次数\s*[:：]|点击量\s*[:：]|阅读量\s*[:：]|^\s*(阅读|閱讀|浏览|瀏覽|访问量|人气)\s*[:：]\s*\d",
    ))
});
/// Lines longer than this (weight) are never judged by [`CHROME_LINE`].
pub const CHROME_LINE_MAX: u32 = 240;
/// A meta label (`时间:` `作者:` …) opening a line marks it as chrome only when the line is
/// this short (weight): `时间:2023-02-21 作者:… 字数:…` is chrome; a dated sentence in the
/// report is not.
pub const META_LINE_MAX: u32 = 150;
/// Meta labels that mark a line only if it is short ([`META_LINE_MAX`]). The label may
/// follow the publish date the template prints first (`2023-07-29 16:05 来源:…`,
/// `2023年7月29日 作者:…`).
pub static META_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*([0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*日?(\s*[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?\s*)?[【\[]?\s*(发布时间|发布日期|发文日期|更新时间|上传时间|录入时间|发表时间|信息来源|文章来源|稿件来源|资料来源|来源|发布单位|发布机关|發佈時間|發布時間|更新時間|來源|本文来源|原文来源|责任编辑|作者|編輯|编辑|时间|日期|時間)\s*[:：]",
    )
});

/// Headings of recommendation / notice sections: the whole small section they open is
/// chrome (相关文章 lists with summaries, 温馨提示 notices, 猜你喜欢 …).
pub static SECTION_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(相关文章|相關文章|相关阅读|相關閱讀|相关推荐|相关信息|相关链接|相关连结|相关文档|相关搜索|相关下载|猜你喜欢|猜您喜欢|热门文章|熱門文章|热门推荐|重点推荐|热门文档|热门阅读|热门排行|热点文章|推荐阅读|推荐文章|精彩推荐|延伸阅读|最新文章|最新更新|你可能关注|您可能关注|你可能感兴趣|您可能感兴趣|你可能喜欢|您可能喜欢|随机推荐|温馨提示|溫馨提示|网友评论|发表评论|我要评论|相关评论|Related (Articles|Stories|Posts)|Most popular|You may also like)\s*[:：]?\s*$",
    )
});
/// A section opened by a [`SECTION_HEAD`] is removed only when smaller than this share of
/// the page's text weight (never the article itself).
pub const SECTION_MAX_SHARE: f64 = 0.30;
/// Text nodes longer than this (chars) are never section headings.
pub const SECTION_HEAD_MAX_CHARS: usize = 60;
/// A line that is just such a heading (weight) is chrome even inside the content.
pub const SECTION_LINE_MAX: u32 = 120;

/// Promotional blurbs content farms put before the report ("小编为您带来…希望对你有所帮助").
/// Only judged on blocks of weight ≤ [`SEO_INTRO_MAX`].
pub static SEO_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"小编|为您带来|为大家带来|为大家整理|为您整理|精心整理|精心收集|欢迎阅读|欢迎借鉴|欢迎参考|仅供参考|供大家参考|对你有所帮助|对您有所帮助|对大家有所帮助|对你有帮助|对您有帮助|希望能帮助|希望可以帮助|更多相关内容|更多精彩",
    )
});
/// See [`SEO_INTRO`].
pub const SEO_INTRO_MAX: u32 = 900;

/// What content platforms print inside the article container: video-player UI, reading
/// and like counters, 发布于 + place lines, QR-code prompts, editor lines, "expand" and
/// "back to the portal" links, platform disclaimers. Judged only on lines of weight
/// ≤ [`CHROME_LINE_MAX`]; every alternative is anchored to the whole line or names a
/// platform phrase a report does not write.
pub static PLATFORM_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)",
        // video player UI
        r"播放速度|倍速播放|^\s*(清晰度|倍速|画质|音量|字幕)\s*[:：]?\s*$|错误代码\s*[:：]|视频加载(失败|中)|视频无法播放|浏览器不支持(该|此)?(视频|video|html5)",
        r"|^\s*(播放|暂停|全屏|退出全屏|静音|重播|重新播放|画中画|网页全屏)\s*$",
        r"|^\s*([0-9.]+\s*[x×倍]\s*)+$|^\s*[0-9]{1,2}:[0-9]{2}\s*/\s*[0-9]{1,2}:[0-9]{2}\s*$",
        // reading, like, favourite counters
        r"|^\s*(阅读|浏览|播放|围观|热度)\s*[(（]?\s*[0-9.]+\s*[万千wk]?\+?\s*[)）]?\s*$",
        r"|^\s*[0-9.]+\s*[万千wk]?\+?\s*(次阅读|人阅读|阅读|次浏览|浏览|人看过|次播放|人围观)\s*$",
        r"|^\s*((首赞|点赞|赞|收藏|评论|分享|转发|举报|打赏|在看|好看|喜欢|不喜欢)\s*[(（]?\s*[0-9.]*\s*[万千wk]?\s*[)）]?\s*[|·/]?\s*){1,8}$",
        // 发布于 + place, IP location
        r"|(?:^|\s|[0-9])发布于\s*[:：]?\s*\p{Han}{2,6}\s*$|IP\s*属地\s*[:：]",
        // QR codes, apps
        r"|扫码(关注|下载|阅读|观看|分享|加入|进群|入群|收听)|长按(识别|扫码|二维码)|^.{0,24}二维码\s*$|用手机扫|打开(微信|app|客户端)(扫一扫|阅读|查看)|下载客户端|app内(打开|阅读|查看)",
        // editor lines (a bare 审核/统筹 opens report headings: those need a colon)
        r"|^\s*[(（\[【]?\s*(责任编辑|责编|值班编辑)\s*[:：|｜]?\s*[\p{Han}A-Za-z·]{0,12}\s*[)）\]】]?\s*$",
        r"|^\s*[(（\[【]?\s*(编辑|审核|校对|终审|监制|统筹|编审|审校|一审|二审|三审)\s*[:：|｜]\s*[\p{Han}A-Za-z·]{1,12}(\s+\p{Han}{1,4}\s*[:：|｜]\s*[\p{Han}A-Za-z·]{1,12})*\s*[)）\]】]?\s*$",
        r"|^\s*[(（\[【]\s*(责任编辑|责编|编辑|审核|作者|记者|来源|通讯员)\s*[:：]",
        // expand / more / back links
        r"|^\s*(展开全文|点击展开全文|展开阅读全文|阅读全文|查看全文|点击查看全文|继续阅读|阅读原文|查看原文|查看更多|点击查看更多|加载更多)\s*[>›»∨⌄↓]*\s*$|返回\S{1,8}[,，]\s*查看更多",
        // platform disclaimers
        r"|平台声明|仅提供信息(存储|发布)|系信息发布平台|仅代表作者(本人|个人)?(观点|立场)|不代表本(站|网|平台)(观点|立场)",
    ))
});

/// A short line ending in an ellipsis is a teaser of another page (summary boxes,
/// related-list snippets), not content.
pub fn is_teaser(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with("...") || t.ends_with('…') || t.ends_with("。。。")
}
/// Teasers are only recognized up to this weight.
pub const TEASER_MAX: u32 = 450;

/// A word-segmented keyword line: ≥ 4 space-separated short CJK/ASCII tokens, no
/// punctuation (`2023 卫生局 行风 建设 上半年 工作 小结`).
pub static KEYWORD_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*[\p{Han}A-Za-z0-9]{1,6}(\s+[\p{Han}A-Za-z0-9]{1,6}){3,}\s*$"));

/// 篇1…篇N headings that split a page into several articles, in the shapes essay sites
/// use: `…篇3` / `…（篇3）` at the end of a line, `第三篇` / `【第3篇】` / `（第三篇）` at
/// its start, `【篇一】` / `篇一：` / `范文一：` / `例文2.` opening it.
pub static PIAN_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^.*篇\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[)）】\]〗]?\s*[:：]?$|^\s*[【\[〖(（]?\s*第\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*篇([^章]|$)|^\s*[【\[〖(（]?\s*(篇|范文|範文|例文)\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*([】\]〗)）]|[:：.、．]|$)",
    )
});

/// Words every [`PIAN_HEADING`] contains (a cheap test before the regex).
pub const PIAN_WORDS: [&str; 4] = ["篇", "范文", "範文", "例文"];

/// 篇N headings are short lines (weight).
pub const PIAN_HEADING_MAX: u32 = 200;

/// Rules below and above match text folded to Simplified ([`super::hant::fold`]): the
/// arena folds every text node once (`dom.rs`) and blocks and lines carry the folded copy
/// beside the original, so Traditional pages (`共3頁`, `發布日期：`, `關閉視窗`) match
/// the same rules as Simplified ones.
///
/// Pagination text: `共2页` / `当前第1页` / `第1页/共2页`.
pub static PAGE_TOTAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"共\s*(\d{1,4})\s*页|第\s*\d{1,4}\s*页\s*[/／]\s*共\s*(\d{1,4})"));
/// The current page number in pagination text.
pub static PAGE_CURRENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"当前第\s*(\d{1,4})\s*页|第\s*(\d{1,4})\s*页\s*[/／]"));
/// Link texts of next/previous page links.
pub static NEXT_TEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(下一页|下页|下一頁|后一页|Next|next|›|»|>)\s*$"));
/// See [`NEXT_TEXT`].
pub static PREV_TEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(上一页|上页|上一頁|前一页|Prev|Previous|prev|‹|«|<)\s*$"));
/// A page number in the URL (`1523871_2.html`, `?page=2`, `/page/2/`).
pub static URL_PAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:_|-|/page/|[?&]page=|[?&]p=)(\d{1,4})(?:\.s?html?|/|$|&)"));

// ---------------------------------------------------------------- block scoring

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

// ---------------------------------------------------------------- forum threads

/// Per-post chrome of forum threads (Discuz!, phpwind, Tieba, vBulletin, phpBB and their
/// look-alikes), as the reader sees it: floor numbers, post headers, button rows,
/// user-card statistics, edit notes, quote headings and attachment lines. A post holding
/// such lines outside its body is evidence of a thread; inside a post body the line is
/// dropped. Only short lines ([`FORUM_LINE_MAX`]) are judged.
pub static FORUM_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)",
        // floor numbers: 楼主, 沙发, 板凳, 地板, 2#, #3, 3楼, 5F, 第6楼
        r"^\s*(楼主|沙发|板凳|地板|地下室|藤椅|[#＃]\s*\d{1,6}|\d{1,6}\s*(#|＃|楼|F)|第\s*\d{1,6}\s*楼)\s*[:：]?\s*$",
        // post headers and edit notes
        r"|发表于|发表时间|发帖时间|回复时间|回复于|本帖最后由|原帖由|IP属地|^\s*来自.{0,16}客户端\s*$",
        // a line made only of post buttons
        r"|^\s*((只看该作者|只看楼主|倒序浏览|正序浏览|阅读模式|电梯直达|使用道具|回复|引用|举报|支持|反对|评分|点评|收藏|分享|编辑|删除|收起回复|Reply|Quote|Report|Edit|Delete|Multi-?Quote|Like|Top)\s*[|｜·]?\s*)+$",
        // user-card statistics and profile fields
        r"|(积分|帖子|精华|主题|威望|金钱|贡献|注册时间|最后登录|在线时间|阅读权限|用户组|听众|收听|UID|经验|等级)\s*[:：]?\s*\d",
        r"|^\s*(积分|帖子|精华|主题|注册时间|在线时间|UID|头衔|等级|用户组)\s*$",
        r"|^\s*(Posts|Joined|Join Date|Location|Reputation|Registered|Rank|Thanks|Likes)\s*[:：]",
        r"|(?-u:\b)Posted\s+(by|on)(?-u:\b)|(?-u:\b)wrote\s*:\s*$|^\s*(引用|Quote)\s*[:：]?\s*$",
        // attachment lines
        r"|下载附件|保存到相册|下载次数|^\s*[^\s]{1,60}\.(jpe?g|png|gif|rar|zip|docx?|pdf)\s*(\([^)]*\))?\s*$|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s*上传\s*$",
    ))
});
/// [`FORUM_LINE`] judges lines up to this weight.
pub const FORUM_LINE_MAX: u32 = 180;
/// A date with a time (`2023-1-2 12:00`, `2023年1月2日 12:00`): post headers carry one.
pub static FORUM_DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[\s,，]+\d{1,2}:\d{2}")
});
/// Class/id tokens (digits stripped) of per-post elements that are not the post's text:
/// quoted replies and signatures.
pub static FORUM_SKIP_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)quote|signature|^sign$|_sign$|^sig#?$|^sightml"));
/// A thread needs this many posts with a body…
pub const THREAD_MIN_POSTS: usize = 2;
/// …of which at least this share show per-post chrome ([`FORUM_LINE`] or a date-time
/// line) outside their body.
pub const THREAD_EVIDENCE_SHARE: f64 = 0.5;
/// A child holding at least this share of a post's prose is the post's body (or holds it).
pub const THREAD_BODY_SHARE: f64 = 0.8;
/// When the page's best element holds the post list, the thread's bodies must hold at
/// least this share of its prose.
pub const THREAD_LIST_SHARE: f64 = 0.5;
/// Distinct child signatures compared per parent (bounds the cost on huge lists).
pub const THREAD_MAX_GROUPS: usize = 24;

// ---------------------------------------------------------------- attachments

/// File extensions of attachments (documents, spreadsheets, archives, plain text), lower
/// case without the dot: the formats Chinese government and report sites attach.
pub const ATTACH_EXTS: [&str; 11] = [
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "txt",
];
/// Extensions of URLs that name a page or a picture: a link to one is never an attachment
/// whatever its text says (doc-share sites link `某某总结.docx` to their own HTML page).
/// Script URLs (`download.jsp?id=3`, `.php`, `.aspx`) and extensionless ones are judged by
/// the link text.
pub const PAGE_EXTS: [&str; 16] = [
    "html", "htm", "shtml", "shtm", "xhtml", "xml", "jpg", "jpeg", "png", "gif", "bmp", "webp",
    "svg", "mp3", "mp4", "css",
];
/// The label of an attachment block: a text that is only `附件：` / `相关附件` / `附件下载`
/// (with an optional number: `附件1：`, `附件二`). Links to files that follow it with only
/// numbering and size notes between are attachments.
pub static ATTACH_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*[【\[〖]?\s*(相关附件|附件下载|附件列表|附件)\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})?\s*[】\]〗]?\s*[:：]?\s*([0-9０-９]{1,2}\s*[.、．]?)?\s*$",
    )
});
/// A link text opening with the label (`附件1：2023年工作总结.docx`, `附件：…`); a number
/// needs a separator after it (`附件2023年…` is a name).
pub static ATTACH_LABEL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*[【\[〖]?\s*(相关附件|附件下载|附件)\s*(([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[】\]〗]?(\s*[:：.、．]|\s)|[】\]〗]?\s*[:：])\s*",
    )
});
/// Text between two attachment links that does not end the block: numbering,
/// punctuation, sizes, dates, download/preview buttons, download counters.
pub static ATTACH_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^([\s0-9０-９.,、．，;；:：()（）\[\]【】|｜/\-_]|点击|点此|下载|查看|预览|打开|大小|次数|字节|kb|mb|gb|k|m|b)*$",
    )
});
/// An attachment block outside the content counts only when this little text (weight, ≈
/// 200 CJK characters: a print/close toolbar, a share row, a 上一篇/下一篇 line) lies
/// between it and the content; site-wide download boxes in side bars and footers are
/// farther away. Calibrated on the CMS templates of the fixtures, not on any one page.
pub const ATTACH_GAP_MAX: u32 = 600;
/// Download/size notes around an attachment's name: `（点击下载）`, `[下载]`, `(120KB)`,
/// `大小：1.2MB`, a bare `点击下载` at the end.
pub static ATTACH_NAME_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)\s*(",
        r"[(（\[【〔]\s*(点击|点此)?\s*(下载|查看|预览|打开)[^)）\]】〕]{0,12}[)）\]】〕]",
        r"|[(（\[【〔]\s*(文件)?(大小)?\s*[:：]?\s*[0-9]+(\.[0-9]+)?\s*(bytes|b|kb|k|mb|m|gb|g|字节)\s*[)）\]】〕]",
        r"|(文件)?大小\s*[:：]?\s*[0-9]+(\.[0-9]+)?\s*(bytes|b|kb|k|mb|m|gb|g|字节)",
        r"|\s[0-9]+(\.[0-9]+)?\s*(bytes|kb|mb|gb|字节)",
        r"|(点击|点此)\s*(下载|查看|预览)|立即下载",
        r")\s*$",
    ))
});
/// Leading numbering of an attachment's name, the group `n`: `1、`, `（1）`, `一、`, and
/// `1.` unless a decimal follows (`1.5亿元…` is no numbering; `1.2023年…` is).
pub static ATTACH_NAME_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:(?P<n>[0-9０-９]{1,2}\s*[、．]|[(（][0-9０-９]{1,2}[)）]|[一二三四五六七八九十]{1,3}\s*[、．.])|(?P<d>[0-9]{1,2}\.)(?:[^0-9]|[0-9]{4}年))",
    )
});
/// Link texts that name no file (`下载`, `点击查看`, `here`): the name comes from the
/// link's `title` or the file name in the URL instead.
pub static ATTACH_GENERIC_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[(（\[【]?\s*((点击|点此)?\s*(下载|查看|预览|打开|阅读)(附件|文件|原文|全文)?|附件|文件|原文|全文|此处|这里|链接|download|click here|here|pdf|link)\s*[)）\]】]?\s*$",
    )
});

/// Compiles one rule pattern.
#[allow(clippy::expect_used)]
fn re(pattern: &str) -> Regex {
    // INVARIANT: every pattern is a literal of this file; `every_pattern_compiles` forces
    // each one, so a typo fails the unit tests, never a page.
    // Patterns are folded like the text they match (`hant::fold`): a Traditional variant
    // written in a rule becomes its Simplified form and still matches folded text.
    Regex::new(&super::hant::fold(pattern)).expect("rule patterns are literals checked by tests")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for (name, p) in [
            ("UNLIKELY_CLASS", UNLIKELY_CLASS.as_str()),
            ("OK_MAYBE", OK_MAYBE.as_str()),
            ("CHROME_LINE", CHROME_LINE.as_str()),
            ("META_LABEL", META_LABEL.as_str()),
            ("PLATFORM_LINE", PLATFORM_LINE.as_str()),
            ("SECTION_HEAD", SECTION_HEAD.as_str()),
            ("SEO_INTRO", SEO_INTRO.as_str()),
            ("HIDDEN_STYLE", HIDDEN_STYLE.as_str()),
            ("META_ITEMPROP", META_ITEMPROP.as_str()),
            ("KEYWORD_LINE", KEYWORD_LINE.as_str()),
            ("PIAN_HEADING", PIAN_HEADING.as_str()),
            ("PAGE_TOTAL", PAGE_TOTAL.as_str()),
            ("PAGE_CURRENT", PAGE_CURRENT.as_str()),
            ("URL_PAGE", URL_PAGE.as_str()),
            ("FORUM_LINE", FORUM_LINE.as_str()),
            ("FORUM_DATETIME", FORUM_DATETIME.as_str()),
            ("FORUM_SKIP_CLASS", FORUM_SKIP_CLASS.as_str()),
            ("ATTACH_LABEL", ATTACH_LABEL.as_str()),
            ("ATTACH_LABEL_PREFIX", ATTACH_LABEL_PREFIX.as_str()),
            ("ATTACH_NOISE", ATTACH_NOISE.as_str()),
            ("ATTACH_NAME_NOISE", ATTACH_NAME_NOISE.as_str()),
            ("ATTACH_NAME_NUMBER", ATTACH_NAME_NUMBER.as_str()),
            ("ATTACH_GENERIC_TEXT", ATTACH_GENERIC_TEXT.as_str()),
        ] {
            assert!(!p.is_empty(), "{name}");
        }
        assert!(CHROME_LINE.is_match("当前位置:首页 > 政务公开"));
        assert!(CHROME_LINE.is_match("【打印本页】 【关闭窗口】"));
        for chrome in [
            "播放速度",
            "0.5x 1.0x 1.5x 2.0x",
            "00:00 / 03:21",
            "错误代码：102630",
            "阅读 (3.2万)",
            "1.2万阅读",
            "首赞",
            "点赞 收藏 分享",
            "2023-05-06 10:22 发布于北京",
            "IP属地：广东",
            "扫码关注我们",
            "长按识别二维码",
            "责任编辑：王某某",
            "（编辑：李某）",
            "编辑：张三 审核：李四",
            "展开全文",
            "返回搜狐，查看更多",
            "平台声明：该文观点仅代表作者本人",
        ] {
            assert!(PLATFORM_LINE.is_match(chrome), "{chrome}");
        }
        for report in [
            "统筹推进乡村振兴",
            "（三）完善信息发布平台",
            "审核把关",
            "群众纷纷点赞，满意度达到98%。",
            "播放宣传片3场",
            "编辑出版宣传册2000册",
        ] {
            assert!(!PLATFORM_LINE.is_match(report), "{report}");
        }
        assert!(!CHROME_LINE.is_match("今年上半年,我局在市委的领导下开展工作。"));
        assert!(PIAN_HEADING.is_match("2023年某某工作计划篇3"));
        assert!(PIAN_HEADING.is_match("篇一：卫生院工作总结"));
        assert!(PIAN_HEADING.is_match("【篇2】卫生院工作总结"));
        assert!(!PIAN_HEADING.is_match("这篇文章讲述了篇章结构的安排"));
        assert!(PIAN_HEADING.is_match("范文二：卫生院工作总结"));
        assert!(PIAN_HEADING.is_match("卫生院工作总结（篇3）"));
        assert!(PIAN_HEADING.is_match("【第2篇】卫生院工作总结"));
        assert!(PIAN_HEADING.is_match("第二篇"));
        assert!(!PIAN_HEADING.is_match("范文大全网为您整理了以下内容"));
        assert!(!PIAN_HEADING.is_match("第一篇章讲的是卫生工作"));
        assert!(KEYWORD_LINE.is_match("2023 卫生局 行风 建设 上半年"));
        assert!(META_LABEL.is_match("2023-07-29 16:05 来源:某县卫生健康局"));
        assert!(META_LABEL.is_match("2023年7月29日 作者:办公室"));
        assert!(!META_LABEL.is_match("2023年7月29日,全县召开卫生工作会议。"));
        // Traditional lines match once folded (the callers fold; patterns are folded too).
        let f = |s: &str| crate::hant::fold(s).into_owned();
        assert!(META_LABEL.is_match(&f("發布單位：新竹縣政府衛生局")));
        assert!(CHROME_LINE.is_match(&f("點閱次數：2468")));
        assert!(CHROME_LINE.is_match(&f("[列印] [關閉視窗]")));
        assert!(CHROME_LINE.is_match(&f("字級大小：小 中 大")));
        assert!(CHROME_LINE.is_match(&f("回上頁")));
        assert!(SECTION_HEAD.is_match(&f("相關連結")));
        assert!(PAGE_TOTAL.is_match(&f("共3頁")));
        for chrome in [
            "楼主",
            "沙发",
            "2#",
            "#3",
            "5楼",
            "发表于 2023-1-2 12:00",
            "回复 支持 反对",
            "使用道具 举报",
            "积分 1234",
            "注册时间 2012-3-4",
            "本帖最后由 某人 于 2023-1-2 13:00 编辑",
            "Posted by someone on Mon Jan 02",
            "Joined: Jan 2020",
            "someone wrote:",
        ] {
            assert!(FORUM_LINE.is_match(&f(chrome)), "{chrome}");
        }
        assert!(FORUM_LINE.is_match(&f("發表於 2023-1-2 12:00")));
        for prose in [
            "我回复了楼主的问题，觉得这个办法可行。",
            "第二季度的工作重点是巩固提升。",
            "今年我们支持了三个村的建设。",
        ] {
            assert!(!FORUM_LINE.is_match(prose), "{prose}");
        }
        assert!(FORUM_DATETIME.is_match("2023-1-2 12:00"));
        assert!(FORUM_DATETIME.is_match("由 某人 » 2023年 5月 6日, 21:30"));
        assert!(!FORUM_DATETIME.is_match("2023年5月6日召开会议"));
        assert!(FORUM_SKIP_CLASS.is_match("quote") && FORUM_SKIP_CLASS.is_match("sign"));
        assert!(!FORUM_SKIP_CLASS.is_match("design") && !FORUM_SKIP_CLASS.is_match("signup"));
    }
}
