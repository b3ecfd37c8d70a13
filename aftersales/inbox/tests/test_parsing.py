"""Reading mail as Chinese clients send it: GBK / GB18030 / UTF-8 in base64 or
quoted-printable, 8-bit headers, HTML-only mail, and the quoted earlier mail in replies."""

import base64
import quopri

from aftersales.inbox import parsing


def raw_mail(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body


def test_gb2312_labelled_gbk_text_in_base64_is_read_as_gb18030():
    # 镕 is in GBK but not in GB2312: clients label GBK text gb2312 all the time
    text = "朱镕基牌空调不制冷，请派人上门。"
    encoded = base64.encodebytes(text.encode("gbk")).decode()
    raw = raw_mail(
        "From: =?GB2312?B?"
        + base64.b64encode("王小明".encode("gbk")).decode()
        + "?= <wang@example.com>\n"
        "Subject: =?gb2312?B?" + base64.b64encode("空调故障".encode("gbk")).decode() + "?=\n"
        "MIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="gb2312"\n'
        "Content-Transfer-Encoding: base64\n",
        encoded.encode(),
    )
    message = parsing.parse(raw)

    assert parsing.sender(message) == ("王小明", "wang@example.com")
    assert parsing.header(message, "Subject") == "空调故障"
    assert parsing.body_text(message) == text


def test_utf8_quoted_printable_body_and_8bit_gbk_header():
    text = "洗衣机漏水\n型号：XQG100"
    raw = (
        b"From: wang@example.com\r\nSubject: " + "洗衣机漏水".encode("gbk") + b"\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quopri.encodestring(text.encode())
    )
    message = parsing.parse(raw)

    assert parsing.header(message, "Subject") == "洗衣机漏水"
    assert parsing.body_text(message) == text


def test_gb18030_without_a_charset_label_is_still_read():
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\n" + "没有字符集标签".encode("gb18030")

    assert parsing.body_text(parsing.parse(raw)) == "没有字符集标签"


def test_html_only_mail_becomes_text():
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>您好，</p>"
        "<div>空调&nbsp;E1 故障<br>请尽快处理</div></body></html>"
    )
    raw = raw_mail(
        "From: a@example.com\nSubject: x\nContent-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n",
        base64.encodebytes(html.encode()),
    )

    assert parsing.body_text(parsing.parse(raw)) == "您好，\n\n空调 E1 故障\n请尽快处理"


def test_plain_text_is_preferred_over_html():
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain words\r\n"
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>html words</p>\r\n--b--\r\n"
    )
    message = parsing.parse(raw)

    assert parsing.body_text(message) == "plain words"
    assert parsing.attachments(message) == []


def test_a_chinese_attachment_name_is_decoded():
    raw = (
        b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee photo\r\n"
        b'--b\r\nContent-Type: image/jpeg; name="=?GBK?B?'
        + base64.b64encode("发票.jpg".encode("gbk"))
        + b'?="\r\nContent-Disposition: attachment; filename="=?GBK?B?'
        + base64.b64encode("发票.jpg".encode("gbk"))
        + b'?="\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.encodebytes(b"\xff\xd8\xff\xe0jpegdata")
        + b"--b--\r\n"
    )
    [attachment] = parsing.attachments(parsing.parse(raw))

    assert attachment.name == "发票.jpg"
    assert attachment.data.startswith(b"\xff\xd8")


def test_quoted_text_is_left_out_of_replies():
    english = "On Mon, 2 Mar 2026 at 10:00, 售后服务 <support@example.com>\nwrote:\n> 明天上门"
    shop = "From: my shop in Shanghai\nthe unit is broken"
    cases = {
        f"好的，明天上午在家。\n\n{english}": "好的，明天上午在家。",
        "收到\n\n-----原始邮件-----\n发件人: 售后服务\n发送时间: 2026年3月2日\n主题: 上门": "收到",
        "收到了\n------------------ 原始邮件 ------------------\n发件人: x": "收到了",
        "Thanks\n\n________________________________\nFrom: Service\nSent: Monday": "Thanks",
        "谢谢\n\n在 2026年3月2日 10:00，售后服务 写道：\n> 明天上门": "谢谢",
        "> 旧的\n新的": "新的",
        shop: shop,
    }
    for text, expected in cases.items():
        assert parsing.strip_quoted(text) == expected, text


def test_a_reply_written_only_between_quotes_keeps_the_whole_text():
    assert parsing.strip_quoted("> question") == "> question"


def test_bounces_are_recognised():
    report = (
        b"From: MAILER-DAEMON@mx.example.com\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; nobody@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <outbox.7.1700000000@example.com>\r\nSubject: hi\r\n\r\n--b--\r\n"
    )
    message = parsing.parse(report)

    assert parsing.is_bounce(message)
    details = parsing.bounce_details(message, report)
    assert details.original_message_ids == ["<outbox.7.1700000000@example.com>"]
    assert "5.1.1" in details.reason
    assert "user unknown" in details.reason
