/** The suite's command line. */

export interface Options {
  quick: boolean;
  /** Scenario names to run; empty: the default set. */
  only: string[];
  /** Runs of each measurement (ansible-core's variants use `ansibleRuns`). */
  runs: number;
  ansibleRuns: number;
  /** Where results.json goes. */
  out: string;
  list: boolean;
  /** Print this results file as the Markdown table and exit (no measuring). */
  markdown?: string;
  help: boolean;
}

export const USAGE = `npm run bench -- [--quick] [--only NAME[,NAME…]]… [--runs N] [--ansible-runs N] [--out FILE] [--list]

  --quick          a small version of each scenario (under 2 minutes on a quiet 2-core machine)
  --only NAME      run only these scenarios (repeatable or a comma list; --list names them)
  --runs N         runs of each measurement (default 3, quick 1)
  --ansible-runs N runs of each ansible-playbook measurement (default: --runs)
  --out FILE       where to write the results (default bench/results.json; --quick: bench/results-quick.json)
  --list           list the scenarios and exit
  --markdown FILE  print a results file as the Markdown table README quotes, and exit

Environment: PLAYWATCH_FLEET_PORT (sshd port, default 2222), PLAYWATCH_FLEET_DIR (an
existing fleet to use; else one is started in a temp dir and stopped at the end).`;

/** Parses argv (after the script name); a string is the error to print with the usage. */
export function parseArgs(argv: string[]): Options | string {
  const o: Options = { quick: false, only: [], runs: 0, ansibleRuns: 0, out: '', list: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--quick') o.quick = true;
    else if (flag === '--list') o.list = true;
    else if (flag === '--markdown') {
      const v = value();
      if (!v) return '--markdown needs a results file';
      o.markdown = v;
    }
    else if (flag === '--help' || flag === '-h') o.help = true;
    else if (flag === '--only') {
      const v = value();
      if (!v) return '--only needs a scenario name';
      o.only.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (flag === '--runs' || flag === '--ansible-runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) return `${flag} needs a whole number ≥ 1`;
      if (flag === '--runs') o.runs = n;
      else o.ansibleRuns = n;
    } else if (flag === '--out') {
      const v = value();
      if (!v) return '--out needs a file';
      o.out = v;
    } else if (!a.startsWith('-')) o.only.push(a); // `npm run bench tui`, as before
    else return `unknown option ${a}`;
  }
  if (!o.runs) o.runs = o.quick ? 1 : 3;
  // A quick run never overwrites the full results README quotes.
  if (!o.out) o.out = o.quick ? 'bench/results-quick.json' : 'bench/results.json';
  if (!o.ansibleRuns) o.ansibleRuns = o.runs;
  return o;
}

/** The names in `only` that are not scenarios; empty when all are known. */
export function unknownNames(only: string[], known: string[]): string[] {
  return only.filter((n) => !known.includes(n));
}
