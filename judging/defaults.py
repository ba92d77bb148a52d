"""The six default categories of the Milipol Innovation Awards, their rounds and criteria (EN/FR)."""

from __future__ import annotations

CATEGORIES = [
    dict(
        code="cyber",
        question_set="product",
        name_en="Cyber security",
        name_fr="Cybersécurité",
        description_en="Protection of systems, networks and data of security forces, operators and companies.",
        description_fr=(
            "Protection des systèmes, réseaux et données des forces de sécurité, opérateurs et entreprises."
        ),
    ),
    dict(
        code="event-security",
        question_set="product",
        name_en="Large event security management",
        name_fr="Sécurité des grands événements",
        description_en="Access control, flow management, biometrics, CCTV, detectors and AI for large events.",
        description_fr=(
            "Contrôle d'accès, gestion des flux, biométrie, vidéoprotection, détecteurs et IA pour "
            "les grands événements."
        ),
    ),
    dict(
        code="first-responder",
        question_set="product",
        name_en="Individual equipment / first responder protection",
        name_fr="Équipement individuel / protection des primo-intervenants",
        description_en="Equipment that protects and helps police officers, firefighters, soldiers and rescuers.",
        description_fr="Équipements qui protègent et aident policiers, pompiers, militaires et secouristes.",
    ),
    dict(
        code="drones",
        question_set="product",
        name_en="Drone / counter-drone systems and robotics",
        name_fr="Drones / lutte anti-drones et robotique",
        description_en="Unmanned systems, counter-UAS and robotics for security missions.",
        description_fr="Systèmes sans pilote, lutte anti-drones et robotique pour les missions de sécurité.",
    ),
    dict(
        code="crisis",
        question_set="product",
        name_en="Crisis management",
        name_fr="Gestion de crise",
        description_en="Population warning, command-and-control and coordination in crises.",
        description_fr="Alerte des populations, commandement et coordination en situation de crise.",
    ),
    dict(
        code="csr",
        question_set="csr",
        name_en="Corporate social responsibility (CSR)",
        name_fr="Responsabilité sociétale des entreprises (RSE)",
        description_en="Initiatives with a measurable social or environmental impact in the security sector.",
        description_fr="Initiatives à l'impact social ou environnemental mesurable dans le secteur de la sécurité.",
    ),
]

_PRODUCT_CRITERIA = [
    dict(
        key="innovation",
        weight=30,
        name_en="Degree of innovation",
        name_fr="Degré d'innovation",
        guidance_en="0: exists already on the market. 10: a breakthrough nobody offers.",
        guidance_fr="0 : existe déjà sur le marché. 10 : une rupture que personne ne propose.",
    ),
    dict(
        key="operational_value",
        weight=25,
        name_en="Operational value for security forces",
        name_fr="Valeur opérationnelle pour les forces de sécurité",
        guidance_en="0: no clear use in the field. 10: changes how units work.",
        guidance_fr="0 : aucun usage clair sur le terrain. 10 : change la façon de travailler des unités.",
    ),
    dict(
        key="maturity",
        weight=20,
        name_en="Technical maturity",
        name_fr="Maturité technique",
        guidance_en="0: an idea on paper. 10: deployed and proven in operations.",
        guidance_fr="0 : une idée sur papier. 10 : déployé et éprouvé en opération.",
    ),
    dict(
        key="market",
        weight=15,
        name_en="Market potential",
        name_fr="Potentiel de marché",
        guidance_en="0: no identified buyers. 10: large, international demand.",
        guidance_fr="0 : aucun acheteur identifié. 10 : une demande large et internationale.",
    ),
    dict(
        key="deployment",
        weight=10,
        name_en="Ease of deployment",
        name_fr="Facilité de déploiement",
        guidance_en="0: heavy integration and training. 10: works out of the box.",
        guidance_fr="0 : intégration et formation lourdes. 10 : fonctionne immédiatement.",
    ),
]

_CSR_CRITERIA = [
    dict(
        key="impact",
        weight=35,
        name_en="Societal or environmental impact",
        name_fr="Impact sociétal ou environnemental",
        guidance_en="0: marginal. 10: a large, lasting benefit.",
        guidance_fr="0 : marginal. 10 : un bénéfice important et durable.",
    ),
    dict(
        key="results",
        weight=30,
        name_en="Measurable results",
        name_fr="Résultats mesurables",
        guidance_en="0: intentions only. 10: audited figures over time.",
        guidance_fr="0 : des intentions seulement. 10 : des chiffres audités dans la durée.",
    ),
    dict(
        key="replicability",
        weight=20,
        name_en="Replicability",
        name_fr="Reproductibilité",
        guidance_en="0: a one-off. 10: easily adopted by other companies.",
        guidance_fr="0 : un cas isolé. 10 : facilement repris par d'autres entreprises.",
    ),
    dict(
        key="involvement",
        weight=15,
        name_en="Involvement of staff and partners",
        name_fr="Implication des salariés et partenaires",
        guidance_en="0: top-down only. 10: staff and partners lead it.",
        guidance_fr="0 : uniquement descendant. 10 : portée par les salariés et partenaires.",
    ),
]

# The final, scored on the stand, weighs the live demonstration.
_DEMONSTRATION = dict(
    key="demonstration",
    weight=20,
    name_en="Live demonstration on the stand",
    name_fr="Démonstration sur le stand",
    guidance_en="0: nothing shown. 10: convincing hands-on demonstration.",
    guidance_fr="0 : rien de montré. 10 : démonstration concrète et convaincante.",
)


def criteria_for(question_set: str, *, final: bool = False) -> list[dict]:
    """Default criteria of a round; the weights always total 100."""
    base = [dict(c) for c in (_CSR_CRITERIA if question_set == "csr" else _PRODUCT_CRITERIA)]
    if not final:
        return base
    # Make room for the demonstration (20%) by scaling the others to 80%.
    for criterion in base:
        criterion["weight"] = round(criterion["weight"] * 0.8, 4)
    return base + [dict(_DEMONSTRATION)]


ROUNDS = [
    dict(position=1, name="Pre-selection", name_fr="Présélection", on_stand=False, final=False),
    dict(position=2, name="Final", name_fr="Finale", on_stand=True, final=True),
]
