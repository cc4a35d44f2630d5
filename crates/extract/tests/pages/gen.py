#!/usr/bin/env python3
"""Writes the golden fixture folders tests/pages/<slug>/ (Python 3 standard library only).

Every text here was written for these fixtures (no corpus text). Each page is a content
block (paragraphs we wrote) wrapped in site chrome we wrote, encoded as the page declares.
The expected files state what a CORRECT extractor outputs: expected.txt is the content
paragraphs as written (one block per line), expected.json the metadata, outline and figures
we decided by hand. Figures list what must be found (extra figures are allowed).

    python3 tests/pages/gen.py            # (re)writes every folder
    python3 tests/pages/gen.py en-news    # only folders whose slug contains "en-news"

The script validates each page before writing it: every expected line occurs in the decoded
page, every figure's raw occurs in its article text, every outline item starts a line, every
must_not_contain chrome phrase is on the page and absent from the expected text.
After a regeneration review `git diff tests/pages`.
"""

import html
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OMIT = object()  # a field left out of expected.json (not checked: genuinely ambiguous)


def esc(s):
    return html.escape(s, quote=False)


def ps(paras, tag="p", attrs=""):
    return "\n".join(f"<{tag}{attrs}>{esc(p)}</{tag}>" for p in paras)


def H(level, marker, heading):
    return {"level": level, "marker": marker, "heading": heading}


def F(subject, value, unit, raw, approx=None):
    f = {"subject": subject, "value": value, "unit": unit, "raw": raw}
    if approx is not None:
        f["approx"] = approx
    return f


PAGES = []


def page(slug, *, html_text, encoding, url, content_type, meta, articles, chrome=(),
         must_contain=(), not_figures=(), bom=False, raw_bytes=None, charset_info=OMIT,
         pagination=None):
    """meta: dict of top-level fields; articles: list of dicts {title, lines, outline,
    figures, tables} where lines are the expected main_text lines."""
    PAGES.append(dict(slug=slug, html=html_text, encoding=encoding, url=url,
                      content_type=content_type, meta=meta, articles=articles,
                      chrome=list(chrome), must_contain=list(must_contain),
                      not_figures=list(not_figures), bom=bom, raw_bytes=raw_bytes,
                      charset_info=charset_info, pagination=pagination))


def art(title, lines, outline=(), figures=OMIT, tables=()):
    return {"title": title, "lines": list(lines), "outline": list(outline),
            "figures": figures if figures is OMIT else list(figures), "tables": list(tables)}


# --------------------------------------------------------------------------- templates

def head(title_tag, charset_html="", extra=""):
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset_html}
<title>{esc(title_tag)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{extra}
</head>"""


def gov(*, charset_html, site, title, crumbs, info, body_html, related, footer,
        title_sep="_", after_body="", extra_head="", lang_head=None):
    crumb = " &gt; ".join(esc(c) for c in crumbs)
    rel = "\n".join(f'<li><a href="/art/{i}.html">{esc(t)}</a><span>{d}</span></li>'
                    for i, (t, d) in enumerate(related, start=101))
    return f"""{lang_head or head(title + title_sep + site, charset_html, extra_head)}
<body>
<div class="top-bar"><span>今天是：</span><a href="/">无障碍浏览</a> <a href="/en/">English</a> <a href="/m/">手机版</a></div>
<div class="header"><div class="logo"><a href="/">{esc(site)}</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进本地</a></li></ul>
<form class="search" action="/search"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></div>
<div class="crumb">当前位置：{crumb}</div>
<div class="main">
<div class="article">
<h1 class="art-title">{esc(title)}</h1>
<div class="art-info">{info}</div>
<div class="art-content" id="zoom">
{body_html}
</div>
<div class="art-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a> <span>分享到：</span><a href="#">微信</a><a href="#">微博</a></div>
{after_body}
</div>
<div class="side"><h3>相关链接</h3><ul>{rel}</ul></div>
</div>
<div class="footer"><p>{footer}</p><p>地址：县府路1号　邮编：311500　<a href="/sitemap">网站地图</a>　<a href="/contact">联系我们</a></p></div>
</body>
</html>
"""


def info_line(date, source, views="1024", font=True):
    s = f"发布时间：{date}　来源：{source}　浏览次数：{views}"
    if font:
        s += "　【字体：<a href=\"#\">大</a> <a href=\"#\">中</a> <a href=\"#\">小</a>】"
    return s


# --------------------------------------------------------------------------- A utf-8 gov

A_TITLE = "桐庐县农业农村局2023年工作总结"
A_LINES = [
    "2023年，县农业农村局在县委、县政府的坚强领导下，围绕乡村振兴总目标，稳产保供、强村富民、改革攻坚各项工作取得新进展，现将全年工作总结如下。",
    "一、主要工作成效",
    "（一）粮食生产稳中有增。全年粮食播种面积12.6万亩，总产量4.98万吨，同比增长2.3%。",
    "1.抓好春耕备耕。组织农技人员下乡指导230余人次，发放技术资料8600份。",
    "（1）落实种粮补贴。向全县3215户种粮农户发放补贴资金1286.5万元。",
    "（2）推广机械化育秧。新建育秧中心4个，水稻机插率达到78.5%。",
    "2.强化防灾减灾。汛期前完成山塘水库安全检查156座，未发生因灾减产情况。",
    "（二）农民收入持续增长。农村居民人均可支配收入达到43860元，增长6.8%，城乡收入比缩小到1.62。",
    "二、存在的问题",
    "农业产业链条偏短，精深加工企业数量不多；村级集体经济增收渠道仍需拓宽。",
    "三、2024年工作打算",
    "下一步，我们将围绕“千村示范、万村整治”工程，重点抓好高标准农田建设和农产品品牌培育，力争新建高标准农田1.2万亩。",
]
page(
    "utf8-gov-headings-zongjie",
    encoding="utf-8",
    url="http://www.tonglu.gov.cn/art/2024/1/15/art_1229_5571203.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="桐庐县人民政府", title=A_TITLE,
        crumbs=["首页", "政务公开", "部门信息", "工作总结"],
        info=info_line("2024-01-15 10:20", "桐庐县农业农村局"),
        body_html=ps(A_LINES),
        related=[("桐庐县2023年粮食生产情况通报", "2024-01-10"), ("关于做好春耕备耕工作的通知", "2023-02-20")],
        footer="主办单位：桐庐县人民政府办公室　版权所有　浙ICP备05012345号　网站标识码3301220001"),
    meta=dict(title=A_TITLE, published="2024-01-15", published_time="2024-01-15T10:20:00+08:00",
              source_org="桐庐县农业农村局", region="桐庐县", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    charset_info={"declared": "utf-8", "source": "meta-charset", "used": "utf-8"},
    articles=[art(A_TITLE, A_LINES, outline=[
        H(1, "一、", "主要工作成效"),
        H(2, "（一）", "粮食生产稳中有增"),
        H(3, "1.", "抓好春耕备耕"),
        H(4, "（1）", "落实种粮补贴"),
        H(4, "（2）", "推广机械化育秧"),
        H(3, "2.", "强化防灾减灾"),
        H(2, "（二）", "农民收入持续增长"),
        H(1, "二、", "存在的问题"),
        H(1, "三、", "2024年工作打算"),
    ], figures=[
        F("粮食播种面积", 126000, "亩", "粮食播种面积12.6万亩"),
        F("粮食总产量", 49800, "吨", "总产量4.98万吨"),
        F("粮食总产量同比增长", 2.3, "%", "同比增长2.3%"),
        F("下乡指导农技人员", 230, "人次", "下乡指导230余人次", approx=True),
        F("发放技术资料", 8600, "份", "发放技术资料8600份"),
        F("种粮农户", 3215, "户", "3215户种粮农户"),
        F("种粮补贴资金", 12865000, "元", "补贴资金1286.5万元"),
        F("新建育秧中心", 4, "个", "新建育秧中心4个"),
        F("水稻机插率", 78.5, "%", "水稻机插率达到78.5%"),
        F("山塘水库安全检查", 156, "座", "山塘水库安全检查156座"),
        F("农村居民人均可支配收入", 43860, "元", "人均可支配收入达到43860元"),
        F("农村居民人均可支配收入增长", 6.8, "%", "增长6.8%"),
        F("新建高标准农田", 12000, "亩", "新建高标准农田1.2万亩"),
    ])],
    chrome=["当前位置", "发布时间", "浏览次数", "打印本页", "关闭窗口", "浙ICP备05012345号",
            "关于做好春耕备耕工作的通知", "分享到"],
    not_figures=[2024],
)

# --------------------------------------------------------------------------- docshare template


def docshare(*, charset_html, title_file, site, upload, doc_id, size, pages_n, body_html,
             guess, footer, extra_head=""):
    likes = "\n".join(f'<li><a href="/p-{i}.html">{esc(t)}</a></li>' for i, t in enumerate(guess, 3301))
    return f"""{head(title_file + " - " + site, charset_html, extra_head)}
<body>
<div class="hd"><a class="logo" href="/">{esc(site)}</a><a href="/login">登录</a> <a href="/reg">注册</a> <a href="/vip">开通会员</a></div>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/jihua/">计划方案</a> &gt; <a href="/jihua/ws/">卫生工作计划</a></div>
<div class="doc-wrap">
<h1>{esc(title_file)}</h1>
<div class="doc-meta"><span>文档ID：{doc_id}</span>　<span>大小：{size}</span>　<span>页数：{pages_n}页</span>　<span>格式：docx</span>　<span>发布时间：{upload}</span></div>
<div class="doc-btns"><a class="btn-down" href="/down/{doc_id}">下载文档</a> <a class="btn-fav" href="#">收藏</a> <span>分享到：</span><a href="#">微信</a> <a href="#">QQ空间</a></div>
<div class="doc-body">
{body_html}
</div>
<div class="doc-end"><p>文档下载需要消耗3积分，<a href="/down/{doc_id}">立即下载</a></p></div>
<div class="tips"><h4>温馨提示：</h4><ol>
<li>1. 本站文档均由用户上传，仅供学习交流，版权归原作者所有。</li>
<li>2. 下载前请先预览，预览内容与下载文档一致。</li>
<li>3. 如发现侵权内容，请联系网站客服删除。</li></ol></div>
<div class="guess"><h3>猜你喜欢</h3><ul>{likes}</ul></div>
</div>
<div class="kefu">网站客服：400-800-1234（工作日 9:00-18:00）</div>
<div class="ft">{footer}</div>
</body></html>
"""


B_TITLE = "社区卫生服务中心2024年工作计划"
B_LINES = [
    "为进一步提升基本公共卫生服务水平，满足辖区居民日益增长的健康需求，结合中心实际，制定2024年工作计划如下。",
    "1、做实家庭医生签约服务。组建家庭医生团队12个，重点人群签约率保持在75%以上，签约居民满意度不低于90%。",
    "2、加强慢性病规范管理。高血压、糖尿病患者规范管理率分别达到65%和62%，每季度开展随访不少于1次。",
    "3、推进老年人健康管理。为辖区60周岁以上老年人提供免费体检，全年计划体检4200人。",
    "4、提升预防接种服务。新建数字化预防接种门诊1个，适龄儿童免疫规划疫苗接种率达到95%以上。",
    "5、加强人才队伍建设。选送6名医务人员到上级医院进修，组织业务培训不少于24场。",
    "6、改善就医环境。投入资金约85万元改造发热门诊和中医馆。",
    "城东社区卫生服务中心",
    "2024年1月8日",
]
page(
    "gbk-meta-docshare-jihua",
    encoding="gbk",
    url="https://www.wendangfx.com/p-58213476.html",
    content_type="text/html",
    html_text=docshare(
        charset_html='<meta charset="gbk">', title_file=B_TITLE + ".docx", site="文档分享网",
        upload="2024-01-10", doc_id="58213476", size="36.5KB", pages_n=3, body_html=ps(B_LINES),
        guess=["社区卫生服务中心2023年工作总结", "家庭医生签约服务工作方案", "慢性病管理工作计划范文"],
        footer="Copyright &copy; 2015-2024 文档分享网 版权所有　粤ICP备16012345号-2"),
    meta=dict(title=B_TITLE, published="2024-01-10", published_time=None,
              source_org="城东社区卫生服务中心", doc_type="工作计划", period="2024",
              script="Hans", charset="gbk"),
    charset_info={"declared": "gbk", "source": "meta-charset", "used": "gbk"},
    articles=[art(B_TITLE, B_LINES, outline=[
        H(3, "1、", "做实家庭医生签约服务"),
        H(3, "2、", "加强慢性病规范管理"),
        H(3, "3、", "推进老年人健康管理"),
        H(3, "4、", "提升预防接种服务"),
        H(3, "5、", "加强人才队伍建设"),
        H(3, "6、", "改善就医环境"),
    ], figures=[
        F("家庭医生团队", 12, "个", "组建家庭医生团队12个"),
        F("重点人群签约率", 75, "%", "重点人群签约率保持在75%", approx=False),
        F("签约居民满意度", 90, "%", "满意度不低于90%", approx=False),
        F("高血压患者规范管理率", 65, "%", "65%"),
        F("糖尿病患者规范管理率", 62, "%", "62%"),
        F("计划体检", 4200, "人", "全年计划体检4200人"),
        F("免疫规划疫苗接种率", 95, "%", "接种率达到95%"),
        F("进修医务人员", 6, "名", "选送6名医务人员"),
        F("业务培训", 24, "场", "业务培训不少于24场"),
        F("改造投入资金", 850000, "元", "投入资金约85万元", approx=True),
    ])],
    chrome=["文档ID", "大小：36.5KB", "页数：3页", "下载文档", "立即下载", "温馨提示", "本站文档均由用户上传",
            "猜你喜欢", "网站客服", "粤ICP备16012345号"],
    not_figures=[60, 2024],
)

# --------------------------------------------------------------------------- artsite (old style)


def artsite(*, charset_html, site, title, date_line, keywords, body_html, related, prev_next,
            footer, extra_head="", pager=""):
    rel = "\n".join(f'<li><a href="/a/{i}.html">{esc(t)}</a></li>' for i, t in enumerate(related, 8801))
    return f"""{head(title + "-" + site, charset_html, extra_head)}
<body>
<table width="960" align="center" cellpadding="0" cellspacing="0"><tr><td class="logo"><a href="/">{esc(site)}</a></td>
<td class="menu"><a href="/">网站首页</a> | <a href="/zj/">工作总结</a> | <a href="/jh/">工作计划</a> | <a href="/bg/">工作报告</a> | <a href="/sj/">先进事迹</a></td></tr></table>
<div class="place">您现在的位置：<a href="/">{esc(site)}</a> &gt; <a href="/zj/">工作总结</a> &gt; 正文</div>
<div class="arc">
<h1>{esc(title)}</h1>
<div class="arcinfo">{date_line}</div>
<div class="arcbody">
{body_html}
</div>
{pager}
<div class="keywords">关键词：{keywords}</div>
<div class="prenext"><p>上一篇：<a href="/a/8790.html">{esc(prev_next[0])}</a></p><p>下一篇：<a href="/a/8812.html">{esc(prev_next[1])}</a></p></div>
<div class="related"><h3>相关文章：</h3><ul>{rel}</ul></div>
</div>
<div class="foot">{footer}</div>
</body></html>
"""


C_TITLE = "建德市水利局2023年上半年工作总结"
C_LINES = [
    "今年以来，我局紧紧围绕年度目标任务，统筹推进水旱灾害防御、水利工程建设和河湖管护等工作，上半年各项工作进展顺利。",
    "〔一〕水利投资完成情况良好。1-6月累计完成水利投资3.26亿元，占年度计划的58.2%。",
    "〔二〕防汛备汛扎实有效。修订完善防汛预案47个，储备编织袋2.5万条、救生衣1200件，开展防汛演练9次，参演人员约600人。",
    "〔三〕河湖长制持续深化。各级河长累计巡河18650人次，发现并整改问题213个，水功能区水质达标率100%。",
    "〔四〕农村饮用水提标加速。完成单村水站改造36处，受益人口近1.8万人。",
    "下半年，我局将聚焦重点工程攻坚，确保全年目标任务圆满完成。",
]
page(
    "gb2312-httpequiv-artsite-shangbannian",
    encoding="gbk",
    url="http://www.zongjie88.com/zj/8801.html",
    content_type="text/html",
    html_text=artsite(
        charset_html='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        site="总结范文网", title=C_TITLE,
        date_line="时间：2023-07-12　来源：建德市水利局　作者：admin　阅读：356次",
        keywords="水利局 上半年 工作总结 防汛", body_html=ps(C_LINES),
        related=["水利局防汛工作总结", "河长制工作半年总结", "农村饮用水工作汇报"],
        prev_next=["县林业局上半年工作总结", "水利站年度工作总结"],
        footer="Copyright 2010-2023 总结范文网 All Rights Reserved　苏ICP备10012345号"),
    meta=dict(title=C_TITLE, published="2023-07-12", published_time=None,
              source_org="建德市水利局", region="建德市", doc_type="工作总结", period="2023H1",
              script="Hans", charset="gbk"),
    charset_info={"declared": "gb2312", "source": "http-equiv", "used": "gbk"},
    articles=[art(C_TITLE, C_LINES, outline=[
        H(2, "〔一〕", "水利投资完成情况良好"),
        H(2, "〔二〕", "防汛备汛扎实有效"),
        H(2, "〔三〕", "河湖长制持续深化"),
        H(2, "〔四〕", "农村饮用水提标加速"),
    ], figures=[
        F("累计完成水利投资", 326000000, "元", "累计完成水利投资3.26亿元"),
        F("占年度计划", 58.2, "%", "占年度计划的58.2%"),
        F("修订完善防汛预案", 47, "个", "防汛预案47个"),
        F("储备编织袋", 25000, "条", "储备编织袋2.5万条"),
        F("救生衣", 1200, "件", "救生衣1200件"),
        F("开展防汛演练", 9, "次", "开展防汛演练9次"),
        F("参演人员", 600, "人", "参演人员约600人", approx=True),
        F("河长累计巡河", 18650, "人次", "累计巡河18650人次"),
        F("整改问题", 213, "个", "发现并整改问题213个"),
        F("水功能区水质达标率", 100, "%", "水质达标率100%"),
        F("单村水站改造", 36, "处", "单村水站改造36处"),
        F("受益人口", 18000, "人", "受益人口近1.8万人", approx=True),
    ])],
    chrome=["您现在的位置", "关键词：", "上一篇：", "下一篇：", "相关文章", "河长制工作半年总结", "苏ICP备10012345号",
            "阅读：356次"],
    not_figures=[1, 6],
)

# --------------------------------------------------------------------------- D late meta (gbk)

LATE_HEAD = "<style>\n" + "\n".join(
    f".blk{i} {{ margin: {i}px 0; padding: 0 {i % 7}px; color: #33{i % 10}; font-size: 14px; line-height: 1.8; }}"
    for i in range(40)) + "\n</style>\n<script>\nvar _hmt = _hmt || [];\n(function() { var hm = document.createElement('script'); hm.src = 'https://hm.example.com/hm.js?0123456789abcdef'; var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(hm, s); })();\n</script>\n"

D_TITLE = "余姚市教育局关于2023年教育工作情况的报告"
D_LINES = [
    "主任、各位副主任、各位委员：",
    "受市人民政府委托，现将2023年全市教育工作情况报告如下，请予审议。",
    "(一)学前教育普及普惠水平提升。新建、改扩建幼儿园8所，新增学位2160个，普惠性幼儿园在园幼儿占比达到92.6%。",
    "(二)义务教育优质均衡发展。全市义务教育阶段学校教育集团化办学覆盖率达到85%，组建城乡教共体43个。",
    "(三)教师队伍建设不断加强。新招聘教师316名，培训教师1.5万人次。",
    "(四)教育民生实事全面完成。投入资金4860万元完成校园食堂改造，惠及学生约3.2万人。",
    "当前，全市教育工作仍存在优质资源分布不均、部分学校大班额等问题，我们将认真研究，切实加以解决。",
]
page(
    "gbk-late-meta-baogao",
    encoding="gbk",
    url="http://www.yyjy.gov.cn/col/col1235/art/2024/art_8812.html",
    content_type="text/html",
    html_text=gov(
        charset_html="", site="余姚市教育局", title=D_TITLE,
        crumbs=["首页", "信息公开", "规划计划"],
        info="发布日期：2024-03-02　信息来源：余姚市教育局　【<a href=\"#\">打印本页</a>】",
        body_html=ps(D_LINES),
        related=[("2023年余姚市教育事业统计公报", "2024-02-26"), ("余姚市学前教育发展行动计划", "2023-09-01")],
        footer="版权所有：余姚市教育局　技术支持：某某网络　浙ICP备12034567号",
        lang_head=f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<title>{esc(D_TITLE)}_余姚市教育局</title>
{LATE_HEAD}<meta charset="gbk">
</head>""",
        after_body='<div class="guess"><h3>猜你喜欢</h3><ul><li><a href="/x/1.html">教育局年度工作报告范文</a></li><li><a href="/x/2.html">关于教育工作的调研报告</a></li></ul></div>'),
    meta=dict(title=D_TITLE, published="2024-03-02", published_time=None,
              source_org="余姚市教育局", region="余姚市", doc_type="工作报告", period="2023",
              script="Hans", charset="gbk"),
    charset_info={"declared": "gbk", "source": "late-meta", "used": "gbk"},
    articles=[art(D_TITLE, D_LINES, outline=[
        H(2, "(一)", "学前教育普及普惠水平提升"),
        H(2, "(二)", "义务教育优质均衡发展"),
        H(2, "(三)", "教师队伍建设不断加强"),
        H(2, "(四)", "教育民生实事全面完成"),
    ], figures=[
        F("新建改扩建幼儿园", 8, "所", "改扩建幼儿园8所"),
        F("新增学位", 2160, "个", "新增学位2160个"),
        F("普惠性幼儿园在园幼儿占比", 92.6, "%", "占比达到92.6%"),
        F("集团化办学覆盖率", 85, "%", "覆盖率达到85%"),
        F("城乡教共体", 43, "个", "组建城乡教共体43个"),
        F("新招聘教师", 316, "名", "新招聘教师316名"),
        F("培训教师", 15000, "人次", "培训教师1.5万人次"),
        F("食堂改造投入资金", 48600000, "元", "投入资金4860万元"),
        F("惠及学生", 32000, "人", "惠及学生约3.2万人", approx=True),
    ])],
    chrome=["当前位置", "发布日期", "打印本页", "猜你喜欢", "教育局年度工作报告范文", "浙ICP备12034567号"],
)

