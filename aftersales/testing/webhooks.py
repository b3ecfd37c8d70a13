"""Test doubles of the webhook providers: each builds requests signed the way the real
provider signs them (computed here on its own, not with the adapters' code) and posts
them to /api/v1/hooks/<provider>/ through a Django test client.

    wechat = WeChatDouble(client, token="t0ken")
    wechat.text("o-openid", "空调不制冷", msg_id="1001")
"""

import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode

HOOK = "/api/v1/hooks/{}/"


class WeChatDouble:
    """A WeChat official account server calling us in plain-text mode."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def params(self, *, timestamp: int | None = None, nonce: str = "", token: str = "") -> dict:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or uuid.uuid4().hex[:10]
        parts = sorted([token or self.token, timestamp, nonce])
        return {
            "signature": hashlib.sha1("".join(parts).encode()).hexdigest(),
            "timestamp": timestamp,
            "nonce": nonce,
        }

    def check_url(self, echostr: str, **signing):
        query = urlencode({**self.params(**signing), "echostr": echostr})
        return self.client.get(f"{HOOK.format('wechat')}?{query}")

    def post_xml(self, xml: str, **signing):
        query = urlencode(self.params(**signing))
        return self.client.post(
            f"{HOOK.format('wechat')}?{query}", data=xml.encode(), content_type="text/xml"
        )

    def text(self, openid: str, content: str, *, msg_id: str, create_time: int | None = None,
             **signing):  # fmt: skip
        return self.post_xml(self.xml(openid, "text", msg_id, create_time, Content=content),
                             **signing)  # fmt: skip

    def image(self, openid: str, *, msg_id: str, pic_url: str = "http://mmbiz.example/p.jpg",
              **signing):  # fmt: skip
        return self.post_xml(
            self.xml(openid, "image", msg_id, None, PicUrl=pic_url, MediaId="media-1"), **signing
        )

    def event(self, openid: str, event: str = "subscribe", **signing):
        return self.post_xml(self.xml(openid, "event", "", None, Event=event), **signing)

    @staticmethod
    def xml(openid, kind, msg_id, create_time, **fields) -> str:
        create_time = int(time.time()) if create_time is None else create_time
        extra = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
        msg = f"<MsgId>{msg_id}</MsgId>" if msg_id else ""
        return (
            "<xml><ToUserName><![CDATA[gh_account]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
            f"{extra}{msg}</xml>"
        )


class _HmacDouble:
    provider = ""
    timestamp_header = ""
    signature_header = ""
    prefix = ""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def post(self, payload, *, timestamp: int | None = None, secret: str = "",
             signature: str | None = None):  # fmt: skip
        body = json.dumps(payload, ensure_ascii=False).encode()
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            digest = hmac.new(
                (secret or self.secret).encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            signature = self.prefix + digest
        headers = {
            "HTTP_" + self.timestamp_header.upper().replace("-", "_"): timestamp,
            "HTTP_" + self.signature_header.upper().replace("-", "_"): signature,
        }
        return self.client.post(
            HOOK.format(self.provider), data=body, content_type="application/json", **headers
        )


class SmsGatewayDouble(_HmacDouble):
    """An SMS gateway forwarding a text sent to our number."""

    provider = "sms"
    timestamp_header = "X-Sms-Timestamp"
    signature_header = "X-Sms-Signature"

    def text(self, phone: str, text: str, *, message_id: str, **signing):
        payload = {"id": message_id, "from": phone, "text": text,
                   "received_at": "2026-03-02T10:00:00+08:00"}  # fmt: skip
        return self.post(payload, **signing)


class ChatWidgetDouble(_HmacDouble):
    """The website's chat widget forwarding a visitor's line."""

    provider = "chat"
    timestamp_header = "X-Chat-Timestamp"
    signature_header = "X-Chat-Signature"
    prefix = "sha256="

    def text(self, visitor_id: str, text: str, *, message_id: str, name: str = "",
             phone: str = "", email: str = "", **signing):  # fmt: skip
        visitor = {"id": visitor_id, "name": name, "phone": phone, "email": email}
        payload = {"id": message_id, "visitor": visitor, "text": text}
        return self.post(payload, **signing)
