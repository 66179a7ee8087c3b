export * from './types.js';
export * from './errors.js';
export * from './mail.js';
export * from './glob.js';
export * from './services.js';
export * from './modules.js';
export * from './vault.js';