# --------------------------------------------------------------------------- E gb18030 先进事迹

E_TITLE = "乡村医生张桂芳先进事迹"
E_LINES = [
    "张桂芳，女，1972年出生，淳安县枫树岭镇下姜村乡村医生，从医已有31年。",
    "三十多年来，她背着药箱走遍了全村的每一条山路，累计出诊超过2.6万人次，建立居民健康档案1100余份。",
    "村里的留守老人多，她坚持每月上门随访，为高血压、糖尿病患者测量血压血糖，提醒按时服药。",
    "她还主动学习口腔保健知识，向孩子们讲解\U0002C317面窝沟封闭的好处，两年来动员186名儿童到乡镇卫生院接受免费检查。",
    "2022年冬天，村里多名老人出现发热症状，她连续20多天吃住在卫生室，没有一名患者因延误治疗而转为重症。",
    "她常说：“村民信得过我，我就要守好这个小小的卫生室。”",
]
page(
    "gb18030-xianjin-shiji",
    encoding="gb18030",
    url="http://wsjkj.chunan.gov.cn/art/2023/8/19/art_1366_90211.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="gb18030">', site="淳安县卫生健康局", title=E_TITLE,
        crumbs=["首页", "卫健动态", "典型宣传"],
        info=info_line("2023-08-19", "淳安县卫生健康局", views="2871"),
        body_html=ps(E_LINES),
        related=[("我县开展最美乡村医生评选活动", "2023-07-30"), ("乡村医生培训班顺利开班", "2023-06-12")],
        footer="主办：淳安县卫生健康局　版权所有　浙ICP备13009876号"),
    meta=dict(title=E_TITLE, published="2023-08-19", published_time=None,
              source_org="淳安县卫生健康局", region="淳安县", doc_type="先进事迹", period=None,
              script="Hans", charset="gb18030"),
    charset_info={"declared": "gb18030", "source": "meta-charset", "used": "gb18030"},
    articles=[art(E_TITLE, E_LINES, figures=[
        F("累计出诊", 26000, "人次", "累计出诊超过2.6万人次"),
        F("建立居民健康档案", 1100, "份", "建立居民健康档案1100余份", approx=True),
        F("动员儿童接受免费检查", 186, "名", "动员186名儿童"),
    ])],
    chrome=["当前位置", "浏览次数", "我县开展最美乡村医生评选活动", "浙ICP备13009876号"],
    must_contain=["\U0002C317面窝沟封闭"],
    not_figures=[1972, 2022],
)

# --------------------------------------------------------------------------- F big5 Traditional

F_TITLE = "北區衛生所2023年度工作報告"
F_LINES = [
    "一年來，本所堅持以居民健康為中心，全面落實各項公共衛生服務，現將年度工作報告如下。",
    "一、基本公共衛生服務",
    "全年建立居民電子健康檔案28600份，建檔率達到87.5%。為轄區65歲以上長者提供健康檢查3150人次。",
    "二、疾病預防控制",
    "完成適齡兒童疫苗接種9820劑次，接種率達到98.2%，全年未發生疫苗相關嚴重不良反應。",
    "三、健康教育",
    "舉辦健康講座42場，受益居民約5600人。",
]
F_HTML = f"""<!DOCTYPE html>
<html lang="zh-Hant">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=big5">
<title>{esc(F_TITLE)}｜臺中市北區衛生所</title>
</head>
<body>
<div id="header"><a href="/">臺中市北區衛生所</a>
<ul class="menu"><li><a href="/">首頁</a></li><li><a href="/news/">最新消息</a></li><li><a href="/service/">服務項目</a></li><li><a href="/contact/">聯絡我們</a></li></ul></div>
<div class="path">目前位置：<a href="/">首頁</a> &gt; <a href="/news/">最新消息</a> &gt; 工作報告</div>
<div class="news-detail">
<h2 class="title">{esc(F_TITLE)}</h2>
<div class="info">發布日期：2024-02-20　來源：臺中市北區衛生所　點閱次數：688</div>
<div class="editor">
{ps(F_LINES)}
</div>
<div class="share">分享至：<a href="#">Facebook</a> <a href="#">LINE</a>　<a href="javascript:print()">列印本頁</a></div>
<div class="others"><h3>相關消息</h3><ul><li><a href="/n/11.html">流感疫苗接種開跑</a></li><li><a href="/n/12.html">成人健康檢查服務說明</a></li></ul></div>
</div>
<div id="footer">地址：臺中市北區某某路100號　電話：04-22345678　版權所有 &copy; 臺中市北區衛生所　最佳瀏覽解析度1280x1024</div>
</body></html>
"""
page(
    "big5-hant-baogao",
    encoding="big5",
    url="https://www.north-hs.example.tw/news/2024/0220.html",
    content_type="text/html",
    html_text=F_HTML,
    meta=dict(title=F_TITLE, published="2024-02-20", published_time=None,
              source_org="臺中市北區衛生所", doc_type="工作报告", period="2023",
              script="Hant", charset="big5"),
    charset_info={"declared": "big5", "source": "http-equiv", "used": "big5"},
    articles=[art(F_TITLE, F_LINES, outline=[
        H(1, "一、", "基本公共衛生服務"),
        H(1, "二、", "疾病預防控制"),
        H(1, "三、", "健康教育"),
    ], figures=[
        F("居民電子健康檔案", 28600, "份", "電子健康檔案28600份"),
        F("建檔率", 87.5, "%", "建檔率達到87.5%"),
        F("長者健康檢查", 3150, "人次", "健康檢查3150人次"),
        F("疫苗接種", 9820, "劑次", "疫苗接種9820劑次"),
        F("接種率", 98.2, "%", "接種率達到98.2%"),
        F("健康講座", 42, "場", "健康講座42場"),
        F("受益居民", 5600, "人", "受益居民約5600人", approx=True),
    ])],
    chrome=["目前位置", "點閱次數", "分享至", "列印本頁", "相關消息", "流感疫苗接種開跑", "版權所有", "最佳瀏覽解析度"],
    not_figures=[65, 1280, 22345678],
)

# --------------------------------------------------------------------------- G no declaration (gbk bytes)

G_TITLE = "宁波市生态环境局海曙分局2023年工作总结"
G_LINES = [
    "2023年，分局以改善生态环境质量为核心，深入打好蓝天、碧水、净土保卫战，全区生态环境质量持续向好。",
    "一、环境质量状况",
    "全区空气质量优良天数比例为91.2%，PM2.5平均浓度为24微克/立方米，同比下降4.0%。",
    "二、重点工作推进",
    "1.大气污染防治。完成工业企业废气治理提升项目58个，淘汰老旧柴油货车326辆。",
    "2.水污染防治。排查整治入河排污口112个，市控以上断面水质达标率100%。",
    "3.执法监管。全年开展执法检查1560余家次，立案查处环境违法案件47起，罚没款约386万元。",
]
G_FIGURES = [
    F("空气质量优良天数比例", 91.2, "%", "优良天数比例为91.2%"),
    F("PM2.5平均浓度同比下降", 4.0, "%", "同比下降4.0%"),
    F("废气治理提升项目", 58, "个", "废气治理提升项目58个"),
    F("淘汰老旧柴油货车", 326, "辆", "淘汰老旧柴油货车326辆"),
    F("入河排污口", 112, "个", "入河排污口112个"),
    F("断面水质达标率", 100, "%", "水质达标率100%"),
    F("执法检查", 1560, "家次", "执法检查1560余家次", approx=True),
    F("环境违法案件", 47, "起", "环境违法案件47起"),
    F("罚没款", 3860000, "元", "罚没款约386万元", approx=True),
]
G_OUTLINE = [
    H(1, "一、", "环境质量状况"),
    H(1, "二、", "重点工作推进"),
    H(3, "1.", "大气污染防治"),
    H(3, "2.", "水污染防治"),
    H(3, "3.", "执法监管"),
]
page(
    "nocharset-gbk-detect",
    encoding="gbk",
    url="http://sthjj.ningbo.gov.cn/art/2024/1/22/art_1229_3302.html",
    content_type="text/html",
    html_text=gov(
        charset_html="", site="宁波市生态环境局", title=G_TITLE,
        crumbs=["首页", "工作动态", "区县分局"],
        info=info_line("2024-01-22", "宁波市生态环境局海曙分局", views="531"),
        body_html=ps(G_LINES),
        related=[("海曙区2023年环境质量公报", "2024-01-18"), ("关于开展夏季臭氧污染防治的通知", "2023-05-09")],
        footer="宁波市生态环境局 版权所有　浙ICP备05033333号"),
    meta=dict(title=G_TITLE, published="2024-01-22", published_time=None,
              source_org="宁波市生态环境局海曙分局", doc_type="工作总结", period="2023",
              script="Hans", charset="gbk"),
    charset_info={"declared": None, "source": "none", "used": "gbk"},
    articles=[art(G_TITLE, G_LINES, outline=G_OUTLINE, figures=G_FIGURES)],
    chrome=["当前位置", "浏览次数", "海曙区2023年环境质量公报", "浙ICP备05033333号", "打印本页"],
)

# --------------------------------------------------------------------------- H BOM beats a wrong meta

H_TITLE = "德清县交通运输局2023年工作总结"
H_LINES = [
    "2023年，县交通运输局紧扣“交通强县”建设目标，全力推进重大项目建设，交通运输保障能力稳步提升。",
    "一、项目建设提速增效",
    "全年完成交通投资28.7亿元，同比增长12.4%；新改建农村公路45.6公里，完成危桥改造11座。",
    "二、运输服务提质升级",
    "新开通城乡公交线路6条，城乡公交一体化率达到100%，全年公交客运量约1280万人次。",
    "三、安全生产形势平稳",
    "开展安全隐患排查整治行动23次，整改隐患386处，全年未发生较大以上安全生产事故。",
]
page(
    "bom-utf8-wrong-meta",
    encoding="utf-8", bom=True,
    url="http://jtj.deqing.gov.cn/art/2024/2/5/art_1601_2211.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        site="德清县交通运输局", title=H_TITLE, crumbs=["首页", "政务公开", "计划总结"],
        info=info_line("2024-02-05 14:00", "德清县交通运输局"),
        body_html=ps(H_LINES),
        related=[("德清县2024年交通工作要点", "2024-02-01")],
        footer="版权所有：德清县交通运输局　浙ICP备11022222号"),
    meta=dict(title=H_TITLE, published="2024-02-05", published_time="2024-02-05T14:00:00+08:00",
              source_org="德清县交通运输局", region="德清县", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    charset_info={"source": "bom", "used": "utf-8"},
    articles=[art(H_TITLE, H_LINES, outline=[
        H(1, "一、", "项目建设提速增效"),
        H(1, "二、", "运输服务提质升级"),
        H(1, "三、", "安全生产形势平稳"),
    ], figures=[
        F("完成交通投资", 2870000000, "元", "完成交通投资28.7亿元"),
        F("交通投资同比增长", 12.4, "%", "同比增长12.4%"),
        F("新改建农村公路", 45.6, "公里", "新改建农村公路45.6公里"),
        F("危桥改造", 11, "座", "危桥改造11座"),
        F("新开通城乡公交线路", 6, "条", "城乡公交线路6条"),
        F("城乡公交一体化率", 100, "%", "一体化率达到100%"),
        F("公交客运量", 12800000, "人次", "公交客运量约1280万人次", approx=True),
        F("排查整治行动", 23, "次", "排查整治行动23次"),
        F("整改隐患", 386, "处", "整改隐患386处"),
    ])],
    chrome=["当前位置", "发布时间", "德清县2024年交通工作要点", "浙ICP备11022222号"],
)

# --------------------------------------------------------------------------- UTF-8 bytes under a gb2312 meta (no BOM)
# A page re-saved as UTF-8 (browser "save as", CMS migration) that still carries its old
# declaration: the declared GBK decodes with errors, UTF-8 decodes cleanly -> the bytes win.

U8_TITLE = "长兴县水利局2023年工作总结"
U8_LINES = [
    "2023年，我局围绕防汛保安和水资源保护两项重点，扎实推进各项水利工作，全年完成水利投资9.6亿元。",
    "一、防汛防台能力提升",
    "完成海塘加固12.5公里，新建排涝泵站3座，汛期未发生人员伤亡事故。",
    "二、河湖管护常态长效",
    "落实河湖长巡河1.8万余次，清理河道垃圾320吨，县控以上断面水质达标率100%。",
    "三、农村饮水安全巩固",
    "改造农村供水管网86公里，惠及群众4.2万人。",
]
page(
    "utf8-bytes-gb2312-meta-override",
    encoding="utf-8",
    url="http://slj.changxing.gov.cn/art/2024/1/18/art_1229_3310.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        site="长兴县水利局", title=U8_TITLE, crumbs=["首页", "政务公开", "计划总结"],
        info=info_line("2024-01-18 09:30", "长兴县水利局"),
        body_html=ps(U8_LINES),
        related=[("长兴县2024年水利工作要点", "2024-01-10")],
        footer="版权所有：长兴县水利局　浙ICP备11033333号"),
    meta=dict(title=U8_TITLE, published="2024-01-18", published_time="2024-01-18T09:30:00+08:00",
              source_org="长兴县水利局", region="长兴县", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    charset_info={"declared": "gb2312", "source": "bytes-override", "used": "utf-8"},
    articles=[art(U8_TITLE, U8_LINES, outline=[
        H(1, "一、", "防汛防台能力提升"),
        H(1, "二、", "河湖管护常态长效"),
        H(1, "三、", "农村饮水安全巩固"),
    ])],
    chrome=["当前位置", "发布时间", "长兴县2024年水利工作要点", "浙ICP备11033333号"],
)

# --------------------------------------------------------------------------- I header charset beats a wrong meta

