"""`flask --app judging ...` commands: init-db, create-user, create-edition, demo, and the jury's."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask_migrate import upgrade

from .extensions import db
from .models import LANGUAGES, ROLES
from .transaction import in_one_transaction

# Dates on the command line, read in the edition's time zone.
_WHEN = click.DateTime(formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"])


def register(app: Flask) -> None:
    _edition_commands(app)
    _jury_commands(app)
    # Each command is one action, like a request: committed when it ends, nothing kept if it fails halfway.
    for command in app.cli.commands.values():
        command.callback = in_one_transaction(command.callback)
    _worker_commands(app)  # after the wrap: the worker runs for days, each task is its own transaction
    _delivery_commands(app)


def _delivery_commands(app: Flask) -> None:
    """Commands that send to the outside world: each delivery is its own transaction, so one that was sent is
    recorded as sent even if a later one fails (not wrapped in one transaction like the others)."""

    @app.cli.command("deliver-webhooks")
    @click.option("--limit", default=100, show_default=True, help="At most this many deliveries in one run.")
    def deliver_webhooks(limit):
        """Send the webhook deliveries that are due (each in its own transaction); run it every minute."""
        from .domain.webhooks import deliver_pending

        counts = deliver_pending(limit=limit)
        click.echo(f"Delivered {counts['delivered']}, retrying later {counts['retrying']}, failed {counts['failed']}.")


def _edition_commands(app: Flask) -> None:
    """Commands to set up the app and an edition."""

    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the database schema (applies the migrations)."""
        upgrade()
        click.echo("Database is up to date.")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--name", default="")
    @click.option("--language", type=click.Choice(LANGUAGES), default="en")
    @click.option("--organisation", default=None, help="Exhibitor's or juror's company (must exist).")
    @click.password_option()
    def create_user(email, role, name, language, organisation, password):
        """Create an account of any role."""
        from .domain.accounts import create_user as create, find_user
        from .forms import password_problem

        if find_user(email):
            raise click.ClickException(f"An account with {email} already exists.")
        if problem := password_problem(password, user_inputs=(email,)):
            raise click.ClickException(str(problem))
        company = None
        if organisation:
            from .domain.organisations import find_organisation

            company = find_organisation(organisation)
            if company is None:
                raise click.ClickException(f"No organisation named {organisation!r}.")
        if role == "exhibitor" and company is None:
            raise click.ClickException("An exhibitor needs --organisation.")
        create(email=email, password=password, role=role, name=name, language=language, organisation=company)
        click.echo(f"Created {role} {email}.")

    @app.cli.command("create-edition")
    @click.option("--name", required=True, help='e.g. "Milipol Paris 2027".')
    @click.option("--slug", default=None, help="Short name in addresses (default: made from the name).")
    @click.option("--venue", default=None)
    @click.option(
        "--timezone",
        "zone",
        default=None,
        help="The zone the dates are given in (default Europe/Paris, or the copied edition's).",
    )
    @click.option(
        "--clone-from",
        "clone_from",
        default=None,
        metavar="SLUG",
        help="Copy this edition's categories, criteria and weights, rounds, juries and settings.",
    )
    @click.option(
        "--show",
        "show_name",
        default=None,
        help='The show, by short name or name, e.g. "Milipol Qatar" (created when new; default: the copied '
        "edition's show, else the default show).",
    )
    @click.option("--current", is_flag=True, help="Make it the show's current edition.")
    @click.option(
        "--status", type=click.Choice(["preparing", "live", "archived"]), default="preparing", show_default=True
    )
    @click.option("--entries-open", type=_WHEN, default=None, help='"2027-03-01 09:00", in the edition\'s zone.')
    @click.option("--deadline", type=_WHEN, default=None, help="The submission deadline.")
    @click.option("--scoring-opens", type=_WHEN, default=None)
    @click.option("--scoring-closes", type=_WHEN, default=None)
    @click.option("--ceremony", type=_WHEN, default=None)
    def create_edition(
        name,
        slug,
        venue,
        zone,
        clone_from,
        show_name,
        current,
        status,
        entries_open,
        deadline,
        scoring_opens,
        scoring_closes,
        ceremony,
    ):
        """Create an edition (dates in its time zone, in order: entries open < deadline <= scoring opens <
        scoring closes <= ceremony)."""
        from .domain.editions import create_edition as create, date_order_problems, is_time_zone, to_utc
        from .domain.shows import find_or_create_show
        from .errors import Refused
        from .models import Edition
        from .wording import DATE_LABELS, describe_date_order

        source = None
        if clone_from:
            source = db.session.scalar(db.select(Edition).where(Edition.slug == clone_from))
            if source is None:
                raise click.ClickException(f"No edition with the short name {clone_from!r}.")
        zone = zone or (source.timezone if source else "Europe/Paris")
        if not is_time_zone(zone):
            raise click.ClickException(f"Unknown time zone {zone!r}: give a name such as Europe/Paris or Asia/Qatar.")
        local = {
            "entries_open_at": entries_open,
            "submission_deadline": deadline,
            "scoring_opens_at": scoring_opens,
            "scoring_closes_at": scoring_closes,
            "ceremony_at": ceremony,
        }
        problems = date_order_problems(local)
        if problems:
            raise click.ClickException("\n".join(f"{DATE_LABELS[p.field]}: {describe_date_order(p)}" for p in problems))
        try:
            show = find_or_create_show(show_name) if show_name else None
            edition = create(
                show=show,
                slug=slug,
                name=name,
                venue=venue,
                current=current,
                clone_from=source,
                status=status,
                timezone=zone,
                **{key: to_utc(value, zone) for key, value in local.items()},
            )
        except Refused as refusal:
            raise click.ClickException(refusal.message) from None
        copied = f", a copy of {source.name}" if source else ", with the default categories"
        click.echo(
            f"Created {edition.name} ({edition.slug}, id {edition.id}, show {edition.show.name}{copied}"
            f"{', current' if edition.is_current else ''}; dates in {zone})."
        )

    @app.cli.command("demo")
    def demo():
        """Load the demo edition (idempotent: running it again changes nothing)."""
        from .demo import DEMO_LOGINS, PREVIOUS_SLUG, load_demo

        created = load_demo()
        click.echo("Demo data loaded." if created else "Demo data already present: nothing changed.")
        for role, email, password in DEMO_LOGINS:
            click.echo(f"  {role:<10} {email:<36} password: {password}")
        click.echo(
            f"Last edition, judged and published: /winners/{PREVIOUS_SLUG} (winners page); its ceremony "
            f"workbook from the organiser's results page."
        )


