"""The evidence pack: the whole audit in one folder, with a manifest (``auditlib run``)."""

from auditlib.pack.runner import PackOptions, PackResult, build_pack, options_with

__all__ = ["PackOptions", "PackResult", "build_pack", "options_with"]
