"""The API's operations; each reads through the domain and names the scope it needs (see `auth.require`)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import RAISE
from sqlalchemy.orm import selectinload

from ..auth.tokens import make_token
from ..domain import companies as company_services, juries as jury_services, published
from ..extensions import db
from ..links import public_url
from ..models import Category, Edition, Entry, Organisation
from . import auth, schemas
from .auth import current_token, require, require_any

blp = Blueprint(
    "api",
    __name__,
    description="Version 1. Every operation needs `Authorization: Bearer <token>`; the scope it needs is named.",
)

auth.install(blp)
SECURITY = [{"token": []}]


def _edition(slug: str) -> Edition:
    edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
    if edition is None:
        abort(404, description=_("No edition is called %(slug)s.", slug=slug))
    return edition


def _contacts(company: Organisation) -> dict:
    data = schemas.CompanySchema().dump(company)
    data["contacts"] = [
        {"email": u.email, "name": u.name, "language": u.language} for u in company_services.contacts_of(company)
    ]
    return data


@blp.route("/editions")
@blp.doc(security=SECURITY, summary="Every edition (any scope)")
@blp.response(200, schemas.EditionSchema(many=True))
def editions():
    return db.session.scalars(
        db.select(Edition).options(selectinload(Edition.show)).order_by(Edition.created_at.desc(), Edition.id.desc())
    ).all()


@blp.route("/editions/<slug>")
@blp.doc(security=SECURITY, summary="One edition (any scope)")
@blp.response(200, schemas.EditionSchema)
def edition(slug: str):
    return _edition(slug)


@blp.route("/editions/<slug>/categories")
@blp.doc(security=SECURITY, summary="The categories of an edition, in ceremony order (any scope)")
@blp.response(200, schemas.CategorySchema(many=True))
def categories(slug: str):
    return _edition(slug).categories


@blp.route("/editions/<slug>/winners")
@blp.doc(
    security=SECURITY,
    summary="Winners and finalists once the results are published (any scope); empty before",
)
@blp.response(200, schemas.WinnersSchema)
def winners(slug: str):
    edition = _edition(slug)
    held = published.winners(edition)
    return {
        "edition": edition.slug,
        "published": edition.results_state == "published",
        "categories": [
            {"category": c, "winners": held[c.id]["winners"], "finalists": held[c.id]["finalists"]}
            for c in edition.categories
            if c.id in held
        ],
    }


@blp.route("/editions/<slug>/results")
@require("read-results")
@blp.doc(security=SECURITY, summary="Rankings with scores, published or not (scope read-results)")
@blp.response(200, schemas.ResultsSchema)
def results(slug: str):
    edition = _edition(slug)
    return {"edition": edition.slug, "results_state": edition.results_state, "categories": published.results(edition)}


@blp.route("/editions/<slug>/entries")
@require("read-entries")
@blp.doc(security=SECURITY, summary="The entries of an edition with answers and attachments (scope read-entries)")
@blp.arguments(schemas.EntryListArgs, location="query", unknown=RAISE)
@blp.response(200, schemas.EntrySchema(many=True), headers=schemas.TOTAL_HEADER)
def entries(args: dict, slug: str):
    edition = _edition(slug)
    query = db.select(Entry).where(Entry.edition_id == edition.id)
    if "status" in args:
        query = query.where(Entry.status == args["status"])
    if "category" in args:
        query = query.join(Category, Category.id == Entry.category_id).where(Category.code == args["category"])
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    found = db.session.scalars(
        query.options(selectinload(Entry.attachments), selectinload(Entry.organisation), selectinload(Entry.category))
        .order_by(Entry.id)
        .offset((args["page"] - 1) * args["page_size"])
        .limit(args["page_size"])
    ).all()
    return found, 200, {"X-Total-Count": str(total)}


@blp.route("/entries/<int:entry_id>")
@require("read-entries")
@blp.doc(security=SECURITY, summary="One entry with its answers and attachments (scope read-entries)")
@blp.response(200, schemas.EntrySchema)
def entry(entry_id: int):
    found = db.session.get(Entry, entry_id)
    if found is None:
        abort(404, description=_("No entry has this number."))
    return found


@blp.route("/companies")
@require_any("read-entries", "write-companies")
@blp.doc(security=SECURITY, summary="Every company with its contacts (scope read-entries or write-companies)")
@blp.arguments(schemas.PageArgs, location="query", unknown=RAISE)
@blp.response(200, schemas.CompanySchema(many=True), headers=schemas.TOTAL_HEADER)
def companies(args: dict):
    total = db.session.scalar(db.select(db.func.count()).select_from(Organisation))
    found = db.session.scalars(
        db.select(Organisation)
        .order_by(Organisation.name_key, Organisation.id)
        .offset((args["page"] - 1) * args["page_size"])
        .limit(args["page_size"])
    ).all()
    return [_contacts(c) for c in found], 200, {"X-Total-Count": str(total)}


@blp.route("/companies", methods=["PUT"])
@require("write-companies")
@blp.doc(
    security=SECURITY,
    summary="Import companies: each is created, or updated when one has the same name (scope write-companies)",
    description="All or nothing: one refused company (e.g. a contact who is a juror) leaves every company as it was.",
)
@blp.arguments(schemas.CompanyImportSchema)
@blp.response(200, schemas.CompanyImportResultSchema)
def import_companies(payload: dict):
    result = company_services.import_companies(actor=current_token().created_by, rows=payload["companies"])
    return {
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        "companies": [_contacts(c) for c in result.created + result.updated + result.unchanged],
    }


@blp.route("/companies/<int:company_id>")
@require_any("read-entries", "write-companies")
@blp.doc(security=SECURITY, summary="One company with its contacts (scope read-entries or write-companies)")
@blp.response(200, schemas.CompanySchema)
def company(company_id: int):
    found = db.session.get(Organisation, company_id)
    if found is None:
        abort(404, description=_("No company has this number."))
    return _contacts(found)


@blp.route("/companies/<int:company_id>", methods=["PATCH"])
@require("write-companies")
@blp.doc(security=SECURITY, summary="Change some fields of a company, add contacts (scope write-companies)")
@blp.arguments(schemas.CompanyPatchSchema)
@blp.response(200, schemas.CompanySchema)
def update_company(payload: dict, company_id: int):
    found = db.session.get(Organisation, company_id)
    if found is None:
        abort(404, description=_("No company has this number."))
    company_services.update_company(actor=current_token().created_by, company=found, values=payload)
    return _contacts(found)


def _invitation_url(juror) -> str:
    return public_url("auth.accept_invitation", token=make_token(juror, "invite"))


@blp.route("/categories/<int:category_id>/juror-invitations", methods=["POST"])
@require("invite-jurors")
@blp.doc(
    security=SECURITY,
    summary="Seat a juror on a category's jury and mail the invitation (scope invite-jurors)",
    description="Jurors are never listed through the API: the answer only confirms the address it was given.",
)
@blp.arguments(schemas.InvitationSchema)
@blp.response(201, schemas.InvitationResultSchema)
def invite_juror(payload: dict, category_id: int):
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404, description=_("No category has this number."))
    juror = jury_services.invite_juror(
        actor=current_token().created_by,
        category=category,
        email=payload["email"],
        name=payload["name"],
        language=payload["language"],
        invitation_url_for=_invitation_url,
    )
    return {"email": juror.email, "category": category.code, "invited": not juror.password_hash}
