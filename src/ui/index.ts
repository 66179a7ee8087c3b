/** The live terminal UI: ink components fed by `events/reduce` through a `RunStore`. */
export { App, type AppProps, type RunSteering } from './App.js';
export { FinalView, type FinalViewProps } from './FinalView.js';
export { Header, type HeaderProps } from './Header.js';
export { HostTable, type HostTableProps } from './HostTable.js';
export { AsyncPanel, type AsyncPanelProps } from './AsyncPanel.js';
export { Timeline, type TimelineProps } from './Timeline.js';
export { DrillDown, type DrillDownProps } from './DrillDown.js';
export { Confirm, type ConfirmProps } from './Confirm.js';
export { Help, type HelpProps } from './Help.js';
export { KeyBar, type KeyBarProps } from './KeyBar.js';
export { RunStore, type StoreOptions } from './store.js';
export { finalLines, abortSummary, type FinalOptions } from './final.js';
export { abortPlan, type AbortPlan } from './abort-plan.js';
export { handleKey, initialView, type ViewState, type Command, type KeyContext } from './keys.js';
export { visibleHosts, hostTally, type HostQuery } from './host-rows.js';
