"""The mailbox pages (/inbox/): mailboxes and the log of received mail for the back
office; managers (and administrators) add and change mailboxes. Others get 403. Thin:
the rules are in services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.core.decorators import allowed_if
from aftersales.core.errors import DomainError
from aftersales.core.forms import show_error
from aftersales.inbox import parsing, selectors, services
from aftersales.inbox.forms import MailboxForm, MailFilterForm
from aftersales.inbox.models import InboundMail, Mailbox

NAV = "inbox"
read_required = allowed_if(services.can_read)
manage_required = allowed_if(services.can_manage)


@read_required
@require_GET
def home(request):
    return render(
        request,
        "inbox/home.html",
        {
            "nav": NAV,
            "mailboxes": selectors.mailboxes(),
            "mails": selectors.mails()[:20],
            "can_manage": services.can_manage(request.user),
        },
    )


@manage_required
@require_http_methods(["GET", "POST"])
def mailbox_edit(request, pk=None):
    mailbox = get_object_or_404(Mailbox, pk=pk) if pk else Mailbox()
    form = MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_mailbox(form.instance, actor=request.user)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Mailbox saved."))
            return redirect("inbox:home")
    return render(
        request,
        "inbox/mailbox_form.html",
        {"nav": NAV, "form": form, "mailbox": mailbox if mailbox.pk else None},
        status=400 if request.method == "POST" else 200,
    )


@read_required
@require_GET
def mail_list(request):
    filters = MailFilterForm(request.GET or None)
    rows = selectors.mails(request.GET)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "inbox/mail_list.html", {"nav": NAV, "filters": filters, "page_obj": page}
    )


@read_required
@require_GET
def mail_detail(request, pk):
    mail = get_object_or_404(InboundMail.objects.select_related("mailbox", "request"), pk=pk)
    text, files = "", []
    try:
        with mail.raw.open("rb") as handle:
            message = parsing.parse(handle.read())
        text = parsing.body_text(message)
        files = parsing.attachments(message)
    except (OSError, ValueError):
        messages.warning(request, _("The raw message could not be read."))
    return render(
        request,
        "inbox/mail_detail.html",
        {"nav": NAV, "mail": mail, "text": text, "files": files},
    )


@read_required
@require_GET
def mail_raw(request, pk):
    mail = get_object_or_404(InboundMail, pk=pk)
    try:
        handle = mail.raw.open("rb")
    except OSError as error:
        raise Http404(_("The raw message is missing.")) from error
    return FileResponse(
        handle, as_attachment=True, filename=f"mail-{mail.pk}.eml", content_type="message/rfc822"
    )
