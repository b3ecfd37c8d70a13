"""Templates for campaign messages (email, SMS, WeChat; zh/en): the campaign's own text
between a greeting and our signature."""

from django.db import migrations

EMAIL = {
    "zh-hans": (
        "【{{ service_name }}】{{ campaign_subject }}",
        "{{ recipient_name }}，您好：\n\n{{ campaign_message }}\n\n"
        "如有任何疑问{% if service_phone %}，欢迎致电服务热线 {{ service_phone }}{% endif %}。"
        "\n\n{{ service_name }} 客户服务中心",
    ),
    "en": (
        "[{{ service_name }}] {{ campaign_subject }}",
        "Dear {{ recipient_name }},\n\n{{ campaign_message }}\n\n"
        "If you have any questions{% if service_phone %}, call our service hotline on "
        "{{ service_phone }}{% else %}, just reply to this email{% endif %}."
        "\n\nKind regards,\n{{ service_name }} Customer Service",
    ),
}
SHORT = {
    "zh-hans": "【{{ service_name }}】{{ recipient_name }}您好，{{ campaign_message }}",
    "en": "[{{ service_name }}] {{ campaign_message }}",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    rows = [("email", lang, subject, body) for lang, (subject, body) in EMAIL.items()]
    for lang, body in SHORT.items():
        rows += [("sms", lang, "", body), ("wechat", lang, "", body)]
    for channel, language, subject, body in rows:
        MessageTemplate.objects.get_or_create(
            event="campaign",
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0009_campaign_event")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
