/** What a scenario is, what it gets from the suite, and running variants interleaved. */
import type { Options } from './args.js';
import type { Measured } from './measure.js';
import type { Row } from './types.js';

export interface Context {
  opts: Options;
  /** The fleet's directory (fleet.sh's inventory.ini, keys, known_hosts). */
  fleetDir: string;
  /** ansible-core's version, or undefined when ansible-playbook is not installed. */
  ansible: string | undefined;
  /** One progress line per measurement. */
  log(line: string): void;
  /** Figures one scenario leaves for another (scenario 3 reads ansible's CPU from scenario 1). */
  shared: Map<string, number[]>;
}

export interface Scenario {
  name: string;
  title: string;
  /** Part of a plain `npm run bench` (the others run with --only). */
  inDefault: boolean;
  /** sshd the scenario needs in the fleet (0: none). */
  fleet(o: Options): number;
  /** Rough seconds it takes on a quiet 2-core machine. */
  estimateS(o: Options, withAnsible: boolean): number;
  /** Its rows; throws only when it cannot run at all (a failed measurement is a row with a note, and fails the suite). */
  run(ctx: Context): Promise<Row[]>;
}

export interface Variant {
  name: string;
  runs: number;
  once(): Promise<Measured>;
}

export class MeasurementFailed extends Error {}

/**
 * Runs each variant `runs` times, round by round (variant A, B, C, then A, B, C
 * again…), so drift in the machine's load hits all alike. A failed run stops
 * the suite's scenario with the command's output.
 */
export async function interleave(ctx: Context, label: string, variants: Variant[]): Promise<Map<string, Measured[]>> {
  const out = new Map<string, Measured[]>(variants.map((v) => [v.name, []]));
  const rounds = Math.max(0, ...variants.map((v) => v.runs));
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      if (r >= v.runs) continue;
      const m = await v.once();
      if (!m.ok) throw new MeasurementFailed(`${label} ${v.name} failed:\n${m.tail}`);
      out.get(v.name)!.push(m);
      ctx.log(`${label} ${v.name} (run ${r + 1}/${v.runs}): ${describe(m)}`);
    }
  }
  return out;
}

/** "1.52 s wall, 0.81 s CPU, 95 MB, 210 fds" */
export function describe(m: Measured): string {
  const parts = [`${(m.wallMs / 1000).toFixed(2)} s wall`, `${(m.cpuMs / 1000).toFixed(2)} s CPU`];
  if (m.rssMB !== undefined) parts.push(`${m.rssMB.toFixed(0)} MB`);
  if (m.fds) parts.push(`${m.fds} fds`);
  return parts.join(', ');
}

/** The values of one field over a variant's runs. */
export function pick(runs: Measured[] | undefined, f: (m: Measured) => number | undefined): number[] {
  return (runs ?? []).map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
}
