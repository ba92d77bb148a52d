"""A realistic demo edition: six categories, about 60 exhibitors, about 90 entries, six juries.

Deterministic (seeded) and idempotent: every row is looked up by its natural key before it is created.
The passwords below are demo data printed by `make run`, not secrets.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache

from .extensions import db
from .models import Category, Edition, Entry, Jury, JuryMember, Organisation, User, utcnow

DEMO_PASSWORD = "demo-awards-2027"
DEMO_SLUG = "milipol-paris-2027"
OPEN_SLUG = "milipol-qatar-2028"
QATAR_SHOW = "Milipol Qatar"
PREVIOUS_SLUG = "milipol-paris-2025"
PREVIOUS_ENTRIES_PER_CATEGORY = 6
DEMO_LOGINS = [
    ("organiser", "organiser@demo.milipol.example", DEMO_PASSWORD),
    ("juror", "juror01@demo.milipol.example", DEMO_PASSWORD),
    ("exhibitor", "contact@aegis-systems.demo.example", DEMO_PASSWORD),
]

_COUNTRIES = ["FR"] * 23 + [
    "DE",
    "IT",
    "ES",
    "GB",
    "BE",
    "NL",
    "US",
    "IL",
    "AE",
    "QA",
    "SG",
    "KR",
    "JP",
    "CA",
    "SE",
    "FI",
    "NO",
    "PL",
    "CZ",
    "CH",
    "AT",
    "IN",
    "TR",
    "BR",
    "AU",
    "EE",
    "LT",
    "DK",
    "PT",
    "GR",
    "IE",
    "SA",
    "MA",
    "SN",
    "ZA",
    "MX",
]
_NAME_A = [
    "Aegis",
    "Vigil",
    "Sentinel",
    "Helios",
    "Argos",
    "Orion",
    "Bastion",
    "Nova",
    "Kestrel",
    "Atlas",
    "Cerberus",
    "Lynx",
    "Falcon",
    "Vauban",
    "Quantis",
    "Ombra",
    "Nordic",
    "Iris",
    "Tessera",
    "Pulsar",
]
_NAME_B = [
    "Systems",
    "Defence",
    "Secure",
    "Robotics",
    "Analytics",
    "Technologies",
    "Protect",
    "Labs",
    "Dynamics",
    "Networks",
    "Vision",
    "Guard",
]
_TITLES = {
    "cyber": [
        "Air-gapped threat hunting appliance",
        "Post-quantum radio encryption module",
        "Deception grid for police networks",
        "Forensic triage kit for seized phones",
        "Zero-trust gateway for command posts",
        "AI phishing shield for ministries",
    ],
    "event-security": [
        "Walk-through weapons detector with AI",
        "Crowd density forecaster for stadiums",
        "Privacy-preserving face matching at turnstiles",
        "Mobile vehicle barrier in 8 minutes",
        "Acoustic gunshot locator for fan zones",
        "Ticket-to-seat flow twin",
    ],
    "first-responder": [
        "Stab-resistant vest at 1.2 kg",
        "Smart helmet with thermal overlay",
        "Wearable vital-signs tag for firefighters",
        "Hearing protection with speech boost",
        "Self-heating ration for cold missions",
        "Modular ballistic shield with light",
    ],
    "drones": [
        "Net-capture interceptor drone",
        "RF detection mast for prisons",
        "Tethered drone for 48 h watch",
        "Stair-climbing bomb disposal robot",
        "Swarm mapping for collapsed buildings",
        "Laser dazzler against hostile drones",
    ],
    "crisis": [
        "Cell-broadcast alert console",
        "Multilingual siren network",
        "Shared map for joint command",
        "Flood evacuation planner",
        "Satellite fallback for emergency calls",
        "Crisis room in a suitcase",
    ],
    "csr": [
        "Veterans' reskilling programme",
        "Repair-and-reuse of body armour",
        "Solar power for field posts",
        "Inclusive recruitment for security agents",
        "Carbon-neutral training range",
        "Youth cyber camps",
    ],
}
_JURORS = [
    ("Claire Dubois", "fr"),
    ("Marc Lefèvre", "fr"),
    ("Sophie Martin", "fr"),
    ("Jean Moreau", "fr"),
    ("Isabelle Laurent", "fr"),
    ("Thomas Bernard", "fr"),
    ("Anna Schmidt", "en"),
    ("James Walker", "en"),
    ("Lucia Romano", "en"),
    ("Pieter de Vries", "en"),
    ("Hannah Cohen", "en"),
    ("Omar Al-Kuwari", "en"),
    ("Mei Tan", "en"),
    ("Karl Lindqvist", "en"),
    ("Elena García", "en"),
    ("David Brown", "en"),
    ("Nadia Benali", "fr"),
    ("Hugo Petit", "fr"),
    ("Laura Rossi", "en"),
    ("Yuki Sato", "en"),
    ("Paul Girard", "fr"),
    ("Emma Wilson", "en"),
    ("Lars Nilsen", "en"),
    ("Chloé Fontaine", "fr"),
]


def _get_or_create(model, lookup: dict, defaults: dict | None = None):
    item = db.session.scalar(db.select(model).filter_by(**lookup))
    if item is not None:
        return item, False
    item = model(**lookup, **(defaults or {}))
    db.session.add(item)
    return item, True


def _user(email: str, *, role: str, name: str, language: str, organisation=None) -> tuple[User, bool]:
    user, created = _get_or_create(
        User, {"email": email}, {"role": role, "name": name, "language": language, "organisation": organisation}
    )
    if created:
        user.password_hash = _demo_password_hash()
    return user, created


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # Every demo account shares one password; hashing it once keeps the load fast.
    from werkzeug.security import generate_password_hash

    return generate_password_hash(DEMO_PASSWORD, method="scrypt")


def _edition() -> tuple[Edition, bool]:
    """The current edition, on its first show day: pre-selection done, the final on the stands under way."""
    from .domain.editions import create_edition

    edition = db.session.scalar(db.select(Edition).where(Edition.slug == DEMO_SLUG))
    if edition is not None:
        return edition, False
    # Dates relative to the day the demo is loaded, so that the final round is open when you try it.
    show = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    edition = create_edition(
        slug=DEMO_SLUG,
        name="Milipol Paris 2027",
        venue="Paris Nord Villepinte",
        current=True,
        status="live",
        show_starts_on=show.date(),
        show_ends_on=(show + timedelta(days=3)).date(),
        submission_deadline=show - timedelta(days=40),
        scoring_opens_at=show - timedelta(days=30),
        scoring_closes_at=show + timedelta(days=1, hours=12),
        ceremony_at=show + timedelta(days=1, hours=15),
    )
    for category in edition.categories:
        pre, final = category.rounds
        pre.scoring_closes_at = show - timedelta(days=5)
        final.scoring_opens_at, final.previous_round_weight = show, 30
        final.visit_starts_at, final.slot_minutes = show + timedelta(hours=8), 10
    db.session.commit()
    return edition, True


def _open_edition() -> bool:
    """A second show, Milipol Qatar, with its edition still taking entries: submission can be tried too, and the
    organisers' menu shows two shows side by side."""
    from .domain.editions import create_edition
    from .domain.shows import find_or_create_show

    if db.session.scalar(db.select(Edition).where(Edition.slug == OPEN_SLUG)) is not None:
        return False
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    show = today + timedelta(days=120)
    create_edition(
        show=find_or_create_show(QATAR_SHOW),
        current=True,
        slug=OPEN_SLUG,
        name="Milipol Qatar 2028",
        venue="Doha Exhibition and Convention Center",
        status="live",
        show_starts_on=show.date(),
        show_ends_on=(show + timedelta(days=2)).date(),
        submission_deadline=show - timedelta(days=30),
        scoring_opens_at=show - timedelta(days=28),
        scoring_closes_at=show + timedelta(hours=12),
        ceremony_at=show + timedelta(hours=15),
    )
    return True