I_TITLE = "安吉县递铺市场监管所2023年工作总结"
I_LINES = [
    "今年以来，我所认真履行市场监管职责，着力优化营商环境，守牢安全底线，各项工作有序推进。",
    "（一）服务市场主体发展。全年新登记各类市场主体2368户，其中企业615户，个体工商户1753户。",
    "（二）守牢食品安全底线。检查食品生产经营单位1280家次，抽检食品样品460批次，合格率97.8%。",
    "（三）加强特种设备监管。排查电梯、锅炉等特种设备932台，督促整改隐患57处。",
    "（四）维护消费者权益。受理投诉举报1046件，为消费者挽回经济损失约52.3万元。投诉热线12315全天候畅通。",
]
page(
    "header-charset-gbk-wrong-meta",
    encoding="gbk",
    url="http://www.anji.gov.cn/art/2024/1/9/art_1229_7788.html",
    content_type="text/html; charset=GBK",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="安吉县人民政府", title=I_TITLE,
        crumbs=["首页", "政务公开", "部门动态"],
        info=info_line("2024-01-09", "安吉县市场监督管理局"),
        body_html=ps(I_LINES),
        related=[("安吉县开展节前食品安全检查", "2023-12-28")],
        footer="安吉县人民政府办公室主办　浙ICP备05044444号"),
    meta=dict(title=I_TITLE, published="2024-01-09", published_time=None,
              source_org="安吉县市场监督管理局", region="安吉县", doc_type="工作总结", period="2023",
              script="Hans", charset="gbk"),
    charset_info={"declared": "GBK", "source": "header", "used": "gbk"},
    articles=[art(I_TITLE, I_LINES, outline=[
        H(2, "（一）", "服务市场主体发展"),
        H(2, "（二）", "守牢食品安全底线"),
        H(2, "（三）", "加强特种设备监管"),
        H(2, "（四）", "维护消费者权益"),
    ], figures=[
        F("新登记市场主体", 2368, "户", "市场主体2368户"),
        F("新登记企业", 615, "户", "企业615户"),
        F("新登记个体工商户", 1753, "户", "个体工商户1753户"),
        F("检查食品生产经营单位", 1280, "家次", "食品生产经营单位1280家次"),
        F("抽检食品样品", 460, "批次", "抽检食品样品460批次"),
        F("抽检合格率", 97.8, "%", "合格率97.8%"),
        F("排查特种设备", 932, "台", "特种设备932台"),
        F("整改隐患", 57, "处", "整改隐患57处"),
        F("受理投诉举报", 1046, "件", "受理投诉举报1046件"),
        F("挽回经济损失", 523000, "元", "挽回经济损失约52.3万元", approx=True),
    ])],
    chrome=["当前位置", "浏览次数", "安吉县开展节前食品安全检查", "浙ICP备05044444号"],
    not_figures=[12315],
)

# --------------------------------------------------------------------------- fanwen template


def fanwen(*, charset_html, site, title, time_line, intro, body_html, keywords, related, footer,
           pager="", extra_head=""):
    rel = "\n".join(f'<li><a href="/fw/{i}.html">{esc(t)}</a></li>' for i, t in enumerate(related, 5501))
    intro_html = f'<div class="intro"><p>{esc(intro)}</p></div>' if intro else ""
    return f"""{head(title + "_" + site, charset_html, extra_head + '<meta name="keywords" content="' + esc(keywords) + '">')}
<body>
<div class="header"><a href="/" class="logo">{esc(site)}</a>
<div class="nav"><a href="/">首页</a><a href="/zongjie/">工作总结</a><a href="/jihua/">工作计划</a><a href="/xinde/">心得体会</a><a href="/yanjianggao/">演讲稿</a></div></div>
<div class="position">当前位置：<a href="/">{esc(site)}</a> &gt; <a href="/zongjie/">工作总结</a> &gt; 正文</div>
<div class="content-box">
<h1>{esc(title)}</h1>
<div class="meta">{time_line}</div>
{intro_html}
<div class="content">
{body_html}
</div>
{pager}
<div class="download"><a href="/down.php?id=5500">点击下载文档</a> 文档为doc格式</div>
<div class="tags">关键词：{esc(keywords)}</div>
<div class="rel"><h3>{esc(title)}相关文章：</h3><ul>{rel}</ul></div>
</div>
<div class="footer">{footer}</div>
</body></html>
"""


J_TITLE = "20xx年街道办事处工作总结"
J_INTRO = "时间过得真快，转眼间一年的工作就要结束了。下面是小编为大家整理的20xx年街道办事处工作总结，仅供参考，希望能够帮助到大家。"
J_LINES = [
    "20xx年，街道党工委、办事处在区委、区政府的正确领导下，紧紧围绕年初确定的目标任务，扎实开展各项工作，较好地完成了全年任务。",
    "一、社区治理水平不断提升。一是深化网格化管理，全街道划分网格86个，配备专职网格员92名；二是推进“红色物业”建设，成立业主委员会14个。",
    "二、民生保障更加有力。一是落实困难群众救助政策，发放各类救助金150.3万元；二是新增就业岗位1300余个。",
    "三、平安建设扎实推进。一是开展矛盾纠纷排查，化解纠纷215起；二是组织消防演练30余场。",
    "XX年，我们将继续发扬成绩，克服不足，推动街道各项工作再上新台阶。",
]
page(
    "fanwen-seo-intro-20xx",
    encoding="utf-8",
    url="https://www.fanwendaquan.example.com/zongjie/5500.html",
    content_type="text/html",
    html_text=fanwen(
        charset_html='<meta charset="UTF-8">', site="范文大全网", title=J_TITLE,
        time_line="栏目：工作总结　作者：范文小编　阅读：1.2万次", intro=J_INTRO, body_html=ps(J_LINES),
        keywords="街道 工作总结 20xx", related=["街道办事处上半年工作总结", "社区网格化管理工作总结", "街道平安建设工作汇报"],
        footer="本站内容均来自网络，如有侵权请联系删除　Copyright © 范文大全网　闽ICP备19001234号"),
    meta=dict(title=J_TITLE, published=None, published_time=None, source_org=None, region=None,
              doc_type="工作总结", period=None, script="Hans", charset="utf-8"),
    articles=[art(J_TITLE, J_LINES, outline=[
        H(1, "一、", "社区治理水平不断提升"),
        H(1, "二、", "民生保障更加有力"),
        H(1, "三、", "平安建设扎实推进"),
    ], figures=[
        F("划分网格", 86, "个", "划分网格86个"),
        F("专职网格员", 92, "名", "专职网格员92名"),
        F("业主委员会", 14, "个", "业主委员会14个"),
        F("发放救助金", 1503000, "元", "发放各类救助金150.3万元"),
        F("新增就业岗位", 1300, "个", "新增就业岗位1300余个", approx=True),
        F("化解纠纷", 215, "起", "化解纠纷215起"),
        F("消防演练", 30, "场", "消防演练30余场", approx=True),
    ])],
    chrome=["下面是小编为大家整理的", "仅供参考，希望能够帮助到大家", "当前位置", "点击下载文档", "关键词：",
            "相关文章", "社区网格化管理工作总结", "闽ICP备19001234号", "阅读：1.2万次"],
)

# --------------------------------------------------------------------------- K feedback form

K_TITLE = "平湖市民政局2023年养老服务工作总结"
K_LINES = [
    "2023年，市民政局以满足老年人多层次养老服务需求为目标，加快构建居家社区机构相协调的养老服务体系。",
    "全市新建居家养老服务中心5家，改造提升村级居家养老服务照料中心38个，养老机构床位总数达到4120张。",
    "为2860户困难老年人家庭实施适老化改造，发放养老服务补贴643.2万元。",
    "培训养老护理员520人次，持证护理员占比提高到86%。",
    "下一步，市民政局将持续推进养老服务提质扩面，让老年人生活更有品质。",
]
K_FORM = """<div class="feedback"><h3>意见反馈</h3>
<p>您对本页面内容是否满意？<label><input type="radio" name="s">满意</label><label><input type="radio" name="s">一般</label><label><input type="radio" name="s">不满意</label></p>
<form action="/feedback" method="post">
<p>您的姓名：<input name="name"></p>
<p>联系电话：<input name="tel"></p>
<p>留言内容：<textarea name="msg">请输入您的意见或建议</textarea></p>
<p>验证码：<input name="code"> <img src="/captcha.png" alt="验证码"></p>
<p><button type="submit">提交</button> <button type="reset">重置</button></p>
</form></div>"""
page(
    "feedback-form-yanglao",
    encoding="utf-8",
    url="http://mzj.pinghu.gov.cn/art/2024/1/30/art_1511_66120.html",
    content_type="text/html; charset=utf-8",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="平湖市民政局", title=K_TITLE,
        crumbs=["首页", "工作动态", "养老服务"],
        info=info_line("2024-01-30", "平湖市民政局"), body_html=ps(K_LINES),
        related=[("平湖市养老服务补贴发放办法", "2023-03-15")],
        footer="平湖市民政局 版权所有　浙ICP备05055555号", after_body=K_FORM),
    meta=dict(title=K_TITLE, published="2024-01-30", published_time=None,
              source_org="平湖市民政局", region="平湖市", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    articles=[art(K_TITLE, K_LINES, figures=[
        F("新建居家养老服务中心", 5, "家", "新建居家养老服务中心5家"),
        F("改造提升照料中心", 38, "个", "照料中心38个"),
        F("养老机构床位", 4120, "张", "床位总数达到4120张"),
        F("适老化改造家庭", 2860, "户", "为2860户困难老年人家庭"),
        F("养老服务补贴", 6432000, "元", "养老服务补贴643.2万元"),
        F("培训养老护理员", 520, "人次", "培训养老护理员520人次"),
        F("持证护理员占比", 86, "%", "占比提高到86%"),
    ])],
    chrome=["意见反馈", "您对本页面内容是否满意", "您的姓名", "留言内容", "请输入您的意见或建议", "验证码", "浙ICP备05055555号"],
)

# --------------------------------------------------------------------------- L / L2 pagination

L_TITLE = "嵊州市文化馆2023年工作总结"
L_BASE = "http://www.szwhg.cn/whdt/2024/0105/"
L_P1 = [
    "2023年，市文化馆坚持以人民为中心的工作导向，围绕公共文化服务提质增效，全年各项工作取得明显成效。",
    "一、群众文化活动丰富多彩",
    "全年组织开展“百姓舞台”等群众文化活动168场，线上线下参与群众约15万人次。",
    "二、文艺创作成果丰硕",
    "创作排演越剧小戏、舞蹈等原创作品21个，其中3个作品获得省级奖项。",
]
L_P2 = [
    "三、非遗保护传承有力",
    "新认定市级非遗代表性传承人17名，开展非遗进校园活动42场。",
    "四、全民艺术普及深入推进",
    "开设公益培训班64期，培训学员2350人次，“文化走亲”活动覆盖全市15个乡镇街道。",
]


def pager(cur, total, base_name):
    links = []
    if cur > 1:
        prev = f"{base_name}.html" if cur == 2 else f"{base_name}_{cur - 1}.html"
        links.append(f'<a href="{base_name}.html">首页</a> <a href="{prev}">上一页</a>')
    for k in range(1, total + 1):
        name = f"{base_name}.html" if k == 1 else f"{base_name}_{k}.html"
        links.append(f"<b>{k}</b>" if k == cur else f'<a href="{name}">{k}</a>')
    if cur < total:
        links.append(f'<a href="{base_name}_{cur + 1}.html">下一页</a> <a href="{base_name}_{total}.html">尾页</a>')
    return f'<div class="pages">共{total}页　当前第{cur}页　' + " ".join(links) + "</div>"


for cur, lines, outline, figures in [
    (1, L_P1, [H(1, "一、", "群众文化活动丰富多彩"), H(1, "二、", "文艺创作成果丰硕")],
     [F("群众文化活动", 168, "场", "群众文化活动168场"),
      F("参与群众", 150000, "人次", "参与群众约15万人次", approx=True),
      F("原创作品", 21, "个", "原创作品21个")]),
    (2, L_P2, [H(1, "三、", "非遗保护传承有力"), H(1, "四、", "全民艺术普及深入推进")],
     [F("新认定市级非遗代表性传承人", 17, "名", "传承人17名"),
      F("非遗进校园活动", 42, "场", "非遗进校园活动42场"),
      F("公益培训班", 64, "期", "公益培训班64期"),
      F("培训学员", 2350, "人次", "培训学员2350人次")]),
]:
    name = "358.html" if cur == 1 else f"358_{cur}.html"
    page(
        f"pagination-p{cur}-of-3",
        encoding="utf-8",
        url=L_BASE + name,
        content_type="text/html",
        html_text=gov(
            charset_html='<meta charset="utf-8">', site="嵊州市文化馆", title=L_TITLE,
            crumbs=["首页", "文化动态"], info=info_line("2024-01-05", "嵊州市文化馆"),
            body_html=ps(lines) + "\n" + pager(cur, 3, "358"),
            related=[("嵊州市文化馆2024年春节文化活动安排", "2024-01-20")],
            footer="嵊州市文化馆 版权所有　浙ICP备08066666号"),
        meta=dict(title=L_TITLE, published="2024-01-05", published_time=None,
                  source_org="嵊州市文化馆", region="嵊州市", doc_type="工作总结", period="2023",
                  script="Hans", charset="utf-8"),
        pagination={"page": cur, "total": 3, "next": L_BASE + f"358_{cur + 1}.html",
                    "prev": None if cur == 1 else L_BASE + "358.html"},
        articles=[art(L_TITLE, lines, outline=outline, figures=figures)],
        chrome=["共3页", f"当前第{cur}页", "下一页", "尾页", "浙ICP备08066666号"],
    )

# --------------------------------------------------------------------------- M multi-article 篇1..篇3

M_TITLE = "2024年社区工作计划3篇"
M_ARTS = [
    ("2024年社区工作计划篇1", [
        "为深入推进基层治理现代化，提升社区服务能力，结合社区实际，制定本年度工作计划。",
        "一、加强党建引领",
        "全年组织党员志愿服务活动不少于24次，发展党员志愿者60名。",
        "二、优化便民服务",
        "新增便民服务点3个，推行“一站式”服务，办事平均等待时间缩短到10分钟以内。",
    ], [H(1, "一、", "加强党建引领"), H(1, "二、", "优化便民服务")],
        [F("党员志愿服务活动", 24, "次", "志愿服务活动不少于24次"), F("党员志愿者", 60, "名", "党员志愿者60名"),
         F("新增便民服务点", 3, "个", "新增便民服务点3个")]),
    ("2024年社区工作计划篇2", [
        "2024年，我社区将围绕“平安、和谐、宜居”目标，重点做好以下工作。",
        "1.开展环境整治。清理楼道堆积物，改造老旧小区3个，增设电动自行车充电桩120个。",
        "2.关爱特殊群体。为辖区82名独居老人提供每周一次上门探访服务。",
    ], [H(3, "1.", "开展环境整治"), H(3, "2.", "关爱特殊群体")],
        [F("改造老旧小区", 3, "个", "改造老旧小区3个"), F("电动自行车充电桩", 120, "个", "充电桩120个"),
         F("独居老人", 82, "名", "82名独居老人")]),
    ("2024年社区工作计划篇3", [
        "新的一年，社区将以居民需求为导向，着力办好民生实事。",
        "（一）完善文体设施。建设社区文化家园1处，组织文体活动36场。",
        "（二）推进垃圾分类。实现小区垃圾分类覆盖率100%，培育分类示范户200户。",
    ], [H(2, "（一）", "完善文体设施"), H(2, "（二）", "推进垃圾分类")],
        [F("文体活动", 36, "场", "组织文体活动36场"), F("垃圾分类覆盖率", 100, "%", "垃圾分类覆盖率100%"),
         F("分类示范户", 200, "户", "分类示范户200户")]),
]
M_BODY = "\n".join(f"<h2>{esc(t)}</h2>\n{ps(lines)}" for t, lines, _, _ in M_ARTS)
page(
    "multi-article-pian-1-3",
    encoding="utf-8",
    url="https://www.wenmi.example.com/jihua/shequ/20240218.html",
    content_type="text/html",
    html_text=fanwen(
        charset_html='<meta charset="utf-8">', site="文秘范文网", title=M_TITLE,
        time_line="时间：2024-02-18　栏目：工作计划", intro="", body_html=M_BODY,
        keywords="社区 工作计划", related=["社区2024年党建工作计划", "社区居委会年度工作计划"],
        footer="文秘范文网 版权所有　鲁ICP备20005678号"),
    meta=dict(title=M_TITLE, published="2024-02-18", published_time=None, source_org=None, region=None,
              doc_type="工作计划", period="2024", script="Hans", charset="utf-8"),
    articles=[art(t, lines, outline=o, figures=f) for t, lines, o, f in M_ARTS],
    chrome=["当前位置", "点击下载文档", "关键词：", "社区居委会年度工作计划", "鲁ICP备20005678号"],
)

# --------------------------------------------------------------------------- N body repeated (print copy)

N_TITLE = "新登镇卫生院2023年工作总结"
N_LINES = [
    "2023年，我院在上级部门的正确领导下，以提升基层医疗服务能力为重点，较好地完成了全年工作任务。",
    "全年门急诊服务48620人次，同比增长9.6%；住院病人1325人次，床位使用率达到76.3%。",
    "完成家庭医生签约11860人，其中重点人群签约率达到81.5%。",
    "投资约320万元新建康复理疗科，引进数字化X光机、彩色超声诊断仪等设备6台。",
    "新登镇卫生院",
    "2024年1月10日",
]
N_PRINT = f'<div id="printArea" class="print-only" style="display:none"><h2>{esc(N_TITLE)}</h2>\n{ps(N_LINES)}\n</div>'
page(
    "repeated-body-print-copy",
    encoding="utf-8",
    url="http://www.fuyang.gov.cn/art/2024/1/12/art_1229_4455.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="富阳区人民政府", title=N_TITLE,
        crumbs=["首页", "镇街动态", "新登镇"], info=info_line("2024-01-12", "新登镇卫生院"),
        body_html=ps(N_LINES), related=[("新登镇开展健康义诊活动", "2023-11-02")],
        footer="富阳区人民政府 版权所有　浙ICP备05077777号", after_body=N_PRINT),
    meta=dict(title=N_TITLE, published="2024-01-12", published_time=None,
              source_org="新登镇卫生院", region="新登镇", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    articles=[art(N_TITLE, N_LINES, figures=[
        F("门急诊服务", 48620, "人次", "门急诊服务48620人次"),
        F("门急诊同比增长", 9.6, "%", "同比增长9.6%"),
        F("住院病人", 1325, "人次", "住院病人1325人次"),
        F("床位使用率", 76.3, "%", "床位使用率达到76.3%"),
        F("家庭医生签约", 11860, "人", "家庭医生签约11860人", approx=False),
        F("重点人群签约率", 81.5, "%", "签约率达到81.5%", approx=False),
        F("康复理疗科投资", 3200000, "元", "投资约320万元", approx=True),
        F("引进设备", 6, "台", "设备6台"),
    ])],
    chrome=["当前位置", "浏览次数", "新登镇开展健康义诊活动", "浙ICP备05077777号"],
)

