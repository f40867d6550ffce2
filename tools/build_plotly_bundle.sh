#!/usr/bin/env bash
# Builds assets/plotly/plotly-playground.min.js: plotly.js 4.1.1 with only the trace types
# the playground draws (scatter, heatmap, bar, table), minified, as an IIFE that sets
# window.Plotly. About a quarter of the full plotly.min.js, so the browser parses it faster.
#
# Usage: tools/build_plotly_bundle.sh              exact rebuild from the pinned lock file
#        tools/build_plotly_bundle.sh --update-lock  re-resolve dependencies, rewrite the lock
#
# Needs node + npm and the npm registry. Works in a temporary folder (node_modules is never
# put in the repository) and writes only assets/plotly/{plotly-playground.min.js,LICENSE}.
set -euo pipefail

PLOTLY_JS_VERSION=4.1.1     # must match the plotly.js inside the Python plotly package
ESBUILD_VERSION=0.28.2      # plotly.js 4.1.1 itself is built with esbuild ^0.28.1

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$repo/tools/build_plotly_bundle.package-lock.json"
out_dir="$repo/assets/plotly"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/package.json" <<JSON
{"name": "plotly-playground-build", "private": true, "version": "0.0.0",
 "dependencies": {"plotly.js": "$PLOTLY_JS_VERSION", "esbuild": "$ESBUILD_VERSION"}}
JSON

# The bundle's entry: plotly.js's own core (which already holds scatter and the layout
# components: axes, legend, annotations, shapes, colour bars, hover, mode bar) plus the
# three other trace modules, registered the way plotly.js's lib/index-*.js files do it.
cat > "$work/entry.js" <<'JS'
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/table')
]);
module.exports = Plotly;
JS

cd "$work"
if [[ "${1:-}" == "--update-lock" ]]; then
    npm install --no-audit --no-fund --ignore-scripts
    cp package-lock.json "$lock"
else
    cp "$lock" package-lock.json
    npm ci --no-audit --no-fund --ignore-scripts
fi

pkg="$work/node_modules/plotly.js"
installed="$(node -p "require('$pkg/package.json').version")"
[[ "$installed" == "$PLOTLY_JS_VERSION" ]] || { echo "got plotly.js $installed" >&2; exit 1; }

# plotly.js's licence banner, as at the top of its own dist files, naming this bundle.
banner="$(head -n 6 "$pkg/dist/plotly.min.js" \
          | sed "s/^\* plotly.js v/* plotly.js (playground: scatter, heatmap, bar, table - minified) v/")"
grep -q "v$PLOTLY_JS_VERSION" <<< "$banner" || { echo "unexpected banner: $banner" >&2; exit 1; }

# The same esbuild settings as plotly.js's esbuild-config.js (iife, global name Plotly,
# es2016, global -> window, no AMD). CSS imports (maplibre's style sheet, only used by map
# traces, which are not registered) load as empty modules.
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
    --target=es2016 --define:global=window --define:define.amd=false \
    --define:process.env.NODE_DEBUG=false --loader:.css=empty --legal-comments=eof \
    --banner:js="$banner" --footer:js="window.Plotly = Plotly;" --log-level=warning \
    --outfile="$work/plotly-playground.min.js"

mkdir -p "$out_dir"
cp "$work/plotly-playground.min.js" "$out_dir/plotly-playground.min.js"
cp "$pkg/LICENSE" "$out_dir/LICENSE"
wc -c "$out_dir/plotly-playground.min.js"
sha256sum "$out_dir/plotly-playground.min.js"
