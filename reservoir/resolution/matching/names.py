"""Names as customers write them: folding, Chinese script and romanization, nicknames, parsing.

Libraries and why:
- OpenCC (`opencc`, config t2s/s2t) converts traditional to simplified Chinese, so 張偉 = 张伟.
  It converts phrase-aware, which a char table would not.
- pypinyin romanizes Hanzi (张伟 → zhang wei); surname characters get every reading
  (曾 → zeng/ceng) because pypinyin reads them as words, not as surnames.
- `nicknames` (the Old Dominion University nickname table) gives Bill → William.
- unicodedata NFKD strips accents (José → jose); rapidfuzz is used by `compare`.
What we wrote ourselves, because no library does it for CRM names: the name parser (titles,
"Smith, John", Chinese family name first incl. compound surnames), a small table of
Cantonese/Wade–Giles spellings of common surnames (陈 = Chan = Chen, 张 = Cheung = Chang),
and the `NamePart` features that `compare` reads. All functions are pure; the heavy ones
are cached.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc
from nicknames import NickNamer
from pypinyin import Style, lazy_pinyin, pinyin

__all__ = [
    "NamePart",
    "ParsedName",
    "equivalent_forms",
    "fold",
    "has_cjk",
    "parse_name",
    "to_simplified",
]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")
_LETTER_MAP = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ı": "i"}
)
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "madam",
        "dame",
        "rev",
        "fr",
        "herr",
        "frau",
        "mme",
        "mlle",
        "m",
        "sr",
        "sra",
        "srta",
        "dott",
    ]
)
_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba"])
_CJK_HONORIFICS = ("先生", "女士", "小姐", "太太", "博士", "教授", "老师", "经理", "总")
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "澹台",
        "申屠",
        "太史",
        "闻人",
        "东郭",
        "钟离",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "公羊",
        "赫连",
    ]
)
# Other spellings of common surnames (Hong Kong/Cantonese, Taiwan/Wade–Giles, Singapore).
_SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "陈": ("chan", "chen", "tan"),
    "张": ("cheung", "chang", "teo"),
    "黄": ("wong", "huang", "ng"),
    "李": ("lee", "li", "lei"),
    "王": ("wong", "wang", "ong"),
    "林": ("lam", "lin", "lim"),
    "吴": ("ng", "wu", "goh"),
    "刘": ("lau", "liu", "lao"),
    "周": ("chow", "chou", "zhou"),
    "郑": ("cheng", "zheng", "tay"),
    "何": ("ho", "he"),
    "梁": ("leung", "liang", "neo"),
    "谢": ("tse", "hsieh", "xie", "chia"),
    "许": ("hui", "hsu", "xu", "koh"),
    "徐": ("tsui", "hsu", "xu", "chee"),
    "杨": ("yeung", "yang", "yeo"),
    "蔡": ("choi", "tsai", "cai", "chua"),
    "曾": ("tsang", "tseng", "zeng"),
    "罗": ("law", "lo", "luo"),
    "郭": ("kwok", "kuo", "guo"),
    "朱": ("chu", "zhu"),
    "胡": ("wu", "hu"),
    "赵": ("chiu", "chao", "zhao"),
    "孙": ("suen", "sun"),
    "高": ("ko", "kao", "gao"),
    "邓": ("tang", "teng", "deng"),
    "冯": ("fung", "feng"),
    "叶": ("yip", "yeh", "ye"),
    "萧": ("siu", "hsiao", "xiao"),
    "潘": ("poon", "pan"),
    "袁": ("yuen", "yuan"),
    "卢": ("lo", "lu"),
    "钟": ("chung", "zhong"),
    "彭": ("pang", "peng"),
    "邱": ("yau", "chiu", "qiu"),
    "江": ("kong", "chiang", "jiang"),
    "廖": ("liu", "liao"),
    "关": ("kwan", "kuan", "guan"),
    "苏": ("so", "su"),
    "唐": ("tong", "tang"),
    "姚": ("yiu", "yao"),
    "方": ("fong", "fang"),
    "洪": ("hung", "hong", "ang"),
    "庄": ("chong", "chuang", "zhuang"),
    "吕": ("lui", "lu", "lv"),
    "赖": ("lai",),
    "韩": ("hon", "han"),
    "郝": ("hao",),
}
_nicknamer = NickNamer()


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (other text unchanged)."""
    return _converter("t2s").convert(text) if has_cjk(text) else text


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: ' José-Luis ' → 'jose luis'."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTER_MAP)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


@functools.lru_cache(maxsize=65536)
def _romanize(hanzi: str) -> str:
    return "".join(lazy_pinyin(hanzi, style=Style.NORMAL, errors="ignore"))


@functools.lru_cache(maxsize=8192)
def _surname_keys(hanzi: str) -> frozenset[str]:
    keys = {_romanize(hanzi)}
    if len(hanzi) == 1:
        keys.update(pinyin(hanzi, style=Style.NORMAL, heteronym=True)[0])
        keys.update(_SURNAME_SPELLINGS.get(hanzi, ()))
    return frozenset(k for k in keys if k)


