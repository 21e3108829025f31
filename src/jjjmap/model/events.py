"""Typed change events of the map document, in the manner of napari's ``EmitterGroup``.

One ``Emitter`` per kind of change (``doc.events.layer_added.connect(handler)``), so an
observer has one short handler per event instead of an ``if event == ...`` ladder, and a
change an observer makes itself is kept from echoing back to it at the emitter::

    with doc.events.view_changed.blocker(self._on_view_changed):
        doc.set_view(...)          # every other observer still hears it

Qt-free: the model runs in the CLI, in tests and in scripts without a display.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, ParamSpec

if TYPE_CHECKING:
    from .document import View
    from .layer import Layer

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


class DocumentEvents:
    """The events of a ``MapDocument``, one emitter each, with what its handlers receive."""

    # "what" of layer_changed: "visible", "opacity", "style", "data", "filter"
    def __init__(self) -> None:
        self.layer_added: Emitter[[Layer]] = Emitter("layer_added")
        self.layer_removed: Emitter[[Layer]] = Emitter("layer_removed")
        self.layers_reordered: Emitter[[list[str]]] = Emitter("layers_reordered")   # ids
        self.layer_changed: Emitter[[Layer, str]] = Emitter("layer_changed")   # layer, what
        self.basemap_changed: Emitter[[str]] = Emitter("basemap_changed")
        self.view_changed: Emitter[[View]] = Emitter("view_changed")
        # layer id (None: nothing selected) and its row indices
        self.selection_changed: Emitter[[str | None, tuple[int, ...]]] = \
            Emitter("selection_changed")
        self.language_changed: Emitter[[str]] = Emitter("language_changed")

    @property
    def emitters(self) -> tuple[Emitter, ...]:
        return tuple(e for e in vars(self).values() if isinstance(e, Emitter))

    def connect(self, handler: Callable[..., None]) -> Disconnect:
        """``handler(event_name, *payload)`` on every event (for an observer that only
        needs to know that something changed, e.g. the print preview, or a script)."""
        def bind(name: str) -> Callable[..., None]:
            return lambda *payload: handler(name, *payload)

        return self.observe(**{e.name: bind(e.name) for e in self.emitters})

    def observe(self, **handlers: Callable[..., None]) -> Disconnect:
        """Connect each handler to the event it is named for (``layer_added=self._on_add``);
        returns one function that disconnects them all (idempotent, as each is)."""
        emitters = {e.name: e for e in self.emitters}
        unknown = set(handlers) - set(emitters)
        if unknown:
            raise AttributeError(f"no such document event: {', '.join(sorted(unknown))}")
        disconnects = [emitters[name].connect(h) for name, h in handlers.items()]

        def disconnect() -> None:
            for d in disconnects:
                d()

        return disconnect


__all__ = ["DocumentEvents", "Disconnect", "Emitter"]
