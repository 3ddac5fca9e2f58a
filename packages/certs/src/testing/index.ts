// Node-only test and bench helpers (EU DCC vectors); the browser-safe library is the package root.
export * from './vectors';
export * from './conformance';
