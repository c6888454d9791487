// A reporter for the memory benchmark: when the run ends, the main process's heap after a full garbage collection,
// which is what the run holds (Vitest's state and the plugin's), apart from the garbage a peak also counts.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

export default class HeapProbe {
  onTestRunEnd() {
    gc()
    console.log(`__HEAP__ ${process.memoryUsage().heapUsed}`)
  }
}
