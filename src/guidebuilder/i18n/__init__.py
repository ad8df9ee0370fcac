"""Translation workflow: source units ⇄ translators' PO files (export, new language, status, warnings)."""
