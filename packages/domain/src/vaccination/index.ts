export * from './catalog';
export * from './dose-rules';
export * from './screening';
export * from './qr-colour';
