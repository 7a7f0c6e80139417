"""``python -m overflight ...``: the ``overflight`` command."""

from .cli.main import main

if __name__ == "__main__":
    main()
