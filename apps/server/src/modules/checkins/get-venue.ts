import type { Deps, RequestContext } from '../../context';
import { loadVenueFor } from './venue-access';
import { venueView, type Venue } from './venues-repo';

/** One venue: its owner, or staff whose people:read jurisdiction holds it (else 404). Not audited: no personal data. */
export async function getVenue(deps: Deps, ctx: RequestContext, id: string): Promise<Venue> {
  return venueView(await loadVenueFor(deps.db, ctx, id, 'read'));
}
