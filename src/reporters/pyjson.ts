// Moved to text/ (the TUI's final view prints custom stats with it too).
export { pyJson } from '../text/pyjson.js';
