"""The demo company's catalogue: Qingliu 清流, consumer electronics and home appliances.

Categories are two or three levels deep; each name carries the Chinese and the English
word, the way bilingual shop catalogues in China print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

COMPANY_NAME = "清流电器 Qingliu Electric"
COMPANY_DOMAIN = "qingliu.example.com"


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    category: tuple[str, ...]
    price: Decimal


AUDIO = "音频 Audio"
VIDEO = "影音 TV & Video"
SMART = "智能家居 Smart Home"
KITCHEN = "厨房电器 Kitchen"
HOME = "生活电器 Home Appliances"
CARE = "个护健康 Personal Care"
ACCESSORIES = "配件 Accessories"
SERVICES = "服务 Services"

# sku, name, category path, list price (CNY)
_PRODUCTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("QL-AU-TWS-01", "Qingliu Buds Lite 真无线耳机", (AUDIO, "耳机 Headphones", "真无线 True Wireless"), "199"),
    ("QL-AU-TWS-02", "Qingliu Buds 2 真无线耳机", (AUDIO, "耳机 Headphones", "真无线 True Wireless"), "399"),
    ("QL-AU-TWS-03", "Qingliu Buds Pro 2 主动降噪真无线耳机", (AUDIO, "耳机 Headphones", "真无线 True Wireless"), "899"),
    ("QL-AU-TWS-04", "Qingliu Buds Sport 运动耳机", (AUDIO, "耳机 Headphones", "真无线 True Wireless"), "549"),
    ("QL-AU-OVR-01", "Qingliu Studio 头戴式降噪耳机", (AUDIO, "耳机 Headphones", "头戴式 Over-ear"), "1599"),
    ("QL-AU-OVR-02", "Qingliu Studio Max 头戴式 Hi-Res 耳机", (AUDIO, "耳机 Headphones", "头戴式 Over-ear"), "2499"),
    ("QL-AU-OVR-03", "Qingliu Kids 儿童头戴耳机", (AUDIO, "耳机 Headphones", "头戴式 Over-ear"), "259"),
    ("QL-AU-SPK-01", "Qingliu Pebble 便携蓝牙音箱", (AUDIO, "音箱 Speakers", "便携音箱 Portable"), "299"),
    ("QL-AU-SPK-02", "Qingliu Boom 户外防水音箱", (AUDIO, "音箱 Speakers", "便携音箱 Portable"), "699"),
    ("QL-AU-SPK-03", "Qingliu Home 智能音箱", (AUDIO, "音箱 Speakers", "智能音箱 Smart Speakers"), "499"),
    ("QL-AU-SPK-04", "Qingliu Home Max 智能音箱", (AUDIO, "音箱 Speakers", "智能音箱 Smart Speakers"), "1299"),
    ("QL-AU-SBR-01", "Qingliu Cinema 5.1 回音壁", (AUDIO, "音箱 Speakers", "回音壁 Soundbars"), "2999"),
    ("QL-TV-55-01", "Qingliu Vision 55 英寸 4K 电视", (VIDEO, "电视 TVs"), "3299"),
    ("QL-TV-65-01", "Qingliu Vision 65 英寸 4K 电视", (VIDEO, "电视 TVs"), "4999"),
    ("QL-TV-75-01", "Qingliu Vision Pro 75 英寸 Mini LED 电视", (VIDEO, "电视 TVs"), "8999"),
    ("QL-TV-32-01", "Qingliu Vision 32 英寸 高清电视", (VIDEO, "电视 TVs"), "1199"),
    ("QL-TV-PRJ-01", "Qingliu Beam 家用投影仪", (VIDEO, "投影仪 Projectors"), "2799"),
    ("QL-TV-PRJ-02", "Qingliu Beam Mini 便携投影仪", (VIDEO, "投影仪 Projectors"), "1499"),
    ("QL-TV-BOX-01", "Qingliu Stick 4K 电视棒", (VIDEO, "播放器 Streaming"), "269"),
    ("QL-SH-LGT-01", "Qingliu 智能LED灯泡 (E27)", (SMART, "照明 Lighting"), "59"),
    ("QL-SH-LGT-02", "Qingliu 智能吸顶灯", (SMART, "照明 Lighting"), "599"),
    ("QL-SH-LGT-03", "Qingliu 智能灯带 2m", (SMART, "照明 Lighting"), "129"),
    ("QL-SH-SEC-01", "Qingliu 智能门锁 Pro", (SMART, "安防 Security"), "1899"),
    ("QL-SH-SEC-02", "Qingliu 室内摄像头 2K", (SMART, "安防 Security"), "249"),
    ("QL-SH-SEC-03", "Qingliu 可视门铃", (SMART, "安防 Security"), "399"),
    ("QL-SH-SNS-01", "Qingliu 温湿度传感器", (SMART, "传感器 Sensors"), "69"),
    ("QL-SH-SNS-02", "Qingliu 门窗传感器", (SMART, "传感器 Sensors"), "49"),
    ("QL-SH-HUB-01", "Qingliu 智能网关 Hub", (SMART, "网关 Hubs"), "199"),
    ("QL-SH-PLG-01", "Qingliu 智能插座", (SMART, "网关 Hubs"), "79"),
    ("QL-KT-RC-01", "Qingliu IH 电饭煲 4L", (KITCHEN, "电饭煲 Rice Cookers"), "699"),
    ("QL-KT-RC-02", "Qingliu 迷你电饭煲 1.6L", (KITCHEN, "电饭煲 Rice Cookers"), "299"),
    ("QL-KT-AF-01", "Qingliu 空气炸锅 5.5L", (KITCHEN, "空气炸锅 Air Fryers"), "459"),
    ("QL-KT-AF-02", "Qingliu 可视空气炸锅 6L", (KITCHEN, "空气炸锅 Air Fryers"), "649"),
    ("QL-KT-WP-01", "Qingliu 反渗透净水器 800G", (KITCHEN, "净水器 Water Purifiers"), "2599"),
    ("QL-KT-WP-02", "Qingliu 台式净饮机", (KITCHEN, "净水器 Water Purifiers"), "1399"),
    ("QL-KT-KT-01", "Qingliu 恒温电水壶", (KITCHEN, "小厨电 Small Kitchen"), "199"),
    ("QL-KT-BL-01", "Qingliu 破壁料理机", (KITCHEN, "小厨电 Small Kitchen"), "899"),
    ("QL-HA-AP-01", "Qingliu 空气净化器 3", (HOME, "空气净化器 Air Purifiers"), "999"),
    ("QL-HA-AP-02", "Qingliu 空气净化器 Pro", (HOME, "空气净化器 Air Purifiers"), "1999"),
    ("QL-HA-RV-01", "Qingliu 扫地机器人 S1", (HOME, "扫地机器人 Robot Vacuums"), "1499"),
    ("QL-HA-RV-02", "Qingliu 扫拖一体机器人 S2 Pro", (HOME, "扫地机器人 Robot Vacuums"), "3499"),
    ("QL-HA-VC-01", "Qingliu 无线吸尘器 V8", (HOME, "吸尘器 Vacuum Cleaners"), "1199"),
    ("QL-HA-FN-01", "Qingliu 直流变频落地扇", (HOME, "风扇 Fans"), "349"),
    ("QL-HA-FN-02", "Qingliu 无叶暖风扇", (HOME, "风扇 Fans"), "1099"),
    ("QL-HA-DH-01", "Qingliu 除湿机 22L", (HOME, "除湿加湿 Humidity"), "1599"),
    ("QL-HA-HM-01", "Qingliu 无雾加湿器", (HOME, "除湿加湿 Humidity"), "399"),
    ("QL-PC-TB-01", "Qingliu 声波电动牙刷 T300", (CARE, "口腔护理 Oral Care"), "199"),
    ("QL-PC-TB-02", "Qingliu 冲牙器", (CARE, "口腔护理 Oral Care"), "299"),
    ("QL-PC-HD-01", "Qingliu 高速吹风机", (CARE, "美发 Hair Care"), "599"),
    ("QL-PC-SH-01", "Qingliu 电动剃须刀", (CARE, "剃须 Shavers"), "349"),
    ("QL-PC-SC-01", "Qingliu 智能体脂秤", (CARE, "健康监测 Health"), "99"),
    ("QL-PC-MG-01", "Qingliu 筋膜枪", (CARE, "健康监测 Health"), "459"),
    ("QL-AC-CHG-01", "Qingliu 65W 氮化镓充电器", (ACCESSORIES, "充电 Charging"), "149"),
    ("QL-AC-CHG-02", "Qingliu 20000mAh 充电宝", (ACCESSORIES, "充电 Charging"), "169"),
    ("QL-AC-CBL-01", "Qingliu USB-C 编织数据线 1.5m", (ACCESSORIES, "充电 Charging"), "49"),
    ("QL-AC-FLT-01", "空气净化器滤芯 (3/Pro 通用)", (ACCESSORIES, "滤芯耗材 Filters"), "229"),
    ("QL-AC-FLT-02", "净水器 RO 反渗透滤芯", (ACCESSORIES, "滤芯耗材 Filters"), "499"),
    ("QL-AC-FLT-03", "扫地机器人耗材套装", (ACCESSORIES, "滤芯耗材 Filters"), "129"),
    ("QL-AC-CAS-01", "Buds 系列耳机保护套", (ACCESSORIES, "保护套 Cases"), "39"),
    ("QL-AC-MNT-01", "电视挂架 (32–75 英寸)", (ACCESSORIES, "安装配件 Mounts"), "159"),
    ("QL-AC-GFT-01", "会员礼包 Member gift pack", (ACCESSORIES, "礼品 Gifts"), "0"),
    ("QL-SV-WAR-01", "延长保修 1 年 Extended warranty", (SERVICES, "延保 Warranty"), "199"),
    ("QL-SV-WAR-02", "大家电延长保修 2 年", (SERVICES, "延保 Warranty"), "499"),
    ("QL-SV-INS-01", "上门安装服务 Installation", (SERVICES, "安装 Installation"), "99"),
    ("QL-SV-CLN-01", "家电深度清洁服务", (SERVICES, "清洁保养 Care"), "259"),
)  # fmt: skip

PRODUCTS: tuple[ProductSpec, ...] = tuple(
    ProductSpec(sku, name, path, Decimal(price).quantize(Decimal("0.01")))
    for sku, name, path, price in _PRODUCTS
)
GIFT_SKU = "QL-AC-GFT-01"
MAIN_PRODUCTS = tuple(p for p in PRODUCTS if p.category[0] not in {ACCESSORIES, SERVICES})


def category_paths() -> list[tuple[str, ...]]:
    """Return every category path (parents before children), in catalogue order."""
    seen: dict[tuple[str, ...], None] = {}
    for spec in PRODUCTS:
        for depth in range(1, len(spec.category) + 1):
            seen.setdefault(spec.category[:depth], None)
    return list(seen)
