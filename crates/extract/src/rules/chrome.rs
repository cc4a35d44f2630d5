//! DOM and chrome: text weights, element classes of furniture, and the line-level chrome
//! patterns (meta lines, buttons, breadcrumbs, footers, platform UI, SEO blurbs, teasers).

use std::sync::LazyLock;

use regex::Regex;

use super::re;

/// Weight of one CJK character relative to one ASCII letter (≈ letters per English word
/// + space; a CJK character carries about a word).
pub const CJK_WEIGHT: u32 = 3;

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

/// A block (line) of site chrome when the whole line is short: meta lines, buttons,
/// breadcrumbs, pagination, footers, download/share boxes, doc info boxes. Only tested on
/// lines of weight ≤ [`CHROME_LINE_MAX`]: a long paragraph that mentions 下载 is content.
pub static CHROME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?i)",
        // breadcrumbs
        r"^\s*[【\[]?\s*(当前位置|您现在的位置|您的位置|你的位置|你现在的位置|您所在的位置|您当前的位置|所在位置|现在位置|位置)\s*[:：]",
        r"|(首页|主页|Home)\s*(>|＞|»|›|→|>>|/|\|)",
        // print/close/font-size/share/favourite buttons
        r"|打印本页|打印此页|打印文章|[【\[]\s*打印\s*[】\]]|[【\[]\s*关闭\s*[】\]]|关闭窗口|关闭视窗|列印本页|文字大小|字级大小|字级\s*[:：]|字号\s*[:：]|^\s*(回上页|回上一页|返回上页|返回上一页)\s*$|字体\s*[:：]|背景色\s*[:：]|[【\[]\s*大\s*中\s*小\s*[】\]]",
        r"|分享到|分享赚钱|一键分享|扫一扫|扫描二维码|微信扫|加入收藏|收藏本页|设为首页|加入最爱",
        // footers
        r"|版权所有|版权声明|免责声明|Copyright|©|ICP备|ICP证|公网安备|网站标识码|主办单位|承办单位|技术支持\s*[:：]|建议使用.*分辨率|最佳浏览|网站地图|联系我们|关于我们|站长统计|不良信息举报",
        // download, doc-share boxes, customer service
        r"|点击下载|立即下载|下载文档|下载本文|下载此文档|免费下载|文档为\s*[A-Za-z0-9]+\s*格式|下载收益|此文档由|下载积分|开通VIP|网站客服|在线客服|客服\s*QQ|客服电话|^\s*ID\s*[:：]\s*\d+|^\s*大小\s*[:：]\s*[\d.]+\s*[KMG]?B|^\s*页数\s*[:：]\s*\d+|^\s*格式\s*[:：]\s*(DOCX?|PDF|PPTX?|XLSX?|TXT|WPS)(?-u:\b)",
        // pagination, prev/next links
        r"|上一篇|下一篇|上一页|下一页|^\s*(首页|尾页|末页)\s*$|共\s*\d+\s*页|当前第\s*\d+\s*页|第\s*\d+\s*页\s*[/／]\s*共",
        // keyword and tag lines
        r"|^\s*(关键词|关键字|标签|Tags?)\s*[:：]",
        // feedback forms
        r"|验\s*证\s*码|^\s*姓\s*名\s*[:：]|^\s*联系方式\s*[:：]|^\s*(电子邮箱|邮箱|手机号码|留言内容|提交|重置)\s*[:：]?\s*$",
        // counters and ratings
        r"|推荐度\s*[:：]|浏览次数\s*[:：]|点阅次数\s*[:：]|点阅率\s*[:：]|点击数\s*[:：]|点击次数\s*[:：]|点击量\s*[:：]|阅读量\s*[:：]|^\s*(阅读|浏览|访问量|人气)\s*[:：]\s*\d",
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
        r"^\s*([0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*日?(\s*[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?\s*)?[【\[]?\s*(发布时间|发布日期|发文日期|更新时间|上传时间|录入时间|发表时间|信息来源|文章来源|稿件来源|资料来源|来源|发布单位|发布机关|本文来源|原文来源|责任编辑|作者|编辑|时间|日期)\s*[:：]",
    )
});

/// Headings of recommendation / notice sections: the whole small section they open is
/// chrome (相关文章 lists with summaries, 温馨提示 notices, 猜你喜欢 …).
pub static SECTION_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(相关文章|相关阅读|相关推荐|相关信息|相关链接|相关连结|相关文档|相关搜索|相关下载|猜你喜欢|猜您喜欢|热门文章|热门推荐|重点推荐|热门文档|热门阅读|热门排行|热点文章|推荐阅读|推荐文章|精彩推荐|延伸阅读|最新文章|最新更新|你可能关注|您可能关注|你可能感兴趣|您可能感兴趣|你可能喜欢|您可能喜欢|随机推荐|温馨提示|网友评论|发表评论|我要评论|相关评论|Related (Articles|Stories|Posts)|Most popular|You may also like)\s*[:：]?\s*$",
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
