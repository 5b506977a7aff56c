"""A satisfaction survey answered from its e-mailed link (no sign-in: the token is the key)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from reservoir.core.errors import DomainError, NotFound
from reservoir.portal.forms import SurveyForm
from reservoir.portal.views.common import page
from reservoir.support import selectors as support_selectors
from reservoir.support import services as support_services
from reservoir.support.enums import SurveyKind


def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = support_selectors.get_survey_by_token(token)
    except NotFound:
        return page(request, "portal/survey.html", {"missing": True}, status=404)
    top = 5 if found.kind == SurveyKind.CSAT else 10
    low = 1 if found.kind == SurveyKind.CSAT else 0
    form = SurveyForm(request.POST if request.method == "POST" else None)
    done = found.answered_at is not None
    if request.method == "POST" and not done and form.is_valid():
        score = form.cleaned_data["score"]
        if not low <= score <= top:
            form.add_error("score", _("Choose a score from %(a)s to %(b)s.") % {"a": low, "b": top})
        else:
            try:
                support_services.answer_survey(token, score, form.cleaned_data["comment"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return page(request, "portal/survey.html", {"survey": found, "thanks": True})
    context = {
        "survey": found,
        "form": form,
        "scale": list(range(low, top + 1)),
        "done": done,
        "csat": found.kind == SurveyKind.CSAT,
    }
    return page(request, "portal/survey.html", context, status=422 if form.errors else 200)
