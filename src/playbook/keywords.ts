/** The keywords ansible-core accepts on plays, blocks, tasks and role entries. */

/** Keywords every node (task, block, include, role entry) may carry. */
export const BASE_KEYWORDS = [
  'name',
  'when',
  'tags',
  'vars',
  'become',
  'become_user',
  'become_method',
  'become_flags',
  'become_exe',
  'ignore_errors',
  'ignore_unreachable',
  'environment',
  'no_log',
  'check_mode',
  'diff',
  'run_once',
  'delegate_to',
  'delegate_facts',
  'throttle',
  'timeout',
  'any_errors_fatal',
  'collections',
  'connection',
  'debugger',
  'module_defaults',
  'port',
  'remote_user',
] as const;

/** Keywords only a task (not a block) may carry. */
export const TASK_ONLY_KEYWORDS = [
  'action',
  'args',
  'async',
  'poll',
  'register',
  'changed_when',
  'failed_when',
  'until',
  'retries',
  'delay',
  'notify',
  'listen',
  'loop',
  'loop_control',
  'local_action',
  'with_items',
  'with_list',
  'with_dict',
  'with_indexed_items',
] as const;

export const TASK_KEYWORDS: ReadonlySet<string> = new Set<string>([...BASE_KEYWORDS, ...TASK_ONLY_KEYWORDS]);

export const BLOCK_KEYWORDS: ReadonlySet<string> = new Set<string>([...BASE_KEYWORDS, 'block', 'rescue', 'always']);


/** Keywords of a play. Rollout keywords (`max_concurrent`…) are playwatch's own. */
export const PLAY_KEYWORDS: ReadonlySet<string> = new Set([
  'name',
  'hosts',
  'vars',
  'vars_files',
  'vars_prompt',
  'roles',
  'pre_tasks',
  'tasks',
  'post_tasks',
  'handlers',
  'gather_facts',
  'gather_subset',
  'gather_timeout',
  'fact_path',
  'tags',
  'become',
  'become_user',
  'become_method',
  'become_flags',
  'become_exe',
  'environment',
  'serial',
  'strategy',
  'forks',
  'throttle',
  'timeout',
  'max_fail_percentage',
  'any_errors_fatal',
  'ignore_errors',
  'ignore_unreachable',
  'force_handlers',
  'order',
  'run_once',
  'check_mode',
  'diff',
  'no_log',
  'remote_user',
  'connection',
  'port',
  'module_defaults',
  'collections',
  'debugger',
  'max_concurrent',
  'max_concurrent_per',
  'on_group_failure',
]);

/** Keys of a `roles:` entry that are keywords, not role params. */
export const ROLE_ENTRY_KEYWORDS: ReadonlySet<string> = new Set<string>([...BASE_KEYWORDS, 'role']);

/** Actions whose string argument may carry words that are not `k=v`. */
export const RAW_PARAM_ACTIONS: ReadonlySet<string> = new Set([
  'include_vars',
  'include_tasks',
  'import_tasks',
  'include_role',
  'import_role',
  'meta',
  'group_by',
  'add_host',
  'script',
]);

/** Option words a free-form module takes as `k=v` (ansible's parse_kv list). */
export const FREE_FORM_OPTIONS: ReadonlySet<string> = new Set([
  'creates',
  'removes',
  'chdir',
  'executable',
  'warn',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
]);

/** `meta:` actions ansible-core knows. */
export const META_ACTIONS = [
  'noop',
  'flush_handlers',
  'refresh_inventory',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'reset_connection',
  'role_complete',
];
