#!/usr/bin/env node
// The `sen` command. Sources are TypeScript run through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(`Sen needs Node.js 24 or newer (this is ${process.version}). Run it through npm (npm start, npm run sen -- ...), which uses the Node 24 installed with the project.`);
  process.exit(1);
}
register();
await import('../src/main.ts');
