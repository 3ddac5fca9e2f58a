export * from './overlap';
export * from './contact-rules';
export * from './rank-candidates';
