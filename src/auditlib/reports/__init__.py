"""Tables and altair charts built from frames already aggregated in polars.

Modules here build objects and never decide compliance. Chart functions return an
``alt.Chart``; the notebook displays it, :func:`auditlib.reports.render.save_chart`
writes it as a static image for documents.
"""
