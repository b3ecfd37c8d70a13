"""Templates for a reply written to the customer on the request page (email threaded on
the request, SMS and WeChat short) and for telling the assignee the customer replied."""

from django.db import migrations

REPLY_EMAIL = {
    "zh-hans": (
        "[{{ request_number }}] {{ request_subject }}",
        "{{ recipient_name }}，您好：\n\n{{ message }}\n\n"
        "{% if portal_url %}查看服务进度：{{ portal_url }}\n\n{% endif %}"
        "如需补充，请直接回复本邮件（请保留主题中的单号 {{ request_number }}）"
        "{% if service_phone %}，或致电服务热线 {{ service_phone }}{% endif %}。"
        "\n\n{% if replied_by %}{{ replied_by }}\n{% endif %}{{ service_name }} 客户服务中心",
    ),
    "en": (
        "[{{ request_number }}] {{ request_subject }}",
        "Dear {{ recipient_name }},\n\n{{ message }}\n\n"
        "{% if portal_url %}Follow your request: {{ portal_url }}\n\n{% endif %}"
        "To add anything, just reply to this email (keep {{ request_number }} in the subject)"
        "{% if service_phone %} or call our service hotline on {{ service_phone }}{% endif %}."
        "\n\nKind regards,\n{% if replied_by %}{{ replied_by }}\n{% endif %}"
        "{{ service_name }} Customer Service",
    ),
}
REPLY_SHORT = {
    "zh-hans": "【{{ service_name }}】{{ request_number }}：{{ message|truncatechars:200 }}",
    "en": "[{{ service_name }}] {{ request_number }}: {{ message|truncatechars:200 }}",
}
REPLIED_EMAIL = {
    "zh-hans": (
        "【客户回复】{{ request_number }} {{ customer_name }}",
        "{{ recipient_name }}，您好：\n\n"
        "客户 {{ customer_name }} 通过{{ channel }}回复了工单 {{ request_number }}"
        "（{{ request_subject }}）：\n\n{{ message }}"
        "{% if request_url %}\n\n打开工单：{{ request_url }}{% endif %}"
        "\n\n— {{ service_name }} 系统通知",
    ),
    "en": (
        "[Customer reply] {{ request_number }} {{ customer_name }}",
        "Hello {{ recipient_name }},\n\n"
        "{{ customer_name }} replied by {{ channel }} on {{ request_number }} "
        "({{ request_subject }}):\n\n{{ message }}"
        "{% if request_url %}\n\nOpen the request: {{ request_url }}{% endif %}"
        "\n\n— {{ service_name }} notifications",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    rows = [
        ("agent_reply", "email", lang, subject, body)
        for lang, (subject, body) in REPLY_EMAIL.items()
    ]
    for lang, body in REPLY_SHORT.items():
        rows += [("agent_reply", "sms", lang, "", body), ("agent_reply", "wechat", lang, "", body)]
    rows += [
        ("customer_replied", "email", lang, subject, body)
        for lang, (subject, body) in REPLIED_EMAIL.items()
    ]
    for event, channel, language, subject, body in rows:
        MessageTemplate.objects.get_or_create(
            event=event,
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0015_reply_events")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
