import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
// Each command's code (engine, TUI, mail, archive …) loads only when that command runs:
// `--version` and `--help` start in Node's own time.
import type { RunFlags } from './run-command.js';
import type { AttachFlags } from './attach.js';
import type { TargetFlags } from './control-commands.js';
import type { VaultAction, VaultCommandFlags } from './vault-command.js';
import type { InventoryFlags } from './inventory-command.js';
import type { HistoryFlags, ShowFlags } from './history-command.js';
import type { CompareFlags } from './compare-command.js';
import type { ReplayFlags } from './replay-command.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

const collect = (v: string, prev: string[] = []) => [...prev, v];

const EXAMPLES = `
Examples:
  $ playwatch run fixtures/demo/site.yml -i fixtures/demo/inventory.ini
  $ playwatch run deploy.yml -i prod.ini --limit 'web:!web3' --tags app -f 10
  $ playwatch run deploy.yml -i prod.ini -e version=1.4.2 -e @vars/prod.yml --check
  $ playwatch run deploy.yml -i prod.ini --ui json > events.ndjson
  $ playwatch attach @last          # the live view of a run started elsewhere
  $ playwatch abort @last --kill
  $ playwatch history -n 10         # the last runs: result, duration, who ran them
  $ playwatch compare baseline.tar.gz @last --threshold 25%   # exit 3 when a task got slower
  $ playwatch replay --follow /shared/ci/.playwatch/runs/20261203-092620-ab12
`;

export function buildProgram(): Command {
  const program = new Command('playwatch')
    .description('Run Ansible-style playbooks and watch the deploy live')
    .version(version, '--version')
    .showHelpAfterError()
    .addHelpText('after', EXAMPLES);

  const run = program
    .command('run')
    .description('run a playbook against an inventory')
    .argument('<playbook>', 'playbook file (YAML)')
    .argument('[ansible-args...]', 'after --: more ansible-playbook arguments (with --engine ansible)')
    .addOption(new Option('--engine <engine>', "who runs the playbook: playwatch's engine, ansible-core's ansible-playbook, or auto (native when it has everything the playbook uses); default: playwatch.yml engine:, else native").choices(['native', 'ansible', 'auto']))
    .option('-i, --inventory <path>', 'inventory file, directory or host list (repeatable)', collect)
    .option('--inventory-file <path>', 'same as --inventory', collect)
    .option('-l, --limit <pattern>', 'further limit hosts to a pattern (e.g. web:!web3, @file)')
    .option('-t, --tags <tags>', 'only run tasks tagged with these (repeatable, comma separated)', collect)
    .option('--skip-tags <tags>', 'skip tasks tagged with these (repeatable, comma separated)', collect)
    .option('-e, --extra-vars <vars>', 'extra vars: k=v, JSON, or @file.yml (repeatable)', collect)
    .option('-f, --forks <n>', 'hosts to run at once', (v) => parseInt(v, 10))
    .option('-C, --check', "don't change anything; modules that can't check are skipped")
    .option('-u, --user <user>', 'connect as this user')
    .option('-c, --connection <type>', "connection type for hosts that do not set ansible_connection: 'ssh' or 'local'")
    .option('--private-key <file>', 'SSH private key for hosts that do not name one')
    .option('-T, --timeout <seconds>', 'SSH connection timeout (default 10)', (v) => parseInt(v, 10))
    .addOption(new Option('--ssh-mode <mode>', "how SSH hosts run commands: 'shell' (one long-lived sh per host, one round trip per command) or 'exec' (an exec channel per command)").choices(['exec', 'shell']))
    .option('--break-lock', 'take over deploy locks whose holder is gone (dead pid on this machine, or older than lock_stale_after)')
    .option('--lock-wait <duration>', "wait this long (30s, 5m, 1h) for a deploy lock another run holds, saying who holds it every 15 s; without it a held lock is refused at once")
    .option('--accept-new-host-keys', 'record host keys never seen before in known_hosts (a changed key is still refused)')
    .option('-b, --become', 'run operations with become (sudo)')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password; it goes to sudo on stdin')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-D, --diff', 'show the changes file modules make (copy, template, file…) as unified diffs')
    .option('--become-user <user>', 'run operations as this user')
    .addOption(new Option('--ui <mode>', 'how to show the run').choices(['tui', 'plain', 'json']))
    .option('--runs-dir <dir>', 'where run records are written (default .playwatch/runs)')
    .option('--profile-limit <n>', 'slowest tasks shown at the end (default 10; the run log keeps 100)', (v) => parseInt(v, 10))
    .addOption(new Option('--profile-sort <order>', 'order of the slow-task recap').choices(['descending', 'ascending', 'none']))
    .option('--summary-only', 'print only the recaps, not every task')
    .option('--junit <file>', 'write the run as JUnit XML for CI (one test case per task and host, failures with their output)')
    .option('--mail-to <addr>', 'mail the run record here when hosts fail (repeatable; adds to playwatch.yml mail.to)', collect)
    .option('--start-at-task <name>', "start at the first task with this name ('role : task' or a glob)")
    .option('--step', 'confirm each task before it runs: y runs it, n skips it, c runs it and the rest of the batch (TUI: keys; otherwise a line on stdin)')
    .option('--drain-timeout <seconds>', 'a drain taking longer than this kills running work (default 60)', parseFloat)
    .option('--flush-cache', "clear the fact cache, as ansible-playbook's flag does: playwatch keeps facts for one run only, so there is none to clear")
    .option('--syntax-check', 'check the playbook and exit')
    .option('--list-hosts', 'list the hosts each play would run on and exit')
    .option('--list-tasks', 'list the tasks each play would run and exit')
    .option('--list-tags', 'list the tags in the playbook and exit')
    .option('-v, --verbose', 'more detail in plain output and run.log: -v results, -vv task paths, -vvv commands with their times, -vvvv connections', (_v: string, n: number) => n + 1, 0)
    .addHelpText('after', EXAMPLES);
  addVaultOptions(run)
    .action(async (playbook: string, extra: string[], flags: RunFlags) => {
      const { runCommand } = await import('./run-command.js');
      process.exitCode = await runCommand(playbook, flags, process.argv.slice(2), extra);
    });
  program
    .command('cleanup')
    .description("after a run whose controller was killed (SIGKILL, a crash of the machine): stop its async jobs and release its deploy locks")
    .argument('<run-dir>', 'the run directory (.playwatch/runs/<run-id>); the next run names it')
    .option('-i, --inventory <path>', 'the inventory the run used (repeatable)', collect)
    .action(async (runDir: string, flags: { inventory?: string[] }) => {
      const { cleanupCommand } = await import('./cleanup.js');
      process.exitCode = await cleanupCommand(runDir, flags);
    });
  addVaultOptions(
    program
      .command('inventory')
      .description('show the inventory as playwatch reads it, in ansible-inventory\'s JSON (--list, or --host NAME)')
      .option('-i, --inventory <path>', 'inventory file, directory, script or host list (repeatable; default: ansible.cfg\'s)', collect)
      .option('--inventory-file <path>', 'same as --inventory', collect)
      .option('--list', 'every group with its hosts and children, and every host\'s variables under _meta.hostvars')
      .option('--host <name>', 'one host\'s inventory variables')
      .option('--playbook-dir <dir>', 'read the group_vars/ and host_vars/ beside a playbook in this directory too'),
  ).action(async (flags: InventoryFlags) => {
    const { inventoryCommand } = await import('./inventory-command.js');
    process.exitCode = await inventoryCommand(flags);
  });
  for (const action of ['view', 'encrypt', 'decrypt', 'encrypt-string', 'create', 'edit', 'rekey'] as const) addVaultCommand(program, action);
  addControlCommands(program);
  addHistoryCommands(program);
  return program;
}

