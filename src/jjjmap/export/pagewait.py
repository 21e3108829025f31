"""The steps before a picture of the map page is taken, shared by both page drivers
(export.png with playwright's Chromium, ui.snapshot with Qt WebEngine): wait until the page
says it is drawn, then until its basemap tiles have loaded or failed (capped: a picture taken
offline shows the layers on the plain background), then switch to the print look and let the
last fade-in and the compositor settle (PITFALLS.md: a grab straight after loading can come
out white)."""
from __future__ import annotations

READY_JS = "document.body !== null && document.body.dataset.jjjReady === '1'"
TILES_SETTLED_JS = "window.jjj.tilesSettled === true"
PRINT_LOOK_JS = "document.body.classList.add('jjj-print')"   # no buttons, no layer panel
TILE_TIMEOUT_S = 8.0
SETTLE_MS = 500
