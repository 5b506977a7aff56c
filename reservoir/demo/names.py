"""Name parts for demo people and companies: Chinese (simplified and traditional) and English.

Surnames are listed roughly by frequency so that a weighted pick looks like a real
customer base (王, 李, 张 and 刘 come up far more often than 欧阳).
"""

from __future__ import annotations

import itertools
import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Mainland surnames by frequency (the top ~100 cover ~85% of the population).
SURNAMES_HANS = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES_HANS = ("欧阳", "司马", "上官", "诸葛")

# Characters common in mainland given names, split by the feel they usually carry.
GIVEN_MALE_HANS = "伟强磊军洋勇杰涛明超辉鹏华飞刚平斌波宇浩凯健俊帆航晨博文振建国志鑫锋亮"
GIVEN_FEMALE_HANS = "芳娜敏静丽艳娟霞秀燕玲婷雪琳晶颖慧洁倩梅莉璐瑶欣怡佳雯悦萍红蕾薇"
GIVEN_NEUTRAL_HANS = "子一思嘉梓雨晓安宁欣若诗天家思语俊泽"

# Taiwan and Hong Kong: traditional characters and the names common there.
SURNAMES_HANT = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧"
GIVEN_FULL_HANT = (
    "志明",
    "家豪",
    "俊傑",
    "建宏",
    "冠宇",
    "宗翰",
    "承恩",
    "家瑋",
    "柏翰",
    "彥廷",
    "偉倫",
    "嘉欣",
    "怡君",
    "雅婷",
    "淑芬",
    "美玲",
    "詩涵",
    "佩珊",
    "欣怡",
    "思穎",
    "雅雯",
    "婉婷",
    "慧敏",
    "嘉慧",
    "子晴",
    "曉彤",
)
# Hong Kong residents often go by an English given name as well.
HK_ENGLISH_GIVEN = ("Kelvin", "Ivan", "Winnie", "Karen", "Jacky", "Cherry", "Ken", "Mandy", "Alan")
# Romanized surnames as people in Hong Kong (Cantonese) and Taiwan (Wade-Giles) spell them.
HK_ROMANIZED_SURNAME = dict(
    zip(
        SURNAMES_HANT,
        _words(
            "Chan Lam Wong Cheung Lee Wong Ng Lau Choi Yeung Hui Cheng Tse Kwok Hung Tsang Yau Liu "
            "Lai Chow Yip So Chong Lui Kong Ho Siu Law Ko Poon Kan Chu Chung Pang Yau Chim Wu Sze "
            "Shum Yu Lo Leung Chiu Ngan Or Yung Ngai Suen Tai Fan Fong Sung Tang"
        ),
        strict=True,
    )
)
TW_ROMANIZED_SURNAME = dict(
    zip(
        SURNAMES_HANT,
        _words(
            "Chen Lin Huang Chang Lee Wang Wu Liu Tsai Yang Hsu Cheng Hsieh Kuo Hung Tseng Chiu Liao "
            "Lai Chou Yeh Su Chuang Lu Chiang Ho Hsiao Lo Kao Pan Chien Chu Chung Peng Yu Chan Hu "
            "Shih Shen Yu Lu Liang Chao Yen Ko Weng Wei Sun Tai Fan Fang Sung Teng"
        ),
        strict=True,
    )
)

ENGLISH_GIVEN_MALE = _words(
    "James John Robert Michael David William Richard Thomas Daniel Matthew Andrew Mark Paul "
    "Steven Kevin Brian George Edward Oliver Jack Harry Samuel Lucas Ethan Noah Liam Henry"
)
ENGLISH_GIVEN_FEMALE = _words(
    "Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Karen Emily Emma Olivia Sophia "
    "Charlotte Amelia Grace Chloe Hannah Laura Rachel Megan Lucy Anna Claire Alice Rose"
)
ENGLISH_SURNAMES = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
    "Jackson White Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker "
    "Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins "
    "Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly "
    "Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders Patel"
)

