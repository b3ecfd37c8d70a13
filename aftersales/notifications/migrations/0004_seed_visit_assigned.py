"""Templates for telling a technician of a visit booked onto their day (email, zh/en)."""

from django.db import migrations

LINK_ZH = "{% if visit_url %}\n\n在手机上打开：{{ visit_url }}{% endif %}"
LINK_EN = "{% if visit_url %}\n\nOpen it on your phone: {{ visit_url }}{% endif %}"

TEMPLATES = {
    "zh-hans": (
        "【上门任务】{{ visit_date }} {{ visit_window }} {{ customer_name }}（{{ request_number }}）",
        "{{ recipient_name }}，您好：\n\n"
        "{% if assigned_by %}{{ assigned_by }}{% endif %}为您安排了一次上门服务：\n\n"
        "日期：{{ visit_date }}\n"
        "时间段：{{ visit_window }}\n"
        "客户：{{ customer_name }}\n"
        "{% if visit_address %}地址：{{ visit_address }}\n{% endif %}"
        "问题：{{ request_subject }}（{{ request_number }}）\n\n"
        "出发前请与客户电话确认，按时到达，着工装，完工后请客户签字确认服务单。"
        + LINK_ZH
        + "\n\n— {{ service_name }} 系统通知",
    ),
    "en": (
        "[Visit] {{ visit_date }} {{ visit_window }} {{ customer_name }} ({{ request_number }})",
        "Hello {{ recipient_name }},\n\n"
        "{% if assigned_by %}{{ assigned_by }} has booked{% else %}You have{% endif %} "
        "a service visit for you:\n\n"
        "Date: {{ visit_date }}\n"
        "Window: {{ visit_window }}\n"
        "Customer: {{ customer_name }}\n"
        "{% if visit_address %}Address: {{ visit_address }}\n{% endif %}"
        "Problem: {{ request_subject }} ({{ request_number }})\n\n"
        "Please call the customer before you set off, arrive on time in uniform, and have "
        "the customer sign the service form when you are done."
        + LINK_EN
        + "\n\n— {{ service_name }} notifications",
    ),
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for language, (subject, body) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(
            event="visit_assigned",
            channel="email",
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_visit_assigned_and_attachments")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
