import { rpmModule, RPM_OPTIONS } from './rpm-manager.js';

/** `dnf`: args checked at load; at run time a clear error (src/modules/rpm-manager.ts). */
export const dnfModule = rpmModule('dnf', {
  options: { ...RPM_OPTIONS, allowerasing: { type: 'bool', default: false }, nobest: { type: 'bool', default: false } },
  requiredOneOf: [['name', 'list', 'update_cache']],
  mutuallyExclusive: [['name', 'list']],
});
