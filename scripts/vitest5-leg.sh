#!/usr/bin/env bash
# The Vitest 5 leg: `npm test` on Node 22 with Vitest 5, then (given a packed tarball) the smoke test.
#
#   bash scripts/vitest5-leg.sh [path/to/vitest-rubric-x.y.z.tgz]
#
# Node 22 comes from the npm package `node@22`, installed into .tmp/node22. The repository's files are copied to
# .tmp/leg5 with vitest, vite and @types/node raised in package.json, and installed there, so the main
# node_modules (Node 20 and Vitest 4.1) stays as it is. Both folders are reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
node_spec=${VITEST5_LEG_NODE:-node@22}
vitest_spec=${VITEST5_LEG_VITEST:-^5.1.1}
node_dir=$root/.tmp/node22
leg=$root/.tmp/leg5
tarball=${1:-}
if [[ -n $tarball ]]; then tarball=$(realpath "$tarball"); fi

echo "-- Node 22 ($node_spec) in .tmp/node22"
node22=$node_dir/node_modules/.bin/node
if ! [[ -x $node22 ]] || ! "$node22" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a === 22 && b >= 12 ? 0 : 1)'; then
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error "$node_spec"
fi
"$node22" -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a !== 22 || b < 12) { console.error(`Node ${process.version} from ${process.argv[1]} is not ^22.12`); process.exit(1) }' "$node_spec"
export PATH="$node_dir/node_modules/.bin:$PATH"
echo "node $(node --version)"

echo "-- scratch copy of the repository in .tmp/leg5"
mkdir -p "$leg"
find "$leg" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
# Tracked and new files as they are in the work tree, without ignored ones (node_modules, dist, .tmp).
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do [[ -f $file ]] && printf '%s\0' "$file"; done |
  tar --null -T - -cf - | tar -xf - -C "$leg"
cd "$leg"
node -e '
  const fs = require("node:fs")
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"))
  // Vitest 5 wants @types/node 22+ (an optional peer) and has vite as a peer dependency.
  Object.assign(pkg.devDependencies, { vitest: process.argv[1], vite: "^8.0.0", "@types/node": "^22.0.0" })
  // The UI of the html reporter must be the same version as Vitest.
  if (pkg.devDependencies["@vitest/ui"]) pkg.devDependencies["@vitest/ui"] = process.argv[1]
  fs.writeFileSync("package.json", `${JSON.stringify(pkg, null, 2)}\n`)
' "$vitest_spec"
rm -f package-lock.json
npm install --no-audit --no-fund --loglevel=error
version=$(node -p 'require("vitest/package.json").version')
echo "vitest $version"
[[ $version == 5.* ]] || { echo "expected Vitest 5, got $version" >&2; exit 1; }

echo "-- npm test (Node 22, Vitest $version)"
npm test

if [[ -n $tarball ]]; then
  echo "-- smoke test (Node 22, vitest@$vitest_spec)"
  node "$root/scripts/smoke.mjs" --tarball "$tarball" --vitest "$vitest_spec"
fi
