"""The first message templates: every event by email in Chinese and English, and the
customer's events also by SMS and WeChat. Managers edit them on the templates page."""

from django.db import migrations

SIGN_ZH = "\n\n{{ service_name }} 客户服务中心"
SIGN_EN = "\n\nKind regards,\n{{ service_name }} Customer Service"
REACH_ZH = (
    "如有任何疑问，请直接回复本邮件并注明单号 {{ request_number }}"
    "{% if service_phone %}，或致电服务热线 {{ service_phone }}{% endif %}。"
)
REACH_EN = (
    "If you have any questions, just reply to this email quoting {{ request_number }}"
    "{% if service_phone %} or call our service hotline on {{ service_phone }}{% endif %}."
)
STAFF_LINK_ZH = "{% if request_url %}\n\n打开工单：{{ request_url }}{% endif %}"
STAFF_LINK_EN = "{% if request_url %}\n\nOpen the request: {{ request_url }}{% endif %}"

EMAIL = {
    "request_received": {
        "zh-hans": (
            "【{{ service_name }}】我们已收到您的服务请求 {{ request_number }}",
            "{{ recipient_name }}，您好：\n\n"
            "感谢您联系{{ service_name }}。您的服务请求已登记，单号为 {{ request_number }}"
            "（{{ request_subject }}）。\n\n"
            "{% if response_due %}我们的客服人员将在 {{ response_due }} 前与您联系，"
            "{% else %}我们的客服人员将尽快与您联系，{% endif %}"
            "确认故障情况并安排后续处理。\n\n"
            + REACH_ZH
            + "{% if portal_url %}\n您也可以随时在线查看处理进度：{{ portal_url }}{% endif %}"
            + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] We have received your service request {{ request_number }}",
            "Dear {{ recipient_name }},\n\n"
            "Thank you for contacting {{ service_name }}. Your service request has been "
            "registered under number {{ request_number }} ({{ request_subject }}).\n\n"
            "{% if response_due %}One of our service agents will contact you by "
            "{{ response_due }}{% else %}One of our service agents will contact you shortly"
            "{% endif %} to go through the problem with you and arrange the next steps.\n\n"
            + REACH_EN
            + "{% if portal_url %}\nYou can also follow your request online: "
            "{{ portal_url }}{% endif %}"
            + SIGN_EN,
        ),
    },
    "visit_booked": {
        "zh-hans": (
            "【{{ service_name }}】上门服务已预约：{{ visit_date }} {{ visit_window }}",
            "{{ recipient_name }}，您好：\n\n"
            "您的服务请求 {{ request_number }}（{{ request_subject }}）已安排上门服务：\n\n"
            "日期：{{ visit_date }}\n"
            "时间段：{{ visit_window }}\n"
            "{% if technician_name %}服务工程师：{{ technician_name }}"
            "{% if technician_phone %}（{{ technician_phone }}）{% endif %}\n{% endif %}\n"
            "工程师出发前会与您电话确认。请您届时安排人员在场，并准备好产品的购买凭证"
            "（发票或收据），以便确认保修情况。如需改约，请尽早告知我们。\n\n" + REACH_ZH + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] Your service visit: {{ visit_date }}, {{ visit_window }}",
            "Dear {{ recipient_name }},\n\n"
            "We have booked a service visit for your request {{ request_number }} "
            "({{ request_subject }}):\n\n"
            "Date: {{ visit_date }}\n"
            "Time: {{ visit_window }}\n"
            "{% if technician_name %}Technician: {{ technician_name }}"
            "{% if technician_phone %} ({{ technician_phone }}){% endif %}\n{% endif %}\n"
            "The technician will call you before setting off. Please make sure someone is "
            "at home and have the proof of purchase (invoice or receipt) ready so that we "
            "can confirm the warranty. If the time does not suit you, please let us know as "
            "early as possible.\n\n" + REACH_EN + SIGN_EN,
        ),
    },
    "request_resolved": {
        "zh-hans": (
            "【{{ service_name }}】您的服务请求 {{ request_number }} 已处理完成",
            "{{ recipient_name }}，您好：\n\n"
            "您的服务请求 {{ request_number }}（{{ request_subject }}）已处理完成。\n\n"
            "{% if resolution %}处理结果：{{ resolution }}\n\n{% endif %}"
            "如果问题再次出现，或您对处理结果有任何意见，请在 7 天内回复本邮件，"
            "我们会重新为您处理。稍后我们可能会对本次服务进行回访，感谢您的配合。\n\n"
            + REACH_ZH
            + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] Your service request {{ request_number }} is resolved",
            "Dear {{ recipient_name }},\n\n"
            "Your service request {{ request_number }} ({{ request_subject }}) has been "
            "resolved.\n\n"
            "{% if resolution %}What we did: {{ resolution }}\n\n{% endif %}"
            "If the problem comes back, or you are not satisfied with the result, reply to "
            "this email within 7 days and we will reopen the request. We may also contact "
            "you shortly to ask how the service went.\n\n" + REACH_EN + SIGN_EN,
        ),
    },
    "follow_up": {
        "zh-hans": (
            "【{{ service_name }}】请您评价本次服务（{{ request_number }}）",
            "{{ recipient_name }}，您好：\n\n"
            "感谢您选择{{ service_name }}。您的服务请求 {{ request_number }}"
            "（{{ request_subject }}）已于近日完成，我们非常希望了解您对本次服务的感受。\n\n"
            "{% if survey_url %}请花一分钟填写满意度调查：{{ survey_url }}\n\n{% endif %}"
            "如产品仍有问题，请直接回复本邮件，我们会尽快跟进。" + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] How did we do? ({{ request_number }})",
            "Dear {{ recipient_name }},\n\n"
            "Thank you for choosing {{ service_name }}. Your service request "
            "{{ request_number }} ({{ request_subject }}) was completed recently, and we "
            "would like to know how it went for you.\n\n"
            "{% if survey_url %}Please take a minute to answer our short survey: "
            "{{ survey_url }}\n\n{% endif %}"
            "If the product still gives you trouble, reply to this email and we will follow "
            "up right away." + SIGN_EN,
        ),
    },
    "quote_sent": {
        "zh-hans": (
            "【{{ service_name }}】服务报价待您确认（{{ request_number }}）",
            "{{ recipient_name }}，您好：\n\n"
            "关于您的服务请求 {{ request_number }}（{{ request_subject }}），"
            "部分维修项目不在保修范围内，我们为此准备了一份报价"
            "{% if quote_total %}，合计 {{ quote_total }}{% endif %}。\n\n"
            "请通过以下链接查看明细，并选择接受或拒绝：\n{{ quote_url }}\n\n"
            "{% if valid_until %}报价有效期至 {{ valid_until }}。{% endif %}"
            "收到您的确认后我们才会开始收费项目的维修；如您拒绝，我们不会收取任何费用。\n\n"
            + REACH_ZH
            + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] A quote for you to approve ({{ request_number }})",
            "Dear {{ recipient_name }},\n\n"
            "Part of the work on your service request {{ request_number }} "
            "({{ request_subject }}) is not covered by the warranty, so we have prepared a "
            "quote{% if quote_total %} of {{ quote_total }}{% endif %}.\n\n"
            "Please review it and accept or decline it here:\n{{ quote_url }}\n\n"
            "{% if valid_until %}The quote is valid until {{ valid_until }}. {% endif %}"
            "We only start the chargeable work once you have accepted; if you decline, "
            "nothing is charged.\n\n" + REACH_EN + SIGN_EN,
        ),
    },
    "sla_warning": {
        "zh-hans": (
            "【时限预警】{{ request_number }} {% if deadline_kind == 'response' %}响应{% else %}解决{% endif %}时限将至",
            "{{ recipient_name }}，您好：\n\n"
            "工单 {{ request_number }}（{{ customer_name }}：{{ request_subject }}）的"
            "{% if deadline_kind == 'response' %}响应{% else %}解决{% endif %}时限为 "
            "{{ deadline }}{% if time_left %}，剩余约 {{ time_left }}{% endif %}。"
            "{% if priority %}优先级：{{ priority }}。{% endif %}\n\n"
            "请尽快处理，或在工单中记录当前进展；如无法按时完成，请及时联系主管。"
            + STAFF_LINK_ZH
            + "\n\n— {{ service_name }} 系统通知",
        ),
        "en": (
            "[Deadline near] {{ request_number }}: {% if deadline_kind == 'response' %}response{% else %}resolution{% endif %} due {{ deadline }}",
            "Hello {{ recipient_name }},\n\n"
            "The {% if deadline_kind == 'response' %}response{% else %}resolution{% endif %} "
            "deadline of request {{ request_number }} ({{ customer_name }}: "
            "{{ request_subject }}) is {{ deadline }}{% if time_left %}, about {{ time_left }} "
            "from now{% endif %}.{% if priority %} Priority: {{ priority }}.{% endif %}\n\n"
            "Please act on it now or record where it stands; if it cannot be done in time, "
            "tell your supervisor." + STAFF_LINK_EN + "\n\n— {{ service_name }} notifications",
        ),
    },
    "sla_breached": {
        "zh-hans": (
            "【已超时·升级】{{ request_number }} 已超过{% if deadline_kind == 'response' %}响应{% else %}解决{% endif %}时限",
            "{{ recipient_name }}，您好：\n\n"
            "工单 {{ request_number }}（{{ customer_name }}：{{ request_subject }}）已超过"
            "{% if deadline_kind == 'response' %}响应{% else %}解决{% endif %}时限 "
            "{{ deadline }}{% if overdue_by %}，已超时 {{ overdue_by }}{% endif %}。"
            "{% if escalation_level %}现已升级至第 {{ escalation_level }} 级。{% endif %}\n\n"
            "请立即跟进：联系客户说明情况，确认处理人和预计完成时间，并在工单中记录。"
            + STAFF_LINK_ZH
            + "\n\n— {{ service_name }} 系统通知",
        ),
        "en": (
            "[Overdue, escalated] {{ request_number }} missed its {% if deadline_kind == 'response' %}response{% else %}resolution{% endif %} deadline",
            "Hello {{ recipient_name }},\n\n"
            "Request {{ request_number }} ({{ customer_name }}: {{ request_subject }}) missed "
            "its {% if deadline_kind == 'response' %}response{% else %}resolution{% endif %} "
            "deadline of {{ deadline }}{% if overdue_by %} and is now {{ overdue_by }} "
            "overdue{% endif %}.{% if escalation_level %} It has been escalated to level "
            "{{ escalation_level }}.{% endif %}\n\n"
            "Please follow up now: call the customer to explain, confirm who handles it and "
            "by when, and record it on the request." + STAFF_LINK_EN
            + "\n\n— {{ service_name }} notifications",
        ),
    },
    "assigned": {
        "zh-hans": (
            "【新工单】{{ request_number }} 已分派给您",
            "{{ recipient_name }}，您好：\n\n"
            "工单 {{ request_number }} 已分派给您{% if assigned_by %}（分派人：{{ assigned_by }}）"
            "{% endif %}。\n\n"
            "客户：{{ customer_name }}\n"
            "问题：{{ request_subject }}\n"
            "{% if priority %}优先级：{{ priority }}\n{% endif %}\n"
            "请查看工单详情并尽快联系客户。" + STAFF_LINK_ZH + "\n\n— {{ service_name }} 系统通知",
        ),
        "en": (
            "[New assignment] {{ request_number }}: {{ request_subject }}",
            "Hello {{ recipient_name }},\n\n"
            "Request {{ request_number }} has been assigned to you"
            "{% if assigned_by %} by {{ assigned_by }}{% endif %}.\n\n"
            "Customer: {{ customer_name }}\n"
            "Problem: {{ request_subject }}\n"
            "{% if priority %}Priority: {{ priority }}\n{% endif %}\n"
            "Please read the request and contact the customer soon." + STAFF_LINK_EN
            + "\n\n— {{ service_name }} notifications",
        ),
    },
}

