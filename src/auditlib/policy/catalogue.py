"""The Code's numbered provisions, read from package data.

The catalogue is a YAML file per edition of the Code
(``auditlib/data/code_<edition>_provisions.yaml``), so that a later edition can sit
beside the 2024 one. Requirements are our own summaries; each provision says how it
can be evidenced (complaint data, policy, attestation) and how far its number and
content were confirmed (C, P, U).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from auditlib.errors import ConfigError

EVIDENCE_KINDS = ("data", "policy", "attestation")
STATUSES = ("C", "P", "U")


@dataclass(frozen=True)
class Provision:
    """One numbered provision of the Code."""

    number: str
    section: int
    section_title: str
    requirement: str
    evidence: tuple[str, ...]
    status: str
    status_note: str | None = None
    assessed: bool = True
    policy_keys: tuple[str, ...] = ()
    limit_working_days: int | None = None
    limit_months: int | None = None
    limit_stages: int | None = None
    clock: str | None = None

    @property
    def policy_evidence(self) -> bool:
        """True when a policy document can evidence the provision."""
        return "policy" in self.evidence


@dataclass(frozen=True)
class Catalogue:
    """The provisions of one edition of the Code."""

    code: str
    edition: str
    catalogue_version: int
    in_force_from: str
    provisions: tuple[Provision, ...]

    def __getitem__(self, number: str) -> Provision:
        """The provision with this number, e.g. ``catalogue["6.3"]``."""
        for provision in self.provisions:
            if provision.number == number:
                return provision
        msg = f"no provision {number!r} in the {self.edition} catalogue"
        raise KeyError(msg)

    def policy_provisions(self) -> tuple[Provision, ...]:
        """Provisions a policy document can evidence, in Code order."""
        return tuple(p for p in self.provisions if p.policy_evidence)


def available_editions() -> tuple[str, ...]:
    """Editions with a catalogue file in the package, oldest first."""
    names = [f.name for f in resources.files("auditlib.data").iterdir()]
    found = [n[len("code_") : -len("_provisions.yaml")] for n in names
             if n.startswith("code_") and n.endswith("_provisions.yaml")]
    return tuple(sorted(found))


@lru_cache(maxsize=4)
def load_catalogue(edition: str = "2024") -> Catalogue:
    """Load the provision catalogue of an edition of the Code.

    Parameters
    ----------
    edition
        Edition year as text, e.g. ``"2024"``.

    Returns
    -------
    Catalogue

    Examples
    --------
    >>> cat = load_catalogue()
    >>> cat["5.3"].limit_stages, cat["6.3"].clock, len(cat.provisions)
    (2, 'acknowledgement', 73)
    """
    import yaml

    name = f"code_{edition}_provisions.yaml"
    resource = resources.files("auditlib.data").joinpath(name)
    if not resource.is_file():
        msg = f"no catalogue for edition {edition!r}; known: {', '.join(available_editions())}"
        raise ConfigError(name, msg)
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    sections = {int(k): str(v) for k, v in data["sections"].items()}
    provisions = []
    for row in data["provisions"]:
        evidence = tuple(row.get("evidence") or ())
        if set(evidence) - set(EVIDENCE_KINDS) or row["status"] not in STATUSES:
            msg = f"provision {row['number']}: bad evidence kind or status"
            raise ConfigError(name, msg)
        provisions.append(
            Provision(
                number=str(row["number"]),
                section=int(row["section"]),
                section_title=sections[int(row["section"])],
                requirement=" ".join(str(row["requirement"]).split()),
                evidence=evidence,
                status=str(row["status"]),
                status_note=row.get("status_note"),
                assessed=bool(row.get("assessed", True)),
                policy_keys=tuple(row.get("policy_keys") or ()),
                limit_working_days=row.get("limit_working_days"),
                limit_months=row.get("limit_months"),
                limit_stages=row.get("limit_stages"),
                clock=row.get("clock"),
            )
        )
    return Catalogue(
        code=str(data["code"]),
        edition=str(data["edition"]),
        catalogue_version=int(data["catalogue_version"]),
        in_force_from=str(data["in_force_from"]),
        provisions=tuple(provisions),
    )
