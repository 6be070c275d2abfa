"""A landlord's complaints policy against the Code: catalogue, profile, gap check."""

from auditlib.policy.catalogue import Catalogue, Provision, load_catalogue
from auditlib.policy.check import check_profile, render_markdown
from auditlib.policy.extract import draft_profile, extract_profile
from auditlib.policy.profile import (
    PROFILE_KEYS,
    dump_profile,
    load_profile,
    profile_values,
    save_profile,
    validate_profile,
)
from auditlib.policy.readers import PolicyDocument, PolicyReadError, read_policy

__all__ = [
    "PROFILE_KEYS",
    "Catalogue",
    "PolicyDocument",
    "PolicyReadError",
    "Provision",
    "check_profile",
    "draft_profile",
    "dump_profile",
    "extract_profile",
    "load_catalogue",
    "load_profile",
    "profile_values",
    "read_policy",
    "render_markdown",
    "save_profile",
    "validate_profile",
]
