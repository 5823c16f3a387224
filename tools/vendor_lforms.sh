#!/usr/bin/env bash
# Vendor LHC-Forms (the US National Library of Medicine's FHIR forms renderer) into the
# app's own static files, for the FHIR forms demo page and its browser test. Fetched with
# npm from the npm registry at build time, checked against a pinned SHA-256, never
# loaded from a CDN. Usage: tools/vendor_lforms.sh [destination]
set -euo pipefail
VERSION="40.1.3"
SHA256="288cff4360e8a90a44e994a01422d2cf970170000ce915b5739ccc383097edd9"
DEST="${1:-questionnaire/static/vendor/lforms}"

if [ -f "$DEST/VERSION" ] && [ "$(cat "$DEST/VERSION")" = "$VERSION" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to vendor LHC-Forms" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "lforms@$VERSION" >/dev/null)
echo "$SHA256  $work/lforms-$VERSION.tgz" | sha256sum --check --quiet
tar -xzf "$work/lforms-$VERSION.tgz" -C "$work"
src="$work/package/dist/lforms"
rm -rf "$DEST"
mkdir -p "$DEST/webcomponent/assets/lib" "$DEST/fhir/R4"
for f in styles.css runtime.js polyfills.js main.js; do
  cp "$src/webcomponent/$f" "$DEST/webcomponent/$f"
done
cp "$src/webcomponent/assets/lib/zone.min.js" "$DEST/webcomponent/assets/lib/"
cp "$src/fhir/R4/lformsFHIR.min.js" "$DEST/fhir/R4/"
cp "$src/LICENSE.md" "$DEST/LICENSE.md"
echo "$VERSION" > "$DEST/VERSION"
echo "LHC-Forms $VERSION vendored into $DEST"
