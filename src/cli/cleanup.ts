/**
 * `playwatch cleanup <run dir> -i <inventory>`: after a run whose
 * controller was killed outright, stops the async jobs it left on its hosts
 * and releases the deploy locks it held, nothing else. Only a run that did
 * not end and whose controller is gone is cleaned; a live run is stopped
 * with `playwatch abort` or its own keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../model/index.js';
import { loadConfig } from '../config/index.js';
import { hostSource, loadInventory } from '../inventory/index.js';
import { EXIT } from '../engine/index.js';
import { releaseCommand } from '../engine/lock.js';
import { createTransport, connectionSpecFromVars } from '../transport/index.js';
import { killCommand, killRunJobsCommand } from '../transport/async-job.js';
import { CLEANED_FILE, findIncomplete } from './incomplete.js';
import { errorLine } from './stderr.js';

export interface CleanupFlags {
  inventory?: string[];
}

/** Cleans up after one unfinished run; exit 0 when every host was reached, 4 when some were not. */
export async function cleanupCommand(runDirArg: string, flags: CleanupFlags): Promise<number> {
  const cwd = process.cwd();
  const runDir = path.resolve(cwd, runDirArg);
  if (!fs.existsSync(path.join(runDir, 'events.jsonl'))) throw new UserError(`${runDirArg} is not a run directory (no events.jsonl)`);
  const run = findIncomplete(path.dirname(runDir), '').find((r) => r.runDir === runDir);
  if (!run) throw new UserError(`run ${path.basename(runDir)} ended, was cleaned up already, or its controller is still running (stop a live run with playwatch abort)`);
  const settings = loadConfig({ cwd, env: process.env, cli: flags.inventory?.length ? { inventory: flags.inventory } : {} }).settings;
  const inventory = loadInventory(settings.inventory, { cwd });
  const source = hostSource(inventory, { cwd });
  const hosts = [...new Set([...run.touched, ...run.jobs.map((j) => j.host)])];
  let unreached = 0;
  for (const host of hosts) {
    const said = await cleanHost(host, run, source, inventory.sourceDirs[0] ?? cwd, settings);
    if (!said.ok) unreached++;
    process.stdout.write(`${host}: ${said.text}\n`);
  }
  if (unreached) {
    errorLine(`[WARNING]: ${unreached} host(s) could not be cleaned; run the same command again once they are reachable`);
    return EXIT.unreachable;
  }
  fs.writeFileSync(path.join(runDir, CLEANED_FILE), `${new Date().toISOString()}\n`, { mode: 0o600 });
  return EXIT.ok;
}

async function cleanHost(
  host: string,
  run: ReturnType<typeof findIncomplete>[number],
  source: ReturnType<typeof hostSource>,
  baseDir: string,
  settings: ReturnType<typeof loadConfig>['settings'],
): Promise<{ ok: boolean; text: string }> {
  if (!source.names().includes(host)) return { ok: false, text: 'not in the inventory given (pass the run\'s -i)' };
  const vars = source.varsFor(host);
  const t = createTransport(connectionSpecFromVars(host, vars, baseDir), { hostKeyChecking: settings.hostKeyChecking, connectTimeoutMs: settings.timeout * 1000 });
  try {
    await t.connect();
    const jids = run.jobs.filter((j) => j.host === host).map((j) => j.jid);
    // The jobs the record names, and any of the run whose start the kill cut off from the record.
    const kill = [...jids.map(killCommand), killRunJobsCommand(run.pid, run.runId)].join('\n');
    const killed = await t.exec(kill, { timeoutMs: 30_000 });
    if (killed.rc !== 0) return { ok: false, text: `could not stop the run's async jobs: ${killed.stderr.trim() || `rc ${killed.rc}`}` };
    const place = typeof vars.playwatch_lock_path === 'string' && vars.playwatch_lock_path !== '' ? vars.playwatch_lock_path : undefined;
    // Releasing moves the lock away only if the info in it names this run.
    const holder = { user: '', controller: '', pid: run.pid, run: run.runId, playbook: '', started: 0 };
    const released = await t.exec(releaseCommand(holder, place), { timeoutMs: 30_000 });
    if (released.rc !== 0) return { ok: false, text: `could not release the deploy lock: ${released.stderr.trim() || `rc ${released.rc}`}` };
    return { ok: true, text: `async jobs of run ${run.runId} stopped (${jids.length} recorded), its deploy lock released if it still held it` };
  } catch (err) {
    return { ok: false, text: `unreachable: ${(err as Error).message}` };
  } finally {
    await t.close().catch(() => undefined);
  }
}
