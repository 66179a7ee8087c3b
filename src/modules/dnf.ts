import { rpmModule, RPM_OPTIONS } from './rpm-manager.js';
import type { ArgSpec } from './spec.js';

/** `dnf`: args checked at load; at run time a clear error (src/modules/rpm-manager.ts). */
export const DNF_SPEC: ArgSpec = {
  options: { ...RPM_OPTIONS, allowerasing: { type: 'bool', default: false }, nobest: { type: 'bool', default: false } },
  requiredOneOf: [['name', 'list', 'update_cache']],
  mutuallyExclusive: [['name', 'list']],
};

export const dnfModule = rpmModule('dnf', DNF_SPEC);
