/**
 * Builds dist/: tsc compiles src/ one module per file into .tmp/build (type-checked, with declarations); the
 * declarations are copied to dist/ as they are, and rolldown bundles the JavaScript from the package's entry
 * points into a few modules there.
 *
 * Why a bundle: the setup file runs before every eval file in a fresh worker, and Node spends about 1 ms
 * loading each module, whatever its size. The matchers that answer without `await` (the checks, similarities
 * and trajectory checks) must be loaded when the setup file registers them, and from per-file tsc output that
 * was over 40 modules per eval file. Each source module is in exactly one output module, so classes and module
 * state are shared by all entries as before; dynamic imports (the judge, the store, the reporter) stay apart and
 * load on first use. Every output module sits in dist/ itself, so `import.meta.url` resolves siblings such as
 * `./setup.js` from any of them (src/own-files.ts).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rolldown } from 'rolldown'

const root = fileURLToPath(new URL('..', import.meta.url))
/** The per-module tsc output (also what bench/store.mjs imports internal modules from). */
const modulesDir = join(root, '.tmp', 'build')
const dist = join(root, 'dist')

rmSync(modulesDir, { recursive: true, force: true })
rmSync(dist, { recursive: true, force: true })
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', modulesDir],
  { cwd: root, stdio: 'inherit' },
)
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

cpSync(modulesDir, dist, { recursive: true, filter: (path) => !path.endsWith('.js') })

// The entry points are those package.json declares: `exports` and the bin.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const entries = [
  ...Object.values(pkg.exports).flatMap((target) => (typeof target === 'object' ? [target.default] : [])),
  ...Object.values(pkg.bin),
]
const input = Object.fromEntries(
  entries.map((file) => {
    const name = file.replace(/^\.\/dist\//, '').replace(/\.js$/, '')
    return [name, join(modulesDir, `${name}.js`)]
  }),
)

// The modules the setup file imports statically, in two groups: those only workers need, and those that the config
// and the reporter import too, so that these do not load the matchers. What the CLI imports (the error classes)
// is left to rolldown, so that the CLI loads neither group (one imports `vitest`).
const workerOnly = new Set()
const shared = new Set()
const bundle = await rolldown({
  input,
  platform: 'node',
  // What the groups below require; the entries' own exports are unchanged.
  preserveEntrySignatures: 'allow-extension',
  plugins: [
    {
      name: 'setup-path',
      buildEnd() {
        const reach = (id, found = new Set()) => {
          const info = this.getModuleInfo(id)
          if (found.has(id) || !info || info.external) return found
          found.add(id)
          for (const imported of info.importedIds) reach(imported, found)
          return found
        }
        const mainProcess = new Set()
        for (const entry of [input.config, input.reporter]) reach(entry, mainProcess)
        // `vitest` itself is the test API: loading it in the main process costs about 10 MB that every run keeps.
        const testApi = [...mainProcess].filter((id) =>
          this.getModuleInfo(id)?.importedIds.includes('vitest'),
        )
        if (testApi.length > 0) {
          this.error(
            `the config and reporter entries reach ${testApi.join(', ')}, which import \`vitest\` (the test API, ` +
              'for workers). Import what the main process needs from a module that does not.',
          )
        }
        const cli = reach(input.cli)
        for (const id of reach(input.setup)) {
          if (id === input.setup || cli.has(id)) continue
          if (mainProcess.has(id)) shared.add(id)
          else workerOnly.add(id)
        }
      },
    },
  ],
  // Dependencies and peer dependencies are imported from node_modules at run time, never copied in.
  external: (id) => !/^[./]|^[A-Za-z]:[\\/]/.test(id),
})
await bundle.write({
  dir: dist,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  // The declarations carry the documentation; comments left here would only be parsed again in every worker.
  comments: false,
  // What the setup file needs is one module beside it, whichever other entries share parts of it.
  // Each group without its dependencies in the other: the shared modules never import the worker-only ones.
  codeSplitting: {
    includeDependenciesRecursively: false,
    groups: [
      { name: 'matchers', test: (id) => workerOnly.has(id) },
      { name: 'common', test: (id) => shared.has(id) },
    ],
  },
})
await bundle.close()
