"""How often the wanted word comes first, or within the first five.

The cases are written by hand (word and its pinyin): the vocabulary of the
reports, the words visitors ask with, and place names. Each is typed three ways:
full pinyin, initials, and a fuzzy spelling (every syllable with the first
mix-up that applies to it, as an elderly northern speaker might say it).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ime.engine import candidates
from kiosk.ime.lexicon import Lexicon

CASES: tuple[tuple[str, str], ...] = tuple(
    (line.split(":")[0], line.split(":")[1])
    for line in """
主动公开:zhu dong gong kai
政府信息:zheng fu xin xi
依申请:yi shen qing
申请:shen qing
收费:shou fei
电话:dian hua
多少:duo shao
怎么:zen me
哪里:na li
什么时候:shen me shi hou
行政复议:xing zheng fu yi
行政诉讼:xing zheng su song
年度报告:nian du bao gao
昆都仑区:kun du lun qu
包头:bao tou
内蒙古:nei meng gu
呼和浩特:hu he hao te
北京:bei jing
西安:xi an
公开:gong kai
信息:xin xi
政府:zheng fu
网站:wang zhan
热线:re xian
费用:fei yong
工作:gong zuo
情况:qing kuang
问题:wen ti
不足:bu zu
改进:gai jin
办理:ban li
答复:da fu
条例:tiao li
统计:tong ji
数据:shu ju
人民政府:ren min zheng fu
办公室:ban gong shi
咨询:zi xun
查阅:cha yue
档案馆:dang an guan
图书馆:tu shu guan
公众:gong zhong
群众:qun zhong
服务:fu wu
大厅:da ting
窗口:chuang kou
免费:mian fei
保密:bao mi
审查:shen cha
机制:ji zhi
文件:wen jian
规范性文件:gui fan xing wen jian
今年:jin nian
去年:qu nian
一共:yi gong
多久:duo jiu
为什么:wei shen me
怎么办:zen me ban
可以:ke yi
需要:xu yao
时间:shi jian
地址:di zhi
上班:shang ban
公交:gong jiao
医院:yi yuan
社保:she bao
户口:hu kou
身份证:shen fen zheng
退休:tui xiu
养老:yang lao
补贴:bu tie
绿色:lv se
女性:nv xing
""".strip().splitlines()
)
STYLES = ("full", "initials", "fuzzy")
#: The mix-ups tried on each syllable, in order; the first that applies is used.
_MIXUPS = (
    ("zh", "z"), ("ch", "c"), ("sh", "s"), ("z", "zh"), ("c", "ch"), ("s", "sh"),
    ("n", "l"), ("l", "n"), ("h", "f"), ("f", "h"),
)  # fmt: skip
_FINAL_MIXUPS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("an", "ang"), ("en", "eng"))


def fuzzy_spelling(pinyin: str) -> str | None:
    """Every syllable with its first mix-up; None when none applies."""
    out: list[str] = []
    for syl in pinyin.split():
        changed = syl
        for a, b in _MIXUPS:
            if syl.startswith(a):
                changed = b + syl[len(a) :]
                break
        else:
            for a, b in _FINAL_MIXUPS:
                if syl.endswith(a):
                    changed = syl[: -len(a)] + b
                    break
        out.append(changed)
    spelled = "".join(out)
    return spelled if spelled != pinyin.replace(" ", "") else None


def typed(pinyin: str, style: str) -> str | None:
    if style == "full":
        return pinyin.replace(" ", "")
    if style == "initials":
        return "".join(s[0] for s in pinyin.split())
    return fuzzy_spelling(pinyin)


@dataclass(frozen=True)
class Score:
    style: str
    cases: int
    top1: float
    top5: float
    misses: tuple[str, ...]  # inputs whose word is not in the first five


def evaluate(layers: tuple[Lexicon, ...], fuzzy: frozenset[str]) -> list[Score]:
    """Share of cases with the wanted word first, and within five, per input style."""
    scores: list[Score] = []
    for style in STYLES:
        first = five = total = 0
        misses: list[str] = []
        for word, pinyin in CASES:
            text = typed(pinyin, style)
            if text is None:
                continue
            words = [c.word for c in candidates(layers, text, fuzzy, 5).candidates]
            total += 1
            first += bool(words) and words[0] == word
            five += word in words[:5]
            if word not in words[:5]:
                misses.append(f"{text}→{word}")
        scores.append(Score(style, total, first / total, five / total, tuple(misses)))
    return scores
