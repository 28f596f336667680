"""Staff moderation: the queue of reports, held reviews and disputes, and one report's
evidence side by side with the decision form. Anyone but staff gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.core.errors import DomainError
from sokoni.orders.views.common import user_of, visible
from sokoni.trust import moderation
from sokoni.trust.services import report_decide

DECISIONS = {"uphold": True, "dismiss": False}


@login_required
@require_http_methods(["GET", "HEAD"])
def queue_view(request: HttpRequest) -> HttpResponse:
    queue = visible(lambda: moderation.queue(user_of(request)))
    return render(request, "trust/staff/queue.html", {"queue": queue})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_view(request: HttpRequest, report_id: int) -> HttpResponse:
    user = user_of(request)
    evidence = visible(lambda: moderation.report_evidence(user, report_id))
    error = ""
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in DECISIONS:
            error = _("Choose: uphold or dismiss.")
        else:
            try:
                report_decide(
                    staff=user,
                    report_id=evidence.report.pk,
                    upheld=DECISIONS[decision],
                    note=request.POST.get("note", ""),
                )
            except DomainError as exc:
                error = str(exc.message)
            else:
                messages.success(request, _("Decided. Both sides' reviews follow the decision."))
                return redirect("moderation:report", report_id=evidence.report.pk)
    return render(
        request,
        "trust/staff/report.html",
        {
            "evidence": evidence,
            "report": evidence.report,
            "error": error,
            "note": request.POST.get("note", ""),
        },
        status=400 if error else 200,
    )
