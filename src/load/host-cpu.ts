/** The host's CPU use between two readings, from the kernel's per-core time counters. */
import { cpus } from 'node:os';

export interface HostCpuReading {
  busyMs: number;
  totalMs: number;
}

export function readHostCpu(): HostCpuReading {
  let busyMs = 0;
  let totalMs = 0;
  for (const core of cpus()) {
    const { user, nice, sys, idle, irq } = core.times;
    busyMs += user + nice + sys + irq;
    totalMs += user + nice + sys + idle + irq;
  }
  return { busyMs, totalMs };
}

/** Fraction (0..1) of all cores busy between the readings. */
export function hostBusyFraction(before: HostCpuReading, after: HostCpuReading): number {
  const totalMs = after.totalMs - before.totalMs;
  return totalMs <= 0 ? 0 : (after.busyMs - before.busyMs) / totalMs;
}
