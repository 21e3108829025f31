"""Bilingual window, search box, Tianditu key and WGS-84 coordinates over a GCJ-02 basemap."""
from __future__ import annotations

import re

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
pytestmark = pytest.mark.gui

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QToolBar,
)
from test_ui_helpers import (SECTORS, close_window, js, language_changed,  # noqa: E402
                             standin_renderer, synthetic_document, temp_settings)

from jjjmap import catalog  # noqa: E402
from jjjmap.geo.datum import wgs84_to_gcj02  # noqa: E402
from jjjmap.render import basemaps  # noqa: E402
from jjjmap.ui import i18n  # noqa: E402
from jjjmap.ui.dialogs import TiandituKeyDialog  # noqa: E402
from jjjmap.ui.mainwindow import MainWindow  # noqa: E402
from jjjmap.ui.settings import Settings  # noqa: E402

from proper_names import PROPER  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")




def _open(qtbot, doc, settings, renderer=standin_renderer, sectors=SECTORS) -> MainWindow:
    w = MainWindow(doc, renderer=renderer, settings=settings, sectors=sectors, restore=False)
    w.remember = True   # the language choice is saved, as in a normal run
    with qtbot.waitSignal(w.mapReady, timeout=60000):
        w.show()
    return w


def _close(qtbot, w) -> None:
    close_window(qtbot, w)


@pytest.fixture
def window(qtbot, tmp_path):
    w = _open(qtbot, synthetic_document(), temp_settings(tmp_path))
    yield w
    _close(qtbot, w)


def visible_texts(w: MainWindow) -> list[str]:
    """Every text of the window's own interface: menus and their actions, toolbar, docks,
    labels, buttons, placeholders, tips, and the layer panel's items."""
    texts = [w.windowTitle()]

    def walk_menu(menu: QMenu) -> None:
        texts.append(menu.title())
        for act in menu.actions():
            if act.menu() is not None and act.menu() is not w.recent_menu:
                walk_menu(act.menu())
            elif not act.isSeparator():
                texts.extend([act.text(), act.statusTip()])

    for act in w.menuBar().actions():
        walk_menu(act.menu())
    for bar in w.findChildren(QToolBar):
        texts.append(bar.windowTitle())
        texts.extend(a.text() for a in bar.actions() if not a.isSeparator())
    for dock in w.findChildren(QDockWidget):
        texts.extend([dock.windowTitle(), dock.toggleViewAction().text()])
    for label in w.findChildren(QLabel):
        texts.append(label.text())
    for button in w.findChildren(QAbstractButton):
        texts.extend([button.text(), button.toolTip()])
    for edit in w.findChildren(QLineEdit):
        texts.extend([edit.placeholderText(), edit.toolTip()])
    texts.append(w.layers.opacity.toolTip())
    model = w.layers.model
    for g in range(model.rowCount()):
        group = model.item(g)
        texts.append(group.text())
        texts.extend(group.child(r).text() for r in range(group.rowCount()))
    return [re.sub(r"<[^>]+>", " ", t).replace("&", "") for t in texts if t]


def english_words(text: str) -> list[str]:
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in PROPER]


def test_chinese_window_has_no_english_left_and_english_no_chinese(window, qtbot, tmp_path):
    renders = window.map.render_count
    zh = next(a for a in window.lang_group.actions() if a.data() == "zh")
    # LanguageChange is posted, not sent: wait until the window has had it
    with language_changed(qtbot, window), qtbot.waitSignal(window.mapReady, timeout=20000):
        zh.trigger()                              # View > Language > 中文
    assert window.doc.lang == "zh" and i18n.current_language() == "zh"
    assert window.map.render_count == renders + 1   # the map follows (labels, legend, popups)
    assert window.settings.language() == "zh"
    texts = visible_texts(window)
    leftovers = {t: english_words(t) for t in texts if english_words(t)}
    assert not leftovers, leftovers
    assert "图层" in texts and "属性表" in texts and "识别" in texts
    assert window.file_menu.title() == "文件(&F)" and window.basemap_menu.title() == "底图(&B)"

    with language_changed(qtbot, window), qtbot.waitSignal(window.mapReady, timeout=20000):
        next(a for a in window.lang_group.actions() if a.data() == "en").trigger()
    allowed = {"中文", "Search places (中文, English, pinyin)…"}   # the language's own name
    chinese = [t for t in visible_texts(window) if CJK.search(t) and t not in allowed]
    assert not chinese, chinese
    assert window.windowTitle() == "jjjmap — Jing-Jin-Ji explorer"
    assert window.settings.language() == "en"


