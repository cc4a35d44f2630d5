#!/usr/bin/env python3
"""Simulated held-out set for the report extractor (Python 3 standard library only).

Reads the dev corpus AT RUNTIME (no corpus text is stored in this repository), re-mixes
the seed reports' paragraphs (sections omitted, articles reordered and combined, other
篇N heading styles, signature/date lines) and wraps them in site templates that differ
from the dev ones in markup and chrome. Writes `<out>/<case>/source.html` +
`expected.json` in the corpus layout, so `report_eval.py <out>` scores it.

    python3 scripts/heldout/remix.py /tmp/heldout [--dev ../shared/corpus/dev]
    python3 ../shared/tools/extract-eval/report_eval.py /tmp/heldout \
        --cmd-batch 'target/release/report-ingest extract --jsonl {list_file}' --per-page

Deterministic: the same dev corpus gives byte-identical output. Every case is validated
before it is written (main_text lines, chrome phrases, figure raws and outline headings
against the decoded, tag-stripped page).
"""

import html
import json
import os
import re
import shutil
import sys
import unicodedata
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DEV = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus", "dev"))

CN_NUM = "一二三四五六七八九十"


def esc(s):
    return html.escape(s, quote=False)


def squash(s):
    return "".join(unicodedata.normalize("NFKC", s).split()).lower()


# --------------------------------------------------------------------------- seeds

class Seed:
    """One seed report: its articles as (title, lines, outline-per-line, figures)."""

    def __init__(self, sid, exp):
        self.sid = sid
        self.exp = exp
        self.title = exp["title"]
        self.articles = []
        for a in exp["articles"]:
            lines = a["main_text"].split("\n")
            per_line = [[] for _ in lines]
            j = 0
            for o in a["outline"]:
                key = squash(o["marker"] + o["heading"])
                while j < len(lines) and not squash(lines[j]).startswith(key):
                    j += 1
                if j == len(lines):
                    raise SystemExit(f"seed {sid}: outline item not found: {o}")
                per_line[j].append(o)
                j += 1
            self.articles.append({"title": a["title"], "lines": lines, "outline": per_line,
                                  "figures": a["figures"]})

    def meta(self, field):
        return self.exp.get(field)

    def alts(self, field):
        return list((self.exp.get("alternatives") or {}).get(field, []))


def load_seeds(dev):
    pick = {"000": "000-gov-utf8", "001": "001-gov-utf8", "002": "002-fanwen-utf8",
            "003": "003-wenshu-gbk", "004": "004-docshare-gbk"}
    seeds = {}
    for sid, case in pick.items():
        with open(os.path.join(dev, case, "expected.json"), encoding="utf-8") as f:
            seeds[sid] = Seed(sid, json.load(f))
    return seeds


def sections(art):
    """Split an article's line indices into [intro] + level-1 sections."""
    secs, cur = [], []
    for i, outs in enumerate(art["outline"]):
        if any(o["level"] == 1 for o in outs) and cur:
            secs.append(cur)
            cur = []
        cur.append(i)
    if cur:
        secs.append(cur)
    return secs


def take(art, idx):
    """A new article made of the given line indices of a seed article."""
    lines = [art["lines"][i] for i in idx]
    outline = [o for i in idx for o in art["outline"][i]]
    text = "\n".join(lines)
    figures = [f for f in art["figures"] if f["raw"] in text]
    return {"lines": lines, "outline": outline, "figures": figures}


def full(art):
    return take(art, range(len(art["lines"])))


def omit_section(art, k):
    """Drop the k-th level-1 section (counted from 1; the intro is section 0)."""
    secs = sections(art)
    keep = [i for n, s in enumerate(secs) if n != k for i in s]
    return take(art, keep)


def cut_after_section(art, k):
    secs = sections(art)
    keep = [i for s in secs[:k + 1] for i in s]
    return take(art, keep)


# --------------------------------------------------------------------------- page text check

class TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        if tag in ("br", "p", "div", "td", "tr", "li", "h1", "h2", "h3", "section"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)


def visible(doc):
    p = TextOf()
    p.feed(doc)
    return "".join(p.out)


# --------------------------------------------------------------------------- body renderers

def is_heading(line, outs):
    return bool(outs) and len(line) < 60


def body_p(lines, outs=None, attrs=' style="text-indent:2em;"'):
    return "\n".join(f"<p{attrs}>{esc(l)}</p>" for l in lines)


def body_p_strong(lines, outs):
    res = []
    for l, o in zip(lines, outs):
        if o:
            o0 = o[0]
            head = o0["marker"] + o0["heading"]
            if l.startswith(head) and len(l) > len(head):
                res.append(f'<p style="text-indent:2em;"><strong>{esc(head)}</strong>{esc(l[len(head):])}</p>')
                continue
            res.append(f'<p style="text-indent:2em;"><strong>{esc(l)}</strong></p>')
        else:
            res.append(f'<p style="text-indent:2em;">{esc(l)}</p>')
    return "\n".join(res)


def body_br2(lines, outs=None):
    return "<br><br>\n".join("&nbsp;&nbsp;&nbsp;&nbsp;" + esc(l) for l in lines) + "<br>"


def body_br_indent(lines, outs=None):
    return "<br />\n".join("\u3000\u3000" + esc(l) for l in lines) + "<br />"


def body_font(lines, outs=None):
    return "\n".join(f'<p><font face="宋体" size="3">&nbsp;&nbsp;&nbsp;&nbsp;{esc(l)}</font></p>' for l in lines)


def body_div(lines, outs=None):
    return "\n".join(f"<div>{esc(l)}</div>" for l in lines)


def body_wechat(lines, outs):
    res = []
    for l, o in zip(lines, outs):
        if is_heading(l, o):
            res.append(f'<section style="margin-top:16px;"><p style="text-align:left;"><span style="font-size:17px;color:#0052ff;"><strong>{esc(l)}</strong></span></p></section>')
        else:
            res.append(f'<p style="text-indent:2em;line-height:1.75em;"><span style="font-size:16px;letter-spacing:1px;">{esc(l)}</span></p>')
    return "\n".join(res)


def body_h3(lines, outs):
    res = []
    for l, o in zip(lines, outs):
        if is_heading(l, o) and o[0]["level"] == 1:
            res.append(f"<h3>{esc(l)}</h3>")
        else:
            res.append(f"<p>{esc(l)}</p>")
    return "\n".join(res)


BODIES = {"p": body_p, "strong": body_p_strong, "br2": body_br2, "brind": body_br_indent,
          "font": body_font, "div": body_div, "wechat": body_wechat, "h3": body_h3}


def render_articles(arts, style, heading_tag="p"):
    """arts: [{heading or None, lines, outline-per-line}] → HTML."""
    fn = BODIES[style]
    out = []
    for a in arts:
        if a.get("heading"):
            h = esc(a["heading"])
            if heading_tag == "p":
                out.append(f'<p style="text-align:center;"><strong>{h}</strong></p>')
            elif heading_tag == "br":
                out.append(f"<b>{h}</b><br><br>")
            else:
                out.append(f"<{heading_tag}>{h}</{heading_tag}>")
        out.append(fn(a["lines"], a["outs"]))
    return "\n".join(out)


# --------------------------------------------------------------------------- charset heads

def charset_decl(kind, label):
    if kind == "meta-charset":
        return f'<meta charset="{label}">'
    if kind == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'
    return ""


LATE_PAD = ("<script type=\"text/javascript\">\n" + "\n".join(
    f"var _cfg{i} = {{site: 'portal', column: {i * 7}, track: 'pv', ts: {1689400000 + i}}};"
    for i in range(24)) + "\n</script>\n")


def head(title, kind, label, extra=""):
    if kind == "late-meta":
        return (f"<head>\n<title>{esc(title)}</title>\n{LATE_PAD}{extra}\n"
                f'<meta http-equiv="Content-Type" content="text/html; charset={label}">\n</head>')
    return f"<head>\n{charset_decl(kind, label)}\n<title>{esc(title)}</title>\n{extra}\n</head>"


# --------------------------------------------------------------------------- templates
# Each template gets a context dict c and returns (html, chrome_phrases).
# c: title, title_tag, arts (rendered input), date (iso or None), date_cn etc., org, kind/label


