"""Uploaded files: the content decides the type, the name must agree, and size is capped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.errors import DomainError
from aftersales.core.tests import files
from aftersales.core.uploads import check_upload

LOG = "2026-03-01 08:00:01 压缩机启动失败 E4\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("故障照片.png", files.png(), "image/png"),
        ("IMG_0001.JPG", files.jpeg(), "image/jpeg"),
        ("photo.jpeg", files.jpeg(), "image/jpeg"),
        ("发票.pdf", files.pdf(), "application/pdf"),
        (
            "units.xlsx",
            files.xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("说明.txt", "客户说开机三秒后自动关机。".encode(), "text/plain"),
        ("device.log", LOG.encode(), "text/plain"),
        ("readings.csv", b"time,temp\n08:00,4.5\n", "text/csv"),
        ("windows.txt", "客户说开机三秒后自动关机。".encode("gb18030"), "text/plain"),
    ],
)
def test_real_files_are_accepted(name, content, content_type):
    # given
    upload = SimpleUploadedFile(name, content)

    # when
    checked = check_upload(upload)

    # then
    assert checked.name == name
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert upload.read() == content  # the file is rewound for whoever stores it


@pytest.mark.parametrize("skew", [0, 1, 2])
def test_a_long_chinese_log_is_text_wherever_the_first_8_kib_end(skew):
    # given a UTF-8 log longer than the part that is sniffed, which may end mid-character
    content = ("x" * skew + "压缩机启动失败，显示E4。\n" * 800).encode()
    assert len(content) > 8192

    # when
    checked = check_upload(SimpleUploadedFile("空调日志.log", content))

    # then
    assert checked.content_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        (
            "照片.png",
            files.exe(),
            "file_type",
            "照片.png is not a file type we accept (photos, PDF, video, office documents, text).",
        ),
        ("setup.exe", files.exe(), "file_type", None),
        ("notes.png", "这不是图片".encode(), "file_type", None),
        ("archive.bin", b"\x00\x01\x02\x03" * 10, "file_type", None),
        (
            "scan.jpg",
            files.png(),
            "file_type_mismatch",
            "scan.jpg does not contain what its name says (it looks like image/png).",
        ),
        ("invoice.txt", files.pdf(), "file_type_mismatch", None),
        ("binary.txt", b"abc\x00def", "file_type", None),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, code, message):
    # when
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile(name, content))

    # then
    assert refused.value.code == code
    if message:
        assert str(refused.value) == message


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("空.txt", b""))

    assert refused.value.code == "empty_file"
    assert str(refused.value) == "The file 空.txt is empty."


def test_a_file_over_the_limit_is_refused(settings):
    # given a limit of 1 KiB
    settings.ATTACHMENT_MAX_BYTES = 1024

    # when
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("big.txt", b"a" * 1025))

    # then
    assert refused.value.code == "file_too_large"
    assert str(refused.value) == "The file big.txt is 1.0\xa0KB; the limit is 1.0\xa0KB."


def test_a_file_at_the_limit_is_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024

    assert check_upload(SimpleUploadedFile("ok.txt", b"a" * 1024)).size == 1024


def test_the_name_keeps_no_folders():
    # given a name that tries to climb out of the upload folder
    upload = SimpleUploadedFile("../../etc/passwd.txt", b"root:x:0:0")

    # when / then
    assert check_upload(upload).name == "passwd.txt"
