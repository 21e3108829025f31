"""`jjjmap export --pdf/--png` with the print layout's options, as a user runs them."""
from __future__ import annotations

import pytest

from test_cli import assert_one_line_error, jjjmap

pytestmark = pytest.mark.gui


def test_pdf_and_png_of_one_layout_in_chinese(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from PySide6.QtGui import QImage

    pdf, png = tmp_path / "map.pdf", tmp_path / "map.png"
    result = jjjmap("export", "--pdf", str(pdf), "--png", str(png), "--size", "148x105mm",
                    "--dpi", "100", "--lang", "zh", "--basemap", "none", "--title", "氢能 <i>图</i>",
                    "--hide-layer", "institutions", "--sectors", "hydrogen_energy,robotics",
                    "--extent", "xiongan")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {pdf}", f"wrote {png} (583 x 413 px, 100 dpi)"]
    image = QImage(str(png))
    assert (image.width(), image.height()) == (583, 413)   # 148 x 105 mm at 100 dpi
    page = pypdf.PdfReader(str(pdf)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(148 * 72 / 25.4, abs=1.5)
    text = page.extract_text()
    assert "氢能 <i>图</i>" in text                      # the title as written
    assert "图例" in text and "数据" in text and "Legend" not in text
    assert "疏解" not in text                             # the hidden institutions


@pytest.mark.parametrize("args, needle", [
    (["--size", "0x0px"], "0x0px"),
    (["--size", "100000x800px"], "100000x800px"),
    (["--dpi", "5"], "5 dpi"),
    (["--dpi", "5000"], "5000 dpi"),
    (["--size", "Tabloid"], "Tabloid"),
    (["--hide-layer", "rivers"], "rivers"),
    (["--extent", "Atlantis"], "Atlantis"),
])
def test_bad_layout_options_fail_before_anything_is_written(tmp_path, args, needle):
    html, pdf = tmp_path / "map.html", tmp_path / "map.pdf"
    assert_one_line_error(jjjmap("export", "-o", str(html), "--pdf", str(pdf), *args), needle)
    assert not html.exists() and not pdf.exists()


def test_missing_output_folder_is_named(tmp_path):
    target = tmp_path / "gone" / "map.png"
    assert_one_line_error(jjjmap("export", "--png", str(target)), "gone", "does not exist")


def test_help_documents_the_layout_options():
    out = jjjmap("export", "--help").stdout
    for option in ("--pdf", "--png", "--size", "--landscape", "--dpi", "--title", "--subtitle",
                   "--hide-layer", "--extent", "Letter", "WxHpx"):
        assert option in out, option
