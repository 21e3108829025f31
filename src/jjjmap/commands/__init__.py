"""Subcommands of `jjjmap` beyond gui, export, info and convert: one module each.

A module here has ``add_parser(sub, common)``, which adds its argparse subparser (``common``
is the parent parser that carries ``--debug``), and ``run(args) -> int``. Heavy imports go
inside ``run`` so that ``jjjmap --help`` stays fast. List the module in ``NAMES`` (the order
of ``--help``).
"""
NAMES: tuple[str, ...] = ("join", "within", "rings")
