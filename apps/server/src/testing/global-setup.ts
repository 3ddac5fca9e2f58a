import { ensureTestTemplate } from './test-db';

export default async function setup(): Promise<void> {
  await ensureTestTemplate();
}
