"""Following the clusters of a list by e-mail: the form, the confirmation, the end of an
alert, and the page of every alert of an address. No account: the links sent to the
address, signed with the site's key, are the proof."""

from django.contrib import messages
from django.core import signing
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from alerts import services
from alerts.forms import AlertChangeForm, AlertForm
from alerts.models import Alert
from clusters.listing import ClusterListing, describe
from core.forms import error_summary, receive


@sensitive_post_parameters("email")
def follow(request):
    """The form to follow the clusters the query string selects, as the list shows them."""
    listing = ClusterListing(request.GET)
    form = AlertForm(request.POST or None)
    receipt = receive(request, "alert", form)
    if receipt.accepted:
        services.request_alert(
            form.cleaned_data["email"],
            followed_query(listing),
            form.cleaned_data["frequency"],
            get_language(),
        )
    if receipt.accepted or receipt.caught_a_bot:
        # The same answer whatever the address: the page never tells who follows what.
        return redirect("alerts:follow_sent")
    return render(
        request,
        "alerts/follow.html",
        {
            "form": form,
            "listing": listing,
            "description": describe(listing),
            "errors": error_summary(form) if request.method == "POST" else [],
            "navigation": "clusters",
        },
        status=receipt.status,
    )


def followed_query(listing):
    """The listing's query as understood, without its order, which changes no cluster."""
    query = QueryDict(listing.query_string, mutable=True)
    query.pop("sort", None)
    return query.urlencode()


def follow_sent(request):
    return render(request, "alerts/follow_sent.html", {"navigation": "clusters"})


def confirm(request, token):
    """The link of the confirmation e-mail opens a page with one button, so that a mail
    filter that opens every link starts nothing."""
    try:
        alert = services.alert_to_confirm(token)
    except signing.SignatureExpired:
        return invalid_link(request, expired=True)
    except (signing.BadSignature, Alert.DoesNotExist):
        return invalid_link(request)
    if request.method == "POST":
        alert = services.confirm(alert)
        return render(
            request,
            "alerts/confirmed.html",
            {"alert": alert, "address_url": services.address_path(alert)},
        )
    return render(request, "alerts/confirm.html", {"alert": alert})


# RFC 8058: a mail program's "unsubscribe" button POSTs here with no form of ours, and so
# no CSRF token; the signed link is what proves the right to end the alert.
@csrf_exempt
def unsubscribe(request, token):
    try:
        alert = services.alert_to_end(token)
    except signing.BadSignature:
        return invalid_link(request)
    if request.method == "POST":
        if alert is not None:
            services.end(alert)
        return render(request, "alerts/ended.html", {"description": alert and alert.description})
    return render(request, "alerts/end.html", {"alert": alert})


def address(request, token):
    """Every alert an address follows, to change how often it writes or to end it."""
    try:
        key = services.address_of_page(token)
    except signing.BadSignature:
        return invalid_link(request)
    alerts = Alert.objects.confirmed().filter(address_key=key).order_by("confirmed_at", "pk")
    if request.method == "POST":
        form = AlertChangeForm(request.POST, alerts=alerts)
        if form.is_valid():
            alert, action = form.cleaned_data["alert"], form.cleaned_data["action"]
            if action == AlertChangeForm.END:
                services.end(alert)
                messages.success(request, _("The alert “%s” has ended.") % alert.description)
            else:
                services.change_frequency(alert, form.cleaned_data["frequency"])
                messages.success(request, _("The alert “%s” is changed.") % alert.description)
        return redirect(request.path)
    return render(
        request,
        "alerts/address.html",
        {
            "alerts": [
                (
                    alert,
                    AlertChangeForm(
                        initial={"alert": alert.pk, "frequency": alert.frequency},
                        # Each alert's choices have ids of their own.
                        auto_id=f"alert-{alert.pk}-%s",
                    ),
                )
                for alert in alerts
            ],
            "navigation": "clusters",
        },
    )


def invalid_link(request, expired=False):
    return render(request, "alerts/invalid_link.html", {"expired": expired}, status=400)
