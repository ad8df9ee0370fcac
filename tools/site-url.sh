#!/usr/bin/env bash
# CI: point the guide at the address its dist/ is published at (site_url in guide/guide.yaml), unless the
# guide already names one (a custom domain set by its team). Usage: tools/site-url.sh https://owner.github.io/repo
set -euo pipefail
url="${1:-}"
guide="${2:-guide/guide.yaml}"
if grep -q '^site_url:' "$guide"; then
  echo "$guide already names its site: $(sed -n 's/^site_url: *//p' "$guide")"
  exit 0
fi
case "$url" in
  https://?*) ;;
  *) echo "no site address to set: expected https://..., got '$url' (is GitHub Pages enabled with GitHub Actions as its source?)" >&2; exit 1 ;;
esac
printf '\n# Set by CI (tools/site-url.sh) from the address GitHub Pages serves this repository at.\nsite_url: "%s"\n' "$url" >> "$guide"
echo "site_url: $url"
