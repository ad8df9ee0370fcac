"""Live preview: a local web server that shows an edition's pages, spreads and text as the guide is edited.

A thin layer over the library: `state` runs the pipeline's own functions and keeps the last good
result, `watcher` reports changed files, `server` serves the page and pushes reloads."""
