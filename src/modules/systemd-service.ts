import { systemdNamed } from './systemd.js';

/** `systemd_service`: ansible-core's later name of `systemd`, the same module. */
export const systemdServiceModule = systemdNamed('systemd_service');
