import { z } from 'zod';
import { sql } from '@sen/db';
import type { Deps } from './context';
import type { JobQueue } from './jobs';
import { scanDuplicatesJob } from './modules/people/scan-duplicates';
import { checkinsPartitionsJob } from './modules/checkins/maintain-partitions';
import { secondDegreeJob } from './modules/tracing/second-degree';
import { reportsFoldJob } from './modules/reports/fold';
import { importTargetsJob } from './modules/vaccination/process-target-import';
import { deliverNotificationsJob } from './modules/notifications/deliver-notifications';

import { bulkIssueJob } from './modules/certificates/bulk-issue';
import { reissueJob } from './modules/certificates/reissue-after-correction';
/** The jobs of every module, registered on the queue in the server (embedded) or in `npm run worker`. */
export function registerJobs(queue: JobQueue, deps: Omit<Deps, 'jobs'>): void {
  queue.define({
    name: 'audit.ensure-partitions',
    payload: z.object({}).passthrough(),
    cron: '17 1 * * *',
    handler: async () => sql`SELECT sen_audit_ensure_partitions(3)`.execute(deps.db),
  });
  queue.define({
    name: 'access.purge-sessions',
    payload: z.object({}).passthrough(),
    cron: '23 2 * * *',
    handler: async () => deps.db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now() - interval '30 days'`).execute(),
  });
  queue.define({ ...scanDuplicatesJob({ ...deps, jobs: queue }), policy: 'stately' });
  queue.define(checkinsPartitionsJob(deps));
  queue.define(secondDegreeJob(deps));
  queue.define(reportsFoldJob(deps.db, queue));
  queue.define({ ...importTargetsJob({ ...deps, jobs: queue }), policy: 'stately' });
  queue.define(deliverNotificationsJob(deps));
  queue.define(bulkIssueJob(deps));
  queue.define(reissueJob(deps));
}
