"""Integrations: the API tokens an organiser issues and revokes, the webhook endpoints and their delivery log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import api_tokens as token_services, webhooks as webhook_services
from ..domain.webhooks import REPLAY_WINDOW_SECONDS
from ..entries.forms import ConfirmForm
from ..errors import Refused, keeps_typed_input
from ..extensions import db
from ..models import ApiToken, WebhookDelivery, WebhookEndpoint
from .forms import EVENT_LABELS, SCOPE_LABELS, ApiTokenForm, WebhookForm

bp = Blueprint("api_tokens", __name__)


def _page(form: ApiTokenForm | None = None, *, secret: str | None = None, status: int = 200):
    return render_template(
        "organiser/api_tokens.html",
        tokens=token_services.tokens(),
        form=form or ApiTokenForm(formdata=None),
        confirm=ConfirmForm(),
        secret=secret,
        scope_labels=SCOPE_LABELS,
    ), status


@bp.get("/api-tokens")
def api_tokens():
    return _page()


@bp.post("/api-tokens")
@keeps_typed_input
def issue_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        token, secret = token_services.issue_token(actor=current_user, name=form.name.data, scopes=form.scopes.data)
    except Refused as refusal:
        refusal.show_on(form)
        return _page(form, status=refusal.status)
    flash(_("Token %(name)s issued. Copy it now: it is never shown again.", name=token.name), "success")
    return _page(secret=secret)


@bp.post("/api-tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token_services.revoke_token(actor=current_user, token=token)
    flash(_("Token %(name)s is revoked: it no longer opens the API.", name=token.name), "success")
    return redirect(url_for("organiser.api_tokens.api_tokens"))


def _webhooks_page(form: WebhookForm | None = None, *, secret: str | None = None, status: int = 200):
    return render_template(
        "organiser/webhooks.html",
        endpoints=webhook_services.endpoints(),
        deliveries=webhook_services.deliveries(),
        form=form or WebhookForm(formdata=None),
        confirm=ConfirmForm(),
        secret=secret,
        event_labels=EVENT_LABELS,
        replay_window=REPLAY_WINDOW_SECONDS,
    ), status


@bp.get("/webhooks")
def webhooks():
    return _webhooks_page()


@bp.post("/webhooks")
@keeps_typed_input
def register_webhook():
    form = WebhookForm()
    if not form.validate_on_submit():
        return _webhooks_page(form, status=400)
    try:
        endpoint, secret = webhook_services.register_endpoint(
            actor=current_user, url=form.url.data, events=form.events.data
        )
    except Refused as refusal:
        refusal.show_on(form)
        return _webhooks_page(form, status=refusal.status)
    flash(_("Endpoint %(url)s registered. Copy its secret now: it is never shown again.", url=endpoint.url), "success")
    return _webhooks_page(secret=secret)


@bp.post("/webhooks/<int:endpoint_id>/remove")
def remove_webhook(endpoint_id: int):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    webhook_services.remove_endpoint(actor=current_user, endpoint=endpoint)
    flash(_("Nothing more is sent to %(url)s.", url=endpoint.url), "success")
    return redirect(url_for("organiser.api_tokens.webhooks"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/replay")
def replay_delivery(delivery_id: int):
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    again = webhook_services.replay(actor=current_user, delivery=delivery)
    flash(_("Delivery %(old)d will be sent again as delivery %(new)d.", old=delivery.id, new=again.id), "success")
    return redirect(url_for("organiser.api_tokens.webhooks"))
