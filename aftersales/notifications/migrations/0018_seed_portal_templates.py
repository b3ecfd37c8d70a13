"""Templates for inviting a customer to the portal and for the code that proves an email
address or phone number is theirs when they sign up (email and SMS, zh/en)."""

from django.db import migrations

INVITE_EMAIL = {
    "zh-hans": (
        "【{{ service_name }}】邀请您使用客户服务平台",
        "{{ recipient_name }}，您好：\n\n"
        "{% if invited_by %}{{ invited_by }} {% endif %}邀请您使用{{ service_name }}客户服务平台。"
        "在这里您可以登记购买的产品、查看保修、在线报修并随时查看服务进度。\n\n"
        "请点击以下链接设置密码（{{ valid_days }} 天内有效）：\n{{ invite_url }}\n\n"
        "如果您没有申请过，请忽略本邮件。\n\n{{ service_name }} 客户服务中心",
    ),
    "en": (
        "[{{ service_name }}] Your invitation to our customer service portal",
        "Dear {{ recipient_name }},\n\n"
        "{% if invited_by %}{{ invited_by }} has invited you{% else %}You are invited{% endif %} "
        "to the {{ service_name }} customer service portal, where you can register the products "
        "you bought, see their warranty, ask for service and follow it at any time.\n\n"
        "Set your password here (the link works for {{ valid_days }} days):\n{{ invite_url }}\n\n"
        "If you did not expect this, please ignore this email.\n\n"
        "Kind regards,\n{{ service_name }} Customer Service",
    ),
}
INVITE_SMS = {
    "zh-hans": "【{{ service_name }}】邀请您使用客户服务平台，设置密码：{{ invite_url }}"
    "（{{ valid_days }}天内有效）",
    "en": "[{{ service_name }}] You are invited to our service portal. Set your password: "
    "{{ invite_url }} (valid {{ valid_days }} days)",
}
CODE_EMAIL = {
    "zh-hans": (
        "【{{ service_name }}】验证码 {{ code }}",
        "您好：\n\n您的验证码是 {{ code }}，{{ valid_minutes }} 分钟内有效。"
        "请勿将验证码告诉他人。\n\n如果不是您本人操作，请忽略本邮件。\n\n{{ service_name }} 客户服务中心",
    ),
    "en": (
        "[{{ service_name }}] Your code {{ code }}",
        "Hello,\n\nYour verification code is {{ code }}. It works for {{ valid_minutes }} "
        "minutes. Never tell it to anyone.\n\nIf this was not you, please ignore this email."
        "\n\n{{ service_name }} Customer Service",
    ),
}
CODE_SMS = {
    "zh-hans": "【{{ service_name }}】验证码 {{ code }}，{{ valid_minutes }}分钟内有效，请勿告诉他人。",
    "en": "[{{ service_name }}] Your code is {{ code }} (valid {{ valid_minutes }} min). "
    "Never tell it to anyone.",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    rows = []
    for event, email, short in (
        ("portal_invite", INVITE_EMAIL, INVITE_SMS),
        ("portal_code", CODE_EMAIL, CODE_SMS),
    ):
        rows += [(event, "email", lang, subject, body) for lang, (subject, body) in email.items()]
        rows += [(event, "sms", lang, "", body) for lang, body in short.items()]
    for event, channel, language, subject, body in rows:
        MessageTemplate.objects.get_or_create(
            event=event,
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0017_portal_events")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
