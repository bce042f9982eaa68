"""The audit trail page: who saw, exported or changed what, for staff and admins.

Read only: it answers GET alone, and offers nothing that changes an entry.
Leaders do not read it (404): it is the board's own record of its work, as the
admin's log entries are; leaders read what the board produces.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dluan import audit
from dluan.access import require_staff
from dluan.forms import TrailFilterForm
from dluan.paging import LargePaginator

PAGE_SIZE = 25


@login_required
@require_safe
def audit_trail(request):
    user = request.user
    require_staff(user)
    form = TrailFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        # A bad filter shows its message and no entries, rather than all of them.
        entries = audit.trail(user, filters={}).none()
    else:
        entries = audit.trail(user, filters=filters)
    # Never counted: the trail grows by every page read in the province.
    paginator = LargePaginator(
        entries,
        PAGE_SIZE,
        counted=False,
        rows=lambda keys: audit.trail_rows(user, keys),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "dluan/audit_trail.html", {"form": form, "page": page})
