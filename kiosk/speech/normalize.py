"""Turn one report sentence into the text a Mandarin TTS engine should say.

eSpeak NG 1.51 reads Arabic digits and symbols such as ``%`` badly in
Mandarin, so :func:`normalize` rewrites every number of a Chinese sentence
the way a person reads it aloud and leaves every other character alone.
The number words themselves come from ``cn2an``; this module only decides
what kind of number it is looking at.

Chinese rules, applied in this order. Each rule consumes the digits it reads,
so the later, more general rules never see them; the last number rule reads
every digit that is left, hence the output never contains an ASCII digit.

1. Prepare: full-width digits become ASCII; whitespace touching a number is
   dropped next to CJK text (``信息 393条``) and collapsed to one space
   elsewhere.
2. Enumeration at the start: ``(一)``, ``(1)``, ``1.``, ``1、`` and ``①`` → 一、 (the
   、 is a pause: without it ``(四)行政事业性收费`` ran together as 四行政…).
2b. Currency: ``￥13.5`` → 十三点五元, ``$500`` → 五百美元, ``HKD 2,000`` →
   两千港元, ``¥1,200万`` → 一千二百万元 (amounts in 元/万元/亿元 are cardinals
   with their unit, rule 12).
2c. Digits read one by one after 尾号/尾数/末四位/后4位 and postal codes after
   邮编/邮政编码: ``尾号1234`` → 尾号幺二三四, ``邮编：410702`` → 邮编：四幺〇七〇二.
3. Telephone numbers, digit by digit with 幺 for 1 and 〇 for 0: area-code
   shape ``0472-2345678``, 11-digit mobiles, 5-digit 12xxx service lines
   (``12345``), and runs of 5+ digits shortly after 电话/热线/手机/传真/咨询.
   A number followed by a measure word (``热线2500个``) is never a phone.
4. Document numbers ``〔2021〕30号`` → 二〇二一 三十号 (brackets silent).
5. Quoted codes ``"8337"``/``“8337”``/``「8337」`` → 八三三七 (quotes kept).
6. Dates ``2014-01-30``, ``2014/1/30``, ``2014.01.30``, ``2014-01``; year
   ranges ``2013—2015年`` → 二〇一三至二〇一五年; years ``2013年`` → 二〇一三年.
6b. Fractions ``1/5`` → 五分之一 (after the dates, so ``2014/1/30`` stays a date).
7. Times ``10:55`` → 十点五十五分, ``09:05`` → 九点零五分, ``10:00`` → 十点.
7b. Arithmetic between numbers: ``1+2=3`` → 一加二等于三, ``5-3=2`` → 五减三等于二
   (a dash is minus only when ``=`` follows the next number), ×, ÷.
8. Ranges ``10~20``/``10-20``/``10—20`` → 十至二十; ``10-20%`` reads both
   sides as percentages; a unit on the left is kept: ``18℃~22℃`` →
   十八摄氏度至二十二摄氏度, ``1月-3月`` → 一月至三月, ``10万-20万元``. Only the left
   side and the dash are rewritten here.
8b. Negative numbers: a dash before a number that does not follow a number,
   a letter or a unit is 负: ``-2`` → 负二, ``-2.5%`` → 负百分之二点五.
9. Prefixes: ``第3`` → 第三, ``No.3`` → 第三号, ``>``/``<``/``>=``/``<=``
   before a number → 大于/小于/大于等于/小于等于.
10. Months and days: ``1月30日`` → 一月三十日.
11. Percent ``98.6%``/``98.6％`` → 百分之九十八点六, per mille ``5‰`` → 千分之五.
12. Every other number: ``1,234,567`` is a cardinal (after 分别/依次/各,
    ``100,200`` is a list: 一百,二百); a run with a leading
    zero, or of 7+ digits outside a quantity context, is read digit by digit
    (codes, ICP numbers); anything else is a cardinal, said with 两 for a
    leading 2 before 千/万/亿 (两千五百) and for a lone 2 before a measure word
    (两个). A unit right after the number is spoken: km → 公里, m² → 平方米.
13. Symbols anywhere: ± → 正负, ≥ → 大于等于, ≤ → 小于等于, ℃ → 摄氏度, ㎡, ㎞,
   + → 加 (图文+视频, 增/减：+5), ① … ⑳ → 一 … 二十 (the voice drops these signs
   silently).

English text (``language`` starting with ``en``) only has its whitespace
collapsed and ``%`` after a number spelled " percent".
"""

