"""Templates for the maintenance report (the PDF attached to the email), a problem noticed
by remote monitoring before the customer called, and a training course suggested after an
operation error (email, SMS, WeChat; zh/en)."""

from django.db import migrations

SIGN_ZH = (
    "如有任何疑问，请直接回复本邮件{% if request_number %}并注明单号 {{ request_number }}"
    "{% endif %}{% if service_phone %}，或致电服务热线 {{ service_phone }}{% endif %}。"
    "\n\n{{ service_name }} 客户服务中心"
)
SIGN_EN = (
    "If you have any questions, just reply to this email"
    "{% if request_number %} quoting {{ request_number }}{% endif %}"
    "{% if service_phone %} or call our service hotline on {{ service_phone }}{% endif %}."
    "\n\nKind regards,\n{{ service_name }} Customer Service"
)
EMAIL = {
    "maintenance_report": {
        "zh-hans": (
            "【{{ service_name }}】{{ report_title }}：{{ product }} {{ serial_number }}",
            "{{ recipient_name }}，您好：\n\n"
            "{% if technician_name %}工程师{{ technician_name }}{% else %}我们的工程师{% endif %}"
            "已完成您的{{ product }}（序列号 {{ serial_number }}）的定期维护"
            "{% if request_number %}（单号 {{ request_number }}）{% endif %}。"
            "附件为本次的{{ report_title }}。\n\n{{ findings }}\n\n" + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] {{ report_title }}: {{ product }} {{ serial_number }}",
            "Dear {{ recipient_name }},\n\n"
            "{% if technician_name %}{{ technician_name }}{% else %}Our technician{% endif %} "
            "has carried out the scheduled maintenance of your {{ product }} (serial number "
            "{{ serial_number }}){% if request_number %}, {{ request_number }}{% endif %}. "
            "The {{ report_title }} is attached.\n\n{{ findings }}\n\n" + SIGN_EN,
        ),
    },
    "device_alarm": {
        "zh-hans": (
            "【{{ service_name }}】您的{{ product }}需要关注：{{ problem }}",
            "{{ recipient_name }}，您好：\n\n"
            "我们的远程监控发现您的{{ product }}（序列号 {{ serial_number }}）出现问题："
            "{{ problem }}。\n\n{{ next_step }}"
            "{% if request_number %}\n\n服务单号：{{ request_number }}"
            "{% if portal_url %}，查看进度：{{ portal_url }}{% endif %}{% endif %}\n\n" + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] Your {{ product }} needs attention: {{ problem }}",
            "Dear {{ recipient_name }},\n\n"
            "Our remote monitoring noticed a problem with your {{ product }} (serial number "
            "{{ serial_number }}): {{ problem }}.\n\n{{ next_step }}"
            "{% if request_number %}\n\nService request: {{ request_number }}"
            "{% if portal_url %}, follow it at {{ portal_url }}{% endif %}{% endif %}\n\n"
            + SIGN_EN,
        ),
    },
    "course_suggested": {
        "zh-hans": (
            "【{{ service_name }}】为您推荐培训课程：{{ course_title }}",
            "{{ recipient_name }}，您好：\n\n"
            "{% if request_number %}关于您的服务请求 {{ request_number }}，{% endif %}"
            "为帮助您正确使用设备、减少故障，我们为您推荐培训课程《{{ course_title }}》。"
            "\n\n{{ course_details }}\n\n如需报名，请回复本邮件或致电我们。\n\n" + SIGN_ZH,
        ),
        "en": (
            "[{{ service_name }}] A training course for you: {{ course_title }}",
            "Dear {{ recipient_name }},\n\n"
            "{% if request_number %}Following your service request {{ request_number }}, "
            "{% endif %}we suggest the course \u201c{{ course_title }}\u201d to help you get "
            "the best from your equipment and avoid problems.\n\n{{ course_details }}\n\n"
            "To enrol, reply to this email or call us.\n\n" + SIGN_EN,
        ),
    },
}
SHORT = {
    "maintenance_report": {
        "zh-hans": "【{{ service_name }}】您的{{ product }}已完成定期维护"
        "{% if request_number %}（{{ request_number }}）{% endif %}，{{ report_title }}已发送至您的邮箱。",
        "en": "[{{ service_name }}] Maintenance of your {{ product }} is done"
        "{% if request_number %} ({{ request_number }}){% endif %}; the {{ report_title }} "
        "was sent by email.",
    },
    "device_alarm": {
        "zh-hans": "【{{ service_name }}】远程监控发现您的{{ product }}出现问题：{{ problem }}。"
        "我们正在处理{% if request_number %}，单号{{ request_number }}{% endif %}。",
        "en": "[{{ service_name }}] Remote monitoring noticed a problem with your "
        "{{ product }}: {{ problem }}. We are on it"
        "{% if request_number %} ({{ request_number }}){% endif %}.",
    },
    "course_suggested": {
        "zh-hans": "【{{ service_name }}】为您推荐培训课程《{{ course_title }}》"
        "{% if request_number %}（{{ request_number }}）{% endif %}，回复或致电报名。",
        "en": "[{{ service_name }}] We suggest the course \u201c{{ course_title }}\u201d"
        "{% if request_number %} ({{ request_number }}){% endif %}; reply or call to enrol.",
    },
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    rows = []
    for event, languages in EMAIL.items():
        rows += [(event, "email", lang, subject, body) for lang, (subject, body) in languages.items()]
    for event, languages in SHORT.items():
        for lang, body in languages.items():
            rows += [(event, "sms", lang, "", body), (event, "wechat", lang, "", body)]
    for event, channel, language, subject, body in rows:
        MessageTemplate.objects.get_or_create(
            event=event,
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0019_monitoring_maintenance_training_events")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
