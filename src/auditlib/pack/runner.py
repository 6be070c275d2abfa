"""The main job: one run of the whole audit into an evidence pack.

:func:`build_pack` audits the extract once (to fix the period, the extract date and the
figures), then runs every numbered notebook with papermill, passing each the same
parameters, writes the board paper, exports every notebook as HTML without code and
finishes with a manifest of inputs, steps and outputs, each with its SHA-256.

The pack is built in a hidden folder beside its destination and moved into place only
when every step succeeded. A run that stops leaves the folder named ``...-FAILED`` with
a ``FAILED`` file (the step and the reason, one line), the partial outputs and, for a
notebook that failed, the executed notebook with the error. Exit codes: 0 done; 1 a
check failed (the pack is written and says so); 2 unusable input; 3 an internal error.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from auditlib import project
from auditlib.audit import AuditResult, run_audit, write_outputs
from auditlib.config import AuditConfig, Homes
from auditlib.errors import AuditError
from auditlib.pack import manifest
from auditlib.pack.notebooks import NotebookFailed, discover, export_html, run_notebook
from auditlib.tsm import Period

log = logging.getLogger("auditlib.pack")
_AUDIT, _NOTEBOOKS, _SCAN = "audit", "notebooks", "personal_data_scan"


@dataclass(frozen=True)
class PackOptions:
    """What one run is asked to do; anything left None comes from the configuration."""

    config: AuditConfig
    extract: Path | None = None
    period: Period | None = None
    homes: Homes | None = None
    as_of: date | None = None
    out_root: Path | None = None
    notebooks: Path | None = None
    policy: Path | None = None
    attestations: Path | None = None
    overrides: Path | None = None
    previous_self_assessment: Path | None = None
    previous_plan: Path | None = None
    quality_settings: Path | None = None
    #: critical data-quality failures make the run's exit code 1
    strict: bool = False
    #: show a progress display (only ever on a terminal)
    progress: bool = True


@dataclass
class Step:
    """One step of the run, as the manifest records it."""

    name: str
    status: str = "not run"
    seconds: float = 0.0
    detail: str | None = None


@dataclass
class PackResult:
    """Where the pack is, how the run ended, and the headline figures."""

    path: Path
    exit_code: int
    status: str
    steps: list[Step]
    metrics: dict[str, Any] | None = None
    failure: str | None = None
    notes: list[str] = field(default_factory=list)


class PackFailed(Exception):
    """A step stopped the run; carries the exit code and the one-line reason."""

    def __init__(self, step: str, reason: str, exit_code: int) -> None:
        super().__init__(step, reason, exit_code)
        self.step, self.reason, self.exit_code = step, reason, exit_code

    def __str__(self) -> str:
        return f"step {self.step!r} failed: {self.reason}"


def slug(text: str) -> str:
    """A folder-safe form of a name.

    Examples
    --------
    >>> slug("Example Homes (synthetic sample)")
    'example-homes-synthetic-sample'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "landlord"


def _abs(path: Path | None) -> str:
    return str(Path(path).resolve()) if path else ""


class _Run:
    """The state of one run while it builds the pack."""

    def __init__(self, options: PackOptions) -> None:
        self.options = options
        self.config = options.config
        self.steps: list[Step] = []
        self.started = datetime.now(tz=UTC)
        self.clock = time.perf_counter()
        root = options.out_root or self.config.packs_dir
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = self.started.astimezone().strftime("%Y%m%d-%H%M%S")
        self.stamp = stamp
        # the process id keeps two runs started in the same second apart
        self.work = self.root / f".{slug(self.config.landlord)}_{stamp}_{os.getpid()}.partial"
        self.work.mkdir()
        self.parameters: dict[str, Any] = {}
        self.result: AuditResult | None = None
        self.notes: list[str] = []
        self.checks: dict[str, Any] = {}
        self._handler = logging.FileHandler(self.work / "run.log", encoding="utf-8")
        self._handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(self._handler)
        log.setLevel(logging.INFO)

    def close(self) -> None:
        log.removeHandler(self._handler)
        self._handler.close()

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        step = Step(name)
        self.steps.append(step)
        log.info("step %s started", name)
        began = time.perf_counter()
        try:
            yield step
        except PackFailed as exc:
            step.status, step.detail = "failed", exc.reason
            raise
        except NotebookFailed as exc:
            step.status, step.detail = "failed", str(exc)
            raise PackFailed(name, str(exc), 2 if exc.input_error else 3) from None
        except AuditError as exc:
            step.status, step.detail = "failed", str(exc)
            raise PackFailed(name, str(exc), exc.exit_code) from None
        except Exception as exc:
            step.status = "failed"
            step.detail = f"{type(exc).__name__}: {' '.join(str(exc).split())[:400]}"
            if os.environ.get("AUDITLIB_DEBUG"):
                raise
            raise PackFailed(name, step.detail, 3) from None
        else:
            if step.status == "not run":
                step.status = "done"
        finally:
            step.seconds = round(time.perf_counter() - began, 2)
            log.info(
                "step %s %s in %.2f s%s",
                name,
                step.status,
                step.seconds,
                f": {step.detail}" if step.detail else "",
            )


