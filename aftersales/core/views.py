from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """Staff land on their queue; customers on their portal."""
    if request.user.may_use_staff_ui:
        return redirect("service:queue")
    return redirect("portal:home")