def test_language_switch_keeps_the_view_and_the_identify_panel(window, qtbot):
    counties = window.doc.layers[0]
    window.map._page_bridge.featureClicked(counties.id, 2)
    js(qtbot, window.map, "window.jjj.setView(38.5, 115.3, 9)")
    with language_changed(qtbot, window), qtbot.waitSignal(window.mapReady, timeout=20000):
        window.set_language("zh")
    view = js(qtbot, window.map, "window.jjj.getView()")
    assert view == {"lat": 38.5, "lon": 115.3, "zoom": 9}
    assert window.identify.title.text().startswith("<b>区县</b> — 要素 2")
    assert window.identify.value("（几何类型）") == "Polygon"
    assert window.table.count_label.text() == "5 个要素"


def test_qt_standard_buttons_are_translated_too(window, qtbot):
    with language_changed(qtbot, window):
        window.set_language("zh")
    dialog = TiandituKeyDialog(window)
    try:
        texts = {b.text().replace("&", "") for b in dialog.findChildren(QAbstractButton)}
        assert "取消" in texts and not any(english_words(t) for t in texts)
    finally:
        dialog.deleteLater()


@pytest.fixture
def builtin_window(qtbot, tmp_path):
    w = _open(qtbot, catalog.default_document(), temp_settings(tmp_path), sectors=None)
    yield w
    _close(qtbot, w)


@pytest.mark.parametrize("query, level", [("xiongan", "xiongan"), ("雄安", "xiongan"),
                                          ("xiong an", "xiongan"), ("Rongcheng", "county")])
def test_search_box_selects_and_zooms(builtin_window, qtbot, query, level):
    w = builtin_window
    w.search.clear()
    w.search.setFocus()
    if query.isascii():
        qtbot.keyClicks(w.search, query)        # typing fills the popup
    else:                                       # Chinese arrives from an input method
        event = QInputMethodEvent()
        event.setCommitString(query)
        QApplication.sendEvent(w.search, event)
    assert w.search.hits and w.search.completer.popup().isVisible()
    qtbot.keyClick(w.search, Qt.Key.Key_Return)  # Enter: the best hit
    layer_id, rows = w.doc.selection
    layer = w.doc.layer(layer_id)
    assert layer.level == level and len(rows) == 1
    record = layer.gdf.iloc[rows[0]]
    if level == "xiongan":
        assert record["name_zh"] == "雄安新区"
    else:
        assert record["code"] == "130629" and record["name_zh"] == "容城县"
    assert layer.visible and w.layers.current_layer_id() == layer_id
    qtbot.waitUntil(lambda: js(qtbot, w.map, "window.jjjState.zoomed") == [layer_id, list(rows)],
                    timeout=5000)


def test_search_popup_choice_and_custom_layers(window, qtbot):
    import geopandas as gpd
    from shapely.geometry import Point

    from jjjmap.model import Layer

    gdf = gpd.GeoDataFrame({"名称": ["白洋淀码头", "安新站"]},
                           geometry=[Point(115.95, 38.93), Point(115.93, 38.92)], crs=4326)
    window.doc.add_layer(Layer(gdf, "Piers", "码头", id="piers"))   # the index is rebuilt
    hits = window.search.search("anxin")
    assert [(h.layer_id, h.row) for h in hits] == [("piers", 1)]
    popup = window.search.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    popup.setCurrentIndex(window.search.completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert window.doc.selection == ("piers", (1,))
    window.doc.remove_layer("piers")
    assert window.search.search("anxin") == []


def test_status_bar_shows_wgs84_over_a_gcj02_basemap(window, qtbot):
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        window.choose_basemap("gaode")   # another datum: a new page
    assert window.map.page_basemap == "gaode"
    glon, glat = wgs84_to_gcj02(116.3975, 39.9087)   # Tiananmen as the GCJ-02 page reports it
    window.map.bridge.mouseMoved.emit(glat, glon)
    assert window.coord_label.text() == "lon 116.39750, lat 39.90870 (WGS-84)"
    with language_changed(qtbot, window):
        window.set_language("zh")
    assert window.coord_label.text() == "经度 116.39750，纬度 39.90870（WGS-84）"


def _answer_dialog(key: str | None, seen: list):
    """Answer the next Tianditu key dialog (it runs modal, inside the action's trigger());
    returns a function that stops looking for one."""
    stopped = []

    def answer():
        if stopped:
            return
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, TiandituKeyDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.explanation.text())
        if key is None:
            dialog.reject()
        else:
            dialog.key_edit.setText(key)
            dialog.accept()
    QTimer.singleShot(0, answer)
    return lambda: stopped.append(True)


