"""Log in, log out, register as an exhibitor, reset a forgotten password, choose a language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..domain import accounts as services
from ..domain.permissions import role_required
from ..errors import keeps_typed_input
from ..extensions import db
from ..links import public_url
from ..models import Organisation
from . import throttle
from .forms import ForgotPasswordForm, InviteColleagueForm, LanguageForm, LoginForm, RegisterForm, ResetPasswordForm
from .tokens import make_token, read_token, sign, unsign

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _home_for(user) -> str:
    return {"exhibitor": "entries.dashboard", "juror": "jury.my_entries", "organiser": "organiser.dashboard"}.get(
        user.role, "public.index"
    )


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: an open redirect would help phishing for juror passwords.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return None


def _start_session(user, remember: bool) -> None:
    session.clear()  # a fresh session at login: no fixation
    login_user(user, remember=remember)
    services.touch_login(user)


@bp.route("/login", methods=["GET", "POST"])
@keeps_typed_input
def login():
    if current_user.is_authenticated:
        return redirect(url_for(_home_for(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        throttle.refuse_if_exhausted(*throttle.login_counters(email))
        user = services.authenticate(email, form.password.data)
        if user is not None:
            _start_session(user, form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for(_home_for(user)))
        throttle.count(*throttle.login_counters(email))  # only failures count: the venue's jurors never lock out
        # One message for a wrong email and a wrong password: no account discovery.
        form.password.errors.append(_("Wrong email or password."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_sessions(current_user)  # a copied cookie, on this device or another, stops working too
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    response = redirect(url_for("public.index"))
    # A shared tablet keeps nothing of the last user: cached pages, the jury outbox, the service worker.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/register", methods=["GET", "POST"])
@keeps_typed_input
def register():
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = request.accept_languages.best_match(["en", "fr"]) or "en"
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        throttle.guard_mail("register", email)
        details = dict(
            name=form.name.data,
            email=email,
            language=form.language.data,
            organisation=form.organisation.data,
            country=form.country.data,
            hall=form.hall.data or "",
            stand=form.stand.data or "",
            is_startup=bool(form.is_startup.data),
        )
        services.start_registration(
            details=details,
            link_for=lambda data: public_url("auth.complete_registration", token=sign(data, "register")),
        )
        # The same page whether or not the address already has an account.
        return render_template("auth/check_mail.html", email=email)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/register/<token>", methods=["GET", "POST"])
@keeps_typed_input
def complete_registration(token: str):
    """The link mailed at registration: the address is proven; choose a password and start."""
    details = unsign(token, "register", services.REGISTRATION_MAX_AGE)
    if details is None or services.find_user(details.get("email", "")) is not None:
        return render_template(
            "errors.html",
            status=400,
            title=_("Link expired"),
            message=_("This link is invalid, expired or already used. Log in, or register again."),
        ), 400
    form = ResetPasswordForm()
    form.user_inputs = (details["email"],)
    if form.validate_on_submit():
        user = services.register_exhibitor(password=form.password.data, **details)
        _start_session(user, remember=False)
        flash(_("Welcome! Your exhibitor account is ready: you can now create your entries."), "success")
        return redirect(url_for("entries.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reset.html", form=form, heading=_("Choose your password")), status


@bp.post("/colleagues")
@keeps_typed_input
@role_required("exhibitor")
def invite_colleague():
    """An exhibitor invites a colleague into their company: the only way to join an existing company."""
    form = InviteColleagueForm()
    if not form.validate_on_submit():  # the dashboard again, as typed, the reasons beside the fields
        from ..entries.routes import dashboard_page

        return dashboard_page(invite=form, status=400)
    email = services.normalise_email(form.email.data)
    throttle.guard_mail("invite", email)
    services.invite_colleague(
        inviter=current_user,
        name=form.name.data,
        email=email,
        language=form.language.data,
        link_for=lambda data: public_url("auth.join_company", token=sign(data, "join")),
    )
    flash(_("We have sent an invitation to %(email)s.", email=email), "success")
    return redirect(url_for("entries.dashboard"))


@bp.route("/join/<token>", methods=["GET", "POST"])
@keeps_typed_input
def join_company(token: str):
    """A colleague's invitation link: choose a password, then manage the company's entries."""
    data = unsign(token, "join", services.JOIN_MAX_AGE)
    company = (
        db.session.get(Organisation, data["organisation"])
        if data and isinstance(data.get("organisation"), int)
        else None
    )
    # The organisers' invitation to a contact address is void once the company's contact changes.
    stale_contact = bool(
        company is not None
        and data.get("contact")
        and services.normalise_email(company.contact_email) != data.get("email")
    )
    if company is None or stale_contact or services.find_user(data.get("email", "")) is not None:
        return render_template(
            "errors.html",
            status=400,
            title=_("Link expired"),
            message=_(
                "This invitation is invalid, expired or already used. Ask your colleague or the organisers for a "
                "new one, or log in."
            ),
        ), 400
    form = ResetPasswordForm()
    form.user_inputs = (data["email"],)
    if form.validate_on_submit():
        user = services.join_company(
            organisation=company,
            email=data["email"],
            name=data["name"],
            language=data["language"],
            password=form.password.data,
        )
        _start_session(user, remember=False)
        flash(_("Welcome! You can now manage the entries of %(company)s.", company=company.name), "success")
        return redirect(url_for("entries.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reset.html", form=form, heading=_("Choose your password")), status


@bp.route("/forgot", methods=["GET", "POST"])
@keeps_typed_input
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        throttle.guard_mail("reset", services.normalise_email(form.email.data))
        user = services.find_user(form.email.data)
        if user is not None and user.is_active and user.password_hash:
            token = make_token(user, "reset")
            services.send_password_reset(user, public_url("auth.reset_password", token=token))
        else:  # a mail either way, so that the time taken does not tell either
            services.send_no_account(services.normalise_email(form.email.data), language=str(get_locale()))
        # Same answer whether or not the account exists.
        flash(_("If an account exists for this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@keeps_typed_input
def reset_password(token: str):
    user = read_token(token, "reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    if user is None:
        return render_template(
            "errors.html",
            status=400,
            title=_("Link expired"),
            message=_("This link is invalid, expired or already used. Ask for a new one."),
        ), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        flash(_("Your password is changed. You can log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@keeps_typed_input
def accept_invitation(token: str):
    """A juror's invitation link: choose a password and a language, then start."""
    from ..domain.juries import INVITATION_MAX_AGE, accept_invitation as accept
    from ..jury.forms import AcceptInvitationForm

    juror = read_token(token, "invite", INVITATION_MAX_AGE)
    if juror is None or juror.role != "juror":
        return render_template(
            "errors.html",
            status=400,
            title=_("Link expired"),
            message=_(
                "This invitation is invalid, expired or already used. Ask the organisers for a new one, or log in."
            ),
        ), 400
    form = AcceptInvitationForm(language=juror.language)
    if form.validate_on_submit():
        accept(juror=juror, password=form.password.data, language=form.language.data)
        _start_session(juror, remember=False)
        flash(_("Welcome to the jury!"), "success")
        return redirect(url_for("jury.my_entries"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/invitation.html", form=form, juror=juror), status


@bp.post("/language")
def set_language():
    form = LanguageForm()
    target = _safe_next(request.form.get("next")) or url_for("public.index")
    response = redirect(target)
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.set_language(current_user, form.language.data)
        response.set_cookie("lang", form.language.data, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/account")
@login_required
def account():
    return redirect(url_for(_home_for(current_user)))