def t_govtable(c):
    d = c["date"]
    y, m, dd = d.split("-") if d else ("", "", "")
    date_html = f"发布日期：{y}年{m}月{dd}日&nbsp;&nbsp;" if d else ""
    chrome = ["当前位置：首页", "【字体：大 中 小】", "打印本页", "关闭窗口", "浏览次数：", "主办单位：" + c["site"],
              c["icp"]]
    if d:
        chrome.append(f"发布日期：{y}年{m}月{dd}日")
    body = render_articles(c["arts"], (c.get("style") or "font"))
    doc = f"""<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td><img src="/images/banner.jpg" width="980" height="120"></td></tr>
  <tr><td height="32" bgcolor="#1f5fa8" align="center"><font color="#FFFFFF" size="2"><a href="/"><font color="#FFFFFF">首页</font></a>&nbsp;|&nbsp;<a href="/jggk/"><font color="#FFFFFF">机构概况</font></a>&nbsp;|&nbsp;<a href="/zwgk/"><font color="#FFFFFF">政务公开</font></a>&nbsp;|&nbsp;<a href="/gzdt/"><font color="#FFFFFF">工作动态</font></a>&nbsp;|&nbsp;<a href="/bsfw/"><font color="#FFFFFF">办事服务</font></a>&nbsp;|&nbsp;<a href="/gzcy/"><font color="#FFFFFF">公众参与</font></a></font></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
<td width="200" valign="top" bgcolor="#F2F6FB">
  <table width="100%" border="0" cellspacing="0" cellpadding="4">
    <tr><td><b><font size="2">栏目导航</font></b></td></tr>
    <tr><td><a href="/zwgk/ghjh/"><font size="2">规划计划</font></a></td></tr>
    <tr><td><a href="/zwgk/gzzj/"><font size="2">工作总结</font></a></td></tr>
    <tr><td><a href="/zwgk/tjxx/"><font size="2">统计信息</font></a></td></tr>
    <tr><td><a href="/zwgk/rsxx/"><font size="2">人事信息</font></a></td></tr>
  </table>
</td>
<td width="780" valign="top">
  <table width="100%" border="0" cellspacing="0" cellpadding="0">
    <tr><td height="28"><font size="2">&nbsp;当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/gzzj/">工作总结</a></font></td></tr>
  </table>
  <table width="94%" border="0" align="center" cellpadding="0" cellspacing="0">
    <tr><td height="60" align="center"><font size="4" color="#CC0000"><b>{esc(c['title'])}</b></font></td></tr>
    <tr><td align="center" height="26"><font size="2" color="#666666">{date_html}来源：{esc(c['org_shown'])}&nbsp;&nbsp;浏览次数：{c['views']}&nbsp;&nbsp;【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</font></td></tr>
    <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
    <tr><td style="line-height:200%">
{body}
    </td></tr>
    <tr><td align="right" height="40"><font size="2">【<a href="javascript:window.print()">打印本页</a>】&nbsp;【<a href="javascript:window.close()">关闭窗口</a>】</font></td></tr>
  </table>
</td>
</tr>
</table>
<table width="980" border="0" align="center" cellpadding="6" cellspacing="0" bgcolor="#E9EEF4">
  <tr><td align="center"><font size="2">主办单位：{esc(c['site'])}&nbsp;&nbsp;承办：{esc(c['site'])}信息中心<br>地址：人民路108号&nbsp;&nbsp;电话：0775-2812345&nbsp;&nbsp;{c['icp']}<br>建议使用1024×768分辨率浏览本站</font></td></tr>
</table>
</body>
</html>
"""
    return doc, chrome


def t_portal(c):
    d = c["date"]
    chrome = ["索引号：", "发布机构：", "主题分类：", "扫一扫在手机打开当前页", "分享到：", "【字体：大 中 小】",
              "网站标识码" + c["sitecode"], c["icp"], "相关链接"]
    body = render_articles(c["arts"], (c.get("style") or "p"))
    date_row = f"<td class=\"label\">发文日期：</td><td>{d}</td>" if d else "<td class=\"label\">发文日期：</td><td></td>"
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'], '<meta name="ColumnName" content="政府信息公开">')}
<body>
<div id="top"><div class="wrap"><a href="/" id="logo"><img src="/img/logo.png" alt="{esc(c['site'])}"></a>
<div id="topnav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/bmfw/">便民服务</a><a href="/hdjl/">互动交流</a><a href="/english/">English</a></div></div></div>
<div class="wrap" id="wzxq">
<div id="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/xxgkml/">信息公开目录</a></div>
<div id="xxgk"><table class="xxgk_table" cellspacing="0">
<tr><td class="label">索引号：</td><td>{c['index_no']}</td><td class="label">发布机构：</td><td>{esc(c['org_shown'])}</td></tr>
<tr><td class="label">主题分类：</td><td>卫生、体育</td>{date_row}</tr>
<tr><td class="label">文号：</td><td></td><td class="label">有效性：</td><td>有效</td></tr>
</table></div>
<div id="zw">
<div id="wztit">{esc(c['title'])}</div>
<div id="wzxx"><span>【字体：<a href="javascript:void(0)" onclick="fs(18)">大</a> <a href="javascript:void(0)" onclick="fs(16)">中</a> <a href="javascript:void(0)" onclick="fs(14)">小</a>】</span> <span id="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a> <a href="javascript:;">QQ空间</a></span></div>
<div id="zoom" class="TRS_Editor">
{body}
</div>
<div id="ewm"><img src="/img/qrcode.png" alt=""><p>扫一扫在手机打开当前页</p></div>
<div id="xglj"><div class="tt">相关链接</div><ul>
<li><a href="/zwgk/a/1.html">市卫生健康委关于做好夏季传染病防控工作的通知</a></li>
<li><a href="/zwgk/a/2.html">全市基层医疗卫生机构绩效考核结果公示</a></li>
<li><a href="/zwgk/a/3.html">关于开展家庭医生签约服务宣传月活动的通知</a></li>
</ul></div>
</div>
</div>
<div id="foot"><div class="wrap"><p><a href="/about/">关于我们</a> | <a href="/map/">网站地图</a> | <a href="/contact/">联系我们</a></p>
<p>主办：{esc(c['site'])}　网站标识码{c['sitecode']}　{c['icp']}</p></div></div>
</body>
</html>
"""
    return doc, chrome


def t_wechat(c):
    d = c["date"]
    chrome = ["阅读原文", "微信扫一扫", "关注该公众号", "预览时标签不可点", "喜欢此内容的人还喜欢", "在看", "写留言"]
    body = render_articles(c["arts"], "wechat", heading_tag="h2")
    pt = f'<em id="publish_time" class="rich_media_meta rich_media_meta_text">{d} 10:21</em>' if d else ""
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'], '<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">')}
<body id="activity-detail" class="zh_CN wx_wap_page">
<div class="rich_media_wrp" id="js_article">
<div class="rich_media_inner"><div id="page-content" class="rich_media_area_primary">
<div class="rich_media_area_primary_inner">
<h1 class="rich_media_title" id="activity-name">{esc(c['title'])}</h1>
<div id="meta_content" class="rich_media_meta_list">
<span class="rich_media_meta rich_media_meta_text">原创</span>
<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" id="js_name">{esc(c['account'])}</a></span>
{pt}
</div>
<div class="rich_media_content js_underline_content" id="js_content" style="visibility: visible;">
<section style="box-sizing:border-box;">
{body}
</section>
<p style="text-align:center;"><span style="font-size:12px;color:#888;">来源：{esc(c['org_shown'])}</span></p>
<p style="text-align:center;"><span style="font-size:12px;color:#888;">编辑：李明　审核：王芳</span></p>
</div>
<div class="rich_media_tool" id="js_toobar3"><a id="js_view_source" href="javascript:void(0);">阅读原文</a>
<div class="media_tool_meta"><span id="js_read_area3">阅读 2341</span> <span class="like">赞</span> <span class="seen">在看</span></div></div>
<div class="qr_code_pc_outer"><div class="qr_code_pc"><img id="js_pc_qr_code_img" src="/mp/qrcode?scene=1" alt=""><p>微信扫一扫<br>关注该公众号</p></div></div>
<div class="js_preview_tips"><span>预览时标签不可点</span></div>
<div id="js_related_area"><div class="title">喜欢此内容的人还喜欢</div><ul>
<li><a href="#">夏季高温来袭，这份防暑指南请收好</a></li>
<li><a href="#">家庭医生签约服务，这些问题您了解吗？</a></li>
</ul></div>
<div id="js_cmt_area"><div class="discuss_container"><a href="javascript:;">写留言</a></div></div>
</div></div></div></div>
</body>
</html>
"""
    return doc, chrome


