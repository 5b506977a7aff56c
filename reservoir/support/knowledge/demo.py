"""Demo knowledge base: 22 articles in 简体中文, 繁體中文 and English, in four categories.

Call `load_demo()` (idempotent: a second call adds nothing), e.g.
`.venv/bin/python manage.py shell -c "from reservoir.support.knowledge.demo import load_demo; load_demo()"`.
Traditional articles are converted from the Simplified text with OpenCC `s2twp` (Taiwan
wording: 打印机 → 印表機, 网络 → 網路), as a Taiwanese editor would write them.
"""

from __future__ import annotations

import opencc
from django.db import transaction

from reservoir.support.knowledge import services
from reservoir.support.knowledge.models import Article, Category, Language, Visibility

CATEGORIES = [
    ("devices", "设备与网络 · Devices & network", 10),
    ("orders", "订单与配送 · Orders & delivery", 20),
    ("account", "账户与发票 · Account & billing", 30),
    ("internal", "内部流程 · Internal procedures", 40),
]

# key, category, visibility, (zh title, zh body), (en title, en body), also in 繁體?
ARTICLES: list[tuple[str, str, str, tuple[str, str], tuple[str, str], bool]] = [
    (
        "printer-wifi",
        "devices",
        Visibility.PUBLIC,
        (
            "打印机无法连接无线网络怎么办",
            "<p>如果打印机无法连接无线网络，请按以下步骤检查：</p><ol><li>确认路由器已开启，并且手机能正常上网。</li>"
            "<li>在打印机面板上选择“设置 → 无线网络”，重新输入 Wi-Fi 密码（区分大小写）。</li>"
            "<li>打印机只支持 2.4 GHz 频段，请在路由器中开启 2.4 GHz 网络。</li>"
            "<li>仍然失败时，长按打印机电源键 10 秒恢复网络设置后重试。</li></ol>",
        ),
        (
            "Printer cannot connect to the wireless network",
            "<p>If your printer does not connect to Wi-Fi, check these steps:</p><ol><li>Make sure the router is on and other devices are online.</li>"
            "<li>On the printer panel choose <strong>Settings → Wireless</strong> and enter the Wi-Fi password again (it is case-sensitive).</li>"
            "<li>The printer only supports the 2.4 GHz band: enable it on your router.</li>"
            "<li>Still failing? Hold the power button for 10 seconds to reset the network settings and try again.</li></ol>",
        ),
        True,
    ),
    (
        "router-reset",
        "devices",
        Visibility.PUBLIC,
        (
            "如何重置路由器并恢复出厂设置",
            "<p>重置会清除路由器的所有设置，包括 Wi-Fi 名称和密码。</p><ol><li>找到路由器背面的 RESET 小孔。</li>"
            "<li>通电状态下用牙签按住 8 秒，指示灯全部闪烁后松开。</li><li>等待约 2 分钟重启，然后用默认密码（见底部标签）登录管理页面重新设置。</li></ol>",
        ),
        (
            "Resetting the router to factory settings",
            "<p>A reset erases every router setting, including the Wi-Fi name and password.</p><ol><li>Find the RESET pinhole on the back of the router.</li>"
            "<li>With the router powered on, press and hold it for 8 seconds until all lights flash.</li>"
            "<li>Wait about 2 minutes for the restart, then sign in with the default password on the label and set it up again.</li></ol>",
        ),
        True,
    ),
    (
        "warranty",
        "devices",
        Visibility.PUBLIC,
        (
            "保修政策与保修期查询",
            "<p>所有设备自签收之日起享受 <strong>12 个月</strong>免费保修，打印头和电池保修 6 个月。</p>"
            "<p>人为损坏、进水和私自拆机不在保修范围内。请在客户门户的“我的设备”中输入序列号查询保修期。</p>",
        ),
        (
            "Warranty policy and checking your warranty period",
            "<p>Every device has a <strong>12-month</strong> free warranty from the day of delivery; print heads and batteries are covered for 6 months.</p>"
            "<p>Accidental damage, liquid damage and devices opened by the owner are not covered. Enter the serial number under <em>My devices</em> in the customer portal to check your warranty.</p>",
        ),
        False,
    ),
    (
        "returns",
        "orders",
        Visibility.PUBLIC,
        (
            "七天无理由退货流程",
            "<p>签收后 7 天内，商品未使用且包装完好，可申请无理由退货。</p><ol><li>在门户“我的订单”中点击“申请退货”。</li>"
            "<li>选择退货原因并上传照片。</li><li>审核通过后按短信中的地址寄回，退款在收到商品后 3 个工作日内原路退回。</li></ol>",
        ),
        (
            "How to return an item within 7 days",
            "<p>Within 7 days of delivery you may return an unused item in its original packaging, no reason needed.</p><ol><li>In the portal open <em>My orders</em> and click <strong>Return</strong>.</li>"
            "<li>Choose a reason and upload photos.</li><li>Once approved, ship it to the address in the text message; refunds are paid back within 3 working days of arrival.</li></ol>",
        ),
        True,
    ),
    (
        "delivery",
        "orders",
        Visibility.PUBLIC,
        (
            "查询物流与配送时间",
            "<p>订单发货后，您会收到含快递单号的短信。一线城市通常 1–2 天送达，其他地区 2–4 天。</p>"
            "<p>在门户“我的订单”中可以查看实时物流。超过 5 天未送达，请联系客服。</p>",
        ),
        (
            "Tracking your delivery",
            "<p>When your order ships you receive a text message with the tracking number. Deliveries usually arrive in 1–2 days in major cities and 2–4 days elsewhere.</p>"
            "<p>Follow the parcel under <em>My orders</em> in the portal. Not delivered after 5 days? Contact us.</p>",
        ),
        False,
    ),
    (
        "invoice",
        "account",
        Visibility.PUBLIC,
        (
            "如何申请和下载电子发票",
            "<p>订单完成后可以在门户申请增值税电子发票。</p><ol><li>打开“我的订单”，选择订单后点击“申请发票”。</li>"
            "<li>填写发票抬头和税号。</li><li>发票开具后会发送到您的邮箱，也可以在订单详情中下载 PDF。</li></ol>",
        ),
        (
            "Requesting and downloading an electronic invoice",
            "<p>Once an order is complete you can request an electronic VAT invoice in the portal.</p><ol><li>Open <em>My orders</em>, choose the order and click <strong>Request invoice</strong>.</li>"
            "<li>Enter the company name and tax number.</li><li>The invoice is emailed to you and can be downloaded as a PDF from the order.</li></ol>",
        ),
        False,
    ),
    (
        "password",
        "account",
        Visibility.PUBLIC,
        (
            "忘记密码？重置门户登录密码",
            "<p>在登录页点击“忘记密码”，输入注册时的手机号或邮箱，我们会发送验证码。</p>"
            "<p>验证码 10 分钟内有效。新密码至少 8 位，需包含字母和数字。连续输错 5 次账户会锁定 30 分钟。</p>",
        ),
        (
            "Forgot your password? Resetting your portal password",
            "<p>On the sign-in page click <strong>Forgot password</strong> and enter the mobile number or email you registered with; we send you a code.</p>"
            "<p>The code is valid for 10 minutes. New passwords need at least 8 characters with letters and digits. After 5 wrong attempts the account is locked for 30 minutes.</p>",
        ),
        True,
    ),
    (
        "refund-approval",
        "internal",
        Visibility.INTERNAL,
        (
            "退款审批权限（内部）",
            "<p>500 元以下的退款，客服专员可直接批准；500–5000 元需组长审批；超过 5000 元需服务经理审批。</p>"
            "<p>对 VIP 客户，在投诉处理期间可先退款后补审批，但必须在 24 小时内补齐。</p>",
        ),
        (
            "Refund approval limits (internal)",
            "<p>Service agents approve refunds up to ¥500 themselves; ¥500–5,000 needs a team lead; above ¥5,000 a service manager.</p>"
            "<p>For VIP customers with an open complaint you may refund first and get the approval within 24 hours.</p>",
        ),
        False,
    ),
    (
        "escalation",
        "internal",
        Visibility.INTERNAL,
        (
            "工单升级规则（内部）",
            "<p>以下情况立即升级给二线技术支持：同一故障第三次来电、设备冒烟或发热、企业客户整网中断。</p>"
            "<p>升级时在工单中写明已尝试的步骤，并附上设备序列号和固件版本。</p>",
        ),
        (
            "When to escalate a case (internal)",
            "<p>Escalate to second-line support at once when a customer calls a third time about the same fault, a device smokes or overheats, or a business customer's whole network is down.</p>"
            "<p>Write the steps already tried in the case and attach the serial number and firmware version.</p>",
        ),
        False,
    ),
]


@transaction.atomic
def load_demo() -> list[Article]:
    """Create the demo categories and published articles; return the articles created.

    Side effects: categories, articles, versions, index rows, audit entries (system actor).
    """
    if Article.objects.filter(translation_key__startswith="demo").exists():
        return []
    to_tw = opencc.OpenCC("s2twp")
    categories = {}
    for slug, name, order in CATEGORIES:
        category = Category.objects.filter(slug=f"demo-{slug}").first()
        categories[slug] = category or Category.objects.create(
            slug=f"demo-{slug}", name=name, order=order
        )
    created: list[Article] = []
    for key, cat, visibility, (zh_title, zh_body), (en_title, en_body), hant in ARTICLES:
        versions = [(Language.ZH_HANS, zh_title, zh_body), (Language.EN, en_title, en_body)]
        if hant:
            versions.append((Language.ZH_HANT, to_tw.convert(zh_title), to_tw.convert(zh_body)))
        for language, title, body in versions:
            created.append(
                services.create_article(
                    by=None,
                    title=title,
                    body_html=body,
                    language=language,
                    category=categories[cat],
                    visibility=visibility,
                    translation_key=f"demo{key}",
                    publish=True,
                )
            )
    return created
