/** Every scenario, in the order the suite runs them. */
import type { Scenario } from '../lib/scenario.js';
import { asyncJobs } from './async.js';
import { controller } from './controller.js';
import { latency } from './latency.js';
import { output } from './output.js';
import { scale } from './scale.js';
import { startup } from './startup.js';
import { throughput } from './throughput.js';
import { tui } from './tui.js';

export const SCENARIOS: Scenario[] = [throughput, asyncJobs, controller, tui, scale, output, latency, startup];
