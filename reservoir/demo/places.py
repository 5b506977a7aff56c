"""Addresses and phone numbers: mainland China (province → city → district → street), Hong
Kong, Taiwan, and a few Western countries."""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers

# Sales regions: "east" is served by East China Sales, "north" by North China Sales; the
# other regions have no rep of their own (their customers are the unowned pool).
# province, sales region, {city: (postal prefix, districts)}
MAINLAND: tuple[tuple[str, str, dict[str, tuple[str, tuple[str, ...]]]], ...] = (
    ("上海市", "east", {"上海市": ("200", ("浦东新区", "徐汇区", "静安区", "黄浦区", "长宁区", "闵行区", "杨浦区"))}),
    ("江苏省", "east", {"南京市": ("210", ("玄武区", "鼓楼区", "建邺区", "江宁区")),
                        "苏州市": ("215", ("姑苏区", "工业园区", "吴中区", "相城区")),
                        "无锡市": ("214", ("梁溪区", "滨湖区", "新吴区"))}),
    ("浙江省", "east", {"杭州市": ("310", ("西湖区", "上城区", "拱墅区", "滨江区", "余杭区")),
                        "宁波市": ("315", ("海曙区", "鄞州区", "江北区")),
                        "温州市": ("325", ("鹿城区", "瓯海区"))}),
    ("安徽省", "east", {"合肥市": ("230", ("蜀山区", "包河区", "庐阳区"))}),
    ("福建省", "east", {"厦门市": ("361", ("思明区", "湖里区", "集美区")),
                        "福州市": ("350", ("鼓楼区", "台江区", "仓山区"))}),
    ("山东省", "east", {"济南市": ("250", ("历下区", "市中区", "槐荫区")),
                        "青岛市": ("266", ("市南区", "市北区", "崂山区", "黄岛区"))}),
    ("北京市", "north", {"北京市": ("100", ("朝阳区", "海淀区", "东城区", "西城区", "丰台区", "通州区"))}),
    ("天津市", "north", {"天津市": ("300", ("和平区", "南开区", "河西区", "滨海新区"))}),
    ("河北省", "north", {"石家庄市": ("050", ("长安区", "桥西区", "裕华区")),
                         "保定市": ("071", ("竞秀区", "莲池区"))}),
    ("山西省", "north", {"太原市": ("030", ("小店区", "迎泽区", "杏花岭区"))}),
    ("内蒙古自治区", "north", {"呼和浩特市": ("010", ("新城区", "赛罕区"))}),
    ("辽宁省", "north", {"沈阳市": ("110", ("和平区", "沈河区", "浑南区")),
                         "大连市": ("116", ("中山区", "沙河口区", "甘井子区"))}),
    ("广东省", "south", {"广州市": ("510", ("天河区", "越秀区", "海珠区", "番禺区", "白云区")),
                         "深圳市": ("518", ("南山区", "福田区", "宝安区", "龙岗区", "罗湖区")),
                         "东莞市": ("523", ("南城街道", "东城街道", "松山湖"))}),
    ("湖北省", "south", {"武汉市": ("430", ("江汉区", "武昌区", "洪山区", "汉阳区"))}),
    ("湖南省", "south", {"长沙市": ("410", ("岳麓区", "芙蓉区", "天心区", "雨花区"))}),
    ("四川省", "west", {"成都市": ("610", ("锦江区", "武侯区", "青羊区", "高新区", "成华区"))}),
    ("重庆市", "west", {"重庆市": ("400", ("渝中区", "江北区", "南岸区", "渝北区"))}),
    ("陕西省", "west", {"西安市": ("710", ("雁塔区", "碑林区", "未央区", "长安区"))}),
    ("云南省", "west", {"昆明市": ("650", ("五华区", "盘龙区", "官渡区"))}),
)  # fmt: skip
# Mainland population weights by sales region (East and North carry most customers).
REGION_WEIGHTS = {"east": 45, "north": 30, "south": 17, "west": 8}

