from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from cases.models import CaseStudy
from clusters.models import Cluster
from core.forms import error_summary
from core.page_cache import cached_page
from core.ratelimits import RATE_LIMITED_MESSAGE, count_send, limit_reached
from themes.forms import (
    JoinRequestForm,
    ThematicAreaProposalForm,
    ask_to_join,
    propose_thematic_area,
)
from themes.models import ThematicArea


@cached_page()
def theme_list(request):
    thematic_areas = ThematicArea.objects.public().annotate(
        cluster_count=Count("clusters", filter=Q(clusters__status=Cluster.Status.PUBLISHED))
    )
    return render(
        request,
        "themes/theme_list.html",
        {"thematic_areas": thematic_areas, "navigation": "themes"},
    )


def theme_detail(request, slug):
    thematic_area = get_object_or_404(ThematicArea.objects.public(), slug=slug)
    return render(
        request,
        "themes/theme_detail.html",
        {
            "thematic_area": thematic_area,
            "clusters": thematic_area.clusters.published().for_list(),
            "case_studies": CaseStudy.objects.published().filter(thematic_areas=thematic_area),
            "form": JoinRequestForm(thematic_area=thematic_area),
            "navigation": "themes",
        },
    )


@sensitive_post_parameters("proposed_by_name", "proposed_by_email")
def propose(request):
    status = 200
    form = ThematicAreaProposalForm(request.POST or None)
    if request.method == "POST":
        if limit_reached(request, "propose"):
            form.add_error(None, RATE_LIMITED_MESSAGE)
            status = 429
        elif form.caught_a_bot:
            count_send(request, "propose")
            return redirect("themes:propose_done")
        elif form.is_valid():
            thematic_area = propose_thematic_area(form)
            count_send(request, "propose")
            request.session["proposed_thematic_area"] = thematic_area.name
            return redirect("themes:propose_done")
    return render(
        request,
        "themes/propose.html",
        {"form": form, "errors": sent_errors(request, form), "navigation": "themes"},
        status=status,
    )


def propose_done(request):
    return render(
        request,
        "themes/propose_done.html",
        {"name": request.session.pop("proposed_thematic_area", ""), "navigation": "themes"},
    )


@sensitive_post_parameters("email")
def join(request, slug):
    thematic_area = get_object_or_404(ThematicArea.objects.public(), slug=slug)
    status = 200
    form = JoinRequestForm(request.POST or None, thematic_area=thematic_area)
    if request.method == "POST":
        if limit_reached(request, "join"):
            form.add_error(None, RATE_LIMITED_MESSAGE)
            status = 429
        elif form.caught_a_bot:
            count_send(request, "join")
            return redirect(thematic_area)
        elif form.is_valid():
            join_request = ask_to_join(form)
            count_send(request, "join")
            messages.success(
                request,
                f"Thank you. Staff will add {join_request.cluster} to this area once they "
                "have checked the request.",
            )
            return redirect(thematic_area)
    return render(
        request,
        "themes/join.html",
        {
            "form": form,
            "thematic_area": thematic_area,
            "errors": sent_errors(request, form),
            "navigation": "themes",
        },
        status=status,
    )


def sent_errors(request, form):
    return error_summary(form) if request.method == "POST" else []
