"""Results and records in words, in the reader's language: method names, ranking flags, how a tie was
settled, and the audit trail's actions and changes.

`scoring` returns codes and numbers; the pages and the exports put them in words here, so a French
organiser reads French and an entry is named by its title, never by its database id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from flask_babel import force_locale, format_decimal, gettext as _, lazy_gettext as _l, ngettext

import exports
import scoring

LANGUAGES = ("en", "fr")


def translator(language: str) -> Callable[[str], str]:
    """gettext in `language` whenever it is called: for exports built in another language than the page's,
    or outside any request (the `flask export` command)."""

    def translate(text: str) -> str:
        with force_locale(language):
            return _(text)

    return translate


METHOD_LABELS = {
    "mean": _l("mean of the weighted totals"),
    "median": _l("median of the weighted totals"),
    "trimmed": _l("trimmed mean (highest and lowest marks set aside)"),
    "zscore": _l("marks standardised per juror (z-scores)"),
    "fitted": _l("juror leniency fitted and removed (least squares)"),
}


def method_label(method: str) -> str:
    """'mean of the weighted totals' and so on; an unknown code is shown as it is."""
    return str(METHOD_LABELS.get(method, method))


def _number(value: float, digits: int = 2) -> str:
    return format_decimal(value, "0." + "0" * digits)


def engine_flag(flag: scoring.Flag) -> exports.Flag:
    """A flag of `scoring.rank_entries` as the workbook's plain data (same kind, the outlier juror's id, the
    jury's reason): the workbook words it, with the juror's name or, when anonymised, their label."""
    return exports.Flag(flag.kind.value, juror_id=flag.juror, reason=flag.reason or "")


def describe_flag(flag: scoring.Flag, juror_names: Mapping | None = None) -> str:
    """One ranking flag of `scoring.rank_entries` in words, the same words as the workbook's
    (`exports.flag_words`, one list of flag words for the page and the book)."""
    return exports.flag_words(engine_flag(flag), translate=_, jurors=juror_names)


def _quoted(title) -> str:
    return _("“%(title)s”", title=title)


def describe_tie(tie: scoring.TieBreak | None, titles: Mapping, criterion_names: Mapping[str, str]) -> str:
    """How a tie on score was settled, naming the other entry by its title; '' when there was no tie."""
    if tie is None:
        return ""
    score = _number(tie.score)
    if tie.decided_by == "jury":
        others = ", ".join(_quoted(titles.get(e, e)) for e in tie.shared)
        return _(
            "Tied at %(score)s with %(others)s on every criterion and on the median total: the jury decides.",
            score=score,
            others=others,
        )
    if tie.decided_by == "round":
        values = {
            "score": _number(tie.score),
            "other": _quoted(titles.get(tie.other, tie.other)),
            "mine": int(tie.mine),
            "theirs": int(tie.theirs),
        }
        if tie.above:
            return _(
                "Tied at %(score)s with %(other)s on the combined score: ranked above it on the last round's "
                "ranking (rank %(mine)d vs %(theirs)d).",
                **values,
            )
        return _(
            "Tied at %(score)s with %(other)s on the combined score: ranked below it on the last round's "
            "ranking (rank %(mine)d vs %(theirs)d).",
            **values,
        )
    digits = scoring.decimals_to_tell_apart(tie.mine, tie.theirs)
    values = {
        "score": score,
        "other": _quoted(titles.get(tie.other, tie.other)),
        "mine": _number(tie.mine, digits),
        "theirs": _number(tie.theirs, digits),
    }
    if tie.decided_by == "criterion":
        criterion = criterion_names.get(tie.criterion, tie.criterion)
        if tie.above:
            return _(
                "Tied at %(score)s with %(other)s: ranked above it on a higher mean mark for %(criterion)s "
                "(%(mine)s vs %(theirs)s).",
                criterion=criterion,
                **values,
            )
        return _(
            "Tied at %(score)s with %(other)s: ranked below it on a lower mean mark for %(criterion)s "
            "(%(mine)s vs %(theirs)s).",
            criterion=criterion,
            **values,
        )
    if tie.above:
        return _(
            "Tied at %(score)s with %(other)s: ranked above it on a higher median total (%(mine)s vs %(theirs)s).",
            **values,
        )
    return _(
        "Tied at %(score)s with %(other)s: ranked below it on a lower median total (%(mine)s vs %(theirs)s).", **values
    )


SIGNOFF_CHANGES = {
    "marks": _l("scorecards or marks"),
    "cards": _l("scorecards or marks"),
    "entries": _l("entries in the round"),
    "criteria": _l("criteria, scales or weights"),
    "method": _l("scoring method"),
    "trim": _l("trimming"),
    "min_scorecards": _l("minimum scorecards"),
    "joint_winners": _l("joint-winner decision"),
    "combined": _l("round combination or the earlier round"),
}


def signoff_changes(kinds) -> str:
    """What changed since a sign-off, in words ("criteria, scales or weights, scoring method")."""
    words = []
    for kind in kinds:
        word = str(SIGNOFF_CHANGES.get(kind, kind))
        if word not in words:
            words.append(word)
    return ", ".join(words)


ACTION_LABELS = {
    "mail.resend": _l("Mail resent"),
    "scorecard.save": _l("Scorecard saved"),
    "scorecard.submit": _l("Scorecard submitted"),
    "scorecard.reopen": _l("Scorecard reopened"),
    "scorecard.void": _l("Scorecard no longer counts"),
    "scorecard.close_draft": _l("Draft scorecard closed"),
    "assignment.add": _l("Juror assigned to an entry"),
    "assignment.remove": _l("Assignment removed"),
    "assignment.auto": _l("Automatic assignment"),
    "assignment.recuse": _l("Juror recused"),
    "conflict.declare": _l("Conflict of interest declared"),
    "conflict.remove": _l("Conflict of interest removed"),
    "entry.disqualify": _l("Entry disqualified"),
    "entry.reinstate": _l("Entry reinstated"),
    "edition.create": _l("Edition created"),
    "criteria.edit": _l("Criteria edited"),
    "results.freeze": _l("Results frozen"),
    "results.unfreeze": _l("Results unfrozen"),
    "results.publish": _l("Results published"),
    "results.unpublish": _l("Results unpublished"),
    "results.mail": _l("Result mails sent to the exhibitors"),
    "results.sign_off": _l("Round signed off by the jury president"),
    "results.signoff_override": _l("Missing sign-offs overridden"),
    "results.joint_winners": _l("Joint winners declared"),
    "results.sign_off_void": _l("Sign-off voided by a change"),
    "round.update": _l("Round settings changed"),
    "round.shortlist": _l("Shortlist decided"),
    "round.calibration_samples": _l("Calibration entries chosen"),
    "jury.add_member": _l("Juror added to a jury"),
    "jury.remove_member": _l("Juror removed from a jury"),
    "jury.set_president": _l("Jury president appointed"),
    "jury.remind": _l("Late jurors reminded"),
    "import.jurors": _l("Jurors imported"),
    "import.exhibitors": _l("Exhibitors imported"),
    "edition.update": _l("Edition settings changed"),
    "edition.make_current": _l("Current edition changed"),
    "category.update": _l("Category settings changed"),
    "floor.send": _l("Juror sent to a stand"),
    "floor.close_stand": _l("Stand closed for a while"),
    "floor.reopen_stand": _l("Stand reopened"),
    "company.contact_invited": _l("Company contact invited"),
    "user.sessions_ended": _l("Logged out everywhere"),
    "account.sso_create": _l("Account created by single sign-on"),
    "api.write": _l("Change made through the API"),
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "company.create": _l("Company created"),
    "company.update": _l("Company updated"),
    "webhook.register": _l("Webhook endpoint registered"),
    "webhook.remove": _l("Webhook endpoint removed"),
    "webhook.replay": _l("Webhook delivery sent again"),
    "organisation.updated": _l("Company details changed"),
    "organisation.merged": _l("Duplicate company merged"),
    "organisation.invited": _l("Company contact invited"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.invitation_resent": _l("Invitation sent again"),
    "user.organiser_role": _l("Organiser role changed"),
    "entry.move_category": _l("Entry moved to another category"),
    "message.send": _l("Message sent"),
}
OBJECT_LABELS = {
    "Scorecard": _l("scorecard"),
    "Assignment": _l("assignment"),
    "Category": _l("category"),
    "Conflict": _l("conflict of interest"),
    "TieDecision": _l("jury decision"),
    "Edition": _l("edition"),
    "Entry": _l("entry"),
    "User": _l("user"),
    "OutboxMessage": _l("mail"),
    "JuryMember": _l("jury member"),
    "Round": _l("round"),
    "FloorDispatch": _l("stand dispatch"),
    "StandClosure": _l("closed stand"),
    "Organisation": _l("company"),
    "ApiToken": _l("API token"),
    "WebhookEndpoint": _l("webhook endpoint"),
    "WebhookDelivery": _l("webhook delivery"),
    "Message": _l("message"),
}


def action_label(action: str) -> str:
    """'Scorecard submitted' for 'scorecard.submit'; an action code not listed is shown as it is."""
    return str(ACTION_LABELS.get(action, action))


def object_label(object_type: str) -> str:
    return str(OBJECT_LABELS.get(object_type, object_type))


def _short(value, limit: int = 60) -> str:
    if isinstance(value, (list, tuple)):
        return ngettext("%(num)d item", "%(num)d items", len(value))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarise_change(before: dict | None, after: dict | None) -> list[str]:
    """What changed between an audit event's before and after, one short line per field ('status: submitted →
    draft', 'added: 96 items'); the full values stay available beside it."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [f"{_short(before)} → {_short(after)}"]
    lines = []
    for key in list(after) + [k for k in before if k not in after]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in before and key in after:
            lines.append(f"{key}: {_short(old)} → {_short(new)}")
        elif (new if key in after else old) not in (None, "", [], {}):  # an empty field on one side says nothing
            lines.append(f"{key}: {_short(new if key in after else old)}")
    return lines


