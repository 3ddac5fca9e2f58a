export * from './catalog';
export * from './dose-rules';
export * from './screening';
export * from './qr-colour';
export * from './next-dose';
export * from './target-import';
export * from './allocation';
export * from './wastage';
