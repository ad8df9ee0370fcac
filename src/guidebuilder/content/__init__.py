"""Content: the files under guide/ (YAML, Markdown, PO) → a validated, immutable `Guide`."""
