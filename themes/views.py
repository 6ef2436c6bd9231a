from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from core.forms import error_summary, receive
from themes import services
from themes.forms import ThematicAreaProposalForm


@sensitive_post_parameters("proposed_by_name", "proposed_by_email")
def propose(request):
    form = ThematicAreaProposalForm(request.POST or None)
    receipt = receive(request, "propose", form)
    if receipt.accepted:
        thematic_area = services.propose(form, request.LANGUAGE_CODE)
        request.session["proposed_thematic_area"] = thematic_area.name
    if receipt.accepted or receipt.caught_a_bot:
        return redirect("themes:propose_done")
    return render(
        request,
        "themes/propose.html",
        {
            "form": form,
            "errors": error_summary(form) if request.method == "POST" else [],
            "navigation": "themes",
        },
        status=receipt.status,
    )


def propose_done(request):
    return render(
        request,
        "themes/propose_done.html",
        {"name": request.session.pop("proposed_thematic_area", ""), "navigation": "themes"},
    )