def _parameters(run: _Run, result: AuditResult) -> dict[str, Any]:
    """The one parameter set every notebook receives (each takes what it declares)."""
    o, config = run.options, run.config
    homes = o.homes.total if o.homes and o.homes.total else 0
    return {
        "extract_path": _abs(Path(result.extract.source)),
        "config_path": _abs(config.path),
        "mapping_path": _abs(config.mapping),
        "quality_path": _abs(_quality_settings(run)),
        "policy_path": _abs(o.policy),
        "attestations_path": _abs(o.attestations),
        "overrides_path": _abs(o.overrides),
        "previous_path": _abs(o.previous_self_assessment),
        "previous_plan": _abs(o.previous_plan),
        "period_start": result.period.start.isoformat(),
        "period_end": result.period.end.isoformat(),
        "homes": int(homes or 0),
        "as_of": result.as_of.isoformat(),
        "findings_path": _abs(_findings(config)),
        "landlord": "",
    }


def _quality_settings(run: _Run) -> Path | None:
    """The data-quality settings: as given, as configured, else the project's own."""
    given = run.options.quality_settings or run.config.data_quality
    if given is not None:
        return given
    shipped = project.project_file(project.QUALITY_SETTINGS)
    return shipped if shipped.is_file() else None


def _findings(config: AuditConfig) -> Path | None:
    """The Ombudsman findings file the configuration names, if any."""
    value = (config.ombudsman or {}).get("findings")
    if not value:
        return None
    base = config.path.parent if config.path else Path()
    return base / str(value)


#: a notebook declaring one of these parameters is skipped when it is empty, and why
SKIP_WHEN_EMPTY = {
    "findings_path": "no Ombudsman findings file configured ('ombudsman: findings' in the config)",
}


def _audit_step(run: _Run) -> AuditResult:
    o = run.options
    with run.step(_AUDIT):
        extract = o.extract or run.config.extract
        if extract is None:
            msg = "no extract given: name one on the command line or as 'extract' in the config"
            raise PackFailed(_AUDIT, msg, 2)
        # every column: the personal ones are what the scan at the end looks for
        result = run_audit(
            extract, config=run.config, period=o.period, homes=o.homes, as_of=o.as_of
        )
        write_outputs(result, run.work)
        log.info(result.extract.reconciliation())
    return result


def _notebook_steps(run: _Run, notebooks: list[Path], shared: dict[str, Any]) -> None:
    from auditlib.pack.notebooks import declared_parameters

    for source in notebooks:
        name = source.stem
        with run.step(name) as step:
            declared = declared_parameters(source)
            missing = [k for k in SKIP_WHEN_EMPTY if k in declared and not shared.get(k)]
            if missing:
                step.status, step.detail = "skipped", SKIP_WHEN_EMPTY[missing[0]]
                continue
            # each notebook writes into its own folder of the pack; later ones read earlier
            given = dict(shared, output_dir=name)
            summary = Path("01_data_quality") / "summary.json"
            if (run.work / summary).is_file():
                given["quality_summary"] = summary.as_posix()
            executed = run.work / "notebooks" / source.name
            run_notebook(source, executed, given, cwd=run.work)
            export_html(executed, run.work / "notebooks" / f"{name}.html")


