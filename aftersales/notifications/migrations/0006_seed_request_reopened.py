"""Templates for telling the assignee that a request came back (email, zh/en)."""

from django.db import migrations

LINK_ZH = "{% if request_url %}\n\n打开工单：{{ request_url }}{% endif %}"
LINK_EN = "{% if request_url %}\n\nOpen the request: {{ request_url }}{% endif %}"

TEMPLATES = {
    "zh-hans": (
        "【工单重开】{{ request_number }}：问题未解决",
        "{{ recipient_name }}，您好：\n\n"
        "您负责的工单 {{ request_number }}（{{ request_subject }}）已重新打开"
        "{% if reopened_by %}（操作人：{{ reopened_by }}）{% endif %}。\n\n"
        "客户：{{ customer_name }}\n"
        "{% if reason %}原因：{{ reason }}\n{% endif %}\n"
        "请尽快联系客户并安排后续处理。" + LINK_ZH + "\n\n— {{ service_name }} 系统通知",
    ),
    "en": (
        "[Reopened] {{ request_number }}: the problem is not solved",
        "Hello {{ recipient_name }},\n\n"
        "Request {{ request_number }} ({{ request_subject }}), assigned to you, has been "
        "reopened{% if reopened_by %} by {{ reopened_by }}{% endif %}.\n\n"
        "Customer: {{ customer_name }}\n"
        "{% if reason %}Why: {{ reason }}\n{% endif %}\n"
        "Please contact the customer soon and arrange what comes next." + LINK_EN
        + "\n\n— {{ service_name }} notifications",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for language, (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(
            event="request_reopened",
            channel="email",
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_request_reopened_event")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