const RUN_ARG = ['<run>', 'a run id, a run directory, or @last (the newest run in the runs directory)'] as const;
const RUNS_DIR = ['--runs-dir <dir>', 'where run records are (default .playwatch/runs)'] as const;

/** attach, abort, pause, resume: a live run steered over its control socket (DESIGN §12). */
function addControlCommands(program: Command): void {
  program
    .command('attach')
    .description('open the live view of a run started elsewhere; q and Ctrl-C detach, a + confirm aborts it')
    .argument(...RUN_ARG)
    .addOption(new Option('--ui <mode>', 'how to show the run').choices(['tui', 'plain', 'json']))
    .option(...RUNS_DIR)
    .action(async (run: string, flags: AttachFlags) => {
      const { attachCommand } = await import('./attach.js');
      process.exitCode = await attachCommand(run, flags);
    });
  program
    .command('abort')
    .description('drain a live run (running tasks finish, nothing new starts), or kill it with --kill')
    .argument(...RUN_ARG)
    .option('--kill', 'stop running commands and async jobs now')
    .option(...RUNS_DIR)
    .action(async (run: string, flags: TargetFlags & { kill?: boolean }) => {
      const { controlCommand } = await import('./control-commands.js');
      process.exitCode = await controlCommand(flags.kill ? 'kill' : 'drain', run, flags);
    });
  for (const [name, what] of [
    ['pause', 'pause a live run between tasks (running tasks finish)'],
    ['resume', 'let a paused run go on'],
  ] as const) {
    program
      .command(name)
      .description(what)
      .argument(...RUN_ARG)
      .option(...RUNS_DIR)
      .action(async (run: string, flags: TargetFlags) => {
        const { controlCommand } = await import('./control-commands.js');
        process.exitCode = await controlCommand(name, run, flags);
      });
  }
}

const NAMED_RUN = 'a run id, @last, @prev, a run directory, its events.jsonl or summary.json, or its .tar.gz archive';