from __future__ import annotations

import re
from collections.abc import Callable

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

# A number starts where a run of digits starts (never inside one, and a
# 1,234 group never inside another group) and runs are possessive (++): no rule
# rescans what it has read, so every rule is linear in the text length.
_NUM = r"(?<![0-9])(?:(?<![0-9],)[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]++)(?:\.[0-9]++)?"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_DIGIT_WORDS = str.maketrans("0123456789", "〇一二三四五六七八九")
_PHONE_WORDS = str.maketrans("0123456789", "〇幺二三四五六七八九")
# ① … ⑳ (U+2460 …)
_CIRCLED = dict(
    zip(
        (chr(0x2460 + i) for i in range(20)),
        "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split(),
        strict=True,
    )
)
_SYMBOLS = str.maketrans(
    {
        "±": "正负",
        "≥": "大于等于",
        "≤": "小于等于",
        "℃": "摄氏度",
        "㎡": "平方米",
        "㎞": "公里",
        "+": "加",
        "＋": "加",
        **_CIRCLED,
    }
)
_UNITS = {
    "km²": "平方公里",
    "km": "公里",
    "kWh": "千瓦时",
    "kW": "千瓦",
    "m²": "平方米",
    "m³": "立方米",
    "mm": "毫米",
    "cm": "厘米",
    "kg": "公斤",
    "m": "米",
    "°C": "摄氏度",
}
_UNIT = "|".join(re.escape(unit) for unit in _UNITS)
_CURRENCIES = {
    "HK$": "港元",
    "US$": "美元",
    "RMB": "元",
    "CNY": "元",
    "USD": "美元",
    "HKD": "港元",
    "EUR": "欧元",
    "GBP": "英镑",
    "￥": "元",
    "¥": "元",
    "$": "美元",
    "＄": "美元",
    "€": "欧元",
    "£": "英镑",
}
_CURRENCY = "|".join(re.escape(symbol) for symbol in _CURRENCIES)
# Units a range may carry on its left side (18℃~22℃, 1月-3月, 10万-20万元).
_RANGE_UNIT = (
    r"℃|°C|度|月|日|号|岁|个|人|次|件|天|周|年|倍|小时|分钟|万元|亿元|万|亿|元|"
    r"米|公里|吨|亩|公斤|km|kg|m"
)
_OPERATORS = {"+": "加", "＋": "加", "×": "乘", "*": "乘", "÷": "除以", "=": "等于", "＝": "等于"}
# Words after which a comma separates the numbers of a list (分别为100,200件).
_LIST_CUE = re.compile(r"(?:分别|依次|各)[为是有:：]?$")
_COMPARISONS = {
    ">=": "大于等于",
    "<=": "小于等于",
    ">": "大于",
    "＞": "大于",
    "<": "小于",
    "＜": "小于",
}
# Words after which a number counts things: it is read as a cardinal (two is 两).
_MEASURE = re.compile(
    r"(?:个|件|条|项|次|人|名|家|所|篇|份|台|部|户|元|万|亿|千|百|位|起|批|类|种|天|年|周|岁|"
    r"张|本|套|辆|栋|间|处|场|封|倍|笔|宗|轮|座|支|只|块|册|组|队|点|小时|分钟|"
    r"公里|平方|立方|米|吨|公斤|亩)"
)
# The longest measure word: rules look this far past a number, never further
# (copying the rest of a long text for every number made them quadratic).
_MEASURE_LEN = 2
# Words just before a number that make it a quantity, not a code.
_QUANTITY_CUE = re.compile(r"(?:共|计|约|达|超|近|逾|增|减|量|数|额)[:：]?$")


def normalize(text: str, language: str = "zh-CN") -> str:
    """Return the spoken form of `text`."""
    if language.lower().startswith("en"):
        return re.sub(r"([0-9])\s*[%％]", r"\1 percent", " ".join(text.split()))
    text = _FULL_WIDTH_POINT.sub(".", text.translate(_FULL_WIDTH))
    text = _SPACE_NEAR_NUMBER.sub(_tidy_space, text)
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return text.translate(_SYMBOLS)


