"""What the three sides' case pages share: the deadlines a side must know, the actions each side is
offered in each state (the services decide; the pages only offer what would make sense), a refusal
turned into a message, and the evidence file view."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from ..models import AfterSalesCase
from . import selectors, services
from .forms import EvidenceForm

Status = AfterSalesCase.Status

BUYER_ACTIONS = {
    Status.REQUESTED: {"withdraw", "evidence"},
    Status.OFFERED: {"offer-accept", "escalate", "withdraw", "evidence"},
    Status.REFUSED: {"escalate", "withdraw", "evidence"},
    Status.AWAITING_RETURN: {"return-ship", "withdraw", "evidence"},
    Status.RETURNING: {"evidence"},
    Status.ARBITRATION: {"evidence"},
    Status.REFUNDING: set(),
}
MERCHANT_ACTIONS = {
    Status.REQUESTED: {"accept", "offer", "refuse", "evidence"},
    Status.OFFERED: {"escalate", "evidence"},
    Status.REFUSED: {"escalate", "evidence"},
    Status.AWAITING_RETURN: {"evidence"},
    Status.RETURNING: {"return-received", "evidence"},
    Status.ARBITRATION: {"evidence"},
    Status.REFUNDING: set(),
}


def actions_for(case, party: str) -> set[str]:
    table = BUYER_ACTIONS if party == AfterSalesCase.Party.BUYER else MERCHANT_ACTIONS
    actions = set(table.get(case.status, set()))
    if party == AfterSalesCase.Party.MERCHANT and case.status == Status.RETURNING and case.return_check_by:
        actions.add("escalate")  # the store disputes the goods that came back
    return actions


def deadline_lines(case, party: str) -> list[str]:
    """The deadlines a side should see at the top of the case, as sentences (local time)."""
    lines = []
    if case.status == Status.REQUESTED and case.respond_by:
        lines.append(
            (
                _("The store must answer by %(when)s; if it does not, the request is accepted.")
                if party == AfterSalesCase.Party.BUYER
                else _("Answer by %(when)s: without an answer the request is accepted automatically."),
                case.respond_by,
            )
        )
    if case.status in (Status.OFFERED, Status.REFUSED) and case.buyer_respond_by:
        lines.append(
            (
                _("Accept, escalate to the platform or withdraw by %(when)s; after that the case closes.")
                if party == AfterSalesCase.Party.BUYER
                else _("The buyer has until %(when)s to accept or escalate; after that the case closes."),
                case.buyer_respond_by,
            )
        )
    if case.status == Status.AWAITING_RETURN and case.buyer_respond_by:
        lines.append(
            (
                _("Send the goods back by %(when)s; after that the case closes.")
                if party == AfterSalesCase.Party.BUYER
                else _("The buyer must send the goods back by %(when)s."),
                case.buyer_respond_by,
            )
        )
    if case.status == Status.RETURNING and case.return_check_by:
        lines.append(
            (
                _(
                    "The store must confirm the goods by %(when)s; if it does not, they are "
                    "accepted and you are refunded."
                )
                if party == AfterSalesCase.Party.BUYER
                else _(
                    "Confirm the returned goods by %(when)s: without an answer they are accepted "
                    "and the buyer refunded."
                ),
                case.return_check_by,
            )
        )
    for request in case.info_requests.all():
        if request.answered_at is None and request.party == party:
            lines.append((_("The arbitrator asked you for more: answer by %(when)s."), request.due_at))
    return [
        text % {"when": date_format(timezone.localtime(when), "Y-m-d H:i")} for text, when in lines if when
    ]


def refused(request, exc: DomainError, back: str):
    """A service's refusal: 404 stays 404, anything else is a message on the page the person came from."""
    if getattr(exc, "status", 400) == 404:
        raise Http404(str(exc))
    messages.error(request, str(exc))
    return redirect(back)


def evidence_file(request, number, pk):
    """A case photo, for the buyer, the store's staff and arbitrators only (404 for anyone else: the
    file's existence is not revealed). Never cached by shared caches."""
    evidence = selectors.evidence_for_user(request.user, number, pk)
    if evidence is None:
        raise Http404(_("No such file."))
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("No such file.")) from exc
    response = FileResponse(handle, content_type=evidence.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def evidence_from_form(request, case, actor):
    """The evidence form of any side's case page: one `case_evidence_add` per photo, the statement with
    the first. A form error becomes a message (the page redirects back); a refusal is raised."""
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(errors))
        return False
    photos = form.cleaned_data.get("photos") or []
    note = form.cleaned_data.get("note", "").strip()
    if not photos:
        services.case_evidence_add(case=case, actor=actor, note=note)
    for index, photo in enumerate(photos):
        services.case_evidence_add(case=case, actor=actor, file=photo, note=note if index == 0 else "")
    messages.success(request, _("Added to the case."))
    return True
