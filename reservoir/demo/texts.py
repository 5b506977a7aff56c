"""Subjects and short bodies for demo interactions, in Chinese and English.

Each template holds (subject, body) in simplified Chinese and in English; traditional
Chinese is derived for Taiwan and Hong Kong customers.
"""

from __future__ import annotations

import random
from typing import Any

from reservoir.demo.hant import to_hant

T = dict[str, tuple[tuple[str, str], tuple[str, str]]]

TEMPLATES: T = {
    "web_product": (("浏览商品：{product}", "https://www.qingliu.example.com/p/{sku}"),
                    ("Viewed {product}", "https://www.qingliu.example.com/en/p/{sku}")),
    "web_page": (("浏览页面：{page_zh}", "https://www.qingliu.example.com/{path}"),
                 ("Viewed {page_en}", "https://www.qingliu.example.com/en/{path}")),
    "sms_shipped": (("订单已发货 {order}", "【清流电器】您的订单{order}已发货，顺丰单号 SF{tracking}，请注意查收。"),
                    ("Order {order} shipped", "[Qingliu] Your order {order} has shipped. Tracking: SF{tracking}.")),
    "sms_delivered": (("订单已签收 {order}", "【清流电器】您的订单{order}已签收。注册保修可享延保优惠，回复 TD 退订。"),
                      ("Order {order} delivered", "[Qingliu] Order {order} was delivered. Register the warranty for extra cover. Reply STOP to opt out.")),
    "email_order_confirm": (("订单确认 {order}", "您好，贵司订单{order}已确认，合计 ¥{total}，预计 3 个工作日内发货。"),
                            ("Order confirmation {order}", "Hello, your order {order} is confirmed (¥{total}); it ships within 3 working days.")),
    "fax_order": (("传真订单回执 {order}", "已收到贵司传真订单{order}，请核对数量与单价后回传签字。"),
                  ("Fax order acknowledgement {order}", "We received your faxed order {order}; please check quantities and prices, sign and fax back.")),
    "fax_statement": (("{month} 对账单", "附 {month} 对账单，请核对后盖章回传。"),
                      ("Statement of account {month}", "Please find the statement for {month}; sign and return by fax.")),
    "fax_signed": (("回传：{month} 对账单（已盖章）", "对账无误，已盖章回传。"),
                   ("Returned: statement {month} (signed)", "Statement checked and signed.")),
    "portal_warranty": (("注册保修：{product}", "序列号 {serial}，购买日期 {date}。"),
                        ("Warranty registered: {product}", "Serial {serial}, bought on {date}.")),
    "portal_invoice": (("下载发票 {order}", "增值税专用发票已下载。"),
                       ("Downloaded invoice for {order}", "Invoice PDF downloaded.")),
    "portal_address": (("更新收货地址", "客户在会员中心修改了默认收货地址。"),
                       ("Updated delivery address", "The customer changed the default delivery address.")),
    "portal_request": (("提交服务申请：{issue}", "客户在会员中心提交服务申请：{issue}。"),
                       ("Service request: {issue}", "Submitted from the customer portal: {issue}.")),
    "survey": (("服务满意度评价", "评分 {score}/5。{comment}"),
               ("Service satisfaction survey", "Score {score}/5. {comment}")),
    "ivr_status": (("IVR 自助查询：订单状态", "来电号码识别成功；菜单 1-订单查询；自助完成。"),
                   ("IVR self-service: order status", "Caller identified by number; menu 1 (orders); self-service completed.")),
    "ivr_service": (("IVR：售后服务 → 转人工", "菜单 2-售后服务；等待 {wait} 秒后转接人工坐席。"),
                    ("IVR: after-sales → agent", "Menu 2 (after-sales); transferred to an agent after {wait} s.")),
    "phone_service": (("来电：{issue}", "客户来电反映{issue}。{advice}"),
                      ("Call: {issue}", "Customer reported: {issue}. {advice_en}")),
    "phone_inquiry": (("来电咨询：{product}", "客户询问{product}{question}已答复：{answer}"),
                      ("Call: question about {product}", "Asked whether the {product} would {question_en} Answered: {answer_en}")),
    "phone_callback": (("回访：{issue}", "回访客户，确认问题已解决。"),
                       ("Call back: {issue}", "Called back to confirm the fix worked.")),
    "phone_care": (("购后回访：{product}", "客户反馈使用良好，提醒注册保修。"),
                   ("Follow-up call: {product}", "Customer is happy with it; reminded them to register the warranty.")),
    "phone_lead": (("电话跟进：{product}", "介绍{product}及当前优惠，客户表示{reaction}。"),
                   ("Follow-up call: {product}", "Presented {product} and the current offer; the customer {reaction_en}.")),
    "email_issue": (("报修：{issue}", "你好，我的{product}出现{issue}的问题，请帮忙处理。"),
                    ("Problem: {issue}", "Hello, my {product} has a problem: {issue}. Please help.")),
    "phone_supplier": (("交期沟通", "确认下月物料交期与数量。"),
                       ("Delivery schedule call", "Confirmed next month's deliveries and quantities.")),
    "phone_partner": (("安装工单协调", "协调本周上门安装工单与备件。"),
                      ("Installation jobs call", "Coordinated this week's installation jobs and spare parts.")),
    "chat_service": (("在线客服：{issue}", "客户咨询：{issue}。已提供排查步骤。"),
                     ("Chat: {issue}", "Customer asked about: {issue}. Sent troubleshooting steps.")),
    "chat_presale": (("售前咨询：{product}", "请问{product}{question}"),
                     ("Pre-sales chat: {product}", "Does the {product} {question_en}")),
    "msg_question": (("{app}咨询：{product}", "您好，请问{product}{question}"),
                     ("{app}: {product}", "Hi, does the {product} {question_en}")),
    "msg_reply": (("回复：{product}", "您好！{answer}如有其他问题随时联系我们。"),
                  ("Re: {product}", "Hi! {answer_en} Let us know if there is anything else.")),
    "email_service": (("关于“{issue}”的处理进展", "您好，关于您反映的{issue}，我们已安排处理，预计 2 个工作日内回复。"),
                      ("Update on: {issue}", "Hello, we are working on the {issue} you reported and will reply within 2 working days.")),
    "email_rfq": (("询价：{product} × {qty}", "请报{product} {qty} 台的价格及交期，含税含运。"),
                  ("Request for quotation: {product} × {qty}", "Please quote {qty} units of {product}, tax and delivery included.")),
    "email_quote": (("报价单 Q-{num}", "附报价单 Q-{num}：{product} × {qty}，含税单价 ¥{price}，报价有效期 30 天。"),
                    ("Quotation Q-{num}", "Attached quotation Q-{num}: {product} × {qty} at ¥{price} a unit incl. VAT, valid 30 days.")),
    "email_intro": (("清流电器 {year} 新品与渠道政策", "附 {year} 年新品目录及渠道政策，期待进一步沟通。"),
                    ("Qingliu {year} products and partner terms", "Attached our {year} catalogue and partner terms; happy to discuss.")),
    "meeting_qbr": (("{year} 年 Q{q} 业务回顾", "回顾本季度销量、库存与回款，确定下季度备货计划。"),
                    ("Quarterly business review Q{q} {year}", "Reviewed sales, stock and payments; agreed next quarter's stock plan.")),
    "meeting_briefing": (("新品推介：{product}", "现场演示{product}，讨论首批备货数量与陈列支持。"),
                         ("Product briefing: {product}", "Demonstrated the {product}; discussed a first order and display support.")),
    "meeting_contract": (("{year} 年度框架协议洽谈", "就年度返利、账期和区域保护进行洽谈。"),
                         ("{year} framework agreement talks", "Negotiated yearly rebates, payment terms and territory.")),
    "meeting_supplier": (("供应商季度评审", "评审交期达成率与来料不良率，确认改善计划。"),
                         ("Supplier quarterly review", "Reviewed on-time delivery and incoming defects; agreed actions.")),
    "meeting_partner": (("服务合作月度会", "核对上门安装单量与结算，培训新品安装规范。"),
                        ("Monthly partner meeting", "Checked installation volumes and billing; trained on new products.")),
    "visit_store": (("门店巡检及样机陈列", "检查样机陈列与价签，补充宣传物料。"),
                    ("Store check and display units", "Checked display units and price tags; restocked brochures.")),
    "visit_repair": (("上门维修：{issue}", "工程师上门检测，{fix}。"),
                     ("On-site repair: {issue}", "Technician visited: {fix_en}.")),
    "visit_install": (("上门安装：{product}", "安装调试完成，已向客户演示使用方法。"),
                      ("Installation: {product}", "Installed and tested; showed the customer how to use it.")),
    "visit_showroom": (("到店体验：{product}", "客户到体验店试用{product}，留下联系方式。"),
                       ("Showroom visit: {product}", "Customer tried the {product} in the store and left contact details.")),
    "letter_contract": (("寄送 {year} 年度经销协议", "经销协议一式两份，请签字盖章后寄回一份。"),
                        ("{year} distribution agreement by post", "Two copies enclosed; please sign and return one.")),
    "letter_greeting": (("新春贺卡", "恭贺新禧！感谢您一年来对清流电器的支持。"),
                        ("Lunar New Year card", "Happy New Year, and thank you for your support this year.")),
    "letter_catalogue": (("寄送 {year} 产品目录", "随信附上 {year} 年产品目录及价目表。"),
                         ("{year} printed catalogue", "Enclosed our {year} catalogue and price list.")),
    "letter_complaint": (("客户来信：{issue}", "客户来信反映{issue}，要求尽快处理。"),
                         ("Letter from customer: {issue}", "Letter about {issue}; asks for a quick resolution.")),
    "campaign": (("{name_zh}", "{body_zh}"), ("{name_en}", "{body_en}")),
}  # fmt: skip