# --------------------------------------------------------------------------- O statistics table

O_TITLE = "临海市2023年上半年主要经济指标"
O_ROWS = [
    ["指标", "单位", "1-6月", "同比增长(%)"],
    ["地区生产总值", "亿元", "412.36", "6.2"],
    ["规模以上工业增加值", "亿元", "138.50", "8.1"],
    ["固定资产投资", "亿元", "156.72", "10.4"],
    ["社会消费品零售总额", "亿元", "203.18", "7.5"],
]
O_BEFORE = ["上半年，全市经济运行总体平稳，主要指标保持增长。主要经济指标如下表："]
O_AFTER = ["注：地区生产总值为初步核算数。",
           "从结构看，第三产业增加值占比达到52.3%，较去年同期提高1.1个百分点。"]
O_TABLE = ('<table class="stats" border="1"><thead><tr>' + "".join(f"<th>{esc(c)}</th>" for c in O_ROWS[0])
           + "</tr></thead><tbody>\n" + "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>"
                                                  for r in O_ROWS[1:]) + "\n</tbody></table>")
page(
    "stats-table-jingji",
    encoding="utf-8",
    url="http://tjj.linhai.gov.cn/art/2023/7/25/art_1360_5012.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="临海市统计局", title=O_TITLE,
        crumbs=["首页", "统计数据", "月度数据"], info=info_line("2023-07-25", "临海市统计局"),
        body_html=ps(O_BEFORE) + "\n" + O_TABLE + "\n" + ps(O_AFTER),
        related=[("临海市2023年1-5月主要经济指标", "2023-06-26")],
        footer="临海市统计局 版权所有　浙ICP备05088888号"),
    meta=dict(title=O_TITLE, published="2023-07-25", published_time=None,
              source_org="临海市统计局", region="临海市", doc_type="其他", period="2023H1",
              script="Hans", charset="utf-8"),
    articles=[art(O_TITLE, O_BEFORE + ["\t".join(r) for r in O_ROWS] + O_AFTER, tables=[O_ROWS],
                  figures=[F("第三产业增加值占比", 52.3, "%", "占比达到52.3%")])],
    chrome=["当前位置", "临海市2023年1-5月主要经济指标", "浙ICP备05088888号"],
)

# --------------------------------------------------------------------------- P a PDF served as text/html

PDF = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
       b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
       b"4 0 obj\n<< /Length 44 /Filter /FlateDecode >>\nstream\n" + bytes(range(256)) * 3
       + b"\nendstream\nendobj\nxref\n0 5\n0000000000 65535 f \ntrailer\n<< /Size 5 /Root 1 0 R >>\n"
       b"startxref\n420\n%%EOF\n")
page(
    "not-html-pdf",
    encoding=None, raw_bytes=PDF,
    url="http://www.example.gov.cn/uploadfiles/2023/gongzuozongjie.html",
    content_type="text/html",
    html_text="",
    meta=dict(error="not_html", charset=None, title=None),
    articles=[],
)

# --------------------------------------------------------------------------- Q deep nesting

Q_TITLE = "长兴县消防救援大队2023年工作总结"
Q_LINES = [
    "2023年，大队坚持“防消救”一体化，全力保障辖区火灾形势持续稳定。",
    "全年接处警1862起，营救和疏散被困群众213人，火灾起数同比下降15.7%。",
    "检查社会单位3420家次，督促整改火灾隐患5610处。",
    "开展消防宣传进企业、进社区活动260余场，受教育群众约8.5万人次。",
]
Q_DEPTH = 3000
page(
    "deep-nesting-3000",
    encoding="utf-8",
    url="http://www.zjcx.gov.cn/art/2024/1/18/art_1229_9012.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="长兴县人民政府", title=Q_TITLE,
        crumbs=["首页", "部门动态"], info=info_line("2024-01-18", "长兴县消防救援大队"),
        body_html='<div class="wrap">' * Q_DEPTH + "\n" + ps(Q_LINES) + "\n" + "</div>" * Q_DEPTH,
        related=[("长兴县开展冬春火灾防控工作", "2023-12-01")],
        footer="长兴县人民政府 版权所有　浙ICP备05099999号"),
    meta=dict(title=Q_TITLE, published="2024-01-18", published_time=None,
              source_org="长兴县消防救援大队", region="长兴县", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    articles=[art(Q_TITLE, Q_LINES, figures=[
        F("接处警", 1862, "起", "接处警1862起"),
        F("营救和疏散被困群众", 213, "人", "被困群众213人"),
        F("火灾起数同比下降", 15.7, "%", "同比下降15.7%"),
        F("检查社会单位", 3420, "家次", "检查社会单位3420家次"),
        F("整改火灾隐患", 5610, "处", "火灾隐患5610处"),
        F("消防宣传活动", 260, "场", "活动260余场", approx=True),
        F("受教育群众", 85000, "人次", "受教育群众约8.5万人次", approx=True),
    ])],
    chrome=["当前位置", "浏览次数", "长兴县开展冬春火灾防控工作", "浙ICP备05099999号"],
)

# --------------------------------------------------------------------------- R old layout-table site, 二○○四 date

R_TITLE = "平阳县卫生局2004年工作总结"
R_LINES = [
    "2004年，全县卫生工作在县委、县政府的领导下，以农村卫生工作为重点，认真实施“十五”卫生规划，各项工作取得了新的进步。",
    "一、新型农村合作医疗试点顺利启动",
    "全县参合农民达到21.6万人，参合率为72.4%，筹集合作医疗基金1080万元。",
    "二、疾病预防控制工作进一步加强",
    "全县儿童计划免疫“四苗”接种率均达到95%以上，法定传染病报告发病率比上年下降6.3%。",
    "三、卫生监督执法力度加大",
    "全年监督检查各类单位1870户次，取缔无证行医21户。",
    "平阳县卫生局",
    "二○○四年十二月二十日",
]
R_HTML = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{esc(R_TITLE)}</title>
</head>
<body bgcolor="#FFFFFF" topmargin="0">
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="80" background="/images/top.jpg"><font size="5"><b>平阳县卫生信息网</b></font></td></tr>
<tr><td bgcolor="#0066CC"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/ggws/">公共卫生</a> | <a href="/ylfw/">医疗服务</a> | <a href="/bszn/">办事指南</a></td></tr>
</table>
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
<td width="180" valign="top" bgcolor="#EEF4FB"><b>栏目导航</b><br><a href="/zwgk/">政务公开</a><br><a href="/ggws/">公共卫生</a><br><a href="/ylfw/">医疗服务</a><br><a href="/lxwm/">联系我们</a></td>
<td width="598" valign="top">
<table width="100%" border="0" cellpadding="6"><tr><td align="center"><font size="4"><b>{esc(R_TITLE)}</b></font></td></tr>
<tr><td class="content">
{"<br>".join(esc(line) for line in R_LINES[:1])}
{ps(R_LINES[1:])}
</td></tr>
<tr><td align="right"><a href="javascript:window.close()">[关闭窗口]</a></td></tr></table>
</td></tr></table>
<table width="778" align="center"><tr><td align="center">平阳县卫生局 版权所有 Copyright 2003-2004　建议使用IE5.0以上浏览器　800*600分辨率</td></tr></table>
</body></html>
"""
page(
    "date-chinese-numerals-layout-table",
    encoding="gbk",
    url="http://www.pywsj.example.cn/zwgk/2004/1220.htm",
    content_type="text/html",
    html_text=R_HTML,
    meta=dict(title=R_TITLE, published="2004-12-20", published_time=None,
              source_org="平阳县卫生局", region="平阳县", doc_type="工作总结", period="2004",
              script="Hans", charset="gbk"),
    articles=[art(R_TITLE, R_LINES, outline=[
        H(1, "一、", "新型农村合作医疗试点顺利启动"),
        H(1, "二、", "疾病预防控制工作进一步加强"),
        H(1, "三、", "卫生监督执法力度加大"),
    ], figures=[
        F("参合农民", 216000, "人", "参合农民达到21.6万人"),
        F("参合率", 72.4, "%", "参合率为72.4%"),
        F("合作医疗基金", 10800000, "元", "合作医疗基金1080万元"),
        F("四苗接种率", 95, "%", "接种率均达到95%"),
        F("法定传染病报告发病率下降", 6.3, "%", "下降6.3%"),
        F("监督检查各类单位", 1870, "户次", "监督检查各类单位1870户次"),
        F("取缔无证行医", 21, "户", "取缔无证行医21户"),
    ])],
    chrome=["栏目导航", "关闭窗口", "平阳县卫生信息网", "建议使用IE5.0以上浏览器", "800*600分辨率"],
    not_figures=[2004],
)

# --------------------------------------------------------------------------- S 2023年5月6日, 1、 and （1）

S_TITLE = "德清县科学技术局2023年下半年工作计划"
S_LINES = [
    "为确保全年科技创新目标任务圆满完成，现将下半年重点工作安排如下。",
    "1、培育创新主体",
    "（1）新增国家高新技术企业40家以上，科技型中小企业120家。",
    "（2）推动规上工业企业研发投入占营业收入比重达到3.2%。",
    "2、建设创新平台",
    "（1）新建省级企业研发中心8家。",
    "（2）争取省级科技项目立项15项，获得上级资金约2000万元。",
    "3、优化创新生态",
    "举办科技成果对接活动10场，促成技术交易额2.5亿元。",
]
page(
    "date-cn-ymd-jihua-h2",
    encoding="utf-8",
    url="http://kjj.deqing.gov.cn/art/2023/5/6/art_1402_3321.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="德清县科学技术局", title=S_TITLE,
        crumbs=["首页", "政务公开", "计划总结"],
        info="发布日期：2023年5月6日　信息来源：德清县科学技术局　【<a href=\"#\">我要打印</a>】",
        body_html=ps(S_LINES), related=[("德清县科技创新三年行动方案", "2023-03-10")],
        footer="德清县科学技术局 版权所有　浙ICP备05010101号"),
    meta=dict(title=S_TITLE, published="2023-05-06", published_time=None,
              source_org="德清县科学技术局", region="德清县", doc_type="工作计划", period="2023H2",
              script="Hans", charset="utf-8"),
    articles=[art(S_TITLE, S_LINES, outline=[
        H(3, "1、", "培育创新主体"),
        H(4, "（1）", "新增国家高新技术企业40家以上，科技型中小企业120家"),
        H(4, "（2）", "推动规上工业企业研发投入占营业收入比重达到3.2%"),
        H(3, "2、", "建设创新平台"),
        H(4, "（1）", "新建省级企业研发中心8家"),
        H(4, "（2）", "争取省级科技项目立项15项，获得上级资金约2000万元"),
        H(3, "3、", "优化创新生态"),
    ], figures=[
        F("新增国家高新技术企业", 40, "家", "新增国家高新技术企业40家"),
        F("科技型中小企业", 120, "家", "科技型中小企业120家"),
        F("研发投入占营业收入比重", 3.2, "%", "比重达到3.2%"),
        F("新建省级企业研发中心", 8, "家", "研发中心8家"),
        F("省级科技项目立项", 15, "项", "立项15项"),
        F("上级资金", 20000000, "元", "获得上级资金约2000万元", approx=True),
        F("科技成果对接活动", 10, "场", "对接活动10场"),
        F("技术交易额", 250000000, "元", "技术交易额2.5亿元"),
    ])],
    chrome=["当前位置", "发布日期", "我要打印", "德清县科技创新三年行动方案", "浙ICP备05010101号"],
)

# --------------------------------------------------------------------------- T figure forms

T_TITLE = "柯城区卫生健康局2023年工作总结"
T_LINES = [
    "2023年，全区卫生健康系统聚焦群众看病就医需求，推动卫生健康事业高质量发展。",
    "全年完成卫生健康领域投资2.15亿元，争取上级补助资金约3600万元。",
    "区域内医疗机构总诊疗人次达到386.4万人次，较上年增长8.7％。",
    "全区婴儿死亡率控制在2.1‰，5岁以下儿童死亡率为3.05‰。",
    "开展免费健康体检近4.2万人，慢病患者规范管理率达到70%左右。",
    "培训基层卫技人员1200余人次，引进高层次医学人才26名。",
    "全区家庭医生签约12.8万人，重点人群签约率达到80.2%。",
    "群众就医咨询可拨打健康热线12320或0570-3021188，服务时间为每天8:00至20:00。",
]
page(
    "figures-units-approx",
    encoding="utf-8",
    url="http://www.kecheng.gov.cn/art/2024/1/26/art_1229_6633.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="柯城区人民政府", title=T_TITLE,
        crumbs=["首页", "政务公开", "部门文件"], info=info_line("2024-01-26", "柯城区卫生健康局"),
        body_html=ps(T_LINES), related=[("柯城区推进紧密型医共体建设", "2023-10-16")],
        footer="柯城区人民政府 版权所有　浙ICP备05012121号"),
    meta=dict(title=T_TITLE, published="2024-01-26", published_time=None,
              source_org="柯城区卫生健康局", region="柯城区", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    articles=[art(T_TITLE, T_LINES, figures=[
        F("卫生健康领域投资", 215000000, "元", "卫生健康领域投资2.15亿元"),
        F("上级补助资金", 36000000, "元", "上级补助资金约3600万元", approx=True),
        F("总诊疗人次", 3864000, "人次", "总诊疗人次达到386.4万人次"),
        F("诊疗人次增长", 8.7, "%", "增长8.7％"),
        F("婴儿死亡率", 2.1, "‰", "婴儿死亡率控制在2.1‰"),
        F("5岁以下儿童死亡率", 3.05, "‰", "死亡率为3.05‰"),
        F("免费健康体检", 42000, "人", "免费健康体检近4.2万人", approx=True),
        F("慢病患者规范管理率", 70, "%", "规范管理率达到70%左右", approx=True),
        F("培训基层卫技人员", 1200, "人次", "培训基层卫技人员1200余人次", approx=True),
        F("引进高层次医学人才", 26, "名", "医学人才26名"),
        F("家庭医生签约", 128000, "人", "家庭医生签约12.8万人", approx=False),
        F("重点人群签约率", 80.2, "%", "签约率达到80.2%", approx=False),
    ])],
    chrome=["当前位置", "浏览次数", "柯城区推进紧密型医共体建设", "浙ICP备05012121号"],
    not_figures=[12320, 570, 3021188, 2023, 5, 20],
)

# --------------------------------------------------------------------------- U heading traps

U_TITLE = "鄞州区人力资源和社会保障局2023年工作总结"
U_LINES = [
    "2023年，区人力社保局围绕稳就业、保民生、促发展，较好地完成了年度各项目标任务。",
    "一、就业形势总体稳定",
    "（一）稳岗就业政策落地见效一是发放稳岗返还资金1860万元，惠及企业3200余家；二是新增城镇就业2.36万人。",
    "（二）技能培训扎实开展。全年开展职业技能培训1.8万人次，新增技能人才6500人。",
    "1-6月，全区城镇登记失业率控制在2%以内。",
    "1.25万名灵活就业人员纳入社保参保范围。",
    "二、社会保障覆盖面持续扩大",
    "企业职工基本养老保险参保人数达到58.7万人，城乡居民基本养老保险参保率稳定在98%以上。",
    "2023年全区共办理社保业务42.6万件。",
]
page(
    "headings-yishi-and-traps",
    encoding="utf-8",
    url="http://www.nbyz.gov.cn/art/2024/1/19/art_1229_7001.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="宁波市鄞州区人民政府", title=U_TITLE,
        crumbs=["首页", "政务公开", "工作总结"], info=info_line("2024-01-19", "鄞州区人力资源和社会保障局"),
        body_html=ps(U_LINES), related=[("鄞州区2024年就业创业工作要点", "2024-01-25")],
        footer="宁波市鄞州区人民政府 版权所有　浙ICP备05013131号"),
    meta=dict(title=U_TITLE, published="2024-01-19", published_time=None,
              source_org="鄞州区人力资源和社会保障局", region="鄞州区", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    articles=[art(U_TITLE, U_LINES, outline=[
        H(1, "一、", "就业形势总体稳定"),
        H(2, "（一）", "稳岗就业政策落地见效"),
        H(2, "（二）", "技能培训扎实开展"),
        H(1, "二、", "社会保障覆盖面持续扩大"),
    ], figures=[
        F("稳岗返还资金", 18600000, "元", "稳岗返还资金1860万元"),
        F("惠及企业", 3200, "家", "惠及企业3200余家", approx=True),
        F("新增城镇就业", 23600, "人", "新增城镇就业2.36万人"),
        F("职业技能培训", 18000, "人次", "职业技能培训1.8万人次"),
        F("新增技能人才", 6500, "人", "新增技能人才6500人"),
        F("灵活就业人员", 12500, "名", "1.25万名"),
        F("企业职工基本养老保险参保人数", 587000, "人", "参保人数达到58.7万人"),
        F("城乡居民基本养老保险参保率", 98, "%", "参保率稳定在98%"),
        F("社保业务", 426000, "件", "社保业务42.6万件"),
    ])],
    chrome=["当前位置", "浏览次数", "鄞州区2024年就业创业工作要点", "浙ICP备05013131号"],
    not_figures=[2023],
)

# --------------------------------------------------------------------------- non-Chinese news layouts


def news(*, lang, charset_html, site, nav, title, byline, date_iso, date_text, paras, related_h,
         related, comments_h, comments, newsletter, footer, cookie=""):
    navs = "".join(f'<li><a href="/{n.lower()}/">{esc(n)}</a></li>' for n in nav)
    rel = "".join(f'<li><a href="/story/{i}">{esc(t)}</a></li>' for i, t in enumerate(related, 40))
    com = "".join(f'<li class="comment"><b>{esc(u)}</b> <span>{esc(when)}</span><p>{esc(t)}</p>'
                  f'<a href="#">Reply</a></li>' for u, when, t in comments)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
{charset_html}
<title>{esc(title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="{esc(site)}">
</head>
<body>
{cookie}
<header class="site-header"><a class="brand" href="/">{esc(site)}</a><nav><ul>{navs}</ul></nav></header>
<main>
<article class="story">
<h1>{esc(title)}</h1>
<div class="byline"><span class="author">{esc(byline)}</span> <time datetime="{date_iso}">{esc(date_text)}</time></div>
<div class="story-body">
{ps(paras)}
</div>
</article>
<aside class="related"><h2>{esc(related_h)}</h2><ul>{rel}</ul></aside>
<section class="comments"><h2>{esc(comments_h)}</h2><ol>{com}</ol></section>
<div class="newsletter">{esc(newsletter)} <input type="email"> <button>OK</button></div>
</main>
<footer class="site-footer"><p>{esc(footer)}</p></footer>
</body>
</html>
"""


