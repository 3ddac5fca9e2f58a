export * from './base45';
export * from './cbor';
export * from './schema';
export * from './keys';
export * from './hcert';
