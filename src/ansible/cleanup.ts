import { spawn } from 'node:child_process';

/**
 * The shell that stops ansible-core async jobs by their jids on one host.
 * A jid is `<n>.<pid>`; every process of the job (async_wrapper's
 * supervisor and the module it runs, in a process group of its own) has
 * `async_wrapper.py <n> ` on its command line. The bracket keeps pgrep from
 * finding this shell itself.
 */
export function killJobsScript(jids: readonly string[]): string {
  const nums = jids.map((j) => j.split('.')[0]!).filter((n) => /^j?\d+$/.test(n));
  return [
    `for n in ${nums.join(' ')}; do`,
    `  for p in $(pgrep -f "async_wrappe[r].py $n "); do`,
    `    g=$(ps -o pgid= -p "$p" | tr -d ' ')`,
    `    kill -s KILL "$p" 2>/dev/null`,
    `    [ -n "$g" ] && kill -s KILL -- "-$g" 2>/dev/null`,
    `  done`,
    `done`,
    'true',
  ].join('\n');
}

export interface CleanupSpec {
  /** `ansible` (the ad-hoc command beside ansible-playbook). */
  program: string;
  /** Inventory and connection arguments of the run (`-i`, `-u`, `--private-key`, `-c`, `-b` …). */
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * Stops the given jobs on their hosts with one ad-hoc `ansible` run.
 * Returns one warning per host it could not clean (failures are data).
 */
export async function killAsyncJobs(spec: CleanupSpec, jobs: ReadonlyArray<{ host: string; jid: string }>): Promise<string[]> {
  const byHost = new Map<string, string[]>();
  for (const j of jobs) byHost.set(j.host, [...(byHost.get(j.host) ?? []), j.jid]);
  const warnings: string[] = [];
  await Promise.all(
    [...byHost].map(async ([host, jids]) => {
      const r = await run(spec, [host, ...spec.args, '-m', 'ansible.builtin.shell', '-a', killJobsScript(jids)]);
      if (r.code !== 0) warnings.push(`${host}: could not stop the run's async jobs (${jids.join(', ')}): ${r.out.trim().split('\n').slice(-1)[0] ?? `exit ${r.code}`}`);
    }),
  );
  return warnings;
}

function run(spec: CleanupSpec, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(spec.program, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, spec.timeoutMs ?? 30_000);
    child.once('error', (e) => (clearTimeout(timer), resolve({ code: 127, out: e.message })));
    child.once('close', (code) => (clearTimeout(timer), resolve({ code: code ?? 1, out })));
  });
}
