/**
 * Vaccine wastage, one definition for every report (docs/decisions.md). A dose is wasted when it was discarded
 * (a closed vial, an expired or damaged dose, the remainder of an opened vial returned and then discarded), or when
 * it left the store for a session that is now closed and neither came back nor went into an arm:
 *
 *   unaccounted = issued - returned - given        (sessions that are closed)
 *   wasted      = discarded + max(0, unaccounted)
 *   used        = given + wasted
 *   wastage %   = wasted / used
 *
 * Sessions still open or planned are left out of issued, returned and given: their vials are still in hand. A
 * negative unaccounted (more doses recorded than issued: a session drawing straight on the store, or a data error)
 * is reported as such and wastes nothing. Returned doses that are then discarded count once, as discarded.
 */
export interface WastageInput {
  /** Doses discarded, for any reason (positive). */
  discarded: number;
  /** Doses issued to sessions now closed. */
  issued: number;
  /** Doses returned from those sessions. */
  returned: number;
  /** Doses given in those sessions. */
  given: number;
}

export interface Wastage {
  unaccounted: number;
  wasted: number;
  used: number;
  /** Percent with two decimals; null when no dose was used. */
  wastagePct: number | null;
}

export function wastage(input: WastageInput): Wastage {
  for (const [name, v] of Object.entries(input)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number of 0 or more`);
  }
  const unaccounted = input.issued - input.returned - input.given;
  const wasted = input.discarded + Math.max(0, unaccounted);
  const used = input.given + wasted;
  return { unaccounted, wasted, used, wastagePct: used > 0 ? Math.round((wasted / used) * 10_000) / 100 : null };
}
