"""The command line: a thin typer app over the library; arguments in, calls of the pipeline, display out."""
