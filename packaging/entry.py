"""PyInstaller entry point of the desktop bundle: the same `jjjmap` command as the wheel's."""
import multiprocessing
import sys

if __name__ == "__main__":
    # joblib (via scikit-learn, via mapclassify) may start worker processes; in a frozen
    # program they re-run this script, and freeze_support() turns them into workers.
    multiprocessing.freeze_support()
    from jjjmap.cli import main

    sys.exit(main())