def _jury_commands(app: Flask) -> None:
    """Commands for the jury side of an edition."""

    @app.cli.command("export")
    @click.option("--edition", "edition_id", type=int, default=None, help="Edition id (default: the current one).")
    @click.option("-o", "--output", default="results.xlsx", show_default=True, help="The workbook to write.")
    @click.option("--anonymise", is_flag=True, help="Name jurors J01, J02... instead of by name.")
    @click.option("--csv-dir", default=None, help="Also write one CSV per category into this folder.")
    @click.option(
        "--language",
        type=click.Choice(["en", "fr"]),
        default="en",
        show_default=True,
        help="The language of the sheet names, headings and category names.",
    )
    @_progress_option
    def export(edition_id, output, anonymise, csv_dir, language, show_progress):
        """Write the ceremony workbook (refused until every category is signed off, unless overridden)."""
        from exports import csv_style, write_csv_files, write_results_workbook

        from .errors import Refused
        from .exporting import results_book

        edition = _edition(edition_id)
        try:
            with _ProgressBar("Ranking the categories", show_progress) as progress:
                book = results_book(edition, anonymise_jurors=anonymise, language=language, progress=progress)
        except Refused as refusal:
            raise click.ClickException(refusal.message) from None
        write_results_workbook(book, output)
        click.echo(f"Wrote {output} ({len(book.categories)} categories, {len(book.scores)} scorecards).")
        if csv_dir:
            for path in write_csv_files(book, csv_dir, csv_style(language)):
                click.echo(f"Wrote {path}")

    @app.cli.command("backup")
    @click.option("-o", "--output", required=True, help="The zip file to write.")
    @_progress_option
    def backup(output, show_progress):
        """Write a consistent backup of the database and the uploaded files."""
        from .backup import write_backup

        with _ProgressBar("Backing up", show_progress) as progress:
            manifest = write_backup(output, progress=progress)
        click.echo(
            f"Wrote {output}: {sum(manifest['rows'].values())} rows, {len(manifest['files'])} files, "
            f"schema {manifest['schema_revision']}."
        )

    @app.cli.command("restore")
    @click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--force", is_flag=True, help="Replace the data of a non-empty database.")
    @_progress_option
    def restore(backup_file, force, show_progress):
        """Bring back a backup written by `backup` (into an empty, migrated database)."""
        from .backup import RestoreRefused, restore_backup

        try:
            with _ProgressBar("Restoring", show_progress) as progress:
                manifest = restore_backup(backup_file, force=force, progress=progress)
        except RestoreRefused as refusal:
            raise click.ClickException(str(refusal)) from None
        click.echo(f"Restored {sum(manifest['rows'].values())} rows and {len(manifest['files'])} files.")

    @app.cli.command("import")
    @click.argument("kind", type=click.Choice(["exhibitors", "jurors"]))
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--edition", "edition_id", type=int, default=None, help="Edition id (default: the current one).")
    @click.option("--dry-run", is_flag=True, help="Say what the import would change, and change nothing.")
    @_progress_option
    def import_file(kind, file, edition_id, dry_run, show_progress):
        """Import exhibitors or jurors from an .xlsx file, as the import page does: every row checked, then all
        rows applied or none (exit code 1 and the reasons when refused)."""
        from pathlib import Path

        from exports import IMPORT_LIMITS

        from . import exporting
        from .errors import Refused
        from .wording import import_summary

        edition = _edition(edition_id) if kind == "jurors" else None
        with Path(file).open("rb") as handle:
            data = handle.read(IMPORT_LIMITS.max_file_bytes + 1)  # no more than the page would read
        result = exporting.read_import(kind, data, edition)
        problems, _status = exporting.import_problems(result)
        if problems:
            raise click.ClickException("Nothing was imported:\n" + "\n".join(f"  {p}" for p in problems))
        try:
            plan = exporting.plan_import(kind, result.rows, edition)
            if dry_run:
                for change in plan.changes:
                    click.echo(f"  {change.action}: {change.subject} {change.detail}".rstrip())
                click.echo(f"Dry run: {len(plan.changes)} change(s) for {plan.rows} row(s); nothing was written.")
                return
            with _ProgressBar(f"Importing {kind}", show_progress) as progress:
                done = exporting.apply_import(kind, actor=None, edition=edition, rows=result.rows, progress=progress)
        except Refused as refusal:
            raise click.ClickException(f"Nothing was imported: {refusal.message}") from None
        click.echo(import_summary(kind, done))

    @app.cli.command("recompute-totals")
    def recompute_totals():
        """Store every scorecard's weighted total again (after a change of weights or scales)."""
        from .domain.rounds import recompute_totals as recompute
        from .models import Round

        count = sum(recompute(round_) for round_ in db.session.scalars(db.select(Round)))
        db.session.commit()
        click.echo(f"{count} scorecard totals recomputed.")

    @app.cli.command("remind-jurors")
    @click.option("--edition", "edition_id", type=int, default=None, help="Edition id (default: the current one).")
    @click.option(
        "--url", default=None, help="Link to the scoring screens in the mail (default: under PUBLIC_BASE_URL)."
    )
    @_progress_option
    def remind_jurors(edition_id, url, show_progress):
        """Mail every juror behind schedule (in their language)."""
        from .domain.juries import remind_late_jurors

        edition = _edition(edition_id)
        from .links import public_url

        with _ProgressBar("Queuing reminders", show_progress) as progress:
            reminded = remind_late_jurors(edition, scoring_url=url or public_url("jury.my_entries"), progress=progress)
        click.echo(f"{reminded} juror(s) reminded (the worker sends the mails; see the mail log).")