# Pinyin for building believable e-mail local parts and messaging ids from Chinese names.
PINYIN = {
    "王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang",
    "黄": "huang", "赵": "zhao", "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun",
    "马": "ma", "朱": "zhu", "胡": "hu", "郭": "guo", "何": "he", "高": "gao", "林": "lin",
    "罗": "luo", "郑": "zheng", "梁": "liang", "谢": "xie", "宋": "song", "唐": "tang",
    "许": "xu", "韩": "han", "冯": "feng", "邓": "deng", "曹": "cao", "彭": "peng",
    "曾": "zeng", "肖": "xiao", "田": "tian", "董": "dong", "袁": "yuan", "潘": "pan",
    "于": "yu", "蒋": "jiang", "蔡": "cai", "余": "yu", "杜": "du", "叶": "ye", "程": "cheng",
    "苏": "su", "魏": "wei", "吕": "lv", "丁": "ding", "任": "ren", "沈": "shen", "姚": "yao",
    "卢": "lu", "姜": "jiang", "崔": "cui", "钟": "zhong", "谭": "tan", "陆": "lu", "汪": "wang",
    "范": "fan", "金": "jin", "石": "shi", "廖": "liao", "贾": "jia", "夏": "xia", "韦": "wei",
    "付": "fu", "方": "fang", "白": "bai", "邹": "zou", "孟": "meng", "熊": "xiong",
    "秦": "qin", "邱": "qiu", "江": "jiang", "尹": "yin", "薛": "xue", "闫": "yan",
    "段": "duan", "雷": "lei", "侯": "hou", "龙": "long", "史": "shi", "陶": "tao", "黎": "li",
    "贺": "he", "顾": "gu", "毛": "mao", "郝": "hao", "龚": "gong", "邵": "shao", "万": "wan",
    "钱": "qian", "严": "yan", "覃": "qin", "武": "wu", "戴": "dai", "莫": "mo", "孔": "kong",
    "向": "xiang", "汤": "tang", "欧阳": "ouyang", "司马": "sima", "上官": "shangguan",
    "诸葛": "zhuge", "伟": "wei", "强": "qiang", "磊": "lei", "军": "jun", "洋": "yang",
    "勇": "yong", "杰": "jie", "涛": "tao", "明": "ming", "超": "chao", "辉": "hui",
    "鹏": "peng", "华": "hua", "飞": "fei", "刚": "gang", "平": "ping", "斌": "bin",
    "波": "bo", "宇": "yu", "浩": "hao", "凯": "kai", "健": "jian", "俊": "jun", "帆": "fan",
    "航": "hang", "晨": "chen", "博": "bo", "文": "wen", "振": "zhen", "建": "jian",
    "国": "guo", "志": "zhi", "鑫": "xin", "锋": "feng", "亮": "liang", "芳": "fang",
    "娜": "na", "敏": "min", "静": "jing", "丽": "li", "艳": "yan", "娟": "juan", "霞": "xia",
    "秀": "xiu", "燕": "yan", "玲": "ling", "婷": "ting", "雪": "xue", "琳": "lin",
    "晶": "jing", "颖": "ying", "慧": "hui", "洁": "jie", "倩": "qian", "梅": "mei", "莉": "li",
    "璐": "lu", "瑶": "yao", "欣": "xin", "怡": "yi", "佳": "jia", "雯": "wen", "悦": "yue",
    "萍": "ping", "红": "hong", "蕾": "lei", "薇": "wei", "子": "zi", "一": "yi", "思": "si",
    "嘉": "jia", "梓": "zi", "雨": "yu", "晓": "xiao", "安": "an", "宁": "ning", "若": "ruo",
    "诗": "shi", "天": "tian", "家": "jia", "语": "yu", "泽": "ze",
}  # fmt: skip