W_TITLE = "City council approves a 40-kilometre cycling network"
W_LINES = [
    "The city council voted on Thursday evening to build a network of protected cycle lanes linking the harbour district with the university campus and the northern suburbs.",
    "The plan, which passed by nine votes to four, sets aside money for the first three routes over the next two years. Work on the harbour route is due to begin in the autumn.",
    "Council member Ruth Okafor, who chairs the transport committee, said the decision followed two years of consultation with residents and local businesses.",
    "\u201cPeople told us again and again that they would cycle more if the roads felt safer,\u201d she said. \u201cThis network is our answer to that.\u201d",
    "Shop owners on Market Street had raised concerns about losing parking spaces. Under the approved design, loading bays will be kept and moved to side streets.",
    "Opponents argued that the money would be better spent on repairing existing roads. The council said a separate maintenance budget remains in place.",
]
page(
    "en-news-cycling",
    encoding="utf-8",
    url="https://www.riverside-gazette.example.com/news/2023/05/06/cycling-network",
    content_type="text/html; charset=utf-8",
    html_text=news(
        lang="en", charset_html='<meta charset="utf-8">', site="Riverside Gazette",
        nav=["News", "Sport", "Business", "Opinion", "Weather"], title=W_TITLE,
        byline="By Anna Fielding, Transport Correspondent", date_iso="2023-05-06", date_text="6 May 2023",
        paras=W_LINES, related_h="Related stories",
        related=["Bus fares to rise in July", "New bridge opens to pedestrians", "Readers' letters: the parking debate"],
        comments_h="Comments (3)",
        comments=[("cyclist_joe", "2 hours ago", "Finally! I have been waiting for this for years."),
                  ("M. Brandt", "1 hour ago", "What about the hill on Station Road? Nobody will cycle up that."),
                  ("localresident", "45 minutes ago", "Fix the potholes first, please.")],
        newsletter="Sign up for our morning briefing:",
        footer="\u00a9 2023 Riverside Gazette. All rights reserved. Privacy policy | Terms of use | Contact us",
        cookie='<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>'),
    meta=dict(title=W_TITLE, published="2023-05-06", published_time=None, doc_type="其他", period=None,
              script="Latn", charset="utf-8"),
    articles=[art(W_TITLE, W_LINES)],
    chrome=["We use cookies", "Related stories", "Bus fares to rise in July", "Comments (3)",
            "Finally! I have been waiting", "Sign up for our morning briefing", "All rights reserved",
            "By Anna Fielding"],
)

X_TITLE = "Stadtwerke erweitern das Fernwärmenetz in der Südstadt"
X_LINES = [
    "Die Stadtwerke wollen bis Ende 2025 rund 1.200 weitere Haushalte in der Südstadt an das Fernwärmenetz anschließen. Das hat der Aufsichtsrat am Mittwoch beschlossen.",
    "Nach Angaben des Unternehmens sollen dafür etwa sieben Kilometer neue Leitungen verlegt werden. Die Bauarbeiten beginnen im Frühjahr an der Goethestraße.",
    "\u201eWir rechnen mit Einschränkungen für den Verkehr, werden die Anwohner aber frühzeitig informieren\u201c, sagte Geschäftsführerin Katrin Müller.",
    "Hauseigentümer, die sich anschließen lassen möchten, können sich ab sofort im Kundenzentrum beraten lassen. Für Gebäude mit alten Ölheizungen gibt es einen Zuschuss.",
    "Kritik kommt vom Mieterverein: Die Kosten dürften nicht vollständig auf die Mieten umgelegt werden, heißt es in einer Stellungnahme.",
]
page(
    "de-news-fernwaerme-latin1",
    encoding="cp1252",
    url="https://www.tageblatt-suedstadt.example.de/lokales/fernwaerme-1234.html",
    content_type="text/html",
    html_text=news(
        lang="de", charset_html='<meta charset="iso-8859-1">', site="Südstadt Tageblatt",
        nav=["Lokales", "Sport", "Kultur", "Wirtschaft", "Service"], title=X_TITLE,
        byline="Von Jonas Weber", date_iso="2023-11-08", date_text="8. November 2023",
        paras=X_LINES, related_h="Mehr zum Thema",
        related=["Strompreise: Was sich 2024 ändert", "Baustelle an der Goethestraße verzögert sich"],
        comments_h="Leserkommentare",
        comments=[("Hans_K", "vor 3 Stunden", "Endlich passiert etwas bei uns im Viertel."),
                  ("Gerda", "vor 1 Stunde", "Und wer bezahlt am Ende? Wieder die Mieter.")],
        newsletter="Abonnieren Sie unseren Newsletter:",
        footer="© 2023 Südstadt Tageblatt GmbH · Impressum · Datenschutz · AGB"),
    meta=dict(title=X_TITLE, published="2023-11-08", published_time=None, doc_type="其他", period=None,
              script="Latn", charset="windows-1252"),
    charset_info={"declared": "iso-8859-1", "source": "meta-charset", "used": "windows-1252"},
    articles=[art(X_TITLE, X_LINES)],
    chrome=["Mehr zum Thema", "Strompreise: Was sich 2024 ändert", "Leserkommentare", "Endlich passiert etwas",
            "Abonnieren Sie unseren Newsletter", "Impressum", "Von Jonas Weber"],
)

Y_TITLE = "В городе откроют три новые библиотеки"
Y_LINES = [
    "До конца следующего года в городе откроются три новые библиотеки, сообщили в управлении культуры во вторник.",
    "Первая из них появится в здании бывшего кинотеатра на улице Ленина. Там разместят читальный зал, детский отдел и пространство для лекций.",
    "По словам начальника управления Ольги Смирновой, при выборе мест учитывались пожелания жителей, которые участвовали в онлайн-опросе.",
    "«Библиотека сегодня — это не только книги, но и место встречи для всей семьи», — отметила она.",
    "Ремонт двух других зданий начнётся весной. Проекты уже прошли государственную экспертизу.",
]
page(
    "ru-news-biblioteki-cp1251",
    encoding="cp1251",
    url="https://gorodskie-vesti.example.ru/news/2023/10/17/biblioteki",
    content_type="text/html; charset=windows-1251",
    html_text=news(
        lang="ru", charset_html="", site="Городские вести",
        nav=["Новости", "Общество", "Культура", "Спорт", "Погода"], title=Y_TITLE,
        byline="Автор: Иван Петров", date_iso="2023-10-17", date_text="17 октября 2023",
        paras=Y_LINES, related_h="Читайте также",
        related=["Музей продлил часы работы", "В парке установят новые скамейки"],
        comments_h="Комментарии",
        comments=[("Марина", "2 часа назад", "Отличная новость для нашего района!"),
                  ("Сергей", "1 час назад", "Лучше бы дороги отремонтировали.")],
        newsletter="Подпишитесь на нашу рассылку:",
        footer="© 2023 Городские вести. Все права защищены. Перепечатка материалов только с разрешения редакции."),
    meta=dict(title=Y_TITLE, published="2023-10-17", published_time=None, doc_type="其他", period=None,
              script="Cyrl", charset="windows-1251"),
    charset_info={"declared": "windows-1251", "source": "header", "used": "windows-1251"},
    articles=[art(Y_TITLE, Y_LINES)],
    chrome=["Читайте также", "Музей продлил часы работы", "Комментарии", "Отличная новость", "Подпишитесь на нашу рассылку",
            "Все права защищены", "Автор: Иван Петров"],
)

Z_TITLE = "市立図書館、来月から夜間開館を開始"
Z_LINES = [
    "市立図書館は来月一日から、平日の開館時間を午後九時まで延長すると発表した。仕事帰りの利用者の要望に応えるためだという。",
    "延長するのは中央館と駅前分館の二か所で、夜間は貸し出しと返却、閲覧席の利用ができる。",
    "図書館の担当者は「若い世代にも気軽に立ち寄ってもらえる場所にしたい」と話している。",
    "市は半年間の利用状況を見たうえで、ほかの分館への拡大を検討する方針だ。",
]
page(
    "ja-news-toshokan",
    encoding="utf-8",
    url="https://www.machi-shimbun.example.jp/news/20230912-library.html",
    content_type="text/html",
    html_text=news(
        lang="ja", charset_html='<meta charset="utf-8">', site="まち新聞",
        nav=["ニュース", "くらし", "スポーツ", "文化", "天気"], title=Z_TITLE,
        byline="文化部 山田花子", date_iso="2023-09-12", date_text="2023年9月12日",
        paras=Z_LINES, related_h="関連記事",
        related=["駅前広場の再整備が完了", "秋の読書週間イベント一覧"],
        comments_h="読者のコメント",
        comments=[("さくら", "3時間前", "とてもうれしいです。毎日通います。"),
                  ("たろう", "1時間前", "土日も延長してほしい。")],
        newsletter="メールマガジンに登録する：",
        footer="© 2023 まち新聞社 無断転載を禁じます。 利用規約 ｜ プライバシーポリシー"),
    meta=dict(title=Z_TITLE, published="2023-09-12", published_time=None, doc_type="其他", period=None,
              script="Jpan", charset="utf-8"),
    articles=[art(Z_TITLE, Z_LINES)],
    chrome=["関連記事", "駅前広場の再整備が完了", "読者のコメント", "とてもうれしいです", "メールマガジンに登録する",
            "無断転載を禁じます", "文化部 山田花子"],
)

# --------------------------------------------------------------------------- AA gbk http-equiv upper label, 先进事迹

AA_TITLE = "优秀教师陈晓燕同志先进事迹材料"
AA_LINES = [
    "陈晓燕同志自2009年参加工作以来，一直扎根乡村小学，担任班主任和语文教学工作，先后获得县级优秀教师、市级师德标兵等荣誉。",
    "她所带班级的语文成绩连续五年位居全镇前列，指导学生参加征文比赛获奖38人次。",
    "学校留守儿童多，她为每名留守儿童建立成长档案，每学期家访不少于40户，累计家访行程超过3000公里。",
    "她还牵头成立青年教师读书会，带动全校14名青年教师坚持共读共研，撰写教学反思200余篇。",
    "面对荣誉，她总是说：“我只是做了一名老师该做的事。”",
]
page(
    "gbk-httpequiv-upper-xianjin",
    encoding="gbk",
    url="http://www.xjsj-fanwen.example.com/shiji/jiaoshi/20231105.html",
    content_type="text/html",
    html_text=fanwen(
        charset_html='<META http-equiv="Content-Type" content="text/html; charset=GBK">', site="事迹材料网",
        title=AA_TITLE, time_line="发布时间：2023-11-05　栏目：先进事迹　浏览：865", intro="",
        body_html=ps(AA_LINES), keywords="优秀教师 先进事迹 师德标兵",
        related=["乡村教师先进事迹材料", "最美班主任事迹简介"],
        footer="事迹材料网 版权所有　网站客服QQ：123456789　冀ICP备17001234号"),
    meta=dict(title=AA_TITLE, published="2023-11-05", published_time=None, doc_type="先进事迹", period=None,
              script="Hans", charset="gbk"),
    charset_info={"declared": "GBK", "source": "http-equiv", "used": "gbk"},
    articles=[art(AA_TITLE, AA_LINES, figures=[
        F("征文比赛获奖", 38, "人次", "获奖38人次"),
        F("每学期家访", 40, "户", "家访不少于40户"),
        F("累计家访行程", 3000, "公里", "累计家访行程超过3000公里"),
        F("青年教师", 14, "名", "14名青年教师"),
        F("教学反思", 200, "篇", "教学反思200余篇", approx=True),
    ])],
    chrome=["当前位置", "点击下载文档", "关键词：", "最美班主任事迹简介", "网站客服", "冀ICP备17001234号", "浏览：865"],
    not_figures=[2009],
)

# --------------------------------------------------------------------------- AG header gb2312 label, no meta

page(
    "header-gb2312-label-artsite",
    encoding="gbk",
    url="http://www.zongjie88.com/zj/8860.html",
    content_type="text/html; charset=gb2312",
    html_text=artsite(
        charset_html="", site="总结范文网", title=G_TITLE,
        date_line="时间：2024-01-25　来源：宁波市生态环境局海曙分局　阅读：97次",
        keywords="生态环境 工作总结", body_html=ps(G_LINES),
        related=["生态环境局年度工作总结", "大气污染防治工作总结"],
        prev_next=["环保所年度工作总结", "环境执法工作汇报"],
        footer="Copyright 2010-2024 总结范文网 All Rights Reserved　苏ICP备10012345号"),
    meta=dict(title=G_TITLE, published="2024-01-25", published_time=None,
              source_org="宁波市生态环境局海曙分局", doc_type="工作总结", period="2023",
              script="Hans", charset="gbk"),
    charset_info={"declared": "gb2312", "source": "header", "used": "gbk"},
    articles=[art(G_TITLE, G_LINES, outline=G_OUTLINE, figures=G_FIGURES)],
    chrome=["您现在的位置", "关键词：", "上一篇：", "相关文章", "大气污染防治工作总结", "阅读：97次"],
)

# --------------------------------------------------------------------------- AE Chinese news page with comments

AE_TITLE = "全市首个社区嵌入式托育点投入使用"
AE_LINES = [
    "本报讯（记者 林芳）9月1日，位于城南街道阳光社区的全市首个社区嵌入式托育点正式投入使用，首批30名幼儿入托。",
    "该托育点由社区闲置用房改造而成，面积约260平方米，设有活动室、午休室和户外游戏区，可为2至3岁幼儿提供全日托、半日托和临时托服务。",
    "托育点负责人介绍，收费标准比市场同类机构低约三成，家长可通过手机小程序预约。",
    "市卫生健康委有关负责人表示，今年全市计划建成社区嵌入式托育点10个，新增普惠托位600个。",
]
AE_HTML = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(AE_TITLE)}-城市晚报网</title>
<meta name="description" content="9月1日，全市首个社区嵌入式托育点正式投入使用。">
</head>
<body>
<div class="topnav"><a href="/">城市晚报网</a> <a href="/news/">新闻</a> <a href="/shehui/">社会</a> <a href="/tiyu/">体育</a> <a href="/app/">下载客户端</a></div>
<div class="main-wrap">
<div class="article">
<h1>{esc(AE_TITLE)}</h1>
<div class="info">2023-09-02 08:15　来源：城市晚报　作者：林芳</div>
<div class="article-content">
{ps(AE_LINES)}
</div>
<div class="editor">（责任编辑：王磊）</div>
<div class="share">分享到：微信 微博 QQ</div>
</div>
<div class="hot"><h3>热门新闻</h3><ul><li><a href="/n/1.html">地铁三号线今起试运行</a></li><li><a href="/n/2.html">秋季流感疫苗开始接种</a></li></ul></div>
<div class="comment"><h3>网友评论</h3><p>已有2条评论</p><ul><li>网友“小雨妈妈”：家门口就能托育，太方便了！</li><li>网友“老张”：希望我们小区也能建一个。</li></ul>
<form><textarea>文明上网，理性发言</textarea><button>发表评论</button></form></div>
</div>
<div class="footer">城市晚报网 版权所有 未经授权禁止转载　违法和不良信息举报电话：0571-12345678</div>
</body></html>
"""
page(
    "zh-news-comments-tuoyu",
    encoding="utf-8",
    url="https://www.cswb.example.com.cn/shehui/2023-09/02/content_88123.htm",
    content_type="text/html",
    html_text=AE_HTML,
    meta=dict(title=AE_TITLE, published="2023-09-02", published_time="2023-09-02T08:15:00+08:00",
              doc_type="其他", period=None, script="Hans", charset="utf-8"),
    articles=[art(AE_TITLE, AE_LINES, figures=[
        F("首批入托幼儿", 30, "名", "首批30名幼儿"),
        F("托育点面积", 260, "平方米", "面积约260平方米", approx=True),
        F("计划建成托育点", 10, "个", "托育点10个"),
        F("新增普惠托位", 600, "个", "新增普惠托位600个"),
    ])],
    chrome=["下载客户端", "责任编辑", "分享到", "热门新闻", "地铁三号线今起试运行", "网友评论", "文明上网，理性发言",
            "未经授权禁止转载"],
    not_figures=[12345678],
)


# --------------------------------------------------------------------------- hidden (展开全文) content

HC_TITLE = "海盐县图书馆2023年工作总结"
HC_SHOWN = [
    "2023年，县图书馆以建设书香海盐为目标，不断完善公共阅读服务体系。",
    "全年接待读者46.2万人次，外借图书38.5万册次，新增持证读者6120人。",
    "新建城市书房3家，全县城市书房总数达到12家，实现24小时自助借阅。",
]
HC_HIDDEN = [
    "举办阅读推广活动315场，其中“小小读书郎”亲子阅读活动52场。",
    "完成古籍普查登记1860部，馆藏数字资源持续扩充。",
    "2024年，县图书馆将继续推进总分馆制建设，力争新增分馆5个。",
]
page(
    "hidden-content-zhankai-quanwen",
    encoding="utf-8",
    url="https://m.haiyan.gov.cn/art/2024/1/11/art_1229_3390.html",
    content_type="text/html",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="海盐县人民政府", title=HC_TITLE,
        crumbs=["首页", "部门动态"], info=info_line("2024-01-11", "海盐县图书馆"),
        body_html=ps(HC_SHOWN) + '\n<div class="hide-more" style="display:none">\n' + ps(HC_HIDDEN)
        + '\n</div>\n<div class="read-more" onclick="showAll()">展开全文</div>',
        related=[("海盐县城市书房借阅指南", "2023-04-23")],
        footer="海盐县人民政府 版权所有　浙ICP备05014141号"),
    meta=dict(title=HC_TITLE, published="2024-01-11", published_time=None,
              source_org="海盐县图书馆", region="海盐县", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8"),
    articles=[art(HC_TITLE, HC_SHOWN + HC_HIDDEN, figures=[
        F("接待读者", 462000, "人次", "接待读者46.2万人次"),
        F("外借图书", 385000, "册次", "外借图书38.5万册次"),
        F("新增持证读者", 6120, "人", "新增持证读者6120人"),
        F("新建城市书房", 3, "家", "新建城市书房3家"),
        F("城市书房总数", 12, "家", "总数达到12家"),
        F("阅读推广活动", 315, "场", "阅读推广活动315场"),
        F("亲子阅读活动", 52, "场", "亲子阅读活动52场"),
        F("古籍普查登记", 1860, "部", "古籍普查登记1860部"),
        F("新增分馆", 5, "个", "新增分馆5个"),
    ])],
    chrome=["展开全文", "当前位置", "海盐县城市书房借阅指南", "浙ICP备05014141号"],
    not_figures=[24],
)

# --------------------------------------------------------------------------- JSON-LD articleBody, body rendered by script

JL_TITLE = "城区新增三条公交夜线"
JL_LINES = [
    "记者从市公交集团获悉，12月4日起，城区将新开通三条公交夜线，最晚一班车发车时间延长至次日凌晨1点。",
    "新开通的夜线分别连接火车站、市第一人民医院和大学城，全程票价2元，可使用手机扫码乘车。",
    "公交集团相关负责人表示，将根据客流情况动态调整发车间隔，高峰时段间隔不超过20分钟。",
]
JL_LD = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": JL_TITLE,
                    "datePublished": "2023-12-01T19:30:00+08:00",
                    "author": {"@type": "Person", "name": "周明"},
                    "publisher": {"@type": "Organization", "name": "江城新闻网"},
                    "articleBody": "\n".join(JL_LINES)}, ensure_ascii=False)
JL_HTML = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(JL_TITLE)}_江城新闻网</title>
<script type="application/ld+json">{JL_LD}</script>
</head>
<body>
<div class="nav"><a href="/">江城新闻网</a> <a href="/local/">本地</a> <a href="/video/">视频</a> <a href="/app/">打开APP</a></div>
<div id="app"><h1>{esc(JL_TITLE)}</h1><div class="article-body" data-src="/api/article/77120"><p class="loading">正在加载，请稍候……</p></div></div>
<script src="/static/js/article.bundle.js"></script>
<div class="footer">江城新闻网 版权所有　鄂ICP备09012345号</div>
</body></html>
"""
page(
    "jsonld-articlebody-script-rendered",
    encoding="utf-8",
    url="https://www.jcnews.example.cn/local/2023/12/01/77120.html",
    content_type="text/html",
    html_text=JL_HTML,
    meta=dict(title=JL_TITLE, published="2023-12-01", published_time="2023-12-01T19:30:00+08:00",
              doc_type="其他", period=None, script="Hans", charset="utf-8"),
    articles=[art(JL_TITLE, JL_LINES, figures=[F("全程票价", 2, "元", "全程票价2元")])],
    chrome=["正在加载", "打开APP", "鄂ICP备09012345号"],
)