# Category (top level) → issues: (zh, en, advice zh, advice en, on-site fix zh, fix en)
ISSUES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "音频 Audio": (("耳机无法配对", "earbuds won't pair", "指导重置耳机并重新配对", "Walked through a reset and re-pairing."),
                 ("单耳没有声音", "no sound from one earbud", "建议清洁充电触点", "Advised cleaning the charging contacts."),
                 ("充电盒不充电", "charging case won't charge", "安排寄修", "Arranged a mail-in repair.")),
    "影音 TV & Video": (("电视无信号", "TV shows no signal", "指导切换信号源", "Walked through switching the input."),
                      ("屏幕出现亮线", "line across the screen", "安排工程师上门", "Booked a technician."),
                      ("遥控器失灵", "remote control not working", "指导重新配对遥控器", "Re-paired the remote.")),
    "智能家居 Smart Home": (("设备频繁离线", "device keeps going offline", "建议更换 2.4G 频段", "Advised the 2.4 GHz band."),
                          ("门锁指纹识别失败", "fingerprint not recognised", "指导重新录入指纹", "Re-enrolled the fingerprints.")),
    "厨房电器 Kitchen": (("电饭煲显示 E3", "rice cooker shows error E3", "建议检查内胆放置", "Advised reseating the inner pot."),
                       ("净水器漏水", "water purifier leaking", "安排工程师上门", "Booked a technician."),
                       ("滤芯寿命提醒", "filter replacement alert", "推荐购买原装滤芯", "Recommended an original filter.")),
    "生活电器 Home Appliances": (("扫地机器人经常卡住", "robot vacuum keeps getting stuck", "建议设置禁区", "Advised no-go zones."),
                               ("空气净化器异响", "air purifier is noisy", "安排上门检测", "Booked an inspection."),
                               ("除湿机不排水", "dehumidifier not draining", "指导检查水箱浮球", "Checked the tank float.")),
    "个护健康 Personal Care": (("牙刷不充电", "toothbrush won't charge", "安排换新", "Arranged a replacement."),
                             ("吹风机过热断电", "hair dryer cuts out", "建议清理进风口", "Advised cleaning the air inlet.")),
}  # fmt: skip
GENERAL_ISSUES = (
    ("退货申请", "return request", "已登记退货并安排取件", "Logged the return and booked a pickup."),
    ("发票开具", "invoice request", "已重新开具电子发票", "Reissued the e-invoice."),
    ("物流延迟", "late delivery", "已催促物流并补偿优惠券", "Chased the courier; sent a voucher."),
    ("商品破损", "item arrived damaged", "安排换货", "Arranged an exchange."),
)  # fmt: skip
ON_SITE_FIXES = (("更换主板后恢复正常", "replaced the main board"),
                 ("清洁保养后恢复正常", "cleaned and serviced the unit"),
                 ("更换配件后恢复正常", "replaced a part"))  # fmt: skip
