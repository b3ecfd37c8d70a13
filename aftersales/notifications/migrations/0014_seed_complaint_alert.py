"""Templates for alerting the team lead or managers to a critical or repeated complaint."""

from django.db import migrations

LINK_ZH = "{% if request_url %}\n\n打开工单：{{ request_url }}{% endif %}"
LINK_EN = "{% if request_url %}\n\nOpen the request: {{ request_url }}{% endif %}"

TEMPLATES = {
    "zh-hans": (
        "【投诉预警】{{ request_number }} {{ severity }}{% if repeat %}·重复投诉{% endif %}：{{ customer_name }}",
        "{{ recipient_name }}，您好：\n\n"
        "客户 {{ customer_name }} 提出了一条{{ severity }}投诉"
        "{% if repeat %}（该客户近期已投诉过）{% endif %}：\n\n"
        "工单：{{ request_number }}\n问题：{{ request_subject }}\n"
        "{% if opened_by %}登记人：{{ opened_by }}\n{% endif %}\n"
        "请尽快安排致歉与首次联系，并跟进原因分析和整改。"
        + LINK_ZH
        + "\n\n— {{ service_name }} 系统通知",
    ),
    "en": (
        "[Complaint] {{ request_number }}: {{ severity }}{% if repeat %}, repeated{% endif %} "
        "({{ customer_name }})",
        "Hello {{ recipient_name }},\n\n"
        "{{ customer_name }} has made a {{ severity }} complaint"
        "{% if repeat %} (they complained recently already){% endif %}:\n\n"
        "Request: {{ request_number }}\nProblem: {{ request_subject }}\n"
        "{% if opened_by %}Logged by: {{ opened_by }}\n{% endif %}\n"
        "Please see that the customer gets an apology and a first contact soon, and follow "
        "the root cause and corrective action."
        + LINK_EN
        + "\n\n— {{ service_name }} notifications",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for language, (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(
            event="complaint_alert",
            channel="email",
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0013_complaint_alert_event")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
