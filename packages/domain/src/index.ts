export * from './text';
export * from './partial-date';
export * from './national-id';
export * from './access';
export * from './person-match';
export * from './app-error';
export * from './people-contract';
export * from './vaccination/index';
