"""The `albertplus` command line: thin typer commands over the library layers."""