def load_demo() -> bool:
    """Load the demo edition; returns False when everything was already there."""
    rng = random.Random(2027)
    edition, changed = _edition()
    _, created = _user(DEMO_LOGINS[0][1], role="organiser", name="Awards Office", language="fr")
    changed |= created

    organisations = []
    used_names: set[str] = set()
    while len(organisations) < 60:
        # The first company is the one whose login `make run` prints.
        name = "Aegis Systems" if not organisations else f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)}"
        if name in used_names:
            continue
        used_names.add(name)
        index = len(organisations)
        slug = name.lower().replace(" ", "-")
        organisation, created = _get_or_create(
            Organisation,
            {"name": name},
            {
                "country": rng.choice(_COUNTRIES),
                "hall": str(rng.choice([4, 5, 6])),
                "stand": f"{rng.choice('ABCDEFGHJ')}{rng.randint(1, 150):03d}",
                "is_startup": index % 5 == 0,
                "contact_email": f"contact@{slug}.demo.example",
            },
        )
        changed |= created
        organisations.append(organisation)
        _, created = _user(
            f"contact@{slug}.demo.example",
            role="exhibitor",
            name=f"Contact {name}",
            language="fr" if organisation.country == "FR" else "en",
            organisation=organisation,
        )
        changed |= created
    db.session.flush()

    categories = db.session.scalars(
        db.select(Category).where(Category.edition_id == edition.id).order_by(Category.position)
    ).all()
    entry_number = 0
    for org_index, organisation in enumerate(organisations):
        # Half the exhibitors enter two categories: 90 entries, 15 per category.
        for _ in range(2 if org_index % 2 == 0 else 1):
            category = categories[entry_number % len(categories)]
            product = _TITLES[category.code][(entry_number // len(categories)) % 6]
            title = f"{organisation.name.split()[0]} {product[0].lower()}{product[1:]}"
            entry_number += 1
            _, created = _get_or_create(
                Entry,
                {"edition_id": edition.id, "organisation_id": organisation.id, "category_id": category.id},
                _entry_texts(rng, category, title),
            )
            changed |= created

    for index, (name, language) in enumerate(_JURORS, start=1):
        juror, created = _user(f"juror{index:02d}@demo.milipol.example", role="juror", name=name, language=language)
        changed |= created
        db.session.flush()
        # Each juror sits on one jury, some on two (a juror may sit on several).
        for category in {categories[(index - 1) % 6], categories[(index * 5) % 6] if index % 4 == 0 else None} - {None}:
            jury = db.session.scalar(db.select(Jury).where(Jury.category_id == category.id))
            president = (index - 1) < 6
            is_president = president and category == categories[(index - 1) % 6]
            _, created = _get_or_create(
                JuryMember, {"jury_id": jury.id, "user_id": juror.id}, {"role": "member", "is_president": is_president}
            )
            changed |= created
    db.session.commit()
    changed |= _judge(edition)
    changed |= _open_edition()
    changed |= _previous_edition(edition, organisations)
    db.session.commit()  # the demo is a script of its own (also run outside a command, e.g. by the tests)
    return changed


def _previous_edition(current: Edition, organisations: list[Organisation]) -> bool:
    """Two years earlier, the same show judged to the end: frozen, signed off by every jury, published, so
    that the winners page and the ceremony workbook can be tried on first run."""
    from .domain import lifecycle, rounds
    from .domain.editions import create_edition

    if db.session.scalar(db.select(Edition).where(Edition.slug == PREVIOUS_SLUG)) is not None:
        return False
    organiser = db.session.scalar(db.select(User).where(User.email == DEMO_LOGINS[0][1]))
    show = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=730)
    # A copy of this year's categories, criteria and juries, as the awards office would make it.
    edition = create_edition(
        slug=PREVIOUS_SLUG,
        name="Milipol Paris 2025",
        venue="Paris Nord Villepinte",
        clone_from=current,
        actor=organiser,
        status="archived",
        show_starts_on=show.date(),
        show_ends_on=(show + timedelta(days=3)).date(),
        entries_open_at=show - timedelta(days=200),
        submission_deadline=show - timedelta(days=40),
        scoring_opens_at=show - timedelta(days=30),
        scoring_closes_at=show + timedelta(days=1, hours=12),
        ceremony_at=show + timedelta(days=1, hours=15),
    )
    rng = random.Random(2025)
    for index, organisation in enumerate(organisations[: PREVIOUS_ENTRIES_PER_CATEGORY * len(edition.categories)]):
        category = edition.categories[index % len(edition.categories)]
        product = _TITLES[category.code][(index // len(edition.categories) + 3) % 6]
        title = f"{organisation.name.split()[0]} {product[0].lower()}{product[1:]}"
        texts = _entry_texts(rng, category, title)
        texts["submitted_at"] = show - timedelta(days=rng.randint(41, 60))
        db.session.add(Entry(edition_id=edition.id, organisation_id=organisation.id, category_id=category.id, **texts))
    db.session.commit()
    _judge(edition, final_share=1.0, finalists=3, seed=2025)
    for category in edition.categories:  # each jury's president signs off its ranking
        president = db.session.scalar(
            db.select(User)
            .join(JuryMember, JuryMember.user_id == User.id)
            .join(Jury, Jury.id == JuryMember.jury_id)
            .where(Jury.category_id == category.id, JuryMember.is_president.is_(True))
        )
        rounds.sign_off(actor=president, round_=rounds.deciding_round(category))
    lifecycle.freeze(actor=organiser, edition=edition)
    lifecycle.publish(actor=organiser, edition=edition, confirmed=True)
    return True


def _judge(edition: Edition, *, final_share: float = 0.5, finalists: int = 4, seed: int = 99) -> bool:
    """Play the judging so far: pre-selection assigned and scored, the top shortlisted, `final_share` of the
    final scored."""
    from .domain import rounds
    from .domain.juries import apply_assignment
    from .domain.scorecards import weighted_total_or_none
    from .models import Assignment, Scorecard

    organiser = db.session.scalar(db.select(User).where(User.email == DEMO_LOGINS[0][1]))
    rng = random.Random(seed)
    changed = False
    for category in edition.categories:
        pre, final = category.rounds
        changed |= bool(apply_assignment(actor=organiser, round_=pre).plan.added)
        quality = {
            e.id: rng.uniform(3.5, 8.5)
            for e in db.session.scalars(db.select(Entry).where(Entry.category_id == category.id).order_by(Entry.id))
        }
        for round_, share in ((pre, 1.0), (final, final_share)):
            if round_ is final:
                if not db.session.scalar(
                    db.select(Entry.id).where(Entry.category_id == category.id, Entry.round_reached >= 2).limit(1)
                ):
                    preview = rounds.preview_shortlist(pre, rule="top", top=finalists)
                    rounds.apply_shortlist(actor=organiser, preview=preview)
                    changed = True
                changed |= bool(apply_assignment(actor=organiser, round_=final).plan.added)
            assignments = db.session.scalars(
                db.select(Assignment)
                .where(Assignment.round_id == round_.id)
                .order_by(Assignment.entry_id, Assignment.juror_id)
            ).all()
            for index, assignment in enumerate(assignments):
                bias = (assignment.juror_id % 5 - 2) * 0.4  # some jurors harsher, some more lenient
                marks = {
                    c.key: max(
                        c.scale_min, min(c.scale_max, round(quality[assignment.entry_id] + bias + rng.gauss(0, 1)))
                    )
                    for c in round_.criteria
                }
                if index >= len(assignments) * share:
                    continue  # the final is in progress: these stands are still to visit
                card, created = _get_or_create(
                    Scorecard,
                    {
                        "round_id": round_.id,
                        "entry_id": assignment.entry_id,
                        "juror_id": assignment.juror_id,
                        "purpose": "counted",
                    },
                    {
                        "marks": marks,
                        "status": "submitted",
                        "version": 1,
                        "submitted_at": utcnow(),
                        "weighted_total": weighted_total_or_none(marks, list(round_.criteria)),
                    },
                )
                changed |= created
        db.session.commit()
    return changed


def _entry_texts(rng: random.Random, category: Category, title: str) -> dict:
    texts = dict(
        title=title,
        status="submitted",
        submitted_at=utcnow() - timedelta(days=rng.randint(1, 20)),
        innovation_type=rng.choice(["product", "equipment", "service", "solution", "business_model"]),
        summary=f"{title}: designed with end users from police, gendarmerie and civil protection units.",
    )
    if category.question_set == "csr":
        texts.update(
            initiative=f"{title}, run since {rng.randint(2019, 2025)} across our sites.",
            measurable_impact=f"{rng.randint(40, 900)} people reached, {rng.randint(5, 60)}% less waste.",
            beneficiaries="Employees, veterans, local schools and partner NGOs.",
        )
    else:
        texts.update(
            what_is_new="First solution of its kind to combine field robustness and open standards.",
            operational_benefit="Cuts intervention time and keeps officers out of harm's way.",
            maturity=rng.choice(["prototype", "pilot", "available", "deployed"]),
            availability_date=date(2027, rng.randint(1, 12), 1),
        )
    return texts
