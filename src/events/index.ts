export * from './types.js';
export * from './bus.js';
export * from './reduce.js';
export * from './profile.js';
