export * from './uvci';
export * from './icao';
export * from './vaccination-certificate';