# Short texts for SMS (one or two segments) and WeChat, customer events only.
SHORT = {
    "request_received": {
        "zh-hans": "【{{ service_name }}】{{ recipient_name }}您好，您的服务请求已受理，单号"
        "{{ request_number }}。客服将{% if response_due %}于{{ response_due }}前{% else %}尽快"
        "{% endif %}与您联系。{% if service_phone %}咨询请致电{{ service_phone }}。{% endif %}",
        "en": "[{{ service_name }}] Dear {{ recipient_name }}, we have received your service "
        "request {{ request_number }}. An agent will call you "
        "{% if response_due %}by {{ response_due }}{% else %}shortly{% endif %}."
        "{% if service_phone %} Questions: {{ service_phone }}.{% endif %}",
    },
    "visit_booked": {
        "zh-hans": "【{{ service_name }}】您的服务请求{{ request_number }}已预约上门：{{ visit_date }} "
        "{{ visit_window }}{% if technician_name %}，工程师{{ technician_name }}"
        "{% if technician_phone %}（{{ technician_phone }}）{% endif %}{% endif %}。"
        "请备好购买凭证。{% if service_phone %}如需改约请致电{{ service_phone }}。{% endif %}",
        "en": "[{{ service_name }}] Service visit for {{ request_number }}: {{ visit_date }} "
        "{{ visit_window }}{% if technician_name %}, technician {{ technician_name }}"
        "{% if technician_phone %} ({{ technician_phone }}){% endif %}{% endif %}. Please have "
        "your proof of purchase ready.{% if service_phone %} To change it call "
        "{{ service_phone }}.{% endif %}",
    },
    "request_resolved": {
        "zh-hans": "【{{ service_name }}】您的服务请求{{ request_number }}已处理完成"
        "{% if resolution %}：{{ resolution|truncatechars:40 }}{% endif %}。如问题再现，请于7天内"
        "联系我们{% if service_phone %}（{{ service_phone }}）{% endif %}。",
        "en": "[{{ service_name }}] Your service request {{ request_number }} is resolved"
        "{% if resolution %}: {{ resolution|truncatechars:60 }}{% endif %}. If the problem "
        "comes back within 7 days, contact us{% if service_phone %} on {{ service_phone }}"
        "{% endif %}.",
    },
    "follow_up": {
        "zh-hans": "【{{ service_name }}】感谢您的信任！请评价本次服务（{{ request_number }}）"
        "{% if survey_url %}：{{ survey_url }}{% else %}，我们的客服稍后将与您电话回访。{% endif %}",
        "en": "[{{ service_name }}] Thank you! How did we do on {{ request_number }}?"
        "{% if survey_url %} {{ survey_url }}{% else %} Our agent will call you briefly to "
        "ask.{% endif %}",
    },
    "quote_sent": {
        "zh-hans": "【{{ service_name }}】您的服务请求{{ request_number }}有一份报价待确认"
        "{% if quote_total %}（{{ quote_total }}）{% endif %}，请查看并确认：{{ quote_url }}"
        "{% if valid_until %}，有效期至{{ valid_until }}{% endif %}。",
        "en": "[{{ service_name }}] A quote{% if quote_total %} of {{ quote_total }}{% endif %} "
        "for request {{ request_number }} awaits your approval: {{ quote_url }}"
        "{% if valid_until %} (valid until {{ valid_until }}){% endif %}.",
    },
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    rows = []
    for event, languages in EMAIL.items():
        for language, (subject, body) in languages.items():
            rows.append((event, "email", language, subject, body))
    for event, languages in SHORT.items():
        for language, body in languages.items():
            rows.append((event, "sms", language, "", body))
            rows.append((event, "wechat", language, "", body))
    for event, channel, language, subject, body in rows:
        MessageTemplate.objects.get_or_create(
            event=event,
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