STREETS_HANS = (
    "人民路", "中山路", "解放路", "建设路", "长江路", "和平路", "新华路", "文化路", "南京路",
    "延安路", "学院路", "科技路", "金融街", "世纪大道", "滨江大道", "东风路", "光明路",
    "青年路", "花园路", "幸福路", "朝阳路", "湖滨路", "钱塘路", "望江路", "星湖街",
)  # fmt: skip
COMPOUNDS_HANS = (
    "阳光花园", "锦绣华庭", "碧水湾", "翠湖天地", "世纪名苑", "金色家园", "万科城", "绿城桂花园",
    "保利香槟国际", "华润置地广场", "中海国际社区", "龙湖天街",
)  # fmt: skip
OFFICES_HANS = ("科技园", "国际大厦", "商务中心", "金融中心", "创意产业园", "财富广场")

HONG_KONG = (
    ("香港島", "中西區", "皇后大道中", "999"), ("香港島", "灣仔區", "軒尼詩道", "999"),
    ("香港島", "東區", "英皇道", "999"), ("九龍", "油尖旺區", "彌敦道", "999"),
    ("九龍", "觀塘區", "觀塘道", "999"), ("新界", "沙田區", "沙田正街", "999"),
)  # fmt: skip
TAIWAN = (
    ("臺北市", "大安區", "忠孝東路四段", "106"), ("臺北市", "信義區", "松仁路", "110"),
    ("臺北市", "中山區", "南京東路二段", "104"), ("新北市", "板橋區", "文化路一段", "220"),
    ("臺中市", "西屯區", "臺灣大道三段", "407"), ("高雄市", "苓雅區", "四維三路", "802"),
)  # fmt: skip
# country, region, city, postal code, streets, phone country code, area codes
WESTERN = (
    ("US", "CA", "San Francisco", "94105", ("Market Street", "Mission Street", "Howard Street")),
    ("US", "NY", "New York", "10016", ("Lexington Avenue", "Park Avenue South", "East 34th Street")),
    ("US", "WA", "Seattle", "98101", ("Pine Street", "Union Street", "4th Avenue")),
    ("US", "MA", "Boston", "02116", ("Boylston Street", "Newbury Street")),
    ("CA", "ON", "Toronto", "M5V 2T6", ("King Street West", "Spadina Avenue")),
    ("CA", "BC", "Vancouver", "V6B 1A1", ("Granville Street", "Robson Street")),
    ("GB", "", "London", "EC2A 4NE", ("Old Street", "Commercial Road", "Holloway Road")),
    ("GB", "", "Manchester", "M1 1AD", ("Deansgate", "Oxford Road")),
    ("GB", "", "Edinburgh", "EH2 2ER", ("George Street", "Rose Street")),
)  # fmt: skip
AREA_CODES = {"US": ("415", "212", "206", "617"), "CA": ("416", "604")}
# Mainland city: (telephone area code, pinyin)
CITY_INFO = {
    "上海市": ("21", "shanghai"), "南京市": ("25", "nanjing"), "苏州市": ("512", "suzhou"),
    "无锡市": ("510", "wuxi"), "杭州市": ("571", "hangzhou"), "宁波市": ("574", "ningbo"),
    "温州市": ("577", "wenzhou"), "合肥市": ("551", "hefei"), "厦门市": ("592", "xiamen"),
    "福州市": ("591", "fuzhou"), "济南市": ("531", "jinan"), "青岛市": ("532", "qingdao"),
    "北京市": ("10", "beijing"), "天津市": ("22", "tianjin"), "石家庄市": ("311", "shijiazhuang"),
    "保定市": ("312", "baoding"), "太原市": ("351", "taiyuan"), "呼和浩特市": ("471", "huhehaote"),
    "沈阳市": ("24", "shenyang"), "大连市": ("411", "dalian"), "广州市": ("20", "guangzhou"),
    "深圳市": ("755", "shenzhen"), "东莞市": ("769", "dongguan"), "武汉市": ("27", "wuhan"),
    "长沙市": ("731", "changsha"), "成都市": ("28", "chengdu"), "重庆市": ("23", "chongqing"),
    "西安市": ("29", "xian"), "昆明市": ("871", "kunming"),
}  # fmt: skip
CN_MOBILE_PREFIXES = tuple(
    str(n)
    for n in (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 176, 177, 178,
              *range(180, 190), 191, 198, 199)
)  # fmt: skip


