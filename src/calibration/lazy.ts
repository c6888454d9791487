/** `calibrate` as the main entry exports it: the calibration code loads on the first call. */
import type { calibrate as Calibrate } from './calibrate.ts'

export const calibrate: typeof Calibrate = async (options) =>
  (await import('./calibrate.ts')).calibrate(options)
