from jjjmap.cli import main
raise SystemExit(main())
