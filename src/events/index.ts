export * from './types.js';
export * from './bus.js';
export * from './reduce.js';
export * from './stats.js';
export * from './record.js';
