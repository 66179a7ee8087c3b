import { rpmModule, RPM_OPTIONS } from './rpm-manager.js';
import type { ArgSpec } from './spec.js';

/** `yum`: args checked at load; at run time a clear error (src/modules/rpm-manager.ts). */
export const YUM_SPEC: ArgSpec = {
  options: { ...RPM_OPTIONS, use_backend: { type: 'str', default: 'auto', choices: ['auto', 'yum', 'yum4', 'dnf'] } },
  requiredOneOf: [['name', 'list', 'update_cache']],
  mutuallyExclusive: [['name', 'list']],
};

export const yumModule = rpmModule('yum', YUM_SPEC);
