"""`jjjmap export` never writes over its inputs or to a name of another kind (issue 20 item 7).
The survey CSV is invented test data."""
import subprocess
import sys


def jjjmap(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jjjmap", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def _one_line_error(result, *needles):
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def _survey(tmp_path):
    p = tmp_path / "survey.csv"
    p.write_text("name,lon,lat\ninvented site,116.40,39.90\n", encoding="utf-8")
    return p


def test_export_refuses_to_replace_its_input_layer(tmp_path):
    survey = _survey(tmp_path)
    before = survey.read_bytes()
    _one_line_error(jjjmap("export", "-o", "survey.csv", "--layer", "survey.csv", cwd=tmp_path),
                    "survey.csv")
    link = tmp_path / "page.html"
    link.symlink_to(survey)
    _one_line_error(jjjmap("export", "-o", str(link), "--layer", str(survey)), "inputs")
    _one_line_error(jjjmap("export", "--png", "shot.png", "-o", "shot.png", cwd=tmp_path))
    assert survey.read_bytes() == before


def test_export_refuses_a_name_of_another_kind(tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff invented jpeg bytes")
    _one_line_error(jjjmap("export", "--png", str(photo)), "photo.jpg", ".png")
    _one_line_error(jjjmap("export", "-o", str(tmp_path / "notes.txt")), "notes.txt", ".html")
    assert photo.read_bytes() == b"\xff\xd8\xff invented jpeg bytes"
    assert not (tmp_path / "notes.txt").exists()
