import type { Module } from './types.js';

/** What the playbook loader must know of a module before its code is loaded, and how to load that code. */
export interface CatalogEntry {
  /** Whether a free-form string (`command: ls -l`) is accepted: the module's own `freeForm`. */
  freeForm?: true;
  load(): Promise<Module>;
}

/**
 * Every module playwatch runs, by short name, in the registry's order (the
 * loader's "did you mean" goes through the names in this order). A run
 * loads the code of the modules its playbook names and no other: the ESM
 * loader resolves and reads each file separately, and the 90-odd files of
 * all modules were a third of start-up (docs/architecture.md, "Controller
 * CPU"). test/modules/registry.test.ts holds each row to its module.
 */
export const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  command: { freeForm: true, load: async () => (await import('./command.js')).commandModule },
  shell: { freeForm: true, load: async () => (await import('./shell.js')).shellModule },
  raw: { freeForm: true, load: async () => (await import('./raw.js')).rawModule },
  debug: { load: async () => (await import('./debug.js')).debugModule },
  set_fact: { load: async () => (await import('./set-fact.js')).setFactModule },
  fail: { load: async () => (await import('./fail.js')).failModule },
  assert: { load: async () => (await import('./assert.js')).assertModule },
  ping: { load: async () => (await import('./ping.js')).pingModule },
  pause: { load: async () => (await import('./pause.js')).pauseModule },
  include_vars: { freeForm: true, load: async () => (await import('./include-vars.js')).includeVarsModule },
  setup: { load: async () => (await import('./setup.js')).setupModule },
  async_status: { load: async () => (await import('./async-status.js')).asyncStatusModule },
  lineinfile: { load: async () => (await import('./lineinfile.js')).lineinfileModule },
  blockinfile: { load: async () => (await import('./blockinfile.js')).blockinfileModule },
  replace: { load: async () => (await import('./replace.js')).replaceModule },
  stat: { load: async () => (await import('./stat.js')).statModule },
  file: { load: async () => (await import('./file.js')).fileModule },
  copy: { load: async () => (await import('./copy.js')).copyModule },
  template: { load: async () => (await import('./template.js')).templateModule },
  script: { freeForm: true, load: async () => (await import('./script.js')).scriptModule },
  slurp: { load: async () => (await import('./slurp.js')).slurpModule },
  fetch: { load: async () => (await import('./fetch.js')).fetchModule },
  tempfile: { load: async () => (await import('./tempfile.js')).tempfileModule },
  find: { load: async () => (await import('./find.js')).findModule },
  assemble: { load: async () => (await import('./assemble.js')).assembleModule },
  unarchive: { load: async () => (await import('./unarchive.js')).unarchiveModule },
  group_by: { load: async () => (await import('./group-by.js')).groupByModule },
  add_host: { load: async () => (await import('./add-host.js')).addHostModule },
  set_stats: { load: async () => (await import('./set-stats.js')).setStatsModule },
  gather_facts: { load: async () => (await import('./setup.js')).gatherFactsModule },
  service: { load: async () => (await import('./service.js')).serviceModule },
  systemd: { load: async () => (await import('./systemd.js')).systemdModule },
  systemd_service: { load: async () => (await import('./systemd-service.js')).systemdServiceModule },
  apt: { load: async () => (await import('./apt.js')).aptModule },
  package: { load: async () => (await import('./package.js')).packageModule },
  apt_repository: { load: async () => (await import('./apt-repository.js')).aptRepositoryModule },
  dnf: { load: async () => (await import('./dnf.js')).dnfModule },
  yum: { load: async () => (await import('./yum.js')).yumModule },
  pip: { load: async () => (await import('./pip.js')).pipModule },
  user: { load: async () => (await import('./user.js')).userModule },
  group: { load: async () => (await import('./group.js')).groupModule },
  authorized_key: { load: async () => (await import('./authorized-key.js')).authorizedKeyModule },
  cron: { load: async () => (await import('./cron.js')).cronModule },
  known_hosts: { load: async () => (await import('./known-hosts.js')).knownHostsModule },
  hostname: { load: async () => (await import('./hostname.js')).hostnameModule },
  sysctl: { load: async () => (await import('./sysctl.js')).sysctlModule },
  mount: { load: async () => (await import('./mount.js')).mountModule },
  wait_for: { load: async () => (await import('./wait-for.js')).waitForModule },
  uri: { load: async () => (await import('./uri.js')).uriModule },
  get_url: { load: async () => (await import('./get-url.js')).getUrlModule },
  git: { load: async () => (await import('./git.js')).gitModule },
  wait_for_connection: { load: async () => (await import('./wait-for-connection.js')).waitForConnectionModule },
  synchronize: { load: async () => (await import('./synchronize.js')).synchronizeModule },
  reboot: { load: async () => (await import('./reboot.js')).rebootModule },
};
