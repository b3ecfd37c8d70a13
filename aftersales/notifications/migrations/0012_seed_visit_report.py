"""Templates for the report of a visit that could not fix the problem yet (zh/en; email
with the signed form attached, SMS and WeChat with its link)."""

from django.db import migrations

EMAIL = {
    "zh-hans": (
        "【{{ service_name }}】上门服务记录：{{ request_number }}",
        "{{ recipient_name }}，您好：\n\n"
        "我们的工程师今天已上门处理您的服务请求 {{ request_number }}（{{ request_subject }}）。\n\n"
        "{% if work_done %}本次处理：{{ work_done }}\n{% endif %}"
        "{% if not_fixed_reason %}问题尚未彻底解决，原因：{{ not_fixed_reason }}。\n{% endif %}\n"
        "我们会尽快与您联系，安排后续处理。附件为您签字确认的服务单。\n\n"
        "如有任何疑问，请直接回复本邮件并注明单号 {{ request_number }}"
        "{% if service_phone %}，或致电服务热线 {{ service_phone }}{% endif %}。"
        "\n\n{{ service_name }} 客户服务中心",
    ),
    "en": (
        "[{{ service_name }}] Service visit report: {{ request_number }}",
        "Dear {{ recipient_name }},\n\n"
        "Our technician visited you today about your service request {{ request_number }} "
        "({{ request_subject }}).\n\n"
        "{% if work_done %}What was done: {{ work_done }}\n{% endif %}"
        "{% if not_fixed_reason %}The problem is not solved yet: {{ not_fixed_reason }}.\n"
        "{% endif %}\n"
        "We will contact you soon about the next steps. The service form you signed is "
        "attached.\n\n"
        "If you have any questions, just reply to this email quoting {{ request_number }}"
        "{% if service_phone %} or call our service hotline on {{ service_phone }}{% endif %}."
        "\n\nKind regards,\n{{ service_name }} Customer Service",
    ),
}
SHORT = {
    "zh-hans": "【{{ service_name }}】工程师已上门处理{{ request_number }}"
    "{% if not_fixed_reason %}，尚未解决（{{ not_fixed_reason }}），我们将尽快联系您安排后续"
    "{% endif %}。{% if form_url %}服务单：{{ form_url }}{% endif %}",
    "en": "[{{ service_name }}] Our technician visited you about {{ request_number }}"
    "{% if not_fixed_reason %}; not solved yet ({{ not_fixed_reason }}), we will call you"
    "{% endif %}.{% if form_url %} Service form: {{ form_url }}{% endif %}",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    rows = [("email", lang, subject, body) for lang, (subject, body) in EMAIL.items()]
    for lang, body in SHORT.items():
        rows += [("sms", lang, "", body), ("wechat", lang, "", body)]
    for channel, language, subject, body in rows:
        MessageTemplate.objects.get_or_create(
            event="visit_report",
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0011_visit_report_event")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
