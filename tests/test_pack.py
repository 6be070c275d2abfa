"""The main job: `auditlib run` writes a whole evidence pack, atomically, the same twice.

The full run on the bundled sample happens once for the module (and once more for the
reproducibility check); failures are tried with small notebooks written here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import polars as pl
import pytest

from auditlib.pack.manifest import sha256

AUDITLIB = Path(sys.executable).parent / "auditlib"
NAME = re.compile(r"^example-homes-synthetic-sample_2025-26_\d{8}-\d{6}$")


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(AUDITLIB), "run", "--no-progress", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("packs")
    done = _run(root, "--out", str(out))
    folders = [p for p in out.iterdir()]
    assert len(folders) == 1, (done.stdout, done.stderr, folders)
    return done, folders[0]


def test_run_writes_a_complete_pack(pack):
    done, folder = pack
    assert done.returncode == 0, done.stderr
    assert NAME.match(folder.name)
    assert "Evidence pack (complete" in done.stdout
    assert str(folder) in done.stdout
    assert "CH01 per 1,000 homes" in done.stdout
    for name in (
        "metrics.json",
        "timeliness.csv",
        "quarantine.csv",
        "manifest.json",
        "run.log",
        "board_paper.html",
        "board_paper.pdf",
        "board_paper.docx",
        "01_data_quality/summary.json",
        "02_self_assessment/self_assessment.xlsx",
        "02_self_assessment/self_assessment.json",
        "03_learning/learning_action_plan.xlsx",
        "notebooks/01_data_quality.ipynb",
        "notebooks/01_data_quality.html",
        "notebooks/02_self_assessment.html",
        "notebooks/03_learning.html",
    ):
        assert (folder / name).is_file(), name
    assert not (folder / "FAILED").exists()
    assert not list(folder.parent.glob(".*partial"))


def test_manifest_has_inputs_steps_versions_and_every_file_checksummed(pack):
    _, folder = pack
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (m["status"], m["exit_code"]) == ("complete", 0)
    assert m["rows"]["read"] == m["rows"]["used"] + m["rows"]["quarantined"]
    roles = {i["role"] for i in m["inputs"]}
    assert {"extract", "config", "mapping", "notebook", "policy", "attestations"} <= roles
    for item in m["inputs"]:
        assert item["sha256"] == sha256(Path(item["path"]))
    assert [s["name"] for s in m["steps"]] == [
        "audit",
        "01_data_quality",
        "02_self_assessment",
        "03_learning",
        "04_ombudsman",
        "board_paper",
        "personal_data_scan",
    ]
    assert m["checks"]["personal_data_scan"] == {"passed": True, "findings": []}
    assert all(s["status"] == "done" and s["seconds"] >= 0 for s in m["steps"])
    assert m["packages"]["polars"]
    assert m["parameters"]["period_start"] == "2025-04-01"
    listed = {f["path"]: f["sha256"] for f in m["files"]}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    for name, digest in listed.items():
        assert sha256(folder / name) == digest, name


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    return re.sub(r"<[^>]+>", " ", xml.replace("</w:p>", "\n"))


def test_board_paper_figures_are_the_metrics(pack):
    _, folder = pack
    m = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    wanted = [
        f"{m['stage1_received']:,}",
        f"{m['ch01_stage1_per_1000']:.2f}",
        f"{m['ch02_stage1_pct']:.1f}",
        f"{m['ch01_stage2_per_1000']:.2f}",
        f"{m['ch02_stage2_pct']:.1f}",
        f"{m['stage1_responded_within']:,}",
    ]
    html = (folder / "board_paper.html").read_text(encoding="utf-8")
    docx = " ".join(_docx_text(folder / "board_paper.docx").split())
    import pymupdf

    with pymupdf.open(folder / "board_paper.pdf") as pdf:
        pdf_text = " ".join(page.get_text() for page in pdf)
        images = sum(len(page.get_images()) for page in pdf)
        pages = len(pdf)
    for value in wanted:
        assert f">{value}<" in html, value
        assert value in docx, value
        assert value in pdf_text, value
    assert f"Page 1 of {pages}" in pdf_text
    assert images >= 1
    assert "governing body's response" in pdf_text


def test_board_paper_word_has_headings_tables_charts_and_page_numbers(pack):
    _, folder = pack
    with zipfile.ZipFile(folder / "board_paper.docx") as z:
        names = z.namelist()
        document = z.read("word/document.xml").decode()
        footer = "".join(z.read(n).decode() for n in names if n.startswith("word/footer"))
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in names)
    assert document.count('w:val="Heading1"') >= 8
    assert document.count("<w:tbl>") >= 5
    assert "PAGE" in footer
    assert "NUMPAGES" in footer


def test_notebook_html_has_no_code_and_no_script_from_the_internet(pack):
    _, folder = pack
    for html in (folder / "notebooks").glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "import " not in re.sub(
            r"<style.*?</style>|<script.*?</script>", "", text, flags=re.S
        ), html.name
        assert not re.search(r'<script[^>]+src="https?://', text), html.name


def test_small_counts_are_suppressed_in_the_board_paper(pack):
    _, folder = pack
    html = (folder / "board_paper.html").read_text(encoding="utf-8")
    assert "fewer than 5" in html
    section = html.split("What complaints are about")[1].split("<h2>")[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', section)
    assert cells
    assert not [c for c in cells if c.isdigit() and 0 < int(c) < 5]


def test_no_personal_data_in_the_pack(pack, root):
    _, folder = pack
    extract = pl.read_csv(root / "data" / "sample" / "complaints.csv", infer_schema=False)
    personal = set()
    for column in ("tenant_ref", "property_ref", "description", "remedy"):
        personal |= {v for v in extract[column].drop_nulls().to_list() if len(v) > 6}
    for path in folder.rglob("*"):
        if path.suffix not in (".html", ".json", ".csv", ".svg"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"[\w.]+@example\.(?:com|invalid)", text), path.name
        assert not [v for v in personal if v in text], path.name


def test_two_runs_give_the_same_figures_tables_and_manifest(pack, root, tmp_path):
    _, first = pack
    again = _run(root, "--out", str(tmp_path))
    assert again.returncode == 0, again.stderr
    (second,) = list(tmp_path.iterdir())
    a = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    b = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    timed = ("started_at", "finished_at", "duration_seconds", "steps", "files")
    assert {k: v for k, v in a.items() if k not in timed} == {
        k: v for k, v in b.items() if k not in timed
    }
    steady = lambda m: {f["path"]: f["sha256"] for f in m["files"] if not f["carries_run_time"]}  # noqa: E731
    differ = [p for p, digest in steady(a).items() if steady(b).get(p) != digest]
    assert differ == []
    assert len(steady(a)) > 25


def _notebook(folder: Path, name: str, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('output_dir: str = "out"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, str(folder / name))


def test_a_failing_notebook_leaves_a_folder_marked_failed(root, tmp_path):
    notebooks = tmp_path / "nbs"
    _notebook(notebooks, "01_first.ipynb", "from pathlib import Path\nPath(output_dir).mkdir()")
    _notebook(notebooks, "02_broken.ipynb", "raise ValueError('the cell broke')")
    out = tmp_path / "packs"
    done = _run(root, "--out", str(out), "--notebooks", str(notebooks))
    assert done.returncode == 3
    line = done.stderr.strip()
    assert "\n" not in line
    assert "notebook 02_broken.ipynb failed in cell 3" in line
    assert "ValueError: the cell broke" in line
    (folder,) = list(out.iterdir())
    assert folder.name.endswith("-FAILED")
    assert "02_broken" in (folder / "FAILED").read_text(encoding="utf-8")
    kept = nbformat.read(str(folder / "notebooks" / "02_broken.ipynb"), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in kept.cells for o in c.get("outputs", []))
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (m["status"], m["exit_code"]) == ("failed", 3)
    assert [s["status"] for s in m["steps"]] == ["done", "done", "failed"]
    assert not (folder / "board_paper.pdf").exists()


def test_personal_data_in_any_file_fails_the_pack_with_exit_1(root, tmp_path):
    notebooks = tmp_path / "nbs"
    _notebook(
        notebooks,
        "01_leaky.ipynb",
        "from pathlib import Path\nPath(output_dir).mkdir()\n"
        "Path(output_dir, 'note.csv').write_text('contact,jo.bloggs@example.invalid\\n')",
    )
    out = tmp_path / "packs"
    done = _run(root, "--out", str(out), "--notebooks", str(notebooks))
    assert done.returncode == 1
    assert "personal data found" in done.stderr
    assert "01_leaky/note.csv (email)" in done.stderr
    assert "jo.bloggs" not in done.stderr
    (folder,) = list(out.iterdir())
    assert folder.name.endswith("-FAILED")
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["checks"]["personal_data_scan"]["passed"] is False


def test_unusable_input_is_exit_2_with_one_line(root, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("complaint_id,when\nC1,01/02/2025\n", encoding="utf-8")
    out = tmp_path / "packs"
    done = _run(root, str(bad), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "stage1_received_date" in done.stderr
    (folder,) = list(out.iterdir())
    assert folder.name.endswith("-FAILED")
    assert (folder / "FAILED").is_file()


def test_figures_only_keeps_the_quick_run(root, tmp_path):
    done = _run(root, "--figures-only", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "metrics.json",
        "quarantine.csv",
        "timeliness.csv",
    ]
