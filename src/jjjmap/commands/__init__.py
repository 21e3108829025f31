"""Subcommands of `jjjmap` beyond gui, export, info and convert: one module each.

A module here has ``add_parser(sub, common)``, which adds its argparse subparser (``common``
is the parent parser that carries ``--debug``), and ``run(args) -> int``. Heavy imports go
inside ``run`` so that ``jjjmap --help`` stays fast. List the module in ``NAMES`` (the order
of ``--help``).
"""
NAMES: tuple[str, ...] = ("join", "within", "rings")


class CliError(Exception):
    """A problem with what the user asked for, worded for them (exit 1). Here, not in
    jjjmap.cli, so that a subcommand can raise it without importing the module that
    imports the subcommands."""