def test_tianditu_without_a_key_explains_how_to_get_one(window, qtbot, monkeypatch):
    monkeypatch.delenv(basemaps.TIANDITU_ENV, raising=False)
    action = next(a for a in window.basemap_group.actions() if a.data() == "tianditu")
    seen: list[str] = []
    _answer_dialog(None, seen)
    action.trigger()                                      # cancelled: nothing changes
    assert seen and "https://console.tianditu.gov.cn/" in seen[0] and "free" in seen[0]
    assert window.doc.basemap == "positron"
    assert window.basemap_group.checkedAction().data() == "positron"

    renders = window.map.render_count
    _answer_dialog("  k3y  ", seen)
    with qtbot.waitSignal(window.mapReady, timeout=20000):
        action.trigger()
    assert window.doc.basemap == "tianditu" and window.settings.tianditu_key() == "k3y"
    assert window.map.render_count == renders + 1        # a page that has the key
    assert len(seen) == 2
    stop = _answer_dialog(None, seen)                    # must not be asked again
    # a dialog would run modal inside trigger(): when it returns, it would have been seen
    next(a for a in window.basemap_group.actions() if a.data() == "tianditu-satellite").trigger()
    stop()
    assert len(seen) == 2 and window.doc.basemap == "tianditu-satellite"


def test_the_app_page_gets_the_key_but_an_export_only_when_agreed(tmp_path, qtbot, monkeypatch):
    from jjjmap.ui import dialogs

    monkeypatch.setenv(basemaps.TIANDITU_ENV, "envkey")
    settings = temp_settings(tmp_path)
    settings.save_tianditu_key("mykey")
    pages = []
    w = MainWindow(synthetic_document(), settings=settings, sectors=SECTORS, restore=False)
    try:
        html = w.map.renderer(w.doc)           # the window's real renderer
        pages.append(html)
        assert "tk=mykey" in html and "envkey" not in html
        out = tmp_path / "a.html"
        monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                            lambda *a, **k: (str(out), ""))
        asked = []
        monkeypatch.setattr(dialogs, "ask_include_tianditu_key",
                            lambda _p: asked.append(1) or True)
        w.files.export_html_dialog()       # not on Tianditu: no question, no key
        text = out.read_text(encoding="utf-8")
        assert not asked and "mykey" not in text and "envkey" not in text
        w.doc.basemap = "tianditu"
        for agree in (False, True):
            monkeypatch.setattr(dialogs, "ask_include_tianditu_key", lambda _p, a=agree: a)
            w.files.export_html_dialog()
            text = out.read_text(encoding="utf-8")
            assert ("mykey" in text) is agree and "envkey" not in text
    finally:
        _close(qtbot, w)


def test_reloads_on_a_gcj02_basemap_do_not_drift(tmp_path, qtbot):
    from test_render_fixtures import synthetic_document as render_document

    doc = render_document()
    doc.basemap = "gaode"
    doc.view.lat, doc.view.lon, doc.view.zoom = 39.05, 115.9, 10
    w = _open(qtbot, doc, temp_settings(tmp_path), renderer=None)
    try:
        for _ in range(3):
            view = js(qtbot, w.map, "window.jjj.getView()")
            glon, glat = wgs84_to_gcj02(115.9, 39.05)
            assert view["lon"] == pytest.approx(glon, abs=1e-6)
            assert view["lat"] == pytest.approx(glat, abs=1e-6)
            with qtbot.waitSignal(w.mapReady, timeout=60000):
                w.map._reload_keeping_view()     # what a new layer or language does
            assert (doc.view.lat, doc.view.lon) == pytest.approx((39.05, 115.9), abs=1e-6)
        assert w.map.render_count >= 4
    finally:
        _close(qtbot, w)


def test_the_shipped_qm_is_used_and_nothing_is_compiled_at_run_time(tmp_path, monkeypatch):
    import subprocess

    from PySide6.QtCore import QTranslator

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"the app ran a program to get its translation: {args}")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    monkeypatch.setenv("PATH", str(tmp_path))   # no lrelease to be found either
    qm = i18n.qm_file("zh")
    assert qm == i18n.translations_dir() / "jjjmap_zh_CN.qm"
    translator = QTranslator()
    assert translator.load(str(qm)) and translator.translate("MainWindow", "Layers") == "图层"


def test_an_install_without_the_qm_stays_english(tmp_path, monkeypatch, caplog):
    shipped = i18n.translations_dir() / "jjjmap_zh_CN.ts"
    source = tmp_path / "translations"
    source.mkdir()
    (source / shipped.name).write_bytes(shipped.read_bytes())   # a .ts and no .qm
    monkeypatch.setattr(i18n, "translations_dir", lambda: source)
    assert i18n.qm_file("zh") is None
    assert "jjjmap_zh_CN.qm" in caplog.text and not list(tmp_path.rglob("*.qm"))


def test_start_language_command_line_then_remembered_then_locale(monkeypatch):
    from jjjmap.ui import app as app_module

    monkeypatch.setattr(Settings, "language", lambda self: "zh")
    monkeypatch.setattr(i18n, "system_language", lambda: "en")
    assert app_module.choose_language("en") == "en"
    assert app_module.choose_language(None) == "zh"                   # remembered
    assert app_module.choose_language(None, remember=False) == "en"   # a screenshot run
    monkeypatch.setattr(Settings, "language", lambda self: None)
    monkeypatch.setattr(i18n, "system_language", lambda: "zh")
    assert app_module.choose_language(None) == "zh"                   # the locale's
