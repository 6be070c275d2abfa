"""The Housing Ombudsman's published findings about a landlord, against the sector."""

from auditlib.ombudsman.findings import Findings, FindingsMapping, load_findings
from auditlib.ombudsman.names import NameMatch, match_landlord
from auditlib.ombudsman.view import (
    BoardSection,
    OmbudsmanView,
    analyse,
    analyse_configured,
    board_section,
    from_config,
    headline,
    self_assessment_figures,
    write_view,
)

__all__ = [
    "BoardSection",
    "Findings",
    "FindingsMapping",
    "NameMatch",
    "OmbudsmanView",
    "analyse",
    "analyse_configured",
    "board_section",
    "from_config",
    "headline",
    "load_findings",
    "match_landlord",
    "self_assessment_figures",
    "write_view",
]