# --- an edition's dates -------------------------------------------------------------------------------------------

DATE_LABELS = {
    "entries_open_at": _l("Entries open"),
    "submission_deadline": _l("Submission deadline"),
    "scoring_opens_at": _l("Scoring opens"),
    "scoring_closes_at": _l("Scoring closes"),
    "ceremony_at": _l("Ceremony"),
}


def describe_date_order(problem) -> str:
    """Why a milestone (an editions.DateOrderProblem) is refused, naming the earlier one and its local time."""
    from flask_babel import format_date, format_time

    when = f"{format_date(problem.when, 'medium')}, {format_time(problem.when, 'short')}"
    other = str(DATE_LABELS[problem.after])
    if problem.strict:
        return _("Must be after “%(other)s” (%(when)s).", other=other, when=when)
    return _("Cannot be before “%(other)s” (%(when)s).", other=other, when=when)


STATUS_LABELS = {
    "draft": _l("a draft"),
    "submitted": _l("submitted"),
    "withdrawn": _l("withdrawn"),
    "disqualified": _l("disqualified"),
}


def status_label(status: str) -> str:
    """An entry's status in words, to be read inside a sentence ("it is submitted again")."""
    return str(STATUS_LABELS.get(status, status))


def describe_too_large(too_large) -> str:
    """Why an uploaded workbook (an exports.TooLarge) is refused before it is read, and what to do."""
    from exports import Limit

    allowed, found = too_large.allowed, too_large.found
    megabytes = format_decimal(allowed / (1024 * 1024), format="#,##0.#")
    limit = too_large.limit
    if limit is Limit.FILE_SIZE:
        return _("The file is larger than %(mb)s MB: split it into several files.", mb=megabytes)
    if limit is Limit.UNPACKED_SIZE:
        return _(
            "The workbook unpacks to more than %(mb)s MB: save only the data sheet into a new workbook.", mb=megabytes
        )
    if limit is Limit.PARTS:
        return _("The workbook holds more than %(n)d parts: save only the data sheet into a new workbook.", n=allowed)
    if limit is Limit.STRINGS:
        return _(
            "The workbook holds %(found)d texts (at most %(n)d): save only the data sheet into a new workbook.",
            found=found,
            n=allowed,
        )
    if limit is Limit.CELL_LENGTH:
        return _(
            "Row %(row)d, column %(column)s: the cell holds %(found)d characters, at most %(n)d are accepted.",
            row=too_large.row,
            column=too_large.column,
            found=found,
            n=allowed,
        )
    if limit is Limit.TIME:
        return _(
            "Reading the workbook took longer than %(n)d seconds: save only the data sheet into a new workbook.",
            n=allowed,
        )
    noun, advice = {
        Limit.ROWS: (_("rows"), _("delete the empty rows below the data, or split the file.")),
        Limit.COLUMNS: (_("columns"), _("keep only the template's columns.")),
        Limit.CELLS: (_("cells"), _("keep only the template's columns, or split the file.")),
    }[limit]
    if found is None:
        return _(
            "A sheet of the workbook has more than %(n)s %(noun)s: %(advice)s",
            n=format_decimal(allowed),
            noun=noun,
            advice=advice,
        )
    return _(
        "A sheet of the workbook has %(found)s %(noun)s (at most %(n)s): %(advice)s",
        found=format_decimal(found),
        n=format_decimal(allowed),
        noun=noun,
        advice=advice,
    )


