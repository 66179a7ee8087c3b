/** Every scenario, in the order the suite runs them (and the table shows them). */
import type { Scenario } from '../lib/scenario.js';
import { asyncJobs } from './async.js';
import { controller } from './controller.js';
import { edits } from './edits.js';
import { latency } from './latency.js';
import { modules } from './modules.js';
import { output } from './output.js';
import { parse } from './parse.js';
import { roundtrips } from './roundtrips.js';
import { scale } from './scale.js';
import { startup } from './startup.js';
import { template } from './template.js';
import { throughput } from './throughput.js';
import { transfer } from './transfer.js';
import { tui } from './tui.js';

export const SCENARIOS: Scenario[] = [
  throughput, asyncJobs, controller, tui, scale, output, latency, startup,
  // The per-area micro benchmarks: only with --only NAME.
  parse, template, edits, transfer, modules, roundtrips,
];
