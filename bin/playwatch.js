#!/usr/bin/env node
import v8 from 'node:v8';

// A run is short and waits on the network: V8 optimizing every lukewarm
// function costs more CPU (on its helper threads) than the faster code gives
// back. Only code 32 times hotter than V8's default gets optimized, so a
// long templating loop still does (docs/architecture.md, "Controller CPU":
// 4x to 32x measured, 32x the cheapest for runs, output and the TUI).
v8.setFlagsFromString('--interrupt-budget=2162688');
await import('../dist/bundle/main.js');
