"""Templates for alerting the team lead to a low survey score (email, zh/en)."""

from django.db import migrations

TEMPLATES = {
    "zh-hans": (
        "【低分预警】{{ request_number }} 客户评分 满意度 {{ csat|default:'-' }} / 推荐 {{ nps|default:'-' }}",
        "{{ recipient_name }}，您好：\n\n"
        "客户 {{ customer_name }} 对服务请求 {{ request_number }}（{{ request_subject }}）"
        "的评价偏低：\n\n"
        "满意度（1–5）：{{ csat|default:'未答' }}\n"
        "推荐意愿（0–10）：{{ nps|default:'未答' }}\n"
        "{% if technician_name %}服务工程师：{{ technician_name }}\n{% endif %}"
        "{% if comments %}客户意见：{{ comments }}\n{% endif %}\n"
        "已为您创建一项服务补救回访，请尽快联系客户、致歉并了解情况。"
        "{% if recovery_url %}\n\n打开回访：{{ recovery_url }}{% endif %}"
        "\n\n— {{ service_name }} 系统通知",
    ),
    "en": (
        "[Low score] {{ request_number }}: CSAT {{ csat|default:'-' }}, NPS {{ nps|default:'-' }}",
        "Hello {{ recipient_name }},\n\n"
        "{{ customer_name }} gave request {{ request_number }} ({{ request_subject }}) a low "
        "score:\n\n"
        "Satisfaction (1–5): {{ csat|default:'not answered' }}\n"
        "Would recommend (0–10): {{ nps|default:'not answered' }}\n"
        "{% if technician_name %}Technician: {{ technician_name }}\n{% endif %}"
        "{% if comments %}Comments: {{ comments }}\n{% endif %}\n"
        "A service recovery follow-up is waiting for you: please call the customer soon, "
        "apologise and find out what went wrong."
        "{% if recovery_url %}\n\nOpen it: {{ recovery_url }}{% endif %}"
        "\n\n— {{ service_name }} notifications",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for language, (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(
            event="low_score",
            channel="email",
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_low_score_event")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