# Company names: a city or a made-up brand word, a trade word, and a legal form.
COMPANY_BRANDS = (
    ("恒信", "hengxin"), ("宏达", "hongda"), ("鼎盛", "dingsheng"), ("瑞丰", "ruifeng"),
    ("华美", "huamei"), ("金桥", "jinqiao"), ("博远", "boyuan"), ("新锐", "xinrui"),
    ("联创", "lianchuang"), ("汇通", "huitong"), ("佳和", "jiahe"), ("永昌", "yongchang"),
    ("星河", "xinghe"), ("嘉禾", "jiahe"), ("天成", "tiancheng"), ("顺达", "shunda"),
    ("泰和", "taihe"), ("百盛", "baisheng"), ("万邦", "wanbang"), ("锦程", "jincheng"),
    ("和润", "herun"), ("东方", "dongfang"), ("远航", "yuanhang"), ("中联", "zhonglian"),
)  # fmt: skip
# Trade word (zh, en) and the industry it belongs to, per kind of organization.
COMPANY_TRADES = {
    "distributor": (("电器销售", "Appliance Distribution", "Wholesale"),
                    ("数码科技", "Digital Technology", "Consumer electronics retail"),
                    ("商贸", "Trading", "Wholesale"),
                    ("家电连锁", "Home Appliance Retail", "Consumer electronics retail")),
    "partner": (("安装服务", "Installation Services", "Installation services"),
                ("物流", "Logistics", "Logistics"),
                ("信息技术", "Information Technology", "IT services"),
                ("售后服务", "After-sales Services", "Repair services")),
    "supplier": (("电子元件", "Electronic Components", "Electronic components"),
                 ("精密塑胶", "Precision Plastics", "Plastics manufacturing"),
                 ("包装材料", "Packaging", "Packaging"),
                 ("电池科技", "Battery Technology", "Batteries")),
    "customer": (("酒店管理", "Hotel Management", "Hospitality"),
                 ("物业服务", "Property Services", "Real estate services"),
                 ("教育科技", "Education Technology", "Education"),
                 ("餐饮管理", "Catering", "Food & beverage"),
                 ("医疗器械", "Medical Devices", "Healthcare"),
                 ("健身管理", "Fitness", "Sports & fitness"),
                 ("科技", "Technology", "Software & internet")),
}  # fmt: skip
ENGLISH_COMPANY_WORDS = _words(
    "Northwind Bluewater Summit Harbor Crescent Evergreen Silverline Pinecrest Redwood Oakridge "
    "Brightstone Westfield Lakeside Ironbridge Clearwater"
)

JOB_TITLES = (
    ("采购经理", "Purchasing Manager"),
    ("总经理", "General Manager"),
    ("行政主管", "Office Manager"),
    ("IT 经理", "IT Manager"),
    ("财务总监", "Finance Director"),
    ("运营总监", "Head of Operations"),
    ("采购专员", "Buyer"),
    ("店长", "Store Manager"),
    ("区域经理", "Regional Manager"),
    ("设施经理", "Facilities Manager"),
)


# Zipf-like weights by rank: 王 about 6.5%, the hundredth surname about 0.3%.
_SURNAME_CUM = list(itertools.accumulate(1 / (rank + 5) for rank in range(len(SURNAMES_HANS))))


def chinese_name(rng: random.Random, gender: str) -> tuple[str, str]:
    """Return (family, given) for a mainland person, in simplified characters."""
    if rng.random() < 0.01:
        family = rng.choice(COMPOUND_SURNAMES_HANS)
    else:
        family = rng.choices(SURNAMES_HANS, cum_weights=_SURNAME_CUM)[0]
    pool = GIVEN_MALE_HANS if gender == "male" else GIVEN_FEMALE_HANS
    if rng.random() < 0.35:
        return family, rng.choice(pool)
    first = rng.choice(GIVEN_NEUTRAL_HANS) if rng.random() < 0.4 else rng.choice(pool)
    return family, first + rng.choice(pool)


def traditional_name(rng: random.Random) -> tuple[str, str]:
    """Return (family, given) for a Taiwan or Hong Kong person, in traditional characters."""
    return rng.choice(SURNAMES_HANT), rng.choice(GIVEN_FULL_HANT)


def english_name(rng: random.Random, gender: str) -> tuple[str, str]:
    """Return (family, given) for an English-speaking person."""
    pool = ENGLISH_GIVEN_MALE if gender == "male" else ENGLISH_GIVEN_FEMALE
    return rng.choice(ENGLISH_SURNAMES), rng.choice(pool)


def pinyin(text: str) -> str:
    """Return a rough pinyin spelling of `text` (characters without an entry are dropped)."""
    out = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in PINYIN:
            out.append(PINYIN[pair])
            i += 2
            continue
        out.append(PINYIN.get(text[i], ""))
        i += 1
    return "".join(out)


def gender_for(rng: random.Random) -> str:
    """Return "male" or "female", evenly."""
    return "male" if rng.random() < 0.5 else "female"
