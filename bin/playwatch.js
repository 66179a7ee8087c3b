#!/usr/bin/env node
import v8 from 'node:v8';

// A run is short and waits on the network: V8 optimizing every lukewarm
// function costs more CPU (on its helper threads) than the faster code gives
// back. Only code four times hotter than V8's default gets optimized, so a
// long templating loop still does (docs/architecture.md, "Controller CPU").
v8.setFlagsFromString('--interrupt-budget=270336');
await import('../dist/bundle/main.js');
