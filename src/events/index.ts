export * from './types.js';
export * from './bus.js';
export * from './reduce.js';
export { emptyProfile, profileOf, stepProfile, ProfileFeed, type ProfileState } from './profile.js';
export * from './profile-view.js';
export * from './stats.js';
export * from './record.js';
