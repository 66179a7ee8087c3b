/**
 * `npm run bench`: the benchmark suite. Brings up the sshd fleet, runs each
 * scenario's measurements (several runs, interleaved), prints one table with
 * the figures, ratios and targets, and writes bench/results.json. Fails
 * only when a scenario cannot run, never on time.
 *
 *   npm run build && npm run bench -- [--quick] [--only NAME] [--runs N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, unknownNames, USAGE, type Options } from './lib/args.js';
import { cleanupAll } from './lib/cleanup.js';
import { prepareFleet, root } from './lib/fleet.js';
import { machine, results, rowsOf, type Results } from './lib/results.js';
import { ansibleVersion } from './lib/runners.js';
import type { Context } from './lib/scenario.js';
import { markdownTable, textTable } from './lib/table.js';
import type { Row } from './lib/types.js';
import { SCENARIOS } from './scenarios/index.js';

const parsed = parseArgs(process.argv.slice(2));
if (typeof parsed === 'string' || parsed.help) {
  console.error(typeof parsed === 'string' ? `bench: ${parsed}\n\n${USAGE}` : USAGE);
  process.exit(typeof parsed === 'string' ? 2 : 0);
}
const opts: Options = parsed;
if (opts.markdown) {
  const res = JSON.parse(fs.readFileSync(opts.markdown, 'utf8')) as Results;
  console.log(markdownTable(rowsOf(res)));
  process.exit(0);
}
if (opts.list) {
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(12)} ${s.title}${s.inDefault ? '' : ' (only with --only)'}`);
  process.exit(0);
}
const unknown = unknownNames(opts.only, SCENARIOS.map((s) => s.name));
if (unknown.length) {
  console.error(`bench: no scenario ${unknown.join(', ')} (--list names them)`);
  process.exit(2);
}
// --only runs in the order given (the table keeps the suite's order).
const chosen = opts.only.length ? opts.only.map((n) => SCENARIOS.find((s) => s.name === n)!) : SCENARIOS.filter((s) => s.inDefault);
if (!fs.existsSync(path.join(root, 'dist/cli/main.js'))) {
  console.error('bench: dist/ not built (npm run build)');
  process.exit(1);
}

const ansible = ansibleVersion();
const loadStart = os.loadavg();
const estimate = chosen.reduce((t, s) => t + s.estimateS(opts, ansible !== undefined), 0);
const mode = opts.quick ? 'quick' : 'full';
console.log(`bench (${mode}, ${opts.runs} run(s) each${ansible ? `, ansible-core ${ansible} ${opts.ansibleRuns} run(s)` : ', ansible-playbook not installed'}): ${chosen.map((s) => s.name).join(', ')}`);
console.log(`about ${fmtDuration(estimate)} on a quiet 2-core machine; load average now ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);

const fleetSize = Math.max(0, ...chosen.map((s) => s.fleet(opts)));
const t0 = performance.now();
const rows: Row[] = [];
const failures: string[] = [];
// Interrupted: stop what runs, remove what was made, and still print what was measured.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanupAll();
    failures.push(`interrupted by ${sig}`);
    report();
    process.exit(130);
  });
}

try {
  let fleetDir = '';
  if (fleetSize) {
    const f = prepareFleet(fleetSize);
    if (typeof f === 'string') throw new Error(`no sshd fleet: ${f}`);
    fleetDir = f.dir;
    log(`fleet: ${fleetSize} sshd up in ${f.dir}`);
  }
  const ctx: Context = { opts, fleetDir, ansible, log, shared: new Map() };
  for (const s of chosen) {
    log(`== ${s.title}`);
    try {
      rows.push(...(await s.run(ctx)));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      failures.push(`${s.name}: ${msg}`);
      rows.push({ scenario: s.name, measure: 'could not run', unit: '', note: msg.split('\n')[0] });
      log(`${s.name} could not run: ${msg}`);
    }
  }
} catch (e) {
  failures.push(e instanceof Error ? e.message : String(e));
} finally {
  cleanupAll();
}
report();

/** The table (in the suite's order), results.json, the machine; exit code 1 when a scenario could not run. */
function report(): void {
  const durationS = (performance.now() - t0) / 1000;
  const order = (r: Row) => SCENARIOS.findIndex((s) => s.name === r.scenario);
  rows.sort((a, b) => order(a) - order(b));
  console.log(`\n${textTable(rows)}\n`);
  const argv = process.argv.slice(2);
  const out = path.resolve(root, opts.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const res = results(rows, {
    date: new Date().toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    quick: opts.quick,
    runs: opts.runs,
    durationS: Math.round(durationS),
    machine: machine(loadStart, ansible ?? 'not installed'),
    failures,
  });
  fs.writeFileSync(out, `${JSON.stringify(res, null, 2)}\n`);
  const m = res.machine;
  console.log(`${m.cpus} × ${m.cpuModel}, ${m.memoryMB} MB, Node ${m.node}, ansible-core ${m.ansibleCore}; load average ${m.loadAverage.start.join(' ')} at the start, ${m.loadAverage.end.join(' ')} at the end`);
  console.log(`took ${fmtDuration(durationS)}; results in ${path.relative(process.cwd(), out) || out}`);
  if (failures.length) {
    console.error(`\nbench: ${failures.length} scenario(s) could not run:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

function log(line: string): void {
  const s = Math.round((performance.now() - t0) / 1000);
  console.log(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}`);
}

function fmtDuration(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}
