import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Builds the web app once, when its bundle is missing, so `npm install && npm start` is enough on a fresh clone. */
export async function ensureWebBuild(distDir: string): Promise<void> {
  if (fs.existsSync(path.join(distDir, 'index.html'))) return;
  console.log('Building the web app (first start only)...');
  const res = spawnSync('npm', ['run', 'build', '-w', '@sen/web'], { stdio: 'inherit', cwd: path.resolve(distDir, '../../..') });
  if (res.status !== 0) throw new Error('the web app did not build; see the output above');
}
