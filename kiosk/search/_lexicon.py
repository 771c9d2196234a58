"""Small word lists for understanding visitors' questions.

Everyday phrasing is mapped to the vocabulary of the reports (政府信息公开年度报告
follow a fixed national format, so a short table goes a long way). All entries
are normalised (NFKC, lower case) like the index; English entries are stemmed.
"""

from __future__ import annotations

import re

from kiosk.search._text import stem

#: Question words, particles and filler: dropped from the question before matching.
QUESTION_WORDS_ZH = frozenset(
    """
    多少 几 几个 几条 几件 几次 几场 几项 几名 几人 几位 几天 几年 多少次 多少个 多少条 多少件
    哪些 哪个 哪里 哪儿 哪 什么 啥 怎么 怎么样 怎样 如何 为什么 是否 是不是 吗 呢 吧 啊 呀 嘛 么
    请问 我想知道 想知道 知道 有没有 有无 能否 能不能 可以 告诉 告诉我 一下 问问 了解
    我 你 您 你们 我们 咱们 他们 大家 的 地 得 了 过 着 是 有 在 都 也 还 就 又 和 与 及 或
    被 把 给 对 从 到 上 里 中 下 共 一共 总共 总计 一下子 情况 方面 到底 究竟 具体 有人 人家
    去年 今年 当年 那年 这年 目前 现在 最近 最新 年 做 做了 搞 搞了 进行 开展 啦 哦 噢 嗯
    要 需要 会 能 应该 应 得 可 想 让 请
    """.split()
)
QUESTION_WORDS_EN = frozenset(
    """
    what which who whom whose when where why how many much is are was were be been being do does
    did done have ha had there any some the a an of in on at to for by with from and or not no it
    its this that these those i you we they he she me my your our their can could would should
    will shall may might please tell know want about as into than then so if also get got total
    year last number
    """.split()
)

#: Everyday word → words the reports use. The word itself always counts too.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "热线": ("电话",),
    "电话": ("热线",),
    "热线电话": ("热线", "电话"),
    "申请": ("请求",),
    "请求": ("申请",),
    "复议": ("行政复议",),
    "诉讼": ("行政诉讼", "起诉"),
    "打官司": ("诉讼", "行政诉讼", "起诉"),
    "官司": ("诉讼", "行政诉讼", "起诉"),
    "告状": ("诉讼", "起诉"),
    "起诉": ("诉讼",),
    "收费": ("费用", "收取"),
    "费用": ("收费", "支出"),
    "花钱": ("费用", "支出", "收费"),
    "花费": ("费用", "支出"),
    "钱": ("费用", "支出", "收费"),
    "开支": ("支出", "费用"),
    "收钱": ("收费", "收取", "费用"),
    "免费": ("免费", "收费", "费用"),
    "问题": ("不足",),
    "不足": ("问题",),
    "缺点": ("问题", "不足"),
    "毛病": ("问题", "不足"),
    "困难": ("问题", "不足"),
    "措施": ("改进",),
    "改进": ("措施", "整改"),
    "打算": ("计划", "措施", "改进"),
    "计划": ("措施", "改进"),
    "下一步": ("改进", "计划", "措施"),
    "今后": ("改进", "计划", "措施"),
    "将来": ("改进", "计划"),
    "主动公开": ("公开", "公布"),
    "公布": ("主动公开", "公开"),
    "发布": ("公开", "推送"),
    "网站": ("网上", "网络", "门户网站"),
    "网上": ("网站", "网络"),
    "官网": ("网站", "门户网站"),
    "上网": ("网上", "网络", "网站"),
    "互联网": ("网络", "网站"),
    "报纸": ("日报", "报刊", "报社"),
    "收到": ("新收", "受理", "接听"),
    "处理": ("办理", "办结"),
    "办理": ("处理", "办结", "承办"),
    "关注": ("关注用户",),
    "粉丝": ("关注", "关注用户"),
    "信件": ("信箱",),
    "写信": ("信箱", "信件"),
    "考核": ("考评", "考核体系"),
    "培训": ("培训",),
    "人数": ("人员",),
    "lawsuit": ("litigation",),
    "litigation": ("lawsuit",),
    "sue": ("lawsuit", "litigation"),
    "court": ("lawsuit", "litigation"),
    "fee": ("charge", "cost"),
    "charge": ("fee",),
    "cost": ("fee", "charge"),
    "money": ("fee", "charge", "cost"),
    "problem": ("shortcoming",),
    "shortcoming": ("problem",),
    "weakness": ("shortcoming", "problem"),
    "plan": ("focus", "improve"),
    "improve": ("improvement", "plan"),
    "request": ("application",),
    "application": ("request",),
    "website": ("portal", "online"),
    "online": ("website", "portal"),
}

