"""The conversation on a request: comments, calls logged, attachments, and who reads them."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.core.errors import DomainError, NotAllowed
from aftersales.core.tests import files
from aftersales.service import services
from aftersales.service.choices import CallDirection, EventKind, Visibility
from aftersales.service.models import Attachment, TimelineEvent
from aftersales.testing.factories import ServiceRequestFactory


@pytest.fixture
def request_(customer):
    return ServiceRequestFactory(customer=customer)


def stored_files():
    try:
        return default_storage.listdir("attachments")
    except FileNotFoundError:
        return ([], [])


# --- Comments ----------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", Visibility.values)
def test_a_comment_is_an_event_with_who_and_for_whom(visibility, agent, request_):
    # given
    touched = request_.updated_at

    # when
    event = services.add_comment(
        request_, actor=agent, body="  已联系客户，约周六上门  ", visibility=visibility
    )

    # then
    event.refresh_from_db()
    assert event.kind == EventKind.COMMENT
    assert event.actor == agent
    assert event.visibility == visibility
    assert event.body == "已联系客户，约周六上门"
    request_.refresh_from_db()
    assert request_.updated_at > touched
    assert request_.version == 1  # a comment does not make someone's open edit stale


def test_comments_are_internal_unless_said_otherwise(agent, request_):
    assert services.add_comment(request_, actor=agent, body="备注").visibility == "internal"


@pytest.mark.parametrize("body", ["", "   \n\t"])
def test_an_empty_comment_is_refused(body, agent, request_):
    # when
    with pytest.raises(DomainError) as refused:
        services.add_comment(request_, actor=agent, body=body)

    # then
    assert str(refused.value) == "Write something before sending."
    assert refused.value.field == "body"
    assert not TimelineEvent.objects.exists()


def test_an_unknown_visibility_is_refused_as_such(agent, request_):
    # when
    with pytest.raises(DomainError) as refused:
        services.add_comment(request_, actor=agent, body="你好", visibility="secret")

    # then
    assert str(refused.value) == "Choose an internal note or a message to the customer."
    assert refused.value.field == "visibility"
    assert not TimelineEvent.objects.exists()


def test_the_customer_replies_on_their_request(customer_user, request_):
    # when
    event = services.add_comment(
        request_, actor=customer_user, body="周六上午可以", visibility=Visibility.PUBLIC
    )

    # then
    assert event.actor == customer_user
    assert list(services.timeline(customer_user, request_)) == [event]


# --- Calls -------------------------------------------------------------------------------


def test_a_call_is_logged_internally_with_direction_and_length(agent, request_):
    # given the agent called the customer back an hour ago
    called = timezone.now() - datetime.timedelta(hours=1)

    # when
    event = services.log_call(
        request_,
        actor=agent,
        body="回访：客户确认已修好",
        direction=CallDirection.OUTBOUND,
        duration_minutes=4,
        at=called,
    )

    # then
    event.refresh_from_db()
    assert event.kind == EventKind.CALL
    assert event.visibility == Visibility.INTERNAL
    assert event.actor == agent
    assert event.created_at == called
    assert event.data == {"direction": "outbound", "duration_minutes": 4}
    assert event.call_direction_label == "Outgoing call"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"direction": "sideways"}, "direction", "Say whether the call was incoming or outgoing."),
        (
            {"duration_minutes": -1},
            "duration_minutes",
            "A call cannot last less than zero minutes.",
        ),
        (
            {"at": timezone.now() + datetime.timedelta(hours=1)},
            "at",
            "A call cannot be logged in the future.",
        ),
    ],
)
def test_a_call_with_impossible_details_is_refused(kwargs, field, message, agent, request_):
    # when
    with pytest.raises(DomainError) as refused:
        services.log_call(request_, actor=agent, body="客户来电", **kwargs)

    # then
    assert str(refused.value) == message
    assert refused.value.field == field
    assert not TimelineEvent.objects.exists()


@pytest.mark.parametrize(
    "add",
    [
        pytest.param(
            lambda r, actor: services.add_comment(r, actor=actor, body="好的"), id="comment"
        ),
        pytest.param(lambda r, actor: services.log_call(r, actor=actor, body="回访"), id="call"),
        pytest.param(
            lambda r, actor: services.add_attachment(
                r, actor=actor, upload=SimpleUploadedFile("a.png", files.png())
            ),
            id="attachment",
        ),
    ],
)
def test_any_new_entry_counts_as_activity_on_the_request(add, agent, request_):
    # given a request last touched yesterday
    yesterday = timezone.now() - datetime.timedelta(days=1)
    type(request_).objects.filter(pk=request_.pk).update(updated_at=yesterday)

    # when
    add(request_, agent)

    # then it comes first when the queue is sorted by last change
    request_.refresh_from_db()
    assert request_.updated_at > yesterday
    assert request_.version == 1


def test_customers_do_not_log_calls(customer_user, request_):
    with pytest.raises(NotAllowed):
        services.log_call(request_, actor=customer_user, body="我打过电话")
    assert not TimelineEvent.objects.exists()


# --- Attachments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("故障照片.png", files.png(), "image/png"),
        ("维修单.pdf", files.pdf(), "application/pdf"),
        ("说明.txt", "室外机有异响".encode(), "text/plain"),
    ],
)
def test_an_attachment_is_stored_and_on_the_timeline(name, content, content_type, agent, request_):
    # when
    attachment = services.add_attachment(
        request_, actor=agent, upload=SimpleUploadedFile(name, content)
    )

    # then the file is kept under a name that is not the uploaded one
    attachment.refresh_from_db()
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.uploaded_by == agent
    assert name not in attachment.file.name
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    # and the timeline says who added what
    event = attachment.event
    assert event.kind == EventKind.ATTACHMENT
    assert event.actor == agent
    assert event.body == name
    assert event.data == {"name": name, "size": len(content), "content_type": content_type}


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("照片.png", files.exe(), "file_type"),
        ("照片.jpg", files.png(), "file_type_mismatch"),
        ("空.png", b"", "empty_file"),
    ],
)
def test_a_refused_attachment_leaves_nothing_behind(name, content, code, agent, request_):
    # when
    with pytest.raises(DomainError) as refused:
        services.add_attachment(request_, actor=agent, upload=SimpleUploadedFile(name, content))

    # then
    assert refused.value.code == code
    assert not Attachment.objects.exists()
    assert not TimelineEvent.objects.exists()
    assert stored_files() == ([], [])


def test_a_too_large_attachment_is_refused(settings, agent, request_):
    # given
    settings.ATTACHMENT_MAX_BYTES = 100

    # when
    with pytest.raises(DomainError) as refused:
        services.add_attachment(
            request_, actor=agent, upload=SimpleUploadedFile("log.txt", b"x" * 101)
        )

    # then
    assert refused.value.code == "file_too_large"
    assert not Attachment.objects.exists()


def test_internal_attachments_stay_internal(agent, customer_user, request_):
    # given a photo for the customer and an internal one
    public = services.add_attachment(
        request_,
        actor=agent,
        upload=SimpleUploadedFile("给客户.png", files.png()),
        visibility=Visibility.PUBLIC,
    )
    services.add_attachment(
        request_, actor=agent, upload=SimpleUploadedFile("内部.png", files.png())
    )

    # when
    seen = [event.body for event in services.timeline(customer_user, request_)]
    staff = [event.body for event in services.timeline(agent, request_)]

    # then
    assert seen == [public.original_name]
    assert staff == ["给客户.png", "内部.png"]


def test_customers_attach_only_for_the_conversation(customer_user, request_):
    # when a customer tries to attach an internal file
    with pytest.raises(NotAllowed):
        services.add_attachment(
            request_,
            actor=customer_user,
            upload=SimpleUploadedFile("x.png", files.png()),
            visibility=Visibility.INTERNAL,
        )

    # then
    assert not Attachment.objects.exists()


def test_someone_else_cannot_attach_to_a_request(other_partner, request_):
    with pytest.raises(NotAllowed):
        services.add_attachment(
            request_,
            actor=other_partner,
            upload=SimpleUploadedFile("x.png", files.png()),
            visibility=Visibility.PUBLIC,
        )
    assert not Attachment.objects.exists()