# --- number words ------------------------------------------------------------


def _spell(digits: str, words: dict[int, int] = _DIGIT_WORDS) -> str:
    """Digit by digit: ``2013`` → 二〇一三; separators become one space."""
    return re.sub(r"[^0-9]+", " ", digits).translate(words)


def _phone(digits: str) -> str:
    return _spell(digits, _PHONE_WORDS)


def _cardinal(number: str) -> str:
    """``1,234.5`` → 一千二百三十四点五; digit by digit if cn2an refuses it."""
    plain = number.replace(",", "")
    try:
        import cn2an  # on first use: importing it takes half a second of every start-up

        return str(cn2an.an2cn(plain, "low"))
    except ValueError:  # longer than 16 digits
        return "点".join(_spell(part) for part in plain.split("."))


def _count(number: str, following: str = "") -> str:
    """A cardinal as said when counting: 两千五百, 两个, but 二百 and 十二."""
    words = _cardinal(number)
    if number == "2" and _MEASURE.match(following):
        return "两"
    return re.sub(r"^二(?=[千万亿])", "两", words)


def _is_quantity(m: re.Match[str]) -> bool:
    """True if the number matched ends before a measure word or follows a cue."""
    before = m.string[max(0, m.start() - 2) : m.start()]
    after = m.string[m.end() : m.end() + _MEASURE_LEN]
    return bool(_MEASURE.match(after) or _QUANTITY_CUE.search(before))


# --- rules, in the order of the module docstring -------------------------------

_FULL_WIDTH_POINT = re.compile(r"(?<=[0-9])．(?=[0-9])")
_SPACE_NEAR_NUMBER = re.compile(r"(?<=[0-9])\s++|(?<!\s)\s++(?=[0-9])")


def _tidy_space(m: re.Match[str]) -> str:
    before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
    if not before or not after:
        return m.group(0)
    return "" if _CJK.match(before) or _CJK.match(after) else " "


def _enumeration(m: re.Match[str]) -> str:
    indent, hanzi, number, listed = m.group("indent", "hanzi", "number", "listed")
    circled = m.group("circled")
    if hanzi:
        return indent + hanzi + "、"
    if circled:
        return indent + _CIRCLED[circled] + "、"
    return indent + _cardinal(number or listed) + "、"


def _area_phone(m: re.Match[str]) -> str:
    if _is_quantity(m):
        return m.group(0)
    return _phone(m.group(1)) + " " + _phone(m.group(2))


def _whole_phone(m: re.Match[str]) -> str:
    number = m.group(0)
    if _is_quantity(m):
        return number
    if len(number) == 11:  # mobile, said in groups: 138 1234 5678
        number = f"{number[:3]} {number[3:7]} {number[7:]}"
    return _phone(number)


def _context_phone(m: re.Match[str]) -> str:
    number = m.group("number")
    if len(re.sub(r"[^0-9]", "", number)) < 5 or _is_quantity(m):
        return m.group(0)
    return m.group("before") + _phone(number)


def _document_number(m: re.Match[str]) -> str:
    serial = m.group("serial")
    if serial is None:
        return _spell(m.group("year"))
    return _spell(m.group("year")) + " " + (m.group("di") or "") + _cardinal(serial) + "号"


def _date(m: re.Match[str]) -> str:
    spoken = _spell(m.group("y")) + "年" + _cardinal(m.group("m")) + "月"
    spoken += _cardinal(m.group("d")) + "日" if m.group("d") else ""
    return spoken + ("至" if m.group("to") else "")


def _time(m: re.Match[str]) -> str:
    hour, minute, second = m.group("h", "min", "s")
    spoken = ("两" if int(hour) == 2 else _cardinal(hour)) + "点"
    if int(minute):
        spoken += ("零" if minute.startswith("0") else "") + _cardinal(minute) + "分"
    if second and int(second):
        spoken += _cardinal(second) + "秒"
    return spoken + ("至" if m.group("to") else "")