def _progress_option(command):
    return click.option(
        "--progress", "show_progress", is_flag=True, help="Show a progress bar on stderr (shown anyway on a terminal)."
    )(command)


def _edition(edition_id: int | None):
    """The edition of `--edition ID`, else the default show's current one; a clear refusal when there is none."""
    from .domain.editions import default_edition
    from .models import Edition

    edition = db.session.get(Edition, edition_id) if edition_id else default_edition()
    if edition is None:
        raise click.ClickException("No such edition.")
    return edition


class _ProgressBar:
    """A click progress bar on stderr, fed by the same `progress(done, total)` callbacks as the jobs' pages, drawn
    once the total is known; only on a terminal or when asked (`--progress`), so scripts and tests stay quiet."""

    def __init__(self, label: str, shown: bool | None = None):
        self.label, self.bar = label, None
        self.shown = shown or sys.stderr.isatty()

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.length = max(total, 1)  # a total learnt on the way (a backup's files, after its rows)
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _worker_commands(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="Threads running tasks in parallel.")
    def worker(workers):
        """Run the task worker (mail delivery and long jobs) until stopped; `make run` starts one beside the web
        server, production runs it as its own service (see README)."""
        from flask import current_app

        from . import tasks

        if tasks.huey.immediate:
            raise click.ClickException("The task queue is 'immediate' (tests): there is no queue for a worker to read.")
        tasks.use_app(current_app._get_current_object())
        tasks.recover()  # what was queued, or interrupted, while no worker ran
        consumer = tasks.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
        consumer.run()

    @app.cli.command("send-mail")
    def send_mail():
        """Send every mail due in the outbox now, in this process, and say how it went."""
        from .mail import deliver_due

        report = deliver_due()
        click.echo(f"Sent {report.sent}, to retry {report.retrying}, failed {report.failed}.")
        for error in report.errors:
            click.echo(f"  {error}", err=True)