def _board_step(run: _Run) -> None:
    from auditlib.board import assemble, write_board_paper

    with run.step("board_paper"):
        sa = run.work / "02_self_assessment" / "self_assessment.json"
        dq = run.work / "01_data_quality" / "summary.json"
        learning = run.work / "03_learning"
        paper = assemble(
            run.work / "metrics.json",
            landlord=run.config.landlord,
            self_assessment=sa if sa.is_file() else None,
            quality=dq if dq.is_file() else None,
            learning_dir=learning if learning.is_dir() else None,
            min_count=run.config.min_published_count,
            prepared_on=run.started.astimezone().date(),
            ombudsman=_ombudsman_section(run),
        )
        write_board_paper(paper, run.work)


def _ombudsman_section(run: _Run) -> Any:
    """The board paper's Ombudsman section, when a findings file is configured."""
    if _findings(run.config) is None or run.result is None:
        return None
    from auditlib.ombudsman import board_section, from_config

    view = from_config(
        run.config, complaints=run.result.extract.complaints, period=run.result.period
    )
    if view is None:
        return None
    return board_section(view, threshold=run.config.min_published_count)


def _scan_step(run: _Run, result: AuditResult) -> None:
    """Search every file of the pack for the extract's personal data; any find fails it."""
    from auditlib.privacy import personal_values, scan_outputs

    with run.step(_SCAN) as step:
        found = scan_outputs(run.work, personal_values(result.extract.complaints))
        kinds = sorted({f"{r['file']} ({r['kind']})" for r in found.iter_rows(named=True)})
        run.checks["personal_data_scan"] = {"passed": not kinds, "findings": kinds}
        if kinds:
            step.status = "failed"
            reason = f"personal data found in {len(kinds)} place(s): {'; '.join(kinds[:5])}"
            raise PackFailed(_SCAN, reason, 1)


def _quality_check(run: _Run) -> int:
    """Critical data-quality failures: noted always; exit 1 only when the run is strict."""
    summary = run.work / "01_data_quality" / "summary.json"
    if not summary.is_file():
        return 0
    data = json.loads(summary.read_text(encoding="utf-8"))
    critical = int(data.get("critical_failed") or 0)
    run.checks["data_quality"] = {
        "passed": bool(data.get("passed")),
        "critical_failed": critical,
        "warnings_failed": int(data.get("warnings_failed") or 0),
    }
    if critical:
        run.notes.append(
            f"{critical} critical data-quality check(s) failed: see 01_data_quality"
            + (" (--strict: exit 1)" if run.options.strict else "")
        )
        return 1 if run.options.strict else 0
    return 0