def _percent(number: str, sign: str) -> str:
    return ("千分之" if sign == "‰" else "百分之") + _cardinal(number)


def _range(m: re.Match[str]) -> str:
    left, sign, unit = m.group("left"), m.group("lsign") or m.group("rsign"), m.group("lunit")
    if sign:
        return _percent(left, sign) + "至"
    if unit:
        return _count(left, unit) + _UNITS.get(unit, unit) + "至"
    return _count(left) + "至"


def _month_day(m: re.Match[str]) -> str:
    month, day, suffix = m.group("month", "day", "suffix")
    return _cardinal(month) + "月" + (_cardinal(day) + suffix if day else "")


def _currency(m: re.Match[str]) -> str:
    amount, scale = m.group("amount"), m.group("scale") or ""
    return _count(amount, scale or "元") + scale + _CURRENCIES[m.group("symbol")]


def _one_by_one(m: re.Match[str]) -> str:
    cue = re.sub(r"[0-9]+", lambda d: _cardinal(d.group(0)), m.group("cue"))
    return cue + m.group("sep") + _phone(m.group("digits"))


def _fraction(m: re.Match[str]) -> str:
    return _cardinal(m.group("den")) + "分之" + _cardinal(m.group("num"))


def _number(m: re.Match[str]) -> str:
    number, unit = m.group("number"), m.group("unit")
    spoken_unit = _UNITS[unit] if unit else ""
    following = spoken_unit + m.string[m.end() : m.end() + _MEASURE_LEN]
    if "," in number and _LIST_CUE.search(m.string[max(0, m.start() - 3) : m.start()]):
        *items, last = number.split(",")
        return ",".join([*map(_cardinal, items), _count(last, following)]) + spoken_unit
    if "," not in number and "." not in number:
        coded = len(number) > 1 and number.startswith("0")
        if coded or (len(number) >= 7 and not _is_quantity(m)):
            return _spell(number) + spoken_unit
    return _count(number, following) + spoken_unit


def _rule(pattern: str, replace: Callable[[re.Match[str]], str], flags: int = 0) -> _Rule:
    return re.compile(pattern, flags), replace


# A dash after a date that another date follows is read 至 (2014-01-01—2014-12-31).
_TO_DATE = r"(?P<to>\s*[-－—–~～]+\s*(?=(?:19|20)[0-9]{2}[-/.年]))?"
_YEAR = r"(?:19|20)[0-9]{2}"
_DASH = r"\s*+[-－—–~～]++\s*+"