QUESTIONS = (("支持无线充电吗？", "support wireless charging?", "支持 Qi 无线充电。", "Yes, it supports Qi wireless charging."),
             ("有现货吗？什么时候能发货？", "ship soon — is it in stock?", "有现货，今天下单明天发货。", "It's in stock; order today and it ships tomorrow."),
             ("可以开专票吗？", "come with a VAT invoice?", "可以开具增值税专用发票。", "Yes, we can issue a VAT invoice."),
             ("保修多久？", "come with a warranty?", "整机保修两年。", "Two years' warranty on the whole unit."),
             ("能以旧换新吗？", "qualify for trade-in?", "可以参加以旧换新，最高抵 500 元。", "Yes, trade-in is worth up to ¥500."))  # fmt: skip
SURVEY_COMMENTS = (("客服很耐心。", "Very patient agent."), ("处理速度快。", "Quick fix."),
                   ("等待时间有点长。", "Waited a bit long."), ("问题解决了，谢谢！", "Solved, thanks!"),
                   ("", ""))  # fmt: skip
PAGES = (("首页", "home page", ""), ("新品上市", "new arrivals", "new"), ("会员中心", "member centre", "member"),
         ("以旧换新", "trade-in", "trade-in"), ("门店查询", "store finder", "stores"),
         ("服务支持", "support", "support"), ("促销活动", "offers", "offers"))  # fmt: skip
REACTIONS = (("有兴趣，下周再联系", "is interested; call again next week", "interested"),
             ("暂时不需要", "does not need it for now", "not_interested"),
             ("需要和家人商量", "wants to talk it over at home", "follow_up"))  # fmt: skip


def render(key: str, language: str, **values: object) -> tuple[str, str]:
    """Return (subject, body) for template `key` in the party's language."""
    zh, en = TEMPLATES[key]
    subject, body = en if language == "en" else zh
    subject, body = subject.format(**values), body.format(**values)
    if language == "zh-hant":
        return to_hant(subject), to_hant(body)
    return subject, body


def question(rng: random.Random) -> dict[str, Any]:
    """Return a pre-sales question and its answer as template values."""
    zh, en, answer, answer_en = rng.choice(QUESTIONS)
    return {"question": zh, "question_en": en, "answer": answer, "answer_en": answer_en}
