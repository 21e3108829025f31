"""Typed change events, in the manner of napari's ``EventEmitter``.

The map document has one ``Emitter`` per kind of change (``model.document.DocumentEvents``:
``doc.events.layer_added.connect(handler)``), so an observer has one short handler per event
instead of an ``if event == ...`` ladder, and a change an observer makes itself is kept from
echoing back to it at the emitter::

    with doc.events.view_changed.blocker(self._on_view_changed):
        doc.set_view(...)          # every other observer still hears it

Qt-free: the model runs in the CLI, in tests and in scripts without a display.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import Any, Callable, Generic, Iterator, ParamSpec

P = ParamSpec("P")
Disconnect = Callable[[], None]
_tokens = itertools.count(1)


class Emitter(Generic[P]):
    """Handlers of one event, called in the order they were connected.

    ``emit`` calls the handlers connected when it starts (one connected or disconnected by a
    handler takes effect from the next emit). An exception in a handler propagates to the
    code that made the change and the handlers after it are not called, as a plain call
    would: a model change is a programming error to surface, not to log and carry on from.
    """

    def __init__(self, name: str):
        self.name = name
        self._handlers: list[tuple[int, Callable[P, None]]] = []
        self._blocked = 0                    # blocker() with no handler, nested
        self._blocked_for: dict[Any, int] = {}   # handler -> blocker(handler) depth

    def connect(self, handler: Callable[P, None]) -> Disconnect:
        """Call ``handler(*payload)`` on every emit; returns a function that disconnects
        it. Calling that function again does nothing, so an observer can detach on every
        path (close, shutdown, garbage collection) without tracking whether it already did."""
        token = next(_tokens)
        self._handlers.append((token, handler))

        def disconnect() -> None:
            self._handlers = [(t, h) for t, h in self._handlers if t != token]

        return disconnect

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        if self._blocked:
            return
        for _token, handler in list(self._handlers):
            if not self._blocked_for.get(handler):
                handler(*args, **kwargs)

    @contextmanager
    def blocker(self, handler: Callable[P, None] | None = None) -> Iterator[None]:
        """Within the block, emit calls no handler (or not ``handler``; bound methods are
        matched by equality, so ``self._on_x`` blocks the one ``self`` connected). Blocks
        nest; each restores what was blocked before it, also when the block raises."""
        if handler is None:
            self._blocked += 1
        else:
            self._blocked_for[handler] = self._blocked_for.get(handler, 0) + 1
        try:
            yield
        finally:
            if handler is None:
                self._blocked -= 1
            else:
                depth = self._blocked_for[handler] - 1
                if depth:
                    self._blocked_for[handler] = depth
                else:
                    del self._blocked_for[handler]

    @property
    def blocked(self) -> bool:
        return self._blocked > 0

    def __len__(self) -> int:
        return len(self._handlers)

    def __repr__(self) -> str:
        return f"<Emitter {self.name}: {len(self._handlers)} handler(s)>"


__all__ = ["Disconnect", "Emitter"]