/** history, show, compare, replay: the runs directory (DESIGN §1 history/). */
function addHistoryCommands(program: Command): void {
  program
    .command('history')
    .description('list the runs in the runs directory, oldest first; --prune removes old ones')
    .option(...RUNS_DIR)
    .option('--json', 'one JSON array of runs')
    .option('-n, --number <n>', 'only the newest N runs', (v) => parseInt(v, 10))
    .option('--prune', 'remove runs beyond runs_keep and runs_max_mb (runs still going are kept)')
    .option('--keep <n>', 'with --prune (implied): keep only the newest N runs', (v) => parseInt(v, 10))
    .action(async (flags: HistoryFlags) => {
      const { historyCommand } = await import('./history-command.js');
      process.exitCode = await historyCommand(flags);
    });
  program
    .command('show')
    .description('a recorded run: recap, slowest tasks, failures with their output, and its files')
    .argument('<run>', NAMED_RUN)
    .option(...RUNS_DIR)
    .option('--json', 'the run as JSON')
    .option('--profile-limit <n>', 'slowest tasks shown (default 10)', (v) => parseInt(v, 10))
    .action(async (run: string, flags: ShowFlags) => {
      const { showCommand } = await import('./history-command.js');
      process.exitCode = await showCommand(run, flags);
    });
  program
    .command('compare')
    .description('task times of two runs side by side; exit 3 when a task of B is slower than in A beyond --threshold')
    .argument('<runA>', `the baseline: ${NAMED_RUN}`)
    .argument('<runB>', 'the run to judge, named the same ways')
    .option(...RUNS_DIR)
    .option('--threshold <pct>', 'a task slower by more than this is a regression (default 20%)')
    .option('--json', 'the comparison as JSON')
    .action(async (a: string, b: string, flags: CompareFlags) => {
      const { compareCommand } = await import('./compare-command.js');
      process.exitCode = await compareCommand(a, b, flags);
    });
  program
    .command('replay')
    .description('show a recorded run through the live view (TUI or plain); --follow watches a run directory as its run writes it')
    .argument('<run>', `${NAMED_RUN}; with --follow, the run directory of a live run`)
    .option(...RUNS_DIR)
    .option('--speed <n>', 'times faster than recorded (default 1; 0: no waiting)', parseFloat)
    .addOption(new Option('--ui <mode>', 'how to show the run').choices(['tui', 'plain', 'json']))
    .option('--follow', "read the run's events.jsonl as it grows, read-only: q and Ctrl-C stop watching, never the run")
    .option('--junit <file>', 'also write the run as JUnit XML (one test case per task and host)')
    .action(async (run: string, flags: ReplayFlags) => {
      const { replayCommand } = await import('./replay-command.js');
      process.exitCode = await replayCommand(run, flags);
    });
}

const VAULT_HELP: Record<VaultAction, string> = {
  view: 'show the plaintext of vault-encrypted files',
  encrypt: 'encrypt files in place (or to --output) as ansible-vault does',
  decrypt: 'decrypt files in place (or to --output, - for stdout)',
  'encrypt-string': 'print a value encrypted as a `!vault |` YAML value (--name for the variable)',
  create: 'write a new encrypted file from what $EDITOR (default vi) leaves',
  edit: 'open an encrypted file in $EDITOR and encrypt it again with the same password and vault id',
  rekey: 'encrypt files again under a new password (--new-vault-password-file, --new-vault-id, or asked)',
};

/** The vault password options of ansible-playbook and ansible-vault, with their other spellings hidden. */
function addVaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault-id <id>', 'a vault password as label@source; source is a file, an executable script or prompt (repeatable)', collect)
    .option('--vault-password-file <file>', 'a file (or executable script) holding the vault password (repeatable)', collect)
    .addOption(new Option('--vault-pass-file <file>').hideHelp().argParser(collect))
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .addOption(new Option('--ask-vault-password').hideHelp());
}

/** `playwatch vault <action>`: the vault flags of `run`, plus --output and --encrypt-vault-id. */
function addVaultCommand(program: Command, action: VaultAction): void {
  const vault = program.commands.find((c) => c.name() === 'vault') ?? program.command('vault').description('view, encrypt, decrypt, create, edit and rekey ansible-vault files');
  const cmd = vault
    .command(action)
    .description(VAULT_HELP[action])
    .argument(action === 'encrypt-string' ? '<value>' : action === 'create' || action === 'edit' ? '<file>' : '<files...>');
  addVaultOptions(cmd);
  if (action === 'encrypt' || action === 'encrypt-string' || action === 'create') cmd.option('--encrypt-vault-id <label>', 'the vault id to encrypt with, when several are given');
  if (action === 'rekey') {
    cmd.option('--new-vault-password-file <file>', 'the new vault password: a file or an executable script');
    cmd.option('--new-vault-id <id>', 'the new vault password as label@source');
  }
  if (action === 'encrypt-string') cmd.option('-n, --name <name>', 'the variable name to write the value under');
  if (action === 'encrypt' || action === 'decrypt') cmd.option('--output <file>', 'write here instead of in place (- for stdout)');
  cmd.action(async (args: string | string[], flags: VaultCommandFlags) => {
    const { vaultCommand } = await import('./vault-command.js');
    process.exitCode = await vaultCommand(action, Array.isArray(args) ? args : [args], flags);
  });
}

buildProgram()
  .parseAsync(process.argv)
  .catch(async (err) => {
    const { reportFatal } = await import('./fatal.js');
    process.exitCode = reportFatal(err);
  });