_RULES: tuple[_Rule, ...] = (
    # 2. enumeration at the start of the sentence
    _rule(
        r"^(?P<indent>\s*)(?:[(（](?P<hanzi>[一二三四五六七八九十]+)[)）]"
        r"|[(（](?P<number>[0-9]{1,2})[)）]|(?P<listed>[0-9]{1,2})[.．、)）](?![0-9])\s*"
        r"|(?P<circled>[\u2460-\u2473])[、.．]?\s*)",
        _enumeration,
    ),
    # 2b. currency, 2c. digits one by one
    _rule(
        rf"(?<![A-Za-z])(?P<symbol>{_CURRENCY})\s*+(?P<amount>{_NUM})(?P<scale>百万|千万|[万亿千])?元?",
        _currency,
    ),
    _rule(
        r"(?P<cue>尾号|尾数|末四位|后四位|[末后][0-9一二三四五六七八九]位|邮编|邮政编码)"
        r"(?P<sep>[为是:：]?\s*+)"
        r"(?P<digits>[0-9]++)",
        _one_by_one,
    ),
    # 3. telephone numbers
    _rule(r"(?<![0-9])[(（]?(0[0-9]{2,3})[)）]?\s?[-－—]?\s?([0-9]{7,8})(?![0-9])", _area_phone),
    _rule(
        r"(?<![0-9])(?<![0-9][.,])(?:1[3-9][0-9]{9}|12[0-9]{3})(?![0-9%％‰]|[.,][0-9])",
        _whole_phone,
    ),
    _rule(
        r"(?P<before>(?:电话|热线|手机|传真|咨询|联系方式|号码)[^0-9。；;，,！？]{0,8}?)"
        r"(?P<number>[0-9](?:[0-9]|[-－—\s](?=[0-9]))*)(?![0-9.%％‰])",
        _context_phone,
    ),
    # 4. document numbers
    _rule(
        rf"[〔\[［(（【]\s*+(?P<year>{_YEAR})\s*+[〕\]］)）】]"
        r"(?:\s*+(?P<di>第)?\s*+(?P<serial>[0-9]++)\s*+号)?",
        _document_number,
    ),
    # 5. quoted codes
    _rule(
        r"([\"“「『‘'])\s*([0-9]+)\s*([\"”」』’'])",
        lambda m: m.group(1) + _spell(m.group(2)) + m.group(3),
    ),
    # 6. dates and years
    _rule(
        rf"(?<![0-9.])(?P<y>{_YEAR})(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])"
        rf"(?P=sep)(?P<d>0?[1-9]|[12][0-9]|3[01])(?![0-9]){_TO_DATE}",
        _date,
    ),
    _rule(
        rf"(?<![0-9.])(?P<y>{_YEAR})[-/](?P<m>0?[1-9]|1[0-2])(?P<d>)(?![0-9./-]){_TO_DATE}",
        _date,
    ),
    _rule(
        rf"(?<![0-9.])({_YEAR})(年?){_DASH}({_YEAR})(?![0-9])",
        lambda m: _spell(m.group(1)) + m.group(2) + "至" + _spell(m.group(3)),
    ),
    _rule(r"(?<![0-9.])([0-9]{4})(?=年)", lambda m: _spell(m.group(1))),
    # 6b. fractions
    _rule(
        r"(?<![0-9./])(?P<num>[0-9]++)\s*+/\s*+(?P<den>[0-9]++)(?![0-9./])",
        _fraction,
    ),
    # 7. times, and a range of times
    _rule(
        r"(?<![0-9.:])(?P<h>[01]?[0-9]|2[0-4])[:：](?P<min>[0-5][0-9])(?:[:：](?P<s>[0-5][0-9]))?"
        rf"(?![0-9])(?P<to>{_DASH}(?=[0-9]{{1,2}}[:：][0-9]{{2}}))?",
        _time,
    ),
    # 7b. arithmetic
    _rule(
        rf"(?<=[0-9%％])\s*+[-－−]\s*+(?={_NUM}\s*+[=＝])",
        lambda m: "减",
    ),
    _rule(
        r"(?<=[0-9%％])\s*+([+＋×*÷=＝])\s*+(?=[-－−]?[0-9])",
        lambda m: _OPERATORS[m.group(1)],
    ),
    # 8. ranges: the left number (with its unit) and the dash
    _rule(
        rf"(?<![0-9.,])(?P<left>{_NUM})\s*+(?:(?P<lsign>[%％‰])|(?P<lunit>{_RANGE_UNIT}))?"
        rf"{_DASH}(?={_NUM}\s*+(?P<rsign>[%％‰])?)",
        _range,
    ),
    # 8b. negative numbers
    _rule(r"(?<![0-9A-Za-z%％‰℃)）\]】])[-－−](?=[0-9])", lambda m: "负"),
    # 9. prefixes
    _rule(r"第\s*([0-9]+)", lambda m: "第" + _cardinal(m.group(1))),
    _rule(
        r"(?<![A-Za-z])No\.\s*([0-9]+)号?",
        lambda m: "第" + _cardinal(m.group(1)) + "号",
        re.IGNORECASE,
    ),
    _rule(r"(>=|<=|[><＞＜])\s*+(?=[0-9])", lambda m: _COMPARISONS[m.group(1)]),
    # 10. months and days
    _rule(
        r"(?<![0-9.])(?P<month>[0-9]{1,2})月(?:(?P<day>[0-9]{1,2})(?P<suffix>[日号]))?",
        _month_day,
    ),
    # 11. percent and per mille
    _rule(
        rf"(?P<number>{_NUM})\s*+(?P<sign>[%％‰])",
        lambda m: _percent(m.group("number"), m.group("sign")),
    ),
    # 12. every other number, with its unit
    _rule(rf"(?P<number>{_NUM})(?:\s?(?P<unit>{_UNIT})(?![A-Za-z]))?", _number),
)
