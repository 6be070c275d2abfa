"""From a landlord's own export to its first audit: ``auditlib init`` and ``check-mapping``.

:func:`discover` reads an export and matches its headers and labels to the canonical
layout (:mod:`auditlib.onboard.match`, on content profiled by
:mod:`auditlib.onboard.profile`); :func:`write_folder` writes the landlord folder
(:mod:`auditlib.onboard.draft`); :func:`check_mapping` says what a mapping covers and
what it leaves out (:mod:`auditlib.onboard.check`). See docs/own-data.md.
"""

from auditlib.onboard.check import MappingCheck, check_mapping
from auditlib.onboard.draft import write_folder
from auditlib.onboard.match import Discovery, discover

__all__ = ["Discovery", "MappingCheck", "check_mapping", "discover", "write_folder"]