def t_docshare(c):
    # preview split over several <div class="page"> blocks, a download bar
    lines_html = []
    for a in c["arts"]:
        if a.get("heading"):
            lines_html.append(f"<p><b>{esc(a['heading'])}</b></p>")
        for l in a["lines"]:
            lines_html.append(f"<p>{esc(l)}</p>")
    n = max(2, min(5, len(lines_html) // 6))
    per = -(-len(lines_html) // n)
    pages = []
    for k in range(n):
        chunk = lines_html[k * per:(k + 1) * per]
        if not chunk:
            continue
        pages.append(f'<div class="page" id="page{k + 1}" data-page="{k + 1}"><div class="page-inner">\n'
                     + "\n".join(chunk) + f'\n</div><div class="page-num">第{k + 1}页</div></div>')
    total = len(pages) + 3
    d = c["date"]
    up = f"<span>上传时间：{d}</span>" if d else ""
    chrome = ["下载文档到电脑，查找使用更方便", "还剩3页未读，继续阅读", "文档贡献者", "举报", "下载券",
              f"共{total}页", "全文阅读已结束", "相关文档推荐"]
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div class="header"><div class="w"><a class="logo" href="/">文库网</a><div class="search"><form action="/s"><input name="q"><button>搜文档</button></form></div>
<div class="user"><a href="/login">登录</a> <a href="/reg">注册</a></div></div></div>
<div class="w doc-main">
<div class="doc-head"><h1>{esc(c['title'])}</h1>
<div class="doc-info"><span>文档贡献者：<a href="/u/88231">hello_doc</a></span> {up} <span>共{total}页</span> <span>0 下载券</span> <span><a href="/report">举报</a></span></div></div>
<div class="reader">
{chr(10).join(pages)}
</div>
<div class="continue"><p>还剩3页未读，继续阅读</p><a class="btn" href="javascript:;">下载文档</a></div>
<div class="down-bar"><span class="tip">下载文档到电脑，查找使用更方便</span> <a class="btn" href="/down/1">立即下载</a> <span>0 下载券</span></div>
<div class="end-tip">全文阅读已结束，如果下载本文需要使用 0 下载券</div>
<div class="relate"><h3>相关文档推荐</h3><ul>
<li><a href="/d/1.html">乡镇卫生院年度工作总结（完整版）</a> <span>5页</span></li>
<li><a href="/d/2.html">医院办公室工作计划范文</a> <span>3页</span></li>
<li><a href="/d/3.html">卫生健康局半年工作汇报材料</a> <span>8页</span></li>
</ul></div>
</div>
<div class="footer">Copyright © 2010-2023 文库网 版权所有 | {c['icp']}</div>
</body>
</html>
"""
    return doc, chrome


def t_forum(c):
    d = c["date"]
    when = f"发表于 {d} 10:20" if d else "发表于 前天 10:20"
    chrome = ["只看该作者", "楼主", "您需要登录后才可以回帖", "立即注册", "使用道具", "举报", "学习了，写得很全面！",
              "回复", "共3页"]
    body = render_articles(c["arts"], (c.get("style") or "br2"), heading_tag="br")
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div id="hd"><div class="wp"><a href="/">基层卫生论坛</a> <span class="login"><a href="/member.php?mod=logging">登录</a> | <a href="/member.php?mod=register">立即注册</a></span></div></div>
<div id="pt" class="bm cl"><a href="/">论坛</a> <em>›</em> <a href="/forum-12-1.html">经验交流</a> <em>›</em> <a href="#">{esc(c['title'])}</a></div>
<div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0"><tr>
<td class="pls" rowspan="2"><div class="pi"><div class="authi"><a href="/space-uid-1021.html" class="xw1">清风徐来</a></div></div><div class="avatar"><img src="/avatar/1021.jpg"></div><p>帖子 326　积分 1208</p></td>
<td class="plc"><div class="pi"><strong>楼主</strong><div class="pti"><div class="authi"><em id="authorposton1">{when}</em> | <a href="#">只看该作者</a></div></div></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_1">
{body}
</td></tr></table></div></div></div></td></tr>
<tr><td class="plc plm"><div class="po"><a href="#">回复</a> <a href="#">使用道具</a> <a href="#">举报</a></div></td></tr>
</table>
<table cellspacing="0" cellpadding="0"><tr><td class="pls"><a href="/space-uid-3310.html">夏天</a></td>
<td class="plc"><strong>沙发</strong> <em>发表于 3 天前</em><div class="t_f">学习了，写得很全面！</div><a href="#">回复</a></td></tr></table>
<table cellspacing="0" cellpadding="0"><tr><td class="pls"><a href="/space-uid-4410.html">医路同行</a></td>
<td class="plc"><strong>板凳</strong> <em>发表于 2 天前</em><div class="t_f">收藏了，感谢楼主分享。</div><a href="#">回复</a></td></tr></table>
</div>
<div class="pgs cl"><div class="pg"><strong>1</strong><a href="?page=2">2</a><a href="?page=3">3</a><a href="?page=2" class="nxt">下一页</a> <span>共3页</span></div></div>
<div id="f_pst" class="pl bm"><p>您需要登录后才可以回帖 <a href="/member.php?mod=logging">登录</a> | <a href="/member.php?mod=register">立即注册</a></p></div>
<div id="ft">Powered by Discuz!　© 2001-2023　{c['icp']}</div>
</body>
</html>
"""
    return doc, chrome


def t_brpage(c):
    d = c["date"]
    extra = f'<meta name="PubDate" content="{d} 09:30">\n<meta name="ContentSource" content="{esc(c["org_shown"])}">' if d else ""
    chrome = ["您所在的位置：", "热点推荐", "上一篇：", "下一篇：", "责任编辑：", "免责声明", c["icp"]]
    body = render_articles(c["arts"], (c.get("style") or "br2"), heading_tag="br")
    doc = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
{head(c['title_tag'], c['kind'], c['label'], extra)}
<body>
<div class="top"><a href="/">{esc(c['site'])}</a> <span><a href="/">首页</a> <a href="/news/">新闻</a> <a href="/gonggao/">公告</a> <a href="/ziliao/">资料</a></span></div>
<div class="main">
<div class="weizhi">您所在的位置：<a href="/">首页</a> » <a href="/ziliao/">资料</a> » 正文</div>
<div class="left">
<div class="title"><h2>{esc(c['title'])}</h2></div>
<div class="text">
{body}
</div>
<div class="editor">责任编辑：张晓</div>
<div class="sxp"><div>上一篇：<a href="/ziliao/301.html">社区卫生服务中心半年工作情况汇报</a></div><div>下一篇：<a href="/ziliao/303.html">关于加强乡村医生队伍建设的实施意见</a></div></div>
<div class="mzsm">免责声明：本站部分内容来源于网络，如有侵权请联系删除。</div>
</div>
<div class="right"><div class="hot"><b>热点推荐</b><ul>
<li><a href="/ziliao/11.html">2023年医院工作总结及2024年计划</a></li>
<li><a href="/ziliao/12.html">疾控中心年度工作总结</a></li>
<li><a href="/ziliao/13.html">卫生院院长述职报告</a></li>
<li><a href="/ziliao/14.html">医德医风个人总结</a></li>
</ul></div></div>
</div>
<div class="foot">Copyright 2008-2023 {esc(c['site'])} All Rights Reserved {c['icp']}</div>
</body>
</html>
"""
    return doc, chrome


def t_html5(c):
    d = c["date"]
    t = f'<span class="time">{d} 16:05</span>' if d else ""
    chrome = ["首页", "相关阅读", "热点推荐", "分享到：", "微博", "登录后参与评论", "发表评论", "网友评论", c["icp"]]
    body = render_articles(c["arts"], (c.get("style") or "h3"), heading_tag="h2")
    doc = f"""<!doctype html>
<html lang="zh-Hans">
{head(c['title_tag'], c['kind'], c['label'], '<meta name="viewport" content="width=device-width">')}
<body>
<header class="site-header"><a class="brand" href="/">{esc(c['site'])}</a>
<nav class="menu"><a href="/">首页</a><a href="/policy/">政策</a><a href="/data/">数据</a><a href="/service/">服务</a></nav></header>
<nav class="crumbs" aria-label="breadcrumb"><ol><li><a href="/">首页</a></li><li><a href="/reports/">工作报告</a></li><li>正文</li></ol></nav>
<main class="layout">
<article class="post">
<header class="post-head"><h1>{esc(c['title'])}</h1>
<div class="post-meta">{t}<span class="src">来源：{esc(c['org_shown'])}</span></div></header>
<section class="post-body">
{body}
</section>
<footer class="post-foot"><div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ</a></div></footer>
</article>
<aside class="side">
<section class="box"><h2>相关阅读</h2><ul>
<li><a href="/r/1">基层医疗服务能力提升行动方案解读</a></li>
<li><a href="/r/2">全市卫生健康工作会议召开</a></li>
<li><a href="/r/3">一图读懂公共卫生服务项目</a></li></ul></section>
<section class="box"><h2>热点推荐</h2><ol>
<li><a href="/h/1">今年医保缴费标准公布</a></li><li><a href="/h/2">这些疫苗可以免费接种</a></li></ol></section>
</aside>
<section class="comments"><h2>网友评论</h2><p>登录后参与评论</p><div class="cbox"><textarea></textarea><button>发表评论</button></div></section>
</main>
<footer class="site-footer"><p>© 2023 {esc(c['site'])}　{c['icp']}</p></footer>
</body>
</html>
"""
    return doc, chrome


def t_big5portal(c):
    d = c["date"]
    chrome = ["當前位置：首頁", "【字體：大 中 小】", "列印本頁", "關閉視窗", "瀏覽次數：", "上一篇：", "下一篇：",
              "版權所有", "責任編輯："]
    if d:
        chrome.append("發佈日期：" + d)
    dl = f"發佈日期：{d}　" if d else ""
    body = render_articles(c["arts"], (c.get("style") or "p"))
    doc = f"""<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div class="top"><div class="logo">{esc(c['site'])}</div><div class="menu"><a href="/">首頁</a> | <a href="/news/">新聞中心</a> | <a href="/gov/">政務公開</a> | <a href="/service/">便民服務</a></div></div>
<div class="pos">當前位置：<a href="/">首頁</a> &gt; <a href="/news/">新聞中心</a> &gt; <a href="/news/xj/">先進典型</a></div>
<div class="content-box">
<div class="tit">{esc(c['title'])}</div>
<div class="info">{dl}瀏覽次數：{c['views']}　【字體：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="detail">
{body}
</div>
<div class="bianji">責任編輯：陳志明</div>
<div class="tools"><a href="javascript:window.print()">列印本頁</a>　<a href="javascript:window.close()">關閉視窗</a></div>
<div class="updown"><p>上一篇：<a href="/news/xj/101.html">市醫院護理部先進集體事蹟</a></p><p>下一篇：<a href="/news/xj/103.html">疾控中心抗疫先進個人事蹟</a></p></div>
</div>
<div class="foot">版權所有：{esc(c['site'])}　地址：中正路1號　電話：(02)2345-6789</div>
</body>
</html>
"""
    return doc, chrome


def t_bilingual(c):
    d = c["date"]
    chrome = ["You are here:", "Home", "Views:", "Print", "Close", "Share to:", "Related Links",
              "All Rights Reserved", "Sponsored by"]
    if d:
        chrome.append("Date: " + d)
    dl = f'<span class="date">Date: {d}</span> ' if d else ""
    body = render_articles(c["arts"], (c.get("style") or "p"))
    doc = f"""<!DOCTYPE html>
<html lang="zh-CN">
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div class="topbar">中文 | <a href="/en/">English</a> | <a href="/m/">Mobile</a></div>
<div class="banner"><h2 class="site">{esc(c['site'])} <small>Health Commission</small></h2>
<ul class="nav"><li><a href="/">Home</a></li><li><a href="/news/">News</a></li><li><a href="/gov/">Government Info</a></li><li><a href="/services/">Services</a></li><li><a href="/contact/">Contact Us</a></li></ul></div>
<div class="container">
<div class="breadcrumb">You are here: <a href="/">Home</a> &gt; <a href="/gov/">Government Info</a> &gt; <a href="/gov/reports/">Reports</a></div>
<div class="article">
<h1 class="article-title">{esc(c['title'])}</h1>
<div class="article-meta">{dl}<span class="source">Source: {esc(c['org_shown'])}</span> <span class="views">Views: {c['views']}</span></div>
<div class="article-body">
{body}
</div>
<div class="article-tools"><a href="javascript:print()">Print</a> | <a href="javascript:close()">Close</a> | <span>Share to: <a href="#">WeChat</a> <a href="#">Weibo</a></span></div>
<div class="related"><h4>Related Links</h4><ul><li><a href="/gov/reports/11.html">Annual report on public health services</a></li><li><a href="/gov/reports/12.html">Notice on the summer epidemic prevention campaign</a></li></ul></div>
</div>
</div>
<div class="footer"><p>Sponsored by {esc(c['site'])} | Copyright © 2023 All Rights Reserved | {c['icp']}</p></div>
</body>
</html>
"""
    return doc, chrome


def t_fanwen(c):
    # essay-site style multi-article page, editor blurb, tags, 相关阅读 after, 免责声明
    chrome = ["小编为大家整理的", "仅供参考", "相关阅读：", "本文标签：", "免责声明：", "热点推荐", c["icp"], "当前位置："]
    body = render_articles(c["arts"], (c.get("style") or "p"), heading_tag=c.get("htag", "h2"))
    d = c["date"]
    dl = f'<span class="time">{d}</span> ' if d else ""
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div class="head"><a href="/" class="logo">{esc(c['site'])}</a><div class="nav"><a href="/">首页</a><a href="/zongjie/">工作总结</a><a href="/jihua/">工作计划</a><a href="/baogao/">工作报告</a><a href="/shiji/">事迹材料</a></div></div>
<div class="wrap">
<div class="place">当前位置：<a href="/">首页</a> &gt; <a href="/jihua/">范文大全</a> &gt; 正文</div>
<div class="arc">
<h1>{esc(c['title'])}</h1>
<div class="arcinfo">{dl}<span>栏目：范文大全</span></div>
<div class="intro">下面是小编为大家整理的{esc(c['title'])}，仅供参考，欢迎阅读。</div>
<div class="arcbody">
{body}
</div>
<div class="tags">本文标签：<a href="/tag/1">工作计划</a> <a href="/tag/2">卫生</a></div>
<div class="xgread"><b>相关阅读：</b><ul>
<li><a href="/a/7781.html">乡镇卫生院工作计划范文</a></li><li><a href="/a/7782.html">2023年医院工作计划</a></li><li><a href="/a/7783.html">疾控中心工作计划</a></li></ul></div>
<div class="mianze">免责声明：本站文章来自网友投稿，不代表本站观点，版权归原作者所有。</div>
</div>
<div class="side"><h3>热点推荐</h3><ul><li><a href="/a/1.html">个人年终总结范文</a></li><li><a href="/a/2.html">述职报告怎么写</a></li></ul></div>
</div>
<div class="foot">{c['icp']}　本站内容仅供学习参考</div>
</body>
</html>
"""
    return doc, chrome


TEMPLATES = {"govtable": t_govtable, "portal": t_portal, "wechat": t_wechat, "docshare": t_docshare,
             "forum": t_forum, "brpage": t_brpage, "html5": t_html5, "big5portal": t_big5portal,
             "bilingual": t_bilingual, "fanwen": t_fanwen}


def body_word(lines, outs):
    """Word-export markup: MsoNormal paragraphs, runs split into spans mid-sentence."""
    res = []
    for l, o in zip(lines, outs):
        cut = max(1, min(len(l) - 1, len(l) // 3))
        a, b = esc(l[:cut]), esc(l[cut:])
        if is_heading(l, o):
            res.append(f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><b><span style='font-family:黑体'>{a}</span></b><b><span lang=EN-US style='font-family:黑体'>{b}</span></b><span lang=EN-US><o:p></o:p></span></p>")
        else:
            res.append(f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><span style='font-family:仿宋_GB2312'>{a}</span><span lang=EN-US style='font-family:仿宋_GB2312'>{b}</span><span lang=EN-US><o:p></o:p></span></p>")
    return "\n".join(res)


def body_tablerows(lines, outs):
    return ('<table width="100%" border="0" cellspacing="0" cellpadding="0">\n'
            + "\n".join(f'<tr><td style="text-indent:2em;line-height:180%">{esc(l)}</td></tr>' for l in lines)
            + "\n</table>")


BODIES["word"] = body_word
BODIES["tablerows"] = body_tablerows


def t_inline(c):
    """Chrome INSIDE the content container: info line on top, attachments, editor, tools,
    prev/next and share at the bottom, all siblings of the paragraphs."""
    d = c["date"]
    fmt = c.get("datefmt") or "{y}-{m}-{d}"
    ds = ""
    if d:
        y, m, dd = d.split("-")
        ds = fmt.format(y=y, m=m, d=dd, m1=str(int(m)), d1=str(int(dd)))
    chrome = ["作者：", "点击数：", "附件：", "（责任编辑：", "【打印本页】", "【关闭窗口】", "上一篇：", "下一篇：",
              "分享到："]
    if d:
        chrome.insert(0, "时间：" + ds)
    body = render_articles(c["arts"], c.get("style") or "word")
    info = (f"时间：{ds}&nbsp;&nbsp;" if d else "") + f"来源：{esc(c['org_shown'])}&nbsp;&nbsp;作者：办公室&nbsp;&nbsp;点击数：{c['views']}"
    doc = f"""<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div id="header"><img src="/images/top.jpg"><ul id="menu"><li><a href="/">网站首页</a></li><li><a href="/xwzx/">新闻中心</a></li><li><a href="/xxgk/">信息公开</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<div id="main">
<div id="sidebar"><h3>信息公开</h3><ul><li><a href="/xxgk/zn/">机构职能</a></li><li><a href="/xxgk/gh/">发展规划</a></li><li><a href="/xxgk/zj/">工作总结</a></li><li><a href="/xxgk/tj/">统计数据</a></li></ul></div>
<div id="content">
<div id="position">首页 &gt;&gt; 信息公开 &gt;&gt; 工作总结</div>
<div id="article">
<h1>{esc(c['title'])}</h1>
<p align="center"><font color="#999999">{info}</font></p>
<div class="WordSection1">
{body}
</div>
<p>附件：<a href="/uploads/2023/fj1.doc">1.主要指标完成情况表.doc</a></p>
<p>　　　<a href="/uploads/2023/fj2.xls">2.重点项目进度表.xls</a></p>
<p align="right">（责任编辑：王明）</p>
<p align="center">【<a href="javascript:window.print()">打印本页</a>】　【<a href="javascript:window.close()">关闭窗口</a>】</p>
<p>上一篇：<a href="/xxgk/zj/101.html">关于召开全市卫生健康工作会议的通知</a></p>
<p>下一篇：<a href="/xxgk/zj/103.html">卫生健康系统安全生产大检查工作方案</a></p>
<p>分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></p>
</div>
</div>
</div>
<div id="footer">版权所有：{esc(c['site'])}　{c['icp']}</div>
</body>
</html>
"""
    return doc, chrome


def t_teasers(c):
    """A short article beside long teaser lists with summaries and long comments."""
    d = c["date"]
    chrome = ["延伸阅读", "网友评论", "已有3条评论", "请文明上网", "登录", "猜你喜欢", c["icp"], "点击排行"]
    body = render_articles(c["arts"], c.get("style") or "p")
    tz = [("基层医疗卫生机构能力提升年活动推进会召开", "会议总结了上半年全市基层医疗卫生机构能力提升工作，分析了存在的问题，部署了下一阶段重点任务，要求各地进一步压实责任、补齐短板、强化考核，确保各项目标任务按期完成……"),
          ("市卫生健康系统开展安全生产大检查", "为切实做好卫生健康系统安全生产工作，近日，市卫生健康委组织检查组深入各医疗机构，对消防设施、用电安全、危化品管理等开展全面检查，现场督促整改问题隐患二十余处……"),
          ("全市家庭医生签约服务工作会议召开", "会议通报了家庭医生签约服务工作进展情况，交流了典型经验做法，并对做实做细签约服务、提高群众获得感和满意度提出了具体要求……"),
          ("关于进一步加强院前医疗急救工作的通知", "各县（市、区）卫生健康局，委直属各单位：为进一步加强我市院前医疗急救体系建设，提高院前急救服务能力，现就有关事项通知如下……")]
    teasers = "\n".join(f'<li><h4><a href="/n/{i}.html">{esc(t)}</a></h4><p>{esc(s)}</p></li>' for i, (t, s) in enumerate(tz))
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div class="top"><a href="/">{esc(c['site'])}</a> <a href="/login">登录</a></div>
<div class="row">
<div class="col-main">
<div class="detail-title"><h1>{esc(c['title'])}</h1><div class="src">{('<span>' + d + '</span> ') if d else ''}<span>来源：{esc(c["org_shown"])}</span></div></div>
<div class="detail-body">
{body}
</div>
<div class="ext"><h3>延伸阅读</h3><ul class="teasers">
{teasers}
</ul></div>
<div class="cmt"><h3>网友评论</h3><p>已有3条评论，请文明上网，理性发言。</p>
<div class="c"><b>热心市民</b><p>这几年基层卫生院的变化确实很大，看病方便多了，家门口就能做检查，希望继续加大投入，把好医生留在基层，让老百姓少跑路。</p></div>
<div class="c"><b>路人甲</b><p>建议进一步公开各项资金的使用明细和项目进度，方便群众监督，也希望多介绍一些具体的惠民政策怎么申请办理。</p></div>
<div class="c"><b>老张</b><p>支持！希望乡村医生的待遇也能进一步提高。</p></div>
<div class="cform"><a href="/login">登录</a>后发表评论</div></div>
</div>
<div class="col-side"><div class="box"><h3>猜你喜欢</h3><ul>{teasers}</ul></div>
<div class="box"><h3>点击排行</h3><ol><li><a href="/n/9.html">医保报销比例调整</a></li><li><a href="/n/8.html">夏季防溺水安全提示</a></li></ol></div></div>
</div>
<div class="foot">{c['icp']}</div>
</body>
</html>
"""
    return doc, chrome


TEMPLATES["inline"] = t_inline
TEMPLATES["teasers"] = t_teasers


def body_kwlinks(lines, outs):
    """Paragraphs whose keywords are linked (tag/keyword sites)."""
    res = []
    for l in lines:
        e = esc(l)
        for kw in ("卫生", "醫療", "医疗", "工作"):
            if kw in e:
                e = e.replace(kw, f'<a href="/tag/{ord(kw[0])}.html" class="kw">{kw}</a>', 1)
        res.append(f"<p>{e}</p>")
    return "\n".join(res)


BODIES["kwlinks"] = body_kwlinks


def t_toc(c):
    """Essay site: a table of contents of the articles at the top (links to anchors), keyword
    links inside paragraphs, a dated 'latest' list before the article, a long copyright
    notice beside the body."""
    arts = c["arts"]
    toc = "\n".join(f'<li><a href="#p{i}">{esc(a["heading"])}</a></li>' for i, a in enumerate(arts, 1) if a.get("heading"))
    body = []
    for i, a in enumerate(arts, 1):
        if a.get("heading"):
            body.append(f'<h3 id="p{i}">{esc(a["heading"])}</h3>')
        body.append(BODIES[c.get("style") or "kwlinks"](a["lines"], a["outs"]))
    d = c["date"]
    chrome = ["本文目录", "最新更新", "版权声明：", "上一篇：", "下一篇：", "返回顶部", c["icp"]]
    latest = "\n".join(f'<li><a href="/a/{900 + i}.html">{t}</a><span>2024-0{i + 1}-1{i}</span></li>' for i, t in enumerate(["年度个人述职报告范文", "医院感染管理工作计划", "社区卫生服务站工作总结"]))
    doc = f"""<!DOCTYPE html>
<html>
{head(c['title_tag'], c['kind'], c['label'])}
<body>
<div class="hd"><a href="/">{esc(c['site'])}</a><ul><li><a href="/">首页</a></li><li><a href="/zj/">总结</a></li><li><a href="/jh/">计划</a></li></ul></div>
<div class="bd">
<div class="lside"><h3>最新更新</h3><ul>{latest}</ul></div>
<div class="mcol">
<div class="arc-title">{esc(c['title'])}</div>
<div class="arc-meta">{('更新时间：' + d) if d else ''}</div>
{('<div class="toc"><b>本文目录</b><ul>' + toc + '</ul></div>') if toc else ''}
<div class="arc-body">
{chr(10).join(body)}
</div>
<div class="copyright">版权声明：本站所有文章均来自网友投稿或网络整理，仅供个人学习、研究使用，版权归原作者所有。如本站内容侵犯了您的合法权益，请及时与我们联系，我们将在核实后第一时间删除相关内容，感谢您的理解与支持。</div>
<div class="pn">上一篇：<a href="/a/1.html">学校卫生工作计划</a><br>下一篇：<a href="/a/3.html">卫生院工作总结</a></div>
<a href="#top">返回顶部</a>
</div>
</div>
<div class="ft">{c['icp']}</div>
</body>
</html>
"""
    return doc, chrome


TEMPLATES["toc"] = t_toc

# --------------------------------------------------------------------------- cases

PIAN_STYLES = [
    lambda n, t: f"【篇{CN_NUM[n - 1]}】",
    lambda n, t: f"范文{CN_NUM[n - 1]}：{t}",
    lambda n, t: f"第{CN_NUM[n - 1]}篇",
    lambda n, t: f"{t}（篇{n}）",
    lambda n, t: f"篇{CN_NUM[n - 1]}：{t}",
    lambda n, t: f"【第{n}篇】{t}",
]

ICPS = ["桂ICP备05011234号", "皖ICP备08001122号-1", "渝ICP备10004567号", "京ICP备13052311号-2",
        "粤ICP备2021088745号", "浙ICP备12033456号"]

SITE_OF = {"000": "xxx市卫生局", "001": "谢家集区卫生健康委员会", "002": "**市衛生局", "003": "卫生健康网",
           "004": "秀山县卫生健康委员会"}


def expected_meta(seed, page_date, org_shown, doc_date=None, lines=()):
    """Top-level metadata for a single-seed page."""
    doc_date_in_text = seed.articles[0]["lines"][-1] in lines
    e = seed.exp
    alts = {k: list(v) for k, v in (e.get("alternatives") or {}).items()}
    m = {"title": seed.title, "doc_type": e["doc_type"], "period": e["period"], "script": e["script"],
         "region": e["region"]}
    # a place the text names fewer than twice (and no labelled org names) is a guess
    if m["region"] and "\n".join(lines).count(m["region"]) < 2 and m["region"] not in (org_shown or ""):
        alts["region"] = list(dict.fromkeys([m["region"]] + alts.get("region", []) + [None]))
    # published: the page's declared date, else the document's own date line, else null
    if page_date:
        m["published"] = page_date
        alts.pop("published", None)
        if seed.sid == "004" and doc_date_in_text:
            alts["published"] = [page_date, "2004-12-20"]
    elif doc_date:
        m["published"] = doc_date
        alts.pop("published", None)
    elif seed.sid == "004" and doc_date_in_text:
        m["published"] = "2004-12-20"
        alts.pop("published", None)
    else:
        m["published"] = None
        alts.pop("published", None)
    # source_org: the issuing organization the page names, else the seed's
    so = list(dict.fromkeys([seed.meta("source_org")] + seed.alts("source_org")))
    if org_shown and org_shown not in ("网络", "本站", "網絡"):
        m["source_org"] = org_shown
        alts["source_org"] = list(dict.fromkeys([org_shown] + [x for x in so if x]))
    else:
        m["source_org"] = seed.meta("source_org")
        if len(so) > 1:
            alts["source_org"] = so
    return m, {k: v for k, v in alts.items() if v}


def build_cases(seeds):
    cases = []
    S0, S1, S2, S3, S4 = (seeds[k] for k in ("000", "001", "002", "003", "004"))

    def single(name, tpl, seed, art, *, kind, label, charset, date=None, org_shown=None, style=None,
               sign=None, title_tag=None, notes="", url=None, account=None, datefmt=None):
        lines, outs = list(art["lines"]), []
        outmap = art["outline"]
        # re-associate outline per line
        per_line = []
        k = 0
        for l in lines:
            here = [o for o in outmap if squash(l).startswith(squash(o["marker"] + o["heading"]))]
            per_line.append(here[:1])
        doc_date = None
        if sign:
            lines = lines + list(sign[0])
            per_line = per_line + [[] for _ in sign[0]]
            doc_date = sign[1]
        a = {"heading": None, "lines": lines, "outs": per_line}
        meta, alts = expected_meta(seed, date, org_shown, doc_date, lines)
        exp_art = {"title": seed.title, "outline": art["outline"], "main_text": "\n".join(lines),
                   "figures": art["figures"]}
        cases.append(dict(name=name, tpl=tpl, seed=[seed.sid], kind=kind, label=label, charset=charset,
                          arts=[a], exp_arts=[exp_art], meta=meta, alts=alts, date=date,
                          org_shown=org_shown or SITE_OF[seed.sid], style=style,
                          title=seed.title, title_tag=title_tag or seed.title, notes=notes, url=url,
                          account=account or SITE_OF[seed.sid], datefmt=datefmt))

    def multi(name, tpl, parts, *, title, kind, label, charset, meta, alts, pian, htag="h2", style=None,
              date=None, org_shown="网络", notes=""):
        arts, exp_arts = [], []
        for n, (seed_art_title, art) in enumerate(parts, 1):
            heading = PIAN_STYLES[pian](n, seed_art_title)
            per_line = []
            for l in art["lines"]:
                here = [o for o in art["outline"] if squash(l).startswith(squash(o["marker"] + o["heading"]))]
                per_line.append(here[:1])
            arts.append({"heading": heading, "lines": art["lines"], "outs": per_line})
            exp_arts.append({"title": heading, "outline": art["outline"], "main_text": "\n".join(art["lines"]),
                             "figures": art["figures"]})
        m = dict(meta)
        m["title"] = title
        m.setdefault("published", date)
        cases.append(dict(name=name, tpl=tpl, seed=sorted({p for p in meta.pop("_seeds")}), kind=kind, label=label,
                          charset=charset, arts=arts, exp_arts=exp_arts, meta=m, alts=alts, date=date,
                          org_shown=org_shown, style=style, title=title, title_tag=title, notes=notes, htag=htag,
                          url=None, account="范文精选"))

    a0, a1, a2, a4 = S0.articles[0], S1.articles[0], S2.articles[0], S4.articles[0]
    s3 = S3.articles
    sig0 = (["xxx市卫生局", "2023年7月20日"], "2023-07-20")
    sig1 = (["谢家集区卫生健康委员会", "2024年1月18日"], "2024-01-18")

    # 1 govtable: 2000s table layout, gb2312 http-equiv, <font>/<td>, no classes
    single("r01-000-govtable-gb2312", "govtable", S0, full(a0), kind="http-equiv", label="gb2312", charset="gbk",
           date="2023-07-15", org_shown="xxx市卫生局", style="font",
           title_tag=S0.title + "_xxx市卫生局", notes="2000s table layout; date as 发布日期：YYYY年MM月DD日")
    single("r02-001-govtable-gbk-br", "govtable", S1, omit_section(a1, 2), kind="http-equiv", label="GBK",
           charset="gbk", date="2024-07-22", org_shown="谢家集区卫生健康委员会", style="br2",
           title_tag=S1.title, notes="table layout, body as <br><br> text inside a <td>; 2024 plans section omitted")
    single("r03-004-govtable-none", "govtable", S4, full(a4), kind="none", label=None, charset="gbk",
           date=None, org_shown="秀山县卫生健康委员会", style="font",
           title_tag=S4.title + "-秀山县卫生健康委员会",
           notes="no charset declaration (GBK sniffed); the page gives no date, the document's own date line ends it")
    single("r04-002-govtable-utf8", "govtable", S2, full(a2), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2021-03-09", org_shown="**市衛生局", style="p", title_tag=S2.title)
    single("r05-000-govtable-sign", "govtable", S0, cut_after_section(a0, 2), kind="http-equiv",
           label="gb2312", charset="gbk", date=None, org_shown="xxx市卫生局", style="font", sign=sig0,
           notes="first two sections only; no page date, the signature date line is the published date")

    # 2 portal with xxgk table
    single("r06-000-portal-utf8", "portal", S0, full(a0), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2023-07-28", org_shown="xxx市卫生局", title_tag=S0.title + "_政府信息公开_xxx市卫生局",
           notes="date only in the xxgk attribute table (发文日期)")
    single("r07-001-portal-utf8", "portal", S1, full(a1), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2024-07-18", org_shown="谢家集区卫生健康委员会", style="strong",
           title_tag=S1.title + "-谢家集区人民政府")
    single("r08-004-portal-gb18030", "portal", S4, omit_section(a4, 2), kind="meta-charset", label="gb18030",
           charset="gb18030", date="2023-02-14", org_shown="秀山县卫生健康委员会", style="div",
           title_tag=S4.title, notes="problems section omitted; <div> per paragraph")
    single("r09-001-portal-late", "portal", S1, omit_section(a1, 1), kind="late-meta", label="utf-8",
           charset="utf-8", date="2024-08-02", org_shown="谢家集区卫生健康委员会", title_tag=S1.title,
           notes="meta charset after the first 1024 bytes; 2023 summary section omitted")
    single("r10-000-portal-sign", "portal", S0, omit_section(a0, 3), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2023-08-01", org_shown="xxx市卫生局", sign=sig0, style="strong",
           title_tag=S0.title)

    # 3 WeChat-like
    single("r11-000-wechat", "wechat", S0, full(a0), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2023-07-16", org_shown="xxx市卫生局", account="健康xxx", title_tag=S0.title)
    single("r12-001-wechat", "wechat", S1, cut_after_section(a1, 1), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2024-01-25", org_shown="谢家集区卫生健康委员会", account="谢家集卫健",
           title_tag=S1.title, notes="2024 plans section cut")
    single("r13-002-wechat", "wechat", S2, full(a2), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2022-05-12", org_shown="**市衛生局", account="健康**", title_tag=S2.title)
    single("r14-004-wechat-nodate", "wechat", S4, omit_section(a4, 1), kind="none", label=None,
           charset="utf-8", date=None, org_shown="秀山县卫生健康委员会", account="秀山卫健",
           title_tag=S4.title, notes="no charset, no publish time; document date line at the end")

    # 4 docshare with page blocks
    single("r15-000-docshare-gbk", "docshare", S0, full(a0), kind="meta-charset", label="gbk", charset="gbk",
           date="2023-04-20", org_shown=None, title_tag=S0.title + ".docx-文库网")
    single("r16-004-docshare-none", "docshare", S4, full(a4), kind="none", label=None, charset="gbk",
           date=None, org_shown=None, title_tag=S4.title + ".doc - 文库网",
           notes="no charset; no upload date; document date line")
    single("r17-001-docshare-gb18030", "docshare", S1, full(a1), kind="http-equiv", label="gb18030",
           charset="gb18030", date="2024-03-02", org_shown=None, title_tag=S1.title + "-文库网")
    single("r18-002-docshare-gb18030", "docshare", S2, omit_section(a2, 4), kind="meta-charset",
           label="gb18030", charset="gb18030", date="2020-11-30", org_shown=None, title_tag=S2.title + " - 文庫網")

    # 5 forum / blog
    single("r19-000-forum", "forum", S0, full(a0), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2023-07-15", org_shown=None, title_tag=S0.title + " - 经验交流 - 基层卫生论坛")
    single("r20-004-forum-gbk", "forum", S4, cut_after_section(a4, 2), kind="http-equiv", label="gbk",
           charset="gbk", date="2022-12-03", org_shown=None, style="brind", title_tag=S4.title,
           notes="problems section kept, 工作重点 cut")
    single("r21-001-forum", "forum", S1, full(a1), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2024-07-20", org_shown=None, style="div", title_tag=S1.title + "-基层卫生论坛")

    # 6 <br><br> body, PubDate only in <meta>
    single("r22-000-brpage", "brpage", S0, full(a0), kind="meta-charset", label="gbk", charset="gbk",
           date="2023-07-19", org_shown="xxx市卫生局", title_tag=S0.title + "_资料网",
           notes="publish date only in <meta name=PubDate>")
    single("r23-002-brpage", "brpage", S2, full(a2), kind="late-meta", label="utf-8", charset="utf-8",
           date="2019-06-03", org_shown="**市衛生局", style="brind", title_tag=S2.title + "_資料網")
    single("r24-004-brpage", "brpage", S4, full(a4), kind="http-equiv", label="gb2312", charset="gbk",
           date=None, org_shown=None, title_tag=S4.title, notes="no page date")
    single("r25-001-brpage", "brpage", S1, omit_section(a1, 2), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2024-07-30", org_shown="谢家集区卫健委", title_tag=S1.title)

    # 7 HTML5 section/article/aside
    single("r26-000-html5", "html5", S0, full(a0), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2023-07-28", org_shown="xxx市卫生局", title_tag=S0.title + " | xxx市卫生局")
    single("r27-001-html5", "html5", S1, full(a1), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2024-07-18", org_shown="谢家集区卫健委", style="strong", title_tag=S1.title + " | 卫健资讯")
    single("r28-004-html5-none", "html5", S4, full(a4), kind="none", label=None, charset="utf-8",
           date="2022-11-08", org_shown="秀山县卫生健康委员会", title_tag=S4.title,
           notes="no charset declaration, valid UTF-8")
    single("r29-000-html5-sign", "html5", S0, omit_section(a0, 1), kind="meta-charset", label="utf-8",
           charset="utf-8", date=None, org_shown="xxx市卫生局", sign=sig0, style="p", title_tag=S0.title,
           notes="no span.time; signature date ends the text")

    # 8 Big5 Traditional portal (seed 002 only: Traditional text)
    single("r30-002-big5portal", "big5portal", S2, full(a2), kind="http-equiv", label="big5", charset="big5",
           date="2021-08-16", org_shown="**市衛生局", title_tag=S2.title + "-**市衛生局")
    single("r31-002-big5portal-late", "big5portal", S2, omit_section(a2, 6), kind="late-meta", label="big5",
           charset="big5", date=None, org_shown="**市衛生局", style="brind", title_tag=S2.title,
           notes="late meta; no page date")
    single("r32-002-big5portal-cut", "big5portal", S2, cut_after_section(a2, 5), kind="meta-charset",
           label="big5", charset="big5", date="2020-01-06", org_shown="**市衛生局", style="div",
           title_tag=S2.title)

    # 9 English-labelled bilingual portal
    single("r33-000-bilingual", "bilingual", S0, full(a0), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2023-07-28", org_shown="xxx市卫生局", title_tag=S0.title + " - xxx市卫生局")
    single("r34-001-bilingual", "bilingual", S1, full(a1), kind="http-equiv", label="utf-8", charset="utf-8",
           date="2024-07-18", org_shown="谢家集区卫生健康委员会", style="h3", title_tag=S1.title)
    single("r35-004-bilingual", "bilingual", S4, omit_section(a4, 3), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2022-11-10", org_shown="秀山县卫生健康委员会", style="strong", title_tag=S4.title)

    # 10 multi-article pages, other 篇N heading styles
    m3 = {"doc_type": "工作计划", "period": "2023", "script": "Hans", "source_org": None, "region": None,
          "_seeds": ["003"]}
    multi("r36-003-fanwen-pian-bracket", "fanwen", [("卫计办工作计划", full(s3[1])), ("卫计办工作计划", full(s3[3])),
                                                     ("卫计办工作计划", full(s3[4]))],
          title="2023卫计办工作计划3篇", kind="meta-charset", label="gbk", charset="gbk", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=0, notes="【篇一】 headings")
    multi("r37-003-fanwen-fanwen", "fanwen", [("卫计办年度工作计划", full(s3[2])), ("卫计办年度工作计划", full(s3[1]))],
          title="2023卫计办工作计划范文", kind="meta-charset", label="utf-8", charset="utf-8", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=1, htag="p", notes="范文一： headings, articles reordered")
    multi("r38-003-forum-diyipian", "brpage", [("", full(s3[3])), ("", full(s3[5])), ("", full(s3[1]))],
          title="2023卫计办工作计划（精选3篇）", kind="http-equiv", label="gbk", charset="gbk", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=2, style="br2", notes="第一篇 headings, <br><br> body")
    multi("r39-003-html5-pian-paren", "html5", [("卫计办工作计划", full(s3[4])), ("卫计办工作计划", full(s3[2]))],
          title="卫计办2023年工作计划2篇", kind="meta-charset", label="utf-8", charset="utf-8", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=3, htag="h3", date="2023-03-02", org_shown="网络",
          notes="…（篇1） headings")
    multi("r40-mix-fanwen-zongjie", "fanwen",
          [("卫生局行风建设上半年工作小结", full(a0)), ("区卫生健康委工作总结与工作谋划", full(a1))],
          title="卫生健康工作总结范文（精选2篇）", kind="meta-charset", label="gb18030", charset="gb18030",
          meta={"doc_type": "工作总结", "period": None, "script": "Hans", "source_org": None, "region": None,
                "_seeds": ["000", "001"]},
          alts={"period": [None, "2023", "2023H1"], "region": [None, "谢家集区"],
                "source_org": [None, "xxx市卫生局", "卫生局", "区卫生健康委", "谢家集区卫健委"]},
          pian=4, notes="two seeds on one page, 篇一：title headings")
    multi("r41-003-portal-dinpian", "wechat", [("卫计办工作计划", full(s3[0])), ("卫计办工作计划", full(s3[5]))],
          title="2023卫计办工作计划2篇", kind="meta-charset", label="utf-8", charset="utf-8", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=5, date="2023-02-25", org_shown="网络",
          notes="【第1篇】title headings in a WeChat-like article")
    # extra single-article variations
    single("r42-001-fanwen-nodate", "fanwen", S1, full(a1), kind="none", label=None, charset="utf-8",
           date=None, org_shown=None, sign=sig1, title_tag=S1.title + "_范文网",
           notes="signature date only")
    single("r43-004-fanwen-span-time", "fanwen", S4, full(a4), kind="meta-charset", label="gbk", charset="gbk",
           date="2023-05-06", org_shown=None, style="brind", title_tag=S4.title + "-范文网")
    single("r44-002-html5-utf8", "html5", S2, omit_section(a2, 9), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2022-09-01", org_shown="**市衛生局", style="br2", title_tag=S2.title)
    single("r45-000-bilingual-none", "bilingual", S0, omit_section(a0, 4), kind="none", label=None,
           charset="utf-8", date="2023-07-30", org_shown="xxx市卫生局", style="div", title_tag=S0.title)
    # 11 chrome inside the content container, Word-export markup, date formats
    single("r46-000-inline-word", "inline", S0, full(a0), kind="http-equiv", label="gb2312", charset="gbk",
           date="2023-07-15", org_shown="xxx市卫生局", title_tag=S0.title, datefmt="{y}/{m}/{d}",
           notes="Word-export spans; info line, attachments, editor, tools, prev/next inside the content div")
    single("r47-001-inline-word", "inline", S1, full(a1), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2024-07-08", org_shown="谢家集区卫健委", title_tag=S1.title + "——谢家集区卫健委",
           datefmt="{y}-{m1}-{d1}", notes="date as 2024-7-8")
    single("r48-004-inline-rows", "inline", S4, full(a4), kind="http-equiv", label="gbk", charset="gbk",
           date="2022-11-08", org_shown="秀山县卫生健康委员会", style="tablerows", title_tag=S4.title,
           datefmt="{y}.{m}.{d}", notes="one table row per paragraph; date 2022.11.08")
    single("r49-002-inline-big5-none", "inline", S2, full(a2), kind="none", label=None, charset="big5",
           date="2021-04-12", org_shown="**市衛生局", style="p", title_tag=S2.title,
           datefmt="{y}年{m1}月{d1}日", notes="Big5 without any declaration (sniffed)")
    single("r50-000-inline-p", "inline", S0, omit_section(a0, 2), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2023-07-21", org_shown="xxx市卫生局", style="strong", title_tag=S0.title,
           datefmt="{y}年{m}月{d}日")
    # 12 short article beside teaser lists and comments
    single("r51-001-teasers-short", "teasers", S1, cut_after_section(a1, 0), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2024-07-18", org_shown="谢家集区卫健委", title_tag=S1.title,
           notes="only the two intro paragraphs; long teaser summaries and comments around")
    single("r52-004-teasers", "teasers", S4, cut_after_section(a4, 1), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2022-11-09", org_shown="秀山县卫生健康委员会", title_tag=S4.title)
    single("r53-000-teasers-br", "teasers", S0, cut_after_section(a0, 1), kind="meta-charset", label="gbk",
           charset="gbk", date="2023-07-29", org_shown="xxx市卫生局", style="br2", title_tag=S0.title)
    single("r54-002-teasers", "teasers", S2, cut_after_section(a2, 2), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2022-03-15", org_shown="**市衛生局", style="brind", title_tag=S2.title)
    # 13 table of contents over multi-article pages, keyword links, dated lists, copyright notice
    multi("r55-003-toc-pian", "toc", [("卫计办工作计划", full(s3[1])), ("卫计办工作计划", full(s3[2])),
                                       ("卫计办工作计划", full(s3[4]))],
          title="2023卫计办工作计划（3篇）", kind="meta-charset", label="utf-8", charset="utf-8", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=4, date="2023-03-11",
          notes="a 本文目录 list of the 篇 headings above the body is chrome")
    multi("r56-003-toc-bracket", "toc", [("", full(s3[3])), ("", full(s3[5]))],
          title="2023卫计办工作计划2篇", kind="meta-charset", label="gbk", charset="gbk", meta=dict(m3),
          alts={"period": ["2023", None]}, pian=0, style="p", date=None)
    single("r57-000-toc-single", "toc", S0, full(a0), kind="meta-charset", label="utf-8", charset="utf-8",
           date="2023-07-26", org_shown=None, title_tag=S0.title + "_范文网",
           notes="keyword links inside paragraphs; dated latest list (2024) in the left column")
    single("r58-001-toc-short", "toc", S1, cut_after_section(a1, 1), kind="meta-charset", label="utf-8",
           charset="utf-8", date="2024-07-19", org_shown=None, style="p", title_tag="范文网 - " + S1.title,
           notes="site name before the title in <title>; no <h1>")
    single("r59-004-toc-short", "toc", S4, cut_after_section(a4, 0), kind="meta-charset", label="utf-8",
           charset="utf-8", date=None, org_shown=None, style="p", title_tag=S4.title,
           notes="only the opening lines: the long copyright notice must stay out")
    return cases


# --------------------------------------------------------------------------- writing

def write_case(out, c, idx):
    tpl = TEMPLATES[c["tpl"]]
    ctx = dict(c)
    ctx["site"] = SITE_OF[c["seed"][0]] if len(c["seed"]) == 1 else "范文大全网"
    if c["tpl"] == "big5portal":
        ctx["site"] = "**市衛生局"
    ctx["icp"] = ICPS[idx % len(ICPS)]
    ctx["views"] = 100 + (idx * 37) % 900
    ctx["sitecode"] = str(4509000000 + idx * 17)
    ctx["index_no"] = f"11450900MB{idx:04d}X/2023-0{idx % 9 + 1}{idx:03d}"
    ctx["org_shown"] = c["org_shown"] or "网络"
    html_text, chrome = tpl(ctx)
    enc = c["charset"]
    data = html_text.encode(enc, errors="xmlcharrefreplace")
    # the decoded page must round-trip
    page = data.decode(enc)
    vis = squash(visible(page))
    text = "\n".join(a["main_text"] for a in c["exp_arts"])
    flat = squash(text)
    for a in c["exp_arts"]:
        for line in a["main_text"].split("\n"):
            assert squash(line) in vis, (c["name"], line[:40])
        for f in a["figures"]:
            assert f["raw"] in a["main_text"], (c["name"], f)
        lines = [squash(l) for l in a["main_text"].split("\n")]
        for o in a["outline"]:
            assert any(l.startswith(squash(o["marker"] + o["heading"])) for l in lines), (c["name"], o)
    chrome = [p for p in dict.fromkeys(chrome) if squash(p) in vis and squash(p) not in flat]
    assert len(chrome) >= 5, (c["name"], chrome)
    chrome = chrome[:10]
    kind = c["kind"]
    if kind == "late-meta":
        assert data.find(b"charset=") > 1024, c["name"]
    exp = {"url": f"http://www.heldout-sim{idx % 7}.example.cn/{c['tpl']}/{2023000 + idx}.html",
           "http_content_type": "text/html", "charset": enc, "declared_charset": c["label"],
           "charset_source": kind}
    m = c["meta"]
    for k in ("title", "published", "source_org", "region", "doc_type", "period", "script"):
        exp[k] = m.get(k)
    if c["date"] and c["tpl"] in ("wechat",):
        exp["published_time"] = f"{c['date']}T10:21:00+08:00"
    exp["articles"] = c["exp_arts"]
    exp["chrome_phrases"] = chrome
    if c["alts"]:
        exp["alternatives"] = c["alts"]
    exp["seed"] = c["seed"] if len(c["seed"]) > 1 else c["seed"][0]
    exp["notes"] = f"remix template {c['tpl']}. " + c["notes"]
    d = os.path.join(out, c["name"])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "source.html"), "wb") as f:
        f.write(data)
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    args = sys.argv[1:]
    dev = DEFAULT_DEV
    if "--dev" in args:
        i = args.index("--dev")
        dev = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        raise SystemExit(__doc__)
    out = args[0]
    seeds = load_seeds(dev)
    cases = build_cases(seeds)
    if os.path.isdir(out):
        for name in os.listdir(out):
            p = os.path.join(out, name)
            if os.path.isdir(p) and os.path.exists(os.path.join(p, "expected.json")):
                shutil.rmtree(p)
    os.makedirs(out, exist_ok=True)
    for i, c in enumerate(cases):
        write_case(out, c, i + 1)
    print(f"{len(cases)} cases written to {out}")


if __name__ == "__main__":
    main()