@dataclass(frozen=True)
class Address:
    """A postal address as the PostalAddress model stores it."""

    format: str
    country: str
    region: str
    city: str
    district: str
    street: str
    postal_code: str


def pick_mainland_region(rng: random.Random) -> str:
    """Return a sales region weighted by where the customers are."""
    names = list(REGION_WEIGHTS)
    return rng.choices(names, weights=[REGION_WEIGHTS[n] for n in names])[0]


def mainland_address(rng: random.Random, region: str, *, office: bool = False) -> Address:
    """Return a Chinese-format address in `region`: a home, or an office when `office`."""
    province, _region, cities = rng.choice([p for p in MAINLAND if p[1] == region])
    city = rng.choice(sorted(cities))
    prefix, districts = cities[city]
    street = f"{rng.choice(STREETS_HANS)}{rng.randint(1, 1288)}号"
    if office:
        street += f"{rng.choice(OFFICES_HANS)}{rng.choice('ABCD')}座{rng.randint(2, 32)}层"
    else:
        street += (
            f"{rng.choice(COMPOUNDS_HANS)}{rng.randint(1, 24)}栋"
            f"{rng.randint(1, 4)}单元{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"
        )
    # Municipalities read "上海 / 上海市" in the province and city pickers of Chinese shops.
    return Address(
        format="zh",
        country="CN",
        region=province.removesuffix("市") if province == city else province,
        city=city,
        district=rng.choice(districts),
        street=street,
        postal_code=f"{prefix}{rng.randint(0, 999):03d}",
    )


def hong_kong_address(rng: random.Random) -> Address:
    """Return a Hong Kong address in traditional characters (Chinese order)."""
    area, district, road, _code = rng.choice(HONG_KONG)
    street = f"{road}{rng.randint(1, 688)}號{rng.randint(2, 40)}樓{rng.choice('ABCDEFGH')}室"
    return Address("zh", "HK", "香港", area, district, street, "")


def taiwan_address(rng: random.Random) -> Address:
    """Return a Taiwan address in traditional characters (Chinese order)."""
    city, district, road, code = rng.choice(TAIWAN)
    street = f"{road}{rng.randint(1, 300)}號{rng.randint(2, 18)}樓"
    return Address("zh", "TW", "", city, district, street, code)


def western_address(rng: random.Random, *, office: bool = False) -> Address:
    """Return a Western-format address in the US, Canada or the UK."""
    country, region, city, postal, streets = rng.choice(WESTERN)
    street = f"{rng.randint(1, 2400)} {rng.choice(streets)}"
    if office:
        street += f", Suite {rng.randint(1, 30)}00"
    elif rng.random() < 0.4:
        street += f", Apt {rng.randint(1, 25)}{rng.choice('ABCDEF')}"
    return Address("western", country, region, city, "", street, postal)


def _valid(e164: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))


def phone_number(rng: random.Random, country: str) -> str:
    """Return a valid E.164 mobile number for `country` (CN, HK, TW, US, CA or GB)."""
    for _attempt in range(20):
        if country == "CN":
            number = f"+86{rng.choice(CN_MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"
        elif country == "HK":
            number = f"+852{rng.choice('569')}{rng.randint(0, 9_999_999):07d}"
        elif country == "TW":
            number = f"+8869{rng.randint(0, 99_999_999):08d}"
        elif country in AREA_CODES:
            # 555-01xx is reserved for fiction in North America.
            number = f"+1{rng.choice(AREA_CODES[country])}5550{rng.randint(100, 199)}"
        else:
            number = f"+447{rng.randint(400, 999)}{rng.randint(0, 999_999):06d}"
        if _valid(number):
            return number
    raise RuntimeError(f"no valid phone number generated for {country}")


def landline(rng: random.Random, address: Address) -> str:
    """Return an office switchboard number in the address's country (for fax lines too)."""
    if address.country != "CN":
        return phone_number(rng, address.country)
    code = CITY_INFO.get(address.city, ("21", ""))[0]
    for attempt in range(20):
        digits = 8 if attempt % 2 == 0 else 7
        number = f"+86{code}{rng.choice('2345678')}{rng.randint(0, 10 ** (digits - 1) - 1):0{digits - 1}d}"
        if _valid(number):
            return number
    return phone_number(rng, "CN")
