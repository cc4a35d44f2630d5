//! Attachments: file extensions, block labels, noise between links, name clean-up.

use std::sync::LazyLock;

use regex::Regex;

use super::re;

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
