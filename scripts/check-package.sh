#!/usr/bin/env bash
# Builds and packs the package into .tmp/pack, then checks the tarball with publint and arethetypeswrong.
# The tarball is what the smoke test installs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.tmp/pack

rm -rf dist "$out"
mkdir -p "$out"
echo "-- npm pack (builds dist through prepack)"
npm pack --pack-destination "$out" --loglevel=error
tarball=$(ls "$out"/*.tgz)

echo "-- every entry point has its JavaScript and its types in the tarball"
node -e '
  const { execFileSync } = require("node:child_process")
  const tarball = process.argv[1]
  const files = new Set(execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n"))
  const pkg = require("./package.json")
  const missing = []
  const want = (file) => files.has(`package/${file.replace(/^\.\//, "")}`) || missing.push(file)
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") want(target)
    else if (!target.types || !target.default) missing.push(`${entry} (types and default)`)
    else {
      want(target.types)
      want(target.default)
    }
  }
  for (const bin of Object.values(pkg.bin)) want(bin)
  if (missing.length) {
    console.error(`missing from ${tarball}: ${missing.join(", ")}`)
    process.exit(1)
  }
  console.log(`${tarball}: ${Object.keys(pkg.exports).join(", ")} and the bin`)
' "$tarball"

echo "-- publint"
npx publint run "$tarball" --strict

echo "-- arethetypeswrong (ESM only: node10 and require() from CommonJS are not supported)"
npx attw "$tarball" --profile esm-only
