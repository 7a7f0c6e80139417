"""``python -m overflight`` runs the same command line as the ``overflight`` script."""

from __future__ import annotations

import subprocess
import sys


def test_python_m_overflight_is_the_command() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "overflight", "scan", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert "Usage: overflight scan" in res.stdout and "--airspace" in res.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "overflight", "no-such-command"], capture_output=True, text=True
    )
    assert bad.returncode != 0 and "No such command" in bad.stderr
    assert "Traceback" not in bad.stderr