def _write_manifest(run: _Run, status: str, exit_code: int, failure: str | None) -> None:
    finished = datetime.now(tz=UTC)
    o, result = run.options, run.result
    inputs = [
        manifest.describe_input("extract", Path(result.extract.source) if result else o.extract),
        manifest.describe_input("config", run.config.path),
        manifest.describe_input("mapping", run.config.mapping),
        manifest.describe_input("data_quality_settings", _quality_settings(run)),
        manifest.describe_input("policy", o.policy),
        manifest.describe_input("attestations", o.attestations),
        manifest.describe_input("overrides", o.overrides),
        manifest.describe_input("previous_self_assessment", o.previous_self_assessment),
        manifest.describe_input("previous_plan", o.previous_plan),
    ]
    notebooks = o.notebooks or run.config.notebooks or _local_notebooks()
    if notebooks:
        inputs += [manifest.describe_input("notebook", p) for p in discover(Path(notebooks))]
    parameters = {k: v for k, v in run.parameters.items() if k != "output_dir"}
    body = {
        "auditlib_manifest_version": 1,
        "landlord": run.config.landlord,
        "status": status,
        "exit_code": exit_code,
        "failure": failure,
        "started_at": run.started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_seconds": round(time.perf_counter() - run.clock, 1),
        "period": {
            "start": result.period.start.isoformat(),
            "end": result.period.end.isoformat(),
            "label": result.period.label,
        }
        if result
        else None,
        "as_of": result.as_of.isoformat() if result else None,
        "rows": {
            "read": result.extract.rows_read,
            "used": result.extract.rows_used,
            "quarantined": result.extract.rows_quarantined,
        }
        if result
        else None,
        "parameters": parameters,
        "inputs": [i for i in inputs if i is not None],
        "packages": manifest.package_versions(),
        "steps": [
            {"name": s.name, "status": s.status, "seconds": s.seconds, "detail": s.detail}
            for s in run.steps
        ],
        "checks": run.checks,
        "notes": run.notes,
        "files": manifest.pack_files(run.work),
    }
    (run.work / "manifest.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def _progress(run: _Run, total: int) -> Callable[[str], None]:
    """A progress line (step and elapsed time) on a terminal; nothing otherwise."""
    if not (run.options.progress and sys.stderr.isatty()):
        return lambda _name: None
    from tqdm import tqdm

    bar = tqdm(
        total=total, file=sys.stderr, bar_format="{desc} [{elapsed}] step {n}/{total}", leave=False
    )

    def advance(name: str) -> None:
        if name == "":
            bar.close()
            return
        bar.set_description_str(f"auditlib run: {name}")
        bar.update(1)

    return advance


def _local_notebooks() -> Path | None:
    """When no configuration names a folder: ``notebooks/`` here, else the project's."""
    here = project.project_file(project.NOTEBOOKS)
    return here if discover(here) else None


def build_pack(options: PackOptions) -> PackResult:
    """Run the whole audit into one evidence pack folder; never raises for a failed step.

    Returns
    -------
    PackResult
        The pack's folder (``...-FAILED`` when a step stopped the run), its exit code,
        every step with its status and duration, and the headline figures.
    """
    run = _Run(options)
    notebooks_dir = options.notebooks or run.config.notebooks or _local_notebooks()
    notebooks = discover(Path(notebooks_dir)) if notebooks_dir else []
    advance = _progress(run, 4 + len(notebooks))
    status, exit_code, failure = "complete", 0, None
    try:
        advance("audit")
        run.result = result = _audit_step(run)
        run.parameters = _parameters(run, result)
        if not notebooks:
            where = notebooks_dir or "(none configured)"
            msg = f"no numbered notebooks found in {where}; set 'notebooks' in the config"
            raise PackFailed(_NOTEBOOKS, msg, 2)
        for source in notebooks:
            advance(source.stem)
            _notebook_steps(run, [source], run.parameters)
        advance("board paper")
        _board_step(run)
        advance("personal-data scan")
        _scan_step(run, result)
        exit_code = _quality_check(run)
        if exit_code:
            status = "check_failed"
    except PackFailed as exc:
        status, exit_code, failure = "failed", exc.exit_code, str(exc)
        (run.work / "FAILED").write_text(f"{exc}\n", encoding="utf-8")
        log.error("%s", exc)
    except KeyboardInterrupt:
        # stopped by a person: the folder is still marked failed, never left looking whole
        status, exit_code, failure = "failed", 130, "interrupted"
        (run.work / "FAILED").write_text("interrupted\n", encoding="utf-8")
        log.error("interrupted")
    finally:
        advance("")
    period = run.result.period.label.replace("/", "-") if run.result else "period-unknown"
    name = f"{slug(run.config.landlord)}_{period}_{run.stamp}"
    if status == "failed":
        name += "-FAILED"
    _write_manifest(run, status, exit_code, failure)
    run.close()
    final = run.root / name
    again = 2
    while final.exists():  # never replace an earlier pack: a second run that second is -2
        final = run.root / f"{name}-{again}"
        again += 1
    run.work.rename(final)
    return PackResult(
        path=final,
        exit_code=exit_code,
        status=status,
        steps=run.steps,
        metrics=run.result.metrics if run.result else None,
        failure=failure,
        notes=run.notes,
    )


def options_with(config: AuditConfig, **changes: Any) -> PackOptions:
    """Options from a configuration, the self-assessment's files taken from it."""
    sa = config.self_assessment
    base = config.path.parent if config.path else Path()

    def path(key: str) -> Path | None:
        value = sa.get(key)
        return None if value in (None, "") else base / str(value)

    options = PackOptions(
        config=config,
        policy=path("policy"),
        attestations=path("attestations"),
        overrides=path("overrides"),
    )
    return replace(options, **{k: v for k, v in changes.items() if v is not None})