#: Words in a section heading that mark the problems / the plans of a report.
PROBLEM_WORDS: tuple[str, ...] = (
    "问题",
    "不足",
    "困难",
    "缺点",
    "短板",
    "problem",
    "shortcoming",
    "weakness",
)
PLAN_WORDS: tuple[str, ...] = (
    "措施",
    "改进",
    "计划",
    "打算",
    "下一步",
    "今后",
    "将来",
    "重点做好",
    "plan",
    "improve",
    "measure",
    "focus",
    "will",
)
_PLAN_QUESTION = re.compile(
    r"措施|改进|打算|计划|下一步|今后|将来|明年|怎么改|整改|plan|improv|next year|future"
)
_PROBLEM_QUESTION = re.compile(r"问题|不足|困难|缺点|毛病|短板|problem|shortcoming|weakness")

#: Asking for a number.
_NUMBER_QUESTION = re.compile(
    r"多少|几[个条件人名位次场项篇份期家所天封台万]|几$|百分之|比例|比率|[^效]率|多大|多长|多久"
    r"|how many|how much|number of|percent|proportion|\brate\b"
)
_UNIT_AFTER = re.compile(
    r"(?:多少|几)(万元|元|个|条|件|人次|人|名|位|次|场|项|篇|份|期|家|所|天|封|台)"
)
_UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "人": ("人", "名", "人次"),
    "名": ("名", "人", "人次"),
    "位": ("位", "人", "名"),
    "人次": ("人次", "人"),
    "封": ("封", "件"),
    "天": ("天", "日", "工作日"),
    "元": ("元", "万元"),
}
_PERCENT = re.compile(r"百分之|比例|比率|[^效]率|percent|proportion|\brate\b")
_YES_NO = re.compile(
    r"吗[?？]?$|有没有|是否|有无|是不是|^(?:were|was|is|are|did|do|does|has|have) "
)
_YEAR = re.compile(r"((?:19|20)\d\d)(?:\s*年)?")
_NEWEST = re.compile(r"去年|今年|最近|最新|latest|last year|this year")


def plan_question(text: str) -> bool:
    return bool(_PLAN_QUESTION.search(text))


def problem_question(text: str) -> bool:
    return bool(_PROBLEM_QUESTION.search(text))


def number_question(text: str) -> bool:
    return bool(_NUMBER_QUESTION.search(text))


def asked_units(text: str) -> tuple[str, ...]:
    """Units a number question asks about (多少条 → 条), with their aliases; % for rates."""
    units: list[str] = []
    for m in _UNIT_AFTER.finditer(text):
        units.extend(_UNIT_ALIASES.get(m.group(1), (m.group(1),)))
    if _PERCENT.search(text):
        units.append("%")
    return tuple(dict.fromkeys(units))


def yes_no_question(text: str) -> bool:
    return bool(_YES_NO.search(text))


def years(text: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(m.group(1)) for m in _YEAR.finditer(text)))


def asks_newest(text: str) -> bool:
    return bool(_NEWEST.search(text))


def _stemmed(words: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in words)


QUESTION_WORDS = QUESTION_WORDS_ZH | _stemmed(QUESTION_WORDS_EN)
SYNONYMS = {stem(k): tuple(stem(v) for v in vs) for k, vs in SYNONYMS.items()}
PROBLEM_WORDS = tuple(stem(w) for w in PROBLEM_WORDS)
PLAN_WORDS = tuple(stem(w) for w in PLAN_WORDS)
