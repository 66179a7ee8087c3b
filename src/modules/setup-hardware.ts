/**
 * Hardware facts as ansible-core's Linux collector computes them: the
 * processor counts from /proc/cpuinfo, memory from /proc/meminfo, uptime,
 * and DMI strings ("NA" where unreadable).
 */
import type { Vars } from '../model/index.js';

/** processor, processor_count/cores/threads_per_core/vcpus/nproc (ansible-core's get_cpu_facts). */
export function cpuFacts(lines: string[], architecture: string): Vars {
  const processor: string[] = [];
  let i = 0;
  let vendors = 0;
  let models = 0;
  let procs = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let nproc: number | undefined;
  let xen = false;
  const out: Vars = {};
  for (const line of lines) {
    const idx = line.indexOf(':');
    if (idx < 0) continue;
    const key = line.slice(0, idx).trim();
    const val = line.slice(idx + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendors++;
      if (key === 'model name') models++;
      if (key === 'processor') procs++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number(val));
    else if (key === 'siblings') cores.set(coreid, Number(val));
    else if (key === '# processors') out.processor_cores = Number(val);
    else if (key === 'ncpus active') i = Number(val);
    else if (key === 'nproc' && /^\d+$/.test(val)) nproc = Number(val);
    else if (key === 'xen') xen = true;
  }
  if (processor.length === 0 && nproc === undefined) return {};
  out.processor = processor;
  if (vendors > 0 && vendors === models) i = vendors;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = procs;
  if (architecture === 's390x') return out;
  // ansible-core reads Xen paravirt from the cpu flags; without them a Xen guest counts as paravirt only when /proc/xen exists.
  if (xen) Object.assign(out, { processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i });
  else {
    const count = sockets.size ? sockets.size : i;
    const firstSocket = [...sockets.values()][0];
    const coresPer = firstSocket ? firstSocket : 1;
    const firstCore = [...cores.values()][0];
    const threads = firstCore !== undefined ? Math.floor(firstCore / coresPer) : Math.floor(1 / coresPer);
    Object.assign(out, { processor_count: count, processor_cores: coresPer, processor_threads_per_core: threads, processor_vcpus: threads * count * coresPer });
  }
  out.processor_nproc = nproc ?? procs;
  return out;
}

/** memtotal_mb, memfree_mb, swap, memory_mb and uptime_seconds from /proc/meminfo and /proc/uptime. */
export function memFacts(lines: string[]): Vars {
  const kb: Record<string, number> = {};
  let uptime: number | undefined;
  for (const line of lines) {
    const m = /^(\w+(?:\(\w+\))?):\s*([\d.]+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'Uptime') uptime = Math.floor(Number(m[2]));
    else kb[m[1]] = Number(m[2]);
  }
  const out: Vars = {};
  const mb = (k: string) => Math.floor((kb[k] ?? 0) / 1024);
  if (kb.MemTotal !== undefined) {
    const total = mb('MemTotal');
    const free = mb('MemFree');
    const nocacheFree = free + mb('Buffers') + mb('Cached');
    Object.assign(out, {
      memtotal_mb: total,
      memfree_mb: free,
      swaptotal_mb: mb('SwapTotal'),
      swapfree_mb: mb('SwapFree'),
      memory_mb: {
        real: { total, used: total - free, free },
        nocache: { free: nocacheFree, used: total - nocacheFree },
        swap: { total: mb('SwapTotal'), free: mb('SwapFree'), used: mb('SwapTotal') - mb('SwapFree'), cached: mb('SwapCached') },
      },
    });
  }
  if (uptime !== undefined && Number.isFinite(uptime)) out.uptime_seconds = uptime;
  return out;
}

/** DMI strings; `sys_vendor` is ansible's `system_vendor`. */
export function dmiFacts(lines: string[]): Vars {
  const out: Vars = {};
  for (const line of lines) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1] === 'sys_vendor' ? 'system_vendor' : m[1]] = m[2].trim() || 'NA';
  }
  return out;
}
