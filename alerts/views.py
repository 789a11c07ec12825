import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jobboard.observability import client_address
from postings.models import Category

from . import subscriptions
from .forms import AlertForm, SubscribeForm, describe, parse_query, saved_query
from .models import Alert, Subscriber


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/invalid_link.html", status=400)


def new(request: HttpRequest) -> HttpResponse:
    """The subscribe form for the search in the query string. A page of its own, so that the
    list pages, cached whole, carry no per-visitor CSRF token."""
    categories = list(Category.objects.all())
    query = saved_query(request.GET, categories)
    form = SubscribeForm(request.POST or None)
    status = 200
    if form.is_valid():
        email = form.cleaned_data["email"]
        if subscriptions.allow_subscription(email=email, ip=client_address(request)):
            subscriptions.subscribe(
                email=email,
                language=request.LANGUAGE_CODE,
                query=query,
                frequency=form.cleaned_data["frequency"],
            )
            # The same answer for a new, a waiting and a confirmed address.
            return redirect("alerts:sent")
        status = 429
    return render(
        request,
        "alerts/new.html",
        {
            "form": form,
            "query": query,
            "search": describe(parse_query(query, categories)),
            "rate_limited": status == 429,
        },
        status=status,
    )


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/sent.html")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows a button, a POST confirms: mail scanners that follow links do not subscribe
    anybody."""
    alert = Alert.from_confirm_token(token)
    if alert is None:
        return _invalid_link(request)
    if request.method == "POST":
        alert.confirm()
        return render(
            request,
            "alerts/confirmed.html",
            {"alert": alert, "manage_url": alert.subscriber.manage_url(alert.language)},
        )
    return render(request, "alerts/confirm.html", {"alert": alert})


def _subscriber(token: str) -> Subscriber | None:
    return Subscriber.from_manage_token(token)


def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    categories = list(Category.objects.all())
    alerts = []
    for alert in subscriber.alerts.all():
        with translation.override(alert.language):
            search = describe(parse_query(alert.query, categories))
            list_url = alert.list_url()
        alerts.append(
            {
                "alert": alert,
                "search": search,
                "list_url": list_url,
                "form": AlertForm(instance=alert, prefix=str(alert.pk)),
            }
        )
    return render(
        request,
        "alerts/manage.html",
        {"subscriber": subscriber, "token": token, "alerts": alerts},
    )


@require_POST
def update(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    alert = get_object_or_404(subscriber.alerts, pk=pk)
    form = AlertForm(request.POST, instance=alert, prefix=str(alert.pk))
    if form.is_valid():
        form.save()
    return redirect("alerts:manage", token=token)


@require_POST
def delete(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    subscriptions.unsubscribe(alert_id=get_object_or_404(subscriber.alerts, pk=pk).pk)
    return redirect("alerts:manage", token=token)


@require_POST
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """After a bounce, the address's owner says it works again."""
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    Subscriber.objects.filter(pk=subscriber.pk).update(bounced_at=None)
    return redirect("alerts:manage", token=token)


@require_POST
def unsubscribe_all(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    subscriber.alerts.all().delete()
    return render(request, "alerts/unsubscribed.html", {"manage_url": request.path})


def export(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    response = HttpResponse(
        json.dumps(subscriptions.export(subscriber=subscriber), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="job-alerts.json"'
    return response


@require_POST
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """Deletes everything about the address; its links stop working."""
    subscriber = _subscriber(token)
    if subscriber is None:
        return _invalid_link(request)
    subscriber.delete()
    return render(request, "alerts/erased.html")


@csrf_exempt  # RFC 8058: mail providers POST without a token; it only removes the named alert
def one_click(request: HttpRequest, token: str) -> HttpResponse:
    """The List-Unsubscribe address and the mail's visible link: a GET shows a button and
    changes nothing (link scanners follow GETs), a POST unsubscribes and answers 200."""
    alert_id = Alert.id_from_unsubscribe_token(token)
    if alert_id is None:
        return _invalid_link(request)
    if request.method == "POST":
        subscriptions.unsubscribe(alert_id=alert_id)
        return render(request, "alerts/unsubscribed.html")
    return render(
        request, "alerts/unsubscribe.html", {"exists": Alert.objects.filter(pk=alert_id).exists()}
    )
