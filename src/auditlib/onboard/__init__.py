"""From a landlord's own export to its first audit: ``auditlib init`` and ``check-mapping``."""