# --------------------------------------------------------------------------- 篇 headings in other shapes

P_TITLE = "村卫生室年度工作计划范文"
P_ARTS = [
    ("范文一：村卫生室年度工作计划", [
        "为进一步提升村卫生室服务能力，结合本村实际，制定本年度工作计划。",
        "一、做好基本医疗服务",
        "全年计划接诊群众3600人次，做到常见病不出村。",
        "二、抓好公共卫生服务",
        "为65岁以上老人免费体检420人，建立健康档案覆盖率达到95%。",
    ], [H(1, "一、", "做好基本医疗服务"), H(1, "二、", "抓好公共卫生服务")],
     [F("接诊群众", 3600, "人次", "接诊群众3600人次"), F("老人免费体检", 420, "人", "免费体检420人")]),
    ("范文二：村卫生室年度工作计划", [
        "今年，村卫生室将围绕群众就医需求，重点做好以下几项工作。",
        "一、加强药品管理",
        "严格执行基本药物制度，基本药物使用比例不低于90%。",
        "二、提升队伍素质",
        "全年组织乡村医生参加业务培训12次。",
    ], [H(1, "一、", "加强药品管理"), H(1, "二、", "提升队伍素质")],
     [F("基本药物使用比例", 90, "%", "不低于90%"), F("业务培训", 12, "次", "业务培训12次")]),
    ("村卫生室年度工作计划（篇3）", [
        "一、完善服务设施",
        "新购置诊疗床2张、药品柜3组，改造输液室25平方米。",
    ], [H(1, "一、", "完善服务设施")],
     [F("改造输液室", 25, "平方米", "改造输液室25平方米")]),
    ("【第4篇】村卫生室年度工作计划", [
        "本年度村卫生室将继续做好家庭医生签约服务，签约人数力争达到860人。",
    ], [], [F("签约人数", 860, "人", "达到860人")]),
]
P_BODY = "\n".join(f"<p><strong>{esc(t)}</strong></p>\n{ps(lines)}" for t, lines, _, _ in P_ARTS)
page(
    "multi-article-pian-other-shapes",
    encoding="utf-8",
    url="https://www.fanwen.example.com/jihua/weisheng/8812.html",
    content_type="text/html",
    html_text=fanwen(
        charset_html='<meta charset="utf-8">', site="范文示例网", title=P_TITLE,
        time_line="时间：2024-03-06　栏目：工作计划", intro="", body_html=P_BODY,
        keywords="村卫生室 工作计划", related=["乡镇卫生院年度工作计划", "社区卫生服务站工作计划"],
        footer="范文示例网 版权所有　苏ICP备20001234号"),
    meta=dict(title=P_TITLE, published="2024-03-06", published_time=None, source_org=None, region=None,
              doc_type="工作计划", script="Hans", charset="utf-8"),
    articles=[art(t, lines, outline=o, figures=f) for t, lines, o, f in P_ARTS],
    chrome=["当前位置", "点击下载文档", "关键词：", "社区卫生服务站工作计划", "苏ICP备20001234号"],
)

# --------------------------------------------------------------------------- info line that opens with the date

Q_TITLE = "某镇卫生院2023年第三季度工作总结"
Q_LINES = [
    "第三季度，我院紧紧围绕年度目标，扎实推进各项医疗卫生工作。",
    "一、医疗服务",
    "本季度门诊服务9260人次，住院病人214人次。",
    "二、公共卫生",
    "完成适龄儿童疫苗接种1830剂次，接种率达到98.6%。",
    "某镇卫生院",
    "2023年10月9日",
]
Q_BODY = "<br><br>\n".join("\u3000\u3000" + esc(l) for l in Q_LINES)
Q_HTML = f"""{head(Q_TITLE + " - 卫生健康信息网", '<meta charset="utf-8">')}
<body>
<div class="top"><a href="/">卫生健康信息网</a> <a href="/login">登录</a></div>
<div class="row">
<div class="col-main">
<div class="detail-head"><h1>{esc(Q_TITLE)}</h1><div class="src"><span>2023-10-12 09:40</span> <span>来源：某镇卫生院</span></div></div>
<div class="detail-text">
{Q_BODY}
</div>
<div class="more"><h3>延伸阅读</h3><ul><li><a href="/n/1.html">全县基层卫生工作推进会召开</a></li><li><a href="/n/2.html">秋冬季传染病防控提示</a></li></ul></div>
</div>
<div class="col-side"><h3>点击排行</h3><ol><li><a href="/n/3.html">医保缴费标准调整</a></li><li><a href="/n/4.html">流感疫苗开始接种</a></li></ol></div>
</div>
<div class="foot">卫生健康信息网　湘ICP备18005566号</div>
</body>
</html>
"""
page(
    "info-line-date-first",
    encoding="utf-8",
    url="https://www.wsjk.example.com/news/2023/10/12/3391.html",
    content_type="text/html",
    html_text=Q_HTML,
    meta=dict(title=Q_TITLE, published="2023-10-12", source_org="某镇卫生院", doc_type="工作总结",
              period="2023Q3", script="Hans", charset="utf-8"),
    articles=[art(Q_TITLE, Q_LINES, outline=[H(1, "一、", "医疗服务"), H(1, "二、", "公共卫生")], figures=[
        F("门诊服务", 9260, "人次", "门诊服务9260人次"),
        F("住院病人", 214, "人次", "住院病人214人次"),
        F("疫苗接种", 1830, "剂次", "疫苗接种1830剂次"),
        F("接种率", 98.6, "%", "接种率达到98.6%"),
    ])],
    chrome=["2023-10-12 09:40", "来源：某镇卫生院", "延伸阅读", "医保缴费标准调整", "湘ICP备18005566号"],
    not_figures=[2023],
)

# A <title> without separators: the hospital's name is set off by a wide gap only
# (`headline␣␣Site`), and the headline on the page sits in a <div>, not a heading.
G_TITLE = "检验科2023年上半年工作总结"
G_SITE = "某市第二人民医院"
G_LINES = [
    "上半年，检验科在院党委的领导下，围绕质量与安全两条主线，较好地完成了各项工作。",
    "一、业务开展情况",
    "上半年共完成检验标本48620份，较去年同期增长12.4%，危急值报告及时率100%。",
    "二、质量管理",
    "参加省临床检验中心室间质评23项，全部合格。",
    "三、下半年打算",
    "继续推进实验室信息系统升级，力争年底前通过质量管理体系内审。",
    "检验科",
    "2023年7月6日",
]
G_HTML = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(G_TITLE)}  {esc(G_SITE)}</title></head>
<body>
<div class="topline"><a href="#">转繁体版</a> <a href="/old/">旧版回顾</a></div>
<ul class="menu"><li><a href="/">首页</a></li><li><a href="/yygk/">医院概况</a></li><li><a href="/ksdh/">科室导航</a></li><li><a href="/xwdt/">新闻动态</a></li><li><a href="/xxgk/">信息公开</a></li></ul>
<div class="wrap">
<div class="left"><div class="coltitle">新闻动态</div></div>
<div class="right">
<table class="pos"><tr><td>位置：<a href="/">首页</a>&nbsp;&gt;&nbsp;<a href="/xwdt/">新闻动态</a></td></tr></table>
<div class="arttitle"><div class="title">{esc(G_TITLE)}</div><div class="title_blow">来源：本站原创&nbsp;&nbsp;作者：检验科<br>时间：2023年07月10日 16:20&nbsp;&nbsp;浏览：<span>57</span></div></div>
<div id="article_content">
{ps(G_LINES, attrs=' style="text-indent:2em"')}
</div>
</div>
</div>
<div class="bottom">版权所有 {esc(G_SITE)}　Copyright © 2023　<a href="https://beian.example.cn">湘ICP备10002000号-1</a>　医院地址：某市健康路8号　急救电话：0731-80000120</div>
</body></html>
"""
page(
    "title-gap-site-suffix",
    encoding="utf-8",
    url="https://www.dermyy.example.com/xwdt/2023/0710/552.html",
    content_type="text/html",
    html_text=G_HTML,
    meta=dict(title=G_TITLE, published="2023-07-10", doc_type="工作总结", period="2023H1",
              script="Hans", charset="utf-8"),
    articles=[art(G_TITLE, G_LINES, outline=[H(1, "一、", "业务开展情况"), H(1, "二、", "质量管理"),
                                             H(1, "三、", "下半年打算")], figures=[
        F("上半年共完成检验标本", 48620, "份", "上半年共完成检验标本48620份"),
        F("较去年同期增长", 12.4, "%", "较去年同期增长12.4%"),
    ])],
    chrome=["转繁体版", "位置：", "来源：本站原创", "浏览：", "湘ICP备10002000号-1", "急救电话"],
    not_figures=[2023, 120],
)

# --------------------------------------------------------------------------- unlabeled byline date, body opening split by inline tags
# The body's first lines are cut into pieces by <b>/<font>/<a>, so the content cannot be
# located in the page text by its opening; the date in the byline right under the
# headline (no label) is still the publication date, not a date in the sidebar.

BY_TITLE = "本周两市成交额回落 市场观望情绪升温"
BY_LINES = [
    "编者按：本周沪深两市成交额连续三个交易日回落，资金观望情绪有所升温，多家机构认为市场仍在寻找方向。",
    "观察",
    "成交额连续回落",
    "截至周五收盘，两市合计成交额较上周减少约一成，其中中小盘股票的成交降幅更为明显。",
    "分析人士指出，短期内市场可能维持震荡格局，投资者宜关注业绩确定性较高的板块。",
]
BY_HTML = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>{esc(BY_TITLE)}_某某财经_某某网</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/stock/">股票</a> <a href="/fund/">基金</a></div>
<div class="main"><div class="left">
<h1 class="ttl">{esc(BY_TITLE)}</h1>
<div class="byline">
 2023-11-18 07:40　来源: <a href="http://paper.example.com">某某晚报</a>
</div>
<div class="share"><span>分享到：</span><a href="#">微博</a> <a href="#">微信</a></div>
<div id="bodytext">
<p><b>编者按</b>：<font face="楷体">本周沪深两市<a href="/q/">成交额</a>连续三个交易日回落，资金观望情绪有所升温，多家机构认为市场仍在寻找方向。</font></p>
<p><strong>观察</strong></p>
<p>成交额<a href="/k/1.html">连续</a>回落</p>
<p>截至周五收盘，两市合计成交额较上周减少约一成，其中<a href="/k/2.html">中小盘</a>股票的成交降幅更为明显。</p>
<p>分析人士指出，短期内市场可能维持震荡格局，投资者宜关注业绩确定性较高的板块。</p>
</div>
</div>
<div class="right"><h3>热门文章</h3><ul><li><a href="/a/1.html">某地出台稳增长措施</a> 2023-11-20</li><li><a href="/a/2.html">某行业三季度数据发布</a> 2023-11-19</li></ul></div>
</div>
<div class="foot">Copyright © 2023 某某网 版权所有</div>
</body></html>
"""
page(
    "byline-date-inline-split-opening",
    encoding="utf-8",
    url="https://money.example.com/stock/a8b2c3.html",
    content_type="text/html",
    html_text=BY_HTML,
    # Inline tags split the lines on the page, which the line check cannot see through.
    raw_bytes=BY_HTML.encode("utf-8"),
    meta=dict(title=BY_TITLE, published="2023-11-18", published_time="2023-11-18T07:40:00+08:00",
              script="Hans", charset="utf-8"),
    articles=[art(BY_TITLE, BY_LINES)],
    chrome=["分享到", "热门文章", "版权所有"],
)

# --------------------------------------------------------------------------- source/editor line and a promo link box inside the body
# Portals close the body container with a "本文来源：… 责任编辑：…" line and put a 重点推荐
# box of column links inside it: neither is the article.

SE_TITLE = "多地推出新能源汽车消费补贴"
SE_LINES = [
    "近日，多个城市相继公布新一轮新能源汽车消费补贴方案，补贴对象以个人消费者为主。",
    "从已公布的方案看，补贴多采取电子消费券形式，单车补贴金额在两千元至一万元之间。",
    "业内人士表示，补贴政策有助于释放汽车消费潜力，同时也将带动充电设施等配套产业发展。",
]
SE_HTML = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>{esc(SE_TITLE)}_某某财经</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/auto/">汽车</a></div>
<h1>{esc(SE_TITLE)}</h1>
<div class="time">2023-06-12 10:20:00　来源: <a href="http://news.example.com">某某日报</a></div>
<div id="text">
{ps(SE_LINES)}
<div class="tags"><h4>重点推荐</h4><a href="/c/1/">宏观经济</a><a href="/c/2/">产业观察</a></div>
<div class="src">本文来源：某某日报 责任编辑：编号021</div>
</div>
<div class="foot">Copyright © 2023 某某财经</div>
</body></html>
"""
page(
    "source-editor-line-promo-box",
    encoding="utf-8",
    url="https://money.example.com/auto/c9d8e7.html",
    content_type="text/html",
    html_text=SE_HTML,
    meta=dict(title=SE_TITLE, published="2023-06-12", published_time="2023-06-12T10:20:00+08:00",
              script="Hans", charset="utf-8"),
    articles=[art(SE_TITLE, SE_LINES)],
    chrome=["本文来源", "责任编辑", "重点推荐"],
)

# --------------------------------------------------------------------------- Taiwan-style page, Traditional chrome, Minguo date

TW_TITLE = "新竹縣政府衛生局112年度工作報告"
TW_LINES = [
    "本局秉持縣政願景，推動各項衛生保健工作，全年辦理衛生教育講座120場次，參與民眾達5,600人次。",
    "一、防疫工作",
    "完成流感疫苗接種，接種率達92.5%，並持續監測社區傳染病疫情。",
    "二、長期照顧",
    "長照服務個案較去年增加15%，新設社區照顧關懷據點12處。",
    "三、未來展望",
    "持續強化社區健康營造，提升縣民健康福祉。",
]
TW_HTML = f"""<!DOCTYPE html>
<html lang="zh-Hant-TW">
<head>
<meta charset="utf-8">
<title>{esc(TW_TITLE)}-新竹縣政府衛生局</title>
</head>
<body>
<div class="header"><a href="/">新竹縣政府衛生局</a>
<ul class="menu"><li><a href="/">首頁</a></li><li><a href="/news/">最新消息</a></li><li><a href="/open/">政府資訊公開</a></li></ul></div>
<div class="path"><a href="/">首頁</a> &gt; <a href="/news/">最新消息</a></div>
<div class="cp">
<h2>{esc(TW_TITLE)}</h2>
<ul class="list"><li>發布日期：112-03-05</li><li>發布單位：新竹縣政府衛生局</li><li>點閱次數：2468</li></ul>
<p>字級大小：<a href="#">小</a> <a href="#">中</a> <a href="#">大</a></p>
{ps(TW_LINES)}
<p><a href="javascript:print()">[列印]</a> <a href="javascript:window.close()">[關閉視窗]</a></p>
<p><a href="javascript:history.back()">回上頁</a></p>
</div>
<div class="links"><h3>相關連結</h3><ul><li><a href="/n/1.html">長照服務申請說明</a></li><li><a href="/n/2.html">疫苗接種院所查詢</a></li></ul></div>
<div class="foot">新竹縣政府衛生局 版權所有　地址：新竹縣竹北市某某路10號　電話：03-5512345　資料更新：112-03-06</div>
</body></html>
"""
page(
    "hant-tw-chrome-minguo-date",
    encoding="utf-8",
    url="https://www.hchb.example.tw/news/112/0305.html",
    content_type="text/html",
    html_text=TW_HTML,
    meta=dict(title=TW_TITLE, published="2023-03-05", published_time=None,
              source_org="新竹縣政府衛生局", region="新竹縣", doc_type="工作报告", period="2023",
              script="Hant", charset="utf-8"),
    articles=[art(TW_TITLE, TW_LINES, outline=[
        H(1, "一、", "防疫工作"),
        H(1, "二、", "長期照顧"),
        H(1, "三、", "未來展望"),
    ], figures=[
        F("辦理衛生教育講座", 120, "場次", "全年辦理衛生教育講座120場次"),
        F("接種率", 92.5, "%", "接種率達92.5%"),
    ])],
    chrome=["發布日期", "發布單位", "點閱次數", "字級大小", "列印", "關閉視窗", "回上頁",
            "相關連結", "版權所有"],
    not_figures=[2468],
)

# --------------------------------------------------------------------------- forum threads (issue 12)
# Every post body is content (first post + replies); user cards, signatures, floor numbers,
# post headers, button rows, edit notes and quoted replies are not.


def dz_post(pid, uid, floor, user, rank, credits, posts, reg, when, body_html, sign=None):
    sig = f'<div class="sign" style="max-height:100px;">{sign}</div>' if sign else ""
    return f"""<div id="post_{pid}">
