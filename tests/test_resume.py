"""--resume: a real clean-news process killed mid-run (SIGINT, SIGKILL), then resumed.

The resumed output must be byte for byte the output of an uninterrupted run,
and so must the report. The runs use a throw-away detector with a batch hook
(written to a module in the test's folder, so worker processes can import it)
to check that a window cut by the interruption is shown whole to the hook again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RECORDS = 6000
WINDOW = "50"

HOOK_MODULE = '''
"""A detector with a batch hook: each document is flagged with its window's bounds."""
from filters.findings import make_finding
from filters.registry import register


def window_state(docs):
    return (docs[0].id, docs[-1].id, len(docs)) if docs else ("", "", 0)


def flag_window(doc, ctx):
    first, last, size = ctx.batch["window_v1"]
    if doc.text:
        yield make_finding(doc.text, 0, 1, detector="window_v1", category="duplicate",
                           code="duplicate.window", score=0.9, action="flag",
                           reason=f"window {first}..{last} of {size}")


register("window_v1", categories=["duplicate"], prepare=window_state)(flag_window)
'''

LAUNCH = "import window_hook; from filters.cli import main; main()"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The input (seeds as JSONL records, a few bad lines) and the hook module."""
    root = tmp_path_factory.mktemp("resume")
    (root / "window_hook.py").write_text(HOOK_MODULE, encoding="utf-8")
    texts = [p.read_bytes().decode("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with (root / "in.jsonl").open("w", encoding="utf-8") as out:
        for i in range(RECORDS):
            if i == 7:
                out.write("{not json\n")
            if i == 2500:
                out.write(json.dumps({"id": "no-text"}) + "\n")
            out.write(json.dumps({"id": f"d{i}", "text": texts[i % 5], "n": i}) + "\n")
    return root


def command(root: Path, out: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        LAUNCH,
        str(root / "in.jsonl"),
        "-o",
        str(root / out),
        "--only",
        "missing_space,window_v1",
        "--window",
        WINDOW,
        *extra,
    ]


def environment(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    return env


def run(root: Path, out: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(root, out, *extra),
        env=environment(root),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def reference(workdir: Path) -> tuple[bytes, bytes]:
    """Output and report of an uninterrupted run."""
    result = run(workdir, "ref.jsonl", "--report", str(workdir / "ref.json"), "--jobs", "2")
    assert result.returncode == 1, result.stderr  # the bad lines fail
    return (workdir / "ref.jsonl").read_bytes(), (workdir / "ref.json").read_bytes()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), to check none outlives a kill."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def interrupt(
    root: Path, out: str, sig: signal.Signals, jobs: str
) -> tuple[subprocess.Popen[str], str]:
    """Start a --resume run and send ``sig`` once some records are on disk."""
    part = root / (out + ".part")
    proc = subprocess.Popen(
        command(root, out, "--resume", "--report", str(root / f"{out}.json"), "--jobs", jobs),
        env=environment(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if part.exists() and part.stat().st_size > 200_000:
            break
        if proc.poll() is not None:
            _, stderr = proc.communicate()
            pytest.fail(f"the run ended before it could be interrupted: {stderr}")
        time.sleep(0.02)
    family = descendants(proc.pid) if sys.platform == "linux" else set()
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    if family:  # worker processes and the fork server go too
        deadline = time.monotonic() + 30
        while any(alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in family)
    return proc, stderr


@pytest.mark.parametrize(
    ("sig", "jobs"),
    [(signal.SIGINT, "2"), (signal.SIGKILL, "2"), (signal.SIGKILL, "1")],
)
def test_resume_after_a_real_kill_equals_an_uninterrupted_run(
    workdir: Path, reference: tuple[bytes, bytes], sig: signal.Signals, jobs: str
) -> None:
    out = f"out-{sig.name}-{jobs}.jsonl"
    target, part = workdir / out, workdir / (out + ".part")
    proc, stderr = interrupt(workdir, out, sig, jobs)
    if sig == signal.SIGINT:
        assert proc.returncode == 130, stderr
        assert "interrupted; the records written so far are kept in" in stderr
        assert "Traceback" not in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    assert not target.exists()
    assert not (workdir / f"{out}.json").exists()  # no half-written report
    kept = part.read_bytes()
    assert 0 < kept.count(b"\n") < RECORDS
    if sig == signal.SIGKILL:  # a torn last line, as a crash in mid-write leaves
        with part.open("ab") as handle:
            handle.write(b'{"id": "d99", "text": "cut sho')

    result = run(workdir, out, "--resume", "--report", str(workdir / f"{out}.json"))
    assert result.returncode == 1, result.stderr
    assert "records were written by an earlier run" in result.stderr
    assert not part.exists()
    assert target.read_bytes() == reference[0]
    assert (workdir / f"{out}.json").read_bytes() == reference[1]


def test_resume_of_a_complete_output_changes_nothing(
    workdir: Path, reference: tuple[bytes, bytes]
) -> None:
    out = workdir / "done.jsonl"
    out.write_bytes(reference[0])
    result = run(workdir, "done.jsonl", "--resume", "--jobs", "1")
    assert result.returncode == 1, result.stderr
    assert out.read_bytes() == reference[0]
    assert f"{RECORDS + 2:,} records were written by an earlier run" in result.stderr


def test_resume_refuses_output_of_another_input(
    workdir: Path, reference: tuple[bytes, bytes]
) -> None:
    lines = reference[0].splitlines(keepends=True)
    part = workdir / "other.jsonl.part"
    part.write_bytes(lines[0] + lines[5])
    result = run(workdir, "other.jsonl", "--resume", "--jobs", "1")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("clean-news: error:")]
    assert len(errors) == 1
    assert "holds document 'd5' but input record" in errors[0]
    assert "not from this input" in errors[0]
    assert part.read_bytes() == lines[0] + lines[5]  # left alone


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.jsonl.gz"], "cannot be compressed"),
        ([], "--resume needs --output"),
    ],
)
def test_resume_usage_errors(workdir: Path, args: list[str], message: str) -> None:
    cmd = [sys.executable, "-c", LAUNCH, str(workdir / "in.jsonl"), "--resume", *args]
    result = subprocess.run(
        cmd, env=environment(workdir), capture_output=True, text=True, timeout=120, cwd=workdir
    )
    assert result.returncode == 2
    assert message in result.stderr


def test_resume_refuses_text_inputs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from filters.cli import cli

    result = CliRunner().invoke(cli, [str(SEEDS), "-o", str(tmp_path / "o"), "--resume"])
    assert result.exit_code == 2
    assert "--resume works on JSONL inputs" in result.stderr


def test_resume_folder_output(tmp_path: Path) -> None:
    """Several inputs into a folder: finished outputs, a partial one, one not started."""
    from click.testing import CliRunner

    from filters.cli import cli

    src = tmp_path / "in"
    src.mkdir()
    texts = [p.read_bytes().decode("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for name in ("a", "b", "c"):
        rows = [json.dumps({"id": f"{name}{i}", "text": texts[i % 5]}) for i in range(20)]
        (src / f"{name}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    ref = tmp_path / "ref"
    assert runner.invoke(cli, [str(src), "-o", str(ref), "-q"]).exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.jsonl").write_bytes((ref / "a.jsonl").read_bytes())
    b_lines = (ref / "b.jsonl").read_bytes().splitlines(keepends=True)
    (out / "b.jsonl.part").write_bytes(b"".join(b_lines[:7]) + b_lines[7][:30])
    result = runner.invoke(cli, [str(src), "-o", str(out), "--resume", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    assert "27 records were written by an earlier run" in result.stderr
    for name in ("a", "b", "c"):
        assert (out / f"{name}.jsonl").read_bytes() == (ref / f"{name}.jsonl").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl", "b.jsonl", "c.jsonl"]
