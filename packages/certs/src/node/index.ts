// NODE-ONLY entry ('@sen/certs/node'): keys directory and file-backed signer. The browser entry is '../index.ts'.
export * from './keystore';
export * from './file-signer';
export * from './qr-image';