def describe_import_limits(limits, max_rows: int) -> str:
    """The bounds of an Excel import (an exports.WorkbookLimits), as the import page states them."""
    return _(
        "Limits: a file of at most %(mb)s MB, %(rows)s rows of data, %(columns)s columns and %(chars)s characters "
        "a cell. A larger file is refused before it is read.",
        mb=format_decimal(limits.max_file_bytes / (1024 * 1024), format="#,##0.#"),
        rows=format_decimal(max_rows),
        columns=format_decimal(limits.max_columns),
        chars=format_decimal(limits.max_cell_chars),
    )


ROLE_LABELS = {
    "exhibitor": _l("exhibitor"),
    "juror": _l("juror"),
    "organiser": _l("organiser"),
}


def role_label(role: str) -> str:
    """An account's role in words ("juror")."""
    return str(ROLE_LABELS.get(role, role))


def describe_import_error(error) -> str:
    """One problem of an Excel import (an exports.RowError) in the reader's language: "Ligne 4, Pays : ..."."""
    return error.text(translate=_)


def import_summary(kind: str, done: dict) -> str:
    """What an applied import did (`exporting.apply_import`'s counts), as the page, the job and the command say it."""
    if kind == "exhibitors":
        return _(
            "%(n)d exhibitors read: %(c)d created, %(u)d updated, the rest unchanged.",
            n=done["rows"],
            c=done["created"],
            u=done["updated"],
        )
    return _(
        "%(n)d jurors read: %(c)d new accounts, %(s)d jury seats added. Invite them from the juries page.",
        n=done["rows"],
        c=done["created"],
        s=done["seats"],
    )
