"""Demo data of the web form and the messaging channels: a request from the public help
form, a WeChat conversation of two messages and an SMS, each through the same services
the form and the webhooks use."""

from aftersales.intake import inbound
from aftersales.intake.adapters import InboundText
from aftersales.intake.models import Provider
from aftersales.intake.services import HelpRequest, submit_help

FORM = HelpRequest(
    name="赵磊",
    phone="13700001357",
    email="zhaolei@example.cn",
    description="热水器显示 E1，不出热水，已经重启过两次还是一样。",
)
MESSAGES = [
    InboundText(
        provider=Provider.WECHAT,
        message_id="demo-wx-1",
        sender_id="oDEMO_openid_5f3a9c",
        body="你好，空调遥控器按了没反应，换了电池也不行。",
    ),
    InboundText(
        provider=Provider.WECHAT,
        message_id="demo-wx-2",
        sender_id="oDEMO_openid_5f3a9c",
        body="型号是 KFR-35GW，去年买的。",
    ),
    InboundText(
        provider=Provider.SMS,
        message_id="demo-sms-1",
        sender_id="13600002468",
        body="冰箱冷藏室结冰严重，请安排师傅上门，谢谢。",
    ),
]


def load(actor=None) -> dict:
    submit_help(FORM, key="demo-help-form")
    for message in MESSAGES:
        inbound.receive(message)
    return {"help_form": 1, "messages": len(MESSAGES)}