@dataclass(frozen=True, slots=True)
class NamePart:
    """One name part with the features `compare` needs (all folded, romanized)."""

    text: str  # as written (for display)
    hanzi: str  # simplified Chinese characters, or ""
    primary: str  # romanized, folded, no spaces: "xiaoming", "johnpaul"
    first: str  # first token: "john"
    keys: frozenset[str]  # spellings that count as exact: {"zhang", "cheung", "chang"}
    nick: frozenset[str]  # nickname group (given names): {"bill", "william"}

    @property
    def initial(self) -> str:
        return self.primary[:1]

    @property
    def is_initial(self) -> bool:
        return len(self.primary) == 1


EMPTY_PART = NamePart("", "", "", "", frozenset(), frozenset())


@functools.lru_cache(maxsize=131072)
def make_part(text: str, *, family: bool) -> NamePart:
    """Features of one name part ("张", "José Luis", "Bill")."""
    if not text.strip():
        return EMPTY_PART
    if has_cjk(text):
        hanzi = "".join(_CJK.findall(to_simplified(text)))
        primary = _romanize(hanzi)
        keys = _surname_keys(hanzi) if family else frozenset({primary})
        return NamePart(text.strip(), hanzi, primary, primary, keys | {primary}, frozenset())
    folded = fold(text)
    tokens = folded.split()
    if not tokens:
        return EMPTY_PART
    primary = "".join(tokens)
    nick: frozenset[str] = frozenset()
    if not family and len(tokens[0]) > 1:
        first = tokens[0]
        nick = frozenset({first} | _nicknamer.canonicals_of(first))
    return NamePart(text.strip(), "", primary, tokens[0], frozenset({primary}), nick)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """Readings (family, given) of a name; two when the order is unknown ('Zhang Wei')."""

    readings: tuple[tuple[NamePart, NamePart], ...]
    explicit: bool  # the parts came as separate fields


def _strip_titles(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and fold(tokens[0]) in _TITLES:
        tokens = tokens[1:]
    while len(tokens) > 1 and fold(tokens[-1]) in _SUFFIXES:
        tokens = tokens[:-1]
    return tokens


def split_cjk(name: str) -> tuple[str, str]:
    """张伟 → ('张', '伟'); 欧阳娜娜 → ('欧阳', '娜娜'); honorifics dropped."""
    name = "".join(_CJK.findall(to_simplified(name)))
    for honorific in _CJK_HONORIFICS:
        if name.endswith(honorific) and len(name) > len(honorific) + 1:
            name = name[: -len(honorific)]
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@functools.lru_cache(maxsize=131072)
def parse_name(family_name: str, given_name: str, full_name: str) -> ParsedName:
    """Parse a name given as parts or as one string into one or two readings."""
    if family_name.strip() or given_name.strip():
        family = make_part(family_name, family=True)
        given = make_part(given_name, family=False)
        return ParsedName(((family, given),), explicit=True)
    text = full_name.strip()
    if not text:
        return ParsedName((), explicit=False)
    if has_cjk(text):
        fam, giv = split_cjk(text)
        return ParsedName(((make_part(fam, family=True), make_part(giv, family=False)),), True)
    if "," in text:
        fam, _, giv = text.partition(",")
        giv = " ".join(_strip_titles(giv.split()))
        return ParsedName(((make_part(fam, family=True), make_part(giv, family=False)),), True)
    tokens = _strip_titles(text.split())
    if len(tokens) == 1:
        return ParsedName(((make_part(tokens[0], family=True), EMPTY_PART),), False)
    western = (make_part(tokens[-1], family=True), make_part(" ".join(tokens[:-1]), family=False))
    eastern = (make_part(tokens[0], family=True), make_part(" ".join(tokens[1:]), family=False))
    return ParsedName((western, eastern), explicit=False)


@functools.lru_cache(maxsize=16384)
def equivalent_forms(name: str) -> frozenset[str]:
    """Folded spellings of a full name that denote the same name, in both orders.

    张伟 → {"张伟", "張偉", "zhang wei", "wei zhang", "zhangwei", "cheung wei", ...};
    "Bill Smith" → {"bill smith", "smith bill", "william smith", "smith william", ...}.
    """
    forms: set[str] = set()
    text = name.strip()
    if not text:
        return frozenset()
    if has_cjk(text):
        simplified = "".join(split_cjk(text))
        forms.update({simplified, _converter("s2t").convert(simplified)})
    else:
        forms.add(fold(" ".join(_strip_titles(text.split()))))
    for family, given in parse_name("", "", text).readings:
        givens = {given.primary} | set(given.nick) if given.primary else {""}
        for fam in family.keys or {""}:
            for giv in givens:
                forms.update({f"{fam} {giv}".strip(), f"{giv} {fam}".strip(), f"{fam}{giv}"})
    return frozenset(f for f in forms if f)
