"""A WeChat official account (公众号) in plain-text mode.

WeChat signs every call with `signature` = sha1 of the sorted token, `timestamp` and
`nonce` (query parameters). A GET with `echostr` checks the URL: we echo it back. A POST
carries one message as XML: FromUserName (the openid), CreateTime, MsgType (text, image,
event…), Content, PicUrl / MediaId, MsgId. We answer "success" (no reply message).
The encrypted (AES) mode is not supported.
"""

import hashlib
import hmac
import xml.etree.ElementTree as ElementTree

from django.http import HttpResponse

from aftersales.intake.adapters.base import (
    Adapter,
    Forbidden,
    InboundText,
    Malformed,
    check_fresh,
    moment,
    text,
)

MAX_BODY = 64 * 1024
# What a picture or an event adds, kept in the message's data.
EXTRA = {"pic_url": "PicUrl", "media_id": "MediaId", "event": "Event"}


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


class WeChatAdapter(Adapter):
    provider = "wechat"
    secret_setting = "WECHAT_TOKEN"

    def verify(self, request) -> None:
        params = request.GET
        timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
        check_fresh(timestamp)
        expected = signature(self.secret, timestamp, nonce)
        if not nonce or not hmac.compare_digest(expected, params.get("signature", "").lower()):
            raise Forbidden("bad signature")

    def handshake(self, request) -> HttpResponse:
        return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain")

    def parse(self, request) -> list[InboundText]:
        body = request.body
        # WeChat never sends a DTD: refusing one keeps entity tricks out of the parser.
        if len(body) > MAX_BODY or b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
            raise Malformed("unexpected XML")
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise Malformed("not XML") from None
        fields = {child.tag: (child.text or "") for child in root}
        openid, kind = text(fields.get("FromUserName"), 128), text(fields.get("MsgType"), 20)
        if not openid or not kind:
            raise Malformed("no sender")
        # Events (subscribe, menu clicks) carry no MsgId: the sender and time name them.
        message_id = text(fields.get("MsgId"), 128) or f"{kind}:{openid}:{fields.get('CreateTime')}"
        data = {key: text(fields.get(tag), 500) for key, tag in EXTRA.items() if fields.get(tag)}
        return [
            InboundText(
                provider=self.provider,
                message_id=message_id,
                sender_id=openid,
                kind=kind,
                body=text(fields.get("Content")),
                sent_at=moment(fields.get("CreateTime")),
                data=data,
            )  # fmt: skip
        ]

    def acknowledge(self, received: int, duplicates: int) -> HttpResponse:
        return HttpResponse("success", content_type="text/plain")
