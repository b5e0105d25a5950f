"""`python -m canvas_assets.cli`: the `mlcanvas` commands (how `up` starts the engine)."""

from canvas_assets.cli import main

if __name__ == "__main__":  # importing the module (as a package walk does) runs nothing
    raise SystemExit(main())