<table id="pid{pid}" class="plhin" summary="pid{pid}" cellspacing="0" cellpadding="0">
<tr>
<td class="pls" rowspan="2">
<div id="favatar{pid}" class="pls favatar">
<div class="pi"><div class="authi"><a href="home.php?mod=space&amp;uid={uid}" target="_blank" class="xw1">{esc(user)}</a></div></div>
<div class="p_pop blk bui card_gender_0" id="userinfo{pid}" style="display: none;"><div class="i y"><strong><a href="#">{esc(user)}</a></strong><dl class="cl"><dt>UID</dt><dd>{uid}</dd></dl></div></div>
<div><div class="avatar"><a href="home.php?mod=space&amp;uid={uid}" class="avtm"><img src="uc_server/avatar.php?uid={uid}&amp;size=middle"></a></div></div>
<div class="tns xg2"><table cellspacing="0" cellpadding="0"><tr><th><p><a href="#" class="xi2">{posts // 10}</a></p>主题</th><th><p><a href="#" class="xi2">{posts}</a></p>帖子</th><td><p><a href="#" class="xi2">{credits}</a></p>积分</td></tr></table></div>
<p><em><a href="home.php?mod=spacecp&amp;ac=usergroup&amp;gid=12">{esc(rank)}</a></em></p>
<dl class="pil cl"><dt>积分</dt><dd>{credits}</dd><dt>注册时间</dt><dd>{reg}</dd></dl>
<ul class="xl xl2 o cl"><li class="pm2"><a href="#">发消息</a></li></ul>
</div>
</td>
<td class="plc">
<div class="pi">
<strong><a href="forum.php?mod=redirect&amp;goto=findpost&amp;pid={pid}" id="postnum{pid}">{floor}</a></strong>
<div class="pti"><div class="pdbt"></div>
<div class="authi"><img class="authicn vm" src="static/image/common/online_member.gif"><em id="authorposton{pid}">发表于 {when}</em><span class="pipe">|</span><a href="#" rel="nofollow">只看该作者</a><span class="pipe">|</span><a href="#">倒序浏览</a><span class="pipe">|</span><a href="#">阅读模式</a></div>
</div>
</div>
<div class="pct"><div class="pcb"><div class="t_fsz">
<table cellspacing="0" cellpadding="0"><tr><td class="t_f" id="postmessage_{pid}">
{body_html}
</td></tr></table>
</div><div id="comment_{pid}" class="cm"></div></div></div>
</td></tr>
<tr><td class="plc plm">{sig}</td></tr>
<tr id="_postposition{pid}"></tr>
<tr><td class="pls"></td><td class="plc" style="overflow:visible;"><div class="po hin"><div class="pob cl">
<em><a class="fastre" href="#">回复</a><a class="replyadd" href="#">支持</a><a class="replysubtract" href="#">反对</a></em>
<p><a href="#">使用道具</a><a href="#">举报</a></p></div></div></td></tr>
</table>
</div>"""


def br(lines):
    return "<br />\n".join(esc(l) for l in lines)


DZ_TITLE = "小区旧车棚改成共享书屋，大家有什么建议？"
DZ_P1 = [
    "我们楼下那个旧自行车棚闲置好几年了，居委会最近征求意见，打算改造成一个共享书屋，白天开放，晚上锁门。",
    "初步的想法是放两排书架和几张长桌，书由居民捐，借阅靠自觉登记，另外装一个监控和一台饮水机。",
    "我想问问大家：书屋里要不要设儿童角？开放时间定在几点比较合适？有没有别的小区做过类似的事可以借鉴？",
]
DZ_P2 = [
    "儿童角一定要有，地上铺软垫，放些绘本就行，家长陪着看书比在楼下玩手机强多了。",
    "开放时间建议早上八点到晚上八点，寒暑假可以再延长一个小时。",
]
DZ_P3 = ["支持一下，周末可以带孩子去看看。"]
DZ_P4 = [
    "我们单位旁边的社区去年做过一个，经验是一定要有人轮值，不然书很快就乱了。",
    "可以招募退休老人做志愿者，每人每周值一个下午，登记借还顺便聊聊天。",
]
DZ_P5 = [
    "谢谢各位的建议，儿童角和志愿者轮值我都记下了，周五开会的时候一起提给居委会。",
]
DZ_QUOTE = "书屋里要不要设儿童角？开放时间定在几点比较合适？"
DZ_ATTACH = """<ignore_js_op><img id="aimg_88" src="data/attachment/forum/202303/12/chepeng.jpg" alt="chepeng.jpg">
<div class="tip tip_4 aimg_tip" id="aimg_88_menu" style="position: absolute; display: none"><div class="xs0">
<p><strong>chepeng.jpg</strong> <em class="xg1">(86.21 KB, 下载次数: 3)</em></p>
<p><a href="#">下载附件</a> <a href="#">保存到相册</a></p>
<p class="xg1 y">2023-3-12 20:14 上传</p></div></div></ignore_js_op>"""
DZ_POSTS = "\n".join([
    dz_post(5101, 2201, "楼主", "老街坊", "中级会员", 1234, 356, "2012-3-4", "2023-3-12 20:15",
            '<i class="pstatus"> 本帖最后由 老街坊 于 2023-3-12 21:40 编辑 </i><br />\n<br />\n'
            + br(DZ_P1[:2]) + "<br />\n" + DZ_ATTACH + "<br />\n" + esc(DZ_P1[2])),
    dz_post(5102, 3302, "沙发", "晨跑的猫", "高级会员", 2860, 921, "2010-7-19", "2023-3-12 20:41",
            '<div class="quote"><blockquote><font size="2"><a href="#" target="_blank">'
            '<font color="#999999">老街坊 发表于 2023-3-12 20:15</font></a></font><br />\n'
            + esc(DZ_QUOTE) + "</blockquote></div><br />\n" + br(DZ_P2),
            sign="跑步是最便宜的快乐。每天五公里，风雨无阻。"),
    dz_post(5103, 4403, "板凳", "阿青", "注册会员", 87, 23, "2021-11-2", "2023-3-12 21:03", br(DZ_P3)),
    dz_post(5104, 5504, "地板", "书虫小王", "金牌会员", 5120, 1877, "2009-5-30", "2023-3-13 08:22",
            br(DZ_P4), sign="读书不是为了雄辩和驳斥，而是为了思考和权衡。"),
    dz_post(5105, 2201, "<em>5</em><sup>#</sup>", "老街坊", "中级会员", 1234, 356, "2012-3-4",
            "2023-3-13 09:05", br(DZ_P5)),
])
DZ_HTML = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{esc(DZ_TITLE)} - 邻里生活 - 城南社区论坛 -  Powered by Discuz!</title>
<meta name="keywords" content="共享书屋" />
<meta name="generator" content="Discuz! X3.4" />
</head>
<body id="nv_forum" class="pg_viewthread">
<div id="toptb" class="cl"><div class="y"><a href="member.php?mod=register">立即注册</a> <a href="member.php?mod=logging">登录</a></div></div>
<div id="hd"><div class="wp"><div class="hdc cl"><h2><a href="./">城南社区论坛</a></h2></div>
<div id="nv"><ul><li><a href="forum.php">论坛</a></li><li><a href="group.php">群组</a></li><li><a href="home.php">家园</a></li></ul></div></div></div>
<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm">城南社区论坛</a> <em>&rsaquo;</em> <a href="forum.php">论坛</a> <em>&rsaquo;</em> <a href="forum-12-1.html">邻里生活</a> <em>&rsaquo;</em> <a href="#">{esc(DZ_TITLE)}</a></div></div>
<div id="wp" class="wp">
<div id="ct" class="wp cl">
<div class="pgs mtm mbm cl"><div class="pg"><strong>1</strong><a href="thread-778-2-1.html">2</a><a href="thread-778-2-1.html" class="nxt">下一页</a></div><a id="newspecial" href="#">发帖</a> <a id="post_reply" href="#">回复</a></div>
<div id="postlist" class="pl bm">
<table cellspacing="0" cellpadding="0"><tr><td class="pls ptn pbn"><div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">2046</span><span class="pipe">|</span><span class="xg1">回复:</span> <span class="xi1">4</span></div></td>
<td class="plc ptm pbn vwthd"><h1 class="ts"><span id="thread_subject">{esc(DZ_TITLE)}</span></h1>
<span class="xg1"><a href="#">[复制链接]</a></span></td></tr></table>
<table cellspacing="0" cellpadding="0" class="ad"><tr><td class="pls"></td><td class="plc"></td></tr></table>
{DZ_POSTS}
<div id="postlistreply" class="pl"><div id="post_new" class="viewthread_table" style="display: none"></div></div>
</div>
<div class="pgs mtm mbm cl"><div class="pg"><strong>1</strong><a href="thread-778-2-1.html">2</a><a href="thread-778-2-1.html" class="nxt">下一页</a></div><span class="pgb y"><a href="forum-12-1.html">返回列表</a></span></div>
<div id="f_pst" class="pl bm bmw"><form method="post" id="fastpostform" action="forum.php?mod=post&amp;action=reply"><table><tr><td class="pls"></td><td class="plc"><textarea name="message" id="fastpostmessage"></textarea><p class="ptm pnpost"><button type="submit">参与/回复主题</button></p></td></tr></table></form></div>
</div></div>
<div id="ft" class="wp cl"><div id="flk" class="y"><p><a href="#">联系我们</a><span class="pipe">|</span><a href="#">手机版</a><span class="pipe">|</span><strong><a href="#">城南社区论坛</a></strong></p></div>
<div id="frt"><p>Powered by <strong><a href="#">Discuz!</a></strong> <em>X3.4</em></p><p class="xs0">&copy; 2001-2023 Comsenz Inc.</p></div></div>
</body>
</html>
"""
page(
    "forum-discuz-gbk-thread",
    encoding="gbk",
    url="http://bbs.chengnan.example.cn/thread-778-1-1.html",
    content_type="text/html",
    html_text=DZ_HTML,
    # The first post's 发表于 date, not a user card's 注册时间.
    meta=dict(title=DZ_TITLE, published="2023-03-12", script="Hans", charset="gbk"),
    articles=[art(DZ_TITLE, DZ_P1 + DZ_P2 + DZ_P3 + DZ_P4 + DZ_P5)],
    chrome=["本帖最后由", "发表于", "只看该作者", "倒序浏览", "使用道具", "举报", "注册时间", "积分", "中级会员",
            "晨跑的猫", "沙发", "板凳", "跑步是最便宜的快乐", "读书不是为了雄辩", "下载附件", "下载次数",
            "Powered by", "参与/回复主题"],
    must_contain=["儿童角一定要有", "支持一下", "谢谢各位的建议"],
    pagination={"page": 1, "total": 2, "next": "http://bbs.chengnan.example.cn/thread-778-2-1.html",
                "prev": None},
)

# --------------------------------------------------------------------------- Tieba-shaped thread, UTF-8


def tb_post(pid, user, badge, lv, floor, when, lines, first=False, client=None):
    main_cls = "d_post_content_main d_post_content_firstfloor" if first else "d_post_content_main"
    post_cls = "l_post j_l_post l_post_bright noborder" if first else "l_post j_l_post l_post_bright"
    tail = f'<span class="tail-info">{esc(client)}</span>' if client else ""
    return f"""<div class="{post_cls}" data-field='{{"author":{{"user_name":"{user}"}},"content":{{"post_id":{pid}}}}}'>
<div class="d_author"><ul class="p_author">
<li class="icon"><div class="icon_relative j_user_card"><a class="p_author_face" href="/home/main?id={pid}"><img src="https://img.example.com/portrait/{pid}.jpg"></a></div></li>
<li class="d_name"><a class="p_author_name j_user_card" href="/home/main?id={pid}">{esc(user)}</a></li>
<li class="l_badge"><div class="p_badge"><a class="user_badge d_badge_bright d_badge_icon2" href="#"><div class="d_badge_title">{esc(badge)}</div><div class="d_badge_lv">{lv}</div></a></div></li>
</ul></div>
<div class="{main_cls}">
<div class="p_content"><cc><div id="post_content_{pid}" class="d_post_content j_d_post_content" style="display:;">{"<br>".join(esc(l) for l in lines)}</div><br></cc></div>
<div class="core_reply j_lzl_wrapper"><div class="core_reply_tail clearfix">
<div class="post-tail-wrap">{tail}<span class="tail-info">{floor}楼</span><span class="tail-info">{when}</span></div>
<ul class="p_tail"><li><a class="lzl_link_unfold" href="#">回复</a></li></ul></div></div>
</div>
</div>"""


TB_TITLE = "第一次自己换自行车内胎，记录一下过程"
TB_P = [
    ["周末骑车出去，后轮在半路扎了钉子，只好推回家，干脆自己动手换内胎。",
     "工具就三样：撬胎棒、打气筒、新内胎，一共花了不到四十块钱。",
     "先把轮子拆下来放气，用撬胎棒把外胎一边撬出来，旧内胎抽出来以后一定要摸一遍外胎内侧，看看钉子还在不在。",
     "新内胎先打一点点气让它成形，塞进去以后从气门嘴开始往两边把外胎压回去，最后打足气，前后花了四十分钟。"],
    ["楼主动手能力强，我上次换的时候把新内胎夹破了，白买一条。"],
    ["压外胎的时候别用撬胎棒，最后一段用手掌根推进去，就不会夹到内胎。",
     "另外气压按外胎侧面印的范围打，别打太足。"],
    ["收藏了，下次扎胎照着做。"],
]
TB_POSTS = "\n".join([
    tb_post(90011, "骑行的老周", "初级粉丝", 4, 1, "2023-04-08 09:12", TB_P[0], first=True, client="来自Android客户端"),
    tb_post(90012, "小雨点点", "铁杆会员", 8, 2, "2023-04-08 09:40", TB_P[1]),
    tb_post(90013, "山地车手阿峰", "骨灰粉丝", 11, 3, "2023-04-08 10:05", TB_P[2], client="来自iPhone客户端"),
    tb_post(90014, "路过的风", "初级粉丝", 2, 4, "2023-04-08 12:31", TB_P[3]),
])
TB_HTML = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{esc(TB_TITLE)}【自行车吧】_某某贴吧</title>
</head>
<body>
<div id="head" class="search_bright"><div class="search_top"><a href="/">贴吧首页</a> <a href="#">登录</a> <a href="#">注册</a></div></div>
<div class="card_top_wrap"><div class="card_title"><a class="card_title_fname" href="/f?kw=bike">自行车吧</a> <span class="card_menNum">关注：128,403</span> <span class="card_infoNum">贴子：2,331,790</span></div></div>
<div class="left_section">
<div class="core_title_wrap_bright clearfix"><h3 class="core_title_txt">{esc(TB_TITLE)}</h3>
<ul class="core_title_btns"><li><a href="#">只看楼主</a></li><li><a href="#">收藏</a></li><li><a href="#">回复</a></li></ul></div>
<div class="p_postlist" id="j_p_postlist">
{TB_POSTS}
</div>
<div class="pb_footer"><ul class="l_posts_num"><li class="l_pager">1 <a href="?pn=2">2</a> <a href="?pn=2">下一页</a> <a href="?pn=2">尾页</a></li><li class="l_reply_num">4回复贴，共2页</li></ul></div>
</div>
<div class="right_section"><div class="region_bright"><h4>贴吧热议榜</h4><ul><li><a href="#">春季骑行路线推荐</a></li><li><a href="#">通勤车怎么选</a></li></ul></div></div>
<div class="footer">&copy;2023 某某 贴吧协议 | 隐私政策 | 吧主制度</div>
</body>
</html>
"""
page(
    "forum-tieba-thread",
    encoding="utf-8",
    url="https://tieba.example.com/p/8123456789",
    content_type="text/html; charset=utf-8",
    html_text=TB_HTML,
    # The <title> adds the board's name in 【】 after the thread's title: cut.
    meta=dict(title="第一次自己换自行车内胎，记录一下过程", script="Hans", charset="utf-8"),
    articles=[art("第一次自己换自行车内胎，记录一下过程", [l for p in TB_P for l in p])],
    chrome=["骑行的老周", "初级粉丝", "来自Android客户端", "1楼", "2023-04-08 09:40", "只看楼主", "贴吧热议榜",
            "贴吧协议", "回复贴"],
    must_contain=["收藏了，下次扎胎照着做", "楼主动手能力强"],
    pagination={"page": 1, "total": 2, "next": "https://tieba.example.com/p/8123456789?pn=2", "prev": None},
)

# --------------------------------------------------------------------------- phpBB-shaped thread, Traditional


def bb_post(pid, bg, user, rank, posts, joined, when, subject, content_html, sig=None):
    s = f'<div id="sig{pid}" class="signature">{esc(sig)}</div>' if sig else ""
    return f"""<div id="p{pid}" class="post has-profile {bg}">
<div class="inner">
<dl class="postprofile" id="profile{pid}">
<dt class="has-profile-rank has-avatar"><div class="avatar-container"><a href="./memberlist.php?mode=viewprofile&amp;u={pid}" class="avatar"><img class="avatar" src="./download/file.php?avatar={pid}.jpg" alt="頭像"></a></div>
<a href="./memberlist.php?mode=viewprofile&amp;u={pid}" class="username">{esc(user)}</a></dt>
<dd class="profile-rank">{esc(rank)}</dd>
<dd class="profile-posts"><strong>文章：</strong> <a href="#">{posts}</a></dd>
<dd class="profile-joined"><strong>註冊時間：</strong> {joined}</dd>
</dl>
<div class="postbody">
<div id="post_content{pid}">
<h3 class="first"><a href="#p{pid}">{esc(subject)}</a></h3>
<ul class="post-buttons"><li><a href="./posting.php?mode=quote&amp;p={pid}" title="引用" class="button button-icon-only"><i class="icon fa-quote-left fa-fw"></i><span>引用</span></a></li></ul>
<p class="author"><a class="unread" href="#p{pid}" title="文章"><span class="sr-only">文章</span></a> <span class="responsive-hide">由 <strong><a href="#" class="username">{esc(user)}</a></strong> &raquo; </span>{when}</p>
<div class="content">{content_html}</div>
{s}
</div>
</div>
<div class="back2top"><a href="#top" class="top" title="回到頂端"><span>回到頂端</span></a></div>
</div>
</div>
<hr class="divider" />"""


BB_TITLE = "老相機的快門簾發霉了還能救嗎？"
BB_P1 = [
    "家裡找到一台父親留下的底片相機，快門簾上有一點一點的白色霉斑，快門還能按，但是聲音有點悶。",
    "想請教各位前輩，這種情況自己用酒精擦拭可以嗎？還是一定要送修？送修大概要多少錢？",
]
BB_QUOTE = "這種情況自己用酒精擦拭可以嗎？"
BB_P2 = [
    "千萬不要自己用酒精擦快門簾，布簾很薄，擦了反而容易變形漏光。",
    "建議找有經驗的老師傅做清潔保養，我去年送修一台，連同調校大概花了兩千多元。",
]
BB_P3 = [
    "補充一點：修好以後要放在乾燥的地方，平時多拿出來空按幾次快門，霉才不容易再長。",
]
BB_POSTS = "\n".join([
    bb_post(3001, "bg2", "山城阿明", "新手上路", 12, "2021年 3月 8日, 20:11", "2023年 5月 6日, 21:30", BB_TITLE,
            "<br />".join(esc(l) for l in BB_P1)),
    bb_post(3002, "bg1", "暗房老周", "資深會員", 2814, "2009年 11月 2日, 09:45", "2023年 5月 6日, 22:04",
            "Re: " + BB_TITLE,
            f"<blockquote><div><cite>山城阿明 寫了：</cite>{esc(BB_QUOTE)}</div></blockquote>"
            + "<br />".join(esc(l) for l in BB_P2), sig="底片不死，只是慢慢顯影。"),
    bb_post(3003, "bg2", "光圈十六", "一般會員", 377, "2016年 7月 21日, 13:02", "2023年 5月 7日, 08:16",
            "Re: " + BB_TITLE, esc(BB_P3[0])),
])
BB_HTML = f"""<!DOCTYPE html>
<html dir="ltr" lang="zh-tw">
<head>
<meta charset="utf-8" />
<title>{esc(BB_TITLE)} - 底片攝影討論區</title>
</head>
<body id="phpbb" class="nojs notouch section-viewtopic ltr">
<div id="wrap" class="wrap">
<div id="page-header"><div class="headerbar" role="banner"><a href="./index.php" class="logo">底片攝影討論區</a><p class="skiplink"><a href="#start_here">跳到內容</a></p></div>
<div class="navbar" role="navigation"><ul id="nav-breadcrumbs" class="nav-breadcrumbs linklist navlinks"><li class="breadcrumbs"><span class="crumb"><a href="./index.php">討論區首頁</a></span><span class="crumb"><a href="./viewforum.php?f=4">器材維修</a></span></li></ul></div></div>
<div id="page-body" class="page-body" role="main">
<h2 class="topic-title"><a href="./viewtopic.php?t=512">{esc(BB_TITLE)}</a></h2>
<div class="action-bar bar-top"><a href="./posting.php?mode=reply&amp;t=512" class="button">發表回覆</a>
<div class="pagination">3 篇文章 &bull; 第 <strong>1</strong> 頁 (共 <strong>1</strong> 頁)</div></div>
{BB_POSTS}
<div class="action-bar bar-bottom"><a href="./posting.php?mode=reply&amp;t=512" class="button">發表回覆</a></div>
</div>
<div id="page-footer" class="page-footer" role="contentinfo"><div class="copyright">Powered by <a href="https://www.phpbb.com/">phpBB</a>&reg; Forum Software &copy; phpBB Limited</div></div>
</div>
</body>
</html>
"""
page(
    "forum-phpbb-hant-thread",
    encoding="utf-8",
    url="https://film.example.tw/viewtopic.php?t=512",
    content_type="text/html",
    html_text=BB_HTML,
    meta=dict(title=BB_TITLE, script="Hant", charset="utf-8"),
    articles=[art(BB_TITLE, BB_P1 + BB_P2 + BB_P3)],
    chrome=["山城阿明", "暗房老周", "資深會員", "註冊時間", "文章：", "寫了", "底片不死", "回到頂端",
            "發表回覆", "Powered by"],
    must_contain=["千萬不要自己用酒精擦快門簾", "補充一點"],
)

# --------------------------------------------------------------------------- attachments (issue 13)

def ATT(name, url, kind):
    return {"name": name, "url": url, "kind": kind}


# A gov page whose 附件 block sits after the body, outside it: a docx known only by its link
# text (the URL is a download script), a pdf by its URL, an xls by the file name in the query.
AT_TITLE = "开化县科学技术局2023年工作总结"
AT_LINES = [
    "2023年，县科技局聚焦科技创新驱动发展，着力培育创新主体、搭建创新平台、优化创新生态，全县科技工作取得新成效。",
    "一、创新主体持续壮大",
    "全年新认定高新技术企业27家，入库科技型中小企业86家，规上工业企业研发投入强度达到2.1%。",
    "二、创新平台加快建设",
    "新建省级企业研发中心3家、县级星创天地2家，引进共建创新载体1个，累计建成各类研发机构64家。",
    "三、科技服务更加精准",
    "组织科技特派员下乡服务320余人次，举办技术培训班18期，解决企业技术难题45项。",
    "2024年，我局将继续深化科技体制改革，力争高新技术产业增加值占规上工业增加值比重提高1个百分点。",
]
AT_FILES = """<div class="fujian">
<p class="fj-label">附件：</p>
<p>1.<a href="/module/download/download.jsp?id=3" target="_blank">2023年科技工作主要指标完成情况.docx</a></p>
<p>2.<a href="/attach/2024/01/18/kj-xiangmu-qingdan.pdf" title="2024年度县级科技计划项目清单">2024年度县级科技计划项目清单.pdf</a>（86KB）</p>
<p><a href="/module/download/downfile.jsp?classid=0&amp;filename=20240118093512.xls">附件3：科技型中小企业入库名单</a> [下载]</p>
</div>"""
page(
    "gov-attachments-after-body",
    encoding="utf-8",
    url="http://www.kaihua.gov.cn/art/2024/1/18/art_1346_66012.html",
    content_type="text/html; charset=utf-8",
    html_text=gov(
        charset_html='<meta charset="utf-8">', site="开化县人民政府", title=AT_TITLE,
        crumbs=["首页", "政务公开", "部门文件", "工作总结"],
        info=info_line("2024-01-18 09:40", "开化县科学技术局", views="386"),
        body_html=ps(AT_LINES),
        related=[("开化县科技局2023年上半年工作总结", "2023-07-12"), ("关于组织申报2024年度县级科技计划项目的通知", "2023-12-05")],
        footer="主办单位：开化县人民政府办公室　版权所有　浙ICP备05099999号",
        after_body=AT_FILES),
    meta=dict(title=AT_TITLE, published="2024-01-18", published_time="2024-01-18T09:40:00+08:00",
              source_org="开化县科学技术局", region="开化县", doc_type="工作总结", period="2023",
              script="Hans", charset="utf-8",
              attachments=[
                  ATT("2023年科技工作主要指标完成情况",
                      "http://www.kaihua.gov.cn/module/download/download.jsp?id=3", "docx"),
                  ATT("2024年度县级科技计划项目清单",
                      "http://www.kaihua.gov.cn/attach/2024/01/18/kj-xiangmu-qingdan.pdf", "pdf"),
                  ATT("科技型中小企业入库名单",
                      "http://www.kaihua.gov.cn/module/download/downfile.jsp?classid=0&filename=20240118093512.xls",
                      "xls"),
              ]),
    articles=[art(AT_TITLE, AT_LINES, outline=[
        H(1, "一、", "创新主体持续壮大"),
        H(1, "二、", "创新平台加快建设"),
        H(1, "三、", "科技服务更加精准"),
    ], figures=[
        F("新认定高新技术企业", 27, "家", "全年新认定高新技术企业27家"),
        F("入库科技型中小企业", 86, "家", "入库科技型中小企业86家"),
        F("规上工业企业研发投入强度", 2.1, "%", "规上工业企业研发投入强度达到2.1%"),
        F("累计建成各类研发机构", 64, "家", "累计建成各类研发机构64家"),
        F("组织科技特派员下乡服务", 320, "人次", "组织科技特派员下乡服务320余人次", approx=True),
        F("举办技术培训班", 18, "期", "举办技术培训班18期"),
        F("解决企业技术难题", 45, "项", "解决企业技术难题45项"),
    ])],
    chrome=["当前位置", "发布时间", "打印本页", "浙ICP备05099999号", "附件：", "科技计划项目清单",
            "主要指标完成情况", "86KB", "[下载]"],
    not_figures=[2024],
)


# A library news page: the body cites its statistics bulletin (a .pdf linked inside a
# paragraph: an attachment); the navigation links a reader's guide .pdf, a side box offers a
# form .doc under 常用下载, a 下载中心 menu item, and the footer links a privacy .pdf: none
# of those is an attachment.
LB_TITLE = "市图书馆2023年度读者服务工作报告"
LB_LINES = [
    "2023年，市图书馆坚持公益服务方向，不断延伸服务触角，全年读者服务工作稳中有进。",
    "一、基础服务量稳步增长",
    "全年接待到馆读者约68万人次，外借图书41.3万册次，新办读者证1.2万张。各项数据详见《2023年度读者服务统计公报》。",
    "二、阅读推广品牌更加响亮",
    "举办“书香满城”系列讲座56场、亲子阅读活动140场，线上阅读推广累计参与超过20万人次。",
    "三、总分馆体系持续完善",
    "新建城市书房5家，乡镇分馆通借通还实现全覆盖，基层服务点图书流转3.6万册。",
]
LB_BODY = "\n".join([
    f"<p>{esc(LB_LINES[0])}</p>",
    f"<p>{esc(LB_LINES[1])}</p>",
    "<p>全年接待到馆读者约68万人次，外借图书41.3万册次，新办读者证1.2万张。各项数据详见"
    "<a href=\"/uploads/2024/02/tongji-gongbao-2023.pdf\">《2023年度读者服务统计公报》</a>。</p>",
] + [f"<p>{esc(x)}</p>" for x in LB_LINES[3:]])
LB_HTML = f"""{head(LB_TITLE + " - 市图书馆", '<meta charset="utf-8">')}
<body>
<div id="top"><a href="/" class="logo">市图书馆</a>
<nav class="mainnav"><ul>
<li><a href="/">首页</a></li><li><a href="/gk/">本馆概况</a></li><li><a href="/dt/">图书馆动态</a></li>
<li><a href="/files/duzhe-zhinan-2023.pdf">读者指南</a></li><li><a href="/xzzx/index.html">下载中心</a></li>
</ul></nav></div>
<div class="wrap">
<div class="left">
<div class="box"><h3>常用下载</h3><ul>
<li><a href="/files/duzhezheng-shenqingbiao.doc">读者证申请表.doc</a></li>
<li><a href="/files/tuanti-jieyue-xieyi.docx">团体借阅协议.docx</a></li>
</ul></div>
<div class="box"><h3>开放时间</h3><p>周二至周日 9:00-20:30</p></div>
</div>
<div class="right">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/dt/">图书馆动态</a></div>
<h1>{esc(LB_TITLE)}</h1>
<div class="info">日期：2024-02-06　来源：市图书馆</div>
<div class="text">
{LB_BODY}
</div>
</div>
</div>
<footer><p><a href="/files/yinsi-zhengce.pdf">隐私政策.pdf</a> | <a href="/about/">关于我们</a></p>
<p>版权所有 市图书馆　浙ICP备05088888号</p></footer>
</body>
</html>
"""
page(
    "nav-footer-pdf-not-attachments",
    encoding="utf-8",
    url="https://www.citylib.example.cn/dt/2024/0206/1187.html",
    content_type="text/html",
    html_text=LB_HTML,
    # The inline link splits a line on the page, which the line check cannot see through.
    raw_bytes=LB_HTML.encode("utf-8"),
    meta=dict(title=LB_TITLE, published="2024-02-06", source_org="市图书馆", doc_type="工作报告",
              period="2023", script="Hans", charset="utf-8",
              attachments=[
                  ATT("2023年度读者服务统计公报",
                      "https://www.citylib.example.cn/uploads/2024/02/tongji-gongbao-2023.pdf", "pdf"),
              ]),
    articles=[art(LB_TITLE, LB_LINES, outline=[
        H(1, "一、", "基础服务量稳步增长"),
        H(1, "二、", "阅读推广品牌更加响亮"),
        H(1, "三、", "总分馆体系持续完善"),
    ], figures=[
        F("接待到馆读者", 680000, "人次", "全年接待到馆读者约68万人次", approx=True),
        F("外借图书", 413000, "册次", "外借图书41.3万册次"),
        F("新办读者证", 12000, "张", "新办读者证1.2万张"),
        F("举办“书香满城”系列讲座", 56, "场", "举办“书香满城”系列讲座56场"),
        F("亲子阅读活动", 140, "场", "亲子阅读活动140场"),
        F("新建城市书房", 5, "家", "新建城市书房5家"),
        F("基层服务点图书流转", 36000, "册", "基层服务点图书流转3.6万册"),
    ])],
    chrome=["读者指南", "下载中心", "常用下载", "读者证申请表", "隐私政策", "当前位置", "浙ICP备05088888号"],
    not_figures=[2023],
)

# --------------------------------------------------------------------------- writer + validator

def build(p):
    if p["raw_bytes"] is not None:
        return p["raw_bytes"]
    data = p["html"].encode(p["encoding"])  # strict: a character the charset lacks is an error here
    return (b"\xef\xbb\xbf" + data) if p["bom"] else data


def validate(p, data):
    problems = []
    if p["raw_bytes"] is not None:
        return problems
    decoded = (data[3:] if p["bom"] else data).decode(p["encoding"])
    page_text = html.unescape(decoded)
    for a in p["articles"]:
        text = "\n".join(a["lines"])
        for line in a["lines"]:
            cells = line.split("\t")
            for c in cells:
                if c not in page_text:
                    problems.append(f"line not on page: {c[:40]}")
        for o in a["outline"]:
            if not any(l.startswith(o["marker"] + o["heading"]) for l in a["lines"]):
                problems.append(f"outline item starts no line: {o}")
        if a["figures"] is not OMIT:
            for f in a["figures"]:
                if f["raw"] not in text:
                    problems.append(f"figure raw not in text: {f['raw']}")
    all_text = "\n".join("\n".join(a["lines"]) for a in p["articles"])
    for c in p["chrome"]:
        if c not in page_text:
            problems.append(f"chrome phrase not on page: {c}")
        if c in all_text:
            problems.append(f"chrome phrase inside expected text: {c}")
    ci = p["charset_info"]
    if ci is not OMIT and ci.get("source") == "late-meta":
        pos = data.find(b"<meta charset")
        if pos < 1024:
            problems.append(f"late meta at byte {pos}, not after 1024")
    return problems


def expected_json(p):
    e = {"url": p["url"]}
    meta = dict(p["meta"])
    for k in ["charset", "title", "published", "published_time", "source_org", "region", "doc_type",
              "period", "script"]:
        if k in meta:
            e[k] = meta.pop(k)
    if p["charset_info"] is not OMIT:
        e["charset_info"] = p["charset_info"]
    e["error"] = meta.pop("error", None)
    e.update(meta)
    if p["raw_bytes"] is None:
        e["pagination"] = p["pagination"]
    arts = []
    for a in p["articles"]:
        o = {} if a["title"] is OMIT else {"title": a["title"]}
        o["outline"] = a["outline"]
        if a["figures"] is not OMIT:
            o["figures"] = a["figures"]
        o["tables"] = a["tables"]
        arts.append(o)
    e["articles"] = arts
    return e


def write(p):
    d = os.path.join(HERE, p["slug"])
    os.makedirs(d, exist_ok=True)
    data = build(p)
    problems = validate(p, data)
    if problems:
        raise SystemExit(f"{p['slug']}:\n  " + "\n  ".join(problems))
    with open(os.path.join(d, "source.html"), "wb") as f:
        f.write(data)
    with open(os.path.join(d, "input.json"), "w", encoding="utf-8") as f:
        json.dump({"url": p["url"], "content_type": p["content_type"]}, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected_json(p), f, ensure_ascii=False, indent=2)
        f.write("\n")
    txt = "\n=====\n".join("\n".join(a["lines"]) for a in p["articles"])
    with open(os.path.join(d, "expected.txt"), "w", encoding="utf-8") as f:
        f.write(txt + ("\n" if txt else ""))
    snip = {}
    if p["must_contain"]:
        snip["must_contain"] = p["must_contain"]
    if p["chrome"]:
        snip["must_not_contain"] = p["chrome"]
    if p["not_figures"]:
        snip["not_figure_values"] = p["not_figures"]
    sp = os.path.join(d, "snippets.json")
    if snip:
        with open(sp, "w", encoding="utf-8") as f:
            json.dump(snip, f, ensure_ascii=False, indent=2)
            f.write("\n")
    elif os.path.exists(sp):
        os.remove(sp)


def main(argv):
    slugs = [p["slug"] for p in PAGES]
    dup = {s for s in slugs if slugs.count(s) > 1}
    if dup:
        raise SystemExit(f"duplicate slugs: {dup}")
    chosen = [p for p in PAGES if not argv or any(a in p["slug"] for a in argv)]
    for p in chosen:
        write(p)
    print(f"wrote {len(chosen)} fixture folder(s) under {HERE}")


if __name__ == "__main__":
    main(sys.argv[1:])
