export * from './types.js';
export * from './bus.js';
